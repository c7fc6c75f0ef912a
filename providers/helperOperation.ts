/**
 * Long aks-engine operations (deploy, scale, upgrade) run on the helper DETACHED from the SSH
 * session, so a dropped connection does not kill them half way:
 *
 * - the start script (one short SSH session) takes the helper's operation lock
 *   (`flock -n` on `~/ashk8s/.ashk8s-ops/lock`), restores `_output/` if needed, writes the secrets
 *   into the operation's own 0700 directory, writes the operation script and launches it with
 *   `setsid nohup` (new session, no terminal, stdin from /dev/null, output to the operation's
 *   log). The launched process inherits the lock's file descriptor, so the lock is held exactly as
 *   long as the operation runs. Its EXIT trap removes the secrets and writes the exit status.
 *   A second start while the lock is held is refused (exit 75) naming the running operation and
 *   since when, unless it is the very same operation (same command and arguments): then it is
 *   followed, which is how the next `pulumi up` picks up an operation that outlived a timeout.
 * - the follow script (as many SSH sessions as needed) relays the log from a line number on and,
 *   once the exit status exists, fails with it or prints the report. The provider reconnects with
 *   backoff after a dropped connection, resuming at the next unseen line, until an overall
 *   timeout; the operation itself is never stopped by the provider.
 *
 * Every value reaches the scripts through lib/shell.ts `shellQuote`.
 */
import { randomBytes } from "node:crypto";
import { HELPER_WORKDIR } from "../lib/cloudInit";
import { shellQuote as q } from "../lib/shell";
import {
  HelperContext,
  HelperOperation,
  HelperSecrets,
  operationLines,
  OPS_DIR,
  preamble,
  reportLines,
  restoreLines,
  secretLines,
} from "./helperCommands";
import { HelperAddress, HelperCommandError, runOnHelper } from "./helperSsh";

export type LongOperation = Extract<HelperOperation, { op: "deploy" | "scale" | "upgrade" }>;

/** Exit codes of the start and follow scripts the provider tells apart. */
export const EXIT = {
  /** Another operation holds the lock. */
  busy: 75,
  /** The operation is not known on this helper (e.g. the helper was replaced meanwhile). */
  unknown: 76,
  /** The operation ended without an exit status (killed, helper rebooted). */
  lost: 77,
} as const;

/** The started (or followed) operation's id, printed by the start script. */
export const STARTED = "=== ashk8s:operation ";

/** What identifies "the same operation": command and arguments, no secret. */
export function operationKey(o: LongOperation): string {
  switch (o.op) {
    case "deploy":
      return `deploy ${o.digest}`;
    case "scale":
      return `scale ${o.pool} to ${o.count}`;
    case "upgrade":
      return `upgrade to ${o.version}${o.force ? " --force" : ""}`;
  }
}

