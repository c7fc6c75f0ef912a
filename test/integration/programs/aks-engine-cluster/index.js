// Test program of test/integration/clusterDrift.test.ts (plain JS that loads the product's
// TypeScript through scripts/ts-register.js, so the dynamic provider is the shipped code).
require("../../../../scripts/ts-register.js");
const pulumi = require("@pulumi/pulumi");
const { AksEngineDeployment } = require("../../../../providers/aksEngineProvider.ts");

const config = new pulumi.Config("it");
const cluster = new AksEngineDeployment("cluster", {
  helper: {
    host: "127.0.0.1",
    port: config.requireNumber("port"),
    user: config.require("user"),
    hostKey: config.require("hostKey"),
  },
  helperPrivateKey: config.requireSecret("helperKey"),
  context: {
    cli: "aks-engine-azurestack",
    bootstrapMarker: config.require("marker"),
    location: "local",
    resourceGroup: "rg-local-k8s",
    identitySystem: "azure_ad",
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    clientId: "00000000-0000-0000-0000-000000000002",
    apiServerFqdn: "local-k8s.local.cloudapp.example",
  },
  spec: config.requireObject("spec"),
  apiModel: config.requireSecret("apiModel"),
  servicePrincipalSecret: config.requireSecret("spSecret"),
  servicePrincipalCertificate: config.requireSecret("spCertificate"),
});

module.exports = { observed: cluster.observed, spec: cluster.spec, kubeconfig: cluster.kubeconfig };
