/**
 * MongoDB backups off the stamp, the pure part: Blob container and blob names, the scope and
 * expiry of the stamps' upload SAS, and the Kubernetes specs of the backup CronJob and its
 * NetworkPolicies. The shell scripts the job runs are in lib/backupScripts.ts. docs/bcdr.md.
 */
import { PolicySpec, PORTS, selectorLabels, serviceHost, tierName } from "./ratings";

/** Blob container names: 3-63 lowercase letters, digits and single hyphens, alphanumeric ends. */
export const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** Storage account names: 3-24 lowercase letters and digits, globally unique. */
export const STORAGE_ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/** The private container a stamp's backups go to in the global storage account. */
export function backupContainerName(stamp: string): string {
  const name = `mongodb-${stamp}`;
  if (!CONTAINER_NAME.test(name)) {
    throw new Error(
      `stamp "${stamp}" gives the Blob container name "${name}", which is not valid: container names are 3-63 lowercase letters, digits and single hyphens`,
    );
  }
  return name;
}

/**
 * Permissions of a stamp's upload SAS: create (c) and write (w) only. No read (r), list (l),
 * delete (d) or version delete (x): a compromised stamp can add blobs but never read or delete
 * what is there; an overwrite keeps the previous version (blob versioning on the account).
 */
export const UPLOAD_PERMISSIONS = "cw";

/** Permissions of the operator's restore SAS (never given to a stamp): read and list. */
export const RESTORE_PERMISSIONS = "rl";

/**
 * The Blob REST API versions the upload and restore send (`x-ms-version`): public Azure gets
 * 2020-10-02 (Put Blob up to 5000 MiB); a `backup.target` on another Azure Stack Hub stamp gets
 * 2019-07-07, which Azure Stack Hub storage serves (Put Blob up to 256 MiB there).
 */
export const BLOB_API_VERSIONS = { azure: "2020-10-02", azureStackHub: "2019-07-07" } as const;

/** The version of the restore's requests (read and list behave the same in both). */
export const BLOB_API_VERSION = BLOB_API_VERSIONS.azureStackHub;

/**
 * Expiry of the stamps' upload SAS: midnight UTC of the first day of the month after `now`, plus
 * `graceDays`. The value only changes when the month changes, so previews between two renewals
 * show no diff; any `pulumi up` in a new month renews every SAS, and `graceDays` is the slack
 * when a month passes without one.
 */
export function uploadSasExpiry(now: Date, graceDays: number): string {
  if (!Number.isInteger(graceDays) || graceDays < 1 || graceDays > 60) {
    throw new Error(`backup.sasGraceDays: ${graceDays} must be a whole number of days, 1-60`);
  }
  const firstOfNextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return new Date(firstOfNextMonth + graceDays * 86_400_000).toISOString().replace(".000Z", "Z");
}

/** The arguments of the service SAS a stamp uploads with (listStorageAccountServiceSAS). */
export interface UploadSasSpec {
  /** `/blob/<account>/<container>`: the SAS covers this one container. */
  canonicalizedResource: string;
  /** `c`: a container SAS. */
  resource: "c";
  permissions: typeof UPLOAD_PERMISSIONS;
  /** HTTPS only. */
  protocols: "https";
  sharedAccessExpiryTime: string;
}

/** The upload SAS of one stamp's container. */
export function uploadSasSpec(
  account: string,
  stamp: string,
  now: Date,
  graceDays: number,
): UploadSasSpec {
  if (!STORAGE_ACCOUNT_NAME.test(account)) {
    throw new Error(
      `backup.storageAccountName: "${account}" must be 3-24 lowercase letters and digits`,
    );
  }
  return {
    canonicalizedResource: `/blob/${account}/${backupContainerName(stamp)}`,
    resource: "c",
    permissions: UPLOAD_PERMISSIONS,
    protocols: "https",
    sharedAccessExpiryTime: uploadSasExpiry(now, graceDays),
  };
}

