/**
 * The pre-flight checks a preview runs before any resource is registered (docs/stamp-runbook.md,
 * "Before you deploy"): marketplace images, the public IP budget and secret expiry. Pure: the
 * program (stacks/preflight.ts) reads the facts from the stamp and passes today's date; this module
 * decides and words every finding as `<key>: <value> <what is wrong>; <what to do>`.
 */
import type { MarketplaceImage } from "./versions";

/** The checks, by the name `preflight.warnOnly` lists them with. */
export const PREFLIGHT_CHECKS = ["images", "publicIps", "secretExpiry"] as const;
export type PreflightCheck = (typeof PREFLIGHT_CHECKS)[number];

/** fail stops the preview; warn is printed; pass is printed as a one-line confirmation. */
export type Severity = "fail" | "warn" | "pass";

export interface Finding {
  check: PreflightCheck;
  severity: Severity;
  message: string;
}

/**
 * Default of `azureStack.publicIpLimit`: "Maximum public IPs" of an Azure Stack Hub network quota
 * defaults to 50 per subscription and location (MicrosoftDocs/azure-stack-docs,
 * azure-stack/operator/azure-stack-quota-types.md, "Network quota types").
 */
export const DEFAULT_PUBLIC_IP_LIMIT = 50;

/** Days before expiry from which a preview warns, and from which it fails. */
export const EXPIRY_WARN_DAYS = 30;
export const EXPIRY_FAIL_DAYS = 7;

/** `publisher:offer:sku:version`, as `az vm image list --all` prints an image's URN. */
export const imageUrn = (i: MarketplaceImage) => `${i.publisher}:${i.offer}:${i.sku}:${i.version}`;

/** One marketplace image the stack needs, and whether the stamp's marketplace has it. */
export interface ImageFact {
  /** What the image is for, e.g. "the helper VM". */
  role: string;
  /** The config key that chose it, e.g. `helperVm.image` or `cluster.kubernetesVersion`. */
  key: string;
  /** The key's value when it is not the image itself (e.g. the Kubernetes version). */
  value?: string;
  image: MarketplaceImage;
  found: boolean;
  /** Why it was not found (the provider's error), when it was not. */
  detail?: string;
}

/** Where an image is missing from: the stamp's name and region. */
export interface StampWhere {
  stamp: string;
  location: string;
}

/** The operator's procedure for a missing marketplace image. */
export function imageProcedure(image: MarketplaceImage): string {
  return (
    `an Azure Stack Hub operator adds it in the administrator portal: Marketplace management > ` +
    `Add from Azure > search for offer "${image.offer}" of publisher "${image.publisher}", SKU ` +
    `"${image.sku}", version ${image.version} > Download (disconnected stamps: the marketplace ` +
    `syndication tool, Export-AzSOfflineMarketplaceItem / Import-AzSOfflineMarketplaceItem)`
  );
}

/** A finding per image: pass when the marketplace has it, fail (with the procedure) when not. */
export function imageFindings(facts: ImageFact[], where: StampWhere): Finding[] {
  return facts.map((f) => {
    const urn = imageUrn(f.image);
    // helperVm.image: <urn> (the helper VM's image) / cluster.kubernetesVersion: 1.34.4 needs <urn> (...)
    const what =
      f.value === undefined
        ? `${f.key}: ${urn} (${f.role} image)`
        : `${f.key}: ${f.value} needs ${urn} (${f.role} image)`;
    if (f.found) {
      return {
        check: "images",
        severity: "pass",
        message: `${what} is in the marketplace of stamp ${where.stamp}`,
      };
    }
    const detail = f.detail ? ` (the stamp answered: ${oneLine(f.detail)})` : "";
    return {
      check: "images",
      severity: "fail",
      message:
        `${what} is not in the marketplace of stamp ` +
        `${where.stamp} (location ${where.location})${detail}; ${imageProcedure(f.image)}`,
    };
  });
}

/** A public IP address resource of the subscription, as the stamp lists it. */
export interface PublicIpResource {
  name: string;
  resourceGroup: string;
}

/** What the budget check reads: the quota, the subscription's public IPs, the stack's groups. */
export interface PublicIpFacts {
  /** `azureStack.publicIpLimit`. */
  limit: number;
  /** Every public IP address resource of the subscription on the stamp. */
  existing: PublicIpResource[];
  /** The helper VM's resource group and public IP name (lib/names.ts). */
  helper: { resourceGroup: string; name: string };
  /** The cluster's resource group (aks-engine's API load balancer and the gateway's IP live there). */
  clusterGroup: string;
}

