/**
 * scripts/lib/processCpu.ts: the process kinds of the bench's CPU breakdown (command lines as seen
 * in /proc during a fleet preview), /proc/<pid>/stat parsing, and a real sampled process tree.
 */
import { cpuByProcess, parseStat, processKind } from "../scripts/lib/processCpu";

const NM = "/work/main/node_modules";
test.each([
  ["/work/main/.toolchain/bin/pulumi preview --stack a --policy-pack policy", "Pulumi CLI"],
  ["pulumi version", "Pulumi CLI"],
  ["/opt/pulumi-tools/bin/pulumictl", "other"],
  [
    "/work/main/.toolchain/pulumi-home/plugins/resource-kubernetes-v4.25.0/pulumi-resource-kubernetes 127.0.0.1:4",
    "Kubernetes provider plugin",
  ],
  [
    `${NM}/.bin/node ${NM}/@pulumi/pulumi/cmd/dynamic-provider/index.js 127.0.0.1:1`,
    "dynamic-provider host (Node)",
  ],
  ["/work/main/.toolchain/bin/pulumi-resource-pulumi-nodejs 127.0.0.1:1", "dynamic-provider shim"],
  [
    `${NM}/.bin/node ${NM}/@pulumi/pulumi/cmd/run-policy-pack/index.js 127.0.0.1:2`,
    "policy pack (Node)",
  ],
  [
    "/work/main/.toolchain/bin/pulumi-analyzer-policy 127.0.0.1:2 /work/main/policy",
    "policy pack shim",
  ],
  ["/work/main/.toolchain/bin/pulumi-language-nodejs 127.0.0.1:3", "Node language host"],
  [
    `${NM}/.bin/node ${NM}/@pulumi/pulumi/cmd/run/index.js --monitor 127.0.0.1:5`,
    "program (own Node process)",
  ],
  ["node /usr/bin/npm --version", "npm"],
  ["node /usr/bin/npm run -s fleet -- preview --stacks a,b", "npm"],
  [
    "bash scripts/run-ts.sh --needs-pulumi scripts/fleet.ts preview",
    "runner (fleet.ts, inline programs)",
  ],
  [
    "node -r /work/main/scripts/ts-register.js /work/main/scripts/fleet.ts preview",
    "runner (fleet.ts, inline programs)",
  ],
  ["node /work/main/scripts/program-build.js", "runner (fleet.ts, inline programs)"],
  ["/usr/bin/git status --porcelain -z", "other"],
  ["", "other"],
])("%j is a %s", (cmdline, kind) => {
  expect(processKind(cmdline)).toBe(kind);
});

test("stat fields after a command name with spaces and parentheses", () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice threads itrealvalue starttime ...
  const stat =
    "4242 (my (odd) name) S 17 4242 4242 0 -1 4194304 10 0 0 0 123 45 0 0 20 0 1 0 987654 0 0";
  expect(parseStat(stat)).toEqual({ ppid: 17, start: 987654, cpuMs: 1680 });
});

test("a real tree: a grandchild burning CPU is counted under its kind, as the kernel counts it", async () => {
  // bash -> bash -> node, whose command line names Pulumi's program runner: 400 ms of busy loop
  const busy = "const end = Date.now() + 400; while (Date.now() < end);";
  // (the text is passed in the environment, so that only node's command line holds it)
  const r = await cpuByProcess("bash", ["-c", 'node -e "$BUSY" "$ARG"; exit 3'], {
    cwd: __dirname,
    env: { ...process.env, BUSY: busy, ARG: "cmd/run/index.js" },
    intervalMs: 10,
  });
  expect(r.code).toBe(3);
  const program = r.byKind.get("program (own Node process)");
  expect(program?.count).toBe(1);
  expect(program!.cpuMs).toBeGreaterThanOrEqual(300);
  // every process here is reaped by its parent, so the kernel's count holds them all
  expect(r.sampledCpuMs).toBeLessThanOrEqual(r.reapedCpuMs + 20); // /proc counts in 10 ms ticks
  expect(r.sampledCpuMs).toBeGreaterThanOrEqual(r.reapedCpuMs - 100);
});
