/**
 * The local stack stays unprotected by default (its demo and the real-engine tests destroy it)
 * and keeps its volume on the local control plane's provisioner.
 */
import { GraphNode } from "../graph/graph";
import { only, programGraph, withOption } from "./program";

const graph = programGraph("local");
let nodes: GraphNode[];
beforeAll(async () => {
  nodes = await graph();
});

test("nothing is protected or kept on delete except the claim's patch", () => {
  expect(withOption(nodes, "protect")).toEqual([]);
  expect(withOption(nodes, "retainondelete")).toEqual([
    "kubernetes:core/v1:PersistentVolumeClaimPatch ratings-mongodb-data",
  ]);
});

test("MongoDB's class: KWOK's provisioner, Retain, expandable, a name the KWOK stages serve", () => {
  expect(only(nodes, "StorageClass").inputs).toMatchObject({
    metadata: { name: "local-kwok-retain-local" },
    provisioner: "kwok.x-k8s.io/volume",
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
  });
  expect(only(nodes, "StatefulGuard").inputs.storageClass).toBe("local-kwok-retain-local");
});
