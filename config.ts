/**
 * Typed, validated stack configuration. Pure: no resources, no Pulumi runtime calls.
 *
 * `parseConfig` takes the raw `<project>:<key>` map Pulumi hands the program and the list of keys
 * that are secret, and returns a typed `StampConfig`, `GlobalConfig` or `LocalConfig`, or throws a
 * `ConfigError` that lists every problem at once, each naming the key path, the bad value and what
 * is allowed. `index.ts` calls it before it registers any resource.
 */
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import {
  AKS_ENGINE_VERSION,
  DEFAULT_KUBERNETES_VERSION,
  SUPPORTED_KUBERNETES_VERSIONS,
} from "./lib/versions";
import { chartPinProblem } from "./lib/helmChart";
import { GATEWAY_API_CRDS, NGF_CHART } from "./lib/ingress";
import { CONTAINER_INSIGHTS_CHART, FLUENT_BIT_CHART } from "./lib/monitoring";

/** The Pulumi project name, which is also the config namespace (`ash-ha-kubernetes:<key>`). */
export const PROJECT = "ash-ha-kubernetes";

/** A secret config value. It never prints itself: use `reveal()` only where it goes into a secret. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[secret]";
  }
  toJSON(): string {
    return "[secret]";
  }
}

/** All problems found in one stack's configuration. */
export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

// ---------------------------------------------------------------------------------------------
// Field rules
// ---------------------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/;
const DNS_PREFIX = /^[A-Za-z][A-Za-z0-9-]{1,43}[A-Za-z0-9]$/;
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
const STAMP_NAME = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
const LOCATION = /^[a-z][a-z0-9-]*$/;
const DNS_LABEL = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const SEMVER = /^\d+\.\d+\.\d+$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IMAGE_REF =
  /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/?[a-z0-9._-]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$/;

/** Source ranges that would open SSH to the whole world. */
export const WORLD_OPEN = ["0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0"];

/** True when `value` is an IPv4 or IPv6 CIDR with a valid prefix length (e.g. 203.0.113.0/24). */
export function isCidr(value: string): boolean {
  const [address, prefix, extra] = value.split("/");
  if (extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (isIPv4(address)) return bits <= 32;
  if (isIPv6(address)) return bits <= 128;
  return false;
}

const httpsUrl = (what: string) =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "https:" && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, `must be an https:// URL of the ${what}`);

const uuid = z.string().regex(UUID, "must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
const nonEmpty = z.string().min(1, "must not be empty");
const imageRef = z
  .string()
  .regex(IMAGE_REF, "must be an image reference with a pinned tag or @sha256 digest")
  .refine((v) => !v.endsWith(":latest"), "must not use the floating tag 'latest'");

/** A download pinned by URL and SHA-256 (the helper VM refuses anything else). */
const pinnedDownload = z.strictObject({
  /** Release tag or version of what is downloaded, e.g. v0.85.0. */
  version: nonEmpty,
  /** Where to download from: the upstream release asset or an internal mirror. */
  url: httpsUrl("download").or(z.string().regex(/^http:\/\/[^\s]+$/, "must be an http(s) URL")),
  /** SHA-256 of the file at `url`, 64 lowercase hex characters. */
  sha256: z.string().regex(SHA256, "must be 64 lowercase hex characters (the file's SHA-256)"),
});

const sshAllowList = z
  .array(z.string())
  .min(1, "must list at least one source CIDR allowed to reach SSH")
  .superRefine((list, ctx) => {
    list.forEach((entry, i) => {
      if (WORLD_OPEN.includes(entry.trim().toLowerCase())) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: "must not open SSH to the whole world; list the admin networks' CIDRs",
        });
      } else if (!isCidr(entry)) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: "must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24",
        });
      }
    });
  });

