/**
 * The whole-definition view of a cluster change (design.md section 4, issue 13 item 1). Every
 * leaf of the aks-engine cluster definition (lib/apiModel.ts) has a rule here: it is either
 * carried out by a planned aks-engine action (scale, upgrade, credential rotation; the action
 * planning itself is lib/clusterPlan.ts) or refused at preview, naming the config key, old -> new
 * and the safe procedure. A leaf without a rule is refused too, so nothing is ever a silent
 * "update". Pure.
 */
import { ApiModel, redactApiModel } from "./apiModel";
import {
  ClusterPlan,
  ClusterSpec,
  planClusterChange,
  PlanRefusal,
  refusalMessage,
} from "./clusterPlan";

/** Who carries out a change of a definition path. */
export type PathHandling =
  /** Planned from the ClusterSpec view (scale, upgrade, or refused there with its own message). */
  | "spec"
  /** Service principal rotation: written into the generated apimodel, then upgrade --force. */
  | "rotation"
  /** Refused at preview. */
  | "refused";

export interface PathRule {
  handling: PathHandling;
  /** The stamp config key (or program source) the path comes from. */
  key: string;
  /** What to do instead (refused paths). */
  procedure?: string;
}

const NEW_STAMP =
  "deploy a new stamp stack with the new value, move traffic to it, then retire this one";
const PROGRAM =
  "the program's cluster definition changed; pin the previous program version for this stamp or deploy a new stamp";
const refused = (key: string, procedure: string): PathRule => ({
  handling: "refused",
  key,
  procedure,
});

/** Paths of the definition as `definitionPaths` spells them: pools by `[]`, environment keys by name. */
export const PATH_RULES: Record<string, PathRule> = {
  apiVersion: refused("lib/apiModel.ts apiVersion", PROGRAM),
  location: { handling: "spec", key: "azureStack.location" },
  "properties.orchestratorProfile.orchestratorType": refused(
    "lib/apiModel.ts orchestratorType",
    PROGRAM,
  ),
  "properties.orchestratorProfile.orchestratorRelease": {
    handling: "spec",
    key: "cluster.kubernetesVersion",
  },
  "properties.orchestratorProfile.orchestratorVersion": {
    handling: "spec",
    key: "cluster.kubernetesVersion",
  },
  "properties.orchestratorProfile.kubernetesConfig.useCloudControllerManager": refused(
    "lib/apiModel.ts useCloudControllerManager",
    PROGRAM,
  ),
  "properties.orchestratorProfile.kubernetesConfig.useInstanceMetadata": refused(
    "lib/apiModel.ts useInstanceMetadata",
    PROGRAM,
  ),
  "properties.orchestratorProfile.kubernetesConfig.networkPlugin": {
    handling: "spec",
    key: "cluster.networkPlugin",
  },
  "properties.orchestratorProfile.kubernetesConfig.networkPolicy": refused(
    "cluster.networkPolicy",
    "aks-engine cannot change the network policy of a deployed cluster; keep the old value " +
      '((unset) is networkPolicy "none" with acceptUnenforcedNetworkPolicies: true), or ' +
      NEW_STAMP,
  ),
  "properties.orchestratorProfile.kubernetesConfig.containerRuntime": refused(
    "lib/apiModel.ts containerRuntime",
    PROGRAM,
  ),
  "properties.orchestratorProfile.kubernetesConfig.addons": refused(
    "addons (lib/apiModel.ts DISK_CSI_ADDON)",
    `aks-engine applies addons at deploy and upgrade only from the generated apimodel; keep the old addons, or ${NEW_STAMP}`,
  ),
  "properties.customCloudProfile.portalURL": refused(
    "azureStack.portalUrl",
    `a cluster's cloud profile is fixed at deploy; keep the old value, or ${NEW_STAMP}`,
  ),
  "properties.customCloudProfile.identitySystem": refused(
    "azureStack.identitySystem",
    `the identity system is fixed at deploy (nodes authenticate with it); keep the old value, or ${NEW_STAMP}`,
  ),
  ...Object.fromEntries(
    (
      [
        ["name", "lib/apiModel.ts cloudEnvironment"],
        ["managementPortalURL", "azureStack.portalUrl"],
        ["resourceManagerEndpoint", "azureStack.armEndpoint"],
        ["serviceManagementEndpoint", "azureStack.tokenAudience"],
        ["tokenAudience", "azureStack.tokenAudience"],
        ["activeDirectoryEndpoint", "azureStack.activeDirectoryEndpoint"],
        ["graphEndpoint", "azureStack.graphEndpoint"],
        ["keyVaultEndpoint", "azureStack.location / azureStack.externalFqdn"],
        ["keyVaultDNSSuffix", "azureStack.location / azureStack.externalFqdn"],
        ["storageEndpointSuffix", "azureStack.location / azureStack.externalFqdn"],
        ["resourceManagerVMDNSSuffix", "azureStack.externalFqdn"],
      ] as const
    ).map(([name, key]) => [
      `properties.customCloudProfile.environment.${name}`,
      refused(
        key,
        `the stamp's endpoints are written into every node at deploy; keep the old value, or ${NEW_STAMP}`,
      ),
    ]),
  ),
  "properties.masterProfile.count": { handling: "spec", key: "cluster.masterCount" },
  "properties.masterProfile.dnsPrefix": { handling: "spec", key: "cluster.dnsPrefix" },
  "properties.masterProfile.vmSize": refused(
    "cluster.masterVmSize",
    `aks-engine cannot resize the masters of a deployed cluster; keep the old size, or ${NEW_STAMP}`,
  ),
  "properties.masterProfile.distro": refused("lib/versions.ts AKS_ENGINE_DISTRO", PROGRAM),
  "properties.agentPoolProfiles": { handling: "spec", key: "cluster.pools" },
  "properties.agentPoolProfiles[].name": { handling: "spec", key: "cluster.pools[].name" },
  "properties.agentPoolProfiles[].count": { handling: "spec", key: "cluster.pools[].count" },
  "properties.agentPoolProfiles[].vmSize": { handling: "spec", key: "cluster.pools[].vmSize" },
  "properties.agentPoolProfiles[].osType": refused("lib/apiModel.ts osType", PROGRAM),
  "properties.agentPoolProfiles[].distro": refused("lib/versions.ts AKS_ENGINE_DISTRO", PROGRAM),
  "properties.agentPoolProfiles[].availabilityProfile": refused(
    "lib/apiModel.ts availabilityProfile",
    PROGRAM,
  ),
  "properties.agentPoolProfiles[].acceleratedNetworkingEnabled": refused(
    "lib/apiModel.ts acceleratedNetworkingEnabled",
    PROGRAM,
  ),
  "properties.linuxProfile.adminUsername": refused(
    "cluster.adminUsername",
    `aks-engine cannot rename the nodes' admin user; keep the old name, or ${NEW_STAMP}`,
  ),
  "properties.linuxProfile.ssh.publicKeys": refused(
    "the nodes' SSH key (tls.PrivateKey <stamp>-cluster-node-ssh-key)",
    `aks-engine cannot replace the nodes' SSH key in place; restore the old key into state (pulumi import), or ${NEW_STAMP}`,
  ),
  "properties.linuxProfile.runUnattendedUpgradesOnBootstrap": refused(
    "azureStack.disconnected (as runUnattendedUpgradesOnBootstrap, its inverse)",
    "applies only to nodes created at deploy; keep the old value (nodes added later by scale follow the generated apimodel), or " +
      NEW_STAMP,
  ),
  "properties.servicePrincipalProfile.clientId": {
    handling: "rotation",
    key: "azureStack.clientId",
  },
  "properties.servicePrincipalProfile.secret": {
    handling: "rotation",
    key: "servicePrincipalSecret",
  },
};

