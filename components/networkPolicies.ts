import * as k8s from "./sdk/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { PolicySpec } from "../lib/ratings";

/**
 * One NetworkPolicy resource per spec (named `<name>-<policy name>`) in `namespace`, with
 * `labels`; the specs come from lib/ (lib/namespacePolicies.ts and the namespace's own file).
 * Returns them so the chart whose pods they govern can depend on them. Created with `opts`
 * (parent, provider, dependsOn: the namespace).
 */
export function networkPolicies(
  name: string,
  policies: PolicySpec[],
  where: { namespace: string; labels: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
  return policies.map(
    (policy) =>
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.name}`,
        {
          metadata: { name: policy.name, namespace: where.namespace, labels: where.labels },
          spec: policy.spec,
        },
        opts,
      ),
  );
}
