/**
 * Building blocks shared by the NetworkPolicies of the platform namespaces the program creates
 * (cert-manager, kured, MetalLB): the default deny, egress to the Kubernetes API server, and port
 * lists. Pure. Each namespace's own flows live next to its chart values (lib/certificates.ts,
 * lib/nodeReboots.ts, lib/metallb.ts); docs/in-cluster.md ("Network policies and Pod Security of
 * each namespace") lists them all.
 *
 * The API server is not a pod: its address (a master's IP, or the internal load balancer's on a
 * multi-master aks-engine cluster) is not known to the program, so egress to it is opened by port
 * to any address. NetworkPolicy is evaluated after the `kubernetes` Service's DNAT, so the port is
 * the API server's own (the endpoint's), not the Service's 443.
 */
import type { PolicySpec } from "./ratings";

/**
 * Ports the API server serves on. aks-engine-azurestack sets `--secure-port=443`
 * (pkg/api/defaults-apiserver.go in Azure/aks-engine-azurestack). An edge cluster already exists
 * and the program cannot see its endpoint port before deploying, so both ports conformant
 * distributions use are opened there: 443 and kubeadm's 6443.
 */
export const API_SERVER_PORTS = { stamp: [443], edge: [443, 6443] } as const;

/** One TCP or UDP port of a NetworkPolicy rule. */
export interface PolicyPort {
  protocol: "TCP" | "UDP";
  port: number;
}

/** A TCP port rule entry. */
export const tcp = (port: number): PolicyPort => ({ protocol: "TCP", port });

/** DNS (UDP and TCP 53): the cluster DNS for names, authoritative servers for DNS-01 checks. */
export const DNS_PORTS: PolicyPort[] = [
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];

/**
 * Distinct, sorted TCP ports; throws naming `what` when one is not an integer 1-65535 or none is
 * given (a NetworkPolicy rule with an empty port list would open every port).
 */
export function tcpPorts(ports: readonly number[], what: string): PolicyPort[] {
  if (!ports.length) throw new Error(`${what}: no port given`);
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) {
      throw new Error(`${what}: port ${String(p)} is not an integer 1-65535`);
    }
  }
  return [...new Set(ports)].sort((a, b) => a - b).map(tcp);
}

/**
 * Default deny for every pod of the namespace. `Ingress` only where egress stays open on purpose
 * (see each namespace's policies); both where every outgoing flow is listed.
 */
export function defaultDeny(types: ("Ingress" | "Egress")[]): PolicySpec {
  const name = types.includes("Egress") ? "default-deny" : "default-deny-ingress";
  return { name, spec: { podSelector: {}, policyTypes: [...types] } };
}

/**
 * Egress from the selected pods to the Kubernetes API server's ports, to any address.
 * @param podSelector the pods that talk to the API server (`{}`: every pod of the namespace)
 */
export function apiServerEgress(
  name: string,
  podSelector: Record<string, unknown>,
  apiServerPorts: readonly number[],
): PolicySpec {
  return {
    name,
    spec: {
      podSelector,
      policyTypes: ["Egress"],
      egress: [{ ports: tcpPorts(apiServerPorts, `${name}: API server ports`) }],
    },
  };
}
