/**
 * Properties of Kubernetes versions and the Day-2 change planner (lib/clusterPlan.ts): version
 * parsing and order, the upgrade guards, and what a plan contains for any pair of cluster specs.
 */
import fc from "fast-check";
import { releaseOf } from "../../lib/apiModel";
import {
  ClusterSpec,
  compareVersions,
  describePlan,
  parseVersion,
  planClusterChange,
  PlanRefusal,
  supportedVersionsFrom,
  upgradeRefusal,
} from "../../lib/clusterPlan";
import { configureProperties } from "../support/properties";

configureProperties();

/** Version numbers in a range where JavaScript numbers are exact. */
const part = () => fc.integer({ min: 0, max: 10_000 });
const triple = () => fc.tuple(part(), part(), part());
const text = ([a, b, c]: [number, number, number]) => `${a}.${b}.${c}`;
const version = () => triple().map(text);
/** A version close to another (same or next major, minor within 3), so guards get exercised. */
const nearby = (v: string) => {
  const [a, b, c] = parseVersion(v);
  return fc
    .tuple(
      fc.integer({ min: Math.max(0, a - 1), max: a + 1 }),
      fc.integer({ min: Math.max(0, b - 3), max: b + 3 }),
      fc.integer({ min: 0, max: c + 3 }),
    )
    .map(text);
};
const pair = () => version().chain((from) => fc.tuple(fc.constant(from), nearby(from)));
/** Kubernetes has only ever had major version 1: pairs of 1.x.y versions near each other. */
const kubernetesPair = () =>
  fc
    .tuple(part(), part())
    .map(([minor, patch]) => `1.${minor}.${patch}`)
    .chain((from) => fc.tuple(fc.constant(from), nearby(from)));
const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);
const lexicographic = (x: number[], y: number[]) =>
  sign(x[0] - y[0]) || sign(x[1] - y[1]) || sign(x[2] - y[2]);

