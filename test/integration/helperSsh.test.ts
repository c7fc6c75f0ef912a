/**
 * The cluster provider's SSH execution path against a real sshd on loopback. The helper runs the
 * aks-engine-azurestack TEST DOUBLE (test/doubles: deploy/scale/upgrade need ARM), everything else
 * is real: ssh, bash, the rendered scripts, the provider's create/update/read/diff.
 * Claims proven: no secret in any process's argv or in the streamed log, secret files 0600 and
 * removed afterwards, a half-way failure followed by a retry converges, a replaced helper gets
 * _output/ restored from state without a redeploy, out-of-band changes are observed by read, a
 * switched service principal lands in the generated apimodel (client id and secret) before the
 * forced upgrade, a failed first deploy is retried from a corrected definition.
 */
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

const SECRET = "Sp-Secret-9f8e7d6c5b4a";
const ROTATED = "Sp-Rotated-1a2b3c4d5e6f";
const SWITCHED = "Sp-Switched-7e8f9a0b1c2d";
const NEW_CLIENT_ID = "0d3c5e7a-9b1f-4c2d-8e6a-1f3b5d7c9e20";
const config = stampConfig("seattle", {}, SECRET);
let helper: LoopbackHelper;
/** The double's fake cluster: outside the helper's home, as a real cluster outlives its helper. */
let doubleState: string;
let inputs: ClusterResourceInputs;
/** What the provider streamed to stderr during the current test. */
const stderr = captureStderr();

beforeAll(async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "double-cluster-"));
  doubleState = path.join(stateDir, "cluster.json");
  helper = await startLoopbackHelper(path.join(ROOT, "test/doubles"), {
    ASHK8S_DOUBLE_STATE: doubleState,
  });
  inputs = exampleClusterInputs(helper, config, SECRET);
});
afterAll(async () => {
  await helper?.stop();
  fs.rmSync(path.dirname(doubleState), { recursive: true, force: true });
});

const argvLog = () => doubleArgvLog(helper);

