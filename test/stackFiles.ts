/**
 * Reads a shipped Pulumi.<stack>.yaml into the raw config map and secret-key list that the Pulumi
 * runtime hands a program, so tests exercise exactly what an operator commits.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const ROOT = path.resolve(__dirname, "..");

export interface StackFile {
  config: Record<string, string>;
  secretKeys: string[];
}

/** Stack names of every Pulumi.<stack>.yaml in the repository root. */
export function stackNames(): string[] {
  return fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && !s.startsWith("it-")) // it-*: test stacks
    .sort();
}

/** The stack's config as Pulumi passes it: objects as JSON text, `secure:` values marked secret. */
export function readStackFile(stack: string, secretValue = "s3cr3t-test-value"): StackFile {
  const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) ?? {};
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries<unknown>(doc.config ?? {})) {
    if (value && typeof value === "object" && "secure" in (value as object)) {
      config[key] = secretValue;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys };
}
