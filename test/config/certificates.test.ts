/**
 * TLS on the shared name: the global `dns` key with its secret `dnsClientSecret`, and a stamp's
 * `certificates` key (config/certificates.ts). Every bad value is refused naming the key, the value
 * and what is allowed; hostnames and e-mails go into YAML specs, so hostile ones are refused.
 */
import { GlobalConfig, parseConfig, StampConfig } from "../../config";
import { show } from "../../config/issues";
import { readStackFile } from "../stackFiles";
import { P, problemsOf, stamp } from "./support";

const at = (key: string, value: unknown, message: string) => `${key}: ${show(value)} ${message}`;

/** Pulumi.global.yaml with `dns` patched (or dropped keys). */
function global(dns: Record<string, unknown> | undefined, drop: string[] = []) {
  const { config, secretKeys } = readStackFile("global", "secret-value");
  if (dns) config[`${P}:dns`] = JSON.stringify({ ...JSON.parse(config[`${P}:dns`]), ...dns });
  for (const key of drop) {
    delete config[`${P}:${key}`];
    const i = secretKeys.indexOf(`${P}:${key}`);
    if (i >= 0) secretKeys.splice(i, 1);
  }
  return { config, secretKeys };
}
const certificates = (patch: Record<string, unknown>) => {
  const raw = stamp();
  const current = JSON.parse(raw.config[`${P}:certificates`]);
  raw.config[`${P}:certificates`] = JSON.stringify({ ...current, ...patch });
  return raw;
};
const issuer = (value: Record<string, unknown>) => certificates({ issuer: value });

