/**
 * `cluster.nodeImageGeneration` (config/stamp.ts): raising it refreshes the node image (a forced
 * upgrade at the same version, lib/clusterPlan.ts). Bad values, hostile ones included, are refused
 * naming the key before anything is created; a good one reaches the cluster spec.
 */
import { parseConfig } from "../../config";
import { clusterSpec } from "../../lib/clusterPlan";
import { problemsOf, stamp } from "./support";

test.each<[string, unknown, string]>([
  ["negative", -1, "cluster.nodeImageGeneration: -1 must be 0 or more"],
  ["a fraction", 1.5, "cluster.nodeImageGeneration: 1.5 must be a whole number"],
  ["huge", 1e12, "cluster.nodeImageGeneration: 1000000000000 must be at most 1000000"],
  [
    "a shell fragment",
    "1; rm -rf ~",
    'cluster.nodeImageGeneration: "1; rm -rf ~" must be of type number',
  ],
  ["a numeric string", "2", 'cluster.nodeImageGeneration: "2" must be of type number'],
])("%s is refused naming the key", (_what, value, message) => {
  const problems = problemsOf("seattle", stamp({ cluster: { nodeImageGeneration: value } }));
  expect(problems).toContain(message);
});

function parsed(patch: Record<string, unknown>) {
  const raw = stamp({ cluster: patch });
  const { config } = parseConfig("seattle", raw.config, raw.secretKeys);
  if (config.kind !== "stamp") throw new Error("not a stamp");
  return config;
}

test("defaults to 0 and reaches the cluster spec (the planning input)", () => {
  expect(parsed({}).cluster.nodeImageGeneration).toBe(0);
  expect(clusterSpec(parsed({})).nodeImageGeneration).toBe(0);
  expect(clusterSpec(parsed({ nodeImageGeneration: 3 })).nodeImageGeneration).toBe(3);
});
