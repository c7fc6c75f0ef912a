/**
 * Every cross-field rule of the configuration, in one place: the ones the schemas apply while
 * parsing (`CrossFieldRule`, each naming the key it reports on) and the ones that need the stack
 * name or derived values and run after parsing (`checkStamp`, `checkCertificateBundle`). Pure.
 */
import type { z } from "zod";
import { parsePem } from "../lib/pem";
import { STAMP_NAME } from "./fields";

/** A rule over several fields of one object; its problem is reported at `path` in that object. */
export interface CrossFieldRule<T> {
  holds: (value: T) => boolean;
  message: string;
  path?: string[];
}

/** The zod `refine` parameters of a rule. */
export function refinement<T>(rule: CrossFieldRule<T>): { message: string; path?: string[] } {
  return rule.path ? { message: rule.message, path: rule.path } : { message: rule.message };
}

/** The rule as a zod `superRefine` callback (one custom issue when it does not hold). */
export function superRefinement<T>(rule: CrossFieldRule<T>) {
  return (value: T, ctx: z.RefinementCtx) => {
    if (!rule.holds(value)) {
      ctx.addIssue({ code: "custom", path: rule.path ?? [], message: rule.message });
    }
  };
}

/** app.webAutoscaling: the range must not be empty. */
export const AUTOSCALING_RANGE: CrossFieldRule<{ minReplicas: number; maxReplicas: number }> = {
  holds: (a) => a.minReplicas <= a.maxReplicas,
  message: "minReplicas must not exceed maxReplicas",
};

/** monitoring: Fluent Bit ships to the public cloud's Logs Ingestion API only. */
export const FLUENT_BIT_DOMAIN: CrossFieldRule<{ mode: string; domain: string }> = {
  holds: (m) => !(m.mode === "fluentBit" && m.domain !== "opinsights.azure.com"),
  path: ["domain"],
  message:
    "needs mode containerInsights: Fluent Bit's azure_logs_ingestion output signs in to the public Azure cloud only",
};

/**
 * monitoring: the azuremonitor-containers chart (3.1.x) has no imagePullSecrets value, so only
 * Fluent Bit's pods can use a pull secret (lib/pullSecrets.ts).
 */
export const MONITORING_PULL_SECRET: CrossFieldRule<{ mode: string; imagePullSecret?: unknown }> = {
  holds: (m) => m.imagePullSecret === undefined || m.mode === "fluentBit",
  path: ["imagePullSecret"],
  message:
    "is only used with mode fluentBit: the azuremonitor-containers chart has no imagePullSecrets value (mirror its image to a registry the nodes pull from without credentials), and mode none pulls nothing",
};

/** trafficManager.monitor: a probe's timeout must be below a 10-second interval. */
export const PROBE_TIMEOUT: CrossFieldRule<{ intervalSeconds: number; timeoutSeconds: number }> = {
  holds: (m) => m.intervalSeconds !== 10 || m.timeoutSeconds <= 9,
  message:
    "must be 5-9 seconds when intervalSeconds is 10 (the timeout must be below the interval)",
  path: ["timeoutSeconds"],
};

/** The parts of `helperVm.image` the generation rule reads. */
export interface MarketplaceImage {
  publisher: string;
  offer: string;
  sku: string;
}

/**
 * helperVm.image: Azure Stack Hub runs generation 1 VMs only (azure-stack-docs,
 * azure-stack/user/azure-stack-vm-considerations.md, "VHD generation"), so a generation 2 image
 * never boots there. The SKU markers of generation 2 images: a `-gen2` suffix (any publisher,
 * e.g. Canonical `22_04-lts-gen2`), Arm64 images (generation 2 only), confidential-VM images
 * (`-cvm`, generation 2 only), and in Canonical's newer `ubuntu-<yy>_<mm>-lts` offers every SKU
 * without the `-gen1` suffix (`server` is generation 2, `server-gen1` generation 1). Returns the
 * message for `helperVm.image.sku`, or undefined for a generation 1 image.
 */
export function generation2Problem(image: MarketplaceImage): string | undefined {
  const sku = image.sku.toLowerCase();
  const why = "Azure Stack Hub supports generation 1 VMs only";
  const canonical = image.publisher.toLowerCase() === "canonical";
  if (/(^|[-_])gen2$/.test(sku)) {
    return `is a generation 2 image (the SKU ends in -gen2); ${why}: use the generation 1 SKU, e.g. 22_04-lts`;
  }
  if (/(^|[-_])arm64$/.test(sku)) {
    return `is an Arm64 image (generation 2 only); ${why}, on x64: use the generation 1 SKU, e.g. 22_04-lts`;
  }
  if (/(^|[-_])cvm$/.test(sku)) {
    return `is a confidential-VM image (generation 2 only); ${why}: use the generation 1 SKU, e.g. 22_04-lts`;
  }
  if (canonical && /^ubuntu-\d{2}_\d{2}-lts/i.test(image.offer) && !sku.endsWith("-gen1")) {
    return `is a generation 2 image (in Canonical's ${image.offer} offer only SKUs ending in -gen1 are generation 1); ${why}: use e.g. server-gen1, or offer 0001-com-ubuntu-server-jammy with SKU 22_04-lts`;
  }
  return undefined;
}

