/**
 * The policy pack's rules (policy/rules.ts), called directly with fake arguments and a
 * reportViolation spy: one passing and at least one failing resource per rule, with the exact
 * message. Constructing the PolicyPack (policy/index.ts) would start the policy server; the
 * real-engine suite (test/integration/policy.test.ts) runs it.
 */
import type {
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { WORLD_OPEN } from "../config";
import * as rules from "../policy/rules";

// The policy host wraps inputs in this proxy: reading a value that is unknown during preview throws.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: <T>(props: T) => T;
  unknownStringValue: string;
  unknownObjectValue: string;
};

function resourceArgs(type: string, props: Record<string, unknown>, name = "res") {
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
function violations(
  policy: ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  name = "res",
): string[] {
  const report = jest.fn();
  (policy.validateResource as ResourceValidation)(resourceArgs(type, props, name), report);
  return report.mock.calls.map((call) => call[0] as string);
}

describe("the pack", () => {
  test("has the documented rules, unique names, and the mandatory/advisory split", () => {
    expect(rules.policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["ssh-not-world-open", "mandatory"],
      ["masters-three-or-five", "mandatory"],
      ["workers-at-least-three", "advisory"],
      ["one-load-balancer-per-stack", "mandatory"],
      ["containers-have-requests-and-limits", "mandatory"],
      ["images-pinned", "mandatory"],
      ["no-plaintext-secrets", "mandatory"],
      ["traffic-manager-probes-app-health", "mandatory"],
    ]);
  });

  test("world-open sources are the ones config validation refuses", () => {
    expect([...rules.WORLD_OPEN_SOURCES].sort()).toEqual([...WORLD_OPEN].sort());
  });

  test("rules ignore resource types they do not know", () => {
    for (const p of rules.policies) {
      if (!("validateResource" in p)) continue;
      expect(violations(p, "random:index/randomPet:RandomPet", { length: 2 })).toEqual([]);
    }
  });
});

