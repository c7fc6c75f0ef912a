/**
 * The fleet runner through the real engine: two local-kind stacks in one file backend, each in its
 * own namespace of the local control plane, deployed in parallel by `npm run fleet -- up`, then a
 * clean drift check, an out-of-band scale of one stack's Deployment that `drift` reports (and only
 * for that stack), and destroy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { kubectl, LocalStack, ROOT, run, show } from "./harness";

/** Both stacks share the first one's backend and passphrase, as a fleet shares one backend. */
class FleetStack extends LocalStack {
  constructor(
    name: string,
    private readonly shared?: LocalStack,
  ) {
    super(name);
  }
  env(): NodeJS.ProcessEnv {
    return this.shared ? this.shared.env() : super.env();
  }
}

const a = new FleetStack("it-fleet-a");
const b = new FleetStack("it-fleet-b", a);
const SUMMARY = path.join(ROOT, "out", "fleet-summary.md");

function fleet(...args: string[]) {
  return run("npm", ["run", "--silent", "fleet", "--", ...args], a.env());
}

/** The summary row of a stack as its cells: stack, op, creates, updates, replaces, deletes, drift, duration, result. */
function summaryRow(stack: string): string[] {
  const line = fs
    .readFileSync(SUMMARY, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`| ${stack} |`));
  if (!line)
    throw new Error(`no summary row for ${stack} in:\n${fs.readFileSync(SUMMARY, "utf8")}`);
  return line
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim());
}

beforeAll(() => {
  a.init();
  b.init();
});
afterAll(() => {
  for (const s of [a, b]) s.pulumi("destroy", "--yes", "--skip-preview");
  b.dispose();
  a.dispose();
});

test("up deploys both stacks in parallel and summarises their creates", () => {
  const up = fleet("up", "--stacks", "it-fleet-a,it-fleet-b", "--concurrency", "2");
  expect({ code: up.code, output: up.code === 0 ? "" : show(up) }).toEqual({ code: 0, output: "" });
  expect(up.stdout).toContain(
    "fleet up: it-fleet-a, it-fleet-b (concurrency 2, policy pack policy/)",
  );
  // The runner evaluated the local stacks' programs itself (scripts/lib/fleet.ts `runsInline`).
  for (const stack of ["it-fleet-a", "it-fleet-b"]) {
    expect(up.stdout).toContain(`[${stack}] program: evaluated in the runner's process (inline)`);
  }
  // Live progress: engine lines of both stacks, prefixed.
  expect(up.stdout).toMatch(/^\[it-fleet-a\] /m);
  expect(up.stdout).toMatch(/^\[it-fleet-b\] /m);
  // The policy pack ran for each stack, as in the pipelines.
  expect(up.stdout).toMatch(/^\[it-fleet-a\]\s+✅ ash-ha-kubernetes@v/m);
  expect(up.stdout).toMatch(/^\[it-fleet-b\]\s+✅ ash-ha-kubernetes@v/m);
  for (const stack of ["it-fleet-a", "it-fleet-b"]) {
    const [name, op, creates, , , deletes, drift, , result] = summaryRow(stack);
    expect({ name, op, deletes, drift, result }).toEqual({
      name: stack,
      op: "up",
      deletes: "0",
      drift: "-",
      result: "ok",
    });
    expect(Number(creates)).toBeGreaterThan(0);
    kubectl(["-n", `ratings-${stack}`, "get", "deployment", "ratings-api"]);
  }
});

test("the programs ran inline, and the CLI's own program process then finds nothing to change", () => {
  // The runner evaluates local stacks' programs in its own process (scripts/lib/fleet.ts
  // `runsInline`); the CLI runs the same compiled program in a language host. Same desired state:
  // no update, no replace, the dynamic resources' provider texts included.
  for (const s of [a, b]) {
    const preview = s.pulumi("preview", "--expect-no-changes", "--diff");
    expect({ code: preview.code, output: preview.code === 0 ? "" : show(preview) }).toEqual({
      code: 0,
      output: "",
    });
  }
  // And the separate-process mode, for comparison: also nothing to change.
  const separate = fleet("preview", "--stacks", "it-fleet-a,it-fleet-b", "--separate-programs");
  expect({ code: separate.code, output: separate.code === 0 ? "" : show(separate) }).toEqual({
    code: 0,
    output: "",
  });
  expect(separate.stdout).toContain(
    "[it-fleet-a] program: evaluated by the CLI's language host (own process)",
  );
  for (const stack of ["it-fleet-a", "it-fleet-b"]) {
    const [, op, creates, updates, replaces, deletes] = summaryRow(stack);
    expect({ op, creates, updates, replaces, deletes }).toEqual({
      op: "preview",
      creates: "0",
      updates: "0",
      replaces: "0",
      deletes: "0",
    });
  }
});

