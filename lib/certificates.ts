/**
 * Pure building blocks of a stamp's TLS on the shared Traffic Manager name: the cert-manager chart
 * values, the ClusterIssuer (Let's Encrypt or another ACME server with the DNS-01 Azure DNS solver,
 * or a CA from a Secret), the Certificate for the hostname, and the HTTP -> HTTPS redirect route.
 * `components/certificates.ts` only wires them into resources.
 *
 * Why DNS-01: Traffic Manager hands the one hostname to every stamp, so an HTTP-01 challenge for a
 * stamp's order may be answered by another stamp. DNS-01 proves control of the name in the zone
 * the global stack owns, whichever stamp asks.
 *
 * Field names follow cert-manager v1.21.1 (pkg/apis/certmanager/v1/types_issuer.go,
 * types_certificate.go, pkg/apis/acme/v1/types_issuer.go `ACMEIssuerDNS01ProviderAzureDNS`) and
 * its chart's values.yaml (deploy/charts/cert-manager/values.yaml), read at tag v1.21.1.
 */
import { apiServerEgress, defaultDeny, DNS_PORTS, tcp, tcpPorts } from "./namespacePolicies";
import type { PolicySpec } from "./ratings";

/**
 * Built-in Azure role "DNS Zone Contributor" (manage zones and record sets, not who has access):
 * what cert-manager needs to write and delete the `_acme-challenge` TXT records.
 */
export const DNS_ZONE_CONTRIBUTOR_ROLE = "befefa01-2a29-4197-83a8-272ff33ce314";

/** Let's Encrypt's production ACME directory. */
export const LETS_ENCRYPT_SERVER = "https://acme-v02.api.letsencrypt.org/directory";

/** Namespace cert-manager runs in; the ClusterIssuer's Secrets (DNS credential, ACME key, CA) live here. */
export const CERT_MANAGER_NAMESPACE = "cert-manager";

/** Release name of the chart. */
export const RELEASE_NAME = "cert-manager";

/** Name of the one ClusterIssuer of a stamp. */
export const CLUSTER_ISSUER_NAME = "ratings";

/** Secret (in the cert-manager namespace) with the DNS zone credential's client secret. */
export const DNS_CREDENTIAL_SECRET = { name: "azuredns-credential", key: "client-secret" } as const;

/** Secret cert-manager creates for the ACME account key. */
export const ACME_ACCOUNT_KEY_SECRET = "ratings-acme-account-key";

/** Default name of the Certificate's Secret (in the Gateway's namespace). */
export const DEFAULT_TLS_SECRET = "ratings-tls";

/** What the stamp's certificates config says (config/certificates.ts). */
export type IssuerSettings =
  | { type: "letsencrypt"; email: string }
  | { type: "acme"; server: string; email: string; caBundle?: string }
  | { type: "ca"; caSecretName: string };

/** The DNS zone and the credential for it, as the global stack exports them. */
export interface AzureDnsSolver {
  subscriptionId: string;
  resourceGroupName: string;
  hostedZoneName: string;
  tenantId: string;
  clientId: string;
}

/**
 * Helm values of the cert-manager chart. `crds.enabled` renders the CRDs with the chart (Pulumi
 * applies them); `crds.keep` stays true so an uninstall leaves every Certificate in place.
 * `startupapicheck` is off: it is a `post-install` Helm hook Job, which k8s.helm.v4.Chart never
 * runs, and all it does is wait for the webhook; Pulumi's readiness wait on the webhook Deployment
 * covers it (see docs/in-cluster.md).
 * @param imageRegistry registry mirroring quay.io with paths kept (<registry>/jetstack/...); unset: quay.io
 */
export function certManagerValues(opts: { imageRegistry?: string }) {
  return {
    crds: { enabled: true, keep: true },
    ...(opts.imageRegistry ? { imageRegistry: opts.imageRegistry } : {}),
    replicaCount: 2,
    webhook: { replicaCount: 2 },
    cainjector: { replicaCount: 2 },
    startupapicheck: { enabled: false },
    prometheus: { enabled: false },
  };
}

