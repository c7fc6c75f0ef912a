/**
 * The pure parts of the fleet runner (scripts/fleet.ts): argument parsing, ordering stacks into
 * waves, a bounded-concurrency pool, and the summary (text table, Markdown, exit code). Nothing
 * here touches the engine, so it is table-tested in test/fleet.test.ts.
 */

export type FleetOp = "preview" | "up" | "drift";
export const FLEET_OPS: readonly FleetOp[] = ["preview", "up", "drift"];

export interface FleetArgs {
  op: FleetOp;
  /** Stacks named with --stacks, in the given order; undefined means every deployable stack. */
  stacks?: string[];
  /** How many stacks run at once. Defaults to 2. */
  concurrency: number;
  /** Run the policy pack (policy/) with preview and up, as the pipelines do. Defaults to true. */
  policy: boolean;
  /**
   * drift only: the run's identity is the read-only `viewer`, which cannot read Secrets, so the
   * refresh leaves every Kubernetes Secret out (lib/clusterAccess.ts `viewerRefreshExcludes`).
   */
  readOnly?: boolean;
  /** up only: stamps run as cluster-admin, for changes the deployer may not make (scripts/lib/fleetIdentity.ts). */
  admin?: boolean;
  /** Every stack's program in its own process, as the CLI runs it (no inline programs; `runsInline`). */
  separatePrograms?: boolean;
}

export const DEFAULT_CONCURRENCY = 2;

export const USAGE =
  "usage: npm run fleet -- preview|up|drift [--stacks a,b] [--concurrency N] [--no-policy] [--read-only] [--admin] [--separate-programs]";

/** Parses the runner's arguments (after `--`); throws an Error whose message names the problem. */
export function parseFleetArgs(argv: string[]): FleetArgs {
  let op: FleetOp | undefined;
  let stacks: string[] | undefined;
  let concurrency = DEFAULT_CONCURRENCY;
  let policy = true;
  let readOnly = false;
  let admin = false;
  let separatePrograms = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") ? splitFlag(arg) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) {
        throw new Error(`${flag} needs a value. ${USAGE}`);
      }
      return next;
    };
    if (flag === "--stacks") {
      const list = value()
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      if (list.length === 0) throw new Error(`--stacks lists no stack. ${USAGE}`);
      const dup = list.find((s, n) => list.indexOf(s) !== n);
      if (dup) throw new Error(`--stacks lists "${dup}" twice.`);
      stacks = list;
    } else if (flag === "--concurrency") {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) {
        throw new Error(`--concurrency is "${raw}"; give a whole number of at least 1.`);
      }
      concurrency = n;
    } else if (flag === "--no-policy" && inline === undefined) {
      policy = false;
    } else if (flag === "--read-only" && inline === undefined) {
      readOnly = true;
    } else if (flag === "--admin" && inline === undefined) {
      admin = true;
    } else if (flag === "--separate-programs" && inline === undefined) {
      separatePrograms = true;
    } else if (flag.startsWith("-")) {
      throw new Error(`unknown option ${flag}. ${USAGE}`);
    } else if (op === undefined) {
      if (!(FLEET_OPS as readonly string[]).includes(flag)) {
        throw new Error(`unknown operation "${flag}"; use preview, up or drift. ${USAGE}`);
      }
      op = flag as FleetOp;
    } else {
      throw new Error(`unexpected argument "${flag}". ${USAGE}`);
    }
  }
  if (op === undefined) throw new Error(`no operation given. ${USAGE}`);
  if (readOnly && op !== "drift") {
    throw new Error(
      `--read-only is for drift (a refresh as the viewer, Secrets left out); ${op} takes the identity from KUBECONFIG as it is. ${USAGE}`,
    );
  }
  if (admin && op !== "up") {
    throw new Error(
      `--admin is for up (stamps run as cluster-admin); ${op} runs as the viewer. ${USAGE}`,
    );
  }
  return {
    op,
    stacks,
    concurrency,
    policy,
    ...(readOnly ? { readOnly } : {}),
    ...(admin ? { admin } : {}),
    ...(separatePrograms ? { separatePrograms } : {}),
  };
}

/** The kinds whose program reads nothing from its environment that differs between stacks. */
const INLINE_KINDS: readonly string[] = ["local", "edge", "global"];

