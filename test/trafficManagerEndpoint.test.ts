/**
 * A stamp's Traffic Manager endpoint under mocks, fed by a mocked StackReference to the global
 * stack: adding a stamp adds one endpoint and changes nothing global.
 */
import * as pulumi from "@pulumi/pulumi";
import { GLOBAL_SECRET_NAMES, GLOBAL_EXPORTS } from "./stampMocks";
import { installMocks, Recorded, resolve, settle } from "./mocks";

const globalExports = GLOBAL_EXPORTS;

/** Routing method per global stack name, so one test file can try each method. */
const routingByStack: Record<string, string> = {
  "contoso/ash-ha-kubernetes/global": "Performance",
  "weighted-global": "Weighted",
  "priority-global": "Priority",
};

const recorded: Recorded[] = installMocks({
  outputs: {
    "pulumi:pulumi:StackReference": (a) => ({
      outputs: {
        ...globalExports,
        trafficManagerRoutingMethod: routingByStack[a.inputs.name as string] ?? "Performance",
      },
      secretOutputNames: GLOBAL_SECRET_NAMES,
    }),
  },
});

// Imported after the mocks are installed.
import * as azure from "@pulumi/azure-native";
import { TrafficManagerEndpoint } from "../components/trafficManagerEndpoint";
import { globalStackReference, readGlobalOutputs } from "../stacks/globalOutputs";
import type { EndpointSettings } from "../lib/trafficManager";

const ENDPOINT = "azure-native:trafficmanager:Endpoint";
const endpoints = () => recorded.filter((r) => r.type === ENDPOINT);
const endpointNamed = (name: string) => {
  const found = endpoints().find((r) => r.inputs.endpointName === name);
  if (!found) throw new Error(`no endpoint ${name}; have ${endpoints().map((r) => r.name)}`);
  return found;
};

/** Three stamp configs as config/ would hand them over. */
const stamps: { name: string; target: pulumi.Input<string>; settings: EndpointSettings }[] = [
  {
    name: "seattle",
    target: "203.0.113.10",
    settings: {
      globalStack: "contoso/ash-ha-kubernetes/global",
      endpointLocation: "westus2",
      weight: 1,
      priority: 1,
    },
  },
  {
    name: "munich",
    target: "198.51.100.20",
    settings: {
      globalStack: "contoso/ash-ha-kubernetes/global",
      endpointLocation: "germanywestcentral",
      weight: 1,
      priority: 2,
    },
  },
  {
    name: "dublin",
    // An ingress FQDN known only at deploy time.
    target: pulumi.output("ratings.dublin.cloudapp.ash.contoso.ie"),
    settings: {
      globalStack: "contoso/ash-ha-kubernetes/global",
      endpointLocation: "northeurope",
      weight: 1,
      priority: 3,
    },
  },
];

const parents: Record<string, string> = {};
const recordParents: pulumi.ResourceTransformation = (a) => {
  parents[a.name] = a.opts.parent?.constructor.name ?? "(none)";
  return undefined;
};

/** Registers a stamp's endpoint the way the stamp stack does: its own provider and reference. */
function registerStamp(
  stamp: (typeof stamps)[number],
  settings: EndpointSettings = stamp.settings,
): TrafficManagerEndpoint {
  const provider = new azure.Provider(`${stamp.name}-azure`, {});
  const ref = globalStackReference(stamp.name, settings);
  return new TrafficManagerEndpoint(
    `${stamp.name}-tm`,
    { global: readGlobalOutputs(ref), stamp: stamp.name, target: stamp.target, settings },
    { providers: { "azure-native": provider }, transformations: [recordParents] },
  );
}

let components: TrafficManagerEndpoint[] = [];

beforeAll(async () => {
  components = stamps.map((s) => registerStamp(s));
  await Promise.all(components.map((c) => resolve(c.endpointName)));
  await settle();
});

test("three stamp configs register three endpoints, one per stamp, and nothing else in Azure", () => {
  expect(endpoints().map((r) => r.inputs.endpointName)).toEqual(["seattle", "munich", "dublin"]);
  const azureTypes = recorded.filter((r) => r.type.startsWith("azure-native:")).map((r) => r.type);
  expect(azureTypes).toEqual([ENDPOINT, ENDPOINT, ENDPOINT]);
  // No profile, workspace or other global resource: the global stack does not change.
  expect(recorded.some((r) => r.type === "azure-native:trafficmanager:Profile")).toBe(false);
});

test.each([
  ["seattle", "203.0.113.10", "westus2"],
  ["munich", "198.51.100.20", "germanywestcentral"],
  ["dublin", "ratings.dublin.cloudapp.ash.contoso.ie", "northeurope"],
])(
  "%s: an external endpoint in the global profile pointing at %s, located in %s",
  (name, target, location) => {
    expect(endpointNamed(name).inputs).toEqual({
      endpointName: name,
      endpointType: "ExternalEndpoints",
      profileName: "contoso-ratings",
      resourceGroupName: "rg-ash-ha-kubernetes-global",
      target,
      endpointStatus: "Enabled",
      endpointLocation: location,
    });
  },
);

test("each endpoint uses its stamp's explicit azure-native provider", () => {
  for (const s of stamps) {
    expect(endpointNamed(s.name).provider).toMatch(
      new RegExp(`::${s.name}-azure::${s.name}-azure-id$`),
    );
  }
});

test("each endpoint is a child of its component, named after it", () => {
  expect(endpoints().map((r) => r.name)).toEqual([
    "seattle-tm-endpoint",
    "munich-tm-endpoint",
    "dublin-tm-endpoint",
  ]);
  for (const s of stamps) expect(parents[`${s.name}-tm-endpoint`]).toBe("TrafficManagerEndpoint");
});

test("the stack reference names the configured global stack", () => {
  const refs = recorded.filter((r) => r.type === "pulumi:pulumi:StackReference");
  expect(refs.map((r) => [r.name, r.inputs.name])).toEqual([
    ["seattle-global", "contoso/ash-ha-kubernetes/global"],
    ["munich-global", "contoso/ash-ha-kubernetes/global"],
    ["dublin-global", "contoso/ash-ha-kubernetes/global"],
  ]);
});

test("the global outputs read through the reference keep their secrets secret", async () => {
  const ref = globalStackReference("probe", stamps[0].settings);
  const outputs = readGlobalOutputs(ref);
  expect(await resolve(outputs.logsIngestionClientSecret)).toEqual({
    value: GLOBAL_EXPORTS.logsIngestionClientSecret,
    secret: true,
  });
  expect(await resolve(outputs.logAnalyticsSharedKey)).toEqual({
    value: "shared-key-value",
    secret: true,
  });
  expect((await resolve(outputs.trafficManagerFqdn)).secret).toBe(false);
});

test("Weighted routing sets the stamp's weight, Priority its priority", async () => {
  const weighted = registerStamp(
    { ...stamps[0], name: "weighted" },
    { ...stamps[0].settings, globalStack: "weighted-global", weight: 250 },
  );
  const priority = registerStamp(
    { ...stamps[1], name: "standby" },
    { ...stamps[1].settings, globalStack: "priority-global", priority: 2 },
  );
  await Promise.all([resolve(weighted.endpointName), resolve(priority.endpointName)]);
  await settle();
  expect(endpointNamed("weighted").inputs).toMatchObject({
    weight: 250,
    endpointLocation: "westus2",
  });
  expect(endpointNamed("weighted").inputs).not.toHaveProperty("priority");
  expect(endpointNamed("standby").inputs).toMatchObject({ priority: 2 });
  expect(endpointNamed("standby").inputs).not.toHaveProperty("weight");
});