/** Kubernetes-side settings shared by stamps and the local stack. */
const appSchema = z
  .strictObject({
    /** Namespace of the ratings app. Defaults to "ratings". */
    namespace: z.string().regex(K8S_NAME, "must be a lowercase DNS-1123 label").default("ratings"),
    /** Image of ratings-api, pinned. */
    apiImage: imageRef.default("localhost:5000/ratings/ratings-api:v1.0.0"),
    /** Image of ratings-web, pinned. */
    webImage: imageRef.default("localhost:5000/ratings/ratings-web:v1.0.0"),
    /** MongoDB image, pinned to a supported major. */
    mongoImage: imageRef.default("docker.io/library/mongo:7.0.14"),
    /** ratings-api replicas. Defaults to 2. */
    apiReplicas: z.number().int().min(1).max(20).default(2),
    /** Horizontal pod autoscaler of ratings-web. Defaults to 1..10 replicas at 80 % CPU. */
    webAutoscaling: z
      .strictObject({
        minReplicas: z.number().int().min(1).default(1),
        maxReplicas: z.number().int().min(1).max(100).default(10),
        cpuUtilizationPercent: z.number().int().min(10).max(100).default(80),
      })
      .prefault({})
      .refine((a) => a.minReplicas <= a.maxReplicas, {
        message: "minReplicas must not exceed maxReplicas",
      }),
    /** Size of MongoDB's persistent volume. Defaults to 8Gi. */
    mongoStorageSize: z
      .string()
      .regex(/^[1-9]\d*(Mi|Gi|Ti)$/, "must be a Kubernetes quantity such as 8Gi")
      .default("8Gi"),
    /** Storage class of MongoDB's volume; unset uses the cluster default. */
    storageClass: z.string().regex(K8S_NAME, "must be a storage class name").optional(),
  })
  .prefault({});

/** A registry host (optional port and path prefix) that mirrors upstream images, paths kept. */
const imageRegistry = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/,
    "must be a registry host with optional port and path, e.g. registry.contoso.local:5000/mirror",
  );

const imageTag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, "must be an image tag such as 5.0.9")
  .refine((v) => v !== "latest", "must not be the floating tag 'latest'");

const chartVersion = (example: string) =>
  z.string().regex(SEMVER, `must be an exact chart version such as ${example}`);

/** Refuses a chart source that would not deploy exactly the pinned version (lib/helmChart.ts). */
const checkChartPin =
  (name: string) => (c: { chart: string; chartVersion: string }, ctx: z.RefinementCtx) => {
    const problem = chartPinProblem(name, c.chart, c.chartVersion);
    if (problem) ctx.addIssue({ code: "custom", path: ["chart"], message: problem });
  };

const ingressSchema = z
  .strictObject({
    /** NGINX Gateway Fabric chart: oci:// reference, http(s) chart repository URL or nginx-gateway-fabric-<chartVersion>.tgz archive (path or URL). */
    chart: nonEmpty.default(NGF_CHART.source),
    /** Exact chart version; the NGF images are pinned to the same version (NGF's appVersion). Defaults to 2.4.2. */
    chartVersion: chartVersion(NGF_CHART.version).default(NGF_CHART.version),
    /** Gateway API standard-channel CRDs: a manifest URL or a local file. Defaults to v1.4.1, the version NGF 2.4.x expects. */
    gatewayApiCrds: nonEmpty.default(GATEWAY_API_CRDS),
    /** Registry mirroring ghcr.io, paths kept (<registry>/nginx/nginx-gateway-fabric[/nginx]); unset pulls from ghcr.io. */
    imageRegistry: imageRegistry.optional(),
    /** Fixed load balancer IP of the one LoadBalancer service; unset lets the cloud pick. */
    loadBalancerIp: z
      .string()
      .refine((v) => isIPv4(v) || isIPv6(v), "must be an IP address")
      .optional(),
    /** Hostname the routes answer to; unset answers any host. */
    hostname: z.string().regex(FQDN, "must be a DNS name such as ratings.contoso.com").optional(),
    /** Kubernetes TLS secret (in the gateway's namespace) for an HTTPS listener. */
    tlsSecretName: z.string().regex(K8S_NAME, "must be a secret name").optional(),
  })
  .superRefine(checkChartPin(NGF_CHART.name))
  .prefault({});

