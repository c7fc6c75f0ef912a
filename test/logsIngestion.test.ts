/**
 * The Logs Ingestion contract: the rule's transformation must produce exactly the table's columns
 * from exactly the stream's columns, or Azure refuses the rule (or silently drops data).
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

/** `project A, B = expr, ...` -> the output column names, in order. */
function projectedColumns(kql: string): string[] {
  const project = /\|\s*project\s+([\s\S]*)$/.exec(kql)?.[1] ?? "";
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of project) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.split("=")[0].trim());
}

/** Identifiers the transformation reads from the source record. */
function sourceFields(kql: string): string[] {
  const project = /\|\s*project\s+([\s\S]*)$/.exec(kql)?.[1] ?? "";
  const fields = new Set<string>();
  for (const part of project.split(",")) {
    const expr = part.includes("=") ? part.split("=")[1] : part;
    const ident = /^(?:tostring\()?([A-Za-z_][A-Za-z0-9_]*)/.exec(expr.trim())?.[1];
    if (ident) fields.add(ident);
  }
  return [...fields].sort();
}

test("the table is a custom table and the stream is the one Fluent Bit posts to", () => {
  expect(LOGS_TABLE_NAME).toMatch(/_CL$/);
  expect(LOGS_STREAM_NAME).toBe("Custom-ContainerLogs_CL");
});

test("the transformation projects exactly the table's columns, in order", () => {
  expect(projectedColumns(LOGS_TRANSFORM_KQL)).toEqual(LOGS_TABLE_COLUMNS.map((c) => c.name));
});

test("the transformation reads only fields the stream declares, and all of them", () => {
  expect(sourceFields(LOGS_TRANSFORM_KQL)).toEqual(LOGS_STREAM_COLUMNS.map((c) => c.name).sort());
});

test("both schemas carry TimeGenerated as a date (the table requires it)", () => {
  expect(LOGS_TABLE_COLUMNS.find((c) => c.name === "TimeGenerated")?.type).toBe("dateTime");
  expect(LOGS_STREAM_COLUMNS.find((c) => c.name === "TimeGenerated")?.type).toBe("datetime");
});

test("the publisher role is Monitoring Metrics Publisher, at subscription level", () => {
  expect(roleDefinitionId("0000-sub", MONITORING_METRICS_PUBLISHER_ROLE)).toBe(
    "/subscriptions/0000-sub/providers/Microsoft.Authorization/roleDefinitions/3913510d-42f4-4e42-8a64-420c390055eb",
  );
});
