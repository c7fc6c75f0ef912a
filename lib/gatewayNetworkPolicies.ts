/**
 * NetworkPolicies of the gateway namespace (NGF's control plane, the Gateway and its data plane):
 * ingress is denied by default, then opened for exactly what NGINX Gateway Fabric 2.4.2 needs.
 * Pure; `components/ingress.ts` creates them. Egress stays open: the data plane proxies to
 * backends in other namespaces and the control plane talks to the API server.
 *
 * Labels and ports were read from the upstream source at tag v2.4.2 (docs/in-cluster.md lists the
 * files): the chart's selector labels for the control plane, the provisioner's labels for the data
 * plane pods, the control plane's `agent-grpc` container port, and the data plane's container
 * ports, which equal the Gateway's listener ports.
 */
import type { PolicySpec } from "./ratings";

/** Container port of the control plane's agent gRPC server (its Service maps 443 to it). */
export const AGENT_GRPC_PORT = 8443;

/**
 * Labels of the control plane pods: the chart's `nginx-gateway.selectorLabels`
 * (`app.kubernetes.io/name` = the chart name, as the program sets no name override, and
 * `app.kubernetes.io/instance` = the release name).
 */
export function controlPlaneLabels(release: string, chart = "nginx-gateway-fabric") {
  return { "app.kubernetes.io/name": chart, "app.kubernetes.io/instance": release };
}

/**
 * Labels every data plane pod of this NGF installation carries, whatever its Gateway: the
 * provisioner's base selector (`app.kubernetes.io/instance` = the controller's instance label,
 * i.e. the release name, and `app.kubernetes.io/managed-by` = `<release>-<gatewayClass>`).
 */
export function dataPlaneLabels(release: string, gatewayClass: string) {
  return {
    "app.kubernetes.io/instance": release,
    "app.kubernetes.io/managed-by": `${release}-${gatewayClass}`,
  };
}

const tcp = (port: number) => ({ protocol: "TCP", port });

/**
 * The policies: default deny of ingress for every pod of the namespace; the data plane's listener
 * ports from anywhere (the load balancer forwards client traffic, source addresses are not known in
 * advance); the control plane's agent gRPC port from the data plane pods of the same namespace.
 * Nothing else: the controller's metrics (9113) and health (8081) ports and the data plane's
 * metrics port stay closed to pods (kubelet probes come from the node, which NetworkPolicy does not
 * restrict).
 */
export function gatewayNetworkPolicies(opts: {
  release: string;
  gatewayClass: string;
  /** Ports of the Gateway's listeners (the data plane's container ports). */
  listenerPorts: number[];
}): PolicySpec[] {
  const ports = [...new Set(opts.listenerPorts)].sort((a, b) => a - b);
  if (!ports.length) throw new Error("gatewayNetworkPolicies: the Gateway has no listener port");
  const dataPlane = { matchLabels: dataPlaneLabels(opts.release, opts.gatewayClass) };
  return [
    { name: "default-deny-ingress", spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    {
      name: "ngf-data-plane",
      spec: {
        podSelector: dataPlane,
        policyTypes: ["Ingress"],
        ingress: [{ ports: ports.map(tcp) }],
      },
    },
    {
      name: "ngf-control-plane",
      spec: {
        podSelector: { matchLabels: controlPlaneLabels(opts.release) },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: dataPlane }], ports: [tcp(AGENT_GRPC_PORT)] }],
      },
    },
  ];
}
