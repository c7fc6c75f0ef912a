/** Field validators (config/fields.ts). */
import { isCidr } from "../../config";

describe("isCidr", () => {
  test.each([
    ["10.0.0.0/8", true],
    ["203.0.113.7/32", true],
    ["2001:db8::/32", true],
    ["10.0.0.0/33", false],
    ["10.0.0.0", false],
    ["10.0.0/8", false],
    ["2001:db8::/129", false],
    ["10.0.0.0/8/1", false],
    ["fe80::1/abc", false],
  ])("%s -> %s", (cidr, ok) => {
    expect(isCidr(cidr)).toBe(ok);
  });
});
