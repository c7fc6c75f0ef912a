/**
 * Which downloads of the in-cluster layer a stack pins (lib/downloads.ts checks each), and how
 * the verified local files replace the configured sources. Pure. Only what the stack installs is
 * pinned: the Gateway API CRDs and NGF's chart when it has a gateway, the chart of the monitoring
 * mode (none for `none`), kured's chart when nodes are rebooted, MetalLB's chart when installed,
 * cert-manager's chart when `certificates` is set.
 */
import type {
  CertificatesConfig,
  IngressConfig,
  MetalLbConfig,
  MonitoringConfig,
  NodeRebootsConfig,
} from "../config";
import { chartPinInput, type PinInput } from "./downloads";

/** The in-cluster settings of a stack that name downloads; unset parts are not installed. */
export interface InClusterDownloads {
  ingress?: IngressConfig;
  monitoring?: MonitoringConfig;
  nodeReboots?: NodeRebootsConfig;
  metallb?: MetalLbConfig;
  certificates?: CertificatesConfig;
}

/** One pinned download and how its verified path goes back into the settings. */
export interface PlannedPin {
  input: PinInput;
  apply: (d: InClusterDownloads, verifiedPath: string) => InClusterDownloads;
}

/** The pins of `d`, or every refusal (all at once, before anything is fetched). */
export function inClusterPins(d: InClusterDownloads): { pins: PlannedPin[]; problems: string[] } {
  const pins: PlannedPin[] = [];
  const problems: string[] = [];
  const chart = (
    key: string,
    source: string,
    sha256: string | undefined,
    apply: PlannedPin["apply"],
  ) => {
    const input = chartPinInput(key, source, sha256);
    if ("problem" in input) problems.push(input.problem);
    else pins.push({ input, apply });
  };
  const { ingress, monitoring, nodeReboots, metallb, certificates } = d;
  if (ingress) {
    pins.push({
      input: {
        key: "ingress.gatewayApiCrds",
        digestKey: "ingress.gatewayApiCrdsSha256",
        source: ingress.gatewayApiCrds,
        sha256: ingress.gatewayApiCrdsSha256,
        kind: "manifest",
      },
      apply: (s, p) => ({ ...s, ingress: { ...s.ingress!, gatewayApiCrds: p } }),
    });
    chart("ingress.chart", ingress.chart, ingress.chartSha256, (s, p) => ({
      ...s,
      ingress: { ...s.ingress!, chart: p },
    }));
  }
  if (monitoring?.mode === "fluentBit") {
    const f = monitoring.fluentBit;
    chart("monitoring.fluentBit.chart", f.chart, f.chartSha256, (s, p) => ({
      ...s,
      monitoring: { ...s.monitoring!, fluentBit: { ...s.monitoring!.fluentBit, chart: p } },
    }));
  }
  if (monitoring?.mode === "containerInsights") {
    const c = monitoring.containerInsights;
    chart("monitoring.containerInsights.chart", c.chart, c.chartSha256, (s, p) => ({
      ...s,
      monitoring: {
        ...s.monitoring!,
        containerInsights: { ...s.monitoring!.containerInsights, chart: p },
      },
    }));
  }
  if (nodeReboots) {
    chart("nodeReboots.chart", nodeReboots.chart, nodeReboots.chartSha256, (s, p) => ({
      ...s,
      nodeReboots: { ...s.nodeReboots!, chart: p },
    }));
  }
  if (metallb?.installChart) {
    chart("metallb.chart", metallb.chart, metallb.chartSha256, (s, p) => ({
      ...s,
      metallb: { ...s.metallb!, chart: p },
    }));
  }
  if (certificates) {
    chart("certificates.chart", certificates.chart, certificates.chartSha256, (s, p) => ({
      ...s,
      certificates: { ...s.certificates!, chart: p },
    }));
  }
  return { pins, problems };
}
