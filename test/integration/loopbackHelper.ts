/**
 * A loopback "helper VM" for tests: a real OpenSSH server (Debian openssh-server) on 127.0.0.1 at a
 * free high port, with a temp config, its own host key and key-only auth for one generated client
 * key. Every session gets HOME=<dir>/home and a PATH that puts the chosen tool directory first
 * (the aks-engine test double, or real tools).
 *
 * Below it, the set-up the cluster-provider suites share: the example cluster's provider inputs,
 * the double's argv log and the stderr capture (helperSsh, helperDetached), and the cluster test
 * program's CLI, helper and stack configuration (clusterDrift, clusterRefresh).
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { StampConfig } from "../../config";
import { buildApiModel } from "../../lib/apiModel";
import type { ClusterResourceInputs } from "../../providers/aksEngineProvider";
import { TEST_CERTIFICATE_BUNDLE } from "../stackFiles";
import { stampConfig } from "../stampConfigs";
import { Result, ROOT, show } from "./harness";

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

// ---------------------------------------------------------------------------------------------
// Set-up shared by the suites that drive the cluster provider through a loopback helper.

/** The example stamp's cluster spec as the provider takes it (seattle: 3 masters, 3 agents). */
function exampleSpec(location: string, dnsPrefix: string): ClusterResourceInputs["spec"] {
  return {
    location,
    dnsPrefix,
    masterCount: 3,
    kubernetesVersion: "1.34.4",
    networkPlugin: "kubenet",
    pools: [{ name: "linuxpool", count: 3, vmSize: "Standard_DS3_v2" }],
    nodeImageGeneration: 0,
  };
}

/**
 * Provider inputs of the seattle example cluster on `helper`, whose tools are the aks-engine test
 * double (test/doubles): the shipped apimodel for `config`, the service principal `secret`.
 */
export function exampleClusterInputs(
  helper: LoopbackHelper,
  config: StampConfig,
  secret: string,
): ClusterResourceInputs {
  const apiModel = buildApiModel(config, {
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test",
    servicePrincipalSecret: secret,
  });
  return {
    helper: { host: helper.host, port: helper.port, user: helper.user, hostKey: helper.hostKey },
    helperPrivateKey: helper.privateKey,
    context: {
      cli: "aks-engine-azurestack",
      bootstrapMarker: helper.bootstrapMarker,
      location: "seattle",
      resourceGroup: "rg-seattle-k8s",
      identitySystem: "azure_ad",
      subscriptionId: config.azureStack.subscriptionId,
      clientId: config.azureStack.clientId,
      apiServerFqdn: "sea-ratings.seattle.cloudapp.azurestack.contoso.com",
    },
    spec: exampleSpec("seattle", "sea-ratings"),
    apiModel: JSON.stringify(apiModel),
    servicePrincipalSecret: secret,
    servicePrincipalCertificate: TEST_CERTIFICATE_BUNDLE,
  };
}

/** The lines of the aks-engine double's argv log on the helper (one per command it ran). */
export function doubleArgvLog(helper: LoopbackHelper): string[] {
  return fs.readFileSync(path.join(helper.home, "double-argv.log"), "utf8").trim().split("\n");
}

/**
 * Collects what is written to process.stderr (the provider's streamed log) during each test of
 * the calling file: registers a beforeEach that empties the returned array and diverts stderr into
 * it, and an afterEach that restores stderr.
 */
export function captureStderr(): string[] {
  const captured: string[] = [];
  const realWrite = process.stderr.write.bind(process.stderr);
  beforeEach(() => {
    captured.length = 0;
    process.stderr.write = ((chunk: string) => {
      captured.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
  });
  afterEach(() => {
    process.stderr.write = realWrite;
  });
  return captured;
}

/** The test program test/integration/programs/aks-engine-cluster (one AksEngineDeployment). */
export const CLUSTER_PROGRAM = path.join(ROOT, "test/integration/programs/aks-engine-cluster");

/** `pulumi <args> --stack <stack> --non-interactive` in the cluster test program. */
export function clusterProgramCli(
  stack: string,
  env: NodeJS.ProcessEnv,
): (args: string[], input?: string) => Result {
  return (args, input) => {
    const stackArgs = args[0] === "stack" && args[1] === "init" ? [] : ["--stack", stack];
    const r = spawnSync("pulumi", [...args, ...stackArgs, "--non-interactive"], {
      cwd: CLUSTER_PROGRAM,
      env,
      input,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
}

/**
 * A loopback helper whose tools (linked into `toolDir`) are the aks-engine test double and the
 * real kubectl; the double hands out `kubeconfig` and scales/upgrades the local KWOK control plane
 * through its hook, keeping its fake cluster in `toolDir`.
 */
export async function startClusterHelper(
  toolDir: string,
  kubeconfig: string,
): Promise<LoopbackHelper> {
  fs.symlinkSync(
    path.join(ROOT, "test/doubles/aks-engine-azurestack"),
    path.join(toolDir, "aks-engine-azurestack"),
  );
  fs.symlinkSync(path.join(ROOT, ".toolchain/bin/kubectl"), path.join(toolDir, "kubectl"));
  return startLoopbackHelper(toolDir, {
    ASHK8S_DOUBLE_KUBECONFIG: kubeconfig,
    ASHK8S_DOUBLE_HOOK: path.join(ROOT, "test/doubles/kwok-cluster-hook"),
    ASHK8S_DOUBLE_STATE: path.join(toolDir, "double-cluster.json"),
  });
}

/**
 * Creates `stack` of the cluster test program and sets its config for `helper`: the seattle
 * example's apimodel and a 3+3 spec in location `local`. Throws naming the step that failed.
 */
export function initClusterStack(
  pulumi: (args: string[], input?: string) => Result,
  stack: string,
  helper: LoopbackHelper,
  spSecret: string,
): void {
  const config = stampConfig("seattle", { azureStack: { location: "local" } }, spSecret);
  const apiModel = buildApiModel(config, {
    sshPublicKey: "ssh-ed25519 AAAAC3Nza test",
    servicePrincipalSecret: spSecret,
  });
  const init = pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
  if (init.code !== 0) throw new Error(`stack init: ${show(init)}`);
  const set = (key: string, value: string, secret = false) => {
    const r = pulumi(["config", "set", ...(secret ? ["--secret"] : []), `it:${key}`], value);
    if (r.code !== 0) throw new Error(`config set ${key}: ${show(r)}`);
  };
  set("port", String(helper.port));
  set("user", helper.user);
  set("hostKey", helper.hostKey);
  set("marker", helper.bootstrapMarker);
  set("spec", JSON.stringify(exampleSpec("local", config.cluster.dnsPrefix)));
  // Secrets go on stdin (never argv) and are stored encrypted.
  set("helperKey", helper.privateKey, true);
  set("apiModel", JSON.stringify(apiModel), true);
  set("spSecret", spSecret, true);
  set("spCertificate", TEST_CERTIFICATE_BUNDLE, true);
}
