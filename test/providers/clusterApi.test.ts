/**
 * Refresh without the helper, unit level: the kubeconfig in state is read for its current
 * context's server, CA and client credentials (aks-engine's JSON and kubectl's YAML forms), and
 * `observeForRefresh` asks the cluster API first, the helper only when the API fails, and fails
 * naming both reasons when neither answers. The HTTPS call itself is proven against the real
 * kube-apiserver in test/integration/clusterRefresh.test.ts.
 */
import { stringify } from "yaml";
import { ClusterResourceOutputs, observeForRefresh } from "../../providers/aksEngineProvider";
import { apiAccess } from "../../providers/clusterApi";

const b64 = (s: string) => Buffer.from(s).toString("base64");
function kubeconfig(user: Record<string, string> = {}, cluster: Record<string, string> = {}) {
  return {
    apiVersion: "v1",
    kind: "Config",
    "current-context": "sea",
    contexts: [
      { name: "other", context: { cluster: "x", user: "x" } },
      { name: "sea", context: { cluster: "sea-cluster", user: "sea-admin" } },
    ],
    clusters: [
      {
        name: "sea-cluster",
        cluster: {
          server: "https://sea.example.test:443/",
          "certificate-authority-data": b64("CA PEM"),
          ...cluster,
        },
      },
    ],
    users: [
      {
        name: "sea-admin",
        user: { "client-certificate-data": b64("CERT"), "client-key-data": b64("KEY"), ...user },
      },
    ],
  };
}

test("the current context's server, CA and client certificate, from JSON and from YAML", () => {
  const expected = {
    server: "https://sea.example.test:443",
    ca: "CA PEM",
    cert: "CERT",
    key: "KEY",
  };
  expect(apiAccess(JSON.stringify(kubeconfig()))).toMatchObject(expected);
  expect(apiAccess(stringify(kubeconfig()))).toMatchObject(expected);
});

test("a bearer token works without a client certificate", () => {
  const k = kubeconfig({ token: "tok-1" });
  delete (k.users[0].user as Record<string, string>)["client-certificate-data"];
  expect(apiAccess(JSON.stringify(k))).toMatchObject({ token: "tok-1", cert: undefined });
});

test.each([
  ["not a kubeconfig", "{}", "no current-context"],
  [
    "plain http",
    JSON.stringify(kubeconfig({}, { server: "http://sea:80" })),
    "not an https:// URL",
  ],
  [
    "a CA file path",
    JSON.stringify(kubeconfig({}, { "certificate-authority": "/etc/ca.pem" })),
    "refers to a file (certificate-authority)",
  ],
  [
    "no credentials",
    JSON.stringify(kubeconfig({ "client-certificate-data": "", "client-key-data": "" })),
    "neither a client certificate and key nor a token",
  ],
  ["unparsable", "{: [", "does not parse"],
])("refused: %s", (_what, text, message) => {
  expect(() => apiAccess(text)).toThrow(message);
});

const NODES = JSON.stringify({
  items: [
    {
      metadata: { name: "k8s-master-1-0", labels: { "kubernetes.io/role": "master" } },
      status: { nodeInfo: { kubeletVersion: "v1.34.4" } },
    },
    {
      metadata: { name: "k8s-linuxpool-1-0", labels: { agentpool: "linuxpool" } },
      status: { nodeInfo: { kubeletVersion: "v1.33.10" } },
    },
  ],
});
const props = {
  context: { location: "seattle" },
  helper: { host: "203.0.113.5", port: 22 },
  kubeconfig: "KC",
  outputArchive: "ARCHIVE",
} as unknown as ClusterResourceOutputs;
const fromHelper = {
  kubeconfig: "KC2",
  outputArchive: "ARCHIVE2",
  observed: { masterCount: 3, pools: { linuxpool: 3 }, kubernetesVersion: "1.34.4" },
};

let stderr: jest.SpyInstance;
beforeEach(() => (stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true)));
afterEach(() => stderr.mockRestore());

test("the API answers: the helper is not asked, kubeconfig and archive stay from state", async () => {
  const helper = jest.fn();
  const api = jest.fn(async () => NODES);
  await expect(observeForRefresh(props, api, helper)).resolves.toEqual({
    kubeconfig: "KC",
    outputArchive: "ARCHIVE",
    observed: { masterCount: 1, pools: { linuxpool: 1 }, kubernetesVersion: "1.33.10" },
  });
  expect(api).toHaveBeenCalledWith("KC");
  expect(helper).not.toHaveBeenCalled();
});

test("the API fails: the helper's report is taken, and the reason is said", async () => {
  const api = jest.fn(async () => {
    throw new Error("sea.example.test:443: connect ECONNREFUSED");
  });
  const helper = jest.fn(async () => fromHelper);
  await expect(observeForRefresh(props, api, helper)).resolves.toEqual(fromHelper);
  expect(stderr.mock.calls.join("")).toContain(
    "cluster API not reachable (sea.example.test:443: connect ECONNREFUSED); asking the helper",
  );
});

test("no kubeconfig in state: straight to the helper", async () => {
  const api = jest.fn();
  const helper = jest.fn(async () => fromHelper);
  await expect(observeForRefresh({ ...props, kubeconfig: "" }, api, helper)).resolves.toEqual(
    fromHelper,
  );
  expect(api).not.toHaveBeenCalled();
});

test("neither answers: an error naming the stamp and both reasons", async () => {
  const api = jest.fn(async () => {
    throw new Error("sea.example.test:443 did not answer in 20000 ms");
  });
  const helper = jest.fn(async () => {
    throw new Error("ssh: connect to host 203.0.113.5 port 22: Connection refused\nmore");
  });
  await expect(observeForRefresh(props, api, helper)).rejects.toThrow(
    "cluster seattle not observed: through its API: sea.example.test:443 did not answer in 20000 ms; through the helper 203.0.113.5:22: ssh: connect to host 203.0.113.5 port 22: Connection refused.",
  );
});
