/**
 * Issue 14: the trust rules of the Azure Pipelines flavour, asserted over each entry pipeline
 * compiled the way Azure compiles it. What the YAML cannot enforce against a pull request that
 * edits the YAML itself (variable-group checks, branch control, separate pools) is the platform
 * set-up in docs/pipelines.md, "Protected environments".
 */
import {
  Any,
  compile,
  DEPLOY_ONLY,
  DEPLOYABLE,
  PREVIEW_SECRETS,
  stepsOf,
} from "../support/pipelineFiles";
import {
  CLIENT_SECRET_VARIABLE,
  PIPELINE_ROLES,
  ROLE_VARIABLE,
} from "../../lib/azureStackCredentials";

describe("trust rules (issue 14): Azure Pipelines", () => {
  const FORK = "eq(variables['System.PullRequest.IsFork'], 'False')";
  const PR = "eq(variables['Build.Reason'], 'PullRequest')";
  const MAIN = "eq(variables['Build.SourceBranch'], 'refs/heads/main')";
  const stage = (p: Any, name: string) => p.stages.find((s: Any) => s.stage === name);
  const flows = ["pull-request", "deploy", "drift"].map(
    (f) => [f, compile(`pipelines/${f}.yml`)] as const,
  );
  /** The secret variables a step maps in (everything but the job token). */
  const stepSecrets = (step: Any) =>
    Object.keys(step.env ?? {})
      .filter((k) => k !== "SYSTEM_ACCESSTOKEN" && /^\$\(/.test(step.env[k]))
      .sort();

  test("forks refused: the preview and protection stages run only for pull requests from this repository", () => {
    const p = compile("pipelines/pull-request.yml");
    for (const name of ["protection", "preview"]) {
      const condition = stage(p, name).condition ?? "";
      expect({ name, condition }).toEqual({
        name,
        condition: expect.stringMatching(/^and\(succeeded\(\), /),
      });
      expect(condition).toContain(FORK);
      expect(condition).toContain(PR);
    }
  });

  test("environments: previews are deployment jobs of ashk8s-<stack>-preview with its read-only group; secrets only where a check gates them", () => {
    const p = compile("pipelines/pull-request.yml");
    for (const job of stage(p, "preview").jobs) {
      expect(job.deployment).toMatch(/^preview_/);
      expect(job.environment).toMatch(/^ashk8s-[a-z0-9-]+-preview$/);
      expect(job.variables).toEqual([{ group: job.environment }]);
    }
    for (const { step } of stepsOf(p).filter((s) => s.stage === "preview"))
      if (step.task === "Pulumi@1") expect(stepSecrets(step)).toEqual(PREVIEW_SECRETS);
    for (const [file, compiled] of flows)
      for (const { stage: st, job, step } of stepsOf(compiled)) {
        if (
          stepSecrets(step).some((k) => DEPLOY_ONLY.includes(k) && k !== "PULUMI_CONFIG_PASSPHRASE")
        )
          expect({ file, st, environment: job.environment }).toEqual({
            file,
            st,
            environment: expect.stringMatching(/^ashk8s-[a-z0-9-]+$/),
          });
        if (st === "preview") expect(stepSecrets(step)).not.toContain("PULUMI_CONFIG_PASSPHRASE");
      }
    const drift = compile("pipelines/drift.yml");
    for (const job of stage(drift, "drift").jobs)
      expect(job.variables).toEqual([{ group: expect.stringMatching(/-drift$/) }]);
  });

  test("protected environments: every flow has a protection stage that checks each stack's environment for its role first", () => {
    const roles: Record<string, [string, string]> = {
      "pull-request": ["preview", "-preview"],
      deploy: ["deploy", ""],
      drift: ["drift", "-drift"],
    };
    for (const [file, p] of flows) {
      const [role, suffix] = roles[file];
      const guard = stage(p, "protection");
      expect(guard.jobs[0].pool).toEqual({ vmImage: "ubuntu-latest" });
      const checks = guard.jobs[0].steps.filter((s: Any) => s.bash);
      expect(checks.map((s: Any) => [s.bash, s.env])).toEqual(
        DEPLOYABLE.map((s) => [
          `node pipelines/scripts/environment-guard.mjs azure ${role} "$ENVIRONMENT"`,
          { ENVIRONMENT: `${s.environment}${suffix}`, SYSTEM_ACCESSTOKEN: "$(System.AccessToken)" },
        ]),
      );
      for (const st of p.stages.filter((s: Any) => !["checks", "protection"].includes(s.stage)))
        expect({ file, stage: st.stage, dependsOn: [st.dependsOn].flat() }).toEqual({
          file,
          stage: st.stage,
          dependsOn: expect.arrayContaining(["protection"]),
        });
    }
  });

  test("caches: previews run on their own pools; Cache@2 only in the hosted unit-test job, keyed by the build reason", () => {
    const preview = stage(compile("pipelines/pull-request.yml"), "preview").jobs;
    const deploy = compile("pipelines/deploy.yml").stages.flatMap((s: Any) =>
      s.stage.startsWith("up_") ? s.jobs : [],
    );
    const drift = stage(compile("pipelines/drift.yml"), "drift").jobs;
    const previewPools = new Set(preview.map((j: Any) => j.pool));
    for (const job of [...deploy, ...drift]) expect(previewPools.has(job.pool)).toBe(false);
    for (const job of preview) expect(job.pool).toMatch(/-preview$/);
    for (const [file, p] of flows)
      for (const { stage: st, job, step } of stepsOf(p)) {
        if (step.task === "Cache@2") {
          expect({ file, st, pool: job.pool }).toEqual({
            file,
            st: "checks",
            pool: { vmImage: "ubuntu-latest" },
          });
          expect(step.inputs.key).toMatch(/^ashk8s-toolchain \| "\$\(Build\.Reason\)" \| /);
          expect(step.inputs.restoreKeys).toMatch(/^ashk8s-toolchain \| "\$\(Build\.Reason\)"/);
        }
        expect(JSON.stringify(step)).not.toMatch(/PULUMI_HOME|AGENT_TOOLSDIRECTORY/);
      }
  });

  test("drift runs only on main: no CI or PR trigger, the schedule on main, and a stage condition on the branch", () => {
    const p = compile("pipelines/drift.yml");
    expect([p.trigger, p.pr]).toEqual(["none", "none"]);
    expect(p.schedules.map((s: Any) => s.branches)).toEqual([{ include: ["main"] }]);
    for (const name of ["protection", "drift"]) expect(stage(p, name).condition).toContain(MAIN);
    for (const [file, compiled] of flows)
      if (file !== "drift")
        expect(stepsOf(compiled).filter((s) => /drift\.sh/.test(s.step.bash ?? ""))).toEqual([]);
  });

  test("check:stacks runs in the pull-request checks stage, after the unit tests, before the previews", () => {
    const p = compile("pipelines/pull-request.yml");
    const bash = stepsOf(p)
      .filter((s) => s.stage === "checks")
      .map((s) => s.step.bash);
    expect(bash.indexOf("npm run check:stacks")).toBeGreaterThan(bash.indexOf("npm test"));
    expect(stage(p, "preview").dependsOn).toContain("checks");
  });

  test("preview identity: every stack step declares its role and maps the stamp's Azure Stack Hub secret from its own variable group", () => {
    const expected: Record<string, [string, string, RegExp]> = {
      "pull-request": ["preview", "Pulumi@1", /-preview$/],
      deploy: ["deploy", "Pulumi@1", /^ashk8s-[a-z0-9-]+$/],
      drift: ["drift", 'bash pipelines/scripts/drift.sh "$STACK" "$KIND"', /-drift$/],
    };
    for (const [file, p] of flows) {
      const [role, what, group] = expected[file];
      expect(PIPELINE_ROLES).toContain(role);
      const steps = stepsOf(p).filter(({ step }) => step.task === what || step.bash === what);
      expect(steps).toHaveLength(DEPLOYABLE.length);
      for (const { job, step } of steps) {
        expect({ file, env: step.env }).toEqual({
          file,
          env: expect.objectContaining({
            [ROLE_VARIABLE]: role,
            [CLIENT_SECRET_VARIABLE]: `$(${CLIENT_SECRET_VARIABLE})`,
          }),
        });
        // The client id is a plain variable of the job's group, which Azure exports to every step.
        expect(job.variables).toEqual([{ group: expect.stringMatching(group) }]);
      }
      // No other step gets the role or the stamp's secret.
      for (const { step } of stepsOf(p).filter(({ step }) => !steps.some((s) => s.step === step)))
        expect(Object.keys(step.env ?? {})).not.toEqual(
          expect.arrayContaining([CLIENT_SECRET_VARIABLE]),
        );
    }
  });
});
