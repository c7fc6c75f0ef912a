/**
 * `npm run fleet -- preview|up|drift [--stacks a,b] [--concurrency N]`: one operation over the
 * whole fleet through the Automation API, on the stacks of this repository's `Pulumi.<stack>.yaml`
 * files (every global, stamp and edge stack; `local` and the tests' `it-*` stacks only when named with
 * --stacks). `up` deploys the global stacks first, then the rest in parallel; at most N stacks run
 * at once (default 2). For preview and up, local, edge and global stacks' programs run inline in this
 * process (`runsInline`; stamps keep a language host each; `--separate-programs` for all). Every
 * engine output line is prefixed with its stack name. At the end it
 * prints a summary table and writes it as Markdown to out/fleet-summary.md; the exit code is 0 only
 * when nothing failed and nothing drifted.
 *
 * Drift is `pulumi refresh --preview-only --expect-no-changes`: a refresh that changes nothing in
 * the state and fails (exit 7) when the live resources differ from it. The drift run also reports,
 * as findings, every secret whose expiry date in the stack's config is within 30 days
 * (lib/preflight.ts `expiringSecrets`); findings make the exit code 1 too. With `drift --read-only`
 * the run is the read-only viewer's (KUBECONFIG from `npm run kubeconfig`): the refresh leaves the
 * stack's Kubernetes Secrets out, which the viewer cannot read (docs/decisions.md). A stamp whose
 * cluster neither its API nor its helper answered (`cluster <stamp> not observed`) is `unknown`:
 * its own value in the drift column and the verdict, exit code 1, never clean.
 *
 * The backend and secrets come from the environment as for the CLI (PULUMI_BACKEND_URL or
 * `pulumi login`, PULUMI_CONFIG_PASSPHRASE, ARM_* / KUBECONFIG for the providers); the demo's
 * `local` stack defaults to the demo's own backend (scripts/lib/backend.ts). A stack without a
 * backend is reported before anything runs, and so are the cross-stack Traffic Manager problems of
 * `npm run check:stacks` (preview and up only).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CommandError,
  EngineEvent,
  LocalWorkspace,
  PulumiCommand,
  PulumiFn,
  Stack,
} from "@pulumi/pulumi/automation";
import {
  ChangeCounts,
  FleetArgs,
  FleetOp,
  FleetRow,
  FleetStack,
  failureOf,
  fleetExitCode,
  formatFindings,
  formatMarkdown,
  formatText,
  hasDrift,
  linePrefixer,
  parseFleetArgs,
  planWaves,
  runPool,
  runsInline,
  stackCheckError,
  verdict,
} from "./lib/fleet";
import { foreignEditFindingsOf } from "./lib/fleetForeignEdits";
import { viewerRefreshExcludes } from "../lib/clusterAccess";
import { checkStackDir } from "./check-stacks";
import { BackendChoice, chooseBackend } from "./lib/backend";
import { backendFacts } from "./lib/backendFacts";
import { deployableStacks, kindOf, projectName } from "./stacks";
import { expiringSecrets, SECRET_EXPIRY_KEYS } from "../lib/preflight";
import { STAMP_PHASE_VAR } from "../lib/stampIdentity";
import { credentialFromState } from "./lib/credentials";
import { stampRunEnv, stampRuns, stampStateOf } from "./lib/fleetIdentity";
import { writePrivateFile } from "./kubeconfig";

const ROOT = path.resolve(__dirname, "..");
const SUMMARY = path.join(ROOT, "out", "fleet-summary.md");
const POLICY = path.join(ROOT, "policy");

/**
 * The CLI, looked up once per fleet run: without it every LocalWorkspace runs `pulumi version`
 * again (one extra CLI start per stack, three per stamp). The version is still checked, once.
 */
let cli: Promise<PulumiCommand> | undefined;
const pulumiCommand = () => (cli ??= PulumiCommand.get());

