/**
 * The Kubernetes identity of every CI job that runs Pulumi on a stack, in both flavours (GitHub
 * Actions workflows, Azure Pipelines compiled from their templates): previews and drift checks
 * write the read-only viewer's kubeconfig, deploys the deployer's, always through
 * pipelines/scripts/kube-identity.sh before the Pulumi step, and remove it in a last step that
 * runs also after a failure; no job asks for the admin kubeconfig; previews never refresh, stamp
 * deploys neither (docs/decisions.md "Who the program runs as").
 */
import { allSteps, compile, stepsOf } from "../support/pipelineFiles";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const WRITE =
  /^bash pipelines\/scripts\/kube-identity\.sh write "\$STACK" "\$KIND" (viewer|deployer)$/;
const REMOVE = "bash pipelines/scripts/kube-identity.sh remove";

describe("GitHub Actions", () => {
  const jobs: [string, string, string, RegExp][] = [
    [".github/workflows/pull-request.yml", "preview", "viewer", /^pulumi\/actions@/],
    [".github/workflows/deploy.yml", "up-globals", "deployer", /^pulumi\/actions@/],
    [".github/workflows/deploy.yml", "up-stamps", "deployer", /^pulumi\/actions@/],
    [".github/workflows/drift.yml", "drift", "viewer", /^$/],
  ];
  test.each(jobs)(
    "%s %s: %s kubeconfig written before Pulumi, removed at the end",
    (file, job, identity, uses) => {
      const steps = allSteps()
        .filter((s) => s.file === file && s.job === job)
        .map((s) => s.step as Any);
      const write = steps.findIndex((s) => WRITE.test(s.run ?? ""));
      expect(steps[write].run).toMatch(new RegExp(` ${identity}$`));
      expect(steps[write].env?.STACK ?? "${{ matrix.stack }}").toBe("${{ matrix.stack }}");
      const pulumi = steps.findIndex((s) =>
        uses.source === "^$" ? /drift\.sh/.test(s.run ?? "") : uses.test(s.uses ?? ""),
      );
      expect(write).toBeGreaterThan(-1);
      expect(pulumi).toBeGreaterThan(write);
      const remove = steps.findIndex((s) => s.run === REMOVE);
      expect(remove).toBeGreaterThan(pulumi);
      expect(steps[remove].if).toBe("always()");
    },
  );

  test("no workflow step asks for the admin kubeconfig or the helper key", () => {
    for (const { step } of allSteps()) {
      expect(String((step as Any).run ?? "")).not.toMatch(
        /--admin|--helper-key|kubeconfig -- .* --admin/,
      );
    }
  });
});

describe("Azure Pipelines", () => {
  const flows: [string, string, string][] = [
    ["pipelines/pull-request.yml", "preview", "viewer"],
    ["pipelines/deploy.yml", "up_", "deployer"],
    ["pipelines/drift.yml", "drift", "viewer"],
  ];
  test.each(flows)(
    "%s: %s jobs write the %s kubeconfig first and remove it always",
    (file, stage, identity) => {
      const p = compile(file);
      const byJob = new Map<Any, Any[]>();
      for (const { stage: st, job, step } of stepsOf(p)) {
        if (!st.startsWith(stage)) continue;
        byJob.set(job, [...(byJob.get(job) ?? []), step]);
      }
      expect(byJob.size).toBeGreaterThan(0);
      for (const [job, steps] of byJob) {
        const write = steps.findIndex((s) => WRITE.test(s.bash ?? ""));
        expect(write).toBeGreaterThan(-1);
        expect(steps[write].bash.endsWith(` ${identity}`)).toBe(true);
        expect(steps[write].env.KIND).toMatch(/^(global|stamp|edge)$/);
        const pulumi = steps.findIndex(
          (s) => s.task === "Pulumi@1" || /drift\.sh/.test(s.bash ?? ""),
        );
        expect(pulumi).toBeGreaterThan(write);
        const last = steps[steps.length - 1];
        expect([last.bash, last.condition]).toEqual([REMOVE, "always()"]);
        const args: string = steps[pulumi].inputs?.args ?? "";
        if (stage === "preview") expect(args.split(" ")).not.toContain("--refresh");
        if (stage === "up_") {
          const kind = steps[write].env.KIND;
          expect({ kind, refresh: args.split(" ").includes("--refresh") }).toEqual({
            kind,
            refresh: kind !== "stamp",
          });
        }
        void job;
      }
    },
  );

  test("no pipeline step asks for the admin kubeconfig", () => {
    for (const file of [
      "pipelines/pull-request.yml",
      "pipelines/deploy.yml",
      "pipelines/drift.yml",
    ]) {
      for (const { step } of stepsOf(compile(file))) {
        expect(String(step.bash ?? "")).not.toMatch(/--admin|--helper-key/);
      }
    }
  });
});
