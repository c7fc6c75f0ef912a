/** masters-three-or-five: a cluster runs 3 or 5 masters. */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { clusterSize } from "./clusterSize";

export const mastersThreeOrFive: ResourceValidationPolicy = {
  name: "masters-three-or-five",
  description:
    "Clusters run 3 or 5 masters (etcd quorum that survives a master loss; the count cannot change later).",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const size = clusterSize(args.props);
    if (!size) return;
    if (size.masters !== 3 && size.masters !== 5) {
      report(
        `Cluster ${args.name} has ${size.masters ?? "no"} masters (cluster.masterCount); production ` +
          "clusters need 3 or 5, and the count cannot be changed after deploy.",
      );
    }
  },
};
