/** The pure node reboot rules (lib/nodeReboots.ts): window checks, kured's values, the policy. */
import { parse } from "yaml";
import {
  describeWindow,
  durationSeconds,
  kuredValues,
  namespaceLabels,
  networkPolicies,
  NodeRebootSettings,
  timeZoneProblem,
  TOLERATIONS,
} from "../lib/nodeReboots";
import { stampConfig } from "./stampConfigs";

const settings: NodeRebootSettings = {
  imageTag: "1.23.0",
  window: { days: ["th", "mo"], startTime: "22:00", endTime: "04:30", timeZone: "Europe/Berlin" },
  drainTimeout: "45m",
  period: "10m",
};

describe("kuredValues", () => {
  test("one node at a time, in the window (days in week order), never forced, pinned image", () => {
    const v = kuredValues(settings, "seattle");
    expect(v.configuration).toEqual({
      concurrency: 1,
      rebootDays: ["mo", "th"],
      startTime: "22:00",
      endTime: "04:30",
      timeZone: "Europe/Berlin",
      drainTimeout: "45m",
      period: "10m",
      lockTtl: 0,
      forceReboot: false,
    });
    expect(v.image).toEqual({
      repository: "ghcr.io/kubereboot/kured",
      tag: "1.23.0",
      pullPolicy: "IfNotPresent",
    });
    expect(v.tolerations).toBe(TOLERATIONS);
    expect(v.podLabels).toEqual({ "ash-ha-kubernetes/stamp": "seattle" });
    expect(v.resources.requests).toBeDefined();
    expect(v.resources.limits).toBeDefined();
  });

  test("a mirror keeps the upstream path; a lock TTL is passed through", () => {
    const v = kuredValues(
      { ...settings, imageRegistry: "registry.contoso.local:5000/mirror/", lockTtl: "2h" },
      "seattle",
    );
    expect(v.image.repository).toBe("registry.contoso.local:5000/mirror/kubereboot/kured");
    expect(v.configuration.lockTtl).toBe("2h");
  });

  test("the values of the shipped seattle config survive the chart's unquoted --flag=value lines", () => {
    // templates/daemonset.yaml (kured-6.1.0) renders `- --start-time={{ .Values.configuration.startTime }}`
    // without quoting; each value must come back from YAML as exactly the argument it was.
    const c = stampConfig("seattle");
    const v = kuredValues(c.nodeReboots, c.name).configuration;
    const args: [string, unknown][] = [
      ...v.rebootDays.map((d): [string, unknown] => ["reboot-days", d]),
      ["start-time", v.startTime],
      ["end-time", v.endTime],
      ["time-zone", v.timeZone],
      ["drain-timeout", v.drainTimeout],
      ["period", v.period],
      ["concurrency", v.concurrency],
    ];
    const rendered = "args:\n" + args.map(([f, x]) => `  - --${f}=${x}\n`).join("");
    expect(parse(rendered).args).toEqual(args.map(([f, x]) => `--${f}=${x}`));
  });
});

describe("timeZoneProblem", () => {
  test.each([
    "UTC",
    "Europe/Berlin",
    "America/Los_Angeles",
    "America/Argentina/Buenos_Aires",
    "Asia/Kolkata",
    "Etc/GMT+5",
  ])("%s is accepted", (zone) => expect(timeZoneProblem(zone)).toBeUndefined());
  test.each([
    ["utc", "must be an IANA time zone name such as UTC, Europe/Berlin or America/Los_Angeles"],
    [
      "Mars/Olympus_Mons",
      "is not a known time zone; must be an IANA time zone name such as UTC, Europe/Berlin or America/Los_Angeles",
    ],
    ["America/NEW_YORK", "must be spelt as in the tz database: America/New_York"],
    [
      "UTC;reboot",
      "must be an IANA time zone name such as UTC, Europe/Berlin or America/Los_Angeles",
    ],
    ["", "must be an IANA time zone name such as UTC, Europe/Berlin or America/Los_Angeles"],
  ])("%j is refused", (zone, problem) => expect(timeZoneProblem(zone)).toBe(problem));
});

test("durationSeconds reads h, m and s; refuses anything else", () => {
  expect(durationSeconds("1h30m")).toBe(5400);
  expect(durationSeconds("90s")).toBe(90);
  expect(durationSeconds("2h5s")).toBe(7205);
  expect(() => durationSeconds("")).toThrow("not a duration");
  expect(() => durationSeconds("1d")).toThrow("not a duration");
});

test("describeWindow: days in week order, times and zone", () => {
  expect(describeWindow(settings.window)).toBe("mo,th 22:00-04:30 Europe/Berlin");
});

test("the namespace is privileged (hostPID, privileged container); only egress to the API server", () => {
  expect(namespaceLabels("seattle")["pod-security.kubernetes.io/enforce"]).toBe("privileged");
  const apiServer = (ports: number[]) => ({
    name: "kured-api-server",
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ ports: ports.map((port) => ({ protocol: "TCP", port })) }],
    },
  });
  const deny = {
    name: "default-deny",
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
  // Default: aks-engine's API server port; any other list is sorted and deduplicated.
  expect(networkPolicies()).toEqual([deny, apiServer([443])]);
  expect(networkPolicies([6443, 443, 6443])).toEqual([deny, apiServer([443, 6443])]);
  expect(() => networkPolicies([])).toThrow("kured-api-server: API server ports: no port given");
});
