/**
 * `<section>.imagePullSecret` (config/pullSecrets.ts): only ever a secret, only a usable docker
 * config JSON, never shown in a problem, and a `Secret` in the parsed config.
 */
import { parseConfig, Secret, StampConfig } from "../../config";
import { PLACEHOLDER_DOCKER_CONFIG } from "../../lib/pullSecrets";
import { readStackFile } from "../stackFiles";
import { P, problemsOf, stamp } from "./support";

const AUTH = Buffer.from("robot:pa55word-in-config").toString("base64");
const GOOD = JSON.stringify({ auths: { "registry.fabrikam.de": { auth: AUTH } } });

/** The seattle example with `section.imagePullSecret` set, the section marked secret or not. */
function withPullSecret(section: string, value: unknown, secret = true) {
  const raw = stamp({ [section]: { imagePullSecret: value } });
  if (secret) raw.secretKeys.push(`${P}:${section}`);
  return raw;
}

const HOW =
  "create one with `kubectl create secret docker-registry x --docker-server=<registry> --docker-username=<user> --docker-password-stdin --dry-run=client -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d`";
const SECTIONS = ["app", "ingress", "monitoring", "nodeReboots", "certificates"];

describe.each(SECTIONS)("%s.imagePullSecret", (section) => {
  const key = `${section}.imagePullSecret`;

  test("a docker config JSON set as a secret becomes a Secret that never prints itself", () => {
    const raw = withPullSecret(section, GOOD);
    const c = parseConfig("seattle", raw.config, raw.secretKeys).config as StampConfig;
    const value = (c as unknown as Record<string, { imagePullSecret: Secret }>)[section]
      .imagePullSecret;
    expect(value).toBeInstanceOf(Secret);
    expect(value.reveal()).toBe(GOOD);
    expect(JSON.stringify(c)).not.toContain(AUTH);
  });

  test("the same JSON reaching the program already parsed is accepted", () => {
    const raw = withPullSecret(section, JSON.parse(GOOD));
    expect(problemsOf("seattle", raw)).toEqual([]);
  });

  const rows: [string, unknown, string][] = [
    [
      "not JSON",
      "robot:pa55word",
      `must be a docker config JSON ({"auths": {"<registry>": {"auth": "<base64 user:password>"}}}) but is not JSON; ${HOW}`,
    ],
    [
      "JSON without auths",
      JSON.stringify({ credsStore: "desktop" }),
      `must be a docker config JSON with an "auths" object ({"auths": {"<registry>": {...}}}); ${HOW}`,
    ],
    [
      "auths not an object",
      JSON.stringify({ auths: ["registry.fabrikam.de"] }),
      `must be a docker config JSON with an "auths" object ({"auths": {"<registry>": {...}}}); ${HOW}`,
    ],
    [
      "empty auths (credential helper)",
      JSON.stringify({ auths: {}, credsStore: "desktop" }),
      `has an empty "auths" object (a config.json that delegates to a credential helper holds no credentials the kubelet can use); ${HOW}`,
    ],
    [
      "registry without credentials",
      JSON.stringify({ auths: { "registry.fabrikam.de": {} } }),
      `has a registry in "auths" without credentials (an "auth", "username" and "password", or "identitytoken" string); ${HOW}`,
    ],
    [
      "username without password",
      JSON.stringify({ auths: { "r.io": { username: "robot" } } }),
      `has a registry in "auths" without credentials (an "auth", "username" and "password", or "identitytoken" string); ${HOW}`,
    ],
    [
      "hostile registry key",
      JSON.stringify({ auths: { "r.io\n- name: x": { auth: AUTH } } }),
      `has an "auths" key that is not a registry host (such as registry.contoso.com:5000); ${HOW}`,
    ],
    [
      "registry key with a space",
      JSON.stringify({ auths: { "r.io $(reboot)": { auth: AUTH } } }),
      `has an "auths" key that is not a registry host (such as registry.contoso.com:5000); ${HOW}`,
    ],
    [
      "a number",
      42,
      `must be a docker config JSON (pulumi config set --secret --path ${key} < config.json)`,
    ],
  ];
  test.each(rows)("refused: %s, without showing the value", (_what, value, message) => {
    const problems = problemsOf("seattle", withPullSecret(section, value));
    expect(problems).toEqual([`${key}: [secret] ${message}`]);
    expect(problems.join("\n")).not.toContain(AUTH);
  });

  test("refused in plaintext (its section not secret), without showing the value", () => {
    const problems = problemsOf("seattle", withPullSecret(section, GOOD, false));
    expect(problems).toEqual([
      `${key}: is stored in plaintext; set it with \`pulumi config set --secret --path ${key} < config.json\` so it is encrypted`,
    ]);
  });
});

test("monitoring.imagePullSecret is refused with containerInsights (its chart takes none) and none", () => {
  for (const mode of ["containerInsights", "none"]) {
    const raw = stamp({ monitoring: { mode, imagePullSecret: GOOD } });
    raw.secretKeys.push(`${P}:monitoring`);
    expect(problemsOf("seattle", raw)).toEqual([
      'monitoring.imagePullSecret: "[secret]" is only used with mode fluentBit: the azuremonitor-containers chart has no imagePullSecrets value (mirror its image to a registry the nodes pull from without credentials), and mode none pulls nothing',
    ]);
  }
});

test("app.imagePullSecret is taken by the local stack too; the stamp-only sections are not", () => {
  const local = (section: string) => ({
    config: {
      [`${P}:kind`]: "local",
      [`${P}:${section}`]: JSON.stringify({ imagePullSecret: GOOD }),
    },
    secretKeys: [`${P}:${section}`],
  });
  expect(problemsOf("local", local("app"))).toEqual([]);
  expect(problemsOf("local", local("ingress"))).toEqual([
    "ingress: is not a known key (typo?); remove it or see the config reference in README.md",
  ]);
});

test("the shipped munich example sets all three as secrets; seattle sets none", () => {
  const munich = readStackFile("munich");
  const c = parseConfig("munich", munich.config, munich.secretKeys).config as StampConfig;
  for (const section of ["app", "ingress", "monitoring"] as const) {
    expect(munich.secretKeys).toContain(`${P}:${section}`);
    expect(c[section].imagePullSecret?.reveal()).toBe(PLACEHOLDER_DOCKER_CONFIG);
  }
  const seattle = readStackFile("seattle");
  expect(seattle.secretKeys).not.toContain(`${P}:app`);
});
