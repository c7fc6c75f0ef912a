/**
 * scripts/local-cluster.sh start returns only when the controller manager and the scheduler it
 * started lead (hold fresh leader leases) and its KWOK controller holds every node's lease, after a
 * graceful stop and after a crash that left the old processes' leases held. Without it a warm
 * start returned ~15 s before any controller ran (callers waiting for ServiceAccount token Secrets
 * timed out) and, after a crash, up to 200 s before pods on the KWOK nodes could run. Real control plane: the suite stops
 * and restarts it (the real-engine suites run one at a time).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { kubectl, kubectlJson, ROOT, run, show, waitFor } from "./harness";

const external = process.env.ASHK8S_KUBECONFIG !== undefined;
const it_ = external ? test.skip : test;
const PIDS = path.join(
  process.env.ASHK8S_CLUSTER_DIR ?? path.join(ROOT, ".local", "cluster"),
  "kwok",
  "clusters",
  process.env.ASHK8S_CLUSTER_NAME ?? "ashk8s",
  "pids",
);

const lc = (...args: string[]) => {
  const r = run("bash", ["scripts/local-cluster.sh", ...args]);
  if (r.code !== 0) throw new Error(show(r));
  return r;
};

interface Lease {
  spec: { acquireTime?: string; holderIdentity?: string };
}
const acquired = (name: string) =>
  Date.parse(
    kubectlJson<Lease>(["-n", "kube-system", "get", "lease", name]).spec.acquireTime ?? "",
  );

/** A token Secret for a new ServiceAccount; resolves when the controller manager filled it in. */
async function tokenFilledWithin(ms: number): Promise<void> {
  const name = `restart-probe-${Date.now()}`;
  kubectl(["-n", "default", "create", "serviceaccount", name]);
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/service-account-token",
    metadata: {
      name,
      namespace: "default",
      annotations: { "kubernetes.io/service-account.name": name },
    },
  };
  const file = path.join(ROOT, ".cache", `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secret));
  try {
    kubectl(["apply", "-f", file]);
    await waitFor(
      "the token controller to fill the Secret",
      () => {
        const token = kubectl([
          "-n",
          "default",
          "get",
          "secret",
          name,
          "-o",
          "jsonpath={.data.token}",
        ]);
        return token.stdout.length > 0;
      },
      ms,
    );
  } finally {
    fs.rmSync(file, { force: true });
    kubectl(["-n", "default", "delete", "secret,serviceaccount", name, "--ignore-not-found"], true);
  }
}

/** A new pod on the KWOK nodes; resolves when it runs (the KWOK controller manages its node). */
async function podRunsWithin(ms: number): Promise<void> {
  const name = `restart-probe-${Date.now()}`;
  kubectl(["-n", "default", "run", name, "--image=registry.k8s.io/pause:3.10", "--restart=Never"]);
  try {
    await waitFor(
      "the pod to run",
      () => {
        const phase = kubectl([
          "-n",
          "default",
          "get",
          "pod",
          name,
          "-o",
          "jsonpath={.status.phase}",
        ]);
        return phase.stdout === "Running";
      },
      ms,
    );
  } finally {
    kubectl(["-n", "default", "delete", "pod", name, "--ignore-not-found", "--wait=false"], true);
  }
}

afterAll(() => {
  if (!external) lc("start"); // the next suites need it, whatever happened here
});

it_("after a graceful stop the next start's controllers lead when start returns", async () => {
  lc("stop");
  const before = Date.now() - 1000; // acquireTime has second precision on some servers
  const start = lc("start");
  expect(start.stderr).toContain("controller manager and scheduler leading");
  expect(acquired("kube-controller-manager")).toBeGreaterThanOrEqual(before);
  expect(acquired("kube-scheduler")).toBeGreaterThanOrEqual(before);
  await tokenFilledWithin(5000);
  await podRunsWithin(10_000);
});

it_(
  "after a crash (leases still held by dead processes) start waits for fresh leases",
  async () => {
    // KILL every component: no graceful stop, so nothing deletes the leases; the dead holders'
    // leases run out 15 s after their last renewal.
    for (const c of [
      "kwok-controller",
      "kube-scheduler",
      "kube-controller-manager",
      "kube-apiserver",
      "etcd",
    ]) {
      const pid = Number(fs.readFileSync(path.join(PIDS, `${c}.pid`), "utf8").trim());
      process.kill(pid, "SIGKILL");
    }
    run("sleep", ["1"]);
    const before = Date.now() - 1000;
    const start = lc("start");
    expect(start.stderr).toContain("waiting for kube-controller-manager to take its leader lease");
    expect(start.stderr).toContain("waiting for the KWOK controller to take over");
    expect(acquired("kube-controller-manager")).toBeGreaterThanOrEqual(before);
    expect(acquired("kube-scheduler")).toBeGreaterThanOrEqual(before);
    await tokenFilledWithin(5000);
    await podRunsWithin(10_000);
  },
);
