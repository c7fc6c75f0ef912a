/**
 * Refresh without the helper, through the real Pulumi engine: the AksEngineDeployment dynamic
 * provider (shipped code) deploys through a loopback helper (real sshd; aks-engine-azurestack is
 * the TEST DOUBLE, kubectl real) whose kubeconfig points at the local control plane's real
 * kube-apiserver through a TCP relay this test owns. Then the helper's sshd is stopped: refresh
 * still reports out-of-band node-count and kubelet-version changes, read with one HTTPS call to
 * the real API server (providers/clusterApi.ts). Then the relay is closed as well: refresh fails
 * with a message naming the stamp and both reasons, and the fleet runner's summary code
 * (scripts/lib/fleet.ts) classifies that drift run as `unknown` with exit code 1.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { failureOf, fleetExitCode, FleetRow, formatText } from "../../scripts/lib/fleet";
import { KUBECONFIG, pulumiEnv, run, show } from "./harness";
import {
  CLUSTER_PROGRAM,
  clusterProgramCli,
  initClusterStack,
  LoopbackHelper,
  startClusterHelper,
} from "./loopbackHelper";

const STACK = "it-cluster-refresh";
const SP_SECRET = `sp-${crypto.randomBytes(12).toString("hex")}`;
const EXTRA = "k8s-linuxpool-00000000-7";
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-it-refresh-"));
const toolDir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-it-refresh-tools-"));
const env = pulumiEnv(backend, crypto.randomBytes(24).toString("hex"));
const pulumi = clusterProgramCli(STACK, env);
let helper: LoopbackHelper;
let helperStopped = false;
let relay: ChildProcess;
let relayPort = 0;

// A plain TCP relay in its own process (pulumi runs through spawnSync, which blocks this one):
// TLS passes through untouched, so the client still verifies the real API server's certificate.
const RELAY = `
const net = require("node:net");
const [host, port] = process.argv[1].split(":");
const server = net.createServer((c) => {
  const u = net.connect(Number(port), host);
  c.pipe(u).pipe(c);
  c.on("error", () => u.destroy());
  u.on("error", () => c.destroy());
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

const lc = (...args: string[]) => {
  const r = run("bash", ["scripts/local-cluster.sh", ...args]);
  if (r.code !== 0) throw new Error(show(r));
};
/** The cluster resource's `observed` as recorded in state (refresh does not rerun the program). */
const recorded = () => {
  const state = JSON.parse(pulumi(["stack", "export"]).stdout);
  const res = state.deployment.resources.find((r: { urn: string }) =>
    r.urn.endsWith("AksEngineDeployment::cluster"),
  );
  return res.outputs.observed;
};

beforeAll(async () => {
  relay = spawn(process.execPath, ["-e", RELAY, new URL(kubeServer()).host], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  relayPort = await new Promise<number>((resolve, reject) => {
    relay.stdout?.once("data", (d) => resolve(Number(String(d).trim())));
    relay.once("exit", () => reject(new Error("the relay did not start")));
  });
  // The cluster's kubeconfig (what the double hands out, what ends in state): through the relay.
  const kc = parse(fs.readFileSync(KUBECONFIG, "utf8"));
  for (const c of kc.clusters) c.cluster.server = `https://127.0.0.1:${relayPort}`;
  const relayed = path.join(toolDir, "relayed-kubeconfig.yaml");
  fs.writeFileSync(relayed, stringify(kc), { mode: 0o600 });
  helper = await startClusterHelper(toolDir, relayed);
  initClusterStack(pulumi, STACK, helper, SP_SECRET);
});

function kubeServer(): string {
  const kc = parse(fs.readFileSync(KUBECONFIG, "utf8"));
  return kc.clusters[0].cluster.server;
}

afterAll(async () => {
  run("bash", ["scripts/local-cluster.sh", "remove-node", EXTRA]);
  run("bash", ["scripts/local-cluster.sh", "set-node-version", "--all", "v1.34.4"]);
  // The helper is gone by now: delete only warns that it could not clean it.
  pulumi(["destroy", "--yes", "--skip-preview"]);
  relay?.kill("SIGTERM");
  if (helper && !helperStopped) await helper.stop();
  fs.rmSync(backend, { recursive: true, force: true });
  fs.rmSync(toolDir, { recursive: true, force: true });
  fs.rmSync(path.join(CLUSTER_PROGRAM, `Pulumi.${STACK}.yaml`), { force: true });
});

test("up deploys through the helper; its kubeconfig in state reaches the API through the relay", () => {
  const up = pulumi(["up", "--yes", "--skip-preview"]);
  expect({ code: up.code, out: up.code ? show(up) : "" }).toEqual({ code: 0, out: "" });
  expect(recorded()).toEqual({
    masterCount: 3,
    pools: { linuxpool: 3 },
    kubernetesVersion: "1.34.4",
  });
});

test("helper stopped: refresh observes the cluster through its API and reports out-of-band changes", async () => {
  await helper.stop();
  helperStopped = true;
  const clean = pulumi(["refresh", "--preview-only", "--expect-no-changes"]);
  expect({ code: clean.code, out: clean.code ? show(clean) : "" }).toEqual({ code: 0, out: "" });
  expect(clean.stdout + clean.stderr).toContain(
    "[aks-engine local] refresh: observed through the cluster API",
  );

  lc("add-node", EXTRA, "agent");
  lc("set-node-version", "k8s-linuxpool-00000000-1", "v1.33.10");
  const drift = pulumi(["refresh", "--preview-only", "--expect-no-changes"]);
  expect({ code: drift.code }).toEqual({ code: 7 });
  const refresh = pulumi(["refresh", "--yes", "--skip-preview"]);
  expect({ code: refresh.code, out: refresh.code ? show(refresh) : "" }).toEqual({
    code: 0,
    out: "",
  });
  expect(recorded()).toEqual({
    masterCount: 3,
    pools: { linuxpool: 4 },
    kubernetesVersion: "1.33.10",
  });
});

test("helper and API both gone: refresh fails naming the stamp and both reasons", () => {
  relay.kill("SIGTERM");
  const r = pulumi(["refresh", "--preview-only"]);
  expect(r.code).not.toBe(0);
  const out = r.stdout + r.stderr;
  expect(out).toContain("cluster local not observed: through its API: 127.0.0.1:");
  expect(out).toMatch(/through its API: 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  expect(out).toMatch(/through the helper 127\.0\.0\.1:\d+: /);
  // nothing was written: state keeps the last observation
  expect(recorded()).toEqual({
    masterCount: 3,
    pools: { linuxpool: 4 },
    kubernetesVersion: "1.33.10",
  });
});

test("helper and API both gone: the drift refresh's real output makes the fleet summary say unknown, exit 1", () => {
  // The fleet runner's drift command; its output is classified by the runner's own pure code.
  const r = pulumi(["refresh", "--preview-only", "--expect-no-changes"]);
  expect(r.code).not.toBe(0);
  const row: FleetRow = {
    stack: STACK,
    op: "drift",
    changes: {},
    durationMs: 0,
    ...failureOf("drift", r.stdout + r.stderr, r.code === 7),
  };
  expect(row).toMatchObject({
    result: "unknown",
    error: expect.stringMatching(/^cluster local not observed: through its API: 127\.0\.0\.1:/),
  });
  expect(formatText([row]).split("\n")[1]).toMatch(
    /^it-cluster-refresh +drift +0 +0 +0 +0 +unknown +0 ms +unknown: cluster local not observed: /,
  );
  expect(fleetExitCode([row])).toBe(1);
});