describe("global dns", () => {
  test("the shipped global stack: zone, record, identity; HTTPS probes with the app's Host", () => {
    const raw = global(undefined);
    const c = parseConfig("global", raw.config, raw.secretKeys).config as GlobalConfig;
    expect(c.dns).toEqual({
      zoneName: "contoso.com",
      appRecord: "ratings",
      ttl: 300,
      certManager: {
        tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
        clientId: "4d6f8a0c-2e4a-4b6d-8f0a-1c3e5a7c9e21",
        servicePrincipalObjectId: "9b1d3f5a-7c9e-4b1d-8f3a-5c7e9a1b3d62",
      },
    });
    expect(c.dnsClientSecret?.reveal()).toBe("secret-value");
    expect(JSON.stringify(c)).not.toContain("secret-value");
    expect(c.trafficManager.monitor).toMatchObject({ protocol: "HTTPS", port: 443 });
  });

  test("an unset host header becomes the app's hostname", () => {
    const raw = global(undefined);
    const tm = JSON.parse(raw.config[`${P}:trafficManager`]);
    delete tm.monitor.hostHeader;
    delete tm.monitor.port;
    raw.config[`${P}:trafficManager`] = JSON.stringify(tm);
    const c = parseConfig("global", raw.config, raw.secretKeys).config as GlobalConfig;
    expect(c.trafficManager.monitor).toMatchObject({
      protocol: "HTTPS",
      port: 443,
      hostHeader: "ratings.contoso.com",
    });
  });

  test("without dns (and its secret) the stack stays HTTP-capable and exports no name", () => {
    const raw = global(undefined, ["dns", "dnsClientSecret"]);
    const tm = JSON.parse(raw.config[`${P}:trafficManager`]);
    raw.config[`${P}:trafficManager`] = JSON.stringify({
      ...tm,
      monitor: { protocol: "HTTP", port: 80 },
    });
    const c = parseConfig("global", raw.config, raw.secretKeys).config as GlobalConfig;
    expect(c.dns).toBeUndefined();
    expect(c.dnsClientSecret).toBeUndefined();
    expect(c.trafficManager.monitor.hostHeader).toBeUndefined();
  });

  test.each<[string, ReturnType<typeof global>, string]>([
    [
      "zone name with a newline (YAML/header injection)",
      global({ zoneName: "contoso.com\nevil: x" }),
      at("dns.zoneName", "contoso.com\nevil: x", "must be a DNS zone name such as contoso.com"),
    ],
    [
      "zone name with a slash",
      global({ zoneName: "contoso.com/../x" }),
      at("dns.zoneName", "contoso.com/../x", "must be a DNS zone name such as contoso.com"),
    ],
    [
      "app record at the apex",
      global({ appRecord: "@" }),
      at(
        "dns.appRecord",
        "@",
        "must be one lowercase DNS label such as ratings (a CNAME cannot sit at the zone apex)",
      ),
    ],
    [
      "app record with a dot",
      global({ appRecord: "a.b" }),
      at(
        "dns.appRecord",
        "a.b",
        "must be one lowercase DNS label such as ratings (a CNAME cannot sit at the zone apex)",
      ),
    ],
    ["TTL too short", global({ ttl: 5 }), at("dns.ttl", 5, "must be 60-86400 seconds")],
    [
      "client id not a UUID",
      global({
        certManager: {
          tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
          clientId: "x; rm -rf /",
          servicePrincipalObjectId: "9b1d3f5a-7c9e-4b1d-8f3a-5c7e9a1b3d62",
        },
      }),
      at(
        "dns.certManager.clientId",
        "x; rm -rf /",
        "must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
      ),
    ],
    ...(["tenantId", "servicePrincipalObjectId"] as const).map(
      (key): [string, ReturnType<typeof global>, string] => [
        `${key} not a UUID`,
        global({
          certManager: {
            tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
            clientId: "4d6f8a0c-2e4a-4b6d-8f0a-1c3e5a7c9e21",
            servicePrincipalObjectId: "9b1d3f5a-7c9e-4b1d-8f3a-5c7e9a1b3d62",
            [key]: "$(id)",
          },
        }),
        at(
          `dns.certManager.${key}`,
          "$(id)",
          "must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
        ),
      ],
    ),
    [
      "dns without its secret",
      global(undefined, ["dnsClientSecret"]),
      "dnsClientSecret: is missing; dns is set, so set a client secret of dns.certManager.clientId with `pulumi config set --secret dnsClientSecret`",
    ],
    [
      "the secret without dns",
      global(undefined, ["dns"]),
      "dnsClientSecret: is set but dns is not; remove it, or set dns (the zone it is for)",
    ],
  ])("refused: %s", (_name, raw, problem) => {
    expect(problemsOf("global", raw)).toContain(problem);
  });

  test("the secret in plaintext is refused", () => {
    const raw = global(undefined);
    raw.secretKeys.splice(raw.secretKeys.indexOf(`${P}:dnsClientSecret`), 1);
    expect(problemsOf("global", raw)).toContain(
      "dnsClientSecret: is stored in plaintext; set it with `pulumi config set --secret dnsClientSecret` so it is encrypted",
    );
  });

  test("HTTP probes are refused with dns (the stamps only redirect plain HTTP)", () => {
    const raw = global(undefined);
    const tm = JSON.parse(raw.config[`${P}:trafficManager`]);
    raw.config[`${P}:trafficManager`] = JSON.stringify({
      ...tm,
      monitor: { ...tm.monitor, protocol: "HTTP", port: 80 },
    });
    expect(problemsOf("global", raw)).toContain(
      at(
        "trafficManager.monitor.protocol",
        "HTTP",
        "must be HTTPS when dns is set: the stamps answer plain HTTP with a redirect to https://ratings.contoso.com/ only",
      ),
    );
  });

  test("a host header other than the app's name is refused with dns", () => {
    const raw = global(undefined);
    const tm = JSON.parse(raw.config[`${P}:trafficManager`]);
    raw.config[`${P}:trafficManager`] = JSON.stringify({
      ...tm,
      monitor: { ...tm.monitor, hostHeader: "other.contoso.com" },
    });
    expect(problemsOf("global", raw)).toContain(
      at(
        "trafficManager.monitor.hostHeader",
        "other.contoso.com",
        "must be ratings.contoso.com (dns.appRecord.dns.zoneName), the name the stamps' certificate and routes are for; or leave it unset",
      ),
    );
  });

  test("the dns secret is refused on a stamp", () => {
    const raw = stamp();
    raw.config[`${P}:dnsClientSecret`] = "x";
    raw.secretKeys.push(`${P}:dnsClientSecret`);
    expect(problemsOf("seattle", raw)).toContain(
      "dnsClientSecret: is only used by global stacks, not by kind stamp",
    );
  });
});

