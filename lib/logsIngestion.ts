/**
 * The Logs Ingestion API contract between the global stack (custom table, data collection rule)
 * and the stamps' Fluent Bit agents (fluentBit monitoring mode). Pure: no resources.
 *
 * The agent sends Fluent Bit's own record shape (after its `kubernetes` filter, with `stamp` and
 * `cluster` added by a `record_modifier` filter and `TimeGenerated` by the output's `time_key`);
 * the rule's transformation flattens it into the table's columns, so the agent needs no mapping.
 */

/** The custom table in the workspace (custom tables end in _CL). */
export const LOGS_TABLE_NAME = "ContainerLogs_CL";

/**
 * The stream the rule declares. Fluent Bit's `azure_logs_ingestion` output posts to
 * `Custom-<table_name>`, so the agent sets `table_name ContainerLogs_CL`.
 */
export const LOGS_STREAM_NAME = `Custom-${LOGS_TABLE_NAME}`;

/** A column as the workspace table takes it (`operationalinsights.Table` schema). */
export interface TableColumn {
  name: string;
  type: "string" | "dateTime" | "dynamic";
  description: string;
}

/** A column as the rule's stream declaration takes it (`monitor.DataCollectionRule`). */
export interface StreamColumn {
  name: string;
  type: "string" | "datetime" | "dynamic";
}

/** Columns of the table: one row per container log line. */
export const LOGS_TABLE_COLUMNS: readonly TableColumn[] = [
  { name: "TimeGenerated", type: "dateTime", description: "When the agent read the line (UTC)." },
  { name: "Stamp", type: "string", description: "Azure Stack Hub stamp, e.g. seattle." },
  { name: "Cluster", type: "string", description: "Cluster name the agent reports." },
  { name: "Namespace", type: "string", description: "Kubernetes namespace of the pod." },
  { name: "Pod", type: "string", description: "Pod name." },
  { name: "Container", type: "string", description: "Container name." },
  { name: "ContainerImage", type: "string", description: "Image the container runs." },
  { name: "Node", type: "string", description: "Node the pod runs on." },
  { name: "Stream", type: "string", description: "stdout or stderr." },
  { name: "Log", type: "string", description: "The log line." },
  { name: "PodLabels", type: "dynamic", description: "The pod's labels." },
];

/**
 * The record the agent sends: Fluent Bit's `tail` input with the CRI parser (`stream`, `log`),
 * its `kubernetes` filter (`kubernetes` map) with Merge_Log off, `stamp` and `cluster` from a
 * `record_modifier`, `TimeGenerated` from the output (`time_generated on`, `time_key TimeGenerated`).
 * Other fields (e.g. `logtag`) are dropped by the rule.
 */
export const LOGS_STREAM_COLUMNS: readonly StreamColumn[] = [
  { name: "TimeGenerated", type: "datetime" },
  { name: "stamp", type: "string" },
  { name: "cluster", type: "string" },
  { name: "stream", type: "string" },
  { name: "log", type: "string" },
  { name: "kubernetes", type: "dynamic" },
];

/** The rule's transformation from the agent's record to the table's columns. */
export const LOGS_TRANSFORM_KQL = [
  "source",
  "| project TimeGenerated, Stamp = stamp, Cluster = cluster,",
  "Namespace = tostring(kubernetes.namespace_name), Pod = tostring(kubernetes.pod_name),",
  "Container = tostring(kubernetes.container_name), ContainerImage = tostring(kubernetes.container_image),",
  "Node = tostring(kubernetes.host), Stream = stream, Log = log, PodLabels = kubernetes.labels",
].join(" ");

/** Built-in role "Monitoring Metrics Publisher": may publish to a data collection rule. */
export const MONITORING_METRICS_PUBLISHER_ROLE = "3913510d-42f4-4e42-8a64-420c390055eb";

/** A built-in role's definition id as a role assignment takes it. */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}
