/**
 * The Logs Ingestion pieces match the agent's records: the rule must declare exactly the columns
 * Fluent Bit sends and the table must hold them, or Azure refuses the rule or drops data.
 */
import {
  LOGS_STREAM_COLUMNS,
  LOGS_STREAM_NAME,
  LOGS_TABLE_COLUMNS,
  LOGS_TABLE_NAME,
  LOGS_TRANSFORM_KQL,
  MONITORING_METRICS_PUBLISHER_ROLE,
  roleDefinitionId,
} from "../lib/logsIngestion";
import { fluentBitPipeline, LOG_RECORD_COLUMNS, tableName } from "../lib/monitoring";

test("the table is a custom table and the stream is the one Fluent Bit posts to", () => {
  expect(LOGS_TABLE_NAME).toMatch(/_CL$/);
  expect(LOGS_STREAM_NAME).toBe("Custom-ContainerLogs_CL");
  // the agent derives its table_name from the exported stream name
  expect(tableName(LOGS_STREAM_NAME)).toBe(LOGS_TABLE_NAME);
});

test("the stream declares exactly the agent's record columns and types", () => {
  expect(Object.fromEntries(LOGS_STREAM_COLUMNS.map((c) => [c.name, c.type]))).toEqual(
    LOG_RECORD_COLUMNS,
  );
});

test("the table has the same columns, in order, with the table's type names", () => {
  expect(LOGS_TABLE_COLUMNS.map((c) => `${c.name}:${c.type}`)).toEqual([
    "TimeGenerated:dateTime",
    "Stamp:string",
    "Namespace:string",
    "Pod:string",
    "Container:string",
    "ContainerImage:string",
    "Node:string",
    "Stream:string",
    "LogMessage:string",
    "PodLabels:dynamic",
  ]);
  expect(LOGS_TABLE_COLUMNS.map((c) => c.name)).toEqual(LOGS_STREAM_COLUMNS.map((c) => c.name));
  for (const c of LOGS_TABLE_COLUMNS) expect(c.description).not.toBe("");
});

test("no transformation: the agent already sends the table's shape", () => {
  expect(LOGS_TRANSFORM_KQL).toBe("source");
});

test("the agent's pipeline sends exactly the declared columns to this stream", () => {
  const pipeline = fluentBitPipeline("seattle", {
    endpoint: "https://global-dce.westeurope-1.ingest.monitor.azure.com",
    ruleId: "dcr-0123456789abcdef0123456789abcdef",
    streamName: LOGS_STREAM_NAME,
    tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
    clientId: "2c4e6a8b-0d1f-4a3c-8e5b-7d9f1b3c5e72",
  });
  const setting = (text: string, key: string) =>
    [...text.matchAll(new RegExp(`^\\s*${key} (.+)$`, "gm"))].map((m) => m[1].trim());
  expect(setting(pipeline.outputs, "table_name")).toEqual([LOGS_TABLE_NAME]);
  // the record keeps only the allow-listed keys; the output adds TimeGenerated
  const sent = [
    ...setting(pipeline.filters, "Allowlist_key"),
    ...setting(pipeline.outputs, "time_key"),
  ];
  expect(sent.sort()).toEqual(LOGS_STREAM_COLUMNS.map((c) => c.name).sort());
});

test("the publisher role is Monitoring Metrics Publisher, at subscription level", () => {
  expect(roleDefinitionId("0000-sub", MONITORING_METRICS_PUBLISHER_ROLE)).toBe(
    "/subscriptions/0000-sub/providers/Microsoft.Authorization/roleDefinitions/3913510d-42f4-4e42-8a64-420c390055eb",
  );
});
