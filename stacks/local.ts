import * as k8s from "../components/sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { MongoBackup } from "../components/mongoBackup";
import { ClusterAccess } from "../components/clusterAccess";
import { RatingsApp } from "../components/ratingsApp";
import type { LocalConfig } from "../config";
import {
  mongoStorageClass,
  protectsStatefulResources,
  retainsStatefulResources,
} from "../lib/dataSafety";
import { activeIdentity, type ActiveIdentity } from "../lib/clusterAccess";
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
  const identity = runIdentity(config.local.kubeconfigPath, kubeconfigPath, process.env);
  pulumi.log.info(
    `Kubernetes identity of this run: user "${identity.user}" (context "${identity.context}" of $KUBECONFIG)`,
  );
  // No identity in the provider's inputs: its kubeconfig is the ambient one ($KUBECONFIG of the
  // run), so a viewer preview and a deployer or admin `up` of the same program give the provider
  // the same inputs and it shows no diff (docs/decisions.md, "Who the program runs as").
  const provider = new k8s.Provider("local", { kubeconfig: "" });
  const storageClass = mongoStorageClass("local", config.stack);
  const app = new RatingsApp(
    "ratings",
    {
      app: config.app,
      stamp: config.local.stampName,
      storageClass,
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
  // The viewer and deployer identities; only an admin run can create or change them.
  new ClusterAccess(
    "access",
    {
      stamp: config.local.stampName,
      appNamespace: config.app.namespace,
      appNamespaceCreated: app.namespace,
      storageClasses: config.app.storageClass ? [] : [storageClass.name],
      tokenGeneration: config.access.tokenGeneration,
    },
    { providers: { kubernetes: provider }, transforms: [forceOwnership] },
  );
  return {
    kind: config.kind,
    stamp: config.local.stampName,
    // Not a credential: where `npm run kubeconfig -- <stack>` points the viewer and deployer.
    apiServer: identity.server,
    namespace: app.namespace,
    apiUrl: app.apiUrl,
    credentialsSecret: app.credentialsSecretName,
  };
}

/**
 * The identity a run uses: the current context of the single file in $KUBECONFIG, which must
 * reach the same API server as `local.kubeconfigPath` (so a viewer or deployer kubeconfig of some
 * other cluster is refused before anything is read). Which identity it is decides what the run
 * may do; the program itself does not change with it.
 */
function runIdentity(
  configured: string,
  clusterFile: string,
  env: NodeJS.ProcessEnv,
): ActiveIdentity {
  const fail = (why: string) =>
    new pulumi.RunError(
      `${why}; set KUBECONFIG to one kubeconfig file of this stack's cluster: ` +
        "`npm run kubeconfig -- <stack>` (viewer: preview, drift), `--deployer` (up) or " +
        "`--admin` (first deploy, access changes) writes one (docs/local-cluster.md)",
    );
  const file = env.KUBECONFIG ?? "";
  if (file === "" || file.includes(path.delimiter) || !fs.existsSync(file)) {
    throw fail(`KUBECONFIG is ${file === "" ? "not set" : `"${file}", not one existing file`}`);
  }
  const cluster = activeIdentity(
    fs.readFileSync(clusterFile, "utf8"),
    `local.kubeconfigPath "${configured}"`,
  );
  const run = activeIdentity(fs.readFileSync(file, "utf8"), `KUBECONFIG "${file}"`);
  if ("error" in cluster) throw new pulumi.RunError(cluster.error);
  if ("error" in run) throw fail(run.error);
  if (run.server !== cluster.server) {
    throw fail(
      `KUBECONFIG "${file}" reaches ${run.server}, but local.kubeconfigPath "${configured}" names ${cluster.server}`,
    );
  }
  return run;
}
