/** workers-at-least-three (policy/rules/workersAtLeastThree.ts), advisory. */
import { workersAtLeastThree } from "../../policy/rules/workersAtLeastThree";
import { clusterSpec as spec, DYNAMIC, GOOD_CLUSTERS, violations } from "./support";

test.each(GOOD_CLUSTERS)("%s passes", (_what, props) => {
  expect(violations(workersAtLeastThree, DYNAMIC, props, "cluster")).toEqual([]);
});

test("pools below 3 workers are reported one by one (advisory)", () => {
  expect(violations(workersAtLeastThree, DYNAMIC, spec(3, [2, 3, 1]), "cluster")).toEqual([
    'Cluster cluster: pool "pool0" has 2 workers (cluster.pools[].count), below the support ' +
      "policy's minimum of 3.",
    'Cluster cluster: pool "pool2" has 1 workers (cluster.pools[].count), below the support ' +
      "policy's minimum of 3.",
  ]);
  expect(violations(workersAtLeastThree, DYNAMIC, spec(3, []), "cluster")).toEqual([
    "Cluster cluster has no worker pool; add one with 3 or more nodes.",
  ]);
});
