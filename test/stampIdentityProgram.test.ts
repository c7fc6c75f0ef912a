/**
 * A stamp's run identity through the whole program (index.ts) under mocks: a $KUBECONFIG that
 * reaches another API server than the stamp's (`https://<cluster.dnsPrefix>.<location>.cloudapp.
 * <externalFqdn>`) is refused naming both, before any resource but the ASH provider (which the
 * pre-flight reads go through).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stampRunIdentity } from "../stacks/stampIdentity";
import { installStampProgramMocks } from "./support/stampProgramMocks";

const recorded = installStampProgramMocks("seattle");

test("a KUBECONFIG of another cluster is refused naming both servers, nothing registered", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "other-")), "kubeconfig");
  fs.writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: c, cluster: {server: 'https://muc-ratings.munich.cloudapp.ash.fabrikam.de'}}]",
      "users: [{name: viewer, user: {}}]",
      "contexts: [{name: munich-viewer, context: {cluster: c, user: viewer}}]",
      "current-context: munich-viewer",
      "",
    ].join("\n"),
  );
  process.env.KUBECONFIG = file; // installMocks pointed it at seattle's; this is munich's
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../index") as Promise<unknown>;
  await expect(program).rejects.toThrow(
    `KUBECONFIG "${file}" reaches https://muc-ratings.munich.cloudapp.ash.fabrikam.de, but this stamp's API server is https://sea-ratings.seattle.cloudapp.azurestack.contoso.com; set KUBECONFIG to one kubeconfig file of this stamp's cluster: \`npm run kubeconfig -- seattle\``,
  );
  await new Promise((r) => setImmediate(r));
  expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
    "pulumi:providers:azurestack seattle-ash",
  ]);
});

test.each([
  ["unset", {}, "KUBECONFIG is not set"],
  ["a list", { KUBECONFIG: "/a:/b" }, 'KUBECONFIG is "/a:/b", not one existing file'],
  [
    "missing",
    { KUBECONFIG: "/no/such/file" },
    'KUBECONFIG is "/no/such/file", not one existing file',
  ],
])("KUBECONFIG %s is refused with what to do", (_what, env, message) => {
  expect(() =>
    stampRunIdentity("seattle", "sea-ratings.seattle.cloudapp.azurestack.contoso.com", env),
  ).toThrow(`${message}; set KUBECONFIG to one kubeconfig file of this stamp's cluster`);
});
