/**
 * Detached operations (providers/helperOperation.ts) through the provider, against a REAL sshd on
 * loopback. aks-engine-azurestack is the TEST DOUBLE of test/doubles, made slow here
 * (ASHK8S_DOUBLE_SLEEP=6 s: the stand-in for a 40-minute upgrade); ssh, sshd, bash, flock,
 * setsid and the rendered scripts are real. Claims proven: the SSH sessions dropped on the server
 * side in the middle of an operation do not stop it, the provider reconnects and returns its real
 * result without starting it again or repeating log lines; a different operation while one runs
 * is refused naming it, the identical one is followed; the overall timeout ends the wait with a
 * clear message while the operation runs on, and the next run follows it to its result; a node
 * image refresh (raised nodeImageGeneration) is one detached upgrade --force at the same version
 * that survives dropped sessions; the provider's own ssh client killed mid-operation is the same
 * as a dropped connection (reconnect, real result, nothing run twice).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  aksEngineProvider,
  ClusterResourceInputs,
  ClusterResourceOutputs,
} from "../../providers/aksEngineProvider";
import { ROOT } from "../stackFiles";
import { stampConfig } from "../stampConfigs";
import {
  captureStderr,
  doubleArgvLog,
  exampleClusterInputs,
  LoopbackHelper,
  startLoopbackHelper,
} from "./loopbackHelper";

const SECRET = "Sp-Secret-5e6f7a8b9c0d";
const config = stampConfig("seattle", {}, SECRET);
let helper: LoopbackHelper;
let stateDir: string;
let inputs: ClusterResourceInputs;
let state: ClusterResourceOutputs;
/** What the provider streamed to stderr during the current test. */
const stderr = captureStderr();

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "double-cluster-"));
  helper = await startLoopbackHelper(path.join(ROOT, "test/doubles"), {
    ASHK8S_DOUBLE_STATE: path.join(stateDir, "cluster.json"),
    ASHK8S_DOUBLE_SLEEP: "6",
  });
  inputs = exampleClusterInputs(helper, config, SECRET);
  state = (await aksEngineProvider.create!(inputs)).outs as ClusterResourceOutputs;
});
afterAll(async () => {
  await helper?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const opsDir = () => path.join(helper.home, "ashk8s/.ashk8s-ops");
const argvLog = () => doubleArgvLog(helper);
const scaled = (count: number): ClusterResourceInputs => ({
  ...inputs,
  spec: { ...inputs.spec, pools: [{ ...inputs.spec.pools[0], count }] },
});
/** Waits until the running operation's log shows the double at work. */
async function untilRunning(op: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const dirs = fs.existsSync(opsDir()) ? fs.readdirSync(opsDir()) : [];
    const current = fs.existsSync(path.join(opsDir(), "current"))
      ? fs.readFileSync(path.join(opsDir(), "current"), "utf8").trim()
      : "";
    const ended = fs.existsSync(path.join(opsDir(), current, "rc"));
    if (current.startsWith(`${op}-`) && dirs.includes(current) && !ended) {
      const log = path.join(opsDir(), current, "log");
      if (fs.existsSync(log) && fs.readFileSync(log, "utf8").includes(`double: ${op} starting`))
        return current;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${op} started`);
}

test("sessions dropped in the middle of a scale: the provider reconnects and returns the real result; nothing runs twice", async () => {
  const before = argvLog().length;
  const update = aksEngineProvider.update!("id", state, scaled(5));
  const id = await untilRunning("scale");
  expect(helper.dropSessions()).toBeGreaterThan(0);
  const { outs } = await update;
  state = outs as ClusterResourceOutputs;
  expect(state.observed.pools).toEqual({ linuxpool: 5 });
  expect(argvLog().slice(before)).toEqual([expect.stringMatching(/^scale .*--new-node-count 5 /)]);
  const text = stderr.join("");
  expect(text).toMatch(
    /the SSH connection was lost while following operation scale-.*; reconnecting in 2 s/,
  );
  // Every log line reached the CLI once, in order, across the reconnect.
  expect(text.match(/double: scale starting/g)).toHaveLength(1);
  expect(text.match(/double: scale finished/g)).toHaveLength(1);
  expect(text.indexOf("double: scale starting")).toBeLessThan(
    text.indexOf("double: scale finished"),
  );
  expect(fs.readFileSync(path.join(opsDir(), id, "rc"), "utf8")).toBe("0\n");
  expect(fs.existsSync(path.join(opsDir(), id, "s"))).toBe(false); // secrets gone with it
});

test("a different operation while one runs is refused naming it; the identical one is followed", async () => {
  const before = argvLog().length;
  const first = aksEngineProvider.update!("id", state, scaled(4));
  const id = await untilRunning("scale");
  const rotated = { ...scaled(4), servicePrincipalSecret: "Sp-Rotated-0a1b2c3d" };
  await expect(
    aksEngineProvider.update!("id", { ...state, spec: scaled(4).spec }, rotated),
  ).rejects.toThrow(
    new RegExp(
      `^upgrade to 1\\.34\\.4 --force was refused: another operation is running on this helper: scale linuxpool to 4 since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ on \\S+ \\(operation ${id}, log /\\S+/${id}/log\\)`,
    ),
  );
  const again = await aksEngineProvider.update!("id", state, scaled(4));
  const { outs } = await first;
  expect((again.outs as ClusterResourceOutputs).observed.pools).toEqual({ linuxpool: 4 });
  expect((outs as ClusterResourceOutputs).observed.pools).toEqual({ linuxpool: 4 });
  expect(stderr.join("")).toContain(`the same operation is already running (${id}): following it`);
  expect(argvLog().slice(before)).toEqual([expect.stringMatching(/^scale .*--new-node-count 4 /)]);
  state = outs as ClusterResourceOutputs;
});

test("the overall timeout ends the wait with a clear message; the operation runs on and the next run follows it", async () => {
  const before = argvLog().length;
  const hurried = { ...scaled(6), operationTimeoutMinutes: { scale: 0.05 } }; // 3 s
  await expect(aksEngineProvider.update!("id", state, hurried)).rejects.toThrow(
    /^scale linuxpool to 6: the provider stopped waiting after 3 s \(the overall timeout, operationTimeoutMinutes\); the operation scale-\S+ was NOT stopped and keeps running on the helper \(log ~\/ashk8s\/\.ashk8s-ops\/scale-\S+\/log\)\. Run pulumi up again to follow it/,
  );
  const { outs } = await aksEngineProvider.update!("id", state, scaled(6));
  expect((outs as ClusterResourceOutputs).observed.pools).toEqual({ linuxpool: 6 });
  expect(argvLog().slice(before)).toEqual([expect.stringMatching(/^scale .*--new-node-count 6 /)]);
  expect(stderr.join("")).toMatch(
    /the same operation is already running \(scale-\S+\): following it/,
  );
  state = outs as ClusterResourceOutputs;
});

test("a bad timeout is refused naming the key", async () => {
  await expect(
    aksEngineProvider.update!("id", state, {
      ...scaled(7),
      operationTimeoutMinutes: { scale: -1 },
    }),
  ).rejects.toThrow(
    "operationTimeoutMinutes.scale: -1 is not allowed; expected minutes, more than 0 and at most 10080 (a week)",
  );
});

test("a node image refresh (nodeImageGeneration raised) is one detached upgrade --force at the same version; dropped sessions do not stop it", async () => {
  const before = argvLog().length;
  const refreshed = { ...state, spec: { ...state.spec, nodeImageGeneration: 1 } };
  const update = aksEngineProvider.update!("id", state, refreshed);
  const id = await untilRunning("upgrade");
  expect(helper.dropSessions()).toBeGreaterThan(0);
  const { outs } = await update;
  state = outs as ClusterResourceOutputs;
  expect(state.spec.nodeImageGeneration).toBe(1);
  expect(state.observed.kubernetesVersion).toBe("1.34.4");
  expect(argvLog().slice(before)).toEqual([
    expect.stringMatching(/^upgrade .*--upgrade-version 1\.34\.4 --force$/),
  ]);
  expect(stderr.join("")).toMatch(/reconnecting in 2 s/);
  expect(fs.readFileSync(path.join(opsDir(), id, "rc"), "utf8")).toBe("0\n");
});

test("the ssh CLIENT killed in the middle of a scale: the provider reconnects and returns the real result; nothing runs twice", async () => {
  const before = argvLog().length;
  const count = state.observed.pools.linuxpool + 1;
  const next = { ...state, spec: { ...state.spec, pools: [{ ...state.spec.pools[0], count }] } };
  const update = aksEngineProvider.update!("id", state, next);
  const id = await untilRunning("scale");
  // The provider's own ssh child (this process's), not the server side: a runner losing its
  // client (OOM kill, a killed agent process) while the operation runs on the helper.
  const killed = spawnSync("pkill", ["-KILL", "-P", String(process.pid), "-x", "ssh"]);
  expect(killed.status).toBe(0); // at least one ssh client was killed
  const { outs } = await update;
  state = outs as ClusterResourceOutputs;
  expect(state.observed.pools).toEqual({ linuxpool: count });
  expect(argvLog().slice(before)).toEqual([
    expect.stringMatching(new RegExp(`^scale .*--new-node-count ${count} `)),
  ]);
  const text = stderr.join("");
  expect(text).toMatch(
    /the SSH connection was lost while following operation scale-.*; reconnecting/,
  );
  expect(text.match(/double: scale finished/g)).toHaveLength(1);
  expect(fs.readFileSync(path.join(opsDir(), id, "rc"), "utf8")).toBe("0\n");
});
