/**
 * The cross-stack Traffic Manager check (lib/stackConsistency.ts, `npm run check:stacks`): over
 * this repository's real stack files, over the fixture sets of test/fixtures/stacks/ (exact
 * messages), one table row per rule, and the CLI's exit codes.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { checkStackDir } from "../scripts/check-stacks";
import { checkStacks, StackDoc } from "../lib/stackConsistency";
import { ROOT } from "./stackFiles";

const FIXTURES = path.join(__dirname, "fixtures", "stacks");
const P = "ash-ha-kubernetes";

const PRIORITY_DUP = (file: string, others: string) =>
  `${file}: trafficManager.priority: 1 is also the priority of ${others}; Traffic Manager refuses two endpoints with the same priority in one profile (Pulumi.global.yaml routes by Priority): give every stamp its own priority (1-1000, lower wins)`;
const PRIORITY_MISSING = (file: string, global = "Pulumi.global.yaml") =>
  `${file}: trafficManager.priority: is missing; the global profile (${global}) routes by Priority, so every stamp must set its own priority: set a whole number 1-1000 (lower wins) that no other stamp uses`;
const LOCATION_MISSING = (file: string) =>
  `${file}: trafficManager.endpointLocation: is missing; the global profile (Pulumi.global.yaml) routes by Performance, which needs the Azure region nearest each stamp: set it, e.g. westeurope`;
const NO_HOST_HEADER = (file: string, host: string, global = "Pulumi.global.yaml") =>
  `${file}: ingress.hostname: "${host}" is not what the probes ask for: ${global} sets no trafficManager.monitor.hostHeader, so the probes carry the endpoint's address as Host and match no route; set trafficManager.monitor.hostHeader: ${host} in ${global}`;
const OTHER_HOST = (file: string, host: string, header: string) =>
  `${file}: ingress.hostname: "${host}" is not what the probes ask for: the probes send Host "${header}" (trafficManager.monitor.hostHeader in Pulumi.global.yaml), which this stamp's routes do not answer; serve ${header} here too (every stamp of a profile serves the one name users resolve), or change the host header if every stamp moves to ${host}`;
const DNS = "must be a DNS name such as ratings.contoso.com";

test("the repository's own stack files are consistent", () => {
  expect(checkStackDir(ROOT)).toEqual([]);
});

describe("fixture sets (test/fixtures/stacks)", () => {
  test.each<[string, string[]]>([
    [
      "duplicate-priorities",
      [
        PRIORITY_MISSING("Pulumi.dallas.yaml"),
        PRIORITY_DUP("Pulumi.munich.yaml", "Pulumi.seattle.yaml"),
        PRIORITY_DUP("Pulumi.seattle.yaml", "Pulumi.munich.yaml"),
      ],
    ],
    [
      "missing-location",
      [
        'Pulumi.dallas.yaml: trafficManager.globalStack: "contoso/other-project/global" must name a global stack of project ash-ha-kubernetes: "<stack>" or "<organization>/ash-ha-kubernetes/<stack>"',
        LOCATION_MISSING("Pulumi.munich.yaml"),
      ],
    ],
    [
      "hostname-mismatch",
      [
        OTHER_HOST("Pulumi.munich.yaml", "shop.contoso.com", "ratings.contoso.com"),
        NO_HOST_HEADER("Pulumi.oslo.yaml", "ratings.contoso.com", "Pulumi.global-eu.yaml"),
      ],
    ],
    [
      "hostile",
      [
        `Pulumi.global.yaml: trafficManager.monitor.hostHeader: "$(reboot).contoso.com" ${DNS}`,
        'Pulumi.munich.yaml: trafficManager.endpointLocation: "westeurope\\n# injected" must be an Azure region such as westeurope',
        `Pulumi.munich.yaml: ingress.hostname: "*.contoso.com" ${DNS}`,
        `Pulumi.seattle.yaml: ingress.hostname: "ratings.contoso.com\\r\\nX-Injected: 1" ${DNS}`,
      ],
    ],
  ])("%s", (dir, expected) => {
    expect(checkStackDir(path.join(FIXTURES, dir))).toEqual(expected);
  });
});

/** A stack file's config from `key: value` pairs without the project prefix. */
function doc(stack: string, config: Record<string, unknown>): StackDoc {
  return {
    file: `Pulumi.${stack}.yaml`,
    stack,
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${P}:${k}`, v])),
  };
}
const global = (trafficManager: object, stack = "global") =>
  doc(stack, { kind: "global", trafficManager: { dnsName: "x1", ...trafficManager } });
const stampDoc = (stack: string, trafficManager: object, hostname?: string) =>
  doc(stack, {
    kind: "stamp",
    trafficManager: { endpointLocation: "westus2", ...trafficManager },
    ...(hostname === undefined ? {} : { ingress: { hostname } }),
  });

/** An edge stamp: its endpoint is checked like a stamp's. */
const edgeDoc = (stack: string, trafficManager: object, hostname?: string) => ({
  ...stampDoc(stack, trafficManager, hostname),
  config: { ...stampDoc(stack, trafficManager, hostname).config, [`${P}:kind`]: "edge" },
});

describe("one row per rule", () => {
  test.each<[string, StackDoc[], string[]]>([
    [
      "edge stamps: a priority shared with a stamp is refused on both",
      [
        global({ routingMethod: "Priority" }),
        stampDoc("a", { priority: 1 }),
        edgeDoc("b-edge", { priority: 1 }),
      ],
      [
        PRIORITY_DUP("Pulumi.a.yaml", "Pulumi.b-edge.yaml"),
        PRIORITY_DUP("Pulumi.b-edge.yaml", "Pulumi.a.yaml"),
      ],
    ],
    [
      "edge stamps: missing location, unknown global stack and hostname are checked",
      [
        global({}),
        edgeDoc("c-edge", { endpointLocation: undefined }, "ratings.contoso.com"),
        edgeDoc("d-edge", { globalStack: "elsewhere" }),
      ],
      [
        LOCATION_MISSING("Pulumi.c-edge.yaml"),
        NO_HOST_HEADER("Pulumi.c-edge.yaml", "ratings.contoso.com"),
        "Pulumi.d-edge.yaml: trafficManager.globalStack: \"elsewhere\" names no global stack here (no Pulumi.elsewhere.yaml of kind global); fix the name or add the global stack's file, so priorities, locations and the probe's Host header can be checked",
      ],
    ],
    [
      "edge stamps: one without trafficManager registers no endpoint and is not checked",
      [
        global({ routingMethod: "Priority" }),
        stampDoc("a", { priority: 1 }),
        doc("e-edge", { kind: "edge", metallb: { addresses: ["10.0.0.0/28"] } }),
      ],
      [],
    ],
    [
      "Priority: distinct priorities pass",
      [
        global({ routingMethod: "Priority" }),
        stampDoc("a", { priority: 1 }),
        stampDoc("b", { priority: 2 }),
      ],
      [],
    ],
    [
      "Priority: three stamps on one priority each name the other two",
      [
        global({ routingMethod: "Priority" }),
        stampDoc("a", { priority: 1 }),
        stampDoc("b", { priority: 1 }),
        stampDoc("c", { priority: 1 }),
      ],
      [
        PRIORITY_DUP("Pulumi.a.yaml", "Pulumi.b.yaml, Pulumi.c.yaml"),
        PRIORITY_DUP("Pulumi.b.yaml", "Pulumi.a.yaml, Pulumi.c.yaml"),
        PRIORITY_DUP("Pulumi.c.yaml", "Pulumi.a.yaml, Pulumi.b.yaml"),
      ],
    ],
    [
      "Priority: equal priorities in two different profiles pass",
      [
        global({ routingMethod: "Priority" }),
        global({ routingMethod: "Priority" }, "global-eu"),
        stampDoc("a", { priority: 1 }),
        stampDoc("b", { priority: 1, globalStack: "global-eu" }),
      ],
      [],
    ],
    [
      "Priority: a stamp without a priority",
      [global({ routingMethod: "Priority" }), stampDoc("a", {})],
      [PRIORITY_MISSING("Pulumi.a.yaml")],
    ],
    [
      "Weighted and Performance: equal or missing priorities pass",
      [
        global({ routingMethod: "Weighted" }),
        global({}, "global-eu"),
        stampDoc("a", { priority: 1 }),
        stampDoc("b", { priority: 1 }),
        stampDoc("c", { globalStack: "global-eu" }),
      ],
      [],
    ],
    [
      "Performance (the default): a stamp without endpointLocation",
      [global({}), doc("a", { kind: "stamp", trafficManager: { priority: 1 } })],
      [LOCATION_MISSING("Pulumi.a.yaml")],
    ],
    [
      "Weighted: no endpointLocation needed",
      [global({ routingMethod: "Weighted" }), doc("a", { kind: "stamp", trafficManager: {} })],
      [],
    ],
    [
      "a hostname the probe sends (any case) passes; a stamp without one passes",
      [
        global({ monitor: { hostHeader: "ratings.contoso.com" } }),
        stampDoc("a", {}, "RATINGS.contoso.com"),
        stampDoc("b", {}),
      ],
      [],
    ],
    [
      "a hostname while the probe sends no Host header",
      [global({}), stampDoc("a", {}, "ratings.contoso.com")],
      [NO_HOST_HEADER("Pulumi.a.yaml", "ratings.contoso.com")],
    ],
    [
      "a hostname other than the probe's Host",
      [
        global({ monitor: { hostHeader: "ratings.contoso.com" } }),
        stampDoc("a", {}, "shop.contoso.com"),
      ],
      [OTHER_HOST("Pulumi.a.yaml", "shop.contoso.com", "ratings.contoso.com")],
    ],
    [
      "a global stack that is not among the files",
      [global({}), stampDoc("a", { globalStack: "contoso/ash-ha-kubernetes/global-us" })],
      [
        "Pulumi.a.yaml: trafficManager.globalStack: \"contoso/ash-ha-kubernetes/global-us\" names no global stack here (no Pulumi.global-us.yaml of kind global); fix the name or add the global stack's file, so priorities, locations and the probe's Host header can be checked",
      ],
    ],
    [
      "local stacks take no part",
      [global({ routingMethod: "Priority" }), doc("local", { kind: "local" })],
      [],
    ],
  ])("%s", (_name, docs, expected) => {
    expect(checkStacks(P, docs)).toEqual(expected);
  });
});

describe("TLS on the shared name: global dns and the endpoints' certificates", () => {
  const withDns = doc("global", {
    kind: "global",
    trafficManager: { dnsName: "x1", monitor: { protocol: "HTTPS" } },
    dns: { zoneName: "contoso.com", appRecord: "ratings" },
  });
  const tlsStamp = (stack: string, issuer: object, hostname = "ratings.contoso.com") => ({
    ...stampDoc(stack, {}, hostname),
    config: { ...stampDoc(stack, {}, hostname).config, [`${P}:certificates`]: { issuer } },
  });
  const LE = { type: "letsencrypt", email: "ops@contoso.com" };

  test.each<[string, StackDoc[], string[]]>([
    [
      "every endpoint serves the name",
      [withDns, tlsStamp("a", LE), tlsStamp("b", { type: "ca" })],
      [],
    ],
    [
      "a stamp without certificates under a global with dns",
      [withDns, stampDoc("a", {}, "ratings.contoso.com")],
      [
        "Pulumi.a.yaml: certificates: is missing; Pulumi.global.yaml sets dns, so Traffic Manager probes every endpoint over HTTPS for ratings.contoso.com: set certificates (and ingress.hostname: ratings.contoso.com) so this stamp serves it",
      ],
    ],
    [
      "an edge stamp without certificates counts too",
      [withDns, edgeDoc("e", {}, "ratings.contoso.com")],
      [
        "Pulumi.e.yaml: certificates: is missing; Pulumi.global.yaml sets dns, so Traffic Manager probes every endpoint over HTTPS for ratings.contoso.com: set certificates (and ingress.hostname: ratings.contoso.com) so this stamp serves it",
      ],
    ],
    [
      "the dns name is the probes' Host when the header is unset",
      [withDns, tlsStamp("a", LE, "shop.contoso.com")],
      [OTHER_HOST("Pulumi.a.yaml", "shop.contoso.com", "ratings.contoso.com")],
    ],
    [
      "an ACME issuer without a global dns",
      [global({ monitor: { hostHeader: "ratings.contoso.com" } }), tlsStamp("a", LE)],
      [
        'Pulumi.a.yaml: certificates.issuer.type: "letsencrypt" solves DNS-01 in the global stack\'s zone, but Pulumi.global.yaml sets no dns: set dns there (zone, app record, cert-manager identity) or use issuer type ca',
      ],
    ],
    [
      "a CA issuer needs no global dns",
      [global({ monitor: { hostHeader: "ratings.contoso.com" } }), tlsStamp("a", { type: "ca" })],
      [],
    ],
  ])("%s", (_name, docs, expected) => {
    expect(checkStacks(P, docs)).toEqual(expected);
  });
});

describe("npm run check:stacks", () => {
  const run = (dir: string) =>
    spawnSync(
      process.execPath,
      [
        "-r",
        path.join(ROOT, "scripts", "ts-register.js"),
        path.join(ROOT, "scripts", "check-stacks.ts"),
        dir,
      ],
      { encoding: "utf8" },
    );

  test("exits 1 and lists every problem", () => {
    const r = run(path.join(FIXTURES, "duplicate-priorities"));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      [
        `check:stacks: 3 problem(s) in ${path.join(FIXTURES, "duplicate-priorities")}:`,
        `  - ${PRIORITY_MISSING("Pulumi.dallas.yaml")}`,
        `  - ${PRIORITY_DUP("Pulumi.munich.yaml", "Pulumi.seattle.yaml")}`,
        `  - ${PRIORITY_DUP("Pulumi.seattle.yaml", "Pulumi.munich.yaml")}`,
        "",
      ].join("\n"),
    );
  });

  test("exits 0 on the repository's stack files", () => {
    const r = run(ROOT);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`check:stacks: the stack files in ${ROOT} are consistent\n`);
  });
});
