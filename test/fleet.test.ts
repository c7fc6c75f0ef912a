import {
  countChanges,
  failureOf,
  fleetExitCode,
  FleetRow,
  formatDuration,
  formatFindings,
  formatMarkdown,
  formatText,
  hasDrift,
  linePrefixer,
  notObservedLine,
  parseFleetArgs,
  planWaves,
  runPool,
  runsInline,
  stackCheckError,
} from "../scripts/lib/fleet";
import type { FleetOp } from "../scripts/lib/fleet";

describe("parseFleetArgs", () => {
  test.each<[string[], object]>([
    [["preview"], { op: "preview", stacks: undefined, concurrency: 2, policy: true }],
    [
      ["preview", "--no-policy"],
      { op: "preview", stacks: undefined, concurrency: 2, policy: false },
    ],
    [
      ["up", "--stacks", "global,seattle"],
      { op: "up", stacks: ["global", "seattle"], concurrency: 2, policy: true },
    ],
    [
      ["drift", "--concurrency", "4"],
      { op: "drift", stacks: undefined, concurrency: 4, policy: true },
    ],
    [
      ["--stacks=a, b", "--concurrency=1", "up"],
      { op: "up", stacks: ["a", "b"], concurrency: 1, policy: true },
    ],
    [
      ["drift", "--read-only"],
      { op: "drift", stacks: undefined, concurrency: 2, policy: true, readOnly: true },
    ],
    [
      ["preview", "--separate-programs"],
      { op: "preview", stacks: undefined, concurrency: 2, policy: true, separatePrograms: true },
    ],
  ])("%j", (argv, expected) => {
    expect(parseFleetArgs(argv)).toEqual(expected);
  });

  test.each<[string[], string]>([
    [
      [],
      "no operation given. usage: npm run fleet -- preview|up|drift [--stacks a,b] [--concurrency N]",
    ],
    [["destroy"], 'unknown operation "destroy"; use preview, up or drift.'],
    [["up", "down"], 'unexpected argument "down".'],
    [["up", "--stacks"], "--stacks needs a value."],
    [["up", "--stacks", ","], "--stacks lists no stack."],
    [["up", "--stacks", "a,a"], '--stacks lists "a" twice.'],
    [["up", "--concurrency", "0"], '--concurrency is "0"; give a whole number of at least 1.'],
    [["up", "--concurrency", "1.5"], '--concurrency is "1.5"; give a whole number of at least 1.'],
    [["up", "--yes"], "unknown option --yes."],
    [["up", "--no-policy=1"], "unknown option --no-policy."],
    [["up", "--read-only"], "--read-only is for drift (a refresh as the viewer, Secrets left out)"],
    [["preview", "--read-only"], "--read-only is for drift"],
    [["drift", "--read-only=yes"], "unknown option --read-only."],
    [["up", "--separate-programs=no"], "unknown option --separate-programs."],
  ])("%j fails", (argv, message) => {
    expect(() => parseFleetArgs(argv)).toThrow(message);
  });
});

describe("runsInline", () => {
  // op, kind, run environment, --separate-programs, inline?
  test.each<[FleetOp, string, Record<string, string>, boolean, boolean]>([
    ["preview", "local", {}, false, true],
    ["up", "local", {}, false, true],
    ["preview", "global", {}, false, true],
    ["up", "edge", {}, false, true],
    ["drift", "local", {}, false, false], // a refresh runs no program
    ["preview", "stamp", {}, false, false], // stamps read their identity from the environment
    ["preview", "stamp", { KUBECONFIG: "/tmp/k" }, false, false],
    ["preview", "local", { KUBECONFIG: "/tmp/k" }, false, false], // a run of its own environment
    ["preview", "unknown", {}, false, false],
    ["preview", "local", {}, true, false],
    ["up", "global", {}, true, false],
  ])(
    "%s of a %s stack, run env %j, separate programs %s: inline %s",
    (op, kind, env, separate, inline) => {
      expect(runsInline({ op, separatePrograms: separate }, kind, env)).toBe(inline);
    },
  );
});

describe("planWaves", () => {
  const fleet = [
    { stack: "munich", kind: "stamp" },
    { stack: "global", kind: "global" },
    { stack: "seattle", kind: "stamp" },
  ];
  test.each<[string, typeof fleet, string[][]]>([
    ["up", fleet, [["global"], ["munich", "seattle"]]],
    ["preview", fleet, [["munich", "global", "seattle"]]],
    ["drift", fleet, [["munich", "global", "seattle"]]],
    [
      "up",
      [
        { stack: "it-a", kind: "local" },
        { stack: "it-b", kind: "local" },
      ],
      [["it-a", "it-b"]],
    ],
    ["up", [{ stack: "global", kind: "global" }], [["global"]]],
    ["preview", [], []],
  ])("%s %j", (op, stacks, waves) => {
    expect(planWaves(op as "up", stacks)).toEqual(waves);
  });
});

