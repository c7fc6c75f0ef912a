import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringConfig } from "../config";
import type { GlobalOutputValues } from "../stacks/globalOutputs";
import { chartSource } from "../lib/helmChart";
import * as m from "../lib/monitoring";
import { withPullSecret } from "../lib/pullSecrets";
import { CONTAINER_INSIGHTS_CHART, FLUENT_BIT_CHART } from "../lib/versions";
import { imagePullSecret } from "./imagePullSecret";

/** The `global` stack outputs the agent uses (read with `readGlobalOutputs`). */
export type MonitoringDestination = Pick<
  GlobalOutputValues,
  | "logAnalyticsWorkspaceId"
  | "logAnalyticsSharedKey"
  | "logsIngestionEndpoint"
  | "logsIngestionRuleId"
  | "logsIngestionStreamName"
  | "logsIngestionTenantId"
  | "logsIngestionClientId"
  | "logsIngestionClientSecret"
>;

export interface MonitoringAgentArgs {
  /** Monitoring settings: mode, chart and image pins, image registry and pull secret, proxy, Log Analytics domain. */
  monitoring: MonitoringConfig;
  /** Stamp name: the cluster name in Container Insights and the `Stamp` column of Fluent Bit's records. */
  stamp: string;
  /**
   * Where to ship, from the `global` stack: the Logs Ingestion endpoint, rule, stream and publishing
   * identity (fluentBit), or the workspace id and shared key (containerInsights). Secrets are
   * re-wrapped as secrets here whatever the caller passes. Unused (and optional) in mode `none`.
   */
  global?: MonitoringDestination;
}

/**
 * The monitoring agent of a stamp, by `monitoring.mode`: `fluentBit` (default) runs the Fluent Bit
 * DaemonSet that posts container logs with Kubernetes metadata to the Logs Ingestion API;
 * `containerInsights` runs the azuremonitor-containers chart (ama-logs) against the workspace;
 * `none` deploys nothing. Both agents use outbound HTTPS only (through `monitoring.proxy` if set),
 * pinned charts and images, and requests/limits; no secret is ever a plain chart value. The
 * Kubernetes provider comes through `opts`.
 */
export class MonitoringAgent extends pulumi.ComponentResource {
  /** The mode deployed. */
  public readonly mode: MonitoringConfig["mode"];
  /** What is shipped where, in one sentence. */
  public readonly destination: pulumi.Output<string>;
  /** Namespace the agent runs in; undefined in mode `none`. */
  public readonly namespace?: string;

  constructor(name: string, args: MonitoringAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:monitoring:MonitoringAgent", name, {}, opts);
    const { monitoring, stamp } = args;
    this.mode = monitoring.mode;

    const global = (): MonitoringDestination => {
      if (!args.global) {
        throw new pulumi.ResourceError(
          `monitoring.mode "${monitoring.mode}" ships to Azure and needs the global stack's outputs (args.global); set monitoring.mode to none to deploy no agent`,
          this,
        );
      }
      return args.global;
    };

    const agent =
      monitoring.mode === "fluentBit"
        ? fluentBitAgent(this, name, monitoring, stamp, global())
        : monitoring.mode === "containerInsights"
          ? containerInsightsAgent(this, name, monitoring, stamp, global())
          : { namespace: undefined, destination: pulumi.output(m.destination("none", {})) };
    this.namespace = agent.namespace;
    this.destination = agent.destination;

    this.registerOutputs({
      mode: this.mode,
      destination: this.destination,
      namespace: this.namespace,
    });
  }
}

/** What an agent deploys into and ships where. */
interface Agent {
  namespace?: string;
  destination: pulumi.Output<string>;
}

/**
 * fluentBit mode: its namespace with NetworkPolicies denying all ingress, the Secret with the
 * publishing identity's client secret, and the Fluent Bit chart posting to the Logs Ingestion
 * endpoint and rule of the global stack. The pods carry a digest of the client secret, so a new
 * secret rolls them.
 */
