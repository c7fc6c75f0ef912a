/** The pure pull secret rules (lib/pullSecrets.ts): checks, chart values, stack file secrets. */
import {
  dockerConfigProblem,
  PLACEHOLDER_DOCKER_CONFIG,
  pullSecretValues,
  replaceNestedSecrets,
  withPullSecret,
} from "../lib/pullSecrets";
import { ngfValues } from "../lib/ingress";

const auth = Buffer.from("robot:pw").toString("base64");

test("usable docker configs: auth, username+password, identitytoken; https keys and ports", () => {
  for (const entry of [{ auth }, { username: "robot", password: "pw" }, { identitytoken: "t" }]) {
    expect(
      dockerConfigProblem(JSON.stringify({ auths: { "r.example:5000": entry } })),
    ).toBeUndefined();
  }
  const text = JSON.stringify({
    auths: { "https://index.docker.io/v1/": { auth }, "Registry.Fabrikam.de:5000": { auth } },
  });
  expect(dockerConfigProblem(text)).toBeUndefined();
  expect(dockerConfigProblem(PLACEHOLDER_DOCKER_CONFIG)).toBeUndefined();
});

test("no problem message quotes the value", () => {
  const secret = "sup3r-s3cret";
  for (const text of [
    secret,
    JSON.stringify({ auths: { [secret + " x"]: { auth } } }),
    JSON.stringify({ auths: { "r.io": { password: secret } } }),
    JSON.stringify({ credsStore: secret }),
  ]) {
    const problem = dockerConfigProblem(text);
    expect(problem).toBeDefined();
    expect(problem).not.toContain(secret);
  }
});

describe("chart values", () => {
  test("NGF: the control plane's ServiceAccount and the data plane (--nginx-docker-secret)", () => {
    const base = ngfValues({ chartVersion: "2.4.2" });
    const v = withPullSecret("nginx-gateway-fabric", base, "image-pull-secret");
    expect(v.nginxGateway).toEqual({
      ...base.nginxGateway,
      serviceAccount: { imagePullSecret: "image-pull-secret" },
    });
    expect(v.nginx).toEqual({ ...base.nginx, imagePullSecret: "image-pull-secret" });
    expect(v.certGenerator).toBe(base.certGenerator);
    // the input is not modified
    expect(JSON.stringify(base)).not.toContain("imagePullSecret");
  });

  test("Fluent Bit and kured: a list of names in the pod spec; kured keeps its image pins", () => {
    expect(pullSecretValues("fluent-bit", "s")).toEqual({ imagePullSecrets: [{ name: "s" }] });
    const kured = withPullSecret("kured", { image: { repository: "r", tag: "t" } }, "s");
    expect(kured).toEqual({ image: { repository: "r", tag: "t", pullSecrets: [{ name: "s" }] } });
  });

  test("without a pull secret the values are returned as they are", () => {
    const base = { a: 1 };
    expect(withPullSecret("fluent-bit", base, undefined)).toBe(base);
  });
});

test("replaceNestedSecrets: nested secure values replaced, the key reported secret", () => {
  expect(
    replaceNestedSecrets({ a: "x", b: { secure: "v1:..." }, c: [{ secure: "v1:..." }] }, "P"),
  ).toEqual({ value: { a: "x", b: "P", c: ["P"] }, secret: true });
  expect(replaceNestedSecrets({ a: { b: "x", secure: "y" } }, "P")).toEqual({
    value: { a: { b: "x", secure: "y" } },
    secret: false,
  });
});
