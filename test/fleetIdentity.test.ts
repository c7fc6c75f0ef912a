/**
 * Which runs `npm run fleet` makes for a stamp and as whom (scripts/lib/fleetIdentity.ts): the
 * state decides new / cluster only / bootstrapped; a new stamp's up is two runs (the cluster
 * phase without any kubeconfig, then everything as admin); routine runs are viewer (preview,
 * drift with the Secret exclusion) and deployer (up), admin only with --admin.
 */
import { CLUSTER_TYPE, SECRET_TYPE } from "../scripts/lib/credentials";
import { parseFleetArgs } from "../scripts/lib/fleet";
import { stampRunEnv, stampRuns, stampStateOf } from "../scripts/lib/fleetIdentity";

const token = (identity: string, namespace = "ashk8s-access-munich") => ({
  type: SECRET_TYPE,
  outputs: {
    metadata: {
      name: `${identity}-token-g1`,
      namespace,
      annotations: { "kubernetes.io/service-account.name": identity },
    },
  },
});
const exported = (...resources: object[]) => ({ deployment: { resources } });

test("the state decides: new, cluster only, bootstrapped", () => {
  expect(stampStateOf({})).toBe("new");
  expect(stampStateOf(exported())).toBe("new");
  expect(stampStateOf(exported({ type: "pulumi:pulumi:Stack" }))).toBe("new");
  expect(stampStateOf(exported({ type: CLUSTER_TYPE }))).toBe("cluster");
  expect(stampStateOf(exported({ type: CLUSTER_TYPE }, token("viewer")))).toBe("cluster");
  // A Secret that only looks like a token (another namespace) does not count.
  expect(stampStateOf(exported({ type: CLUSTER_TYPE }, token("deployer", "ratings")))).toBe(
    "cluster",
  );
  expect(stampStateOf(exported({ type: CLUSTER_TYPE }, token("deployer")))).toBe("bootstrapped");
});

const plan = (...a: Parameters<typeof stampRuns>) =>
  stampRuns(...a).map((r) => [r.identity, r.phase ?? "-", r.excludeSecrets ?? false]);

test.each([
  [
    "up",
    "new",
    false,
    [
      ["none", "cluster", false],
      ["admin", "-", false],
    ],
  ],
  [
    "up",
    "new",
    true,
    [
      ["none", "cluster", false],
      ["admin", "-", false],
    ],
  ],
  ["preview", "new", false, [["none", "cluster", false]]],
  ["drift", "new", false, [["none", "cluster", false]]],
  ["up", "cluster", false, [["admin", "-", false]]],
  ["preview", "cluster", false, [["admin", "-", false]]],
  ["drift", "cluster", false, [["none", "-", false]]],
  ["up", "bootstrapped", false, [["deployer", "-", false]]],
  ["up", "bootstrapped", true, [["admin", "-", false]]],
  ["preview", "bootstrapped", false, [["viewer", "-", false]]],
  ["drift", "bootstrapped", false, [["viewer", "-", true]]],
] as const)("%s of a %s stamp (--admin %s): %j", (op, state, admin, expected) => {
  expect(plan(op, state, admin)).toEqual(expected);
});

test("a run's environment: the phase set or emptied (a stray shell variable never leaks), KUBECONFIG", () => {
  expect(stampRunEnv({ identity: "none", phase: "cluster", why: "" })).toEqual({
    ASHK8S_STAMP_PHASE: "cluster",
  });
  expect(stampRunEnv({ identity: "deployer", why: "" }, "/t/munich-deployer")).toEqual({
    ASHK8S_STAMP_PHASE: "",
    KUBECONFIG: "/t/munich-deployer",
  });
});

test("--admin is for up only", () => {
  expect(parseFleetArgs(["up", "--admin"]).admin).toBe(true);
  expect(parseFleetArgs(["up"]).admin).toBeUndefined();
  expect(() => parseFleetArgs(["preview", "--admin"])).toThrow(
    /^--admin is for up \(stamps run as cluster-admin\); preview runs as the viewer/,
  );
  expect(() => parseFleetArgs(["up", "--admin=yes"])).toThrow(/unknown option --admin/);
});
