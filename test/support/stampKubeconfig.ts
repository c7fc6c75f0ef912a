/**
 * Under mocks a stamp program checks that $KUBECONFIG reaches its API server
 * (stacks/stampIdentity.ts). This writes, for a stamp's mock config, a kubeconfig (no credential)
 * whose server is `https://<cluster.dnsPrefix>.<location>.cloudapp.<externalFqdn>` and points
 * KUBECONFIG at it; other kinds are left alone. Called by test/mocks.ts and test/graph/graph.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { apiServerFqdn } from "../../lib/names";

export function useStampKubeconfig(config: Record<string, string> | undefined): void {
  const get = (key: string): Record<string, unknown> | undefined => {
    const raw = config?.[`ash-ha-kubernetes:${key}`];
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const kind = config?.["ash-ha-kubernetes:kind"];
  const ash = get("azureStack");
  const cluster = get("cluster");
  if (kind !== "stamp" || !ash || !cluster) return;
  const fqdn = apiServerFqdn({
    dnsPrefix: String(cluster.dnsPrefix),
    location: String(ash.location),
    externalFqdn: String(ash.externalFqdn),
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stamp-kubeconfig-")), "config");
  fs.writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: c, cluster: {server: 'https://${fqdn}'}}]`,
      "users: [{name: deployer, user: {}}]",
      "contexts: [{name: x, context: {cluster: c, user: deployer}}]",
      "current-context: x",
      "",
    ].join("\n"),
  );
  process.env.KUBECONFIG = file;
}
