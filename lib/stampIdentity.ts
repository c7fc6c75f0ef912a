/**
 * Which identity a stamp run uses and in which phase it runs (issue 14): the in-cluster layer's
 * provider has no kubeconfig input (components/aksEngineCluster.ts `inClusterProvider`), so the
 * run's $KUBECONFIG decides who it is; this module decides whether that kubeconfig reaches the
 * stamp's own API server, and guards the explicit first-deploy phase. Pure; the program side is
 * stacks/stampIdentity.ts; tested in test/stampIdentity.test.ts; docs/decisions.md says why.
 */

import { activeIdentity } from "./clusterAccess";

/** Environment variable naming the phase of a stamp run. */
export const STAMP_PHASE_VAR = "ASHK8S_STAMP_PHASE";

/**
 * `cluster`: only the Azure side (helper VM, cluster), for the first run of a new stamp, when no
 * kubeconfig of the cluster can exist yet. `all` (the default): everything.
 */
export type StampPhase = "cluster" | "all";

/** The phase from the environment, or an error naming the variable, its value and what is allowed. */
export function stampPhase(
  env: Readonly<Record<string, string | undefined>>,
): { phase: StampPhase } | { error: string } {
  const raw = env[STAMP_PHASE_VAR];
  if (raw === undefined || raw === "" || raw === "all") return { phase: "all" };
  if (raw === "cluster") return { phase: "cluster" };
  return {
    error: `${STAMP_PHASE_VAR} is ${JSON.stringify(raw)}; allowed: "cluster" (first run of a new stamp: helper VM and cluster only) or unset/"all"`,
  };
}

/**
 * The stack output whose presence in the stamp's last outputs shows that its in-cluster layer is
 * deployed (every stamp deployed by this program, before and after issue 14, exports it).
 */
export const IN_CLUSTER_OUTPUT = "ingressIp";

/**
 * Why a `cluster`-phase run must be refused, or undefined when it may run: a stamp whose last
 * outputs include `IN_CLUSTER_OUTPUT` has its in-cluster layer deployed, and a run that does not
 * register it would plan to delete all of it (MongoDB's data included).
 */
export function clusterPhaseRefusal(stack: string, outputNames: string[]): string | undefined {
  if (!outputNames.includes(IN_CLUSTER_OUTPUT)) return undefined;
  return (
    `${STAMP_PHASE_VAR}=cluster is only for the first run of a new stamp, but stack ${stack} already has ` +
    `its in-cluster layer (its outputs include ${IN_CLUSTER_OUTPUT}); a cluster-only run would delete it. ` +
    `Unset ${STAMP_PHASE_VAR} and run with KUBECONFIG from \`npm run kubeconfig -- ${stack} --deployer\` ` +
    "(or --viewer for a preview, --admin for access or chart changes)"
  );
}

/**
 * Whether a kubeconfig's server URL is the stamp's API server: https, host equal to the API
 * server FQDN (case and a trailing dot ignored), port 443 or none, no path. aks-engine writes
 * `https://<fqdn>` into the admin kubeconfig (the stand-in binary's offline `generate` does exactly
 * that: test/integration/aksEngineBinary.test.ts), and the viewer/deployer files copy its server.
 */
export function reachesApiServer(server: string, apiServerFqdn: string): boolean {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return false;
  }
  const host = (h: string) => h.toLowerCase().replace(/\.$/, "");
  return (
    url.protocol === "https:" &&
    host(url.hostname) === host(apiServerFqdn) &&
    (url.port === "" || url.port === "443") &&
    (url.pathname === "" || url.pathname === "/") &&
    url.username === "" &&
    url.password === ""
  );
}

/**
 * Whether two kubeconfig server URLs name the same API server: https, same host (case and a
 * trailing dot ignored), same port (443 when none), no path. Used once the cluster's admin
 * kubeconfig is in the state, against the run's server.
 */
export function sameApiServer(a: string, b: string): boolean {
  let url: URL;
  try {
    url = new URL(b);
  } catch {
    return false;
  }
  if (url.port !== "" && url.port !== "443") return false;
  return reachesApiServer(a, url.hostname) && reachesApiServer(b, url.hostname);
}

/**
 * Why the run's server is not the one of the cluster's admin kubeconfig from the state, or
 * undefined when it is (or when that kubeconfig is empty or unreadable: nothing to compare yet).
 */
export function clusterServerMismatch(
  stack: string,
  adminKubeconfig: string,
  runServer: string,
): string | undefined {
  if (!adminKubeconfig) return undefined;
  const admin = activeIdentity(adminKubeconfig, `stack ${stack}: the cluster's kubeconfig`);
  if ("error" in admin || sameApiServer(runServer, admin.server)) return undefined;
  return `KUBECONFIG reaches ${runServer}, but the cluster's kubeconfig names ${admin.server}; ${identityHint(stack)}`;
}

/** The hint every identity refusal ends with: which file to point KUBECONFIG at. */
export function identityHint(stack: string): string {
  return (
    `set KUBECONFIG to one kubeconfig file of this stamp's cluster: \`npm run kubeconfig -- ${stack}\` ` +
    "(viewer: preview, drift), `--deployer` (up), `--admin` (access, namespace and chart changes); " +
    `the first deploy of a new stamp runs ${STAMP_PHASE_VAR}=cluster first (docs/stamp-runbook.md, "Identities")`
  );
}
