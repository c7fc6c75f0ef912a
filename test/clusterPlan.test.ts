/**
 * planClusterChange: every row of the Day-2 table (design.md section 4) that touches the cluster,
 * plus the refusals, with exact messages.
 */
import {
  ClusterSpec,
  compareVersions,
  describePlan,
  planClusterChange,
  PlanRefusal,
  supportedVersionsFrom,
} from "../lib/clusterPlan";

const base: ClusterSpec = {
  location: "seattle",
  dnsPrefix: "sea-ratings",
  masterCount: 3,
  kubernetesVersion: "1.33.10",
  networkPlugin: "kubenet",
  pools: [{ name: "linuxpool", count: 3, vmSize: "Standard_DS3_v2" }],
};
const withPool = (patch: Partial<ClusterSpec["pools"][0]>, spec = base): ClusterSpec => ({
  ...spec,
  pools: [{ ...spec.pools[0], ...patch }],
});

function refusal(current: ClusterSpec, desired: ClusterSpec): string[] {
  try {
    planClusterChange(current, desired);
  } catch (e) {
    if (e instanceof PlanRefusal) return e.reasons;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("Day-2 actions", () => {
  test.each<
    [string, ClusterSpec | undefined, ClusterSpec, boolean, ReturnType<typeof planClusterChange>]
  >([
    ["first deploy", undefined, base, false, { kind: "deploy" }],
    ["nothing changed", base, { ...base }, false, { kind: "none" }],
    [
      "worker count up: scale that pool",
      base,
      withPool({ count: 5 }),
      false,
      { kind: "change", steps: [{ action: "scale", pool: "linuxpool", from: 3, to: 5 }] },
    ],
    [
      "worker count down: scale that pool",
      withPool({ count: 5 }),
      base,
      false,
      { kind: "change", steps: [{ action: "scale", pool: "linuxpool", from: 5, to: 3 }] },
    ],
    [
      "next patch: upgrade",
      { ...base, kubernetesVersion: "1.33.5" },
      base,
      false,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.33.10",
            force: false,
            reason: "Kubernetes 1.33.5 -> 1.33.10",
          },
        ],
      },
    ],
    [
      "next minor: upgrade",
      base,
      { ...base, kubernetesVersion: "1.34.4" },
      false,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.34.4",
            force: false,
            reason: "Kubernetes 1.33.10 -> 1.34.4",
          },
        ],
      },
    ],
    [
      "secret rotated: forced upgrade to the same version",
      base,
      { ...base },
      true,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.33.10",
            force: true,
            reason:
              "service principal secret rotated: forced upgrade to the same version 1.33.10 rewrites the credentials on every node",
          },
        ],
      },
    ],
    [
      "secret rotated with an upgrade: one upgrade carries both",
      base,
      { ...base, kubernetesVersion: "1.34.4" },
      true,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.34.4",
            force: false,
            reason:
              "Kubernetes 1.33.10 -> 1.34.4 (also applies the rotated service principal secret)",
          },
        ],
      },
    ],
    [
      "upgrade and scale: upgrade first, then scale",
      base,
      withPool({ count: 4 }, { ...base, kubernetesVersion: "1.34.4" }),
      false,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.34.4",
            force: false,
            reason: "Kubernetes 1.33.10 -> 1.34.4",
          },
          { action: "scale", pool: "linuxpool", from: 3, to: 4 },
        ],
      },
    ],
    [
      "half-finished upgrade observed by refresh (lowest node version): upgrade again",
      { ...base, kubernetesVersion: "1.33.10" },
      { ...base, kubernetesVersion: "1.34.4" },
      false,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.34.4",
            force: false,
            reason: "Kubernetes 1.33.10 -> 1.34.4",
          },
        ],
      },
    ],
  ])("%s", (_row, current, desired, rotated, expected) => {
    expect(planClusterChange(current, desired, rotated)).toEqual(expected);
  });
});