test("drift is clean right after up", () => {
  const drift = fleet("drift", "--stacks", "it-fleet-a,it-fleet-b");
  expect({ code: drift.code, output: drift.code === 0 ? "" : show(drift) }).toEqual({
    code: 0,
    output: "",
  });
  expect(summaryRow("it-fleet-a")[6]).toBe("no");
  expect(summaryRow("it-fleet-b")[6]).toBe("no");
});

test("an out-of-band scale in one namespace is reported as drift of that stack only", () => {
  kubectl(["-n", "ratings-it-fleet-b", "scale", "deployment", "ratings-api", "--replicas", "5"]);
  const drift = fleet("drift", "--stacks", "it-fleet-a,it-fleet-b");
  expect({ code: drift.code, stdout: drift.stdout.slice(-3000) }).toEqual({
    code: 1,
    stdout: expect.stringContaining("drifted: it-fleet-b"),
  });
  expect(summaryRow("it-fleet-a")[6]).toBe("no");
  expect(summaryRow("it-fleet-b").slice(6, 7).concat(summaryRow("it-fleet-b")[8])).toEqual([
    "yes",
    "ok",
  ]);
  // kubectl scale also left its own field manager on the object: reported as a finding too.
  const summary = fs.readFileSync(SUMMARY, "utf8");
  expect(summary).toContain(
    "- it-fleet-b: Deployment ratings-it-fleet-b/ratings-api changed out of band by kubectl (Update): spec.replicas",
  );
  expect(summary).toContain("**Not clean**: drifted: it-fleet-b; findings: it-fleet-b.");
});

/** The UTC date `days` from today, YYYY-MM-DD. */
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

test("a stand-in secret expiring within 30 days is a finding of the drift run, with exit 1", () => {
  const date = inDays(20);
  const set = a.pulumi("config", "set", "servicePrincipalSecretExpiresOn", date);
  expect({ code: set.code, output: set.code === 0 ? "" : show(set) }).toEqual({
    code: 0,
    output: "",
  });
  // Only it-fleet-a: b's out-of-band scale (previous test) would make the exit 1 by itself.
  const drift = fleet("drift", "--stacks", "it-fleet-a");
  const finding = `it-fleet-a: [secretExpiry] servicePrincipalSecretExpiresOn: ${date} is 20 day(s) away (the preview warns from 30 days before and fails from 7); create a new client secret`;
  expect({ code: drift.code, stdout: drift.stdout.slice(-3000) }).toEqual({
    code: 1,
    stdout: expect.stringContaining(`finding ${finding}`),
  });
  expect(drift.stdout).toContain("Not clean: findings: it-fleet-a.");
  expect(summaryRow("it-fleet-a")[6]).toBe("no");
  expect(fs.readFileSync(SUMMARY, "utf8")).toContain(`- ${finding}`);
});

test("5 days before the date the preview fails before registering anything", () => {
  const date = inDays(5);
  a.pulumi("config", "set", "servicePrincipalSecretExpiresOn", date);
  const preview = a.pulumi("preview");
  expect(preview.code).not.toBe(0);
  expect(preview.stdout + preview.stderr).toContain(
    `Pre-flight checks failed for stack "it-fleet-a" (1); nothing was registered`,
  );
  expect(preview.stdout + preview.stderr).toContain(
    `[secretExpiry] servicePrincipalSecretExpiresOn: ${date} is 5 day(s) away (the preview fails from 7 days before;`,
  );
  a.pulumi("config", "rm", "servicePrincipalSecretExpiresOn");
});
