/**
 * GitHub Actions (.github/): actionlint (built from Go modules, toolchain/modules/actionlint; it
 * runs shellcheck on every `run:` script when shellcheck is installed) must report nothing, plus
 * the shape of each flow that actionlint cannot know (pins of the CLI version, policy pack, the
 * stack matrix, deploy order, drift steps, secrets never in scripts). The trust rules of issue 14
 * are in ./githubTrust.test.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../stackFiles";
import { allSteps, Any, PULUMI_VERSION, read, workflow, WORKFLOWS } from "../support/pipelineFiles";

describe("GitHub Actions workflows", () => {
  beforeAll(
    () => {
      const build = spawnSync("bash", ["toolchain/build.sh", "actionlint"], {
        cwd: ROOT,
        encoding: "utf8",
      });
      if (build.status !== 0) throw new Error(`building actionlint failed:\n${build.stderr}`);
    },
    15 * 60 * 1000,
  );

  test("actionlint reports nothing (inputs of pinned actions checked against their major version)", () => {
    // actionlint knows the inputs of popular actions per major tag (pulumi/actions@v6); the
    // workflows pin commits (@<sha> # v6.5.0). Lint a copy whose refs are replaced by the major
    // tag of their version comment so a misspelt input is still caught.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-actionlint-"));
    try {
      fs.cpSync(path.join(ROOT, ".github"), path.join(dir, ".github"), { recursive: true });
      fs.mkdirSync(path.join(dir, ".git"));
      for (const file of WORKFLOWS) {
        const copy = path.join(dir, file);
        fs.writeFileSync(
          copy,
          fs
            .readFileSync(copy, "utf8")
            .replace(/(uses: [\w.-]+\/[\w./-]+@)[0-9a-f]{40} # (v\d+)(\.\d+)*/g, "$1$2"),
        );
      }
      const lint = spawnSync(
        path.join(ROOT, ".toolchain", "bin", "actionlint"),
        ["-oneline", "-no-color"],
        {
          cwd: dir,
          encoding: "utf8",
        },
      );
      expect({ code: lint.status, output: `${lint.stdout}${lint.stderr}` }).toEqual({
        code: 0,
        output: "",
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("pulumi/actions: the project's CLI version, the policy pack on every preview and up, PR comments", () => {
    const pulumiSteps = allSteps().filter((s) => s.step.uses?.startsWith("pulumi/actions@"));
    expect(pulumiSteps.map((s) => [s.file, s.job, s.step.with.command])).toEqual([
      [".github/workflows/deploy.yml", "up-globals", "up"],
      [".github/workflows/deploy.yml", "up-stamps", "up"],
      [".github/workflows/pull-request.yml", "preview", "preview"],
    ]);
    for (const { step } of pulumiSteps) {
      expect(step.with).toMatchObject({
        "stack-name": "${{ matrix.stack }}",
        "pulumi-version": PULUMI_VERSION,
        policyPacks: "policy",
      });
    }
    // Refresh: never in a preview (it runs as the viewer, which cannot read Secrets); on deploy
    // only for stacks that are not stamps (a stamp deploys as its deployer; docs/decisions.md).
    expect(pulumiSteps.map((s) => [s.job, s.step.with.refresh])).toEqual([
      ["up-globals", "${{ matrix.kind != 'stamp' }}"],
      ["up-stamps", "${{ matrix.kind != 'stamp' }}"],
      ["preview", false],
    ]);
    const preview = pulumiSteps.find((s) => s.step.with.command === "preview")!.step;
    expect(preview.with).toMatchObject({ "comment-on-pr": true, "edit-pr-comment": true });
  });

  test("stack jobs run on the stack's self-hosted runner, from the matrices of stacks.yml", () => {
    const reusable = workflow("stacks.yml");
    expect(Object.keys(reusable.on.workflow_call.outputs).sort()).toEqual([
      "all",
      "globals",
      "stamps",
    ]);
    const expected: Record<string, [string, string][]> = {
      "pull-request.yml": [["preview", "checks.outputs.all"]],
      "deploy.yml": [
        ["up-globals", "checks.outputs.globals"],
        ["up-stamps", "checks.outputs.stamps"],
      ],
      "drift.yml": [["drift", "stacks.outputs.all"]],
    };
    for (const [file, jobs] of Object.entries(expected)) {
      const wf = workflow(file);
      const first = jobs[0][1].split(".")[0];
      expect(wf.jobs[first]).toMatchObject({ uses: "./.github/workflows/stacks.yml" });
      for (const [job, list] of jobs) {
        const spec = wf.jobs[job];
        // Previews have their own runners (label ashk8s-<stack>-preview): see "Caches" below.
        const label = job === "preview" ? "${{ matrix.runner }}-preview" : "${{ matrix.runner }}";
        expect({ file, job, runsOn: spec["runs-on"] }).toEqual({
          file,
          job,
          runsOn: ["self-hosted", label],
        });
        expect(spec.strategy).toMatchObject({
          "fail-fast": false,
          matrix: { include: `\${{ fromJSON(needs.${list}) }}` },
        });
        expect(spec.needs).toContain(first);
      }
    }
  });

  test("pull requests run npm ci and the unit tests before any preview", () => {
    const stacksJob = workflow("stacks.yml").jobs.stacks;
    const runs = stacksJob.steps.map((s: Any) => s.run).filter(Boolean);
    expect(runs).toEqual([
      "bash scripts/ensure-deps.sh",
      "npm test",
      "npm run check:stacks",
      'node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/stacks.ts --github-output >>"$GITHUB_OUTPUT"',
    ]);
    expect(workflow("pull-request.yml").jobs.checks.with).toEqual({
      tests: true,
      "check-stacks": true,
    });
    expect(workflow("deploy.yml").jobs.checks.with).toEqual({ tests: true });
    expect(workflow("pull-request.yml").on).toEqual({ pull_request: { branches: ["main"] } });
  });

  test("deploy: globals first, then stamps, each in its own environment; never cancelled", () => {
    const wf = workflow("deploy.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    expect(wf.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
    expect(wf.jobs["up-globals"].needs).toEqual(["checks", "protection"]);
    expect(wf.jobs["up-stamps"].needs).toEqual(["checks", "protection", "up-globals"]);
    expect(wf.jobs["up-stamps"].if).toContain("needs.protection.result == 'success'");
    expect(wf.jobs["up-stamps"].if).toContain("needs.up-globals.result != 'failure'");
    for (const job of ["up-globals", "up-stamps"]) {
      expect(wf.jobs[job].environment).toBe("${{ matrix.environment }}");
    }
    // The two jobs differ only in their matrix and order: same environment variables, same steps.
    expect(wf.jobs["up-stamps"].env).toEqual(wf.jobs["up-globals"].env);
    expect(wf.jobs["up-stamps"].steps).toEqual(wf.jobs["up-globals"].steps);
  });

  test("drift: scheduled, refresh --preview-only through drift.sh, issue on drift, run fails", () => {
    const wf = workflow("drift.yml");
    expect(wf.on.schedule[0].cron).toMatch(/^(\S+ ){4}\S+$/);
    const job = wf.jobs.drift;
    expect(job.permissions).toEqual({ contents: "read", issues: "write" });
    const byName = Object.fromEntries(
      job.steps.filter((s: Any) => s.name).map((s: Any) => [s.name, s]),
    );
    expect(byName["pulumi refresh --preview-only --expect-no-changes"]).toMatchObject({
      id: "refresh",
      run: 'bash pipelines/scripts/drift.sh "$STACK" "$KIND"',
    });
    expect(byName["Open or update the drift issue"].if).toBe(
      "steps.refresh.outputs.drift == 'yes'",
    );
    expect(byName["Close the drift issue once the stack is in sync"].if).toBe(
      "steps.refresh.outputs.drift == 'no'",
    );
    expect(byName["Fail the run on drift"]).toMatchObject({
      if: "steps.refresh.outputs.drift == 'yes'",
      run: expect.stringContaining("exit 1"),
    });
  });

  test("secrets reach steps only through env and with, never a script", () => {
    const secretNames = new Set<string>();
    for (const file of WORKFLOWS) {
      for (const m of read(file).matchAll(/^\s*([A-Z0-9_]+): \$\{\{ secrets\.\w+ \}\}/gm)) {
        secretNames.add(m[1]);
      }
    }
    expect([...secretNames].sort()).toEqual([
      "ARM_CLIENT_SECRET",
      "ASHK8S_AZURESTACK_CLIENT_SECRET",
      "AZURE_CLIENT_SECRET",
      "AZURE_STORAGE_KEY",
      "AZURE_STORAGE_SAS_TOKEN",
      "PULUMI_CONFIG_PASSPHRASE",
    ]);
    for (const { file, job, step } of allSteps()) {
      if (!step.run) continue;
      expect({ file, job, run: step.run }).toEqual({
        file,
        job,
        run: expect.not.stringMatching(
          /secrets\.|set -x|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|AZURE_STORAGE_KEY|PASSPHRASE|ASHK8S_AZURESTACK_CLIENT_SECRET/,
        ),
      });
    }
  });
});