/**
 * Spec of the ClusterIssuer. ACME issuers solve DNS-01 in the Azure DNS zone with the zone-scoped
 * service principal (its secret is `DNS_CREDENTIAL_SECRET`); a CA issuer signs with the key pair
 * in the Secret `caSecretName` of the cert-manager namespace.
 */
export function clusterIssuerSpec(issuer: IssuerSettings, dns: AzureDnsSolver) {
  if (issuer.type === "ca") return { ca: { secretName: issuer.caSecretName } };
  const server = issuer.type === "letsencrypt" ? LETS_ENCRYPT_SERVER : issuer.server;
  const caBundle =
    issuer.type === "acme" && issuer.caBundle
      ? { caBundle: Buffer.from(issuer.caBundle).toString("base64") }
      : {};
  return {
    acme: {
      server,
      email: issuer.email,
      ...caBundle,
      privateKeySecretRef: { name: ACME_ACCOUNT_KEY_SECRET },
      solvers: [
        {
          dns01: {
            azureDNS: {
              subscriptionID: dns.subscriptionId,
              resourceGroupName: dns.resourceGroupName,
              hostedZoneName: dns.hostedZoneName,
              tenantID: dns.tenantId,
              clientID: dns.clientId,
              clientSecretSecretRef: { ...DNS_CREDENTIAL_SECRET },
              environment: "AzurePublicCloud",
            },
          },
        },
      ],
    },
  };
}

/** Whether the issuer needs the global stack's DNS zone credential. */
export function usesAzureDns(issuer: IssuerSettings): boolean {
  return issuer.type !== "ca";
}

/** Spec of the Certificate for the shared hostname, issued by the stamp's ClusterIssuer. */
export function certificateSpec(hostname: string, secretName: string) {
  return {
    secretName,
    dnsNames: [hostname],
    issuerRef: { name: CLUSTER_ISSUER_NAME, kind: "ClusterIssuer", group: "cert-manager.io" },
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
  };
}

/**
 * Spec of the HTTPRoute that answers every plain-HTTP request on the Gateway's `http` listener
 * with a 301 to the same URL over HTTPS (Gateway API `RequestRedirect` filter).
 */
export function redirectRouteSpec(gateway: { name: string; namespace: string }, hostname: string) {
  return {
    parentRefs: [{ name: gateway.name, namespace: gateway.namespace, sectionName: "http" }],
    hostnames: [hostname],
    rules: [
      {
        filters: [
          {
            type: "RequestRedirect",
            requestRedirect: { scheme: "https", port: 443, statusCode: 301 },
          },
        ],
      },
    ],
  };
}

/**
 * A stamp's ingress settings with TLS on: the HTTPS listener's Secret is the Certificate's
 * (`ingress.tlsSecretName`, default `DEFAULT_TLS_SECRET`) and the Gateway's own namespace may attach
 * routes too (the redirect route lives there). Without TLS everything stays as configured.
 * @param routeNamespaces namespaces whose routes attach to the Gateway (the app's)
 */
export function tlsIngress<T extends { hostname?: string; tlsSecretName?: string }>(
  ingress: T,
  tls: boolean,
  routeNamespaces: string[],
  gatewayNamespace = "nginx-gateway",
): { ingress: T; routeNamespaces: string[]; hostname?: string } {
  if (!tls || !ingress.hostname) return { ingress, routeNamespaces };
  return {
    ingress: { ...ingress, tlsSecretName: ingress.tlsSecretName ?? DEFAULT_TLS_SECRET },
    routeNamespaces: [...routeNamespaces, gatewayNamespace],
    hostname: ingress.hostname,
  };
}

/**
 * Port the webhook serves admission requests on: the chart's `webhook.securePort` default
 * (10250), which the program does not change; the API server calls it.
 */