const monitoringSchema = z
  .strictObject({
    /** fluentBit (default, supported), containerInsights (retired Helm onboarding) or none. */
    mode: z.enum(["fluentBit", "containerInsights", "none"]).default("fluentBit"),
    /** Outbound proxy for the agent, e.g. http://proxy.contoso.local:3128 (no credentials in it). */
    proxy: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, "must be an http(s) proxy URL")
      .refine(
        (v) => !/^https?:\/\/[^/]*@/.test(v),
        "must not contain credentials (config values are plain text); allow the cluster's egress addresses on the proxy instead",
      )
      .optional(),
    /** Log Analytics domain: opinsights.azure.com (public), .us or .cn for sovereign clouds. */
    domain: z
      .enum(["opinsights.azure.com", "opinsights.azure.us", "opinsights.azure.cn"])
      .default("opinsights.azure.com"),
    /** Registry mirroring the agent images, upstream paths kept; unset pulls from upstream. */
    imageRegistry: imageRegistry.optional(),
    /** fluent/fluent-bit chart and the Fluent Bit image tag (the chart's appVersion). */
    fluentBit: z
      .strictObject({
        /** Chart source. Defaults to the chart repository https://fluent.github.io/helm-charts. */
        chart: nonEmpty.default(FLUENT_BIT_CHART.source),
        /** Exact chart version. Defaults to 0.57.9. */
        chartVersion: chartVersion(FLUENT_BIT_CHART.version).default(FLUENT_BIT_CHART.version),
        /** Fluent Bit image tag, the chart's appVersion. Defaults to 5.0.9. */
        imageTag: imageTag.default(FLUENT_BIT_CHART.imageTag),
      })
      .superRefine(checkChartPin(FLUENT_BIT_CHART.name))
      .prefault({}),
    /** azuremonitor-containers chart and the ama-logs image tag. */
    containerInsights: z
      .strictObject({
        /** Chart source. Defaults to the chart repository https://microsoft.github.io/charts/repo. */
        chart: nonEmpty.default(CONTAINER_INSIGHTS_CHART.source),
        /** Exact chart version. Defaults to 3.1.27. */
        chartVersion: chartVersion(CONTAINER_INSIGHTS_CHART.version).default(
          CONTAINER_INSIGHTS_CHART.version,
        ),
        /** ama-logs image tag (the chart's amalogs.image.tag). Defaults to 3.1.27. */
        imageTag: imageTag.default(CONTAINER_INSIGHTS_CHART.imageTag),
      })
      .superRefine(checkChartPin(CONTAINER_INSIGHTS_CHART.name))
      .prefault({}),
  })
  .superRefine((m, ctx) => {
    if (m.mode === "fluentBit" && m.domain !== "opinsights.azure.com") {
      ctx.addIssue({
        code: "custom",
        path: ["domain"],
        message:
          "needs mode containerInsights: Fluent Bit's azure_logs_ingestion output signs in to the public Azure cloud only",
      });
    }
  })
  .prefault({});

// ---------------------------------------------------------------------------------------------
// Stack kinds
// ---------------------------------------------------------------------------------------------

