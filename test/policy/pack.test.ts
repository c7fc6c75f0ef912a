/**
 * The policy pack as a whole (policy/rules/index.ts): the rule list, and what every rule shares.
 * Each rule has its own file in this folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
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
    ["stateful-data-protected", "advisory"],
    ["network-policies-enforced", "mandatory"],
  ]);
});

test("imports from the program only lib/allowList.ts, which imports nothing (docs/policy.md)", () => {
  const root = path.join(__dirname, "../../policy");
  const outside: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith(".ts")) {
        for (const m of fs.readFileSync(file, "utf8").matchAll(/from "(\.[^"]+)"/g)) {
          const target = path.resolve(dir, m[1]);
          if (!target.startsWith(root + path.sep)) outside.push(path.relative(root, target));
        }
      }
    }
  };
  walk(root);
  expect([...new Set(outside)]).toEqual([path.join("..", "lib", "allowList")]);
});

test("rules ignore resource types they do not know", () => {
  for (const p of rules.policies) {
    if (!("validateResource" in p)) continue;
    expect(violations(p, "random:index/randomPet:RandomPet", { length: 2 })).toEqual([]);
  }
});
