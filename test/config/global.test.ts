/**
 * Validation of the `global` stack's keys: Traffic Manager profile and probes, Log Analytics, and
 * the logs-ingestion identity with its secret. One row per rule with the exact message.
 */
import { ConfigError, GlobalConfig, parseConfig, PROJECT, Secret } from "../../config";
import { readStackFile } from "../stackFiles";

const P = PROJECT;

type Raw = { config: Record<string, string>; secretKeys: string[] };

/** Pulumi.global.yaml with objects patched key by key: `global({ logAnalytics: { sku: "x" } })`. */
function global(patches: Record<string, unknown> = {}, drop: string[] = []): Raw {
  const { config, secretKeys } = readStackFile("global", "client-secret-value");
  for (const [key, patch] of Object.entries(patches)) {
    const full = `${P}:${key}`;
    config[full] = JSON.stringify({ ...JSON.parse(config[full] ?? "{}"), ...(patch as object) });
  }
  for (const key of drop) {
    delete config[`${P}:${key}`];
    const i = secretKeys.indexOf(`${P}:${key}`);
    if (i >= 0) secretKeys.splice(i, 1);
  }
  return { config, secretKeys };
}

/** Pulumi.global.yaml with `trafficManager.monitor` patched. */
function monitor(m: object, drop: string[] = []): Raw {
  const tm = JSON.parse(readStackFile("global").config[`${P}:trafficManager`]);
  return global({ trafficManager: { ...tm, monitor: { ...tm.monitor, ...m } } }, drop);
}

/** The keys of the app's own name; dropped, the stack is HTTP-only as before `dns`. */
const NO_DNS = ["dns", "dnsClientSecret"];

