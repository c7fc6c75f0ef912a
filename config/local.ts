/**
 * The local stack's schema: the kubeconfig to deploy into, the stand-in stamp name and the app. Pure.
 */
import { z } from "zod";
import type { Secret } from "./secret";
import { localBackupSchema } from "./backup";
import { expiryDate, nonEmpty, preflightSchema, STAMP_NAME } from "./fields";
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
  /**
   * Optional stand-in for a stamp's secret expiry date (YYYY-MM-DD), to rehearse the expiry check
   * of previews and of the fleet drift run on a local stack. No secret goes with it.
   */
  servicePrincipalSecretExpiresOn: expiryDate.optional(),
  /** Pre-flight checks that only warn on this stack: secretExpiry. */
  preflight: preflightSchema(["secretExpiry"]),
  /** MongoDB backup job: off by default; on, it needs backup.target (docs/bcdr.md). */
  backup: localBackupSchema,
  access: accessSchema,
});

export type LocalConfig = z.infer<typeof localSchema> & {
  stack: string;
  /** SAS of `backup.target`; unset without a target. */
  backupTargetSas?: Secret;
};
