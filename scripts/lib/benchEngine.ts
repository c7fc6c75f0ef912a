/**
 * The real-engine parts of `npm run bench` (scripts/bench.ts): running a command with its wall
 * time, the anchor project, one stack's preview with its CPU, the floor of a fleet preview and
 * where a fleet preview's CPU goes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cpuByProcess, ProcessCpu } from "./processCpu";

const ROOT = path.resolve(__dirname, "..", "..");

/** One row of the bench's table. */
export interface Row {
  what: string;
  wallMs?: number;
  detail: string;
}

export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 256 << 20 });
  return { ms: performance.now() - t, code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The anchor of (c): an empty JavaScript program importing the floor's SDKs, as a Pulumi project. */
export function anchorProject(floorModules: string[]): string {
  const dir = path.join(ROOT, ".cache", "bench-anchor");
  fs.rmSync(dir, { recursive: true, force: true }); // a stack file of an earlier run has its salt
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench-anchor\nruntime: nodejs\n");
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "bench-anchor", private: true, main: "index.js" }) + "\n",
  );
  fs.writeFileSync(
    path.join(dir, "index.js"),
    floorModules.map((m) => `require(${JSON.stringify(m)});`).join("\n") + "\n",
  );
  return dir;
}

/**
 * The children's user+sys milliseconds from the output of bash's `times` (its last line, e.g.
 * "0m4.210s 0m0.820s"); undefined when the output does not end with such a line.
 */
export function childrenCpuMs(out: string): number | undefined {
  const m = /^(\d+)m(\d+(?:\.\d+)?)s (\d+)m(\d+(?:\.\d+)?)s$/.exec(
    out.trim().split("\n").pop() ?? "",
  );
  if (!m) return undefined;
  const [um, us, sm, ss] = m.slice(1).map(Number);
  return Math.round((um * 60 + us + sm * 60 + ss) * 1000);
}

/** `pulumi preview` of the stack with the policy pack: wall time, and CPU from bash's `times`. */
export function cpuTimed(stack: { stack: string; env(): NodeJS.ProcessEnv }): {
  ms: number;
  cpuMs: number;
} {
  // The preview's own output only when it failed, so that `times` stays the last line.
  const script =
    'out=$(pulumi "$@" 2>&1); s=$?; [ $s -eq 0 ] || printf "%s\\n" "$out"; times; exit $s';
  const args = ["preview", "--stack", stack.stack, "--non-interactive", "--policy-pack", "policy"];
  const r = timed("bash", ["-c", script, "bash", ...args], stack.env());
  const cpuMs = childrenCpuMs(r.stdout);
  if (r.code !== 0 || cpuMs === undefined) {
    throw new Error(`preview with the policy pack failed (exit ${r.code}):\n${r.stdout}`);
  }
  return { ms: r.ms, cpuMs };
}

/**
 * The shortest a fleet preview of `n` stacks can take when each stack runs its own CLI, language
 * host, program and policy pack (as now): the runner's own part of one run (`one` - `stackWall`),
 * plus the larger of the waves at concurrency 2 (each at least one stack's wall time) and the
 * stacks' CPU spread over every core. A floor, not a prediction: the CPU is a lower bound too.
 */
export function fleetFloor(
  n: number,
  one: number,
  stackWall: number,
  stackCpu: number,
  cores: number,
): number {
  const runner = Math.max(0, one - stackWall);
  return runner + Math.max(Math.ceil(n / 2) * stackWall, (n * stackCpu) / cores);
}

/**
 * Where a fleet preview's CPU goes: the 1- and 4-stack previews again, their process trees
 * sampled (scripts/lib/processCpu.ts), CPU by kind of process and what each further stack adds.
 */
export async function fleetCpuRows(
  fleetArgs: (n: number) => string[],
  env: NodeJS.ProcessEnv,
): Promise<Row[]> {
  const runs: [string, ProcessCpu][] = [];
  for (const n of [1, 4]) {
    const r = await cpuByProcess("npm", fleetArgs(n), { cwd: ROOT, env });
    if (r.code !== 0) throw new Error(`sampled fleet preview of ${n} stacks failed:\n${r.output}`);
    runs.push([`(d) CPU by process, fleet preview of ${n} local stack${n > 1 ? "s" : ""}`, r]);
  }
  return cpuRows(runs[0], runs[1], {
    what: "(d) CPU each further stack adds, by process ((4 stacks - 1 stack) / 3)",
    divisor: 3,
  });
}

/**
 * Where one preview's CPU goes against the anchor's: `pulumi preview` of each once more, their
 * process trees sampled, CPU by kind of process and what the stack adds.
 */
export async function previewCpuRows(
  anchor: { cwd: string; args: string[] },
  stack: { cwd: string; args: string[] },
  env: NodeJS.ProcessEnv,
): Promise<Row[]> {
  const runs: [string, ProcessCpu][] = [];
  for (const [what, { cwd, args }] of [
    ["(c) CPU by process, anchor preview", anchor],
    ["(c) CPU by process, local stack preview", stack],
  ] as const) {
    const r = await cpuByProcess("pulumi", args, { cwd, env });
    if (r.code !== 0) throw new Error(`sampled ${what} failed:\n${r.output}`);
    runs.push([what, r]);
  }
  return cpuRows(runs[0], runs[1], {
    what: "(c) CPU the local stack's preview adds to the anchor's, by process",
    divisor: 1,
  });
}

/** A row per sampled run (CPU by kind of process) and one for (second - first) / divisor. */
function cpuRows(
  [whatA, a]: [string, ProcessCpu],
  [whatB, b]: [string, ProcessCpu],
  diff: { what: string; divisor: number },
): Row[] {
  const kinds = [...new Set([...a.byKind.keys(), ...b.byKind.keys()])].sort(
    (x, y) => (b.byKind.get(y)?.cpuMs ?? 0) - (b.byKind.get(x)?.cpuMs ?? 0),
  );
  const cpu = (r: ProcessCpu, k: string) => Math.round(r.byKind.get(k)?.cpuMs ?? 0);
  const row = (what: string, r: ProcessCpu): Row => ({
    what: `${what} (sampled run)`,
    wallMs: r.ms,
    detail:
      `sampled ${Math.round(r.sampledCpuMs)} ms (the kernel's count of reaped children ` +
      `${Math.round(r.reapedCpuMs)} ms): ` +
      kinds
        .filter((k) => cpu(r, k) > 0)
        .map((k) => `${k} ${cpu(r, k)} (x${r.byKind.get(k)!.count})`)
        .join(", "),
  });
  const added = kinds
    .map((k) => [k, Math.round((cpu(b, k) - cpu(a, k)) / diff.divisor)] as const)
    .filter(([, ms]) => Math.abs(ms) >= 10);
  return [
    row(whatA, a),
    row(whatB, b),
    {
      what: diff.what,
      wallMs: undefined,
      detail:
        `${Math.round((b.sampledCpuMs - a.sampledCpuMs) / diff.divisor)} ms in all: ` +
        added.map(([k, ms]) => `${k} ${ms}`).join(", "),
    },
  ];
}
