/**
 * Which runs `npm run fleet` makes for a stamp, and as whom (docs/stamp-runbook.md, "Identities").
 * A stamp's in-cluster layer runs as the run's $KUBECONFIG (stacks/stampIdentity.ts), so fleet
 * gives every stamp its own kubeconfig, read from that stamp's state: the viewer for preview and
 * drift, the deployer for up (`--admin` for the Day-2 changes only an admin can make). A new stamp
 * is detected from its state and deployed in two runs: `ASHK8S_STAMP_PHASE=cluster` (helper VM and
 * cluster), then the whole stamp as admin, which bootstraps the viewer and deployer. Pure; tested
 * in test/fleetIdentity.test.ts.
 */
import { CLUSTER_TYPE, SECRET_TYPE } from "./credentials";
import { ACCESS_NAMESPACE_PREFIX } from "../../lib/clusterAccess";
import { STAMP_PHASE_VAR } from "../../lib/stampIdentity";
import type { FleetOp } from "./fleet";

/**
 * `new`: no cluster in the state (never deployed, or only its pre-flight ran); `cluster`: the
 * cluster exists but the access bootstrap has not run (the first deploy's second run is due);
 * `bootstrapped`: the deployer's token is in the state.
 */
export type StampState = "new" | "cluster" | "bootstrapped";

interface ExportedResource {
  type?: string;
  outputs?: { metadata?: { namespace?: unknown; annotations?: Record<string, unknown> } };
}

/** The stamp's state, from `pulumi stack export` output (no secret needs to be decrypted). */
export function stampStateOf(exported: unknown): StampState {
  const resources = ((exported as { deployment?: { resources?: unknown[] } })?.deployment
    ?.resources ?? []) as ExportedResource[];
  if (!resources.some((r) => r.type === CLUSTER_TYPE)) return "new";
  const deployerToken = resources.some((r) => {
    const meta = r.outputs?.metadata;
    return (
      r.type === SECRET_TYPE &&
      typeof meta?.namespace === "string" &&
      meta.namespace.startsWith(ACCESS_NAMESPACE_PREFIX) &&
      meta.annotations?.["kubernetes.io/service-account.name"] === "deployer"
    );
  });
  return deployerToken ? "bootstrapped" : "cluster";
}

/** One engine run of a stamp: its identity (none: no KUBECONFIG needed) and phase. */
export interface StampRun {
  identity: "viewer" | "deployer" | "admin" | "none";
  /** `cluster`: ASHK8S_STAMP_PHASE=cluster (the first run of a new stamp). */
  phase?: "cluster";
  /** drift as viewer: leave the stack's Secrets out of the refresh. */
  excludeSecrets?: boolean;
  /** Why this run, for the log. */
  why: string;
}

/** The runs of `op` on a stamp in `state`; `admin` is fleet's `--admin` (up only). */
export function stampRuns(op: FleetOp, state: StampState, admin: boolean): StampRun[] {
  if (state === "new") {
    const first: StampRun = {
      identity: "none",
      phase: "cluster",
      why: `a new stamp (no cluster in its state): ${STAMP_PHASE_VAR}=cluster, helper VM and cluster only`,
    };
    if (op !== "up") return [first];
    return [
      first,
      {
        identity: "admin",
        why: "first deploy, second run: the whole stamp as cluster-admin (bootstraps viewer and deployer)",
      },
    ];
  }
  if (state === "cluster") {
    if (op === "drift") {
      return [{ identity: "none", why: "no in-cluster layer in the state yet" }];
    }
    return [
      {
        identity: "admin",
        why: "the cluster exists but viewer and deployer do not yet: the first deploy's second run, as cluster-admin",
      },
    ];
  }
  if (op === "up") {
    return admin
      ? [{ identity: "admin", why: "--admin: a change only cluster-admin may make" }]
      : [{ identity: "deployer", why: "routine up as the deployer" }];
  }
  return [
    {
      identity: "viewer",
      why: `read-only ${op} as the viewer`,
      ...(op === "drift" ? { excludeSecrets: true } : {}),
    },
  ];
}

/** The environment of one run: its phase variable (set or emptied) and KUBECONFIG (when any). */
export function stampRunEnv(run: StampRun, kubeconfigFile?: string): Record<string, string> {
  return {
    [STAMP_PHASE_VAR]: run.phase ?? "",
    ...(kubeconfigFile ? { KUBECONFIG: kubeconfigFile } : {}),
  };
}
