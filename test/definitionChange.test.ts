/**
 * lib/definitionChange.ts: every path of the cluster definition has a rule (carried out by an
 * action, or refused at preview naming the config key, old -> new and the safe procedure), one
 * table row per path; the config changes that used to be silent "updates" are refused; a switched
 * service principal is one rotation.
 */
import { ApiModel, buildApiModel } from "../lib/apiModel";
import { clusterSpec, PlanRefusal } from "../lib/clusterPlan";
import {
  contextRefusals,
  definitionPaths,
  PATH_RULES,
  planDefinitionChange,
  ruleFor,
} from "../lib/definitionChange";
import { stampConfig } from "./stampConfigs";

type Patches = Parameters<typeof stampConfig>[1];
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test";

function definition(
  patches: Patches = {},
  sshKey = KEY,
  addons?: ApiModel["properties"]["orchestratorProfile"]["kubernetesConfig"]["addons"],
) {
  const config = stampConfig("seattle", patches);
  const model = buildApiModel(config, { sshPublicKey: sshKey, servicePrincipalSecret: "s" });
  if (addons) model.properties.orchestratorProfile.kubernetesConfig.addons = addons;
  return { model, spec: clusterSpec(config) };
}

function reasonsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof PlanRefusal) return e.reasons;
    throw e;
  }
  throw new Error("expected a refusal, got a plan");
}