describe("runPool", () => {
  test.each([1, 2, 3, 10])(
    "limit %i: never more in flight, results in input order",
    async (limit) => {
      let inFlight = 0;
      let peak = 0;
      const items = [30, 5, 20, 1, 10];
      const out = await runPool(items, limit, async (ms, i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, ms));
        inFlight--;
        return `${i}:${ms}`;
      });
      expect(out).toEqual(["0:30", "1:5", "2:20", "3:1", "4:10"]);
      expect(peak).toBe(Math.min(limit, items.length));
    },
  );
});

describe("change counts", () => {
  test.each<[object, object]>([
    [{}, { creates: 0, updates: 0, replaces: 0, deletes: 0 }],
    [
      { create: 12, same: 1 },
      { creates: 12, updates: 0, replaces: 0, deletes: 0 },
    ],
    [
      { update: 2, delete: 1, same: 9 },
      { creates: 0, updates: 2, replaces: 0, deletes: 1 },
    ],
    [
      { replace: 1, "create-replacement": 1, "delete-replaced": 1 },
      { creates: 0, updates: 0, replaces: 1, deletes: 0 },
    ],
    [
      { "create-replacement": 2, "delete-replaced": 2 },
      { creates: 0, updates: 0, replaces: 2, deletes: 0 },
    ],
    [
      { import: 1, create: 1, discard: 1 },
      { creates: 2, updates: 0, replaces: 0, deletes: 1 },
    ],
  ])("%j", (changes, counts) => {
    expect(countChanges(changes)).toEqual(counts);
  });

  test.each<[object, boolean]>([
    [{}, false],
    [{ same: 14 }, false],
    [{ same: 13, update: 1 }, true],
    [{ delete: 1 }, true],
    [{ update: 0, same: 3 }, false],
  ])("drift in %j: %s", (changes, drift) => {
    expect(hasDrift(changes)).toBe(drift);
  });
});

