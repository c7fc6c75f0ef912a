/**
 * The global components on their own, with settings the shipped stack does not use: Priority
 * routing with a probe host header, a capacity reservation, tags, and a second instance.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks, Recorded, resolve, settle } from "./mocks";

const recorded: Recorded[] = installMocks({
  outputs: {
    "azure-native:trafficmanager:Profile": (a) => ({
      name: a.inputs.profileName,
      dnsConfig: {
        ...a.inputs.dnsConfig,
        fqdn: `${a.inputs.dnsConfig.relativeName}.trafficmanager.net`,
      },
    }),
    "azure-native:operationalinsights:Workspace": (a) => ({
      name: `${a.name}9z8y`,
      customerId: `${a.name}-customer-id`,
    }),
    "azure-native:monitor:DataCollectionEndpoint": (a) => ({
      logsIngestion: { endpoint: `https://${a.name}.westeurope-1.ingest.monitor.azure.com` },
    }),
    "azure-native:monitor:DataCollectionRule": (a) => ({ immutableId: `dcr-${a.name}` }),
  },
  invokes: {
    "azure-native:operationalinsights:getSharedKeys": (a) => ({
      primarySharedKey: `key-of-${a.inputs.workspaceName}`,
    }),
    "azure-native:authorization:getClientConfig": () => ({ subscriptionId: "sub-1" }),
  },
});

// Imported after the mocks are installed.
import * as azure from "@pulumi/azure-native";
import { LogAnalytics } from "../components/logAnalytics";
import { TrafficManager } from "../components/trafficManager";

const parents: Record<string, string> = {};
const recordParents: pulumi.ResourceTransformation = (a) => {
  parents[a.name] = a.opts.parent?.constructor.name ?? "(none)";
  return undefined;
};
const inputsOf = (name: string) => {
  const found = recorded.find((r) => r.name === name);
  if (!found) throw new Error(`no ${name}; have ${recorded.map((r) => r.name).join(", ")}`);
  return found.inputs;
};

let tm: TrafficManager;
let logs: LogAnalytics;
let second: LogAnalytics;

beforeAll(async () => {
  const provider = new azure.Provider("test-azure", { location: "westeurope" });
  const opts = { providers: { "azure-native": provider }, transformations: [recordParents] };
  tm = new TrafficManager(
    "tm",
    {
      resourceGroupName: "rg-test",
      settings: {
        dnsName: "ratings-active-passive",
        routingMethod: "Priority",
        ttl: 10,
        monitor: {
          protocol: "HTTPS",
          port: 443,
          path: "/healthz",
          intervalSeconds: 10,
          timeoutSeconds: 9,
          toleratedFailures: 2,
          expectedStatusRanges: ["200-299", "304-304"],
          hostHeader: "ratings.contoso.com",
        },
      },
      tags: { owner: "platform" },
    },
    opts,
  );
  logs = new LogAnalytics(
    "logs",
    {
      resourceGroupName: "rg-test",
      location: "westeurope",
      settings: { sku: "CapacityReservation", capacityReservationLevel: 100, retentionDays: 90 },
      publisherPrincipalId: "6e8a0c2d-4f6b-4d8e-a0c2-3e5a7c9e1b04",
      tags: { owner: "platform" },
    },
    opts,
  );
  second = new LogAnalytics(
    "logs2",
    {
      resourceGroupName: "rg-test",
      location: "westeurope",
      settings: { sku: "PerGB2018", retentionDays: 30 },
      publisherPrincipalId: "6e8a0c2d-4f6b-4d8e-a0c2-3e5a7c9e1b04",
    },
    opts,
  );
  await Promise.all([resolve(tm.fqdn), resolve(logs.sharedKey), resolve(second.sharedKey)]);
  await settle();
});

test("a Priority profile with fast HTTPS probes sends the configured host header", () => {
  expect(inputsOf("tm-profile")).toEqual({
    profileName: "ratings-active-passive",
    resourceGroupName: "rg-test",
    location: "global",
    profileStatus: "Enabled",
    trafficRoutingMethod: "Priority",
    dnsConfig: { relativeName: "ratings-active-passive", ttl: 10 },
    monitorConfig: {
      protocol: "HTTPS",
      port: 443,
      path: "/healthz",
      intervalInSeconds: 10,
      timeoutInSeconds: 9,
      toleratedNumberOfFailures: 2,
      expectedStatusCodeRanges: [
        { min: 200, max: 299 },
        { min: 304, max: 304 },
      ],
      customHeaders: [{ name: "host", value: "ratings.contoso.com" }],
    },
    tags: { owner: "platform" },
  });
});

test("the TrafficManager outputs: profile, group, FQDN, routing method", async () => {
  expect((await resolve(tm.profileName)).value).toBe("ratings-active-passive");
  expect((await resolve(tm.resourceGroupName)).value).toBe("rg-test");
  expect((await resolve(tm.fqdn)).value).toBe("ratings-active-passive.trafficmanager.net");
  expect((await resolve(tm.routingMethod)).value).toBe("Priority");
});

test("a capacity reservation workspace gets its level and retention", () => {
  expect(inputsOf("logs-workspace")).toMatchObject({
    sku: { name: "CapacityReservation", capacityReservationLevel: 100 },
    retentionInDays: 90,
    tags: { owner: "platform" },
  });
});

test("tags reach every tagged Azure resource", () => {
  for (const name of ["logs-workspace", "logs-container-insights", "logs-dce", "logs-dcr"]) {
    expect(inputsOf(name).tags).toEqual({ owner: "platform" });
  }
});

test("the shared key is a secret output of the component", async () => {
  expect(await resolve(logs.sharedKey)).toEqual({
    value: "key-of-logs-workspace9z8y",
    secret: true,
  });
});

test("the LogAnalytics outputs", async () => {
  expect((await resolve(logs.workspaceId)).value).toBe("logs-workspace-customer-id");
  expect((await resolve(logs.workspaceResourceId)).value).toBe("logs-workspace-id");
  expect((await resolve(logs.ingestionEndpoint)).value).toBe(
    "https://logs-dce.westeurope-1.ingest.monitor.azure.com",
  );
  expect((await resolve(logs.ruleImmutableId)).value).toBe("dcr-logs-dcr");
  expect(logs.streamName).toBe("Custom-ContainerLogs_CL");
});

test("every child hangs under its component and uses the explicit provider", () => {
  expect(parents).toMatchObject({
    "tm-profile": "TrafficManager",
    "logs-workspace": "LogAnalytics",
    "logs-container-insights": "LogAnalytics",
    "logs-dce": "LogAnalytics",
    "logs-container-logs": "LogAnalytics",
    "logs-dcr": "LogAnalytics",
    "logs-publisher": "LogAnalytics",
  });
  for (const r of recorded.filter((x) => x.type.startsWith("azure-native:"))) {
    expect(r.provider).toMatch(/::test-azure::test-azure-id$/);
  }
});

test("a second instance gets its own children: names derive from the component name", () => {
  const names = recorded.filter((r) => r.type.startsWith("azure-native:")).map((r) => r.name);
  expect(new Set(names).size).toBe(names.length);
  expect(names.filter((n) => n.startsWith("logs2-")).sort()).toEqual([
    "logs2-container-insights",
    "logs2-container-logs",
    "logs2-dce",
    "logs2-dcr",
    "logs2-publisher",
    "logs2-workspace",
  ]);
  expect(inputsOf("logs2-workspace").sku).toEqual({ name: "PerGB2018" });
});
