/** A StorageClass set in app.storageClass wins: the program creates none and the guard tracks it. */
import { installMocks, Recorded, resolve, settle } from "../mocks";

const recorded: Recorded[] = installMocks({
  outputs: {
    "pulumi-nodejs:dynamic/ash-ha-kubernetes:GeneratedPassword": (a) => ({ result: a.name }),
  },
});

// Imported after the mocks are installed.
import * as k8s from "@pulumi/kubernetes";
import { RatingsApp } from "../../components/ratingsApp";
import { mongoStorageClass } from "../../lib/dataSafety";

beforeAll(async () => {
  const provider = new k8s.Provider("test", { kubeconfig: "{}" });
  const app = new RatingsApp(
    "lab",
    {
      app: {
        namespace: "ratings",
        apiImage: "registry.example/ratings-api:v1.0.0",
        webImage: "registry.example/ratings-web:v1.0.0",
        mongoImage: "docker.io/library/mongo:7.0.14",
        apiReplicas: 2,
        webAutoscaling: { minReplicas: 1, maxReplicas: 10, cpuUtilizationPercent: 80 },
        mongoStorageSize: "32Gi",
        storageClass: "managed-premium",
        approvedStatefulChanges: ["app.namespace: shop -> ratings"],
      },
      stamp: "lab",
      storageClass: mongoStorageClass("stamp"),
      protect: false,
      retainOnDelete: false,
    },
    { providers: { kubernetes: provider } },
  );
  await resolve(app.namespace);
  await settle();
});

test("no StorageClass is created; the template, the patch and the guard use the given one", () => {
  expect(recorded.filter((x) => x.type.includes("StorageClass"))).toEqual([]);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const sts = recorded.find((x) => x.type === "kubernetes:apps/v1:StatefulSet")!.inputs as any;
  expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
    storageClassName: "managed-premium",
    resources: { requests: { storage: "32Gi" } },
  });
  const guard = recorded.find((x) => x.type.endsWith(":StatefulGuard"))!;
  expect(guard.inputs).toMatchObject({
    namespace: "ratings",
    storageClass: "managed-premium",
    storageSize: "32Gi",
    approved: ["app.namespace: shop -> ratings"],
  });
  const patch = recorded.find((x) => x.type.endsWith("PersistentVolumeClaimPatch"))!;
  expect(patch.inputs).toMatchObject({
    metadata: { name: "data-ratings-mongodb-0", namespace: "ratings" },
    spec: { resources: { requests: { storage: "32Gi" } } },
  });
});
