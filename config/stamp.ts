/**
 * The stamp stack's schema (Azure Stack Hub endpoint, cluster, helper VM, Traffic Manager endpoint,
 * in-cluster layer), its types and the values derived from it. Pure.
 */
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import { helperDnsLabel } from "../lib/names";
import { DEFAULT_PUBLIC_IP_LIMIT, PREFLIGHT_CHECKS } from "../lib/preflight";
import {
  AKS_ENGINE_VERSION,
  DEFAULT_KUBERNETES_VERSION,
  HELPER_VM_IMAGE,
  SUPPORTED_KUBERNETES_VERSIONS,
} from "../lib/versions";
import {
  adminUsername,
  certificatePem,
  DNS_LABEL,
  DNS_PREFIX,
  expiryDate,
  FQDN,
  httpsUrl,
  LOCATION,
  nonEmpty,
  pinnedDownload,
  POOL_NAME,
  preflightSchema,
  sshAllowList,
  uuid,
} from "./fields";
import { stampBackupSchema } from "./backup";
import { accessSchema, appSchema, ingressSchema, monitoringSchema } from "./inCluster";
import { nodeRebootsSchema } from "./nodeReboots";
import { certificatesSchema } from "./certificates";
import { generation2Problem } from "./rules";
import type { Secret } from "./secret";

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
  /**
   * Client id of the stamp's read-only (Reader) service principal for pull-request previews and
   * drift checks. When set, the azurestack provider takes its client id and secret from the job's
   * environment (ASHK8S_AZURESTACK_CLIENT_ID/_SECRET), never from config or state, and each run
   * checks that a preview uses this principal and a deploy `clientId` (lib/azureStackCredentials.ts).
   */
  previewClientId: uuid.optional(),
  /** True when the stamp has no internet access (mirrors, no unattended upgrades). */
  disconnected: z.boolean().default(false),
  /** Extra PEM CA bundle for the helper VM to trust (public). Defaults to the stamp CA at /var/lib/waagent/Certificates.pem only. */
  caCertificatePem: certificatePem.optional(),
  /**
   * "Maximum public IPs" of the subscription's network quota on this stamp; the preview refuses a
   * change that would need more. Defaults to 50, the Azure Stack Hub default quota.
   */
  publicIpLimit: z
    .number()
    .int()
    .min(1, "must be at least 1 (the subscription's network quota)")
    .default(DEFAULT_PUBLIC_IP_LIMIT),
});

/** The preview principal must be another principal than the deploying one. */
const azureStackWithPreview = azureStackSchema.refine(
  (a) => a.previewClientId === undefined || a.previewClientId !== a.clientId,
  {
    message:
      "must differ from azureStack.clientId: the preview principal is a separate service principal with the Reader role only",
    path: ["previewClientId"],
  },
);

const poolSchema = z.strictObject({
  /** Pool name, ^[a-z][a-z0-9]{0,11}$. */
  name: z.string().regex(POOL_NAME, "must match ^[a-z][a-z0-9]{0,11}$ (lowercase, max 12 chars)"),
  /** Worker count; below 3 is outside the support policy. */
  count: z.number().int().min(1, "must be at least 1"),
  vmSize: nonEmpty.default("Standard_DS2_v2"),
});

/** Minutes of one aks-engine operation's wait: more than 0, at most a week. */
const operationMinutes = z
  .number()
  .positive("must be more than 0 minutes")
  .max(10080, "must be at most 10080 minutes (a week)");

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
  /**
   * Engine that enforces NetworkPolicies: calico (default, with kubenet or azure), azure (requires
   * networkPlugin azure) or none (only with acceptUnenforcedNetworkPolicies: the app's policies are
   * then not enforced). Cannot change after deploy.
   */
  networkPolicy: z.enum(["calico", "azure", "none"]).default("calico"),
  /** Opt-in for networkPolicy none: NetworkPolicies are stored but nothing enforces them. */
  acceptUnenforcedNetworkPolicies: z.boolean().default(false),
  /** Ceiling of masters + workers (the practical ASH limit is 50 per subscription). Defaults to 50. */
  maxNodes: z.number().int().min(1).default(50),
  /** Linux admin user on the nodes, not one Azure reserves. Defaults to azureuser. */
  adminUsername,
  /**
   * Node image refresh: raise it (by one) to re-create every node from the node image the pinned
   * aks-engine release uses, an `upgrade --force` at the same Kubernetes version
   * (docs/stamp-runbook.md "Node image refresh"). Lowering it is refused at preview. Defaults to 0.
   */
  nodeImageGeneration: z
    .number()
    .min(0, "must be 0 or more")
    .max(1_000_000, "must be at most 1000000")
    .refine(Number.isInteger, "must be a whole number")
    .default(0),
  /**
   * How long `pulumi up` waits for each aks-engine operation, in minutes (defaults in
   * providers/helperOperation.ts: deploy 120, scale 90, upgrade 360). Past it the wait ends with
   * an error; the operation keeps running on the helper and the next `pulumi up` follows it.
   */
  operationTimeoutMinutes: z
    .strictObject({
      deploy: operationMinutes.optional(),
      scale: operationMinutes.optional(),
      upgrade: operationMinutes.optional(),
    })
    .optional(),
});

