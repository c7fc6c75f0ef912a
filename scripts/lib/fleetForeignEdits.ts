/**
 * The fleet drift run's out-of-band-edit pieces (scripts/fleet.ts): which Kubernetes objects of an
 * exported state are read with kubectl, the kubectl calls, and the findings lines over the live
 * objects' managedFields (lib/foreignFieldManagers.ts). All pure and table-tested in
 * test/fleetForeignEdits.test.ts but `foreignEditFindingsOf`, which runs kubectl (real-engine
 * fleet test).
 */
import { spawnSync } from "node:child_process";
import type { Stack } from "@pulumi/pulumi/automation";
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

/**
 * Out-of-band edits that ADD to the stack's Kubernetes objects (labels, env entries...): fields
 * owned by another field manager, read live with kubectl through KUBECONFIG
 * (lib/foreignFieldManagers.ts). A refresh cannot see them: it compares only Pulumi's own fields.
 * With --read-only the Secrets are left out (the viewer cannot read them).
 */
export async function foreignEditFindingsOf(
  stack: Stack,
  readOnly: boolean,
  kubeconfig = process.env.KUBECONFIG,
): Promise<string[]> {
  if (!kubeconfig) return ["out-of-band edits not checked: KUBECONFIG is not set"];
  const refs = managedKubernetesObjects(await stack.exportStack()).filter(
    (r) => !(readOnly && r.kind === "Secret"),
  );
  const objects: ManagedObject[] = [];
  for (const args of kubectlGetArgs(refs)) {
    const r = spawnSync("kubectl", args, {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    if (r.status !== 0) {
      const why = (r.stderr || String(r.error ?? "")).trim().split("\n")[0];
      return [`out-of-band edits not checked: kubectl ${args.slice(0, 3).join(" ")}: ${why}`];
    }
    objects.push(...((JSON.parse(r.stdout || "{}") as { items?: ManagedObject[] }).items ?? []));
  }
  return foreignEditFindings(objects);
}
