import * as azure from "@pulumi/azure-native/provider";
import { pinInCluster } from "./downloads";
import * as k8s from "../components/sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Certificates } from "../components/certificates";
import { Ingress } from "../components/ingress";
import { MetalLb } from "../components/metalLb";
import { MonitoringAgent } from "../components/monitoringAgent";
import { RatingsApp } from "../components/ratingsApp";
import { TrafficManagerEndpoint } from "../components/trafficManagerEndpoint";
import type { EdgeConfig } from "../config";
import {
  mongoStorageClass,
  protectsStatefulResources,
  retainsStatefulResources,
} from "../lib/dataSafety";
import { forceOwnership } from "../lib/fieldOwnership";
import { DEFAULT_TLS_SECRET, tlsIngress } from "../lib/certificates";
import { API_SERVER_PORTS } from "../lib/namespacePolicies";
import { globalStackReference, readGlobalOutputs } from "./globalOutputs";

/**
 * An edge stamp: a Kubernetes cluster that already exists (Azure Stack Edge, or any conformant
 * cluster) and has no cloud load balancer. On its kubeconfig (secret config, secret in state):
 * MetalLB with the configured address pool, then a stamp's in-cluster layer (ingress, monitoring
 * agent, ratings app on the cluster's own storage class), and, when `trafficManager` is set, the
 * stamp's endpoint in the global Traffic Manager profile (read through a StackReference, as on a
 * stamp). MongoDB's data is treated as on a stamp: protected and retained unless configured off.
 */
export async function edgeStack(config: EdgeConfig) {
  const stamp = config.name;
  // Every manifest and chart archive this stack installs, fetched and verified against its pinned
  // SHA-256 (stacks/downloads.ts) before any resource is registered.
  const pinned = await pinInCluster({
    ingress: config.edge.gateway ? config.ingress : undefined,
    monitoring: config.monitoring,
    metallb: config.metallb,
    certificates: config.certificates,
  });
  const provider = new k8s.Provider(`${stamp}-k8s`, {
    kubeconfig: pulumi.secret(config.kubeconfig.reveal()),
  });
  // Pulumi owns every object of the in-cluster layer, chart-rendered ones included.
  const inCluster = { providers: { kubernetes: provider }, transforms: [forceOwnership] };
  const protect = protectsStatefulResources("stamp", config.app.protectStatefulResources);

  const metallb = new MetalLb(`${stamp}-metallb`, { metallb: pinned.metallb!, stamp }, inCluster);
  const tm = config.trafficManager;
  const global = tm ? readGlobalOutputs(globalStackReference(stamp, tm)) : undefined;
  // The Gateway's LoadBalancer Service gets its address from the pool.
  // With `certificates`: HTTPS listener, redirect and Certificate, as on a stamp (stacks/stamp.ts).
  const tls = tlsIngress(pinned.ingress ?? config.ingress, config.certificates !== undefined, [
    config.app.namespace,
  ]);
  const ingress = config.edge.gateway
    ? new Ingress(
        `${stamp}-ingress`,
        { ingress: tls.ingress, stamp, routeNamespaces: tls.routeNamespaces },
        { ...inCluster, dependsOn: metallb.ready },
      )
    : undefined;
  if (config.certificates && tls.hostname && ingress && global) {
    new Certificates(
      `${stamp}-certificates`,
      {
        certificates: pinned.certificates!,
        stamp,
        hostname: tls.hostname,
        gateway: ingress.gateway,
        secretName: tls.ingress.tlsSecretName ?? DEFAULT_TLS_SECRET,
        // An existing cluster's API server port is not known in advance (lib/namespacePolicies.ts).
        apiServerPorts: API_SERVER_PORTS.edge,
        after: [ingress],
        global,
      },
      inCluster,
    );
  }
  const monitoring = new MonitoringAgent(
    `${stamp}-monitoring`,
    { monitoring: pinned.monitoring!, stamp, global },
    inCluster,
  );
  const app = new RatingsApp(
    `${stamp}-ratings`,
    {
      app: config.app,
      stamp,
      gateway: ingress
        ? { ...ingress.gateway, ...(tls.hostname ? { sectionName: "https" } : {}) }
        : undefined,
      hostname: config.ingress.hostname,
      // Unused: config/edge.ts requires app.storageClass (the cluster's own class).
      storageClass: mongoStorageClass("stamp"),
      protect,
      retainOnDelete: retainsStatefulResources("stamp"),
    },
    inCluster,
  );

  let endpointName: pulumi.Output<string> | undefined;
  if (tm && global) {
    const target = tm.target ?? ingress?.publicIp;
    if (target === undefined) {
      // config/edge.ts refuses this combination; kept as a guard for programmatic callers.
      throw new pulumi.RunError("trafficManager.target: is required when edge.gateway is false");
    }
    const endpoint = new TrafficManagerEndpoint(
      `${stamp}-tm`,
      { global, stamp, target, settings: tm },
      { providers: { "azure-native": new azure.Provider(`${stamp}-azure`, {}) } },
    );
    endpointName = endpoint.endpointName;
  }

  return {
    kind: config.kind,
    stamp,
    metallbNamespace: metallb.namespace,
    ingressIp: ingress?.publicIp,
    namespace: app.namespace,
    monitoring: monitoring.destination,
    trafficManagerEndpoint: endpointName,
    appUrl: tls.hostname
      ? `https://${tls.hostname}/`
      : global
        ? pulumi.interpolate`http://${global.trafficManagerFqdn}/`
        : undefined,
  };
}
