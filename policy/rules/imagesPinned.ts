/** images-pinned: every container image carries a version tag or a digest. */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { containersOf, workload } from "./helpers";

/**
 * Why an image reference is not pinned, or undefined when it is: it must carry a digest
 * (`@sha256:...`) or a tag other than `latest`. The tag is what follows the last `:` after the last
 * `/`, so a registry port (`registry:5000/app`) is not a tag.
 */
export function imageNotPinned(image: unknown): string | undefined {
  if (typeof image !== "string" || image.trim() === "") return "has no image";
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  if (image.includes("@")) return `image "${image}" has a malformed digest`;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return `image "${image}" has no tag (it means :latest)`;
  const tag = lastSegment.slice(colon + 1);
  if (tag === "" || tag.toLowerCase() === "latest") {
    return `image "${image}" uses the floating tag "${tag || "(empty)"}"`;
  }
  return undefined;
}

export const imagesPinned: ResourceValidationPolicy = {
  name: "images-pinned",
  description: "Every container image is pinned to a tag other than latest, or to a digest.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    for (const c of containersOf(args)) {
      const why = imageNotPinned(c.props.image);
      if (why) {
        report(
          `${workload(args)}: ${c.kind} "${c.name}" ${why}; pin a version tag or an @sha256 digest ` +
            "(mirror it for disconnected stamps).",
        );
      }
    }
  },
};