/**
 * The program compiled in bin/ (the one the CLI runs), for stacks evaluated inline: loaded once
 * per fleet run, after the same staleness check as scripts/program.js, so the SDKs and our modules
 * are loaded once rather than in a language host per stack. Each call evaluates one stack.
 */
let compiledProgram: PulumiFn | undefined;
function inlineProgram(): PulumiFn {
  if (!compiledProgram) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(path.join(ROOT, "scripts", "program-build.js")) as { check(): void }).check();
    const compiled = path.join(ROOT, "bin", "stacks", "program.js");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    compiledProgram = (require(compiled) as { runProgram: PulumiFn }).runProgram;
  }
  return compiledProgram;
}

/** The stacks to run: the deployable ones, or exactly those named with --stacks. */
function chooseStacks(args: FleetArgs): FleetStack[] {
  if (!args.stacks) return deployableStacks(ROOT).map(({ stack, kind }) => ({ stack, kind }));
  const project = projectName(ROOT);
  return args.stacks.map((stack) => {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
      throw new Error(`--stacks names "${stack}", but there is no Pulumi.${stack}.yaml.`);
    }
    return { stack, kind: kindOf(fs.readFileSync(file, "utf8"), project) ?? "unknown" };
  });
}

/** Each stack's backend, or an Error listing every stack that has none. */
function chooseBackends(stacks: FleetStack[]): Map<string, BackendChoice> {
  const facts = backendFacts(ROOT);
  const chosen = new Map<string, BackendChoice>();
  const errors: string[] = [];
  for (const { stack } of stacks) {
    const choice = chooseBackend(stack, process.env, facts);
    if ("error" in choice) errors.push(choice.error);
    else chosen.set(stack, choice);
  }
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return chosen;
}

/**
 * The stack's secrets expiring within 30 days, from its config as the CLI reads it (only the plain
 * date keys of its kind: no secret is decrypted).
 */
async function expiryFindings(stack: Stack, kind: string): Promise<string[]> {
  const values: Record<string, string> = {};
  for (const { key } of SECRET_EXPIRY_KEYS[kind] ?? []) {
    try {
      values[key] = (await stack.getConfig(`${projectName(ROOT)}:${key}`)).value;
    } catch {
      // not set (optional on local stacks)
    }
  }
  return expiringSecrets(kind, values, new Date()).map((f) => `[${f.check}] ${f.message}`);
}

