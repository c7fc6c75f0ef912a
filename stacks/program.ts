/**
 * The program of every stack kind, as a function: index.ts runs it once per process (the CLI's
 * language host), and `npm run fleet` runs it inline, once per stack, through the Automation API
 * (scripts/fleet.ts, `runsInline`). It validates the configuration, then loads only the module of
 * the stack's kind, so a stack loads only the SDK modules it uses (the local kind neither
 * azure-native nor azurestack; bench/results.md). Each call reads its stack's configuration
 * afresh; nothing is kept between calls.
 */
import { loadConfig } from "./loadConfig";

/** The stack's outputs; a promise, because the pre-flight checks read the stamp first. */
export async function runProgram(): Promise<Record<string, unknown>> {
  const { config } = loadConfig();
  switch (config.kind) {
    case "local":
      return (await import("./local")).localStack(config);
    case "stamp":
      return (await import("./stamp")).stampStack(config);
    case "edge":
      return (await import("./edge")).edgeStack(config);
    case "global":
      return (await import("./global")).globalStack(config);
  }
}
