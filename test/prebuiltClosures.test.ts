/**
 * providers/prebuiltDynamicResource.ts: the dynamic providers' texts serialized at build time
 * (bin/providers/closures.json) are what the program registers, byte for byte what Pulumi's own
 * serializer makes of the same providers after a whole program run, and are not used when their
 * key does not match. Runs the compiled program in bin/ (npm test builds it) under mocks.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { PrebuiltClosures } from "../providers/prebuiltDynamicResource";
import { installPinnedStampMocks } from "./support/stampProgramMocks";

const REPO = path.resolve(__dirname, "..");
const BIN = path.join(REPO, "bin");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure") as {
  serializeFunction(f: () => unknown, o: object): Promise<{ text: string }>;
};
// The seattle stack file with the stand-in download pins, as the bench's eval child runs it.
const recorded = installPinnedStampMocks("seattle", REPO);

/** The dynamic resource type token of each provider, as the classes register them. */
const TYPES: Record<string, string> = {
  "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment":
    "aksEngineProvider.aksEngineProvider",
  "pulumi-nodejs:dynamic/ash-ha-kubernetes:GeneratedPassword": "generatedPassword.provider",
  "pulumi-nodejs:dynamic/ash-ha-kubernetes:StatefulGuard": "statefulGuard.provider",
};

/** pulumi.dynamic.Resource as it is (abstract in its typings only). */
class ProbeResource extends pulumi.dynamic.Resource {}

const settled = async (): Promise<void> => {
  let seen = -1;
  while (seen !== recorded.length) {
    seen = recorded.length;
    await new Promise((r) => setTimeout(r, 100));
  }
};

afterEach(() => jest.restoreAllMocks());

test("the seattle program registers the prebuilt texts, serializes nothing itself, and they equal a live serialization", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const builder = require("../scripts/program-build") as { sourcesSha256(): string };
  const closures = JSON.parse(
    fs.readFileSync(path.join(BIN, "providers", "closures.json"), "utf8"),
  ) as PrebuiltClosures;
  // What bin/providers/prebuiltDynamicResource.js compares at run time.
  expect(closures.key).toEqual({
    sources: builder.sourcesSha256(),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pulumi: (require("@pulumi/pulumi/package.json") as { version: string }).version,
    node: process.version,
  });
  expect(Object.keys(closures.providers).sort()).toEqual(Object.values(TYPES).sort());

  const serialize = jest.spyOn(sc, "serializeFunction");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await require(path.join(REPO, "scripts", "program.js"));
  await settled();
  expect(serialize).not.toHaveBeenCalled();

  const dynamic = recorded.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  expect(new Set(dynamic.map((r) => r.type))).toEqual(new Set(Object.keys(TYPES)));
  for (const r of dynamic) {
    expect(r.inputs.__provider).toBe(closures.providers[TYPES[r.type]].text);
  }

  // The same loaded provider objects, after the program ran, through Pulumi's own dynamic.Resource:
  // what the program registered before the texts were prebuilt.
  serialize.mockRestore();
  for (const [name, { text }] of Object.entries(closures.providers)) {
    const [file, exported] = name.split(".");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(path.join(BIN, "providers", `${file}.js`)) as Record<string, unknown>;
    const before = recorded.length;
    new ProbeResource(module[exported] as pulumi.dynamic.ResourceProvider, `probe-${file}`, {});
    await settled();
    expect(recorded[before].inputs.__provider).toBe(text);
  }
}, 60000);

describe("a copy of bin/ whose closures do not fit", () => {
  const trees: string[] = [];
  afterAll(() => trees.forEach((t) => fs.rmSync(t, { recursive: true, force: true })));

  test.each<[string, number, (c: PrebuiltClosures) => PrebuiltClosures | undefined]>([
    ["fits (the control)", 0, (c) => c],
    ["was written by another Node", 1, (c) => ({ ...c, key: { ...c.key, node: "v18.0.0" } })],
    [
      "was written by another @pulumi/pulumi",
      1,
      (c) => ({ ...c, key: { ...c.key, pulumi: "3.0.0" } }),
    ],
    ["belongs to other sources", 1, (c) => ({ ...c, key: { ...c.key, sources: "0".repeat(64) } })],
    ["is missing", 1, () => undefined],
  ])("%s: serialized in-process %d time(s), same text as Pulumi's", async (_what, calls, edit) => {
    // A fresh copy per case: the compiled modules (and what they loaded) are new to this process.
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "prebuilt-closures-"));
    trees.push(tree);
    fs.cpSync(BIN, path.join(tree, "bin"), { recursive: true });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(tree, "node_modules"));
    const file = path.join(tree, "bin", "providers", "closures.json");
    const original = JSON.parse(fs.readFileSync(file, "utf8")) as PrebuiltClosures;
    const edited = edit(original);
    if (edited) fs.writeFileSync(file, JSON.stringify(edited));
    else fs.rmSync(file);

    const serialize = jest.spyOn(sc, "serializeFunction");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GeneratedPassword } = require(
      path.join(tree, "bin", "providers", "generatedPassword.js"),
    ) as typeof import("../providers/generatedPassword");
    const before = recorded.length;
    new GeneratedPassword(`pw-${trees.length}`, { length: 24 });
    await settled();
    expect(serialize).toHaveBeenCalledTimes(calls);
    expect(recorded[before].inputs.__provider).toBe(
      original.providers["generatedPassword.provider"].text,
    );
  });
});
