/**
 * The Logs Ingestion API pieces the global stack creates for the stamps' Fluent Bit agents
 * (fluentBit monitoring mode): custom table, stream declaration, transformation. Pure: no resources.
 *
 * The record shape is the agent's (`LOG_RECORD_COLUMNS` in lib/monitoring.ts, where Fluent Bit
 * flattens its Kubernetes metadata into these columns); the stream and the table are derived from
 * it, so the two sides cannot drift apart.
 */
import { LOG_RECORD_COLUMNS } from "./monitoring";

/** A column the agent sends. */
export type RecordColumn = keyof typeof LOG_RECORD_COLUMNS;

/** The custom table in the workspace (custom tables end in _CL). */
export const LOGS_TABLE_NAME = "ContainerLogs_CL";

/**
 * The stream the rule declares. Fluent Bit's `azure_logs_ingestion` output posts to
 * `Custom-<table_name>`, so the agent sets `table_name ContainerLogs_CL`.
 */
export const LOGS_STREAM_NAME = `Custom-${LOGS_TABLE_NAME}`;

/** A column as the workspace table takes it (`operationalinsights.Table` schema). */
export interface TableColumn {
  name: RecordColumn;
  type: "string" | "dateTime" | "dynamic";
  description: string;
}

/** A column as the rule's stream declaration takes it (`monitor.DataCollectionRule`). */
export interface StreamColumn {
  name: RecordColumn;
  type: "string" | "datetime" | "dynamic";
}

/** What each column holds; a column the agent adds fails to compile until it is described here. */
const DESCRIPTIONS: Record<RecordColumn, string> = {
  TimeGenerated: "When the agent read the line (UTC).",
  Stamp: "Azure Stack Hub stamp, e.g. seattle.",
  Namespace: "Kubernetes namespace of the pod.",
  Pod: "Pod name.",
  Container: "Container name.",
  ContainerImage: "Image the container runs.",
  Node: "Node the pod runs on.",
  Stream: "stdout or stderr.",
  LogMessage: "The log line.",
  PodLabels: "The pod's labels.",
};

const entries = Object.entries(LOG_RECORD_COLUMNS) as [RecordColumn, StreamColumn["type"]][];

/** The rule's stream declaration: exactly the columns of the agent's records. */
export const LOGS_STREAM_COLUMNS: readonly StreamColumn[] = entries.map(([name, type]) => ({
  name,
  type,
}));

/** The table's columns: the same, one row per container log line (the table spells dateTime). */
export const LOGS_TABLE_COLUMNS: readonly TableColumn[] = entries.map(([name, type]) => ({
  name,
  type: type === "datetime" ? "dateTime" : type,
  description: DESCRIPTIONS[name],
}));

/** The rule's transformation: none, the agent already sends the table's shape. */
export const LOGS_TRANSFORM_KQL = "source";

/** Built-in role "Monitoring Metrics Publisher": may publish to a data collection rule. */
export const MONITORING_METRICS_PUBLISHER_ROLE = "3913510d-42f4-4e42-8a64-420c390055eb";

/** A built-in role's definition id as a role assignment takes it. */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}
