/**
 * The global stack's schema (Azure location, Traffic Manager profile, Log Analytics, the logs
 * ingestion identity) and its type. Pure.
 */
import { z } from "zod";
import { alertsSchema, globalBackupSchema } from "./backup";
import { appHostname, dnsSchema } from "./certificates";
import { expiryDate, FQDN, LOCATION, preflightSchema, statusRange, uuid } from "./fields";
import {
  PROBE_TIMEOUT,
  refinement,
  RESERVATION_LEVEL_REQUIRED,
  RESERVATION_LEVEL_UNUSED,
} from "./rules";
import type { Secret } from "./secret";
import { defaultProbePort } from "../lib/trafficManager";

/** Routing methods whose endpoint settings a stamp registers (endpointLocation, weight, priority). */
const STAMP_ROUTING_METHODS: readonly string[] = ["Performance", "Priority", "Weighted"];
/** Capacity reservation levels (GB per day) Log Analytics accepts. */
const CAPACITY_RESERVATION_LEVELS = [
  100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000,
];

const globalFields = z.strictObject({
  kind: z.literal("global"),
  azure: z.strictObject({
    /** Azure region of the global resources (Traffic Manager itself is global). */
    location: z.string().regex(LOCATION, "must be an Azure region such as westeurope"),
    /** Resource group name. Defaults to rg-<project>-global. */
    resourceGroupName: z
      .string()
      .regex(/^[-\w.()]{1,89}[-\w()]$/, "must be a resource group name")
      .optional(),
  }),
  trafficManager: z.strictObject({
    /** Relative DNS name: <dnsName>.trafficmanager.net. Also the profile's name. */
    dnsName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/, "must be a lowercase DNS label (2-63 chars)"),
    /**
     * How Traffic Manager picks a stamp. Defaults to Performance (the closest healthy stamp, by
     * each stamp's `endpointLocation`); Priority (lowest healthy `priority` first: active/passive)
     * and Weighted (by `weight`) are supported too.
     */
    routingMethod: z
      .enum(["Performance", "Priority", "Weighted", "Geographic", "MultiValue", "Subnet"])
      .default("Performance")
      .refine(
        (m) => STAMP_ROUTING_METHODS.includes(m),
        "is not supported: stamps register their endpoint with endpointLocation, weight and priority only; use Performance, Priority or Weighted",
      ),
    /** DNS TTL in seconds: how long resolvers cache the answer (part of failover time). Defaults to 30. */
    ttl: z
      .number()
      .int()
      .min(0, "must be 0-2147483647 seconds")
      .max(2147483647, "must be 0-2147483647 seconds")
      .default(30),
    /** Health probes Traffic Manager sends to every stamp's endpoint. */
    monitor: z
      .strictObject({
        /** Probe protocol: HTTP or HTTPS (HTTPS does not validate the certificate). Defaults to HTTP. */
        protocol: z.enum(["HTTP", "HTTPS"]).default("HTTP"),
        /** Probe port on the stamp's ingress. Defaults to 443 with HTTPS and 80 with HTTP. */
        port: z
          .number()
          .int()
          .min(1, "must be a TCP port (1-65535)")
          .max(65535, "must be a TCP port (1-65535)")
          .optional(),
        /** App health path (the API checks MongoDB). Defaults to /healthz. */
        path: z.string().startsWith("/", "must start with /").default("/healthz"),
        /** Seconds between probes: 10 (fast, billed extra) or 30. Defaults to 30. */
        intervalSeconds: z
          .union([z.literal(10), z.literal(30)], { message: "must be 10 or 30" })
          .default(30),
        /** Seconds a probe may take: 5-10, and 5-9 with a 10-second interval. Defaults to 10. */
        timeoutSeconds: z
          .number()
          .int()
          .min(5, "must be 5-10 seconds")
          .max(10, "must be 5-10 seconds")
          .default(10),
        /** Failed probes tolerated before the stamp is taken out of DNS (0-9). Defaults to 3. */
        toleratedFailures: z.number().int().min(0, "must be 0-9").max(9, "must be 0-9").default(3),
        /** Expected status ranges like "200-299", at most 8. Defaults to ["200-299"]. */
        expectedStatusRanges: z
          .array(statusRange)
          .min(1, "must list at least one range such as 200-299")
          .max(8, "must list at most 8 ranges (the Traffic Manager limit)")
          .default(["200-299"]),
        /**
         * Host header every probe sends (the `host` custom header of the profile's monitorConfig):
         * set it to the stamps' `ingress.hostname` when they set one, or the probes match no route.
         * Unset, probes carry the endpoint's address. `npm run check:stacks` compares the two.
         */
        hostHeader: z
          .string()
          .regex(FQDN, "must be a DNS name such as ratings.contoso.com")
          .optional(),
      })
      .prefault({})
      .refine(PROBE_TIMEOUT.holds, refinement(PROBE_TIMEOUT))
      .transform((m) => ({ ...m, port: m.port ?? defaultProbePort(m.protocol) })),
  }),
  logAnalytics: z
    .strictObject({
      /** Pricing: PerGB2018 (pay as you go, default) or CapacityReservation (needs capacityReservationLevel). */
      sku: z.enum(["PerGB2018", "CapacityReservation"]).default("PerGB2018"),
      /** GB per day reserved with the CapacityReservation sku: 100-500 in steps of 100, 1000, 2000, 5000, 10000, 25000 or 50000. */
      capacityReservationLevel: z
        .number()
        .refine(
          (n) => CAPACITY_RESERVATION_LEVELS.includes(n),
          `must be one of ${CAPACITY_RESERVATION_LEVELS.join(", ")} (GB per day)`,
        )
        .optional(),
      /** Days data is kept (30-730). Defaults to 30. */
      retentionDays: z
        .number()
        .int()
        .min(30, "must be 30-730 days")
        .max(730, "must be 30-730 days")
        .default(30),
    })
    .prefault({})
    .refine(RESERVATION_LEVEL_REQUIRED.holds, refinement(RESERVATION_LEVEL_REQUIRED))
    .refine(RESERVATION_LEVEL_UNUSED.holds, refinement(RESERVATION_LEVEL_UNUSED)),
  /**
   * The identity the stamps' log agents (fluentBit mode) publish with: an existing Entra app
   * registration. Its client secret is the secret key `logsIngestionClientSecret`.
   */
  logsIngestion: z.strictObject({
    /** Entra tenant of the app registration. */
    tenantId: uuid,
    /** Application (client) id of the app registration. */
    clientId: uuid,
    /** Object id of the app's service principal (Enterprise applications), not of the app registration. */
    servicePrincipalObjectId: uuid,
  }),
  /** Expiry date (YYYY-MM-DD) of `logsIngestionClientSecret`; the preview warns from 30 days before, fails from 7. */
  logsIngestionClientSecretExpiresOn: expiryDate,
  /** Pre-flight checks that only warn on this stack (labs): secretExpiry. */
  preflight: preflightSchema(["secretExpiry"]),
  /** Backup storage for the stamps' MongoDB dumps (docs/bcdr.md). Unset: no backup storage. */
  backup: globalBackupSchema.optional(),
  /** E-mail alert when a stamp's Traffic Manager endpoint goes down (docs/bcdr.md). Unset: none. */
  alerts: alertsSchema.optional(),
  /**
   * The app's own name (docs/global.md, "TLS on the shared name"): an Azure DNS zone with a CNAME
   * to the Traffic Manager profile and a zone-scoped identity for the stamps' cert-manager. Unset:
   * users reach <dnsName>.trafficmanager.net over plain HTTP.
   */
  dns: dnsSchema.optional(),
});

