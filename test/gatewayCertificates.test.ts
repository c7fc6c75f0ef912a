import { installMocks, Recorded, resolve, settle, unwrapSecret } from "./mocks";

const pem = (kind: string, body: string) =>
  `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----\n`;

// What the tls provider would return: PEMs that name the resource they came from, so a test can
// tell which key or certificate went where.
const recorded: Recorded[] = installMocks({
  outputs: {
    "tls:index/privateKey:PrivateKey": (a) => ({ privateKeyPem: pem("RSA PRIVATE KEY", a.name) }),
    "tls:index/selfSignedCert:SelfSignedCert": (a) => ({ certPem: pem("CERTIFICATE", a.name) }),
    "tls:index/certRequest:CertRequest": (a) => ({
      certRequestPem: pem("CERTIFICATE REQUEST", a.name),
    }),
    "tls:index/locallySignedCert:LocallySignedCert": (a) => ({
      certPem: pem("CERTIFICATE", a.name),
    }),
  },
});

// Imported after the mocks are installed.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GatewayCertificates } from "../components/gatewayCertificates";
import * as g from "../lib/gatewayCertificates";

describe("naming, as NGF 2.4.2's chart and generator derive it", () => {
  test.each([
    // release, full name (the control plane Service)
    ["ngf", "ngf-nginx-gateway-fabric"],
    ["nginx-gateway-fabric", "nginx-gateway-fabric"],
    ["prod-nginx-gateway-fabric", "prod-nginx-gateway-fabric"],
    ["x".repeat(60), "x".repeat(60) + "-ng"],
    // Cut at 63 characters, trailing dash removed.
    ["y".repeat(43), "y".repeat(43) + "-nginx-gateway-fabri"],
    ["z".repeat(41), "z".repeat(41) + "-nginx-gateway-fabric"],
    ["w".repeat(62) + "-", "w".repeat(62)],
  ])("release %s -> %s", (release, fullname) => {
    expect(g.chartFullname(release)).toBe(fullname);
    expect(g.chartFullname(release).length).toBeLessThanOrEqual(63);
  });

  test("server DNS name: <fullname>.<namespace>.svc; agent: *.<cluster domain>", () => {
    const opts = { release: "ngf", namespace: "nginx-gateway" };
    expect(g.leafDnsNames("server", opts)).toEqual(["ngf-nginx-gateway-fabric.nginx-gateway.svc"]);
    expect(g.leafDnsNames("agent", opts)).toEqual(["*.cluster.local"]);
    expect(g.leafDnsNames("agent", { ...opts, clusterDomain: "k8s.fabrikam.de" })).toEqual([
      "*.k8s.fabrikam.de",
    ]);
  });

  test("the chart's cert generator is off and points at the program's Secrets", () => {
    expect(g.certGeneratorValues()).toEqual({
      enable: false,
      serverTLSSecretName: "server-tls",
      agentTLSSecretName: "agent-tls",
    });
  });

  test("validity: CA 3 years renewed 90 days early, leaves 1 year renewed 30 days early", () => {
    expect(g.CERT_VALIDITY).toEqual({
      ca: { validityPeriodHours: 26280, earlyRenewalHours: 2160 },
      leaf: { validityPeriodHours: 8760, earlyRenewalHours: 720 },
    });
    // Each window is well inside the lifetime (under half), else every `pulumi up` would re-issue.
    for (const v of Object.values(g.CERT_VALIDITY)) {
      expect(v.earlyRenewalHours).toBeLessThan(v.validityPeriodHours / 2);
    }
  });
});

