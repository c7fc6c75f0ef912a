/** stateful-data-protected (policy/rules/statefulDataProtected.ts), a stack rule. */
import type { PolicyResource } from "@pulumi/policy";
import { STATEFUL_SET_TYPE, statefulDataProtected } from "../../policy/rules/statefulDataProtected";
import { stackResource, stackViolations } from "./support";

const cluster = stackResource(
  "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment",
  { spec: { masterCount: 3, pools: [{ name: "linuxpool", count: 3 }] } },
  "seattle-cluster-aks-engine",
);
const statefulSet = (protect: boolean, templates: unknown[] = [{ metadata: { name: "data" } }]) =>
  ({
    ...stackResource(
      STATEFUL_SET_TYPE,
      {
        metadata: { name: "ratings-mongodb", namespace: "ratings" },
        spec: { volumeClaimTemplates: templates },
      },
      "seattle-ratings-mongodb",
    ),
    opts: { protect },
  }) as unknown as PolicyResource;
const check = (resources: PolicyResource[]) => stackViolations(statefulDataProtected, resources);

test.each([
  ["a protected StatefulSet on a stamp", [cluster, statefulSet(true)]],
  [
    "an unprotected StatefulSet without volume claims on a stamp",
    [cluster, statefulSet(false, [])],
  ],
  ["an unprotected StatefulSet on a stack without a cluster (local)", [statefulSet(false)]],
])("%s passes", (_what, resources) => {
  expect(check(resources)).toEqual([]);
});

test("an unprotected StatefulSet with volume claims on a stamp is reported", () => {
  expect(check([cluster, statefulSet(false)])).toEqual([
    [
      "StatefulSet ratings/ratings-mongodb keeps its data in volumeClaimTemplates but is not protected on this stamp; " +
        "keep app.protectStatefulResources at its default (true) outside a procedure of docs/data-safety.md, or set protect: true.",
      `urn:pulumi:test::p::${STATEFUL_SET_TYPE}::seattle-ratings-mongodb`,
    ],
  ]);
});