describe("versions", () => {
  test("parseVersion reads back every major.minor.patch it is given", () => {
    fc.assert(
      fc.property(triple(), (t) => {
        expect(parseVersion(text(t))).toEqual(t);
        expect(releaseOf(text(t))).toBe(`${t[0]}.${t[1]}`);
      }),
    );
  });

  test("parseVersion refuses a v prefix, two or four parts, and pre-release or build suffixes", () => {
    fc.assert(
      fc.property(
        triple(),
        fc.constantFrom(
          (v: string) => `v${v}`,
          (v: string) => v.slice(0, v.lastIndexOf(".")),
          (v: string) => `${v}.1`,
          (v: string) => `${v}-rc.1`,
          (v: string) => `${v}+build`,
          (v: string) => ` ${v}`,
        ),
        (t, mangle) => {
          const bad = mangle(text(t));
          expect(() => parseVersion(bad)).toThrow(
            `"${bad}" is not a Kubernetes version such as 1.34.4`,
          );
        },
      ),
    );
  });

  test("compareVersions orders by major, then minor, then patch (numerically, not as text)", () => {
    fc.assert(
      fc.property(triple(), triple(), (x, y) => {
        expect(sign(compareVersions(text(x), text(y)))).toBe(lexicographic(x, y));
        expect(sign(compareVersions(text(y), text(x)))).toBe(-lexicographic(x, y));
      }),
    );
  });

  test("compareVersions is transitive", () => {
    fc.assert(
      fc.property(version(), version(), version(), (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compareVersions);
        expect(compareVersions(x, y)).toBeLessThanOrEqual(0);
        expect(compareVersions(y, z)).toBeLessThanOrEqual(0);
        expect(compareVersions(x, z)).toBeLessThanOrEqual(0);
      }),
    );
  });

  test("supportedVersionsFrom keeps only Kubernetes versions, ascending", () => {
    const entry = fc.record({
      orchestratorType: fc.constantFrom("Kubernetes", "DCOS", "Swarm", undefined),
      orchestratorVersion: fc.option(version(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (orchestrators) => {
        const versions = supportedVersionsFrom(JSON.stringify({ orchestrators }));
        const expected = orchestrators
          .filter((o) => o.orchestratorType === "Kubernetes" && o.orchestratorVersion)
          .map((o) => o.orchestratorVersion as string);
        expect([...versions].sort()).toEqual([...expected].sort());
        for (let i = 1; i < versions.length; i++)
          expect(compareVersions(versions[i - 1], versions[i])).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe("upgrade guards", () => {
  test("an upgrade is allowed exactly when it keeps the major and moves at most one minor forward", () => {
    fc.assert(
      fc.property(pair(), ([from, to]) => {
        const [a, b] = [parseVersion(from), parseVersion(to)];
        const allowed = compareVersions(from, to) <= 0 && a[0] === b[0] && b[1] <= a[1] + 1;
        expect(upgradeRefusal(from, to) === undefined).toBe(allowed);
      }),
    );
  });

  test("a downgrade is refused as a downgrade, naming both versions", () => {
    fc.assert(
      fc.property(pair(), ([from, to]) => {
        fc.pre(compareVersions(from, to) > 0);
        expect(upgradeRefusal(from, to)).toBe(
          `cluster.kubernetesVersion: ${from} -> ${to} is a downgrade; aks-engine cannot downgrade ` +
            `a cluster (keep ${from} or a newer version)`,
        );
      }),
    );
  });

  // The hint names major 1 ("upgrade to 1.<next minor>.x first") whatever the major: right for
  // every Kubernetes release so far, so the property is stated for 1.x versions.
  test("skipping a minor (or changing the major) is refused with the next minor to go to", () => {
    fc.assert(
      fc.property(kubernetesPair(), ([from, to]) => {
        const [a, b] = [parseVersion(from), parseVersion(to)];
        fc.pre(compareVersions(from, to) < 0 && (a[0] !== b[0] || b[1] > a[1] + 1));
        expect(upgradeRefusal(from, to)).toBe(
          `cluster.kubernetesVersion: ${from} -> ${to} skips a minor version; aks-engine upgrades ` +
            `to the next patch or the next minor only (upgrade to 1.${a[1] + 1}.x first)`,
        );
      }),
    );
  });
});

describe("planClusterChange", () => {
  const poolName = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/);
  const vmSize = fc.constantFrom("Standard_DS2_v2", "Standard_DS3_v2", "Standard_F8s_v2");
  const spec = (): fc.Arbitrary<ClusterSpec> =>
    fc.record({
      location: fc.constantFrom("seattle", "munich", "local"),
      dnsPrefix: fc.stringMatching(/^[a-z][a-z0-9-]{1,10}[a-z0-9]$/),
      masterCount: fc.constantFrom(1, 3, 5),
      kubernetesVersion: version(),
      networkPlugin: fc.constantFrom("kubenet", "azure"),
      pools: fc.uniqueArray(
        fc.record({ name: poolName, count: fc.integer({ min: 1, max: 50 }), vmSize }),
        { minLength: 1, maxLength: 4, selector: (p) => p.name },
      ),
    });
  const refusal = (f: () => unknown): PlanRefusal => {
    try {
      f();
    } catch (e) {
      if (e instanceof PlanRefusal) return e;
      throw e;
    }
    throw new Error("expected a PlanRefusal, got a plan");
  };

  test("no cluster yet: deploy, whatever is desired", () => {
    fc.assert(
      fc.property(spec(), fc.boolean(), (desired, rotated) => {
        expect(planClusterChange(undefined, desired, rotated)).toEqual({ kind: "deploy" });
      }),
    );
  });

  test("the same spec: nothing to do; with rotated credentials, one forced upgrade to the same version", () => {
    fc.assert(
      fc.property(spec(), (s) => {
        expect(planClusterChange(s, structuredClone(s))).toEqual({ kind: "none" });
        expect(describePlan(planClusterChange(s, s))).toEqual([]);
        expect(planClusterChange(s, s, true)).toEqual({
          kind: "change",
          steps: [
            {
              action: "upgrade",
              version: s.kubernetesVersion,
              force: true,
              reason: `service principal secret rotated: forced upgrade to the same version ${s.kubernetesVersion} rewrites the credentials on every node`,
            },
          ],
        });
      }),
    );
  });

  test("new worker counts alone: one scale step per changed pool, in pool order", () => {
    fc.assert(
      fc.property(
        spec(),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 4, maxLength: 4 }),
        (current, counts) => {
          const desired = {
            ...current,
            pools: current.pools.map((p, i) => ({ ...p, count: counts[i] })),
          };
          const steps = current.pools
            .map((p, i) => ({ action: "scale", pool: p.name, from: p.count, to: counts[i] }))
            .filter((s) => s.from !== s.to);
          expect(planClusterChange(current, desired)).toEqual(
            steps.length === 0 ? { kind: "none" } : { kind: "change", steps },
          );
        },
      ),
    );
  });

  test("an allowed version change is one upgrade step before any scaling", () => {
    fc.assert(
      fc.property(spec(), fc.integer({ min: 0, max: 1 }), fc.nat(20), (current, minors, patch) => {
        const [a, b] = parseVersion(current.kubernetesVersion);
        const to = `${a}.${b + minors}.${patch}`;
        fc.pre(
          to !== current.kubernetesVersion && compareVersions(current.kubernetesVersion, to) < 0,
        );
        const desired = {
          ...current,
          kubernetesVersion: to,
          pools: current.pools.map((p) => ({ ...p, count: p.count + 1 })),
        };
        const plan = planClusterChange(current, desired);
        expect(plan.kind).toBe("change");
        const steps = plan.kind === "change" ? plan.steps : [];
        expect(steps[0]).toEqual({
          action: "upgrade",
          version: to,
          force: false,
          reason: `Kubernetes ${current.kubernetesVersion} -> ${to}`,
        });
        expect(steps.slice(1).map((s) => s.action)).toEqual(current.pools.map(() => "scale"));
      }),
    );
  });

  test("changes aks-engine cannot make are all refused at once, one reason per field, nothing planned", () => {
    const immutable = {
      location: (s: ClusterSpec) => ({ ...s, location: `${s.location}2` }),
      dnsPrefix: (s: ClusterSpec) => ({ ...s, dnsPrefix: `${s.dnsPrefix}x` }),
      masterCount: (s: ClusterSpec) => ({ ...s, masterCount: s.masterCount === 3 ? 5 : 3 }),
      networkPlugin: (s: ClusterSpec) => ({
        ...s,
        networkPlugin: s.networkPlugin === "azure" ? "kubenet" : "azure",
      }),
      "pools.vmSize": (s: ClusterSpec) => ({
        ...s,
        pools: s.pools.map((p, i) => (i === 0 ? { ...p, vmSize: `${p.vmSize}_x` } : p)),
      }),
      kubernetesVersion: (s: ClusterSpec) => {
        const [a, b, c] = parseVersion(s.kubernetesVersion);
        return { ...s, kubernetesVersion: `${a}.${b + 2}.${c}` };
      },
    };
    const field = fc.constantFrom(...(Object.keys(immutable) as (keyof typeof immutable)[]));
    fc.assert(
      fc.property(
        spec(),
        fc.uniqueArray(field, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (current, fields, rotated) => {
          const desired = fields.reduce((s, f) => immutable[f](s), structuredClone(current));
          const reasons = refusal(() => planClusterChange(current, desired, rotated)).reasons;
          expect(reasons).toHaveLength(fields.length);
          for (const f of fields) {
            const key = f === "pools.vmSize" ? `cluster.pools.${current.pools[0].name}.vmSize` : f;
            expect(reasons.some((r) => r.includes(key))).toBe(true);
          }
        },
      ),
    );
  });

  test("adding or removing a pool is refused, naming the pool", () => {
    fc.assert(
      fc.property(spec(), poolName, (current, extra) => {
        fc.pre(!current.pools.some((p) => p.name === extra));
        const added = {
          ...current,
          pools: [...current.pools, { name: extra, count: 3, vmSize: "Standard_DS2_v2" }],
        };
        expect(refusal(() => planClusterChange(current, added)).reasons).toEqual([
          `cluster.pools: pool "${extra}" is new; adding a pool to a deployed cluster is not ` +
            "supported by this program (deploy it with the cluster, or use a new stamp)",
        ]);
        expect(refusal(() => planClusterChange(added, current)).reasons).toEqual([
          `cluster.pools: pool "${extra}" is missing; removing a pool is not something aks-engine ` +
            "scale can do (scale it down instead, minimum 1)",
        ]);
      }),
    );
  });
});
