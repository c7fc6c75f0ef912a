/**
 * Reads the stack's configuration from the Pulumi runtime and validates it with `parseConfig`
 * before the program registers any resource. Problems stop the program with one clear message.
 */
import * as pulumi from "@pulumi/pulumi";
import { Config, ConfigError, parseConfig, ParsedConfig } from "../config";

/** The runtime's own secret-key check (exported by @pulumi/pulumi's runtime, not in its typings). */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret: (key: string) => boolean })
  .isConfigSecret;

export function loadConfig(): ParsedConfig<Config> {
  try {
    const raw = pulumi.runtime.allConfig();
    const secretKeys = Object.keys(raw).filter((key) => isConfigSecret(key));
    const parsed = parseConfig(pulumi.getStack(), raw, secretKeys);
    for (const warning of parsed.warnings) pulumi.log.warn(warning);
    return parsed;
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
