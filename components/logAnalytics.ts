import * as azure from "./sdk/azureNative";
import * as pulumi from "@pulumi/pulumi";
import type { GlobalConfig } from "../config";
import {
  LOGS_STREAM_COLUMNS,
  LOGS_STREAM_NAME,
  LOGS_TABLE_COLUMNS,
  LOGS_TABLE_NAME,
  LOGS_TRANSFORM_KQL,
  MONITORING_METRICS_PUBLISHER_ROLE,
  roleDefinitionId,
} from "../lib/logsIngestion";

export interface LogAnalyticsArgs {
  /** Resource group of the workspace and the ingestion pieces (the global stack's group). */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the workspace; the data collection endpoint and rule must share it. */
  location: string;
  /** Validated workspace settings: sku, capacityReservationLevel, retentionDays. */
  settings: GlobalConfig["logAnalytics"];
  /**
   * Object id of the service principal the stamps' agents publish with; it gets "Monitoring
   * Metrics Publisher" on the data collection rule, nothing else.
   */
  publisherPrincipalId: pulumi.Input<string>;
  /** Tags for every resource. Defaults to none. */
  tags?: Record<string, string>;
}

/**
 * The Azure side of monitoring: a Log Analytics workspace with the ContainerInsights solution and
 * its shared key (containerInsights mode), and the Logs Ingestion API pieces the default fluentBit
 * mode publishes to: a data collection endpoint, a custom table, a data collection rule that maps
 * the agent's records into it, and the publisher's role on that rule. The azure-native provider
 * comes through `opts`.
 */
export class LogAnalytics extends pulumi.ComponentResource {
  /** Workspace ARM resource id. */
  public readonly workspaceResourceId: pulumi.Output<string>;
  /** Workspace name. */
  public readonly workspaceName: pulumi.Output<string>;
  /** Workspace id (`customerId`), which agents address. */
  public readonly workspaceId: pulumi.Output<string>;
  /** Primary shared key of the workspace (secret). */
  public readonly sharedKey: pulumi.Output<string>;
  /** Logs Ingestion API endpoint of the data collection endpoint. */
  public readonly ingestionEndpoint: pulumi.Output<string>;
  /** Immutable id of the data collection rule (dcr-...), which agents address. */
  public readonly ruleImmutableId: pulumi.Output<string>;
  /** The stream the rule declares (Custom-ContainerLogs_CL). */
  public readonly streamName: string;

  constructor(name: string, args: LogAnalyticsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:global:LogAnalytics", name, {}, opts);
    const workspace = workspaceWithSolution(this, name, args);
    const keys = azure.operationalinsights.getSharedKeysOutput(
      { resourceGroupName: args.resourceGroupName, workspaceName: workspace.name },
      { parent: this },
    );
    const { endpoint, rule } = logsIngestion(this, name, args, workspace);

    this.workspaceResourceId = workspace.id;
    this.workspaceName = workspace.name;
    this.workspaceId = workspace.customerId;
    this.sharedKey = pulumi.secret(
      keys.apply((k) => {
        if (!k.primarySharedKey) {
          throw new pulumi.ResourceError("Log Analytics returned no primary shared key", this);
        }
        return k.primarySharedKey;
      }),
    );
    this.ingestionEndpoint = endpoint.logsIngestion.apply((l) => {
      if (!l?.endpoint) {
        throw new pulumi.ResourceError(
          "The data collection endpoint has no logs ingestion URL",
          this,
        );
      }
      return l.endpoint;
    });
    this.ruleImmutableId = rule.immutableId;
    this.streamName = LOGS_STREAM_NAME;

    this.registerOutputs({
      workspaceResourceId: this.workspaceResourceId,
      workspaceName: this.workspaceName,
      workspaceId: this.workspaceId,
      sharedKey: this.sharedKey,
      ingestionEndpoint: this.ingestionEndpoint,
      ruleImmutableId: this.ruleImmutableId,
      streamName: this.streamName,
    });
  }
}

