/**
 * The outputs contract between the `global` stack and the stamps. `global` exports exactly
 * `GlobalOutputs` (built with `exportGlobalOutputs`), stamps read it with `readGlobalOutputs` from a
 * `StackReference` (`globalStackReference`). Both sides use the same key list, so renaming an output fails to compile on
 * both sides instead of failing at deploy time.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EndpointSettings } from "../lib/trafficManager";

/** What the `global` stack exports, by output name. */
export interface GlobalOutputs {
  /** Traffic Manager profile name (stamps register their endpoint under it). */
  trafficManagerProfileName: string;
  /** Resource group of the Traffic Manager profile. */
  trafficManagerResourceGroup: string;
  /** Public FQDN users reach: <dnsName>.trafficmanager.net. */
  trafficManagerFqdn: string;
  /** Routing method of the profile (stamps pick weight/priority/location accordingly). */
  trafficManagerRoutingMethod: string;
  /** Log Analytics workspace ARM resource id. */
  logAnalyticsWorkspaceResourceId: string;
  /** Log Analytics workspace id (`customerId`), used by the containerInsights agent. */
  logAnalyticsWorkspaceId: string;
  /** Log Analytics primary shared key (secret), used by the containerInsights agent. */
  logAnalyticsSharedKey: string;
  /** Logs Ingestion API endpoint (data collection endpoint), used by the fluentBit agent. */
  logsIngestionEndpoint: string;
  /** Immutable id of the data collection rule the fluentBit agent publishes to. */
  logsIngestionRuleId: string;
  /** Stream declared by the data collection rule, e.g. Custom-ContainerLogs_CL. */
  logsIngestionStreamName: string;
  /** Entra tenant of the publishing identity. */
  logsIngestionTenantId: string;
  /** Client id of the identity allowed to publish to the rule. */
  logsIngestionClientId: string;
  /** Client secret of that identity (secret). */
  logsIngestionClientSecret: string;
  /** Blob endpoint of the backup storage account; "" when global has no `backup`. */
  backupBlobEndpoint: string;
  /** JSON object stamp -> upload SAS (create+write on its own container only) (secret). */
  backupUploadSas: string;
  /** The app's hostname <dns.appRecord>.<dns.zoneName>; "" when global has no `dns` (HTTP only). */
  appHostname: string;
  /** Subscription, resource group and name of the app's DNS zone ("" without `dns`). */
  dnsSubscriptionId: string;
  dnsResourceGroup: string;
  dnsZoneName: string;
  /** Tenant and client id of the zone-scoped cert-manager identity ("" without `dns`). */
  dnsTenantId: string;
  dnsClientId: string;
  /** Its client secret (secret; "" without `dns`). */
  dnsClientSecret: string;
}

/** Every output name, with whether it is a secret. Order is the export order. */
export const GLOBAL_OUTPUT_KEYS: Readonly<Record<keyof GlobalOutputs, { secret: boolean }>> = {
  trafficManagerProfileName: { secret: false },
  trafficManagerResourceGroup: { secret: false },
  trafficManagerFqdn: { secret: false },
  trafficManagerRoutingMethod: { secret: false },
  logAnalyticsWorkspaceResourceId: { secret: false },
  logAnalyticsWorkspaceId: { secret: false },
  logAnalyticsSharedKey: { secret: true },
  logsIngestionEndpoint: { secret: false },
  logsIngestionRuleId: { secret: false },
  logsIngestionStreamName: { secret: false },
  logsIngestionTenantId: { secret: false },
  logsIngestionClientId: { secret: false },
  logsIngestionClientSecret: { secret: true },
  backupBlobEndpoint: { secret: false },
  backupUploadSas: { secret: true },
  appHostname: { secret: false },
  dnsSubscriptionId: { secret: false },
  dnsResourceGroup: { secret: false },
  dnsZoneName: { secret: false },
  dnsTenantId: { secret: false },
  dnsClientId: { secret: false },
  dnsClientSecret: { secret: true },
};

/** The same contract as Pulumi outputs. */
export type GlobalOutputValues = { [K in keyof GlobalOutputs]: pulumi.Output<GlobalOutputs[K]> };

/** The global side: returns the stack's exports, with the secret ones wrapped as secrets. */
export function exportGlobalOutputs(values: {
  [K in keyof GlobalOutputs]: pulumi.Input<GlobalOutputs[K]>;
}): GlobalOutputValues {
  const result = {} as Record<string, pulumi.Output<string>>;
  for (const [key, { secret }] of Object.entries(GLOBAL_OUTPUT_KEYS)) {
    const value = pulumi.output(values[key as keyof GlobalOutputs]);
    result[key] = secret ? pulumi.secret(value) : value;
  }
  return result as GlobalOutputValues;
}

/** The stamp side: reads every output (failing clearly if `global` lacks one); secrets stay secret. */
export function readGlobalOutputs(ref: pulumi.StackReference): GlobalOutputValues {
  const result = {} as Record<string, pulumi.Output<string>>;
  for (const [key, { secret }] of Object.entries(GLOBAL_OUTPUT_KEYS)) {
    const value = ref.requireOutput(key) as pulumi.Output<string>;
    result[key] = secret ? pulumi.secret(value) : value;
  }
  return result as GlobalOutputValues;
}

/**
 * The reference to the global stack a stamp reads its outputs from (`trafficManager.globalStack`,
 * e.g. "contoso/ash-ha-kubernetes/global"). Pass it to `readGlobalOutputs`.
 * @param stamp the stamp name, used in the reference's resource name
 */
export function globalStackReference(
  stamp: string,
  settings: Pick<EndpointSettings, "globalStack">,
  opts?: pulumi.CustomResourceOptions,
): pulumi.StackReference {
  return new pulumi.StackReference(`${stamp}-global`, { name: settings.globalStack }, opts);
}
