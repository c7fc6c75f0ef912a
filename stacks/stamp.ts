import * as azurestack from "@pulumi/azurestack";
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { AksEngineCluster } from "../components/aksEngineCluster";
import { ClusterAccess } from "../components/clusterAccess";
import { HelperVm, HelperVmArgs } from "../components/helperVm";
import { Ingress } from "../components/ingress";
import { MonitoringAgent } from "../components/monitoringAgent";
import { RatingsApp } from "../components/ratingsApp";
import { TrafficManagerEndpoint } from "../components/trafficManagerEndpoint";
import type { StampConfig } from "../config";
import { bootstrapSettings } from "../lib/cloudInit";
import {
  mongoStorageClass,
  protectsStatefulResources,
  retainsStatefulResources,
} from "../lib/dataSafety";
import { forceOwnership } from "../lib/fieldOwnership";
import { helperNames } from "../lib/names";
import { globalStackReference, readGlobalOutputs } from "./globalOutputs";

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

/** The helper VM's args from the stamp's config. */
export function helperVmArgs(config: StampConfig): HelperVmArgs {
  return {
    names: helperNames(config.name),
    location: config.azureStack.location,
    sshAllowList: config.helperVm.sshAllowList,
    vmSize: config.helperVm.vmSize,
    image: config.helperVm.image,
    dnsLabel: config.helperVm.dnsLabel,
    bootstrap: bootstrapSettings(config),
  };
}

/**
 * A stamp stack: providers, the helper VM, the AKS engine cluster driven from it, the in-cluster
 * layer on the cluster's Kubernetes provider (ingress, monitoring agent, ratings app), and the
 * stamp's own endpoint in the global Traffic Manager profile (read through a StackReference).
 */
export function stampStack(config: StampConfig) {
  const providers = stampProviders(config);
  // The cluster and MongoDB's data are protected unless app.protectStatefulResources is false.
  const protect = protectsStatefulResources("stamp", config.app.protectStatefulResources);
  const ash = { providers: { azurestack: providers.azurestack } };
  const helper = new HelperVm(`${config.name}-helper`, helperVmArgs(config), ash);
  const cluster = new AksEngineCluster(
    `${config.name}-cluster`,
    {
      stamp: config.name,
      azureStack: config.azureStack,
      cluster: config.cluster,
      servicePrincipalSecret: config.servicePrincipalSecret,
      servicePrincipalCertificate: config.servicePrincipalCertificate,
      helper,
      protect,
    },
    ash,
  );

  // Pulumi owns every object of the in-cluster layer, chart-rendered ones included.
  const inCluster = { providers: { kubernetes: cluster.provider }, transforms: [forceOwnership] };
  const global = readGlobalOutputs(globalStackReference(config.name, config.trafficManager));
  const ingress = new Ingress(
    `${config.name}-ingress`,
    { ingress: config.ingress, stamp: config.name, routeNamespaces: [config.app.namespace] },
    inCluster,
  );
  const monitoring = new MonitoringAgent(
    `${config.name}-monitoring`,
    { monitoring: config.monitoring, stamp: config.name, global },
    inCluster,
  );
  const app = new RatingsApp(
    `${config.name}-ratings`,
    {
      app: config.app,
      stamp: config.name,
      gateway: ingress.gateway,
      hostname: config.ingress.hostname,
      storageClass: mongoStorageClass("stamp"),
      protect,
      retainOnDelete: retainsStatefulResources("stamp"),
    },
    inCluster,
  );
  // The viewer and deployer identities (docs/decisions.md). The in-cluster layer above still runs
  // with the cluster's admin kubeconfig in its provider's inputs: a stamp's first `up` creates the
  // cluster, so no viewer or deployer exists before it (docs/stamp-runbook.md, "Identities").
  new ClusterAccess(
    `${config.name}-access`,
    {
      stamp: config.name,
      appNamespace: config.app.namespace,
      appNamespaceCreated: app.namespace,
      storageClasses: config.app.storageClass ? [] : [mongoStorageClass("stamp").name],
      tokenGeneration: config.access.tokenGeneration,
    },
    inCluster,
  );
  const endpoint = new TrafficManagerEndpoint(
    `${config.name}-tm`,
    {
      global,
      stamp: config.name,
      target: config.trafficManager.target ?? ingress.publicIp,
      settings: config.trafficManager,
    },
    { providers: { "azure-native": providers.azure } },
  );
  return {
    kind: config.kind,
    stamp: config.name,
    location: config.azureStack.location,
    armEndpoint: config.azureStack.armEndpoint,
    helperAddress: helper.publicIpAddress,
    helperFqdn: helper.fqdn,
    apiServerFqdn: cluster.apiServerFqdn,
    kubernetesVersion: cluster.kubernetesVersion,
    masterCount: cluster.masterCount,
    nodeCounts: cluster.nodeCounts,
    ingressIp: ingress.publicIp,
    monitoring: monitoring.destination,
    trafficManagerEndpoint: endpoint.endpointName,
    appUrl: pulumi.interpolate`http://${global.trafficManagerFqdn}/`,
  };
}
