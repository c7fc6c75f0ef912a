import { ConfigError, parseConfig, PROJECT, StampConfig } from "../config";
import * as m from "../lib/monitoring";
import { readStackFile } from "./stackFiles";

/** Parses the seattle stamp with `monitoring` replaced; returns the config or the problems. */
function withMonitoring(monitoring: Record<string, unknown>) {
  const raw = readStackFile("seattle");
  raw.config[`${PROJECT}:monitoring`] = JSON.stringify(monitoring);
  try {
    return { config: parseConfig("seattle", raw.config, raw.secretKeys).config as StampConfig };
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems };
    throw e;
  }
}

const defaults = withMonitoring({}).config!.monitoring;

const dest: m.LogsIngestion = {
  endpoint: "https://dce-ash-abcd.westeurope-1.ingest.monitor.azure.com",
  ruleId: "dcr-0123456789abcdef0123456789abcdef",
  streamName: "Custom-ContainerLogs_CL",
  tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
  clientId: "5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93",
};

describe("config", () => {
  test("defaults: fluentBit, public cloud, pinned charts and image tags", () => {
    expect(defaults).toEqual({
      mode: "fluentBit",
      domain: "opinsights.azure.com",
      fluentBit: {
        chart: "https://fluent.github.io/helm-charts",
        chartVersion: "0.57.9",
        imageTag: "5.0.9",
      },
      containerInsights: {
        chart:
          "https://microsoft.github.io/charts/repo/azuremonitor-containers/azuremonitor-containers-3.1.27.tgz",
        chartVersion: "3.1.27",
        imageTag: "3.1.27",
      },
    });
  });

  test.each([
    [
      { proxy: "http://user:pass@proxy.contoso.local:3128" },
      'monitoring.proxy: "http://user:pass@proxy.contoso.local:3128" must not contain credentials (config values are plain text); allow the cluster\'s egress addresses on the proxy instead',
    ],
    [
      { domain: "opinsights.azure.us" },
      'monitoring.domain: "opinsights.azure.us" needs mode containerInsights: Fluent Bit\'s azure_logs_ingestion output signs in to the public Azure cloud only',
    ],
    [
      { fluentBit: { imageTag: "latest" } },
      "monitoring.fluentBit.imageTag: \"latest\" must not be the floating tag 'latest'",
    ],
    [
      { fluentBit: { chartVersion: "0.57" } },
      'monitoring.fluentBit.chartVersion: "0.57" must be an exact chart version such as 0.57.9',
    ],
    [
      { containerInsights: { chart: "/mirror/azuremonitor-containers-3.1.26.tgz" } },
      'monitoring.containerInsights.chart: "/mirror/azuremonitor-containers-3.1.26.tgz" must be the archive of the pinned chart version, named "azuremonitor-containers-3.1.27.tgz" (or set the chart version to the archive\'s)',
    ],
    [
      // The default archive names its version: a new version needs a new source too.
      { containerInsights: { chartVersion: "3.1.26" } },
      'monitoring.containerInsights.chartVersion: "3.1.26" does not match the default chart archive "https://microsoft.github.io/charts/repo/azuremonitor-containers/azuremonitor-containers-3.1.27.tgz"; set chart as well, to the archive of that version or to the repository https://microsoft.github.io/charts/repo',
    ],
    [
      { fluentBit: { chart: "oci://registry.fabrikam.de/charts/fluentbit" } },
      'monitoring.fluentBit.chart: "oci://registry.fabrikam.de/charts/fluentbit" must end with the chart name "/fluent-bit"',
    ],
  ])("%j is refused", (monitoring, problem) => {
    expect(withMonitoring(monitoring).problems).toEqual([problem]);
  });

  test.each([
    [{ mode: "containerInsights", domain: "opinsights.azure.us" }],
    [{ proxy: "http://proxy.fabrikam.de:3128", imageRegistry: "registry.fabrikam.de" }],
    [{ fluentBit: { chart: "oci://registry.fabrikam.de/charts/fluent-bit" } }],
    [{ mode: "none" }],
    [{ containerInsights: { chart: "https://microsoft.github.io/charts/repo" } }],
    [
      {
        containerInsights: {
          chart: "https://microsoft.github.io/charts/repo",
          chartVersion: "3.1.26",
          imageTag: "3.1.26",
        },
      },
    ],
  ])("%j is accepted", (monitoring) => {
    expect(withMonitoring(monitoring).problems).toBeUndefined();
  });
});

