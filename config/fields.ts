/**
 * Field rules shared by the stack schemas: patterns, URL/UUID/image/CIDR validators and pinned
 * downloads. Pure. Each rule's message follows the value in a problem (`<key>: <value> <message>`).
 */
import { z } from "zod";
import { allowListProblems } from "../lib/allowList";
import { digestProblem } from "../lib/downloads";
import { chartPinProblem } from "../lib/helmChart";
import { pemProblem } from "../lib/pem";
import { isCalendarDate, type PreflightCheck } from "../lib/preflight";
import { isSafeUrl, URL_CHARACTERS, URL_CHARACTERS_TEXT, VERSION } from "../lib/shell";

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

/** An https:// URL made of safe characters only (lib/shell.ts `URL_CHARACTERS`). */
export const httpsUrl = (what: string) => safeUrl(`must be an https:// URL of the ${what}`);

/** A URL of `protocols` made of safe characters only; `notUrl` is the message for anything else. */
const safeUrl = (notUrl: string, protocols: readonly string[] = ["https:"]) =>
  z.string().superRefine((v, ctx) => {
    if (!URL_CHARACTERS.test(v)) {
      ctx.addIssue({ code: "custom", message: `${notUrl}, with ${URL_CHARACTERS_TEXT}` });
    } else if (!isSafeUrl(v, protocols)) {
      ctx.addIssue({ code: "custom", message: notUrl });
    }
  });

/** A PEM of one or more CERTIFICATE blocks, line feeds only (lib/pem.ts). */
export const certificatePem = z.string().superRefine((v, ctx) => {
  const problem = pemProblem(v, ["CERTIFICATE"]);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const uuid = z.string().regex(UUID, "must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
export const nonEmpty = z.string().min(1, "must not be empty");
export const imageRef = z
  .string()
  .regex(IMAGE_REF, "must be an image reference with a pinned tag or @sha256 digest")
  .refine((v) => !v.endsWith(":latest"), "must not use the floating tag 'latest'");

/** A download pinned by URL and SHA-256 (the helper VM refuses anything else). */
export const pinnedDownload = z.strictObject({
  /** Release version of what is downloaded, e.g. v0.85.0: ^v\d+\.\d+\.\d+$. */
  version: z
    .string()
    .regex(VERSION, "must be a release version such as v1.34.4 (^v\\d+\\.\\d+\\.\\d+$)"),
  /** Where to download from: the upstream release asset or an internal mirror (https, or http). */
  url: safeUrl("must be an http(s) URL of the download", ["https:", "http:"]),
  /** SHA-256 of the file at `url`, 64 lowercase hex characters. */
  sha256: z.string().regex(SHA256, "must be 64 lowercase hex characters (the file's SHA-256)"),
});

/** Source CIDRs allowed to reach SSH: the one allow-list rule of lib/allowList.ts. */
export const sshAllowList = z.array(z.string()).superRefine((list, ctx) => {
  for (const p of allowListProblems(list)) {
    ctx.addIssue({ code: "custom", path: p.index === null ? [] : [p.index], message: p.message });
  }
});

/**
 * User names Azure refuses for a VM's admin user (at VM creation, many minutes into a deploy);
 * design.md section 5.
 */
export const RESERVED_ADMIN_NAMES: readonly string[] = [
  "administrator",
  "admin",
  "user",
  "user1",
  "user2",
  "user3",
  "user4",
  "user5",
  "test",
  "test1",
  "test2",
  "test3",
  "admin1",
  "admin2",
  "1",
  "123",
  "a",
  "actuser",
  "adm",
  "aspnet",
  "backup",
  "console",
  "david",
  "guest",
  "john",
  "owner",
  "root",
  "server",
  "sql",
  "support",
  "support_388945a0",
  "sys",
];
export const ADMIN_USERNAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const ADMIN_ALLOWED = `allowed: ${ADMIN_USERNAME.source} except the names Azure reserves (${RESERVED_ADMIN_NAMES.join(", ")})`;

/** A Linux admin user name that Azure accepts on a VM. Defaults to azureuser. */
export const adminUsername = z
  .string()
  .regex(ADMIN_USERNAME, `must be a Linux user name; ${ADMIN_ALLOWED}`)
  .refine(
    (v) => !RESERVED_ADMIN_NAMES.includes(v.toLowerCase()),
    `is reserved by Azure for VM admin users; ${ADMIN_ALLOWED}`,
  )
  .default("azureuser");

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

/**
 * Refuses a chart source that would not deploy exactly the pinned version (lib/helmChart.ts). With
 * a default archive source, a version that does not match it is reported on `chartVersion`.
 */
export const checkChartPin =
  (name: string, byDefault?: { source: string; repository: string }) =>
  (c: { chart: string; chartVersion: string }, ctx: z.RefinementCtx) => {
    const problem = chartPinProblem(name, c.chart, c.chartVersion);
    if (problem && c.chart === byDefault?.source) {
      ctx.addIssue({
        code: "custom",
        path: ["chartVersion"],
        message: `does not match the default chart archive "${byDefault.source}"; set chart as well, to the archive of that version or to the repository ${byDefault.repository}`,
      });
    } else if (problem) ctx.addIssue({ code: "custom", path: ["chart"], message: problem });
  };

/** An expected status code range such as "200-299": first code not above the last. */
export const statusRange = z
  .string()
  .regex(/^[1-5]\d\d-[1-5]\d\d$/, "must be a range such as 200-299")
  .refine((r) => {
    const [min, max] = r.split("-").map(Number);
    return min <= max;
  }, "must not start above its end (e.g. 200-299)");

/** A client secret's expiry date, YYYY-MM-DD (lib/preflight.ts warns and fails before it). */
export const expiryDate = z
  .string()
  .refine(
    isCalendarDate,
    "must be the secret's expiry date as YYYY-MM-DD (the Expires column of the app registration's Certificates & secrets)",
  );

/** `preflight`: which pre-flight checks only warn on this stack (labs), of those the kind runs. */
export const preflightSchema = (checks: readonly [PreflightCheck, ...PreflightCheck[]]) =>
  z
    .strictObject({
      /** Checks whose failures only warn on this stack. Defaults to none. */
      warnOnly: z
        .array(z.enum(checks, { message: `must be one of ${checks.join(", ")}` }))
        .default([]),
    })
    .prefault({});

/** A pinned SHA-256 as sha256sum prints it (lib/downloads.ts). */
export const sha256Digest = z
  .string()
  .refine((v) => digestProblem(v) === undefined, digestProblem("") ?? "");
