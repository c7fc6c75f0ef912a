/** lib/dataSafety.ts: which config changes may reach MongoDB's data, with the exact refusals. */
import {
  changeLabel,
  claimName,
  mongoStorageClass,
  protectsStatefulResources,
  retainsStatefulResources,
  statefulChangeRefusals,
  StatefulValues,
  storageBytes,
} from "../../lib/dataSafety";

const applied: StatefulValues = {
  namespace: "ratings",
  storageClass: "ratings-mongodb-retain",
  storageSize: "8Gi",
};
const NAMESPACE_REFUSAL =
  'app.namespace: ratings -> shop would replace the Namespace, and deleting namespace "ratings" deletes MongoDB\'s volume claim with the data. ' +
  'Safe procedure (docs/data-safety.md, "Moving the app to another namespace"): ' +
  "1. back up the database; 2. set app.protectStatefulResources: false and run pulumi up; " +
  '3. approve exactly this change with app.approvedStatefulChanges: ["app.namespace: ratings -> shop"] and run pulumi up; ' +
  '4. restore the backup into namespace "shop"; 5. remove app.protectStatefulResources: false and run pulumi up';
const CLASS_REFUSAL =
  "app.storageClass: ratings-mongodb-retain -> managed-premium would replace MongoDB's StatefulSet while its pod keeps the old volume claim (a claim's class cannot change), so the data would not move. " +
  'Safe procedure (docs/data-safety.md, "Moving the data to another StorageClass"): ' +
  "1. back up the database; 2. set app.protectStatefulResources: false and run pulumi up; " +
  '3. approve exactly this change with app.approvedStatefulChanges: ["app.storageClass: ratings-mongodb-retain -> managed-premium"] and run pulumi up; ' +
  '4. delete the claim and MongoDB\'s pod so the StatefulSet makes a new claim of class "managed-premium"; ' +
  "5. restore the backup; 6. remove app.protectStatefulResources: false and run pulumi up --refresh";
const shrinkRefusal = (from: string, to: string) =>
  `app.mongoStorageSize: ${from} -> ${to} would shrink MongoDB's volume, which Kubernetes cannot do. ` +
  `Set it back to "${from}" or more; for a smaller volume, follow "Moving the data to another StorageClass" in docs/data-safety.md (back up, new claim, restore)`;

// Every key that decides where the data lives: [case, change, approved, refusals].
const cases: [string, Partial<StatefulValues>, string[], string[]][] = [
  ["nothing changes", {}, [], []],
  ["app.namespace changes", { namespace: "shop" }, [], [NAMESPACE_REFUSAL]],
  [
    "app.namespace changes, approved",
    { namespace: "shop" },
    ["app.namespace: ratings -> shop"],
    [],
  ],
  [
    "app.namespace changes, another change approved",
    { namespace: "shop" },
    ["app.namespace: ratings -> store"],
    [NAMESPACE_REFUSAL],
  ],
  ["app.storageClass changes", { storageClass: "managed-premium" }, [], [CLASS_REFUSAL]],
  [
    "app.storageClass changes, approved",
    { storageClass: "managed-premium" },
    ["app.storageClass: ratings-mongodb-retain -> managed-premium"],
    [],
  ],
  ["app.mongoStorageSize grows (Gi)", { storageSize: "16Gi" }, [], []],
  ["app.mongoStorageSize grows across units", { storageSize: "1Ti" }, [], []],
  ["app.mongoStorageSize, same size in other units", { storageSize: "8192Mi" }, [], []],
  ["app.mongoStorageSize shrinks", { storageSize: "4Gi" }, [], [shrinkRefusal("8Gi", "4Gi")]],
  [
    "app.mongoStorageSize shrinks by 1Mi",
    { storageSize: "8191Mi" },
    [],
    [shrinkRefusal("8Gi", "8191Mi")],
  ],
  [
    "app.mongoStorageSize shrinks: no approval makes it possible",
    { storageSize: "4Gi" },
    ["app.mongoStorageSize: 8Gi -> 4Gi"],
    [shrinkRefusal("8Gi", "4Gi")],
  ],
  [
    "every key at once",
    { namespace: "shop", storageClass: "managed-premium", storageSize: "1Gi" },
    [],
    [NAMESPACE_REFUSAL, CLASS_REFUSAL, shrinkRefusal("8Gi", "1Gi")],
  ],
];

test.each(cases)("%s", (_case, change, approved, refusals) => {
  expect(statefulChangeRefusals(applied, { ...applied, ...change }, approved)).toEqual(refusals);
});

test("the first deployment (nothing applied yet) is never refused", () => {
  expect(statefulChangeRefusals(undefined, { ...applied, storageSize: "1Mi" })).toEqual([]);
});

test.each([
  ["1Mi", 2 ** 20],
  ["8Gi", 8 * 2 ** 30],
  ["2Ti", 2 * 2 ** 40],
])("storageBytes(%s) = %d", (size, bytes) => {
  expect(storageBytes(size)).toBe(bytes);
});

test("storageBytes refuses what app.mongoStorageSize does not allow", () => {
  expect(() => storageBytes("8G")).toThrow('app.mongoStorageSize: "8G" is not a size such as 8Gi');
});

test("changeLabel names the key, old -> new", () => {
  expect(changeLabel("app.namespace", "a", "b")).toBe("app.namespace: a -> b");
});

test("the claim of the StatefulSet's first pod", () => {
  expect(claimName("data", "ratings-mongodb")).toBe("data-ratings-mongodb-0");
});

test.each([
  ["stamp", undefined, true],
  ["stamp", false, false],
  ["stamp", true, true],
  ["local", undefined, false],
  ["local", true, true],
  ["local", false, false],
] as const)("protectsStatefulResources(%s, %s) = %s", (kind, setting, expected) => {
  expect(protectsStatefulResources(kind, setting)).toBe(expected);
});

test("stamps: Azure Disk CSI, Retain, expandable, bound where the pod lands", () => {
  expect(mongoStorageClass("stamp")).toEqual({
    name: "ratings-mongodb-retain",
    provisioner: "disk.csi.azure.com",
    parameters: { skuName: "Standard_LRS" },
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
    volumeBindingMode: "WaitForFirstConsumer",
  });
});

test("local: the local control plane's provisioner, a name its KWOK volume stages serve", () => {
  const local = mongoStorageClass("local", "it-local");
  expect(local).toEqual({
    name: "local-kwok-retain-it-local",
    provisioner: "kwok.x-k8s.io/volume",
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
    volumeBindingMode: "Immediate",
  });
  expect(local.name.startsWith("local-kwok")).toBe(true);
});

test.each([
  ["local", "local-kwok-retain-local"],
  ["Dev_Stack.1", "local-kwok-retain-dev-stack.1"],
  ["_x_", "local-kwok-retain-x"],
  ["___", "local-kwok-retain-local"],
])("local stacks sharing a cluster get their own class: %s -> %s", (stack, name) => {
  expect(mongoStorageClass("local", stack).name).toBe(name);
  expect(name).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
});

test("the namespace and the class are kept on delete on stamps only", () => {
  expect([retainsStatefulResources("stamp"), retainsStatefulResources("local")]).toEqual([
    true,
    false,
  ]);
});
