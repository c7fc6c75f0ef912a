/**
 * The pre-flight checks at preview (lib/preflight.ts decides; this module reads the facts): the
 * stamp's marketplace through the azurestack provider's platform-image data source, the
 * subscription's public IPs through its resources data source, and whether this change rotates a
 * secret, from the fingerprints the stack's last deployment recorded. Runs before the program
 * constructs any component; a failing check throws, so nothing is registered but the stamp's
 * azurestack provider the invokes go through (a provider creates nothing on the stamp).
 */
import * as azurestack from "@pulumi/azurestack";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { GlobalConfig, LocalConfig, StampConfig } from "../config";
import type { Secret } from "../config";
import { helperNames, clusterResourceGroupName } from "../lib/names";
import {
  applyWarnOnly,
  Finding,
  ImageFact,
  imageFindings,
  needsRotationFact,
  PreflightCheck,
  preflightError,
  PublicIpResource,
  publicIpFinding,
  resourceGroupOf,
  SecretExpiryFact,
  secretExpiryFinding,
} from "../lib/preflight";
import { AKS_ENGINE_VERSION, MarketplaceImage, NODE_IMAGES } from "../lib/versions";

/** The stack output where a deployment records its secrets' fingerprints (a secret output). */
export const FINGERPRINTS_OUTPUT = "secretFingerprints";

/** SHA-256 of a secret's value: compared across deployments, never shown. */
export function secretFingerprint(secret: Secret): string {
  return createHash("sha256").update(secret.reveal(), "utf8").digest("hex");
}

/** The `secretFingerprints` output of this deployment, kept secret in state. */
export function fingerprintsOutput(secrets: Record<string, Secret>): pulumi.Output<unknown> {
  const values = Object.fromEntries(
    Object.entries(secrets).map(([k, s]) => [k, secretFingerprint(s)]),
  );
  return pulumi.secret(values);
}

/**
 * This stack's own fully qualified name, for a StackReference to its last deployment's outputs;
 * the organization is "organization", as the file backend names it, when the runtime has none.
 */
