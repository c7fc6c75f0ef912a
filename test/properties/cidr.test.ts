/**
 * Properties of the SSH allow-list, as config validation (config: `isCidr`, `WORLD_OPEN`,
 * `helperVm.sshAllowList`) and the policy pack (ssh-not-world-open, `isWorldOpen`) read it today.
 * The two `test.failing` properties record real bugs of today's world-open detection (a
 * prefix-length-zero CIDR that is not spelled exactly `0.0.0.0/0` or `::/0`); they belong to the
 * security issue and are left unfixed here. When they are fixed, these tests fail: turn them into
 * plain `test`s.
 */
import fc from "fast-check";
import { isCidr, WORLD_OPEN } from "../../config";
import { isWorldOpen, NSG_RULE_TYPE, sshNotWorldOpen } from "../../policy/rules/sshNotWorldOpen";
import { violations } from "../policy/support";
import { stampConfig } from "../stampConfigs";
import { configureProperties, ipAddress, narrowCidr, padded } from "../support/properties";

configureProperties();

const allowList = (list: string[]) =>
  stampConfig("seattle", { helperVm: { sshAllowList: list } }).helperVm.sshAllowList;
const worldOpenMessage = (i: number, value: string) =>
  `helperVm.sshAllowList[${i}]: ${JSON.stringify(value)} must not open SSH to the whole world; ` +
  "list the admin networks' CIDRs";
const notCidrMessage = (i: number, value: string) =>
  `helperVm.sshAllowList[${i}]: ${JSON.stringify(value)} must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24`;
/** A prefix length of zero however it is written: /0, /00, /000. */
const zeroPrefix = () => fc.constantFrom("0", "00", "000");

describe("isCidr", () => {
  test("accepts every IPv4 address with a prefix length 0..32, refuses 33..999", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 999 }), (address, bits) => {
        expect(isCidr(`${address}/${bits}`)).toBe(bits <= 32);
      }),
    );
  });

  test("accepts every IPv6 address with a prefix length 0..128, refuses 129..999", () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 0, max: 999 }), (address, bits) => {
        expect(isCidr(`${address}/${bits}`)).toBe(bits <= 128);
      }),
    );
  });

  test("refuses a bare address, a second slash, and a prefix that is not 1 to 3 digits", () => {
    fc.assert(
      fc.property(
        ipAddress(),
        fc.integer({ min: 0, max: 32 }),
        fc.stringMatching(/^(\d{4,6}|[+-]\d{1,2}|\d{1,2}[a-z ]|\s\d{1,2}|)$/),
        (address, bits, badPrefix) => {
          expect(isCidr(address)).toBe(false);
          expect(isCidr(`${address}/${bits}/${bits}`)).toBe(false);
          expect(isCidr(`${address}/${badPrefix}`)).toBe(false);
        },
      ),
    );
  });

  test("refuses anything that is not an IP address before the slash", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.domain(), fc.constantFrom("*", "any", "internet", "", "1.2.3", "256.1.1.1")),
        fc.integer({ min: 0, max: 32 }),
        (host, bits) => {
          expect(isCidr(`${host}/${bits}`)).toBe(false);
        },
      ),
    );
  });
});

describe("config: helperVm.sshAllowList", () => {
  test("a list of narrow CIDRs is accepted as written", () => {
    fc.assert(
      fc.property(fc.array(narrowCidr(), { minLength: 1, maxLength: 4 }), (list) => {
        expect(allowList(list)).toEqual(list);
      }),
      { numRuns: 50 },
    );
  });

  test("a world-open tag, in any case and with spaces around it, is refused at its index", () => {
    fc.assert(
      fc.property(
        fc.array(narrowCidr(), { maxLength: 3 }),
        fc.constantFrom(...WORLD_OPEN).chain(padded),
        fc.nat(),
        (list, open, at) => {
          const i = at % (list.length + 1);
          const withOpen = [...list.slice(0, i), open, ...list.slice(i)];
          expect(() => allowList(withOpen)).toThrow(worldOpenMessage(i, open));
        },
      ),
      { numRuns: 50 },
    );
  });

  test("an entry that is not a CIDR is refused at its index", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          ipAddress(),
          fc.domain().map((d) => `${d}/24`),
          fc.constantFrom("10.0.0.0/33"),
        ),
        (entry) => {
          expect(() => allowList(["10.20.0.0/24", entry])).toThrow(notCidrMessage(1, entry));
        },
      ),
      { numRuns: 50 },
    );
  });

  // BUG (security issue, not fixed here): config refuses only the exact spellings in WORLD_OPEN, so
  // 10.0.0.0/0, ::0/0 and 0.0.0.0/00 pass validation although they admit every address.
  test.failing("BUG: every prefix-length-zero CIDR is refused as world-open", () => {
    fc.assert(
      fc.property(ipAddress(), zeroPrefix(), (address, zeros) => {
        const entry = `${address}/${zeros}`;
        expect(() => allowList([entry])).toThrow(worldOpenMessage(0, entry));
      }),
      { numRuns: 50 },
    );
  });
});

describe("policy: isWorldOpen and ssh-not-world-open", () => {
  test("every /0 CIDR and every world-open tag (any case, spaces) is world-open", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          ipAddress().map((a) => `${a}/0`),
          fc.constantFrom(...WORLD_OPEN).chain(padded),
        ),
        (source) => {
          expect(isWorldOpen(source)).toBe(true);
        },
      ),
    );
  });

  test("no narrow CIDR is world-open", () => {
    fc.assert(
      fc.property(narrowCidr(), (source) => {
        expect(isWorldOpen(source)).toBe(false);
      }),
    );
  });

  test("an inbound SSH rule is reported with exactly its world-open sources", () => {
    const open = fc.oneof(
      fc.constantFrom(...WORLD_OPEN).chain(padded),
      ipAddress().map((a) => `${a}/0`),
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(narrowCidr(), open), { minLength: 1, maxLength: 5 }),
        (sources) => {
          const rule = {
            name: "ssh",
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            destinationPortRange: "22",
            sourceAddressPrefixes: sources,
          };
          const worldOpen = sources.filter(isWorldOpen);
          expect(violations(sshNotWorldOpen, NSG_RULE_TYPE, rule)).toEqual(
            worldOpen.length === 0
              ? []
              : [
                  `Security rule "ssh" of res allows inbound SSH from ${worldOpen
                    .map((s) => JSON.stringify(s))
                    .join(", ")}, which is the whole internet. Allow only the admin networks' ` +
                    "CIDRs (helperVm.sshAllowList).",
                ],
          );
        },
      ),
    );
  });

  test("config and policy agree: nothing config accepts is one of the policy's world-open tags", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WORLD_OPEN).chain(padded), (tag) => {
        expect(isWorldOpen(tag)).toBe(true);
        expect(() => allowList([tag])).toThrow("must not open SSH to the whole world");
      }),
      { numRuns: 50 },
    );
  });

  // BUG (security issue, not fixed here): the policy's `/0$` test misses a zero prefix written
  // with leading zeros, e.g. 0.0.0.0/00, which config also accepts (see above).
  test.failing("BUG: a zero prefix written with leading zeros is world-open", () => {
    fc.assert(
      fc.property(ipAddress(), zeroPrefix(), (address, zeros) => {
        expect(isWorldOpen(`${address}/${zeros}`)).toBe(true);
      }),
    );
  });
});
