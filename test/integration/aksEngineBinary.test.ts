/**
 * The cluster definitions buildApiModel writes, run through the real AKS engine binary offline.
 *
 * aks-engine-azurestack cannot be built here (the Go proxy refuses every version of its module,
 * see toolchain/modules/aks-engine-azurestack/go.mod); the toolchain builds its upstream, Azure/aks-engine
 * v0.79.0, as `aks-engine`. That stand-in only knows Kubernetes 1.23/1.24 and Ubuntu 20.04, so
 * for it exactly two fields are swapped (version and distro, see `forStandIn`); everything else
 * is the definition the stamps ship. When a real `aks-engine-azurestack` is on PATH the tests use
 * it with the definitions unchanged and check get-versions against our supported list.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ApiModel, buildApiModel } from "../../lib/apiModel";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../lib/versions";
import { supportedVersionsFrom } from "../../lib/clusterPlan";
import { stampConfig } from "../stampConfigs";
import { ROOT } from "../stackFiles";

const BIN = path.join(ROOT, ".toolchain/bin");
const real = fs.existsSync(path.join(BIN, "aks-engine-azurestack"));
const binary = path.join(BIN, real ? "aks-engine-azurestack" : "aks-engine");
const STAND_IN = { version: "1.24.9", release: "1.24", distro: "aks-ubuntu-20.04" };
const KEY = fs
  .readFileSync(path.join(ROOT, "test/fixtures/aks-engine/seattle.json"), "utf8")
  .match(/"keyData": "([^"]+)"/)![1];

function forStandIn(model: ApiModel): ApiModel {
  if (real) return model;
  const m = structuredClone(model);
  m.properties.orchestratorProfile.orchestratorVersion = STAND_IN.version;
  m.properties.orchestratorProfile.orchestratorRelease = STAND_IN.release;
  m.properties.masterProfile.distro = STAND_IN.distro;
  for (const pool of m.properties.agentPoolProfiles) pool.distro = STAND_IN.distro;
  return m;
}

test("the AKS engine binary is built by the toolchain", () => {
  expect(fs.existsSync(binary)).toBe(true);
});

test.each(["seattle", "munich"] as const)(
  "generate accepts the %s cluster definition offline and keeps its shape",
  (stamp) => {
    const model = forStandIn(
      buildApiModel(stampConfig(stamp), {
        sshPublicKey: KEY,
        servicePrincipalSecret: "generate-test-secret",
      }),
    );
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `aksengine-${stamp}-`));
    try {
      fs.writeFileSync(path.join(work, "apimodel.json"), JSON.stringify(model), { mode: 0o600 });
      const run = spawnSync(
        "unshare",
        [
          "--net",
          binary,
          "generate",
          "--api-model",
          "apimodel.json",
          "--output-directory",
          "_output",
        ],
        { cwd: work, encoding: "utf8" },
      );
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/error/i);
      expect(run.status).toBe(0);
      const out = path.join(work, "_output");
      const generated = JSON.parse(fs.readFileSync(path.join(out, "apimodel.json"), "utf8"));
      expect(generated.properties.masterProfile).toMatchObject({
        count: model.properties.masterProfile.count,
        dnsPrefix: model.properties.masterProfile.dnsPrefix,
      });
      expect(
        generated.properties.agentPoolProfiles.map((p: { name: string; count: number }) => [
          p.name,
          p.count,
        ]),
      ).toEqual(model.properties.agentPoolProfiles.map((p) => [p.name, p.count]));
      expect(generated.properties.orchestratorProfile.kubernetesConfig.networkPlugin).toBe(
        model.properties.orchestratorProfile.kubernetesConfig.networkPlugin,
      );
      // Network policy engine: calico by default (seattle, kubenet), azure on munich (Azure CNI).
      const engine = model.properties.orchestratorProfile.kubernetesConfig.networkPolicy;
      expect(engine).toBe(stamp === "seattle" ? "calico" : "azure");
      expect(generated.properties.orchestratorProfile.kubernetesConfig.networkPolicy).toBe(engine);
      const addons: { name: string; enabled?: boolean }[] =
        generated.properties.orchestratorProfile.kubernetesConfig.addons;
      if (engine === "calico") {
        expect(addons).toContainEqual(
          expect.objectContaining({ name: "calico-daemonset", enabled: true }),
        );
      }
      expect(generated.properties.certificateProfile.caCertificate).toMatch(/BEGIN CERTIFICATE/);
      const kubeconfig = path.join(out, "kubeconfig", `kubeconfig.${stamp}.json`);
      expect(fs.statSync(kubeconfig).mode & 0o077).toBe(0);
      expect(fs.statSync(path.join(out, "apimodel.json")).mode & 0o077).toBe(0);
      expect(JSON.parse(fs.readFileSync(kubeconfig, "utf8")).clusters[0].cluster.server).toBe(
        `https://${model.properties.masterProfile.dnsPrefix}.${stamp}.cloudapp.${stampConfig(stamp).azureStack.externalFqdn}`,
      );
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);

test("get-versions works offline and agrees with the supported list", () => {
  const json = execFileSync(
    "unshare",
    ["--net", binary, "get-versions", "--azure-env", "AzureStackCloud", "-o", "json"],
    { encoding: "utf8" },
  );
  const versions = supportedVersionsFrom(json);
  if (real) {
    expect(versions).toEqual([...SUPPORTED_KUBERNETES_VERSIONS]);
  } else {
    // The stand-in's own list, recorded in the fixture: proves the parsing and the offline call.
    expect(versions).toEqual(["1.23.15", "1.24.9"]);
    expect(versions).toEqual(
      supportedVersionsFrom(
        fs.readFileSync(
          path.join(ROOT, "test/fixtures/aks-engine/get-versions.aks-engine-v0.79.0.json"),
          "utf8",
        ),
      ),
    );
  }
});
