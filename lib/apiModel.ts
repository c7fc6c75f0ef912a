/**
 * The aks-engine-azurestack cluster definition (`apimodel.json`, `vlabs`) built from a stamp's
 * validated config. Pure: the rules of design.md section 5 are encoded here and tested row by row.
 */
import type { StampConfig } from "../config/stamp";
import { AKS_ENGINE_DISTRO } from "./versions";

/** What replaces secrets in rendered (reviewable) cluster definitions. */
export const SECRET_PLACEHOLDER = "<secret: servicePrincipalSecret>";

/** The addon every stamp enables: Azure Disk CSI (the in-tree driver is gone). */
export const DISK_CSI_ADDON = "azuredisk-csi-driver";

export interface ApiModelInputs {
  /** OpenSSH public key of the nodes' admin user (from @pulumi/tls). */
  sshPublicKey: string;
  /** The service principal's client secret; pass SECRET_PLACEHOLDER to render for review. */
  servicePrincipalSecret: string;
}

/** The subset of the vlabs schema this program writes. */
export interface ApiModel {
  apiVersion: "vlabs";
  location: string;
  properties: {
    orchestratorProfile: {
      orchestratorType: "Kubernetes";
      orchestratorRelease: string;
      orchestratorVersion: string;
      kubernetesConfig: {
        useCloudControllerManager: true;
        useInstanceMetadata: false;
        networkPlugin: "kubenet" | "azure";
        networkPolicy?: "azure" | "calico";
        containerRuntime: "containerd";
        addons: { name: string; enabled: boolean }[];
      };
    };
    customCloudProfile: {
      portalURL: string;
      identitySystem: "azure_ad" | "adfs";
      environment: Record<string, string>;
    };
    masterProfile: { count: number; dnsPrefix: string; vmSize: string; distro: string };
    agentPoolProfiles: {
      name: string;
      count: number;
      vmSize: string;
      osType: "Linux";
      distro: string;
      availabilityProfile: "AvailabilitySet";
      acceleratedNetworkingEnabled: false;
    }[];
    linuxProfile: {
      adminUsername: string;
      ssh: { publicKeys: { keyData: string }[] };
      runUnattendedUpgradesOnBootstrap: boolean;
    };
    servicePrincipalProfile: { clientId: string; secret: string };
  };
}

const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);

/** `1.34.4` -> `1.34`. */
export function releaseOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/**
 * The `customCloudProfile.environment` block, complete enough that `generate` makes no metadata
 * call and `deploy`/`scale`/`upgrade` know where ARM is.
 */
export function cloudEnvironment(c: Pick<StampConfig, "azureStack">): Record<string, string> {
  const { azureStack: ash } = c;
  const where = `${ash.location}.${ash.externalFqdn}`;
  return {
    name: "AzureStackCloud",
    managementPortalURL: withSlash(ash.portalUrl),
    resourceManagerEndpoint: withSlash(ash.armEndpoint),
    serviceManagementEndpoint: ash.tokenAudience,
    tokenAudience: ash.tokenAudience,
    activeDirectoryEndpoint: withSlash(ash.activeDirectoryEndpoint),
    graphEndpoint: withSlash(ash.graphEndpoint),
    keyVaultEndpoint: `https://vault.${where}/`,
    keyVaultDNSSuffix: `vault.${where}`,
    storageEndpointSuffix: where,
    resourceManagerVMDNSSuffix: `cloudapp.${ash.externalFqdn}`,
  };
}

/** Builds the stamp's cluster definition. */
export function buildApiModel(
  c: Pick<StampConfig, "cluster" | "azureStack">,
  inputs: ApiModelInputs,
): ApiModel {
  const { cluster, azureStack: ash } = c;
  return {
    apiVersion: "vlabs",
    location: ash.location,
    properties: {
      orchestratorProfile: {
        orchestratorType: "Kubernetes",
        orchestratorRelease: releaseOf(cluster.kubernetesVersion),
        orchestratorVersion: cluster.kubernetesVersion,
        kubernetesConfig: {
          useCloudControllerManager: true,
          useInstanceMetadata: false,
          networkPlugin: cluster.networkPlugin,
          ...(cluster.networkPolicy === "none" ? {} : { networkPolicy: cluster.networkPolicy }),
          containerRuntime: "containerd",
          addons: [{ name: DISK_CSI_ADDON, enabled: true }],
        },
      },
      customCloudProfile: {
        portalURL: withSlash(ash.portalUrl),
        identitySystem: ash.identitySystem,
        environment: cloudEnvironment(c),
      },
      masterProfile: {
        count: cluster.masterCount,
        dnsPrefix: cluster.dnsPrefix,
        vmSize: cluster.masterVmSize,
        distro: AKS_ENGINE_DISTRO,
      },
      agentPoolProfiles: cluster.pools.map((pool) => ({
        name: pool.name,
        count: pool.count,
        vmSize: pool.vmSize,
        osType: "Linux" as const,
        distro: AKS_ENGINE_DISTRO,
        availabilityProfile: "AvailabilitySet" as const,
        acceleratedNetworkingEnabled: false as const,
      })),
      linuxProfile: {
        adminUsername: cluster.adminUsername,
        ssh: { publicKeys: [{ keyData: inputs.sshPublicKey.trim() }] },
        runUnattendedUpgradesOnBootstrap: !ash.disconnected,
      },
      servicePrincipalProfile: { clientId: ash.clientId, secret: inputs.servicePrincipalSecret },
    },
  };
}

/** The definition with every secret replaced by SECRET_PLACEHOLDER, for review and logs. */
export function redactApiModel(model: ApiModel): ApiModel {
  return {
    ...model,
    properties: {
      ...model.properties,
      servicePrincipalProfile: {
        ...model.properties.servicePrincipalProfile,
        secret: SECRET_PLACEHOLDER,
      },
    },
  };
}
