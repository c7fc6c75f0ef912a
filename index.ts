/**
 * Entry point: validates the stack's configuration before any resource is registered, then builds
 * the stack of that kind (stamp, global or local). Every resource gets an explicit provider.
 */
import { loadConfig } from "./stacks/loadConfig";
import { globalStack } from "./stacks/global";
import { localStack } from "./stacks/local";
import { stampStack } from "./stacks/stamp";

function main(): Record<string, unknown> {
  const { config } = loadConfig();
  switch (config.kind) {
    case "local":
      return localStack(config);
    case "stamp":
      return stampStack(config);
    case "global":
      return globalStack(config);
  }
}

export = main();
