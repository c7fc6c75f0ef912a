import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StampBackupConfig } from "../config/backup";
import { BACKUP_NAMES, backupNetworkPolicies, backupPodLabels } from "../lib/backup";
import { backupCronJobSpec, backupScripts } from "../lib/backupJob";

export interface MongoBackupArgs {
  /** Stamp name: the blob name prefix and a label. */
  stamp: string;
  /** The app namespace (MongoDB's). */
  namespace: pulumi.Input<string>;
  /** The app's credentials Secret (root-username, root-password): RatingsApp.credentialsSecretName. */
  credentialsSecret: pulumi.Input<string>;
  /** The image with mongodump: the app's MongoDB image. */
  dumpImage: string;
  /** Validated `backup` settings of the stamp (schedule, egress CIDRs, upload image). */
  settings: StampBackupConfig;
  /**
   * Where the archive goes: the container URL, its create+write SAS (secret), and whether it is
   * on an Azure Stack Hub stamp (`backup.target`; older Blob API version).
   */
  target: {
    containerUrl: pulumi.Input<string>;
    sas: pulumi.Input<string>;
    onAzureStackHub?: boolean;
  };
}

/**
 * MongoDB's backup on a stamp: a Secret with the upload target, a ConfigMap with the generated dump
 * and upload scripts, a CronJob (concurrencyPolicy Forbid, bounded history) and NetworkPolicies
 * that let the job reach only MongoDB and 443 of `egressCidrs`. The Kubernetes provider comes
 * through `opts`; pass the RatingsApp in `dependsOn`.
 */
export class MongoBackup extends pulumi.ComponentResource {
  /** Name of the CronJob (in the app namespace). */
  public readonly cronJobName: pulumi.Output<string>;

  constructor(name: string, args: MongoBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:app:MongoBackup", name, {}, opts);
    const child = { parent: this };
    const labels = { ...backupPodLabels(), "ash-ha-kubernetes/stamp": args.stamp };
    const meta = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });

    const secret = new k8s.core.v1.Secret(
      `${name}-target`,
      {
        metadata: meta(BACKUP_NAMES.secret),
        type: "Opaque",
        stringData: {
          "container-url": args.target.containerUrl,
          sas: pulumi.secret(args.target.sas),
        },
      },
      child,
    );
    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      {
        metadata: meta(BACKUP_NAMES.scripts),
        data: pulumi
          .output(args.namespace)
          .apply((ns) => backupScripts(args.stamp, ns, args.target.onAzureStackHub)),
      },
      child,
    );
    for (const policy of backupNetworkPolicies(args.settings.egressCidrs)) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.name}`,
        { metadata: meta(policy.name), spec: policy.spec },
        child,
      );
    }
    const cronJob = new k8s.batch.v1.CronJob(
      `${name}-cronjob`,
      {
        metadata: meta(BACKUP_NAMES.cronJob),
        spec: pulumi
          .all([
            args.namespace,
            args.credentialsSecret,
            secret.metadata.name,
            scripts.metadata.name,
          ])
          .apply(([namespace, credentialsSecret, targetSecret, scriptsConfigMap]) =>
            backupCronJobSpec({
              stamp: args.stamp,
              namespace,
              schedule: args.settings.schedule,
              dumpImage: args.dumpImage,
              uploadImage: args.settings.uploadImage,
              credentialsSecret,
              targetSecret,
              scriptsConfigMap,
            }),
          ),
      },
      { ...child, dependsOn: [secret, scripts] },
    );
    this.cronJobName = cronJob.metadata.name;
    this.registerOutputs({ cronJobName: this.cronJobName });
  }
}