/**
 * Leaves compared as one value: their order and contents are the value. An array, not a Set: the
 * dynamic provider that runs this code is serialized by Pulumi, which turns a module-level Set
 * into a plain object ("Set.prototype.has called on incompatible receiver" in the real engine).
 */
const WHOLE: readonly string[] = [
  "properties.orchestratorProfile.kubernetesConfig.addons",
  "properties.linuxProfile.ssh.publicKeys",
];

/**
 * The definition's leaves as `path -> JSON value`. Pools are keyed by name
 * (`properties.agentPoolProfiles[linuxpool].count`); rule lookup uses `ruleFor`.
 */
export function definitionPaths(model: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown, path: string) => {
    if (WHOLE.includes(path) || value === null || typeof value !== "object") {
      out.set(path, JSON.stringify(value));
    } else if (Array.isArray(value)) {
      if (path === "properties.agentPoolProfiles") {
        for (const [i, pool] of value.entries()) {
          const name = (pool as { name?: unknown })?.name;
          walk(pool, `${path}[${typeof name === "string" ? name : `#${i}`}]`);
        }
      } else {
        out.set(path, JSON.stringify(value));
      }
    } else {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined) walk(v, path ? `${path}.${k}` : k);
      }
    }
  };
  walk(model, "");
  return out;
}

/** The rule of a path as definitionPaths spells it (pool names become `[]`). */
export function ruleFor(path: string): PathRule | undefined {
  return PATH_RULES[
    path.replace(/^properties\.agentPoolProfiles\[[^\]]*\]/, "properties.agentPoolProfiles[]")
  ];
}

const shown = (json: string | undefined) => (json === undefined ? "(unset)" : json);

