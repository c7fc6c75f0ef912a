/**
 * pipelines/scripts/kube-identity.sh (both CI flavours) and the stamp branch of drift.sh, run as
 * real processes with stand-in `npm` and `pulumi` commands on PATH (they record their arguments;
 * the real `npm run kubeconfig` is tested in test/scripts and on the real engine): a stamp job gets
 * its viewer or deployer kubeconfig in a 0600 file in a 0700 folder under the job's temporary
 * directory, handed on as KUBECONFIG; `remove` deletes it; admin, hostile stack names and other
 * kinds are refused or get nothing; the stamp drift refresh leaves Secrets out.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { viewerRefreshExcludes } from "../../lib/clusterAccess";
import { projectName } from "../../scripts/stacks";
import { ROOT } from "../stackFiles";

let dir: string;
let tmp: string;
let bin: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-kube-identity-"));
  tmp = path.join(dir, "job-temp");
  bin = path.join(dir, "bin");
  fs.mkdirSync(tmp);
  fs.mkdirSync(bin);
  // `npm run --silent kubeconfig -- <stack> --<identity> --out <file>`: writes a file like the real one.
  fs.writeFileSync(
    path.join(bin, "npm"),
    `#!/bin/sh\necho "npm $*" >>"${dir}/calls"\nwhile [ $# -gt 0 ]; do if [ "$1" = --out ]; then (umask 077; echo "kubeconfig for $5" >"$2"); fi; shift; done\n`,
    { mode: 0o755 },
  );
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(args: string[], env: Record<string, string> = {}) {
  return spawnSync("bash", ["pipelines/scripts/kube-identity.sh", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, ...env },
  });
}

test.each([
  ["GitHub", { RUNNER_TEMP: "" }, "github"],
  ["Azure Pipelines", { AGENT_TEMPDIRECTORY: "", TF_BUILD: "True" }, "azure"],
])(
  "%s: a stamp's viewer and deployer kubeconfigs, 0600 in a 0700 job folder, as KUBECONFIG",
  (_flavour, base, flavour) => {
    for (const identity of ["viewer", "deployer"]) {
      const envFile = path.join(dir, "github-env");
      fs.writeFileSync(envFile, "");
      const env: Record<string, string> = {};
      for (const k of Object.keys(base)) env[k] = k === "TF_BUILD" ? "True" : tmp;
      if (flavour === "github") env.GITHUB_ENV = envFile;
      const r = script(["write", "munich", "stamp", identity], env);
      expect(r.status).toBe(0);
      const file = path.join(tmp, "ashk8s-kube-identity", `munich-${identity}`);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(fs.readFileSync(path.join(dir, "calls"), "utf8")).toContain(
        `npm run --silent kubeconfig -- munich --${identity} --out ${file}`,
      );
      if (flavour === "github") {
        expect(fs.readFileSync(envFile, "utf8")).toBe(`KUBECONFIG=${file}\n`);
      } else {
        expect(r.stdout).toContain(`##vso[task.setvariable variable=KUBECONFIG]${file}\n`);
      }
    }
    const removed = script(["remove"], Object.fromEntries(Object.keys(base).map((k) => [k, tmp])));
    expect(removed.status).toBe(0);
    expect(fs.existsSync(path.join(tmp, "ashk8s-kube-identity"))).toBe(false);
  },
);

test("global and edge stacks get no KUBECONFIG and no call", () => {
  for (const kind of ["global", "edge"]) {
    const envFile = path.join(dir, "github-env");
    fs.writeFileSync(envFile, "");
    const r = script(["write", "some-stack", kind, "viewer"], {
      RUNNER_TEMP: tmp,
      GITHUB_ENV: envFile,
    });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(envFile, "utf8")).toBe("");
  }
  expect(fs.existsSync(path.join(dir, "calls"))).toBe(false);
});

test.each([
  [["write", "munich", "stamp", "admin"], 'identity "admin" is not viewer or deployer'],
  [["write", "munich", "stamp", ""], 'identity "" is not viewer or deployer'],
  [["write", "munich;reboot", "stamp", "viewer"], 'stack "munich;reboot" is not a stack name'],
  [["write", "$(reboot)", "stamp", "viewer"], 'stack "$(reboot)" is not a stack name'],
  [["write", "../etc", "stamp", "viewer"], 'stack "../etc" is not a stack name'],
  [["write", "-x", "stamp", "viewer"], 'stack "-x" is not a stack name'],
  [["read", "munich"], "usage: kube-identity.sh"],
])("%j is refused before anything runs", (args, message) => {
  const r = script(args, { RUNNER_TEMP: tmp });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(message);
  expect(fs.existsSync(path.join(dir, "calls"))).toBe(false);
});

test("without a job temporary directory it refuses", () => {
  const r = script(["write", "munich", "stamp", "viewer"]);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("neither RUNNER_TEMP (GitHub) nor AGENT_TEMPDIRECTORY");
});

test("drift.sh: a stamp's refresh leaves its Secrets out (the viewer's exclusion), other kinds do not", () => {
  fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\nprintf '%s\\n' "$@"\nexit 0\n`, {
    mode: 0o755,
  });
  const run = (kind?: string) =>
    spawnSync("bash", ["pipelines/scripts/drift.sh", "munich", ...(kind ? [kind] : [])], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir },
    });
  const stamp = run("stamp");
  expect(stamp.status).toBe(0);
  const args = stamp.stdout.split("\n");
  const [pattern] = viewerRefreshExcludes("munich", projectName(ROOT));
  expect(args[args.indexOf("--exclude") + 1]).toBe(pattern);
  expect(run("global").stdout).not.toContain("--exclude");
  expect(run().stdout).not.toContain("--exclude");
});
