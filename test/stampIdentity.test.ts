/**
 * The pure rules of a stamp run's identity and phase (lib/stampIdentity.ts): which kubeconfig
 * servers count as the stamp's API server, the ASHK8S_STAMP_PHASE values, and the refusal of a
 * cluster-only run on a stamp whose in-cluster layer exists.
 */
import {
  clusterPhaseRefusal,
  clusterServerMismatch,
  IN_CLUSTER_OUTPUT,
  reachesApiServer,
  sameApiServer,
  STAMP_PHASE_VAR,
  stampPhase,
} from "../lib/stampIdentity";

const FQDN = "muc-ratings.munich.cloudapp.ash.fabrikam.de";

test.each([
  [`https://${FQDN}`, true],
  [`https://${FQDN}/`, true],
  [`https://${FQDN}:443`, true],
  [`https://${FQDN.toUpperCase()}`, true],
  [`https://${FQDN}.`, true],
  [`https://${FQDN}:6443`, false],
  [`http://${FQDN}`, false],
  [`https://${FQDN}/api`, false],
  [`https://${FQDN}.evil.example`, false],
  [`https://evil.example/${FQDN}`, false],
  [`https://evil.example#${FQDN}`, false],
  [`https://${FQDN}@evil.example`, false],
  [`https://user:pw@${FQDN}`, false],
  [`https://x${FQDN}`, false],
  ["https://127.0.0.1:6443", false],
  ["", false],
  ["not a url", false],
])("server %j reaches the stamp's API server: %s", (server, ok) => {
  expect(reachesApiServer(server, FQDN)).toBe(ok);
});

test.each([
  [undefined, "all"],
  ["", "all"],
  ["all", "all"],
  ["cluster", "cluster"],
])("%s=%j is the %s phase", (value, phase) => {
  expect(stampPhase({ [STAMP_PHASE_VAR]: value })).toEqual({ phase });
});

test.each(["CLUSTER", " cluster", "cluster\n", "infra", "cluster;reboot", "$(reboot)", "1"])(
  "%j is refused naming the variable, the value and what is allowed",
  (value) => {
    const r = stampPhase({ [STAMP_PHASE_VAR]: value });
    expect("error" in r && r.error).toBe(
      `${STAMP_PHASE_VAR} is ${JSON.stringify(value)}; allowed: "cluster" (first run of a new stamp: helper VM and cluster only) or unset/"all"`,
    );
  },
);

test("a cluster-only run is allowed on a new stamp and refused once the in-cluster layer exists", () => {
  expect(clusterPhaseRefusal("munich", [])).toBeUndefined();
  expect(clusterPhaseRefusal("munich", ["apiServerFqdn", "helperAddress"])).toBeUndefined();
  const refusal = clusterPhaseRefusal("munich", ["apiServerFqdn", IN_CLUSTER_OUTPUT]);
  expect(refusal).toMatch(/^ASHK8S_STAMP_PHASE=cluster is only for the first run of a new stamp/);
  expect(refusal).toContain("would delete it");
  expect(refusal).toContain("`npm run kubeconfig -- munich --deployer`");
});

test.each([
  [`https://${FQDN}`, `https://${FQDN}`, true],
  [`https://${FQDN}:443`, `https://${FQDN.toUpperCase()}/`, true],
  [`https://${FQDN}`, `https://other.${FQDN}`, false],
  [`https://${FQDN}`, `https://${FQDN}:6443`, false],
  [`https://${FQDN}:6443`, `https://${FQDN}:6443`, false],
  [`http://${FQDN}`, `https://${FQDN}`, false],
  [`https://${FQDN}`, "not a url", false],
])("%s and %s are the same API server: %s", (a, b, same) => {
  expect(sameApiServer(a, b)).toBe(same);
});

test("once the admin kubeconfig is in the state, its server must be the run's", () => {
  const admin = (server: string) =>
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: c, cluster: {server: '${server}'}}]`,
      "users: [{name: admin, user: {}}]",
      "contexts: [{name: a, context: {cluster: c, user: admin}}]",
      "current-context: a",
    ].join("\n");
  const run = `https://${FQDN}`;
  expect(clusterServerMismatch("munich", admin(`https://${FQDN}:443`), run)).toBeUndefined();
  expect(clusterServerMismatch("munich", "", run)).toBeUndefined();
  expect(clusterServerMismatch("munich", admin("https://10.0.0.4:443"), run)).toBe(
    `KUBECONFIG reaches ${run}, but the cluster's kubeconfig names https://10.0.0.4:443; set KUBECONFIG to one kubeconfig file of this stamp's cluster: \`npm run kubeconfig -- munich\` (viewer: preview, drift), \`--deployer\` (up), \`--admin\` (access, namespace and chart changes); the first deploy of a new stamp runs ASHK8S_STAMP_PHASE=cluster first (docs/stamp-runbook.md, "Identities")`,
  );
});
