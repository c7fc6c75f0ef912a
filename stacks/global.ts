import * as azure from "../components/sdk/azureNative";
import * as pulumi from "@pulumi/pulumi";
import { AppDns } from "../components/appDns";
import { BackupStorage } from "../components/backupStorage";
import { LogAnalytics } from "../components/logAnalytics";
import { TrafficManager } from "../components/trafficManager";
import { TrafficManagerAlert } from "../components/trafficManagerAlert";
import type { GlobalConfig } from "../config";
import { globalResourceGroupName } from "../lib/names";
import { exportGlobalOutputs } from "./globalOutputs";
import { FINGERPRINTS_OUTPUT, fingerprintsOutput, globalPreflight } from "./preflight";

/**
 * The `global` stack: public Azure, explicit provider (ambient pipeline credentials). It owns the
 * Traffic Manager profile (stamps register their own endpoints in it) and the Log Analytics side
 * of monitoring, and exports exactly the outputs contract of stacks/globalOutputs.ts.
 */
export async function globalStack(config: GlobalConfig) {
  // Pre-flight first: an expiring Logs Ingestion secret stops the preview before any resource.
  await globalPreflight(config);
  const location = config.azure.location;
  const provider = new azure.Provider("global-azure", { location });
  const providers = { providers: { "azure-native": provider } };

  const group = new azure.resources.ResourceGroup(
    "global",
    { resourceGroupName: config.azure.resourceGroupName ?? globalResourceGroupName(), location },
    { provider },
  );
  const resourceGroupName = group.name;

  const trafficManager = new TrafficManager(
    "global",
    { resourceGroupName, settings: config.trafficManager },
    providers,
  );
  const logs = new LogAnalytics(
    "global",
    {
      resourceGroupName,
      location,
      settings: config.logAnalytics,
      publisherPrincipalId: config.logsIngestion.servicePrincipalObjectId,
    },
    providers,
  );

  // Backups off the stamps and the endpoint alert (docs/bcdr.md); both optional.
  const backup = config.backup
    ? new BackupStorage(
        "global-backup",
        { resourceGroupName, location, settings: config.backup, now: new Date() },
        providers,
      )
    : undefined;
  const client = azure.authorization.getClientConfigOutput({ provider });
  // The app's own name and the stamps' cert-manager credential for it (docs/global.md); optional.
  const dns = config.dns
    ? new AppDns(
        "global-dns",
        {
          resourceGroupName,
          settings: config.dns,
          trafficManagerFqdn: trafficManager.fqdn,
          subscriptionId: client.subscriptionId,
        },
        providers,
      )
    : undefined;
  if (config.alerts) {
    new TrafficManagerAlert(
      "global-alert",
      {
        resourceGroupName,
        profileId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/resourceGroups/${trafficManager.resourceGroupName}/providers/Microsoft.Network/trafficManagerProfiles/${trafficManager.profileName}`,
        profileName: config.trafficManager.dnsName,
        settings: config.alerts,
      },
      providers,
    );
  }

  return {
    kind: config.kind,
    ...exportGlobalOutputs({
      trafficManagerProfileName: trafficManager.profileName,
      trafficManagerResourceGroup: trafficManager.resourceGroupName,
      trafficManagerFqdn: trafficManager.fqdn,
      trafficManagerRoutingMethod: trafficManager.routingMethod,
      logAnalyticsWorkspaceResourceId: logs.workspaceResourceId,
      logAnalyticsWorkspaceId: logs.workspaceId,
      logAnalyticsSharedKey: logs.sharedKey,
      logsIngestionEndpoint: logs.ingestionEndpoint,
      logsIngestionRuleId: logs.ruleImmutableId,
      logsIngestionStreamName: logs.streamName,
      logsIngestionTenantId: config.logsIngestion.tenantId,
      logsIngestionClientId: config.logsIngestion.clientId,
      logsIngestionClientSecret: pulumi.secret(config.logsIngestionClientSecret.reveal()),
      backupBlobEndpoint: backup?.blobEndpoint ?? "",
      backupUploadSas: backup?.uploadSas ?? "{}",
      appHostname: dns?.hostname ?? "",
      dnsSubscriptionId: dns ? client.subscriptionId : "",
      dnsResourceGroup: dns ? resourceGroupName : "",
      dnsZoneName: dns?.zoneName ?? "",
      dnsTenantId: config.dns?.certManager.tenantId ?? "",
      dnsClientId: config.dns?.certManager.clientId ?? "",
      dnsClientSecret: pulumi.secret(config.dnsClientSecret?.reveal() ?? ""),
    }),
    [FINGERPRINTS_OUTPUT]: fingerprintsOutput({
      logsIngestionClientSecret: config.logsIngestionClientSecret,
      ...(config.dnsClientSecret ? { dnsClientSecret: config.dnsClientSecret } : {}),
    }),
  };
}