const azureStackSchema = z.strictObject({
  /** The stamp's region name, e.g. "seattle". */
  location: z.string().regex(LOCATION, "must be a lowercase region name such as seattle"),
  /** The stamp's external domain, e.g. azurestack.contoso.com. */
  externalFqdn: z.string().regex(FQDN, "must be a DNS name such as azurestack.contoso.com"),
  /** ARM endpoint. Defaults to https://management.<location>.<externalFqdn>. */
  armEndpoint: httpsUrl("stamp's ARM endpoint").optional(),
  /** Portal URL. Defaults to https://portal.<location>.<externalFqdn>/. */
  portalUrl: httpsUrl("stamp's user portal").optional(),
  /** Identity system of the stamp: azure_ad or adfs. Defaults to azure_ad. */
  identitySystem: z.enum(["azure_ad", "adfs"]).default("azure_ad"),
  /**
   * ARM token audience of the stamp: `authentication.audiences[0]` of
   * `<armEndpoint>/metadata/endpoints?api-version=1.0`. It goes into the cluster definition so
   * aks-engine needs no metadata call.
   */
  tokenAudience: httpsUrl(
    "stamp's ARM token audience (authentication.audiences[0] of its metadata endpoint)",
  ),
  /** Sign-in endpoint. Defaults to https://login.microsoftonline.com/ (azure_ad) or https://adfs.<location>.<externalFqdn>/adfs/ (adfs). */
  activeDirectoryEndpoint: httpsUrl("identity provider's sign-in endpoint").optional(),
  /** Graph endpoint. Defaults to https://graph.windows.net/ (azure_ad) or https://graph.<location>.<externalFqdn>/ (adfs). */
  graphEndpoint: httpsUrl("Graph endpoint").optional(),
  subscriptionId: uuid,
  tenantId: uuid,
  /** Service principal (client) id; its secret is the secret key `servicePrincipalSecret`. */
  clientId: uuid,
  /** True when the stamp has no internet access (mirrors, no unattended upgrades). */
  disconnected: z.boolean().default(false),
  /** Extra PEM CA bundle for the helper VM to trust (public). Defaults to the stamp CA at /var/lib/waagent/Certificates.pem only. */
  caCertificatePem: z
    .string()
    .startsWith("-----BEGIN CERTIFICATE-----", "must be a PEM certificate")
    .optional(),
});

const poolSchema = z.strictObject({
  /** Pool name, ^[a-z][a-z0-9]{0,11}$. */
  name: z.string().regex(POOL_NAME, "must match ^[a-z][a-z0-9]{0,11}$ (lowercase, max 12 chars)"),
  /** Worker count; below 3 is outside the support policy. */
  count: z.number().int().min(1, "must be at least 1"),
  vmSize: nonEmpty.default("Standard_DS2_v2"),
});

const clusterSchema = z.strictObject({
  /** DNS prefix of the API server: <dnsPrefix>.<location>.cloudapp.<externalFqdn>. */
  dnsPrefix: z
    .string()
    .regex(
      DNS_PREFIX,
      "must match ^[A-Za-z][A-Za-z0-9-]{1,43}[A-Za-z0-9]$ (3-45 chars, letter first)",
    ),
  /** Kubernetes version, one the pinned aks-engine-azurestack supports. */
  kubernetesVersion: z
    .enum(SUPPORTED_KUBERNETES_VERSIONS, {
      message: `must be a version aks-engine-azurestack ${AKS_ENGINE_VERSION} supports: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    })
    .default(DEFAULT_KUBERNETES_VERSION),
  /** Masters: 3 or 5 (1 only with allowNonHaMasters). Cannot change after deploy. Defaults to 3. */
  masterCount: z
    .union([z.literal(1), z.literal(3), z.literal(5)], {
      message: "must be 3 or 5 (1 only with allowNonHaMasters: true)",
    })
    .default(3),
  /** Opt-in for a single master (not highly available; labs only). Defaults to false. */
  allowNonHaMasters: z.boolean().default(false),
  masterVmSize: nonEmpty.default("Standard_DS2_v2"),
  /** Linux worker pools. Defaults to one pool "linuxpool" of 3 Standard_DS2_v2. */
  pools: z
    .array(poolSchema)
    .min(1, "must have at least one pool")
    .default([{ name: "linuxpool", count: 3, vmSize: "Standard_DS2_v2" }]),
  /** kubenet (default) or azure (Azure CNI). */
  networkPlugin: z.enum(["kubenet", "azure"]).default("kubenet"),
  /** Network policy engine: none (default) or azure (requires networkPlugin azure). */
  networkPolicy: z.enum(["none", "azure"]).default("none"),
  /** Ceiling of masters + workers (the practical ASH limit is 50 per subscription). Defaults to 50. */
  maxNodes: z.number().int().min(1).default(50),
  /** Linux admin user on the nodes. Defaults to azureuser. */
  adminUsername: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Linux user name")
    .default("azureuser"),
});

const helperVmSchema = z.strictObject({
  /** Source CIDRs allowed to reach the helper VM's SSH port. Never world-open. */
  sshAllowList,
  vmSize: nonEmpty.default("Standard_DS1_v2"),
  /** Marketplace image of Ubuntu 22.04 LTS as it is syndicated on this stamp. */
  image: z
    .strictObject({
      publisher: nonEmpty.default("Canonical"),
      offer: nonEmpty.default("0001-com-ubuntu-server-jammy"),
      sku: nonEmpty.default("22_04-lts-gen2"),
      version: nonEmpty.default("latest"),
    })
    .prefault({}),
  adminUsername: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Linux user name")
    .default("azureuser"),
  /** DNS label of the helper VM's public IP. Defaults to <stamp>-aks-helper. */
  dnsLabel: z.string().regex(DNS_LABEL, "must be a lowercase DNS label (3-63 chars)").optional(),
  /** The aks-engine-azurestack release tarball: version, URL (release asset or mirror), SHA-256. */
  aksEngine: pinnedDownload.refine((d) => d.version === AKS_ENGINE_VERSION, {
    message: `version must be ${AKS_ENGINE_VERSION}, the release this program's cluster definition is written for`,
    path: ["version"],
  }),
  /** The kubectl binary: version, URL, SHA-256. */
  kubectl: pinnedDownload,
});

