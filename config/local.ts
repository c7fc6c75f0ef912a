/**
 * The local stack's schema: the kubeconfig to deploy into, the stand-in stamp name and the app. Pure.
 */
import { z } from "zod";
import { nonEmpty, STAMP_NAME } from "./fields";
import { accessSchema, appSchema } from "./inCluster";

export const localSchema = z.strictObject({
  kind: z.literal("local"),
  local: z
    .strictObject({
      /** Kubeconfig of the cluster to deploy into. Defaults to .local/kubeconfig (the local control plane). */
      kubeconfigPath: nonEmpty.default(".local/kubeconfig"),
      /** Stand-in stamp name used for labels and the monitoring cluster name. Defaults to local. */
      stampName: z.string().regex(STAMP_NAME, "must be a lowercase name").default("local"),
    })
    .prefault({}),
  app: appSchema,
  access: accessSchema,
});

export type LocalConfig = z.infer<typeof localSchema> & { stack: string };
