/**
 * Fake policy-host arguments for the rule tests in this folder: each test calls a rule's
 * `validateResource` / `validateStack` directly with a reportViolation spy. Constructing the
 * PolicyPack (policy/index.ts) would start the policy server; the real-engine suite
 * (test/integration/policy.test.ts) runs it.
 */
import type {
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

// The policy host wraps inputs in this proxy: reading a value that is unknown during preview throws.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: <T>(props: T) => T;
  unknownStringValue: string;
  unknownObjectValue: string;
};

export function resourceArgs(type: string, props: Record<string, unknown>, name = "res") {
  const args: ResourceValidationArgs = {
    type,
    props: proxy.unknownCheckingProxy(props),
    urn: `urn:pulumi:test::ash-ha-kubernetes::${type}::${name}`,
    name,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
  return args;
}

/** Runs a resource rule and returns the messages it reported. */
export function violations(
  policy: ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  name = "res",
): string[] {
  const report = jest.fn();
  (policy.validateResource as ResourceValidation)(resourceArgs(type, props, name), report);
  return report.mock.calls.map((call) => call[0] as string);
}

/** A resource as a stack rule sees it. */
export const stackResource = (type: string, props: Record<string, unknown>, name: string) =>
  ({
    type,
    props: proxy.unknownCheckingProxy(props),
    urn: `urn:pulumi:test::p::${type}::${name}`,
    name,
  }) as unknown as PolicyResource;

/** Runs a stack rule and returns each reported message with the URN it names. */
export function stackViolations(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
): [string, string | undefined][] {
  const report = jest.fn();
  policy.validateStack(
    {
      resources,
      stackTags: new Map(),
      getConfig: <T extends object>() => ({}) as T,
      notApplicable: () => {
        throw new Error("not applicable");
      },
    },
    report,
  );
  return report.mock.calls.map((c) => [c[0], c[1]]);
}

/** A workload of `type` with one container (and an init container when given). */
export function workload(
  type: string,
  container: Record<string, unknown>,
  init?: Record<string, unknown>,
) {
  const podSpec = { containers: [container], ...(init ? { initContainers: [init] } : {}) };
  const template = { metadata: { labels: { app: "x" } }, spec: podSpec };
  const spec =
    type === "kubernetes:core/v1:Pod"
      ? podSpec
      : type === "kubernetes:batch/v1:CronJob"
        ? { schedule: "* * * * *", jobTemplate: { spec: { template } } }
        : { selector: { matchLabels: { app: "x" } }, template };
  return { metadata: { name: "ratings-api", namespace: "ratings" }, spec };
}

export const GOOD_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/** Inputs of a dynamic cluster resource: the planning spec, and the aks-engine definition. */
export const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
export const clusterSpec = (masterCount: unknown, counts: number[]) => ({
  masterCount,
  pools: counts.map((count, i) => ({ name: `pool${i}`, count, vmSize: "Standard_DS2_v2" })),
});
export const clusterDefinition = (masters: number, counts: number[]) => ({
  properties: {
    masterProfile: { count: masters, dnsPrefix: "sea-ratings" },
    agentPoolProfiles: counts.map((count, i) => ({ name: `pool${i}`, count })),
  },
});

/** Cluster inputs that pass both masters-three-or-five and workers-at-least-three. */
export const GOOD_CLUSTERS: [string, Record<string, unknown>][] = [
  ["spec (the AksEngineDeployment inputs) with 3", { spec: clusterSpec(3, [3]), apiModel: "{}" }],
  ["apiModel JSON text with 5", { apiModel: JSON.stringify(clusterDefinition(5, [3])) }],
  ["masterCount 3", clusterSpec(3, [3])],
  ["masterCount 5", clusterSpec(5, [3, 10])],
  ["clusterDefinition object with 3", { clusterDefinition: clusterDefinition(3, [4]) }],
  [
    "clusterDefinition JSON text with 5",
    { clusterDefinition: JSON.stringify(clusterDefinition(5, [3])) },
  ],
];
