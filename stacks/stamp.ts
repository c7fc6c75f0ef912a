import * as azurestack from "@pulumi/azurestack";
import * as azure from "@pulumi/azure-native/provider";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AksEngineCluster } from "../components/aksEngineCluster";
import { Certificates } from "../components/certificates";
import { ClusterAccess } from "../components/clusterAccess";
import { HelperVm, HelperVmArgs } from "../components/helperVm";
import { Ingress } from "../components/ingress";
import { MonitoringAgent } from "../components/monitoringAgent";
import { NodeReboots } from "../components/nodeReboots";
import { RatingsApp } from "../components/ratingsApp";
import { TrafficManagerEndpoint } from "../components/trafficManagerEndpoint";
import type { StampConfig } from "../config";
import { azureStackCredentials } from "../lib/azureStackCredentials";
import { bootstrapSettings } from "../lib/cloudInit";
import {
  mongoStorageClass,
  protectsStatefulResources,
  retainsStatefulResources,
} from "../lib/dataSafety";
import { DEFAULT_TLS_SECRET, tlsIngress } from "../lib/certificates";
import { forceOwnership } from "../lib/fieldOwnership";
import { apiServerFqdn, helperNames } from "../lib/names";
import { globalStackReference, readGlobalOutputs } from "./globalOutputs";
import { pinInCluster } from "./downloads";
import { FINGERPRINTS_OUTPUT, fingerprintsOutput, stampPreflight } from "./preflight";
import { stampBackup } from "./stampBackup";
import { checkAgainstCluster, runPhase, stampRunIdentity } from "./stampIdentity";

/** The explicit providers of a stamp: its ASH ARM endpoint, and public Azure for Traffic Manager. */
export interface StampProviders {
  azurestack: azurestack.Provider;
  azure: azure.Provider;
}

/**
/**
 * The stamp's ASH provider. It authenticates with the stamp's service principal: from config
 * (secret kept secret in state), or, when `azureStack.previewClientId` is set, from the job's
 * environment with no credential inputs, so a read-only preview and a deploy configure it alike
 * (lib/azureStackCredentials.ts). The pre-flight checks read the stamp through it.
 */
export function ashProvider(
  config: StampConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): azurestack.Provider {
  const ash = config.azureStack;
  const credentials = azureStackCredentials(
    {
      stamp: config.name,
      clientId: ash.clientId,
      previewClientId: ash.previewClientId,
      servicePrincipalSecret: config.servicePrincipalSecret.reveal(),
    },
    env,
    pulumi.runtime.isDryRun(),
  );
  if (credentials.source === "config" && credentials.warning) pulumi.log.warn(credentials.warning);
  const signIn =
    credentials.source === "config"
      ? {
          clientId: ash.clientId,
          clientSecret: pulumi.secret(config.servicePrincipalSecret.reveal()),
        }
      : {};
  return new azurestack.Provider(
    `${config.name}-ash`,
    {
      metadataHost: ash.metadataHost,
      subscriptionId: ash.subscriptionId,
      tenantId: ash.tenantId,
      ...signIn,
      features: {},
    },
    credentials.source === "environment" ? { envVarMappings: credentials.envVarMappings } : {},
  );
}

/**
 * Builds a stamp's providers: the ASH one (`ashProvider`, or the one given), and public Azure with
 * the ambient Azure credentials of the pipeline (ARM_* environment or a managed identity), never
 * the stamp's.
 */
export function stampProviders(
  config: StampConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  ash: azurestack.Provider = ashProvider(config, env),
): StampProviders {
  return { azurestack: ash, azure: new azure.Provider(`${config.name}-azure`, {}) };
}

