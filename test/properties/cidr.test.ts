/**
 * Properties of the SSH allow-list rule (lib/allowList.ts) and of its three users: config
 * validation (`helperVm.sshAllowList`), the NSG builder (lib/helperNetwork.ts) and the policy pack
 * (ssh-not-world-open). The two properties that were `test.failing` before the rule was shared
 * (a prefix-length-zero CIDR not spelled exactly `0.0.0.0/0` or `::/0` passed config and policy)
 * are plain tests now.
 */
import fc from "fast-check";
import { isIPv4, isIPv6 } from "node:net";
import { isCidr } from "../../config";
import { show } from "../../config/issues";
import {
  ALLOWED,
  allowListProblems,
  coverage,
  formatAddress,
  IPV4_MAX_ADDRESSES,
  isWorldOpen,
  parseCidr,
  WORLD_WORDS,
} from "../../lib/allowList";
import { sshSecurityRules } from "../../lib/helperNetwork";
import { NSG_RULE_TYPE, sshNotWorldOpen } from "../../policy/rules/sshNotWorldOpen";
import { violations } from "../policy/support";
import { stampConfig } from "../stampConfigs";
import {
  configureProperties,
  ipAddress,
  ipv4Network,
  narrowCidr,
  padded,
} from "../support/properties";

configureProperties();

const allowList = (list: string[]) =>
  stampConfig("seattle", { helperVm: { sshAllowList: list } }).helperVm.sshAllowList;
const WORLD = `must not open SSH to the whole world; ${ALLOWED}`;
const worldOpenMessage = (i: number, value: string) =>
  `helperVm.sshAllowList[${i}]: ${show(value)} ${WORLD}`;
const notCidrMessage = (i: number, value: string) =>
  `helperVm.sshAllowList[${i}]: ${show(value)} must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24; ${ALLOWED}`;
/** A prefix length of zero however it is written: /0, /00, /000. */
const zeroPrefix = () => fc.constantFrom("0", "00", "000");
/** An address in any valid spelling: fast-check's forms, upper case hex, with spaces around. */
const anySpelling = (address: string) => padded(address);
const sshRule = (sources: string[]) => ({
  name: "ssh",
  direction: "Inbound",
  access: "Allow",
  protocol: "Tcp",
  destinationPortRange: "22",
  sourceAddressPrefixes: sources,
});

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

  test("agrees with node:net on which strings are addresses", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          ipAddress(),
          fc.ipV4Extended(),
          fc.string({ maxLength: 12 }),
          fc.stringMatching(/^[0-9a-f:.]{1,20}$/),
        ),
        (text) => {
          const ok = parseCidr(`${text}/32`) !== undefined;
          expect(ok).toBe(isIPv4(text) || (isIPv6(text) && !text.includes("%")));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("formats an IPv6 address as the URL standard does (longest zero run as ::)", () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const c = parseCidr(`${address}/128`);
        expect(c && formatAddress(6, c.address)).toBe(
          new URL(`http://[${address}]/`).hostname.slice(1, -1),
        );
      }),
    );
  });
});

