/**
 * Shared settings of the property tests (test/properties/): a fixed seed, so a failure is the same
 * on every run and machine. Set FC_SEED to explore other seeds; a failure prints its seed and the
 * shrunk counterexample.
 */
import fc from "fast-check";

export const SEED = Number(process.env.FC_SEED ?? 20261128);

/** Applies the fixed seed to every `fc.assert` of the calling test file. */
export function configureProperties(): void {
  fc.configureGlobal({ seed: SEED, numRuns: 200 });
}

/** An IPv4 or IPv6 address as admins write them (fast-check's canonical forms). */
export const ipAddress = () => fc.oneof(fc.ipV4(), fc.ipV6());

/** A CIDR that admits only part of the address space: IPv4 /1../32 or IPv6 /1../128. */
export const narrowCidr = () =>
  fc.oneof(
    fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 32 })).map(([a, n]) => `${a}/${n}`),
    fc.tuple(fc.ipV6(), fc.integer({ min: 1, max: 128 })).map(([a, n]) => `${a}/${n}`),
  );

/** `text` with random upper/lower case and spaces around it. */
export const padded = (text: string) =>
  fc
    .tuple(
      fc.mixedCase(fc.constant(text)),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([t, before, after]) => `${" ".repeat(before)}${t}${" ".repeat(after)}`);