type Reservation = { sku: string; capacityReservationLevel?: number };

/** logAnalytics: the CapacityReservation sku needs a level ... */
export const RESERVATION_LEVEL_REQUIRED: CrossFieldRule<Reservation> = {
  holds: (l) => l.sku !== "CapacityReservation" || l.capacityReservationLevel !== undefined,
  message: "is required with sku CapacityReservation (GB per day, e.g. 100)",
  path: ["capacityReservationLevel"],
};

/** ... and no other sku takes one. */
export const RESERVATION_LEVEL_UNUSED: CrossFieldRule<Reservation> = {
  holds: (l) => l.sku === "CapacityReservation" || l.capacityReservationLevel === undefined,
  message: "is only used with sku CapacityReservation; remove it or change the sku",
  path: ["capacityReservationLevel"],
};

/** The parts of a parsed stamp config (`StampConfig`) its cross-field rules read. */
export interface StampShape {
  cluster: {
    masterCount: number;
    allowNonHaMasters: boolean;
    networkPlugin: string;
    networkPolicy: string;
    acceptUnenforcedNetworkPolicies: boolean;
    maxNodes: number;
    pools: { name: string; count: number }[];
  };
  azureStack: { location: string; portalUrl: string };
  app: { apiImage: string; webImage: string; mongoImage: string };
}

/** Registry hosts only the machine itself can reach (the local demo's registry). */
const LOOPBACK_REGISTRY = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?\//i;

/** A stamp's images come from a registry its nodes reach, never the local demo's `localhost:5000`. */
export function stampImageProblems(app: StampShape["app"]): string[] {
  return (["apiImage", "webImage", "mongoImage"] as const)
    .filter((key) => LOOPBACK_REGISTRY.test(app[key]))
    .map(
      (key) =>
        `app.${key}: "${app[key]}" is on a loopback registry that a stamp's nodes cannot pull from (the default is for the local demo); ` +
        "build the ratings images from the AKS workshop sources, push them to a registry the stamp reaches (your registry, or the stamp's mirror when disconnected) and set the key to that pinned reference",
    );
}

/**
 * Cross-field rules of a stamp that need the stack name or derived values (problems), and the
 * support-policy warnings.
 */
export function checkStamp(stack: string, s: StampShape, warnings: string[]): string[] {
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
      `cluster.networkPolicy: "azure" requires cluster.networkPlugin "azure" (got "${cluster.networkPlugin}"); allowed with kubenet: calico`,
    );
  }
  if (cluster.networkPolicy === "none") {
    if (!cluster.acceptUnenforcedNetworkPolicies) {
      problems.push(
        'cluster.networkPolicy: "none" leaves the NetworkPolicies of the app, the gateway and the monitoring agent unenforced; ' +
          'allowed: "calico" (the default) or "azure" (with networkPlugin azure); to keep "none" (a cluster deployed ' +
          "without an engine cannot switch), set cluster.acceptUnenforcedNetworkPolicies: true",
      );
    } else {
      warnings.push(
        'cluster.networkPolicy: "none": nothing enforces the NetworkPolicies this stack deploys (default-deny included); every pod can reach every other pod',
      );
    }
  } else if (cluster.acceptUnenforcedNetworkPolicies) {
    problems.push(
      `cluster.acceptUnenforcedNetworkPolicies: true is only used with networkPolicy "none" (got "${cluster.networkPolicy}"); remove it`,
    );
  }
  problems.push(...stampImageProblems(s.app));
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

/**
 * The certificate bundle must be PEM blocks only, line feeds only (lib/pem.ts), holding a
 * certificate and its private key; never echo its content.
 */
export function checkCertificateBundle(pem: string): string[] {
  const parsed = parsePem(pem);
  if ("problem" in parsed) return [`servicePrincipalCertificate: [secret] ${parsed.problem}`];
  const labels = parsed.blocks.map((b) => b.label);
  const hasCert = labels.includes("CERTIFICATE");
  const hasKey = labels.some((l) => /^((RSA|EC) )?PRIVATE KEY$/.test(l));
  if (hasCert && hasKey) return [];
  return [
    `servicePrincipalCertificate: [secret] must be one PEM holding a CERTIFICATE block and a PRIVATE KEY block (missing: ${[hasCert ? "" : "CERTIFICATE", hasKey ? "" : "PRIVATE KEY"].filter(Boolean).join(", ")})`,
  ];
}
