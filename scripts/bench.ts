/**
 * `npm run bench`: how long the program and its tests take on this machine, written to
 * bench/results.md with the machine it ran on. Never used for assertions: timings vary with load.
 *
 *  (a) the whole seattle stamp program under mocks (as test/stampProgramSpec.ts runs it) vs the
 *      floor of only importing the SDKs: wall time and peak RSS of a fresh child process each,
 *      median of 3;
 *  (b) the unit suite (`jest --ci`) once;
 *  (c) a real-engine `pulumi preview` of a fresh local-kind stack, when the local control plane runs,
 *      against the anchor: the preview of an empty JavaScript program that imports the same SDKs
 *      as the floor (.cache/bench-anchor/, same CLI and backend), alternating; then one of each
 *      with its process tree sampled: CPU by kind of process and what the stack adds;
 *  (d) `npm run fleet -- preview` over 1, 4 and 16 fresh local-kind stacks (concurrency 2); then
 *      the 1- and 4-stack previews again with their process trees sampled: CPU by kind of process
 *      (CLI, plugins, policy pack, runner) and what each further stack adds.
 *
 * `--no-unit` leaves (b) out (on a shared machine the unit suite is run by itself), `--no-engine`
 * (c) and (d).
 *
 * A child measurement is this script run with `--child eval|floor`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  anchorProject,
  cpuTimed,
  fleetCpuRows,
  fleetFloor,
  previewCpuRows,
  Row,
  timed,
} from "./lib/benchEngine";

const ROOT = path.resolve(__dirname, "..");
const REGISTER = path.join(ROOT, "scripts", "ts-register.js");
const RUNS = 3;
/** bench/results.md from this line on is kept as it is by a new run. */
const HISTORY = "<!-- kept by npm run bench: earlier runs and profiles -->";
/** What the floor and the anchor import: every SDK the program can use. */
const FLOOR_MODULES = [
  "@pulumi/pulumi",
  "@pulumi/azure-native",
  "@pulumi/kubernetes",
  "@pulumi/azurestack",
  "@pulumi/tls",
];

interface ChildReport {
  /** Wall time inside the child from before the first require to the settled program, ms. */
  innerMs: number;
  /** Peak resident set size of the child, MB. */
  peakRssMb: number;
  resources: number;
}

/** Only `Date` is frozen (as test/support/fixedDate.ts does under jest); timers stay real. */
function freezeDate({ now }: { now: Date }): void {
  const fixed = now.getTime();
  const Real = Date;
  class Fixed extends Real {
    constructor(...args: unknown[]) {
      if (args.length) super(...(args as [string]));
      else super(fixed);
    }
    static now(): number {
      return fixed;
    }
  }
  globalThis.Date = Fixed as DateConstructor;
}

/** Child mode: import the SDKs only, or evaluate the seattle program under mocks. */
async function child(mode: string): Promise<void> {
  const started = performance.now();
  let resources = 0;
  if (mode === "floor") {
    for (const m of FLOOR_MODULES) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(m);
    }
  } else {
    // test/mocks.ts freezes Date through jest's fake timers; outside jest, freeze it directly.
    (globalThis as { jest?: unknown }).jest = { useFakeTimers: freezeDate };
    const { installPinnedStampMocks } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require("../test/support/stampProgramMocks") as typeof import("../test/support/stampProgramMocks");
    // The shipped stack file with the stand-in download pins, as the graph and program tests use.
    const recorded = installPinnedStampMocks("seattle", process.cwd());
    // The program as Pulumi runs it: package.json's main (the compiled program behind its
    // staleness check, or index.ts through the transpiler when main is TypeScript).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await require(path.join(process.cwd(), programMain()));
    // Settled: no new registration for 150 ms (the mocks resolve everything in-process).
    let seen = -1;
    while (seen !== recorded.length) {
      seen = recorded.length;
      await new Promise((r) => setTimeout(r, 150));
    }
    resources = recorded.length;
    if (resources < 20) throw new Error(`the program registered only ${resources} resources`);
  }
  const report: ChildReport = {
    innerMs: performance.now() - started,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    resources,
  };
  process.stdout.write(`BENCH ${JSON.stringify(report)}\n`);
  process.exit(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function programMain(root = process.cwd()): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    main: string;
  };
  return pkg.main;
}

