import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { MongoBackup } from "../components/mongoBackup";
import { RatingsApp } from "../components/ratingsApp";
import type { LocalConfig } from "../config";
import {
  mongoStorageClass,
  protectsStatefulResources,
  retainsStatefulResources,
} from "../lib/dataSafety";
import { forceOwnership } from "../lib/fieldOwnership";
import { localPreflight } from "./preflight";

/**
 * The `local` stack: the in-cluster layer on a Kubernetes API reachable from this machine (the
 * local control plane of scripts/local-cluster.sh, or any cluster whose kubeconfig is configured).
 * No cloud and no internet chart: the ratings app with its autoscaler, budgets and policies.
 */
export async function localStack(config: LocalConfig) {
  // The stand-in secret expiry date, when set, is checked as a stamp's is.
  await localPreflight(config);
  const kubeconfigPath = path.resolve(config.local.kubeconfigPath);
  if (!fs.existsSync(kubeconfigPath)) {
    throw new pulumi.RunError(
      `local.kubeconfigPath: "${config.local.kubeconfigPath}" does not exist (resolved to ${kubeconfigPath}); ` +
        "start the local control plane with `scripts/local-cluster.sh start` or point the key at your cluster's kubeconfig",
    );
  }
  const provider = new k8s.Provider("local", {
    kubeconfig: pulumi.secret(fs.readFileSync(kubeconfigPath, "utf8")),
  });
  const app = new RatingsApp(
    "ratings",
    {
      app: config.app,
      stamp: config.local.stampName,
      storageClass: mongoStorageClass("local", config.stack),
      // Unprotected unless app.protectStatefulResources says so: the demo and tests destroy it.
      protect: protectsStatefulResources("local", config.app.protectStatefulResources),
      retainOnDelete: retainsStatefulResources("local"),
    },
    // Pulumi owns every object it deploys (see lib/fieldOwnership.ts).
    { providers: { kubernetes: provider }, transforms: [forceOwnership] },
  );
  // Backups only to a configured target (no global stack here); off by default (docs/bcdr.md).
  const { target } = config.backup;
  if (config.backup.enabled && target) {
    new MongoBackup(
      "ratings-backup",
      {
        stamp: config.local.stampName,
        namespace: app.namespace,
        credentialsSecret: app.credentialsSecretName,
        dumpImage: config.app.mongoImage,
        settings: config.backup,
        target: {
          containerUrl: `${target.blobEndpoint.replace(/\/+$/, "")}/${target.container}`,
          sas: pulumi.secret(config.backupTargetSas?.reveal() ?? ""),
          onAzureStackHub: true,
        },
      },
      { providers: { kubernetes: provider }, transforms: [forceOwnership], dependsOn: [app] },
    );
  }
  return {
    kind: config.kind,
    stamp: config.local.stampName,
    namespace: app.namespace,
    apiUrl: app.apiUrl,
    credentialsSecret: app.credentialsSecretName,
  };
}
