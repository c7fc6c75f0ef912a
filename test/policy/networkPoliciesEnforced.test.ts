/** network-policies-enforced (policy/rules/networkPoliciesEnforced.ts), a stack rule. */
import type { PolicyResource } from "@pulumi/policy";
import {
  NETWORK_POLICY_TYPE,
  networkPoliciesEnforced,
  networkPolicyEngine,
} from "../../policy/rules/networkPoliciesEnforced";
import { proxy, stackResource as resource, stackViolations as check } from "./support";

const AKS = "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment";
const definition = (networkPolicy?: string) =>
  JSON.stringify({
    properties: {
      orchestratorProfile: {
        kubernetesConfig: { networkPlugin: "kubenet", ...(networkPolicy ? { networkPolicy } : {}) },
      },
    },
  });
const cluster = (networkPolicy?: string) =>
  resource(AKS, { apiModel: definition(networkPolicy) }, "seattle-cluster");
const policy = (namespace: string, name: string) =>
  resource(
    NETWORK_POLICY_TYPE,
    { metadata: { name, namespace }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    `${namespace}-${name}`,
  );
const violations = (resources: PolicyResource[]) => check(networkPoliciesEnforced, resources);

test.each([
  ["calico", [cluster("calico"), policy("ratings", "default-deny")]],
  ["azure", [cluster("azure"), policy("ratings", "default-deny")]],
  [
    "no engine but no NetworkPolicies",
    [cluster(), resource("kubernetes:core/v1:Namespace", {}, "ns")],
  ],
  ["NetworkPolicies and no AKS engine cluster (the local stack)", [policy("ratings", "deny")]],
])("%s passes", (_what, resources) => {
  expect(violations(resources)).toEqual([]);
});

test.each([
  ["unset", undefined],
  ["none", "none"],
  ["empty", ""],
])("engine %s with NetworkPolicies fails on the cluster, naming the policies", (_what, engine) => {
  const resources = [
    cluster(engine),
    policy("ratings", "default-deny"),
    policy("gateway", "allow-web"),
  ];
  expect(violations(resources)).toEqual([
    [
      'Cluster seattle-cluster has no network policy engine (cluster.networkPolicy "none"), yet this ' +
        "stack deploys 2 NetworkPolicies (ratings/default-deny, gateway/allow-web) that nothing " +
        'enforces. Deploy new stamps with networkPolicy "calico" (the default) or "azure"; an ' +
        "existing cluster cannot switch: move to a new stamp (docs/stamp-runbook.md).",
      resources[0].urn,
    ],
  ]);
});

test("a definition unknown during preview is skipped, not guessed", () => {
  const unknown = resource(AKS, { apiModel: proxy.unknownStringValue }, "c");
  expect(networkPolicyEngine(unknown)).toBeUndefined();
  expect(violations([unknown, policy("ratings", "deny")])).toEqual([]);
});

test("the engine is read from apiModel or clusterDefinition; other resources are not clusters", () => {
  expect(networkPolicyEngine(cluster("calico"))).toBe("calico");
  const object = resource(AKS, { clusterDefinition: JSON.parse(definition("azure")) }, "c");
  expect(networkPolicyEngine(object)).toBe("azure");
  expect(networkPolicyEngine(policy("ratings", "deny"))).toBeUndefined();
});
