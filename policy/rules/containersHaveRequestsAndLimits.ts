/** containers-have-requests-and-limits: every container requests and is limited to CPU and memory. */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { at, containersOf, isObject, workload } from "./helpers";

/** Resources every container must request and be limited to. */
export const REQUIRED_RESOURCES = ["cpu", "memory"];

export const containersHaveRequestsAndLimits: ResourceValidationPolicy = {
  name: "containers-have-requests-and-limits",
  description:
    "Every container declares CPU and memory requests and limits (scheduling, HPA, noisy neighbours).",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    for (const c of containersOf(args)) {
      for (const section of ["requests", "limits"]) {
        const values = at(c.props, ["resources", section]);
        const missing = REQUIRED_RESOURCES.filter(
          (r) => !isObject(values) || values[r] === undefined || values[r] === "",
        );
        if (missing.length > 0) {
          report(
            `${workload(args)}: ${c.kind} "${c.name}" has no resources.${section}.${missing.join(
              " / ",
            )}; set requests and limits for ${REQUIRED_RESOURCES.join(" and ")}.`,
          );
        }
      }
    }
  },
};