/** The ingress settings, route namespaces and TLS hostname of a stamp (see `tlsIngress`). */
function tlsSettings(config: StampConfig, ingress: StampConfig["ingress"]) {
  return tlsIngress(ingress, config.certificates !== undefined, [config.app.namespace]);
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
 * A stamp stack: the pre-flight checks (stacks/preflight.ts), providers, the helper VM, the AKS engine cluster driven from it, the in-cluster
 * layer on the cluster's Kubernetes provider (ingress, monitoring agent, ratings app), and the
 * stamp's own endpoint in the global Traffic Manager profile (read through a StackReference).
 */
export async function stampStack(config: StampConfig) {
  // Pre-flight first: a failing check throws before anything but the ASH provider is registered.
  const ashOnly = ashProvider(config);
  await stampPreflight(config, ashOnly);
  // The phase (ASHK8S_STAMP_PHASE: `cluster` only for a new stamp's first run, refused once the
  // in-cluster layer exists) and, for a full run, the identity: $KUBECONFIG must reach this
  // stamp's API server (stacks/stampIdentity.ts, docs/decisions.md "Who the program runs as").
  const phase = await runPhase();
  const fqdn = apiServerFqdn({
    dnsPrefix: config.cluster.dnsPrefix,
    location: config.azureStack.location,
    externalFqdn: config.azureStack.externalFqdn,
  });
  const identity = phase === "all" ? stampRunIdentity(config.name, fqdn) : undefined;
  // Every manifest and chart archive the in-cluster layer installs, fetched and verified against
  // its pinned SHA-256 (stacks/downloads.ts) before any resource is registered.
  const pinned = identity
    ? await pinInCluster({
        ingress: config.ingress,
        monitoring: config.monitoring,
        nodeReboots: config.azureStack.disconnected ? undefined : config.nodeReboots,
        certificates: config.certificates,
      })
    : undefined;
  const providers = stampProviders(config, process.env, ashOnly);
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
      inCluster: identity !== undefined,
    },
    ash,
  );
  const azureSide = {
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
    [FINGERPRINTS_OUTPUT]: fingerprintsOutput({
      servicePrincipalSecret: config.servicePrincipalSecret,
    }),
  };
  if (!identity || !pinned || !cluster.provider) return azureSide;
  checkAgainstCluster(config.name, cluster.kubeconfig, identity);
  return {
    ...azureSide,
    ...inClusterLayer(config, pinned, cluster.provider, providers, protect),
  };
}

/**
 * The in-cluster layer (ingress, certificates, monitoring, kured, the ratings app, backups, the
 * access objects) on the cluster's provider, whose identity is the run's $KUBECONFIG, and the
 * stamp's Traffic Manager endpoint on its ingress address.
 */
function inClusterLayer(
  config: StampConfig,
  pinned: Awaited<ReturnType<typeof pinInCluster>>,
  provider: k8s.Provider,
  providers: StampProviders,
  protect: boolean,
) {
  // Pulumi owns every object of the in-cluster layer, chart-rendered ones included.
  const inCluster = { providers: { kubernetes: provider }, transforms: [forceOwnership] };
  const global = readGlobalOutputs(globalStackReference(config.name, config.trafficManager));
  // With `certificates`, the Gateway gets the HTTPS listener on the Certificate's Secret and the
  // redirect route of its own namespace (lib/certificates.ts, docs/in-cluster.md).
  // The verified (pinned) ingress sources, with the HTTPS listener when certificates are on.
  const tls = tlsSettings(config, pinned.ingress!);
  const ingress = new Ingress(
    `${config.name}-ingress`,
    { ingress: tls.ingress, stamp: config.name, routeNamespaces: tls.routeNamespaces },
    inCluster,
  );
  if (config.certificates && tls.hostname) {
    new Certificates(
      `${config.name}-certificates`,
      {
        certificates: pinned.certificates!,
        stamp: config.name,
        hostname: tls.hostname,
        gateway: ingress.gateway,
        secretName: tls.ingress.tlsSecretName ?? DEFAULT_TLS_SECRET,
        after: [ingress],
        global,
      },
      inCluster,
    );
  }
  const monitoring = new MonitoringAgent(
    `${config.name}-monitoring`,
    { monitoring: pinned.monitoring!, stamp: config.name, global },
    inCluster,
  );
  // Connected stamps run unattended upgrades; kured reboots their nodes in the window. Disconnected
  // stamps get none and refresh node images instead (docs/stamp-runbook.md).
  const reboots = config.azureStack.disconnected
    ? undefined
    : new NodeReboots(
        `${config.name}-node-reboots`,
        { nodeReboots: pinned.nodeReboots!, stamp: config.name },
        inCluster,
      );
  const app = new RatingsApp(
    `${config.name}-ratings`,
    {
      app: config.app,
      stamp: config.name,
      gateway: { ...ingress.gateway, ...(tls.hostname ? { sectionName: "https" } : {}) },
      hostname: config.ingress.hostname,
      storageClass: mongoStorageClass("stamp"),
      protect,
      retainOnDelete: retainsStatefulResources("stamp"),
    },
    inCluster,
  );
  if (config.backup.enabled) stampBackup(config, global, app, inCluster);
  // The viewer and deployer identities (docs/decisions.md); created and changed by admin runs only.
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
    ingressIp: ingress.publicIp,
    monitoring: monitoring.destination,
    nodeReboots: reboots ? `kured, ${reboots.window}` : "node image refresh (disconnected)",
    trafficManagerEndpoint: endpoint.endpointName,
    appUrl: tls.hostname
      ? `https://${tls.hostname}/`
      : pulumi.interpolate`http://${global.trafficManagerFqdn}/`,
  };
}