describe("Fluent Bit pipeline", () => {
  const p = m.fluentBitPipeline("seattle", dest);

  test("the output posts to the rule's custom table with the secret from the environment", () => {
    expect(p.outputs).toBe(
      [
        "[OUTPUT]",
        "    Name azure_logs_ingestion",
        "    Match kube.*",
        `    tenant_id ${dest.tenantId}`,
        `    client_id ${dest.clientId}`,
        "    client_secret ${AZ_CLIENT_SECRET}",
        `    dce_url ${dest.endpoint}`,
        `    dcr_id ${dest.ruleId}`,
        "    table_name ContainerLogs_CL",
        "    time_generated true",
        "    time_key TimeGenerated",
        "    compress true",
        "    Retry_Limit 10",
        "",
      ].join("\n"),
    );
  });

  test("tails every container log except its own, in memory bounded by Mem_Buf_Limit", () => {
    expect(p.inputs).toBe(
      [
        "[INPUT]",
        "    Name tail",
        "    Tag kube.*",
        "    Path /var/log/containers/*.log",
        "    Exclude_Path /var/log/containers/fluent-bit-*_monitoring_*.log",
        "    multiline.parser docker, cri",
        "    DB /var/log/fluent-bit/tail-containers.db",
        "    Buffer_Chunk_Size 32768",
        "    Buffer_Max_Size 32768",
        "    Skip_Long_Lines On",
        "    Refresh_Interval 10",
        "    storage.type memory",
        "    Mem_Buf_Limit 65536",
        "",
      ].join("\n"),
    );
  });

  test("service: HTTP server on the pod IP only, retry backoff, multiline cut, UTF-8 kept as is", () => {
    expect(p.service).toBe(
      [
        "[SERVICE]",
        "    Daemon Off",
        "    Flush 5",
        "    Log_Level info",
        "    HTTP_Server On",
        "    HTTP_Listen ${POD_IP}",
        "    HTTP_Port 2020",
        "    Health_Check On",
        "    scheduler.base 5",
        "    scheduler.cap 300",
        "    multiline_buffer_limit 32768",
        "    json.escape_unicode Off",
        "",
      ].join("\n"),
    );
    expect(p.service).not.toContain("0.0.0.0");
    expect(p.service).not.toContain("storage.");
  });

  test("records carry Kubernetes metadata, flattened to exactly the declared columns", () => {
    expect(p.filters).toContain("    Name kubernetes\n");
    expect(p.filters).toContain("    Labels On\n");
    expect(p.filters).toContain("    Add Stamp seattle\n");
    const kept = [...p.filters.matchAll(/Allowlist_key (\S+)/g)].map((x) => x[1]);
    const renamed = [...p.filters.matchAll(/Rename \S+ (\S+)/g)].map((x) => x[1]);
    const columns = Object.keys(m.LOG_RECORD_COLUMNS);
    // TimeGenerated is added by the output (time_key), Stamp by the modify filter.
    expect([...kept, "TimeGenerated"].sort()).toEqual([...columns].sort());
    expect([...renamed, "Stamp", "TimeGenerated"].sort()).toEqual([...columns].sort());
  });

  test.each([
    ["Custom-ContainerLogs_CL", "ContainerLogs_CL"],
    ["Custom-AshLogs_CL", "AshLogs_CL"],
  ])("stream %s -> table %s", (stream, table) => {
    expect(m.tableName(stream)).toBe(table);
  });

  test.each(["Microsoft-Syslog", "ContainerLogs_CL", "Custom-"])(
    "stream %s is refused",
    (stream) => {
      expect(() => m.tableName(stream)).toThrow(
        `logsIngestionStreamName "${stream}" must be a custom stream such as Custom-ContainerLogs_CL`,
      );
    },
  );
});

