/** A Kubernetes object of a mocked program's graph, as RBAC names it. */
export interface RbacObject {
  type: string;
  group: string;
  resource: string;
  namespace?: string;
  name: string;
}

/**
 * `kubernetes:apps/v1:Deployment` -> group `apps`, resource `deployments` (RBAC's plural: `-y` after
 * a consonant -> `-ies`, `-ss` -> `-sses`, else `-s`; so `gateways`, `networkpolicies`); `*Patch`
 * types name the object they patch.
 */
export function rbacObjectOf(
  type: string,
  inputs: { metadata?: { name?: string; namespace?: string } },
): RbacObject {
  const [, groupVersion, kind] = /^kubernetes:([^:]+):(\w+)$/.exec(type) ?? [];
  const group = groupVersion.includes("/") ? groupVersion.split("/")[0] : "";
  const base = kind.replace(/Patch$/, "").toLowerCase();
  const resource = /[^aeiou]y$/.test(base)
    ? `${base.slice(0, -1)}ies`
    : base.endsWith("ss")
      ? `${base}es`
      : `${base}s`;
  return {
    type,
    group: group === "core" ? "" : group,
    resource,
    namespace: inputs.metadata?.namespace,
    name: inputs.metadata?.name ?? "",
  };
}