/**
 * With `dns`, the stamps serve HTTPS for <appRecord>.<zoneName> and redirect HTTP to it, so the
 * probes must be HTTPS with that name as Host: refused otherwise, the host header filled in when unset.
 */
export const globalSchema = globalFields
  .superRefine((g, ctx) => {
    if (!g.dns) return;
    const name = appHostname(g.dns);
    const monitor = g.trafficManager.monitor;
    if (monitor.protocol !== "HTTPS") {
      ctx.addIssue({
        code: "custom",
        path: ["trafficManager", "monitor", "protocol"],
        message: `must be HTTPS when dns is set: the stamps answer plain HTTP with a redirect to https://${name}/ only`,
      });
    }
    if (monitor.hostHeader !== undefined && monitor.hostHeader.toLowerCase() !== name) {
      ctx.addIssue({
        code: "custom",
        path: ["trafficManager", "monitor", "hostHeader"],
        message: `must be ${name} (dns.appRecord.dns.zoneName), the name the stamps' certificate and routes are for; or leave it unset`,
      });
    }
  })
  .transform((g) =>
    g.dns
      ? {
          ...g,
          trafficManager: {
            ...g.trafficManager,
            monitor: { ...g.trafficManager.monitor, hostHeader: appHostname(g.dns) },
          },
        }
      : g,
  );

export type GlobalConfig = z.infer<typeof globalSchema> & {
  stack: string;
  /** Client secret of the logs-ingestion app registration (`logsIngestion.clientId`). */
  logsIngestionClientSecret: Secret;
  /** Client secret of the cert-manager DNS identity (`dns.certManager.clientId`); set only with `dns`. */
  dnsClientSecret?: Secret;
};
