import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IngressConfig } from "../config";
import { chartSource } from "../lib/helmChart";
import * as np from "../lib/gatewayNetworkPolicies";
import * as i from "../lib/ingress";
import { withPullSecret } from "../lib/pullSecrets";
import { NGF_CHART } from "../lib/versions";
import { GatewayCertificates } from "./gatewayCertificates";
import { imagePullSecret } from "./imagePullSecret";

export interface IngressArgs {
  /** Ingress settings: chart and CRD sources and pins, image registry and pull secret, load balancer IP, hostname, TLS secret. */
  ingress: IngressConfig;
  /** Stamp name, used in labels. */
  stamp: string;
  /** Namespace of NGF's control plane, the Gateway and its data plane. Defaults to "nginx-gateway". */
  namespace?: string;
  /** Name of the Gateway (its data plane Service is `<name>-nginx`). Defaults to "public". */
  gatewayName?: string;
  /** Namespaces whose routes may attach to the Gateway, e.g. the app's. Defaults to all namespaces. */
  routeNamespaces?: string[];
}

/**
 * NGINX Gateway Fabric behind exactly one LoadBalancer Service: the pinned Gateway API standard
 * CRDs and NGF's mTLS Secrets (`GatewayCertificates`, in place of the chart's hook Job) first, then
 * the pinned NGF chart, then one Gateway (HTTP, plus HTTPS when a TLS secret is configured) for
 * which NGF provisions the NGINX data plane and its LoadBalancer Service. NetworkPolicies deny
 * ingress to the namespace except the listeners and the agent port. The Kubernetes provider comes
 * through `opts`.
 */
export class Ingress extends pulumi.ComponentResource {
  /** Public address of the LoadBalancer Service (what Traffic Manager points at). */
  public readonly publicIp: pulumi.Output<string>;
  /** Name of the Gateway routes attach to. */
  public readonly gatewayName: pulumi.Output<string>;
  /** Namespace of the Gateway (and of the data plane pods routes receive traffic from). */
  public readonly gatewayNamespace: string;
  /** The Gateway as `RatingsApp` takes it. */
  public readonly gateway: { name: pulumi.Output<string>; namespace: string };
  /** Name of the data plane's LoadBalancer Service, provisioned by NGF. */
  public readonly serviceName: string;

  constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:ingress:Ingress", name, {}, opts);
    const { ingress, stamp } = args;
    const ns = args.namespace ?? i.DEFAULT_NAMESPACE;
    const gatewayName = args.gatewayName ?? i.DEFAULT_GATEWAY_NAME;
    const serviceName = i.dataPlaneServiceName(gatewayName);
    const child = { parent: this };

    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: ns, labels: i.namespaceLabels(stamp) } },
      child,
    );

    // The Gateway API CRDs are cluster-wide and must exist before NGF starts watching them.
    const crds = new k8s.yaml.v2.ConfigFile(
      `${name}-gateway-api-crds`,
      { file: ingress.gatewayApiCrds },
      child,
    );

    // The control plane <-> data plane mTLS Secrets, which the chart would create in a Helm hook
    // Job that k8s.helm.v4.Chart never runs (its cert generator is disabled in the values).
    const certificates = new GatewayCertificates(
      `${name}-certs`,
      { namespace: namespace.metadata.name, releaseName: i.RELEASE_NAME, stamp },
      child,
    );

    // ingress.imagePullSecret: NGF's control plane pulls with it (its ServiceAccount lists it) and
    // copies it to the data plane, whose pods list it too.
    const pull = imagePullSecret(
      name,
      {
        dockerConfig: ingress.imagePullSecret,
        namespace: namespace.metadata.name,
        labels: { "app.kubernetes.io/part-of": "ingress", "ash-ha-kubernetes/stamp": stamp },
      },
      child,
    );

    // NGF's own CRDs (NginxProxy, policies) come with the chart and are applied by Pulumi on every
    // upgrade (unlike `helm upgrade`, which skips the crds/ folder).
    const chart = new k8s.helm.v4.Chart(
      `${name}-ngf`,
      {
        ...chartSource(NGF_CHART.name, ingress.chart, ingress.chartVersion),
        name: i.RELEASE_NAME,
        namespace: ns,
        values: withPullSecret(NGF_CHART.name, i.ngfValues(ingress), pull?.name),
      },
      {
        parent: this,
        dependsOn: [crds, namespace, ...certificates.secrets, ...(pull ? [pull.secret] : [])],
      },
    );

    const spec = i.gatewaySpec({
      hostname: ingress.hostname,
      tlsSecretName: ingress.tlsSecretName,
      routeNamespaces: args.routeNamespaces,
    });

    // Ingress to the namespace: denied by default, open on the listeners and the agent port only.
    const policies = np.gatewayNetworkPolicies({
      release: i.RELEASE_NAME,
      gatewayClass: i.GATEWAY_CLASS,
      listenerPorts: spec.listeners.map((l) => l.port),
    });
    for (const policy of policies) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.name}`,
        {
          metadata: {
            name: policy.name,
            namespace: namespace.metadata.name,
            labels: { "app.kubernetes.io/part-of": "ingress", "ash-ha-kubernetes/stamp": stamp },
          },
          spec: policy.spec,
        },
        child,
      );
    }

    const gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
          name: gatewayName,
          namespace: ns,
          labels: { "app.kubernetes.io/part-of": "ingress", "ash-ha-kubernetes/stamp": stamp },
          annotations: { "pulumi.com/waitFor": i.GATEWAY_ADDRESS_WAIT },
        },
        spec,
        // Declared so the engine hands back the status NGF writes (the load balancer address).
        status: undefined,
      },
      { parent: this, dependsOn: [chart] },
    );
    const gatewayAddress = (gateway as unknown as { status: pulumi.Output<GatewayStatus> }).status;

    // The Service is NGF's, not ours: read it once the Gateway reports an address, never before
    // (on a first preview the address is unknown, so nothing is read from a cluster without it).
    const service = k8s.core.v1.Service.get(
      `${name}-lb`,
      gatewayAddress.apply(() => `${ns}/${serviceName}`),
      { parent: this, dependsOn: [gateway] },
    );

    this.publicIp = pulumi
      .all([service.spec, service.status])
      .apply(([spec, status]) => i.loadBalancerAddress({ spec, status }, serviceName));
    this.gatewayName = gateway.metadata.name;
    this.gatewayNamespace = ns;
    this.gateway = { name: this.gatewayName, namespace: ns };
    this.serviceName = serviceName;
    this.registerOutputs({
      publicIp: this.publicIp,
      gatewayName: this.gatewayName,
      gatewayNamespace: this.gatewayNamespace,
      serviceName: this.serviceName,
    });
  }
}

/** The part of a Gateway's status NGF fills in. */
interface GatewayStatus {
  addresses?: { type?: string; value: string }[];
}
