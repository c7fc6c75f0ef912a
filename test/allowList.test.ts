/**
 * The SSH allow-list rule (lib/allowList.ts) and its three users, run over the same rows: config
 * validation (`helperVm.sshAllowList`), the NSG builder (lib/helperNetwork.ts `sshSecurityRules`)
 * and the policy pack (policy/rules/sshNotWorldOpen.ts). Each row is a list and the problems the
 * rule finds in it: (index or null for the whole list, value, start of the message).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { show } from "../config/issues";
import { ALLOWED, allowListProblems, formatAddress, parseCidr } from "../lib/allowList";
import { sshSecurityRules } from "../lib/helperNetwork";
import { NSG_RULE_TYPE, sshNotWorldOpen } from "../policy/rules/sshNotWorldOpen";
import { problemsOf, stamp } from "./config/support";
import { violations } from "./policy/support";

const KEY = "helperVm.sshAllowList";
const WORLD = `must not open SSH to the whole world; ${ALLOWED}`;
const NOT_CIDR = `must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24; ${ALLOWED}`;
const hostBits = (network: string, single: string) =>
  `has host bits set (it means ${network}); write the network address ${network}, or ${single} for the one host; ${ALLOWED}`;
const wider = (family: 4 | 6) =>
  `is wider than a /${family === 4 ? 8 : 32} of IPv${family}; ${ALLOWED}`;

type Expected = [index: number | null, message: string][];

/** Lists the rule accepts. */
export const ACCEPTED: string[][] = [
  ["10.20.0.0/24", "203.0.113.16/28"],
  ["10.0.0.0/8"],
  ["2001:db8::/32"],
  ["10.0.0.0/9", "10.128.0.0/9"],
  ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24"],
  ["203.0.113.7/32", "2001:db8:1::/48", "2001:DB8:2::/48"],
  ["10.0.0.0/008"],
];

/** Lists the rule refuses, and why. */
export const REFUSED: [string[], Expected][] = [
  [["0.0.0.0/0"], [[0, WORLD]]],
  [["0.0.0.0/00"], [[0, WORLD]]],
  [["10.20.0.0/24", "::0/0"], [[1, WORLD]]],
  [["10.1.2.3/0"], [[0, WORLD]]],
  [["::/000"], [[0, WORLD]]],
  [["0:0:0:0:0:0:0:0/0"], [[0, WORLD]]],
  [[" 0.0.0.0/0 "], [[0, WORLD]]],
  [["*"], [[0, WORLD]]],
  [["Internet"], [[0, WORLD]]],
  [["Any"], [[0, WORLD]]],
  [["0.0.0.0"], [[0, WORLD]]],
  [["VirtualNetwork"], [[0, NOT_CIDR]]],
  [["10.0.0.1"], [[0, NOT_CIDR]]],
  [["10.0.0.300/24"], [[0, NOT_CIDR]]],
  [["010.0.0.0/24"], [[0, NOT_CIDR]]],
  [["10.0.0.0/24 "], [[0, NOT_CIDR]]],
  [["fe80::%eth0/64"], [[0, NOT_CIDR]]],
  [["10.1.2.3/8"], [[0, hostBits("10.0.0.0/8", "10.1.2.3/32")]]],
  [["2001:db8::1/64"], [[0, hostBits("2001:db8::/64", "2001:db8::1/128")]]],
  [
    ["0.0.0.0/1", "128.0.0.0/1"],
    [
      [0, wider(4)],
      [1, wider(4)],
    ],
  ],
  [["10.0.0.0/7"], [[0, wider(4)]]],
  [["2000::/3"], [[0, wider(6)]]],
  [
    ["::ffff:0.0.0.0/96"],
    [[0, `is an IPv4-mapped IPv6 range; write IPv4 networks as IPv4; ${ALLOWED}`]],
  ],
  [
    ["10.0.0.0/8", "11.0.0.0/8"],
    [[null, `together cover 33554432 IPv4 addresses, more than a /8 (16777216); ${ALLOWED}`]],
  ],
  [
    ["10.0.0.0/9", "10.128.0.0/9", "192.168.0.0/24"],
    [[null, `together cover 16777472 IPv4 addresses, more than a /8 (16777216); ${ALLOWED}`]],
  ],
  [
    ["2001:db8::/32", "2001:db9::/32"],
    [[null, `together cover ${2n ** 97n} IPv6 addresses, more than a /32 (2^96); ${ALLOWED}`]],
  ],
];

