/**
 * `NodeReboots` under mocks: namespace, default-deny policies, pull Secret and the pinned kured
 * chart, all on the given Kubernetes provider, the chart after the namespace, policies and Secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks, Recorded, resolve, settle, unwrapSecret } from "./mocks";

const recorded: Recorded[] = installMocks();

// Imported after the mocks are installed.
import * as k8s from "@pulumi/kubernetes";
import { NodeReboots } from "../components/nodeReboots";
import { Secret } from "../config";
import { stampConfig } from "./stampConfigs";

const DOCKER_CONFIG = JSON.stringify({
  auths: { "registry.contoso.local": { auth: Buffer.from("kured:pull-pw").toString("base64") } },
});

/** The options of every child as declared (dependsOn), by name. */
const declared = new Map<string, pulumi.CustomResourceOptions>();
const spy = (a: pulumi.ResourceTransformationArgs) => {
  declared.set(a.name, a.opts);
  return undefined;
};

let component: NodeReboots;
beforeAll(async () => {
  const provider = new k8s.Provider("test", { kubeconfig: "{}" });
  const config = stampConfig("seattle", {
    nodeReboots: { imageRegistry: "registry.contoso.local" },
  });
  component = new NodeReboots(
    "seattle-node-reboots",
    {
      nodeReboots: { ...config.nodeReboots, imagePullSecret: new Secret(DOCKER_CONFIG) },
      stamp: "seattle",
    },
    { providers: { kubernetes: provider }, transformations: [spy] },
  );
  await resolve(component.namespace);
  await settle();
});

const one = (type: string) => {
  const all = recorded.filter((r) => r.type === type);
  expect(all).toHaveLength(1);
  return all[0];
};

test("the graph: namespace, policy, pull Secret, chart; every object on the given provider", () => {
  expect(
    recorded
      .filter((r) => !r.type.startsWith("pulumi:providers"))
      .map((r) => `${r.type} ${r.name}`)
      .sort(),
  ).toEqual([
    "ash-ha-kubernetes:nodes:NodeReboots seattle-node-reboots",
    "kubernetes:core/v1:Namespace seattle-node-reboots-ns",
    "kubernetes:core/v1:Secret seattle-node-reboots-image-pull",
    "kubernetes:helm.sh/v4:Chart seattle-node-reboots-kured",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy seattle-node-reboots-default-deny",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy seattle-node-reboots-kured-api-server",
  ]);
  for (const r of recorded.filter((x) => x.type.startsWith("kubernetes:")))
    expect(r.provider).toMatch(/::test::/);
});

test("namespace kured is privileged; all traffic is denied but kured's to the API server", () => {
  expect(one("kubernetes:core/v1:Namespace").inputs.metadata).toMatchObject({
    name: "kured",
    labels: { "pod-security.kubernetes.io/enforce": "privileged" },
  });
  const policies = recorded
    .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    .map((r) => r.inputs as { metadata: { name: string; namespace: string }; spec: unknown });
  expect(policies.map((p) => [p.metadata.namespace, p.metadata.name]).sort()).toEqual([
    ["kured", "default-deny"],
    ["kured", "kured-api-server"],
  ]);
  expect(policies.find((p) => p.metadata.name === "default-deny")!.spec).toEqual({
    podSelector: {},
    policyTypes: ["Ingress", "Egress"],
  });
  expect(policies.find((p) => p.metadata.name === "kured-api-server")!.spec).toEqual({
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [{ ports: [{ protocol: "TCP", port: 443 }] }],
  });
});

test("the pull Secret is a dockerconfigjson in kured's namespace, its content secret", () => {
  const s = one("kubernetes:core/v1:Secret");
  expect(s.inputs.type).toBe("kubernetes.io/dockerconfigjson");
  expect(s.inputs.metadata).toMatchObject({ name: "image-pull-secret", namespace: "kured" });
  const data = unwrapSecret<Record<string, unknown>>(s.inputs.stringData);
  expect(data.secret).toBe(true);
  expect(unwrapSecret(data.value[".dockerconfigjson"]).value).toBe(DOCKER_CONFIG);
});

test("the chart: pinned, mirrored image with the pull secret, window and one node at a time", () => {
  const chart = one("kubernetes:helm.sh/v4:Chart");
  expect(chart.inputs).toMatchObject({
    chart: "kured",
    version: "6.1.0",
    repositoryOpts: { repo: "https://kubereboot.github.io/charts" },
    name: "kured",
    namespace: "kured",
    values: {
      image: {
        repository: "registry.contoso.local/kubereboot/kured",
        tag: "1.23.0",
        pullSecrets: [{ name: "image-pull-secret" }],
      },
      configuration: {
        concurrency: 1,
        rebootDays: ["mo", "tu", "we", "th"],
        startTime: "01:00",
        endTime: "05:00",
        timeZone: "UTC",
        drainTimeout: "30m",
        forceReboot: false,
      },
    },
  });
  expect(JSON.stringify(chart.inputs)).not.toContain("pull-pw");
  const deps = (declared.get("seattle-node-reboots-kured")?.dependsOn ?? []) as pulumi.Resource[];
  const names = deps.map((d) => (d as unknown as { __name: string }).__name).sort();
  // The policies first: no kured pod runs before its namespace's allow rules exist.
  expect(names).toEqual([
    "seattle-node-reboots-default-deny",
    "seattle-node-reboots-image-pull",
    "seattle-node-reboots-kured-api-server",
    "seattle-node-reboots-ns",
  ]);
});

test("outputs: namespace and window", () => {
  expect(component.namespace).toBe("kured");
  expect(component.window).toBe("mo,tu,we,th 01:00-05:00 UTC");
});
