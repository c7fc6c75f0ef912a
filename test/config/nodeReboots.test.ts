/**
 * `nodeReboots` (config/nodeReboots.ts): defaults, and every bad value refused with a sentence that
 * names the key and what is allowed. Each value becomes a kured argument rendered unquoted into
 * the chart's YAML, so hostile values (newlines, flags, shell) are refused at the key.
 */
import { parseConfig, StampConfig } from "../../config";
import { show } from "../../config/issues";
import { problemsOf, stamp } from "./support";

const at = (key: string, value: unknown, message: string) => `${key}: ${show(value)} ${message}`;
const reboots = (patch: Record<string, unknown>) => stamp({ nodeReboots: patch });
const window = (patch: Record<string, unknown>) => reboots({ window: patch });

test("defaults: pinned chart and image, mo-th 01:00-05:00 UTC, 30m drain timeout, hourly checks", () => {
  const raw = stamp();
  const c = parseConfig("seattle", raw.config, raw.secretKeys).config as StampConfig;
  expect(c.nodeReboots).toEqual({
    chart: "https://kubereboot.github.io/charts",
    chartVersion: "6.1.0",
    imageTag: "1.23.0",
    window: {
      days: ["mo", "tu", "we", "th"],
      startTime: "01:00",
      endTime: "05:00",
      timeZone: "UTC",
    },
    drainTimeout: "30m",
    period: "1h",
  });
});

test("a full window across midnight in a named zone, with a lock TTL, is accepted", () => {
  const raw = reboots({
    window: { days: ["sa", "su"], startTime: "22:30", endTime: "04:00", timeZone: "Europe/Berlin" },
    drainTimeout: "1h30m",
    period: "15m",
    lockTtl: "3h",
    imageRegistry: "registry.contoso.local:5000/mirror",
    chart: "oci://registry.contoso.local/charts/kured",
  });
  expect(problemsOf("seattle", raw)).toEqual([]);
});

const CLOCK = "must be a 24-hour time HH:MM such as 01:00";
const ZONE = "an IANA time zone name such as UTC, Europe/Berlin or America/Los_Angeles";
const DAYS = 'must be one of "su", "mo", "tu", "we", "th", "fr", "sa"';
const DURATION = (example: string) =>
  `must be a duration of hours, minutes and seconds such as ${example}`;

