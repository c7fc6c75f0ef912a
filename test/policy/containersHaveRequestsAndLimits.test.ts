/** containers-have-requests-and-limits (policy/rules/containersHaveRequestsAndLimits.ts). */
import { containersHaveRequestsAndLimits as rule } from "../../policy/rules/containersHaveRequestsAndLimits";
import { POD_SPEC_PATHS } from "../../policy/rules/helpers";
import { GOOD_RESOURCES, violations, workload } from "./support";

const kinds = Object.keys(POD_SPEC_PATHS);
const kind = (type: string) => type.split(":").pop();

test.each(kinds)("%s with requests and limits passes", (type) => {
  const c = { name: "api", image: "r/api:v1", resources: GOOD_RESOURCES };
  expect(violations(rule, type, workload(type, c, { ...c, name: "init" }))).toEqual([]);
});

test.each(kinds)("%s without resources fails twice", (type) => {
  expect(violations(rule, type, workload(type, { name: "api", image: "r/api:v1" }))).toEqual([
    `${kind(type)} ratings-api: container "api" has no resources.requests.cpu / memory; set ` +
      "requests and limits for cpu and memory.",
    `${kind(type)} ratings-api: container "api" has no resources.limits.cpu / memory; set ` +
      "requests and limits for cpu and memory.",
  ]);
});

test("a missing memory limit on an init container is named", () => {
  const type = "kubernetes:apps/v1:StatefulSet";
  const init = {
    name: "migrate",
    image: "r/m:v1",
    resources: { requests: GOOD_RESOURCES.requests, limits: { cpu: "1" } },
  };
  const c = { name: "db", image: "r/db:v1", resources: GOOD_RESOURCES };
  expect(violations(rule, type, workload(type, c, init))).toEqual([
    'StatefulSet ratings-api: init container "migrate" has no resources.limits.memory; set ' +
      "requests and limits for cpu and memory.",
  ]);
});
