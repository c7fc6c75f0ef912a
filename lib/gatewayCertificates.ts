/**
 * The mTLS material NGINX Gateway Fabric (NGF) 2.4.2 needs between its control plane and the NGINX
 * agents of its data plane, as the program creates it instead of the chart's cert-generator Job.
 * Pure: names, DNS names, key usages, validity and the chart values; `components/gatewayCertificates.ts`
 * turns them into resources.
 *
 * Why: the chart creates the two Secrets in a Job annotated `helm.sh/hook: pre-install,
 * pre-upgrade` (charts/nginx-gateway-fabric/templates/certs-job.yaml at v2.4.2), and
 * `k8s.helm.v4.Chart` does not run hooks, so the controller Deployment would wait forever for the
 * `server-tls` volume it mounts. The facts below were read from the upstream source at tag v2.4.2;
 * docs/in-cluster.md lists each with its file.
 */

/**
 * Secret the control plane serves its agent gRPC endpoint with (mounted at /var/run/secrets/ngf);
 * chart value `certGenerator.serverTLSSecretName`.
 */
export const SERVER_TLS_SECRET = "server-tls";

/**
 * Secret the provisioner copies into each data plane as `<gateway>-<class>-agent-tls` for the NGINX
 * agent's client certificate; chart value `certGenerator.agentTLSSecretName`.
 */
export const AGENT_TLS_SECRET = "agent-tls";

/** Secret type of both (what NGF's generator writes and its provisioner copies). */
export const TLS_SECRET_TYPE = "kubernetes.io/tls";

/** Data keys of both Secrets: the CA, the certificate and its private key, all PEM. */
export const TLS_SECRET_KEYS = { ca: "ca.crt", cert: "tls.crt", key: "tls.key" } as const;

/** The cluster DNS domain (chart value `clusterDomain`; aks-engine clusters use the default). */
export const CLUSTER_DOMAIN = "cluster.local";

/** Kubernetes allows 63 characters in a Service name; the chart truncates its full name there. */
const MAX_NAME = 63;

/**
 * The chart's `nginx-gateway.fullname` (templates/_helpers.tpl), which names the control plane's
 * Deployment and Service: the release name when it contains the chart name, else
 * `<release>-<chart>`, cut at 63 characters without a trailing dash. Assumes the program's values
 * (no `fullnameOverride`, `nameOverride` or `nginxGateway.name`).
 */
export function chartFullname(release: string, chart = "nginx-gateway-fabric"): string {
  const full = release.includes(chart) ? release : `${release}-${chart}`;
  return full.slice(0, MAX_NAME).replace(/-+$/, "");
}

/**
 * DNS names of the server certificate: `<service>.<namespace>.svc`, the host and `server_name`
 * the agent dials (internal/controller/provisioner/templates.go) and the name NGF's own generator
 * puts in the certificate (cmd/gateway/certs.go, serverDNSNames).
 */
export function serverDnsNames(service: string, namespace: string): string[] {
  return [`${service}.${namespace}.svc`];
}

/** DNS names of the agents' client certificate, as NGF's generator writes them: `*.<domain>`. */
export function clientDnsNames(clusterDomain = CLUSTER_DOMAIN): string[] {
  return [`*.${clusterDomain}`];
}

/** Hours in a day, for the validity numbers below. */
const DAY = 24;

/**
 * Validity and early renewal of the certificates, in hours (@pulumi/tls `validityPeriodHours`,
 * `earlyRenewalHours`). From the start of the early renewal window, the next `pulumi up` replaces
 * the certificate (the provider plans a replacement once now >= end - earlyRenewalHours) and the
 * scheduled drift check's refresh reports it. The CA lives 3 years (NGF's own generator uses 3
 * years for all three) and renews 90 days early; the leaves live 1 year and renew 30 days early.
 * A renewed CA re-issues both leaves (they depend on its PEM).
 */
export const CERT_VALIDITY = {
  ca: { validityPeriodHours: 3 * 365 * DAY, earlyRenewalHours: 90 * DAY },
  leaf: { validityPeriodHours: 365 * DAY, earlyRenewalHours: 30 * DAY },
} as const;

/** Key algorithm and size, as NGF's generator (RSA 2048). */
export const KEY = { algorithm: "RSA", rsaBits: 2048 } as const;

/** Subject of all three certificates (NGF's generator uses CN nginx-gateway as well). */
export const SUBJECT = { commonName: "nginx-gateway", organization: "ash-ha-kubernetes" } as const;

/** Key usages of the CA. */
export const CA_USES = ["cert_signing", "digital_signature", "key_encipherment"];

/** One leaf certificate and the Secret it goes into. */
export interface Leaf {
  /** Short id used in resource names. */
  id: "server" | "agent";
  secretName: string;
  /** @pulumi/tls `allowedUses`: key usages plus the one extended key usage of its TLS role. */
  allowedUses: string[];
}

/**
 * The two leaves. Go's TLS stack checks `server_auth` on the server certificate (agent side) and
 * `client_auth` on the agent's (control plane side: `tls.RequireAndVerifyClientCert` against
 * `ca.crt`, internal/controller/nginx/agent/grpc/grpc.go).
 */
export const LEAVES: readonly Leaf[] = [
  {
    id: "server",
    secretName: SERVER_TLS_SECRET,
    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
  },
  {
    id: "agent",
    secretName: AGENT_TLS_SECRET,
    allowedUses: ["digital_signature", "key_encipherment", "client_auth"],
  },
];

/**
 * DNS names of a leaf for a release in a namespace: the control plane's Service for the server,
 * the cluster domain wildcard for the agents.
 */
export function leafDnsNames(
  id: Leaf["id"],
  opts: { release: string; namespace: string; clusterDomain?: string },
): string[] {
  return id === "server"
    ? serverDnsNames(chartFullname(opts.release), opts.namespace)
    : clientDnsNames(opts.clusterDomain);
}

/**
 * The chart's `certGenerator` values: the hook Job off (with `enable: false` the template renders
 * nothing: not the Job, nor its ServiceAccount, Role, RoleBinding or SecurityContextConstraints),
 * and the Secret names the controller is started with (`--agent-tls-secret`) and mounts
 * (`server-tls` volume) pinned to the ones the program creates.
 */
export function certGeneratorValues() {
  return {
    enable: false,
    serverTLSSecretName: SERVER_TLS_SECRET,
    agentTLSSecretName: AGENT_TLS_SECRET,
  };
}
