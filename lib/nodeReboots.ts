/**
 * Pure building blocks of the node reboots of a connected stamp: the reboot window's checks, the
 * kured chart's values and the NetworkPolicies of its namespace. `components/nodeReboots.ts` only
 * wires them into resources.
 *
 * kured (KUbernetes REboot Daemon) runs on every node; when the node's package manager asks for a
 * reboot (`/var/run/reboot-required`, which Ubuntu's unattended upgrades write), it takes a lock
 * on its DaemonSet (at most `concurrency` holders: one here), cordons and drains the node with the
 * eviction API (so PodDisruptionBudgets are honoured), reboots it and uncordons it when it is back.
 * It only starts inside the window. Facts from kured 1.23.0 (github.com/kubereboot/kured, tag
 * 1.23.0): the flags and their defaults in cmd/kured/main.go; the window in
 * pkg/timewindow/timewindow.go and days.go (times `15:04`, days `su`..`sa`, a start after the end
 * wraps past midnight, the day is the day of the current time, the zone loaded with Go's
 * time.LoadLocation from the image's tzdata); the drain (kubectl's drain helper with eviction,
 * `--drain-timeout`, and without `--force-reboot` a failed drain releases the lock, uncordons and
 * retries later). Chart keys from values.yaml and templates/daemonset.yaml of kured-6.1.0 in
 * github.com/kubereboot/charts: every `configuration.*` value becomes a `--flag=value` argument
 * unquoted in the rendered YAML, so config validation keeps each to a strict pattern.
 */
import type { PolicySpec } from "./ratings";
import { mirroredRepository } from "./helmChart";
import { API_SERVER_PORTS, apiServerEgress, defaultDeny } from "./namespacePolicies";

/** Namespace and release name of kured. */
export const NAMESPACE = "kured";
export const RELEASE_NAME = "kured";

/** Upstream image repository (the tag comes from config, the chart's appVersion by default). */
export const KURED_IMAGE = "ghcr.io/kubereboot/kured";

/** Days as kured takes them, in the week's order. */
export const DAYS = ["su", "mo", "tu", "we", "th", "fr", "sa"] as const;
export type Day = (typeof DAYS)[number];

/** A time of day, 24-hour `HH:MM` (kured also parses other forms; only this one is accepted). */
export const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A Go duration of hours, minutes and seconds in that order, e.g. `1h30m`, `45m`, `90s`. */
export const DURATION = /^(?=\d)(\d{1,3}h)?(\d{1,4}m)?(\d{1,5}s)?$/;

/** Seconds of a duration matching `DURATION`. */
export function durationSeconds(d: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m || !d) throw new Error(`not a duration: ${JSON.stringify(d)}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The shape of an IANA zone name: `UTC`, `Area/Location` or `Area/Sub/Location`. */
const ZONE_SHAPE = /^(UTC|[A-Z][A-Za-z0-9_+-]{0,30}(\/[A-Za-z0-9][A-Za-z0-9_+-]{0,30}){1,2})$/;

/**
 * What is wrong with a reboot window time zone, phrased to follow the value; undefined for an IANA
 * zone name. Known zones are the ones Node's ICU knows; the name must be spelt as in the tz
 * database (kured loads it from the image's tzdata by file name, which is case-sensitive).
 */
export function timeZoneProblem(zone: string): string | undefined {
  const allowed = "an IANA time zone name such as UTC, Europe/Berlin or America/Los_Angeles";
  if (!ZONE_SHAPE.test(zone)) return `must be ${allowed}`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return `is not a known time zone; must be ${allowed}`;
  }
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) {
    return `must be spelt as in the tz database: ${resolved}`;
  }
  return undefined;
}

/** The reboot window: days, start and end time (`HH:MM`) and the zone they are read in. */
export interface RebootWindow {
  days: Day[];
  startTime: string;
  endTime: string;
  timeZone: string;
}

/** The node reboot settings the values are built from (`nodeReboots` in config). */
export interface NodeRebootSettings {
  imageTag: string;
  imageRegistry?: string;
  window: RebootWindow;
  /** A drain that has not finished after this long is given up (lock released, node uncordoned). */
  drainTimeout: string;
  /** How often each node checks whether it needs a reboot. */
  period: string;
  /** A lock older than this is released by force; unset: held until the rebooted node is back. */
  lockTtl?: string;
}

/** Requests and limits of the kured container. */
export const RESOURCES = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
} as const;

/**
 * Tolerations: masters too (aks-engine taints them NoSchedule; Exists matches whatever value the
 * taint carries), so the control plane gets its reboots, one node at a time like the workers.
 */
export const TOLERATIONS = [
  { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
  { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
] as const;

/** The window in kured's own words, for outputs and logs: `mo,tu 01:00-05:00 Europe/Berlin`. */
export function describeWindow(w: RebootWindow): string {
  const days = DAYS.filter((d) => w.days.includes(d)).join(",");
  return `${days} ${w.startTime}-${w.endTime} ${w.timeZone}`;
}

/**
 * Helm values of the kured chart: one node at a time, only inside the window, never rebooting a
 * node whose drain failed (`forceReboot: false`), the pinned image (mirrored when
 * `imageRegistry` is set). The pull secret is merged in by lib/pullSecrets.ts.
 */
export function kuredValues(s: NodeRebootSettings, stamp: string) {
  return {
    image: {
      repository: mirroredRepository(KURED_IMAGE, s.imageRegistry),
      tag: s.imageTag,
      pullPolicy: "IfNotPresent",
    },
    // One kured pod at a time is replaced when the chart is upgraded.
    updateStrategy: "RollingUpdate",
    maxUnavailable: 1,
    configuration: {
      concurrency: 1,
      rebootDays: DAYS.filter((d) => s.window.days.includes(d)),
      startTime: s.window.startTime,
      endTime: s.window.endTime,
      timeZone: s.window.timeZone,
      drainTimeout: s.drainTimeout,
      period: s.period,
      // 0 (the chart's default) renders no --lock-ttl flag: the lock is held until released.
      lockTtl: s.lockTtl ?? 0,
      forceReboot: false,
    },
    resources: RESOURCES,
    tolerations: TOLERATIONS,
    podLabels: { "ash-ha-kubernetes/stamp": stamp },
  };
}

/** Labels of kured's namespace: its pods use hostPID and a privileged container, so `privileged`. */
export function namespaceLabels(stamp: string): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "privileged",
    "app.kubernetes.io/part-of": "node-reboots",
    "ash-ha-kubernetes/stamp": stamp,
  };
}

/**
 * The NetworkPolicies of kured's namespace: default deny of ingress and egress, then egress to the
 * API server only (the lock annotation on its DaemonSet, cordon, drain, uncordon). kured reboots
 * through the host's PID namespace, not the network; no `notifyUrl` or `prometheusUrl` is set
 * (chart values of kured-6.1.0), so it talks to nothing else, and it uses the pod network
 * (`hostNetwork: false`), so the policies apply. Its metrics port (8080) is not scraped by anything
 * in this program; its probes come from the kubelet on the node, which NetworkPolicy always allows.
 * @param apiServerPorts ports of the API server (lib/namespacePolicies.ts; a stamp's by default)
 */
export function networkPolicies(
  apiServerPorts: readonly number[] = API_SERVER_PORTS.stamp,
): PolicySpec[] {
  return [
    defaultDeny(["Ingress", "Egress"]),
    apiServerEgress("kured-api-server", {}, apiServerPorts),
  ];
}