/**
 * Refusals for every changed path that no action carries out. Paths handled by the spec planner
 * are skipped here (it plans or refuses them itself); a pool that exists on one side only is the
 * spec planner's too.
 */
export function definitionRefusals(current: ApiModel, desired: ApiModel): string[] {
  const [before, after] = [
    definitionPaths(redactApiModel(current)),
    definitionPaths(redactApiModel(desired)),
  ];
  const poolOf = (p: string) => /^properties\.agentPoolProfiles\[([^\]]*)\]/.exec(p)?.[1];
  const pools = (m: Map<string, string>) =>
    new Set([...m.keys()].map(poolOf).filter((x): x is string => x !== undefined));
  const [poolsBefore, poolsAfter] = [pools(before), pools(after)];
  const reasons: string[] = [];
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    const [was, now] = [before.get(path), after.get(path)];
    if (was === now) continue;
    const pool = poolOf(path);
    if (pool !== undefined && !(poolsBefore.has(pool) && poolsAfter.has(pool))) continue;
    const rule = ruleFor(path);
    if (rule && rule.handling !== "refused") continue;
    const key = rule
      ? pool !== undefined
        ? `${rule.key} (pool ${pool})`
        : rule.key
      : `${path} (no rule for this field of the cluster definition)`;
    const procedure =
      rule?.procedure ??
      "a field without a rule in lib/definitionChange.ts is never applied in place; add a rule or keep the old value";
    reasons.push(refusalMessage(key, shown(was), shown(now), procedure));
  }
  return reasons;
}

/** The ClusterSpec view of a definition (what the action planner reads). */
export function specOfApiModel(model: ApiModel): ClusterSpec {
  const p = model.properties;
  return {
    location: model.location,
    dnsPrefix: p.masterProfile.dnsPrefix,
    masterCount: p.masterProfile.count,
    kubernetesVersion: p.orchestratorProfile.orchestratorVersion,
    networkPlugin: p.orchestratorProfile.kubernetesConfig.networkPlugin,
    pools: p.agentPoolProfiles.map((pool) => ({
      name: pool.name,
      count: pool.count,
      vmSize: pool.vmSize,
    })),
  };
}

export interface DefinitionChange {
  /** The definition the cluster has (last applied, with what refresh observed); none before deploy. */
  current?: { model: ApiModel; spec: ClusterSpec };
  desired: { model: ApiModel; spec: ClusterSpec };
  /** The client secret differs from the last applied one. */
  secretChanged?: boolean;
  /** Refusals found outside the definition (contextRefusals), reported with the others. */
  extraRefusals?: string[];
}

/** Where the cluster lives, outside the definition: fixed for its lifetime. */
export interface ClusterPlacement {
  resourceGroup: string;
  subscriptionId: string;
}

/** Refusals for a changed resource group or subscription (the helper context). */
export function contextRefusals(current: ClusterPlacement, desired: ClusterPlacement): string[] {
  const reasons: string[] = [];
  if (current.resourceGroup !== desired.resourceGroup) {
    reasons.push(
      refusalMessage(
        "the stamp name (resource group rg-<stamp>-k8s, lib/names.ts)",
        current.resourceGroup,
        desired.resourceGroup,
        `the cluster's resources live in that group; keep the stack name, or ${NEW_STAMP}`,
      ),
    );
  }
  if (current.subscriptionId !== desired.subscriptionId) {
    reasons.push(
      refusalMessage(
        "azureStack.subscriptionId",
        current.subscriptionId,
        desired.subscriptionId,
        `a cluster cannot move between subscriptions; keep the old subscription, or ${NEW_STAMP}`,
      ),
    );
  }
  return reasons;
}

/**
 * Plans a change of the whole definition: the spec paths through planClusterChange, a new client
 * id or secret as one rotation, every other changed path refused. All refusals at once.
 */
export function planDefinitionChange(change: DefinitionChange): ClusterPlan {
  const { current, desired } = change;
  if (!current) return { kind: "deploy" };
  const refusals = [
    ...(change.extraRefusals ?? []),
    ...definitionRefusals(current.model, desired.model),
  ];
  const [was, now] = [
    current.model.properties.servicePrincipalProfile.clientId,
    desired.model.properties.servicePrincipalProfile.clientId,
  ];
  const rotation =
    was !== now ? { clientId: { from: was, to: now } } : change.secretChanged ? {} : undefined;
  let plan: ClusterPlan | undefined;
  try {
    plan = planClusterChange(current.spec, desired.spec, rotation);
  } catch (e) {
    // By shape, not instanceof: the dynamic provider runs a serialized copy of this code.
    const reasons = (e as { reasons?: unknown }).reasons;
    if (!Array.isArray(reasons)) throw e;
    refusals.unshift(...(reasons as string[]));
  }
  if (refusals.length > 0 || !plan) throw new PlanRefusal(refusals);
  return plan;
}
