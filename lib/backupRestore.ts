/**
 * The pure part of `npm run restore` (scripts/restore.ts): its arguments, the Blob list answer,
 * the choice of backup, what it tells the operator before overwriting anything, and the kubectl
 * command line. docs/bcdr.md "Restore".
 */
import { backupContainerName, BLOB_NAME, latestBackup } from "./backup";
import { restoreCommand } from "./backupScripts";
import { DATABASE, tierName } from "./ratings";

/** Environment variables the restore reads (secrets never come through argv). */
export const RESTORE_ENV = {
  /** A SAS with read and list on the container, from the operator's own credentials. */
  sas: "ASHK8S_BACKUP_READ_SAS",
  /** The Blob endpoint (global stack output backupBlobEndpoint) unless --blob-endpoint. */
  blobEndpoint: "ASHK8S_BACKUP_BLOB_ENDPOINT",
} as const;

export const RESTORE_USAGE = `usage: npm run restore -- <stamp> [--latest | --backup <blob name>] [--into <stamp>]
         [--kubeconfig <file>] [--namespace <ns>] [--blob-endpoint <url>] [--container <name>]
         [--download <file>] [--dry-run] [--yes]

  <stamp>          the stamp whose backups to restore (container mongodb-<stamp>)
  --latest         the newest backup (the default)
  --backup <name>  one backup, e.g. mongodump-seattle-20261128T021700Z.archive.gz
  --into <stamp>   the stamp restored into (defaults to <stamp>); --kubeconfig must be its cluster's
  --kubeconfig     kubeconfig of the target cluster (defaults to $KUBECONFIG / ~/.kube/config)
  --namespace      the app namespace (defaults to ratings)
  --blob-endpoint  Blob endpoint (defaults to $${RESTORE_ENV.blobEndpoint})
  --container      container (defaults to mongodb-<stamp>; for backup.target of disconnected stamps)
  --download       keep the downloaded archive in this file
  --dry-run        list, download and check the archive, print the plan; change nothing
  --yes            restore without asking (the plan is printed either way)

  $${RESTORE_ENV.sas} must hold a SAS with read (r) and list (l) on the container.`;

/** What the operator asked for. */
export interface RestoreArgs {
  stamp: string;
  /** A blob name, or undefined for the latest. */
  backup?: string;
  into: string;
  kubeconfig?: string;
  namespace: string;
  blobEndpoint?: string;
  container: string;
  download?: string;
  dryRun: boolean;
  yes: boolean;
}

/** A refusal of the arguments, with the usage. */
export class RestoreUsageError extends Error {}

const STAMP = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses `npm run restore` arguments; throws RestoreUsageError naming the bad argument. */
export function parseRestoreArgs(argv: readonly string[]): RestoreArgs {
  const bad = (why: string) => new RestoreUsageError(`restore: ${why}\n\n${RESTORE_USAGE}`);
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  const valued = ["--backup", "--into", "--kubeconfig", "--namespace", "--blob-endpoint"];
  valued.push("--container", "--download");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (valued.includes(a)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw bad(`${a} needs a value`);
      flags[a] = v;
    } else if (["--latest", "--dry-run", "--yes"].includes(a)) flags[a] = true;
    else if (a.startsWith("-")) throw bad(`unknown option ${JSON.stringify(a)}`);
    else positional.push(a);
  }
  if (positional.length === 0) {
    throw bad("which stamp's backups? name the stamp (nothing is restored without one)");
  }
  if (positional.length > 1) throw bad(`one stamp only, got ${positional.join(", ")}`);
  const stamp = positional[0];
  if (!STAMP.test(stamp)) throw bad(`${JSON.stringify(stamp)} is not a stamp name`);
  const into = (flags["--into"] as string | undefined) ?? stamp;
  if (!STAMP.test(into)) throw bad(`--into ${JSON.stringify(into)} is not a stamp name`);
  const backup = flags["--backup"] as string | undefined;
  if (backup !== undefined && flags["--latest"]) throw bad("--latest or --backup, not both");
  if (backup !== undefined && !BLOB_NAME.test(backup)) {
    throw bad(
      `--backup ${JSON.stringify(backup)} is not a backup name (mongodump-<stamp>-<time>.archive.gz)`,
    );
  }
  const namespace = (flags["--namespace"] as string | undefined) ?? "ratings";
  if (!K8S_NAME.test(namespace))
    throw bad(`--namespace ${JSON.stringify(namespace)} is not a namespace`);
  const container = (flags["--container"] as string | undefined) ?? backupContainerName(stamp);
  return {
    stamp,
    backup,
    into,
    kubeconfig: flags["--kubeconfig"] as string | undefined,
    namespace,
    blobEndpoint: flags["--blob-endpoint"] as string | undefined,
    container,
    download: flags["--download"] as string | undefined,
    dryRun: flags["--dry-run"] === true,
    yes: flags["--yes"] === true,
  };
}