export const WEBHOOK_SECURE_PORT = 10250;

/** The chart's three Deployments (label `app.kubernetes.io/component`). */
export type CertManagerComponent = "controller" | "webhook" | "cainjector";

/**
 * Labels of a component's pods, as the chart's templates select them at v1.21.1:
 * `app.kubernetes.io/name` is `cert-manager` for the controller (the chart name, no override),
 * `webhook` and `cainjector` for the others; `app.kubernetes.io/instance` is the release name.
 */
export function certManagerPodLabels(component: CertManagerComponent, release = RELEASE_NAME) {
  return {
    "app.kubernetes.io/name": component === "controller" ? "cert-manager" : component,
    "app.kubernetes.io/instance": release,
    "app.kubernetes.io/component": component,
  };
}

/**
 * Pod Security labels of the cert-manager namespace: the chart's pods run as non-root with the
 * RuntimeDefault seccomp profile, no privilege escalation, every capability dropped and a
 * read-only root filesystem (values.yaml at v1.21.1: `securityContext`, `containerSecurityContext`
 * of the controller, webhook and cainjector), which is the `restricted` profile.
 */
export function certManagerNamespaceLabels(stamp: string): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "app.kubernetes.io/part-of": "certificates",
    "ash-ha-kubernetes/stamp": stamp,
  };
}

/**
 * TCP ports the controller reaches outside the cluster for an issuer: the ACME directory's port
 * (443 unless the internal server's URL names another) and 443 for Azure DNS (Azure Resource
 * Manager and the Entra ID token endpoint). A CA issuer signs in the cluster: none.
 */
export function issuerEgressPorts(issuer: IssuerSettings): number[] {
  if (issuer.type === "ca") return [];
  const acmePort = issuer.type === "acme" ? Number(new URL(issuer.server).port || "443") : 443;
  return [...new Set([acmePort, 443])].sort((a, b) => a - b);
}

/**
 * NetworkPolicies of the cert-manager namespace: default deny of ingress and egress, then
 * - every cert-manager pod to the API server (watches, leader election, writing Secrets);
 * - the webhook's port from any address (the API server calls it; it is not a pod);
 * - ACME issuers only: the controller to the ACME server and Azure DNS (`issuerEgressPorts`), and
 *   DNS on port 53 to any address: names through the cluster DNS, and the DNS-01 self-check, which
 *   asks the zone's authoritative nameservers directly (the chart's `dns01RecursiveNameserversOnly`
 *   stays false).
 * Nothing else: the metrics ports stay closed (no Prometheus here) and kubelet probes come from the
 * pod's own node, which NetworkPolicy always allows.
 */
export function certManagerNetworkPolicies(opts: {
  issuer: IssuerSettings;
  /** Ports the cluster's API server serves on (lib/namespacePolicies.ts `API_SERVER_PORTS`). */
  apiServerPorts: readonly number[];
  release?: string;
}): PolicySpec[] {
  const release = opts.release ?? RELEASE_NAME;
  const policies: PolicySpec[] = [
    defaultDeny(["Ingress", "Egress"]),
    apiServerEgress(
      "cert-manager-api-server",
      { matchLabels: { "app.kubernetes.io/instance": release } },
      opts.apiServerPorts,
    ),
    {
      name: "cert-manager-webhook",
      spec: {
        podSelector: { matchLabels: certManagerPodLabels("webhook", release) },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [tcp(WEBHOOK_SECURE_PORT)] }],
      },
    },
  ];
  const outside = issuerEgressPorts(opts.issuer);
  if (outside.length) {
    policies.push({
      name: "cert-manager-acme",
      spec: {
        podSelector: { matchLabels: certManagerPodLabels("controller", release) },
        policyTypes: ["Egress"],
        egress: [{ ports: [...tcpPorts(outside, "cert-manager-acme"), ...DNS_PORTS] }],
      },
    });
  }
  return policies;
}
