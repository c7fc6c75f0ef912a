/** images-pinned (policy/rules/imagesPinned.ts). */
import { imageNotPinned, imagesPinned as rule } from "../../policy/rules/imagesPinned";
import { GOOD_RESOURCES, violations, workload } from "./support";

const type = "kubernetes:apps/v1:Deployment";
const digest = `sha256:${"a".repeat(64)}`;

test.each([
  "registry.contoso.com/ratings/ratings-api:v1.0.0",
  "localhost:5000/ratings/ratings-web:v1.0.0",
  "mongo:7.0.14",
  `mcr.microsoft.com/oss/nginx@${digest}`,
  `registry:5000/app:v2@${digest}`,
])("%s passes", (image) => {
  expect(imageNotPinned(image)).toBeUndefined();
  const c = { name: "api", image, resources: GOOD_RESOURCES };
  expect(violations(rule, type, workload(type, c))).toEqual([]);
});

test.each([
  ["nginx", 'image "nginx" has no tag (it means :latest)'],
  [
    "localhost:5000/ratings/api",
    'image "localhost:5000/ratings/api" has no tag (it means :latest)',
  ],
  ["mongo:latest", 'image "mongo:latest" uses the floating tag "latest"'],
  ["r.io/app:LATEST", 'image "r.io/app:LATEST" uses the floating tag "LATEST"'],
  ["r.io/app:", 'image "r.io/app:" uses the floating tag "(empty)"'],
  ["r.io/app@sha256:abc", 'image "r.io/app@sha256:abc" has a malformed digest'],
  ["", "has no image"],
])("%s fails", (image, why) => {
  const c = { name: "api", image, resources: GOOD_RESOURCES };
  expect(violations(rule, type, workload(type, c))).toEqual([
    `Deployment ratings-api: container "api" ${why}; pin a version tag or an @sha256 digest ` +
      "(mirror it for disconnected stamps).",
  ]);
});

test("init containers are checked too", () => {
  const c = { name: "api", image: "r/api:v1", resources: GOOD_RESOURCES };
  const init = { name: "wait", image: "busybox", resources: GOOD_RESOURCES };
  expect(violations(rule, type, workload(type, c, init))).toHaveLength(1);
});