describe("every path the program writes has a rule", () => {
  const full = definition({
    cluster: {
      networkPlugin: "azure",
      networkPolicy: "azure",
      pools: [
        { name: "linuxpool", count: 3, vmSize: "Standard_DS3_v2" },
        { name: "batch", count: 3, vmSize: "Standard_F8s_v2" },
      ],
    },
  }).model;
  const written = [...definitionPaths(full).keys()];

  test("no path of the definition lacks a rule (a new field must get one)", () => {
    expect(written.filter((p) => !ruleFor(p))).toEqual([]);
  });

  test("no rule is left without a path the program writes", () => {
    const used = new Set(
      written.map((p) =>
        p.replace(/^properties\.agentPoolProfiles\[[^\]]*\]/, "properties.agentPoolProfiles[]"),
      ),
    );
    const aggregate = ["properties.agentPoolProfiles"];
    expect(Object.keys(PATH_RULES).filter((r) => !used.has(r) && !aggregate.includes(r))).toEqual(
      [],
    );
  });

  const env = (k: string) => `properties.customCloudProfile.environment.${k}`;
  test.each<[string, string, string]>([
    ["apiVersion", "refused", "lib/apiModel.ts apiVersion"],
    ["location", "spec", "azureStack.location"],
    [
      "properties.orchestratorProfile.orchestratorType",
      "refused",
      "lib/apiModel.ts orchestratorType",
    ],
    ["properties.orchestratorProfile.orchestratorRelease", "spec", "cluster.kubernetesVersion"],
    ["properties.orchestratorProfile.orchestratorVersion", "spec", "cluster.kubernetesVersion"],
    [
      "properties.orchestratorProfile.kubernetesConfig.useCloudControllerManager",
      "refused",
      "lib/apiModel.ts useCloudControllerManager",
    ],
    [
      "properties.orchestratorProfile.kubernetesConfig.useInstanceMetadata",
      "refused",
      "lib/apiModel.ts useInstanceMetadata",
    ],
    [
      "properties.orchestratorProfile.kubernetesConfig.networkPlugin",
      "spec",
      "cluster.networkPlugin",
    ],
    [
      "properties.orchestratorProfile.kubernetesConfig.networkPolicy",
      "refused",
      "cluster.networkPolicy",
    ],
    [
      "properties.orchestratorProfile.kubernetesConfig.containerRuntime",
      "refused",
      "lib/apiModel.ts containerRuntime",
    ],
    [
      "properties.orchestratorProfile.kubernetesConfig.addons",
      "refused",
      "addons (lib/apiModel.ts DISK_CSI_ADDON)",
    ],
    ["properties.customCloudProfile.portalURL", "refused", "azureStack.portalUrl"],
    ["properties.customCloudProfile.identitySystem", "refused", "azureStack.identitySystem"],
    [env("name"), "refused", "lib/apiModel.ts cloudEnvironment"],
    [env("managementPortalURL"), "refused", "azureStack.portalUrl"],
    [env("resourceManagerEndpoint"), "refused", "azureStack.armEndpoint"],
    [env("serviceManagementEndpoint"), "refused", "azureStack.tokenAudience"],
    [env("tokenAudience"), "refused", "azureStack.tokenAudience"],
    [env("activeDirectoryEndpoint"), "refused", "azureStack.activeDirectoryEndpoint"],
    [env("graphEndpoint"), "refused", "azureStack.graphEndpoint"],
    [env("keyVaultEndpoint"), "refused", "azureStack.location / azureStack.externalFqdn"],
    [env("keyVaultDNSSuffix"), "refused", "azureStack.location / azureStack.externalFqdn"],
    [env("storageEndpointSuffix"), "refused", "azureStack.location / azureStack.externalFqdn"],
    [env("resourceManagerVMDNSSuffix"), "refused", "azureStack.externalFqdn"],
    ["properties.masterProfile.count", "spec", "cluster.masterCount"],
    ["properties.masterProfile.dnsPrefix", "spec", "cluster.dnsPrefix"],
    ["properties.masterProfile.vmSize", "refused", "cluster.masterVmSize"],
    ["properties.masterProfile.distro", "refused", "lib/versions.ts AKS_ENGINE_DISTRO"],
    ["properties.agentPoolProfiles[batch].name", "spec", "cluster.pools[].name"],
    ["properties.agentPoolProfiles[batch].count", "spec", "cluster.pools[].count"],
    ["properties.agentPoolProfiles[batch].vmSize", "spec", "cluster.pools[].vmSize"],
    ["properties.agentPoolProfiles[batch].osType", "refused", "lib/apiModel.ts osType"],
    ["properties.agentPoolProfiles[batch].distro", "refused", "lib/versions.ts AKS_ENGINE_DISTRO"],
    [
      "properties.agentPoolProfiles[batch].availabilityProfile",
      "refused",
      "lib/apiModel.ts availabilityProfile",
    ],
    [
      "properties.agentPoolProfiles[batch].acceleratedNetworkingEnabled",
      "refused",
      "lib/apiModel.ts acceleratedNetworkingEnabled",
    ],
    ["properties.linuxProfile.adminUsername", "refused", "cluster.adminUsername"],
    [
      "properties.linuxProfile.ssh.publicKeys",
      "refused",
      "the nodes' SSH key (tls.PrivateKey <stamp>-cluster-node-ssh-key)",
    ],
    [
      "properties.linuxProfile.runUnattendedUpgradesOnBootstrap",
      "refused",
      "azureStack.disconnected (as runUnattendedUpgradesOnBootstrap, its inverse)",
    ],
    ["properties.servicePrincipalProfile.clientId", "rotation", "azureStack.clientId"],
    ["properties.servicePrincipalProfile.secret", "rotation", "servicePrincipalSecret"],
  ])("%s: %s (%s)", (path, handling, key) => {
    expect(written).toContain(path);
    expect(ruleFor(path)).toMatchObject({ handling, key });
    if (handling === "refused") expect(ruleFor(path)?.procedure).toBeTruthy();
  });
});