/** One page of a List Blobs answer: the names and the marker of the next page. */
export function parseBlobList(xml: string): { names: string[]; nextMarker?: string } {
  const names = [...xml.matchAll(/<Blob>[\s\S]*?<Name>([^<]*)<\/Name>/g)].map((m) => m[1]);
  const marker = /<NextMarker>([^<]+)<\/NextMarker>/.exec(xml)?.[1];
  return { names, nextMarker: marker };
}

/** The backup to restore: the named one (must exist) or the newest. Throws when there is none. */
export function chooseBackup(names: readonly string[], args: RestoreArgs): string {
  if (args.backup) {
    if (!names.includes(args.backup)) {
      throw new Error(`restore: no backup ${args.backup} in container ${args.container}`);
    }
    return args.backup;
  }
  const latest = latestBackup(names, args.stamp);
  if (!latest)
    throw new Error(`restore: container ${args.container} holds no backup of ${args.stamp}`);
  return latest;
}

/** What the restore will overwrite, said before it does. */
export function restorePlan(a: RestoreArgs, blob: string, bytes: number, context: string): string {
  return [
    `restore: ${blob} (${bytes} bytes) from container ${a.container}`,
    `  into stamp ${a.into}: pod ${tierName("mongodb")}-0, namespace ${a.namespace}, kube context ${context}`,
    `  OVERWRITES: every collection of database ${DATABASE} that is in the archive is DROPPED and`,
    "  replaced (mongorestore --drop); writes since the backup are lost. Users and passwords stay",
    `  those of stamp ${a.into}.`,
  ].join("\n");
}

/** kubectl's arguments (no shell): the archive goes to mongorestore on standard input. */
export function kubectlRestoreArgs(a: RestoreArgs): string[] {
  return [
    ...(a.kubeconfig ? ["--kubeconfig", a.kubeconfig] : []),
    "--namespace",
    a.namespace,
    "exec",
    "-i",
    `${tierName("mongodb")}-0`,
    "-c",
    "mongodb",
    "--",
    "sh",
    "-c",
    restoreCommand(DATABASE),
  ];
}

/** The label on the app namespace naming its stamp (lib/ratings.ts `namespaceLabels`). */
export const STAMP_LABEL = "ash-ha-kubernetes/stamp";

/**
 * Why the cluster behind the kubeconfig is not `--into`'s, or undefined when it is: its app
 * namespace (`kubectl get namespace -o json`, undefined when that failed) must carry the label
 * `ash-ha-kubernetes/stamp=<into>`.
 */
export function targetStampProblem(
  a: RestoreArgs,
  namespaceJson: string | undefined,
  context: string,
): string | undefined {
  if (namespaceJson === undefined) {
    return `restore: cannot read namespace ${a.namespace} in kube context ${context}; is --kubeconfig the cluster of stamp ${a.into}?`;
  }
  let stamp: unknown;
  try {
    stamp = JSON.parse(namespaceJson)?.metadata?.labels?.[STAMP_LABEL];
  } catch {
    stamp = undefined;
  }
  if (stamp === a.into) return undefined;
  return `restore: namespace ${a.namespace} in kube context ${context} belongs to stamp ${JSON.stringify(stamp ?? "(no label)")}, not ${a.into}; pass --kubeconfig of ${a.into}'s cluster (or --into the stamp you mean)`;
}
