/**
 * toolchain/select.sh: which toolchain a checkout uses. The script runs for real in a copy of the
 * files it reads; the "installed" Pulumi CLI is a TEST DOUBLE (a shell script answering `version`
 * and `plugin install`), because no Pulumi release can be downloaded on this machine.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const PIN = /^require github\.com\/pulumi\/pulumi\/pkg\/v3 v(\S+)$/m.exec(
  fs.readFileSync(path.join(ROOT, "toolchain/modules/pulumi/go.mod"), "utf8"),
)![1];
const K8S_PLUGIN = /^VERSION=(\S+) /m.exec(
  fs.readFileSync(path.join(ROOT, "toolchain/modules/pulumi-kubernetes/build.sh"), "utf8"),
)![1];

let tmp: string;
let checkout: string;
let system: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-select-"));
  checkout = path.join(tmp, "checkout");
  system = path.join(tmp, "usr-local-bin");
  for (const f of [
    "toolchain/select.sh",
    "toolchain/modules/pulumi/go.mod",
    "toolchain/modules/pulumi-kubernetes/build.sh",
  ]) {
    fs.mkdirSync(path.dirname(path.join(checkout, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(checkout, f));
  }
  fs.mkdirSync(system);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A pulumi test double in dir: reports `version`, logs its arguments, fails plugin installs on request. */
function fakePulumi(dir: string, version: string, pluginInstallExit = 0) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "pulumi");
  fs.writeFileSync(
    file,
    [
      "#!/bin/sh",
      `echo "$*" >>"${path.join(tmp, "calls.log")}"`,
      `[ "$1" = version ] && { echo "v${version}"; exit 0; }`,
      `[ "$1" = plugin ] && exit ${pluginInstallExit}`,
      "exit 9",
    ].join("\n"),
  );
  fs.chmodSync(file, 0o755);
  return file;
}

function select(env: Record<string, string> = {}, extraPath: string[] = [system]) {
  const r = spawnSync("bash", [path.join(checkout, "toolchain/select.sh")], {
    env: {
      HOME: tmp,
      PATH: [...extraPath, "/usr/bin", "/bin"].join(":"),
      ...env,
    },
    encoding: "utf8",
  });
  const modeFile = path.join(checkout, ".toolchain/mode");
  const mode = fs.existsSync(modeFile) ? fs.readFileSync(modeFile, "utf8") : "";
  const calls = fs.existsSync(path.join(tmp, "calls.log"))
    ? fs.readFileSync(path.join(tmp, "calls.log"), "utf8").trim().split("\n")
    : [];
  return { code: r.status, stderr: r.stderr, mode, calls };
}

const newer = (v: string) =>
  v.replace(/^(\d+)\.(\d+)\.\d+$/, (_, a, b) => `${a}.${Number(b) + 1}.0`);
const older = (v: string) =>
  v.replace(/^(\d+)\.(\d+)\.\d+$/, (_, a, b) => `${a}.${Number(b) - 1}.9`);

test("no installed CLI: builds", () => {
  const r = select();
  expect(r.code).toBe(0);
  expect(r.mode).toBe("mode=build\npulumi=\n");
  expect(r.stderr).toContain("building from Go modules (no Pulumi CLI is installed on PATH;");
});

test("an installed CLI at least the pin whose plugins install: uses it, no builds", () => {
  const pulumi = fakePulumi(system, newer(PIN));
  const r = select();
  expect(r.code).toBe(0);
  expect(r.mode).toBe(`mode=system\npulumi=${pulumi}\n`);
  expect(r.calls).toEqual(["version", `plugin install resource kubernetes ${K8S_PLUGIN}`]);
  expect(r.stderr).toContain(`the installed Pulumi CLI ${pulumi} (v${newer(PIN)} >= v${PIN})`);
});

test("exactly the pinned version is enough", () => {
  fakePulumi(system, PIN);
  expect(select().mode).toMatch(/^mode=system\n/);
});

test("an older CLI: builds, and says why", () => {
  fakePulumi(system, older(PIN));
  const r = select();
  expect(r.mode).toBe("mode=build\npulumi=\n");
  expect(r.stderr).toContain(`is v${older(PIN)}, older than the pinned v${PIN}`);
  expect(r.calls).toEqual(["version"]);
});

test("plugins cannot be installed (offline): builds", () => {
  fakePulumi(system, newer(PIN), 1);
  const r = select();
  expect(r.mode).toBe("mode=build\npulumi=\n");
  expect(r.stderr).toContain(`cannot install the kubernetes v${K8S_PLUGIN} plugin here (offline?)`);
});

test("this checkout's own build on PATH does not count as installed", () => {
  const own = path.join(checkout, ".toolchain/bin");
  fakePulumi(own, newer(PIN));
  const r = select({}, [own]);
  expect(r.mode).toBe("mode=build\npulumi=\n");
  expect(r.calls).toEqual([]);
});

test("ASHK8S_TOOLCHAIN=build never asks the installed CLI", () => {
  fakePulumi(system, newer(PIN));
  const r = select({ ASHK8S_TOOLCHAIN: "build" });
  expect(r.mode).toBe("mode=build\npulumi=\n");
  expect(r.calls).toEqual([]);
  expect(r.stderr).toContain("(ASHK8S_TOOLCHAIN=build;");
});

test("ASHK8S_TOOLCHAIN=system with an unusable CLI fails and records nothing", () => {
  fakePulumi(system, older(PIN));
  const r = select({ ASHK8S_TOOLCHAIN: "system" });
  expect(r.code).toBe(1);
  expect(r.mode).toBe("");
  expect(r.stderr).toContain("error: ASHK8S_TOOLCHAIN=system, but the installed Pulumi CLI");
});

test("an unknown ASHK8S_TOOLCHAIN value is refused", () => {
  const r = select({ ASHK8S_TOOLCHAIN: "fast" });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("ASHK8S_TOOLCHAIN='fast': use build, system or auto");
});
