import { ConfigError, parseConfig, PROJECT, StampConfig } from "../config";
import * as i from "../lib/ingress";
import { readStackFile } from "./stackFiles";

/** Parses the seattle stamp with `ingress` replaced; returns the config or the problems. */
function withIngress(ingress: Record<string, unknown>) {
  const raw = readStackFile("seattle");
  raw.config[`${PROJECT}:ingress`] = JSON.stringify(ingress);
  // seattle's certificates need ingress.hostname; these tests are about the ingress key alone.
  delete raw.config[`${PROJECT}:certificates`];
  try {
    return { config: parseConfig("seattle", raw.config, raw.secretKeys).config as StampConfig };
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems };
    throw e;
  }
}

const defaults = withIngress({}).config!.ingress;

describe("pins", () => {
  test("defaults: NGF 2.4.2 from its OCI registry, Gateway API v1.4.1 standard CRDs", () => {
    expect(defaults).toEqual({
      chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric",
      chartVersion: "2.4.2",
      gatewayApiCrds:
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml",
    });
  });

  test.each([
    [
      { chartVersion: "2.4" },
      'ingress.chartVersion: "2.4" must be an exact chart version such as 2.4.2',
    ],
    [
      { chartVersion: "2.4.1", chart: "/mirror/nginx-gateway-fabric-2.4.2.tgz" },
      'ingress.chart: "/mirror/nginx-gateway-fabric-2.4.2.tgz" must be the archive of the pinned chart version, named "nginx-gateway-fabric-2.4.1.tgz" (or set the chart version to the archive\'s)',
    ],
    [
      { chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric:2.4.2" },
      'ingress.chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric:2.4.2" must not carry a tag or digest: the version is the pinned chart version (2.4.2)',
    ],
    [
      { imageRegistry: "https://registry.fabrikam.de" },
      'ingress.imageRegistry: "https://registry.fabrikam.de" must be a registry host with optional port and path, e.g. registry.contoso.local:5000/mirror',
    ],
    [
      { loadBalancerIp: "10.0.0.300" },
      'ingress.loadBalancerIp: "10.0.0.300" must be an IP address',
    ],
  ])("%j is refused", (ingress, problem) => {
    expect(withIngress(ingress).problems).toEqual([problem]);
  });

  test.each([
    [{ chart: "/mirror/nginx-gateway-fabric-2.4.2.tgz" }],
    [{ chart: "https://charts.fabrikam.de/stable", chartVersion: "2.3.0" }],
    [{ imageRegistry: "registry.fabrikam.de:5000/mirror" }],
  ])("%j is accepted", (ingress) => {
    expect(withIngress(ingress).problems).toBeUndefined();
  });
});

describe("NGF values", () => {
  test("images pinned to the chart version, from ghcr.io or the mirror", () => {
    const upstream = i.ngfValues(defaults);
    expect(upstream.nginxGateway.image).toEqual({
      repository: "ghcr.io/nginx/nginx-gateway-fabric",
      tag: "2.4.2",
      pullPolicy: "IfNotPresent",
    });
    expect(upstream.nginx.image).toEqual({
      repository: "ghcr.io/nginx/nginx-gateway-fabric/nginx",
      tag: "2.4.2",
      pullPolicy: "IfNotPresent",
    });
    const mirrored = i.ngfValues({ ...defaults, imageRegistry: "registry.fabrikam.de" });
    expect(mirrored.nginxGateway.image.repository).toBe(
      "registry.fabrikam.de/nginx/nginx-gateway-fabric",
    );
    expect(mirrored.nginx.image.repository).toBe(
      "registry.fabrikam.de/nginx/nginx-gateway-fabric/nginx",
    );
  });

  test.each([
    [undefined, { type: "LoadBalancer" }],
    ["203.0.113.10", { type: "LoadBalancer", loadBalancerIP: "203.0.113.10" }],
  ])("load balancer IP %s -> data plane service %j", (ip, service) => {
    expect(i.ngfValues({ ...defaults, loadBalancerIp: ip }).nginx.service).toEqual(service);
  });

  test("requests and limits on both planes, telemetry off, class nginx, two replicas each", () => {
    const v = i.ngfValues(defaults);
    for (const r of [v.nginxGateway.resources, v.nginx.container.resources]) {
      expect(Object.keys(r.requests).sort()).toEqual(["cpu", "memory"]);
      expect(Object.keys(r.limits).sort()).toEqual(["cpu", "memory"]);
    }
    expect(v.nginxGateway.productTelemetry).toEqual({ enable: false });
    expect(v.nginxGateway.gatewayClassName).toBe("nginx");
    expect([v.nginxGateway.replicas, v.nginx.replicas]).toEqual([2, 2]);
  });

  test("the chart's cert generator (a Helm hook Job) is off; the Secret names are the program's", () => {
    expect(i.ngfValues(defaults).certGenerator).toEqual({
      enable: false,
      serverTLSSecretName: "server-tls",
      agentTLSSecretName: "agent-tls",
    });
  });
});

describe("Gateway", () => {
  const all = { namespaces: { from: "All" } };
  test.each([
    [{}, [{ name: "http", protocol: "HTTP", port: 80, allowedRoutes: all }]],
    [
      { hostname: "ratings.contoso.com" },
      [
        {
          name: "http",
          protocol: "HTTP",
          port: 80,
          hostname: "ratings.contoso.com",
          allowedRoutes: all,
        },
      ],
    ],
    [
      { tlsSecretName: "ratings-tls" },
      [
        { name: "http", protocol: "HTTP", port: 80, allowedRoutes: all },
        {
          name: "https",
          protocol: "HTTPS",
          port: 443,
          tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "ratings-tls" }] },
          allowedRoutes: all,
        },
      ],
    ],
  ])("%j -> listeners", (opts, listeners) => {
    expect(i.gatewaySpec(opts)).toEqual({ gatewayClassName: "nginx", listeners });
  });

  test("routes attach only from the listed namespaces when given", () => {
    const spec = i.gatewaySpec({ tlsSecretName: "t", routeNamespaces: ["ratings"] });
    for (const l of spec.listeners) {
      expect(l.allowedRoutes).toEqual({
        namespaces: {
          from: "Selector",
          selector: {
            matchExpressions: [
              { key: "kubernetes.io/metadata.name", operator: "In", values: ["ratings"] },
            ],
          },
        },
      });
    }
  });

  test.each([
    ["public", "public-nginx"],
    ["a".repeat(57), `${"a".repeat(57)}-nginx`],
  ])("gateway %s -> data plane service %s", (gateway, service) => {
    expect(i.dataPlaneServiceName(gateway)).toBe(service);
  });

  test("a gateway name that would make NGF hash its Service name is refused", () => {
    expect(() => i.dataPlaneServiceName("a".repeat(58))).toThrow(
      `gateway name "${"a".repeat(58)}" is too long: NGF's Service "${"a".repeat(58)}-nginx" would exceed 63 characters; use at most 57`,
    );
  });
});

