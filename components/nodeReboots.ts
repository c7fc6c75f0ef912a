import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NodeRebootsConfig } from "../config";
import { chartSource } from "../lib/helmChart";
import * as n from "../lib/nodeReboots";
import { withPullSecret } from "../lib/pullSecrets";
import { KURED_CHART } from "../lib/versions";
import { imagePullSecret } from "./imagePullSecret";
import { networkPolicies } from "./networkPolicies";

export interface NodeRebootsArgs {
  /** kured's chart and image pins, image registry and pull secret, reboot window and timeouts. */
  nodeReboots: NodeRebootsConfig;
  /** Stamp name, used in labels. */
  stamp: string;
}

/**
 * Safe reboots of a connected stamp's nodes after unattended upgrades: the `kured` namespace (Pod
 * Security `privileged`: kured uses hostPID and a privileged container), default-deny
 * NetworkPolicies that let kured reach the API server only, the image pull Secret when one is
 * configured, and the pinned kured chart, which reboots one node at a time, only inside the reboot
 * window, after a drain that honours PodDisruptionBudgets (lib/nodeReboots.ts). The Kubernetes provider comes through `opts`.
 */
export class NodeReboots extends pulumi.ComponentResource {
  /** Namespace kured runs in. */
  public readonly namespace: string;
  /** The reboot window, e.g. `mo,tu,we,th 01:00-05:00 UTC`. */
  public readonly window: string;

  constructor(name: string, args: NodeRebootsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:nodes:NodeReboots", name, {}, opts);
    const { nodeReboots, stamp } = args;
    const child = { parent: this };
    const labels = {
      "app.kubernetes.io/part-of": "node-reboots",
      "ash-ha-kubernetes/stamp": stamp,
    };

    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: n.NAMESPACE, labels: n.namespaceLabels(stamp) } },
      child,
    );
    const inNs = { parent: this, dependsOn: [namespace] };

    const policies = networkPolicies(
      name,
      n.networkPolicies(),
      { namespace: n.NAMESPACE, labels },
      inNs,
    );

    const pull = imagePullSecret(
      name,
      { dockerConfig: nodeReboots.imagePullSecret, namespace: n.NAMESPACE, labels },
      inNs,
    );

    // The chart has no Helm hooks at 6.1.0 (docs/in-cluster.md), so k8s.helm.v4.Chart, which
    // never runs hooks, deploys all of it.
    new k8s.helm.v4.Chart(
      `${name}-kured`,
      {
        ...chartSource(KURED_CHART.name, nodeReboots.chart, nodeReboots.chartVersion),
        name: n.RELEASE_NAME,
        namespace: n.NAMESPACE,
        values: withPullSecret(KURED_CHART.name, n.kuredValues(nodeReboots, stamp), pull?.name),
      },
      { parent: this, dependsOn: [namespace, ...policies, ...(pull ? [pull.secret] : [])] },
    );

    this.namespace = n.NAMESPACE;
    this.window = n.describeWindow(nodeReboots.window);
    this.registerOutputs({ namespace: this.namespace, window: this.window });
  }
}