describe("config changes that used to be silent updates are refused at preview", () => {
  const base = definition();
  const NEW_STAMP =
    "deploy a new stamp stack with the new value, move traffic to it, then retire this one";
  test.each<[string, ReturnType<typeof definition>, string[]]>([
    [
      "cluster.masterVmSize",
      definition({ cluster: { masterVmSize: "Standard_DS3_v2" } }),
      [
        `cluster.masterVmSize: "Standard_DS2_v2" -> "Standard_DS3_v2" cannot change in place; aks-engine cannot resize the masters of a deployed cluster; keep the old size, or ${NEW_STAMP}`,
      ],
    ],
    [
      "cluster.networkPolicy (with the plugin it needs: both reported)",
      definition({ cluster: { networkPlugin: "azure", networkPolicy: "azure" } }),
      [
        'cluster.networkPlugin: "kubenet" -> "azure" cannot change in place (keep "kubenet")',
        `cluster.networkPolicy: "calico" -> "azure" cannot change in place; aks-engine cannot change the network policy of a deployed cluster; keep the old value ((unset) is networkPolicy "none" with acceptUnenforcedNetworkPolicies: true), or ${NEW_STAMP}`,
      ],
    ],
    [
      "cluster.adminUsername",
      definition({ cluster: { adminUsername: "opsadmin" } }),
      [
        `cluster.adminUsername: "azureuser" -> "opsadmin" cannot change in place; aks-engine cannot rename the nodes' admin user; keep the old name, or ${NEW_STAMP}`,
      ],
    ],
    [
      "azureStack.identitySystem (and the sign-in endpoints it implies)",
      definition({ azureStack: { identitySystem: "adfs" } }),
      [
        `azureStack.identitySystem: "azure_ad" -> "adfs" cannot change in place; the identity system is fixed at deploy (nodes authenticate with it); keep the old value, or ${NEW_STAMP}`,
        `azureStack.activeDirectoryEndpoint: "https://login.microsoftonline.com/" -> "https://adfs.seattle.azurestack.contoso.com/adfs/" cannot change in place; the stamp's endpoints are written into every node at deploy; keep the old value, or ${NEW_STAMP}`,
        `azureStack.graphEndpoint: "https://graph.windows.net/" -> "https://graph.seattle.azurestack.contoso.com/" cannot change in place; the stamp's endpoints are written into every node at deploy; keep the old value, or ${NEW_STAMP}`,
      ],
    ],
    [
      "azureStack.disconnected (unattended upgrades)",
      definition({ azureStack: { disconnected: true } }),
      [
        `azureStack.disconnected (as runUnattendedUpgradesOnBootstrap, its inverse): true -> false cannot change in place; applies only to nodes created at deploy; keep the old value (nodes added later by scale follow the generated apimodel), or ${NEW_STAMP}`,
      ],
    ],
    [
      "addons",
      definition({}, KEY, [
        { name: "azuredisk-csi-driver", enabled: true },
        { name: "cluster-autoscaler", enabled: true },
      ]),
      [
        `addons (lib/apiModel.ts DISK_CSI_ADDON): [{"name":"azuredisk-csi-driver","enabled":true}] -> [{"name":"azuredisk-csi-driver","enabled":true},{"name":"cluster-autoscaler","enabled":true}] cannot change in place; aks-engine applies addons at deploy and upgrade only from the generated apimodel; keep the old addons, or ${NEW_STAMP}`,
      ],
    ],
    [
      "the nodes' SSH key",
      definition({}, "ssh-ed25519 AAAAOtherKey test"),
      [
        `the nodes' SSH key (tls.PrivateKey <stamp>-cluster-node-ssh-key): [{"keyData":"${KEY}"}] -> [{"keyData":"ssh-ed25519 AAAAOtherKey test"}] cannot change in place; aks-engine cannot replace the nodes' SSH key in place; restore the old key into state (pulumi import), or ${NEW_STAMP}`,
      ],
    ],
  ])("%s", (_row, desired, reasons) => {
    expect(reasonsOf(() => planDefinitionChange({ current: base, desired }))).toEqual(reasons);
  });

  test("a cluster deployed without an engine is not switched to the new calico default", () => {
    const unenforced = definition({
      cluster: { networkPolicy: "none", acceptUnenforcedNetworkPolicies: true },
    });
    expect(
      unenforced.model.properties.orchestratorProfile.kubernetesConfig.networkPolicy,
    ).toBeUndefined();
    expect(reasonsOf(() => planDefinitionChange({ current: unenforced, desired: base }))).toEqual([
      `cluster.networkPolicy: (unset) -> "calico" cannot change in place; aks-engine cannot change the network policy of a deployed cluster; keep the old value ((unset) is networkPolicy "none" with acceptUnenforcedNetworkPolicies: true), or ${NEW_STAMP}`,
    ]);
  });

  test("the refusal message of the provider names every reason and says nothing changed", () => {
    expect(() =>
      planDefinitionChange({
        current: base,
        desired: definition({ cluster: { masterVmSize: "Standard_DS3_v2" } }),
      }),
    ).toThrow(
      /^The cluster change is refused, nothing was changed:\n {2}- cluster\.masterVmSize: /,
    );
  });

  test("a refused change is refused even alongside an allowed scale, and nothing is planned", () => {
    const desired = definition({
      cluster: {
        masterVmSize: "Standard_DS3_v2",
        pools: [{ name: "linuxpool", count: 5, vmSize: "Standard_DS3_v2" }],
      },
    });
    expect(reasonsOf(() => planDefinitionChange({ current: base, desired }))).toHaveLength(1);
  });

  test("resource group and subscription (outside the definition) are refused too", () => {
    expect(
      contextRefusals(
        { resourceGroup: "rg-seattle-k8s", subscriptionId: "a" },
        { resourceGroup: "rg-sea2-k8s", subscriptionId: "b" },
      ),
    ).toEqual([
      `the stamp name (resource group rg-<stamp>-k8s, lib/names.ts): rg-seattle-k8s -> rg-sea2-k8s cannot change in place; the cluster's resources live in that group; keep the stack name, or ${NEW_STAMP}`,
      `azureStack.subscriptionId: a -> b cannot change in place; a cluster cannot move between subscriptions; keep the old subscription, or ${NEW_STAMP}`,
    ]);
  });
});