async function runOne(
  op: FleetOp,
  stackName: string,
  backend: BackendChoice,
  width: number,
  policyPacks: string[],
  kind = "unknown",
  /** drift only: refs left out of the refresh (the viewer's Secrets). */
  exclude: string[] = [],
  /** Variables for this run only (a stamp's KUBECONFIG and ASHK8S_STAMP_PHASE). */
  runEnv: Record<string, string> = {},
  /** Evaluate the program in this process (`runsInline`), not in a language host of its own. */
  inline = false,
): Promise<FleetRow> {
  const started = Date.now();
  const out = linePrefixer(`[${stackName.padEnd(width)}] `, (l) => process.stdout.write(`${l}\n`));
  const err = linePrefixer(`[${stackName.padEnd(width)}] `, (l) => process.stderr.write(`${l}\n`));
  let changes: ChangeCounts = {};
  const onEvent = (e: EngineEvent) => {
    if (e.summaryEvent) changes = { ...e.summaryEvent.resourceChanges };
  };
  const common = {
    onOutput: out.push,
    onError: err.push,
    onEvent,
    color: "never" as const,
    configFile: backend.configFile,
  };
  let findings: string[] = [];
  const row = (extra: Partial<FleetRow>): FleetRow => ({
    stack: stackName,
    op,
    changes,
    durationMs: Date.now() - started,
    result: "ok",
    ...(findings.length ? { findings } : {}),
    ...extra,
  });
  try {
    const options = {
      envVars: { ...backend.envVars, ...runEnv },
      pulumiCommand: await pulumiCommand(),
    };
    const stack = inline
      ? await LocalWorkspace.selectStack(
          { stackName, projectName: projectName(ROOT), program: inlineProgram() },
          { ...options, workDir: ROOT },
        )
      : await LocalWorkspace.selectStack({ stackName, workDir: ROOT }, options);
    if (op !== "drift") {
      out.push(
        inline
          ? "program: evaluated in the runner's process (inline)\n"
          : "program: evaluated by the CLI's language host (own process)\n",
      );
    }
    if (op === "preview") {
      const r = await stack.preview({ ...common, policyPacks });
      changes = { ...r.changeSummary };
      return row({ changes });
    }
    if (op === "up") {
      const r = await stack.up({ ...common, policyPacks });
      changes = { ...(r.summary.resourceChanges ?? changes) };
      return row({ changes });
    }
    findings = [
      ...(await expiryFindings(stack, kind)),
      ...(await foreignEditFindingsOf(stack, exclude.length > 0, runEnv.KUBECONFIG)),
    ];
    for (const f of findings) err.push(`finding: ${f}\n`);
    const r = await stack.previewRefresh({
      ...common,
      expectNoChanges: true,
      ...(exclude.length > 0 ? { exclude } : {}),
    });
    changes = { ...r.changeSummary };
    return row({ changes, drift: hasDrift(changes) });
  } catch (e) {
    // --expect-no-changes: exit 7 means the refresh found differences, i.e. drift.
    // The CLI reports it with exit 7 and "no changes were expected"; the Automation API does not
    // always pass the exit code through, so the message counts too. A cluster neither its API nor
    // its helper could observe makes the stack `unknown` instead (failureOf).
    const message = e instanceof Error ? e.message : String(e);
    const outcome = failureOf(op, message, isExpectNoChangesFailure(e));
    if (!outcome.drift) err.push(`${message}\n`);
    return row(outcome);
  } finally {
    out.flush();
    err.flush();
  }
}

/**
 * A stamp's runs (scripts/lib/fleetIdentity.ts): its state decides whether it is new (two runs:
 * the cluster phase, then everything as admin) and which identity's kubeconfig, read from its own
 * state, each run gets, in a 0600 file in a 0700 temporary folder removed when the stamp is done.
 */