export function ownStackName(): string {
  let organization = "organization";
  try {
    organization = pulumi.getOrganization();
  } catch {
    // an older runtime without an organization: the file backend's name
  }
  return `${organization}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/**
 * Whether this change rotates each secret: its fingerprint differs from the one the stack's last
 * deployment recorded. Reads the stack's own outputs through a StackReference (a read, nothing is
 * created); undefined for a secret with no recorded fingerprint (first deployment, or one made
 * before fingerprints were recorded).
 */
async function rotations(secrets: Record<string, Secret>): Promise<Record<string, boolean>> {
  const ref = new pulumi.StackReference(`${pulumi.getStack()}-last-deployment`, {
    name: ownStackName(),
  });
  const details = await ref.getOutputDetails(FINGERPRINTS_OUTPUT);
  const recorded = (details.secretValue ?? details.value) as Record<string, string> | undefined;
  const rotated: Record<string, boolean> = {};
  for (const [key, secret] of Object.entries(secrets)) {
    const before = recorded?.[key];
    if (typeof before === "string") rotated[key] = before !== secretFingerprint(secret);
  }
  return rotated;
}

/** The expiry finding of each secret; rotation is looked up only within 30 days of a date. */
async function expiryFindings(
  facts: { key: string; secretKey: string; expiresOn: string; secret?: Secret }[],
  today: Date,
): Promise<Finding[]> {
  const close = facts.filter((f) => f.secret && needsRotationFact(f.expiresOn, today));
  const rotated = close.length
    ? await rotations(Object.fromEntries(close.map((f) => [f.secretKey, f.secret as Secret])))
    : {};
  return facts.map((f) => {
    const fact: SecretExpiryFact = { key: f.key, secretKey: f.secretKey, expiresOn: f.expiresOn };
    if (f.secretKey in rotated) fact.rotated = rotated[f.secretKey];
    return secretExpiryFinding(fact, today);
  });
}

/** Prints every finding and throws a RunError naming the failures, if any. */
function report(stack: string, findings: Finding[], warnOnly: readonly PreflightCheck[]): void {
  const final = applyWarnOnly(findings, warnOnly);
  for (const f of final) {
    const line = `pre-flight [${f.check}] ${f.message}`;
    if (f.severity === "warn") pulumi.log.warn(line);
    else if (f.severity === "pass") pulumi.log.info(line);
  }
  const error = preflightError(stack, final);
  if (error) throw new pulumi.RunError(error);
}

async function imageFact(
  provider: azurestack.Provider,
  location: string,
  fact: Omit<ImageFact, "found" | "detail">,
): Promise<ImageFact> {
  const i: MarketplaceImage = fact.image;
  try {
    // The data source matches a version by name; "latest" means its newest, asked without one.
    await azurestack.getPlatformImage(
      {
        location,
        publisher: i.publisher,
        offer: i.offer,
        sku: i.sku,
        ...(i.version === "latest" ? {} : { version: i.version }),
      },
      { provider },
    );
    return { ...fact, found: true };
  } catch (e) {
    return { ...fact, found: false, detail: e instanceof Error ? e.message : String(e) };
  }
}

/** Every public IP address resource of the subscription in the stamp's location. */
async function subscriptionPublicIps(
  provider: azurestack.Provider,
  location: string,
): Promise<PublicIpResource[]> {
  const listed = await azurestack.getResources(
    { type: "Microsoft.Network/publicIPAddresses" },
    { provider },
  );
  const norm = (l: string) => l.replace(/\s+/g, "").toLowerCase();
  return listed.resources
    .filter((r) => !r.location || norm(r.location) === norm(location))
    .map((r) => ({ name: r.name, resourceGroup: resourceGroupOf(r.id) }));
}

/**
 * A stamp's checks: the helper VM image and the node image of the configured Kubernetes version
 * in the marketplace, the public IP budget, and the service principal secret's expiry.
 */
export async function stampPreflight(
  config: StampConfig,
  provider: azurestack.Provider,
  today: Date = new Date(),
): Promise<void> {
  const location = config.azureStack.location;
  const version = config.cluster.kubernetesVersion;
  const helper = config.helperVm.image;
  const names = helperNames(config.name);
  const [helperImage, nodeImage, ips] = await Promise.all([
    imageFact(provider, location, {
      role: "the helper VM's",
      key: "helperVm.image",
      image: helper,
    }),
    imageFact(provider, location, {
      role: `aks-engine-azurestack ${AKS_ENGINE_VERSION}'s aks-ubuntu-22.04 node`,
      key: "cluster.kubernetesVersion",
      value: version,
      image: NODE_IMAGES[version],
    }),
    subscriptionPublicIps(provider, location).then(
      (existing) => ({ existing }),
      (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
    ),
  ]);
  const ipFinding: Finding =
    "error" in ips
      ? {
          check: "publicIps",
          severity: "fail",
          message: `azureStack.publicIpLimit: ${config.azureStack.publicIpLimit}: the subscription's public IPs could not be listed (${ips.error.split("\n")[0]}); check the service principal's Reader access to subscription ${config.azureStack.subscriptionId}`,
        }
      : publicIpFinding({
          limit: config.azureStack.publicIpLimit,
          existing: ips.existing,
          helper: { resourceGroup: names.resourceGroup, name: names.publicIp },
          clusterGroup: clusterResourceGroupName(config.name),
        });
  const findings = [
    ...imageFindings([helperImage, nodeImage], { stamp: config.name, location }),
    ipFinding,
    ...(await expiryFindings(
      [
        {
          key: "servicePrincipalSecretExpiresOn",
          secretKey: "servicePrincipalSecret",
          expiresOn: config.servicePrincipalSecretExpiresOn,
          secret: config.servicePrincipalSecret,
        },
      ],
      today,
    )),
  ];
  report(config.stack, findings, config.preflight.warnOnly);
}

/** The global stack's check: the Logs Ingestion client secret's expiry. */
export async function globalPreflight(config: GlobalConfig, today: Date = new Date()) {
  const findings = await expiryFindings(
    [
      {
        key: "logsIngestionClientSecretExpiresOn",
        secretKey: "logsIngestionClientSecret",
        expiresOn: config.logsIngestionClientSecretExpiresOn,
        secret: config.logsIngestionClientSecret,
      },
    ],
    today,
  );
  report(config.stack, findings, config.preflight.warnOnly);
}

/** A local stack's check: the stand-in expiry date, when set (no secret, so no rotation). */
export async function localPreflight(config: LocalConfig, today: Date = new Date()) {
  if (!config.servicePrincipalSecretExpiresOn) return;
  const findings = await expiryFindings(
    [
      {
        key: "servicePrincipalSecretExpiresOn",
        secretKey: "servicePrincipalSecret",
        expiresOn: config.servicePrincipalSecretExpiresOn,
      },
    ],
    today,
  );
  report(config.stack, findings, config.preflight.warnOnly);
}