/**
 * The children run as JavaScript, so that no transpiling of this script or of the test helpers it
 * loads (mocks, stack files) counts against the program: the project is transpiled once into
 * .cache/bench-js (scripts/program-build.js), with the stack files linked in for test/stackFiles.ts.
 * Only when package.json's main is TypeScript does the eval child get the transpiler, for the
 * program, as Pulumi's ts-node did.
 */
function childScript(): string {
  const out = path.join(ROOT, ".cache", "bench-js");
  fs.rmSync(out, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { transpileProject } = require("./program-build") as {
    transpileProject: (root: string, tsconfig: string, outDir: string) => number;
  };
  transpileProject(ROOT, "tsconfig.json", out);
  for (const f of fs.readdirSync(ROOT).filter((n) => /^Pulumi\..*\.yaml$/.test(n))) {
    fs.symlinkSync(path.join(ROOT, f), path.join(out, f));
  }
  return path.join(out, "scripts", "bench.js");
}

/** Floor and program runs alternate, so a burst of load from elsewhere hits both alike. */
function measureChildren(modes: string[]): Row[] {
  const script = childScript();
  const tsMain = programMain(ROOT).endsWith(".ts");
  const walls: Record<string, number[]> = {};
  const inner: Record<string, number[]> = {};
  const rss: Record<string, number[]> = {};
  const resources: Record<string, number> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const mode of modes) {
      const register = tsMain && mode === "eval" ? ["-r", REGISTER] : [];
      const r = timed(process.execPath, [...register, script, "--child", mode]);
      const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH "));
      if (r.code !== 0 || !line) {
        throw new Error(`bench child ${mode} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
      }
      const rep = JSON.parse(line.slice(6)) as ChildReport;
      (walls[mode] ??= []).push(r.ms);
      (inner[mode] ??= []).push(rep.innerMs);
      (rss[mode] ??= []).push(rep.peakRssMb);
      resources[mode] = rep.resources;
    }
  }
  const ratio = (mode: string, of: Record<string, number[]>) =>
    mode !== "floor" && of.floor
      ? ` (${(median(of[mode]) / median(of.floor)).toFixed(2)}x the floor)`
      : "";
  return modes.map((mode) => ({
    what:
      mode === "floor"
        ? "(a) floor: import pulumi, azure-native, kubernetes, azurestack, tls"
        : "(a) seattle stamp program under mocks",
    wallMs: median(walls[mode]),
    detail:
      `median of ${RUNS} processes (alternating with the other (a) row)${ratio(mode, walls)}; ` +
      `in-process ${Math.round(median(inner[mode]))} ms${ratio(mode, inner)}; ` +
      `peak RSS ${Math.round(median(rss[mode]))} MB${ratio(mode, rss)}` +
      (resources[mode] ? `; ${resources[mode]} resources registered` : ""),
  }));
}

function unitSuite(): Row {
  const r = timed(path.join(ROOT, "node_modules", ".bin", "jest"), ["--ci"]);
  const tests = /Tests:\s+(.*)/.exec(r.stderr)?.[1]?.trim() ?? "no test count";
  const suites = /Test Suites:\s+(.*)/.exec(r.stderr)?.[1]?.trim() ?? "";
  return {
    what: "(b) unit suite: jest --ci",
    wallMs: r.ms,
    detail: `exit ${r.code}; suites ${suites}; tests ${tests}; ${os.cpus().length} cores`,
  };
}

function controlPlaneRunning(): boolean {
  return spawnSync("bash", ["scripts/local-cluster.sh", "status"], { cwd: ROOT }).status === 0;
}

async function realEngine(): Promise<Row[]> {
  if (!controlPlaneRunning()) {
    return [
      {
        what: "(c) pulumi preview, local stack",
        detail: "skipped: local control plane not running",
      },
      { what: "(d) fleet preview", detail: "skipped: local control plane not running" },
    ];
  }
  const { LocalStack } = await import("../test/integration/harness");
  const rows: Row[] = [];
  const first = new LocalStack("it-bench-1");
  const others = Array.from({ length: 15 }, (_, i) => i + 2).map((n) => {
    const s = new LocalStack(`it-bench-${n}`);
    // One backend for the whole fleet, as the runner expects.
    s.env = () => first.env();
    return s;
  });
  const all = [first, ...others];
  try {
    for (const s of all) s.init();
    const warm = first.pulumi("preview"); // plugin and program cache warm-up, not measured
    if (warm.code !== 0) throw new Error(`warm-up preview failed:\n${warm.stderr}`);
    const anchorDir = anchorProject(FLOOR_MODULES);
    const inAnchor = (args: string[]) => {
      const t = performance.now();
      const r = spawnSync("pulumi", [...args, "--non-interactive"], {
        cwd: anchorDir,
        env: first.env(),
        encoding: "utf8",
      });
      return { ms: performance.now() - t, code: r.status ?? -1, stderr: r.stderr };
    };
    const init = inAnchor(["stack", "init", "anchor", "--secrets-provider", "passphrase"]);
    if (init.code !== 0) throw new Error(`anchor stack init failed:\n${init.stderr}`);
    if (inAnchor(["preview", "--stack", "anchor"]).code !== 0)
      throw new Error("anchor warm-up failed");
    const previews: number[] = [];
    const anchors: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = inAnchor(["preview", "--stack", "anchor"]);
      if (a.code !== 0) throw new Error(`anchor preview failed:\n${a.stderr}`);
      anchors.push(a.ms);
      const r = timed(
        "pulumi",
        ["preview", "--stack", first.stack, "--non-interactive"],
        first.env(),
      );
      if (r.code !== 0) throw new Error(`preview failed:\n${r.stderr}`);
      previews.push(r.ms);
    }
    rows.push({
      what: "(c) anchor: pulumi preview, empty JS program importing the floor's SDKs",
      wallMs: median(anchors),
      detail: `median of ${RUNS}, after one warm-up, alternating with the next row; CLI, file backend`,
    });
    rows.push({
      what: "(c) pulumi preview, fresh local-kind stack",
      wallMs: median(previews),
      detail:
        `median of ${RUNS}, after one warm-up; CLI, file backend; ` +
        `${(median(previews) / median(anchors)).toFixed(2)}x the anchor`,
    });
    rows.push(
      ...(await previewCpuRows(
        { cwd: anchorDir, args: ["preview", "--stack", "anchor", "--non-interactive"] },
        { cwd: ROOT, args: ["preview", "--stack", first.stack, "--non-interactive"] },
        first.env(),
      )),
    );
    // One stack's preview as the fleet runs it (with the policy pack): its wall time and the CPU
    // of the CLI and every process it waited for, the per-stack cost a fleet repeats.
    const perStack = Array.from({ length: RUNS }, () => cpuTimed(first));
    const stackWall = median(perStack.map((p) => p.ms));
    const stackCpu = median(perStack.map((p) => p.cpuMs));
    rows.push({
      what: "(c) pulumi preview, local stack with the policy pack (one fleet stack's work)",
      wallMs: stackWall,
      detail:
        `median of ${RUNS}; CPU ${Math.round(stackCpu)} ms (user+sys of the CLI and the processes ` +
        "it waited for: a lower bound of what one stack costs)",
    });
    const fleetArgs = (n: number) => [
      ...["run", "--silent", "fleet", "--", "preview"],
      ...[
        "--stacks",
        all
          .slice(0, n)
          .map((s) => s.stack)
          .join(","),
        "--concurrency",
        "2",
      ],
    ];
    let one = 0;
    for (const n of [1, 4, 16]) {
      const r = timed("npm", fleetArgs(n), first.env());
      if (n === 1) one = r.ms;
      if (r.code !== 0) {
        // Kept for reading: which stack failed and why (the row only says the exit code).
        const log = path.join(ROOT, ".cache", `bench-fleet-${n}.log`);
        fs.writeFileSync(log, `${r.stdout}\n${r.stderr}`);
        process.stderr.write(`fleet preview of ${n} stacks failed; output in ${log}\n`);
      }
      rows.push({
        what: `(d) fleet preview, ${n} local stack${n > 1 ? "s" : ""}`,
        wallMs: r.ms,
        detail:
          `exit ${r.code}; concurrency 2; with the policy pack; Automation API, programs inline, one run` +
          (n > 1
            ? `; ${(r.ms / one).toFixed(2)}x one stack; a runner with a CLI program process per ` +
              `stack could not go below ${Math.round(fleetFloor(n, one, stackWall, stackCpu, os.cpus().length))} ms ` +
              `on ${os.cpus().length} cores (fleetFloor)`
            : ""),
      });
    }
    rows.push(...(await fleetCpuRows(fleetArgs, first.env())));
  } finally {
    for (const s of all) s.dispose();
  }
  return rows;
}

function machine(): string[] {
  const cpus = os.cpus();
  return [
    `- Date: ${new Date().toISOString()}`,
    `- CPU: ${cpus[0]?.model ?? "unknown"}, ${cpus.length} cores`,
    `- RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node: ${process.version}`,
  ];
}

function table(rows: Row[]): { text: string; markdown: string } {
  const fmt = (r: Row) => (r.wallMs === undefined ? "-" : `${Math.round(r.wallMs)} ms`);
  const w0 = Math.max(...rows.map((r) => r.what.length));
  const w1 = Math.max(...rows.map((r) => fmt(r).length));
  const text = rows
    .map((r) => `${r.what.padEnd(w0)}  ${fmt(r).padStart(w1)}  ${r.detail}`)
    .join("\n");
  const markdown = [
    "| measurement | wall | detail |",
    "| --- | ---: | --- |",
    ...rows.map((r) => `| ${r.what} | ${fmt(r)} | ${r.detail} |`),
  ].join("\n");
  return { text, markdown };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const step = (row: Row) => {
    rows.push(row);
    process.stdout.write(
      `${row.what}: ${row.wallMs === undefined ? "-" : Math.round(row.wallMs) + " ms"}; ${row.detail}\n`,
    );
  };
  for (const r of measureChildren(["floor", "eval"])) step(r);
  if (!process.argv.includes("--no-unit")) step(unitSuite());
  if (!process.argv.includes("--no-engine")) for (const r of await realEngine()) step(r);
  const { text, markdown } = table(rows);
  process.stdout.write(`\n${text}\n`);
  const file = path.join(ROOT, "bench", "results.md");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Everything from the history marker on is written by hand (earlier runs, profiles) and kept.
  const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const at = old.indexOf(HISTORY);
  fs.writeFileSync(
    file,
    [
      "# Benchmarks",
      "",
      "Written by `npm run bench` (scripts/bench.ts); numbers from one run on the machine below, for",
      "comparison between runs on the same machine, not targets. Wall times include process start.",
      "",
      ...machine(),
      "",
      markdown,
      "",
      ...(at >= 0 ? [old.slice(at)] : []),
    ].join("\n"),
  );
  process.stdout.write(`written to ${path.relative(ROOT, file)}\n`);
}

const at = process.argv.indexOf("--child");
(at >= 0 ? child(process.argv[at + 1]) : main()).catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
