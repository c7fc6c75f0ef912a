/**
 * The hamburg-edge stack's resource graph and exports under mocks: exactly the expected charts,
 * MetalLB pool and advertisement, providers and endpoint, no secret in plaintext, and the committed
 * snapshot of the whole graph.
 */
import { installGraphMocks, resolveExports, sortedGraph } from "./graph";
import { mocksFor, SECRET_VALUE } from "./program";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const { nodes, settled } = installGraphMocks(mocksFor("hamburg-edge"));

describe("the hamburg-edge graph", () => {
  let exports: Any;
  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = await resolveExports(require("../../index") as Record<string, unknown>);
    await settled();
  });
  const named = (type: string) =>
    nodes.filter((n) => n.urn.includes(`$${type}::`) || n.urn.includes(`::${type}::`));
  const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  const providerOf = (urn: string | undefined) => (urn ?? "").split("::").slice(-1)[0];

  test("exactly the cert-manager, NGF, MetalLB and Fluent Bit charts, each pinned, on the edge cluster's provider", () => {
    const charts = named("kubernetes:helm.sh/v4:Chart").map((n) => ({
      name: nameOf(n.urn),
      chart: (n.inputs as Any).chart,
      version: (n.inputs as Any).version,
      repo: (n.inputs as Any).repositoryOpts?.repo,
      provider: providerOf(n.provider),
    }));
    // Each one the verified archive of its pinned version (stacks/downloads.ts), by its relative
    // cache path: no repository or OCI lookup is left to the provider.
    expect(charts.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      {
        name: "hamburg-edge-certificates-cert-manager",
        chart: expect.stringMatching(
          /^\.cache\/downloads\/[0-9a-f]{64}\/cert-manager-v1\.21\.1\.tgz$/,
        ),
        version: undefined,
        repo: undefined,
        provider: "hamburg-edge-k8s-id",
      },
      {
        name: "hamburg-edge-ingress-ngf",
        chart: expect.stringMatching(
          /^\.cache\/downloads\/[0-9a-f]{64}\/nginx-gateway-fabric-2\.4\.2\.tgz$/,
        ),
        version: undefined,
        repo: undefined,
        provider: "hamburg-edge-k8s-id",
      },
      {
        name: "hamburg-edge-metallb-chart",
        chart: expect.stringMatching(/^\.cache\/downloads\/[0-9a-f]{64}\/metallb-0\.16\.1\.tgz$/),
        version: undefined,
        repo: undefined,
        provider: "hamburg-edge-k8s-id",
      },
      {
        name: "hamburg-edge-monitoring-fluent-bit",
        chart: expect.stringMatching(
          /^\.cache\/downloads\/[0-9a-f]{64}\/fluent-bit-0\.57\.9\.tgz$/,
        ),
        version: undefined,
        repo: undefined,
        provider: "hamburg-edge-k8s-id",
      },
    ]);
    const metallb = named("kubernetes:helm.sh/v4:Chart").find((n) =>
      n.urn.endsWith("metallb-chart"),
    )!;
    const values = (metallb.inputs as Any).values;
    expect(values.frrk8s).toEqual({ enabled: false });
    expect([values.controller.image, values.speaker.image]).toEqual([
      { repository: "quay.io/metallb/controller", tag: "v0.16.1", pullPolicy: "IfNotPresent" },
      { repository: "quay.io/metallb/speaker", tag: "v0.16.1", pullPolicy: "IfNotPresent" },
    ]);
  });

  test("one IPAddressPool and one L2Advertisement in metallb-system, after the chart", () => {
    const custom = nodes.filter(
      (n) => n.custom && /metallb\.io/.test(String((n.inputs as Any).apiVersion ?? "")),
    );
    expect(
      custom.map((n) => ({
        kind: (n.inputs as Any).kind,
        name: (n.inputs as Any).metadata.name,
        namespace: (n.inputs as Any).metadata.namespace,
        spec: (n.inputs as Any).spec,
        provider: providerOf(n.provider),
      })),
    ).toEqual([
      {
        kind: "IPAddressPool",
        name: "gateway",
        namespace: "metallb-system",
        spec: { addresses: ["192.168.40.240-192.168.40.250"], autoAssign: true },
        provider: "hamburg-edge-k8s-id",
      },
      {
        kind: "L2Advertisement",
        name: "gateway",
        namespace: "metallb-system",
        spec: { ipAddressPools: ["gateway"] },
        provider: "hamburg-edge-k8s-id",
      },
    ]);
    const pool = custom[0];
    expect(pool.dependencies?.some((d) => d.endsWith("hamburg-edge-metallb-chart"))).toBe(true);
  });

  test("providers: one Kubernetes provider from the secret kubeconfig and one public Azure", () => {
    const providers = nodes.filter((n) => n.urn.includes("::pulumi:providers:"));
    expect(providers.map((n) => nameOf(n.urn)).sort()).toEqual([
      "hamburg-edge-azure",
      "hamburg-edge-k8s",
    ]);
    const k8s = providers.find((n) => n.urn.endsWith("hamburg-edge-k8s"))!;
    expect(Object.keys((k8s.inputs as Any).kubeconfig)).toEqual(["[secret sha256]"]);
    // No Azure Stack Hub resources: the cluster exists already.
    expect(nodes.filter((n) => n.urn.includes("azurestack:"))).toEqual([]);
  });

  test("the Traffic Manager endpoint points at the configured public target", () => {
    const [endpoint] = named("azure-native:trafficmanager:Endpoint");
    expect((endpoint.inputs as Any).target).toBe("203.0.113.50");
    expect((endpoint.inputs as Any).endpointName).toBe("hamburg-edge");
    expect(providerOf(endpoint.provider)).toBe("hamburg-edge-azure-id");
  });

  test("no secret in plaintext: neither the kubeconfig's token nor the global stack's secrets", () => {
    const text = JSON.stringify({ graph: sortedGraph(nodes), exports });
    for (const secret of [SECRET_VALUE.stamp, "shared-key-value", "logs-client-secret-value"]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(text).not.toContain("192.0.2.40:6443");
  });

  test("the graph and exports are unchanged", () => {
    expect(sortedGraph(nodes)).toMatchSnapshot("graph");
    expect(exports).toMatchSnapshot("exports");
  });
});
