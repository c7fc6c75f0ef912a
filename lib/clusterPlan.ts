/**
 * Which aks-engine action a change of a stamp's cluster needs (design.md section 4). Pure: the
 * cluster resource's provider calls it in `diff` (so a preview shows the plan, or stops on a
 * refusal before anything runs) and again in `update`.
 */
import type { StampConfig } from "../config/stamp";

/** The parts of a cluster that aks-engine actions change or that must never change. */
export interface ClusterSpec {
  location: string;
  dnsPrefix: string;
  masterCount: number;
  kubernetesVersion: string;
  networkPlugin: string;
  pools: { name: string; count: number; vmSize: string }[];
  /**
   * `cluster.nodeImageGeneration`: raising it re-creates every node from the node image the pinned
   * aks-engine release uses (upgrade --force at the same version). Not part of the definition; a
   * state written before this key existed has none, read as 0.
   */
  nodeImageGeneration?: number;
}

/** The planning view of a stamp's cluster config. */
export function clusterSpec(config: Pick<StampConfig, "cluster" | "azureStack">): ClusterSpec {
  return {
    location: config.azureStack.location,
    dnsPrefix: config.cluster.dnsPrefix,
    masterCount: config.cluster.masterCount,
    kubernetesVersion: config.cluster.kubernetesVersion,
    networkPlugin: config.cluster.networkPlugin,
    pools: config.cluster.pools.map((p) => ({ name: p.name, count: p.count, vmSize: p.vmSize })),
    nodeImageGeneration: config.cluster.nodeImageGeneration,
  };
}

export type ClusterStep =
  | { action: "upgrade"; version: string; force: boolean; reason: string }
  | { action: "scale"; pool: string; from: number; to: number };

export type ClusterPlan =
  { kind: "deploy" } | { kind: "none" } | { kind: "change"; steps: ClusterStep[] };

/** A change aks-engine cannot make in place; nothing must run. */
export class PlanRefusal extends Error {
  constructor(readonly reasons: string[]) {
    super(`The cluster change is refused, nothing was changed:\n  - ${reasons.join("\n  - ")}`);
    this.name = "PlanRefusal";
  }
}

/** A refusal line: the config key, old -> new, and the safe procedure. */
export function refusalMessage(key: string, from: string, to: string, procedure: string): string {
  return `${key}: ${from} -> ${to} cannot change in place; ${procedure}`;
}

/**
 * A service principal rotation: `true` (or `{}`) for a new secret, `{ clientId }` for a switched
 * service principal (new client id and secret).
 */
export type Rotation = boolean | { clientId?: { from: string; to: string } } | undefined;

