import * as np from "../lib/gatewayNetworkPolicies";

// Labels as NGF 2.4.2 sets them for release "ngf" and class "nginx" (docs/in-cluster.md names the
// upstream files): chart selector labels on the controller, provisioner labels on the data plane.
const CONTROL_PLANE = {
  "app.kubernetes.io/name": "nginx-gateway-fabric",
  "app.kubernetes.io/instance": "ngf",
};
const DATA_PLANE = {
  "app.kubernetes.io/instance": "ngf",
  "app.kubernetes.io/managed-by": "ngf-nginx",
};

const policies = (listenerPorts: number[]) =>
  np.gatewayNetworkPolicies({ release: "ngf", gatewayClass: "nginx", listenerPorts });
const byName = (ports: number[], name: string) => {
  const found = policies(ports).find((p) => p.name === name);
  if (!found) throw new Error(`no policy ${name}`);
  return found.spec;
};

test("three policies: default deny, data plane, control plane", () => {
  expect(policies([80]).map((p) => p.name)).toEqual([
    "default-deny-ingress",
    "ngf-data-plane",
    "ngf-control-plane",
  ]);
});

test("default deny: every pod of the namespace, ingress only (egress stays open)", () => {
  expect(byName([80], "default-deny-ingress")).toEqual({
    podSelector: {},
    policyTypes: ["Ingress"],
  });
});

test.each([
  [[80], [80]],
  [
    [80, 443],
    [80, 443],
  ],
  [
    [443, 80, 443],
    [80, 443],
  ],
])("data plane: listener ports %j from anywhere -> %j", (listeners, open) => {
  expect(byName(listeners, "ngf-data-plane")).toEqual({
    podSelector: { matchLabels: DATA_PLANE },
    policyTypes: ["Ingress"],
    // No `from`: the load balancer's traffic comes from addresses nobody can list in advance.
    ingress: [{ ports: open.map((port) => ({ protocol: "TCP", port })) }],
  });
});

test("control plane: only the agent gRPC container port 8443, only from data plane pods", () => {
  expect(byName([80, 443], "ngf-control-plane")).toEqual({
    podSelector: { matchLabels: CONTROL_PLANE },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: [{ podSelector: { matchLabels: DATA_PLANE } }],
        ports: [{ protocol: "TCP", port: 8443 }],
      },
    ],
  });
});

test("the control plane and data plane selectors cannot select each other's pods", () => {
  // The controller's pods carry only the chart's selector labels; they lack managed-by, so the
  // data plane selector never matches them, and the data plane pods' name label is
  // `<gateway>-<class>`, never the chart name.
  const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(selector).every(([k, v]) => labels[k] === v);
  const dataPlanePod = { ...DATA_PLANE, "app.kubernetes.io/name": "public-nginx" };
  expect(matches(np.dataPlaneLabels("ngf", "nginx"), CONTROL_PLANE)).toBe(false);
  expect(matches(np.controlPlaneLabels("ngf"), dataPlanePod)).toBe(false);
  expect(matches(np.dataPlaneLabels("ngf", "nginx"), dataPlanePod)).toBe(true);
});

test("a Gateway without listeners is refused", () => {
  expect(() => policies([])).toThrow("gatewayNetworkPolicies: the Gateway has no listener port");
});