describe("Fluent Bit values", () => {
  test("the client secret only by reference; proxy through the environment", () => {
    const v = m.fluentBitValues(
      { ...defaults, proxy: "http://proxy.fabrikam.de:3128" },
      "munich",
      dest,
    );
    expect(v.env).toEqual([
      {
        name: "AZ_CLIENT_SECRET",
        valueFrom: { secretKeyRef: { name: "fluent-bit-logs-ingestion", key: "client-secret" } },
      },
      { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "HTTP_PROXY", value: "http://proxy.fabrikam.de:3128" },
      { name: "HTTPS_PROXY", value: "http://proxy.fabrikam.de:3128" },
      { name: "NO_PROXY", value: "127.0.0.1,localhost,kubernetes.default.svc,.svc,.cluster.local" },
    ]);
  });

  test("no proxy: only the secret reference and the pod IP", () => {
    expect(m.fluentBitValues(defaults, "seattle", dest).env.map((e) => e.name)).toEqual([
      "AZ_CLIENT_SECRET",
      "POD_IP",
    ]);
  });

  test("the stamp label is on the pods (podLabels) as well as on the DaemonSet (labels)", () => {
    const v = m.fluentBitValues(defaults, "munich", dest);
    expect(v.podLabels).toEqual({ "ash-ha-kubernetes/stamp": "munich" });
    expect(v.labels).toEqual({ "ash-ha-kubernetes/stamp": "munich" });
  });

  test("config changes roll the pods: hot reload off keeps the chart's checksum/config", () => {
    const v = m.fluentBitValues(defaults, "seattle", dest);
    expect(v.hotReload).toEqual({ enabled: false });
    expect("existingConfigMap" in v).toBe(false);
  });

  test("the chart's probes and Service use the port the HTTP server listens on", () => {
    const v = m.fluentBitValues(defaults, "seattle", dest);
    expect(v.metricsPort).toBe(2020);
    expect(v.config.service).toContain(`    HTTP_Port ${v.metricsPort}\n`);
  });

  test("a client secret digest becomes a pod annotation; none without one", () => {
    const sum = m.credentialsChecksum("rotated-secret");
    // Known answer from coreutils: printf '...\nrotated-secret' | sha256sum
    expect(sum).toBe("7cfc4219c86ec999b62be00e5d907d3504172ccad9c39b7ed619039dc3970bf6");
    expect(m.fluentBitValues(defaults, "seattle", dest, sum).podAnnotations).toEqual({
      "checksum/logs-ingestion-credentials": sum,
    });
    expect("podAnnotations" in m.fluentBitValues(defaults, "seattle", dest)).toBe(false);
    expect(m.credentialsChecksum("rotated-secret!")).not.toBe(sum);
  });

  test.each([
    [undefined, "cr.fluentbit.io/fluent/fluent-bit"],
    ["registry.fabrikam.de", "registry.fabrikam.de/fluent/fluent-bit"],
  ])("image registry %s -> %s:5.0.9", (registry, repository) => {
    const v = m.fluentBitValues({ ...defaults, imageRegistry: registry }, "seattle", dest);
    expect(v.image).toEqual({ repository, tag: "5.0.9", pullPolicy: "IfNotPresent" });
  });

  test("a DaemonSet with requests and limits, tolerating control plane taints", () => {
    const v = m.fluentBitValues(defaults, "seattle", dest);
    expect(v.kind).toBe("DaemonSet");
    expect(Object.keys(v.resources.requests).sort()).toEqual(["cpu", "memory"]);
    expect(Object.keys(v.resources.limits).sort()).toEqual(["cpu", "memory"]);
    expect(v.tolerations).toEqual([{ operator: "Exists", effect: "NoSchedule" }]);
  });
});

describe("Container Insights values", () => {
  test("workspace, key placed as given, cluster name = stamp, domain, proxy, pinned image", () => {
    const key = { secret: "marker" };
    const v = m.containerInsightsValues(
      {
        ...defaults,
        domain: "opinsights.azure.us",
        proxy: "http://proxy.fabrikam.de:3128",
        imageRegistry: "registry.fabrikam.de",
      },
      "munich",
      { workspaceId: "wsid-1", workspaceKey: key },
    );
    expect(v.amalogs.secret.key).toBe(key);
    expect(v.amalogs).toEqual({
      image: {
        repo: "registry.fabrikam.de/azuremonitor/containerinsights/ciprod",
        tag: "3.1.27",
        tagWindows: "win-3.1.27",
        pullPolicy: "IfNotPresent",
      },
      secret: { wsid: "wsid-1", key },
      domain: "opinsights.azure.us",
      proxy: "http://proxy.fabrikam.de:3128",
      env: { clusterName: "munich" },
      resources: {
        daemonsetlinux: m.RESOURCES.amaLogsDaemonSet,
        deployment: m.RESOURCES.amaLogsDeployment,
      },
    });
  });

  test("no proxy key unless a proxy is configured (the chart reads its placeholder as no proxy)", () => {
    const v = m.containerInsightsValues(defaults, "seattle", {
      workspaceId: "w",
      workspaceKey: "k",
    });
    expect("proxy" in v.amalogs).toBe(false);
  });
});

describe("network policies", () => {
  test("every pod of the namespace: all ingress denied, no rule lets anything in", () => {
    expect(m.networkPolicies()).toEqual([
      { name: "default-deny-ingress", spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    ]);
  });
});

describe("destination", () => {
  test.each([
    [
      "fluentBit" as const,
      { logsIngestion: dest },
      `container logs with Kubernetes metadata -> Logs Ingestion API ${dest.endpoint} (rule ${dest.ruleId}, stream Custom-ContainerLogs_CL, table ContainerLogs_CL)`,
    ],
    [
      "containerInsights" as const,
      { workspaceId: "wsid-1", domain: "opinsights.azure.cn" },
      "container logs, inventory, events and performance metrics -> Log Analytics workspace wsid-1 (ods.opinsights.azure.cn)",
    ],
    ["none" as const, {}, "nothing (monitoring.mode is none)"],
  ])("%s", (mode, where, sentence) => {
    expect(m.destination(mode, where)).toBe(sentence);
  });
});
