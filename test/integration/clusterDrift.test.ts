/**
 * The cluster resource through the real Pulumi engine: the AksEngineDeployment dynamic provider
 * (the shipped code) drives a loopback helper over real SSH. On the helper, aks-engine-azurestack
 * is the TEST DOUBLE (deploy/scale/upgrade need ARM) whose kubeconfig and scale/upgrade hook point
 * at the local KWOK control plane, while kubectl is real. Proves: up, a clean preview, out-of-band
 * node-count and kubelet-version changes reported by `pulumi refresh --preview-only
 * --expect-no-changes` with exit code 7 and healed by `pulumi up --refresh`, a node image refresh
 * (raised cluster.nodeImageGeneration: shown in the preview, one upgrade --force at the same
 * version; lowered: refused), a refused master change stopping the preview, no plaintext secret in
 * state, destroy.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KUBECONFIG, kubectlJson, pulumiEnv, run, show } from "./harness";
import {
  CLUSTER_PROGRAM,
  clusterProgramCli,
  doubleArgvLog,
  initClusterStack,
  LoopbackHelper,
  startClusterHelper,
} from "./loopbackHelper";

const STACK = "it-cluster";
const SP_SECRET = `sp-${crypto.randomBytes(12).toString("hex")}`;
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-it-cluster-"));
const toolDir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-it-tools-"));
const env = pulumiEnv(backend, crypto.randomBytes(24).toString("hex"));
const pulumi = clusterProgramCli(STACK, env);
let helper: LoopbackHelper;

const lc = (...args: string[]) => {
  const r = run("bash", ["scripts/local-cluster.sh", ...args]);
  if (r.code !== 0) throw new Error(show(r));
};
const nodes = () =>
  kubectlJson<{
    items: { metadata: { name: string }; status: { nodeInfo: { kubeletVersion: string } } }[];
  }>(["get", "nodes"]).items;
const agents = () => nodes().filter((n) => n.metadata.name.startsWith("k8s-linuxpool-"));
const argvLog = () => doubleArgvLog(helper);

beforeAll(async () => {
  // Helper tools: the aks-engine test double (on the local control plane), the real kubectl.
  helper = await startClusterHelper(toolDir, KUBECONFIG);
  initClusterStack(pulumi, STACK, helper, SP_SECRET);
});

afterAll(async () => {
  pulumi(["destroy", "--yes", "--skip-preview"]);
  await helper?.stop();
  fs.rmSync(backend, { recursive: true, force: true });
  fs.rmSync(toolDir, { recursive: true, force: true });
  fs.rmSync(path.join(CLUSTER_PROGRAM, `Pulumi.${STACK}.yaml`), { force: true });
});

test("up deploys through the helper and reports the cluster's real node counts and version", () => {
  const up = pulumi(["up", "--yes", "--skip-preview"]);
  expect(up.code).toBe(0);
  // the helper's progress reaches the CLI while the command runs
  expect(up.stdout).toContain("[aks-engine local] deploy: INFO double: deploy starting");
  expect(argvLog()).toEqual([expect.stringMatching(/^deploy --azure-env AzureStackCloud /)]);
  const out = JSON.parse(pulumi(["stack", "output", "--json", "--show-secrets"]).stdout);
  expect(out.observed).toEqual({
    masterCount: 3,
    pools: { linuxpool: 3 },
    kubernetesVersion: "1.34.4",
  });
  expect(out.kubeconfig).toContain("clusters");
  const preview = pulumi(["preview", "--expect-no-changes"]);
  expect({ code: preview.code }).toEqual({ code: 0 });
});

test("a worker added out of band: refresh reports drift (exit 7), up --refresh scales back", () => {
  lc("add-node", "k8s-linuxpool-00000000-3", "agent");
  expect(agents()).toHaveLength(4);
  const drift = pulumi(["refresh", "--preview-only", "--expect-no-changes"]);
  expect({ code: drift.code }).toEqual({ code: 7 });
  const up = pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
  expect(up.code).toBe(0);
  expect(argvLog().at(-1)).toMatch(/^scale .*--node-pool linuxpool --new-node-count 3 /);
  expect(agents()).toHaveLength(3);
  expect(pulumi(["refresh", "--preview-only", "--expect-no-changes"]).code).toBe(0);
});

test("a node left on an older kubelet (half-finished upgrade): refresh reports drift (exit 7), up --refresh upgrades", () => {
  lc("set-node-version", "k8s-linuxpool-00000000-1", "v1.33.10");
  const drift = pulumi(["refresh", "--preview-only", "--expect-no-changes"]);
  expect(drift.code).toBe(7);
  const up = pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
  expect(up.code).toBe(0);
  expect(argvLog().at(-1)).toMatch(/^upgrade .*--upgrade-version 1\.34\.4$/);
  expect(new Set(nodes().map((n) => n.status.nodeInfo.kubeletVersion))).toEqual(
    new Set(["v1.34.4"]),
  );
  expect(pulumi(["refresh", "--preview-only", "--expect-no-changes"]).code).toBe(0);
});

test("a raised cluster.nodeImageGeneration: the preview shows 0 => 1 and the plan, up runs exactly one upgrade --force at the same version; lowering it is refused", () => {
  const before = argvLog().length;
  const spec = JSON.parse(pulumi(["config", "get", "it:spec"]).stdout);
  const setGeneration = (n: number) =>
    expect(
      pulumi(["config", "set", "it:spec"], JSON.stringify({ ...spec, nodeImageGeneration: n }))
        .code,
    ).toBe(0);
  setGeneration(1);
  const preview = pulumi(["preview", "--diff"]);
  expect({ code: preview.code }).toEqual({ code: 0 });
  expect(preview.stdout).toMatch(/~ nodeImageGeneration\s*: 0 => 1/);
  expect(preview.stdout + preview.stderr).toContain(
    "plan: upgrade --force to 1.34.4: node image refresh (cluster.nodeImageGeneration 0 -> 1)",
  );
  expect(argvLog()).toHaveLength(before); // a preview runs nothing
  const up = pulumi(["up", "--yes", "--skip-preview"]);
  expect(up.code).toBe(0);
  expect(argvLog().slice(before)).toEqual([
    expect.stringMatching(/^upgrade .*--upgrade-version 1\.34\.4 --force$/),
  ]);
  expect(pulumi(["preview", "--expect-no-changes"]).code).toBe(0);
  setGeneration(0);
  const lowered = pulumi(["preview"]);
  expect(lowered.code).not.toBe(0);
  expect(lowered.stdout + lowered.stderr).toContain(
    "cluster.nodeImageGeneration: 1 -> 0 cannot change in place; a generation cannot be lowered",
  );
  expect(argvLog()).toHaveLength(before + 1);
  setGeneration(1);
});

test("a master-count change is refused in the preview and nothing runs on the helper", () => {
  const before = argvLog().length;
  const spec = JSON.parse(pulumi(["config", "get", "it:spec"]).stdout);
  expect(
    pulumi(["config", "set", "it:spec"], JSON.stringify({ ...spec, masterCount: 5 })).code,
  ).toBe(0);
  const preview = pulumi(["preview"]);
  expect(preview.code).not.toBe(0);
  expect(preview.stdout + preview.stderr).toContain(
    "cluster.masterCount: 3 -> 5 cannot change in place",
  );
  expect(argvLog()).toHaveLength(before);
  expect(pulumi(["config", "set", "it:spec"], JSON.stringify(spec)).code).toBe(0);
});

test("a master VM size change (a field outside the old planning subset) is refused in the preview and nothing runs on the helper", () => {
  const before = argvLog().length;
  const text = pulumi(["config", "get", "it:apiModel"]).stdout.trim();
  const model = JSON.parse(text);
  const size = model.properties.masterProfile.vmSize;
  model.properties.masterProfile.vmSize = "Standard_F16s_v2";
  expect(pulumi(["config", "set", "--secret", "it:apiModel"], JSON.stringify(model)).code).toBe(0);
  const preview = pulumi(["preview"]);
  expect(preview.code).not.toBe(0);
  expect(preview.stdout + preview.stderr).toContain(
    `cluster.masterVmSize: "${size}" -> "Standard_F16s_v2" cannot change in place`,
  );
  expect(argvLog()).toHaveLength(before);
  expect(pulumi(["config", "set", "--secret", "it:apiModel"], text).code).toBe(0);
});

test("state holds no plaintext secret; destroy removes the resource", () => {
  const exported = pulumi(["stack", "export"]).stdout;
  expect(exported).toContain("ciphertext");
  for (const secret of [
    SP_SECRET,
    helper.privateKey.split("\n")[1],
    "VEVTVCBLRVk=",
    // the kubeconfig's client key (the provider's own code names kubeconfig keys, so no key name)
    /client-key-data: (\S+)/.exec(fs.readFileSync(KUBECONFIG, "utf8"))![1],
  ]) {
    expect(exported).not.toContain(secret);
  }
  const destroy = pulumi(["destroy", "--yes", "--skip-preview"]);
  expect(destroy.code).toBe(0);
  expect(fs.existsSync(path.join(helper.home, "ashk8s/_output"))).toBe(false);
});
