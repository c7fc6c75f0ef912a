/**
 * NetworkPolicies and Pod Security labels of the platform namespaces (pure): the shared pieces of
 * lib/namespacePolicies.ts, cert-manager's (lib/certificates.ts), MetalLB's (lib/metallb.ts).
 * kured's are in nodeReboots.test.ts. The flows are the ones docs/in-cluster.md lists.
 */
import * as c from "../lib/certificates";
import * as m from "../lib/metallb";
import { API_SERVER_PORTS, apiServerEgress, defaultDeny, tcpPorts } from "../lib/namespacePolicies";

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const DNS = [
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];

describe("shared pieces", () => {
  test("the API server ports: aks-engine's 443 on a stamp, 443 and 6443 on an existing edge cluster", () => {
    expect(API_SERVER_PORTS).toEqual({ stamp: [443], edge: [443, 6443] });
  });

  test.each([
    ["ingress only", ["Ingress"], "default-deny-ingress"],
    ["ingress and egress", ["Ingress", "Egress"], "default-deny"],
  ] as const)("defaultDeny, %s: every pod, named %s", (_what, types, name) => {
    expect(defaultDeny([...types])).toEqual({
      name,
      spec: { podSelector: {}, policyTypes: [...types] },
    });
  });

  test.each([
    [[6443, 443, 443], tcp(443, 6443)],
    [[10250], tcp(10250)],
    [[1, 65535], tcp(1, 65535)],
  ])("tcpPorts(%j): distinct and sorted", (ports, expected) => {
    expect(tcpPorts(ports, "x")).toEqual(expected);
  });

  test.each([
    [[], "x: no port given"],
    [[0], "x: port 0 is not an integer 1-65535"],
    [[65536], "x: port 65536 is not an integer 1-65535"],
    [[443.5], "x: port 443.5 is not an integer 1-65535"],
    [[NaN], "x: port NaN is not an integer 1-65535"],
    [[-443], "x: port -443 is not an integer 1-65535"],
  ])("tcpPorts(%j) is refused: %s (an empty list would open every port)", (ports, message) => {
    expect(() => tcpPorts(ports, "x")).toThrow(message);
  });

  test("apiServerEgress: egress of the selected pods to the API server's ports, any address", () => {
    expect(apiServerEgress("p", { matchLabels: { a: "b" } }, [443])).toEqual({
      name: "p",
      spec: {
        podSelector: { matchLabels: { a: "b" } },
        policyTypes: ["Egress"],
        egress: [{ ports: tcp(443) }],
      },
    });
  });
});

describe("cert-manager", () => {
  const LE = { type: "letsencrypt", email: "ops@contoso.com" } as const;
  const deny = {
    name: "default-deny",
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
  const apiServer = (ports: number[]) => ({
    name: "cert-manager-api-server",
    spec: {
      podSelector: { matchLabels: { "app.kubernetes.io/instance": "cert-manager" } },
      policyTypes: ["Egress"],
      egress: [{ ports: tcp(...ports) }],
    },
  });
  const webhook = {
    name: "cert-manager-webhook",
    spec: {
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "webhook",
          "app.kubernetes.io/instance": "cert-manager",
          "app.kubernetes.io/component": "webhook",
        },
      },
      policyTypes: ["Ingress"],
      ingress: [{ ports: tcp(10250) }],
    },
  };
  const acme = (ports: number[]) => ({
    name: "cert-manager-acme",
    spec: {
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "cert-manager",
          "app.kubernetes.io/instance": "cert-manager",
          "app.kubernetes.io/component": "controller",
        },
      },
      policyTypes: ["Egress"],
      egress: [{ ports: [...tcp(...ports), ...DNS] }],
    },
  });

  test.each([
    ["Let's Encrypt", LE, [443]],
    [
      "internal ACME on the default port",
      { type: "acme", server: "https://acme.fabrikam.de/directory", email: "pki@fabrikam.de" },
      [443],
    ],
    [
      "internal ACME on its own port (and 443 for Azure DNS)",
      { type: "acme", server: "https://acme.fabrikam.de:8443/directory", email: "pki@fabrikam.de" },
      [443, 8443],
    ],
    ["a CA in the cluster: nothing outside", { type: "ca", caSecretName: "fabrikam-ca" }, []],
  ] as const)("issuerEgressPorts, %s", (_what, issuer, ports) => {
    expect(c.issuerEgressPorts(issuer)).toEqual(ports);
  });

  test.each([
    [
      "Let's Encrypt on a stamp",
      LE,
      API_SERVER_PORTS.stamp,
      [deny, apiServer([443]), webhook, acme([443])],
    ],
    [
      "internal ACME on port 8443 on an edge cluster",
      { type: "acme", server: "https://acme.fabrikam.de:8443/directory", email: "pki@fabrikam.de" },
      API_SERVER_PORTS.edge,
      [deny, apiServer([443, 6443]), webhook, acme([443, 8443])],
    ],
    [
      "a CA issuer: no egress outside the cluster, no DNS",
      { type: "ca", caSecretName: "fabrikam-ca" },
      API_SERVER_PORTS.stamp,
      [deny, apiServer([443]), webhook],
    ],
  ] as const)("the policies, %s", (_what, issuer, apiServerPorts, expected) => {
    expect(c.certManagerNetworkPolicies({ issuer, apiServerPorts })).toEqual(expected);
  });

  test("no API server port is refused, naming the policy", () => {
    expect(() => c.certManagerNetworkPolicies({ issuer: LE, apiServerPorts: [] })).toThrow(
      "cert-manager-api-server: API server ports: no port given",
    );
  });

  test("the release name selects the pods", () => {
    const policies = c.certManagerNetworkPolicies({
      issuer: LE,
      apiServerPorts: [443],
      release: "cm",
    });
    const instances = policies
      .map((p) => (p.spec.podSelector as { matchLabels?: Record<string, string> }).matchLabels)
      .filter((labels) => labels !== undefined)
      .map((labels) => labels["app.kubernetes.io/instance"]);
    expect(instances).toEqual(["cm", "cm", "cm"]);
    expect(c.certManagerPodLabels("cainjector", "cm")).toEqual({
      "app.kubernetes.io/name": "cainjector",
      "app.kubernetes.io/instance": "cm",
      "app.kubernetes.io/component": "cainjector",
    });
  });

  test("the namespace enforces the restricted Pod Security profile", () => {
    expect(c.certManagerNamespaceLabels("seattle")).toEqual({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/warn": "restricted",
      "app.kubernetes.io/part-of": "certificates",
      "ash-ha-kubernetes/stamp": "seattle",
    });
  });
});

describe("MetalLB", () => {
  const controller = {
    matchLabels: {
      "app.kubernetes.io/name": "metallb",
      "app.kubernetes.io/instance": "metallb",
      "app.kubernetes.io/component": "controller",
    },
  };
  test.each([
    [API_SERVER_PORTS.edge, tcp(443, 6443)],
    [[8443], tcp(8443)],
  ])(
    "API server ports %j: default deny, the webhook from anywhere, the controller to the API server",
    (ports, expected) => {
      expect(m.networkPolicies(ports)).toEqual([
        { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
        {
          name: "metallb-webhook",
          spec: {
            podSelector: controller,
            policyTypes: ["Ingress"],
            ingress: [{ ports: tcp(9443) }],
          },
        },
        {
          name: "metallb-api-server",
          spec: { podSelector: controller, policyTypes: ["Egress"], egress: [{ ports: expected }] },
        },
      ]);
    },
  );
});
