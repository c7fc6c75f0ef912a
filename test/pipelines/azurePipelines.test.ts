/**
 * Azure Pipelines (pipelines/): every entry pipeline is expanded the way Azure compiles it
 * (templates, parameters, `${{ if }}` and `${{ each }}`; test/support/pipelineCompiler.ts), then
 * checked against the parts of the YAML schema it uses (test/support/pipelineSchema.ts) and
 * against what each flow must do. The trust rules of issue 14 are in ./azureTrust.test.ts.
 */
import { parse } from "yaml";
import {
  Any,
  compile,
  DEPLOYABLE,
  listFiles,
  PULUMI_VERSION,
  read,
  stepsOf,
  validatePipeline,
} from "../support/pipelineFiles";

describe("Azure Pipelines", () => {
  const globals = DEPLOYABLE.filter((s) => s.kind === "global");
  // Edge stamps deploy in the stamps wave (scripts/stacks.ts STAMP_KINDS).
  const stamps = DEPLOYABLE.filter((s) => s.kind !== "global");
  const pulumiSteps = (p: Any) => stepsOf(p).filter((s) => s.step.task === "Pulumi@1");

  test("every YAML file under pipelines/ parses", () => {
    for (const file of listFiles("pipelines").filter((f) => f.endsWith(".yml"))) {
      expect(() => parse(read(file))).not.toThrow();
    }
  });

  test("pull request: tests, then a preview per stack on its pool, policy pack, PR comment", () => {
    const p = validatePipeline("pipelines/pull-request.yml");
    expect(p.trigger).toBe("none");
    expect(p.pr).toEqual({ branches: { include: ["main"] } });
    expect(p.stages.map((s: Any) => [s.stage, s.dependsOn])).toEqual([
      ["checks", undefined],
      ["protection", []],
      ["preview", ["checks", "protection"]],
    ]);
    expect(
      stepsOf(p)
        .filter((s) => s.stage === "checks")
        .map((s) => s.step.bash)
        .filter(Boolean),
    ).toEqual(["bash scripts/ensure-deps.sh", "npm test", "npm run check:stacks"]);
    expect(
      pulumiSteps(p).map(({ job, step }) => [
        job.deployment,
        job.pool,
        job.environment,
        job.variables,
        step.inputs.stack,
      ]),
    ).toEqual(
      DEPLOYABLE.map((s) => [
        `preview_${s.id}`,
        `${s.runner}-preview`,
        `${s.environment}-preview`,
        [{ group: `${s.environment}-preview` }],
        s.stack,
      ]),
    );
    for (const { step } of pulumiSteps(p)) {
      expect(step.inputs).toMatchObject({
        command: "preview",
        versionSpec: PULUMI_VERSION,
        createPrComment: true,
        loginArgs: "$(PULUMI_BACKEND_URL)",
      });
      expect(step.inputs.args.split(" ")).toEqual(
        expect.arrayContaining(["--policy-pack", "policy"]),
      );
      expect(step.env.SYSTEM_ACCESSTOKEN).toBe("$(System.AccessToken)");
    }
  });

  test("deploy: globals, then stamps, as deployment jobs in their environments", () => {
    const p = validatePipeline("pipelines/deploy.yml");
    expect(p.trigger).toEqual({ batch: true, branches: { include: ["main"] } });
    expect(p.pr).toBe("none");
    expect(p.stages.map((s: Any) => [s.stage, s.dependsOn])).toEqual([
      ["checks", undefined],
      ["protection", []],
      ["up_globals", ["checks", "protection"]],
      ["up_stamps", ["checks", "protection", "up_globals"]],
    ]);
    const jobs = (stage: string) =>
      p.stages
        .find((s: Any) => s.stage === stage)
        .jobs.map((j: Any) => [j.deployment, j.pool, j.environment]);
    expect(jobs("up_globals")).toEqual(globals.map((s) => [`up_${s.id}`, s.runner, s.environment]));
    expect(jobs("up_stamps")).toEqual(stamps.map((s) => [`up_${s.id}`, s.runner, s.environment]));
    for (const { step } of pulumiSteps(p)) {
      expect(step.inputs).toMatchObject({ command: "up", versionSpec: PULUMI_VERSION });
      expect(step.inputs.args.split(" ")).toEqual(
        expect.arrayContaining(["--yes", "--policy-pack", "policy"]),
      );
    }
  });

  test("drift: scheduled, refresh per stack, work item and failure on drift", () => {
    const p = validatePipeline("pipelines/drift.yml");
    expect(p.trigger).toBe("none");
    expect(p.schedules).toEqual([
      {
        cron: expect.stringMatching(/^(\S+ ){4}\S+$/),
        displayName: "Daily drift check",
        branches: { include: ["main"] },
        always: true,
      },
    ]);
    expect(p.stages.map((s: Any) => [s.stage, s.dependsOn])).toEqual([
      ["protection", []],
      ["drift", "protection"],
    ]);
    const jobs = p.stages[1].jobs;
    expect(jobs.map((j: Any) => [j.job, j.pool, j.variables])).toEqual(
      DEPLOYABLE.map((s) => [`drift_${s.id}`, s.runner, [{ group: `${s.environment}-drift` }]]),
    );
    for (const [i, job] of jobs.entries()) {
      expect(job.steps.slice(0, 2)).toEqual([
        { checkout: "self", clean: true },
        expect.objectContaining({ bash: "bash pipelines/scripts/agent-setup.sh" }),
      ]);
      const [identity, refresh, report, fail, remove] = job.steps.slice(2);
      expect(identity).toMatchObject({
        bash: 'bash pipelines/scripts/kube-identity.sh write "$STACK" "$KIND" viewer',
        env: { STACK: DEPLOYABLE[i].stack, KIND: DEPLOYABLE[i].kind },
      });
      expect(refresh).toMatchObject({
        name: "refresh",
        bash: 'bash pipelines/scripts/drift.sh "$STACK" "$KIND"',
        env: { STACK: DEPLOYABLE[i].stack, KIND: DEPLOYABLE[i].kind },
      });
      expect(remove).toMatchObject({
        bash: "bash pipelines/scripts/kube-identity.sh remove",
        condition: "always()",
      });
      for (const step of [report, fail])
        expect(step.condition).toBe("eq(variables['refresh.drift'], 'yes')");
      expect(report.bash).toBe('node pipelines/scripts/drift-work-item.mjs "$STACK"');
      expect(fail.bash).toContain("exit 1");
    }
  });

  test("secret variables are mapped into env explicitly and never appear in a script", () => {
    for (const file of ["pull-request", "deploy", "drift"]) {
      for (const { step } of stepsOf(compile(`pipelines/${file}.yml`))) {
        if (step.bash)
          expect(step.bash).not.toMatch(
            /\$\((AZURE|ARM|ASHK8S_AZURESTACK|PULUMI_CONFIG|System\.AccessToken)/,
          );
        for (const [k, v] of Object.entries<string>(step.env ?? {})) {
          if (v.startsWith("$("))
            expect(v).toBe(k === "SYSTEM_ACCESSTOKEN" ? "$(System.AccessToken)" : `$(${k})`);
        }
      }
    }
  });
});