describe("ssh-not-world-open", () => {
  const rule = rules.sshNotWorldOpen;
  const sshRule = (extra: Record<string, unknown>) => ({
    name: "ssh",
    priority: 100,
    direction: "Inbound",
    access: "Allow",
    protocol: "Tcp",
    sourcePortRange: "*",
    destinationPortRange: "22",
    destinationAddressPrefix: "*",
    ...extra,
  });
  const open = (source: string, rule = "ssh", of = "res") =>
    `Security rule "${rule}" of ${of} allows inbound SSH from "${source}", which is the whole ` +
    "internet. Allow only the admin networks' CIDRs (helperVm.sshAllowList).";

  test.each([
    ["an allow-list CIDR", { sourceAddressPrefix: "10.20.0.0/24" }],
    ["several allow-list CIDRs", { sourceAddressPrefixes: ["10.20.0.0/24", "203.0.113.16/28"] }],
    ["a world-open deny rule", { sourceAddressPrefix: "*", access: "Deny" }],
    ["a world-open outbound rule", { sourceAddressPrefix: "*", direction: "Outbound" }],
    ["world-open HTTPS", { sourceAddressPrefix: "Internet", destinationPortRange: "443" }],
    ["world-open UDP", { sourceAddressPrefix: "*", protocol: "Udp" }],
  ])("NetworkSecurityRule with %s passes", (_what, extra) => {
    expect(violations(rule, rules.NSG_RULE_TYPE, sshRule(extra))).toEqual([]);
  });

  test.each([
    ["*", { sourceAddressPrefix: "*" }],
    ["0.0.0.0/0", { sourceAddressPrefix: "0.0.0.0/0" }],
    ["Internet", { sourceAddressPrefix: "Internet" }],
    ["::/0", { sourceAddressPrefixes: ["10.20.0.0/24", "::/0"] }],
    ["10.0.0.0/0", { sourceAddressPrefix: "10.0.0.0/0" }],
    ["*", { sourceAddressPrefix: "*", destinationPortRange: "20-30" }],
    ["*", { sourceAddressPrefix: "*", destinationPortRange: "*", protocol: "*" }],
    ["*", { sourceAddressPrefix: "*", destinationPortRange: undefined }],
    ["any", { sourceAddressPrefix: "any", destinationPortRanges: ["443", "22"] }],
  ])("NetworkSecurityRule open to %s fails", (source, extra) => {
    expect(violations(rule, rules.NSG_RULE_TYPE, sshRule(extra))).toEqual([open(source)]);
  });

  test("NetworkSecurityGroup: each world-open rule in securityRules is reported by name", () => {
    const props = {
      name: "helper-nsg",
      securityRules: [
        sshRule({ name: "ssh-admins", sourceAddressPrefix: "10.20.0.0/24" }),
        sshRule({ name: "ssh-world", sourceAddressPrefix: "0.0.0.0/0" }),
      ],
    };
    expect(violations(rule, rules.NSG_TYPE, props, "helper-nsg")).toEqual([
      open("0.0.0.0/0", "ssh-world", "helper-nsg"),
    ]);
    props.securityRules.pop();
    expect(violations(rule, rules.NSG_TYPE, props, "helper-nsg")).toEqual([]);
  });

  test("TemplateDeployment: NSG rules in the ARM template, parameters resolved", () => {
    const template = (source: string) =>
      JSON.stringify({
        resources: [
          {
            type: "Microsoft.Network/networkSecurityGroups",
            properties: {
              securityRules: [
                {
                  name: "ssh",
                  properties: {
                    protocol: "Tcp",
                    sourcePortRange: "*",
                    destinationPortRange: "22",
                    sourceAddressPrefix: source,
                    access: "Allow",
                    direction: "Inbound",
                  },
                },
              ],
            },
          },
        ],
      });
    const type = rules.TEMPLATE_DEPLOYMENT_TYPE;
    expect(violations(rule, type, { templateBody: template("10.0.0.0/8") })).toEqual([]);
    expect(violations(rule, type, { templateBody: template("*") })).toEqual([open("*", "res")]);
    const viaParameter = template("[parameters('sshSource')]");
    expect(
      violations(rule, type, {
        templateBody: viaParameter,
        parametersBody: JSON.stringify({ sshSource: { value: "Internet" } }),
      }),
    ).toEqual([open("Internet", "res")]);
    expect(
      violations(rule, type, {
        templateBody: viaParameter,
        parameters: { sshSource: "10.1.0.0/16" },
      }),
    ).toEqual([]);
  });
});