async function runStamp(
  args: FleetArgs,
  stackName: string,
  backend: BackendChoice,
  width: number,
  policyPacks: string[],
): Promise<FleetRow> {
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[${stackName.padEnd(width)}] ${line}\n`);
  const exported = async () =>
    (
      await LocalWorkspace.selectStack(
        { stackName, workDir: ROOT },
        { envVars: backend.envVars, pulumiCommand: await pulumiCommand() },
      )
    ).exportStack();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-fleet-identity-"));
  try {
    const runs = stampRuns(args.op, stampStateOf(await exported()), args.admin === true);
    const rows: FleetRow[] = [];
    for (const run of runs) {
      let file: string | undefined;
      if (run.identity !== "none") {
        const credential = `${run.identity}-kubeconfig` as const;
        file = path.join(dir, `${stackName}-${run.identity}`);
        writePrivateFile(file, credentialFromState(stackName, await exported(), credential));
      }
      log(
        `identity: ${run.identity}${run.phase ? `, ${STAMP_PHASE_VAR}=${run.phase}` : ""} (${run.why})`,
      );
      const exclude = run.excludeSecrets ? viewerRefreshExcludes(stackName, projectName(ROOT)) : [];
      const row = await runOne(args.op, stackName, backend, width, policyPacks, "stamp", exclude, {
        ...stampRunEnv(run, file),
        ...(file ? {} : { KUBECONFIG: "" }),
      });
      rows.push(row);
      if (row.result !== "ok") break;
    }
    const last = rows[rows.length - 1];
    const changes: Record<string, number> = {};
    for (const r of rows)
      for (const [k, v] of Object.entries(r.changes)) changes[k] = (changes[k] ?? 0) + (v ?? 0);
    return { ...last, changes, durationMs: Date.now() - started };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log(message);
    return {
      stack: stackName,
      op: args.op,
      changes: {},
      durationMs: Date.now() - started,
      result: "failed",
      error: message.split("\n")[0].slice(0, 160),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function isExpectNoChangesFailure(e: unknown): boolean {
  if (!(e instanceof CommandError)) return false;
  const code = (e as unknown as { commandResult?: { code?: number } }).commandResult?.code;
  return code === 7 || /no changes were expected/.test(e.message);
}

async function main(): Promise<number> {
  const args = parseFleetArgs(process.argv.slice(2));
  const stacks = chooseStacks(args);
  if (stacks.length === 0)
    throw new Error("no stack to run: add a Pulumi.<stack>.yaml or use --stacks.");
  const inconsistent = stackCheckError(args.op, checkStackDir(ROOT));
  if (inconsistent) throw new Error(inconsistent);
  // Local stacks take their Kubernetes identity from $KUBECONFIG (docs/decisions.md): a refresh
  // does not run the program, so without it the provider would only report an unreachable cluster.
  const ambient = stacks.filter((s) => s.kind === "local").map((s) => s.stack);
  if (ambient.length > 0 && !process.env.KUBECONFIG) {
    throw new Error(
      `${ambient.join(", ")}: a local stack takes its Kubernetes identity from KUBECONFIG, which is not set; ` +
        `run \`npm run kubeconfig -- ${ambient[0]}\` (the read-only viewer; --deployer for up) and export the ` +
        "KUBECONFIG it prints, or export KUBECONFIG=.local/kubeconfig (the demo's admin kubeconfig).",
    );
  }
  const backends = chooseBackends(stacks);
  const waves = planWaves(args.op, stacks);
  // The policy pack gates preview and up, as in the pipelines (`--policy-pack policy`).
  const policyPacks = args.policy && fs.existsSync(POLICY) && args.op !== "drift" ? [POLICY] : [];
  const width = Math.max(...stacks.map((s) => s.stack.length));
  const kinds = new Map(stacks.map((s) => [s.stack, s.kind]));
  process.stdout.write(
    `fleet ${args.op}: ${waves.map((w) => w.join(", ")).join(" -> ")} (concurrency ${args.concurrency}${policyPacks.length ? ", policy pack policy/" : ""})\n`,
  );
  const rows: FleetRow[] = [];
  for (const wave of waves) {
    if (rows.some((r) => r.result === "failed") && args.op === "up") {
      // A failed global wave leaves the stamps' StackReference inputs stale: do not deploy them.
      rows.push(
        ...wave.map((stack) => ({
          stack,
          op: args.op,
          changes: {},
          durationMs: 0,
          result: "skipped" as const,
        })),
      );
      continue;
    }
    rows.push(
      ...(await runPool(wave, args.concurrency, (s) =>
        kinds.get(s) === "stamp"
          ? runStamp(args, s, backends.get(s)!, width, policyPacks)
          : runOne(
              args.op,
              s,
              backends.get(s)!,
              width,
              policyPacks,
              kinds.get(s),
              args.readOnly ? viewerRefreshExcludes(s, projectName(ROOT)) : [],
              {},
              runsInline(args, kinds.get(s) ?? "unknown", {}),
            ),
      )),
    );
  }
  const findingLines = formatFindings(rows)
    .map((l) => `finding ${l}\n`)
    .join("");
  process.stdout.write(
    `\n${formatText(rows)}${findingLines}${verdict(rows).replace(/\*\*/g, "")}\n`,
  );
  fs.mkdirSync(path.dirname(SUMMARY), { recursive: true });
  fs.writeFileSync(SUMMARY, formatMarkdown(rows, args.op));
  process.stdout.write(`summary written to ${path.relative(ROOT, SUMMARY)}\n`);
  return fleetExitCode(rows);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`fleet: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