/**
 * Blob names the job writes: `mongodump-<stamp>-<UTC yyyymmddThhmmssZ>.archive.gz`, so the
 * lexically greatest name is the newest backup.
 */
export const BLOB_NAME = /^mongodump-[a-z0-9-]+-\d{8}T\d{6}Z\.archive\.gz$/;

/** The blob name prefix of a stamp's backups. */
export function blobPrefix(stamp: string): string {
  backupContainerName(stamp);
  return `mongodump-${stamp}-`;
}

/** The newest backup among blob names (those matching `BLOB_NAME` for `stamp`), or undefined. */
export function latestBackup(names: readonly string[], stamp: string): string | undefined {
  const prefix = blobPrefix(stamp);
  return names
    .filter((n) => n.startsWith(prefix) && BLOB_NAME.test(n))
    .sort()
    .at(-1);
}

/** Names of the backup's Kubernetes objects (in the app namespace). */
export const BACKUP_NAMES = {
  cronJob: "ratings-mongodb-backup",
  secret: "ratings-mongodb-backup-target",
  scripts: "ratings-mongodb-backup-scripts",
  egressPolicy: "ratings-mongodb-backup",
  mongoIngressPolicy: "ratings-mongodb-from-backup",
} as const;

/** Labels of the backup job's pods (the NetworkPolicies select them). */
export function backupPodLabels(): Record<string, string> {
  return { "app.kubernetes.io/name": BACKUP_NAMES.cronJob, "app.kubernetes.io/part-of": "ratings" };
}

/**
 * The backup's NetworkPolicies, added to the app's default deny: the job's pods may reach MongoDB
 * (27017) and `egressCidrs` on 443 (the Blob endpoint) and nothing else (DNS comes from the app's
 * allow-dns-egress policy); MongoDB accepts the job's pods on 27017.
 */
export function backupNetworkPolicies(egressCidrs: readonly string[]): PolicySpec[] {
  const job = { matchLabels: backupPodLabels() };
  const mongo = { matchLabels: selectorLabels("mongodb") };
  const tcp = (port: number) => [{ protocol: "TCP", port }];
  return [
    {
      name: BACKUP_NAMES.egressPolicy,
      spec: {
        podSelector: job,
        policyTypes: ["Ingress", "Egress"],
        ingress: [],
        egress: [
          { to: [{ podSelector: mongo }], ports: tcp(PORTS.mongodb) },
          { to: egressCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(443) },
        ],
      },
    },
    {
      name: BACKUP_NAMES.mongoIngressPolicy,
      spec: {
        podSelector: mongo,
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: job }], ports: tcp(PORTS.mongodb) }],
      },
    },
  ];
}

/** The host mongodump connects to: MongoDB's pod through the headless Service. */
export function mongoHost(namespace: string): string {
  return `${tierName("mongodb")}-0.${serviceHost("mongodb", namespace)}`;
}

/**
 * A stamp's upload target from the global stack's outputs: its container URL and its SAS. Throws,
 * naming the global config key, when the global stack has no backup account or no SAS for it.
 */
export function globalUploadTarget(
  blobEndpoint: string,
  uploadSasJson: string,
  stamp: string,
): { containerUrl: string; sas: string } {
  const fix = `add "${stamp}" to backup.stamps in the global stack's config and run \`pulumi up\` on global, or set backup.enabled: false on this stamp`;
  if (!blobEndpoint) {
    throw new Error(
      `backup: the global stack has no backup storage account (no backup key); ${fix}`,
    );
  }
  let tokens: unknown;
  try {
    tokens = JSON.parse(uploadSasJson);
  } catch {
    throw new Error(
      "backup: the global stack's backupUploadSas output is not JSON; run `pulumi up` on global",
    );
  }
  const sas = (tokens as Record<string, unknown>)?.[stamp];
  if (typeof sas !== "string" || sas === "") {
    throw new Error(`backup: the global stack issues no upload SAS for stamp "${stamp}"; ${fix}`);
  }
  return { containerUrl: `${blobEndpoint.replace(/\/+$/, "")}/${backupContainerName(stamp)}`, sas };
}
