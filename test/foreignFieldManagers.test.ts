/**
 * lib/foreignFieldManagers.ts over managedFields shaped as the API server returns them (the
 * integration test test/integration/foreignFieldManagers.test.ts takes them from a real
 * kube-apiserver).
 */
import {
  describeForeignEdit,
  fieldPaths,
  foreignEdits,
  isPulumiManager,
  ManagedFieldsEntry,
  ManagedObject,
} from "../lib/foreignFieldManagers";

const deployment = (managedFields: ManagedFieldsEntry[]): ManagedObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", namespace: "ratings", managedFields },
});
const PULUMI = {
  manager: "pulumi-kubernetes-a1b2c3d4",
  operation: "Apply",
  fieldsV1: { "f:spec": { "f:replicas": {}, "f:template": {} } },
};

test("Pulumi's manager names (client- and server-side apply) are recognised, others not", () => {
  expect(
    ["pulumi-kubernetes", "pulumi-kubernetes-a1b2c3d4", "pulumi-kubernetes-Xy12"].map(
      isPulumiManager,
    ),
  ).toEqual([true, true, true]);
  expect(
    ["kubectl-label", "pulumi-kubernetes-", "helm", "xpulumi-kubernetes"].map(isPulumiManager),
  ).toEqual([false, false, false, false]);
});

test("fieldsV1 leaves become paths; list entries by key are reported once", () => {
  expect(
    fieldPaths({
      "f:metadata": { "f:labels": { "f:team": {}, "f:tier": {} } },
      "f:spec": {
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"api"}': {
                "f:env": { 'k:{"name":"DEBUG"}': { ".": {}, "f:name": {}, "f:value": {} } },
              },
            },
          },
        },
      },
    }),
  ).toEqual([
    "metadata.labels.team",
    "metadata.labels.tier",
    "spec.template.spec.containers[name=api].env[name=DEBUG]",
  ]);
});

test("only Pulumi and the controllers: no finding", () => {
  expect(
    foreignEdits(
      deployment([
        PULUMI,
        {
          manager: "kube-controller-manager",
          operation: "Update",
          subresource: "status",
          fieldsV1: { "f:status": { "f:replicas": {} } },
        },
        {
          manager: "kube-controller-manager",
          operation: "Update",
          fieldsV1: {
            "f:metadata": { "f:annotations": { "f:deployment.kubernetes.io/revision": {} } },
          },
        },
      ]),
    ),
  ).toEqual([]);
});

test("a label by kubectl and an env var by kubectl set: one finding per manager, naming the fields", () => {
  const edits = foreignEdits(
    deployment([
      PULUMI,
      {
        manager: "kubectl-label",
        operation: "Update",
        time: "2026-11-28T21:00:00Z",
        fieldsV1: { "f:metadata": { "f:labels": { "f:team": {} } } },
      },
      {
        manager: "some-operator",
        operation: "Update",
        subresource: "status",
        fieldsV1: { "f:status": {} },
      },
      {
        manager: "kubectl-set",
        operation: "Update",
        fieldsV1: {
          "f:spec": {
            "f:template": {
              "f:spec": {
                "f:containers": {
                  'k:{"name":"api"}': {
                    "f:env": { 'k:{"name":"X"}': { ".": {}, "f:name": {}, "f:value": {} } },
                  },
                },
              },
            },
          },
        },
      },
    ]),
  );
  expect(edits.map(describeForeignEdit)).toEqual([
    "Deployment ratings/api changed out of band by kubectl-label (Update at 2026-11-28T21:00:00Z): metadata.labels.team",
    "Deployment ratings/api changed out of band by kubectl-set (Update): spec.template.spec.containers[name=api].env[name=X]",
  ]);
});

test("an object with no managedFields, or an empty entry, gives no finding", () => {
  expect(foreignEdits({ kind: "ConfigMap", metadata: { name: "x" } })).toEqual([]);
  expect(
    foreignEdits(deployment([{ manager: "kubectl-edit", operation: "Update", fieldsV1: {} }])),
  ).toEqual([]);
});
