/** On a stamp (seattle), the cluster and MongoDB's data are protected by default. */
import { GraphNode } from "../graph/graph";
import { only, programGraph, withOption } from "./program";

const graph = programGraph("seattle");
let nodes: GraphNode[];
beforeAll(async () => {
  nodes = await graph();
});

test("protected: the cluster's resource group and cluster, the namespace, MongoDB and its class", () => {
  expect(withOption(nodes, "protect")).toEqual([
    "azurestack:index/resourceGroup:ResourceGroup seattle-cluster-rg",
    "kubernetes:apps/v1:StatefulSet seattle-ratings-mongodb",
    "kubernetes:core/v1:Namespace seattle-ratings-ns",
    "kubernetes:storage.k8s.io/v1:StorageClass seattle-ratings-mongodb-storage",
    "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment seattle-cluster-aks-engine",
  ]);
});

test("kept in the cluster if Pulumi ever deletes them: the namespace, the class, the claim's patch", () => {
  expect(withOption(nodes, "retainondelete")).toEqual([
    "kubernetes:core/v1:Namespace seattle-ratings-ns",
    "kubernetes:core/v1:PersistentVolumeClaimPatch seattle-ratings-mongodb-data",
    "kubernetes:storage.k8s.io/v1:StorageClass seattle-ratings-mongodb-storage",
  ]);
});

test("MongoDB's data lives on the program's Azure Disk CSI class: Retain, expandable", () => {
  const sc = only(nodes, "StorageClass").inputs;
  expect(sc).toMatchObject({
    metadata: { name: "ratings-mongodb-retain" },
    provisioner: "disk.csi.azure.com",
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
  });
  const sts = only(nodes, "kubernetes:apps/v1:StatefulSet");
  expect(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName).toBe(
    "ratings-mongodb-retain",
  );
});

test("app.mongoStorageSize grows the claim through a patch; the template's size never changes", () => {
  const sts = only(nodes, "kubernetes:apps/v1:StatefulSet");
  expect(sts.options?.ignorechangesList).toEqual(["spec.volumeClaimTemplates[0].spec.resources"]);
  const patch = only(nodes, "PersistentVolumeClaimPatch");
  // The provider's claim await would wait for a Bound WaitForFirstConsumer claim to be Pending.
  expect(patch.inputs.metadata.annotations).toMatchObject({ "pulumi.com/skipAwait": "true" });
  expect(patch.inputs.metadata).toMatchObject({
    name: "data-ratings-mongodb-0",
    namespace: "ratings",
  });
  expect(patch.inputs.spec).toEqual({ resources: { requests: { storage: "8Gi" } } });
  expect(patch.dependencies).toContain(sts.urn);
});

test("the guard holds the applied values, and every stateful object waits for it", () => {
  const guard = only(nodes, "StatefulGuard");
  expect(guard.inputs).toMatchObject({
    namespace: "ratings",
    storageClass: "ratings-mongodb-retain",
    storageSize: "8Gi",
    approved: [],
  });
  for (const name of ["seattle-ratings-ns", "seattle-ratings-mongodb-storage"]) {
    const node = nodes.find((n) => n.urn.endsWith(`::${name}`));
    expect({ name, deps: node?.dependencies }).toEqual({
      name,
      deps: expect.arrayContaining([guard.urn]),
    });
  }
});
