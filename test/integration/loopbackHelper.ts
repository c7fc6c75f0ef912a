/**
 * A loopback "helper VM" for tests: a real OpenSSH server (Debian openssh-server) on 127.0.0.1 at a
 * free high port, with a temp config, its own host key and key-only auth for one generated client
 * key. Every session gets HOME=<dir>/home and a PATH that puts the chosen tool directory first
 * (the aks-engine test double, or real tools).
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface LoopbackHelper {
  host: string;
  port: number;
  user: string;
  privateKey: string;
  /** The sshd's ed25519 host public key (`ssh-ed25519 AAAA...`): what the provider pins. */
  hostKey: string;
  home: string;
  /** The bootstrap marker (outside home, so it survives `replace`). */
  bootstrapMarker: string;
  /** Clears the helper's home, as if the VM had been replaced. */
  replace(): void;
  /** What sshd logged so far (authentications, disconnects). */
  log(): string;
  /** Kills the helper's live SSH sessions on the server side (a dropped connection). */
  dropSessions(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export async function startLoopbackHelper(
  toolDir: string,
  extraEnv: Record<string, string> = {},
): Promise<LoopbackHelper> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopback-helper-"));
  const home = path.join(dir, "home");
  fs.mkdirSync(home, { mode: 0o700 });
  fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const keygen = (file: string) =>
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file], { stdio: "ignore" });
  keygen(path.join(dir, "host_key"));
  keygen(path.join(dir, "client_key"));
  fs.copyFileSync(path.join(dir, "client_key.pub"), path.join(dir, "authorized_keys"));
  const env = Object.entries({
    HOME: home,
    PATH: `${toolDir}:/usr/local/bin:/usr/bin:/bin`,
    ...extraEnv,
  })
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const marker = path.join(dir, "bootstrap.done");
  fs.writeFileSync(marker, "loopback helper\n");
  const port = await freePort();
  const config = [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${dir}/host_key`,
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "StrictModes no",
    // The helper's session: the client asks for `bash -s`; run it with the helper's HOME and PATH.
    `ForceCommand cd ${home} && env ${env} bash -s`,
  ].join("\n");
  fs.writeFileSync(path.join(dir, "sshd_config"), `${config}\n`);
  const sshd: ChildProcess = spawn(
    "/usr/sbin/sshd",
    ["-D", "-e", "-f", path.join(dir, "sshd_config")],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let log = "";
  sshd.stderr?.on("data", (d) => (log += d));
  for (let i = 0; ; i++) {
    if (log.includes("Server listening")) break;
    if (sshd.exitCode !== null || i > 100) throw new Error(`sshd did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: "127.0.0.1",
    port,
    user: os.userInfo().username,
    privateKey: fs.readFileSync(path.join(dir, "client_key"), "utf8"),
    hostKey: fs.readFileSync(path.join(dir, "host_key.pub"), "utf8").trim(),
    home,
    bootstrapMarker: marker,
    replace() {
      fs.rmSync(home, { recursive: true, force: true });
      fs.mkdirSync(home, { mode: 0o700 });
    },
    log: () => log,
    dropSessions() {
      // sshd's per-connection processes are its direct children.
      let killed = 0;
      for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
          const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
          const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          if (ppid === sshd.pid) {
            process.kill(Number(pid), "SIGKILL");
            killed++;
          }
        } catch {
          // gone meanwhile
        }
      }
      return killed;
    },
    async stop() {
      sshd.kill("SIGTERM");
      await new Promise((r) => sshd.once("exit", r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
