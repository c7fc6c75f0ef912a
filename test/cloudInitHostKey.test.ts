/**
 * The helper's pinned SSH host key in the cloud-init document (lib/cloudInit.ts): written through
 * cloud-init's `ssh_keys` exactly as generated, accepted by Debian's `cloud-init schema`, hostile
 * key values refused; and the bootstrap's bounded wait for the VM agent's CA file, run for real.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
  bootstrapSettings,
  HelperHostKey,
  renderBootstrapScript,
  renderCloudInit,
} from "../lib/cloudInit";
import { stampConfig } from "./stampConfigs";

const seattle = stampConfig("seattle", {}, "sp-secret-value");
let dir: string;
let hostKey: HelperHostKey;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-init-host-key-"));
  // A real ed25519 key in OpenSSH form, as @pulumi/tls produces it.
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", `${dir}/k`]);
  hostKey = {
    privateKeyOpenssh: fs.readFileSync(`${dir}/k`, "utf8"),
    publicKeyOpenssh: fs.readFileSync(`${dir}/k.pub`, "utf8"),
  };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the helper's SSH host key in cloud-init", () => {
  test("ssh_keys holds exactly the generated ed25519 pair and replaces the generated keys", () => {
    const doc = parse(renderCloudInit(bootstrapSettings(seattle), hostKey));
    expect(doc.ssh_deletekeys).toBe(true);
    expect(doc.ssh_keys).toEqual({
      ed25519_private: hostKey.privateKeyOpenssh,
      ed25519_public: hostKey.publicKeyOpenssh.trim(),
    });
    // The bootstrap is unchanged by the key, and no other secret is in the document.
    expect(doc.write_files[0].content).toBe(
      renderBootstrapScript(bootstrapSettings(seattle)).trimEnd() + "\n",
    );
    const text = renderCloudInit(bootstrapSettings(seattle), hostKey);
    expect(text).not.toContain("sp-secret-value");
    expect(text.match(/PRIVATE KEY-----/g)).toHaveLength(2); // BEGIN and END of the host key only
  });

  test.each<[string, (k: HelperHostKey) => HelperHostKey, RegExp]>([
    [
      "a private key followed by YAML of its own",
      (k) => ({ ...k, privateKeyOpenssh: `${k.privateKeyOpenssh}runcmd: [reboot]\n` }),
      /the private key is not one OpenSSH PRIVATE KEY block/,
    ],
    [
      "a private key with a carriage return",
      (k) => ({ ...k, privateKeyOpenssh: k.privateKeyOpenssh.replace("\n", "\r\n") }),
      /the private key is not one OpenSSH PRIVATE KEY block/,
    ],
    [
      "a public key with a second line",
      (k) => ({ ...k, publicKeyOpenssh: `${k.publicKeyOpenssh.trim()}\nruncmd: [reboot]` }),
      /the public key .* is not one "ssh-ed25519 <base64>" line/,
    ],
    [
      "a public key with a quote",
      (k) => ({ ...k, publicKeyOpenssh: `ssh-ed25519 "AAAA` }),
      /the public key "ssh-ed25519 \\"AAAA" is not one/,
    ],
    [
      "an RSA public key",
      (k) => ({ ...k, publicKeyOpenssh: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7" }),
      /the public key "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7" is not one/,
    ],
  ])("%s is refused by the renderer", (_what, patch, message) => {
    expect(() => renderCloudInit(bootstrapSettings(seattle), patch(hostKey))).toThrow(message);
  });

  const cloudInit = spawnSync("cloud-init", ["--version"], { encoding: "utf8" });
  (cloudInit.status === 0 ? test : test.skip)(
    "`cloud-init schema` accepts the document with the host key",
    () => {
      const file = path.join(dir, "with-host-key.yaml");
      fs.writeFileSync(file, renderCloudInit(bootstrapSettings(seattle), hostKey));
      const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
      expect(`${r.stdout}${r.stderr}`).toContain("Valid cloud-config");
      expect(r.status).toBe(0);
    },
  );
});

describe("the bootstrap waits, bounded and logged, for the VM agent's CA file", () => {
  // Downloads that fail at once: these tests stop before or right after the CA step.
  const script = renderBootstrapScript({
    ...bootstrapSettings(seattle),
    aksEngine: { version: "v0.85.0", url: "file:///nonexistent/aks", sha256: "0".repeat(64) },
  });
  const prefix = () => {
    const p = fs.mkdtempSync(path.join(dir, "root-"));
    fs.mkdirSync(path.join(p, "var/lib/waagent"), { recursive: true });
    return p;
  };

  test("a file that never appears fails the bootstrap with a clear message, trusting nothing", () => {
    const p = prefix();
    const r = spawnSync("bash", ["-c", script], {
      env: { ...process.env, ASHK8S_PREFIX: p, ASHK8S_CA_WAIT_SECONDS: "5" },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "waiting for the VM agent to write /var/lib/waagent/Certificates.pem (0/5 s)",
    );
    expect(r.stderr).toContain(
      "/var/lib/waagent/Certificates.pem did not appear within 5 s: the VM agent (walinuxagent) has not provided the stamp's CA certificate",
    );
    expect(fs.readdirSync(path.join(p, "usr/local/share/ca-certificates"))).toEqual([]);
    expect(fs.existsSync(path.join(p, "usr/local/bin"))).toBe(false); // nothing downloaded
  });

  test("a file written late is waited for, then trusted", async () => {
    const p = prefix();
    const child = spawn("bash", ["-c", script], {
      env: { ...process.env, ASHK8S_PREFIX: p, ASHK8S_CA_WAIT_SECONDS: "60" },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    await new Promise((r) => setTimeout(r, 1500));
    // An empty file (the agent still writing) is not enough.
    fs.writeFileSync(path.join(p, "var/lib/waagent/Certificates.pem"), "");
    await new Promise((r) => setTimeout(r, 1500));
    fs.writeFileSync(path.join(p, "var/lib/waagent/Certificates.pem"), "stamp CA");
    const code = await new Promise((r) => child.on("close", r));
    expect(out).toContain("waiting for the VM agent to write /var/lib/waagent/Certificates.pem");
    expect(out).toContain("trusting the stamp CA from /var/lib/waagent/Certificates.pem");
    expect(
      fs.readFileSync(
        path.join(p, "usr/local/share/ca-certificates/azurestack-stamp-ca.crt"),
        "utf8",
      ),
    ).toBe("stamp CA");
    expect(code).not.toBe(0); // then the (deliberately missing) download fails
    expect(out).toContain("curl");
  });
});
