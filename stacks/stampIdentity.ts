import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { activeIdentity, type ActiveIdentity } from "../lib/clusterAccess";
import {
  clusterPhaseRefusal,
  identityHint,
  clusterServerMismatch,
  reachesApiServer,
  STAMP_PHASE_VAR,
  stampPhase,
  type StampPhase,
} from "../lib/stampIdentity";
import { ownStackName } from "./preflight";

/**
 * The phase of this stamp run (`ASHK8S_STAMP_PHASE`, lib/stampIdentity.ts). A `cluster` run reads
 * the stack's own last outputs first (a StackReference to itself) and is refused when the
 * in-cluster layer is already deployed, so a forgotten variable can never plan its deletion.
 */
export async function runPhase(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<StampPhase> {
  const phase = stampPhase(env);
  if ("error" in phase) throw new pulumi.RunError(phase.error);
  if (phase.phase === "all") return "all";
  const stack = pulumi.getStack();
  const self = new pulumi.StackReference(`${stack}-own-outputs`, { name: ownStackName() });
  const names = await new Promise<string[]>((resolve) =>
    self.outputs.apply((o) => resolve(Object.keys(o ?? {}))),
  );
  const refusal = clusterPhaseRefusal(stack, names);
  if (refusal) throw new pulumi.RunError(refusal);
  pulumi.log.warn(
    `${STAMP_PHASE_VAR}=cluster: only the helper VM and the cluster are deployed in this run; ` +
      `next: \`npm run kubeconfig -- ${stack} --admin\` and a run with KUBECONFIG set to that file`,
  );
  return "cluster";
}

/**
 * The identity of this run: the current context of the one file in $KUBECONFIG, which must reach
 * the stamp's API server (`https://<apiServerFqdn>`, known from config before the cluster exists),
 * so that a kubeconfig of another cluster is refused before anything is read. Logged.
 */
export function stampRunIdentity(
  stack: string,
  apiServerFqdn: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ActiveIdentity {
  const fail = (why: string) => new pulumi.RunError(`${why}; ${identityHint(stack)}`);
  const file = env.KUBECONFIG ?? "";
  if (file === "" || file.includes(path.delimiter) || !fs.existsSync(file)) {
    throw fail(`KUBECONFIG is ${file === "" ? "not set" : `"${file}", not one existing file`}`);
  }
  const run = activeIdentity(fs.readFileSync(file, "utf8"), `KUBECONFIG "${file}"`);
  if ("error" in run) throw fail(run.error);
  if (!reachesApiServer(run.server, apiServerFqdn)) {
    throw fail(
      `KUBECONFIG "${file}" reaches ${run.server}, but this stamp's API server is https://${apiServerFqdn}`,
    );
  }
  pulumi.log.info(
    `Kubernetes identity of this run: user "${run.user}" (context "${run.context}" of $KUBECONFIG)`,
  );
  return run;
}

/**
 * Once the cluster's admin kubeconfig is known (from state), its server must be the one the run's
 * identity reaches; a difference (an API server moved behind another name) fails the run (the
 * rejected apply is the program's error; the rule is lib/stampIdentity.ts `clusterServerMismatch`).
 */
export function checkAgainstCluster(
  stack: string,
  adminKubeconfig: pulumi.Output<string>,
  run: ActiveIdentity,
): void {
  adminKubeconfig.apply((text) => {
    const mismatch = clusterServerMismatch(stack, text, run.server);
    if (mismatch) throw new pulumi.RunError(mismatch);
  });
}
