/**
 * The cluster contract shared by masters-three-or-five and workers-at-least-three. The AKS engine
 * cluster resource (whatever its type token; today the dynamic resource
 * `pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment`) is recognised by its inputs, in
 * any of these shapes, tried in this order:
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
import { asArray, at, isObject, known, parseJson, Props, str } from "./helpers";

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
