/**
 * Entry point: validates the stack's configuration before any resource is registered, then builds
 * the stack of that kind (stamp, global or local). Every resource gets an explicit provider.
 */
import { loadConfig } from "./lib/loadConfig";
import { localStack } from "./stacks/local";

function main(): Record<string, unknown> {
  const { config } = loadConfig();
  switch (config.kind) {
    case "local":
      return localStack(config);
    case "stamp":
    case "global":
      throw new Error(`stack kind ${config.kind} is not wired yet`);
  }
}

export = main();
