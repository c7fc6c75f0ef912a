/**
 * Issue 14: the trust rules of the GitHub Actions flavour, asserted over the parsed workflow
 * files. What the YAML cannot enforce against a pull request that edits the YAML itself
 * (environment secrets only, branch policies, separate runners) is the platform set-up in
 * docs/pipelines.md, "Protected environments".
 */
import * as path from "node:path";
import { parse } from "yaml";
import {
  CLIENT_ID_VARIABLE,
  CLIENT_SECRET_VARIABLE,
  PIPELINE_ROLES,
  ROLE_VARIABLE,
} from "../../lib/azureStackCredentials";
import {
  allSteps,
  Any,
  DEPLOY_ONLY,
  ghJobs,
  jobSecrets,
  PREVIEW_SECRETS,
  read,
  SAME_REPO,
  selfHosted,
  workflow,
  WORKFLOWS,
} from "../support/pipelineFiles";

describe("trust rules (issue 14): GitHub Actions", () => {
  test("forks refused: every pull-request job that reaches a runner inside a stamp or an environment runs only for branches of this repository", () => {
    const wf = workflow("pull-request.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    const gated = Object.entries<Any>(wf.jobs).filter(([, j]) => selfHosted(j) || j.environment);
    expect(gated.map(([n]) => n)).toEqual(["preview"]);
    for (const [name, job] of Object.entries<Any>(wf.jobs)) {
      if (name === "checks") continue; // hosted runner, no secret: forks get the unit tests
      expect({ name, if: job.if }).toEqual({
        name,
        if: expect.stringMatching(`^${SAME_REPO} && `),
      });
    }
    // pull_request_target and workflow_run run with the base repository's secrets for fork code.
    for (const file of WORKFLOWS)
      expect({ file, on: Object.keys(parse(read(file)).on) }).toEqual({
        file,
        on: expect.not.arrayContaining(["pull_request_target", "workflow_run"]),
      });
  });

  test("environments: every job with a secret runs in one; previews in ashk8s-<stack>-preview with read-only credentials only", () => {
    for (const { file, name, job } of ghJobs())
      if (jobSecrets(job).length > 0)
        expect({ file, name, environment: job.environment }).toEqual({
          file,
          name,
          environment: expect.stringMatching(/^\$\{\{ matrix\.environment \}\}/),
        });
    for (const file of WORKFLOWS) expect({ file, env: parse(read(file)).env }).toEqual({ file });
    const preview = workflow("pull-request.yml").jobs.preview;
    expect(preview.environment).toBe("${{ matrix.environment }}-preview");
    expect(jobSecrets(preview)).toEqual(PREVIEW_SECRETS);
    const drift = workflow("drift.yml").jobs.drift;
    expect(drift.environment).toBe("${{ matrix.environment }}-drift");
    expect(jobSecrets(drift)).toEqual([...PREVIEW_SECRETS, "PULUMI_CONFIG_PASSPHRASE"].sort());
    for (const job of ["up-globals", "up-stamps"]) {
      const up = workflow("deploy.yml").jobs[job];
      expect(up.environment).toBe("${{ matrix.environment }}");
      expect(jobSecrets(up)).toEqual(expect.arrayContaining(DEPLOY_ONLY));
    }
  });

  test("protected environments: each flow refuses the run first when its environments lack their rules", () => {
    const guards: [string, string, string, string[]][] = [
      ["deploy.yml", "deploy", "checks", ["up-globals", "up-stamps"]],
      ["pull-request.yml", "preview", "checks", ["preview"]],
      ["drift.yml", "drift", "stacks", ["drift"]],
    ];
    for (const [file, role, list, gated] of guards) {
      const wf = workflow(file);
      const guard = wf.jobs.protection;
      expect({ file, runsOn: guard["runs-on"], permissions: guard.permissions }).toEqual({
        file,
        runsOn: "ubuntu-latest",
        permissions: { actions: "read", contents: "read" },
      });
      expect(guard.environment).toBeUndefined();
      expect(guard.steps.at(-1)).toMatchObject({
        run: `node pipelines/scripts/environment-guard.mjs github ${role}`,
        env: { MATRIX: `\${{ needs.${list}.outputs.all }}`, GITHUB_TOKEN: "${{ github.token }}" },
      });
      for (const job of gated)
        expect({ file, job, needs: wf.jobs[job].needs }).toEqual({
          file,
          job,
          needs: expect.arrayContaining(["protection"]),
        });
    }
  });

  test("SHA pins: every action from another repository is pinned by a 40-hex commit with its version in a comment, one commit per version", () => {
    const pins = new Map<string, string>();
    const files = [...WORKFLOWS, ".github/actions/setup/action.yml"];
    let remote = 0;
    for (const file of files)
      for (const line of read(file).split("\n")) {
        const m = /^\s*(?:- )?uses:\s*(\S+)(.*)$/.exec(line);
        if (!m || m[1].startsWith("./")) continue;
        remote++;
        const pin = /^([\w.-]+\/[\w./-]+)@([0-9a-f]{40})$/.exec(m[1]);
        const version = /^ # (v\d+\.\d+\.\d+)$/.exec(m[2]);
        expect({ file, line: line.trim(), pinned: !!pin && !!version }).toEqual({
          file,
          line: line.trim(),
          pinned: true,
        });
        const key = `${pin![1]}@${version![1]}`;
        expect({ key, sha: pin![2] }).toEqual({ key, sha: pins.get(key) ?? pin![2] });
        pins.set(key, pin![2]);
      }
    expect(remote).toBeGreaterThan(5);
    // The same rule over the parsed files: every non-local `uses:` of a step or a job.
    for (const { step } of allSteps())
      if (step.uses && !step.uses.startsWith("./"))
        expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });

  test("caches: previews never share a runner, tool cache or PULUMI_HOME with deploys; no cache step on a stamp's runner", () => {
    const labels = (file: string, job: string) => workflow(file).jobs[job]["runs-on"];
    const preview = labels("pull-request.yml", "preview");
    for (const [file, job] of [
      ["deploy.yml", "up-globals"],
      ["deploy.yml", "up-stamps"],
      ["drift.yml", "drift"],
    ])
      expect(labels(file, job)).not.toEqual(preview);
    expect(preview).toEqual(["self-hosted", "${{ matrix.runner }}-preview"]);
    for (const { file, job, step } of allSteps()) {
      const spec =
        file === "setup/action.yml" ? undefined : workflow(path.basename(file)).jobs[job];
      if (spec && !selfHosted(spec)) continue;
      expect({ file, job, uses: step.uses ?? "" }).toEqual({
        file,
        job,
        uses: expect.not.stringMatching(/^actions\/(cache|setup-\w+)@/),
      });
    }
    for (const file of [...WORKFLOWS, ".github/actions/setup/action.yml"])
      expect({ file, parsed: JSON.stringify(parse(read(file))) }).toEqual({
        file,
        parsed: expect.not.stringMatching(/PULUMI_HOME|RUNNER_TOOL_CACHE/),
      });
    // The hosted unit-test job's cache: a deploy (push) never restores what a pull request saved.
    const cache = workflow("stacks.yml").jobs.stacks.steps.find((s: Any) =>
      s.uses?.startsWith("actions/cache@"),
    );
    expect(cache.with.key).toMatch(/^ashk8s-toolchain-\$\{\{ github\.event_name \}\}-/);
    expect(cache.with["restore-keys"]).toMatch(/^ashk8s-toolchain-\$\{\{ github\.event_name \}\}-/);
  });

  test("drift runs only on main: the schedule is its only trigger and every job checks the ref", () => {
    const wf = workflow("drift.yml");
    expect(Object.keys(wf.on)).toEqual(["schedule"]);
    for (const [name, job] of Object.entries<Any>(wf.jobs))
      expect({ name, if: job.if }).toEqual({
        name,
        if: expect.stringMatching(/^github\.ref == 'refs\/heads\/main'( && |$)/),
      });
    const driftRuns = allSteps().filter((s) => /drift\.sh/.test(s.step.run ?? ""));
    expect(driftRuns.map((s) => s.file)).toEqual([".github/workflows/drift.yml"]);
  });

  test("check:stacks runs in the pull-request checks, after the unit tests and before any preview", () => {
    const steps = workflow("stacks.yml").jobs.stacks.steps;
    const at = (run: string) => steps.findIndex((s: Any) => s.run === run);
    expect(at("npm run check:stacks")).toBeGreaterThan(at("npm test"));
    expect(steps[at("npm run check:stacks")].if).toBe("inputs.tests && inputs.check-stacks");
    const pr = workflow("pull-request.yml");
    expect(pr.jobs.checks.with).toMatchObject({ tests: true, "check-stacks": true });
    expect(pr.jobs.preview.needs).toContain("checks");
  });

  test("preview identity: every stack job declares its role and takes the stamp's Azure Stack Hub identity from its own environment", () => {
    const roles: [string, string, string][] = [
      ["pull-request.yml", "preview", "preview"],
      ["drift.yml", "drift", "drift"],
      ["deploy.yml", "up-globals", "deploy"],
      ["deploy.yml", "up-stamps", "deploy"],
    ];
    const stackJobs = ghJobs().filter(({ job }) => selfHosted(job));
    expect(stackJobs.map(({ file, name }) => [path.basename(file), name]).sort()).toEqual(
      roles.map(([file, job]) => [file, job]).sort(),
    );
    for (const [file, name, role] of roles) {
      const job = workflow(file).jobs[name];
      expect(PIPELINE_ROLES).toContain(role);
      expect({ file, name, env: job.env }).toEqual({
        file,
        name,
        env: expect.objectContaining({
          [ROLE_VARIABLE]: role,
          [CLIENT_ID_VARIABLE]: `\${{ vars.${CLIENT_ID_VARIABLE} }}`,
          [CLIENT_SECRET_VARIABLE]: `\${{ secrets.${CLIENT_SECRET_VARIABLE} }}`,
        }),
      });
      // Environment-scoped: the value is the preview environment's principal in a preview.
      expect(job.environment).toMatch(/^\$\{\{ matrix\.environment \}\}/);
    }
  });
});
