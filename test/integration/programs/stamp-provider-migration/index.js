// Test program of test/integration/stampProviderMigration.test.ts (plain JS that loads the
// product's TypeScript through scripts/ts-register.js, so the new provider is the shipped code).
require("../../../../scripts/ts-register.js");
const fs = require("node:fs");
const path = require("node:path");
const k8s = require("@pulumi/kubernetes");
const pulumi = require("@pulumi/pulumi");
const { inClusterProvider } = require("../../../../components/aksEngineCluster.ts");
const { runPhase } = require("../../../../stacks/stampIdentity.ts");

const config = new pulumi.Config("it");
// "admin-input": the provider as stamps had it before (components/aksEngineCluster.ts until this
// change: `new k8s.Provider(`${name}-k8s`, { kubeconfig: <admin kubeconfig, secret> }, { parent })`).
// "ambient": the shipped `inClusterProvider` (identity from $KUBECONFIG).
// "renamed": a provider under another name (a changed reference); "other-cluster": the negative
// control, the old provider with a kubeconfig of another active cluster.
const wiring = config.require("wiring");
const namespace = config.require("namespace");

// The stamp's cluster component type, so URNs have the same shape as on a stamp.
const cluster = new pulumi.ComponentResource(
  "ash-ha-kubernetes:stamp:AksEngineCluster",
  "mig-cluster",
);
let provider;
if (wiring === "admin-input") {
  const admin = fs.readFileSync(config.require("adminKubeconfig"), "utf8");
  provider = new k8s.Provider(
    "mig-cluster-k8s",
    { kubeconfig: pulumi.secret(admin) },
    { parent: cluster },
  );
} else if (wiring === "ambient") {
  provider = inClusterProvider("mig-cluster", cluster);
} else if (wiring === "other-cluster") {
  // Negative control: the same provider whose input names another active cluster (another server).
  const other = fs.readFileSync(config.require("otherKubeconfig"), "utf8");
  provider = new k8s.Provider(
    "mig-cluster-k8s",
    { kubeconfig: pulumi.secret(other) },
    { parent: cluster },
  );
} else if (wiring === "renamed") {
  provider = new k8s.Provider("mig-cluster-k8s-renamed", { kubeconfig: "" }, { parent: cluster });
} else {
  throw new Error(`it:wiring "${wiring}" is not admin-input, ambient, renamed or other-cluster`);
}

const layer = new pulumi.ComponentResource(
  "ash-ha-kubernetes:stamp:RatingsApp",
  "mig-ratings",
  {},
  {
    providers: { kubernetes: provider },
  },
);
const opts = { parent: layer };
const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: namespace } }, opts);
const inNs = { ...opts, dependsOn: [ns] };
const meta = (name) => ({ name, namespace });
new k8s.core.v1.Secret(
  "mongo-credentials",
  {
    metadata: meta("mongo-credentials"),
    stringData: { password: config.requireSecret("password") },
  },
  inNs,
);
new k8s.core.v1.ConfigMap("settings", { metadata: meta("settings"), data: { a: "1" } }, inNs);
const labels = { app: "mongo" };
new k8s.core.v1.Service(
  "mongo",
  {
    metadata: meta("mongo"),
    spec: { clusterIP: "None", selector: labels, ports: [{ port: 27017 }] },
  },
  inNs,
);
// MongoDB's shape: a StatefulSet whose data lives in a PVC from its volumeClaimTemplates.
new k8s.apps.v1.StatefulSet(
  "mongo",
  {
    metadata: meta("mongo"),
    spec: {
      serviceName: "mongo",
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "mongo",
              image: "mongo:8.0.4",
              volumeMounts: [{ name: "data", mountPath: "/data/db" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
    },
  },
  inNs,
);
new k8s.apps.v1.Deployment(
  "api",
  {
    metadata: meta("api"),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "api" } },
      template: {
        metadata: { labels: { app: "api" } },
        spec: { containers: [{ name: "api", image: "nginx:1.27.3" }] },
      },
    },
  },
  inNs,
);
// A chart (a component the provider constructs), as ingress, monitoring and kured are.
const chart = new k8s.helm.v4.Chart(
  "chart",
  {
    chart: path.join(__dirname, "..", "helm-field-ownership", "chart"),
    namespace,
    values: { greeting: "hello" },
  },
  inNs,
);

// The stamp's guard of ASHK8S_STAMP_PHASE=cluster (stacks/stampIdentity.ts `runPhase`) reads this
// stack's own last outputs through the file backend; `ingressIp` is the output it looks for.
module.exports = runPhase().then(() => ({
  chartObjects: chart.resources.apply((rs) => rs.length),
  ingressIp: "203.0.113.7",
}));
