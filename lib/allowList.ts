/**
 * The SSH allow-list rule: which source ranges may reach the helper VM's SSH port. One pure
 * function, `allowListProblems`, used by config validation (`helperVm.sshAllowList`), the NSG
 * builder (lib/helperNetwork.ts) and the policy pack (policy/rules/sshNotWorldOpen.ts).
 *
 * This file imports nothing: the policy pack is type-checked when it loads and imports no other
 * module of the program (docs/policy.md), and addresses are parsed here rather than with node:net
 * (lib/ is pure).
 *
 * Refused: prefix length 0 in any spelling (`0.0.0.0/00`, `::0/0`, `10.1.2.3/0`), words and service
 * tags (`*`, `Internet`, `Any`), anything that is not an IPv4 or IPv6 CIDR, host bits set
 * (`10.1.2.3/8`), IPv4-mapped IPv6 ranges, an entry wider than a /8 of IPv4 or a /32 of IPv6, and
 * lists whose entries together cover more than that.
 */

/** The widest IPv4 prefix allowed, and the most IPv4 addresses a whole list may cover. */
export const IPV4_WIDEST_PREFIX = 8;
/** The widest IPv6 prefix allowed, and the most IPv6 addresses a whole list may cover. */
export const IPV6_WIDEST_PREFIX = 32;
export const IPV4_MAX_ADDRESSES = 1n << BigInt(32 - IPV4_WIDEST_PREFIX);
export const IPV6_MAX_ADDRESSES = 1n << BigInt(128 - IPV6_WIDEST_PREFIX);

/** What is allowed, for every message. */
export const ALLOWED =
  `allowed: the admin networks' CIDRs written as network addresses, IPv4 /${IPV4_WIDEST_PREFIX} to /32 ` +
  `or IPv6 /${IPV6_WIDEST_PREFIX} to /128 (e.g. 203.0.113.0/24, 2001:db8:1::/48), together at most ` +
  `a /${IPV4_WIDEST_PREFIX} of IPv4 and a /${IPV6_WIDEST_PREFIX} of IPv6`;

/** Words that mean "any source" in NSG rules and firewalls (compared trimmed, lowercase). */
export const WORLD_WORDS: readonly string[] = ["*", "internet", "any", "0.0.0.0", "::"];

