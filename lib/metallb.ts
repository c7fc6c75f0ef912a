/**
 * Pure building blocks of MetalLB on an edge stamp: the address ranges of its pool (validated and
 * compared as numbers), the chart values, and the specs of the IPAddressPool and L2Advertisement.
 * `components/metalLb.ts` only wires them into resources.
 *
 * Facts from MetalLB v0.16.1 (github.com/metallb/metallb, tag v0.16.1): an IPAddressPool's
 * `spec.addresses` entries are CIDR prefixes or `start-end` ranges (api/v1beta1/ipaddresspool_types.go);
 * an L2Advertisement selects pools by name in `spec.ipAddressPools`
 * (api/v1beta1/l2advertisement_types.go); both are namespaced and read from MetalLB's namespace.
 */
import { mirroredRepository } from "./helmChart";
import { apiServerEgress, defaultDeny, tcp } from "./namespacePolicies";
import type { PolicySpec } from "./ratings";

/** Upstream image repositories of the chart's controller and speaker (tag: the chart's appVersion). */
export const METALLB_IMAGES = {
  controller: "quay.io/metallb/controller",
  speaker: "quay.io/metallb/speaker",
} as const;

/** Namespace MetalLB runs in (and reads its custom resources from) unless configured otherwise. */
export const DEFAULT_NAMESPACE = "metallb-system";

/** Release name of the chart. */
export const RELEASE_NAME = "metallb";

/** Name of the IPAddressPool and of the L2Advertisement that announces it. */
export const POOL_NAME = "gateway";

/** Largest pool accepted: 65536 addresses (a /16); an edge site's LAN segment is far smaller. */
export const MAX_POOL_SIZE = 65536;

/** One address range as numbers (inclusive), with the text it came from. */
export interface AddressRange {
  text: string;
  first: number;
  last: number;
}

/** IPv4 ranges no load balancer address may come from. */
const FORBIDDEN: { name: string; first: number; last: number }[] = [
  { name: "0.0.0.0/8 (this network)", ...cidrBounds(0, 8) },
  { name: "127.0.0.0/8 (loopback)", ...cidrBounds(0x7f000000, 8) },
  { name: "169.254.0.0/16 (link-local)", ...cidrBounds(0xa9fe0000, 16) },
  { name: "224.0.0.0/3 (multicast, reserved, broadcast)", ...cidrBounds(0xe0000000, 3) },
];

/** Private (RFC 1918) and shared (RFC 6598) IPv4 space: not reachable from Traffic Manager. */
const PRIVATE: { first: number; last: number }[] = [
  cidrBounds(0x0a000000, 8),
  cidrBounds(0xac100000, 12),
  cidrBounds(0xc0a80000, 16),
  cidrBounds(0x64400000, 10),
];

function cidrBounds(network: number, prefix: number): { first: number; last: number } {
  const size = 2 ** (32 - prefix);
  return { first: network, last: network + size - 1 };
}

/** A dotted IPv4 address as a number, or undefined when it is not exactly one. */
export function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** A number as a dotted IPv4 address. */
export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/**
 * Parses one pool entry: an IPv4 CIDR prefix whose host bits are zero (`192.168.10.240/28`) or an
 * IPv4 `start-end` range (`192.168.10.240-192.168.10.250`, no spaces). Returns the range, or the
 * problem phrased to follow the value.
 */
export function parseAddressRange(text: string): AddressRange | { problem: string } {
  const allowed =
    "must be an IPv4 CIDR prefix (e.g. 192.168.10.240/28) or an IPv4 start-end range (e.g. 192.168.10.240-192.168.10.250)";
  let first: number | undefined;
  let last: number | undefined;
  const cidr = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  const range = /^([0-9.]+)-([0-9.]+)$/.exec(text);
  if (cidr) {
    const network = ipv4ToNumber(cidr[1]);
    const prefix = Number(cidr[2]);
    if (network === undefined || prefix > 32 || !/^(0|[1-9]\d?)$/.test(cidr[2])) {
      return { problem: allowed };
    }
    const bounds = cidrBounds(network, prefix);
    if (network % (bounds.last - bounds.first + 1) !== 0) {
      const base = network - (network % (bounds.last - bounds.first + 1));
      return {
        problem: `has host bits set: the prefix's network address is ${numberToIpv4(base)}/${prefix}`,
      };
    }
    ({ first, last } = bounds);
  } else if (range) {
    first = ipv4ToNumber(range[1]);
    last = ipv4ToNumber(range[2]);
    if (first === undefined || last === undefined) return { problem: allowed };
    if (first > last) return { problem: "must start at or below its end address" };
  } else {
    return { problem: allowed };
  }
  const forbidden = FORBIDDEN.find((f) => first <= f.last && last >= f.first);
  if (forbidden) {
    return { problem: `overlaps ${forbidden.name}, which is never a load balancer address` };
  }
  if (last - first + 1 > MAX_POOL_SIZE) {
    return {
      problem: `has ${last - first + 1} addresses; at most ${MAX_POOL_SIZE} (a /16) are accepted`,
    };
  }
  return { text, first, last };
}