describe("GatewayCertificates under mocks", () => {
  let component: GatewayCertificates;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const inputs = (x: Recorded) => x.inputs as any;
  const one = (type: string, name: string) => {
    const found = recorded.find((x) => x.type === type && x.name === name);
    if (!found)
      throw new Error(`no ${type} ${name}; have ${recorded.map((x) => x.name).join(", ")}`);
    return found;
  };
  const SECRET = "kubernetes:core/v1:Secret";

  beforeAll(async () => {
    const provider = new k8s.Provider("test", { kubeconfig: "{}" });
    // The namespace arrives as an output, as Ingress passes it (namespace.metadata.name).
    component = new GatewayCertificates(
      "certs",
      { namespace: pulumi.output("nginx-gateway"), releaseName: "ngf", stamp: "seattle" },
      { providers: { kubernetes: provider } },
    );
    await resolve(component.caCertPem);
    await settle();
  });

  test("a CA, a server and a client certificate, each with its own key, and two Secrets", () => {
    expect(
      recorded
        .filter((x) => !x.type.startsWith("pulumi:providers"))
        .map((x) => `${x.type.split(":").pop()} ${x.name}`)
        .sort(),
    ).toEqual(
      [
        "GatewayCertificates certs",
        "PrivateKey certs-ca-key",
        "SelfSignedCert certs-ca",
        "PrivateKey certs-server-key",
        "CertRequest certs-server-csr",
        "LocallySignedCert certs-server",
        "Secret certs-server-secret",
        "PrivateKey certs-agent-key",
        "CertRequest certs-agent-csr",
        "LocallySignedCert certs-agent",
        "Secret certs-agent-secret",
      ].sort(),
    );
    for (const key of ["certs-ca-key", "certs-server-key", "certs-agent-key"]) {
      expect(inputs(one("tls:index/privateKey:PrivateKey", key))).toEqual({
        algorithm: "RSA",
        rsaBits: 2048,
      });
    }
  });

  test("the CA is a CA, signed by its own key, with the CA validity", () => {
    const ca = inputs(one("tls:index/selfSignedCert:SelfSignedCert", "certs-ca"));
    expect(ca.isCaCertificate).toBe(true);
    expect(unwrapSecret(ca.privateKeyPem).value).toBe(pem("RSA PRIVATE KEY", "certs-ca-key"));
    expect(ca.allowedUses).toEqual(["cert_signing", "digital_signature", "key_encipherment"]);
    expect([ca.validityPeriodHours, ca.earlyRenewalHours]).toEqual([26280, 2160]);
  });

  test.each([
    ["server", ["ngf-nginx-gateway-fabric.nginx-gateway.svc"], "server_auth"],
    ["agent", ["*.cluster.local"], "client_auth"],
  ])("%s: SANs %j, %s, own key, signed by the CA", (id, sans, usage) => {
    const csr = inputs(one("tls:index/certRequest:CertRequest", `certs-${id}-csr`));
    expect(csr.dnsNames).toEqual(sans);
    expect(unwrapSecret(csr.privateKeyPem).value).toBe(pem("RSA PRIVATE KEY", `certs-${id}-key`));
    const cert = inputs(one("tls:index/locallySignedCert:LocallySignedCert", `certs-${id}`));
    expect(cert.certRequestPem).toBe(pem("CERTIFICATE REQUEST", `certs-${id}-csr`));
    expect(cert.caCertPem).toBe(pem("CERTIFICATE", "certs-ca"));
    expect(unwrapSecret(cert.caPrivateKeyPem).value).toBe(pem("RSA PRIVATE KEY", "certs-ca-key"));
    expect(cert.allowedUses).toEqual(["digital_signature", "key_encipherment", usage]);
    expect([cert.validityPeriodHours, cert.earlyRenewalHours]).toEqual([8760, 720]);
  });

  test.each([
    ["server", "server-tls"],
    ["agent", "agent-tls"],
  ])(
    "%s Secret: %s in nginx-gateway, kubernetes.io/tls, ca.crt + tls.crt + tls.key, key secret",
    (id, name) => {
      const secret = inputs(one(SECRET, `certs-${id}-secret`));
      expect(secret.metadata.name).toBe(name);
      expect(secret.metadata.namespace).toBe("nginx-gateway");
      expect(secret.type).toBe("kubernetes.io/tls");
      expect(secret.data).toBeUndefined();
      const data = unwrapSecret<Record<string, unknown>>(secret.stringData).value;
      expect(Object.keys(data).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
      expect(unwrapSecret(data["ca.crt"])).toEqual({
        value: pem("CERTIFICATE", "certs-ca"),
        secret: false,
      });
      expect(unwrapSecret(data["tls.crt"]).value).toBe(pem("CERTIFICATE", `certs-${id}`));
      // The private key reaches the engine marked secret (the SDK marks PrivateKey.privateKeyPem
      // secret, and the component marks it again so a refactoring cannot lose it).
      const key = unwrapSecret(data["tls.key"]);
      const whole = unwrapSecret(secret.stringData);
      expect({ value: key.value, secret: key.secret || whole.secret }).toEqual({
        value: pem("RSA PRIVATE KEY", `certs-${id}-key`),
        secret: true,
      });
    },
  );

  test("the component exposes both Secrets, server first, and the CA", async () => {
    expect(component.secrets).toHaveLength(2);
    expect((await resolve(component.secrets[0].metadata.name)).value).toBe("server-tls");
    expect((await resolve(component.secrets[1].metadata.name)).value).toBe("agent-tls");
    expect((await resolve(component.caCertPem)).value).toBe(pem("CERTIFICATE", "certs-ca"));
  });
});
