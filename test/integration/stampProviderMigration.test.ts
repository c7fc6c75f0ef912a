/**
 * The migration of existing stamps to the in-cluster provider without an identity in its inputs,
 * through the real Pulumi engine (CLI v3.259.0) and the real pulumi-kubernetes 4.25.0 plugin
 * against the local control plane (real kube-apiserver, KWOK nodes).
 *
 * Stamps deployed before this change have every in-cluster object on the provider
 * `<stamp>-cluster-k8s` (child of the AksEngineCluster component) whose input is the admin
 * kubeconfig. The new code keeps that provider (same name, same parent, so the same URN) and only
 * changes its input to `kubeconfig: ""` (components/aksEngineCluster.ts `inClusterProvider`).
 *
 * Proves: a stack created with the old wiring, then previewed with the new one, plans exactly one
 * change, an update of the provider, and no replacement, creation or deletion of any Kubernetes
 * object (MongoDB's StatefulSet and its PVC, the chart's objects included); `up` performs just
 * that update, and every object keeps its uid; the next preview is empty. Negative control: the
 * old provider with the kubeconfig of another active cluster previews as the replacement of every
 * object (the hazard), so the assertions would catch a wrong wiring. Also recorded: a provider
 * under another name (no alias) replaces nothing with this engine and plugin. The stamp's guard of
 * ASHK8S_STAMP_PHASE=cluster (stacks/stampIdentity.ts `runPhase`, a StackReference to the stack
 * itself) lets a new stack through and refuses once the stack exports `ingressIp`.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KUBECONFIG, kubectl, kubectlJson, pulumiEnv, ROOT, run, show, waitFor } from "./harness";

const PROGRAM = path.join(ROOT, "test/integration/programs/stamp-provider-migration");
const STACK = "it-mig";
const NAMESPACE = `ratings-mig-${crypto.randomBytes(3).toString("hex")}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-it-mig-"));
const env = (wiring: Wiring) => ({
  ...pulumiEnv(path.join(dir, "backend"), crypto.randomBytes(24).toString("hex")),
  // The old wiring reads the admin kubeconfig as an input; the new one from $KUBECONFIG. The old
  // runs get a KUBECONFIG that reaches nothing, so they cannot work by accident through it.
  KUBECONFIG: wiring === "admin-input" ? path.join(dir, "no-such-kubeconfig") : KUBECONFIG,
});
let passphraseEnv: NodeJS.ProcessEnv;
type Wiring = "admin-input" | "ambient" | "renamed" | "other-cluster";

function pulumi(wiring: Wiring, ...args: string[]) {
  return pulumiWith({}, wiring, ...args);
}

function pulumiWith(extra: NodeJS.ProcessEnv, wiring: Wiring, ...args: string[]) {
  const e = {
    ...env(wiring),
    PULUMI_CONFIG_PASSPHRASE: passphraseEnv.PULUMI_CONFIG_PASSPHRASE,
    ...extra,
  };
  return run("pulumi", [...args, "--stack", STACK, "--cwd", PROGRAM, "--non-interactive"], e);
}

function configure(wiring: Wiring) {
  const r = pulumi(wiring, "config", "set", "it:wiring", wiring);
  if (r.code !== 0) throw new Error(show(r));
}

interface Step {
  op: string;
  urn: string;
}
interface Preview {
  /** Every step that is not `same` (and the stack's own). */
  steps: Step[];
  /** Count per operation, `same` included. */
  changeSummary: Record<string, number>;
}

