/**
 * The local stack with `backup.enabled: true` and a `backup.target` under mocks: the same
 * MongoBackup component as on stamps, uploading to the configured container with the secret
 * `backupTargetSas`, on the local Kubernetes provider. (Off by default: the shipped local stack
 * has no backup objects, see the local graph snapshot.)
 */
import { backupScripts } from "../lib/backupJob";
import { mocksFor } from "./graph/program";
import { installMocks, Recorded, settle, unwrapSecret } from "./mocks";

const P = "ash-ha-kubernetes";
const SAS = "sv=2019-07-07&sr=c&sp=cw&se=2027-01-15T00:00:00Z&sig=local-signature";
const options = mocksFor("local");
options.config = {
  ...options.config,
  [`${P}:backup`]: JSON.stringify({
    enabled: true,
    target: {
      blobEndpoint: "https://backups.blob.munich.azurestack.contoso.com/",
      container: "mongodb-local",
    },
  }),
  [`${P}:backupTargetSas`]: SAS,
};
options.secretKeys = [...(options.secretKeys ?? []), `${P}:backupTargetSas`];
const recorded: Recorded[] = installMocks(options);

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await require("../index");
  await settle();
});

test("the backup objects on the local provider, wired to the configured target", () => {
  const backup = recorded.filter((r) => r.name.startsWith("ratings-backup"));
  expect(backup.map((r) => r.type).sort()).toEqual(
    [
      "ash-ha-kubernetes:app:MongoBackup",
      "kubernetes:batch/v1:CronJob",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:Secret",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ].sort(),
  );
  for (const r of backup.slice(1)) expect(r.provider).toMatch(/::local::local-id$/);
  const secret = backup.find((r) => r.type === "kubernetes:core/v1:Secret");
  const data = unwrapSecret<Record<string, unknown>>(secret?.inputs.stringData);
  expect(data.secret).toBe(true);
  expect(unwrapSecret(data.value["container-url"]).value).toBe(
    "https://backups.blob.munich.azurestack.contoso.com/mongodb-local",
  );
  expect(unwrapSecret(data.value.sas).value).toBe(SAS);
  const plain = JSON.stringify(recorded.filter((r) => r !== secret).map((r) => r.inputs));
  expect(plain).not.toContain("local-signature");
  const scripts = backup.find((r) => r.type === "kubernetes:core/v1:ConfigMap");
  expect(scripts?.inputs.data).toEqual(backupScripts("local", "ratings", true));
});