const rows: [string, ReturnType<typeof stamp>, string[]][] = [
  [
    "unknown key",
    reboots({ rebootDays: ["mo"] }),
    [
      "nodeReboots.rebootDays: is not a known key (typo?); remove it or see the config reference in README.md",
    ],
  ],
  [
    "unknown window key",
    window({ start: "01:00" }),
    [
      "nodeReboots.window.start: is not a known key (typo?); remove it or see the config reference in README.md",
    ],
  ],
  [
    "day spelt out",
    window({ days: ["monday"] }),
    [at("nodeReboots.window.days[0]", "monday", DAYS)],
  ],
  [
    "day with a newline and a flag",
    window({ days: ["mo\n- --force-reboot"] }),
    [at("nodeReboots.window.days[0]", "mo\n- --force-reboot", DAYS)],
  ],
  [
    "no day",
    window({ days: [] }),
    [at("nodeReboots.window.days", [], "must name at least one day")],
  ],
  [
    "a day twice",
    window({ days: ["mo", "mo"] }),
    [at("nodeReboots.window.days", ["mo", "mo"], "must not name a day twice")],
  ],
  [
    "days not a list",
    window({ days: "mo,tu" }),
    [at("nodeReboots.window.days", "mo,tu", "must be of type array")],
  ],
  [
    "12-hour time",
    window({ startTime: "1am" }),
    [at("nodeReboots.window.startTime", "1am", CLOCK)],
  ],
  ["hour 24", window({ endTime: "24:00" }), [at("nodeReboots.window.endTime", "24:00", CLOCK)]],
  [
    "one-digit hour",
    window({ startTime: "1:00" }),
    [at("nodeReboots.window.startTime", "1:00", CLOCK)],
  ],
  [
    "time with an injected flag",
    window({ startTime: "01:00 --force-reboot" }),
    [at("nodeReboots.window.startTime", "01:00 --force-reboot", CLOCK)],
  ],
  [
    "time with a newline",
    window({ endTime: "05:00\n- --force-reboot" }),
    [at("nodeReboots.window.endTime", "05:00\n- --force-reboot", CLOCK)],
  ],
  [
    "empty window",
    window({ startTime: "03:00", endTime: "03:00" }),
    [
      at(
        "nodeReboots.window.endTime",
        "03:00",
        "must differ from startTime (the window would be one minute long)",
      ),
    ],
  ],
  [
    "unknown zone",
    window({ timeZone: "Europe/Atlantis" }),
    [
      at(
        "nodeReboots.window.timeZone",
        "Europe/Atlantis",
        `is not a known time zone; must be ${ZONE}`,
      ),
    ],
  ],
  [
    "zone in lowercase",
    window({ timeZone: "europe/berlin" }),
    [at("nodeReboots.window.timeZone", "europe/berlin", `must be ${ZONE}`)],
  ],
  [
    "zone in the wrong case",
    window({ timeZone: "Europe/BERLIN" }),
    [
      at(
        "nodeReboots.window.timeZone",
        "Europe/BERLIN",
        "must be spelt as in the tz database: Europe/Berlin",
      ),
    ],
  ],
  [
    "zone as an offset",
    window({ timeZone: "+02:00" }),
    [at("nodeReboots.window.timeZone", "+02:00", `must be ${ZONE}`)],
  ],
  [
    "zone with a path",
    window({ timeZone: "../../etc/passwd" }),
    [at("nodeReboots.window.timeZone", "../../etc/passwd", `must be ${ZONE}`)],
  ],
  [
    "zone with a newline and a flag",
    window({ timeZone: "UTC\n- --force-reboot" }),
    [at("nodeReboots.window.timeZone", "UTC\n- --force-reboot", `must be ${ZONE}`)],
  ],
  [
    "zone with shell",
    window({ timeZone: "UTC$(reboot)" }),
    [at("nodeReboots.window.timeZone", "UTC$(reboot)", `must be ${ZONE}`)],
  ],
  [
    "drain timeout without a unit",
    reboots({ drainTimeout: "30" }),
    [at("nodeReboots.drainTimeout", "30", DURATION("30m"))],
  ],
  [
    "drain timeout of zero (infinite in kured)",
    reboots({ drainTimeout: "0s" }),
    [at("nodeReboots.drainTimeout", "0s", "must be between 1s and 24h")],
  ],
  [
    "drain timeout over a day",
    reboots({ drainTimeout: "25h" }),
    [at("nodeReboots.drainTimeout", "25h", "must be between 1s and 24h")],
  ],
  [
    "drain timeout with a flag",
    reboots({ drainTimeout: "30m --force-reboot" }),
    [at("nodeReboots.drainTimeout", "30m --force-reboot", DURATION("30m"))],
  ],
  [
    "negative period",
    reboots({ period: "-1h" }),
    [at("nodeReboots.period", "-1h", DURATION("1h"))],
  ],
  [
    "period with a newline",
    reboots({ period: "1h\n- --force-reboot" }),
    [at("nodeReboots.period", "1h\n- --force-reboot", DURATION("1h"))],
  ],
  [
    "units out of order",
    reboots({ lockTtl: "30m2h" }),
    [at("nodeReboots.lockTtl", "30m2h", DURATION("2h"))],
  ],
  [
    "lock TTL not above the drain timeout",
    reboots({ lockTtl: "30m" }),
    [
      at(
        "nodeReboots.lockTtl",
        "30m",
        "must be longer than drainTimeout (30m), or another node could start rebooting while the first still drains",
      ),
    ],
  ],
  [
    "floating image tag",
    reboots({ imageTag: "latest" }),
    [at("nodeReboots.imageTag", "latest", "must not be the floating tag 'latest'")],
  ],
  [
    "image tag with a newline",
    reboots({ imageTag: "1.23.0\nx" }),
    [at("nodeReboots.imageTag", "1.23.0\nx", "must be an image tag such as 5.0.9")],
  ],
  [
    "registry with a scheme",
    reboots({ imageRegistry: "https://registry.contoso.local" }),
    [
      at(
        "nodeReboots.imageRegistry",
        "https://registry.contoso.local",
        "must be a registry host with optional port and path, e.g. registry.contoso.local:5000/mirror",
      ),
    ],
  ],
  [
    "chart version range",
    reboots({ chartVersion: "^6.1.0" }),
    [at("nodeReboots.chartVersion", "^6.1.0", "must be an exact chart version such as 6.1.0")],
  ],
  [
    "chart archive of another version",
    reboots({ chart: "./charts/kured-6.0.0.tgz" }),
    [
      at(
        "nodeReboots.chart",
        "./charts/kured-6.0.0.tgz",
        'must be the archive of the pinned chart version, named "kured-6.1.0.tgz" (or set the chart version to the archive\'s)',
      ),
    ],
  ],
  [
    "chart digest not a SHA-256",
    reboots({ chartSha256: "0".repeat(63) }),
    [
      at(
        "nodeReboots.chartSha256",
        "0".repeat(63),
        "must be a SHA-256 as sha256sum prints it: 64 lowercase hex digits",
      ),
    ],
  ],
  [
    "OCI reference of another chart",
    reboots({ chart: "oci://registry.contoso.local/charts/reboot" }),
    [
      at(
        "nodeReboots.chart",
        "oci://registry.contoso.local/charts/reboot",
        'must end with the chart name "/kured"',
      ),
    ],
  ],
];

test.each(rows)("refused: %s", (_what, raw, expected) => {
  expect(problemsOf("seattle", raw)).toEqual(expected);
});

test("not a key of the other stack kinds", () => {
  const raw = {
    config: {
      "ash-ha-kubernetes:kind": "local",
      "ash-ha-kubernetes:nodeReboots": '{"period":"1h"}',
    },
    secretKeys: [],
  };
  expect(problemsOf("local", raw)).toEqual([
    "nodeReboots: is not a known key (typo?); remove it or see the config reference in README.md",
  ]);
});

test("set on a disconnected stamp: accepted with a warning (kured is not installed there)", () => {
  const raw = stamp({ azureStack: { disconnected: true }, nodeReboots: { period: "2h" } });
  expect(parseConfig("seattle", raw.config, raw.secretKeys).warnings).toEqual([
    "nodeReboots: is not used on a disconnected stamp (azureStack.disconnected: true): no kured is installed there; patch its nodes with a node image refresh (docs/stamp-runbook.md)",
  ]);
  const unset = stamp({ azureStack: { disconnected: true } });
  expect(parseConfig("seattle", unset.config, unset.secretKeys).warnings).toEqual([]);
});
