/** Edge validation (config/edge.ts, lib/metallb.ts through config/index.ts). */
import { EdgeConfig, parseConfig } from "../../config";
import { readStackFile, testKubeconfig } from "../stackFiles";
import { P, problemsOf } from "./support";

/** A well-formed kubeconfig standing in for `edgeKubeconfig`. */
const TOKEN = "edge-token-value-0123456789";
const KUBECONFIG = testKubeconfig(TOKEN);

/** The hamburg-edge example with keys patched (objects merged, null deletes the key). */
function edge(patches: Record<string, unknown> = {}, kubeconfig = KUBECONFIG) {
  const { config, secretKeys } = readStackFile("hamburg-edge");
  config[`${P}:edgeKubeconfig`] = kubeconfig;
  for (const [key, patch] of Object.entries(patches)) {
    const full = `${P}:${key}`;
    if (patch === null) delete config[full];
    else if (typeof patch === "object" && !Array.isArray(patch) && config[full]) {
      config[full] = JSON.stringify({ ...JSON.parse(config[full]), ...patch });
    } else config[full] = typeof patch === "string" ? patch : JSON.stringify(patch);
  }
  return { config, secretKeys };
}

/** The example with another pool (and no fixed load balancer IP, which must lie in the pool). */
const pool = (...addresses: unknown[]) =>
  edge({ metallb: { addresses }, ingress: { loadBalancerIp: undefined } });