test.each<[number, string]>([
  [0, "0 ms"],
  [850.4, "850 ms"],
  [12_345, "12.3 s"],
  [125_000, "2 m 05 s"],
])("formatDuration(%d) = %s", (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

describe("summary", () => {
  const rows: FleetRow[] = [
    {
      stack: "global",
      op: "drift",
      changes: { same: 4 },
      drift: false,
      durationMs: 9000,
      result: "ok",
    },
    {
      stack: "seattle",
      op: "drift",
      changes: { same: 20, update: 1 },
      drift: true,
      durationMs: 61_000,
      result: "ok",
    },
    {
      stack: "munich",
      op: "drift",
      changes: {},
      durationMs: 500,
      result: "failed",
      error: "error: a|b",
    },
  ];

  test("text table", () => {
    expect(formatText(rows)).toBe(
      [
        "stack    op     creates  updates  replaces  deletes  drift  duration  result",
        "global   drift  0        0        0         0        no     9.0 s     ok",
        "seattle  drift  0        1        0         0        yes    1 m 01 s  ok",
        "munich   drift  0        0        0         0        -      500 ms    failed: error: a|b",
        "",
      ].join("\n"),
    );
  });

  test("markdown table escapes pipes and states the verdict", () => {
    expect(formatMarkdown(rows, "drift")).toBe(
      [
        "### Fleet drift",
        "",
        "| stack | op | creates | updates | replaces | deletes | drift | duration | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |",
        "| global | drift | 0 | 0 | 0 | 0 | no | 9.0 s | ok |",
        "| seattle | drift | 0 | 1 | 0 | 0 | yes | 1 m 01 s | ok |",
        "| munich | drift | 0 | 0 | 0 | 0 | - | 500 ms | failed: error: a\\|b |",
        "",
        "**Not clean**: failed: munich; drifted: seattle.",
        "",
      ].join("\n"),
    );
  });

  test.each<[string, FleetRow[], number]>([
    ["all ok", [rows[0]], 0],
    ["nothing", [], 0],
    ["drift", [rows[0], rows[1]], 1],
    ["failure", [rows[2]], 1],
    ["skipped", [{ ...rows[0], drift: undefined, result: "skipped" }], 1],
    ["an expiring secret, no drift", [{ ...rows[0], findings: ["[secretExpiry] soon"] }], 1],
  ])("exit code: %s", (_, list, code) => {
    expect(fleetExitCode(list)).toBe(code);
  });

  test("findings (an expiring secret) are listed under the table and named in the verdict", () => {
    const withFinding: FleetRow = {
      ...rows[0],
      stack: "it-fleet-a",
      findings: [
        "[secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-18 is 20 day(s) away | rotate",
      ],
    };
    expect(formatFindings([withFinding, rows[0]])).toEqual([
      "it-fleet-a: [secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-18 is 20 day(s) away | rotate",
    ]);
    expect(formatMarkdown([withFinding], "drift").split("\n").slice(5)).toEqual([
      "",
      "- it-fleet-a: [secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-18 is 20 day(s) away \\| rotate",
      "",
      "**Not clean**: findings: it-fleet-a.",
      "",
    ]);
  });
});

test("linePrefixer emits whole lines with the prefix and flushes the rest", () => {
  const lines: string[] = [];
  const p = linePrefixer("[a] ", (l) => lines.push(l));
  p.push("one\ntw");
  p.push("o\nthr");
  expect(lines).toEqual(["[a] one", "[a] two"]);
  p.flush();
  p.flush();
  expect(lines).toEqual(["[a] one", "[a] two", "[a] thr"]);
});

describe("stackCheckError: the cross-stack check stops preview and up", () => {
  const problems = ["Pulumi.a.yaml: trafficManager.priority: 1 is also ...", "Pulumi.b.yaml: x"];

  test.each(["preview", "up"] as const)("%s stops with every finding", (op) => {
    expect(stackCheckError(op, problems)).toBe(
      [
        "the stack files are inconsistent (npm run check:stacks); nothing was run:",
        "  - Pulumi.a.yaml: trafficManager.priority: 1 is also ...",
        "  - Pulumi.b.yaml: x",
      ].join("\n"),
    );
  });

  test.each(["preview", "up", "drift"] as const)("%s goes on without findings", (op) => {
    expect(stackCheckError(op, [])).toBeUndefined();
  });

  test("drift compares state with live resources: findings do not stop it", () => {
    expect(stackCheckError("drift", problems)).toBeUndefined();
  });
});

describe("drift of a cluster nobody could observe is unknown, never clean", () => {
  // As the CLI reports the cluster provider's read failing (providers/aksEngineProvider.ts
  // observeForRefresh): the diagnostic line inside the CommandError's output.
  const NOT_OBSERVED =
    'cluster seattle not observed: through its API: connect ETIMEDOUT 10.1.2.3:443; through the helper 203.0.113.5:22: ssh: connect to host 203.0.113.5 port 22: Connection timed out. State keeps the last observation; see docs/stamp-runbook.md "Refresh when the helper or the API is gone"';
  const message = [
    "code: 255",
    " stdout: Previewing refresh (seattle):",
    "    pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment (seattle-cluster):",
    `      error: ${NOT_OBSERVED}`,
    "Resources:",
    " stderr: error: preview failed",
  ].join("\n");
  const unknownRow: FleetRow = {
    stack: "seattle",
    op: "drift",
    changes: {},
    durationMs: 2500,
    ...failureOf("drift", message),
  };
  const clean: FleetRow = {
    stack: "global",
    op: "drift",
    changes: { same: 4 },
    drift: false,
    durationMs: 9000,
    result: "ok",
  };

  test("the not-observed line is found; any other failure has none", () => {
    expect(notObservedLine(message)).toBe(NOT_OBSERVED);
    expect(notObservedLine("error: could not load plugin")).toBeUndefined();
  });

  test.each<[string, Parameters<typeof failureOf>, ReturnType<typeof failureOf>]>([
    [
      "drift, cluster not observed",
      ["drift", message],
      { result: "unknown", error: NOT_OBSERVED.slice(0, 160) },
    ],
    [
      "drift, not observed and other differences (exit 7): still unknown, not mere drift",
      ["drift", `${message}\nerror: no changes were expected but changes occurred`, true],
      { result: "unknown", error: NOT_OBSERVED.slice(0, 160) },
    ],
    ["drift, differences only (exit 7)", ["drift", "exit 7", true], { result: "ok", drift: true }],
    [
      "drift, another error",
      ["drift", "code: 255\n stderr:\n  error: decrypting secret failed"],
      { result: "failed", error: "error: decrypting secret failed" },
    ],
    [
      "up: the same line is an ordinary failure (only drift classifies)",
      ["up", `error: ${NOT_OBSERVED}`],
      { result: "failed", error: `error: ${NOT_OBSERVED}`.slice(0, 160) },
    ],
  ])("%s", (_what, args, expected) => {
    expect(failureOf(...args)).toEqual(expected);
  });

  test("the summary shows unknown in the drift column and the result; the verdict names it; exit 1", () => {
    const text = formatText([clean, unknownRow]).split("\n");
    expect(text[0]).toMatch(/ drift +duration +result$/);
    expect(text[2]).toMatch(
      /^seattle +drift +0 +0 +0 +0 +unknown +2\.5 s +unknown: cluster seattle not observed: through its API: /,
    );
    expect(formatMarkdown([clean, unknownRow], "drift")).toContain(
      "**Not clean**: unknown (cluster not observed): seattle.",
    );
    expect(fleetExitCode([clean, unknownRow])).toBe(1);
    expect(fleetExitCode([clean])).toBe(0);
  });
});
