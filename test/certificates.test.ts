/** The pure TLS values of lib/certificates.ts: issuer specs, and no change without TLS. */
import * as c from "../lib/certificates";

const DNS = {
  subscriptionId: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
  resourceGroupName: "rg-global",
  hostedZoneName: "contoso.com",
  tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
  clientId: "4d6f8a0c-2e4a-4b6d-8f0a-1c3e5a7c9e21",
};

test("an internal ACME server: its directory, and its CA bundle base64-encoded as cert-manager takes it", () => {
  const pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  const spec = c.clusterIssuerSpec(
    {
      type: "acme",
      server: "https://acme.fabrikam.de/directory",
      email: "pki@fabrikam.de",
      caBundle: pem,
    },
    DNS,
  );
  expect(spec).toMatchObject({
    acme: {
      server: "https://acme.fabrikam.de/directory",
      caBundle: Buffer.from(pem).toString("base64"),
      solvers: [{ dns01: { azureDNS: { hostedZoneName: "contoso.com", tenantID: DNS.tenantId } } }],
    },
  });
});

test("a CA issuer uses no DNS credential", () => {
  expect(c.clusterIssuerSpec({ type: "ca", caSecretName: "fabrikam-ca" }, DNS)).toEqual({
    ca: { secretName: "fabrikam-ca" },
  });
  expect(c.usesAzureDns({ type: "ca", caSecretName: "x" })).toBe(false);
  expect(c.usesAzureDns({ type: "letsencrypt", email: "a@b.de" })).toBe(true);
});

test("without TLS the ingress settings and route namespaces stay exactly as configured", () => {
  const ingress = { hostname: "ratings.contoso.com", chart: "x" };
  const out = c.tlsIngress(ingress, false, ["ratings"]);
  expect(out.ingress).toBe(ingress);
  expect(out).toEqual({ ingress, routeNamespaces: ["ratings"] });
  const noHost: { hostname?: string; chart: string } = { chart: "x" };
  expect(c.tlsIngress(noHost, true, ["ratings"]).hostname).toBeUndefined();
});

test("with TLS: the Certificate's Secret on the listener, the Gateway's namespace may attach the redirect", () => {
  expect(c.tlsIngress({ hostname: "ratings.contoso.com" }, true, ["ratings"])).toEqual({
    ingress: { hostname: "ratings.contoso.com", tlsSecretName: "ratings-tls" },
    routeNamespaces: ["ratings", "nginx-gateway"],
    hostname: "ratings.contoso.com",
  });
  const own = c.tlsIngress({ hostname: "a.b.com", tlsSecretName: "mine" }, true, []);
  expect(own.ingress.tlsSecretName).toBe("mine");
});

test("the chart values: CRDs with the chart and kept, no hook Job, mirror only when set", () => {
  expect(c.certManagerValues({})).not.toHaveProperty("imageRegistry");
  expect(c.certManagerValues({ imageRegistry: "m.local/quay" })).toMatchObject({
    imageRegistry: "m.local/quay",
    crds: { enabled: true, keep: true },
    startupapicheck: { enabled: false },
  });
});