/** `pulumi preview --json`: the changing steps and the counts per operation. */
function preview(wiring: Wiring): Preview {
  const r = pulumi(wiring, "preview", "--json");
  if (r.code !== 0) throw new Error(show(r));
  const p = JSON.parse(r.stdout) as Partial<Preview>;
  return { steps: p.steps ?? [], changeSummary: p.changeSummary ?? {} };
}
const changes = (p: Preview) =>
  p.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()}`);

const kinds = "namespace,secret,configmap,service,statefulset,deployment,persistentvolumeclaim";

/** kind/name -> uid of the namespace and everything the program (and MongoDB's PVC) put in it. */
function uids(): Record<string, string> {
  const out: Record<string, string> = {};
  const ns = kubectlJson<{ metadata: { uid: string } }>(["get", "namespace", NAMESPACE]);
  out[`Namespace/${NAMESPACE}`] = ns.metadata.uid;
  const list = kubectlJson<{ items: { kind: string; metadata: { name: string; uid: string } }[] }>([
    ...["get", "-n", NAMESPACE, kinds.split(",").slice(1).join(",")],
  ]);
  for (const i of list.items) out[`${i.kind}/${i.metadata.name}`] = i.metadata.uid;
  return out;
}

/** The admin kubeconfig with the same API server under another name (localhost for 127.0.0.1). */
const OTHER = path.join(dir, "other-kubeconfig");

beforeAll(() => {
  const admin = fs.readFileSync(KUBECONFIG, "utf8");
  expect(admin).toMatch(/server: https:\/\/127\.0\.0\.1:/);
  fs.writeFileSync(
    OTHER,
    admin.replace(/server: https:\/\/127\.0\.0\.1:/g, "server: https://localhost:"),
  );
  passphraseEnv = env("admin-input");
  fs.mkdirSync(path.join(dir, "backend"));
  const init = pulumi("admin-input", "stack", "init", "--secrets-provider", "passphrase");
  if (init.code !== 0) throw new Error(show(init));
  for (const [k, v] of [
    ["it:namespace", NAMESPACE],
    ["it:adminKubeconfig", KUBECONFIG],
    ["it:otherKubeconfig", OTHER],
  ]) {
    const r = pulumi("admin-input", "config", "set", k, v);
    if (r.code !== 0) throw new Error(show(r));
  }
  const s = pulumi("admin-input", "config", "set", "--secret", "it:password", "mongo-data-pw");
  if (s.code !== 0) throw new Error(show(s));
});

afterAll(() => {
  // Destroy with the new wiring (the state's last one); the namespace goes with it.
  pulumi("ambient", "destroy", "--yes", "--skip-preview");
  kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"], true);
  fs.rmSync(path.join(PROGRAM, `Pulumi.${STACK}.yaml`), { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a stack deployed with the admin kubeconfig as provider input moves to the ambient identity with a provider update only, every object kept", async () => {
  configure("admin-input");
  // A new stack has no outputs: the stamp's cluster-phase guard lets the run go on (and says so).
  const fresh = pulumiWith({ ASHK8S_STAMP_PHASE: "cluster" }, "admin-input", "preview");
  expect(fresh.code).toBe(0);
  expect(fresh.stdout).toContain("ASHK8S_STAMP_PHASE=cluster: only the helper VM and the cluster");
  const first = pulumi("admin-input", "up", "--yes", "--skip-preview");
  expect(first.code).toBe(0);
  await waitFor("MongoDB's PVC from the StatefulSet", () => {
    const r = kubectl(["get", "pvc", "-n", NAMESPACE, "data-mongo-0"], true);
    return r.code === 0;
  });
  const before = uids();
  // Namespace, Secret, ConfigMap (plain and the chart's), Service, StatefulSet, Deployment, PVC.
  expect(Object.keys(before).sort()).toEqual(
    [
      `Namespace/${NAMESPACE}`,
      "Secret/mongo-credentials",
      "ConfigMap/settings",
      "ConfigMap/chart-settings",
      "ConfigMap/kube-root-ca.crt",
      "Service/mongo",
      "StatefulSet/mongo",
      "Deployment/api",
      "PersistentVolumeClaim/data-mongo-0",
    ].sort(),
  );

  // Negative control: the old provider with a kubeconfig of another active cluster (the same API
  // server under another name) replaces the provider and every object: the hazard this migration
  // must not trigger, and proof that the assertions below would see it.
  configure("other-cluster");
  const other = preview("other-cluster");
  expect(other.changeSummary).toEqual({ replace: 8, same: 4 });
  expect(changes(other)).toContain("replace mig-cluster-k8s");
  expect(changes(other)).toContain("replace mongo");

  // A provider under another name (a changed reference) replaces nothing either: the engine asks
  // the new provider's DiffConfig (pulumi/pulumi pkg/resource/deploy/step_generator.go
  // providerChanged), which plans no replacement for "" (no active cluster to compare).
  configure("renamed");
  const renamed = preview("renamed");
  expect(renamed.changeSummary).toEqual({ create: 1, delete: 1, same: 11 });

  // The migration: the shipped provider, same URN, input "".
  configure("ambient");
  const migration = preview("ambient");
  expect(changes(migration)).toEqual(["update mig-cluster-k8s"]);
  expect(migration.steps.find((s) => s.op === "update")?.urn).toMatch(
    /ash-ha-kubernetes:stamp:AksEngineCluster\$pulumi:providers:kubernetes::mig-cluster-k8s$/,
  );
  // 11 unchanged: the stack, 2 components, 7 objects, the chart.
  expect(migration.changeSummary).toEqual({ same: 11, update: 1 });

  const up = pulumi("ambient", "up", "--yes", "--skip-preview", "--json");
  expect(up.code).toBe(0);
  expect(up.stdout).not.toMatch(/"(replace|create-replacement|delete-replaced|delete)"/);
  expect(uids()).toEqual(before);

  // The state keeps no admin credential in the provider, and the next preview is empty.
  const exported = pulumi("ambient", "stack", "export", "--show-secrets");
  expect(exported.code).toBe(0);
  const admin = fs.readFileSync(KUBECONFIG, "utf8");
  const key = /client-key-data:\s*(\S+)/.exec(admin)?.[1];
  expect(key).toBeDefined();
  expect(exported.stdout).not.toContain(key!);
  expect(changes(preview("ambient"))).toEqual([]);

  // A forgotten ASHK8S_STAMP_PHASE=cluster once the layer exists: refused, reading the stack's own
  // outputs through the file backend (the StackReference name the stamp uses).
  const late = pulumiWith({ ASHK8S_STAMP_PHASE: "cluster" }, "ambient", "preview");
  expect(late.code).not.toBe(0);
  expect(late.stdout + late.stderr).toContain(
    `stack ${STACK} already has its in-cluster layer (its outputs include ingressIp); a cluster-only run would delete it`,
  );
});
