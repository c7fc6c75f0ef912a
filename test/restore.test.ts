/**
 * `npm run restore`: its argument checks and kubectl command line (pure), the REAL script
 * (scripts/restore.ts run by node) against a REAL Azurite on loopback with a read+list container
 * SAS as the operator would make one, and the in-pod restore command run by sh with a stand-in
 * `mongorestore` (MongoDB cannot run here) and a stand-in `kubectl` (no cluster here), both shell
 * scripts named as such that record their argv and standard input.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { backupContainerName } from "../lib/backup";
import { restoreCommand } from "../lib/backupScripts";
import { kubectlRestoreArgs, parseRestoreArgs, RestoreUsageError } from "../lib/backupRestore";
import { Azurite, createContainer, startAzurite } from "./support/azurite";
import { containerSas } from "./support/blobSas";

const ROOT = path.resolve(__dirname, "..");
const container = backupContainerName("seattle");
const OLD = "mongodump-seattle-20261127T021700Z.archive.gz";
const NEW = "mongodump-seattle-20261128T021700Z.archive.gz";
const BROKEN = "mongodump-seattle-20261126T021700Z.archive.gz";
const oldArchive = zlib.gzipSync(Buffer.from("older backup\n"));
const newArchive = zlib.gzipSync(Buffer.from("newest backup\n".repeat(1000)));
let azurite: Azurite;
let work: string;

const readSas = (permissions = "rl") =>
  containerSas({ container, permissions, expiry: "2099-01-01T00:00:00Z", protocols: "https,http" });

function restore(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    [
      "-r",
      path.join(ROOT, "scripts/ts-register.js"),
      path.join(ROOT, "scripts/restore.ts"),
      ...args,
    ],
    {
      cwd: work,
      env: {
        PATH: `${work}/bin:${process.env.PATH}`,
        HOME: work,
        ASHK8S_BACKUP_BLOB_ENDPOINT: azurite.accountUrl,
        ASHK8S_BACKUP_READ_SAS: readSas(),
        STAND_IN_KUBECONFIG: "/k/munich",
        STAND_IN_STAMP: "munich",
        ...env,
      },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((r) =>
    child.on("close", (code) => r({ code, stdout, stderr })),
  );
}

async function put(name: string, body: Buffer) {
  const res = await fetch(`${azurite.accountUrl}/${container}/${name}?${azurite.adminSas}`, {
    method: "PUT",
    headers: { "x-ms-blob-type": "BlockBlob", "x-ms-version": "2019-12-12" },
    body,
  });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "restore-test-"));
  fs.mkdirSync(path.join(work, "bin"));
  // STAND-IN for kubectl (no cluster here): records argv and stdin, answers current-context.
  fs.writeFileSync(
    path.join(work, "bin", "kubectl"),
    [
      "#!/bin/sh",
      'for a in "$@"; do [ "$a" = current-context ] && { echo stand-in-context; exit 0; }; done',
      // `get namespace` through $STAND_IN_KUBECONFIG: the app namespace, labelled $STAND_IN_STAMP.
      'if [ "$3" = get ] && [ "$2" = "$STAND_IN_KUBECONFIG" ]; then',
      '  printf \'{"metadata":{"labels":{"ash-ha-kubernetes/stamp":"%s"}}}\' "$STAND_IN_STAMP"; exit 0',
      "fi",
      'for a in "$@"; do [ "$a" = get ] && { echo "stand-in: no such cluster" >&2; exit 1; }; done',
      `printf '%s\\n' "$@" > ${work}/kubectl.argv`,
      `cat > ${work}/kubectl.stdin`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  azurite = await startAzurite();
  await createContainer(azurite, container);
  await put(OLD, oldArchive);
  await put(NEW, newArchive);
  await put(BROKEN, oldArchive.subarray(0, oldArchive.length - 5));
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("arguments", () => {
  test.each([
    [[], /name the stamp \(nothing is restored without one\)/],
    [["seattle", "munich"], /one stamp only/],
    [["Seattle;rm"], /is not a stamp name/],
    [["seattle", "--into", "$(reboot)"], /--into .* is not a stamp name/],
    [["seattle", "--namespace", "a b"], /--namespace .* is not a namespace/],
    [["seattle", "--backup", "../../etc/passwd"], /is not a backup name/],
    [["seattle", "--backup", NEW, "--latest"], /--latest or --backup, not both/],
    [["seattle", "--kubeconfig"], /--kubeconfig needs a value/],
    [["seattle", "--force"], /unknown option "--force"/],
  ])("%j is refused", (argv, message) => {
    expect(() => parseRestoreArgs(argv)).toThrow(RestoreUsageError);
    expect(() => parseRestoreArgs(argv)).toThrow(message);
  });

  test("kubectl runs mongorestore --drop of the app database in MongoDB's pod, no shell", () => {
    const args = kubectlRestoreArgs(
      parseRestoreArgs(["seattle", "--into", "munich", "--kubeconfig", "/k/munich"]),
    );
    expect(args.slice(0, -1)).toEqual([
      "--kubeconfig",
      "/k/munich",
      "--namespace",
      "ratings",
      "exec",
      "-i",
      "ratings-mongodb-0",
      "-c",
      "mongodb",
      "--",
      "sh",
      "-c",
    ]);
    expect(args.at(-1)).toBe(restoreCommand("ratingsdb"));
  });
});

test("the in-pod restore command reads the password from the pod's env, never from argv", async () => {
  fs.writeFileSync(
    path.join(work, "bin", "mongorestore"),
    [
      "#!/bin/sh",
      "# STAND-IN for mongorestore: records argv, the config file and stdin.",
      `printf '%s\\n' "$@" > ${work}/mongorestore.argv`,
      `for a in "$@"; do case "$a" in --config=*) cp "\${a#--config=}" ${work}/mongorestore.conf ;; esac; done`,
      `cat > ${work}/mongorestore.stdin`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const child = spawn("sh", ["-c", restoreCommand("ratingsdb")], {
    env: {
      PATH: `${work}/bin:${process.env.PATH}`,
      MONGO_INITDB_ROOT_USERNAME: "root",
      MONGO_INITDB_ROOT_PASSWORD: "s3cret'$(id)",
    },
  });
  child.stdin.end(newArchive);
  expect(await new Promise((r) => child.on("close", r))).toBe(0);
  const argv = fs.readFileSync(path.join(work, "mongorestore.argv"), "utf8").split("\n");
  expect(argv).toEqual(
    expect.arrayContaining([
      "--archive",
      "--gzip",
      "--drop",
      "--nsInclude=ratingsdb.*",
      "--username=root",
    ]),
  );
  expect(argv.join(" ")).not.toContain("s3cret");
  expect(fs.readFileSync(path.join(work, "mongorestore.conf"), "utf8")).toBe(
    "password: 's3cret''$(id)'\n",
  );
  expect(fs.readFileSync(path.join(work, "mongorestore.stdin")).equals(newArchive)).toBe(true);
});

describe("against Azurite", () => {
  test("refuses without a stamp, explaining", async () => {
    const r = await restore([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing is restored without one[\s\S]*usage: npm run restore/);
  });

  test("--dry-run lists, picks the latest, downloads it byte for byte and changes nothing", async () => {
    const file = path.join(work, "dry.archive.gz");
    const r = await restore(["seattle", "--dry-run", "--download", file]);
    // No kubeconfig of seattle here: a dry run says so and goes on.
    expect(r.stderr).toMatch(
      /cannot read namespace ratings in kube context stand-in-context; is --kubeconfig the cluster of stamp seattle\? \(dry run: going on\)/,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`restore: ${NEW} (${newArchive.length} bytes)`);
    expect(r.stdout).toMatch(/OVERWRITES: every collection of database ratingsdb/);
    expect(r.stdout).toContain("kube context stand-in-context");
    expect(r.stdout).toContain("dry run; nothing changed");
    expect(fs.readFileSync(file).equals(newArchive)).toBe(true);
    expect(fs.existsSync(path.join(work, "kubectl.argv"))).toBe(false);
  });

  test("--backup picks that one; a truncated archive is refused before kubectl", async () => {
    const ok = await restore(["seattle", "--backup", OLD, "--dry-run"]);
    expect(ok.stdout).toContain(`restore: ${OLD} (${oldArchive.length} bytes)`);
    const broken = await restore(["seattle", "--backup", BROKEN, "--yes"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/not a complete gzip stream; nothing restored/);
    const missing = await restore(["seattle", "--backup", OLD.replace("27", "25"), "--yes"]);
    expect(missing.stderr).toMatch(/no backup .* in container mongodb-seattle/);
    expect(fs.existsSync(path.join(work, "kubectl.argv"))).toBe(false);
  });

  test("a stamp's upload SAS (create+write) cannot list or download", async () => {
    const r = await restore(["seattle", "--dry-run"], { ASHK8S_BACKUP_READ_SAS: readSas("cw") });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/listing the backups answered HTTP 403 .*read and list/);
    expect(r.stderr).not.toContain("sig=");
  });

  test("a kubeconfig of another stamp's cluster is refused before anything changes", async () => {
    const r = await restore(["seattle", "--yes", "--kubeconfig", "/k/munich"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /namespace ratings in kube context stand-in-context belongs to stamp "munich", not seattle/,
    );
    expect(fs.existsSync(path.join(work, "kubectl.argv"))).toBe(false);
  });

  test("--yes streams the archive into kubectl exec ... mongorestore", async () => {
    const r = await restore(["seattle", "--into", "munich", "--yes", "--kubeconfig", "/k/munich"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`restore: ${NEW} restored into stamp munich`);
    const argv = fs.readFileSync(path.join(work, "kubectl.argv"), "utf8").split("\n");
    expect(argv.slice(0, 8)).toEqual([
      "--kubeconfig",
      "/k/munich",
      "--namespace",
      "ratings",
      "exec",
      "-i",
      "ratings-mongodb-0",
      "-c",
    ]);
    expect(fs.readFileSync(path.join(work, "kubectl.stdin")).equals(newArchive)).toBe(true);
  });
});