const trafficManagerEndpointSchema = z.strictObject({
  /** Stack that owns the Traffic Manager profile, e.g. "organization/ash-ha-kubernetes/global". */
  globalStack: nonEmpty.default("global"),
  /** Weight for Weighted routing (1-1000). Defaults to 1. */
  weight: z.number().int().min(1).max(1000).default(1),
  /** Priority for Priority routing (1-1000, lower wins). Defaults to 1. */
  priority: z.number().int().min(1).max(1000).default(1),
  /** Azure region closest to the stamp, for Performance routing, e.g. westus2. */
  endpointLocation: nonEmpty,
  /**
   * What Traffic Manager resolves to for this stamp. Defaults to the ingress public IP; set it when
   * that IP is intranet-only and the app is published through a firewall/NAT or reverse proxy.
   */
  target: z
    .string()
    .refine(
      (v) => isIPv4(v) || isIPv6(v) || FQDN.test(v),
      "must be the public IP address or DNS name Traffic Manager should hand out",
    )
    .optional(),
});

const stampSchema = z.strictObject({
  kind: z.literal("stamp"),
  azureStack: azureStackSchema,
  cluster: clusterSchema,
  helperVm: helperVmSchema,
  trafficManager: trafficManagerEndpointSchema,
  ingress: ingressSchema,
  monitoring: monitoringSchema,
  app: appSchema,
});

/** Routing methods whose endpoint settings a stamp registers (endpointLocation, weight, priority). */
const STAMP_ROUTING_METHODS: readonly string[] = ["Performance", "Priority", "Weighted"];
/** Capacity reservation levels (GB per day) Log Analytics accepts. */
const CAPACITY_RESERVATION_LEVELS = [
  100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 25000, 50000,
];

/** An expected status code range such as "200-299": first code not above the last. */
const statusRange = z
  .string()
  .regex(/^[1-5]\d\d-[1-5]\d\d$/, "must be a range such as 200-299")
  .refine((r) => {
    const [min, max] = r.split("-").map(Number);
    return min <= max;
  }, "must not start above its end (e.g. 200-299)");

const globalSchema = z.strictObject({
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
        /** Probe port on the stamp's ingress. Defaults to 80. */
        port: z
          .number()
          .int()
          .min(1, "must be a TCP port (1-65535)")
          .max(65535, "must be a TCP port (1-65535)")
          .default(80),
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
        /** Host header the probes send when routes match a hostname; unset sends the endpoint address. */
        hostHeader: z.string().regex(FQDN, "must be a DNS name").optional(),
      })
      .prefault({})
      .refine((m) => m.intervalSeconds !== 10 || m.timeoutSeconds <= 9, {
        message:
          "must be 5-9 seconds when intervalSeconds is 10 (the timeout must be below the interval)",
        path: ["timeoutSeconds"],
      }),
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
    .refine((l) => l.sku !== "CapacityReservation" || l.capacityReservationLevel !== undefined, {
      message: "is required with sku CapacityReservation (GB per day, e.g. 100)",
      path: ["capacityReservationLevel"],
    })
    .refine((l) => l.sku === "CapacityReservation" || l.capacityReservationLevel === undefined, {
      message: "is only used with sku CapacityReservation; remove it or change the sku",
      path: ["capacityReservationLevel"],
    }),
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
});

