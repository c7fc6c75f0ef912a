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
import { runProgram } from "./stacks/program";

export = runProgram();
