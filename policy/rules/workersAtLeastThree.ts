/** workers-at-least-three (advisory): every worker pool has the support policy's minimum. */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { clusterSize } from "./clusterSize";

/** The support policy's production minimum per worker pool. */
export const MIN_WORKERS = 3;

export const workersAtLeastThree: ResourceValidationPolicy = {
  name: "workers-at-least-three",
  description: `Every worker pool has at least ${MIN_WORKERS} nodes (the support policy's production minimum).`,
  enforcementLevel: "advisory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const size = clusterSize(args.props);
    if (!size) return;
    if (size.pools.length === 0) {
      report(`Cluster ${args.name} has no worker pool; add one with ${MIN_WORKERS} or more nodes.`);
    }
    for (const pool of size.pools) {
      if (pool.count < MIN_WORKERS) {
        report(
          `Cluster ${args.name}: pool "${pool.name}" has ${pool.count} workers (cluster.pools[].count), ` +
            `below the support policy's minimum of ${MIN_WORKERS}.`,
        );
      }
    }
  },
};
