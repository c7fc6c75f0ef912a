/** masters-three-or-five (policy/rules/mastersThreeOrFive.ts) and the cluster contract it reads. */
import { clusterSize } from "../../policy/rules/clusterSize";
import { mastersThreeOrFive } from "../../policy/rules/mastersThreeOrFive";
import {
  clusterDefinition as definition,
  clusterSpec as spec,
  DYNAMIC,
  GOOD_CLUSTERS,
  proxy,
  violations,
} from "./support";

test.each(GOOD_CLUSTERS)("%s passes", (_what, props) => {
  expect(violations(mastersThreeOrFive, DYNAMIC, props, "cluster")).toEqual([]);
});

test.each([
  [1, spec(1, [3])],
  [2, spec(2, [3])],
  [4, { clusterDefinition: definition(4, [3]) }],
  ["no", spec("three", [3])],
])("%s masters fail", (masters, props) => {
  expect(violations(mastersThreeOrFive, DYNAMIC, props, "cluster")).toEqual([
    `Cluster cluster has ${masters} masters (cluster.masterCount); production clusters need 3 ` +
      "or 5, and the count cannot be changed after deploy.",
  ]);
});

test("the spec wins; while it is unknown in preview, the cluster definition is read", () => {
  const AKS = "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment";
  const withSpec = { spec: spec(1, [3]), apiModel: JSON.stringify(definition(3, [3])) };
  expect(violations(mastersThreeOrFive, AKS, withSpec, "c")).toHaveLength(1);
  const unknownSpec = {
    spec: proxy.unknownObjectValue,
    apiModel: JSON.stringify(definition(1, [3])),
  };
  expect(violations(mastersThreeOrFive, AKS, unknownSpec, "c")).toHaveLength(1);
  const allUnknown = { spec: proxy.unknownObjectValue, apiModel: proxy.unknownStringValue };
  expect(violations(mastersThreeOrFive, AKS, allUnknown, "c")).toEqual([]);
});

test("any resource type carrying the contract is checked; others are not clusters", () => {
  expect(violations(mastersThreeOrFive, "ash:cluster:Cluster", spec(1, [3]))).toHaveLength(1);
  expect(violations(mastersThreeOrFive, DYNAMIC, { length: 32 })).toEqual([]);
  expect(clusterSize({ masterCount: 3, agentPools: [{ name: "a", count: 4 }] })).toEqual({
    masters: 3,
    pools: [{ name: "a", count: 4 }],
  });
});