describe("node image refresh (cluster.nodeImageGeneration)", () => {
  const gen = (n: number | undefined, spec = base): ClusterSpec => ({
    ...spec,
    nodeImageGeneration: n,
  });
  const REFRESH_0_1 = "node image refresh (cluster.nodeImageGeneration 0 -> 1)";
  test.each<[string, ClusterSpec, ClusterSpec, boolean, ReturnType<typeof planClusterChange>]>([
    ["unchanged: no action", gen(2), gen(2), false, { kind: "none" }],
    [
      "a state from before the key (unset) against the default 0: no action",
      gen(undefined),
      gen(0),
      false,
      { kind: "none" },
    ],
    [
      "raised: upgrade --force at the same version",
      gen(0),
      gen(1),
      false,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.33.10",
            force: true,
            reason: `${REFRESH_0_1}: forced upgrade to the same version 1.33.10 re-creates every node from the node image of the pinned aks-engine release`,
          },
        ],
      },
    ],
    [
      "raised from a state without the key (read as 0)",
      gen(undefined),
      gen(1),
      false,
      {
        kind: "change",
        steps: [expect.objectContaining({ action: "upgrade", force: true, version: "1.33.10" })],
      },
    ],
    [
      "raised by more than one: still one refresh",
      gen(1),
      gen(4),
      false,
      {
        kind: "change",
        steps: [
          expect.objectContaining({
            force: true,
            reason: expect.stringMatching(
              /^node image refresh \(cluster\.nodeImageGeneration 1 -> 4\)/,
            ),
          }),
        ],
      },
    ],
    [
      "raised with a Kubernetes upgrade: the one (unforced) upgrade re-creates every node anyway",
      gen(0),
      gen(1, { ...base, kubernetesVersion: "1.34.4" }),
      false,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.34.4",
            force: false,
            reason: `Kubernetes 1.33.10 -> 1.34.4 (also applies the ${REFRESH_0_1}: every node is re-created)`,
          },
        ],
      },
    ],
    [
      "raised with a secret rotation: one forced upgrade for both",
      gen(0),
      gen(1),
      true,
      {
        kind: "change",
        steps: [
          {
            action: "upgrade",
            version: "1.33.10",
            force: true,
            reason: `service principal secret rotated and ${REFRESH_0_1}: forced upgrade to the same version 1.33.10 rewrites the credentials on every node and re-creates it from the node image of the pinned aks-engine release`,
          },
        ],
      },
    ],
    [
      "raised with a scale: the refresh first, then the scale (new nodes follow the refreshed definition)",
      gen(0),
      gen(1, withPool({ count: 5 })),
      false,
      {
        kind: "change",
        steps: [
          expect.objectContaining({ action: "upgrade", force: true, version: "1.33.10" }),
          { action: "scale", pool: "linuxpool", from: 3, to: 5 },
        ],
      },
    ],
  ])("%s", (_row, current, desired, rotated, expected) => {
    expect(planClusterChange(current, desired, rotated)).toEqual(expected);
  });

  test("lowered: refused naming the key, old -> new and what to do", () => {
    expect(refusal(gen(2), gen(1))).toEqual([
      "cluster.nodeImageGeneration: 2 -> 1 cannot change in place; a generation cannot be lowered: the nodes cannot go back to an older image (keep 2; raise it to 3 to refresh the node image again)",
    ]);
  });

  test("lowered alongside an allowed upgrade and scale: refused, nothing planned", () => {
    expect(
      refusal(gen(1), gen(0, withPool({ count: 5 }, { ...base, kubernetesVersion: "1.34.4" }))),
    ).toEqual([expect.stringMatching(/^cluster\.nodeImageGeneration: 1 -> 0 cannot change/)]);
  });
});