/** The resource group of an ARM resource id (`/subscriptions/<s>/resourceGroups/<g>/...`). */
export function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "(no resource group)";
}

/** aks-engine names the API load balancer's address `k8s-master-ip-<dnsPrefix>-<suffix>`. */
const MASTER_IP = /^k8s-master-ip-/;

/**
 * The public IPs this stack adds: each of helper VM, cluster API load balancer and gateway load
 * balancer that has no address in the subscription yet (an existing stack's count as used).
 */
export function publicIpsToAdd(f: PublicIpFacts): string[] {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const inCluster = f.existing.filter((ip) => same(ip.resourceGroup, f.clusterGroup));
  const adds: string[] = [];
  if (
    !f.existing.some(
      (ip) => same(ip.resourceGroup, f.helper.resourceGroup) && same(ip.name, f.helper.name),
    )
  ) {
    adds.push(`helper VM (${f.helper.name})`);
  }
  if (!inCluster.some((ip) => MASTER_IP.test(ip.name))) {
    adds.push(`cluster API load balancer (k8s-master-ip-* in ${f.clusterGroup})`);
  }
  if (!inCluster.some((ip) => !MASTER_IP.test(ip.name))) {
    adds.push(`gateway load balancer (the NGINX Gateway Fabric Service, in ${f.clusterGroup})`);
  }
  return adds;
}

