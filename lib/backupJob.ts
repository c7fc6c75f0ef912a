/**
 * The backup CronJob's spec: an init container dumps MongoDB into a shared emptyDir (the MongoDB
 * image, which ships mongodump), then the upload container PUTs the archive to Blob storage (a curl
 * image). If the dump fails the pod fails before any upload; if the upload is refused the container
 * exits non-zero; either way the Job fails. Pure.
 */
import type * as k8s from "@pulumi/kubernetes";
import { BLOB_API_VERSIONS, backupPodLabels, mongoHost } from "./backup";
import { dumpScript, ENV, uploadScript } from "./backupScripts";
import { containerSecurity, DATABASE, PORTS, RUN_AS_USER } from "./ratings";

/** What the CronJob needs. */
export interface BackupJobArgs {
  stamp: string;
  namespace: string;
  /** Cron schedule (UTC unless the cluster's controller says otherwise). */
  schedule: string;
  /** Image with mongodump (the app's MongoDB image, so the tools match the server). */
  dumpImage: string;
  /** Image with curl and gzip (POSIX sh). */
  uploadImage: string;
  /** The app's credentials Secret (root-username, root-password). */
  credentialsSecret: string;
  /** The Secret with the upload target (container-url, sas). */
  targetSecret: string;
  /** The ConfigMap with dump.sh and upload.sh. */
  scriptsConfigMap: string;
}

/** Finished Jobs kept: successful and failed. */
export const JOB_HISTORY = { successful: 3, failed: 3 } as const;

/**
 * The scripts ConfigMap's data.
 * @param onAzureStackHub the target is a storage account on an Azure Stack Hub stamp (`backup.target`)
 */
export function backupScripts(
  stamp: string,
  namespace: string,
  onAzureStackHub = false,
): Record<string, string> {
  const apiVersion = BLOB_API_VERSIONS[onAzureStackHub ? "azureStackHub" : "azure"];
  return {
    "dump.sh": dumpScript({ host: mongoHost(namespace), port: PORTS.mongodb, database: DATABASE }),
    "upload.sh": uploadScript({ stamp, apiVersion }),
  };
}

const secretEnv = (name: string, secret: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/** The CronJob spec (batch/v1), typed by the Kubernetes SDK so a misspelt field fails to compile. */
export function backupCronJobSpec(a: BackupJobArgs): k8s.types.input.batch.v1.CronJobSpec {
  const mounts = [
    { name: "backup", mountPath: "/backup" },
    { name: "scripts", mountPath: "/scripts", readOnly: true },
  ];
  const resources = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "1", memory: "512Mi" },
  };
  return {
    schedule: a.schedule,
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: 3600,
    successfulJobsHistoryLimit: JOB_HISTORY.successful,
    failedJobsHistoryLimit: JOB_HISTORY.failed,
    jobTemplate: {
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: 3 * 3600,
        template: {
          metadata: { labels: backupPodLabels() },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUN_AS_USER.mongodb,
              runAsGroup: RUN_AS_USER.mongodb,
              fsGroup: RUN_AS_USER.mongodb,
              seccompProfile: { type: "RuntimeDefault" },
            },
            initContainers: [
              {
                name: "dump",
                image: a.dumpImage,
                command: ["sh", "/scripts/dump.sh"],
                env: [
                  secretEnv(ENV.mongoUser, a.credentialsSecret, "root-username"),
                  secretEnv(ENV.mongoPassword, a.credentialsSecret, "root-password"),
                ],
                resources,
                securityContext: containerSecurity(),
                volumeMounts: mounts,
              },
            ],
            containers: [
              {
                name: "upload",
                image: a.uploadImage,
                command: ["sh", "/scripts/upload.sh"],
                env: [
                  secretEnv(ENV.containerUrl, a.targetSecret, "container-url"),
                  secretEnv(ENV.sas, a.targetSecret, "sas"),
                ],
                resources,
                securityContext: containerSecurity(),
                volumeMounts: mounts,
              },
            ],
            volumes: [
              { name: "backup", emptyDir: {} },
              { name: "scripts", configMap: { name: a.scriptsConfigMap, defaultMode: 0o555 } },
            ],
          },
        },
      },
    },
  };
}
