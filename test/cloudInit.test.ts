/**
 * The helper VM's cloud-init: rendered from config, secret-free, and its bootstrap script run for
 * real (curl over file:// URLs into a scratch prefix) to prove the checksum refusal.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
  BOOTSTRAP_MARKER,
  bootstrapSettings,
  renderBootstrapScript,
  renderCloudInit,
} from "../lib/cloudInit";
import { stampConfig } from "./stampConfigs";

const seattle = stampConfig("seattle", {}, "sp-secret-value");
const munich = stampConfig("munich", {}, "sp-secret-value");

describe("rendered cloud-init", () => {
  const doc = parse(renderCloudInit(bootstrapSettings(seattle)));
  const script = doc.write_files[0].content as string;

  test("is a cloud-config that disables password login and runs the bootstrap", () => {
    expect(renderCloudInit(bootstrapSettings(seattle))).toMatch(/^#cloud-config\n/);
    expect(doc.ssh_pwauth).toBe(false);
    expect(doc.runcmd).toEqual([["bash", "/opt/ashk8s/bootstrap.sh"]]);
    expect(doc.write_files[0]).toMatchObject({
      path: "/opt/ashk8s/bootstrap.sh",
      permissions: "0755",
    });
  });

  test("checks the pinned SHA-256 of both downloads", () => {
    expect(script).toContain(
      `'${seattle.helperVm.aksEngine.url}' '${seattle.helperVm.aksEngine.sha256}'`,
    );
    expect(script).toContain(
      `'${seattle.helperVm.kubectl.url}' '${seattle.helperVm.kubectl.sha256}'`,
    );
    expect(script).toContain("sha256sum -c");
  });

  test("trusts the stamp CA that waagent provides", () => {
    expect(script).toContain("/var/lib/waagent/Certificates.pem");
    expect(script).toContain("update-ca-certificates");
  });

  test("contains no secret", () => {
    for (const c of [seattle, munich]) {
      const text = renderCloudInit(bootstrapSettings(c));
      expect(text).not.toContain("sp-secret-value");
      expect(text).not.toContain(c.servicePrincipalCertificate.reveal().split("\n")[1]);
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
  });

  test("a disconnected stamp's internal mirror URL is the one downloaded", () => {
    const text = renderCloudInit(bootstrapSettings(munich));
    expect(munich.helperVm.aksEngine.url).not.toContain("github.com");
    expect(text).toContain(munich.helperVm.aksEngine.url);
    expect(text).not.toContain("github.com");
  });

  test("an extra CA bundle from config is written and trusted", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----";
    const c = stampConfig("seattle", { azureStack: { caCertificatePem: pem } });
    const files = parse(renderCloudInit(bootstrapSettings(c))).write_files;
    expect(files[1]).toEqual({
      path: "/etc/ashk8s/extra-ca.pem",
      permissions: "0644",
      content: `${pem}\n`,
    });
  });
});

describe("bootstrap script, run for real in a scratch prefix", () => {
  let dir: string;
  let tarball: string;
  let kubectl: string;
  const sha = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-"));
    const release = path.join(dir, "src", "aks-engine-azurestack-release-v0.85.0-linux-amd64");
    fs.mkdirSync(release, { recursive: true });
    fs.writeFileSync(path.join(release, "aks-engine-azurestack"), "#!/bin/sh\necho aks-engine\n");
    tarball = path.join(dir, "release.tar.gz");
    execFileSync("tar", ["-czf", tarball, "-C", path.join(dir, "src"), path.basename(release)]);
    kubectl = path.join(dir, "kubectl");
    fs.writeFileSync(kubectl, "#!/bin/sh\necho kubectl\n");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(aksSha: string) {
    const prefix = fs.mkdtempSync(path.join(dir, "root-"));
    fs.mkdirSync(path.join(prefix, "var/lib/waagent"), { recursive: true });
    fs.writeFileSync(path.join(prefix, "var/lib/waagent/Certificates.pem"), "stamp CA");
    const script = renderBootstrapScript({
      aksEngine: { version: "v0.85.0", url: `file://${tarball}`, sha256: aksSha },
      kubectl: { version: "v1.34.4", url: `file://${kubectl}`, sha256: sha(kubectl) },
      adminUsername: "azureuser",
    });
    const result = spawnSync("bash", ["-c", script], {
      env: { ...process.env, ASHK8S_PREFIX: prefix },
      encoding: "utf8",
    });
    return { prefix, ...result };
  }

  test("installs both binaries, trusts the CA and writes the marker when checksums match", () => {
    const r = run(sha(tarball));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const bin = path.join(r.prefix, "usr/local/bin");
    expect(execFileSync(path.join(bin, "aks-engine-azurestack"), { encoding: "utf8" })).toBe(
      "aks-engine\n",
    );
    expect(fs.statSync(path.join(bin, "kubectl")).mode & 0o777).toBe(0o755);
    expect(
      fs.readFileSync(
        path.join(r.prefix, "usr/local/share/ca-certificates/azurestack-stamp-ca.crt"),
        "utf8",
      ),
    ).toBe("stamp CA");
    expect(fs.readFileSync(path.join(r.prefix, BOOTSTRAP_MARKER), "utf8")).toBe(
      `aks-engine-azurestack v0.85.0 ${sha(tarball)}\nkubectl v1.34.4 ${sha(kubectl)}\n`,
    );
  });

  test("refuses the release when its SHA-256 differs, installing nothing", () => {
    const wrong = "0".repeat(64);
    const r = run(wrong);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `refusing file://${tarball}: SHA-256 ${sha(tarball)} is not the pinned ${wrong}`,
    );
    expect(fs.existsSync(path.join(r.prefix, "usr/local/bin/aks-engine-azurestack"))).toBe(false);
    expect(
      fs.existsSync(path.join(r.prefix, "opt/aks-engine-azurestack/release.tar.gz.part")),
    ).toBe(false);
    expect(fs.existsSync(path.join(r.prefix, BOOTSTRAP_MARKER))).toBe(false);
  });
});

/** Values chosen to run a command if any reached the shell unquoted. */
const hostileShellValues = (dir: string) => [
  `$(touch ${dir}/pwned-1)`,
  `\`touch ${dir}/pwned-2\``,
  `'; touch ${dir}/pwned-3; echo '`,
  `"; touch ${dir}/pwned-4; echo "`,
  `\${IFS}$(touch\${IFS}${dir}/pwned-5)`,
  `\\$(touch ${dir}/pwned-6)`,
  `$(touch ${dir}/pwned-7)'$(touch ${dir}/pwned-8)'`,
];

