/**
 * Properties of the whole-definition planner (lib/definitionChange.ts): a change to any refused
 * path of the cluster definition (or to a path no rule knows) is refused, naming its config key,
 * whatever allowed changes come with it; nothing is planned.
 */
import fc from "fast-check";
import { ApiModel, buildApiModel } from "../../lib/apiModel";
import { clusterSpec, PlanRefusal } from "../../lib/clusterPlan";
import { definitionPaths, planDefinitionChange, ruleFor } from "../../lib/definitionChange";
import { stampConfig } from "../stampConfigs";
import { configureProperties } from "../support/properties";

configureProperties();

const config = stampConfig("seattle", {
  cluster: {
    networkPlugin: "azure",
    networkPolicy: "azure",
    pools: [
      { name: "linuxpool", count: 3, vmSize: "Standard_DS3_v2" },
      { name: "batch", count: 3, vmSize: "Standard_F8s_v2" },
    ],
  },
});
const base = buildApiModel(config, {
  sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test",
  servicePrincipalSecret: "s",
});
const spec = clusterSpec(config);
const refusedPaths = [...definitionPaths(base).keys()].filter(
  (p) => ruleFor(p)?.handling === "refused",
);

/** Sets the leaf at `path` (as definitionPaths spells it) to `value`. */
function setAt(model: ApiModel, path: string, value: unknown): ApiModel {
  const copy = structuredClone(model) as unknown as Record<string, unknown>;
  const parts = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) {
    const pool = /^agentPoolProfiles\[(.+)\]$/.exec(part);
    node = pool
      ? (node.agentPoolProfiles as Record<string, unknown>[]).find((p) => p.name === pool[1])!
      : (node[part] as Record<string, unknown>);
  }
  node[parts.at(-1)!] = value;
  return copy as unknown as ApiModel;
}

/** A different value of the same kind. */
const changed = (json: string, salt: string): unknown => {
  const v = JSON.parse(json) as unknown;
  if (typeof v === "boolean") return !v;
  if (typeof v === "number") return v + 1 + salt.length;
  if (typeof v === "string") return `${v}-${salt}`;
  if (Array.isArray(v)) return [...v, { name: salt }];
  return salt;
};

const refusal = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof PlanRefusal) return e.reasons;
    throw e;
  }
  throw new Error("expected a refusal, got a plan");
};

test("there are refused paths to choose from (sanity)", () => {
  expect(refusedPaths.length).toBeGreaterThan(20);
});

test("any change to refused paths is refused, one reason per path naming its key; allowed changes alongside do not help", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.constantFrom(...refusedPaths), { minLength: 1, maxLength: 5 }),
      fc.stringMatching(/^[a-z0-9]{1,8}$/),
      fc.boolean(),
      fc.integer({ min: 1, max: 20 }),
      (paths, salt, secretChanged, count) => {
        const leaves = definitionPaths(base);
        const model = paths.reduce((m, p) => setAt(m, p, changed(leaves.get(p)!, salt)), base);
        const desiredSpec = {
          ...spec,
          pools: spec.pools.map((p, i) => (i === 0 ? { ...p, count } : p)),
        };
        const reasons = refusal(() =>
          planDefinitionChange({
            current: { model: base, spec },
            desired: { model, spec: desiredSpec },
            secretChanged,
          }),
        );
        expect(reasons).toHaveLength(paths.length);
        for (const p of paths) {
          expect(reasons.some((r) => r.startsWith(ruleFor(p)!.key))).toBe(true);
        }
        for (const r of reasons) expect(r).toMatch(/ -> .* cannot change in place; \S/);
      },
    ),
  );
});

test("a field no rule knows (added to the definition later) is refused, named by its path", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("properties", "properties.masterProfile", "properties.linuxProfile"),
      fc.stringMatching(/^[a-z][a-zA-Z]{2,10}$/),
      fc.jsonValue(),
      (parent, field, value) => {
        const path = `${parent}.${field}`;
        fc.pre(!definitionPaths(base).has(path) && value !== null);
        const model = setAt(base, path, value);
        fc.pre([...definitionPaths(model).keys()].some((p) => !ruleFor(p)));
        const reasons = refusal(() =>
          planDefinitionChange({ current: { model: base, spec }, desired: { model, spec } }),
        );
        expect(reasons.some((r) => r.includes("no rule for this field"))).toBe(true);
      },
    ),
  );
});
