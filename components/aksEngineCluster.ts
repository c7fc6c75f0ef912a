import * as azurestack from "@pulumi/azurestack";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { apiServerFqdn, StampConfig } from "../config";
import { AksEngineDeployment } from "../lib/aksEngineProvider";
import { buildApiModel } from "../lib/apiModel";
import { BOOTSTRAP_MARKER } from "../lib/cloudInit";
import { clusterSpec } from "../lib/clusterPlan";

/** Where the cluster lives and how to reach the helper VM that runs aks-engine. */
export interface AksEngineClusterArgs {
  /** The stamp's validated config (cluster, service principal, endpoints). */
  config: StampConfig;
  /** The helper VM: SSH address, admin user and private key (secret). */
  helper: {
    host: pulumi.Input<string>;
    user: string;
    privateKeyOpenssh: pulumi.Input<string>;
    /** Resource the cluster must wait for (the VM). */
    dependsOn: pulumi.Resource;
  };
}

/** The cluster's Azure resource group name (aks-engine deploys into it; destroy deletes it). */
export const clusterResourceGroupName = (stamp: string) => `rg-${stamp}-k8s`;

/**
 * An AKS engine Kubernetes cluster on Azure Stack Hub, driven on the helper VM over SSH:
 * first `deploy`, later `scale`/`upgrade` as config changes (see lib/clusterPlan.ts), refreshed
 * from the nodes themselves. Its resource group is a Pulumi resource, so `pulumi destroy` removes
 * the cluster. Exposes the kubeconfig (secret) and a Kubernetes provider for the in-cluster layer.
 * Needs the stamp's `azurestack` provider in `opts.providers`.
 */
export class AksEngineCluster extends pulumi.ComponentResource {
  /** Admin kubeconfig (secret). */
  public readonly kubeconfig: pulumi.Output<string>;
  /** API server FQDN: <dnsPrefix>.<location>.cloudapp.<externalFqdn>. */
  public readonly apiServerFqdn: string;
  /** Workers per pool as the nodes report them. */
  public readonly nodeCounts: pulumi.Output<Record<string, number>>;
  /** Masters as the nodes report them. */
  public readonly masterCount: pulumi.Output<number>;
  /** Lowest kubelet version in the cluster. */
  public readonly kubernetesVersion: pulumi.Output<string>;
  /** The helper's `_output/` (generated apimodel and PKI) as base64 tar.gz (secret). */
  public readonly outputArchive: pulumi.Output<string>;
  /** Kubernetes provider for the in-cluster components. */
  public readonly provider: k8s.Provider;

  constructor(name: string, args: AksEngineClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:stamp:AksEngineCluster", name, {}, opts);
    const child = { parent: this };
    const { config, helper } = args;
    const ash = config.azureStack;
    this.apiServerFqdn = apiServerFqdn(config);

    const group = new azurestack.ResourceGroup(
      `${name}-rg`,
      { name: clusterResourceGroupName(config.name), location: ash.location },
      child,
    );
    const nodeKey = new tls.PrivateKey(
      `${name}-node-ssh-key`,
      { algorithm: "RSA", rsaBits: 4096 },
      {
        ...child,
        additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
      },
    );
    const spSecret = config.servicePrincipalSecret.reveal();
    const apiModel = pulumi.secret(
      nodeKey.publicKeyOpenssh.apply((key) =>
        JSON.stringify(
          buildApiModel(config, { sshPublicKey: key, servicePrincipalSecret: spSecret }),
        ),
      ),
    );
    const deployment = new AksEngineDeployment(
      `${name}-aks-engine`,
      {
        helper: pulumi.output(helper.host).apply((host) => ({ host, port: 22, user: helper.user })),
        helperPrivateKey: pulumi.secret(helper.privateKeyOpenssh),
        context: {
          cli: "aks-engine-azurestack",
          bootstrapMarker: BOOTSTRAP_MARKER,
          location: ash.location,
          resourceGroup: clusterResourceGroupName(config.name),
          identitySystem: ash.identitySystem,
          subscriptionId: ash.subscriptionId,
          clientId: ash.clientId,
          apiServerFqdn: this.apiServerFqdn,
        },
        spec: clusterSpec(config),
        apiModel,
        servicePrincipalSecret: pulumi.secret(spSecret),
        servicePrincipalCertificate: pulumi.secret(config.servicePrincipalCertificate.reveal()),
      },
      { ...child, dependsOn: [group, helper.dependsOn] },
    );

    this.kubeconfig = pulumi.secret(deployment.kubeconfig);
    this.outputArchive = pulumi.secret(deployment.outputArchive);
    this.nodeCounts = deployment.observed.apply((o) => o?.pools ?? {});
    this.masterCount = deployment.observed.apply((o) => o?.masterCount ?? 0);
    this.kubernetesVersion = deployment.observed.apply((o) => o?.kubernetesVersion ?? "");
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, child);
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      apiServerFqdn: this.apiServerFqdn,
      nodeCounts: this.nodeCounts,
      kubernetesVersion: this.kubernetesVersion,
    });
  }
}
