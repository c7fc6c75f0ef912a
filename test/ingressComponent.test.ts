import * as pulumi from "@pulumi/pulumi";
import { installMocks, Recorded, resolve, settle } from "./mocks";

const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const SERVICE = "kubernetes:core/v1:Service";
const reads: { name: string; id?: string }[] = [];
/**
 * The address in the read Service's status. It differs on purpose from the configured
 * `loadBalancerIp` and from the Gateway's status address, so the public IP output can only pass by
 * coming from the Service the component reads.
 */
const SERVICE_IP = "198.51.100.20";

const recorded: Recorded[] = installMocks({
  outputs: {
    // What NGF writes once the data plane's LoadBalancer Service has an address.
    [GATEWAY]: () => ({ status: { addresses: [{ type: "IPAddress", value: "203.0.113.7" }] } }),
    "tls:index/privateKey:PrivateKey": (a) => ({ privateKeyPem: `KEY ${a.name}` }),
    "tls:index/selfSignedCert:SelfSignedCert": (a) => ({ certPem: `CERT ${a.name}` }),
    "tls:index/certRequest:CertRequest": (a) => ({ certRequestPem: `CSR ${a.name}` }),
    "tls:index/locallySignedCert:LocallySignedCert": (a) => ({ certPem: `CERT ${a.name}` }),
    // The Service NGF provisioned, as a read returns it.
    [SERVICE]: (a) => {
      reads.push({ name: a.name, id: a.id });
      return {
        metadata: { name: "public-nginx", namespace: "nginx-gateway" },
        spec: { type: "LoadBalancer" },
        status: { loadBalancer: { ingress: [{ ip: SERVICE_IP }] } },
      };
    },
  },
});

// Imported after the mocks are installed.
import * as k8s from "@pulumi/kubernetes";
import type { IngressConfig } from "../config";
import { Ingress } from "../components/ingress";
import { forceOwnership } from "../lib/fieldOwnership";

/** Every child the component declares, with the options it was given. */
const declared: {
  type: string;
  name: string;
  resource: pulumi.Resource;
  opts: pulumi.CustomResourceOptions;
}[] = [];
const spy = (a: pulumi.ResourceTransformationArgs) => {
  declared.push({ type: a.type, name: a.name, resource: a.resource, opts: a.opts });
  return undefined;
};

const ingress: IngressConfig = {
  chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric",
  chartVersion: "2.4.2",
  gatewayApiCrds:
    "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml",
  loadBalancerIp: "203.0.113.7",
  hostname: "ratings.contoso.com",
  tlsSecretName: "ratings-tls",
};