describe("stamp certificates", () => {
  test("seattle: pinned cert-manager, Let's Encrypt", () => {
    const raw = stamp();
    const c = parseConfig("seattle", raw.config, raw.secretKeys).config as StampConfig;
    expect(c.certificates).toEqual({
      chart: "https://charts.jetstack.io",
      chartVersion: "v1.21.1",
      issuer: { type: "letsencrypt", email: "ops@contoso.com" },
    });
  });

  test("an internal ACME server with its CA bundle is accepted", () => {
    const raw = issuer({
      type: "acme",
      server: "https://acme.fabrikam.de/directory",
      email: "pki@fabrikam.de",
    });
    const c = parseConfig("seattle", raw.config, raw.secretKeys).config as StampConfig;
    expect(c.certificates?.issuer).toEqual({
      type: "acme",
      server: "https://acme.fabrikam.de/directory",
      email: "pki@fabrikam.de",
    });
  });

  test.each<[string, ReturnType<typeof stamp>, string]>([
    [
      "chart version without its v",
      certificates({ chartVersion: "1.21.1" }),
      at("certificates.chartVersion", "1.21.1", "must be an exact chart version such as v1.21.1"),
    ],
    [
      "archive of another version",
      certificates({ chart: "/charts/cert-manager-v1.20.0.tgz" }),
      at(
        "certificates.chart",
        "/charts/cert-manager-v1.20.0.tgz",
        'must be the archive of the pinned chart version, named "cert-manager-v1.21.1.tgz" (or set the chart version to the archive\'s)',
      ),
    ],
    [
      "image registry with a space",
      certificates({ imageRegistry: "registry local" }),
      at(
        "certificates.imageRegistry",
        "registry local",
        "must be a registry host with optional port and path, e.g. registry.contoso.local:5000/mirror",
      ),
    ],
    [
      "e-mail with a newline (YAML injection)",
      issuer({ type: "letsencrypt", email: "ops@contoso.com\nserver: https://evil" }),
      at(
        "certificates.issuer.email",
        "ops@contoso.com\nserver: https://evil",
        "must be an e-mail address such as ops@contoso.com",
      ),
    ],
    [
      "e-mail with shell",
      issuer({ type: "letsencrypt", email: "$(id)@contoso.com" }),
      at(
        "certificates.issuer.email",
        "$(id)@contoso.com",
        "must be an e-mail address such as ops@contoso.com",
      ),
    ],
    [
      "ACME server over http",
      issuer({ type: "acme", server: "http://acme.fabrikam.de/directory", email: "a@b.de" }),
      at(
        "certificates.issuer.server",
        "http://acme.fabrikam.de/directory",
        "must be an https:// URL of the ACME directory",
      ),
    ],
    [
      "chart digest not a SHA-256",
      certificates({ chartSha256: "sha256:ABC" }),
      at(
        "certificates.chartSha256",
        "sha256:ABC",
        "must be a SHA-256 as sha256sum prints it: 64 lowercase hex digits",
      ),
    ],
    [
      "ACME CA bundle that is no PEM certificate",
      issuer({
        type: "acme",
        server: "https://acme.fabrikam.de/directory",
        email: "a@b.de",
        caBundle: "not a certificate\nevil: x",
      }),
      at(
        "certificates.issuer.caBundle",
        "not a certificate\nevil: x",
        'must hold only PEM blocks, but line 1 is neither a BEGIN line nor blank; remove any text outside the blocks (such as openssl\'s "Bag Attributes")',
      ),
    ],
    [
      "CA secret name with a slash",
      issuer({ type: "ca", caSecretName: "../ca" }),
      at("certificates.issuer.caSecretName", "../ca", "must be a Kubernetes Secret name"),
    ],
  ])("refused: %s", (_name, raw, problem) => {
    expect(problemsOf("seattle", raw)).toContain(problem);
  });

  test("a pull secret in plaintext is refused, without echoing it", () => {
    const problems = problemsOf("seattle", certificates({ imagePullSecret: '{"auths":{}}' }));
    expect(problems).toContain(
      "certificates.imagePullSecret: is stored in plaintext; set it with `pulumi config set --secret --path certificates.imagePullSecret < config.json` so it is encrypted",
    );
    expect(problems.join("\n")).not.toContain("auths");
  });

  test("munich: mirrored chart and images with a pull secret, internal CA", () => {
    const raw = readStackFile("munich", "secret-value");
    const c = parseConfig("munich", raw.config, raw.secretKeys).config as StampConfig;
    expect(c.certificates?.issuer).toEqual({ type: "ca", caSecretName: "fabrikam-ca" });
    expect(c.certificates?.imageRegistry).toBe("registry.fabrikam.de/quay");
    expect(c.certificates?.imagePullSecret?.reveal()).toBeDefined();
  });

  test("an unknown issuer type is refused naming the key", () => {
    const problems = problemsOf("seattle", issuer({ type: "selfsigned" }));
    expect(problems.some((p) => p.startsWith("certificates.issuer.type:"))).toBe(true);
  });

  test("certificates without ingress.hostname is refused", () => {
    const raw = stamp();
    const ingress = JSON.parse(raw.config[`${P}:ingress`]);
    delete ingress.hostname;
    raw.config[`${P}:ingress`] = JSON.stringify(ingress);
    expect(problemsOf("seattle", raw)).toContain(
      "certificates: needs ingress.hostname, the shared name the certificate is for (<dns.appRecord>.<dns.zoneName> of the global stack)",
    );
  });
});
