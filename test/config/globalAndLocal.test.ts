/** Global and local validation (config/global.ts, config/local.ts, config/index.ts). */
import { parseConfig } from "../../config";
import { readStackFile } from "../stackFiles";
import { P, problemsOf } from "./support";

describe("global and local validation", () => {
  const global = (patches: Record<string, unknown>) => {
    const { config } = readStackFile("global");
    for (const [key, patch] of Object.entries(patches)) {
      config[`${P}:${key}`] = JSON.stringify({
        ...JSON.parse(config[`${P}:${key}`] ?? "{}"),
        ...(patch as object),
      });
    }
    return { config, secretKeys: [] };
  };
  const monitor = (m: object) => {
    const tm = JSON.parse(readStackFile("global").config[`${P}:trafficManager`]);
    return global({ trafficManager: { ...tm, monitor: { ...tm.monitor, ...m } } });
  };

  test.each<[string, ReturnType<typeof global>, string]>([
    [
      "routing method",
      global({ trafficManager: { dnsName: "x1", routingMethod: "RoundRobin" } }),
      'trafficManager.routingMethod: "RoundRobin" must be one of "Performance", "Priority", "Weighted", "Geographic", "MultiValue", "Subnet"',
    ],
    [
      "probe interval",
      monitor({ intervalSeconds: 15 }),
      "trafficManager.monitor.intervalSeconds: 15 must be 10 or 30",
    ],
    [
      "DNS relative name",
      global({ trafficManager: { dnsName: "Contoso_Ratings" } }),
      'trafficManager.dnsName: "Contoso_Ratings" must be a lowercase DNS label (2-63 chars)',
    ],
    [
      "Azure location missing",
      global({ azure: { location: undefined } }),
      "azure: is missing; is required (object)",
    ],
    [
      "probe path",
      monitor({ path: "healthz" }),
      'trafficManager.monitor.path: "healthz" must start with /',
    ],
    [
      "status range",
      monitor({ expectedStatusRanges: ["2xx"] }),
      'trafficManager.monitor.expectedStatusRanges[0]: "2xx" must be a range such as 200-299',
    ],
    [
      "stamp key in global",
      global({ cluster: { dnsPrefix: "abc" } }),
      "cluster: is not a known key (typo?); remove it or see the config reference in README.md",
    ],
  ])("%s", (_name, raw, message) => {
    expect(problemsOf("global", raw)).toContain(message);
  });

  test("a secret meant for stamps is refused in global", () => {
    const raw = global({});
    raw.config[`${P}:servicePrincipalSecret`] = "x";
    (raw.secretKeys as string[]).push(`${P}:servicePrincipalSecret`);
    expect(problemsOf("global", raw)).toContain(
      "servicePrincipalSecret: is only used by stamp stacks, not by kind global",
    );
  });

  test("local defaults", () => {
    const { config } = parseConfig("local", { [`${P}:kind`]: "local" }, []);
    expect(config).toMatchObject({
      kind: "local",
      local: { kubeconfigPath: ".local/kubeconfig", stampName: "local" },
      app: { namespace: "ratings" },
    });
  });

  test("empty defaults injected from the Pulumi.yaml schema count as unset", () => {
    const empty = Object.fromEntries(
      ["azureStack", "cluster", "helperVm", "trafficManager", "azure", "logAnalytics"].map((k) => [
        `${P}:${k}`,
        "{}",
      ]),
    );
    const { config } = parseConfig(
      "local",
      { ...empty, [`${P}:kind`]: "local", [`${P}:servicePrincipalSecret`]: "" },
      [`${P}:servicePrincipalSecret`],
    );
    expect(config.kind).toBe("local");
  });

  test("keys of other namespaces (providers, pulumi:) are left to their owners", () => {
    const { config } = parseConfig(
      "local",
      { [`${P}:kind`]: "local", "kubernetes:context": "x", "pulumi:tags": "{}" },
      [],
    );
    expect(config.kind).toBe("local");
  });
});
