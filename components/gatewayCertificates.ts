import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as g from "../lib/gatewayCertificates";

export interface GatewayCertificatesArgs {
  /** Namespace of NGF's control plane; the Secrets go there and the server's DNS name names it. */
  namespace: pulumi.Input<string>;
  /** Release name of the NGF chart (its Service, hence the server's DNS name, derives from it). */
  releaseName: string;
  /** Stamp name, used in labels. */
  stamp: string;
}

/**
 * The Secrets NGINX Gateway Fabric's control plane and data plane authenticate each other with,
 * created before the chart instead of by its cert-generator hook Job (which `k8s.helm.v4.Chart`
 * never runs): a CA, a server certificate for the control plane (Secret `server-tls`) and a client
 * certificate for the NGINX agents (Secret `agent-tls`), all from @pulumi/tls. Private keys are
 * Pulumi secrets. `pulumi up` re-issues a certificate once it enters its early renewal window
 * (numbers in lib/gatewayCertificates.ts, `CERT_VALIDITY`).
 */
export class GatewayCertificates extends pulumi.ComponentResource {
  /** The two Secrets, server first; the chart must depend on them. */
  public readonly secrets: k8s.core.v1.Secret[];
  /** PEM of the CA both certificates are signed by. */
  public readonly caCertPem: pulumi.Output<string>;

  constructor(name: string, args: GatewayCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:ingress:GatewayCertificates", name, {}, opts);
    const child = { parent: this };
    const caKey = new tls.PrivateKey(`${name}-ca-key`, { ...g.KEY }, child);
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        isCaCertificate: true,
        subject: { ...g.SUBJECT },
        allowedUses: g.CA_USES,
        ...g.CERT_VALIDITY.ca,
      },
      child,
    );

    this.secrets = g.LEAVES.map(({ id, secretName, allowedUses }) => {
      const key = new tls.PrivateKey(`${name}-${id}-key`, { ...g.KEY }, child);
      const dnsNames = pulumi
        .output(args.namespace)
        .apply((namespace) => g.leafDnsNames(id, { release: args.releaseName, namespace }));
      const csr = new tls.CertRequest(
        `${name}-${id}-csr`,
        { privateKeyPem: key.privateKeyPem, subject: { ...g.SUBJECT }, dnsNames },
        child,
      );
      const cert = new tls.LocallySignedCert(
        `${name}-${id}`,
        {
          certRequestPem: csr.certRequestPem,
          caPrivateKeyPem: caKey.privateKeyPem,
          caCertPem: ca.certPem,
          allowedUses,
          ...g.CERT_VALIDITY.leaf,
        },
        child,
      );
      return new k8s.core.v1.Secret(
        `${name}-${id}-secret`,
        {
          metadata: {
            name: secretName,
            namespace: args.namespace,
            labels: {
              "app.kubernetes.io/part-of": "ingress",
              "ash-ha-kubernetes/stamp": args.stamp,
            },
          },
          type: g.TLS_SECRET_TYPE,
          stringData: {
            [g.TLS_SECRET_KEYS.ca]: ca.certPem,
            [g.TLS_SECRET_KEYS.cert]: cert.certPem,
            [g.TLS_SECRET_KEYS.key]: pulumi.secret(key.privateKeyPem),
          },
        },
        child,
      );
    });
    this.caCertPem = ca.certPem;
    this.registerOutputs({ caCertPem: this.caCertPem });
  }
}
