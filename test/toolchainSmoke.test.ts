/**
 * Smoke test of the toolchain that `npm test` sets up: a three-line program previewed through the
 * built Pulumi CLI and this project's own Node.js language host (toolchain/modules/
 * pulumi-language-nodejs), with a file backend in a temporary directory and no network. (With an
 * installed CLI, ASHK8S_TOOLCHAIN_MODE=system, the same preview runs through that CLI instead.)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, ".toolchain", "bin");

test("a three-line program previews through the built CLI and language host", () => {
  // npm test runs this with toolchain/env.sh applied: the CLI it chose (toolchain/select.sh).
  const which = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).stdout.trim();
  if ((process.env.ASHK8S_TOOLCHAIN_MODE ?? "build") === "build") {
    expect(which).toBe(path.join(BIN, "pulumi")); // built from Go modules by npm test's first step
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-smoke-"));
  try {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: smoke\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "package.json"), '{ "name": "smoke", "main": "index.js" }\n');
    fs.writeFileSync(
      path.join(dir, "index.js"),
      [
        'const pulumi = require("@pulumi/pulumi");',
        'const name = new pulumi.Config().get("name") || "world";',
        "module.exports = { greeting: `hello ${name}` };",
      ].join("\n"),
    );
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    fs.mkdirSync(path.join(dir, "state"));
    const env = {
      ...process.env,
      PULUMI_HOME: path.join(dir, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "smoke-test-only",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    };
    const pulumi = (...args: string[]) =>
      spawnSync("pulumi", [...args, "--non-interactive"], { cwd: dir, env, encoding: "utf8" });

    const init = pulumi("stack", "init", "smoke");
    expect({ code: init.status, stderr: init.stderr }).toEqual({
      code: 0,
      stderr: "Created stack 'smoke'\n",
    });
    const config = pulumi("config", "set", "name", "ashk8s");
    expect(config.status).toBe(0);
    const preview = pulumi("preview", "--diff");

    expect({ code: preview.status, stderr: preview.stderr }).toEqual({ code: 0, stderr: "" });
    expect(preview.stdout).toContain("pulumi:pulumi:Stack");
    expect(preview.stdout).toContain('greeting: "hello ashk8s"');
    expect(preview.stdout).not.toMatch(/warning/i);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
