import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Secret } from "../config";
import { DOCKER_CONFIG_JSON, PULL_SECRET_NAME } from "../lib/pullSecrets";

export interface ImagePullSecretArgs {
  /** The docker config JSON (a config secret); unset: nothing is created. */
  dockerConfig?: Secret;
  /** Namespace of the pods that pull with it. */
  namespace: pulumi.Input<string>;
  /** Labels of the Secret. */
  labels: Record<string, string>;
}

/**
 * The Kubernetes Secret (type `kubernetes.io/dockerconfigjson`, name `image-pull-secret`) that the
 * pods of one namespace pull their images with, from a secret config value. Its content enters
 * Pulumi only as a secret, so state and previews hold it encrypted. Returns the Secret and the
 * `imagePullSecrets` entry pods reference it by, or nothing when no pull secret is configured.
 * Created as a child of `opts.parent` with its options (provider, dependsOn).
 */
export function imagePullSecret(
  name: string,
  args: ImagePullSecretArgs,
  opts: pulumi.CustomResourceOptions,
): { secret: k8s.core.v1.Secret; name: string; reference: { name: string }[] } | undefined {
  if (!args.dockerConfig) return undefined;
  const secret = new k8s.core.v1.Secret(
    `${name}-image-pull`,
    {
      metadata: { name: PULL_SECRET_NAME, namespace: args.namespace, labels: args.labels },
      type: DOCKER_CONFIG_JSON.type,
      stringData: { [DOCKER_CONFIG_JSON.key]: pulumi.secret(args.dockerConfig.reveal()) },
    },
    opts,
  );
  return { secret, name: PULL_SECRET_NAME, reference: [{ name: PULL_SECRET_NAME }] };
}