describe("changes carried out by an action", () => {
  const base = definition();
  test("nothing changed: no action", () => {
    expect(planDefinitionChange({ current: base, desired: definition() })).toEqual({
      kind: "none",
    });
  });

  test("first deploy", () => {
    expect(planDefinitionChange({ desired: base })).toEqual({ kind: "deploy" });
  });

  test("worker count and version: upgrade then scale", () => {
    const desired = definition({
      cluster: {
        kubernetesVersion: "1.35.0",
        pools: [{ name: "linuxpool", count: 4, vmSize: "Standard_DS3_v2" }],
      },
    });
    const plan = planDefinitionChange({ current: base, desired });
    expect(plan).toMatchObject({
      kind: "change",
      steps: [
        { action: "upgrade", version: "1.35.0", force: false },
        { action: "scale", pool: "linuxpool", from: 3, to: 4 },
      ],
    });
  });

  test("a new secret: forced upgrade to the same version", () => {
    expect(
      planDefinitionChange({ current: base, desired: definition(), secretChanged: true }),
    ).toEqual({
      kind: "change",
      steps: [
        {
          action: "upgrade",
          version: "1.34.4",
          force: true,
          reason:
            "service principal secret rotated: forced upgrade to the same version 1.34.4 rewrites the credentials on every node",
        },
      ],
    });
  });

  test("a switched service principal (new client id and secret): one forced upgrade naming both ids", () => {
    const newId = "0d3c5e7a-9b1f-4c2d-8e6a-1f3b5d7c9e20";
    const desired = definition({ azureStack: { clientId: newId } });
    expect(planDefinitionChange({ current: base, desired, secretChanged: true })).toEqual({
      kind: "change",
      steps: [
        {
          action: "upgrade",
          version: "1.34.4",
          force: true,
          reason: `service principal switched (azureStack.clientId 5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93 -> ${newId}; both written into the generated apimodel): forced upgrade to the same version 1.34.4 rewrites the credentials on every node`,
        },
      ],
    });
  });

  describe("cluster.nodeImageGeneration (outside the definition, planned from the spec)", () => {
    const gen = (n: number) => definition({ cluster: { nodeImageGeneration: n } });

    test("it is not written into the definition: no path rule needed, nothing else differs", () => {
      expect(gen(7).model).toEqual(base.model);
    });

    test("raised: one forced upgrade to the same version", () => {
      expect(planDefinitionChange({ current: gen(0), desired: gen(1) })).toEqual({
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.34.4",
            force: true,
            reason:
              "node image refresh (cluster.nodeImageGeneration 0 -> 1): forced upgrade to the same version 1.34.4 re-creates every node from the node image of the pinned aks-engine release",
          },
        ],
      });
    });

    test("lowered alongside a refused definition path: every refusal at once, nothing planned", () => {
      const desired = definition({
        cluster: { nodeImageGeneration: 0, masterVmSize: "Standard_DS3_v2" },
      });
      const reasons = reasonsOf(() => planDefinitionChange({ current: gen(1), desired }));
      expect(reasons).toEqual([
        expect.stringMatching(/^cluster\.nodeImageGeneration: 1 -> 0 cannot change in place; /),
        expect.stringMatching(/^cluster\.masterVmSize: "Standard_DS2_v2" -> "Standard_DS3_v2" /),
      ]);
    });
  });
});
