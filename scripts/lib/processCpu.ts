/**
 * Where the CPU of a command goes, by kind of process: `npm run bench` runs a fleet preview under
 * `cpuByProcess` and reports the CPU of the Pulumi CLI, the Kubernetes plugin, the policy pack,
 * the dynamic-provider host, the runner and so on. Linux only (reads /proc).
 *
 * The command's process tree is sampled every few milliseconds: a process is counted once seen
 * (its parent is the command or a counted process), with the CPU of its last sample. A process
 * that starts and ends between two samples is missed, and the last few milliseconds before a
 * process ends can be. The kernel's own count (bash's `times`) is no upper bound either: it holds
 * only processes reaped by their parents in the tree, and plugins' children orphaned when the
 * engine kills the plugins are reaped by init (a fleet preview's sampled sum was 20-35 % above it).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { childrenCpuMs } from "./benchEngine";

/** Clock ticks per second of /proc's utime/stime (USER_HZ: 100 on every Linux we run on). */
const CLOCK_TICKS = 100;

/** The kind of process a command line belongs to, as the bench reports it. */
export function processKind(cmdline: string): string {
  const argv0 = cmdline.split(" ")[0] ?? "";
  const rules: [RegExp, string][] = [
    [/pulumi-resource-kubernetes/, "Kubernetes provider plugin"],
    [/cmd\/dynamic-provider\//, "dynamic-provider host (Node)"],
    [/pulumi-resource-pulumi-nodejs/, "dynamic-provider shim"],
    [/cmd\/run-policy-pack\//, "policy pack (Node)"],
    [/pulumi-analyzer-policy/, "policy pack shim"],
    [/pulumi-language-nodejs/, "Node language host"],
    [/cmd\/run\/index\.js/, "program (own Node process)"],
    [/(^|\/)npm(-cli\.js)? |npm-cli\.js --version|(^|\/)npm --version/, "npm"],
    [/scripts\/(run-ts\.sh|fleet\.ts|program-build\.js)/, "runner (fleet.ts, inline programs)"],
  ];
  for (const [re, kind] of rules) if (re.test(cmdline)) return kind;
  if (/(^|\/)pulumi$/.test(argv0)) return "Pulumi CLI";
  return "other";
}

interface Seen {
  cmdline: string;
  cpuMs: number;
}

/** One /proc/<pid>/stat: parent pid, start time (ticks since boot) and user+system CPU in ms. */
export function parseStat(stat: string): { ppid: number; start: number; cpuMs: number } {
  // The command name (field 2) is in parentheses and may hold spaces: split after its last ")".
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, starttime 22.
  const ticks = Number(f[11]) + Number(f[12]);
  return { ppid: Number(f[1]), start: Number(f[19]), cpuMs: (ticks * 1000) / CLOCK_TICKS };
}

export interface ProcessCpu {
  code: number;
  ms: number;
  /** The sum of the sampled processes' user+system CPU, ms. */
  sampledCpuMs: number;
  /** The kernel's user+system CPU of the children reaped within the tree (bash's `times`), ms. */
  reapedCpuMs: number;
  /** CPU by kind of process, ms, and how many processes of that kind were seen. */
  byKind: Map<string, { cpuMs: number; count: number }>;
  output: string;
}

/** Runs `cmd args` (through bash, for `times`) and attributes its tree's CPU to process kinds. */
export async function cpuByProcess(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; intervalMs?: number },
): Promise<ProcessCpu> {
  const script = '"$@" >"$BENCH_OUT" 2>&1; s=$?; times; exit $s';
  const outFile = `/tmp/bench-cpu-${process.pid}-${Date.now()}.log`;
  const started = performance.now();
  const child = spawn("bash", ["-c", script, "bash", cmd, ...args], {
    cwd: opts.cwd,
    env: { ...opts.env, BENCH_OUT: outFile },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let timesOut = "";
  child.stdout!.on("data", (d: Buffer) => (timesOut += d.toString()));
  const root = child.pid!;
  const tree = new Set<number>([root]);
  const outside = new Map<number, number>(); // pid -> start time, known not to be ours
  const seen = new Map<string, Seen>(); // "pid/start" -> last sample
  const sample = () => {
    for (const name of fs.readdirSync("/proc")) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid === root) continue;
      let stat: ReturnType<typeof parseStat>;
      try {
        stat = parseStat(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
      } catch {
        continue; // exited while we read
      }
      if (outside.get(pid) === stat.start) continue;
      if (!tree.has(pid)) {
        if (!tree.has(stat.ppid)) {
          outside.set(pid, stat.start);
          continue;
        }
        tree.add(pid);
      }
      const key = `${pid}/${stat.start}`;
      const prev = seen.get(key);
      // The newest command line: a process seen between fork and exec still shows its parent's.
      let cmdline = "";
      try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      } catch {
        // exited while we read
      }
      seen.set(key, {
        cmdline: cmdline || prev?.cmdline || "",
        cpuMs: Math.max(prev?.cpuMs ?? 0, stat.cpuMs),
      });
    }
  };
  const timer = setInterval(sample, opts.intervalMs ?? 20);
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
  clearInterval(timer);
  const ms = performance.now() - started;
  const output = fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8") : "";
  fs.rmSync(outFile, { force: true });
  const byKind = new Map<string, { cpuMs: number; count: number }>();
  for (const { cmdline, cpuMs } of seen.values()) {
    const kind = processKind(cmdline);
    const k = byKind.get(kind) ?? { cpuMs: 0, count: 0 };
    byKind.set(kind, { cpuMs: k.cpuMs + cpuMs, count: k.count + 1 });
  }
  const sampledCpuMs = [...byKind.values()].reduce((sum, k) => sum + k.cpuMs, 0);
  return { code, ms, sampledCpuMs, reapedCpuMs: childrenCpuMs(timesOut) ?? NaN, byKind, output };
}