/** `rg-a 3, rg-b 1`: the subscription's public IPs by resource group, most first. */
export function usageByGroup(existing: PublicIpResource[], max = 8): string {
  const counts = new Map<string, number>();
  for (const ip of existing) counts.set(ip.resourceGroup, (counts.get(ip.resourceGroup) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, max).map(([g, n]) => `${g} ${n}`);
  if (sorted.length > max) shown.push(`${sorted.length - max} more group(s)`);
  return shown.length ? shown.join(", ") : "none";
}

/** Over the limit fails, at the limit warns (no address left for another LoadBalancer Service). */
export function publicIpFinding(f: PublicIpFacts): Finding {
  const adds = publicIpsToAdd(f);
  const total = f.existing.length + adds.length;
  const account =
    `${f.existing.length} already in the subscription (${usageByGroup(f.existing)}) + ` +
    `${adds.length} this stack adds${adds.length ? ` (${adds.join(", ")})` : ""}`;
  const head = `azureStack.publicIpLimit: ${f.limit}`;
  if (total > f.limit) {
    return {
      check: "publicIps",
      severity: "fail",
      message:
        `${head} is exceeded: ${total} public IPs needed = ${account}; delete public IPs nothing ` +
        `uses, or ask the stamp operator to raise "Maximum public IPs" of the subscription's network ` +
        `quota (administrator portal: Plans > the plan > Services and quotas > Network) and set ` +
        `azureStack.publicIpLimit to the new quota`,
    };
  }
  if (total === f.limit) {
    return {
      check: "publicIps",
      severity: "warn",
      message: `${head} is reached: ${total} public IPs = ${account}; the next Service of type LoadBalancer will stay pending until the quota is raised`,
    };
  }
  return {
    check: "publicIps",
    severity: "pass",
    message: `${head}: ${total} public IPs after this change = ${account}`,
  };
}

/** A client secret with an expiry date in config. */
export interface SecretExpiryFact {
  /** The date's config key, e.g. `servicePrincipalSecretExpiresOn`. */
  key: string;
  /** The secret's config key, e.g. `servicePrincipalSecret`. */
  secretKey: string;
  /** YYYY-MM-DD. */
  expiresOn: string;
  /**
   * Whether this change rotates the secret (its value differs from the last deployment's);
   * undefined when unknown (not looked up, or no earlier deployment).
   */
  rotated?: boolean;
}

/** What stops when each secret expires. */
const CONSEQUENCES: Readonly<Record<string, string>> = {
  servicePrincipalSecret:
    "once it expires the cluster's cloud provider can no longer manage load balancers and disks",
  logsIngestionClientSecret:
    "once it expires the stamps' log agents can no longer publish to the Logs Ingestion API",
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `today` (its UTC date) to `date` (YYYY-MM-DD); negative once past. */
export function daysUntil(date: string, today: Date): number {
  const [y, m, d] = date.split("-").map(Number);
  const from = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((Date.UTC(y, m - 1, d) - from) / DAY_MS);
}

/** Whether the date is close enough that the program should find out if the change rotates it. */
export const needsRotationFact = (expiresOn: string, today: Date) =>
  daysUntil(expiresOn, today) <= EXPIRY_WARN_DAYS;

/** How to rotate: the same procedure for both secrets. */
export function rotationProcedure(f: Pick<SecretExpiryFact, "key" | "secretKey">): string {
  return (
    `create a new client secret for the app registration, then in one change run ` +
    `\`pulumi config set --secret ${f.secretKey}\` (value from stdin) and ` +
    `\`pulumi config set ${f.key} <its expiry date, YYYY-MM-DD>\`, and deploy`
  );
}

/**
 * Warns from 30 days before the date, fails from 7 days before (and once past) unless this change
 * rotates the secret, which turns the failure into a warning to update the date too.
 */
export function secretExpiryFinding(f: SecretExpiryFact, today: Date): Finding {
  const days = daysUntil(f.expiresOn, today);
  const when =
    days > 0 ? `is ${days} day(s) away` : days === 0 ? "is today" : `was ${-days} day(s) ago`;
  const head = `${f.key}: ${f.expiresOn} ${when}`;
  if (days > EXPIRY_WARN_DAYS) {
    const note = f.rotated ? ` (${f.secretKey} is rotated in this change)` : "";
    return { check: "secretExpiry", severity: "pass", message: `${head}${note}` };
  }
  if (f.rotated) {
    return {
      check: "secretExpiry",
      severity: "warn",
      message: `${head}, but ${f.secretKey} is rotated in this change: set ${f.key} to the new secret's expiry date (\`pulumi config set ${f.key} YYYY-MM-DD\`) in the same change`,
    };
  }
  const consequence =
    CONSEQUENCES[f.secretKey] ?? "once it expires, what signs in with it stops working";
  if (days <= EXPIRY_FAIL_DAYS) {
    return {
      check: "secretExpiry",
      severity: "fail",
      message: `${head} (the preview fails from ${EXPIRY_FAIL_DAYS} days before; ${consequence}); ${rotationProcedure(f)}`,
    };
  }
  return {
    check: "secretExpiry",
    severity: "warn",
    message: `${head} (the preview warns from ${EXPIRY_WARN_DAYS} days before and fails from ${EXPIRY_FAIL_DAYS}); ${rotationProcedure(f)}`,
  };
}

/** Failures of the checks listed in `preflight.warnOnly` become warnings that say so. */
export function applyWarnOnly(findings: Finding[], warnOnly: readonly PreflightCheck[]): Finding[] {
  return findings.map((f) =>
    f.severity === "fail" && warnOnly.includes(f.check)
      ? {
          ...f,
          severity: "warn",
          message: `${f.message} [warn-only: preflight.warnOnly lists ${f.check}]`,
        }
      : f,
  );
}

/** The error that stops the preview, or undefined when nothing fails. */
export function preflightError(stack: string, findings: Finding[]): string | undefined {
  const failed = findings.filter((f) => f.severity === "fail");
  if (failed.length === 0) return undefined;
  return (
    `Pre-flight checks failed for stack "${stack}" (${failed.length}); nothing was registered ` +
    `(docs/stamp-runbook.md, "Before you deploy"; preflight.warnOnly turns a check into a warning for labs):\n` +
    failed.map((f) => `  - [${f.check}] ${f.message}`).join("\n")
  );
}

/** Whether a YYYY-MM-DD string is a real calendar date. */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The date keys of the secrets each stack kind has, with their secret's key. */
export const SECRET_EXPIRY_KEYS: Readonly<Record<string, { key: string; secretKey: string }[]>> = {
  stamp: [{ key: "servicePrincipalSecretExpiresOn", secretKey: "servicePrincipalSecret" }],
  // A local stack stands in for a stamp: the date is optional there, to rehearse the check.
  local: [{ key: "servicePrincipalSecretExpiresOn", secretKey: "servicePrincipalSecret" }],
  global: [{ key: "logsIngestionClientSecretExpiresOn", secretKey: "logsIngestionClientSecret" }],
};

/**
 * The fleet's view (scripts/fleet.ts): from a stack's plain config values (`<key>` -> value), the
 * secrets that expire within 30 days, worded as the preview words them. Rotation is not known
 * here (the drift run changes nothing), so these are findings to act on.
 */
export function expiringSecrets(
  kind: string,
  values: Record<string, string | undefined>,
  today: Date,
): Finding[] {
  return (SECRET_EXPIRY_KEYS[kind] ?? [])
    .filter(({ key }) => values[key] !== undefined && isCalendarDate(values[key] ?? ""))
    .map(({ key, secretKey }) =>
      secretExpiryFinding({ key, secretKey, expiresOn: values[key] as string }, today),
    )
    .filter((f) => f.severity !== "pass");
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
