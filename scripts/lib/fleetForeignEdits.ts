/**
 * The fleet drift run's out-of-band-edit pieces (scripts/fleet.ts): which Kubernetes objects of an
 * exported state are read with kubectl, the kubectl calls, and the findings lines over the live
 * objects' managedFields (lib/foreignFieldManagers.ts). Pure; table-tested in
 * test/fleetForeignEdits.test.ts.
 */
import { describeForeignEdit, foreignEdits, ManagedObject } from "../../lib/foreignFieldManagers";

/** A Kubernetes object a stack manages, as its exported state records it. */
export interface ManagedRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

interface ExportedResource {
  type?: string;
  custom?: boolean;
  outputs?: {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  };
}

/**
 * The Kubernetes objects in `pulumi stack export` output, for the drift run's out-of-band-edit
 * check (lib/foreignFieldManagers.ts): custom resources of the kubernetes provider with a plain
 * apiVersion/kind/name. `*Patch` resources are left out (they share objects with other managers by
 * design), and so are components (Helm charts, YAML groups: their children are listed).
 */
export function managedKubernetesObjects(exported: {
  deployment?: { resources?: unknown[] };
}): ManagedRef[] {
  const refs: ManagedRef[] = [];
  for (const r of (exported.deployment?.resources ?? []) as ExportedResource[]) {
    if (!r.custom || !r.type?.startsWith("kubernetes:") || r.type.endsWith("Patch")) continue;
    const o = r.outputs ?? {};
    const name = o.metadata?.name;
    const namespace = o.metadata?.namespace;
    if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") continue;
    if (typeof name !== "string" || !name) continue;
    refs.push({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name,
      ...(typeof namespace === "string" && namespace ? { namespace } : {}),
    });
  }
  return refs;
}

/** Findings lines for objects (read live with managedFields) that another manager edited. */
export function foreignEditFindings(objects: ManagedObject[]): string[] {
  return objects.flatMap((o) => foreignEdits(o)).map(describeForeignEdit);
}

/**
 * `kubectl get` arguments reading `refs` live, one call per namespace (cluster-scoped ones
 * together): `Kind.version.group/name`, or `Kind/name` for the core group.
 */
export function kubectlGetArgs(refs: ManagedRef[]): string[][] {
  const byNamespace: Record<string, string[]> = {};
  for (const r of refs) {
    const [group, version] = r.apiVersion.includes("/")
      ? r.apiVersion.split("/")
      : ["", r.apiVersion];
    const type = group ? `${r.kind}.${version}.${group}` : r.kind;
    (byNamespace[r.namespace ?? ""] ??= []).push(`${type}/${r.name}`);
  }
  return Object.entries(byNamespace).map(([ns, targets]) => [
    "get",
    ...(ns ? ["-n", ns] : []),
    ...targets,
    "--ignore-not-found",
    "--show-managed-fields",
    "-o",
    "json",
  ]);
}
