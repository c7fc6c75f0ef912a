/**
 * From Pulumi's raw config values to zod's input, and from zod's issues to one sentence per
 * problem: `<key path>: <value> <what is allowed>`. Pure.
 */
import type { z } from "zod";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function splitKey(fullKey: string): [string, string] {
  const i = fullKey.indexOf(":");
  return i < 0 ? ["", fullKey] : [fullKey.slice(0, i), fullKey.slice(i + 1)];
}

/**
 * Pulumi passes objects, arrays, numbers and booleans as JSON text; strings as they are. A secret
 * value is never read as a number or boolean: it reaches the program byte for byte (a secret
 * `10.50` stays the string "10.50", `true` stays "true"); only a secret object or array (a key set
 * with `pulumi config set --secret --path`) is parsed.
 */
export function decode(text: string, options: { secret?: boolean } = {}): unknown {
  const t = text.trim();
  const structured = /^[[{]/.test(t);
  if (options.secret && !structured) return text;
  if (structured || /^(true|false|-?\d+(\.\d+)?)$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

export function describeIssue(issue: z.core.$ZodIssue, values: Record<string, unknown>): string {
  const path = issue.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .slice(1);
  if (issue.code === "unrecognized_keys") {
    const where = path ? `${path}.` : "";
    return issue.keys
      .map(
        (k) =>
          `${where}${k}: is not a known key (typo?); remove it or see the config reference in README.md`,
      )
      .join("\n  - ");
  }
  const value = valueAt(values, issue.path);
  const got = value === undefined ? "is missing" : `${show(value)}`;
  let message = issue.message;
  if (issue.code === "invalid_value" && "values" in issue) {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (issue.code === "invalid_type" && value === undefined) {
    message = `is required (${issue.expected})`;
  } else if (issue.code === "invalid_type") {
    message = `must be of type ${issue.expected}`;
  }
  return value === undefined ? `${path}: ${got}; ${message}` : `${path}: ${got} ${message}`;
}

export function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

export function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
