/**
 * `npm run restore -- <stamp> [--latest | --backup <name>] [--into <stamp>] [--dry-run] [--yes]`:
 * lists a stamp's backups in Blob storage with the operator's read+list SAS
 * ($ASHK8S_BACKUP_READ_SAS, never a stamp's), downloads one, checks it is a complete gzip stream,
 * says what it will overwrite, then streams it into `mongorestore --archive --gzip --drop` in the
 * target cluster's MongoDB pod through `kubectl exec`. docs/bcdr.md "Restore".
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import * as zlib from "node:zlib";
import { BLOB_API_VERSION } from "../lib/backup";
import {
  chooseBackup,
  kubectlRestoreArgs,
  parseBlobList,
  parseRestoreArgs,
  RESTORE_ENV,
  restorePlan,
  RestoreUsageError,
  targetStampProblem,
} from "../lib/backupRestore";

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

/** A storage request; never prints the URL (it holds the SAS). */
async function get(url: string, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { "x-ms-version": BLOB_API_VERSION } });
  } catch (e) {
    return fail(`restore: ${what} failed: ${(e as Error).message}`);
  }
  if (res.status !== 200) {
    const code = /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1] ?? "no storage error code";
    const hint =
      res.status === 403
        ? ` (does ${RESTORE_ENV.sas} hold a valid SAS with read and list on this container?)`
        : "";
    fail(`restore: ${what} answered HTTP ${res.status} ${code}${hint}`);
  }
  return res;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseRestoreArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof RestoreUsageError) fail(e.message);
    throw e;
  }
  const sas = (process.env[RESTORE_ENV.sas] ?? "").replace(/^\?/, "");
  if (!sas) fail(`restore: set ${RESTORE_ENV.sas} to a SAS with read and list (docs/bcdr.md)`);
  const endpoint = (args.blobEndpoint ?? process.env[RESTORE_ENV.blobEndpoint] ?? "").replace(
    /\/+$/,
    "",
  );
  if (!/^https?:\/\/[^\s"'\\]+$/.test(endpoint)) {
    fail(`restore: give the Blob endpoint with --blob-endpoint or ${RESTORE_ENV.blobEndpoint}`);
  }
  const containerUrl = `${endpoint}/${args.container}`;

  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = `${containerUrl}?restype=container&comp=list${marker ? `&marker=${encodeURIComponent(marker)}` : ""}&${sas}`;
    const list = parseBlobList(await (await get(page, "listing the backups")).text());
    names.push(...list.names);
    marker = list.nextMarker;
  } while (marker);
  let blob = "";
  try {
    blob = chooseBackup(names, args);
  } catch (e) {
    fail((e as Error).message);
  }

  const res = await get(`${containerUrl}/${blob}?${sas}`, `downloading ${blob}`);
  const archive = Buffer.from(await res.arrayBuffer());
  const expected = Number(res.headers.get("content-length"));
  if (archive.length === 0 || (expected && archive.length !== expected)) {
    fail(`restore: ${blob} downloaded ${archive.length} of ${expected} bytes; nothing restored`);
  }
  try {
    zlib.gunzipSync(archive);
  } catch {
    fail(`restore: ${blob} is not a complete gzip stream; nothing restored`);
  }
  if (args.download) fs.writeFileSync(args.download, archive, { mode: 0o600 });

  const kubeArgs = args.kubeconfig ? ["--kubeconfig", args.kubeconfig] : [];
  const ctx = spawnSync("kubectl", [...kubeArgs, "config", "current-context"], {
    encoding: "utf8",
  });
  const context = ctx.status === 0 ? ctx.stdout.trim() : "(kubectl config current-context failed)";
  process.stdout.write(`${restorePlan(args, blob, archive.length, context)}\n`);
  // The app namespace carries its stamp's name: a kubeconfig of the wrong cluster stops here.
  const ns = spawnSync("kubectl", [...kubeArgs, "get", "namespace", args.namespace, "-o", "json"], {
    encoding: "utf8",
  });
  const problem = targetStampProblem(args, ns.status === 0 ? ns.stdout : undefined, context);
  if (problem && !args.dryRun) fail(problem);
  if (problem) process.stderr.write(`${problem} (dry run: going on)\n`);
  if (args.dryRun) {
    process.stdout.write("restore: dry run; nothing changed\n");
    return;
  }
  if (!args.yes) {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Type the target stamp's name (${args.into}) to go ahead: `);
    rl.close();
    if (answer.trim() !== args.into) fail("restore: not confirmed; nothing changed");
  }

  // The archive goes to kubectl's standard input from a private temporary file, removed after.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "restore-"));
  let code: number | null = null;
  try {
    const file = path.join(tmp, blob);
    fs.writeFileSync(file, archive, { mode: 0o600 });
    const input = fs.openSync(file, "r");
    const child = spawn("kubectl", kubectlRestoreArgs(args), {
      stdio: [input, "inherit", "inherit"],
    });
    code = await new Promise<number | null>((r) => child.on("close", r));
    fs.closeSync(input);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (code !== 0)
    fail(`restore: mongorestore in the cluster exited with ${code}; see its output above`);
  process.stdout.write(`restore: ${blob} restored into stamp ${args.into}\n`);
}

main().catch((e) => fail(`restore: ${(e as Error).stack ?? e}`));
