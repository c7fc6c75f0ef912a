/**
 * buildApiModel: one row per rule of design.md section 5.
 */
import { buildApiModel, redactApiModel, releaseOf, SECRET_PLACEHOLDER } from "../lib/apiModel";
import { stampConfig } from "./stampConfigs";

const KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser@test";
const seattle = buildApiModel(stampConfig("seattle"), {
  sshPublicKey: `${KEY}\n`,
  servicePrincipalSecret: "sp-secret-value",
});
const munich = buildApiModel(stampConfig("munich"), {
  sshPublicKey: KEY,
  servicePrincipalSecret: "sp-secret-value",
});
const p = seattle.properties;

test("networkPolicy none (with its opt-in) leaves the engine out of the definition", () => {
  const config = stampConfig("seattle");
  const none = buildApiModel(
    { ...config, cluster: { ...config.cluster, networkPolicy: "none" } },
    { sshPublicKey: KEY, servicePrincipalSecret: "sp-secret-value" },
  );
  expect(none.properties.orchestratorProfile.kubernetesConfig).not.toHaveProperty("networkPolicy");
});

describe("cluster definition rules (seattle)", () => {
  test.each([
    ["apiVersion is vlabs", seattle.apiVersion, "vlabs"],
    ["top-level location is the stamp's location", seattle.location, "seattle"],
    ["orchestrator is Kubernetes", p.orchestratorProfile.orchestratorType, "Kubernetes"],
    ["release is major.minor of the version", p.orchestratorProfile.orchestratorRelease, "1.34"],
    ["exact version", p.orchestratorProfile.orchestratorVersion, "1.34.4"],
    [
      "cloud controller manager on",
      p.orchestratorProfile.kubernetesConfig.useCloudControllerManager,
      true,
    ],
    [
      "no instance metadata on ASH",
      p.orchestratorProfile.kubernetesConfig.useInstanceMetadata,
      false,
    ],
    ["kubenet by default", p.orchestratorProfile.kubernetesConfig.networkPlugin, "kubenet"],
    [
      "calico enforces network policies by default (with kubenet)",
      p.orchestratorProfile.kubernetesConfig.networkPolicy,
      "calico",
    ],
    ["containerd", p.orchestratorProfile.kubernetesConfig.containerRuntime, "containerd"],
    [
      "Azure Disk CSI driver add-on",
      p.orchestratorProfile.kubernetesConfig.addons,
      [{ name: "azuredisk-csi-driver", enabled: true }],
    ],
    [
      "portal URL matches https://portal.<location>.",
      p.customCloudProfile.portalURL,
      "https://portal.seattle.azurestack.contoso.com/",
    ],
    ["identity system", p.customCloudProfile.identitySystem, "azure_ad"],
    ["3 masters", p.masterProfile.count, 3],
    ["dns prefix", p.masterProfile.dnsPrefix, "sea-ratings"],
    ["master distro Ubuntu 22.04", p.masterProfile.distro, "aks-ubuntu-22.04"],
    ["one Linux pool", p.agentPoolProfiles.length, 1],
    ["pool name", p.agentPoolProfiles[0].name, "linuxpool"],
    ["pool count", p.agentPoolProfiles[0].count, 3],
    ["pool VM size", p.agentPoolProfiles[0].vmSize, "Standard_DS3_v2"],
    ["availability sets only", p.agentPoolProfiles[0].availabilityProfile, "AvailabilitySet"],
    ["no accelerated networking", p.agentPoolProfiles[0].acceleratedNetworkingEnabled, false],
    ["pool distro Ubuntu 22.04", p.agentPoolProfiles[0].distro, "aks-ubuntu-22.04"],
    ["admin user", p.linuxProfile.adminUsername, "azureuser"],
    ["SSH key from @pulumi/tls, trimmed", p.linuxProfile.ssh.publicKeys, [{ keyData: KEY }]],
    [
      "connected stamp: unattended upgrades on",
      p.linuxProfile.runUnattendedUpgradesOnBootstrap,
      true,
    ],
    [
      "service principal from config",
      p.servicePrincipalProfile,
      { clientId: "5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93", secret: "sp-secret-value" },
    ],
  ])("%s", (_rule, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  test("environment block is complete, so generate needs no metadata call", () => {
    expect(p.customCloudProfile.environment).toEqual({
      name: "AzureStackCloud",
      managementPortalURL: "https://portal.seattle.azurestack.contoso.com/",
      resourceManagerEndpoint: "https://management.seattle.azurestack.contoso.com/",
      serviceManagementEndpoint:
        "https://management.contoso.onmicrosoft.com/6f8e2b4a-3c1d-4e5f-9a7b-8c0d2e4f6a1b",
      tokenAudience:
        "https://management.contoso.onmicrosoft.com/6f8e2b4a-3c1d-4e5f-9a7b-8c0d2e4f6a1b",
      activeDirectoryEndpoint: "https://login.microsoftonline.com/",
      graphEndpoint: "https://graph.windows.net/",
      keyVaultEndpoint: "https://vault.seattle.azurestack.contoso.com/",
      keyVaultDNSSuffix: "vault.seattle.azurestack.contoso.com",
      storageEndpointSuffix: "seattle.azurestack.contoso.com",
      resourceManagerVMDNSSuffix: "cloudapp.azurestack.contoso.com",
    });
  });
});

describe("cluster definition rules (munich: disconnected, ADFS, Azure CNI)", () => {
  const m = munich.properties;
  test.each([
    ["5 masters", m.masterProfile.count, 5],
    ["ADFS identity", m.customCloudProfile.identitySystem, "adfs"],
    [
      "ADFS sign-in endpoint",
      m.customCloudProfile.environment.activeDirectoryEndpoint,
      "https://adfs.munich.ash.fabrikam.de/adfs/",
    ],
    ["Azure CNI", m.orchestratorProfile.kubernetesConfig.networkPlugin, "azure"],
    [
      "Azure network policy with Azure CNI",
      m.orchestratorProfile.kubernetesConfig.networkPolicy,
      "azure",
    ],
    [
      "disconnected: unattended upgrades off",
      m.linuxProfile.runUnattendedUpgradesOnBootstrap,
      false,
    ],
    ["release", m.orchestratorProfile.orchestratorRelease, "1.33"],
  ])("%s", (_rule, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

test("every pool in config becomes an availability-set pool, in order", () => {
  const c = stampConfig("seattle", {
    cluster: {
      pools: [
        { name: "linuxpool", count: 3 },
        { name: "batch", count: 4, vmSize: "Standard_F4s_v2" },
      ],
    },
  });
  const model = buildApiModel(c, { sshPublicKey: KEY, servicePrincipalSecret: "x" });
  expect(model.properties.agentPoolProfiles.map((a) => [a.name, a.count, a.vmSize])).toEqual([
    ["linuxpool", 3, "Standard_DS2_v2"],
    ["batch", 4, "Standard_F4s_v2"],
  ]);
});

test("redaction replaces the secret and nothing else", () => {
  const redacted = redactApiModel(seattle);
  expect(redacted.properties.servicePrincipalProfile.secret).toBe(SECRET_PLACEHOLDER);
  expect(JSON.stringify(redacted)).not.toContain("sp-secret-value");
  expect({ ...redacted.properties, servicePrincipalProfile: null }).toEqual({
    ...seattle.properties,
    servicePrincipalProfile: null,
  });
  expect(seattle.properties.servicePrincipalProfile.secret).toBe("sp-secret-value");
});

test.each([
  ["1.34.4", "1.34"],
  ["1.33.10", "1.33"],
  ["1.35.0", "1.35"],
])("releaseOf(%s) = %s", (version, release) => {
  expect(releaseOf(version)).toBe(release);
});