describe("load balancer address", () => {
  test.each([
    [
      {
        spec: { type: "LoadBalancer" },
        status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } },
      },
      "203.0.113.7",
    ],
    [
      {
        spec: { type: "LoadBalancer" },
        status: { loadBalancer: { ingress: [{ hostname: "lb.example" }] } },
      },
      "lb.example",
    ],
  ])("%j -> %s", (svc, address) => {
    expect(i.loadBalancerAddress(svc, "public-nginx")).toBe(address);
  });

  test.each([
    [
      { spec: { type: "ClusterIP" } },
      "Service public-nginx is of type ClusterIP, not LoadBalancer; check the chart value nginx.service.type",
    ],
    [
      { spec: { type: "LoadBalancer" }, status: { loadBalancer: {} } },
      "Service public-nginx has no load balancer address yet; check the cloud provider's events on it (kubectl describe service public-nginx)",
    ],
  ])("%j -> error", (svc, message) => {
    expect(() => i.loadBalancerAddress(svc, "public-nginx")).toThrow(message);
  });
});

test("the ingress namespace enforces baseline and warns about restricted", () => {
  expect(i.namespaceLabels("seattle")).toMatchObject({
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/warn": "restricted",
    "ash-ha-kubernetes/stamp": "seattle",
  });
});
