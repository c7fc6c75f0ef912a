/**
 * Pure building blocks of the monitoring agent: the pinned charts and images, the Helm values of
 * both modes, the Fluent Bit pipeline, and the sentence that says what is shipped where.
 * `components/monitoringAgent.ts` only wires them into resources.
 *
 * - `fluentBit` (default): a Fluent Bit DaemonSet (fluent/fluent-bit chart) tails every container's
 *   log, adds Kubernetes metadata and posts the records to the Logs Ingestion API (data collection
 *   endpoint + rule + custom table, created by the `global` stack). Outbound HTTPS only.
 * - `containerInsights`: the azuremonitor-containers chart (ama-logs), the reference guide's agent.
 *   Microsoft retired Helm-based onboarding on 2025-10-01; kept for stamps that still rely on it.
 * - `none`: nothing is deployed.
 */
import { createHash } from "node:crypto";
import type { MonitoringConfig } from "../config/inCluster";
import { FLUENT_BIT_BATCHING as B } from "./fluentBitLimits";
import { mirroredRepository } from "./helmChart";

/** Upstream image repositories (tags come from config). */
export const IMAGES = {
  fluentBit: "cr.fluentbit.io/fluent/fluent-bit",
  amaLogs: "mcr.microsoft.com/azuremonitor/containerinsights/ciprod",
} as const;

/** Namespace of the Fluent Bit DaemonSet. The azuremonitor-containers chart always uses kube-system. */
export const FLUENT_BIT_NAMESPACE = "monitoring";
export const CONTAINER_INSIGHTS_NAMESPACE = "kube-system";

/** Release name of the Fluent Bit chart: its pods are `fluent-bit-*` (their own logs are skipped). */
export const FLUENT_BIT_RELEASE = "fluent-bit";

/** The Kubernetes Secret holding the publishing identity's client secret, and its key. */
export const CREDENTIALS_SECRET = {
  name: "fluent-bit-logs-ingestion",
  key: "client-secret",
} as const;

/** The environment variable the Fluent Bit config reads the client secret from. */
export const CLIENT_SECRET_ENV = "AZ_CLIENT_SECRET";

/** The environment variable holding the pod's IP (downward API): the HTTP server listens there. */
export const POD_IP_ENV = "POD_IP";

/** Port of Fluent Bit's HTTP server (health, metrics): the chart's `metricsPort` and probes' `http`. */
export const HTTP_PORT = 2020;

/** The stamp label on the agent's objects and pods. */
export const STAMP_LABEL = "ash-ha-kubernetes/stamp";

/**
 * Pod annotation that changes with the client secret, so a new secret rolls the pods (the chart's
 * own `checksum/config` covers the configuration, not the Secret it reads).
 */
export const CREDENTIALS_CHECKSUM_ANNOTATION = "checksum/logs-ingestion-credentials";

/** Requests and limits of the agents' containers. */
export const RESOURCES = {
  fluentBit: {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
  },
  /** ama-logs DaemonSet (one per Linux node). */
  amaLogsDaemonSet: {
    requests: { cpu: "75m", memory: "325Mi" },
    limits: { cpu: "150m", memory: "750Mi" },
  },
  /** ama-logs replica set (cluster inventory and events). */
  amaLogsDeployment: {
    requests: { cpu: "150m", memory: "250Mi" },
    limits: { cpu: "1", memory: "1Gi" },
  },
} as const;

/**
 * The columns of every record Fluent Bit sends: the data collection rule's stream declaration (owned
 * by the `global` stack) must declare exactly these. `TimeGenerated` is an ISO 8601 datetime.
 */
export const LOG_RECORD_COLUMNS = {
  TimeGenerated: "datetime",
  Stamp: "string",
  Namespace: "string",
  Pod: "string",
  Container: "string",
  ContainerImage: "string",
  Node: "string",
  Stream: "string",
  LogMessage: "string",
  PodLabels: "dynamic",
} as const;

