/**
 * The whole program under mocks for the shipped global stack: resource group, Traffic Manager
 * profile, Log Analytics with the ContainerInsights solution and the Logs Ingestion pieces, every
 * resource on the explicit provider, and exactly the outputs contract, secrets kept secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { GLOBAL_OUTPUT_KEYS } from "../stacks/globalOutputs";
import { FINGERPRINTS_OUTPUT } from "../stacks/preflight";
import { GLOBAL_MOCK_OUTPUTS } from "./graph/program";
import { installMocks, Recorded, resolve, settle, unwrapSecret } from "./mocks";
import { readStackFile } from "./stackFiles";

const SUBSCRIPTION = "0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e";
const { config, secretKeys } = readStackFile("global", "client-secret-value");
const invokes: { token: string; provider?: string; inputs: Record<string, unknown> }[] = [];

const recorded: Recorded[] = installMocks({
  config,
  secretKeys,
  stack: "global",
  outputs: GLOBAL_MOCK_OUTPUTS,
  invokes: {
    "azure-native:storage:listStorageAccountServiceSAS": (a) => {
      invokes.push({ token: a.token, provider: a.provider, inputs: a.inputs });
      return { serviceSasToken: `sas-token-for-${String(a.inputs.canonicalizedResource)}` };
    },
    "azure-native:operationalinsights:getSharedKeys": (a) => {
      invokes.push({ token: a.token, provider: a.provider, inputs: a.inputs });
      return { primarySharedKey: "primary-shared-key", secondarySharedKey: "secondary-shared-key" };
    },
    "azure-native:authorization:getClientConfig": (a) => {
      invokes.push({ token: a.token, provider: a.provider, inputs: a.inputs });
      return {
        subscriptionId: SUBSCRIPTION,
        tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
        clientId: "pipeline",
        objectId: "pipeline",
      };
    },
  },
});

let outputs: Record<string, unknown>;

const one = (type: string) => {
  const found = recorded.filter((r) => r.type === type);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type}; have ${recorded.map((r) => `${r.type}/${r.name}`).join(", ")}`,
    );
  }
  return found[0];
};

/** The one recorded resource of that name. */
const named = (name: string) => {
  const found = recorded.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one resource named ${name}`);
  return found[0];
};

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  outputs = (await require("../index")) as Record<string, unknown>;
  await Promise.all(
    Object.values(outputs).map((o) => (pulumi.Output.isInstance(o) ? resolve(o) : o)),
  );
  await settle();
});

test("registers the global graph, with names derived from the component names", () => {
  expect(
    recorded
      .filter((r) => !r.type.startsWith("pulumi:providers:"))
      .map((r) => `${r.type} ${r.name}`)
      .sort(),
  ).toEqual(
    [
      "ash-ha-kubernetes:global:LogAnalytics global",
      "ash-ha-kubernetes:global:TrafficManager global",
      "azure-native:authorization:RoleAssignment global-publisher",
      "azure-native:monitor:DataCollectionEndpoint global-dce",
      "azure-native:monitor:DataCollectionRule global-dcr",
      "azure-native:operationalinsights:Table global-container-logs",
      "azure-native:operationalinsights:Workspace global-workspace",
      "azure-native:operationsmanagement:Solution global-container-insights",
      "azure-native:resources:ResourceGroup global",
      "azure-native:trafficmanager:Profile global-profile",
      "ash-ha-kubernetes:global:BackupStorage global-backup",
      "azure-native:storage:StorageAccount global-backup-account",
      "azure-native:storage:BlobServiceProperties global-backup-blob-service",
      "azure-native:storage:ManagementPolicy global-backup-retention",
      "azure-native:storage:BlobContainer global-backup-seattle",
      "azure-native:storage:BlobContainer global-backup-munich",
      "ash-ha-kubernetes:global:TrafficManagerAlert global-alert",
      "azure-native:monitor:ActionGroup global-alert-action-group",
      "azure-native:monitor:MetricAlert global-alert-endpoint-down",
      "ash-ha-kubernetes:global:AppDns global-dns",
      "azure-native:dns:Zone global-dns-zone",
      "azure-native:dns:RecordSet global-dns-app-cname",
      "azure-native:authorization:RoleAssignment global-dns-cert-manager",
    ].sort(),
  );
});

test("every Azure resource and invoke uses the one explicit azure-native provider", () => {
  expect(
    recorded.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.type, r.name]),
  ).toEqual([["pulumi:providers:azure-native", "global-azure"]]);
  expect(one("pulumi:providers:azure-native").inputs).toMatchObject({ location: "westeurope" });
  const azure = recorded.filter((r) => r.type.startsWith("azure-native:"));
  expect(azure).toHaveLength(18);
  for (const r of azure) expect(r.provider).toMatch(/::global-azure::global-azure-id$/);
  expect(invokes.map((i) => i.token).sort()).toEqual([
    "azure-native:authorization:getClientConfig",
    "azure-native:authorization:getClientConfig",
    "azure-native:operationalinsights:getSharedKeys",
    "azure-native:storage:listStorageAccountServiceSAS",
    "azure-native:storage:listStorageAccountServiceSAS",
  ]);
  for (const i of invokes) expect(i.provider).toMatch(/::global-azure::global-azure-id$/);
});

test("the resource group defaults to rg-<project>-global in the configured region", () => {
  expect(one("azure-native:resources:ResourceGroup").inputs).toEqual({
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    location: "westeurope",
  });
});

test("the profile: Performance routing, DNS name and TTL, /healthz probes from config", () => {
  expect(one("azure-native:trafficmanager:Profile").inputs).toEqual({
    profileName: "contoso-ratings",
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    location: "global",
    profileStatus: "Enabled",
    trafficRoutingMethod: "Performance",
    dnsConfig: { relativeName: "contoso-ratings", ttl: 30 },
    // HTTPS with the app's name as Host: the shipped stack has `dns` (config/global.ts).
    monitorConfig: {
      protocol: "HTTPS",
      port: 443,
      customHeaders: [{ name: "host", value: "ratings.contoso.com" }],
      path: "/healthz",
      intervalInSeconds: 30,
      timeoutInSeconds: 10,
      toleratedNumberOfFailures: 3,
      expectedStatusCodeRanges: [{ min: 200, max: 299 }],
    },
  });
});

test("the profile holds no endpoints: stamps register their own", () => {
  expect(one("azure-native:trafficmanager:Profile").inputs).not.toHaveProperty("endpoints");
  expect(recorded.some((r) => r.type === "azure-native:trafficmanager:Endpoint")).toBe(false);
});

test("the workspace takes sku and retention from config", () => {
  expect(one("azure-native:operationalinsights:Workspace").inputs).toEqual({
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    location: "westeurope",
    sku: { name: "PerGB2018" },
    retentionInDays: 30,
  });
});

test("the ContainerInsights(<workspace>) solution from Microsoft's gallery", () => {
  expect(one("azure-native:operationsmanagement:Solution").inputs).toEqual({
    solutionName: "ContainerInsights(global-workspace1a2b3c)",
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    location: "westeurope",
    plan: {
      name: "ContainerInsights(global-workspace1a2b3c)",
      publisher: "Microsoft",
      product: "OMSGallery/ContainerInsights",
      promotionCode: "",
    },
    properties: { workspaceResourceId: "global-workspace-id" },
  });
});

test("the shared key is read from the workspace", () => {
  expect(invokes.find((i) => i.token.endsWith("getSharedKeys"))?.inputs).toEqual({
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    workspaceName: "global-workspace1a2b3c",
  });
});

test("the custom table ContainerLogs_CL with the columns the rule produces", () => {
  const table = one("azure-native:operationalinsights:Table").inputs as {
    tableName: string;
    workspaceName: string;
    plan: string;
    schema: { name: string; columns: { name: string; type: string }[] };
  };
  expect(table).toMatchObject({
    tableName: "ContainerLogs_CL",
    workspaceName: "global-workspace1a2b3c",
    plan: "Analytics",
    schema: { name: "ContainerLogs_CL" },
  });
  expect(table.schema.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
    "TimeGenerated:dateTime",
    "Stamp:string",
    "Namespace:string",
    "Pod:string",
    "Container:string",
    "ContainerImage:string",
    "Node:string",
    "Stream:string",
    "LogMessage:string",
    "PodLabels:dynamic",
  ]);
});

test("the data collection endpoint is public (stamps send over outbound HTTPS)", () => {
  expect(one("azure-native:monitor:DataCollectionEndpoint").inputs).toMatchObject({
    location: "westeurope",
    networkAcls: { publicNetworkAccess: "Enabled" },
  });
});

test("the rule declares Custom-ContainerLogs_CL and flows it into the workspace", () => {
  const rule = one("azure-native:monitor:DataCollectionRule").inputs as Record<string, unknown>;
  expect(rule).toMatchObject({
    location: "westeurope",
    dataCollectionEndpointId: "global-dce-id",
    destinations: {
      logAnalytics: [{ name: "workspace", workspaceResourceId: "global-workspace-id" }],
    },
    dataFlows: [
      {
        streams: ["Custom-ContainerLogs_CL"],
        destinations: ["workspace"],
        transformKql: "source",
        outputStream: "Custom-ContainerLogs_CL",
      },
    ],
  });
  expect(Object.keys(rule.streamDeclarations as object)).toEqual(["Custom-ContainerLogs_CL"]);
});

test("the publishing service principal gets Monitoring Metrics Publisher on the rule only", () => {
  expect(named("global-publisher").inputs).toMatchObject({
    scope: "global-dcr-id",
    principalId: "6e8a0c2d-4f6b-4d8e-a0c2-3e5a7c9e1b04",
    principalType: "ServicePrincipal",
    roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/3913510d-42f4-4e42-8a64-420c390055eb`,
  });
});

