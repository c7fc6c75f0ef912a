/** Helpers of the config tests: a patched example stamp, and the problems a config produces. */
import { ConfigError, parseConfig, PROJECT } from "../../config";
import { readStackFile } from "../stackFiles";

export const P = PROJECT;

/** The seattle example with one key's object patched: `patch("cluster", { masterCount: 2 })`. */
export function stamp(patches: Record<string, unknown> = {}, drop: string[] = []) {
  const { config, secretKeys } = readStackFile("seattle");
  for (const [key, patch] of Object.entries(patches)) {
    const full = `${P}:${key}`;
    if (patch !== null && typeof patch === "object" && !Array.isArray(patch) && config[full]) {
      config[full] = JSON.stringify({ ...JSON.parse(config[full]), ...patch });
    } else {
      config[full] = typeof patch === "string" ? patch : JSON.stringify(patch);
    }
  }
  for (const key of drop) delete config[`${P}:${key}`];
  return { config, secretKeys };
}

export function problemsOf(
  stack: string,
  raw: { config: Record<string, string>; secretKeys: string[] },
) {
  try {
    parseConfig(stack, raw.config, raw.secretKeys);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
