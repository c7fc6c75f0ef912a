/**
 * `cluster.operationTimeoutMinutes` (config/stamp.ts): how long `pulumi up` waits for each
 * aks-engine operation. Bad values are refused naming the key; good ones reach the cluster
 * resource's inputs (components/aksEngineCluster.ts -> providers/aksEngineProvider.ts).
 */
import { parseConfig } from "../../config";
import { operationTimeoutMs } from "../../providers/aksEngineProvider";
import { problemsOf, stamp } from "./support";

test.each<[string, unknown, string]>([
  ["zero", { scale: 0 }, "cluster.operationTimeoutMinutes.scale: 0 must be more than 0 minutes"],
  [
    "more than a week",
    { upgrade: 20000 },
    "cluster.operationTimeoutMinutes.upgrade: 20000 must be at most 10080 minutes (a week)",
  ],
  [
    "a string",
    { deploy: "2h" },
    'cluster.operationTimeoutMinutes.deploy: "2h" must be of type number',
  ],
  [
    "an unknown operation",
    { delete: 5 },
    "cluster.operationTimeoutMinutes.delete: is not a known key (typo?); remove it or see the config reference in README.md",
  ],
])("%s is refused naming the key", (_what, value, message) => {
  const problems = problemsOf("seattle", stamp({ cluster: { operationTimeoutMinutes: value } }));
  expect(problems).toContain(message);
});

test("set values override the defaults; unset ones keep them", () => {
  const raw = stamp({ cluster: { operationTimeoutMinutes: { upgrade: 600 } } });
  const { config } = parseConfig("seattle", raw.config, raw.secretKeys);
  if (config.kind !== "stamp") throw new Error("not a stamp");
  expect(config.cluster.operationTimeoutMinutes).toEqual({ upgrade: 600 });
  const inputs = { operationTimeoutMinutes: config.cluster.operationTimeoutMinutes } as Parameters<
    typeof operationTimeoutMs
  >[0];
  expect(operationTimeoutMs(inputs, "upgrade")).toBe(600 * 60_000);
  expect(operationTimeoutMs(inputs, "scale")).toBe(90 * 60_000);
  expect(operationTimeoutMs(inputs, "deploy")).toBe(120 * 60_000);
});
