/** lib/metallb.ts: address arithmetic, pool membership and privacy, chart values, CR specs. */
import * as m from "../lib/metallb";

describe("IPv4 numbers", () => {
  test.each<[string, number | undefined]>([
    ["0.0.0.0", 0],
    ["192.168.40.240", 0xc0a828f0],
    ["255.255.255.255", 0xffffffff],
    ["1.2.3", undefined],
    ["1.2.3.4.5", undefined],
    ["01.2.3.4", undefined],
    ["1.2.3.-4", undefined],
    ["1.2.3.4 ", undefined],
    ["", undefined],
  ])("%s", (text, value) => {
    expect(m.ipv4ToNumber(text)).toBe(value);
    if (value !== undefined) expect(m.numberToIpv4(value)).toBe(text);
  });
});

describe("parseAddressRange", () => {
  test("a CIDR prefix and a range give their inclusive bounds", () => {
    expect(m.parseAddressRange("10.0.0.16/28")).toEqual({
      text: "10.0.0.16/28",
      first: m.ipv4ToNumber("10.0.0.16"),
      last: m.ipv4ToNumber("10.0.0.31"),
    });
    expect(m.parseAddressRange("10.0.0.5-10.0.1.4")).toMatchObject({
      first: m.ipv4ToNumber("10.0.0.5"),
      last: m.ipv4ToNumber("10.0.1.4"),
    });
    expect(m.parseAddressRange("10.0.0.7/32")).toMatchObject({
      first: 0x0a000007,
      last: 0x0a000007,
    });
  });

  test("the largest accepted pool is a /16", () => {
    expect("problem" in m.parseAddressRange("10.1.0.0/16")).toBe(false);
    expect(m.parseAddressRange("10.1.0.0-10.2.0.0")).toEqual({
      problem: "has 65537 addresses; at most 65536 (a /16) are accepted",
    });
  });
});

describe("pools", () => {
  test("overlaps are reported on the later entry, naming the earlier one", () => {
    expect(m.addressPoolProblems(["10.0.0.0/24", "10.0.1.0/24", "10.0.0.255-10.0.1.0"])).toEqual([
      {
        index: 2,
        problem: 'overlaps "10.0.0.0/24" (entry 0); every address belongs to one range',
      },
    ]);
    expect(m.addressPoolProblems(["10.0.0.0/25", "10.0.0.128/25"])).toEqual([]);
  });

  test("poolContains checks the bounds inclusively and ignores invalid entries", () => {
    const pool = ["192.168.40.240-192.168.40.250", "nonsense"];
    expect(["192.168.40.240", "192.168.40.250"].map((ip) => m.poolContains(pool, ip))).toEqual([
      true,
      true,
    ]);
    expect(
      ["192.168.40.239", "192.168.40.251", "fd00::1"].map((ip) => m.poolContains(pool, ip)),
    ).toEqual([false, false, false]);
  });

  test.each<[string[], boolean]>([
    [["10.1.2.0/24"], true],
    [["172.16.0.0/24", "172.31.255.0/24"], true],
    [["192.168.0.0/16"], true],
    [["100.64.1.0/24"], true],
    [["172.32.0.0/24"], false],
    [["10.0.0.0/24", "203.0.113.0/28"], false],
    [["9.255.255.250-10.0.0.5"], false],
  ])("poolIsPrivate(%j) is %s", (pool, isPrivate) => {
    expect(m.poolIsPrivate(pool)).toBe(isPrivate);
  });
});

describe("chart values and custom resources", () => {
  test("L2 only, pinned images under a mirror, paths kept", () => {
    const v = m.metallbValues({
      chartVersion: "0.16.1",
      imageRegistry: "registry.contoso.com:5000/quay/",
    });
    expect(v.frrk8s).toEqual({ enabled: false });
    expect(v.speaker.frr).toEqual({ enabled: false });
    expect(v.crds).toEqual({ enabled: true, validationFailurePolicy: "Fail" });
    expect(v.controller.image).toEqual({
      repository: "registry.contoso.com:5000/quay/metallb/controller",
      tag: "v0.16.1",
      pullPolicy: "IfNotPresent",
    });
    expect(v.speaker.image.repository).toBe("registry.contoso.com:5000/quay/metallb/speaker");
    expect(v.controller.resources.limits).toEqual({ cpu: "200m", memory: "128Mi" });
  });

  test("the pool assigns automatically; the advertisement names exactly that pool", () => {
    expect(m.ipAddressPoolSpec(["10.0.0.0/28"])).toEqual({
      addresses: ["10.0.0.0/28"],
      autoAssign: true,
    });
    expect(m.l2AdvertisementSpec()).toEqual({ ipAddressPools: [m.POOL_NAME] });
  });
});