/** A parsed CIDR: the address family, its first and last address, and its prefix length. */
export interface Cidr {
  family: 4 | 6;
  /** The address as written, as a number. */
  address: bigint;
  prefix: number;
  /** First and last address of the range (the network address and the broadcast address). */
  first: bigint;
  last: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseIPv4(text: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let value = 0n;
  for (const part of m.slice(1)) {
    // A leading zero (010) means octal to some tools and decimal to others: refused.
    if ((part.length > 1 && part.startsWith("0")) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseGroups(text: string): bigint[] | undefined {
  if (text === "") return [];
  const groups: bigint[] = [];
  const parts = text.split(":");
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIPv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  // An embedded IPv4 address may only end the address.
  if (halves.length === 2 && halves[0].includes(".")) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const groups = [...head, ...Array<bigint>(8 - count).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/**
 * Parses `address/prefix` (prefix 1 to 3 digits, within the family's width). Undefined for
 * anything else: spaces, zone ids, words, a bare address.
 */
export function parseCidr(text: string): Cidr | undefined {
  const parts = text.split("/");
  if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1])) return undefined;
  const [addressText, prefixText] = parts;
  const prefix = Number(prefixText);
  const v4 = addressText.includes(":") ? undefined : parseIPv4(addressText);
  const v6 = addressText.includes(":") ? parseIPv6(addressText) : undefined;
  const family = v4 !== undefined ? 4 : v6 !== undefined ? 6 : undefined;
  const address = v4 ?? v6;
  if (family === undefined || address === undefined || prefix > BITS[family]) return undefined;
  const hostBits = BigInt(BITS[family] - prefix);
  const first = (address >> hostBits) << hostBits;
  return { family, address, prefix, first, last: first + (1n << hostBits) - 1n };
}

/** True when `value` is an IPv4 or IPv6 CIDR with a valid prefix length (e.g. 203.0.113.0/24). */
export function isCidr(value: string): boolean {
  return parseCidr(value) !== undefined;
}

/** An address in its usual text form: dotted IPv4, or IPv6 with the longest zero run as `::`. */
export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join(".");
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => (value >> s) & 0xffffn);
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.length).join(":")}`;
}

/**
 * How many addresses of each family the ranges cover together (overlaps counted once). CIDR
 * ranges either nest or are disjoint, but this merges sorted intervals, which is right for any.
 */
export function coverage(cidrs: readonly Cidr[]): { ipv4: bigint; ipv6: bigint } {
  const total = (family: 4 | 6) => {
    const ranges = cidrs
      .filter((c) => c.family === family)
      .map((c) => [c.first, c.last] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let sum = 0n;
    let end = -1n; // last address counted so far
    for (const [first, last] of ranges) {
      const from = first > end ? first : end + 1n;
      if (last >= from) sum += last - from + 1n;
      if (last > end) end = last;
    }
    return sum;
  };
  return { ipv4: total(4), ipv6: total(6) };
}

/** One refusal: at an entry (`index`, its `value`) or of the whole list (`index` null). */
export interface AllowListProblem {
  index: number | null;
  value: string | readonly string[];
  message: string;
}

/** ::ffff:0:0/96, where IPv6 writes IPv4 addresses. */
const MAPPED_FIRST = 0xffffn << 32n;
const MAPPED_LAST = MAPPED_FIRST + 0xffffffffn;

/** True when a source admits every address: a world word, or prefix length 0 in any spelling. */
export function isWorldOpen(entry: string): boolean {
  const word = entry.trim().toLowerCase();
  return WORLD_WORDS.includes(word) || parseCidr(word)?.prefix === 0;
}

/** Why one entry is refused, or undefined when it is an acceptable CIDR. */
function entryProblem(entry: string): string | undefined {
  if (isWorldOpen(entry)) return `must not open SSH to the whole world; ${ALLOWED}`;
  const cidr = parseCidr(entry);
  if (!cidr) return `must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24; ${ALLOWED}`;
  if (cidr.address !== cidr.first) {
    const network = `${formatAddress(cidr.family, cidr.first)}/${cidr.prefix}`;
    const single = `${formatAddress(cidr.family, cidr.address)}/${BITS[cidr.family]}`;
    return (
      `has host bits set (it means ${network}); write the network address ${network}, or ` +
      `${single} for the one host; ${ALLOWED}`
    );
  }
  if (cidr.family === 6 && cidr.first >= MAPPED_FIRST && cidr.last <= MAPPED_LAST) {
    return `is an IPv4-mapped IPv6 range; write IPv4 networks as IPv4; ${ALLOWED}`;
  }
  const widest = cidr.family === 4 ? IPV4_WIDEST_PREFIX : IPV6_WIDEST_PREFIX;
  if (cidr.prefix < widest) {
    return `is wider than a /${widest} of IPv${cidr.family}; ${ALLOWED}`;
  }
  return undefined;
}

/**
 * Every reason to refuse `list` as the sources allowed to reach SSH; [] when it is acceptable.
 * Entry problems first (in list order), then what the acceptable entries cover together.
 */
export function allowListProblems(list: readonly string[]): AllowListProblem[] {
  if (list.length === 0) {
    return [
      {
        index: null,
        value: list,
        message: "must list at least one source CIDR allowed to reach SSH",
      },
    ];
  }
  const problems: AllowListProblem[] = [];
  const good: Cidr[] = [];
  list.forEach((entry, index) => {
    const message = entryProblem(entry);
    if (message) problems.push({ index, value: entry, message });
    else good.push(parseCidr(entry) as Cidr);
  });
  const { ipv4, ipv6 } = coverage(good);
  if (ipv4 > IPV4_MAX_ADDRESSES) {
    problems.push({
      index: null,
      value: list,
      message: `together cover ${ipv4} IPv4 addresses, more than a /${IPV4_WIDEST_PREFIX} (${IPV4_MAX_ADDRESSES}); ${ALLOWED}`,
    });
  }
  if (ipv6 > IPV6_MAX_ADDRESSES) {
    problems.push({
      index: null,
      value: list,
      message: `together cover ${ipv6} IPv6 addresses, more than a /${IPV6_WIDEST_PREFIX} (2^${128 - IPV6_WIDEST_PREFIX}); ${ALLOWED}`,
    });
  }
  return problems;
}

/**
 * A problem as one sentence: `<key>[i]: "<entry>" <message>` or `<key>: [<list>] <message>`.
 */
export function describeAllowListProblem(key: string, p: AllowListProblem): string {
  const where = p.index === null ? key : `${key}[${p.index}]`;
  return `${where}: ${JSON.stringify(p.value)} ${p.message}`;
}
