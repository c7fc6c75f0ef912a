/**
 * network-policies-enforced: a stack that deploys NetworkPolicies onto an AKS engine cluster has a
 * network policy engine in that cluster, so the policies are not just stored.
 */
import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { at, known, parseJson, str } from "./helpers";

export const NETWORK_POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
/** Engines aks-engine(-azurestack) installs for `kubernetesConfig.networkPolicy` (vlabs). */
export const ENFORCING_ENGINES = ["calico", "azure", "cilium", "antrea"];
const ENGINE_PATH = ["properties", "orchestratorProfile", "kubernetesConfig", "networkPolicy"];

/**
 * The network policy engine of a cluster resource (one whose inputs carry the aks-engine
 * definition as `apiModel` or `clusterDefinition`): the engine's name, "none" when the definition
 * has none, undefined when the resource is not a cluster or its definition is unknown (preview).
 */
export function networkPolicyEngine(r: PolicyResource): string | undefined {
  for (const key of ["apiModel", "clusterDefinition"]) {
    if (!(key in r.props)) continue;
    const definition = parseJson(known(() => r.props[key]));
    if (definition === undefined) return undefined;
    const engine = str(known(() => at(definition, ENGINE_PATH)));
    return engine === undefined || engine === "" ? "none" : engine;
  }
  return undefined;
}

export const networkPoliciesEnforced: StackValidationPolicy = {
  name: "network-policies-enforced",
  description:
    "NetworkPolicies go only onto clusters with a network policy engine (cluster.networkPolicy calico or azure).",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const unenforced = args.resources.filter((r) => {
      const engine = networkPolicyEngine(r);
      return engine !== undefined && !ENFORCING_ENGINES.includes(engine);
    });
    if (unenforced.length === 0) return;
    const policies = args.resources.filter((r) => r.type === NETWORK_POLICY_TYPE);
    if (policies.length === 0) return;
    const names = policies
      .map((r) => {
        const ns = str(known(() => at(r.props, ["metadata", "namespace"])));
        const name = str(known(() => at(r.props, ["metadata", "name"]))) ?? r.name;
        return ns ? `${ns}/${name}` : name;
      })
      .join(", ");
    for (const cluster of unenforced) {
      report(
        `Cluster ${cluster.name} has no network policy engine (cluster.networkPolicy "none"), yet this ` +
          `stack deploys ${policies.length} NetworkPolicies (${names}) that nothing enforces. Deploy ` +
          'new stamps with networkPolicy "calico" (the default) or "azure"; an existing cluster cannot ' +
          "switch: move to a new stamp (docs/stamp-runbook.md).",
        cluster.urn,
      );
    }
  },
};
