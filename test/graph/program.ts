/**
 * Evaluates the whole program (index.ts) for one shipped stack under graph mocks and snapshots the
 * graph and the exports. One jest file per stack: the program module is evaluated once per file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MockOptions } from "../mocks";
import { readStackFile, ROOT } from "../stackFiles";
import { withTestPins } from "../support/testPins";
import { stampMockInvokes, stampMockOutputs } from "../stampMocks";
import { installGraphMocks, resolveExports, sortedGraph } from "./graph";

/** Fake secret values of the test configs (the snapshot holds only their hashes anyway). */
/** The edge kubeconfig is a well-formed one whose token is the stamp value (test/stackFiles.ts). */
export const SECRET_VALUE = { stamp: "sp-secret-value", global: "client-secret-value" } as const;

/** Mocked outputs of the global stack's Azure resources (shared with test/globalProgram.test.ts). */
export const GLOBAL_MOCK_OUTPUTS: MockOptions["outputs"] = {
  "azure-native:resources:ResourceGroup": (a) => ({ name: a.inputs.resourceGroupName }),
  "azure-native:trafficmanager:Profile": (a) => ({
    name: a.inputs.profileName,
    dnsConfig: {
      ...a.inputs.dnsConfig,
      fqdn: `${a.inputs.dnsConfig.relativeName}.trafficmanager.net`,
    },
  }),
  "azure-native:operationalinsights:Workspace": (a) => ({
    name: `${a.name}1a2b3c`,
    customerId: "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
  }),
  "azure-native:monitor:DataCollectionEndpoint": (a) => ({
    logsIngestion: { endpoint: `https://${a.name}-x1y2.westeurope-1.ingest.monitor.azure.com` },
  }),
  "azure-native:monitor:DataCollectionRule": () => ({
    immutableId: "dcr-0123456789abcdef0123456789abcdef",
  }),
  "azure-native:storage:StorageAccount": (a) => ({
    name: a.inputs.accountName,
    primaryEndpoints: { blob: `https://${a.inputs.accountName}.blob.core.windows.net/` },
  }),
};

/** Mocks of the global stack's resources and invokes. */
const GLOBAL_MOCKS: MockOptions = {
  outputs: GLOBAL_MOCK_OUTPUTS,
  invokes: {
    // The token leaves out the expiry, which depends on the month the test runs in.
    "azure-native:storage:listStorageAccountServiceSAS": (a) => ({
      serviceSasToken: `sr=c&sp=${String(a.inputs.permissions)}&sig=for-${String(a.inputs.canonicalizedResource)}`,
    }),
    "azure-native:operationalinsights:getSharedKeys": () => ({
      primarySharedKey: "primary-shared-key",
      secondarySharedKey: "secondary-shared-key",
    }),
    "azure-native:authorization:getClientConfig": () => ({
      subscriptionId: "0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e",
      tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
      clientId: "pipeline",
      objectId: "pipeline",
    }),
  },
};

/** The shipped stacks with a graph snapshot. */
export type GraphStack = "seattle" | "munich" | "global" | "local" | "hamburg-edge";

export function mocksFor(stack: GraphStack): MockOptions {
  if (stack === "global") {
    return { ...GLOBAL_MOCKS, ...readStackFile(stack, SECRET_VALUE.global), stack };
  }
  const { config, secretKeys } = readStackFile(stack, SECRET_VALUE.stamp);
  withTestPins(config, ROOT); // stand-in download pins (test/support/testPins.ts)
  if (stack === "local") {
    // The local stack reads the API server of its kubeconfig file and of $KUBECONFIG (the run's
    // identity), which must match; no kubeconfig reaches the graph.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-local-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]",
        "users: [{name: u, user: {}}]",
        "contexts: [{name: x, context: {cluster: c, user: u}}]",
        "current-context: x",
        "",
      ].join("\n"),
    );
    process.env.KUBECONFIG = kubeconfig;
    const key = "ash-ha-kubernetes:local";
    config[key] = JSON.stringify({ ...JSON.parse(config[key]), kubeconfigPath: kubeconfig });
    return { config, secretKeys, stack };
  }
  return {
    config,
    secretKeys,
    stack,
    outputs: stampMockOutputs(stack),
    invokes: stampMockInvokes(stack),
  };
}

export function snapshotProgram(stack: GraphStack) {
  const { nodes, settled } = installGraphMocks(mocksFor(stack));

  test(`the ${stack} graph and exports are unchanged`, async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = (await require("../../index")) as Record<string, unknown>;
    const resolved = await resolveExports(exports);
    await settled();
    expect(sortedGraph(nodes)).toMatchSnapshot("graph");
    expect(resolved).toMatchSnapshot("exports");
  });
}
