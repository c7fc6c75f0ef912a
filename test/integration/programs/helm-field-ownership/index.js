// Test program of test/integration/fieldOwnership.test.ts (plain JS that loads the product's
// TypeScript through scripts/ts-register.js, so the transform is the shipped code).
require("../../../../scripts/ts-register.js");
const path = require("node:path");
const fs = require("node:fs");
const k8s = require("@pulumi/kubernetes");
const pulumi = require("@pulumi/pulumi");
const { forceOwnership } = require("../../../../lib/fieldOwnership.ts");

const config = new pulumi.Config("it");
const namespace = config.require("namespace");
const provider = new k8s.Provider("local", {
  kubeconfig: pulumi.secret(fs.readFileSync(config.require("kubeconfigPath"), "utf8")),
});

// Like an in-cluster component of stacks/: the transform sits on the component, the chart (whose
// objects the Kubernetes provider registers) is a child of it.
const layer = new pulumi.ComponentResource(
  "ashk8s-it:index:Layer",
  "layer",
  {},
  { providers: { kubernetes: provider }, transforms: [forceOwnership] },
);
const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: namespace } }, { parent: layer });
const chart = new k8s.helm.v4.Chart(
  "owned",
  {
    chart: path.join(__dirname, "chart"),
    namespace,
    values: { greeting: config.get("greeting") ?? "hello" },
  },
  { parent: layer, dependsOn: [ns] },
);

module.exports = { resources: chart.resources.apply((rs) => rs.length) };