/** Kubernetes metadata fields (after lifting `kubernetes.*` with prefix `k8s_`) -> columns. */
const RENAMES: [string, keyof typeof LOG_RECORD_COLUMNS][] = [
  ["log", "LogMessage"],
  ["stream", "Stream"],
  ["k8s_namespace_name", "Namespace"],
  ["k8s_pod_name", "Pod"],
  ["k8s_container_name", "Container"],
  ["k8s_container_image", "ContainerImage"],
  ["k8s_host", "Node"],
  ["k8s_labels", "PodLabels"],
];

/** Hosts Fluent Bit reaches without the proxy: loopback and the in-cluster API server. */
export const NO_PROXY = "127.0.0.1,localhost,kubernetes.default.svc,.svc,.cluster.local";

/** The Logs Ingestion destination, as the `global` stack exports it. */
export interface LogsIngestion {
  /** Data collection endpoint URL (logs ingestion), https://<dce>.<region>.ingest.monitor.azure.com. */
  endpoint: string;
  /** Immutable id of the data collection rule, dcr-<32 hex>. */
  ruleId: string;
  /** Stream declared by the rule, Custom-<table>. */
  streamName: string;
  /** Entra tenant of the publishing identity. */
  tenantId: string;
  /** Client id of the publishing identity (its secret never appears here). */
  clientId: string;
}

/**
 * Fluent Bit's `table_name` for a rule's stream: the plugin posts to `streams/Custom-<table_name>`.
 * Throws for a stream that is not a custom one.
 */
export function tableName(streamName: string): string {
  const match = /^Custom-([A-Za-z0-9_]+)$/.exec(streamName);
  if (!match) {
    throw new Error(
      `logsIngestionStreamName "${streamName}" must be a custom stream such as Custom-ContainerLogs_CL: Fluent Bit's azure_logs_ingestion output only posts to Custom-<table> streams`,
    );
  }
  return match[1];
}

const section = (name: string, entries: [string, string | number][]) =>
  [`[${name}]`, ...entries.map(([k, v]) => `    ${k} ${v}`)].join("\n") + "\n";

/**
 * The Fluent Bit pipeline (classic config sections, as the chart's `config.*` values take them):
 * tail every container log on the node, add Kubernetes metadata, flatten it into the columns of
 * `LOG_RECORD_COLUMNS`, and post to the Logs Ingestion API. The client secret is not in it: the
 * output reads `${AZ_CLIENT_SECRET}`, an environment variable set from a Kubernetes Secret.
 * Records are buffered in memory up to `Mem_Buf_Limit`, which keeps every request under the API's
 * 1 MB (lib/fluentBitLimits.ts); past it, reading pauses and the backlog waits in the container
 * log files on the node's disk. A failing request is retried `Retry_Limit` times, then dropped and
 * counted (`fluentbit_output_dropped_records_total`). The HTTP server (health for the chart's
 * probes, metrics) listens on the pod IP only.
 */
