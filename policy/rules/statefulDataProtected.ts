/**
 * stateful-data-protected: on a stamp (a stack holding an AKS engine cluster, recognised by the
 * cluster contract of ./clusterSize.ts), a StatefulSet that keeps data in `volumeClaimTemplates` is
 * protected (`protect`), so `pulumi destroy` or a replacement cannot take the database's workload
 * away by accident. Advisory: a lab stamp may turn protection off on purpose
 * (`app.protectStatefulResources: false`, docs/data-safety.md).
 */
import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { clusterSize } from "./clusterSize";
import { asArray, at, known, str } from "./helpers";

export const STATEFUL_SET_TYPE = "kubernetes:apps/v1:StatefulSet";

const keepsData = (r: PolicyResource) =>
  r.type === STATEFUL_SET_TYPE &&
  asArray(known(() => at(r.props, ["spec", "volumeClaimTemplates"]))).length > 0;

export const statefulDataProtected: StackValidationPolicy = {
  name: "stateful-data-protected",
  description:
    "On a stamp, every StatefulSet with volumeClaimTemplates is protected (protect: true), so a destroy or replacement cannot remove the database by accident.",
  enforcementLevel: "advisory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    if (!args.resources.some((r) => clusterSize(r.props) !== undefined)) return;
    for (const r of args.resources.filter(keepsData)) {
      if (r.opts?.protect) continue;
      const namespace = str(known(() => at(r.props, ["metadata", "namespace"])));
      const name = str(known(() => at(r.props, ["metadata", "name"]))) ?? r.name;
      report(
        `StatefulSet ${namespace ? `${namespace}/` : ""}${name} keeps its data in volumeClaimTemplates but is not protected on this stamp; ` +
          "keep app.protectStatefulResources at its default (true) outside a procedure of docs/data-safety.md, or set protect: true.",
        r.urn,
      );
    }
  },
};
