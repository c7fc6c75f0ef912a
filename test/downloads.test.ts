/**
 * lib/downloads.ts: what a pinned download source may be and the refusals naming the config keys.
 * Pure, no I/O (test/downloadsHttps.test.ts fetches over a real loopback https server).
 */
import {
  cachePath,
  chartPinInput,
  digestProblem,
  downloadUrlProblem,
  pinnedSource,
  type PinInput,
} from "../lib/downloads";
import { ingressSchema } from "../config/inCluster";

const DIGEST = "a".repeat(64);
const crds = (source: string, sha256: string | undefined = DIGEST): PinInput => ({
  key: "ingress.gatewayApiCrds",
  digestKey: "ingress.gatewayApiCrdsSha256",
  source,
  sha256,
  kind: "manifest",
});

describe("downloadUrlProblem", () => {
  it.each([
    "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml",
    "https://mirror.fabrikam.de:8443/gateway-api/v1.4.1/standard-install.yaml",
    "https://10.0.0.5/charts/kured-6.1.0.tgz",
  ])("accepts %s", (url) => expect(downloadUrlProblem(url)).toBeUndefined());

  // Hostile and unsafe sources, each with the part of the refusal that says why.
  it.each<[string, RegExp]>([
    ["http://mirror.fabrikam.de/standard-install.yaml", /plain http is refused/],
    ["HTTP://mirror.fabrikam.de/standard-install.yaml", /plain http is refused/],
    ["file:///etc/passwd.yaml", /must be an https:\/\/ URL/],
    ["ftp://mirror/a.yaml", /must be an https:\/\/ URL/],
    ["oci://ghcr.io/nginx/charts/x.tgz", /must be an https:\/\/ URL/],
    ["//mirror/a.yaml", /must be an https:\/\/ URL/],
    ["https://user:pass@mirror.fabrikam.de/a.yaml", /must not contain credentials/],
    ["https://token@mirror.fabrikam.de/a.yaml", /must not contain credentials/],
    ["https://mirror/a.yaml\r\nX-Injected: 1", /only URL characters/],
    ["https://mirror/a.yaml\n", /only URL characters/],
    ["https://mirror/$(reboot).yaml", /only URL characters/],
    ["https://mirror/`reboot`.yaml", /only URL characters/],
    ["https://mirror/a.yaml;reboot", /only URL characters/],
    ["https://mirror/a b.yaml", /only URL characters/],
    ["https://mirror/a'.yaml", /only URL characters/],
    ['https://mirror/a".yaml', /only URL characters/],
    ["https://mirror/a\\b.yaml", /only URL characters/],
    ["https://mirror/a\u2028.yaml", /only URL characters/],
    ["https://mirror/a\u0085.yaml", /only URL characters/],
    ["https://[::1]/a.yaml", /no IPv6 literal/],
    ["https://[fe80::1%25eth0]/a.yaml", /only URL characters|no IPv6 literal|valid URL/],
    ["https://mirror/a.yaml?x=1", /query string or fragment/],
    ["https://mirror/a.yaml#frag", /query string or fragment/],
    ["https:///a.yaml", /valid URL|must name a host/],
    [`https://mirror/${"a".repeat(2100)}.yaml`, /at most 2048/],
  ])("refuses %j", (url, why) => expect(downloadUrlProblem(url)).toMatch(why));
});

describe("digestProblem", () => {
  it("accepts sha256sum's output", () => expect(digestProblem("0f".repeat(32))).toBeUndefined());
  it.each([
    "",
    "A".repeat(64),
    "a".repeat(63),
    "a".repeat(65),
    `${"a".repeat(63)}g`,
    `${"a".repeat(64)}\n`,
    `sha256:${"a".repeat(64)}`,
  ])("refuses %j", (d) => expect(digestProblem(d)).toMatch(/64 lowercase hex digits/));
});

