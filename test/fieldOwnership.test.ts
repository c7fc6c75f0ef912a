/** The field-ownership transform itself: which registrations it annotates, and how. */
import type * as pulumi from "@pulumi/pulumi";
import { forceOwnership, PATCH_FORCE } from "../lib/fieldOwnership";

const args = (
  type: string,
  custom: boolean,
  props: Record<string, unknown> = {},
): pulumi.ResourceTransformArgs => ({ type, name: "x", custom, props, opts: { protect: false } });

const run = (a: pulumi.ResourceTransformArgs) =>
  forceOwnership(a) as pulumi.ResourceTransformResult | undefined;

test.each([
  ["a Deployment the program declares", "kubernetes:apps/v1:Deployment", true],
  ["a Gateway (custom resource)", "kubernetes:gateway.networking.k8s.io/v1:Gateway", true],
  ["a chart-rendered ServiceAccount", "kubernetes:core/v1:ServiceAccount", true],
  ["a CRD from a YAML file", "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", true],
])("annotates %s", (_what, type, custom) => {
  const result = run(args(type, custom, { metadata: { name: "n" }, spec: { replicas: 2 } }));
  expect(result?.props).toEqual({
    metadata: { name: "n", annotations: { [PATCH_FORCE]: "true" } },
    spec: { replicas: 2 },
  });
  expect(result?.opts).toEqual({ protect: false });
});

test.each([
  ["a Helm chart (component)", "kubernetes:helm.sh/v4:Chart", false],
  ["a YAML file (component)", "kubernetes:yaml/v2:ConfigFile", false],
  ["our own component", "ash-ha-kubernetes:app:RatingsApp", false],
  ["the Kubernetes provider", "pulumi:providers:kubernetes", true],
  ["a generated password", "pulumi-nodejs:dynamic/ash-ha-kubernetes:GeneratedPassword", true],
  ["an Azure resource", "azure-native:trafficmanager:Endpoint", true],
])("leaves alone %s", (_what, type, custom) => {
  expect(run(args(type, custom, { metadata: { name: "n" } }))).toBeUndefined();
});

test("keeps the object's own annotations and adds metadata where there was none", () => {
  const annotations = { "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}" };
  expect(
    run(args("kubernetes:core/v1:Namespace", true, { metadata: { annotations } }))?.props,
  ).toEqual({ metadata: { annotations: { ...annotations, [PATCH_FORCE]: "true" } } });
  expect(run(args("kubernetes:core/v1:Namespace", true))?.props).toEqual({
    metadata: { annotations: { [PATCH_FORCE]: "true" } },
  });
});

test("hands back no explicit deleteBeforeReplace: false, so the provider's own choice stands", () => {
  const transform = (opts: pulumi.CustomResourceOptions) =>
    run({ ...args("kubernetes:core/v1:Secret", true, { metadata: { name: "s" } }), opts })?.opts;
  expect(transform({ deleteBeforeReplace: false, protect: true })).toEqual({ protect: true });
  expect(transform({ deleteBeforeReplace: true })).toEqual({ deleteBeforeReplace: true });
  expect(transform({ retainOnDelete: true })).toEqual({ retainOnDelete: true });
});
