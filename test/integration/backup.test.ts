/**
 * The backup job through the real engine on the local control plane (docs/bcdr.md): a local-kind
 * stack with `backup.enabled` and a `backup.target` deploys the MongoBackup objects; the real
 * kube-apiserver accepts them (the CronJob as specified, the target Secret holding the SAS), and a
 * Job made from the CronJob gets its pod admitted under Pod Security `restricted`. KWOK only
 * simulates the pod: nothing is dumped or uploaded here (that half runs against Azurite in
 * test/backupAzurite.test.ts).
 */
import { spawnSync } from "node:child_process";
import { kubectl, kubectlJson, LocalStack, ROOT, show, waitFor } from "./harness";

const stack = new LocalStack("it-backup");
const ns = stack.namespace;
const SAS = "sv=2019-07-07&sr=c&sp=cw&se=2099-01-01T00:00:00Z&sig=it-dummy-signature";

function config(...args: string[]) {
  const r = stack.pulumi("config", ...args);
  if (r.code !== 0) throw new Error(`pulumi config ${args.join(" ")}: ${show(r)}`);
}

beforeAll(() => {
  stack.init();
  config(
    "set",
    "--path",
    "backup.target.blobEndpoint",
    "https://backups.blob.munich.azurestack.contoso.com",
  );
  config("set", "--path", "backup.target.container", "mongodb-it-backup");
  config("set", "--path", "backup.enabled", "true");
  // The SAS goes in on standard input, never on the command line.
  const r = spawnSync(
    "pulumi",
    ["config", "set", "--secret", "backupTargetSas", "--stack", stack.stack, "--non-interactive"],
    { cwd: ROOT, env: stack.env(), input: SAS, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`pulumi config set --secret: ${r.stderr}`);
});
afterAll(() => {
  stack.pulumi("destroy", "--yes", "--skip-preview");
  stack.dispose();
});

test("deploys with the backup objects", () => {
  const up = stack.pulumi("up", "--yes", "--skip-preview");
  expect({ code: up.code, output: up.code === 0 ? "" : show(up) }).toEqual({ code: 0, output: "" });
});

/** The parts of a stored CronJob the test reads. */
interface CronJobSpec {
  schedule: string;
  concurrencyPolicy: string;
  jobTemplate: {
    spec: {
      template: { spec: { initContainers: { name: string }[]; containers: { name: string }[] } };
    };
  };
}

test("the CronJob is stored as specified", () => {
  const cronJob = kubectlJson<{ spec: CronJobSpec }>([
    "-n",
    ns,
    "get",
    "cronjob",
    "ratings-mongodb-backup",
  ]);
  expect(cronJob.spec).toMatchObject({
    schedule: "17 2 * * *",
    concurrencyPolicy: "Forbid",
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
  });
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  expect(pod.initContainers.map((c) => c.name)).toEqual(["dump"]);
  expect(pod.containers.map((c) => c.name)).toEqual(["upload"]);
});

test("the target Secret holds the container URL and the SAS; the state keeps the SAS secret", () => {
  const secret = kubectlJson<{ data: Record<string, string> }>([
    "-n",
    ns,
    "get",
    "secret",
    "ratings-mongodb-backup-target",
  ]);
  const decode = (k: string) => Buffer.from(secret.data[k], "base64").toString();
  expect(decode("container-url")).toBe(
    "https://backups.blob.munich.azurestack.contoso.com/mongodb-it-backup",
  );
  expect(decode("sas")).toBe(SAS);
  const state = stack.pulumi("stack", "export");
  expect(state.code).toBe(0);
  expect(state.stdout).not.toContain("it-dummy-signature");
});

test("a Job from the CronJob gets its pod admitted under Pod Security restricted", async () => {
  kubectl(["-n", ns, "create", "job", "--from=cronjob/ratings-mongodb-backup", "it-manual"]);
  await waitFor("the Job's pod", () => {
    const pods = kubectlJson<{ items: unknown[] }>([
      "-n",
      ns,
      "get",
      "pods",
      "-l",
      "job-name=it-manual",
    ]);
    return pods.items.length > 0;
  });
  const events = kubectl(["-n", ns, "get", "events", "-o", "json"]).stdout;
  expect(events).not.toMatch(/violates PodSecurity/);
  kubectl(["-n", ns, "delete", "job", "it-manual", "--wait=false"]);
});
