import * as azurestack from "@pulumi/azurestack";
import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { ClusterConfig, Secret, StampConfig } from "../config";
import { buildApiModel } from "../lib/apiModel";
import { BOOTSTRAP_MARKER } from "../lib/cloudInit";
import { clusterSpec } from "../lib/clusterPlan";
import { apiServerFqdn, clusterResourceGroupName } from "../lib/names";
import { AksEngineDeployment } from "../providers/aksEngineProvider";
import type { HelperVm } from "./helperVm";

/** The cluster's definition, the stamp it runs on, and the helper VM that runs aks-engine. */
export interface AksEngineClusterArgs {
  /** Stamp name: names the cluster's resource group `rg-<stamp>-k8s` (lib/names.ts). */
  stamp: string;
  /** The stamp's endpoints and service principal (`azureStack`, with its derived URLs). */
  azureStack: StampConfig["azureStack"];
  /** The cluster settings (`cluster`): DNS prefix, version, masters, pools, network, admin user. */
  cluster: ClusterConfig;
  /** The service principal's client secret (goes into the cluster definition, kept secret). */
  servicePrincipalSecret: Secret;
  /** The service principal's certificate and key (PEM): aks-engine's ARM sign-in, kept secret. */
  servicePrincipalCertificate: Secret;
  /** The helper VM aks-engine runs on (SSH address, admin user, key); the cluster waits for its VM. */
  helper: HelperVm;
  /** Protect the cluster's resource group and the cluster resource from deletion. Defaults to false. */
  protect?: boolean;
  /**
   * Register the Kubernetes provider of the in-cluster layer (`provider`). False only in the first
   * run of a new stamp (`ASHK8S_STAMP_PHASE=cluster`, stacks/stampIdentity.ts). Defaults to true.
   */
  inCluster?: boolean;
}

/**
 * The in-cluster layer's Kubernetes provider: `kubeconfig: ""`, so its identity is the run's
 * $KUBECONFIG (viewer, deployer or admin) and never an input (docs/decisions.md, "Who the program
 * runs as"). Same name and parent as the provider stamps had when its input was the admin
 * kubeconfig, so an existing stamp sees a provider update and no replacement (pulumi-kubernetes
 * `DiffConfig` replaces only when both kubeconfigs name an active cluster and they differ;
 * proved on the real engine in test/integration/stampProviderMigration.test.ts).
 */
export function inClusterProvider(
  name: string,
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[] = [],
): k8s.Provider {
  return new k8s.Provider(`${name}-k8s`, { kubeconfig: "" }, { parent, dependsOn });
}

/**
 * An AKS engine Kubernetes cluster on Azure Stack Hub, driven on the helper VM over SSH:
 * first `deploy`, later `scale`/`upgrade` as config changes (see lib/clusterPlan.ts), refreshed
 * from the nodes themselves. Its resource group is a Pulumi resource, so `pulumi destroy` removes
 * the cluster. Exposes the admin kubeconfig (secret, for `npm run kubeconfig -- <stamp> --admin`)
 * and a Kubernetes provider for the in-cluster layer whose identity is the run's $KUBECONFIG.
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
  /** Kubernetes provider for the in-cluster components (`inClusterProvider`); absent when `inCluster` is false. */
  public readonly provider: k8s.Provider | undefined;

  constructor(name: string, args: AksEngineClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:stamp:AksEngineCluster", name, {}, opts);
    const child = { parent: this };
    const { azureStack: ash, cluster, helper } = args;
    const resourceGroup = clusterResourceGroupName(args.stamp);
    this.apiServerFqdn = apiServerFqdn({
      dnsPrefix: cluster.dnsPrefix,
      location: ash.location,
      externalFqdn: ash.externalFqdn,
    });

    const group = new azurestack.ResourceGroup(
      `${name}-rg`,
      { name: resourceGroup, location: ash.location },
      { ...child, protect: args.protect },
    );
    const nodeKey = new tls.PrivateKey(
      `${name}-node-ssh-key`,
      { algorithm: "RSA", rsaBits: 4096 },
      {
        ...child,
        additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
      },
    );
    const spSecret = args.servicePrincipalSecret.reveal();
    const definition = { azureStack: ash, cluster };
    const apiModel = pulumi.secret(
      nodeKey.publicKeyOpenssh.apply((key) =>
        JSON.stringify(
          buildApiModel(definition, { sshPublicKey: key, servicePrincipalSecret: spSecret }),
        ),
      ),
    );
    const deployment = new AksEngineDeployment(
      `${name}-aks-engine`,
      {
        helper: pulumi
          .all([helper.publicIpAddress, helper.hostPublicKey])
          .apply(([host, hostKey]) => ({ host, port: 22, user: helper.adminUsername, hostKey })),
        helperPrivateKey: pulumi.secret(helper.privateKeyOpenssh),
        context: {
          cli: "aks-engine-azurestack",
          bootstrapMarker: BOOTSTRAP_MARKER,
          location: ash.location,
          resourceGroup,
          identitySystem: ash.identitySystem,
          subscriptionId: ash.subscriptionId,
          clientId: ash.clientId,
          apiServerFqdn: this.apiServerFqdn,
        },
        spec: clusterSpec(definition),
        apiModel,
        servicePrincipalSecret: pulumi.secret(spSecret),
        servicePrincipalCertificate: pulumi.secret(args.servicePrincipalCertificate.reveal()),
        ...(cluster.operationTimeoutMinutes
          ? { operationTimeoutMinutes: cluster.operationTimeoutMinutes }
          : {}),
      },
      { ...child, dependsOn: [group, helper.vm], protect: args.protect },
    );

    this.kubeconfig = pulumi.secret(deployment.kubeconfig);
    this.outputArchive = pulumi.secret(deployment.outputArchive);
    this.nodeCounts = deployment.observed.apply((o) => o?.pools ?? {});
    this.masterCount = deployment.observed.apply((o) => o?.masterCount ?? 0);
    this.kubernetesVersion = deployment.observed.apply((o) => o?.kubernetesVersion ?? "");
    // Ordered after the cluster operation (it used to follow from the kubeconfig input).
    this.provider =
      args.inCluster === false ? undefined : inClusterProvider(name, this, [deployment]);
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      apiServerFqdn: this.apiServerFqdn,
      nodeCounts: this.nodeCounts,
      kubernetesVersion: this.kubernetesVersion,
    });
  }
}
