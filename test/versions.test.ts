/** The one versions module: its pins agree with the files that pin the same things elsewhere. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as v from "../lib/versions";
import { ROOT } from "./stackFiles";

const source = fs.readFileSync(path.join(ROOT, "lib/versions.ts"), "utf8");

test("every file the module's comments name exists", () => {
  const cited = [...source.matchAll(/\b((?:lib|test|toolchain|scripts|config)\/[\w./<>-]+\.\w+)/g)]
    .map((m) => m[1])
    .filter((p) => !p.includes("<"));
  expect(cited.length).toBeGreaterThan(3);
  for (const file of cited)
    expect({ file, exists: fs.existsSync(path.join(ROOT, file)) }).toEqual({ file, exists: true });
});

test("the local control plane's version is the k8s.io/kubernetes pin and one aks-engine supports", () => {
  const goMod = fs.readFileSync(path.join(ROOT, "toolchain/modules/kubernetes/go.mod"), "utf8");
  expect(/^require k8s\.io\/kubernetes (v[\d.]+)$/m.exec(goMod)?.[1]).toBe(v.LOCAL_NODE_VERSION);
  expect(v.SUPPORTED_KUBERNETES_VERSIONS).toContain(v.LOCAL_NODE_VERSION.slice(1));
});

test("defaults are pinned: supported default version, no floating image tags", () => {
  expect(v.SUPPORTED_KUBERNETES_VERSIONS).toContain(v.DEFAULT_KUBERNETES_VERSION);
  for (const image of Object.values(v.RATINGS_IMAGES)) expect(image).toMatch(/:[\w.-]+$/);
  for (const image of Object.values(v.RATINGS_IMAGES)) expect(image).not.toMatch(/:latest$/);
  for (const chart of [
    v.NGF_CHART,
    v.FLUENT_BIT_CHART,
    v.CONTAINER_INSIGHTS_CHART,
    v.KURED_CHART,
  ]) {
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
  }
});
