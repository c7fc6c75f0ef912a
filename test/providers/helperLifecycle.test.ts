/**
 * The rendered helper scripts (providers/helperCommands.ts) run for real with bash in a scratch
 * HOME, with the aks-engine-azurestack and kubectl TEST DOUBLES of test/doubles on PATH (no SSH,
 * no ARM): a switched service principal lands in the generated apimodel (client id and secret)
 * before the forced upgrade; a failed first deploy is retried from a corrected definition (the
 * failed _output/ moved aside), the same definition keeps its generated PKI, and once a deploy
 * succeeded the generated apimodel stays authoritative.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApiModel } from "../../lib/apiModel";
import { definitionDigest } from "../../providers/aksEngineProvider";
import {
  DEPLOY_FILES,
  HelperContext,
  HelperOperation,
  renderHelperScript,
} from "../../providers/helperCommands";
import { ROOT, TEST_CERTIFICATE_BUNDLE } from "../stackFiles";
import { stampConfig } from "../stampConfigs";

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "helper-lifecycle-"));
  fs.writeFileSync(path.join(home, "bootstrap.done"), "");
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const OLD_ID = "5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93";
const NEW_ID = "0d3c5e7a-9b1f-4c2d-8e6a-1f3b5d7c9e20";
const work = () => path.join(home, "ashk8s");
const generated = () =>
  JSON.parse(fs.readFileSync(path.join(work(), "_output/apimodel.json"), "utf8"));
const argv = () => fs.readFileSync(path.join(home, "double-argv.log"), "utf8").trim().split("\n");

function context(clientId = OLD_ID): HelperContext {
  return {
    cli: "aks-engine-azurestack",
    bootstrapMarker: path.join(home, "bootstrap.done"),
    location: "seattle",
    resourceGroup: "rg-seattle-k8s",
    identitySystem: "azure_ad",
    subscriptionId: "3f1c5a9e-7d2b-4e8a-9c6f-2b4d8e1a7c35",
    clientId,
    apiServerFqdn: "sea-ratings.seattle.cloudapp.azurestack.contoso.com",
  };
}

function apiModel(vmSize = "Standard_DS3_v2", secret = "Sp-Secret-1"): string {
  const config = stampConfig("seattle", {
    cluster: { pools: [{ name: "linuxpool", count: 3, vmSize }] },
  });
  return JSON.stringify(
    buildApiModel(config, {
      sshPublicKey: "ssh-ed25519 AAAA test",
      servicePrincipalSecret: secret,
    }),
  );
}
const deploy = (model: string): HelperOperation => ({
  op: "deploy",
  apiModel: model,
  digest: definitionDigest(model),
});

function run(operation: HelperOperation, c = context(), secret = "Sp-Secret-1") {
  const script = renderHelperScript(c, operation, {
    servicePrincipalCertificate: TEST_CERTIFICATE_BUNDLE,
    servicePrincipalSecret: secret,
  });
  return spawnSync("bash", ["-c", script], {
    cwd: home,
    env: {
      ...process.env,
      HOME: home,
      PATH: `${path.join(ROOT, "test/doubles")}:${process.env.PATH}`,
      ASHK8S_DOUBLE_SLEEP: "0",
    },
    encoding: "utf8",
  });
}
const failNext = (cmd: string) => fs.writeFileSync(path.join(home, "fail-once"), `${cmd}\n`);

describe("a failed first deploy can be corrected", () => {
  test("a corrected definition (new vmSize) is deployed from the new definition; the failed _output/ is moved aside", () => {
    failNext("deploy");
    expect(run(deploy(apiModel("Standard_DS3_v2"))).status).toBe(1);
    expect(fs.existsSync(path.join(work(), DEPLOY_FILES.deployed))).toBe(false);
    expect(generated().properties.agentPoolProfiles[0].vmSize).toBe("Standard_DS3_v2");

    const retry = run(deploy(apiModel("Standard_F8s_v2")));
    expect(retry.status).toBe(0);
    expect(retry.stderr).toMatch(/the failed _output\/ was moved to _output\.failed-/);
    expect(argv()[1]).toMatch(
      /^deploy .*--api-model \/.*\/\.run\.\w+\/apimodel\.json .*--force-overwrite$/,
    );
    expect(generated().properties.agentPoolProfiles[0].vmSize).toBe("Standard_F8s_v2");
    const aside = fs.readdirSync(work()).filter((f) => f.startsWith("_output.failed-"));
    expect(aside).toHaveLength(1);
    expect(
      JSON.parse(fs.readFileSync(path.join(work(), aside[0], "apimodel.json"), "utf8")).properties
        .agentPoolProfiles[0].vmSize,
    ).toBe("Standard_DS3_v2");
    expect(fs.existsSync(path.join(work(), DEPLOY_FILES.deployed))).toBe(true);
  });

  test("a corrected kubernetesVersion is deployed too", () => {
    const at = (v: string) => {
      const m = JSON.parse(apiModel());
      m.properties.orchestratorProfile.orchestratorVersion = v;
      return JSON.stringify(m);
    };
    failNext("deploy");
    expect(run(deploy(at("1.34.4"))).status).toBe(1);
    expect(run(deploy(at("1.33.10"))).status).toBe(0);
    expect(generated().properties.orchestratorProfile.orchestratorVersion).toBe("1.33.10");
  });

  test("a retry of the same definition reuses the generated apimodel (same certificates)", () => {
    failNext("deploy");
    const model = apiModel();
    expect(run(deploy(model)).status).toBe(1);
    const ca = generated().properties.certificateProfile.caCertificate;
    expect(run(deploy(model)).status).toBe(0);
    expect(argv()[1]).toMatch(/^deploy .*--api-model _output\/apimodel\.json .*--force-overwrite$/);
    expect(generated().properties.certificateProfile.caCertificate).toBe(ca);
    expect(fs.readdirSync(work()).filter((f) => f.startsWith("_output.failed-"))).toEqual([]);
  });

  test("an _output/ without a digest (from an older release, maybe of a deployed cluster) is reused, never moved aside", () => {
    failNext("deploy");
    expect(run(deploy(apiModel("Standard_DS3_v2"))).status).toBe(1);
    fs.rmSync(path.join(work(), DEPLOY_FILES.digest));
    expect(run(deploy(apiModel("Standard_F8s_v2"))).status).toBe(0);
    expect(argv()[1]).toMatch(/^deploy .*--api-model _output\/apimodel\.json /);
    expect(generated().properties.agentPoolProfiles[0].vmSize).toBe("Standard_DS3_v2");
    expect(fs.readdirSync(work()).filter((f) => f.startsWith("_output.failed-"))).toEqual([]);
  });

  test("after a successful deploy the generated apimodel stays authoritative", () => {
    expect(run(deploy(apiModel("Standard_DS3_v2"))).status).toBe(0);
    const ca = generated().properties.certificateProfile.caCertificate;
    expect(run(deploy(apiModel("Standard_F8s_v2"))).status).toBe(0);
    expect(argv()[1]).toMatch(/^deploy .*--api-model _output\/apimodel\.json /);
    expect(generated().properties.agentPoolProfiles[0].vmSize).toBe("Standard_DS3_v2");
    expect(generated().properties.certificateProfile.caCertificate).toBe(ca);
  });
});

describe("a switched service principal", () => {
  test("upgrade writes the new client id and the new secret into _output/apimodel.json before the forced upgrade", () => {
    expect(run(deploy(apiModel())).status).toBe(0);
    expect(generated().properties.servicePrincipalProfile).toEqual({
      clientId: OLD_ID,
      secret: "Sp-Secret-1",
    });
    const r = run({ op: "upgrade", version: "1.34.4", force: true }, context(NEW_ID), "Sp-New-2");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      "[helper] service principal client id and secret updated in _output/apimodel.json",
    );
    expect(argv().at(-1)).toMatch(new RegExp(`^upgrade .*--client-id ${NEW_ID} .*--force$`));
    expect(generated().properties.servicePrincipalProfile).toEqual({
      clientId: NEW_ID,
      secret: "Sp-New-2",
    });
    expect(fs.statSync(path.join(work(), "_output/apimodel.json")).mode & 0o077).toBe(0);
  });

  test("a secret rotation alone changes only the secret", () => {
    expect(run(deploy(apiModel())).status).toBe(0);
    const r = run({ op: "upgrade", version: "1.34.4", force: true }, context(), "Sp-Rotated-3");
    expect(r.stderr).toContain(
      "[helper] service principal secret updated in _output/apimodel.json",
    );
    expect(generated().properties.servicePrincipalProfile).toEqual({
      clientId: OLD_ID,
      secret: "Sp-Rotated-3",
    });
  });
});