export function fluentBitPipeline(
  stamp: string,
  dest: LogsIngestion,
  namespace = FLUENT_BIT_NAMESPACE,
) {
  const service = section("SERVICE", [
    ["Daemon", "Off"],
    ["Flush", B.flushSeconds],
    ["Log_Level", "info"],
    ["HTTP_Server", "On"],
    ["HTTP_Listen", `\${${POD_IP_ENV}}`],
    ["HTTP_Port", HTTP_PORT],
    ["Health_Check", "On"],
    ["scheduler.base", B.schedulerBaseSeconds],
    ["scheduler.cap", B.schedulerCapSeconds],
    ["multiline_buffer_limit", B.multilineBufferLimitBytes],
    ["json.escape_unicode", "Off"],
  ]);
  const inputs = section("INPUT", [
    ["Name", "tail"],
    ["Tag", "kube.*"],
    ["Path", "/var/log/containers/*.log"],
    ["Exclude_Path", `/var/log/containers/${FLUENT_BIT_RELEASE}-*_${namespace}_*.log`],
    ["multiline.parser", "docker, cri"],
    ["DB", "/var/log/fluent-bit/tail-containers.db"],
    ["Buffer_Chunk_Size", B.bufferChunkBytes],
    ["Buffer_Max_Size", B.bufferMaxBytes],
    ["Skip_Long_Lines", "On"],
    ["Refresh_Interval", 10],
    ["storage.type", "memory"],
    ["Mem_Buf_Limit", B.memBufLimitBytes],
  ]);
  const filters = [
    section("FILTER", [
      ["Name", "kubernetes"],
      ["Match", "kube.*"],
      ["Kube_URL", "https://kubernetes.default.svc:443"],
      ["Kube_Tag_Prefix", "kube.var.log.containers."],
      ["Merge_Log", "Off"],
      ["Labels", "On"],
      ["Annotations", "Off"],
      ["K8S-Logging.Exclude", "On"],
    ]),
    section("FILTER", [
      ["Name", "nest"],
      ["Match", "kube.*"],
      ["Operation", "lift"],
      ["Nested_under", "kubernetes"],
      ["Add_prefix", "k8s_"],
    ]),
    section("FILTER", [
      ["Name", "modify"],
      ["Match", "kube.*"],
      ...RENAMES.map(([from, to]): [string, string] => ["Rename", `${from} ${to}`]),
      ["Add", `Stamp ${stamp}`],
    ]),
    section("FILTER", [
      ["Name", "record_modifier"],
      ["Match", "kube.*"],
      ...Object.keys(LOG_RECORD_COLUMNS)
        .filter((c) => c !== "TimeGenerated")
        .map((c): [string, string] => ["Allowlist_key", c]),
    ]),
  ].join("\n");
  const outputs = section("OUTPUT", [
    ["Name", "azure_logs_ingestion"],
    ["Match", "kube.*"],
    ["tenant_id", dest.tenantId],
    ["client_id", dest.clientId],
    ["client_secret", `\${${CLIENT_SECRET_ENV}}`],
    ["dce_url", dest.endpoint],
    ["dcr_id", dest.ruleId],
    ["table_name", tableName(dest.streamName)],
    ["time_generated", "true"],
    ["time_key", "TimeGenerated"],
    ["compress", "true"],
    ["Retry_Limit", B.retryLimit],
  ]);
  return { service, inputs, filters, outputs };
}

/** Container environment of Fluent Bit: the client secret by reference, the pod IP, the proxy. */
export function fluentBitEnv(proxy?: string) {
  const env: Record<string, unknown>[] = [
    {
      name: CLIENT_SECRET_ENV,
      valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET.name, key: CREDENTIALS_SECRET.key } },
    },
    { name: POD_IP_ENV, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
  ];
  if (proxy) {
    // Fluent Bit tunnels HTTP and HTTPS through HTTP_PROXY (CONNECT); HTTPS_PROXY is for tools.
    env.push(
      { name: "HTTP_PROXY", value: proxy },
      { name: "HTTPS_PROXY", value: proxy },
      { name: "NO_PROXY", value: NO_PROXY },
    );
  }
  return env;
}

/**
 * Helm values of the fluent/fluent-bit chart. No secret value is in them.
 * @param credentialsChecksum digest of the client secret (`credentialsChecksum`): a pod annotation,
 *   so a new secret rolls the pods; unset, no annotation (the `render` preview).
 */
export function fluentBitValues(
  monitoring: Pick<MonitoringConfig, "fluentBit" | "imageRegistry" | "proxy">,
  stamp: string,
  dest: LogsIngestion,
  credentialsChecksum?: string,
) {
  return {
    kind: "DaemonSet",
    image: {
      repository: mirroredRepository(IMAGES.fluentBit, monitoring.imageRegistry),
      tag: monitoring.fluentBit.imageTag,
      pullPolicy: "IfNotPresent",
    },
    env: fluentBitEnv(monitoring.proxy),
    resources: RESOURCES.fluentBit,
    // Collect from every node, control plane included.
    tolerations: [{ operator: "Exists", effect: "NoSchedule" }],
    config: fluentBitPipeline(stamp, dest),
    // The chart's checksum/config annotation (fluent-bit 0.57.9 templates/daemonset.yaml) is only
    // rendered without hot reload: keep it off so a config change rolls the pods.
    hotReload: { enabled: false },
    // The port the chart's probes (`http`) and Service use: the one the HTTP server listens on.
    metricsPort: HTTP_PORT,
    // `labels` only reach the DaemonSet object; `podLabels` reach the pods (and their logs).
    labels: { [STAMP_LABEL]: stamp },
    podLabels: { [STAMP_LABEL]: stamp },
    ...(credentialsChecksum
      ? { podAnnotations: { [CREDENTIALS_CHECKSUM_ANNOTATION]: credentialsChecksum } }
      : {}),
  };
}

