/**
 * The seattle stamp's backup under mocks: the MongoBackup component's Secret, scripts, CronJob and
 * NetworkPolicies, wired to the global stack's outputs (its own container and SAS only), on the
 * cluster's Kubernetes provider, and no SAS in plaintext.
 */
import { backupNetworkPolicies } from "../lib/backup";
import { backupScripts } from "../lib/backupJob";
import { GLOBAL_EXPORTS, stampMockInvokes, stampMockOutputs } from "./stampMocks";
import { installMocks, Recorded, settle, unwrapSecret } from "./mocks";
import { readStackFile, ROOT } from "./stackFiles";
import { withTestPins } from "./support/testPins";

const { config, secretKeys } = readStackFile("seattle", "sp-secret-value");
withTestPins(config, ROOT); // stand-in download pins (test/support/testPins.ts)
const recorded: Recorded[] = installMocks({
  config,
  secretKeys,
  stack: "seattle",
  outputs: stampMockOutputs("seattle"),
  invokes: stampMockInvokes("seattle"),
});
const SEATTLE_SAS = JSON.parse(GLOBAL_EXPORTS.backupUploadSas).seattle as string;

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await require("../index");
  await settle();
});

const backup = () => recorded.filter((r) => r.name.startsWith("seattle-backup"));
const one = (type: string) => {
  const found = backup().filter((r) => r.type === type);
  expect(found).toHaveLength(1);
  return found[0];
};

test("the component's objects, all on the cluster's Kubernetes provider", () => {
  expect(
    backup()
      .map((r) => `${r.type} ${r.name}`)
      .sort(),
  ).toEqual(
    [
      "ash-ha-kubernetes:app:MongoBackup seattle-backup",
      "kubernetes:core/v1:Secret seattle-backup-target",
      "kubernetes:core/v1:ConfigMap seattle-backup-scripts",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy seattle-backup-ratings-mongodb-backup",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy seattle-backup-ratings-mongodb-from-backup",
      "kubernetes:batch/v1:CronJob seattle-backup-cronjob",
    ].sort(),
  );
  for (const r of backup().slice(1)) expect(r.provider).toMatch(/::seattle-cluster-k8s::/);
});

test("the target Secret: seattle's container and seattle's SAS only, as a secret", () => {
  const wrapped = unwrapSecret<Record<string, unknown>>(
    one("kubernetes:core/v1:Secret").inputs.stringData,
  );
  expect(wrapped.secret).toBe(true);
  const stringData = wrapped.value;
  expect(unwrapSecret(stringData["container-url"]).value).toBe(
    "https://contosobackups.blob.core.windows.net/mongodb-seattle",
  );
  // The whole stringData is a secret (the SAS inside makes it one).
  expect(unwrapSecret(stringData.sas).value).toBe(SEATTLE_SAS);
  const plain = JSON.stringify(
    recorded.filter((r) => r.type !== "kubernetes:core/v1:Secret").map((r) => r.inputs),
  );
  // Neither SAS (nor its signature part) appears outside a Secret (the serialized provider code
  // may well contain the word "signature", so the test looks for the values themselves).
  for (const sas of Object.values(
    JSON.parse(GLOBAL_EXPORTS.backupUploadSas) as Record<string, string>,
  )) {
    expect(plain).not.toContain(sas);
    expect(plain).not.toContain(sas.slice(sas.indexOf("sig=")));
  }
});

test("the scripts ConfigMap holds the generated dump and upload scripts for seattle", () => {
  expect(one("kubernetes:core/v1:ConfigMap").inputs).toMatchObject({
    metadata: { name: "ratings-mongodb-backup-scripts", namespace: "ratings" },
    data: backupScripts("seattle", "ratings"),
  });
});

/** The parts of a container spec the test reads. */
interface Container {
  name: string;
  image: string;
  command: string[];
}

test("the CronJob: Forbid, bounded history, dump init container then upload, pinned images", () => {
  const { metadata, spec } = one("kubernetes:batch/v1:CronJob").inputs as {
    metadata: Record<string, unknown>;
    spec: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  expect(metadata).toMatchObject({ name: "ratings-mongodb-backup", namespace: "ratings" });
  expect(spec).toMatchObject({
    schedule: "17 2 * * *",
    concurrencyPolicy: "Forbid",
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
  });
  const pod = spec.jobTemplate.spec.template.spec;
  expect(spec.jobTemplate.spec.backoffLimit).toBe(2);
  expect(pod.restartPolicy).toBe("Never");
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.initContainers.map((c: Container) => [c.name, c.image, c.command])).toEqual([
    ["dump", "docker.io/library/mongo:7.0.14", ["sh", "/scripts/dump.sh"]],
  ]);
  expect(pod.containers.map((c: Container) => [c.name, c.image, c.command])).toEqual([
    ["upload", "docker.io/curlimages/curl:8.11.1", ["sh", "/scripts/upload.sh"]],
  ]);
  expect(pod.initContainers[0].env).toEqual([
    {
      name: "MONGO_ROOT_USERNAME",
      valueFrom: { secretKeyRef: { name: "ratings-mongodb-credentials", key: "root-username" } },
    },
    {
      name: "MONGO_ROOT_PASSWORD",
      valueFrom: { secretKeyRef: { name: "ratings-mongodb-credentials", key: "root-password" } },
    },
  ]);
  expect(
    pod.containers[0].env.map(
      (e: { valueFrom: { secretKeyRef: unknown } }) => e.valueFrom.secretKeyRef,
    ),
  ).toEqual([
    { name: "ratings-mongodb-backup-target", key: "container-url" },
    { name: "ratings-mongodb-backup-target", key: "sas" },
  ]);
  // Pod Security `restricted`: non-root, seccomp, no privilege escalation, no capabilities.
  expect(pod.securityContext).toMatchObject({
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
  });
  for (const c of [...pod.initContainers, ...pod.containers]) {
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
  }
});

test("the NetworkPolicies: the job reaches MongoDB and 443 only; MongoDB admits the job", () => {
  const policies = backup().filter(
    (r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  );
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  expect(policies.map((p) => ({ name: p.name, spec: p.inputs.spec })).sort(byName)).toEqual(
    backupNetworkPolicies(["0.0.0.0/0"])
      .map((p) => ({ name: `seattle-backup-${p.name}`, spec: p.spec }))
      .sort(byName),
  );
  const [egress] = backupNetworkPolicies(["0.0.0.0/0"]);
  expect(egress.spec.egress).toEqual([
    {
      to: [
        {
          podSelector: {
            matchLabels: {
              "app.kubernetes.io/name": "ratings-mongodb",
              "app.kubernetes.io/part-of": "ratings",
            },
          },
        },
      ],
      ports: [{ protocol: "TCP", port: 27017 }],
    },
    { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
  ]);
});
