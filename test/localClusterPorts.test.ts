/**
 * scripts/local-cluster.sh refuses to start when one of its ports is taken, and names the holder:
 * another checkout's control plane (with the command that stops it) or any other process. Real
 * processes listening on loopback; the script runs for real (it stops before needing binaries).
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts/local-cluster.sh");
const hasSs = spawnSync("sh", ["-c", "command -v ss"]).status === 0;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A process listening on 127.0.0.1:port whose command line starts with argv0. */
async function listener(port: number, argv0: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["-e", `require("net").createServer().listen(${port}, "127.0.0.1", () => console.log("up"))`],
    { argv0, stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`listener exited with ${code}`)));
  });
  return child;
}

describe("local-cluster.sh start with taken ports", () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let ports: Record<string, number>;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-ports-"));
    ports = {
      ASHK8S_APISERVER_PORT: await freePort(),
      ASHK8S_ETCD_PORT: await freePort(),
      ASHK8S_ETCD_PEER_PORT: await freePort(),
      ASHK8S_CONTROLLER_MANAGER_PORT: await freePort(),
      ASHK8S_SCHEDULER_PORT: await freePort(),
      ASHK8S_KWOK_PORT: await freePort(),
    };
    env = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ASHK8S_CLUSTER_DIR: path.join(tmp, "mine"),
      ASHK8S_LOCAL_KUBECONFIG: path.join(tmp, "mine-kubeconfig"),
      ASHK8S_TOOLCHAIN_BIN: path.join(tmp, "no-binaries"),
      ASHK8S_KUBECONFIG: "",
    };
  });

  afterEach(() => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = () => spawnSync("bash", [SCRIPT, "start"], { env, encoding: "utf8" });

  (hasSs ? test : test.skip)(
    "names the other checkout holding the API server port and how to stop it",
    async () => {
      const other = path.join(tmp, "other-checkout");
      const argv0 = path.join(other, ".local/cluster/kwok/clusters/ashk8s/bin/kube-apiserver");
      children.push(await listener(ports.ASHK8S_APISERVER_PORT, argv0));

      const result = start();

      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `port ${ports.ASHK8S_APISERVER_PORT} (apiserver) is in use by pid ${children[0].pid}`,
      );
      expect(result.stderr).toContain(`local control plane of another checkout: ${other}`);
      expect(result.stderr).toContain(`(cd '${other}' && npm run demo:down)`);
      expect(result.stderr).not.toContain("address already in use");
    },
  );

  (hasSs ? test : test.skip)("names any other process holding a port", async () => {
    children.push(await listener(ports.ASHK8S_ETCD_PORT, "some-database"));

    const result = start();

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `port ${ports.ASHK8S_ETCD_PORT} (etcd) is in use by pid ${children[0].pid}: some-database`,
    );
    expect(result.stderr).not.toContain("another checkout");
    expect(result.stderr).toContain("ASHK8S_APISERVER_PORT=");
  });

  test("with free ports it goes on (and here stops at the missing binaries)", () => {
    const result = start();

    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain("ports are taken");
    expect(result.stderr).toContain("missing binaries");
  });
});