const localSchema = z.strictObject({
  kind: z.literal("local"),
  local: z
    .strictObject({
      /** Kubeconfig of the cluster to deploy into. Defaults to .local/kubeconfig (the local control plane). */
      kubeconfigPath: nonEmpty.default(".local/kubeconfig"),
      /** Stand-in stamp name used for labels and the monitoring cluster name. Defaults to local. */
      stampName: z.string().regex(STAMP_NAME, "must be a lowercase name").default("local"),
    })
    .prefault({}),
  app: appSchema,
});

export type StampSettings = z.infer<typeof stampSchema>;
export type GlobalConfig = z.infer<typeof globalSchema> & {
  stack: string;
  /** Client secret of the logs-ingestion app registration (`logsIngestion.clientId`). */
  logsIngestionClientSecret: Secret;
};
export type LocalConfig = z.infer<typeof localSchema> & { stack: string };
export type ClusterConfig = StampSettings["cluster"];
export type HelperVmConfig = StampSettings["helperVm"];
export type AppConfig = z.infer<typeof appSchema>;
export type IngressConfig = z.infer<typeof ingressSchema>;
export type MonitoringConfig = z.infer<typeof monitoringSchema>;

/** A stamp's configuration with derived endpoints and its secret. */
export type StampConfig = StampSettings & {
  stack: string;
  /** Stamp name: the stack name, lowercase. */
  name: string;
  azureStack: StampSettings["azureStack"] & {
    armEndpoint: string;
    portalUrl: string;
    /** ARM metadata host for the azurestack provider (host part of armEndpoint). */
    metadataHost: string;
    activeDirectoryEndpoint: string;
    graphEndpoint: string;
  };
  helperVm: HelperVmConfig & { dnsLabel: string };
  /** The service principal's client secret. */
  servicePrincipalSecret: Secret;
  /** The service principal's certificate and private key (PEM) for aks-engine's ARM sign-in. */
  servicePrincipalCertificate: Secret;
};

export type Config = StampConfig | GlobalConfig | LocalConfig;

/**
 * Keys that are read as secrets, never as plain values, with the stack kinds that need them and
 * how to set them. Every listed key is required for its kinds and refused for the others.
 */
export const SECRET_KEYS: Readonly<Record<string, { kinds: readonly string[]; what: string }>> = {
  servicePrincipalSecret: {
    kinds: ["stamp"],
    what: "the service principal's client secret (the cluster's cloud provider credential)",
  },
  servicePrincipalCertificate: {
    kinds: ["stamp"],
    what: "the service principal's certificate and private key in one PEM (aks-engine signs in to ARM with it, so no secret goes on its command line)",
  },
  logsIngestionClientSecret: {
    kinds: ["global"],
    what: "a client secret of the logs-ingestion app registration (logsIngestion.clientId), which the stamps' log agents sign in with",
  },
};

const KINDS = { stamp: stampSchema, global: globalSchema, local: localSchema } as const;

/** Result of parsing: the typed config and non-fatal warnings (e.g. below the support policy). */
export interface ParsedConfig<T extends Config = Config> {
  config: T;
  warnings: string[];
}

/**
 * Parses and validates a stack's raw configuration.
 * @param stack the stack name (stamps use it as their name)
 * @param raw the `<project>:<key>` map, values as Pulumi passes them (objects as JSON text)
 * @param secretKeys full keys (`<project>:<key>`) whose values are secrets
 */
