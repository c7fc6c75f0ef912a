/**
 * The local stack's run identity (stacks/local.ts): $KUBECONFIG must be one kubeconfig file whose
 * current context reaches the API server of `local.kubeconfigPath`; otherwise the program stops
 * before it registers anything, saying what to do. Under mocks; the same refusals on the real
 * engine are in test/integration/clusterAccess.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installMocks } from "./mocks";
import { localStack } from "../stacks/local";

const recorded = installMocks();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-identity-"));
const kubeconfig = (server: string, user = "u") =>
  [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{name: c, cluster: {server: '${server}'}}]`,
    `users: [{name: ${user}, user: {}}]`,
    `contexts: [{name: x, context: {cluster: c, user: ${user}}}]`,
    "current-context: x",
    "",
  ].join("\n");
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const cluster = write("admin", kubeconfig("https://127.0.0.1:6443", "admin"));
const config = {
  kind: "local",
  stack: "t",
  local: { kubeconfigPath: cluster, stampName: "t" },
  app: {},
  access: { tokenGeneration: 1 },
} as never;

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.each<[string, string | undefined, string]>([
  ["unset", undefined, "KUBECONFIG is not set"],
  ["a list of files", `${cluster}${path.delimiter}${cluster}`, "not one existing file"],
  ["a missing file", path.join(dir, "nope"), "not one existing file"],
  ["not a kubeconfig", write("bad", "a: ["), "is not a kubeconfig"],
  ["without current context", write("nocontext", "contexts: []\n"), "has no current-context"],
  [
    "another cluster's",
    write("other", kubeconfig("https://10.9.9.9:6443", "t-viewer")),
    `reaches https://10.9.9.9:6443, but local.kubeconfigPath "${cluster}" names https://127.0.0.1:6443`,
  ],
])("KUBECONFIG %s is refused before any resource", async (_what, value, message) => {
  const saved = process.env.KUBECONFIG;
  if (value === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = value;
  try {
    await expect(localStack(config)).rejects.toThrow(message);
    await expect(localStack(config)).rejects.toThrow("npm run kubeconfig -- <stack>");
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
  expect(recorded).toEqual([]);
});