/**
 * The digest that `CREDENTIALS_CHECKSUM_ANNOTATION` carries: SHA-256 over a fixed label and the
 * client secret, hex. A one-way digest of a random Entra secret: it shows that the secret changed,
 * not what it is.
 */
export function credentialsChecksum(clientSecret: string): string {
  return createHash("sha256")
    .update(`ash-ha-kubernetes/fluent-bit-client-secret\n${clientSecret}`)
    .digest("hex");
}

/** The workspace destination of the containerInsights mode. */
export interface Workspace<Id, Key> {
  /** Workspace id (`customerId`). */
  workspaceId: Id;
  /** Workspace shared key: pass it as a secret Output; it is placed as is into `amalogs.secret.key`. */
  workspaceKey: Key;
}

/**
 * Helm values of the azuremonitor-containers chart. The shared key is placed into
 * `amalogs.secret.key` unchanged, so a secret Output stays secret; the chart itself renders it into
 * the Kubernetes Secret `ama-logs-secret` (kube-system) that the agents read.
 */
export function containerInsightsValues<Id, Key>(
  monitoring: Pick<MonitoringConfig, "containerInsights" | "imageRegistry" | "proxy" | "domain">,
  stamp: string,
  workspace: Workspace<Id, Key>,
) {
  const tag = monitoring.containerInsights.imageTag;
  return {
    amalogs: {
      image: {
        repo: mirroredRepository(IMAGES.amaLogs, monitoring.imageRegistry),
        tag,
        tagWindows: `win-${tag}`,
        pullPolicy: "IfNotPresent",
      },
      secret: { wsid: workspace.workspaceId, key: workspace.workspaceKey },
      domain: monitoring.domain,
      ...(monitoring.proxy ? { proxy: monitoring.proxy } : {}),
      env: { clusterName: stamp },
      resources: {
        daemonsetlinux: RESOURCES.amaLogsDaemonSet,
        deployment: RESOURCES.amaLogsDeployment,
      },
    },
  };
}

/** Labels of the Fluent Bit namespace: reading node logs needs hostPath, so `privileged`. */
export function namespaceLabels(stamp: string): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "privileged",
    "app.kubernetes.io/part-of": "monitoring",
    [STAMP_LABEL]: stamp,
  };
}

/** A NetworkPolicy of the monitoring namespace, named. */
export interface MonitoringPolicy {
  name: string;
  spec: { podSelector: Record<string, unknown>; policyTypes: string[]; [field: string]: unknown };
}

/**
 * NetworkPolicies of the Fluent Bit namespace: deny all ingress to every pod in it. Nothing in the
 * cluster needs to reach Fluent Bit: it only sends. Its HTTP server (port `HTTP_PORT`) still
 * answers the kubelet's probes, because NetworkPolicy always allows traffic from the pod's own
 * node. Egress is not restricted (Azure endpoints and the proxy have no stable in-cluster address).
 */
export function networkPolicies(): MonitoringPolicy[] {
  return [{ name: "default-deny-ingress", spec: { podSelector: {}, policyTypes: ["Ingress"] } }];
}

/** What the agent ships where, in one sentence (the component's `destination` output). */
export function destination(
  mode: MonitoringConfig["mode"],
  where: { logsIngestion?: LogsIngestion; workspaceId?: string; domain?: string },
): string {
  switch (mode) {
    case "fluentBit": {
      const d = where.logsIngestion;
      if (!d) throw new Error("fluentBit mode needs the Logs Ingestion destination");
      return `container logs with Kubernetes metadata -> Logs Ingestion API ${d.endpoint} (rule ${d.ruleId}, stream ${d.streamName}, table ${tableName(d.streamName)})`;
    }
    case "containerInsights":
      return `container logs, inventory, events and performance metrics -> Log Analytics workspace ${where.workspaceId} (ods.${where.domain ?? "opinsights.azure.com"})`;
    case "none":
      return "nothing (monitoring.mode is none)";
  }
}
