/**
 * Traffic Manager shaping: the profile's probe settings and a stamp's endpoint settings, built
 * from validated config. Pure: no resources, no Pulumi runtime calls.
 */
import type { GlobalConfig } from "../config/global";
import { FQDN } from "../config/fields";
import type { StampConfig } from "../config/stamp";

/** The global stack's validated probe settings. */
export type MonitorSettings = GlobalConfig["trafficManager"]["monitor"];
/** A stamp's validated endpoint registration settings. */
export type EndpointSettings = StampConfig["trafficManager"];

/** The profile's `monitorConfig`, in the shape `trafficmanager.Profile` takes. */
export interface ProfileMonitorConfig {
  protocol: "HTTP" | "HTTPS";
  port: number;
  path: string;
  intervalInSeconds: number;
  timeoutInSeconds: number;
  toleratedNumberOfFailures: number;
  expectedStatusCodeRanges: { min: number; max: number }[];
  /** Sent with every probe; only set when a host header is configured. */
  customHeaders?: { name: string; value: string }[];
}

/**
 * The probe port when `trafficManager.monitor.port` is unset: the protocol's well-known port, 443
 * for HTTPS and 80 for HTTP, so an HTTPS probe never speaks TLS to the plain-HTTP listener.
 */
export function defaultProbePort(protocol: "HTTP" | "HTTPS"): number {
  return protocol === "HTTPS" ? 443 : 80;
}

/** "200-299" -> { min: 200, max: 299 }. Config validation guarantees the format. */
export function parseStatusRange(range: string): { min: number; max: number } {
  const match = /^(\d{3})-(\d{3})$/.exec(range);
  if (!match) throw new Error(`"${range}" is not a status code range such as 200-299`);
  return { min: Number(match[1]), max: Number(match[2]) };
}

/**
 * The profile's probe settings. Traffic Manager sends the endpoint's address as the Host header;
 * when the stamps' routes only answer a hostname, `hostHeader` becomes a `host` custom header.
 */
export function monitorConfig(monitor: MonitorSettings): ProfileMonitorConfig {
  const config: ProfileMonitorConfig = {
    protocol: monitor.protocol,
    port: monitor.port,
    path: monitor.path,
    intervalInSeconds: monitor.intervalSeconds,
    timeoutInSeconds: monitor.timeoutSeconds,
    toleratedNumberOfFailures: monitor.toleratedFailures,
    expectedStatusCodeRanges: monitor.expectedStatusRanges.map(parseStatusRange),
  };
  if (monitor.hostHeader !== undefined) {
    // Config validation allows DNS names only; checked again here because the value becomes an
    // HTTP header line on every probe (a CR or LF would smuggle in headers of its own).
    if (!FQDN.test(monitor.hostHeader)) {
      throw new Error(
        `trafficManager.monitor.hostHeader: ${JSON.stringify(monitor.hostHeader)} must be a DNS name such as ratings.contoso.com`,
      );
    }
    config.customHeaders = [{ name: "host", value: monitor.hostHeader }];
  }
  return config;
}

/**
 * Worst-case seconds from a stamp failing until clients stop resolving to it: Traffic Manager
 * marks an endpoint Degraded at the failed probe after `toleratedFailures` failed ones, each probe
 * failing at the latest after `timeoutSeconds`, and resolvers keep the old answer for `ttl`.
 */
export function failoverSeconds(monitor: MonitorSettings, ttl: number): number {
  const probes = monitor.toleratedFailures + 1;
  return probes * monitor.intervalSeconds + monitor.timeoutSeconds + ttl;
}

/** The routing methods a stamp's endpoint can take part in. */
export type RoutingMethod = "Performance" | "Priority" | "Weighted";

/** What a stamp's endpoint sets besides its target, for the profile's routing method. */
export interface EndpointRouting {
  /** Azure region nearest the stamp: always set (Performance needs it, the others ignore it). */
  endpointLocation: string;
  /** Only with Weighted routing. */
  weight?: number;
  /**
   * Only with Priority routing: Azure requires priorities on all or none of a profile's endpoints
   * and refuses two equal ones, so other methods leave them to Azure.
   */
  priority?: number;
}

/**
 * A stamp's endpoint settings for the global profile's routing method (read from the global
 * stack's outputs). Refuses a method a stamp cannot register for, naming the global key to fix.
 */
export function endpointRouting(
  routingMethod: string,
  settings: EndpointSettings,
): EndpointRouting {
  const routing: EndpointRouting = { endpointLocation: settings.endpointLocation };
  switch (routingMethod) {
    case "Performance":
      return routing;
    case "Weighted":
      return { ...routing, weight: settings.weight };
    case "Priority":
      if (settings.priority === undefined) {
        throw new Error(
          "trafficManager.priority: is missing; the global Traffic Manager profile routes by Priority, so every stamp must set its own priority (1-1000, lower wins, distinct across stamps; see npm run check:stacks)",
        );
      }
      return { ...routing, priority: settings.priority };
    default:
      throw new Error(
        `The global Traffic Manager profile routes by "${routingMethod}", which a stamp cannot register for; ` +
          "set trafficManager.routingMethod in the global stack to Performance, Priority or Weighted",
      );
  }
}
