/**
 * The CI scripts both flavours share (pipelines/scripts/*.sh): syntax, shellcheck, the per-job
 * PULUMI_HOME of agent-setup.sh and the exit-code mapping of drift.sh, each run as a real process.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../stackFiles";
import { listFiles, read } from "../support/pipelineFiles";

describe("pipelines/scripts/agent-setup.sh: PULUMI_HOME", () => {
  test("is a fresh, empty directory per job inside the job's temporary directory", () => {
    // Runs the script's own PULUMI_HOME lines (the rest builds the toolchain) twice per flavour.
    const text = read("pipelines/scripts/agent-setup.sh");
    const lines = text.slice(text.indexOf("job_tmp="), text.indexOf("export PULUMI_HOME"));
    expect(lines.split("\n").filter(Boolean)).toHaveLength(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-job-"));
    try {
      for (const flavour of ["RUNNER_TEMP", "AGENT_TEMPDIRECTORY"]) {
        const homes = [1, 2].map(() => {
          const r = spawnSync("bash", ["-c", `set -eu\n${lines}\necho "$PULUMI_HOME"`], {
            encoding: "utf8",
            env: {
              PATH: process.env.PATH,
              HOME: "/nonexistent",
              PULUMI_HOME: "/shared",
              [flavour]: dir,
            },
          });
          expect(r.stderr).toBe("");
          return r.stdout.trim();
        });
        expect(new Set(homes).size).toBe(2);
        for (const home of homes) {
          expect(path.dirname(home)).toBe(dir);
          expect(fs.readdirSync(home)).toEqual([]);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("shared CI scripts", () => {
  const scripts = listFiles("pipelines/scripts").filter((f) => f.endsWith(".sh"));

  test.each(scripts)("%s: bash syntax, executable, and shellcheck when installed", (file) => {
    const full = path.join(ROOT, file);
    expect(spawnSync("bash", ["-n", full]).status).toBe(0);
    expect(fs.statSync(full).mode & 0o111).not.toBe(0);
    const shellcheck = spawnSync("shellcheck", ["-x", full], { cwd: ROOT, encoding: "utf8" });
    if (shellcheck.error) return; // not installed here; actionlint skips it the same way
    expect({ code: shellcheck.status, output: shellcheck.stdout }).toEqual({ code: 0, output: "" });
  });

  test("the drift script maps the CLI's exit codes: 0 in sync, 7 drift, others fail; a cluster not observed is unknown", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-drift-"));
    const notObserved =
      "error: cluster seattle not observed: through its API: connect ECONNREFUSED; through the helper 10.0.0.4:22: ssh exit 255";
    try {
      const fake = path.join(dir, "pulumi");
      for (const [code, line, expected] of [
        [0, "", { status: 0, drift: "drift=no" }],
        [7, "", { status: 0, drift: "drift=yes" }],
        [255, "", { status: 255, drift: "" }],
        [1, notObserved, { status: 1, drift: "drift=unknown" }],
        [7, notObserved, { status: 1, drift: "drift=unknown" }],
      ] as const) {
        const say = line ? `echo "${line}" >&2\n` : "";
        fs.writeFileSync(fake, `#!/bin/sh\necho "pulumi $*"\n${say}exit ${code}\n`, {
          mode: 0o755,
        });
        const output = path.join(dir, "github-output");
        fs.writeFileSync(output, "");
        const r = spawnSync("bash", ["pipelines/scripts/drift.sh", "some-stack"], {
          cwd: ROOT,
          encoding: "utf8",
          env: { PATH: `${dir}:${process.env.PATH}`, GITHUB_OUTPUT: output, HOME: dir },
        });
        expect({ status: r.status, drift: fs.readFileSync(output, "utf8").trim() }).toEqual(
          expected,
        );
        expect(r.stdout).toContain(
          "pulumi refresh --preview-only --expect-no-changes --diff --stack some-stack --non-interactive",
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
