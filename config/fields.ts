/**
 * Field rules shared by the stack schemas: patterns, URL/UUID/image/CIDR validators and pinned
 * downloads. Pure. Each rule's message follows the value in a problem (`<key>: <value> <message>`).
 */
import { z } from "zod";
import { allowListProblems } from "../lib/allowList";
import { chartPinProblem } from "../lib/helmChart";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SHA256 = /^[0-9a-f]{64}$/;
export const DNS_PREFIX = /^[A-Za-z][A-Za-z0-9-]{1,43}[A-Za-z0-9]$/;
export const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
export const STAMP_NAME = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
export const LOCATION = /^[a-z][a-z0-9-]*$/;
export const DNS_LABEL = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
export const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
export const SEMVER = /^\d+\.\d+\.\d+$/;
export const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const IMAGE_REF =
  /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/?[a-z0-9._-]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$/;

export { isCidr } from "../lib/allowList";

export const httpsUrl = (what: string) =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "https:" && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, `must be an https:// URL of the ${what}`);

export const uuid = z.string().regex(UUID, "must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
export const nonEmpty = z.string().min(1, "must not be empty");
export const imageRef = z
  .string()
  .regex(IMAGE_REF, "must be an image reference with a pinned tag or @sha256 digest")
  .refine((v) => !v.endsWith(":latest"), "must not use the floating tag 'latest'");

/** A download pinned by URL and SHA-256 (the helper VM refuses anything else). */
export const pinnedDownload = z.strictObject({
  /** Release tag or version of what is downloaded, e.g. v0.85.0. */
  version: nonEmpty,
  /** Where to download from: the upstream release asset or an internal mirror. */
  url: httpsUrl("download").or(z.string().regex(/^http:\/\/[^\s]+$/, "must be an http(s) URL")),
  /** SHA-256 of the file at `url`, 64 lowercase hex characters. */
  sha256: z.string().regex(SHA256, "must be 64 lowercase hex characters (the file's SHA-256)"),
});

/** Source CIDRs allowed to reach SSH: the one allow-list rule of lib/allowList.ts. */
export const sshAllowList = z.array(z.string()).superRefine((list, ctx) => {
  for (const p of allowListProblems(list)) {
    ctx.addIssue({ code: "custom", path: p.index === null ? [] : [p.index], message: p.message });
  }
});

/** A registry host (optional port and path prefix) that mirrors upstream images, paths kept. */
export const imageRegistry = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/,
    "must be a registry host with optional port and path, e.g. registry.contoso.local:5000/mirror",
  );

export const imageTag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, "must be an image tag such as 5.0.9")
  .refine((v) => v !== "latest", "must not be the floating tag 'latest'");

export const chartVersion = (example: string) =>
  z.string().regex(SEMVER, `must be an exact chart version such as ${example}`);

/** Refuses a chart source that would not deploy exactly the pinned version (lib/helmChart.ts). */
export const checkChartPin =
  (name: string) => (c: { chart: string; chartVersion: string }, ctx: z.RefinementCtx) => {
    const problem = chartPinProblem(name, c.chart, c.chartVersion);
    if (problem) ctx.addIssue({ code: "custom", path: ["chart"], message: problem });
  };

/** An expected status code range such as "200-299": first code not above the last. */
export const statusRange = z
  .string()
  .regex(/^[1-5]\d\d-[1-5]\d\d$/, "must be a range such as 200-299")
  .refine((r) => {
    const [min, max] = r.split("-").map(Number);
    return min <= max;
  }, "must not start above its end (e.g. 200-299)");