/**
 * Whether the runner evaluates a stack's program inline (in its own process, through the
 * Automation API) rather than in a language host process per stack: only for preview and up (a
 * refresh runs no program), only for kinds whose program reads no per-stack environment, and only
 * when the run sets no variable of its own (`runEnv`). Stamps read their run identity and phase
 * from KUBECONFIG and ASHK8S_STAMP_PHASE, which differ per stamp and would be shared by every
 * program of one process, so they keep a process each. `--separate-programs` turns it off.
 */
export function runsInline(
  args: Pick<FleetArgs, "op" | "separatePrograms">,
  kind: string,
  runEnv: Record<string, string>,
): boolean {
  return (
    args.op !== "drift" &&
    !args.separatePrograms &&
    INLINE_KINDS.includes(kind) &&
    Object.keys(runEnv).length === 0
  );
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

export interface FleetStack {
  stack: string;
  /** `<project>:kind` of the stack file: global, stamp or local. */
  kind: string;
}

/**
 * Orders stacks into waves that run one after the other; the stacks of one wave run in parallel.
 * `up` deploys every global stack first (stamps read its outputs through a StackReference), then
 * everything else; preview and drift only read, so they run as one wave. Order within a wave is
 * the input order.
 */
export function planWaves(op: FleetOp, stacks: FleetStack[]): string[][] {
  if (op !== "up") return stacks.length > 0 ? [stacks.map((s) => s.stack)] : [];
  const globals = stacks.filter((s) => s.kind === "global").map((s) => s.stack);
  const rest = stacks.filter((s) => s.kind !== "global").map((s) => s.stack);
  return [globals, rest].filter((w) => w.length > 0);
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function runPool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Change counts by engine operation, as in a summary event's `resourceChanges`. */
export type ChangeCounts = Partial<Record<string, number>>;

/**
 * `unknown`: a drift refresh could not observe a cluster at all (neither its API nor its helper
 * answered): not a finding of drift, not a clean stack either.
 */
export type FleetResult = "ok" | "failed" | "skipped" | "unknown";

export interface FleetRow {
  stack: string;
  op: FleetOp;
  changes: ChangeCounts;
  /** Drift found (drift op only; undefined for preview and up). */
  drift?: boolean;
  durationMs: number;
  result: FleetResult;
  /** First line of the error, for failed rows; the "not observed" line for unknown ones. */
  error?: string;
  /** Pre-flight findings the drift run reports (secrets expiring within 30 days). */
  findings?: string[];
}

export interface Counts {
  creates: number;
  updates: number;
  replaces: number;
  deletes: number;
}

/**
 * Folds the engine's operation names into the four columns: `create`, `update`, `delete`, and
 * every replacement flavour (`replace`, `create-replacement`, `delete-replaced`, ...) counted once
 * through `replace`, or through `create-replacement` when the engine reports no `replace`.
 */
export function countChanges(changes: ChangeCounts): Counts {
  const n = (k: string) => changes[k] ?? 0;
  return {
    creates: n("create") + n("import"),
    updates: n("update"),
    replaces: n("replace") || n("create-replacement") || n("delete-replaced"),
    deletes: n("delete") + n("discard"),
  };
}

/** Whether a drift refresh's counts show any difference from the recorded state. */
export function hasDrift(changes: ChangeCounts): boolean {
  return Object.entries(changes).some(([op, count]) => op !== "same" && (count ?? 0) > 0);
}

const HEADERS = [
  "stack",
  "op",
  "creates",
  "updates",
  "replaces",
  "deletes",
  "drift",
  "duration",
  "result",
];

function cells(row: FleetRow): string[] {
  const c = countChanges(row.changes);
  const drift =
    row.result === "unknown" ? "unknown" : row.drift === undefined ? "-" : row.drift ? "yes" : "no";
  const result =
    (row.result === "failed" || row.result === "unknown") && row.error
      ? `${row.result}: ${row.error}`
      : row.result;
  return [
    row.stack,
    row.op,
    String(c.creates),
    String(c.updates),
    String(c.replaces),
    String(c.deletes),
    drift,
    formatDuration(row.durationMs),
    result,
  ];
}

/** `850 ms`, `12.3 s`, `2 m 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
}

/** The summary as an aligned plain-text table. */
export function formatText(rows: FleetRow[]): string {
  const table = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return table
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}

/** The summary as Markdown, for a pull-request comment: a title line, the table, the verdict. */
export function formatMarkdown(rows: FleetRow[], op: FleetOp): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    `### Fleet ${op}`,
    "",
    `| ${HEADERS.join(" | ")} |`,
    `| ${HEADERS.map((h, i) => (i >= 2 && i <= 5 ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(" | ")} |`),
    "",
    ...formatFindings(rows).map((l) => `- ${esc(l)}`),
    ...(formatFindings(rows).length ? [""] : []),
    verdict(rows),
    "",
  ];
  return lines.join("\n");
}

