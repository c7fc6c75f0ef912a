/**
 * Schemas of backups and alerting (docs/bcdr.md): the global stack's backup storage and Traffic
 * Manager alert, and a stamp's backup job. Pure.
 */
import { z } from "zod";
import { CONTAINER_NAME, STORAGE_ACCOUNT_NAME } from "../lib/backup";
import { BACKUP_IMAGES } from "../lib/versions";
import { httpsUrl, imageRef, isCidr, STAMP_NAME } from "./fields";

/** A stamp name whose container name `mongodb-<stamp>` is valid (no double hyphen). */
const stampName = z
  .string()
  .regex(
    STAMP_NAME,
    "must be a stamp (stack) name: lowercase letters, digits and dashes, 2-24 chars",
  )
  .refine((s) => CONTAINER_NAME.test(`mongodb-${s}`), "must not contain two hyphens in a row");

/** The global stack's backup storage account (`backup`). */
export const globalBackupSchema = z.strictObject({
  /** Storage account name: 3-24 lowercase letters and digits, globally unique in Azure. */
  storageAccountName: z
    .string()
    .regex(STORAGE_ACCOUNT_NAME, "must be 3-24 lowercase letters and digits (globally unique)"),
  /**
   * The stamps that back up here: one private container `mongodb-<stamp>` and one upload SAS
   * each. A stamp not listed gets no SAS and its deployment stops naming this key.
   */
  stamps: z
    .array(stampName)
    .min(1, "must list at least one stamp")
    .refine((l) => new Set(l).size === l.length, "must not list a stamp twice"),
  /** Days a backup (and any overwritten or deleted version) is kept. Defaults to 30. */
  retentionDays: z
    .number()
    .int()
    .min(1, "must be 1-3650 days")
    .max(3650, "must be 1-3650 days")
    .default(30),
  /**
   * Days an upload SAS stays valid after the month it was issued in ends (it expires on the 1st of
   * the next month plus this many days). Run `pulumi up` on global at least monthly. Defaults to 14.
   */
  sasGraceDays: z
    .number()
    .int()
    .min(1, "must be 1-60 days")
    .max(60, "must be 1-60 days")
    .default(14),
  /** Replication: Standard_GRS (default, a copy in the paired region), _RAGRS, _GZRS, _ZRS or _LRS. */
  sku: z
    .enum(["Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_ZRS", "Standard_LRS"])
    .default("Standard_GRS"),
});

/** One e-mail address (a practical check: local@domain.tld, no spaces, quotes or angle brackets). */
const EMAIL =
  /^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** The global stack's Traffic Manager endpoint alert (`alerts`). */
export const alertsSchema = z.strictObject({
  /** E-mail receivers of the action group. At least one. */
  emails: z
    .array(z.string().regex(EMAIL, "must be an e-mail address such as ops@contoso.com").max(254))
    .min(1, "must list at least one e-mail address")
    .max(20, "must list at most 20 addresses"),
  /** Minutes an endpoint must be down before the alert fires: 1, 5, 15, 30 or 60. Defaults to 5. */
  windowMinutes: z
    .union(
      [1, 5, 15, 30, 60].map((n) => z.literal(n)) as [
        z.ZodLiteral<number>,
        ...z.ZodLiteral<number>[],
      ],
      {
        message: "must be 1, 5, 15, 30 or 60",
      },
    )
    .default(5),
  /** Alert severity, 0 (critical) to 4 (verbose). Defaults to 1 (error). */
  severity: z.number().int().min(0, "must be 0-4").max(4, "must be 0-4").default(1),
});

/** A cron schedule: five fields of digits, `*`, `,`, `-` and `/`. */
const CRON = /^([0-9*,/-]+\s+){4}[0-9*,/-]+$/;