function fluentBitAgent(
  parent: pulumi.Resource,
  name: string,
  monitoring: MonitoringConfig,
  stamp: string,
  g: MonitoringDestination,
): Agent {
  const ns = m.FLUENT_BIT_NAMESPACE;
  const namespace = new k8s.core.v1.Namespace(
    `${name}-ns`,
    { metadata: { name: ns, labels: m.namespaceLabels(stamp) } },
    { parent },
  );
  const credentials = new k8s.core.v1.Secret(
    `${name}-logs-ingestion`,
    {
      metadata: {
        name: m.CREDENTIALS_SECRET.name,
        namespace: ns,
        labels: { "app.kubernetes.io/part-of": "monitoring", [m.STAMP_LABEL]: stamp },
      },
      type: "Opaque",
      stringData: { [m.CREDENTIALS_SECRET.key]: pulumi.secret(g.logsIngestionClientSecret) },
    },
    { parent, dependsOn: [namespace] },
  );
  for (const policy of m.networkPolicies()) {
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${policy.name}`,
      {
        metadata: {
          name: policy.name,
          namespace: ns,
          labels: { "app.kubernetes.io/part-of": "monitoring", [m.STAMP_LABEL]: stamp },
        },
        spec: policy.spec,
      },
      { parent, dependsOn: [namespace] },
    );
  }
  // A one-way digest, not the secret: plain in the chart values on purpose (docs/monitoring.md).
  const checksum = pulumi.unsecret(
    pulumi.output(g.logsIngestionClientSecret).apply(m.credentialsChecksum),
  );
  const dest = pulumi
    .all([
      g.logsIngestionEndpoint,
      g.logsIngestionRuleId,
      g.logsIngestionStreamName,
      g.logsIngestionTenantId,
      g.logsIngestionClientId,
    ])
    .apply(([endpoint, ruleId, streamName, tenantId, clientId]) => ({
      endpoint,
      ruleId,
      streamName,
      tenantId,
      clientId,
    }));
  // monitoring.imagePullSecret: Fluent Bit's pods pull with it (the chart's imagePullSecrets).
  const pull = imagePullSecret(
    name,
    {
      dockerConfig: monitoring.imagePullSecret,
      namespace: ns,
      labels: { "app.kubernetes.io/part-of": "monitoring", "ash-ha-kubernetes/stamp": stamp },
    },
    { parent, dependsOn: [namespace] },
  );
  new k8s.helm.v4.Chart(
    `${name}-fluent-bit`,
    {
      ...chartSource(
        FLUENT_BIT_CHART.name,
        monitoring.fluentBit.chart,
        monitoring.fluentBit.chartVersion,
      ),
      name: m.FLUENT_BIT_RELEASE,
      namespace: ns,
      values: pulumi
        .all([dest, checksum])
        .apply(([d, sum]) =>
          withPullSecret(
            FLUENT_BIT_CHART.name,
            m.fluentBitValues(monitoring, stamp, d, sum),
            pull?.name,
          ),
        ),
    },
    { parent, dependsOn: [namespace, credentials, ...(pull ? [pull.secret] : [])] },
  );
  return {
    namespace: ns,
    destination: dest.apply((d) => m.destination("fluentBit", { logsIngestion: d })),
  };
}

/** containerInsights mode: the azuremonitor-containers chart against the workspace. */
function containerInsightsAgent(
  parent: pulumi.Resource,
  name: string,
  monitoring: MonitoringConfig,
  stamp: string,
  g: MonitoringDestination,
): Agent {
  const ns = m.CONTAINER_INSIGHTS_NAMESPACE;
  new k8s.helm.v4.Chart(
    `${name}-container-insights`,
    {
      ...chartSource(
        CONTAINER_INSIGHTS_CHART.name,
        monitoring.containerInsights.chart,
        monitoring.containerInsights.chartVersion,
      ),
      name: "azuremonitor-containers",
      namespace: ns,
      // The shared key goes in as a secret Output, so Pulumi keeps it encrypted in state; the
      // chart itself renders it into the Kubernetes Secret ama-logs-secret (kube-system).
      values: m.containerInsightsValues(monitoring, stamp, {
        workspaceId: g.logAnalyticsWorkspaceId,
        workspaceKey: pulumi.secret(g.logAnalyticsSharedKey),
      }),
    },
    { parent },
  );
  return {
    namespace: ns,
    destination: g.logAnalyticsWorkspaceId.apply((workspaceId) =>
      m.destination("containerInsights", { workspaceId, domain: monitoring.domain }),
    ),
  };
}
