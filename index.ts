/**
 * Entry point: validates the stack's configuration and runs the pre-flight checks
 * (stacks/preflight.ts) before any resource is registered, then builds the stack of that kind
 * (stamp, edge, global or local). Every resource gets an explicit provider.
 *
 * Where things live, by kind of code:
 * - `config/`: the typed, validated configuration (pure);
 * - `lib/`: pure logic (cluster definition, cloud-init, planners, Helm values, names in
 *   `lib/names.ts`, every version pin in `lib/versions.ts`); ESLint refuses runtime and I/O there;
 * - `providers/`: the dynamic resources and what they run (aks-engine over SSH, passwords);
 * - `components/`: the component resources, wiring only;
 * - `stacks/`: one function per stack kind and their glue (config loading, the global outputs
 *   contract and stack reference, field ownership applied as a transform);
 * - `scripts/`, `policy/`, `toolchain/`, `test/`: tooling, the policy pack, the offline build, tests.
 */
import { loadConfig } from "./stacks/loadConfig";

/**
 * The stack's outputs; a promise, because the pre-flight checks read the stamp before anything is
 * registered. Each kind's module is loaded only for that kind, so a stack loads only the SDK
 * modules it uses (the local kind neither azure-native nor azurestack; bench/results.md).
 */
async function main(): Promise<Record<string, unknown>> {
  const { config } = loadConfig();
  switch (config.kind) {
    case "local":
      return (await import("./stacks/local")).localStack(config);
    case "stamp":
      return (await import("./stacks/stamp")).stampStack(config);
    case "edge":
      return (await import("./stacks/edge")).edgeStack(config);
    case "global":
      return (await import("./stacks/global")).globalStack(config);
  }
}

export = main();
