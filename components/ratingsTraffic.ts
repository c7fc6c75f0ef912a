/**
 * The parts of the ratings app that decide what reaches its pods: PodDisruptionBudgets (what a
 * drain, e.g. kured's, may evict), NetworkPolicies and the HTTPRoute on the Gateway. Split from
 * components/ratingsApp.ts, which calls them with its `Scope`.
 */
import * as k8s from "./sdk/kubernetes";
import * as r from "../lib/ratings";
import type { RatingsAppArgs, Scope } from "./ratingsApp";

/** A PodDisruptionBudget per tier and the default-deny NetworkPolicies. */
export function budgetsAndPolicies(s: Scope, gatewayNamespace: string | undefined): void {
  const { name, ns, inNs, meta } = s;
  for (const tier of ["web", "api", "mongodb"] as const) {
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-${tier}`,
      {
        metadata: meta(tier),
        spec: { maxUnavailable: 1, selector: { matchLabels: r.selectorLabels(tier) } },
      },
      inNs,
    );
  }

  for (const policy of r.networkPolicies(gatewayNamespace)) {
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${policy.name}`,
      {
        metadata: {
          name: policy.name,
          namespace: ns,
          labels: { "app.kubernetes.io/part-of": r.PART_OF },
        },
        spec: policy.spec,
      },
      inNs,
    );
  }
}

/** The HTTPRoute on the ingress Gateway. */
export function route(
  s: Scope,
  gateway: NonNullable<RatingsAppArgs["gateway"]>,
  hostname: string | undefined,
  services: k8s.core.v1.Service[],
): void {
  const { name, ns, inNs } = s;
  // `/` to ratings-web; `/healthz` to the API so Traffic Manager probes real app health.
  new k8s.apiextensions.CustomResource(
    `${name}-route`,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: {
        name: "ratings",
        namespace: ns,
        labels: { "app.kubernetes.io/part-of": r.PART_OF },
      },
      spec: {
        parentRefs: [
          {
            name: gateway.name,
            namespace: gateway.namespace,
            ...(gateway.sectionName ? { sectionName: gateway.sectionName } : {}),
          },
        ],
        hostnames: hostname ? [hostname] : undefined,
        rules: [
          {
            matches: [{ path: { type: "Exact", value: "/healthz" } }],
            backendRefs: [{ name: r.tierName("api"), port: r.SERVICE_PORTS.api }],
          },
          {
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: [{ name: r.tierName("web"), port: r.SERVICE_PORTS.web }],
          },
        ],
      },
    },
    { ...inNs, dependsOn: services },
  );
}