describe("hostile values in the bootstrap script, run for real", () => {
  let dir: string;
  let tarball: string;
  let kubectl: string;
  const sha = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  const pwned = () => fs.readdirSync(dir).filter((f) => f.startsWith("pwned"));

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-"));
    const release = path.join(dir, "src", "aks-engine-azurestack-release-v0.85.0-linux-amd64");
    fs.mkdirSync(release, { recursive: true });
    fs.writeFileSync(path.join(release, "aks-engine-azurestack"), "#!/bin/sh\necho aks-engine\n");
    tarball = path.join(dir, "release.tar.gz");
    execFileSync("tar", ["-czf", tarball, "-C", path.join(dir, "src"), path.basename(release)]);
    kubectl = path.join(dir, "kubectl");
    fs.writeFileSync(kubectl, "#!/bin/sh\necho kubectl\n");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(settings: Parameters<typeof renderBootstrapScript>[0]) {
    const prefix = fs.mkdtempSync(path.join(dir, "root-"));
    fs.mkdirSync(path.join(prefix, "var/lib/waagent"), { recursive: true });
    fs.writeFileSync(path.join(prefix, "var/lib/waagent/Certificates.pem"), "stamp CA");
    const result = spawnSync("bash", ["-c", renderBootstrapScript(settings)], {
      env: { ...process.env, ASHK8S_PREFIX: prefix },
      encoding: "utf8",
    });
    return { prefix, ...result };
  }

  test("versions with command substitutions are written literally; nothing runs", () => {
    const hostile = hostileShellValues(dir).join(" ");
    const r = run({
      aksEngine: { version: `v0.85.0${hostile}`, url: `file://${tarball}`, sha256: sha(tarball) },
      kubectl: { version: `v1.34.4${hostile}`, url: `file://${kubectl}`, sha256: sha(kubectl) },
      adminUsername: "azureuser",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(pwned()).toEqual([]);
    expect(r.stdout).toContain(
      `[ashk8s-bootstrap] kubectl v1.34.4${hostile} from file://${kubectl}`,
    );
    expect(fs.readFileSync(path.join(r.prefix, BOOTSTRAP_MARKER), "utf8")).toBe(
      `aks-engine-azurestack v0.85.0${hostile} ${sha(tarball)}\nkubectl v1.34.4${hostile} ${sha(kubectl)}\n`,
    );
  });

  test("a URL with command substitutions reaches curl as one literal word; nothing runs", () => {
    for (const value of hostileShellValues(dir)) {
      const url = `file://${tarball}?${value}`;
      const r = run({
        aksEngine: { version: "v0.85.0", url, sha256: sha(tarball) },
        kubectl: { version: "v1.34.4", url: `file://${kubectl}`, sha256: sha(kubectl) },
        adminUsername: "azureuser",
      });
      expect(r.stdout).toContain(`[ashk8s-bootstrap] aks-engine-azurestack v0.85.0 from ${url}\n`);
      // Whether curl fetches or refuses such a URL does not matter here: nothing else ran.
      expect(pwned()).toEqual([]);
    }
  });

  test("a value with a control character is refused by the renderer", () => {
    for (const bad of ["v1.34.4\nreboot", "v1.34.4\rx", "v1.34.4\u0085x", "v1.34.4\u2028x"]) {
      expect(() =>
        renderBootstrapScript({
          aksEngine: { version: "v0.85.0", url: "https://example.com/a", sha256: "0".repeat(64) },
          kubectl: { version: bad, url: "https://example.com/k", sha256: "0".repeat(64) },
          adminUsername: "azureuser",
        }),
      ).toThrow(`${JSON.stringify(bad)} cannot go into the helper's bootstrap script`);
    }
  });
});

describe("extra CA bundle in the cloud-init document", () => {
  const settings = (pem: string) => ({ ...bootstrapSettings(seattle), caCertificatePem: pem });
  test.each([
    ["a carriage return", "-----BEGIN CERTIFICATE-----\r\nQUJD\r\n-----END CERTIFICATE-----"],
    ["NEL", "-----BEGIN CERTIFICATE-----\nQUJD\u0085runcmd: [reboot]\n-----END CERTIFICATE-----"],
    ["U+2028", "-----BEGIN CERTIFICATE-----\nQUJD\u2028x\n-----END CERTIFICATE-----"],
    [
      "text outside the blocks",
      "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\nruncmd: [reboot]",
    ],
  ])("with %s is refused by the renderer", (_what, pem) => {
    expect(() => renderCloudInit(settings(pem))).toThrow("azureStack.caCertificatePem: must");
  });
});

const cloudInitBinary = spawnSync("cloud-init", ["--version"], { encoding: "utf8" });
const haveCloudInit = !cloudInitBinary.error && cloudInitBinary.status === 0;
if (!haveCloudInit) {
  console.warn(
    "cloud-init is not installed: the `cloud-init schema` tests are skipped. Install it with " +
      "`DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cloud-init`.",
  );
}

describe(`\`cloud-init schema\` accepts the rendered document${haveCloudInit ? "" : " (SKIPPED: cloud-init is not installed; apt-get install cloud-init)"}`, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-init-schema-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pem = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
  const hostile = "$(reboot)`reboot`'\"; reboot #: - [x] {y} &z *w !v |u >t %s @r";
  (haveCloudInit ? test.each : test.skip.each)([
    ["seattle", () => bootstrapSettings(seattle)],
    ["munich", () => bootstrapSettings(munich)],
    [
      "seattle with an extra CA",
      () => bootstrapSettings(stampConfig("seattle", { azureStack: { caCertificatePem: pem } })),
    ],
    [
      "hostile versions and URLs (no control characters)",
      () => {
        const s = bootstrapSettings(seattle);
        return {
          ...s,
          aksEngine: { ...s.aksEngine, version: hostile, url: `https://x/${hostile}` },
          kubectl: { ...s.kubectl, version: `v1.34.4 ${hostile}` },
          caCertificatePem: pem,
        };
      },
    ],
  ])("%s", (name, settings) => {
    const s = (settings as () => ReturnType<typeof bootstrapSettings>)();
    const text = renderCloudInit(s);
    const file = path.join(dir, `${String(name).replace(/\W+/g, "-")}.yaml`);
    fs.writeFileSync(file, text);
    const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toContain("Valid cloud-config");
    expect(r.status).toBe(0);
    // The script cloud-init writes is exactly the rendered one: no value escaped its YAML block.
    expect(parse(text).write_files[0].content).toBe(renderBootstrapScript(s).trimEnd() + "\n");
  });
});

(haveCloudInit ? test : test.skip)(
  "`cloud-init schema` refuses a document that is not a valid cloud-config (the check has teeth)",
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-init-schema-"));
    try {
      const file = path.join(dir, "bad.yaml");
      fs.writeFileSync(file, "#cloud-config\nruncmd: 5\n");
      const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toContain("runcmd: 5 is not of type 'array'");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