/** The backup job's settings (`backup`) of a stamp, or of the local stack (off by default). */
const backupJobSchema = (enabledByDefault: boolean) =>
  z
    .strictObject({
      /** Run the backup CronJob. Defaults to true on stamps, false on the local stack. */
      enabled: z.boolean().default(enabledByDefault),
      /** Cron schedule of the dump, in the cluster's time zone (UTC on stamps). Defaults to 02:17 daily. */
      schedule: z
        .string()
        .regex(CRON, 'must be a five-field cron schedule such as "17 2 * * *"')
        .default("17 2 * * *"),
      /**
       * Addresses the job may reach on 443 (the Blob endpoint). NetworkPolicies cannot name hosts;
       * narrow this to the storage endpoint's addresses where they are known. Defaults to any.
       */
      egressCidrs: z
        .array(z.string().refine(isCidr, "must be a CIDR such as 20.60.0.0/16"))
        .min(1, "must list at least one CIDR")
        .default(["0.0.0.0/0"]),
      /** Image of the upload step (curl, POSIX sh, gzip). Pinned; mirror it for disconnected stamps. */
      uploadImage: imageRef.default(BACKUP_IMAGES.upload),
      /**
       * Disconnected stamps: upload to this container instead of the global account, e.g. a storage
       * account on ANOTHER Azure Stack Hub stamp. Its SAS (create+write only) is the secret key
       * `backupTargetSas`. Never a storage account on this stamp.
       */
      target: z
        .strictObject({
          /** The Blob service endpoint, e.g. https://backups.blob.munich.azurestack.contoso.com. */
          blobEndpoint: httpsUrl("Blob service endpoint"),
          /** The container in it. */
          container: z
            .string()
            .regex(
              CONTAINER_NAME,
              "must be a container name: 3-63 lowercase letters, digits and single hyphens",
            ),
        })
        .optional(),
    })
    .prefault({});

/** A stamp's backup job (`backup`): on by default. */
export const stampBackupSchema = backupJobSchema(true);
/** The local stack's backup job (`backup`): off by default; needs `backup.target` when on. */
export const localBackupSchema = backupJobSchema(false);

export type GlobalBackupConfig = z.infer<typeof globalBackupSchema>;
export type AlertsConfig = z.infer<typeof alertsSchema>;
export type StampBackupConfig = z.infer<typeof stampBackupSchema>;

/** What `checkBackupTarget` reads of a stamp's or the local stack's config. */
interface BackupTargetShape {
  kind: string;
  /** A stamp's own endpoint domain; the local stack has none. */
  azureStack?: { location: string; externalFqdn: string };
  backup: StampBackupConfig;
  backupTargetSas?: { reveal(): string };
}

/**
 * A stamp's backup target rules: `backup.target` and the secret `backupTargetSas` come together,
 * the SAS is a SAS (no URL, no secret-looking junk), and the target is not on this stamp.
 */
export function checkBackupTarget(s: BackupTargetShape): string[] {
  const { target, enabled } = s.backup;
  const sas = s.backupTargetSas?.reveal();
  if (!target) {
    if (s.kind === "local" && enabled) {
      return [
        "backup.target: is missing; the local stack has no global storage account, so backup.enabled: true needs backup.target and backupTargetSas",
      ];
    }
    return sas === undefined
      ? []
      : ["backupTargetSas: is set but backup.target is not; set backup.target or remove the SAS"];
  }
  const problems: string[] = [];
  if (sas === undefined) {
    problems.push(
      "backupTargetSas: is missing; backup.target needs its container's SAS (create and write only): `pulumi config set --secret backupTargetSas`",
    );
  } else if (!/^\??[A-Za-z0-9%=&:._+/-]+$/.test(sas) || !/(^|[?&])sig=/.test(sas)) {
    // The value is secret: the message never repeats it.
    problems.push(
      "backupTargetSas: is not a SAS token (the query string with sv=, sp=, se= and sig=, without the URL)",
    );
  }
  const host = new URL(target.blobEndpoint).hostname.toLowerCase();
  const own = s.azureStack && `${s.azureStack.location}.${s.azureStack.externalFqdn}`.toLowerCase();
  if (own && (host === own || host.endsWith(`.${own}`))) {
    problems.push(
      `backup.target.blobEndpoint: "${target.blobEndpoint}" is on this stamp (${own}); backups must live off the stamp: use another stamp's storage account or the global one`,
    );
  }
  return problems;
}
