/**
 * Mock outputs that make a whole stamp program evaluate under Pulumi mocks: the global stack's
 * exports behind the StackReference, NGF's Gateway address and Service, keys, the helper's IP and
 * the cluster resource's observed state. Shared by the stamp program tests and `npm run bench`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { GLOBAL_OUTPUT_KEYS, GlobalOutputs } from "../stacks/globalOutputs";

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
    "tls:index/privateKey:PrivateKey": (a) => ({
      publicKeyOpenssh: `ssh-rsa AAAAB3Nza${a.name} generated`,
      privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${a.name}\n-----END OPENSSH PRIVATE KEY-----\n`,
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
