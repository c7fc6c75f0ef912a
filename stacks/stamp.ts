import * as azurestack from "@pulumi/azurestack";
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { AksEngineCluster } from "../components/aksEngineCluster";
import { HelperVm } from "../components/helperVm";
import { StampConfig } from "../config";

/** The explicit providers of a stamp: its ASH ARM endpoint, and public Azure for Traffic Manager. */
export interface StampProviders {
  azurestack: azurestack.Provider;
  azure: azure.Provider;
}

/**
 * Builds a stamp's providers. The ASH provider authenticates with the stamp's service principal
 * (secret from config, kept secret in state); public Azure uses the ambient Azure credentials of the
 * pipeline (ARM_* environment or a managed identity), never the stamp's.
 */
export function stampProviders(config: StampConfig): StampProviders {
  const ash = config.azureStack;
  return {
    azurestack: new azurestack.Provider(`${config.name}-ash`, {
      metadataHost: ash.metadataHost,
      subscriptionId: ash.subscriptionId,
      tenantId: ash.tenantId,
      clientId: ash.clientId,
      clientSecret: pulumi.secret(config.servicePrincipalSecret.reveal()),
      features: {},
    }),
    azure: new azure.Provider(`${config.name}-azure`, {}),
  };
}

/**
 * A stamp stack: providers, then the helper VM, then the AKS engine cluster driven from it; the
 * in-cluster layer goes on the cluster's Kubernetes provider.
 */
export function stampStack(config: StampConfig) {
  const providers = stampProviders(config);
  const ash = { providers: { azurestack: providers.azurestack } };
  const helper = new HelperVm(`${config.name}-helper`, { config }, ash);
  const cluster = new AksEngineCluster(
    `${config.name}-cluster`,
    {
      config,
      helper: {
        host: helper.publicIpAddress,
        user: helper.adminUsername,
        privateKeyOpenssh: helper.privateKeyOpenssh,
        dependsOn: helper.vm,
      },
    },
    ash,
  );
  return {
    kind: config.kind,
    stamp: config.name,
    location: config.azureStack.location,
    armEndpoint: config.azureStack.armEndpoint,
    helperAddress: helper.publicIpAddress,
    helperFqdn: helper.fqdn,
    helperPrivateKey: helper.privateKeyOpenssh,
    apiServerFqdn: cluster.apiServerFqdn,
    kubernetesVersion: cluster.kubernetesVersion,
    masterCount: cluster.masterCount,
    nodeCounts: cluster.nodeCounts,
    kubeconfig: cluster.kubeconfig,
  };
}
