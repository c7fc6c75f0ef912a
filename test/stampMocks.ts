/**
 * Mock outputs that make a whole stamp program evaluate under Pulumi mocks: the global stack's
 * exports behind the StackReference, NGF's Gateway address and Service, keys, the helper's IP and
 * the cluster resource's observed state. Shared by the stamp program tests and `npm run bench`.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { GLOBAL_OUTPUT_KEYS, GlobalOutputs } from "../stacks/globalOutputs";

/** A well-formed (not a working) ed25519 key pair in OpenSSH form, derived from the name. */
function ed25519Mock(name: string) {
  const prefix = Buffer.from([0, 0, 0, 11, ...Buffer.from("ssh-ed25519"), 0, 0, 0, 32]);
  const blob = Buffer.concat([prefix, createHash("sha256").update(name).digest()]);
  const body = Buffer.from(`mock private key ${name}`).toString("base64");
  return {
    publicKeyOpenssh: `ssh-ed25519 ${blob.toString("base64")}\n`,
    privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`,
  };
}

/** What the global stack exported, as the StackReference returns it. */
export const GLOBAL_EXPORTS: GlobalOutputs = {
  trafficManagerProfileName: "contoso-ratings",
  trafficManagerResourceGroup: "rg-ash-ha-kubernetes-global",
  trafficManagerFqdn: "contoso-ratings.trafficmanager.net",
  trafficManagerRoutingMethod: "Performance",
  logAnalyticsWorkspaceResourceId: "/subscriptions/s/resourceGroups/g/providers/x/workspaces/w",
  logAnalyticsWorkspaceId: "11111111-2222-3333-4444-555555555555",
  logAnalyticsSharedKey: "shared-key-value",
  logsIngestionEndpoint: "https://global-dce.westeurope-1.ingest.monitor.azure.com",
  logsIngestionRuleId: "dcr-00000000000000000000000000000000",
  logsIngestionStreamName: "Custom-ContainerLogs_CL",
  logsIngestionTenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
  logsIngestionClientId: "2c4e6a8b-0d1f-4a3c-8e5b-7d9f1b3c5e72",
  logsIngestionClientSecret: "logs-client-secret-value",
  backupBlobEndpoint: "https://contosobackups.blob.core.windows.net/",
  backupUploadSas: JSON.stringify({
    seattle: "sv=2019-07-07&sr=c&sp=cw&se=2027-01-15T00:00:00Z&spr=https&sig=seattle-signature",
    munich: "sv=2019-07-07&sr=c&sp=cw&se=2027-01-15T00:00:00Z&spr=https&sig=munich-signature",
  }),
  appHostname: "ratings.contoso.com",
  dnsSubscriptionId: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
  dnsResourceGroup: "rg-ash-ha-kubernetes-global",
  dnsZoneName: "contoso.com",
  dnsTenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
  dnsClientId: "4d6f8a0c-2e4a-4b6d-8f0a-1c3e5a7c9e21",
  dnsClientSecret: "dns-client-secret-value",
};

/** The names of the secret global outputs, as a StackReference reports them. */
export const GLOBAL_SECRET_NAMES = Object.entries(GLOBAL_OUTPUT_KEYS)
  .filter(([, { secret }]) => secret)
  .map(([key]) => key);

type Outputs = (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;

/** Mock outputs by type token for a stamp program (`stack` names the helper's DNS name). */
export function stampMockOutputs(stack: string): Record<string, Outputs> {
  return {
    "pulumi:pulumi:StackReference": () => ({
      outputs: GLOBAL_EXPORTS,
      secretOutputNames: GLOBAL_SECRET_NAMES,
    }),
    // NGF's Gateway reports its address; the data plane Service it provisioned, as a read returns it.
    "kubernetes:gateway.networking.k8s.io/v1:Gateway": () => ({
      status: { addresses: [{ type: "IPAddress", value: "203.0.113.7" }] },
    }),
    "kubernetes:core/v1:Service": (a) =>
      a.id
        ? {
            metadata: { name: "public-nginx", namespace: "nginx-gateway" },
            spec: { type: "LoadBalancer" },
            status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } },
          }
        : {},
    "tls:index/privateKey:PrivateKey": (a) =>
      a.inputs.algorithm === "ED25519"
        ? ed25519Mock(a.name)
        : {
            publicKeyOpenssh: `ssh-rsa AAAAB3Nza${a.name} generated`,
            privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${a.name}\n-----END OPENSSH PRIVATE KEY-----\n`,
            privateKeyPem: `-----BEGIN RSA PRIVATE KEY-----\n${a.name}\n-----END RSA PRIVATE KEY-----\n`,
          },
    // NGF's mTLS certificates (components/gatewayCertificates.ts).
    "tls:index/selfSignedCert:SelfSignedCert": (a) => ({
      certPem: `-----BEGIN CERTIFICATE-----\n${a.name}\n-----END CERTIFICATE-----\n`,
    }),
    "tls:index/certRequest:CertRequest": (a) => ({
      certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\n${a.name}\n-----END CERTIFICATE REQUEST-----\n`,
    }),
    "tls:index/locallySignedCert:LocallySignedCert": (a) => ({
      certPem: `-----BEGIN CERTIFICATE-----\n${a.name}\n-----END CERTIFICATE-----\n`,
    }),
    "azurestack:index/publicIp:PublicIp": () => ({
      ipAddress: "192.0.2.10",
      fqdn: `${stack}-aks-helper.example`,
    }),
    "azurestack:index/virtualNetwork:VirtualNetwork": (a) => ({
      subnets: (a.inputs.subnets as object[]).map((s) => ({ ...s, id: "subnet-id" })),
    }),
    "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment": (a) => {
      const spec = a.inputs.spec as {
        masterCount: number;
        pools: { name: string; count: number }[];
        kubernetesVersion: string;
      };
      return {
        kubeconfig: "apiVersion: v1\nkind: Config\n",
        outputArchive: "H4sIAAAA",
        observed: {
          masterCount: spec.masterCount,
          pools: Object.fromEntries(spec.pools.map((p) => [p.name, p.count])),
          kubernetesVersion: spec.kubernetesVersion,
        },
      };
    },
  };
}

type Invoke = (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;

/**
 * The invokes of a stamp's pre-flight checks (stacks/preflight.ts), answered as a stamp whose
 * marketplace has every image and whose subscription has `publicIps` other public IPs.
 */
export function stampMockInvokes(location: string, publicIps = 5): Record<string, Invoke> {
  return {
    "azurestack:index/getPlatformImage:getPlatformImage": (a) => ({
      id: `/Subscriptions/s/Providers/Microsoft.Compute/Locations/${a.inputs.location}/Publishers/${a.inputs.publisher}/ArtifactTypes/VMImage/Offers/${a.inputs.offer}/Skus/${a.inputs.sku}/Versions/${a.inputs.version ?? "1.0.0"}`,
      ...a.inputs,
      version: a.inputs.version ?? "1.0.0",
    }),
    "azurestack:index/getResources:getResources": (a) => ({
      id: "resource-list",
      type: a.inputs.type,
      resources: Array.from({ length: publicIps }, (_, i) => ({
        id: `/subscriptions/s/resourceGroups/rg-other/providers/Microsoft.Network/publicIPAddresses/pip-${i}`,
        name: `pip-${i}`,
        type: "Microsoft.Network/publicIPAddresses",
        location,
        tags: {},
      })),
    }),
  };
}
