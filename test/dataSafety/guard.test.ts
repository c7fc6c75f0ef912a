/**
 * providers/statefulGuard.ts: its diff (what preview runs) refuses a change that would replace or
 * delete MongoDB's data and lets a safe one through as an in-place update; it still does after
 * Pulumi serialises it for the dynamic provider's own process.
 */
import * as pulumi from "@pulumi/pulumi";
import * as vm from "node:vm";
import { provider } from "../../providers/statefulGuard";

const applied = {
  namespace: "ratings",
  storageClass: "ratings-mongodb-retain",
  storageSize: "8Gi",
  approved: [] as string[],
};
type Diff = NonNullable<typeof provider.diff>;

async function serialisedDiff(): Promise<Diff> {
  // What pulumi.dynamic.Resource does with its provider, then what the dynamic provider host does.
  const fn = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const sandbox = { exports: {} as Record<string, () => typeof provider>, require, module: {} };
  sandbox.module = { exports: sandbox.exports };
  vm.runInNewContext(fn.text, sandbox);
  const factory = (sandbox.module as { exports: Record<string, () => typeof provider> }).exports[
    fn.exportName
  ];
  return factory().diff!;
}

describe.each([
  ["in this process", async () => provider.diff!],
  ["serialised", serialisedDiff],
])("the guard's diff, %s", (_where, diffOf) => {
  let diff: Diff;
  beforeAll(async () => {
    diff = await diffOf();
  });

  test("refuses a namespace change with the key, old -> new and the procedure", async () => {
    await expect(diff("id", applied, { ...applied, namespace: "shop" })).rejects.toThrow(
      /^app\.namespace: ratings -> shop would replace the Namespace.*docs\/data-safety\.md/,
    );
  });

  test("refuses a storage class change and a shrink, one line each", async () => {
    const refused = diff("id", applied, {
      ...applied,
      storageClass: "managed-premium",
      storageSize: "4Gi",
    });
    await expect(refused).rejects.toThrow(
      /^app\.storageClass: ratings-mongodb-retain -> managed-premium .*\napp\.mongoStorageSize: 8Gi -> 4Gi /,
    );
  });

  test("a growth is an in-place update, never a replacement", async () => {
    expect(await diff("id", applied, { ...applied, storageSize: "16Gi" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("an approved namespace change is an update", async () => {
    const approved = ["app.namespace: ratings -> shop"];
    expect(await diff("id", applied, { ...applied, namespace: "shop", approved })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("no change, no update", async () => {
    expect(await diff("id", applied, { ...applied })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

test("create and update keep the values as applied", async () => {
  const created = await provider.create(applied);
  expect(created.outs).toEqual(applied);
  expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
  const next = { ...applied, storageSize: "16Gi" };
  expect((await provider.update!("id", applied, next)).outs).toEqual(next);
});
