/**
 * Reads the cluster's nodes straight from its API server with the admin kubeconfig kept in the
 * cluster resource's state: one HTTPS GET of /api/v1/nodes with Node's https module, the
 * kubeconfig's CA as the only trust root and its client certificate (or bearer token) as the
 * identity. No kubectl, no helper VM. Runs inside the dynamic provider, so everything is built
 * inside the functions (no module-level Map/Set/Buffer: Pulumi serializes this code).
 */
import * as https from "node:https";
import { parse as parseYaml } from "yaml";

/** What one HTTPS call to the API server needs, taken from the kubeconfig's current context. */
export interface ApiAccess {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  value?: T;
}

function pick<T>(list: unknown, name: string, field: string, what: string): T {
  const items = Array.isArray(list) ? (list as Named<T>[]) : [];
  const hit = items.find((i) => i && i.name === name);
  const value = hit?.[field] as T | undefined;
  if (!value) throw new Error(`the kubeconfig has no ${what} named ${JSON.stringify(name)}`);
  return value;
}

const b64 = (s: unknown) =>
  typeof s === "string" && s ? Buffer.from(s, "base64").toString("utf8") : undefined;

/**
 * The server, CA and credentials of the kubeconfig's current context (aks-engine writes JSON,
 * kubectl YAML; both parse). File references (`certificate-authority:` paths) are refused: the
 * kubeconfig in state must be self-contained.
 */
export function apiAccess(kubeconfig: string): ApiAccess {
  let doc: Record<string, unknown>;
  try {
    doc = parseYaml(kubeconfig) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`the kubeconfig in state does not parse: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== "object") throw new Error("the kubeconfig in state is empty");
  const current = doc["current-context"];
  if (typeof current !== "string" || !current) {
    throw new Error("the kubeconfig has no current-context");
  }
  const ctx = pick<{ cluster: string; user: string }>(doc.contexts, current, "context", "context");
  const cluster = pick<Record<string, unknown>>(doc.clusters, ctx.cluster, "cluster", "cluster");
  const user = pick<Record<string, unknown>>(doc.users, ctx.user, "user", "user");
  const server = cluster.server;
  if (typeof server !== "string" || !/^https:\/\/[^\s/]+/.test(server)) {
    throw new Error(`the kubeconfig's server ${JSON.stringify(server)} is not an https:// URL`);
  }
  for (const f of ["certificate-authority", "client-certificate", "client-key"]) {
    if (cluster[f] || user[f]) {
      throw new Error(`the kubeconfig refers to a file (${f}); only embedded *-data is supported`);
    }
  }
  const access: ApiAccess = {
    server: server.replace(/\/+$/, ""),
    ca: b64(cluster["certificate-authority-data"]),
    cert: b64(user["client-certificate-data"]),
    key: b64(user["client-key-data"]),
    token: typeof user.token === "string" && user.token ? user.token : undefined,
  };
  if (!(access.cert && access.key) && !access.token) {
    throw new Error("the kubeconfig's user has neither a client certificate and key nor a token");
  }
  return access;
}

/**
 * GET `path` from the API server; resolves the body on 200, rejects with a one-line reason
 * (connection error, TLS failure, HTTP status and the Status message, timeout) otherwise.
 */
export function apiGet(access: ApiAccess, path: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(access.server + path);
    const req = https.request(
      url,
      {
        method: "GET",
        ca: access.ca,
        cert: access.cert,
        key: access.key,
        headers: {
          Accept: "application/json",
          ...(access.token ? { Authorization: `Bearer ${access.token}` } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode === 200) return resolve(body);
          let message = body.slice(0, 200);
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message;
          } catch {
            // not a Status object
          }
          reject(new Error(`${url.host} answered HTTP ${res.statusCode}: ${message}`));
        });
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`${url.host} did not answer in ${timeoutMs} ms`)),
    );
    req.on("error", (e) => reject(new Error(`${url.host}: ${e.message}`)));
    req.end();
  });
}

/** The cluster's NodeList JSON, read through its own API with the kubeconfig from state. */
export async function listNodesViaApi(kubeconfig: string, timeoutMs?: number): Promise<string> {
  return apiGet(apiAccess(kubeconfig), "/api/v1/nodes", timeoutMs);
}