/** The problems of a whole pool: each entry's, then overlaps between entries (MetalLB refuses them). */
export function addressPoolProblems(
  entries: readonly string[],
): { index: number; problem: string }[] {
  const problems: { index: number; problem: string }[] = [];
  const ranges: (AddressRange & { index: number })[] = [];
  entries.forEach((entry, index) => {
    const parsed = parseAddressRange(entry);
    if ("problem" in parsed) problems.push({ index, problem: parsed.problem });
    else ranges.push({ ...parsed, index });
  });
  for (const a of ranges) {
    const other = ranges.find((b) => b.index < a.index && a.first <= b.last && a.last >= b.first);
    if (other) {
      problems.push({
        index: a.index,
        problem: `overlaps "${other.text}" (entry ${other.index}); every address belongs to one range`,
      });
    }
  }
  return problems;
}

/** Whether `ip` (IPv4) lies inside one of the (valid) entries. */
export function poolContains(entries: readonly string[], ip: string): boolean {
  const value = ipv4ToNumber(ip);
  if (value === undefined) return false;
  return entries.some((entry) => {
    const r = parseAddressRange(entry);
    return !("problem" in r) && r.first <= value && value <= r.last;
  });
}

/** Whether every (valid) entry lies in private or shared address space (RFC 1918, RFC 6598). */
export function poolIsPrivate(entries: readonly string[]): boolean {
  return entries.every((entry) => {
    const r = parseAddressRange(entry);
    return !("problem" in r) && PRIVATE.some((p) => r.first >= p.first && r.last <= p.last);
  });
}

/** What `metallbValues` reads from the config. */
export interface MetalLbValuesInput {
  /** The chart version; the images are tagged `v<chartVersion>` (the chart's appVersion). */
  chartVersion: string;
  /** Registry mirroring quay.io, paths kept; unset pulls from quay.io. */
  imageRegistry?: string;
}

/**
 * Helm values of the MetalLB chart: L2 only (the frr-k8s subchart, on by default since 0.16.0, is
 * off, so no FRR images or BGP daemons), pinned mirror-able images, requests and limits. The chart
 * renders no Helm hooks; the webhook's certificate is generated at run time by the controller
 * (docs/in-cluster.md, "MetalLB on edge stamps").
 */
export function metallbValues(input: MetalLbValuesInput) {
  const image = (upstream: string) => ({
    repository: mirroredRepository(upstream, input.imageRegistry),
    tag: `v${input.chartVersion}`,
    pullPolicy: "IfNotPresent",
  });
  return {
    frrk8s: { enabled: false },
    crds: { enabled: true, validationFailurePolicy: "Fail" },
    controller: {
      image: image(METALLB_IMAGES.controller),
      resources: {
        requests: { cpu: "50m", memory: "64Mi" },
        limits: { cpu: "200m", memory: "128Mi" },
      },
    },
    speaker: {
      image: image(METALLB_IMAGES.speaker),
      frr: { enabled: false },
      resources: {
        requests: { cpu: "50m", memory: "64Mi" },
        limits: { cpu: "200m", memory: "128Mi" },
      },
    },
  };
}

/** Labels of the MetalLB custom resources the program creates. */
export function labels(stamp: string): Record<string, string> {
  return { "app.kubernetes.io/part-of": "ingress", "ash-ha-kubernetes/stamp": stamp };
}

/** The IPAddressPool's spec: the configured ranges, assigned automatically. */
export function ipAddressPoolSpec(addresses: readonly string[]) {
  return { addresses: [...addresses], autoAssign: true };
}

/** The L2Advertisement's spec: announces exactly the program's pool. */
export function l2AdvertisementSpec(poolName: string = POOL_NAME) {
  return { ipAddressPools: [poolName] };
}

/** Container port of the controller's validating webhook (`webhook-server`, chart 0.16.1). */
export const WEBHOOK_PORT = 9443;

/**
 * Labels of the controller's pods: the chart's `metallb.selectorLabels` (name `metallb`, no
 * override; instance the release) and `app.kubernetes.io/component: controller`
 * (charts/metallb/templates/controller.yaml and _helpers.tpl at v0.16.1).
 */
export function controllerLabels(release = RELEASE_NAME) {
  return {
    "app.kubernetes.io/name": "metallb",
    "app.kubernetes.io/instance": release,
    "app.kubernetes.io/component": "controller",
  };
}

/**
 * NetworkPolicies of MetalLB's namespace when the program installs the chart: default deny of
 * ingress and egress, then the controller's webhook port from any address (the API server calls
 * it) and the controller to the API server. The speaker runs with host networking
 * (templates/speaker.yaml, `hostNetwork: true`), which NetworkPolicy does not govern: its ARP
 * answers and memberlist traffic are untouched. The metrics ports stay closed (nothing scrapes them).
 * @param apiServerPorts ports of the API server (lib/namespacePolicies.ts `API_SERVER_PORTS.edge`)
 */
export function networkPolicies(apiServerPorts: readonly number[]): PolicySpec[] {
  const controller = { matchLabels: controllerLabels() };
  return [
    defaultDeny(["Ingress", "Egress"]),
    {
      name: "metallb-webhook",
      spec: {
        podSelector: controller,
        policyTypes: ["Ingress"],
        ingress: [{ ports: [tcp(WEBHOOK_PORT)] }],
      },
    },
    apiServerEgress("metallb-api-server", controller, apiServerPorts),
  ];
}