describe("refusals (nothing runs)", () => {
  test.each<[string, ClusterSpec, ClusterSpec, string[]]>([
    [
      "master count",
      base,
      { ...base, masterCount: 5 },
      [
        "cluster.masterCount: 3 -> 5 cannot change in place; aks-engine cannot add or remove masters of a deployed cluster (keep 3)",
      ],
    ],
    [
      "dns prefix",
      base,
      { ...base, dnsPrefix: "sea-new" },
      [
        'cluster.dnsPrefix: "sea-ratings" -> "sea-new" cannot change in place; the API server name and certificates are built from it (keep "sea-ratings")',
      ],
    ],
    [
      "location",
      base,
      { ...base, location: "munich" },
      [
        'azureStack.location: "seattle" -> "munich" cannot change in place; a cluster lives in one stamp (deploy a new stamp stack instead)',
      ],
    ],
    [
      "network plugin",
      base,
      { ...base, networkPlugin: "azure" },
      ['cluster.networkPlugin: "kubenet" -> "azure" cannot change in place (keep "kubenet")'],
    ],
    [
      "pool VM size",
      base,
      withPool({ vmSize: "Standard_F8s_v2" }),
      [
        'cluster.pools.linuxpool.vmSize: "Standard_DS3_v2" -> "Standard_F8s_v2" cannot change in place (keep "Standard_DS3_v2")',
      ],
    ],
    [
      "pool renamed (one removed, one added)",
      base,
      withPool({ name: "workers" }),
      [
        'cluster.pools: pool "linuxpool" is missing; removing a pool is not something aks-engine scale can do (scale it down instead, minimum 1)',
        'cluster.pools: pool "workers" is new; adding a pool to a deployed cluster is not supported by this program (deploy it with the cluster, or use a new stamp)',
      ],
    ],
    [
      "downgrade",
      { ...base, kubernetesVersion: "1.34.4" },
      base,
      [
        "cluster.kubernetesVersion: 1.34.4 -> 1.33.10 is a downgrade; aks-engine cannot downgrade a cluster (keep 1.34.4 or a newer version)",
      ],
    ],
    [
      "skipping a minor",
      base,
      { ...base, kubernetesVersion: "1.35.0" },
      [
        "cluster.kubernetesVersion: 1.33.10 -> 1.35.0 skips a minor version; aks-engine upgrades to the next patch or the next minor only (upgrade to 1.34.x first)",
      ],
    ],
    [
      "several at once, all reported, even with a valid scale in the same change",
      base,
      withPool({ count: 6 }, { ...base, masterCount: 1, dnsPrefix: "x-y" }),
      [
        'cluster.dnsPrefix: "sea-ratings" -> "x-y" cannot change in place; the API server name and certificates are built from it (keep "sea-ratings")',
        "cluster.masterCount: 3 -> 1 cannot change in place; aks-engine cannot add or remove masters of a deployed cluster (keep 3)",
      ],
    ],
  ])("%s", (_row, current, desired, reasons) => {
    expect(refusal(current, desired)).toEqual(reasons);
  });

  test("the error message lists every reason and says nothing changed", () => {
    expect(() => planClusterChange(base, { ...base, masterCount: 5 })).toThrow(
      /^The cluster change is refused, nothing was changed:\n {2}- cluster\.masterCount: 3 -> 5/,
    );
  });
});

test("describePlan names the aks-engine command of each step", () => {
  expect(describePlan({ kind: "deploy" })).toEqual([
    "deploy the cluster (aks-engine-azurestack deploy)",
  ]);
  expect(describePlan({ kind: "none" })).toEqual([]);
  expect(describePlan(planClusterChange(base, withPool({ count: 4 }, { ...base }), true))).toEqual([
    "upgrade --force to 1.33.10: service principal secret rotated: forced upgrade to the same version 1.33.10 rewrites the credentials on every node (aks-engine-azurestack upgrade)",
    "scale pool linuxpool from 3 to 4 nodes (aks-engine-azurestack scale)",
  ]);
});

test.each([
  ["1.33.10", "1.33.9", 1],
  ["1.33.9", "1.34.0", -1],
  ["1.34.4", "1.34.4", 0],
])("compareVersions(%s, %s) has sign %d", (a, b, sign) => {
  expect(Math.sign(compareVersions(a, b))).toBe(sign);
});

test("supportedVersionsFrom reads get-versions JSON, sorted numerically", () => {
  const json = JSON.stringify({
    orchestrators: [
      { orchestratorType: "Kubernetes", orchestratorVersion: "1.35.0" },
      { orchestratorType: "Kubernetes", orchestratorVersion: "1.33.10", default: true },
      { orchestratorType: "Kubernetes", orchestratorVersion: "1.34.4" },
    ],
  });
  expect(supportedVersionsFrom(json)).toEqual(["1.33.10", "1.34.4", "1.35.0"]);
});
