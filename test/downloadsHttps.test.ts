/**
 * stacks/downloads.ts over a real TLS stack: openssl issues a throw-away CA and a certificate for
 * 127.0.0.1, a loopback `https` server serves a manifest and a chart archive, and the program's
 * downloader trusts that CA through its `ca` option (the same option a mirror's private CA uses).
 * Nothing here talks to the internet; the server is the stand-in for a mirror.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { PinInput } from "../lib/downloads";
import { resolvePinned } from "../stacks/downloads";
import { startHttpsMirror, type HttpsMirror } from "./support/httpsMirror";

const MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pinned\n";
const ARCHIVE = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5]);
const sha = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");

let mirror: HttpsMirror;
let base: string;
let ca: string;
let root: string;
let requests: string[];

beforeAll(async () => {
  mirror = await startHttpsMirror({
    "/standard-install.yaml": MANIFEST,
    "/charts/kured-6.1.0.tgz": ARCHIVE,
    "/moved.yaml": { redirect: "/standard-install.yaml" },
    "/to-http.yaml": { redirect: "http://127.0.0.1:1/standard-install.yaml" },
  });
  ({ base, ca, requests } = mirror);
});
afterAll(() => mirror.close());

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pins-root-"));
  requests.length = 0;
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const crds = (source: string, sha256?: string): PinInput => ({
  key: "ingress.gatewayApiCrds",
  digestKey: "ingress.gatewayApiCrdsSha256",
  source,
  sha256,
  kind: "manifest",
});
const cached = (p: string) => fs.readFileSync(path.join(root, p));

describe("resolvePinned over https", () => {
  it("fetches, verifies and caches a manifest and a chart archive under stable relative paths", async () => {
    const chart: PinInput = {
      key: "nodeReboots.chart",
      digestKey: "nodeReboots.chartSha256",
      source: `${base}/charts/kured-6.1.0.tgz`,
      sha256: sha(ARCHIVE),
      kind: "chart",
    };
    const paths = await resolvePinned(
      [crds(`${base}/standard-install.yaml`, sha(MANIFEST)), chart],
      {
        root,
        ca,
      },
    );
    expect(paths).toEqual([
      `.cache/downloads/${sha(MANIFEST)}/standard-install.yaml`,
      `.cache/downloads/${sha(ARCHIVE)}/kured-6.1.0.tgz`,
    ]);
    expect(cached(paths[0]).toString()).toBe(MANIFEST);
    expect(cached(paths[1]).equals(ARCHIVE)).toBe(true);
    expect(fs.readdirSync(path.join(root, ".cache/downloads")).sort()).toEqual(
      [sha(MANIFEST), sha(ARCHIVE)].sort(),
    );
  });

  it("serves a verified cache entry without fetching, and refetches one that was tampered with", async () => {
    const input = crds(`${base}/standard-install.yaml`, sha(MANIFEST));
    const [p] = await resolvePinned([input], { root, ca });
    expect(requests).toEqual(["/standard-install.yaml"]);
    await resolvePinned([input], { root, ca });
    expect(requests).toEqual(["/standard-install.yaml"]);
    fs.writeFileSync(path.join(root, p), "kind: Evil\n");
    await resolvePinned([input], { root, ca });
    expect(requests).toEqual(["/standard-install.yaml", "/standard-install.yaml"]);
    expect(cached(p).toString()).toBe(MANIFEST);
  });

  it("follows a redirect to another https URL", async () => {
    const [p] = await resolvePinned([crds(`${base}/moved.yaml`, sha(MANIFEST))], { root, ca });
    expect(cached(p).toString()).toBe(MANIFEST);
    expect(requests).toEqual(["/moved.yaml", "/standard-install.yaml"]);
  });

  it("refuses a mismatch naming the key and both digests, and caches nothing", async () => {
    const wrong = "0".repeat(64);
    const url = `${base}/standard-install.yaml`;
    await expect(resolvePinned([crds(url, wrong)], { root, ca })).rejects.toThrow(
      `ingress.gatewayApiCrdsSha256: ${url} has SHA-256 ${sha(MANIFEST)}, expected ${wrong}; refused`,
    );
    expect(fs.existsSync(path.join(root, ".cache"))).toBe(false);
  });

  it("refuses http:// before any request, naming the key", async () => {
    const url = base.replace("https:", "http:") + "/standard-install.yaml";
    await expect(resolvePinned([crds(url, sha(MANIFEST))], { root, ca })).rejects.toThrow(
      /ingress\.gatewayApiCrds: "http:.*plain http is refused/,
    );
    expect(requests).toEqual([]);
  });

  it("refuses a redirect to http", async () => {
    await expect(
      resolvePinned([crds(`${base}/to-http.yaml`, sha(MANIFEST))], { root, ca }),
    ).rejects.toThrow(
      /ingress\.gatewayApiCrds: downloading .* failed: redirected to http:.*plain http is refused/,
    );
  });

  it("refuses an unset digest before any request, with the command that computes it", async () => {
    await expect(
      resolvePinned([crds(`${base}/standard-install.yaml`)], { root, ca }),
    ).rejects.toThrow(/ingress\.gatewayApiCrdsSha256 is not set: .*curl -fsSL '.*' \| sha256sum/);
    expect(requests).toEqual([]);
  });

  it("reports a 404 and a server it does not trust as download failures naming the key", async () => {
    await expect(
      resolvePinned([crds(`${base}/missing.yaml`, sha(MANIFEST))], { root, ca }),
    ).rejects.toThrow(/ingress\.gatewayApiCrds: downloading .*missing\.yaml failed: HTTP 404/);
    await expect(
      resolvePinned([crds(`${base}/standard-install.yaml`, sha(MANIFEST))], { root }),
    ).rejects.toThrow(
      /ingress\.gatewayApiCrds: downloading .* failed: .*(self-signed|certificate)/i,
    );
  });

  it("reports a server that is down", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await expect(
      resolvePinned([crds(`https://127.0.0.1:${port}/standard-install.yaml`, sha(MANIFEST))], {
        root,
        ca,
        timeoutMs: 5000,
      }),
    ).rejects.toThrow(/ingress\.gatewayApiCrds: downloading .* failed: .*ECONNREFUSED/);
  });

  it("verifies a local file by digest", async () => {
    fs.writeFileSync(path.join(root, "crds.yaml"), MANIFEST);
    await expect(resolvePinned([crds("crds.yaml", sha(MANIFEST))], { root })).resolves.toEqual([
      "crds.yaml",
    ]);
    await expect(resolvePinned([crds("crds.yaml", "1".repeat(64))], { root })).rejects.toThrow(
      `ingress.gatewayApiCrdsSha256: crds.yaml has SHA-256 ${sha(MANIFEST)}, expected ${"1".repeat(64)}`,
    );
  });
});
