/**
 * What several rules share: reading policy inputs that may be unknown during preview, walking
 * nested objects, and the pod templates of workloads. Matches resources by type token, never by
 * importing the provider SDKs, so loading the pack stays cheap.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";

export type Props = Record<string, unknown>;

export const isObject = (v: unknown): v is Props =>
  v !== null && typeof v === "object" && !Array.isArray(v);
export const asArray = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v === undefined ? [] : [v];
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

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
export function at(root: unknown, path: string[]): unknown {
  let cur = root;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Parses JSON text; a non-string is returned as it is, text that is not JSON as undefined. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Pod templates

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

export interface Container {
  name: string;
  kind: string;
  props: Props;
}

/** Containers and init containers of a workload's pod template; [] for other resources. */
export function containersOf(args: ResourceValidationArgs): Container[] {
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
export const workload = (args: ResourceValidationArgs) =>
  `${args.type.split(":").pop()} ${str(known(() => at(args.props, ["metadata", "name"]))) ?? args.name}`;
