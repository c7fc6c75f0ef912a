/** The shipped Pulumi.<stack>.yaml files parse, validate and derive what a stamp needs. */
import { parseConfig, Secret, StampConfig } from "../../config";
import { readStackFile, stackNames } from "../stackFiles";

describe("shipped stack files", () => {
  test("every Pulumi.<stack>.yaml exists for the four kinds", () => {
    expect(stackNames()).toEqual(["global", "hamburg-edge", "local", "munich", "seattle"]);
  });

  test.each(stackNames())("Pulumi.%s.yaml parses and validates", (stack) => {
    const { config, secretKeys } = readStackFile(stack);
    const { config: parsed } = parseConfig(stack, config, secretKeys);
    expect(parsed.stack).toBe(stack);
  });

  test("an ADFS stamp derives its sign-in and Graph endpoints from the stamp's domain", () => {
    const raw = readStackFile("munich");
    const c = parseConfig("munich", raw.config, raw.secretKeys).config as StampConfig;
    expect(c.azureStack.activeDirectoryEndpoint).toBe("https://adfs.munich.ash.fabrikam.de/adfs/");
    expect(c.azureStack.graphEndpoint).toBe("https://graph.munich.ash.fabrikam.de/");
  });

  test("the two stamps differ in location, FQDN, DNS prefix and sizes", () => {
    const [sea, muc] = ["seattle", "munich"].map((s) => {
      const raw = readStackFile(s);
      return parseConfig(s, raw.config, raw.secretKeys).config as StampConfig;
    });
    expect(sea.azureStack.location).not.toBe(muc.azureStack.location);
    expect(sea.azureStack.externalFqdn).not.toBe(muc.azureStack.externalFqdn);
    expect(sea.cluster.dnsPrefix).not.toBe(muc.cluster.dnsPrefix);
    expect(sea.cluster.pools[0].vmSize).not.toBe(muc.cluster.pools[0].vmSize);
  });

  test("stamp defaults and derived endpoints", () => {
    const raw = readStackFile("seattle");
    const { config, warnings } = parseConfig("seattle", raw.config, raw.secretKeys);
    const c = config as StampConfig;
    expect(warnings).toEqual([]);
    expect(c.name).toBe("seattle");
    expect(c.azureStack.armEndpoint).toBe("https://management.seattle.azurestack.contoso.com");
    expect(c.azureStack.metadataHost).toBe("management.seattle.azurestack.contoso.com");
    expect(c.azureStack.portalUrl).toBe("https://portal.seattle.azurestack.contoso.com/");
    expect(c.cluster.networkPlugin).toBe("kubenet");
    expect(c.cluster.maxNodes).toBe(50);
    expect(c.helperVm.dnsLabel).toBe("seattle-aks-helper");
    expect(c.azureStack.activeDirectoryEndpoint).toBe("https://login.microsoftonline.com/");
    expect(c.azureStack.graphEndpoint).toBe("https://graph.windows.net/");
    expect(c.app.webAutoscaling).toEqual({
      minReplicas: 1,
      maxReplicas: 10,
      cpuUtilizationPercent: 80,
    });
    expect(c.monitoring.mode).toBe("fluentBit");
  });

  test("the service principal secret never prints itself", () => {
    const raw = readStackFile("seattle", "very-secret-value");
    const c = parseConfig("seattle", raw.config, raw.secretKeys).config as StampConfig;
    expect(c.servicePrincipalSecret).toBeInstanceOf(Secret);
    expect(c.servicePrincipalSecret.reveal()).toBe("very-secret-value");
    expect(JSON.stringify(c)).not.toContain("very-secret-value");
    expect(`${c.servicePrincipalSecret}`).toBe("[secret]");
  });
});
