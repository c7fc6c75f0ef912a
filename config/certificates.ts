/**
 * TLS on the shared Traffic Manager name: the global stack's `dns` key (the Azure DNS zone, the
 * app's CNAME and the zone-scoped identity stamps' cert-manager solves DNS-01 with) and a stamp's
 * `certificates` key (cert-manager's pins and the issuer). Pure.
 */
import { z } from "zod";
import { imagePullSecret } from "./pullSecrets";
import { CERT_MANAGER_CHART } from "../lib/versions";
import {
  certificatePem,
  checkChartPin,
  DNS_LABEL,
  FQDN,
  httpsUrl,
  imageRegistry,
  K8S_NAME,
  nonEmpty,
  sha256Digest,
  uuid,
} from "./fields";

/** An e-mail address of plain characters (it goes into a YAML spec and an ACME account). */
const EMAIL =
  /^[A-Za-z0-9._%+-]{1,64}@(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const email = z.string().regex(EMAIL, "must be an e-mail address such as ops@contoso.com");

export const dnsSchema = z.strictObject({
  /** The Azure DNS zone the global stack creates, e.g. contoso.com (delegate it at the registrar). */
  zoneName: z.string().regex(FQDN, "must be a DNS zone name such as contoso.com"),
  /** The app's record in the zone: a CNAME to the Traffic Manager profile. The app's hostname is <appRecord>.<zoneName>. */
  appRecord: z
    .string()
    .regex(
      DNS_LABEL,
      "must be one lowercase DNS label such as ratings (a CNAME cannot sit at the zone apex)",
    ),
  /** TTL of the CNAME in seconds (60-86400). Defaults to 300. */
  ttl: z
    .number()
    .int()
    .min(60, "must be 60-86400 seconds")
    .max(86400, "must be 60-86400 seconds")
    .default(300),
  /**
   * The existing Entra app registration the stamps' cert-manager signs in with: the global stack
   * gives its service principal "DNS Zone Contributor" on this zone only. Its client secret is the
   * secret key `dnsClientSecret`.
   */
  certManager: z.strictObject({
    /** Entra tenant of the app registration. */
    tenantId: uuid,
    /** Application (client) id. */
    clientId: uuid,
    /** Object id of its service principal (Enterprise applications). */
    servicePrincipalObjectId: uuid,
  }),
});

export type DnsConfig = z.infer<typeof dnsSchema>;

/** The app's hostname from the global `dns` key. */
export function appHostname(dns: Pick<DnsConfig, "zoneName" | "appRecord">): string {
  return `${dns.appRecord}.${dns.zoneName}`.toLowerCase();
}

const issuerSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("letsencrypt"),
    /** Contact of the ACME account (expiry notices). */
    email,
  }),
  z.strictObject({
    type: z.literal("acme"),
    /** Directory URL of an internal ACME server (connected to the zone's DNS for DNS-01). */
    server: httpsUrl("ACME directory"),
    email,
    /** PEM of the CA that signed the ACME server's TLS certificate, when it is not publicly trusted. */
    caBundle: certificatePem.optional(),
  }),
  z.strictObject({
    type: z.literal("ca"),
    /** Secret (type kubernetes.io/tls) in the cert-manager namespace holding the internal CA's key pair; created by the operator. */
    caSecretName: z.string().regex(K8S_NAME, "must be a Kubernetes Secret name"),
  }),
]);

export const certificatesSchema = z
  .strictObject({
    /** cert-manager chart: http(s) chart repository URL (default https://charts.jetstack.io), oci:// reference or cert-manager-<chartVersion>.tgz. */
    chart: nonEmpty.default(CERT_MANAGER_CHART.source),
    /** Exact chart version, with its leading v (the images carry the same tag). Defaults to v1.21.1. */
    chartVersion: z
      .string()
      .regex(
        /^v\d+\.\d+\.\d+$/,
        `must be an exact chart version such as ${CERT_MANAGER_CHART.version}`,
      )
      .default(CERT_MANAGER_CHART.version),
    /** SHA-256 of the chart archive, required to install it (docs/in-cluster.md "Pinned downloads"). */
    chartSha256: sha256Digest.optional(),
    /** Registry mirroring quay.io, paths kept (<registry>/jetstack/cert-manager-controller); unset pulls from quay.io. */
    imageRegistry: imageRegistry.optional(),
    /** Secret: docker config JSON for that registry; every cert-manager pod references it. */
    imagePullSecret,
    /** Who signs the certificate. */
    issuer: issuerSchema,
  })
  .superRefine(checkChartPin(CERT_MANAGER_CHART.name));

export type CertificatesConfig = z.infer<typeof certificatesSchema>;

/**
 * Problems of a stamp's `certificates` with its ingress: the Certificate is for `ingress.hostname`,
 * so that must be set.
 */
export function certificatesProblems(
  certificates: CertificatesConfig | undefined,
  hostname: string | undefined,
): string[] {
  if (!certificates || hostname) return [];
  return [
    "certificates: needs ingress.hostname, the shared name the certificate is for (<dns.appRecord>.<dns.zoneName> of the global stack)",
  ];
}

/** `dns` and the secret key `dnsClientSecret` come together on the global stack. */
export function dnsSecretProblems(dnsSet: boolean, secretSet: boolean): string[] {
  if (dnsSet && !secretSet) {
    return [
      "dnsClientSecret: is missing; dns is set, so set a client secret of dns.certManager.clientId with `pulumi config set --secret dnsClientSecret`",
    ];
  }
  if (!dnsSet && secretSet) {
    return ["dnsClientSecret: is set but dns is not; remove it, or set dns (the zone it is for)"];
  }
  return [];
}
