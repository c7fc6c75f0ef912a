/**
 * The `pulumi.com/patchForce` transformation of the in-cluster components: Pulumi owns the objects
 * it declares, so a field another manager took over (e.g. `kubectl scale`, `kubectl edit`) is taken
 * back on the next `pulumi up` instead of failing with a server-side apply conflict.
 *
 * It applies to Kubernetes objects the program declares itself. It leaves alone objects that are
 * only read (`.get`), providers, and the Helm chart / YAML file components: those are rendered by
 * the Kubernetes provider, outside the program's transformations.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Component types rendered by the provider (their objects are not declared by the program). */
const PROVIDER_RENDERED = ["kubernetes:helm.sh/", "kubernetes:yaml/"];

/** Adds `pulumi.com/patchForce: "true"` to every Kubernetes object a component declares. */
export function forceOwnership(
  args: pulumi.ResourceTransformationArgs,
): pulumi.ResourceTransformationResult | undefined {
  if (!args.type.startsWith("kubernetes:")) return undefined;
  if (PROVIDER_RENDERED.some((prefix) => args.type.startsWith(prefix))) return undefined;
  if ((args.opts as pulumi.CustomResourceOptions).id !== undefined) return undefined;
  const metadata = (args.props.metadata ?? {}) as { annotations?: Record<string, string> };
  return {
    props: {
      ...args.props,
      metadata: {
        ...metadata,
        annotations: { ...metadata.annotations, "pulumi.com/patchForce": "true" },
      },
    },
    opts: args.opts,
  };
}
