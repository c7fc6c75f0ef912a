/**
 * The CI pipelines, both flavours, and the stack list they share (scripts/stacks.ts).
 *
 * - GitHub Actions (.github/): actionlint (built from Go modules, toolchain/modules/actionlint; it
 *   runs shellcheck on every `run:` script when shellcheck is installed) must report nothing, plus
 *   the rules actionlint cannot know (pins, policy pack, secrets never in scripts, the stack matrix).
 * - Azure Pipelines (pipelines/): every entry pipeline is expanded the way Azure compiles it
 *   (templates, parameters, `${{ if }}` and `${{ each }}`), then checked against the parts of the
 *   YAML schema it uses and against what each flow must do.
 * - No CI file names a stack: the lists come from the Pulumi.<stack>.yaml files only.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import * as stacks from "../scripts/stacks";
import { ROOT, stackNames } from "./stackFiles";
import { fromDirectory, PipelineCompiler } from "./support/pipelineCompiler";
import { schemaProblems } from "./support/pipelineSchema";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const read = (p: string) => fs.readFileSync(path.join(ROOT, p), "utf8");
const listFiles = (dir: string): string[] =>
  fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
    )
    .sort();
const PULUMI_VERSION = JSON.parse(read("package.json")).dependencies["@pulumi/pulumi"] as string;
const PROJECT = stacks.projectName(ROOT);
const DEPLOYABLE = stacks.deployableStacks(ROOT);
const GENERATED = "pipelines/templates/stacks.yml";

describe("scripts/stacks.ts: the deployable stacks", () => {
  test("every stack file's kind read by line match equals a full YAML parse", () => {
    for (const stack of stackNames()) {
      const text = read(`Pulumi.${stack}.yaml`);
      const parsed = parse(text).config[`${PROJECT}:kind`];
      expect({ stack, kind: stacks.kindOf(text, PROJECT) }).toEqual({ stack, kind: parsed });
    }
  });

  test("are the global and stamp stacks of the repository, globals first", () => {
    const expected = stackNames()
      .map((stack) => ({
        stack,
        kind: parse(read(`Pulumi.${stack}.yaml`)).config[`${PROJECT}:kind`],
      }))
      .filter((s) => s.kind !== "local")
      .sort((a, b) => Number(a.kind !== "global") - Number(b.kind !== "global"));
    expect(DEPLOYABLE.map(({ stack, kind }) => ({ stack, kind }))).toEqual(expected);
    expect(DEPLOYABLE.length).toBeGreaterThan(1);
    for (const s of DEPLOYABLE) {
      expect(s).toEqual({
        stack: s.stack,
        kind: s.kind,
        runner: `ashk8s-${s.stack}`,
        environment: `ashk8s-${s.stack}`,
        id: s.stack.replace(/-/g, "_"),
      });
    }
  });

  test.each([
    ["plain", "config:\n  p:kind: stamp\n", "stamp"],
    ["quoted key and value", "config:\n  \"p:kind\": 'global'\n", "global"],
    ["trailing comment", "config:\n  p:kind: local # the embedded default\n", "local"],
    ["another project's key", "config:\n  q:kind: stamp\n", undefined],
    ["not under config", "p:kind: stamp\n", undefined],
  ])("kindOf: %s", (_what, text, kind) => {
    expect(stacks.kindOf(text, "p")).toBe(kind);
  });

  describe("in a scratch repository", () => {
    let dir: string;
    const write = (file: string, kind?: string) =>
      fs.writeFileSync(
        path.join(dir, file),
        kind === undefined ? "config: {}\n" : `config:\n  p:kind: ${kind}\n`,
      );
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-stacks-"));
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("skips local stacks and it-* test copies, sorts globals first", () => {
      write("Pulumi.zurich.yaml", "stamp");
      write("Pulumi.amsterdam.yaml", "stamp");
      write("Pulumi.bremen-edge.yaml", "edge");
      write("Pulumi.world.yaml", "global");
      write("Pulumi.local.yaml", "local");
      write("Pulumi.it-local.yaml", "stamp");
      write("Pulumi.it-edge.yaml", "edge");
      expect(stacks.deployableStacks(dir).map((s) => [s.stack, s.kind])).toEqual([
        ["world", "global"],
        ["amsterdam", "stamp"],
        ["bremen-edge", "edge"],
        ["zurich", "stamp"],
      ]);
    });

    test("edge stamps deploy in the stamps wave of both CI systems, with their own runner", () => {
      write("Pulumi.zurich.yaml", "stamp");
      write("Pulumi.bremen-edge.yaml", "edge");
      write("Pulumi.world.yaml", "global");
      const list = stacks.deployableStacks(dir);
      const out = stacks.githubOutput(list);
      const stampsLine = out.split("\n").find((l) => l.startsWith("stamps="))!;
      expect(JSON.parse(stampsLine.slice("stamps=".length))).toEqual([
        {
          stack: "bremen-edge",
          kind: "edge",
          runner: "ashk8s-bremen-edge",
          environment: "ashk8s-bremen-edge",
        },
        { stack: "zurich", kind: "stamp", runner: "ashk8s-zurich", environment: "ashk8s-zurich" },
      ]);
      const template = parse(stacks.azurePipelinesTemplate(list));
      const params = template.stages[0].parameters;
      expect(params.globals.map((s: Any) => s.stack)).toEqual(["world"]);
      expect(params.stamps).toEqual([
        {
          stack: "bremen-edge",
          kind: "edge",
          id: "bremen_edge",
          pool: "ashk8s-bremen-edge",
          environment: "ashk8s-bremen-edge",
        },
        {
          stack: "zurich",
          kind: "stamp",
          id: "zurich",
          pool: "ashk8s-zurich",
          environment: "ashk8s-zurich",
        },
      ]);
    });

    test.each([
      [undefined, "Pulumi.x1.yaml: p:kind is missing; set it to stamp, edge, global or local"],
      ["edges", 'Pulumi.x1.yaml: p:kind is "edges"; set it to stamp, edge, global or local'],
    ])("a stack file with kind %s is refused", (kind, message) => {
      write("Pulumi.x1.yaml", kind);
      expect(() => stacks.deployableStacks(dir)).toThrow(message);
    });

    test("a stack name that is not a CI identifier is refused", () => {
      write("Pulumi.Seattle_1.yaml", "stamp");
      expect(() => stacks.deployableStacks(dir)).toThrow(
        'Pulumi.Seattle_1.yaml: stack name "Seattle_1" must be lowercase letters, digits and "-"',
      );
    });
  });

  test("--github-output writes the three matrices", () => {
    const out = stacks.githubOutput(DEPLOYABLE);
    const lines = Object.fromEntries(
      out
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1))]),
    );
    const entry = ({ stack, kind, runner, environment }: stacks.DeployableStack) => ({
      stack,
      kind,
      runner,
      environment,
    });
    expect(lines).toEqual({
      all: DEPLOYABLE.map(entry),
      globals: DEPLOYABLE.filter((s) => s.kind === "global").map(entry),
      stamps: DEPLOYABLE.filter((s) => s.kind !== "global").map(entry),
    });
  });

  test("runs as a script on the project's Node 22 (type stripping), without dependencies", () => {
    const node = path.join(ROOT, "node_modules", ".bin", "node");
    const run = (...args: string[]) =>
      spawnSync(
        node,
        ["--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", "scripts/stacks.ts", ...args],
        {
          cwd: ROOT,
          encoding: "utf8",
        },
      );
    const all = run();
    expect({ code: all.status, stderr: all.stderr }).toEqual({ code: 0, stderr: "" });
    expect(all.stdout).toBe(DEPLOYABLE.map((s) => `${s.stack}\n`).join(""));
    const stamps = run("--kind", "stamp");
    expect(stamps.stdout.trim().split("\n")).toEqual(
      DEPLOYABLE.filter((s) => s.kind === "stamp").map((s) => s.stack),
    );
    const edges = run("--kind", "edge");
    expect(edges.stdout.trim().split("\n")).toEqual(["hamburg-edge"]);
    expect(run("--azure-pipelines").stdout).toBe(read(GENERATED));
  });

  test(`${GENERATED} is up to date (regenerate: node scripts/stacks.ts --azure-pipelines > ${GENERATED})`, () => {
    expect(read(GENERATED)).toBe(stacks.azurePipelinesTemplate(DEPLOYABLE));
  });
});

describe("no CI file names a stack", () => {
  const files = [...listFiles(".github"), ...listFiles("pipelines")].filter((f) => f !== GENERATED);

  /** The YAML scalars (keys and values) of a file, or its non-comment lines for scripts. */
  function content(file: string): string[] {
    const text = read(file);
    if (/\.ya?ml$/.test(file)) {
      const out: string[] = [];
      const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") {
          for (const [k, x] of Object.entries(v)) {
            out.push(k);
            walk(x);
          }
        } else if (v !== null && v !== undefined) out.push(String(v));
      };
      walk(parse(text));
      return out;
    }
    return text.split("\n").filter((l) => !/^\s*(#|\/\/)/.test(l));
  }

  test.each(files)("%s", (file) => {
    const names = DEPLOYABLE.map((s) => s.stack);
    const hits = content(file).filter((s) =>
      names.some((n) => new RegExp(`(^|[^A-Za-z0-9])${n}($|[^A-Za-z0-9])`, "i").test(s)),
    );
    expect(hits).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// GitHub Actions

const WORKFLOWS = listFiles(".github/workflows").filter((f) => f.endsWith(".yml"));
const workflow = (name: string): Any => parse(read(`.github/workflows/${name}`));
/** Every step of every job of every workflow (and the local composite action), with its place. */
function allSteps(): { file: string; job: string; step: Any }[] {
  const out: { file: string; job: string; step: Any }[] = [];
  for (const file of WORKFLOWS) {
    for (const [job, spec] of Object.entries<Any>(parse(read(file)).jobs)) {
      for (const step of spec.steps ?? []) out.push({ file, job, step });
    }
  }
  const action = parse(read(".github/actions/setup/action.yml"));
  for (const step of action.runs.steps) out.push({ file: "setup/action.yml", job: "-", step });
  return out;
}

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
        refresh: true,
      });
    }
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
      run: 'bash pipelines/scripts/drift.sh "$STACK"',
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
      for (const m of read(file).matchAll(/^\s*([A-Z_]+): \$\{\{ secrets\.\w+ \}\}/gm)) {
        secretNames.add(m[1]);
      }
    }
    expect([...secretNames].sort()).toEqual([
      "ARM_CLIENT_SECRET",
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
          /secrets\.|set -x|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|AZURE_STORAGE_KEY|PASSPHRASE/,
        ),
      });
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Azure Pipelines: compiled by test/support/pipelineCompiler.ts and checked by
// test/support/pipelineSchema.ts (both table-tested in test/support/pipelineCompiler.test.ts)

