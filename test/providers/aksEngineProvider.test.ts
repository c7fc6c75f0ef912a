/**
 * The cluster provider's diff/update sequencing with an injected runner instead of SSH: a config
 * change that no aks-engine action carries out is refused in diff (before anything runs); a
 * switched service principal runs one forced upgrade whose script writes the new client id and
 * secret into the generated apimodel first; a raised cluster.nodeImageGeneration runs one upgrade
 * --force at the same version (before a scale of the same change), a lowered one is refused.
 */
import { buildApiModel } from "../../lib/apiModel";
import { clusterSpec } from "../../lib/clusterPlan";
import {
  aksEngineProvider,
  ClusterResourceInputs,
  ClusterResourceOutputs,
  definitionDigest,
} from "../../providers/aksEngineProvider";
import { MARK } from "../../providers/helperCommands";
import { runOnHelper } from "../../providers/helperSsh";
import { TEST_CERTIFICATE_BUNDLE } from "../stackFiles";
import { stampConfig } from "../stampConfigs";

jest.mock("../../providers/helperSsh", () => ({ runOnHelper: jest.fn() }));
const runner = runOnHelper as jest.MockedFunction<typeof runOnHelper>;

const NODES = {
  items: [
    ...[0, 1, 2].map((i) => ({
      metadata: { name: `k8s-master-1-${i}`, labels: { "kubernetes.io/role": "master" } },
      status: { nodeInfo: { kubeletVersion: "v1.34.4" } },
    })),
    ...[0, 1, 2].map((i) => ({
      metadata: { name: `k8s-linuxpool-1-${i}`, labels: { agentpool: "linuxpool" } },
      status: { nodeInfo: { kubeletVersion: "v1.34.4" } },
    })),
  ],
};
const REPORT = [
  MARK.nodes,
  JSON.stringify(NODES),
  MARK.kubeconfig,
  Buffer.from("{}").toString("base64"),
  MARK.archive,
  "QVJDSElWRQ==",
  MARK.end,
].join("\n");

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGH0TRpM6hm88W2B2sPW+f8C3IwV23ecSnYR2Syu++6I";
type Patches = Parameters<typeof stampConfig>[1];
function inputs(patches: Patches = {}, secret = "Sp-Secret-1"): ClusterResourceInputs {
  const config = stampConfig("seattle", patches, secret);
  const model = buildApiModel(config, {
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test",
    servicePrincipalSecret: secret,
  });
  return {
    helper: { host: "203.0.113.5", port: 22, user: "azureuser", hostKey: HOST_KEY },
    helperPrivateKey: "KEY",
    context: {
      cli: "aks-engine-azurestack",
      bootstrapMarker: "/var/lib/ashk8s/bootstrap.done",
      location: "seattle",
      resourceGroup: "rg-seattle-k8s",
      identitySystem: config.azureStack.identitySystem,
      subscriptionId: config.azureStack.subscriptionId,
      clientId: config.azureStack.clientId,
      apiServerFqdn: "sea-ratings.seattle.cloudapp.azurestack.contoso.com",
    },
    spec: clusterSpec(config),
    apiModel: JSON.stringify(model),
    servicePrincipalSecret: secret,
    servicePrincipalCertificate: TEST_CERTIFICATE_BUNDLE,
  };
}
const state = (i: ClusterResourceInputs): ClusterResourceOutputs => ({
  ...i,
  kubeconfig: "{}",
  outputArchive: "QVJDSElWRQ==",
  observed: { masterCount: 3, pools: { linuxpool: 3 }, kubernetesVersion: "1.34.4" },
});