describe("config: helperVm.sshAllowList", () => {
  test("a list of up to four narrow CIDRs is accepted as written", () => {
    fc.assert(
      fc.property(fc.array(narrowCidr(), { minLength: 1, maxLength: 4 }), (list) => {
        expect(allowList(list)).toEqual(list);
      }),
      { numRuns: 50 },
    );
  });

  test("a world-open word, in any case and with spaces around it, is refused at its index", () => {
    fc.assert(
      fc.property(
        fc.array(narrowCidr(), { maxLength: 3 }),
        fc.constantFrom(...WORLD_WORDS).chain(padded),
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
          ipAddress().filter((a) => !isWorldOpen(a)),
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

  test("an IPv4 entry with host bits set is refused, naming its network address", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 8, max: 31 }), (address, prefix) => {
        const network = ipv4Network(address, prefix);
        fc.pre(network !== address);
        expect(() => allowList([`${address}/${prefix}`])).toThrow(
          `helperVm.sshAllowList[0]: "${address}/${prefix}" has host bits set (it means ` +
            `${network}/${prefix}); write the network address ${network}/${prefix}, or ` +
            `${address}/32 for the one host`,
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe("every prefix-length-zero CIDR, in any spelling, is refused by all three users", () => {
  const zeroCidr = () =>
    fc
      .tuple(ipAddress(), zeroPrefix())
      .chain(([address, zeros]) => anySpelling(`${address}/${zeros}`));

  test("the rule: isWorldOpen, and the world-open problem at its index", () => {
    fc.assert(
      fc.property(fc.array(narrowCidr(), { maxLength: 3 }), zeroCidr(), (list, entry) => {
        expect(isWorldOpen(entry)).toBe(true);
        expect(allowListProblems([...list, entry])).toContainEqual({
          index: list.length,
          value: entry,
          message: WORLD,
        });
      }),
    );
  });

  test("config validation", () => {
    fc.assert(
      fc.property(zeroCidr(), (entry) => {
        expect(() => allowList([entry])).toThrow(worldOpenMessage(0, entry));
      }),
      { numRuns: 50 },
    );
  });

  test("the NSG builder", () => {
    fc.assert(
      fc.property(zeroCidr(), (entry) => {
        expect(() => sshSecurityRules(["10.20.0.0/24", entry])).toThrow(
          `helperVm.sshAllowList[1]: ${JSON.stringify(entry)} ${WORLD}`,
        );
      }),
    );
  });

  test("the policy pack", () => {
    fc.assert(
      fc.property(zeroCidr(), (entry) => {
        const [v, ...more] = violations(sshNotWorldOpen, NSG_RULE_TYPE, sshRule([entry]));
        expect(more).toEqual([]);
        expect(v).toContain(`sourceAddressPrefixes[0]: ${JSON.stringify(entry)} ${WORLD}`);
      }),
    );
  });

  test("a zero prefix written with leading zeros is world-open", () => {
    fc.assert(
      fc.property(ipAddress(), zeroPrefix(), (address, zeros) => {
        expect(isWorldOpen(`${address}/${zeros}`)).toBe(true);
      }),
    );
  });
});

describe("policy: ssh-not-world-open", () => {
  test("no narrow CIDR is world-open", () => {
    fc.assert(
      fc.property(narrowCidr(), (source) => {
        expect(isWorldOpen(source)).toBe(false);
      }),
    );
  });

  test("an inbound SSH rule is reported with exactly its world-open sources", () => {
    const open = fc.oneof(
      fc.constantFrom(...WORLD_WORDS).chain(padded),
      ipAddress().map((a) => `${a}/0`),
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(narrowCidr(), open), { minLength: 1, maxLength: 4 }),
        (sources) => {
          const found = violations(sshNotWorldOpen, NSG_RULE_TYPE, sshRule(sources));
          const worldOpen = sources.flatMap((s, i) =>
            isWorldOpen(s) ? [`sourceAddressPrefixes[${i}]: ${JSON.stringify(s)} ${WORLD}`] : [],
          );
          expect(found).toEqual(
            worldOpen.length === 0
              ? []
              : [
                  'Security rule "ssh" of res allows inbound SSH from sources the SSH allow-list ' +
                    `rule refuses: ${worldOpen.join("; ")}. Allow only the admin networks' CIDRs ` +
                    "(helperVm.sshAllowList).",
                ],
          );
        },
      ),
    );
  });
});

describe("coverage", () => {
  /** CIDR ranges nest or are disjoint: the union is the ranges that no other range contains. */
  const laminarModel = (cidrs: string[]) => {
    const ranges = [...new Set(cidrs)].map((c) => parseCidr(c)!);
    const outer = ranges.filter(
      (r) =>
        !ranges.some(
          (o) =>
            o !== r &&
            o.family === r.family &&
            o.first <= r.first &&
            r.last <= o.last &&
            (o.first !== r.first || o.last !== r.last),
        ),
    );
    // Equal ranges written differently (10.0.0.0/8, 10.0.0.0/008) count once.
    const distinct = new Map(outer.map((r) => [`${r.family} ${r.first} ${r.last}`, r]));
    const sum = (family: 4 | 6) =>
      [...distinct.values()]
        .filter((r) => r.family === family)
        .reduce((n, r) => n + (r.last - r.first + 1n), 0n);
    return { ipv4: sum(4), ipv6: sum(6) };
  };

  test("equals the sum of the ranges no other range contains", () => {
    fc.assert(
      fc.property(fc.array(narrowCidr(), { maxLength: 8 }), (list) => {
        expect(coverage(list.map((c) => parseCidr(c)!))).toEqual(laminarModel(list));
      }),
    );
  });

  test("equals a count of every address in a small network", () => {
    // Ranges inside 10.0.0.0/20: few enough addresses to enumerate.
    const small = fc
      .tuple(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 20, max: 32 }))
      .map(([offset, prefix]) => {
        const size = 2 ** (32 - prefix);
        const start = offset - (offset % size);
        return { cidr: `10.0.${Math.floor(start / 256)}.${start % 256}/${prefix}`, start, size };
      });
    fc.assert(
      fc.property(fc.array(small, { maxLength: 6 }), (ranges) => {
        const seen = new Set<number>();
        for (const r of ranges) for (let a = r.start; a < r.start + r.size; a++) seen.add(a);
        expect(coverage(ranges.map((r) => parseCidr(r.cidr)!)).ipv4).toBe(BigInt(seen.size));
      }),
    );
  });

  test("a list is refused as a whole exactly when it covers more than a /8 of IPv4", () => {
    const wide = fc
      .tuple(
        fc.constantFrom(10, 11),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 8, max: 11 }),
      )
      .map(([a, b, prefix]) => `${ipv4Network(`${a}.${b}.0.0`, prefix)}/${prefix}`);
    fc.assert(
      fc.property(fc.array(wide, { minLength: 1, maxLength: 6 }), (list) => {
        const covered = laminarModel(list).ipv4;
        const whole = allowListProblems(list).filter((p) => p.index === null);
        expect(whole).toEqual(
          covered > IPV4_MAX_ADDRESSES
            ? [
                {
                  index: null,
                  value: list,
                  message: `together cover ${covered} IPv4 addresses, more than a /8 (16777216); ${ALLOWED}`,
                },
              ]
            : [],
        );
      }),
    );
  });
});
