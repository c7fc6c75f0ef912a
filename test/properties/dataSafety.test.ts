/**
 * Properties of lib/dataSafety.ts over the space of storage sizes and names: a size change is
 * refused exactly when it shrinks, a refusal always names the key and old -> new, and an approval
 * lets through exactly the change it names.
 */
import fc from "fast-check";
import { changeLabel, statefulChangeRefusals, storageBytes } from "../../lib/dataSafety";
import { configureProperties } from "../support/properties";

configureProperties();

const size = fc
  .tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom("Mi", "Gi", "Ti"))
  .map(([n, unit]) => `${n}${unit}`);
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const values = fc.record({ namespace: name, storageClass: name, storageSize: size });

test("a size change is refused exactly when it shrinks, and the refusal names it", () => {
  fc.assert(
    fc.property(values, size, (old, next) => {
      const refusals = statefulChangeRefusals(old, { ...old, storageSize: next });
      const shrinks = storageBytes(next) < storageBytes(old.storageSize);
      expect(refusals.length).toBe(shrinks ? 1 : 0);
      if (shrinks) {
        expect(
          refusals[0].startsWith(`${changeLabel("app.mongoStorageSize", old.storageSize, next)} `),
        ).toBe(true);
      }
    }),
  );
});

test("a namespace or class change is refused unless exactly that change is approved", () => {
  fc.assert(
    fc.property(
      values,
      fc.constantFrom("namespace", "storageClass") as fc.Arbitrary<"namespace" | "storageClass">,
      name,
      fc.boolean(),
      (old, key, to, approve) => {
        fc.pre(to !== old[key]);
        const label = changeLabel(`app.${key}`, old[key], to);
        const refusals = statefulChangeRefusals(old, { ...old, [key]: to }, approve ? [label] : []);
        expect(refusals.length).toBe(approve ? 0 : 1);
        if (!approve) expect(refusals[0].startsWith(`${label} would `)).toBe(true);
      },
    ),
  );
});