describe("edge validation", () => {
  test("the shipped example parses, with the kubeconfig kept as a secret", () => {
    const { config } = parseConfig("hamburg-edge", edge().config, edge().secretKeys);
    const e = config as EdgeConfig;
    expect(e.kind).toBe("edge");
    expect(e.name).toBe("hamburg-edge");
    expect(e.metallb).toEqual({
      addresses: ["192.168.40.240-192.168.40.250"],
      installChart: true,
      namespace: "metallb-system",
      chart: "https://metallb.github.io/metallb",
      chartVersion: "0.16.1",
    });
    expect(e.edge).toEqual({ gateway: true });
    expect(e.kubeconfig.reveal()).toBe(KUBECONFIG);
    expect(JSON.stringify(e)).not.toContain(TOKEN);
  });

  test.each<[string, string]>([
    ["10.20.0.0/28", "a CIDR prefix"],
    ["10.20.0.5-10.20.0.9", "a start-end range"],
    ["10.20.0.7-10.20.0.7", "a one-address range"],
    ["203.0.113.16/30", "public addresses (with a target)"],
  ])("metallb.addresses accepts %s (%s)", (entry) => {
    expect(problemsOf("hamburg-edge", pool(entry))).toEqual([]);
  });

  const CIDR_OR_RANGE =
    "must be an IPv4 CIDR prefix (e.g. 192.168.10.240/28) or an IPv4 start-end range (e.g. 192.168.10.240-192.168.10.250)";
  test.each<[string, unknown[], string]>([
    ["empty list", [], "metallb.addresses: [] must list at least one address range"],
    ["not a string", [42], "metallb.addresses[0]: 42 must be of type string"],
    ["a bare address", ["10.0.0.1"], `metallb.addresses[0]: "10.0.0.1" ${CIDR_OR_RANGE}`],
    ["IPv6", ["fd00::/120"], `metallb.addresses[0]: "fd00::/120" ${CIDR_OR_RANGE}`],
    [
      "octet above 255",
      ["10.0.0.256/32"],
      `metallb.addresses[0]: "10.0.0.256/32" ${CIDR_OR_RANGE}`,
    ],
    ["leading zero", ["10.0.0.010/32"], `metallb.addresses[0]: "10.0.0.010/32" ${CIDR_OR_RANGE}`],
    ["prefix 33", ["10.0.0.0/33"], `metallb.addresses[0]: "10.0.0.0/33" ${CIDR_OR_RANGE}`],
    [
      "host bits",
      ["10.0.0.5/28"],
      'metallb.addresses[0]: "10.0.0.5/28" has host bits set: the prefix\'s network address is 10.0.0.0/28',
    ],
    [
      "reversed range",
      ["10.0.0.9-10.0.0.5"],
      'metallb.addresses[0]: "10.0.0.9-10.0.0.5" must start at or below its end address',
    ],
    [
      "spaces in range",
      ["10.0.0.5 - 10.0.0.9"],
      `metallb.addresses[0]: "10.0.0.5 - 10.0.0.9" ${CIDR_OR_RANGE}`,
    ],
    [
      "the whole internet",
      ["0.0.0.0/0"],
      'metallb.addresses[0]: "0.0.0.0/0" overlaps 0.0.0.0/8 (this network), which is never a load balancer address',
    ],
    [
      "loopback",
      ["127.0.0.1-127.0.0.9"],
      'metallb.addresses[0]: "127.0.0.1-127.0.0.9" overlaps 127.0.0.0/8 (loopback), which is never a load balancer address',
    ],
    [
      "multicast",
      ["239.1.1.0/24"],
      'metallb.addresses[0]: "239.1.1.0/24" overlaps 224.0.0.0/3 (multicast, reserved, broadcast), which is never a load balancer address',
    ],
    [
      "too large",
      ["10.0.0.0/15"],
      'metallb.addresses[0]: "10.0.0.0/15" has 131072 addresses; at most 65536 (a /16) are accepted',
    ],
    [
      "overlap",
      ["10.0.0.0/28", "10.0.0.10-10.0.0.20"],
      'metallb.addresses[1]: "10.0.0.10-10.0.0.20" overlaps "10.0.0.0/28" (entry 0); every address belongs to one range',
    ],
  ])("metallb.addresses refuses %s", (_what, addresses, message) => {
    expect(problemsOf("hamburg-edge", pool(...addresses))).toContain(message);
  });

  test.each<[string, string]>([
    ["YAML injection", "10.0.0.0/28\n- 0.0.0.0/0"],
    ["shell", "$(reboot)"],
    ["flow sequence", "[10.0.0.0/28]"],
    ["trailing newline", "10.0.0.0/28\n"],
    ["comment", "10.0.0.0/28 # x"],
    ["unicode digits", "١٠.0.0.0/28"],
  ])("metallb.addresses refuses hostile input: %s", (_what, entry) => {
    const problems = problemsOf("hamburg-edge", pool(entry));
    expect(problems).toContain(`metallb.addresses[0]: ${JSON.stringify(entry)} ${CIDR_OR_RANGE}`);
  });

  test.each<[string, Record<string, unknown>]>([
    ["namespace with a YAML line", { metallb: { namespace: "metallb-system\nkind: Secret" } }],
    ["namespace with $( )", { metallb: { namespace: "metallb$(reboot)" } }],
    ["namespace with ../", { metallb: { namespace: "../kube-system" } }],
    ["registry with a space and a flag", { metallb: { imageRegistry: "quay.io --insecure" } }],
    ["registry with a tag injection", { metallb: { imageRegistry: "evil.example/x:latest@sha" } }],
    ["registry with a newline", { metallb: { imageRegistry: "registry.contoso.com\nimage: x" } }],
  ])("hostile %s is refused naming the key", (_what, patches) => {
    const [key, value] = Object.entries(patches.metallb as Record<string, string>)[0];
    const problems = problemsOf("hamburg-edge", edge(patches));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`metallb.${key}: ${JSON.stringify(value)} must be`)).toBe(true);
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      "namespace",
      { metallb: { namespace: "MetalLB_System" } },
      'metallb.namespace: "MetalLB_System" must be a lowercase DNS-1123 label',
    ],
    [
      "chart version",
      { metallb: { chartVersion: "0.16" } },
      'metallb.chartVersion: "0.16" must be an exact chart version such as 0.16.1',
    ],
    [
      "chart archive of another version",
      { metallb: { chart: "charts/metallb-0.15.2.tgz" } },
      'metallb.chart: "charts/metallb-0.15.2.tgz" must be the archive of the pinned chart version, named "metallb-0.16.1.tgz" (or set the chart version to the archive\'s)',
    ],
    [
      "oci tag",
      { metallb: { chart: "oci://registry.contoso.com/charts/metallb:0.16.1" } },
      'metallb.chart: "oci://registry.contoso.com/charts/metallb:0.16.1" must not carry a tag or digest: the version is the pinned chart version (0.16.1)',
    ],
    [
      "chart digest",
      { metallb: { chartSha256: "md5:0a1b" } },
      'metallb.chartSha256: "md5:0a1b" must be a SHA-256 as sha256sum prints it: 64 lowercase hex digits',
    ],
    [
      "image registry",
      { metallb: { imageRegistry: "https://registry.contoso.com" } },
      'metallb.imageRegistry: "https://registry.contoso.com" must be a registry host with optional port and path, e.g. registry.contoso.local:5000/mirror',
    ],
    [
      "installChart",
      { metallb: { installChart: "yes" } },
      'metallb.installChart: "yes" must be of type boolean',
    ],
    [
      "unknown metallb key",
      { metallb: { bgp: true } },
      "metallb.bgp: is not a known key (typo?); remove it or see the config reference in README.md",
    ],
    ["edge.gateway", { edge: { gateway: "no" } }, 'edge.gateway: "no" must be of type boolean'],
    ["missing pool", { metallb: null }, "metallb: is missing; is required (object)"],
  ])("%s is refused naming the key", (_what, patches, message) => {
    expect(problemsOf("hamburg-edge", edge(patches))).toContain(message);
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      "load balancer IP outside the pool",
      { ingress: { loadBalancerIp: "192.168.41.240" } },
      'ingress.loadBalancerIp: "192.168.41.240" is outside metallb.addresses (192.168.40.240-192.168.40.250); MetalLB assigns only pool addresses: pick one of them or unset the key',
    ],
    [
      "no storage class",
      { app: { storageClass: undefined } },
      "app.storageClass: is missing; an edge cluster is not built by this program, so name the storage class MongoDB's volume should use (e.g. Azure Stack Edge's ase-node-local; list them with `kubectl get storageclass`)",
    ],
    [
      "private pool without a target",
      { trafficManager: { target: undefined } },
      "trafficManager.target: is missing; metallb.addresses (192.168.40.240-192.168.40.250) are private (RFC 1918/6598), which Traffic Manager's probes and users cannot reach: set the public IP or DNS name of the NAT or firewall that publishes the Gateway",
    ],
    [
      "no gateway and no target",
      { edge: { gateway: false }, trafficManager: { target: undefined } },
      "trafficManager.target: is missing; edge.gateway is false, so there is no Gateway address to point Traffic Manager at: set the public IP or DNS name that publishes the app",
    ],
    [
      "monitoring without a global stack",
      { trafficManager: null },
      "monitoring.mode: \"fluentBit\" ships to the global stack's workspace, which an edge stack reaches through trafficManager.globalStack; set trafficManager (the stamp's endpoint) or monitoring.mode: none",
    ],
    [
      "loopback registry image",
      { app: { apiImage: "localhost:5000/ratings/ratings-api:v1.0.0" } },
      'app.apiImage: "localhost:5000/ratings/ratings-api:v1.0.0" is on a loopback registry',
    ],
  ])("cross-field: %s", (_what, patches, message) => {
    const problems = problemsOf("hamburg-edge", edge(patches));
    expect(problems.some((p) => p.startsWith(message))).toBe(true);
  });

  test("a public pool needs no target; a pool without Traffic Manager needs monitoring none", () => {
    expect(
      problemsOf(
        "hamburg-edge",
        edge({
          metallb: { addresses: ["203.0.113.16/30"] },
          ingress: { loadBalancerIp: "203.0.113.17" },
          trafficManager: { target: undefined },
        }),
      ),
    ).toEqual([]);
    expect(
      problemsOf(
        "hamburg-edge",
        edge({ trafficManager: null, monitoring: { mode: "none" }, certificates: null }),
      ),
    ).toEqual([]);
  });

  test("certificates need the Gateway, the global stack's endpoint and ingress.hostname", () => {
    const need =
      "certificates: needs edge.gateway (the HTTPS listener is the Gateway's) and trafficManager (the DNS zone and its credential come from the global stack)";
    expect(
      problemsOf("hamburg-edge", edge({ trafficManager: null, monitoring: { mode: "none" } })),
    ).toEqual([need]);
    expect(problemsOf("hamburg-edge", edge({ ingress: { hostname: undefined } }))).toContain(
      "certificates: needs ingress.hostname, the shared name the certificate is for (<dns.appRecord>.<dns.zoneName> of the global stack)",
    );
  });

  test("the kubeconfig is required, secret, and must look like one (never echoed)", () => {
    const missing = edge();
    delete missing.config[`${P}:edgeKubeconfig`];
    expect(problemsOf("hamburg-edge", missing)).toEqual([
      "edgeKubeconfig: is missing; set the kubeconfig of the edge cluster (read from stdin: `pulumi config set --secret edgeKubeconfig < kubeconfig`) with `pulumi config set --secret edgeKubeconfig`",
    ]);
    const plain = edge();
    plain.secretKeys = plain.secretKeys.filter((k) => !k.endsWith(":edgeKubeconfig"));
    expect(problemsOf("hamburg-edge", plain)).toEqual([
      "edgeKubeconfig: is stored in plaintext; set it with `pulumi config set --secret edgeKubeconfig` so it is encrypted",
    ]);
    const garbage = problemsOf("hamburg-edge", edge({}, "token: hunter2-very-secret"));
    expect(garbage).toEqual([
      "edgeKubeconfig: [secret] must be a kubeconfig (a document of kind Config with clusters); set it with `pulumi config set --secret edgeKubeconfig < kubeconfig`",
    ]);
    expect(garbage.join("\n")).not.toContain("hunter2");
  });

  test("the kubeconfig key is refused on other kinds; edge keys are unknown elsewhere", () => {
    const { config, secretKeys } = readStackFile("seattle");
    config[`${P}:edgeKubeconfig`] = KUBECONFIG;
    config[`${P}:metallb`] = JSON.stringify({ addresses: ["10.0.0.0/28"] });
    const problems = problemsOf("seattle", {
      config,
      secretKeys: [...secretKeys, `${P}:edgeKubeconfig`],
    });
    expect(problems).toContain("edgeKubeconfig: is only used by edge stacks, not by kind stamp");
    expect(problems).toContain(
      "metallb: is not a known key (typo?); remove it or see the config reference in README.md",
    );
  });

  test("the pull secrets of app, ingress, monitoring and certificates are taken as on a stamp", () => {
    const docker = JSON.stringify({
      auths: { "registry.example.test": { auth: Buffer.from("robot:edge-pw").toString("base64") } },
    });
    const sections = ["app", "ingress", "monitoring", "certificates"] as const;
    const raw = edge(Object.fromEntries(sections.map((s) => [s, { imagePullSecret: docker }])));
    raw.secretKeys.push(...sections.map((s) => `${P}:${s}`));
    expect(problemsOf("hamburg-edge", raw)).toEqual([]);
    const c = parseConfig("hamburg-edge", raw.config, raw.secretKeys).config as EdgeConfig;
    for (const s of sections) {
      const secret = (c[s] as { imagePullSecret?: { reveal(): string } } | undefined)
        ?.imagePullSecret;
      expect({ section: s, value: secret?.reveal() }).toEqual({ section: s, value: docker });
    }
    // In plaintext it is refused naming the key, as on a stamp (not silently dropped).
    const plain = edge({ app: { imagePullSecret: docker } });
    expect(problemsOf("hamburg-edge", plain)).toEqual([
      "app.imagePullSecret: is stored in plaintext; set it with `pulumi config set --secret --path app.imagePullSecret < config.json` so it is encrypted",
    ]);
  });

  test("a stack name that is no stamp name is refused", () => {
    expect(problemsOf("Hamburg_Edge", edge())).toContain(
      'stack name: "Hamburg_Edge" is used as the stamp name and must be lowercase letters, digits and dashes (2-24 chars)',
    );
  });
});