export function parseConfig(
  stack: string,
  raw: Record<string, string>,
  secretKeys: string[],
): ParsedConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(raw)) {
    const [ns, key] = splitKey(fullKey);
    if (ns !== PROJECT) continue; // provider or pulumi: keys belong to their owners
    const value = decode(text);
    // Pulumi.yaml gives every optional key an empty default ({} or ""): that means unset.
    if (value === "" || (isPlainObject(value) && Object.keys(value).length === 0)) continue;
    values[key] = value;
  }

  const kind = values.kind;
  if (typeof kind !== "string" || !(kind in KINDS)) {
    throw new ConfigError(stack, [
      `${PROJECT}:kind: ${show(kind)} is not a known stack kind; allowed: ${Object.keys(KINDS).join(", ")}`,
    ]);
  }

  const secrets: Record<string, string> = {};
  for (const [key, { kinds, what }] of Object.entries(SECRET_KEYS)) {
    if (key in values) {
      if (!secretKeys.includes(`${PROJECT}:${key}`)) {
        problems.push(
          `${key}: is stored in plaintext; set it with \`pulumi config set --secret ${key}\` so it is encrypted`,
        );
      }
      if (!kinds.includes(kind)) {
        problems.push(`${key}: is only used by ${kinds.join(", ")} stacks, not by kind ${kind}`);
      }
      secrets[key] = String(values[key]);
      delete values[key];
    } else if (kinds.includes(kind)) {
      problems.push(`${key}: is missing; set ${what} with \`pulumi config set --secret ${key}\``);
    }
  }
  if (secrets.servicePrincipalCertificate !== undefined) {
    problems.push(...checkCertificateBundle(secrets.servicePrincipalCertificate));
  }

  const parsed = KINDS[kind as keyof typeof KINDS].safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue, values));
  }

  const warnings: string[] = [];
  let config: Config | undefined;
  if (parsed.success) {
    if (kind === "stamp") {
      config = deriveStamp(stack, parsed.data as StampSettings, {
        servicePrincipalSecret: new Secret(secrets.servicePrincipalSecret ?? ""),
        servicePrincipalCertificate: new Secret(secrets.servicePrincipalCertificate ?? ""),
      });
      problems.push(...checkStamp(stack, config, warnings));
    } else if (kind === "global") {
      config = {
        ...(parsed.data as z.infer<typeof globalSchema>),
        stack,
        logsIngestionClientSecret: new Secret(secrets.logsIngestionClientSecret ?? ""),
      };
    } else {
      config = { ...(parsed.data as object), stack } as Config;
    }
  }
  if (problems.length > 0 || !config) throw new ConfigError(stack, problems);
  return { config, warnings };
}

/** Cross-field rules of a stamp that a per-field schema cannot express. */
function checkStamp(stack: string, s: StampConfig, warnings: string[]): string[] {
  const problems: string[] = [];
  const { cluster, azureStack } = s;
  if (!STAMP_NAME.test(stack)) {
    problems.push(
      `stack name: "${stack}" is used as the stamp name and must be lowercase letters, digits and dashes (2-24 chars)`,
    );
  }
  if (cluster.masterCount === 1) {
    if (!cluster.allowNonHaMasters) {
      problems.push(
        "cluster.masterCount: 1 is not highly available; allowed: 3 or 5 (set cluster.allowNonHaMasters: true to accept a single master)",
      );
    } else {
      warnings.push("cluster.masterCount: 1 master is not highly available; use it for labs only");
    }
  }
  if (cluster.networkPolicy === "azure" && cluster.networkPlugin !== "azure") {
    problems.push(
      `cluster.networkPolicy: "azure" requires cluster.networkPlugin "azure" (got "${cluster.networkPlugin}"); allowed with kubenet: none`,
    );
  }
  const names = new Set<string>();
  cluster.pools.forEach((pool, i) => {
    if (names.has(pool.name))
      problems.push(`cluster.pools[${i}].name: "${pool.name}" is used twice`);
    names.add(pool.name);
    if (pool.count < 3) {
      warnings.push(
        `cluster.pools[${i}].count: ${pool.count} workers is below the support policy minimum of 3`,
      );
    }
  });
  const nodes = cluster.masterCount + cluster.pools.reduce((n, p) => n + p.count, 0);
  if (nodes > cluster.maxNodes) {
    problems.push(
      `cluster: ${nodes} nodes (masters + workers) exceed cluster.maxNodes ${cluster.maxNodes}; the practical ASH ceiling is 50 per subscription (raise cluster.maxNodes explicitly if your quota allows more)`,
    );
  }
  const portal = azureStack.portalUrl;
  const expectedPrefix = `https://portal.${azureStack.location}.`;
  if (!portal.startsWith(expectedPrefix)) {
    problems.push(
      `azureStack.portalUrl: "${portal}" must start with "${expectedPrefix}" (aks-engine requires the portal URL to match the location)`,
    );
  }
  return problems;
}