describe("masters-three-or-five and workers-at-least-three", () => {
  const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
  const spec = (masterCount: unknown, counts: number[]) => ({
    masterCount,
    pools: counts.map((count, i) => ({ name: `pool${i}`, count, vmSize: "Standard_DS2_v2" })),
  });
  const definition = (masters: number, counts: number[]) => ({
    properties: {
      masterProfile: { count: masters, dnsPrefix: "sea-ratings" },
      agentPoolProfiles: counts.map((count, i) => ({ name: `pool${i}`, count })),
    },
  });

  test.each([
    ["spec (the AksEngineDeployment inputs) with 3", { spec: spec(3, [3]), apiModel: "{}" }],
    ["apiModel JSON text with 5", { apiModel: JSON.stringify(definition(5, [3])) }],
    ["masterCount 3", spec(3, [3])],
    ["masterCount 5", spec(5, [3, 10])],
    ["clusterDefinition object with 3", { clusterDefinition: definition(3, [4]) }],
    [
      "clusterDefinition JSON text with 5",
      { clusterDefinition: JSON.stringify(definition(5, [3])) },
    ],
  ])("%s passes both", (_what, props) => {
    expect(violations(rules.mastersThreeOrFive, DYNAMIC, props, "cluster")).toEqual([]);
    expect(violations(rules.workersAtLeastThree, DYNAMIC, props, "cluster")).toEqual([]);
  });

  test.each([
    [1, spec(1, [3])],
    [2, spec(2, [3])],
    [4, { clusterDefinition: definition(4, [3]) }],
    ["no", spec("three", [3])],
  ])("%s masters fail", (masters, props) => {
    expect(violations(rules.mastersThreeOrFive, DYNAMIC, props, "cluster")).toEqual([
      `Cluster cluster has ${masters} masters (cluster.masterCount); production clusters need 3 ` +
        "or 5, and the count cannot be changed after deploy.",
    ]);
  });

  test("pools below 3 workers are reported one by one (advisory)", () => {
    expect(violations(rules.workersAtLeastThree, DYNAMIC, spec(3, [2, 3, 1]), "cluster")).toEqual([
      'Cluster cluster: pool "pool0" has 2 workers (cluster.pools[].count), below the support ' +
        "policy's minimum of 3.",
      'Cluster cluster: pool "pool2" has 1 workers (cluster.pools[].count), below the support ' +
        "policy's minimum of 3.",
    ]);
    expect(violations(rules.workersAtLeastThree, DYNAMIC, spec(3, []), "cluster")).toEqual([
      "Cluster cluster has no worker pool; add one with 3 or more nodes.",
    ]);
  });

  test("the spec wins; while it is unknown in preview, the cluster definition is read", () => {
    const AKS = "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment";
    const withSpec = { spec: spec(1, [3]), apiModel: JSON.stringify(definition(3, [3])) };
    expect(violations(rules.mastersThreeOrFive, AKS, withSpec, "c")).toHaveLength(1);
    const unknownSpec = {
      spec: proxy.unknownObjectValue,
      apiModel: JSON.stringify(definition(1, [3])),
    };
    expect(violations(rules.mastersThreeOrFive, AKS, unknownSpec, "c")).toHaveLength(1);
    const allUnknown = { spec: proxy.unknownObjectValue, apiModel: proxy.unknownStringValue };
    expect(violations(rules.mastersThreeOrFive, AKS, allUnknown, "c")).toEqual([]);
  });

  test("any resource type carrying the contract is checked; others are not clusters", () => {
    expect(violations(rules.mastersThreeOrFive, "ash:cluster:Cluster", spec(1, [3]))).toHaveLength(
      1,
    );
    expect(violations(rules.mastersThreeOrFive, DYNAMIC, { length: 32 })).toEqual([]);
    expect(rules.clusterSize({ masterCount: 3, agentPools: [{ name: "a", count: 4 }] })).toEqual({
      masters: 3,
      pools: [{ name: "a", count: 4 }],
    });
  });
});

