/**
 * The manifests scripts/local-cluster.sh writes from the templates in scripts/local-cluster/ (run for
 * real: `local-cluster.sh manifests DIR` renders without starting anything), and its refusal of
 * hostile settings before anything is written.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts/local-cluster.sh");
const KUBERNETES = /^require k8s\.io\/kubernetes (v\S+)$/m.exec(
  fs.readFileSync(path.join(ROOT, "toolchain/modules/kubernetes/go.mod"), "utf8"),
)![1];

let out: string;
beforeEach(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-manifests-"));
});
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

function render(env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("ASHK8S_")),
  );
  return spawnSync("bash", [SCRIPT, "manifests", out], {
    env: { ...clean, ...env },
    encoding: "utf8",
  });
}
const read = (file: string) => parse(fs.readFileSync(path.join(out, file), "utf8"));

test("defaults: ports, local binaries, the stages file, nodes at the built Kubernetes version", () => {
  const r = render();
  expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });

  const kwokctl = read("kwokctl.yaml");
  expect(kwokctl.options).toMatchObject({
    runtime: "binary",
    bindAddress: "127.0.0.1",
    kubeApiserverPort: 16443,
    etcdPort: 16379,
    etcdPeerPort: 16380,
    kubeApiserverBinary: path.join(ROOT, ".toolchain/bin/kube-apiserver"),
  });
  expect(kwokctl.componentsPatches).toEqual([
    {
      name: "kube-apiserver",
      extraArgs: [{ key: "service-cluster-ip-range", value: "10.0.0.0/16" }],
    },
    {
      name: "kwok-controller",
      extraArgs: [{ key: "config", value: path.join(out, "stages.yaml") }],
    },
  ]);

  const stages = parseAllDocuments(fs.readFileSync(path.join(out, "stages.yaml"), "utf8")).map(
    (d) => d.toJS(),
  );
  expect(stages.map((s) => s.metadata.name)).toEqual([
    "local-kwok-pvc-provision",
    "local-kwok-pv-bind",
    "local-kwok-pvc-delete",
    "local-kwok-pv-delete",
    "service-load-balancer",
    "ingress-load-balancer",
  ]);
  // The volume stages serve every class named local-kwok*: the default and the local stack's own.
  for (const stage of stages.slice(0, 4)) {
    expect(JSON.stringify(stage.spec.selector)).toContain(
      "self.spec.storageClassName.startsWith('local-kwok')",
    );
  }
  expect(JSON.stringify(stages)).toContain('printf \\"172.30.%s.%s\\"');
  expect(JSON.stringify(stages)).toContain('\\"172.30.0.1\\"');
  expect(read("storage-class.yaml")).toMatchObject({
    kind: "StorageClass",
    metadata: { name: "local-kwok" },
    provisioner: "kwok.x-k8s.io/volume",
  });

  const master = read("node-master.yaml");
  expect(master.metadata.labels).toMatchObject({
    "kubernetes.io/role": "master",
    "node-role.kubernetes.io/master": "",
    "node-role.kubernetes.io/control-plane": "",
  });
  expect(master.spec.taints).toEqual([
    { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
  ]);
  expect(master.status.nodeInfo.kubeletVersion).toBe(KUBERNETES);
  const agent = read("node-agent.yaml");
  expect(agent.metadata.name).toBe("k8s-linuxpool-00000000-0");
  expect(agent.metadata.labels).toMatchObject({
    agentpool: "linuxpool",
    "kubernetes.io/role": "agent",
  });
  expect(agent.spec.taints).toEqual([]);
  expect(agent.status.allocatable).toEqual({
    cpu: "4",
    memory: "16Gi",
    pods: "110",
    "ephemeral-storage": "100Gi",
  });
});

test("settings from the environment reach the manifests", () => {
  const r = render({
    ASHK8S_APISERVER_PORT: "26443",
    ASHK8S_LB_IP_PREFIX: "10.9.",
    ASHK8S_NODE_POOL: "pool2",
    ASHK8S_NODE_VERSION: "v1.33.10",
    ASHK8S_NODE_MEMORY: "8Gi",
  });
  expect(r.status).toBe(0);
  expect(read("kwokctl.yaml").options.kubeApiserverPort).toBe(26443);
  expect(fs.readFileSync(path.join(out, "stages.yaml"), "utf8")).toContain('"10.9.0.1"');
  const agent = read("node-agent.yaml");
  expect(agent.metadata.name).toBe("k8s-pool2-00000000-0");
  expect(agent.metadata.labels.agentpool).toBe("pool2");
  expect(agent.status.nodeInfo.kubeletVersion).toBe("v1.33.10");
  expect(agent.status.capacity.memory).toBe("8Gi");
});

test.each([
  ["ASHK8S_LB_IP_PREFIX", "1.2.$(reboot)"],
  ["ASHK8S_LB_IP_PREFIX", '172.30."\n  evil: x'],
  ["ASHK8S_LB_IP_PREFIX", "172.30.&"],
  ["ASHK8S_NODE_POOL", "pool\nagentpool: x"],
  ["ASHK8S_NODE_VERSION", 'v1.34.4", "x": "y'],
  ["ASHK8S_NODE_MEMORY", "16Gi\nevil: 1"],
  ["ASHK8S_APISERVER_PORT", "16443\n  etcdPort: 1"],
  ["ASHK8S_SERVICE_CIDR", "10.0.0.0/16`reboot`"],
  ["ASHK8S_TOOLCHAIN_BIN", '/opt/bin"\n  evil: x'],
  ["ASHK8S_CLUSTER_NAME", "ashk8s;rm -rf /"],
])("%s=%j is refused before anything is written", (variable, value) => {
  const r = render({ [variable]: value });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("invalid settings (nothing was started)");
  expect(r.stderr).toContain(`${variable}='${value}'`);
  expect(fs.readdirSync(out)).toEqual([]);
});
