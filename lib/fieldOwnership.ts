/**
 * Field ownership of the in-cluster layer: Pulumi owns the Kubernetes objects the program deploys,
 * so a field another manager took over (e.g. `kubectl scale`, `kubectl edit`) is taken back on the
 * next `pulumi up` instead of failing with a server-side apply conflict.
 *
 * `forceOwnership` is a resource transform (`transforms`, run by the engine): `stacks/` applies it
 * once to the in-cluster components, and the engine runs it for every descendant, including the
 * objects a Helm chart (`helm.v4.Chart`) or a YAML file (`yaml.v2.ConfigFile`) renders, which are
 * registered by the Kubernetes provider, out of reach of the old SDK-side `transformations`.
 * Pure: a function of the registration only.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The annotation that makes the Kubernetes provider force server-side apply conflicts. */
export const PATCH_FORCE = "pulumi.com/patchForce";

/**
 * Adds `pulumi.com/patchForce: "true"` to every Kubernetes object registered beneath the resource
 * it is applied to. Leaves alone components (Helm charts, YAML files, our own components: their
 * children are objects), providers, and everything that is not a Kubernetes object.
 */
export const forceOwnership: pulumi.ResourceTransform = (args) => {
  if (!args.custom || !args.type.startsWith("kubernetes:")) return undefined;
  const metadata = (args.props.metadata ?? {}) as { annotations?: Record<string, string> };
  return {
    props: {
      ...args.props,
      metadata: { ...metadata, annotations: { ...metadata.annotations, [PATCH_FORCE]: "true" } },
    },
    opts: withoutUnsetDeleteBeforeReplace(args.opts),
  };
};

/**
 * The options to hand back unchanged, except a `deleteBeforeReplace: false` that only means "not
 * set". The Node SDK (3.259) fills `deleteBeforeReplace` with the protobuf default `false` in the
 * options it passes to a transform, and sends it back as an explicit `false`, which overrides the
 * Kubernetes provider's own delete-before-replace for named objects: a replaced Secret or
 * ConfigMap with a fixed name was created, then deleted (test/integration/localStack.test.ts,
 * "Secret key deleted"; test/integration/fieldOwnership.test.ts).
 */
function withoutUnsetDeleteBeforeReplace(opts: pulumi.ResourceOptions): pulumi.ResourceOptions {
  if ((opts as pulumi.CustomResourceOptions).deleteBeforeReplace !== false) return opts;
  const rest: pulumi.CustomResourceOptions = { ...opts };
  delete rest.deleteBeforeReplace;
  return rest;
}