function problemsOf(raw: Raw, stack = "global"): string[] {
  try {
    parseConfig(stack, raw.config, raw.secretKeys);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

function parsed(raw: Raw = global()): GlobalConfig {
  return parseConfig("global", raw.config, raw.secretKeys).config as GlobalConfig;
}

describe("the shipped global stack", () => {
  test("validates, with defaults filled in", () => {
    const c = parsed();
    expect(c.trafficManager).toEqual({
      dnsName: "contoso-ratings",
      routingMethod: "Performance",
      ttl: 30,
      monitor: {
        protocol: "HTTPS",
        port: 443,
        hostHeader: "ratings.contoso.com",
        path: "/healthz",
        intervalSeconds: 30,
        timeoutSeconds: 10,
        toleratedFailures: 3,
        expectedStatusRanges: ["200-299"],
      },
    });
    expect(c.logAnalytics).toEqual({ sku: "PerGB2018", retentionDays: 30 });
    expect(c.logsIngestion).toEqual({
      tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
      clientId: "2c4e6a8b-0d1f-4a3c-8e5b-7d9f1b3c5e72",
      servicePrincipalObjectId: "6e8a0c2d-4f6b-4d8e-a0c2-3e5a7c9e1b04",
    });
  });

  test("only dnsName, location and the identity are required; the rest has defaults", () => {
    const raw = global({}, NO_DNS);
    raw.config[`${P}:trafficManager`] = JSON.stringify({ dnsName: "ratings" });
    delete raw.config[`${P}:logAnalytics`];
    const c = parsed(raw);
    expect(c.trafficManager.routingMethod).toBe("Performance");
    expect(c.trafficManager.monitor.path).toBe("/healthz");
    expect(c.trafficManager.monitor.intervalSeconds).toBe(30);
    expect(c.logAnalytics.retentionDays).toBe(30);
  });

  test("the logs-ingestion client secret is a Secret that never prints itself", () => {
    const c = parsed();
    expect(c.logsIngestionClientSecret).toBeInstanceOf(Secret);
    expect(c.logsIngestionClientSecret.reveal()).toBe("client-secret-value");
    expect(JSON.stringify(c)).not.toContain("client-secret-value");
  });

  test.each(["Priority", "Weighted"])("routing method %s is accepted", (routingMethod) => {
    const c = parsed(global({ trafficManager: { dnsName: "x1", routingMethod } }));
    expect(c.trafficManager.routingMethod).toBe(routingMethod);
  });

  test("a 10-second interval with a 9-second timeout is accepted", () => {
    expect(problemsOf(monitor({ intervalSeconds: 10, timeoutSeconds: 9 }))).toEqual([]);
  });

  test("a capacity reservation with its level is accepted", () => {
    const c = parsed(
      global({ logAnalytics: { sku: "CapacityReservation", capacityReservationLevel: 100 } }),
    );
    expect(c.logAnalytics.capacityReservationLevel).toBe(100);
  });

  test.each<[string, object, number]>([
    ["HTTP without a port probes 80", { protocol: "HTTP", port: undefined }, 80],
    ["HTTPS without a port probes 443", { protocol: "HTTPS", port: undefined }, 443],
    ["no protocol and no port: HTTP on 80", { protocol: undefined, port: undefined }, 80],
    ["an explicit port stays with HTTPS", { protocol: "HTTPS", port: 8443 }, 8443],
    ["an explicit port stays with HTTP", { protocol: "HTTP", port: 8080 }, 8080],
  ])("probe port: %s", (_name, patch, port) => {
    expect(parsed(monitor(patch, NO_DNS)).trafficManager.monitor.port).toBe(port);
  });

  test("a host header for the probes is accepted", () => {
    const c = parsed(monitor({ hostHeader: "ratings.contoso.com" }));
    expect(c.trafficManager.monitor.hostHeader).toBe("ratings.contoso.com");
  });
});

describe("global validation: one row per rule, exact message", () => {
  test.each<[string, Raw, string]>([
    [
      "routing method Geographic (stamps register no geographic mapping)",
      global({ trafficManager: { dnsName: "x1", routingMethod: "Geographic" } }),
      'trafficManager.routingMethod: "Geographic" is not supported: stamps register their endpoint with endpointLocation, weight and priority only; use Performance, Priority or Weighted',
    ],
    [
      "routing method MultiValue",
      global({ trafficManager: { dnsName: "x1", routingMethod: "MultiValue" } }),
      'trafficManager.routingMethod: "MultiValue" is not supported: stamps register their endpoint with endpointLocation, weight and priority only; use Performance, Priority or Weighted',
    ],
    [
      "routing method Subnet",
      global({ trafficManager: { dnsName: "x1", routingMethod: "Subnet" } }),
      'trafficManager.routingMethod: "Subnet" is not supported: stamps register their endpoint with endpointLocation, weight and priority only; use Performance, Priority or Weighted',
    ],
    [
      "DNS name missing",
      global({ trafficManager: { dnsName: undefined } }),
      "trafficManager.dnsName: is missing; is required (string)",
    ],
    [
      "TTL negative",
      global({ trafficManager: { dnsName: "x1", ttl: -1 } }),
      "trafficManager.ttl: -1 must be 0-2147483647 seconds",
    ],
    [
      "TTL fractional",
      global({ trafficManager: { dnsName: "x1", ttl: 1.5 } }),
      "trafficManager.ttl: 1.5 must be of type int",
    ],
    [
      "probe protocol TCP (the probe checks the app's health path)",
      monitor({ protocol: "TCP" }),
      'trafficManager.monitor.protocol: "TCP" must be one of "HTTP", "HTTPS"',
    ],
    [
      "probe port 0",
      monitor({ port: 0 }),
      "trafficManager.monitor.port: 0 must be a TCP port (1-65535)",
    ],
    [
      "probe port too high",
      monitor({ port: 70000 }),
      "trafficManager.monitor.port: 70000 must be a TCP port (1-65535)",
    ],
    [
      "probe timeout below 5",
      monitor({ timeoutSeconds: 4 }),
      "trafficManager.monitor.timeoutSeconds: 4 must be 5-10 seconds",
    ],
    [
      "probe timeout above 10",
      monitor({ timeoutSeconds: 11 }),
      "trafficManager.monitor.timeoutSeconds: 11 must be 5-10 seconds",
    ],
    [
      "probe timeout 10 with a 10-second interval",
      monitor({ intervalSeconds: 10, timeoutSeconds: 10 }),
      "trafficManager.monitor.timeoutSeconds: 10 must be 5-9 seconds when intervalSeconds is 10 (the timeout must be below the interval)",
    ],
    [
      "tolerated failures above 9",
      monitor({ toleratedFailures: 10 }),
      "trafficManager.monitor.toleratedFailures: 10 must be 0-9",
    ],
    [
      "tolerated failures negative",
      monitor({ toleratedFailures: -1 }),
      "trafficManager.monitor.toleratedFailures: -1 must be 0-9",
    ],
    [
      "status range reversed",
      monitor({ expectedStatusRanges: ["299-200"] }),
      'trafficManager.monitor.expectedStatusRanges[0]: "299-200" must not start above its end (e.g. 200-299)',
    ],
    [
      "no status range",
      monitor({ expectedStatusRanges: [] }),
      "trafficManager.monitor.expectedStatusRanges: [] must list at least one range such as 200-299",
    ],
    [
      "more than 8 status ranges",
      monitor({
        expectedStatusRanges: [
          "200-200",
          "201-201",
          "202-202",
          "203-203",
          "204-204",
          "205-205",
          "206-206",
          "207-207",
          "208-208",
        ],
      }),
      'trafficManager.monitor.expectedStatusRanges: ["200-200","201-201","202-202","203-203","204-204","205-205","206-206","207-2... must list at most 8 ranges (the Traffic Manager limit)',
    ],
    [
      "host header not a DNS name",
      monitor({ hostHeader: "ratings contoso" }),
      'trafficManager.monitor.hostHeader: "ratings contoso" must be a DNS name such as ratings.contoso.com',
    ],
    // The host header becomes a header line of every probe: nothing but a DNS name gets through.
    [
      "host header with CR LF and a second header line",
      monitor({ hostHeader: "ratings.contoso.com\r\nX-Injected: 1" }),
      'trafficManager.monitor.hostHeader: "ratings.contoso.com\\r\\nX-Injected: 1" must be a DNS name such as ratings.contoso.com',
    ],
    [
      "host header with a command substitution",
      monitor({ hostHeader: "$(reboot).contoso.com" }),
      'trafficManager.monitor.hostHeader: "$(reboot).contoso.com" must be a DNS name such as ratings.contoso.com',
    ],
    [
      "host header with a port",
      monitor({ hostHeader: "ratings.contoso.com:443" }),
      'trafficManager.monitor.hostHeader: "ratings.contoso.com:443" must be a DNS name such as ratings.contoso.com',
    ],
    [
      "host header with a trailing newline",
      monitor({ hostHeader: "ratings.contoso.com\n" }),
      'trafficManager.monitor.hostHeader: "ratings.contoso.com\\n" must be a DNS name such as ratings.contoso.com',
    ],
    [
      "unknown monitor key",
      monitor({ intervalInSeconds: 30 }),
      "trafficManager.monitor.intervalInSeconds: is not a known key (typo?); remove it or see the config reference in README.md",
    ],
    [
      "Log Analytics sku",
      global({ logAnalytics: { sku: "Free" } }),
      'logAnalytics.sku: "Free" must be one of "PerGB2018", "CapacityReservation"',
    ],
    [
      "retention below 30 days",
      global({ logAnalytics: { retentionDays: 7 } }),
      "logAnalytics.retentionDays: 7 must be 30-730 days",
    ],
    [
      "retention above 730 days",
      global({ logAnalytics: { retentionDays: 731 } }),
      "logAnalytics.retentionDays: 731 must be 30-730 days",
    ],
    [
      "capacity reservation without its level",
      global({ logAnalytics: { sku: "CapacityReservation" } }),
      "logAnalytics.capacityReservationLevel: is missing; is required with sku CapacityReservation (GB per day, e.g. 100)",
    ],
    [
      "capacity reservation level not offered",
      global({ logAnalytics: { sku: "CapacityReservation", capacityReservationLevel: 150 } }),
      "logAnalytics.capacityReservationLevel: 150 must be one of 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000 (GB per day)",
    ],
    [
      "capacity reservation level without that sku",
      global({ logAnalytics: { capacityReservationLevel: 100 } }),
      "logAnalytics.capacityReservationLevel: 100 is only used with sku CapacityReservation; remove it or change the sku",
    ],
    [
      "logs-ingestion identity missing",
      global({}, ["logsIngestion"]),
      "logsIngestion: is missing; is required (object)",
    ],
    [
      "logs-ingestion tenant not a UUID",
      global({ logsIngestion: { tenantId: "contoso.onmicrosoft.com" } }),
      'logsIngestion.tenantId: "contoso.onmicrosoft.com" must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    ],
    [
      "logs-ingestion client id not a UUID",
      global({ logsIngestion: { clientId: "fluent-bit" } }),
      'logsIngestion.clientId: "fluent-bit" must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    ],
    [
      "logs-ingestion service principal object id missing",
      global({ logsIngestion: { servicePrincipalObjectId: undefined } }),
      "logsIngestion.servicePrincipalObjectId: is missing; is required (string)",
    ],
    [
      "unknown logs-ingestion key (e.g. the secret put in the object)",
      global({ logsIngestion: { clientSecret: "x" } }),
      "logsIngestion.clientSecret: is not a known key (typo?); remove it or see the config reference in README.md",
    ],
    [
      "client secret missing",
      global({}, ["logsIngestionClientSecret"]),
      "logsIngestionClientSecret: is missing; set a client secret of the logs-ingestion app registration (logsIngestion.clientId), which the stamps' log agents sign in with with `pulumi config set --secret logsIngestionClientSecret`",
    ],
    [
      "client secret in plaintext",
      { ...global(), secretKeys: [] },
      "logsIngestionClientSecret: is stored in plaintext; set it with `pulumi config set --secret logsIngestionClientSecret` so it is encrypted",
    ],
  ])("%s", (_name, raw, message) => {
    expect(problemsOf(raw)).toContain(message);
  });

  test("the logs-ingestion secret is refused in a stamp stack", () => {
    const { config, secretKeys } = readStackFile("seattle");
    config[`${P}:logsIngestionClientSecret`] = "x";
    secretKeys.push(`${P}:logsIngestionClientSecret`);
    expect(problemsOf({ config, secretKeys }, "seattle")).toEqual([
      "logsIngestionClientSecret: is only used by global stacks, not by kind stamp",
    ]);
  });

  test("a plaintext secret is reported without echoing its value", () => {
    const raw = { ...global(), secretKeys: [] };
    expect(problemsOf(raw).join("\n")).not.toContain("client-secret-value");
  });
});