describe("one-load-balancer-per-stack", () => {
  const resource = (type: string, props: Record<string, unknown>, name: string) =>
    ({
      type,
      props: proxy.unknownCheckingProxy(props),
      urn: `urn:pulumi:test::p::${type}::${name}`,
      name,
    }) as unknown as PolicyResource;
  const service = (name: string, type: string) =>
    resource(
      rules.SERVICE_TYPE,
      { metadata: { name, namespace: "ratings" }, spec: { type, ports: [{ port: 80 }] } },
      name,
    );
  const gateway = (name: string) =>
    resource(
      "kubernetes:gateway.networking.k8s.io/v1:Gateway",
      { metadata: { name, namespace: "gateway" }, spec: { gatewayClassName: "nginx" } },
      name,
    );
  function stackViolations(resources: PolicyResource[]): [string, string | undefined][] {
    const report = jest.fn();
    (rules.oneLoadBalancerPerStack as StackValidationPolicy).validateStack(
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

  test.each([
    ["no load balancer", [service("api", "ClusterIP")]],
    ["one LoadBalancer Service", [service("ingress", "LoadBalancer"), service("api", "ClusterIP")]],
    ["one Gateway", [gateway("ratings"), service("web", "ClusterIP")]],
  ])("%s passes", (_what, resources) => {
    expect(stackViolations(resources)).toEqual([]);
  });

  test("two LoadBalancer Services: each is reported, with the list", () => {
    const resources = [service("web", "LoadBalancer"), service("api", "LoadBalancer")];
    const message =
      "This stack exposes 2 load balancers (Service ratings/web, Service ratings/api); at most 1 is " +
      "allowed. Route every app through the one ingress Gateway and use ClusterIP Services.";
    expect(stackViolations(resources)).toEqual([
      [message, resources[0].urn],
      [message, resources[1].urn],
    ]);
  });

  test("a Gateway (NGINX Gateway Fabric gives it a LoadBalancer) plus a LoadBalancer Service fails", () => {
    expect(stackViolations([gateway("ratings"), service("extra", "LoadBalancer")])).toHaveLength(2);
  });

  test("the data plane Service provisioned for the Gateway (read by the program) is the Gateway's", () => {
    const dataPlane = (name: string, labels: Record<string, string> = {}) =>
      resource(
        rules.SERVICE_TYPE,
        { metadata: { name, namespace: "gateway", labels }, spec: { type: "LoadBalancer" } },
        name,
      );
    expect(stackViolations([gateway("public"), dataPlane("public-nginx")])).toEqual([]);
    expect(
      stackViolations([
        gateway("public"),
        dataPlane("edge", { "gateway.networking.k8s.io/gateway-name": "public" }),
      ]),
    ).toEqual([]);
    expect(stackViolations([gateway("public"), dataPlane("other-lb")])).toHaveLength(2);
  });

  test("a Service whose type is unknown during preview is not counted", () => {
    const unknownType = resource(
      rules.SERVICE_TYPE,
      { metadata: { name: "x" }, spec: { type: proxy.unknownStringValue } },
      "x",
    );
    expect(stackViolations([service("ingress", "LoadBalancer"), unknownType])).toEqual([]);
  });
});

/** A workload of `type` with one container. */
function workload(
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
const GOOD_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};
const kinds = Object.keys(rules.POD_SPEC_PATHS);

describe("containers-have-requests-and-limits", () => {
  const rule = rules.containersHaveRequestsAndLimits;
  const kind = (type: string) => type.split(":").pop();

  test.each(kinds)("%s with requests and limits passes", (type) => {
    const c = { name: "api", image: "r/api:v1", resources: GOOD_RESOURCES };
    expect(violations(rule, type, workload(type, c, { ...c, name: "init" }))).toEqual([]);
  });

  test.each(kinds)("%s without resources fails twice", (type) => {
    expect(violations(rule, type, workload(type, { name: "api", image: "r/api:v1" }))).toEqual([
      `${kind(type)} ratings-api: container "api" has no resources.requests.cpu / memory; set ` +
        "requests and limits for cpu and memory.",
      `${kind(type)} ratings-api: container "api" has no resources.limits.cpu / memory; set ` +
        "requests and limits for cpu and memory.",
    ]);
  });

  test("a missing memory limit on an init container is named", () => {
    const type = "kubernetes:apps/v1:StatefulSet";
    const init = {
      name: "migrate",
      image: "r/m:v1",
      resources: { requests: GOOD_RESOURCES.requests, limits: { cpu: "1" } },
    };
    const c = { name: "db", image: "r/db:v1", resources: GOOD_RESOURCES };
    expect(violations(rule, type, workload(type, c, init))).toEqual([
      'StatefulSet ratings-api: init container "migrate" has no resources.limits.memory; set ' +
        "requests and limits for cpu and memory.",
    ]);
  });
});

describe("images-pinned", () => {
  const rule = rules.imagesPinned;
  const type = "kubernetes:apps/v1:Deployment";
  const digest = `sha256:${"a".repeat(64)}`;

  test.each([
    "registry.contoso.com/ratings/ratings-api:v1.0.0",
    "localhost:5000/ratings/ratings-web:v1.0.0",
    "mongo:7.0.14",
    `mcr.microsoft.com/oss/nginx@${digest}`,
    `registry:5000/app:v2@${digest}`,
  ])("%s passes", (image) => {
    expect(rules.imageNotPinned(image)).toBeUndefined();
    const c = { name: "api", image, resources: GOOD_RESOURCES };
    expect(violations(rule, type, workload(type, c))).toEqual([]);
  });

  test.each([
    ["nginx", 'image "nginx" has no tag (it means :latest)'],
    [
      "localhost:5000/ratings/api",
      'image "localhost:5000/ratings/api" has no tag (it means :latest)',
    ],
    ["mongo:latest", 'image "mongo:latest" uses the floating tag "latest"'],
    ["r.io/app:LATEST", 'image "r.io/app:LATEST" uses the floating tag "LATEST"'],
    ["r.io/app:", 'image "r.io/app:" uses the floating tag "(empty)"'],
    ["r.io/app@sha256:abc", 'image "r.io/app@sha256:abc" has a malformed digest'],
    ["", "has no image"],
  ])("%s fails", (image, why) => {
    const c = { name: "api", image, resources: GOOD_RESOURCES };
    expect(violations(rule, type, workload(type, c))).toEqual([
      `Deployment ratings-api: container "api" ${why}; pin a version tag or an @sha256 digest ` +
        "(mirror it for disconnected stamps).",
    ]);
  });

  test("init containers are checked too", () => {
    const c = { name: "api", image: "r/api:v1", resources: GOOD_RESOURCES };
    const init = { name: "wait", image: "busybox", resources: GOOD_RESOURCES };
    expect(violations(rule, type, workload(type, c, init))).toHaveLength(1);
  });
});

describe("no-plaintext-secrets", () => {
  const config = new Map([["plaintext-db-password", "app:dbPassword"]]);
  const rule = rules.noPlaintextSecrets(() => config);
  const secret = (fields: Record<string, unknown>) => ({
    metadata: { name: "creds", namespace: "ratings" },
    type: "Opaque",
    ...fields,
  });
  const b64 = (s: string) => Buffer.from(s).toString("base64");

  test.each([
    [
      "generated passwords",
      { stringData: { "root-password": "Zq4v8KfP2mX9sW3rT7yB1nC6", "root-username": "root" } },
    ],
    [
      "a secret config value (not in the plaintext list)",
      { stringData: { "db-password": "another-secret-value" } },
    ],
    [
      "a non-credential key holding a config value",
      { stringData: { namespace: "plaintext-db-password" } },
    ],
    ["values unknown during preview", { stringData: { "app-password": proxy.unknownStringValue } }],
  ])("Secret with %s passes", (_what, fields) => {
    expect(violations(rule, rules.SECRET_TYPE, secret(fields))).toEqual([]);
  });

  test.each([
    [
      "stringData",
      { stringData: { "db-password": "plaintext-db-password" } },
      'Secret creds: key "db-password" holds the plaintext config value of "app:dbPassword"; set that ' +
        "key with `pulumi config set --secret` so it is encrypted in the stack file and state.",
    ],
    [
      "data (base64)",
      { data: { "api-token": b64("plaintext-db-password") } },
      'Secret creds: key "api-token" holds the plaintext config value of "app:dbPassword"; set that ' +
        "key with `pulumi config set --secret` so it is encrypted in the stack file and state.",
    ],
    [
      "a default password",
      { stringData: { "mongodb-root-password": "Password" } },
      'Secret creds: key "mongodb-root-password" holds a well-known default password; generate one ' +
        "(lib/generatedPassword.ts) or take it from a secret config value.",
    ],
  ])("Secret with a plaintext value in %s fails", (_what, fields, message) => {
    expect(violations(rule, rules.SECRET_TYPE, secret(fields))).toEqual([message]);
  });

  test("ConfigMap: credential-looking keys and URLs with passwords fail, the rest passes", () => {
    const cm = (data: Record<string, string>) => ({ metadata: { name: "settings" }, data });
    expect(
      violations(
        rule,
        rules.CONFIGMAP_TYPE,
        cm({ "create-app-user.js": "db.createUser(...)", port: "3000" }),
      ),
    ).toEqual([]);
    expect(violations(rule, rules.CONFIGMAP_TYPE, cm({ MONGODB_PASSWORD: "x1" }))).toEqual([
      'ConfigMap settings: key "MONGODB_PASSWORD" looks like a credential, and ConfigMaps are ' +
        "stored and shown in clear. Put it in a Secret whose value comes from a secret config value " +
        "or a generated password.",
    ]);
    expect(
      violations(
        rule,
        rules.CONFIGMAP_TYPE,
        cm({ MONGO_URL: "mongodb://app:s3cret@mongo:27017/db" }),
      ),
    ).toEqual([
      'ConfigMap settings: key "MONGO_URL" holds a URL with an embedded password; move it to a Secret.',
    ]);
  });

  test("plaintext config values come from the policy host's environment, minus secret keys", () => {
    const values = rules.plaintextConfigValues({
      PULUMI_CONFIG: JSON.stringify({
        "app:dbPassword": "plaintext-db-password",
        "app:secretOne": "encrypted-in-the-stack-file",
        "app:nested": JSON.stringify({ mongo: { password: "nested-plaintext" }, list: ["abcd"] }),
        "app:short": "abc",
      }),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["app:secretOne"]),
    });
    expect([...values.entries()].sort()).toEqual([
      ["abcd", "app:nested.list[0]"],
      ["nested-plaintext", "app:nested.mongo.password"],
      ["plaintext-db-password", "app:dbPassword"],
    ]);
    expect(rules.plaintextConfigValues({})).toEqual(new Map());
    expect(rules.plaintextConfigValues({ PULUMI_CONFIG: "not json" })).toEqual(new Map());
  });
});

describe("traffic-manager-probes-app-health", () => {
  const rule = rules.trafficManagerProbesAppHealth;
  const TYPE = "azure-native:trafficmanager:Profile";
  const profile = (monitorConfig?: Record<string, unknown>) => ({
    trafficRoutingMethod: "Performance",
    dnsConfig: { relativeName: "contoso-ratings", ttl: 30 },
    ...(monitorConfig ? { monitorConfig } : {}),
  });

  test.each([
    ["HTTP /healthz", { protocol: "HTTP", port: 80, path: "/healthz" }],
    ["HTTPS /api/health", { protocol: "HTTPS", port: 443, path: "/api/health" }],
  ])("%s passes", (_what, monitor) => {
    expect(violations(rule, TYPE, profile(monitor), "tm")).toEqual([]);
    expect(violations(rule, "azure-native:network:Profile", profile(monitor), "tm")).toEqual([]);
  });

  test.each([
    [
      "path /",
      profile({ protocol: "HTTP", port: 80, path: "/" }),
      'Traffic Manager profile tm: monitorConfig.path is "/"; probe the app\'s health path ' +
        "(trafficManager.monitor.path, e.g. /healthz), not the ingress root.",
    ],
    [
      "no path",
      profile({ protocol: "HTTPS", port: 443 }),
      "Traffic Manager profile tm: monitorConfig.path is null; probe the app's health path " +
        "(trafficManager.monitor.path, e.g. /healthz), not the ingress root.",
    ],
    [
      "a TCP probe",
      profile({ protocol: "TCP", port: 80 }),
      "Traffic Manager profile tm probes with TCP; use HTTP or HTTPS on the app's health path so a " +
        "stamp whose app is down (e.g. MongoDB unreachable) leaves rotation.",
    ],
    [
      "no monitorConfig",
      profile(),
      "Traffic Manager profile tm has no monitorConfig; probe the app's health path (e.g. /healthz).",
    ],
  ])("%s fails", (_what, props, message) => {
    expect(violations(rule, TYPE, props, "tm")).toEqual([message]);
  });
});