/** The workspace and the ContainerInsights solution on it. */
function workspaceWithSolution(
  parent: pulumi.Resource,
  name: string,
  args: LogAnalyticsArgs,
): azure.operationalinsights.Workspace {
  const child = { parent };
  const { settings, location, resourceGroupName, tags } = args;
  const workspace = new azure.operationalinsights.Workspace(
    `${name}-workspace`,
    {
      resourceGroupName,
      location,
      sku: {
        name: settings.sku,
        capacityReservationLevel: settings.capacityReservationLevel,
      },
      retentionInDays: settings.retentionDays,
      tags,
    },
    child,
  );

  // The ContainerInsights views of the containerInsights agent chart need this solution.
  const solutionName = pulumi.interpolate`ContainerInsights(${workspace.name})`;
  new azure.operationsmanagement.Solution(
    `${name}-container-insights`,
    {
      solutionName,
      resourceGroupName,
      location,
      plan: {
        name: solutionName,
        publisher: "Microsoft",
        product: "OMSGallery/ContainerInsights",
        promotionCode: "",
      },
      properties: { workspaceResourceId: workspace.id },
      tags,
    },
    child,
  );
  return workspace;
}

/**
 * The Logs Ingestion API pieces: a data collection endpoint, the custom table, the rule that maps
 * the agents' records into it, and the publisher's role on that rule.
 */
function logsIngestion(
  parent: pulumi.Resource,
  name: string,
  args: LogAnalyticsArgs,
  workspace: azure.operationalinsights.Workspace,
) {
  const child = { parent };
  const { location, resourceGroupName, tags } = args;
  // Logs Ingestion API: endpoint, table, rule (all in the workspace's region).
  const endpoint = new azure.monitor.DataCollectionEndpoint(
    `${name}-dce`,
    {
      resourceGroupName,
      location,
      description: "Logs Ingestion API endpoint for the stamps' Fluent Bit agents.",
      networkAcls: { publicNetworkAccess: "Enabled" },
      tags,
    },
    child,
  );
  const table = new azure.operationalinsights.Table(
    `${name}-container-logs`,
    {
      tableName: LOGS_TABLE_NAME,
      resourceGroupName,
      workspaceName: workspace.name,
      plan: "Analytics",
      schema: {
        name: LOGS_TABLE_NAME,
        description: "Container logs of every stamp, sent by Fluent Bit.",
        columns: LOGS_TABLE_COLUMNS.map((c) => ({ ...c })),
      },
    },
    child,
  );
  const rule = new azure.monitor.DataCollectionRule(
    `${name}-dcr`,
    {
      resourceGroupName,
      location,
      description: "Container logs from the stamps' Fluent Bit agents into the workspace.",
      dataCollectionEndpointId: endpoint.id,
      streamDeclarations: {
        [LOGS_STREAM_NAME]: { columns: LOGS_STREAM_COLUMNS.map((c) => ({ ...c })) },
      },
      destinations: {
        logAnalytics: [{ name: "workspace", workspaceResourceId: workspace.id }],
      },
      dataFlows: [
        {
          streams: [LOGS_STREAM_NAME],
          destinations: ["workspace"],
          transformKql: LOGS_TRANSFORM_KQL,
          outputStream: LOGS_STREAM_NAME,
        },
      ],
      tags,
    },
    { parent, dependsOn: [table] },
  );

  // The publisher may send to this rule and nothing else.
  const client = azure.authorization.getClientConfigOutput(child);
  new azure.authorization.RoleAssignment(
    `${name}-publisher`,
    {
      scope: rule.id,
      principalId: args.publisherPrincipalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: client.subscriptionId.apply((sub) =>
        roleDefinitionId(sub, MONITORING_METRICS_PUBLISHER_ROLE),
      ),
      description: "Stamps' log agents publish container logs (Logs Ingestion API).",
    },
    child,
  );
  return { endpoint, rule };
}
