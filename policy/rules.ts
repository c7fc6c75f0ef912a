/**
 * The rules of the policy pack, as plain policy objects: `policy/index.ts` hands them to a
 * `PolicyPack` (which starts the policy server), and test/policy.test.ts calls their
 * `validateResource` / `validateStack` directly with fake arguments. Rules match resources by type
 * token, never by importing the provider SDKs, so loading the pack stays cheap.
 *
 * What each rule can and cannot see is documented in docs/policy.md.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

type Props = Record<string, unknown>;

const isObject = (v: unknown): v is Props =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * Reads a value that may be unknown during preview: the policy host wraps inputs in a proxy that
 * throws `UnknownValueError` on access to a value computed by another resource. Returns undefined
 * then, so a rule skips what it cannot know yet instead of failing the whole check.
 */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof Error && e.constructor.name === "UnknownValueError") return undefined;
    throw e;
  }
}

/** Follows `path` through nested objects; undefined as soon as a step is missing. */
function at(root: unknown, path: string[]): unknown {
  let cur = root;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// SSH allow-list

/** Type tokens of the generated @pulumi/azurestack SDK (sdks/azurestack) this rule reads. */
export const NSG_TYPE = "azurestack:index/networkSecurityGroup:NetworkSecurityGroup";
export const NSG_RULE_TYPE = "azurestack:index/networkSecurityRule:NetworkSecurityRule";
export const TEMPLATE_DEPLOYMENT_TYPE = "azurestack:index/templateDeployment:TemplateDeployment";

/**
 * Source prefixes that admit any address (compared lowercase). The same list as config.ts
 * `WORLD_OPEN` (a unit test keeps them equal): the pack imports nothing from the program, because
 * the pack is type-checked when it loads and must not break with the program's work in progress.
 */
export const WORLD_OPEN_SOURCES = ["0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0"];

/** True when a source prefix admits any address: a world-open tag, or any `/0` CIDR. */
export function isWorldOpen(source: string): boolean {
  const s = source.trim().toLowerCase();
  return WORLD_OPEN_SOURCES.includes(s) || /\/0$/.test(s);
}

/** True when a destination port spec ("22", "20-30", "*") includes port 22. */
function coversSsh(port: string): boolean {
  const p = port.trim();
  if (p === "*") return true;
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(p);
  if (range) return Number(range[1]) <= 22 && 22 <= Number(range[2]);
  return p === "22";
}

/**
 * Every object under `value` that looks like a security rule (it has a source address field),
 * whatever the nesting: NetworkSecurityGroup `securityRules[]`, a NetworkSecurityRule's own inputs,
 * or `properties` of `Microsoft.Network/networkSecurityGroups[/securityRules]` in an ARM template.
 */
function securityRules(value: unknown, found: Props[] = []): Props[] {
  if (Array.isArray(value)) {
    for (const v of value) securityRules(v, found);
  } else if (isObject(value)) {
    if ("sourceAddressPrefix" in value || "sourceAddressPrefixes" in value) found.push(value);
    for (const v of Object.values(value)) securityRules(v, found);
  }
  return found;
}

/** Resolves `[parameters('name')]` in ARM templates from the deployment's parameters. */
type ParameterLookup = (name: string) => unknown;

function resolveArm(value: unknown, lookup: ParameterLookup): unknown {
  const m = typeof value === "string" ? /^\[parameters\('([^']+)'\)\]$/.exec(value.trim()) : null;
  return m ? lookup(m[1]) : value;
}

/** The world-open sources of a rule that allows inbound SSH, or [] when it is fine. */
function worldOpenSshSources(rule: Props, lookup: ParameterLookup): string[] {
  const get = (k: string) => resolveArm(rule[k], lookup);
  const direction = str(get("direction"))?.toLowerCase() ?? "inbound";
  const access = str(get("access"))?.toLowerCase() ?? "allow";
  const protocol = str(get("protocol"))?.toLowerCase() ?? "*";
  if (direction !== "inbound" || access !== "allow") return [];
  if (!["tcp", "*", "any"].includes(protocol)) return [];
  const ports = [...asArray(get("destinationPortRange")), ...asArray(get("destinationPortRanges"))]
    .map((p) => resolveArm(p, lookup))
    .flatMap((p) => asArray(p))
    .filter((p): p is string | number => typeof p === "string" || typeof p === "number")
    .map(String);
  // No destination port at all: the rule applies to every port.
  if (ports.length > 0 && !ports.some(coversSsh)) return [];
  return [...asArray(get("sourceAddressPrefix")), ...asArray(get("sourceAddressPrefixes"))]
    .map((s) => resolveArm(s, lookup))
    .flatMap((s) => asArray(s))
    .filter((s): s is string => typeof s === "string" && isWorldOpen(s));
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const sshNotWorldOpen: ResourceValidationPolicy = {
  name: "ssh-not-world-open",
  description:
    "Network security rules never allow inbound SSH (port 22) from the whole world; list admin CIDRs.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    let rules: Props[];
    let lookup: ParameterLookup = () => undefined;
    if (args.type === NSG_TYPE || args.type === NSG_RULE_TYPE) {
      rules = securityRules(args.props);
    } else if (args.type === TEMPLATE_DEPLOYMENT_TYPE) {
      const params = args.props.parameters;
      const body = parseJson(args.props.parametersBody);
      lookup = (name) =>
        isObject(body) && isObject(body[name])
          ? (body[name] as Props).value
          : isObject(params)
            ? params[name]
            : undefined;
      rules = securityRules(parseJson(args.props.templateBody));
    } else {
      return;
    }
    for (const rule of rules) {
      const open = worldOpenSshSources(rule, lookup);
      if (open.length > 0) {
        const ruleName = str(rule.name) ?? args.name;
        report(
          `Security rule "${ruleName}" of ${args.name} allows inbound SSH from ${open
            .map((s) => JSON.stringify(s))
            .join(", ")}, which is the whole internet. Allow only the admin networks' CIDRs ` +
            "(helperVm.sshAllowList).",
        );
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Cluster size

/**
 * The cluster contract. The AKS engine cluster resource (whatever its type token; today the dynamic
 * resource `pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment`) is recognised by its
 * inputs, in any of these shapes, tried in this order:
 *
 * 1. `spec: { masterCount: number; pools: { name: string; count: number }[] }`: the planning spec
 *    (lib/clusterPlan.ts `ClusterSpec`), known even in a first preview;
 * 2. `masterCount` and `pools` (or `agentPools`) at the top level of the inputs;
 * 3. `clusterDefinition` or `apiModel`: the aks-engine `vlabs` cluster definition
 *    (lib/apiModel.ts), as an object or JSON text, read at `properties.masterProfile.count` and
 *    `properties.agentPoolProfiles[].{name,count}`.
 *
 * A shape whose values are unknown during preview is skipped for the next one; a resource with none
 * of these fields is not a cluster.
 */
export interface ClusterSize {
  masters?: number;
  pools: { name: string; count: number }[];
}

const CLUSTER_DEFINITION_KEYS = ["clusterDefinition", "apiModel"];

export function clusterSize(props: Props): ClusterSize | undefined {
  const pools = (list: unknown) =>
    asArray(list)
      .filter(isObject)
      .map((p, i) => ({
        name: str(known(() => p.name)) ?? `pool ${i}`,
        count: known(() => p.count),
      }))
      .filter((p): p is { name: string; count: number } => typeof p.count === "number");
  const fromFields = (o: unknown): ClusterSize | undefined => {
    if (!isObject(o) || !("masterCount" in o)) return undefined;
    const masters = known(() => o.masterCount);
    const list = known(() => o.pools ?? o.agentPools);
    if (masters === undefined && list === undefined) return undefined; // unknown in preview
    return { masters: typeof masters === "number" ? masters : undefined, pools: pools(list) };
  };
  const fromDefinition = (key: string): ClusterSize | undefined => {
    if (!(key in props)) return undefined;
    const definition = parseJson(known(() => props[key]));
    if (definition === undefined) return undefined; // unknown in preview
    const count = known(() => at(definition, ["properties", "masterProfile", "count"]));
    return {
      masters: typeof count === "number" ? count : undefined,
      pools: pools(known(() => at(definition, ["properties", "agentPoolProfiles"]))),
    };
  };
  const spec = "spec" in props ? known(() => props.spec) : undefined;
  return (
    fromFields(spec) ??
    fromFields(props) ??
    CLUSTER_DEFINITION_KEYS.map(fromDefinition).find((s) => s !== undefined)
  );
}

export const mastersThreeOrFive: ResourceValidationPolicy = {
  name: "masters-three-or-five",
  description:
    "Clusters run 3 or 5 masters (etcd quorum that survives a master loss; the count cannot change later).",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const size = clusterSize(args.props);
    if (!size) return;
    if (size.masters !== 3 && size.masters !== 5) {
      report(
        `Cluster ${args.name} has ${size.masters ?? "no"} masters (cluster.masterCount); production ` +
          "clusters need 3 or 5, and the count cannot be changed after deploy.",
      );
    }
  },
};

/** The support policy's production minimum per worker pool. */
export const MIN_WORKERS = 3;

export const workersAtLeastThree: ResourceValidationPolicy = {
  name: "workers-at-least-three",
  description: `Every worker pool has at least ${MIN_WORKERS} nodes (the support policy's production minimum).`,
  enforcementLevel: "advisory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const size = clusterSize(args.props);
    if (!size) return;
    if (size.pools.length === 0) {
      report(`Cluster ${args.name} has no worker pool; add one with ${MIN_WORKERS} or more nodes.`);
    }
    for (const pool of size.pools) {
      if (pool.count < MIN_WORKERS) {
        report(
          `Cluster ${args.name}: pool "${pool.name}" has ${pool.count} workers (cluster.pools[].count), ` +
            `below the support policy's minimum of ${MIN_WORKERS}.`,
        );
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Load balancers

export const SERVICE_TYPE = "kubernetes:core/v1:Service";
/** A Gateway API Gateway: NGINX Gateway Fabric 2.x provisions one LoadBalancer Service per Gateway. */
const GATEWAY_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/v1(beta1)?:Gateway$/;
/** Basic load balancers on Azure Stack Hub have few frontend IPs: expose apps through one ingress. */
export const MAX_LOAD_BALANCERS = 1;

/** Label a Gateway API implementation puts on the Service it provisions for a Gateway. */
const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

interface LoadBalancer {
  resource: PolicyResource;
  kind: "Service" | "Gateway";
  namespace?: string;
  name: string;
  gatewayLabel?: string;
}

function loadBalancerOf(r: PolicyResource): LoadBalancer | undefined {
  const namespace = str(known(() => at(r.props, ["metadata", "namespace"])));
  const name = str(known(() => at(r.props, ["metadata", "name"]))) ?? r.name;
  if (r.type === SERVICE_TYPE && known(() => at(r.props, ["spec", "type"])) === "LoadBalancer") {
    const gatewayLabel = str(known(() => at(r.props, ["metadata", "labels", GATEWAY_NAME_LABEL])));
    return { resource: r, kind: "Service", namespace, name, gatewayLabel };
  }
  if (GATEWAY_TYPE.test(r.type)) return { resource: r, kind: "Gateway", namespace, name };
  return undefined;
}

/**
 * True when `service` is the data plane Service a Gateway implementation provisioned for `gateway`
 * (the program may read it, e.g. for its address): same namespace, and the Gateway name label or
 * NGINX Gateway Fabric's naming `<gateway>-<gateway class>`. It is the Gateway's load balancer, not
 * a second one.
 */
function provisionedFor(service: LoadBalancer, gateway: LoadBalancer): boolean {
  if (service.namespace !== gateway.namespace) return false;
  return service.gatewayLabel === gateway.name || service.name.startsWith(`${gateway.name}-`);
}

export const oneLoadBalancerPerStack: StackValidationPolicy = {
  name: "one-load-balancer-per-stack",
  description:
    "At most one LoadBalancer Service (or Gateway, which gets one) per stack: apps share one ingress.",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const all = args.resources
      .map(loadBalancerOf)
      .filter((lb): lb is LoadBalancer => lb !== undefined);
    const gateways = all.filter((lb) => lb.kind === "Gateway");
    const found = all.filter(
      (lb) => lb.kind === "Gateway" || !gateways.some((gw) => provisionedFor(lb, gw)),
    );
    if (found.length <= MAX_LOAD_BALANCERS) return;
    const list = found
      .map((lb) => `${lb.kind} ${lb.namespace ? `${lb.namespace}/` : ""}${lb.name}`)
      .join(", ");
    for (const { resource: r } of found) {
      report(
        `This stack exposes ${found.length} load balancers (${list}); at most ${MAX_LOAD_BALANCERS} is ` +
          "allowed. Route every app through the one ingress Gateway and use ClusterIP Services.",
        r.urn,
      );
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Pod templates: resources and images

/** Where each workload kind keeps its pod spec. */
export const POD_SPEC_PATHS: Record<string, string[]> = {
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  "kubernetes:core/v1:Pod": ["spec"],
};

interface Container {
  name: string;
  kind: string;
  props: Props;
}

/** Containers and init containers of a workload's pod template; [] for other resources. */
function containersOf(args: ResourceValidationArgs): Container[] {
  const path = POD_SPEC_PATHS[args.type];
  if (!path) return [];
  const spec = at(args.props, path);
  const list = (key: string, kind: string) =>
    asArray(at(spec, [key]))
      .filter(isObject)
      .map((c, i) => ({ name: str(c.name) ?? `#${i}`, kind, props: c }));
  return [...list("initContainers", "init container"), ...list("containers", "container")];
}

/** "Deployment ratings-api": the kind and the object's name (the resource name if not known yet). */
const workload = (args: ResourceValidationArgs) =>
  `${args.type.split(":").pop()} ${str(known(() => at(args.props, ["metadata", "name"]))) ?? args.name}`;

/** Resources every container must request and be limited to. */
export const REQUIRED_RESOURCES = ["cpu", "memory"];

export const containersHaveRequestsAndLimits: ResourceValidationPolicy = {
  name: "containers-have-requests-and-limits",
  description:
    "Every container declares CPU and memory requests and limits (scheduling, HPA, noisy neighbours).",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    for (const c of containersOf(args)) {
      for (const section of ["requests", "limits"]) {
        const values = at(c.props, ["resources", section]);
        const missing = REQUIRED_RESOURCES.filter(
          (r) => !isObject(values) || values[r] === undefined || values[r] === "",
        );
        if (missing.length > 0) {
          report(
            `${workload(args)}: ${c.kind} "${c.name}" has no resources.${section}.${missing.join(
              " / ",
            )}; set requests and limits for ${REQUIRED_RESOURCES.join(" and ")}.`,
          );
        }
      }
    }
  },
};

/**
 * Why an image reference is not pinned, or undefined when it is: it must carry a digest
 * (`@sha256:...`) or a tag other than `latest`. The tag is what follows the last `:` after the last
 * `/`, so a registry port (`registry:5000/app`) is not a tag.
 */
export function imageNotPinned(image: unknown): string | undefined {
  if (typeof image !== "string" || image.trim() === "") return "has no image";
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  if (image.includes("@")) return `image "${image}" has a malformed digest`;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return `image "${image}" has no tag (it means :latest)`;
  const tag = lastSegment.slice(colon + 1);
  if (tag === "" || tag.toLowerCase() === "latest") {
    return `image "${image}" uses the floating tag "${tag || "(empty)"}"`;
  }
  return undefined;
}

export const imagesPinned: ResourceValidationPolicy = {
  name: "images-pinned",
  description: "Every container image is pinned to a tag other than latest, or to a digest.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    for (const c of containersOf(args)) {
      const why = imageNotPinned(c.props.image);
      if (why) {
        report(
          `${workload(args)}: ${c.kind} "${c.name}" ${why}; pin a version tag or an @sha256 digest ` +
            "(mirror it for disconnected stamps).",
        );
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Plaintext secrets in Kubernetes Secret / ConfigMap inputs

export const SECRET_TYPE = "kubernetes:core/v1:Secret";
export const CONFIGMAP_TYPE = "kubernetes:core/v1:ConfigMap";

/** Keys that name a credential (password, token, client secret, private key, connection string). */
export const CREDENTIAL_KEY =
  /(pass(word|wd)?|secret|token|api[-_.]?key|access[-_.]?key|private[-_.]?key|credential|connection[-_.]?string|(^|[-_.])(uri|dsn|pwd)$)/i;

/** Default passwords seen in charts and tutorials (the reference chart shipped admin/password). */
export const WELL_KNOWN_PASSWORDS = [
  "password",
  "passw0rd",
  "p@ssw0rd",
  "admin",
  "root",
  "changeme",
  "change-me",
  "secret",
  "123456",
  "12345678",
  "test",
  "mongo",
  "mongodb",
];

/** `scheme://user:password@host`: a URL that carries a password. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;

/**
 * The stack's plaintext (non-secret) config values, as the policy host passes them to the pack:
 * `PULUMI_CONFIG` (JSON map of `<namespace>:<key>` to text) minus the keys listed in
 * `PULUMI_CONFIG_SECRET_KEYS`. Objects are searched for their string leaves. Values shorter than
 * 4 characters are ignored (too many false matches).
 */
export function plaintextConfigValues(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const out = new Map<string, string>();
  let config: unknown;
  let secretKeys: unknown;
  try {
    config = JSON.parse(env.PULUMI_CONFIG ?? "{}");
    secretKeys = JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
  } catch {
    return out;
  }
  if (!isObject(config)) return out;
  const secret = new Set(Array.isArray(secretKeys) ? secretKeys : []);
  const leaves = (value: unknown, path: string) => {
    if (typeof value === "string") {
      if (value.length >= 4) out.set(value, path);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => leaves(v, `${path}[${i}]`));
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`);
    }
  };
  for (const [key, text] of Object.entries(config)) {
    if (secret.has(key) || typeof text !== "string") continue;
    const parsed = /^\s*[[{]/.test(text) ? (parseJson(text) ?? text) : text;
    leaves(parsed, key);
  }
  return out;
}

/**
 * The known string values of `field` by key, base64-decoded for a Secret's `data`. Values unknown
 * during preview are skipped: they are computed by another resource (e.g. a generated password),
 * so they did not come from plaintext config.
 */
function knownEntries(props: Props, field: string, base64 = false): [string, string][] {
  const map = known(() => props[field]);
  if (!isObject(map)) return [];
  const entries: [string, string][] = [];
  for (const key of Object.keys(map)) {
    const v = known(() => map[key]);
    if (typeof v === "string")
      entries.push([key, base64 ? Buffer.from(v, "base64").toString() : v]);
  }
  return entries;
}

/**
 * Builds the rule against a source of plaintext config values (tests pass their own; the pack
 * reads the stack's config from the environment the policy host sets).
 */
export function noPlaintextSecrets(
  configValues: () => Map<string, string> = plaintextConfigValues,
): ResourceValidationPolicy {
  return {
    name: "no-plaintext-secrets",
    description:
      "Kubernetes Secrets carry no plaintext config value or default password; ConfigMaps carry no credential.",
    enforcementLevel: "mandatory",
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (args.type !== CONFIGMAP_TYPE && args.type !== SECRET_TYPE) return;
      const what = workload(args);
      if (args.type === CONFIGMAP_TYPE) {
        for (const [k, v] of knownEntries(args.props, "data")) {
          if (v === "") continue;
          if (CREDENTIAL_KEY.test(k)) {
            report(
              `${what}: key "${k}" looks like a credential, and ConfigMaps are stored and shown in ` +
                "clear. Put it in a Secret whose value comes from a secret config value or a generated password.",
            );
          } else if (URL_WITH_PASSWORD.test(v)) {
            report(
              `${what}: key "${k}" holds a URL with an embedded password; move it to a Secret.`,
            );
          }
        }
      } else if (args.type === SECRET_TYPE) {
        const plain = configValues();
        const entries = [
          ...knownEntries(args.props, "data", true),
          ...knownEntries(args.props, "stringData"),
        ];
        for (const [k, v] of entries.filter(([key]) => CREDENTIAL_KEY.test(key))) {
          const fromConfig = plain.get(v);
          if (fromConfig !== undefined) {
            report(
              `${what}: key "${k}" holds the plaintext config value of "${fromConfig}"; set that key ` +
                "with `pulumi config set --secret` so it is encrypted in the stack file and state.",
            );
          } else if (WELL_KNOWN_PASSWORDS.includes(v.toLowerCase())) {
            report(
              `${what}: key "${k}" holds a well-known default password; generate one ` +
                "(lib/generatedPassword.ts) or take it from a secret config value.",
            );
          }
        }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Traffic Manager probes

/** azure-native v3's Traffic Manager profile and its older `network` module token (an alias). */
const TM_PROFILE_TYPE = /^azure-native:(trafficmanager|network)(\/v[0-9a-z]+)?:Profile$/;

export const trafficManagerProbesAppHealth: ResourceValidationPolicy = {
  name: "traffic-manager-probes-app-health",
  description:
    "Traffic Manager probes an application health path over HTTP(S) (e.g. /healthz), not the proxy's /.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    if (!TM_PROFILE_TYPE.test(args.type)) return;
    const monitor = args.props.monitorConfig;
    const protocol = str(at(monitor, ["protocol"]))?.toUpperCase();
    const path = str(at(monitor, ["path"]))?.trim();
    const where = `Traffic Manager profile ${args.name}`;
    if (!isObject(monitor)) {
      report(`${where} has no monitorConfig; probe the app's health path (e.g. /healthz).`);
    } else if (protocol !== "HTTP" && protocol !== "HTTPS") {
      report(
        `${where} probes with ${protocol ?? "no protocol"}; use HTTP or HTTPS on the app's health path ` +
          "so a stamp whose app is down (e.g. MongoDB unreachable) leaves rotation.",
      );
    } else if (!path || path === "/" || !path.startsWith("/")) {
      report(
        `${where}: monitorConfig.path is ${JSON.stringify(path ?? null)}; probe the app's health path ` +
          "(trafficManager.monitor.path, e.g. /healthz), not the ingress root.",
      );
    }
  },
};

/** Every rule of the pack, in the order the CLI lists them. */
export const policies = [
  sshNotWorldOpen,
  mastersThreeOrFive,
  workersAtLeastThree,
  oneLoadBalancerPerStack,
  containersHaveRequestsAndLimits,
  imagesPinned,
  noPlaintextSecrets(),
  trafficManagerProbesAppHealth,
];
