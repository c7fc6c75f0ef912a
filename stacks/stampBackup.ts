import * as pulumi from "@pulumi/pulumi";
import { MongoBackup } from "../components/mongoBackup";
import type { RatingsApp } from "../components/ratingsApp";
import type { StampConfig } from "../config";
import { globalUploadTarget } from "../lib/backup";
import type { GlobalOutputValues } from "./globalOutputs";

/**
 * MongoDB's backup CronJob, uploading to the stamp's container in the global storage account, or
 * to `backup.target` with the secret `backupTargetSas` (disconnected stamps). docs/bcdr.md.
 */
export function stampBackup(
  config: StampConfig,
  global: GlobalOutputValues,
  app: RatingsApp,
  opts: pulumi.ComponentResourceOptions,
): MongoBackup {
  const { target } = config.backup;
  const upload = target
    ? {
        containerUrl: `${target.blobEndpoint.replace(/\/+$/, "")}/${target.container}`,
        sas: pulumi.secret(config.backupTargetSas?.reveal() ?? ""),
        onAzureStackHub: true,
      }
    : (() => {
        const t = pulumi
          .all([global.backupBlobEndpoint, global.backupUploadSas])
          .apply(([endpoint, sas]) => globalUploadTarget(endpoint, sas, config.name));
        return {
          containerUrl: t.apply((x) => x.containerUrl),
          sas: pulumi.secret(t.apply((x) => x.sas)),
        };
      })();
  return new MongoBackup(
    `${config.name}-backup`,
    {
      stamp: config.name,
      namespace: app.namespace,
      credentialsSecret: app.credentialsSecretName,
      dumpImage: config.app.mongoImage,
      settings: config.backup,
      target: upload,
    },
    { ...opts, dependsOn: [app] },
  );
}
