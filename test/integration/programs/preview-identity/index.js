// Test program of test/integration/previewIdentity.test.ts (plain JS that loads the product's
// TypeScript through scripts/ts-register.js, so the provider is built by the shipped stampProviders).
require("../../../../scripts/ts-register.js");
const pulumi = require("@pulumi/pulumi");
// azure-native's plugin cannot be obtained on this machine (docs/decisions.md): stand its Provider
// in with a class that registers nothing, so only the azurestack provider reaches the engine.
// Both the package root and the provider submodule (stacks/stamp.ts imports the submodule).
for (const name of ["@pulumi/azure-native", "@pulumi/azure-native/provider"]) {
  require.cache[require.resolve(name)] = {
    id: `azure-native-stand-in:${name}`,
    loaded: true,
    exports: { Provider: class {} },
  };
}
const azurestack = require("@pulumi/azurestack");
const { stampProviders } = require("../../../../stacks/stamp.ts");
const { stampConfig } = require("../../../stampConfigs.ts");

const it = new pulumi.Config("it");
const previewClientId = it.get("previewClientId");
const config = stampConfig("seattle", previewClientId ? { azureStack: { previewClientId } } : {});
// The double listens on a loopback port (a real stamp's metadata host has none).
config.azureStack.metadataHost = `https://127.0.0.1:${it.require("port")}`;
const { azurestack: provider } = stampProviders(config);
const rg = new azurestack.ResourceGroup(
  "rg",
  { name: `rg-${pulumi.getStack()}`, location: "local" },
  { provider },
);
module.exports = { resourceGroup: rg.id };