const helperVmSchema = z.strictObject({
  /** Source CIDRs allowed to reach the helper VM's SSH port. Never world-open. */
  sshAllowList,
  vmSize: nonEmpty.default("Standard_DS1_v2"),
  /**
   * Marketplace image of Ubuntu 22.04 LTS as it is syndicated on this stamp: a generation 1 image
   * (Azure Stack Hub runs no other), so SKUs such as `22_04-lts-gen2` are refused.
   */
  image: z
    .strictObject({
      publisher: nonEmpty.default(HELPER_VM_IMAGE.publisher),
      offer: nonEmpty.default(HELPER_VM_IMAGE.offer),
      sku: nonEmpty.default(HELPER_VM_IMAGE.sku),
      version: nonEmpty.default(HELPER_VM_IMAGE.version),
    })
    .prefault({})
    .superRefine((image, ctx) => {
      const problem = generation2Problem(image);
      if (problem) ctx.addIssue({ code: "custom", path: ["sku"], message: problem });
    }),
  adminUsername,
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

export const trafficManagerEndpointSchema = z.strictObject({
  /** Stack that owns the Traffic Manager profile, e.g. "organization/ash-ha-kubernetes/global". */
  globalStack: nonEmpty.default("global"),
  /** Weight for Weighted routing (1-1000). Defaults to 1. */
  weight: z.number().int().min(1).max(1000).default(1),
  /**
   * Priority for Priority routing (1-1000, lower wins). No default: under Priority routing every
   * stamp must set its own, distinct from the other stamps' (Traffic Manager refuses two equal ones;
   * `npm run check:stacks` compares them across the stack files).
   */
  priority: z.number().int().min(1).max(1000).optional(),
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

export const stampSchema = z.strictObject({
  kind: z.literal("stamp"),
  azureStack: azureStackWithPreview,
  cluster: clusterSchema,
  helperVm: helperVmSchema,
  trafficManager: trafficManagerEndpointSchema,
  ingress: ingressSchema,
  monitoring: monitoringSchema,
  app: appSchema,
  /** Expiry date (YYYY-MM-DD) of `servicePrincipalSecret`; the preview warns from 30 days before, fails from 7. */
  servicePrincipalSecretExpiresOn: expiryDate,
  /** Pre-flight checks that only warn on this stamp (labs): images, publicIps, secretExpiry. */
  preflight: preflightSchema(PREFLIGHT_CHECKS),
  /** MongoDB backup job (docs/bcdr.md). */
  backup: stampBackupSchema,
  /** kured and its reboot window; used on connected stamps only (config/nodeReboots.ts). */
  nodeReboots: nodeRebootsSchema,
  access: accessSchema,
  /**
   * cert-manager, its issuer and the Certificate for `ingress.hostname` (config/certificates.ts):
   * HTTPS on the shared name with an HTTP redirect. Unset: the app is HTTP-only.
   */
  certificates: certificatesSchema.optional(),
});

export type StampSettings = z.infer<typeof stampSchema>;
export type ClusterConfig = StampSettings["cluster"];
export type HelperVmConfig = StampSettings["helperVm"];
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
  /** SAS of `backup.target` (disconnected stamps); unset without a target. */
  backupTargetSas?: Secret;
};

function defaultPortal(location: string, fqdn: string): string {
  return `https://portal.${location}.${fqdn}/`;
}

/** The stamp config with its derived endpoints, helper DNS label and secrets. */
export function deriveStamp(
  stack: string,
  s: StampSettings,
  secrets: Pick<
    StampConfig,
    "servicePrincipalSecret" | "servicePrincipalCertificate" | "backupTargetSas"
  >,
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
    helperVm: { ...s.helperVm, dnsLabel: s.helperVm.dnsLabel ?? helperDnsLabel(stack) },
    ...secrets,
  };
}