describe("pinnedSource", () => {
  it("pins an https manifest to a stable relative cache path", () => {
    const url = "https://mirror.fabrikam.de/gateway-api/v1.4.1/standard-install.yaml";
    expect(pinnedSource(crds(url))).toEqual({
      kind: "https",
      url,
      sha256: DIGEST,
      cachePath: `.cache/downloads/${DIGEST}/standard-install.yaml`,
    });
    expect(cachePath(DIGEST, "https://m/charts/kured-6.1.0.tgz")).toBe(
      `.cache/downloads/${DIGEST}/kured-6.1.0.tgz`,
    );
  });

  it("pins a local file by digest too", () => {
    expect(pinnedSource(crds("manifests/standard-install.yaml"))).toEqual({
      kind: "file",
      path: "manifests/standard-install.yaml",
      sha256: DIGEST,
    });
  });

  it("refuses an unset digest, naming the key and the command that computes it", () => {
    const url = "https://mirror.fabrikam.de/standard-install.yaml";
    expect(pinnedSource({ ...crds(url), sha256: undefined })).toEqual({
      problem: `ingress.gatewayApiCrdsSha256 is not set: ingress.gatewayApiCrds (${url}) is verified against it before use; compute it with \`curl -fsSL '${url}' | sha256sum\` and set ingress.gatewayApiCrdsSha256`,
    });
  });

  it.each<[string, string | undefined, RegExp]>([
    [
      "http://mirror/standard-install.yaml",
      DIGEST,
      /^ingress\.gatewayApiCrds: "http:.*plain http is refused/,
    ],
    [
      "https://mirror/standard-install.json",
      DIGEST,
      /^ingress\.gatewayApiCrds: .*must name a \.yaml or \.yml file/,
    ],
    ["a'$(reboot).yaml", DIGEST, /^ingress\.gatewayApiCrds: .*must be a plain path/],
    ["a\n.yaml", DIGEST, /^ingress\.gatewayApiCrds: .*must be a plain path/],
    [
      "https://mirror/standard-install.yaml",
      "XYZ",
      /^ingress\.gatewayApiCrdsSha256: "XYZ" must be a SHA-256/,
    ],
  ])("refuses %j (digest %j) naming the key", (source, sha, why) => {
    const out = pinnedSource(crds(source, sha));
    expect("problem" in out && out.problem).toMatch(why);
  });
});

describe("chartPinInput", () => {
  it.each([
    "oci://ghcr.io/nginx/charts/nginx-gateway-fabric",
    "https://fluent.github.io/helm-charts",
  ])("refuses %s: the provider's Helm would fetch it unverified", (source) => {
    const out = chartPinInput("monitoring.fluentBit.chart", source, DIGEST);
    expect("problem" in out && out.problem).toMatch(
      /^monitoring\.fluentBit\.chart: .*cannot be verified by digest; .*monitoring\.fluentBit\.chartSha256/,
    );
  });

  it("pins an https archive, with the digest key next to the chart key", () => {
    const source = "https://mirror.fabrikam.de/charts/kured-6.1.0.tgz";
    const input = chartPinInput("nodeReboots.chart", source, DIGEST) as PinInput;
    expect(input.digestKey).toBe("nodeReboots.chartSha256");
    expect(pinnedSource(input)).toMatchObject({
      kind: "https",
      cachePath: `.cache/downloads/${DIGEST}/kured-6.1.0.tgz`,
    });
  });
});

describe("config keys", () => {
  const issues = (ingress: Record<string, unknown>) => {
    const r = ingressSchema.safeParse(ingress);
    return r.success ? [] : r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`);
  };

  it("accepts a digest and refuses a malformed one naming the key", () => {
    expect(issues({ gatewayApiCrdsSha256: DIGEST, chartSha256: DIGEST })).toEqual([]);
    expect(issues({ gatewayApiCrdsSha256: "abc", chartSha256: DIGEST.toUpperCase() })).toEqual([
      "chartSha256: must be a SHA-256 as sha256sum prints it: 64 lowercase hex digits",
      "gatewayApiCrdsSha256: must be a SHA-256 as sha256sum prints it: 64 lowercase hex digits",
    ]);
  });
});