/** Parses `1.34.4` into numbers; throws on anything else. */
export function parseVersion(version: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new Error(`"${version}" is not a Kubernetes version such as 1.34.4`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Negative, zero or positive like a comparator. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** Why `from` -> `to` is not an aks-engine upgrade, or undefined when it is one. */
export function upgradeRefusal(from: string, to: string): string | undefined {
  const [a, b] = [parseVersion(from), parseVersion(to)];
  if (compareVersions(from, to) > 0) {
    return `cluster.kubernetesVersion: ${from} -> ${to} is a downgrade; aks-engine cannot downgrade a cluster (keep ${from} or a newer version)`;
  }
  if (a[0] !== b[0] || b[1] > a[1] + 1) {
    return `cluster.kubernetesVersion: ${from} -> ${to} skips a minor version; aks-engine upgrades to the next patch or the next minor only (upgrade to 1.${a[1] + 1}.x first)`;
  }
  return undefined;
}

/**
 * Plans the change from the cluster as it is (`current`, undefined when not deployed yet) to the
 * desired one. `rotation` says the service principal secret was rotated (or the service principal
 * switched, with its new client id): the documented fix is an upgrade forced to the same version,
 * carrying the credentials onto every node. A raised `nodeImageGeneration` is the same forced
 * upgrade (node image refresh); a lowered one is refused. This is the action part of the plan:
 * the provider plans the whole definition with lib/definitionChange.ts, which calls this.
 * Throws PlanRefusal (all reasons at once) when the change cannot be made in place.
 */
export function planClusterChange(
  current: ClusterSpec | undefined,
  desired: ClusterSpec,
  rotation: Rotation = false,
): ClusterPlan {
  const credentialsChanged = rotation !== false && rotation !== undefined;
  const switched = typeof rotation === "object" ? rotation.clientId : undefined;
  const rotated = switched
    ? `service principal switched (azureStack.clientId ${switched.from} -> ${switched.to}; both written into the generated apimodel)`
    : "service principal secret rotated";
  if (!current) return { kind: "deploy" };
  const refusals: string[] = [];
  if (current.location !== desired.location) {
    refusals.push(
      `azureStack.location: "${current.location}" -> "${desired.location}" cannot change in place; a cluster lives in one stamp (deploy a new stamp stack instead)`,
    );
  }
  if (current.dnsPrefix !== desired.dnsPrefix) {
    refusals.push(
      `cluster.dnsPrefix: "${current.dnsPrefix}" -> "${desired.dnsPrefix}" cannot change in place; the API server name and certificates are built from it (keep "${current.dnsPrefix}")`,
    );
  }
  if (current.masterCount !== desired.masterCount) {
    refusals.push(
      `cluster.masterCount: ${current.masterCount} -> ${desired.masterCount} cannot change in place; aks-engine cannot add or remove masters of a deployed cluster (keep ${current.masterCount})`,
    );
  }
  if (current.networkPlugin !== desired.networkPlugin) {
    refusals.push(
      `cluster.networkPlugin: "${current.networkPlugin}" -> "${desired.networkPlugin}" cannot change in place (keep "${current.networkPlugin}")`,
    );
  }
  const currentPools = new Map(current.pools.map((p) => [p.name, p]));
  const desiredPools = new Map(desired.pools.map((p) => [p.name, p]));
  for (const name of currentPools.keys()) {
    if (!desiredPools.has(name)) {
      refusals.push(
        `cluster.pools: pool "${name}" is missing; removing a pool is not something aks-engine scale can do (scale it down instead, minimum 1)`,
      );
    }
  }
  for (const [name, pool] of desiredPools) {
    const was = currentPools.get(name);
    if (!was) {
      refusals.push(
        `cluster.pools: pool "${name}" is new; adding a pool to a deployed cluster is not supported by this program (deploy it with the cluster, or use a new stamp)`,
      );
    } else if (was.vmSize !== pool.vmSize) {
      refusals.push(
        `cluster.pools.${name}.vmSize: "${was.vmSize}" -> "${pool.vmSize}" cannot change in place (keep "${was.vmSize}")`,
      );
    }
  }
  const versionChanged = current.kubernetesVersion !== desired.kubernetesVersion;
  if (versionChanged) {
    const why = upgradeRefusal(current.kubernetesVersion, desired.kubernetesVersion);
    if (why) refusals.push(why);
  }
  const [imageFrom, imageTo] = [current.nodeImageGeneration ?? 0, desired.nodeImageGeneration ?? 0];
  if (imageTo < imageFrom) {
    refusals.push(
      refusalMessage(
        "cluster.nodeImageGeneration",
        String(imageFrom),
        String(imageTo),
        `a generation cannot be lowered: the nodes cannot go back to an older image (keep ${imageFrom}; raise it to ${imageFrom + 1} to refresh the node image again)`,
      ),
    );
  }
  if (refusals.length > 0) throw new PlanRefusal(refusals);
  const imageRefresh = imageTo > imageFrom;
  const refreshed = `node image refresh (cluster.nodeImageGeneration ${imageFrom} -> ${imageTo})`;

  // One upgrade at most: a version upgrade re-creates every node anyway (so it also carries a
  // rotation and a node image refresh); otherwise rotation and refresh share one forced upgrade
  // at the same version. Scales run after it, so new nodes come from the refreshed definition.
  const steps: ClusterStep[] = [];
  if (versionChanged) {
    const also = [
      ...(credentialsChanged
        ? [switched ? `the ${rotated}` : "the rotated service principal secret"]
        : []),
      ...(imageRefresh ? [`the ${refreshed}: every node is re-created`] : []),
    ];
    steps.push({
      action: "upgrade",
      version: desired.kubernetesVersion,
      force: false,
      reason: `Kubernetes ${current.kubernetesVersion} -> ${desired.kubernetesVersion}${also.length ? ` (also applies ${also.join(" and ")})` : ""}`,
    });
  } else if (credentialsChanged || imageRefresh) {
    const why = [
      ...(credentialsChanged ? [`${rotated}`] : []),
      ...(imageRefresh ? [refreshed] : []),
    ].join(" and ");
    const image = "the node image of the pinned aks-engine release";
    const effect = !imageRefresh
      ? "rewrites the credentials on every node"
      : credentialsChanged
        ? `rewrites the credentials on every node and re-creates it from ${image}`
        : `re-creates every node from ${image}`;
    steps.push({
      action: "upgrade",
      version: desired.kubernetesVersion,
      force: true,
      reason: `${why}: forced upgrade to the same version ${desired.kubernetesVersion} ${effect}`,
    });
  }
  for (const [name, pool] of desiredPools) {
    const from = currentPools.get(name)!.count;
    if (from !== pool.count) steps.push({ action: "scale", pool: name, from, to: pool.count });
  }
  return steps.length === 0 ? { kind: "none" } : { kind: "change", steps };
}

/** One line per step, for previews and logs. */
export function describePlan(plan: ClusterPlan): string[] {
  switch (plan.kind) {
    case "deploy":
      return ["deploy the cluster (aks-engine-azurestack deploy)"];
    case "none":
      return [];
    case "change":
      return plan.steps.map((s) =>
        s.action === "scale"
          ? `scale pool ${s.pool} from ${s.from} to ${s.to} nodes (aks-engine-azurestack scale)`
          : `upgrade${s.force ? " --force" : ""} to ${s.version}: ${s.reason} (aks-engine-azurestack upgrade)`,
      );
  }
}

/** Kubernetes versions listed by `get-versions -o json`, ascending. */
export function supportedVersionsFrom(getVersionsJson: string): string[] {
  const parsed = JSON.parse(getVersionsJson) as {
    orchestrators?: { orchestratorType?: string; orchestratorVersion?: string }[];
  };
  return (parsed.orchestrators ?? [])
    .filter((o) => o.orchestratorType === "Kubernetes" && o.orchestratorVersion)
    .map((o) => o.orchestratorVersion!)
    .sort(compareVersions);
}