function defaultPortal(location: string, fqdn: string): string {
  return `https://portal.${location}.${fqdn}/`;
}

/** The certificate bundle must hold one certificate and its private key; never echo its content. */
function checkCertificateBundle(pem: string): string[] {
  const hasCert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem);
  const hasKey =
    /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (RSA |EC )?PRIVATE KEY-----/.test(pem);
  if (hasCert && hasKey) return [];
  return [
    `servicePrincipalCertificate: [secret] must be one PEM holding a CERTIFICATE block and a PRIVATE KEY block (missing: ${[hasCert ? "" : "CERTIFICATE", hasKey ? "" : "PRIVATE KEY"].filter(Boolean).join(", ")})`,
  ];
}

function deriveStamp(
  stack: string,
  s: StampSettings,
  secrets: Pick<StampConfig, "servicePrincipalSecret" | "servicePrincipalCertificate">,
): StampConfig {
  const armEndpoint =
    s.azureStack.armEndpoint ??
    `https://management.${s.azureStack.location}.${s.azureStack.externalFqdn}`;
  const where = `${s.azureStack.location}.${s.azureStack.externalFqdn}`;
  const adfs = s.azureStack.identitySystem === "adfs";
  return {
    ...s,
    stack,
    name: stack,
    azureStack: {
      ...s.azureStack,
      armEndpoint,
      portalUrl:
        s.azureStack.portalUrl ?? defaultPortal(s.azureStack.location, s.azureStack.externalFqdn),
      metadataHost: new URL(armEndpoint).host,
      activeDirectoryEndpoint:
        s.azureStack.activeDirectoryEndpoint ??
        (adfs ? `https://adfs.${where}/adfs/` : "https://login.microsoftonline.com/"),
      graphEndpoint:
        s.azureStack.graphEndpoint ??
        (adfs ? `https://graph.${where}/` : "https://graph.windows.net/"),
    },
    helperVm: { ...s.helperVm, dnsLabel: s.helperVm.dnsLabel ?? `${stack}-aks-helper` },
    ...secrets,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function splitKey(fullKey: string): [string, string] {
  const i = fullKey.indexOf(":");
  return i < 0 ? ["", fullKey] : [fullKey.slice(0, i), fullKey.slice(i + 1)];
}

/** Pulumi passes objects, arrays, numbers and booleans as JSON text; strings as they are. */
function decode(text: string): unknown {
  const t = text.trim();
  if (/^[[{]/.test(t) || /^(true|false|-?\d+(\.\d+)?)$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

function describeIssue(issue: z.core.$ZodIssue, values: Record<string, unknown>): string {
  const path = issue.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .slice(1);
  if (issue.code === "unrecognized_keys") {
    const where = path ? `${path}.` : "";
    return issue.keys
      .map(
        (k) =>
          `${where}${k}: is not a known key (typo?); remove it or see the config reference in README.md`,
      )
      .join("\n  - ");
  }
  const value = valueAt(values, issue.path);
  const got = value === undefined ? "is missing" : `${show(value)}`;
  let message = issue.message;
  if (issue.code === "invalid_value" && "values" in issue) {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (issue.code === "invalid_type" && value === undefined) {
    message = `is required (${issue.expected})`;
  } else if (issue.code === "invalid_type") {
    message = `must be of type ${issue.expected}`;
  }
  return value === undefined ? `${path}: ${got}; ${message}` : `${path}: ${got} ${message}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Derived names and URLs shared by components. */
export function apiServerFqdn(c: StampConfig): string {
  return `${c.cluster.dnsPrefix}.${c.azureStack.location}.cloudapp.${c.azureStack.externalFqdn}`;
}
