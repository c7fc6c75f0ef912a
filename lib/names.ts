/**
 * Every name the program derives: the project, Azure resource names and DNS names of a stamp.
 * Pure. Names are public API: a changed name replaces the resource (or needs `aliases`).
 */

/** The Pulumi project name, which is also the config namespace (`ash-ha-kubernetes:<key>`). */
export const PROJECT = "ash-ha-kubernetes";

/** Resource group of the global stack's resources, unless `azure.resourceGroupName` is set. */
export const globalResourceGroupName = (project: string = PROJECT) => `rg-${project}-global`;

/** The cluster's Azure resource group (aks-engine deploys into it; destroy deletes it). */
export const clusterResourceGroupName = (stamp: string) => `rg-${stamp}-k8s`;

/** DNS label of the helper VM's public IP, unless `helperVm.dnsLabel` is set. */
export const helperDnsLabel = (stamp: string) => `${stamp}-aks-helper`;

/** Azure names of the helper's resources, derived from the stamp name. */
export function helperNames(stamp: string) {
  return {
    resourceGroup: `rg-${stamp}-aks-helper`,
    securityGroup: `nsg-${stamp}-aks-helper`,
    virtualNetwork: `vnet-${stamp}-aks-helper`,
    subnet: "helper",
    publicIp: `pip-${stamp}-aks-helper`,
    networkInterface: `nic-${stamp}-aks-helper`,
    virtualMachine: `vm-${stamp}-aks-helper`,
  };
}

/** Azure names of a stamp's helper resources. */
export type HelperNames = ReturnType<typeof helperNames>;

/** What the API server's DNS name is made of. */
export interface ApiServerName {
  /** `cluster.dnsPrefix`. */
  dnsPrefix: string;
  /** The stamp's region, `azureStack.location`. */
  location: string;
  /** The stamp's external domain, `azureStack.externalFqdn`. */
  externalFqdn: string;
}

/** API server FQDN: `<dnsPrefix>.<location>.cloudapp.<externalFqdn>`. */
export function apiServerFqdn(n: ApiServerName): string {
  return `${n.dnsPrefix}.${n.location}.cloudapp.${n.externalFqdn}`;
}
