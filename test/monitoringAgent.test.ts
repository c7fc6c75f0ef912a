import * as pulumi from "@pulumi/pulumi";
import { installMocks, Recorded, resolve, settle, unwrapSecret } from "./mocks";

const recorded: Recorded[] = installMocks();

// Imported after the mocks are installed.
import * as k8s from "@pulumi/kubernetes";
import type { MonitoringConfig } from "../config";
import { MonitoringAgent, MonitoringDestination } from "../components/monitoringAgent";
import { CONTAINER_INSIGHTS_CHART } from "../lib/versions";

const CLIENT_SECRET = "client-secret-value-never-in-values";
const SHARED_KEY = "shared-key-value-never-plain";

/** The global stack's outputs as a stamp reads them; the secrets deliberately NOT marked secret. */
const global: MonitoringDestination = {
  logAnalyticsWorkspaceId: pulumi.output("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"),
  logAnalyticsSharedKey: pulumi.output(SHARED_KEY),
  logsIngestionEndpoint: pulumi.output("https://dce-ash.westeurope-1.ingest.monitor.azure.com"),
  logsIngestionRuleId: pulumi.output("dcr-0123456789abcdef0123456789abcdef"),
  logsIngestionStreamName: pulumi.output("Custom-ContainerLogs_CL"),
  logsIngestionTenantId: pulumi.output("8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81"),
  logsIngestionClientId: pulumi.output("5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93"),
  logsIngestionClientSecret: pulumi.output(CLIENT_SECRET),
};

const base: MonitoringConfig = {
  mode: "fluentBit",
  domain: "opinsights.azure.com",
  proxy: "http://proxy.fabrikam.de:3128",
  fluentBit: {
    chart: "https://fluent.github.io/helm-charts",
    chartVersion: "0.57.9",
    imageTag: "5.0.9",
  },
  containerInsights: {
    chart: CONTAINER_INSIGHTS_CHART.source,
    chartVersion: "3.1.27",
    imageTag: "3.1.27",
  },
};

/** Every child declared, with its options (dependsOn), by component name prefix. */
const declared: { name: string; resource: pulumi.Resource; opts: pulumi.CustomResourceOptions }[] =
  [];
const spy = (a: pulumi.ResourceTransformationArgs) => {
  declared.push({ name: a.name, resource: a.resource, opts: a.opts });
  return undefined;
};

let fluent: MonitoringAgent;
let rotated: MonitoringAgent;
let insights: MonitoringAgent;
let none: MonitoringAgent;

