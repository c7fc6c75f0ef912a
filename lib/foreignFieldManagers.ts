/**
 * Out-of-band edits that ADD to an object the program manages. With server-side apply a refresh
 * compares only the fields Pulumi's field manager owns, so a label, an annotation or an env entry
 * added by `kubectl label|annotate|set env|edit|apply` is invisible to `refresh
 * --expect-no-changes`. The API server still records who owns what in `metadata.managedFields`:
 * any entry there from a manager that is neither Pulumi nor a known legitimate writer (status
 * writers, the HPA's replica count, the scheduler) is an out-of-band edit. This is what the drift
 * check can honestly detect: WHO owns WHICH fields now, not the value the fields had before (a
 * field that another manager changed and Pulumi later took back with force is owned by Pulumi
 * again and not reported). Manager names: pulumi-kubernetes PR #2271 ("pulumi-kubernetes" with
 * client-side apply, "pulumi-kubernetes-<random suffix>" with server-side apply).
 */

/** One `metadata.managedFields` entry as the API server returns it. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
  fieldsV1?: Record<string, unknown>;
}

/** The part of a Kubernetes object this check reads. */
export interface ManagedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; managedFields?: ManagedFieldsEntry[] };
}

/** One manager's fields on one object: a finding of the drift run. */
export interface ForeignEdit {
  /** `Kind namespace/name`. */
  object: string;
  manager: string;
  operation: string;
  time?: string;
  /** Field paths such as `metadata.labels.team`, `spec.template.spec.containers[name=api].env[name=X]`. */
  fields: string[];
}

/** Managers that write objects by design, never reported. */
export const LEGITIMATE_MANAGERS: readonly string[] = [
  "kube-controller-manager",
  "kube-scheduler",
  "kubelet",
  "kube-apiserver",
  "before-first-apply",
];

/** Whether a manager name is one of Pulumi's (pulumi-kubernetes names its managers so). */
export function isPulumiManager(manager: string): boolean {
  return (
    /^pulumi-kubernetes(-[A-Za-z0-9]+)?$/.test(manager) || manager === "pulumi-resource-kubernetes"
  );
}

function segment(key: string): string {
  if (key.startsWith("f:")) return `.${key.slice(2)}`;
  if (key.startsWith("k:")) {
    try {
      const k = JSON.parse(key.slice(2)) as Record<string, unknown>;
      return `[${Object.entries(k)
        .map(([a, b]) => `${a}=${String(b)}`)
        .join(",")}]`;
    } catch {
      return `[${key.slice(2)}]`;
    }
  }
  if (key.startsWith("v:")) return `[${key.slice(2)}]`;
  if (key.startsWith("i:")) return `[${key.slice(2)}]`;
  return `.${key}`;
}

/**
 * The leaf paths of a `fieldsV1` tree: `{"f:metadata":{"f:labels":{"f:team":{}}}}` ->
 * `metadata.labels.team`. A list entry owned as a whole (`k:{...}` with only `.` and its key
 * fields) is reported once, as the entry.
 */
export function fieldPaths(fields: Record<string, unknown>, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (key === ".") continue;
    const here = prefix + segment(key);
    const children = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
    const childKeys = Object.keys(children).filter((k) => k !== ".");
    if (key.startsWith("k:") && "." in children) out.push(here.replace(/^\./, ""));
    else if (childKeys.length === 0) out.push(here.replace(/^\./, ""));
    else out.push(...fieldPaths(children, here));
  }
  return out;
}

/**
 * Every manager other than Pulumi's and the legitimate writers that owns fields of `obj`, with
 * those fields. Status subresource entries are skipped (status is not configuration).
 */
export function foreignEdits(
  obj: ManagedObject,
  legitimate: readonly string[] = LEGITIMATE_MANAGERS,
): ForeignEdit[] {
  const md = obj.metadata ?? {};
  const object = `${obj.kind ?? "?"} ${md.namespace ? `${md.namespace}/` : ""}${md.name ?? "?"}`;
  const edits: ForeignEdit[] = [];
  for (const entry of md.managedFields ?? []) {
    const manager = entry.manager ?? "(unnamed)";
    if (entry.subresource === "status") continue;
    if (isPulumiManager(manager) || legitimate.includes(manager)) continue;
    const fields = fieldPaths(entry.fieldsV1 ?? {});
    if (fields.length === 0) continue;
    edits.push({ object, manager, operation: entry.operation ?? "?", time: entry.time, fields });
  }
  return edits;
}

/** One line per edit, for the drift run's findings. */
export function describeForeignEdit(e: ForeignEdit): string {
  return `${e.object} changed out of band by ${e.manager} (${e.operation}${e.time ? ` at ${e.time}` : ""}): ${e.fields.join(", ")}`;
}
