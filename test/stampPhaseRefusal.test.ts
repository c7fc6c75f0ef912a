/**
 * A forgotten `ASHK8S_STAMP_PHASE=cluster` on a deployed stamp, through the whole program
 * (index.ts) under mocks: the stack's own last outputs include `ingressIp` (its in-cluster layer
 * exists), so the run is refused with what to do, before the helper VM, the cluster or anything
 * that could plan the deletion of the in-cluster layer is registered.
 */
import { installStampProgramMocks } from "./support/stampProgramMocks";

const recorded = installStampProgramMocks("seattle", {
  apiServerFqdn: "x",
  ingressIp: "203.0.113.7",
});

test("a cluster-phase run of a deployed stamp is refused before the Azure side is registered", async () => {
  process.env.ASHK8S_STAMP_PHASE = "cluster";
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../index") as Promise<unknown>;
    await expect(program).rejects.toThrow(
      "ASHK8S_STAMP_PHASE=cluster is only for the first run of a new stamp, but stack seattle already has its in-cluster layer (its outputs include ingressIp); a cluster-only run would delete it. Unset ASHK8S_STAMP_PHASE and run with KUBECONFIG from `npm run kubeconfig -- seattle --deployer`",
    );
    await new Promise((r) => setImmediate(r));
    expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
      "pulumi:providers:azurestack seattle-ash",
      "pulumi:pulumi:StackReference seattle-own-outputs",
    ]);
  } finally {
    delete process.env.ASHK8S_STAMP_PHASE;
  }
});
