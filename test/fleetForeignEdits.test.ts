/**
 * The fleet drift run's out-of-band-edit pieces (scripts/lib/fleetForeignEdits.ts): which objects of an
 * exported state are checked, and the findings lines over live objects' managedFields.
 */
import {
  foreignEditFindings,
  kubectlGetArgs,
  managedKubernetesObjects,
} from "../scripts/lib/fleetForeignEdits";

const res = (type: string, outputs: unknown, custom = true) => ({ type, custom, outputs });

test("the kubernetes provider's custom resources with plain identity; patches, components and other providers left out", () => {
  const exported = {
    deployment: {
      resources: [
        res("pulumi:pulumi:Stack", {}, false),
        res("kubernetes:apps/v1:Deployment", {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "api", namespace: "ratings" },
        }),
        res("kubernetes:core/v1:Namespace", {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: "ratings" },
        }),
        res("kubernetes:apps/v1:DeploymentPatch", {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "coredns", namespace: "kube-system" },
        }),
        res("kubernetes:helm.sh/v4:Chart", {}, false),
        res("azure-native:resources:ResourceGroup", { name: "rg" }),
        res("kubernetes:core/v1:Secret", {
          apiVersion: "v1",
          kind: "Secret",
          metadata: {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            ciphertext: "x",
          },
        }),
      ],
    },
  };
  expect(managedKubernetesObjects(exported)).toEqual([
    { apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: "ratings" },
    { apiVersion: "v1", kind: "Namespace", name: "ratings" },
  ]);
  expect(managedKubernetesObjects({})).toEqual([]);
});

test("findings lines name object, manager and fields; Pulumi-only objects give none", () => {
  expect(
    foreignEditFindings([
      {
        kind: "Namespace",
        metadata: {
          name: "ratings",
          managedFields: [
            {
              manager: "pulumi-kubernetes-9a8b",
              operation: "Apply",
              fieldsV1: { "f:metadata": { "f:labels": { "f:app": {} } } },
            },
          ],
        },
      },
      {
        kind: "Deployment",
        metadata: {
          name: "api",
          namespace: "ratings",
          managedFields: [
            {
              manager: "kubectl-annotate",
              operation: "Update",
              fieldsV1: { "f:metadata": { "f:annotations": { "f:owner": {} } } },
            },
          ],
        },
      },
    ]),
  ).toEqual([
    "Deployment ratings/api changed out of band by kubectl-annotate (Update): metadata.annotations.owner",
  ]);
});

test("kubectl get per namespace, typed by kind, version and group", () => {
  expect(
    kubectlGetArgs([
      { apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: "ratings" },
      { apiVersion: "v1", kind: "Namespace", name: "ratings" },
      { apiVersion: "v1", kind: "ConfigMap", name: "cfg", namespace: "ratings" },
    ]),
  ).toEqual([
    [
      "get",
      "-n",
      "ratings",
      "Deployment.v1.apps/api",
      "ConfigMap/cfg",
      "--ignore-not-found",
      "--show-managed-fields",
      "-o",
      "json",
    ],
    ["get", "Namespace/ratings", "--ignore-not-found", "--show-managed-fields", "-o", "json"],
  ]);
});
