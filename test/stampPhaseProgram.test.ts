/**
 * The first run of a new stamp (`ASHK8S_STAMP_PHASE=cluster`) through the whole program (index.ts)
 * under mocks: the stack's own last outputs (a StackReference to itself) have no in-cluster layer,
 * so the run registers the Azure side only (helper VM, cluster, no Kubernetes provider, no
 * in-cluster object, no Traffic Manager endpoint) and needs no KUBECONFIG.
 */
import * as pulumi from "@pulumi/pulumi";
import { settle } from "./mocks";
import { installStampProgramMocks } from "./support/stampProgramMocks";

const recorded = installStampProgramMocks("seattle", {}); // a new stack: no outputs yet

test("a cluster-phase run of a new stamp registers the helper VM and the cluster only", async () => {
  process.env.ASHK8S_STAMP_PHASE = "cluster";
  delete process.env.KUBECONFIG;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const outputs = (await require("../index")) as Record<string, pulumi.Output<unknown>>;
    await settle();
    const types = recorded.map((r) => r.type);
    expect(
      types.filter((t) => t.startsWith("kubernetes:") || t.includes("providers:kubernetes")),
    ).toEqual([]);
    expect(types).toContain("pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment");
    expect(types).toContain("azurestack:index/linuxVirtualMachine:LinuxVirtualMachine");
    expect(types.filter((t) => t.startsWith("azure-native:network"))).toEqual([]);
    expect(recorded.find((r) => r.name === "seattle-own-outputs")?.inputs.name).toBe(
      "organization/ash-ha-kubernetes/seattle",
    );
    expect(Object.keys(outputs)).not.toContain("ingressIp");
    expect(Object.keys(outputs)).toContain("apiServerFqdn");
  } finally {
    delete process.env.ASHK8S_STAMP_PHASE;
  }
});
