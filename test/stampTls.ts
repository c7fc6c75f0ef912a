/**
 * TLS on the shared name, checked on a whole stamp program's recorded graph (stampProgramSpec.ts):
 * cert-manager's namespace (Pod Security, NetworkPolicies) and chart, the ClusterIssuer, the Certificate, the Gateway's HTTPS listener and the
 * redirect route, each on the stamp's cluster provider, and the DNS credential only as a secret.
 */
import type { Recorded } from "./mocks";
import { unwrapSecret } from "./mocks";
import { GLOBAL_EXPORTS as GLOBAL } from "./stampMocks";

/** What the stamp's example file configures. */
export interface TlsExpectation {
  /** The issuer type of `certificates.issuer`. */
  issuer: "letsencrypt" | "ca";
  /** The chart source (repository URL) and registry of cert-manager's images, if mirrored. */
  repo: string;
  imageRegistry?: string;
  /** Whether `certificates.imagePullSecret` is set (every cert-manager pod then lists it). */
  pullSecret?: boolean;
}

export function expectTls(recorded: Recorded[], stack: string, expected: TlsExpectation): void {
  const find = (type: string) => recorded.filter((r) => r.type === type);
  const named = (name: string) => {
    const found = recorded.filter((r) => r.name === `${stack}-${name}`);
    expect({ name, count: found.length }).toEqual({ name, count: 1 });
    return found[0];
  };
  const onCluster = new RegExp(`::${stack}-cluster-k8s::`);

  const chart = named("certificates-cert-manager");
  expect(chart.type).toBe("kubernetes:helm.sh/v4:Chart");
  expect(chart.provider).toMatch(onCluster);
  // The verified archive of the pinned version (stacks/downloads.ts), by its relative cache path;
  // the configured source (expected.repo) is what was downloaded, not what the provider fetches.
  expect(chart.inputs.chart).toMatch(
    /^\.cache\/downloads\/[0-9a-f]{64}\/cert-manager-v1\.21\.1\.tgz$/,
  );
  expect(chart.inputs.repositoryOpts).toBeUndefined();
  expect(chart.inputs).toMatchObject({
    namespace: "cert-manager",
    values: { crds: { enabled: true, keep: true }, startupapicheck: { enabled: false } },
  });
  const values = chart.inputs.values as Record<string, unknown>;
  expect(values.imageRegistry).toBe(expected.imageRegistry);
  expect(values.global).toEqual(
    expected.pullSecret ? { imagePullSecrets: [{ name: "image-pull-secret" }] } : undefined,
  );

  // The cert-manager namespace: Pod Security restricted, default deny plus cert-manager's flows
  // (lib/certificates.ts certManagerNetworkPolicies).
  const ns = named("certificates-ns");
  expect(ns.provider).toMatch(onCluster);
  expect(ns.inputs.metadata).toMatchObject({
    name: "cert-manager",
    labels: { "pod-security.kubernetes.io/enforce": "restricted" },
  });
  const policies = find("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(
    (r) => (r.inputs.metadata as { namespace?: string }).namespace === "cert-manager",
  );
  expect(policies.map((p) => (p.inputs.metadata as { name: string }).name).sort()).toEqual(
    [
      "default-deny",
      "cert-manager-api-server",
      "cert-manager-webhook",
      ...(expected.issuer === "letsencrypt" ? ["cert-manager-acme"] : []),
    ].sort(),
  );
  for (const p of policies) expect(p.provider).toMatch(onCluster);

  const issuer = named("certificates-issuer");
  expect(issuer.provider).toMatch(onCluster);
  expect(issuer.inputs).toMatchObject({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer" });
  const spec = issuer.inputs.spec as Record<string, unknown>;
  const credential = find("kubernetes:core/v1:Secret").filter(
    (r) => r.name === `${stack}-certificates-dns-credential`,
  );
  if (expected.issuer === "letsencrypt") {
    expect(spec).toMatchObject({
      acme: {
        server: "https://acme-v02.api.letsencrypt.org/directory",
        solvers: [
          {
            dns01: {
              azureDNS: {
                hostedZoneName: GLOBAL.dnsZoneName,
                resourceGroupName: GLOBAL.dnsResourceGroup,
                subscriptionID: GLOBAL.dnsSubscriptionId,
                clientID: GLOBAL.dnsClientId,
                clientSecretSecretRef: { name: "azuredns-credential", key: "client-secret" },
              },
            },
          },
        ],
      },
    });
    expect(credential).toHaveLength(1);
    expect(credential[0].provider).toMatch(onCluster);
    const data = unwrapSecret<Record<string, unknown>>(credential[0].inputs.stringData);
    expect(data.secret).toBe(true);
  } else {
    expect(spec).toEqual({ ca: { secretName: expect.any(String) } });
    expect(credential).toHaveLength(0);
  }
  // The DNS credential's value never appears outside a secret.
  for (const r of recorded) {
    const plain = JSON.stringify(r.inputs, (_k, v) => (unwrapSecret(v).secret ? "[secret]" : v));
    expect({ r: r.name, leaks: plain.includes(GLOBAL.dnsClientSecret) }).toEqual({
      r: r.name,
      leaks: false,
    });
  }

  const certificate = named("certificates-certificate");
  expect(certificate.provider).toMatch(onCluster);
  expect(certificate.inputs).toMatchObject({
    kind: "Certificate",
    metadata: { name: "ratings-tls", namespace: "nginx-gateway" },
    spec: {
      secretName: "ratings-tls",
      dnsNames: ["ratings.contoso.com"],
      issuerRef: { name: "ratings", kind: "ClusterIssuer" },
    },
  });

  const gateway = named("ingress-gateway");
  const listeners = (gateway.inputs.spec as { listeners: Record<string, unknown>[] }).listeners;
  expect(listeners.map((l) => [l.name, l.protocol, l.port, l.hostname])).toEqual([
    ["http", "HTTP", 80, "ratings.contoso.com"],
    ["https", "HTTPS", 443, "ratings.contoso.com"],
  ]);
  expect(listeners[1].tls).toEqual({
    mode: "Terminate",
    certificateRefs: [{ kind: "Secret", name: "ratings-tls" }],
  });

  const redirect = named("certificates-https-redirect");
  expect(redirect.provider).toMatch(onCluster);
  expect(redirect.inputs.spec).toEqual({
    parentRefs: [{ name: "public", namespace: "nginx-gateway", sectionName: "http" }],
    hostnames: ["ratings.contoso.com"],
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
  });
  // The app answers on the https listener only (plain HTTP is the redirect's).
  const app = named("ratings-route");
  expect((app.inputs.spec as { parentRefs: unknown[] }).parentRefs).toEqual([
    { name: "public", namespace: "nginx-gateway", sectionName: "https" },
  ]);
}
