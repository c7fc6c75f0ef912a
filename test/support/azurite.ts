/**
 * Test helper: a real Azurite Blob service (npm `azurite`, Microsoft's Azure Storage emulator) on
 * 127.0.0.1, a random free port and a temporary directory, for the backup and restore tests.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { accountSas, DEV_ACCOUNT } from "./blobSas";

export interface Azurite {
  /** http://127.0.0.1:<port>/devstoreaccount1 */
  accountUrl: string;
  port: number;
  dir: string;
  /** An account SAS with every permission, for the test's own setup and checks. */
  adminSas: string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Azurite's Blob service and waits until it answers. */
export async function startAzurite(): Promise<Azurite> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "azurite-"));
  const bin = path.join(__dirname, "..", "..", "node_modules", ".bin", "azurite-blob");
  // Neither --skipApiVersionCheck nor --loose: Azurite checks the API versions and headers the
  // scripts send (2020-10-02 and 2019-07-07 are both ones it serves).
  const child: ChildProcess = spawn(
    bin,
    [
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--location",
      dir,
      "--silent",
      "--disableTelemetry",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const accountUrl = `http://127.0.0.1:${port}/${DEV_ACCOUNT.name}`;
  const adminSas = accountSas({ permissions: "racwdl", expiry: "2099-01-01T00:00:00Z" });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${accountUrl}?comp=list&${adminSas}`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`Azurite did not start on port ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    accountUrl,
    port,
    dir,
    adminSas,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a container with the admin SAS. */
export async function createContainer(azurite: Azurite, name: string): Promise<void> {
  const res = await fetch(`${azurite.accountUrl}/${name}?restype=container&${azurite.adminSas}`, {
    method: "PUT",
    headers: { "x-ms-version": "2019-12-12" },
  });
  if (res.status !== 201) throw new Error(`create container ${name}: HTTP ${res.status}`);
}

/** Blob names in a container, read with the admin SAS. */
export async function listBlobs(azurite: Azurite, container: string): Promise<string[]> {
  const res = await fetch(
    `${azurite.accountUrl}/${container}?restype=container&comp=list&${azurite.adminSas}`,
    { headers: { "x-ms-version": "2019-12-12" } },
  );
  const xml = await res.text();
  return [...xml.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]);
}