test("the app's zone, its CNAME to the profile, and DNS Zone Contributor on that zone only", () => {
  const zone = named("global-dns-zone");
  expect(zone.inputs).toEqual({
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    zoneName: "contoso.com",
    location: "global",
    zoneType: "Public",
  });
  expect(named("global-dns-app-cname").inputs).toEqual({
    resourceGroupName: "rg-ash-ha-kubernetes-global",
    zoneName: "contoso.com",
    relativeRecordSetName: "ratings",
    recordType: "CNAME",
    ttl: 300,
    cnameRecord: { cname: "contoso-ratings.trafficmanager.net" },
  });
  const role = named("global-dns-cert-manager");
  expect(role.inputs).toMatchObject({
    scope: "global-dns-zone-id",
    principalId: "9b1d3f5a-7c9e-4b1d-8f3a-5c7e9a1b3d62",
    principalType: "ServicePrincipal",
    roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/befefa01-2a29-4197-83a8-272ff33ce314`,
  });
  expect(role.provider).toMatch(/::global-azure::global-azure-id$/);
});

test("the cert-manager credential leaves as a secret output only", async () => {
  const secret = await resolve(outputs.dnsClientSecret as pulumi.Output<string>);
  expect(secret).toEqual({ value: "client-secret-value", secret: true });
  for (const key of ["appHostname", "dnsZoneName", "dnsClientId", "dnsTenantId"]) {
    expect((await resolve(outputs[key] as pulumi.Output<string>)).secret).toBe(false);
  }
});

test("exports kind, the secret fingerprints and every key of the outputs contract, nothing else", () => {
  expect(Object.keys(outputs).sort()).toEqual(
    ["kind", FINGERPRINTS_OUTPUT, ...Object.keys(GLOBAL_OUTPUT_KEYS)].sort(),
  );
  expect(outputs.kind).toBe("global");
});

test("export values", async () => {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(GLOBAL_OUTPUT_KEYS)) {
    values[key] = (await resolve(outputs[key] as pulumi.Output<string>)).value;
  }
  expect(values).toEqual({
    trafficManagerProfileName: "contoso-ratings",
    trafficManagerResourceGroup: "rg-ash-ha-kubernetes-global",
    trafficManagerFqdn: "contoso-ratings.trafficmanager.net",
    trafficManagerRoutingMethod: "Performance",
    logAnalyticsWorkspaceResourceId: "global-workspace-id",
    logAnalyticsWorkspaceId: "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
    logAnalyticsSharedKey: "primary-shared-key",
    logsIngestionEndpoint: "https://global-dce-x1y2.westeurope-1.ingest.monitor.azure.com",
    logsIngestionRuleId: "dcr-0123456789abcdef0123456789abcdef",
    logsIngestionStreamName: "Custom-ContainerLogs_CL",
    logsIngestionTenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
    logsIngestionClientId: "2c4e6a8b-0d1f-4a3c-8e5b-7d9f1b3c5e72",
    logsIngestionClientSecret: "client-secret-value",
    backupBlobEndpoint: "https://contosoratingsbackup.blob.core.windows.net/",
    backupUploadSas: JSON.stringify({
      munich: "sas-token-for-/blob/contosoratingsbackup/mongodb-munich",
      seattle: "sas-token-for-/blob/contosoratingsbackup/mongodb-seattle",
    }),
    appHostname: "ratings.contoso.com",
    dnsSubscriptionId: SUBSCRIPTION,
    dnsResourceGroup: "rg-ash-ha-kubernetes-global",
    dnsZoneName: "contoso.com",
    dnsTenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
    dnsClientId: "4d6f8a0c-2e4a-4b6d-8f0a-1c3e5a7c9e21",
    dnsClientSecret: "client-secret-value",
  });
});

test.each(Object.entries(GLOBAL_OUTPUT_KEYS))(
  "export %s is secret exactly when the contract says so",
  async (key, { secret }) => {
    expect((await resolve(outputs[key] as pulumi.Output<string>)).secret).toBe(secret);
  },
);

test("no secret reaches any resource input in plaintext", () => {
  const text = JSON.stringify(recorded.map((r) => r.inputs));
  expect(text).not.toContain("client-secret-value");
  expect(text).not.toContain("primary-shared-key");
  expect(text).not.toContain("sas-token-for");
  // and nothing was wrapped as a secret input either: the secrets are outputs only
  for (const r of recorded) {
    for (const v of Object.values(r.inputs)) expect(unwrapSecret(v).secret).toBe(false);
  }
});
