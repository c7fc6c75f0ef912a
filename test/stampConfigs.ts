/**
 * Parsed example stamp configs for pure-function tests, with optional per-key patches.
 */
import { parseConfig, PROJECT, StampConfig } from "../config";
import { readStackFile } from "./stackFiles";

/** The parsed `Pulumi.<stamp>.yaml`, each top-level key's object shallow-merged with `patches`. */
export function stampConfig(
  stack: "seattle" | "munich" = "seattle",
  patches: Record<string, Record<string, unknown>> = {},
  secretValue = "sp-secret-value",
): StampConfig {
  const { config, secretKeys } = readStackFile(stack, secretValue);
  for (const [key, patch] of Object.entries(patches)) {
    const full = `${PROJECT}:${key}`;
    config[full] = JSON.stringify({ ...JSON.parse(config[full] ?? "{}"), ...patch });
  }
  return parseConfig(stack, config, secretKeys).config as StampConfig;
}
