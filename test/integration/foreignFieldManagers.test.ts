/**
 * lib/foreignFieldManagers.ts against the local control plane's real kube-apiserver: a Deployment
 * applied server-side under a Pulumi-style field manager (`pulumi-kubernetes-<suffix>`, the name
 * pulumi-kubernetes uses with server-side apply) has no finding; `kubectl label` and `kubectl set
 * env` (real kubectl, its own field managers) each give one finding naming the object, the manager
 * and the added fields, which `pulumi refresh` would not report (Pulumi's own fields are
 * unchanged). The Deployment is applied with kubectl, not through the Pulumi engine: what is
 * proven is the managedFields the API server records and the check over them.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeForeignEdit, foreignEdits, ManagedObject } from "../../lib/foreignFieldManagers";
import { kubectl, kubectlJson } from "./harness";

const NS = `it-foreign-${crypto.randomBytes(3).toString("hex")}`;
const MANAGER = "pulumi-kubernetes-1f2e3d4c";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", namespace: NS, labels: { app: "api" } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" } },
      spec: { containers: [{ name: "api", image: "registry.example/api:1.0.0" }] },
    },
  },
};
const manifest = path.join(os.tmpdir(), `${NS}.json`);
let ownedBefore: unknown;
const live = () =>
  kubectlJson<ManagedObject>(["get", "deployment", "api", "-n", NS, "--show-managed-fields"]);

beforeAll(() => {
  kubectl(["create", "namespace", NS]);
});
afterAll(() => {
  kubectl(["delete", "namespace", NS, "--wait=false"], true);
  fs.rmSync(manifest, { force: true });
});

test("applied by Pulumi's manager only: no finding", () => {
  fs.writeFileSync(manifest, JSON.stringify(deployment));
  kubectl(["apply", "--server-side", `--field-manager=${MANAGER}`, "-f", manifest]);
  const managers = (live().metadata?.managedFields ?? []).map((f) => f.manager);
  expect(managers).toContain(MANAGER);
  expect(foreignEdits(live())).toEqual([]);
  ownedBefore = live().metadata?.managedFields?.find((f) => f.manager === MANAGER)?.fieldsV1;
});

test("kubectl label and kubectl set env: one finding each, naming object, manager and fields", () => {
  kubectl(["label", "deployment", "api", "-n", NS, "team=blue"]);
  kubectl(["set", "env", "deployment/api", "-n", NS, "DEBUG=1"]);
  const edits = foreignEdits(live());
  expect(edits.map((e) => [e.object, e.manager, e.operation, e.fields])).toEqual([
    [`Deployment ${NS}/api`, "kubectl-label", "Update", ["metadata.labels.team"]],
    [
      `Deployment ${NS}/api`,
      "kubectl-set",
      "Update",
      ["spec.template.spec.containers[name=api].env[name=DEBUG]"],
    ],
  ]);
  expect(describeForeignEdit(edits[0])).toMatch(
    new RegExp(
      `^Deployment ${NS}/api changed out of band by kubectl-label \\(Update at [0-9TZ:-]+\\): metadata\\.labels\\.team$`,
    ),
  );
  // Pulumi's own fields were not touched: a refresh comparing them would see nothing.
  expect(live().metadata?.managedFields?.find((f) => f.manager === MANAGER)?.fieldsV1).toEqual(
    ownedBefore,
  );
});