/** One sentence on the whole run. */
export function verdict(rows: FleetRow[]): string {
  const failed = rows.filter((r) => r.result === "failed").map((r) => r.stack);
  const unknown = rows.filter((r) => r.result === "unknown").map((r) => r.stack);
  const drifted = rows.filter((r) => r.drift).map((r) => r.stack);
  const skipped = rows.filter((r) => r.result === "skipped").map((r) => r.stack);
  const parts: string[] = [];
  if (failed.length) parts.push(`failed: ${failed.join(", ")}`);
  if (unknown.length) parts.push(`unknown (cluster not observed): ${unknown.join(", ")}`);
  if (drifted.length) parts.push(`drifted: ${drifted.join(", ")}`);
  if (skipped.length) parts.push(`skipped: ${skipped.join(", ")}`);
  const found = rows.filter((r) => r.findings?.length).map((r) => r.stack);
  if (found.length) parts.push(`findings: ${found.join(", ")}`);
  return parts.length
    ? `**Not clean**: ${parts.join("; ")}.`
    : `**Clean**: ${rows.length} stack(s) ok.`;
}

/**
 * The "cluster <stamp> not observed: ..." line of a failed drift refresh (the cluster provider's
 * read when neither the cluster's API nor its helper answered, providers/aksEngineProvider.ts
 * `observeForRefresh`), or undefined for any other failure. Such a stack's drift is unknown.
 */
export function notObservedLine(message: string): string | undefined {
  const m = /cluster \S+ not observed: .*/.exec(message);
  return m?.[0].trim();
}

/**
 * The row fields of a run that threw. drift: a cluster that could not be observed makes the stack
 * `unknown` (its own state in the summary, never clean, not mere drift either, even when the
 * refresh also found differences); otherwise `expectNoChanges` (the refresh failed only because it
 * found differences, exit 7) is drift. Anything else is `failed` with the first error line.
 * `error` is cut to 160 characters.
 */
export function failureOf(
  op: FleetOp,
  message: string,
  expectNoChanges = false,
): Pick<FleetRow, "result" | "error" | "drift"> {
  const unobserved = op === "drift" ? notObservedLine(message) : undefined;
  if (unobserved) return { result: "unknown", error: unobserved.slice(0, 160) };
  if (op === "drift" && expectNoChanges) return { result: "ok", drift: true };
  const lines = message.split("\n").map((l) => l.trim());
  const first =
    lines.find((l) => /^error:/i.test(l)) ?? lines.find((l) => l !== "") ?? "unknown error";
  return { result: "failed", error: first.slice(0, 160) };
}

/** 0 only when every stack ran, none failed, none drifted and none has findings; 1 otherwise. */
export function fleetExitCode(rows: FleetRow[]): number {
  return rows.every((r) => r.result === "ok" && !r.drift && !r.findings?.length) ? 0 : 1;
}

/** One line per finding: `<stack>: <finding>`. */
export function formatFindings(rows: FleetRow[]): string[] {
  return rows.flatMap((r) => (r.findings ?? []).map((f) => `${r.stack}: ${f}`));
}

/** Splits streamed output into whole lines, prefixing each; `flush` emits a trailing partial line. */
export function linePrefixer(prefix: string, write: (line: string) => void) {
  let pending = "";
  return {
    push(chunk: string) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) write(`${prefix}${line}`);
    },
    flush() {
      if (pending !== "") write(`${prefix}${pending}`);
      pending = "";
    },
  };
}

/**
 * What stops preview and up before any engine runs: the cross-stack Traffic Manager problems of
 * `npm run check:stacks` (lib/stackConsistency.ts), as one error message; undefined when there are
 * none, and always for drift (it compares state with the live resources, not the stack files).
 */
export function stackCheckError(op: FleetOp, problems: string[]): string | undefined {
  if (op === "drift" || problems.length === 0) return undefined;
  return `the stack files are inconsistent (npm run check:stacks); nothing was run:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}
