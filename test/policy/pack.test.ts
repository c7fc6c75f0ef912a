/**
 * The policy pack as a whole (policy/rules/index.ts): the rule list, and what every rule shares.
 * Each rule has its own file in this folder.
 */
import { WORLD_OPEN } from "../../config";
import * as rules from "../../policy/rules";
import { violations } from "./support";

test("has the documented rules, unique names, and the mandatory/advisory split", () => {
  expect(rules.policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
    ["ssh-not-world-open", "mandatory"],
    ["masters-three-or-five", "mandatory"],
    ["workers-at-least-three", "advisory"],
    ["one-load-balancer-per-stack", "mandatory"],
    ["containers-have-requests-and-limits", "mandatory"],
    ["images-pinned", "mandatory"],
    ["no-plaintext-secrets", "mandatory"],
    ["traffic-manager-probes-app-health", "mandatory"],
  ]);
});

test("world-open sources are the ones config validation refuses", () => {
  expect([...rules.WORLD_OPEN_SOURCES].sort()).toEqual([...WORLD_OPEN].sort());
});

test("rules ignore resource types they do not know", () => {
  for (const p of rules.policies) {
    if (!("validateResource" in p)) continue;
    expect(violations(p, "random:index/randomPet:RandomPet", { length: 2 })).toEqual([]);
  }
});