let component: Ingress;
const one = (type: string, name: string) => {
  const found = recorded.find((x) => x.type === type && x.name === name);
  if (!found)
    throw new Error(
      `no ${type} ${name}; have ${recorded.map((x) => `${x.type}/${x.name}`).join(", ")}`,
    );
  return found;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const inputs = (x: Recorded) => x.inputs as any;
const decl = (type: string) => {
  const found = declared.find((d) => d.type === type);
  if (!found) throw new Error(`nothing of type ${type} declared`);
  return found;
};

beforeAll(async () => {
  const provider = new k8s.Provider("test", { kubeconfig: "{}" });
  component = new Ingress(
    "ingress",
    { ingress, stamp: "seattle", routeNamespaces: ["ratings"] },
    // As stacks/ apply it: field ownership for everything beneath the in-cluster components.
    { providers: { kubernetes: provider }, transformations: [spy], transforms: [forceOwnership] },
  );
  await resolve(component.publicIp);
  await settle();
});

const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const CERTS = "ash-ha-kubernetes:ingress:GatewayCertificates";

test("registers namespace, CRDs, certificates, chart, policies, Gateway and reads the provisioned Service", () => {
  const summary = recorded
    .filter((x) => !x.type.startsWith("pulumi:providers") && !x.type.startsWith("tls:"))
    .map((x) => `${x.type} ${x.name}`)
    .sort();
  expect(summary).toEqual(
    [
      "ash-ha-kubernetes:ingress:Ingress ingress",
      "kubernetes:core/v1:Namespace ingress-ns",
      "kubernetes:yaml/v2:ConfigFile ingress-gateway-api-crds",
      `${CERTS} ingress-certs`,
      "kubernetes:core/v1:Secret ingress-certs-server-secret",
      "kubernetes:core/v1:Secret ingress-certs-agent-secret",
      "kubernetes:helm.sh/v4:Chart ingress-ngf",
      `${POLICY} ingress-default-deny-ingress`,
      `${POLICY} ingress-ngf-data-plane`,
      `${POLICY} ingress-ngf-control-plane`,
      `${GATEWAY} ingress-gateway`,
      `${SERVICE} ingress-lb`,
    ].sort(),
  );
  expect(reads).toEqual([{ name: "ingress-lb", id: "nginx-gateway/public-nginx" }]);
});

test("every Kubernetes resource and component uses the given provider", () => {
  for (const x of recorded.filter((r) => r.type.startsWith("kubernetes:"))) {
    expect(x.provider).toMatch(/pulumi:providers:kubernetes::test::/);
  }
});

test("every child, the read Service included, has the component as parent; the Secrets and keys sit under GatewayCertificates", () => {
  const self = one("ash-ha-kubernetes:ingress:Ingress", "ingress");
  const certs = one(CERTS, "ingress-certs");
  const underCerts = (x: Recorded) =>
    x.type.startsWith("tls:") || x.name.startsWith("ingress-certs-");
  const children = recorded.filter(
    (x) => (x.type.startsWith("kubernetes:") || x.type === CERTS) && !underCerts(x),
  );
  expect(children).toHaveLength(9);
  for (const x of children) {
    expect({ child: `${x.type} ${x.name}`, parent: x.parent }).toEqual({
      child: `${x.type} ${x.name}`,
      parent: self.urn,
    });
  }
  const grandchildren = recorded.filter(underCerts);
  // 3 keys, the CA, 2 requests, 2 certificates, 2 Secrets.
  expect(grandchildren).toHaveLength(10);
  for (const x of grandchildren) {
    expect({ child: `${x.type} ${x.name}`, parent: x.parent }).toEqual({
      child: `${x.type} ${x.name}`,
      parent: certs.urn,
    });
  }
});

test("the pinned Gateway API CRDs come first: the chart depends on them, the Gateway on the chart", () => {
  expect(inputs(one("kubernetes:yaml/v2:ConfigFile", "ingress-gateway-api-crds")).file).toBe(
    ingress.gatewayApiCrds,
  );
  const crds = decl("kubernetes:yaml/v2:ConfigFile").resource;
  const ns = decl("kubernetes:core/v1:Namespace").resource;
  const chart = decl("kubernetes:helm.sh/v4:Chart");
  expect(chart.opts.dependsOn).toEqual(expect.arrayContaining([crds, ns]));
  expect(decl(GATEWAY).opts.dependsOn).toEqual([chart.resource]);
  expect(decl(SERVICE).opts.dependsOn).toEqual([decl(GATEWAY).resource]);
});

test("the chart is pinned and its images carry the chart version", () => {
  const chart = inputs(one("kubernetes:helm.sh/v4:Chart", "ingress-ngf"));
  expect(chart.chart).toBe("oci://ghcr.io/nginx/charts/nginx-gateway-fabric");
  expect(chart.version).toBe("2.4.2");
  expect(chart.namespace).toBe("nginx-gateway");
  expect(chart.values.nginxGateway.image.tag).toBe("2.4.2");
  expect(chart.values.nginx.image.tag).toBe("2.4.2");
});

test("exactly one LoadBalancer: one Gateway, data plane Service type LoadBalancer with the fixed IP, no Service created", async () => {
  const chart = inputs(one("kubernetes:helm.sh/v4:Chart", "ingress-ngf"));
  expect(chart.values.nginx.service).toEqual({
    type: "LoadBalancer",
    loadBalancerIP: "203.0.113.7",
  });
  expect(recorded.filter((x) => x.type === GATEWAY)).toHaveLength(1);
  // The only Service is the one read back (by the id the component derives from its namespace and
  // the Gateway's name), never one the program creates.
  expect(recorded.filter((x) => x.type === SERVICE).map((x) => [x.name, x.id])).toEqual([
    ["ingress-lb", "nginx-gateway/public-nginx"],
  ]);
  const services = declared.filter((d) => d.type === SERVICE);
  expect(services).toHaveLength(1);
  expect((await resolve(services[0].opts.id)).value).toBe("nginx-gateway/public-nginx");
});

test("requests and limits on the control and data plane", () => {
  const v = inputs(one("kubernetes:helm.sh/v4:Chart", "ingress-ngf")).values;
  for (const r of [v.nginxGateway.resources, v.nginx.container.resources]) {
    expect(r.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(r.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
  }
});

test("the Gateway: class nginx, HTTP and HTTPS listeners with the hostname, waits for its address", () => {
  const gw = inputs(one(GATEWAY, "ingress-gateway"));
  expect(gw.metadata.name).toBe("public");
  expect(gw.metadata.namespace).toBe("nginx-gateway");
  expect(gw.metadata.annotations).toEqual({
    "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}",
    "pulumi.com/patchForce": "true",
  });
  expect(gw.spec.gatewayClassName).toBe("nginx");
  expect(
    gw.spec.listeners.map(
      (l: { name: string; protocol: string; port: number; hostname: string }) => [
        l.name,
        l.protocol,
        l.port,
        l.hostname,
      ],
    ),
  ).toEqual([
    ["http", "HTTP", 80, "ratings.contoso.com"],
    ["https", "HTTPS", 443, "ratings.contoso.com"],
  ]);
  expect(gw.spec.listeners[1].tls.certificateRefs).toEqual([
    { kind: "Secret", name: "ratings-tls" },
  ]);
  expect(gw.spec.listeners[0].allowedRoutes.namespaces.from).toBe("Selector");
});

test("outputs: public IP from the Service status, gateway name and namespace", async () => {
  expect((await resolve(component.publicIp)).value).toBe(SERVICE_IP);
  expect((await resolve(component.gatewayName)).value).toBe("public");
  expect(component.gatewayNamespace).toBe("nginx-gateway");
  expect(component.serviceName).toBe("public-nginx");
  expect((await resolve(component.gateway.name)).value).toBe("public");
});

test("objects the program declares are force-owned; the namespace enforces baseline", () => {
  const ns = inputs(one("kubernetes:core/v1:Namespace", "ingress-ns"));
  expect(ns.metadata.annotations).toEqual({ "pulumi.com/patchForce": "true" });
  expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  const chart = inputs(one("kubernetes:helm.sh/v4:Chart", "ingress-ngf"));
  expect(chart.metadata).toBeUndefined();
});

test("NGF's mTLS Secrets exist before the chart: it depends on both, and its cert generator is off", async () => {
  const chart = decl("kubernetes:helm.sh/v4:Chart");
  const secrets = declared.filter((d) => d.type === "kubernetes:core/v1:Secret");
  expect(secrets.map((d) => d.name).sort()).toEqual([
    "ingress-certs-agent-secret",
    "ingress-certs-server-secret",
  ]);
  expect(chart.opts.dependsOn).toEqual(expect.arrayContaining(secrets.map((d) => d.resource)));
  const values = inputs(one("kubernetes:helm.sh/v4:Chart", "ingress-ngf")).values;
  expect(values.certGenerator).toEqual({
    enable: false,
    serverTLSSecretName: "server-tls",
    agentTLSSecretName: "agent-tls",
  });
  // The Secrets the chart is told about are the ones created, in the chart's namespace.
  for (const [id, name] of [
    ["server", "server-tls"],
    ["agent", "agent-tls"],
  ]) {
    const metadata = inputs(
      one("kubernetes:core/v1:Secret", `ingress-certs-${id}-secret`),
    ).metadata;
    expect([metadata.name, metadata.namespace]).toEqual([name, "nginx-gateway"]);
  }
  // The server certificate names the Service the chart creates for release "ngf".
  const csr = inputs(one("tls:index/certRequest:CertRequest", "ingress-certs-server-csr"));
  expect(csr.dnsNames).toEqual(["ngf-nginx-gateway-fabric.nginx-gateway.svc"]);
});

test("NetworkPolicies of nginx-gateway: default deny, listeners 80/443 from anywhere, agent port from the data plane", () => {
  const policy = (name: string) => inputs(one(POLICY, `ingress-${name}`));
  for (const name of ["default-deny-ingress", "ngf-data-plane", "ngf-control-plane"]) {
    expect(policy(name).metadata.namespace).toBe("nginx-gateway");
    expect(policy(name).metadata.name).toBe(name);
  }
  expect(policy("default-deny-ingress").spec).toEqual({
    podSelector: {},
    policyTypes: ["Ingress"],
  });
  const dataPlane = {
    matchLabels: {
      "app.kubernetes.io/instance": "ngf",
      "app.kubernetes.io/managed-by": "ngf-nginx",
    },
  };
  // This Gateway has an HTTPS listener (tlsSecretName is set), so 443 is open as well.
  expect(policy("ngf-data-plane").spec).toEqual({
    podSelector: dataPlane,
    policyTypes: ["Ingress"],
    ingress: [
      {
        ports: [
          { protocol: "TCP", port: 80 },
          { protocol: "TCP", port: 443 },
        ],
      },
    ],
  });
  expect(policy("ngf-control-plane").spec).toEqual({
    podSelector: {
      matchLabels: {
        "app.kubernetes.io/name": "nginx-gateway-fabric",
        "app.kubernetes.io/instance": "ngf",
      },
    },
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: dataPlane }], ports: [{ protocol: "TCP", port: 8443 }] }],
  });
});
