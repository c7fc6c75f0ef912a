import * as azure from "./sdk/azureNative";
import * as pulumi from "@pulumi/pulumi";
import type { AlertsConfig } from "../config/backup";
import { endpointAlertCriteria, actionGroupShortName } from "../lib/backupAlert";

export interface TrafficManagerAlertArgs {
  /** Resource group of the alert and the action group (the global stack's group). */
  resourceGroupName: pulumi.Input<string>;
  /** ARM id of the Traffic Manager profile the alert watches. */
  profileId: pulumi.Input<string>;
  /** The Traffic Manager profile's name (in the alert's description). */
  profileName: string;
  /** Validated `alerts` settings: e-mail receivers, window minutes, severity. */
  settings: AlertsConfig;
}

/**
 * An action group that e-mails `alerts.emails`, and a metric alert on the Traffic Manager profile
 * that fires per endpoint (dimension EndpointName) when its probe status stays below 1 (not
 * Online) for `windowMinutes`. The azure-native provider comes through `opts`.
 */
export class TrafficManagerAlert extends pulumi.ComponentResource {
  /** ARM id of the action group. */
  public readonly actionGroupId: pulumi.Output<string>;

  constructor(name: string, args: TrafficManagerAlertArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:global:TrafficManagerAlert", name, {}, opts);
    const { settings } = args;
    const group = new azure.monitor.ActionGroup(
      `${name}-action-group`,
      {
        resourceGroupName: args.resourceGroupName,
        location: "Global",
        enabled: true,
        groupShortName: actionGroupShortName(args.profileName),
        emailReceivers: settings.emails.map((emailAddress, i) => ({
          name: `email-${i + 1}`,
          emailAddress,
          useCommonAlertSchema: true,
        })),
      },
      { parent: this },
    );
    new azure.monitor.MetricAlert(
      `${name}-endpoint-down`,
      {
        resourceGroupName: args.resourceGroupName,
        location: "global",
        description: `A stamp's endpoint in Traffic Manager profile ${args.profileName} has not been Online for ${settings.windowMinutes} minutes (docs/bcdr.md).`,
        enabled: true,
        severity: settings.severity,
        scopes: [args.profileId],
        evaluationFrequency: "PT1M",
        windowSize: `PT${settings.windowMinutes}M`,
        autoMitigate: true,
        criteria: endpointAlertCriteria(),
        actions: [{ actionGroupId: group.id }],
      },
      { parent: this },
    );
    this.actionGroupId = group.id;
    this.registerOutputs({ actionGroupId: this.actionGroupId });
  }
}