const compiler = new PipelineCompiler(fromDirectory(ROOT));
const compile = (file: string): Any => compiler.compile(file);

/** Compiles a pipeline and checks it against the schema parts it uses; returns it for flow assertions. */
function validatePipeline(file: string): Any {
  const p = compile(file);
  expect(schemaProblems(p, (f) => fs.existsSync(path.join(ROOT, f)))).toEqual([]);
  return p;
}

/** Every Pulumi@1 or bash step of a compiled pipeline, with its stage and job. */
function stepsOf(p: Any): { stage: string; job: Any; step: Any }[] {
  return p.stages.flatMap((stage: Any) =>
    stage.jobs.flatMap((job: Any) =>
      (job.steps ?? job.strategy.runOnce.deploy.steps).map((step: Any) => ({
        stage: stage.stage,
        job,
        step,
      })),
    ),
  );
}

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
      const [refresh, report, fail] = job.steps.slice(2);
      expect(refresh).toMatchObject({
        name: "refresh",
        bash: 'bash pipelines/scripts/drift.sh "$STACK"',
        env: { STACK: DEPLOYABLE[i].stack },
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
          expect(step.bash).not.toMatch(/\$\((AZURE|ARM|PULUMI_CONFIG|System\.AccessToken)/);
        for (const [k, v] of Object.entries<string>(step.env ?? {})) {
          if (v.startsWith("$("))
            expect(v).toBe(k === "SYSTEM_ACCESSTOKEN" ? "$(System.AccessToken)" : `$(${k})`);
        }
      }
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Issue 14: the trust rules, asserted over the parsed files of both flavours. What the YAML cannot
// enforce against a pull request that edits the YAML itself (environment secrets only, branch
// policies, separate runners) is the platform set-up in docs/pipelines.md, "Protected environments".

/** Every job of every workflow with its file. */
const ghJobs = (): { file: string; name: string; job: Any }[] =>
  WORKFLOWS.flatMap((file) =>
    Object.entries<Any>(parse(read(file)).jobs).map(([name, job]) => ({ file, name, job })),
  );
const selfHosted = (job: Any) => [job["runs-on"]].flat().includes("self-hosted");
/** The names of the secrets (other than the job token) a job maps into its environment. */
const jobSecrets = (job: Any): string[] =>
  Object.entries<string>(job.env ?? {})
    .filter(([, v]) => /\$\{\{\s*secrets\./.test(String(v)))
    .map(([k]) => k)
    .sort();
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
/** Read-only credentials of previews; deploys also get the storage key and the passphrase. */
const PREVIEW_SECRETS = ["ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET", "AZURE_STORAGE_SAS_TOKEN"];
const DEPLOY_ONLY = ["AZURE_STORAGE_KEY", "PULUMI_CONFIG_PASSPHRASE"];

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
});

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
});

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

  test("the drift script maps the CLI's exit codes: 0 in sync, 7 drift, others fail", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-drift-"));
    try {
      const fake = path.join(dir, "pulumi");
      for (const [code, expected] of [
        [0, { status: 0, drift: "drift=no" }],
        [7, { status: 0, drift: "drift=yes" }],
        [255, { status: 255, drift: "" }],
      ] as const) {
        fs.writeFileSync(fake, `#!/bin/sh\necho "pulumi $*"\nexit ${code}\n`, { mode: 0o755 });
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
