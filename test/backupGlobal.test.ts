/**
 * The global stack's backup storage and Traffic Manager alert under mocks, from the shipped
 * Pulumi.global.yaml: account hardening, versioning, soft delete and the retention rule, one
 * private container per listed stamp, the SAS asked of ARM (one container, create+write only,
 * HTTPS, month-rounded expiry) kept secret, and the action group and metric alert shapes checked
 * against the azure-native 3.28.0 input types (monitor.MetricAlertArgs, ActionGroupArgs).
 */
import * as pulumi from "@pulumi/pulumi";
import { uploadSasExpiry } from "../lib/backup";
import { installMocks, Recorded, resolve, settle } from "./mocks";
import { readStackFile } from "./stackFiles";

const SUBSCRIPTION = "0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e";
const { config, secretKeys } = readStackFile("global", "client-secret-value");
const sasCalls: Record<string, unknown>[] = [];
const providers: (string | undefined)[] = [];
const started = new Date();

const recorded: Recorded[] = installMocks({
  config,
  secretKeys,
  stack: "global",
  outputs: {
    "azure-native:resources:ResourceGroup": (a) => ({ name: a.inputs.resourceGroupName }),
    "azure-native:trafficmanager:Profile": (a) => ({
      name: a.inputs.profileName,
      dnsConfig: { ...a.inputs.dnsConfig, fqdn: "contoso-ratings.trafficmanager.net" },
    }),
    "azure-native:operationalinsights:Workspace": () => ({ customerId: "c" }),
    "azure-native:monitor:DataCollectionEndpoint": () => ({ logsIngestion: { endpoint: "e" } }),
    "azure-native:monitor:DataCollectionRule": () => ({ immutableId: "dcr" }),
    "azure-native:storage:StorageAccount": (a) => ({
      name: a.inputs.accountName,
      primaryEndpoints: { blob: `https://${a.inputs.accountName}.blob.core.windows.net/` },
    }),
  },
  invokes: {
    "azure-native:storage:listStorageAccountServiceSAS": (a) => {
      sasCalls.push(a.inputs);
      providers.push(a.provider);
      return { serviceSasToken: `sig=token-${String(a.inputs.canonicalizedResource)}` };
    },
    "azure-native:operationalinsights:getSharedKeys": () => ({ primarySharedKey: "k" }),
    "azure-native:authorization:getClientConfig": () => ({ subscriptionId: SUBSCRIPTION }),
  },
});

let outputs: Record<string, pulumi.Output<string>>;
beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  outputs = await require("../index");
  await resolve(outputs.backupUploadSas);
  await settle();
});

const all = (type: string) => recorded.filter((r) => r.type === type);
const one = (type: string) => {
  const found = all(type);
  expect(found).toHaveLength(1);
  return found[0];
};

test("the account: StorageV2, GRS, HTTPS and TLS 1.2 only, no public blob access", () => {
  expect(one("azure-native:storage:StorageAccount").inputs).toEqual({
    accountName: "contosoratingsbackup",
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    location: "westeurope",
    kind: "StorageV2",
    sku: { name: "Standard_GRS" },
    accessTier: "Hot",
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: true,
  });
});

test("versioning and soft delete keep overwritten or deleted backups for retentionDays", () => {
  expect(one("azure-native:storage:BlobServiceProperties").inputs).toMatchObject({
    accountName: "contosoratingsbackup",
    blobServicesName: "default",
    isVersioningEnabled: true,
    deleteRetentionPolicy: { enabled: true, days: 30 },
    containerDeleteRetentionPolicy: { enabled: true, days: 30 },
  });
});

test("the lifecycle rule deletes backups and their old versions after retentionDays", () => {
  const { policy } = one("azure-native:storage:ManagementPolicy").inputs as {
    policy: { rules: Record<string, unknown>[] };
  };
  expect(policy.rules).toEqual([
    {
      name: "backup-retention",
      enabled: true,
      type: "Lifecycle",
      definition: {
        filters: { blobTypes: ["blockBlob"], prefixMatch: ["mongodb-"] },
        actions: {
          baseBlob: { delete: { daysAfterModificationGreaterThan: 30 } },
          version: { delete: { daysAfterCreationGreaterThan: 30 } },
        },
      },
    },
  ]);
});

test("one private container per stamp of backup.stamps", () => {
  expect(
    all("azure-native:storage:BlobContainer").map((r) => [
      r.inputs.containerName,
      r.inputs.publicAccess,
    ]),
  ).toEqual([
    ["mongodb-seattle", "None"],
    ["mongodb-munich", "None"],
  ]);
});

test("each stamp's SAS: its own container, create+write only, HTTPS, expiry on a month boundary", () => {
  const expiry = uploadSasExpiry(started, 14);
  expect(expiry).toMatch(/^\d{4}-\d{2}-15T00:00:00Z$/);
  expect(sasCalls).toEqual(
    ["seattle", "munich"].map((stamp) => ({
      accountName: "contosoratingsbackup",
      resourceGroupName: "rg-ash-ha-kubernetes-global",
      canonicalizedResource: `/blob/contosoratingsbackup/mongodb-${stamp}`,
      resource: "c",
      permissions: "cw",
      protocols: "https",
      sharedAccessExpiryTime: expiry,
    })),
  );
  for (const p of providers) expect(p).toMatch(/::global-azure::global-azure-id$/);
});

test("the SAS map is a secret output and in no resource input", async () => {
  const sas = await resolve(outputs.backupUploadSas);
  expect(sas.secret).toBe(true);
  expect(JSON.parse(sas.value ?? "")).toEqual({
    munich: "sig=token-/blob/contosoratingsbackup/mongodb-munich",
    seattle: "sig=token-/blob/contosoratingsbackup/mongodb-seattle",
  });
  expect(JSON.stringify(recorded.map((r) => r.inputs))).not.toContain("sig=token");
});

test("the action group e-mails alerts.emails", () => {
  expect(one("azure-native:monitor:ActionGroup").inputs).toEqual({
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    location: "Global",
    enabled: true,
    groupShortName: "tm-contoso-r",
    emailReceivers: [
      { name: "email-1", emailAddress: "ops@contoso.com", useCommonAlertSchema: true },
    ],
  });
});

test("the metric alert: per endpoint, state < 1 (not Online) for windowMinutes, on the profile", () => {
  expect(one("azure-native:monitor:MetricAlert").inputs).toMatchObject({
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    location: "global",
    enabled: true,
    severity: 1,
    evaluationFrequency: "PT1M",
    windowSize: "PT5M",
    autoMitigate: true,
    scopes: [
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ash-ha-kubernetes-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-ratings`,
    ],
    criteria: {
      odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
      allOf: [
        {
          criterionType: "StaticThresholdCriterion",
          name: "endpoint-not-online",
          metricName: "ProbeAgentCurrentEndpointStateByProfileResourceId",
          metricNamespace: "Microsoft.Network/trafficManagerProfiles",
          dimensions: [{ name: "EndpointName", operator: "Include", values: ["*"] }],
          operator: "LessThan",
          threshold: 1,
          timeAggregation: "Maximum",
        },
      ],
    },
    actions: [{ actionGroupId: "global-alert-action-group-id" }],
  });
});