const one = (type: string, name: string) => {
  const found = recorded.find((x) => x.type === type && x.name === name);
  if (!found)
    throw new Error(
      `no ${type} ${name}; have ${recorded.map((x) => `${x.type}/${x.name}`).join(", ")}`,
    );
  return found;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const inputs = (x: Recorded) => x.inputs as any;

/**
 * The value at `path` with secret markers removed, and whether it or any object around it arrived
 * marked secret (the engine may hoist a nested secret to the enclosing input).
 */
function atPath(root: unknown, path: string[]): { value: unknown; secret: boolean } {
  let { value, secret } = unwrapSecret(root);
  for (const key of path) {
    const next = unwrapSecret((value as Record<string, unknown>)?.[key]);
    value = next.value;
    secret ||= next.secret;
  }
  return { value, secret };
}
const chartValues = (name: string) =>
  atPath(inputs(one("kubernetes:helm.sh/v4:Chart", name)).values, []).value as any; // eslint-disable-line @typescript-eslint/no-explicit-any
const children = (prefix: string) =>
  recorded
    .filter((x) => x.name.startsWith(prefix) && !x.type.startsWith("pulumi:providers"))
    .map((x) => `${x.type} ${x.name}`)
    .sort();

beforeAll(async () => {
  const provider = new k8s.Provider("test", { kubeconfig: "{}" });
  const opts = { providers: { kubernetes: provider }, transformations: [spy] };
  fluent = new MonitoringAgent("fb", { monitoring: base, stamp: "seattle", global }, opts);
  rotated = new MonitoringAgent(
    "fb2",
    {
      monitoring: base,
      stamp: "seattle",
      global: { ...global, logsIngestionClientSecret: pulumi.output("rotated-secret") },
    },
    opts,
  );
  insights = new MonitoringAgent(
    "ci",
    {
      monitoring: { ...base, mode: "containerInsights", domain: "opinsights.azure.us" },
      stamp: "munich",
      global,
    },
    opts,
  );
  none = new MonitoringAgent("off", { monitoring: { ...base, mode: "none" }, stamp: "x" }, opts);
  await Promise.all([fluent, rotated, insights, none].map((c) => resolve(c.destination)));
  await settle();
});

describe("fluentBit", () => {
  test("namespace, network policy, credentials Secret, pinned fluent-bit chart", () => {
    expect(children("fb-")).toEqual([
      "kubernetes:core/v1:Namespace fb-ns",
      "kubernetes:core/v1:Secret fb-logs-ingestion",
      "kubernetes:helm.sh/v4:Chart fb-fluent-bit",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy fb-default-deny-ingress",
    ]);
    const chart = inputs(one("kubernetes:helm.sh/v4:Chart", "fb-fluent-bit"));
    expect(chart.chart).toBe("fluent-bit");
    expect(chart.version).toBe("0.57.9");
    expect(chart.repositoryOpts).toEqual({ repo: "https://fluent.github.io/helm-charts" });
    expect(chart.namespace).toBe("monitoring");
    expect(chart.values.image).toEqual({
      repository: "cr.fluentbit.io/fluent/fluent-bit",
      tag: "5.0.9",
      pullPolicy: "IfNotPresent",
    });
  });

  test("the client secret reaches the cluster only through a Secret marked secret", () => {
    const secret = inputs(one("kubernetes:core/v1:Secret", "fb-logs-ingestion"));
    const { value, secret: isSecret } = unwrapSecret<Record<string, string>>(secret.stringData);
    expect(isSecret).toBe(true);
    expect(value).toEqual({ "client-secret": CLIENT_SECRET });
    expect(secret.metadata.name).toBe("fluent-bit-logs-ingestion");
  });

  test("no secret in the chart values: an env var by secretKeyRef, ${AZ_CLIENT_SECRET} in the config", () => {
    const chart = inputs(one("kubernetes:helm.sh/v4:Chart", "fb-fluent-bit"));
    expect(JSON.stringify(chart)).not.toContain(CLIENT_SECRET);
    expect(chart.values.env[0]).toEqual({
      name: "AZ_CLIENT_SECRET",
      valueFrom: { secretKeyRef: { name: "fluent-bit-logs-ingestion", key: "client-secret" } },
    });
    expect(chart.values.config.outputs).toContain("    client_secret ${AZ_CLIENT_SECRET}\n");
    expect(chart.values.config.outputs).toContain(
      "    dcr_id dcr-0123456789abcdef0123456789abcdef\n",
    );
    expect(chart.values.config.filters).toContain("    Add Stamp seattle\n");
  });

  test("proxy and requests/limits", () => {
    const v = inputs(one("kubernetes:helm.sh/v4:Chart", "fb-fluent-bit")).values;
    expect(v.env.map((e: { name: string }) => e.name)).toEqual([
      "AZ_CLIENT_SECRET",
      "POD_IP",
      "HTTP_PROXY",
      "HTTPS_PROXY",
      "NO_PROXY",
    ]);
    expect(v.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(v.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
  });

  test("pods: the stamp label, the HTTP server on the pod IP, the secret's digest", () => {
    const v = chartValues("fb-fluent-bit");
    expect(v.podLabels).toEqual({ "ash-ha-kubernetes/stamp": "seattle" });
    expect(v.config.service).toContain("    HTTP_Listen ${POD_IP}\n");
    expect(v.env).toContainEqual({
      name: "POD_IP",
      valueFrom: { fieldRef: { fieldPath: "status.podIP" } },
    });
    // printf 'ash-ha-kubernetes/fluent-bit-client-secret\nclient-secret-value-never-in-values' | sha256sum
    expect(v.podAnnotations).toEqual({
      "checksum/logs-ingestion-credentials":
        "d7c599af53fd9a85b3023443a37f5407b358bc48c8b22fbe26143b01ef2022b3",
    });
  });

  test("the digest is plain (not a secret) and a new client secret changes only it", () => {
    const values = inputs(one("kubernetes:helm.sh/v4:Chart", "fb-fluent-bit")).values;
    expect(atPath(values, ["podAnnotations"]).secret).toBe(false);
    const before = chartValues("fb-fluent-bit");
    const after = chartValues("fb2-fluent-bit");
    expect(after.podAnnotations["checksum/logs-ingestion-credentials"]).toBe(
      "7cfc4219c86ec999b62be00e5d907d3504172ccad9c39b7ed619039dc3970bf6",
    );
    expect({ ...after, podAnnotations: undefined }).toEqual({
      ...before,
      podAnnotations: undefined,
    });
  });

  test("the namespace denies all ingress; the policy waits for the namespace", () => {
    const policy = inputs(
      one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "fb-default-deny-ingress"),
    );
    expect(policy.metadata).toEqual({
      name: "default-deny-ingress",
      namespace: "monitoring",
      labels: { "app.kubernetes.io/part-of": "monitoring", "ash-ha-kubernetes/stamp": "seattle" },
    });
    expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    const by = (name: string) => declared.find((d) => d.name === name)!;
    expect(by("fb-default-deny-ingress").opts.dependsOn).toEqual([by("fb-ns").resource]);
  });

  test("the chart waits for its namespace and the credentials Secret", () => {
    const by = (name: string) => declared.find((d) => d.name === name)!;
    expect(by("fb-fluent-bit").opts.dependsOn).toEqual([
      by("fb-ns").resource,
      by("fb-logs-ingestion").resource,
    ]);
  });

  test("outputs say what is shipped where", async () => {
    expect(fluent.mode).toBe("fluentBit");
    expect(fluent.namespace).toBe("monitoring");
    expect((await resolve(fluent.destination)).value).toBe(
      "container logs with Kubernetes metadata -> Logs Ingestion API https://dce-ash.westeurope-1.ingest.monitor.azure.com (rule dcr-0123456789abcdef0123456789abcdef, stream Custom-ContainerLogs_CL, table ContainerLogs_CL)",
    );
  });
});

describe("containerInsights", () => {
  test("one pinned azuremonitor-containers chart in kube-system, from its archive URL", () => {
    expect(children("ci")).toEqual([
      "ash-ha-kubernetes:monitoring:MonitoringAgent ci",
      "kubernetes:helm.sh/v4:Chart ci-container-insights",
    ]);
    const chart = inputs(one("kubernetes:helm.sh/v4:Chart", "ci-container-insights"));
    expect(chart.chart).toBe(
      "https://microsoft.github.io/charts/repo/azuremonitor-containers/azuremonitor-containers-3.1.27.tgz",
    );
    expect(chart.version).toBeUndefined();
    expect(chart.repositoryOpts).toBeUndefined();
    expect(chart.namespace).toBe("kube-system");
    expect(chartValues("ci-container-insights").amalogs.image.tag).toBe("3.1.27");
  });

  test("the shared key arrives marked secret; workspace, cluster name, domain, proxy, resources", () => {
    const values = inputs(one("kubernetes:helm.sh/v4:Chart", "ci-container-insights")).values;
    expect(atPath(values, ["amalogs", "secret", "key"])).toEqual({
      value: SHARED_KEY,
      secret: true,
    });
    const a = chartValues("ci-container-insights").amalogs;
    expect(a.secret.wsid).toBe("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    expect(a.env).toEqual({ clusterName: "munich" });
    expect(a.domain).toBe("opinsights.azure.us");
    expect(a.proxy).toBe("http://proxy.fabrikam.de:3128");
    for (const r of [a.resources.daemonsetlinux, a.resources.deployment]) {
      expect(Object.keys(r.requests).sort()).toEqual(["cpu", "memory"]);
      expect(Object.keys(r.limits).sort()).toEqual(["cpu", "memory"]);
    }
  });

  test("outputs say what is shipped where", async () => {
    expect(insights.mode).toBe("containerInsights");
    expect(insights.namespace).toBe("kube-system");
    expect((await resolve(insights.destination)).value).toBe(
      "container logs, inventory, events and performance metrics -> Log Analytics workspace 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 (ods.opinsights.azure.us)",
    );
  });
});

describe("none", () => {
  test("deploys nothing and needs no global outputs", async () => {
    expect(children("off")).toEqual(["ash-ha-kubernetes:monitoring:MonitoringAgent off"]);
    expect(none.namespace).toBeUndefined();
    expect((await resolve(none.destination)).value).toBe("nothing (monitoring.mode is none)");
  });
});

test("every Kubernetes resource uses the given provider", () => {
  const k8sResources = recorded.filter((r) => r.type.startsWith("kubernetes:"));
  expect(k8sResources.length).toBeGreaterThan(0);
  for (const x of k8sResources) expect(x.provider).toMatch(/pulumi:providers:kubernetes::test::/);
});

test("a mode that ships to Azure without the global outputs is refused with a clear error", () => {
  expect(() => new MonitoringAgent("bad", { monitoring: base, stamp: "seattle" })).toThrow(
    'monitoring.mode "fluentBit" ships to Azure and needs the global stack\'s outputs (args.global); set monitoring.mode to none to deploy no agent',
  );
});
