import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CertificatesConfig } from "../config/certificates";
import * as c from "../lib/certificates";
import { chartSource } from "../lib/helmChart";
import { withPullSecret } from "../lib/pullSecrets";
import { API_SERVER_PORTS } from "../lib/namespacePolicies";
import { CERT_MANAGER_CHART } from "../lib/versions";
import type { GlobalOutputValues } from "../stacks/globalOutputs";
import { imagePullSecret } from "./imagePullSecret";
import { networkPolicies } from "./networkPolicies";

export interface CertificatesArgs {
  /** cert-manager's pins and registry, and the issuer (config `certificates`). */
  certificates: CertificatesConfig;
  /** Stamp name, used in labels. */
  stamp: string;
  /** The shared hostname the Certificate is for (`ingress.hostname`). */
  hostname: string;
  /** The Gateway: the Certificate, its Secret and the redirect route go into its namespace. */
  gateway: { name: pulumi.Input<string>; namespace: string };
  /** Name of the Secret the Certificate writes (the Gateway's HTTPS listener references it). */
  secretName: string;
  /** Ports the cluster's API server serves on, for cert-manager's egress; default: a stamp's (443). */
  apiServerPorts?: readonly number[];
  /** What creates the Gateway's namespace (the Ingress): the Certificate waits for it. */
  after?: pulumi.Resource[];
  /** The global stack's outputs: the DNS zone and the zone-scoped credential. */
  global: Pick<
    GlobalOutputValues,
    | "dnsSubscriptionId"
    | "dnsResourceGroup"
    | "dnsZoneName"
    | "dnsTenantId"
    | "dnsClientId"
    | "dnsClientSecret"
  >;
}

/**
 * TLS for the shared name on one stamp: the pinned cert-manager chart (its CRDs with it) in the
 * `cert-manager` namespace (Pod Security `restricted`; default-deny NetworkPolicies plus the flows
 * cert-manager needs, created before the chart), the DNS zone credential as a Secret there (ACME
 * issuers only), one ClusterIssuer and the Certificate for the hostname, written into the
 * Gateway's namespace (lib/certificates.ts). The Kubernetes provider comes through `opts`.
 */
export class Certificates extends pulumi.ComponentResource {
  /** The Certificate resource (the Gateway's HTTPS listener waits for nothing; NGF picks the Secret up when it appears). */
  public readonly certificate: k8s.apiextensions.CustomResource;

  constructor(name: string, args: CertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:tls:Certificates", name, {}, opts);
    const { certificates, stamp, global } = args;
    const child = { parent: this };
    const labels = {
      "app.kubernetes.io/part-of": "certificates",
      "ash-ha-kubernetes/stamp": stamp,
    };

    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: c.CERT_MANAGER_NAMESPACE, labels: c.certManagerNamespaceLabels(stamp) } },
      child,
    );
    const policies = networkPolicies(
      name,
      c.certManagerNetworkPolicies({
        issuer: certificates.issuer,
        apiServerPorts: args.apiServerPorts ?? API_SERVER_PORTS.stamp,
      }),
      { namespace: c.CERT_MANAGER_NAMESPACE, labels },
      { parent: this, dependsOn: [namespace] },
    );
    // certificates.imagePullSecret: for a mirror that needs credentials.
    const pull = imagePullSecret(
      name,
      {
        dockerConfig: certificates.imagePullSecret,
        namespace: namespace.metadata.name,
        labels,
      },
      child,
    );
    const chart = new k8s.helm.v4.Chart(
      `${name}-cert-manager`,
      {
        ...chartSource(CERT_MANAGER_CHART.name, certificates.chart, certificates.chartVersion),
        name: c.RELEASE_NAME,
        namespace: c.CERT_MANAGER_NAMESPACE,
        values: withPullSecret(
          CERT_MANAGER_CHART.name,
          c.certManagerValues({ imageRegistry: certificates.imageRegistry }),
          pull?.name,
        ),
      },
      { parent: this, dependsOn: [namespace, ...policies, ...(pull ? [pull.secret] : [])] },
    );

    const issuer = certificates.issuer;
    const credential = c.usesAzureDns(issuer)
      ? new k8s.core.v1.Secret(
          `${name}-dns-credential`,
          {
            metadata: {
              name: c.DNS_CREDENTIAL_SECRET.name,
              namespace: namespace.metadata.name,
              labels,
            },
            type: "Opaque",
            stringData: { [c.DNS_CREDENTIAL_SECRET.key]: pulumi.secret(global.dnsClientSecret) },
          },
          child,
        )
      : undefined;

    const spec = pulumi
      .all([
        global.dnsSubscriptionId,
        global.dnsResourceGroup,
        global.dnsZoneName,
        global.dnsTenantId,
        global.dnsClientId,
      ])
      .apply(([subscriptionId, resourceGroupName, hostedZoneName, tenantId, clientId]) => {
        if (c.usesAzureDns(issuer) && !hostedZoneName) {
          throw new Error(
            `certificates.issuer: type ${issuer.type} solves DNS-01 in the global stack's zone, but the global stack exports no dnsZoneName; set dns in the global stack (docs/global.md) or use issuer type ca`,
          );
        }
        return c.clusterIssuerSpec(issuer, {
          subscriptionId,
          resourceGroupName,
          hostedZoneName,
          tenantId,
          clientId,
        });
      });
    const clusterIssuer = new k8s.apiextensions.CustomResource(
      `${name}-issuer`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: c.CLUSTER_ISSUER_NAME, labels },
        spec,
      },
      { parent: this, dependsOn: [chart, ...(credential ? [credential] : [])] },
    );
    this.certificate = new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: args.secretName, namespace: args.gateway.namespace, labels },
        spec: c.certificateSpec(args.hostname, args.secretName),
      },
      { parent: this, dependsOn: [clusterIssuer, ...(args.after ?? [])] },
    );
    // Plain HTTP answers with a 301 to HTTPS; the app's route attaches to the https listener only.
    new k8s.apiextensions.CustomResource(
      `${name}-https-redirect`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "https-redirect", namespace: args.gateway.namespace, labels },
        spec: pulumi
          .output(args.gateway.name)
          .apply((gatewayName) =>
            c.redirectRouteSpec(
              { name: gatewayName, namespace: args.gateway.namespace },
              args.hostname,
            ),
          ),
      },
      child,
    );
    this.registerOutputs({});
  }
}