let stderr: jest.SpyInstance;
beforeEach(() => {
  runner.mockReset();
  // A detached operation: the start script reports the operation id, the follow script the report.
  runner.mockImplementation(async (_helper, _key, script) =>
    script.includes("<<'ASHK8S_RUN'")
      ? "=== ashk8s:operation upgrade-20260101T000000Z-0123abcd ===\n"
      : REPORT,
  );
  stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => stderr.mockRestore());

describe("diff refuses what no action carries out, before anything runs", () => {
  test.each<[string, Patches, RegExp]>([
    [
      "cluster.masterVmSize",
      { cluster: { masterVmSize: "Standard_DS3_v2" } },
      /cluster\.masterVmSize: "Standard_DS2_v2" -> "Standard_DS3_v2" cannot change in place; aks-engine cannot resize/,
    ],
    [
      "cluster.networkPolicy",
      { cluster: { networkPlugin: "azure", networkPolicy: "azure" } },
      /cluster\.networkPolicy: "calico" -> "azure" cannot change in place/,
    ],
    [
      "cluster.adminUsername",
      { cluster: { adminUsername: "opsadmin" } },
      /cluster\.adminUsername: "azureuser" -> "opsadmin" cannot change in place/,
    ],
    [
      "azureStack.identitySystem",
      { azureStack: { identitySystem: "adfs" } },
      /azureStack\.identitySystem: "azure_ad" -> "adfs" cannot change in place/,
    ],
    [
      "azureStack.disconnected",
      { azureStack: { disconnected: true } },
      /azureStack\.disconnected \(as runUnattendedUpgradesOnBootstrap, its inverse\): true -> false cannot change in place/,
    ],
    [
      "azureStack.subscriptionId",
      { azureStack: { subscriptionId: "0d3c5e7a-9b1f-4c2d-8e6a-1f3b5d7c9e20" } },
      /azureStack\.subscriptionId: 3f1c5a9e-7d2b-4e8a-9c6f-2b4d8e1a7c35 -> 0d3c5e7a-9b1f-4c2d-8e6a-1f3b5d7c9e20 cannot change in place/,
    ],
  ])("%s", async (_key, patches, message) => {
    const news = inputs(patches);
    await expect(aksEngineProvider.diff!("id", state(inputs()), news)).rejects.toThrow(
      /^The cluster change is refused, nothing was changed:\n/,
    );
    await expect(aksEngineProvider.diff!("id", state(inputs()), news)).rejects.toThrow(message);
    await expect(aksEngineProvider.update!("id", state(inputs()), news)).rejects.toThrow(message);
    expect(runner).not.toHaveBeenCalled();
  });

  test("the addons", async () => {
    const news = inputs();
    const model = JSON.parse(news.apiModel);
    model.properties.orchestratorProfile.kubernetesConfig.addons.push({
      name: "cluster-autoscaler",
      enabled: true,
    });
    await expect(
      aksEngineProvider.diff!("id", state(inputs()), { ...news, apiModel: JSON.stringify(model) }),
    ).rejects.toThrow(/addons \(lib\/apiModel\.ts DISK_CSI_ADDON\): .* cannot change in place/);
    expect(runner).not.toHaveBeenCalled();
  });

  test("a definition unknown during preview (the node key being replaced) is refused, not parsed", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // Pulumi's unknown placeholder
    await expect(
      aksEngineProvider.diff!("id", state(inputs()), { ...inputs(), apiModel: unknown }),
    ).rejects.toThrow(/the new cluster definition is not known during this preview/);
    expect(runner).not.toHaveBeenCalled();
  });

  test("an unchanged definition is no change", async () => {
    await expect(aksEngineProvider.diff!("id", state(inputs()), inputs())).resolves.toMatchObject({
      changes: false,
    });
  });
});