const entryOrList = (list: string[], index: number | null) => (index === null ? list : list[index]);

describe("the rule (lib/allowList.ts)", () => {
  test.each(ACCEPTED.map((l) => [l]))("accepts %j", (list) => {
    expect(allowListProblems(list)).toEqual([]);
  });
  test.each(REFUSED)("refuses %j", (list, expected) => {
    expect(allowListProblems(list)).toEqual(
      expected.map(([index, message]) => ({ index, value: entryOrList(list, index), message })),
    );
  });
  test("refuses an empty list", () => {
    expect(allowListProblems([])).toEqual([
      {
        index: null,
        value: [],
        message: "must list at least one source CIDR allowed to reach SSH",
      },
    ]);
  });
  test("imports nothing (the policy pack loads it on its own)", () => {
    const text = fs.readFileSync(path.join(__dirname, "../lib/allowList.ts"), "utf8");
    expect(text).not.toMatch(/^\s*(import|export .* from)\b/m);
    expect(text).not.toMatch(/require\(/);
  });
  test("formats addresses in their usual form", () => {
    const fmt = (cidr: string) => {
      const c = parseCidr(cidr);
      return c && formatAddress(c.family, c.first);
    };
    expect(fmt("2001:0db8:0000:0000:0001:0000:0000:0000/128")).toBe("2001:db8:0:0:1::");
    expect(fmt("1:0:0:2:0:0:3:4/128")).toBe("1::2:0:0:3:4");
    expect(fmt("::1/128")).toBe("::1");
    expect(fmt("1:0:2:0:3:0:4:0/128")).toBe("1:0:2:0:3:0:4:0");
    expect(fmt("192.0.2.1/32")).toBe("192.0.2.1");
  });
});

/** Each user's sentence for a problem. */
const sentence = {
  config: (list: string[], index: number | null, message: string) =>
    `${index === null ? KEY : `${KEY}[${index}]`}: ${show(entryOrList(list, index))} ${message}`,
  nsg: (list: string[], index: number | null, message: string) =>
    `${index === null ? KEY : `${KEY}[${index}]`}: ${JSON.stringify(entryOrList(list, index))} ${message}`,
  policy: (list: string[], index: number | null, message: string) =>
    `${index === null ? "sourceAddressPrefixes" : `sourceAddressPrefixes[${index}]`}: ${JSON.stringify(entryOrList(list, index))} ${message}`,
};

const configProblems = (list: string[]) =>
  problemsOf("seattle", stamp({ helperVm: { sshAllowList: list } })).filter((p) =>
    p.startsWith(KEY),
  );
const nsgProblems = (list: string[]) => {
  try {
    sshSecurityRules(list);
    return [];
  } catch (e) {
    return (e as Error).message.split("\n");
  }
};
const sshRule = (list: string[]) => ({
  name: "ssh",
  direction: "Inbound",
  access: "Allow",
  protocol: "Tcp",
  destinationPortRange: "22",
  sourceAddressPrefix: "",
  sourceAddressPrefixes: list,
});
const policyMessage = (details: string[]) =>
  `Security rule "ssh" of res allows inbound SSH from sources the SSH allow-list rule refuses: ` +
  `${details.join("; ")}. Allow only the admin networks' CIDRs (helperVm.sshAllowList).`;

describe.each([
  ["config validation", configProblems, sentence.config, (d: string[]) => d],
  ["the NSG builder", nsgProblems, sentence.nsg, (d: string[]) => d],
  [
    "the policy pack",
    (list: string[]) => violations(sshNotWorldOpen, NSG_RULE_TYPE, sshRule(list)),
    sentence.policy,
    (d: string[]) => (d.length === 0 ? [] : [policyMessage(d)]),
  ],
])("%s applies the same rule", (_user, problems, say, wrap) => {
  test.each(ACCEPTED.map((l) => [l]))("accepts %j", (list) => {
    expect(problems(list)).toEqual([]);
  });
  test.each(REFUSED)("refuses %j", (list, expected) => {
    expect(problems(list)).toEqual(wrap(expected.map(([i, m]) => say(list, i, m))));
  });
});