/** A new operation id: UTC time and randomness, safe as a file name. */
export function newOperationId(o: LongOperation, now = new Date()): string {
  const t = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${o.op}-${t}-${randomBytes(4).toString("hex")}`;
}

/** The script that starts `operation` detached under the lock (or follows the identical one). */
export function renderStartScript(
  c: HelperContext,
  operation: LongOperation,
  secrets: HelperSecrets,
  id: string,
  restoreArchive?: string,
): string {
  if (!/^[a-z]+-\d{8}T\d{6}Z-[0-9a-f]{8}$/.test(id)) throw new Error(`bad operation id ${id}`);
  const key = operationKey(operation);
  const runScript = [
    "set -euo pipefail",
    "umask 077",
    'D="$1"; S="$D/s"',
    `cd "$HOME/"${q(HELPER_WORKDIR)}`,
    `finish() { rc=$?; rm -rf "$S"; printf '%s\\n' "$rc" > "$D/rc.tmp"; mv "$D/rc.tmp" "$D/rc"; echo "[helper] ${operation.op} ended with exit code $rc at $(date -u +%Y-%m-%dT%H:%M:%SZ)"; }`,
    "trap finish EXIT",
    `echo "[helper] ${operation.op} (${id}) running as process $$ in its own session"`,
    ...operationLines(c, operation),
  ].join("\n");
  if (runScript.includes("\nASHK8S_RUN\n")) throw new Error("operation script delimiter clash");
  const lines = [
    ...preamble(c, operation.op),
    `mkdir -p ${OPS_DIR}`,
    `exec 9>>${OPS_DIR}/lock`,
    "if ! flock -n 9; then",
    // The holder writes `current` right after taking the lock: give it a moment. The identical
    // operation is followed even if it just wrote its exit status (it still holds the lock).
    "  sleep 1",
    `  cur=$(cat ${OPS_DIR}/current 2>/dev/null || true)`,
    `  if [ -n "$cur" ] && [ "$(cat ${OPS_DIR}/"$cur"/key 2>/dev/null || true)" = ${q(key)} ]; then`,
    '    echo "[helper] the same operation is already running ($cur): following it" >&2',
    `    echo ${q(STARTED)}"$cur ==="; exit 0`,
    "  fi",
    `  echo "[helper] refused: another operation is running on this helper: $(cat ${OPS_DIR}/"$cur"/info 2>/dev/null || echo "unknown (lock ${OPS_DIR}/lock is held)"). Wait for it to finish and run pulumi up again; see docs/stamp-runbook.md, 'A dropped connection or an operation still running'" >&2`,
    `  exit ${EXIT.busy}`,
    "fi",
    ...(restoreArchive ? restoreLines(restoreArchive) : []),
    `D="$PWD"/${OPS_DIR}/${q(id)}; S="$D/s"`,
    'mkdir -p "$S"',
    ...secretLines(operation, secrets),
    `printf '%s\\n' ${q(key)} > "$D/key"`,
    `printf '%s since %s on %s (operation %s, log %s/log)\\n' ${q(key)} "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname)" ${q(id)} "$D" > "$D/info"`,
    `cat > "$D/run.sh" <<'ASHK8S_RUN'\n${runScript}\nASHK8S_RUN`,
    `printf '%s\\n' ${q(id)} > ${OPS_DIR}/current.tmp && mv ${OPS_DIR}/current.tmp ${OPS_DIR}/current`,
    // Keep the 20 newest operation directories; no secrets survive in older ones.
    `ls -1dt ${OPS_DIR}/*/ 2>/dev/null | tail -n +21 | xargs -r rm -rf --`,
    // fd 9 (the lock) is inherited: the lock lives exactly as long as the operation.
    ': > "$D/log"',
    'setsid nohup bash "$D/run.sh" "$D" < /dev/null >> "$D/log" 2>&1 &',
    `echo "[helper] started ${operation.op} as operation ${id} (process $!), log $D/log" >&2`,
    `echo ${q(STARTED)}${q(id)}" ==="`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The script that relays operation `id`'s log from line `fromLine` + 1 on (each line prefixed
 * with `|` on stderr, so the provider can count what it has seen) and, once the operation has an
 * exit status, exits with it or prints the report.
 */
export function renderFollowScript(c: HelperContext, id: string, fromLine: number): string {
  if (!/^[a-z]+-\d{8}T\d{6}Z-[0-9a-f]{8}$/.test(id)) throw new Error(`bad operation id ${id}`);
  if (!Number.isInteger(fromLine) || fromLine < 0) throw new Error(`bad line ${fromLine}`);
  const lines = [
    ...preamble(c, "follow"),
    `D=${OPS_DIR}/${q(id)}; n=${fromLine}`,
    `[ -f "$D/key" ] || { echo "[helper] operation "${q(id)}" is not known on this helper (was the helper replaced?)" >&2; exit ${EXIT.unknown}; }`,
    // While it runs, complete lines only (a half-written line is relayed once whole); at the end,
    // everything. Each relayed line is prefixed with | and counted by the provider.
    'relay() { t=$(wc -l < "$D/log"); awk -v n="$n" -v t="$t" \'NR > n && NR <= t { print "|" $0 }\' "$D/log" >&2; n=$t; }',
    'relay_all() { awk -v n="$n" \'NR > n { print "|" $0 }\' "$D/log" >&2; }',
    "while :; do",
    '  if [ -f "$D/rc" ]; then relay_all; break; fi',
    // No exit status and nobody holds the lock for it: the operation died without one.
    `  if [ "$(cat ${OPS_DIR}/current 2>/dev/null)" != ${q(id)} ] || ( flock -n 9 ) 9>>${OPS_DIR}/lock; then`,
    '    if [ -f "$D/rc" ]; then relay_all; break; fi',
    '    relay_all; rm -rf "$D/s"',
    `    echo "[helper] operation "${q(id)}" ended without an exit status (killed, or the helper rebooted); its log is ~/ashk8s/$D/log" >&2`,
    `    exit ${EXIT.lost}`,
    "  fi",
    "  relay; sleep 1",
    "done",
    'rc=$(cat "$D/rc")',
    `if [ "$rc" -ne 0 ]; then echo "[helper] operation "${q(id)}" failed with exit code $rc" >&2; exit "$rc"; fi`,
    ...reportLines(c),
  ];
  return `${lines.join("\n")}\n`;
}

/** The id the start script printed. */
export function parseStarted(stdout: string): string {
  const m = /=== ashk8s:operation ([a-z]+-\d{8}T\d{6}Z-[0-9a-f]{8}) ===/.exec(stdout);
  if (!m) throw new Error("the helper did not report the started operation");
  return m[1];
}

/** Default overall timeouts (minutes) per operation; `operationTimeoutMinutes` overrides them. */
export const DEFAULT_TIMEOUT_MINUTES = { deploy: 120, scale: 90, upgrade: 360 } as const;

export interface DetachedRun {
  helper: HelperAddress;
  privateKey: string;
  context: HelperContext;
  operation: LongOperation;
  secrets: HelperSecrets;
  restoreArchive?: string;
  /** Overall time to wait for the operation, from the start. */
  timeoutMs: number;
  /** Values masked in every relayed line. */
  mask: string[];
  /** Where progress lines go (already prefixed with the label by the caller's choice). */
  say: (line: string) => void;
  /** First reconnect delay; doubles up to a minute. Defaults to 2 s. */
  backoffMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `operation` detached on the helper (or follows the identical one already running),
 * relays its log, reconnects with backoff after a dropped connection, and returns the report's
 * stdout. Past `timeoutMs` it stops waiting with a message saying the operation still runs.
 */
export async function runDetached(r: DetachedRun): Promise<string> {
  const deadline = Date.now() + r.timeoutMs;
  const key = operationKey(r.operation);
  let id = newOperationId(r.operation);
  let delay = r.backoffMs ?? 2000;
  const timeoutError = (started: boolean) =>
    new Error(
      `${key}: the provider stopped waiting after ${r.timeoutMs >= 60_000 ? `${Math.round(r.timeoutMs / 60_000)} min` : `${Math.round(r.timeoutMs / 1000)} s`} (the overall timeout, operationTimeoutMinutes); ` +
        (started
          ? `the operation ${id} was NOT stopped and keeps running on the helper (log ~/${HELPER_WORKDIR}/${OPS_DIR}/${id}/log). Run pulumi up again to follow it: the same operation is followed, not started again.`
          : "the helper could not be reached to start it.") +
        " See docs/stamp-runbook.md, 'A dropped connection or an operation still running'.",
    );
  const withReconnect = async (
    what: string,
    started: boolean,
    attempt: (remainingMs: number) => Promise<string>,
  ): Promise<string> => {
    for (let n = 1; ; n++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timeoutError(started);
      try {
        return await attempt(remaining);
      } catch (e) {
        const name = (e as Error).name;
        if (name === "HelperTimeoutError") throw timeoutError(started);
        if (name !== "HelperConnectionError") throw e;
        if (Date.now() + delay >= deadline) throw timeoutError(started);
        r.say(
          `the SSH connection was lost while ${what} (attempt ${n}); reconnecting in ${delay / 1000} s`,
        );
        await sleep(delay);
        delay = Math.min(delay * 2, 60_000);
      }
    }
  };

  const startOut = await withReconnect("starting the operation", false, (remainingMs) =>
    runOnHelper(
      r.helper,
      r.privateKey,
      renderStartScript(r.context, r.operation, r.secrets, id, r.restoreArchive),
      { secrets: r.mask, timeoutMs: remainingMs, onLine: (l) => r.say(l) },
    ).catch((e: HelperCommandError) => {
      if (e.exitCode === EXIT.busy) {
        const refusal = e.tail.find((l) => l.includes("[helper] refused:"));
        throw new Error(
          `${key} was refused: ${refusal?.replace(/^.*\[helper\] refused: /, "") ?? e.message}`,
        );
      }
      throw e;
    }),
  );
  id = parseStarted(startOut);
  let seen = 0;
  return withReconnect(`following operation ${id}`, true, (remainingMs) =>
    runOnHelper(r.helper, r.privateKey, renderFollowScript(r.context, id, seen), {
      secrets: r.mask,
      timeoutMs: remainingMs,
      onLine: (line, complete) => {
        if (!line.startsWith("|")) return r.say(line);
        if (!complete) return; // the rest comes again after a reconnect
        seen++;
        r.say(line.slice(1));
      },
    }),
  );
}