describe("a switched service principal (new client id and secret)", () => {
  const newId = "0d3c5e7a-9b1f-4c2d-8e6a-1f3b5d7c9e20";
  const news = () => inputs({ azureStack: { clientId: newId } }, "Sp-New-Secret-2");

  test("diff plans an update, no replacement", async () => {
    await expect(aksEngineProvider.diff!("id", state(inputs()), news())).resolves.toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  test("update runs one forced upgrade whose script writes the new client id and secret into the generated apimodel first", async () => {
    await aksEngineProvider.update!("id", state(inputs()), news());
    expect(runner).toHaveBeenCalledTimes(2); // start the detached operation, then follow it
    expect(runner.mock.calls[1][2]).toContain("upgrade-20260101T000000Z-0123abcd");
    const script = runner.mock.calls[0][2];
    const sync = script.indexOf(`python3 - "$S/sp-secret" _output/apimodel.json '${newId}'`);
    const upgrade = script.indexOf("'aks-engine-azurestack' upgrade");
    expect(sync).toBeGreaterThan(0);
    expect(upgrade).toBeGreaterThan(sync);
    expect(script.slice(upgrade).split("\n")[0]).toMatch(
      new RegExp(`--client-id '${newId}' .*--upgrade-version '1\\.34\\.4' --force 1>&2$`),
    );
    expect(script).toContain(Buffer.from("Sp-New-Secret-2").toString("base64"));
    expect(script).not.toContain("Sp-New-Secret-2");
  });
});

describe("deploy carries the digest of the input definition", () => {
  test("create sends the digest; it ignores the secret and follows the definition", async () => {
    const i = inputs();
    await aksEngineProvider.create!(i);
    expect(runner.mock.calls[0][2]).toContain(definitionDigest(i.apiModel));
    expect(definitionDigest(inputs({}, "other").apiModel)).toBe(definitionDigest(i.apiModel));
    expect(
      definitionDigest(
        inputs({ cluster: { pools: [{ name: "linuxpool", count: 3, vmSize: "Standard_F8s_v2" }] } })
          .apiModel,
      ),
    ).not.toBe(definitionDigest(i.apiModel));
  });
});

describe("node image refresh (cluster.nodeImageGeneration raised)", () => {
  const gen = (n: number, patches: Patches = {}) =>
    inputs({ ...patches, cluster: { ...patches.cluster, nodeImageGeneration: n } });
  /** The aks-engine command lines of the detached operations started, in order. */
  const started = () =>
    runner.mock.calls
      .map((call) => call[2])
      .filter((script) => script.includes("<<'ASHK8S_RUN'"))
      .map((script) => script.split("\n").find((l) => l.startsWith("'aks-engine-azurestack' ")));

  test("diff: an update (no replacement) whose plan is one forced upgrade at the same version", async () => {
    await expect(aksEngineProvider.diff!("id", state(gen(0)), gen(1))).resolves.toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(stderr).toHaveBeenCalledWith(
      "[aks-engine seattle] plan: upgrade --force to 1.34.4: node image refresh (cluster.nodeImageGeneration 0 -> 1): forced upgrade to the same version 1.34.4 re-creates every node from the node image of the pinned aks-engine release (aks-engine-azurestack upgrade)\n",
    );
    expect(runner).not.toHaveBeenCalled();
  });

  test("update runs exactly that operation: upgrade --force at the version the cluster has", async () => {
    const { outs } = await aksEngineProvider.update!("id", state(gen(0)), gen(1));
    expect(started()).toHaveLength(1);
    expect(started()[0]).toMatch(/ upgrade .*--upgrade-version '1\.34\.4' --force 1>&2$/);
    expect(outs.spec.nodeImageGeneration).toBe(1);
  });

  test("raised with a scale: the forced upgrade first, then the scale", async () => {
    const pools = [{ name: "linuxpool", count: 5, vmSize: "Standard_DS3_v2" }];
    await aksEngineProvider.update!("id", state(gen(0)), gen(1, { cluster: { pools } }));
    expect(started()).toEqual([
      expect.stringMatching(/ upgrade .*--upgrade-version '1\.34\.4' --force 1>&2$/),
      expect.stringMatching(/ scale .*--node-pool 'linuxpool' --new-node-count 5 /),
    ]);
  });

  test("a state written before the key existed (no nodeImageGeneration) is generation 0", async () => {
    const old = state(gen(0));
    delete old.spec.nodeImageGeneration;
    await expect(aksEngineProvider.diff!("id", old, gen(0))).resolves.toMatchObject({
      changes: false,
    });
    await aksEngineProvider.update!("id", old, gen(1));
    expect(started()).toEqual([expect.stringMatching(/ upgrade .* --force 1>&2$/)]);
  });

  test("lowered: diff and update refuse naming the key, nothing runs", async () => {
    const message =
      /cluster\.nodeImageGeneration: 2 -> 1 cannot change in place; a generation cannot be lowered/;
    await expect(aksEngineProvider.diff!("id", state(gen(2)), gen(1))).rejects.toThrow(message);
    await expect(aksEngineProvider.update!("id", state(gen(2)), gen(1))).rejects.toThrow(message);
    expect(runner).not.toHaveBeenCalled();
  });
});