/** Runs `work` while sampling every process's argv; returns what it saw. */
async function watchingArgv<T>(
  work: () => Promise<T>,
): Promise<{ result: T; cmdlines: Set<string> }> {
  const cmdlines = new Set<string>();
  let done = false;
  const sampler = (async () => {
    while (!done) {
      for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
          cmdlines.add(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "));
        } catch {
          // the process ended while we looked
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return { result: await work(), cmdlines };
  } finally {
    done = true;
    await sampler;
  }
}

function expectNoSecretIn(texts: Iterable<string>) {
  const secrets = [SECRET, ROTATED, SWITCHED, "VEVTVCBLRVk=", helper.privateKey.split("\n")[1]];
  for (const text of texts) for (const s of secrets) expect(text).not.toContain(s);
}

let state: ClusterResourceOutputs;

test("a deploy that fails half-way is retried with the generated apimodel and converges", async () => {
  fs.writeFileSync(path.join(helper.home, "fail-once"), "deploy\n");
  await expect(aksEngineProvider.create!(inputs)).rejects.toThrow(/exit code 1/);
  const firstCa = JSON.parse(
    fs.readFileSync(path.join(helper.home, "ashk8s/_output/apimodel.json"), "utf8"),
  ).properties.certificateProfile.caCertificate;

  const { result, cmdlines } = await watchingArgv(() => aksEngineProvider.create!(inputs));
  state = result.outs as ClusterResourceOutputs;
  const log = argvLog();
  expect(log).toHaveLength(2);
  expect(log[0]).toMatch(
    /^deploy .*--api-model \/.*\/\.ashk8s-ops\/deploy-\w+-\w+\/s\/apimodel\.json .*--force-overwrite$/,
  );
  expect(log[1]).toMatch(/^deploy .*--api-model _output\/apimodel\.json .*--force-overwrite$/);
  const generated = JSON.parse(
    fs.readFileSync(path.join(helper.home, "ashk8s/_output/apimodel.json"), "utf8"),
  );
  expect(generated.properties.certificateProfile.caCertificate).toBe(firstCa); // same PKI, no new cluster
  expect(state.observed).toEqual({
    masterCount: 3,
    pools: { linuxpool: 3 },
    kubernetesVersion: "1.34.4",
  });
  expect(JSON.parse(state.kubeconfig).clusters[0].cluster.server).toBe(
    "https://sea-ratings.seattle.cloudapp.example",
  );
  expect([...cmdlines].some((c) => c.includes("aks-engine-azurestack deploy"))).toBe(true);
  expectNoSecretIn(cmdlines);
});

test("secrets reach the tool only as 0600 files, removed afterwards; the log streams progress without secrets", async () => {
  const files = fs
    .readFileSync(path.join(helper.home, "double-files.log"), "utf8")
    .trim()
    .split("\n");
  expect(files.length).toBeGreaterThanOrEqual(5);
  for (const line of files) expect(line).toMatch(/^600 /);
  const leftovers = fs
    .readdirSync(path.join(helper.home, "ashk8s"))
    .filter((f) => f.startsWith(".run."));
  expect(leftovers).toEqual([]);
  // Detached operations: each had its own secrets directory, removed when it ended.
  const ops = fs.readdirSync(path.join(helper.home, "ashk8s/.ashk8s-ops"));
  expect(ops.filter((o) => o.startsWith("deploy-"))).toHaveLength(2);
  for (const o of ops.filter((o) => o.startsWith("deploy-"))) {
    const dir = path.join(helper.home, "ashk8s/.ashk8s-ops", o);
    expect(fs.readdirSync(dir).sort()).toEqual(["info", "key", "log", "rc", "run.sh"]);
    expect(fs.statSync(dir).mode & 0o077).toBe(0);
  }
  for (const f of ["apimodel.json", "kubeconfig/kubeconfig.seattle.json"]) {
    expect(fs.statSync(path.join(helper.home, "ashk8s/_output", f)).mode & 0o077).toBe(0);
  }
  // a fresh command, to look at its streamed log
  await aksEngineProvider.read!("id", state);
  const streamed = stderr.join("");
  expect(streamed).toContain("[aks-engine seattle] observe");
  expectNoSecretIn([streamed, JSON.stringify(argvLog())]);
});

test("scaling a pool runs scale with the generated apimodel and the API server FQDN", async () => {
  const news = {
    ...inputs,
    spec: { ...inputs.spec, pools: [{ ...inputs.spec.pools[0], count: 5 }] },
  };
  const diff = await aksEngineProvider.diff!("id", state, news);
  expect(diff).toMatchObject({ changes: true, replaces: [] });
  const { outs } = await aksEngineProvider.update!("id", state, news);
  state = outs as ClusterResourceOutputs;
  expect(argvLog().at(-1)).toMatch(
    /^scale .*--api-model _output\/apimodel\.json .*--node-pool linuxpool --new-node-count 5 --apiserver sea-ratings\.seattle\.cloudapp\.azurestack\.contoso\.com$/,
  );
  expect(state.observed.pools).toEqual({ linuxpool: 5 });
  inputs = news;
});

test("rotating the client secret runs upgrade --force to the same version with the new secret in the apimodel", async () => {
  const news = { ...inputs, servicePrincipalSecret: ROTATED };
  const { result, cmdlines } = await watchingArgv(() =>
    aksEngineProvider.update!("id", state, news),
  );
  state = result.outs as ClusterResourceOutputs;
  expect(argvLog().at(-1)).toMatch(/^upgrade .*--upgrade-version 1\.34\.4 --force$/);
  const model = JSON.parse(
    fs.readFileSync(path.join(helper.home, "ashk8s/_output/apimodel.json"), "utf8"),
  );
  expect(model.properties.servicePrincipalProfile.secret).toBe(ROTATED);
  expectNoSecretIn(cmdlines);
  inputs = news;
});

test("switching the service principal (new client id and secret) writes both into the generated apimodel before the forced upgrade", async () => {
  const model = JSON.parse(inputs.apiModel);
  model.properties.servicePrincipalProfile = { clientId: NEW_CLIENT_ID, secret: SWITCHED };
  const news = {
    ...inputs,
    context: { ...inputs.context, clientId: NEW_CLIENT_ID },
    apiModel: JSON.stringify(model),
    servicePrincipalSecret: SWITCHED,
  };
  await expect(aksEngineProvider.diff!("id", state, news)).resolves.toMatchObject({
    changes: true,
    replaces: [],
  });
  const { result, cmdlines } = await watchingArgv(() =>
    aksEngineProvider.update!("id", state, news),
  );
  state = result.outs as ClusterResourceOutputs;
  expect(argvLog().at(-1)).toMatch(
    new RegExp(`^upgrade .*--client-id ${NEW_CLIENT_ID} .*--upgrade-version 1\\.34\\.4 --force$`),
  );
  const generated = JSON.parse(
    fs.readFileSync(path.join(helper.home, "ashk8s/_output/apimodel.json"), "utf8"),
  );
  expect(generated.properties.servicePrincipalProfile).toEqual({
    clientId: NEW_CLIENT_ID,
    secret: SWITCHED,
  });
  expectNoSecretIn(cmdlines);
  inputs = news;
});

test("a replaced helper gets _output/ restored from state before any command, without a redeploy", async () => {
  helper.replace();
  const { props } = await aksEngineProvider.read!("id", state);
  expect(fs.existsSync(path.join(helper.home, "ashk8s/_output/apimodel.json"))).toBe(true);
  expect(fs.existsSync(path.join(helper.home, "double-argv.log"))).toBe(false); // no aks-engine call at all
  expect(stderr.join("")).toContain("restoring _output/ from Pulumi state");
  expect((props as ClusterResourceOutputs).kubeconfig).toBe(state.kubeconfig);
});

test("refresh reports a cluster scaled and upgraded out of band; up plans the way back", async () => {
  fs.writeFileSync(
    doubleState,
    JSON.stringify({ masters: 3, pools: { linuxpool: 4 }, version: "1.33.10" }),
  );
  const { props } = await aksEngineProvider.read!("id", state);
  const refreshed = props as ClusterResourceOutputs;
  expect(refreshed.observed).toEqual({
    masterCount: 3,
    pools: { linuxpool: 4 },
    kubernetesVersion: "1.33.10",
  });
  expect(refreshed.spec.kubernetesVersion).toBe("1.33.10");
  expect(refreshed.spec.pools[0].count).toBe(4);
  await expect(aksEngineProvider.diff!("id", refreshed, inputs)).resolves.toMatchObject({
    changes: true,
  });
  const { outs } = await aksEngineProvider.update!("id", refreshed, inputs);
  expect(argvLog().slice(-2)).toEqual([
    expect.stringMatching(/^upgrade .*--upgrade-version 1\.34\.4$/),
    expect.stringMatching(/^scale .*--node-pool linuxpool --new-node-count 5 /),
  ]);
  expect((outs as ClusterResourceOutputs).observed).toEqual({
    masterCount: 3,
    pools: { linuxpool: 5 },
    kubernetesVersion: "1.34.4",
  });
  state = outs as ClusterResourceOutputs;
});

test("a refused change stops in diff: nothing runs on the helper", async () => {
  const before = argvLog().length;
  await expect(
    aksEngineProvider.diff!("id", state, { ...inputs, spec: { ...inputs.spec, masterCount: 5 } }),
  ).rejects.toThrow(
    /^The cluster change is refused, nothing was changed:\n {2}- cluster\.masterCount: 3 -> 5 cannot change in place/,
  );
  expect(argvLog()).toHaveLength(before);
});

test("a failed first deploy is retried from a corrected definition; the failed _output/ is moved aside", async () => {
  helper.replace(); // a helper that never deployed: no _output/, no state
  fs.writeFileSync(path.join(helper.home, "fail-once"), "deploy\n");
  await expect(aksEngineProvider.create!(inputs)).rejects.toThrow(/exit code 1/);
  const model = JSON.parse(inputs.apiModel);
  model.properties.agentPoolProfiles[0].vmSize = "Standard_F8s_v2";
  const corrected = {
    ...inputs,
    apiModel: JSON.stringify(model),
    spec: { ...inputs.spec, pools: [{ ...inputs.spec.pools[0], vmSize: "Standard_F8s_v2" }] },
  };
  await aksEngineProvider.create!(corrected);
  const log = argvLog();
  expect(log).toHaveLength(2);
  expect(log[1]).toMatch(
    /^deploy .*--api-model \/.*\/\.ashk8s-ops\/deploy-\w+-\w+\/s\/apimodel\.json .*--force-overwrite$/,
  );
  const generated = JSON.parse(
    fs.readFileSync(path.join(helper.home, "ashk8s/_output/apimodel.json"), "utf8"),
  );
  expect(generated.properties.agentPoolProfiles[0].vmSize).toBe("Standard_F8s_v2");
  expect(
    fs.readdirSync(path.join(helper.home, "ashk8s")).filter((f) => f.startsWith("_output.failed-")),
  ).toHaveLength(1);
  expect(stderr.join("")).toContain("the failed _output/ was moved to _output.failed-");
});
