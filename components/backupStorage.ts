import * as azure from "./sdk/azureNative";
import * as pulumi from "@pulumi/pulumi";
import type { GlobalBackupConfig } from "../config/backup";
import { backupContainerName, uploadSasSpec } from "../lib/backup";

export interface BackupStorageArgs {
  /** Resource group of the account (the global stack's group). */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the account. */
  location: string;
  /** Validated `backup` settings: account name, stamps, retention days, SAS grace days, sku. */
  settings: GlobalBackupConfig;
  /** The time the upload SAS expiry is computed from (lib/backup.ts `uploadSasExpiry`). */
  now: Date;
}

/**
 * The storage account the stamps' MongoDB backups go to, in public Azure: HTTPS and TLS 1.2 only,
 * no public blob access, blob versioning and soft delete for `retentionDays`, a lifecycle rule that
 * deletes backups and old versions after `retentionDays`, one private container per stamp, and per
 * stamp a container SAS with create and write permission only. The azure-native provider comes
 * through `opts`.
 */
export class BackupStorage extends pulumi.ComponentResource {
  /** The account's Blob endpoint, e.g. https://<account>.blob.core.windows.net/. */
  public readonly blobEndpoint: pulumi.Output<string>;
  /** Stamp -> upload SAS token (secret), as JSON text. */
  public readonly uploadSas: pulumi.Output<string>;

  constructor(name: string, args: BackupStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:global:BackupStorage", name, {}, opts);
    const { settings, resourceGroupName } = args;
    const child = { parent: this };

    const account = new azure.storage.StorageAccount(
      `${name}-account`,
      {
        accountName: settings.storageAccountName,
        resourceGroupName,
        location: args.location,
        kind: "StorageV2",
        sku: { name: settings.sku },
        accessTier: "Hot",
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        // The stamps' SAS are signed with the account key (service SAS), so shared keys stay on.
        allowSharedKeyAccess: true,
      },
      { ...child, protect: true },
    );
    const accountName = account.name;
    const blobService = new azure.storage.BlobServiceProperties(
      `${name}-blob-service`,
      {
        accountName,
        resourceGroupName,
        blobServicesName: "default",
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true, days: settings.retentionDays },
        containerDeleteRetentionPolicy: { enabled: true, days: settings.retentionDays },
      },
      child,
    );
    new azure.storage.ManagementPolicy(
      `${name}-retention`,
      {
        accountName,
        resourceGroupName,
        managementPolicyName: "default",
        policy: {
          rules: [
            {
              name: "backup-retention",
              enabled: true,
              type: "Lifecycle",
              definition: {
                filters: { blobTypes: ["blockBlob"], prefixMatch: ["mongodb-"] },
                actions: {
                  baseBlob: {
                    delete: { daysAfterModificationGreaterThan: settings.retentionDays },
                  },
                  version: { delete: { daysAfterCreationGreaterThan: settings.retentionDays } },
                },
              },
            },
          ],
        },
      },
      child,
    );

    const tokens: Record<string, pulumi.Output<string>> = {};
    for (const stamp of settings.stamps) {
      const container = new azure.storage.BlobContainer(
        `${name}-${stamp}`,
        {
          accountName,
          resourceGroupName,
          containerName: backupContainerName(stamp),
          publicAccess: "None",
        },
        { ...child, dependsOn: [blobService], protect: true },
      );
      const spec = uploadSasSpec(
        settings.storageAccountName,
        stamp,
        args.now,
        settings.sasGraceDays,
      );
      tokens[stamp] = azure.storage
        .listStorageAccountServiceSASOutput(
          { accountName, resourceGroupName, ...spec },
          { parent: this, dependsOn: [container] },
        )
        .apply((r) => r.serviceSasToken);
    }

    this.blobEndpoint = account.primaryEndpoints.apply((e) => {
      if (!e?.blob) {
        throw new pulumi.ResourceError(
          `storage account "${settings.storageAccountName}" reported no Blob endpoint; check it in the Azure portal`,
          this,
        );
      }
      return e.blob;
    });
    this.uploadSas = pulumi.secret(
      pulumi.all(tokens).apply((t) => JSON.stringify(t, Object.keys(t).sort())),
    );
    this.registerOutputs({ blobEndpoint: this.blobEndpoint, uploadSas: this.uploadSas });
  }
}
