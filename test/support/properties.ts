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

/** IPv4 `address` with its host bits cleared for `prefix`, in dotted form. */
export function ipv4Network(address: string, prefix: number): string {
  const value = address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  const network = value - (value % size);
  return [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".");
}

/** IPv6 `address` (any valid form) with its host bits cleared for `prefix`, canonical form. */
export function ipv6Network(address: string, prefix: number): string {
  const url = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail = ""] = url.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = url.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  const bits = groups.map((g) => parseInt(g, 16).toString(2).padStart(16, "0")).join("");
  const masked = bits.slice(0, prefix).padEnd(128, "0");
  const out = Array.from({ length: 8 }, (_, i) =>
    parseInt(masked.slice(i * 16, i * 16 + 16), 2).toString(16),
  ).join(":");
  return new URL(`http://[${out}]/`).hostname.slice(1, -1);
}

/**
 * A CIDR the SSH allow-list rule accepts, written as its network address: IPv4 /10../32 or IPv6
 * /34../128 outside ::ffff:0:0/96, so that up to four of them together stay within a /8 of IPv4
 * and a /32 of IPv6.
 */
export const narrowCidr = () =>
  fc.oneof(
    fc
      .tuple(fc.ipV4(), fc.integer({ min: 10, max: 32 }))
      .map(([a, n]) => `${ipv4Network(a, n)}/${n}`),
    fc
      .tuple(fc.ipV6(), fc.integer({ min: 34, max: 128 }))
      .map(([a, n]) => `${ipv6Network(a, n)}/${n}`)
      .filter((c) => !/^::ffff:/.test(c)),
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
