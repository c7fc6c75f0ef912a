/**
 * A pull request's preview of a stamp whose marketplace lacks the node image: the whole program
 * (index.ts) under mocks stops with the pre-flight error before registering anything but the
 * stamp's azurestack provider, which the marketplace read goes through (a provider creates nothing
 * on the stamp). The policy pack never sees a resource.
 */
import { installMocks } from "./mocks";
import { readStackFile } from "./stackFiles";
import { stampMockInvokes, stampMockOutputs } from "./stampMocks";

const { config, secretKeys } = readStackFile("seattle", "sp-secret-value");
const invokes = stampMockInvokes("seattle");
const recorded = installMocks({
  config,
  secretKeys,
  stack: "seattle",
  preview: true,
  outputs: stampMockOutputs("seattle"),
  invokes: {
    ...invokes,
    // The stamp has the helper image but not aks-engine-azurestack v0.85.0's node image.
    "azurestack:index/getPlatformImage:getPlatformImage": (a) => {
      if (a.inputs.sku === "aks-engine-azurestack-ubuntu-2204") throw new Error("not found");
      return invokes["azurestack:index/getPlatformImage:getPlatformImage"](a);
    },
  },
});

test("a missing node image fails the preview with nothing registered but the ASH provider", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../index") as Promise<unknown>;
  await expect(program).rejects.toThrow(
    'Pre-flight checks failed for stack "seattle" (1); nothing was registered (docs/stamp-runbook.md, "Before you deploy"; preflight.warnOnly turns a check into a warning for labs):\n' +
      '  - [images] cluster.kubernetesVersion: 1.34.4 needs microsoft-aks:aks:aks-engine-azurestack-ubuntu-2204:2026.139.1 (aks-engine-azurestack v0.85.0\'s aks-ubuntu-22.04 node image) is not in the marketplace of stamp seattle (location seattle); an Azure Stack Hub operator adds it in the administrator portal: Marketplace management > Add from Azure > search for offer "aks" of publisher "microsoft-aks", SKU "aks-engine-azurestack-ubuntu-2204", version 2026.139.1 > Download (disconnected stamps: the marketplace syndication tool, Export-AzSOfflineMarketplaceItem / Import-AzSOfflineMarketplaceItem)',
  );
  await new Promise((r) => setImmediate(r));
  expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
    "pulumi:providers:azurestack seattle-ash",
  ]);
  expect(recorded.filter((r) => !r.type.startsWith("pulumi:providers:"))).toHaveLength(0);
});
