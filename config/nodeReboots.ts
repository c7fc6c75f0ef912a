/**
 * The `nodeReboots` key of a stamp: kured's chart and image pins and the reboot window. Used only
 * on connected stamps (`azureStack.disconnected: false`), where unattended upgrades run. Pure.
 * Every value here becomes a kured argument (lib/nodeReboots.ts), so each is held to a strict
 * pattern.
 */
import { z } from "zod";
import { CLOCK, DAYS, DURATION, durationSeconds, timeZoneProblem } from "../lib/nodeReboots";
import { KURED_CHART } from "../lib/versions";
import {
  chartVersion,
  checkChartPin,
  imageRegistry,
  imageTag,
  nonEmpty,
  sha256Digest,
} from "./fields";
import { imagePullSecret } from "./pullSecrets";

const clock = z.string().regex(CLOCK, "must be a 24-hour time HH:MM such as 01:00");

/** A Go duration between 1 second and `max` hours. */
const duration = (example: string, maxHours: number) =>
  z
    .string()
    .regex(DURATION, `must be a duration of hours, minutes and seconds such as ${example}`)
    .refine((d) => {
      if (!DURATION.test(d)) return true; // reported by the pattern
      const s = durationSeconds(d);
      return s >= 1 && s <= maxHours * 3600;
    }, `must be between 1s and ${maxHours}h`);

const windowSchema = z
  .strictObject({
    /** Days a reboot may start on (su, mo, tu, we, th, fr, sa). Defaults to mo-th. */
    days: z
      .array(z.enum(DAYS))
      .min(1, "must name at least one day")
      .refine((d) => new Set(d).size === d.length, "must not name a day twice")
      .default(["mo", "tu", "we", "th"]),
    /** Start of the window, HH:MM in timeZone. Defaults to 01:00. */
    startTime: clock.default("01:00"),
    /** End of the window, HH:MM in timeZone; before startTime: the window wraps past midnight. Defaults to 05:00. */
    endTime: clock.default("05:00"),
    /** IANA time zone of the window. Defaults to UTC. */
    timeZone: z
      .string()
      .superRefine((zone, ctx) => {
        const problem = timeZoneProblem(zone);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default("UTC"),
  })
  .refine((w) => w.startTime !== w.endTime, {
    message: "must differ from startTime (the window would be one minute long)",
    path: ["endTime"],
  })
  .prefault({});

export const nodeRebootsSchema = z
  .strictObject({
    /** kured chart: http(s) chart repository URL (default https://kubereboot.github.io/charts), oci:// reference or kured-<chartVersion>.tgz. */
    chart: nonEmpty.default(KURED_CHART.source),
    /** Exact chart version. Defaults to 6.1.0. */
    chartVersion: chartVersion(KURED_CHART.version).default(KURED_CHART.version),
    /** SHA-256 of the chart archive `chart` names (`sha256sum <name>-<version>.tgz`); required for a verified install (docs/in-cluster.md "Pinned downloads"). */
    chartSha256: sha256Digest.optional(),
    /** kured image tag, the chart's appVersion. Defaults to 1.23.0. */
    imageTag: imageTag.default(KURED_CHART.imageTag),
    /** Registry mirroring ghcr.io, paths kept (<registry>/kubereboot/kured); unset pulls from ghcr.io. */
    imageRegistry: imageRegistry.optional(),
    /** Secret: docker config JSON for the registry kured's image comes from. */
    imagePullSecret,
    /** When reboots may start. */
    window: windowSchema,
    /** A drain still running after this long is given up and retried later (never forced). Defaults to 30m. */
    drainTimeout: duration("30m", 24).default("30m"),
    /** How often each node checks whether it needs a reboot. Defaults to 1h. */
    period: duration("1h", 24).default("1h"),
    /** A reboot lock older than this is released by force; unset (default): held until the node is back. */
    lockTtl: duration("2h", 168).optional(),
  })
  .superRefine(checkChartPin(KURED_CHART.name))
  .superRefine((s, ctx) => {
    const valid = (d: string) => DURATION.test(d) && durationSeconds(d) > 0;
    if (s.lockTtl && valid(s.lockTtl) && valid(s.drainTimeout)) {
      if (durationSeconds(s.lockTtl) <= durationSeconds(s.drainTimeout)) {
        ctx.addIssue({
          code: "custom",
          path: ["lockTtl"],
          message: `must be longer than drainTimeout (${s.drainTimeout}), or another node could start rebooting while the first still drains`,
        });
      }
    }
  })
  .prefault({});

export type NodeRebootsConfig = z.infer<typeof nodeRebootsSchema>;

/**
 * The warning for `nodeReboots` set on a disconnected stamp, where kured is not installed (its
 * nodes get no unattended upgrades); undefined otherwise. `set` says whether the stack sets the key.
 */
export function unusedNodeRebootsWarning(set: boolean, disconnected: boolean): string | undefined {
  return set && disconnected
    ? "nodeReboots: is not used on a disconnected stamp (azureStack.disconnected: true): no kured is installed there; patch its nodes with a node image refresh (docs/stamp-runbook.md)"
    : undefined;
}
