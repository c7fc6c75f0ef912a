/**
 * The certificate plan of lib/gatewayCertificates.ts through a real TLS stack: openssl issues a CA,
 * a server and an agent certificate with exactly the plan's DNS names and key usages, and Node's
 * TLS (OpenSSL) runs the handshake NGF 2.4.2 runs between agent and control plane: TLS 1.3, the
 * client certificate required and verified against `ca.crt`, the server verified against `ca.crt`
 * and the name `<service>.<namespace>.svc`.
 *
 * A test double of two things, said plainly: openssl stands in for the @pulumi/tls provider (whose
 * plugin is not in the local toolchain) and Node's TLS for NGF's Go gRPC stack. What it proves is
 * that the names and usages the program asks for make a working mutual TLS pair, and that the
 * roles are not interchangeable.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import * as g from "../lib/gatewayCertificates";

/** @pulumi/tls `allowedUses` names to openssl extension values (the ones the plan uses). */
const KEY_USAGE: Record<string, string> = {
  cert_signing: "keyCertSign",
  digital_signature: "digitalSignature",
  key_encipherment: "keyEncipherment",
};
const EXT_KEY_USAGE: Record<string, string> = {
  server_auth: "serverAuth",
  client_auth: "clientAuth",
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ngf-certs-"));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) =>
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });

/** Extension lines for a certificate with these allowed uses (and DNS names, for leaves). */
function extensions(uses: readonly string[], dnsNames: string[] = [], ca = false): string {
  const unknown = uses.filter((u) => !KEY_USAGE[u] && !EXT_KEY_USAGE[u]);
  if (unknown.length) throw new Error(`no openssl mapping for ${unknown.join(", ")}`);
  const ku = uses.filter((u) => KEY_USAGE[u]).map((u) => KEY_USAGE[u]);
  const eku = uses.filter((u) => EXT_KEY_USAGE[u]).map((u) => EXT_KEY_USAGE[u]);
  return [
    `basicConstraints=critical,CA:${ca ? "TRUE" : "FALSE"}`,
    `keyUsage=critical,${ku.join(",")}`,
    ...(eku.length ? [`extendedKeyUsage=${eku.join(",")}`] : []),
    ...(dnsNames.length ? [`subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}`] : []),
  ].join("\n");
}

const SERVICE = g.chartFullname("ngf");
const NAMESPACE = "nginx-gateway";
const SERVER_NAME = `${SERVICE}.${NAMESPACE}.svc`;
const read = (name: string) => fs.readFileSync(file(name), "utf8");
const pems: Record<string, { key: string; cert: string }> = {};

beforeAll(() => {
  const subject = `/CN=${g.SUBJECT.commonName}/O=${g.SUBJECT.organization}`;
  const days = (hours: number) => String(hours / 24);
  const addext = (lines: string) => lines.split("\n").flatMap((l) => ["-addext", l]);
  openssl("genrsa", "-out", "ca.key", String(g.KEY.rsaBits));
  // prettier-ignore
  openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", subject, "-out", "ca.crt",
    "-days", days(g.CERT_VALIDITY.ca.validityPeriodHours), ...addext(extensions(g.CA_USES, [], true)));
  for (const leaf of g.LEAVES) {
    const dnsNames = g.leafDnsNames(leaf.id, { release: "ngf", namespace: NAMESPACE });
    fs.writeFileSync(file(`${leaf.id}.ext`), extensions(leaf.allowedUses, dnsNames));
    openssl("genrsa", "-out", `${leaf.id}.key`, String(g.KEY.rsaBits));
    openssl("req", "-new", "-key", `${leaf.id}.key`, "-subj", subject, "-out", `${leaf.id}.csr`);
    // prettier-ignore
    openssl("x509", "-req", "-in", `${leaf.id}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key",
      "-CAcreateserial", "-days", days(g.CERT_VALIDITY.leaf.validityPeriodHours),
      "-extfile", `${leaf.id}.ext`, "-out", `${leaf.id}.crt`);
    pems[leaf.id] = { key: read(`${leaf.id}.key`), cert: read(`${leaf.id}.crt`) };
  }
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  /** The control plane accepted the agent's certificate. */
  serverAccepted: boolean;
  /** The agent accepted the control plane's certificate for SERVER_NAME. */
  clientAccepted: boolean;
  /** The client side's error, if any. */
  error?: string;
  /** The control plane side's error, if any. */
  serverError?: string;
}

/**
 * One handshake: the control plane side as NGF configures its gRPC server (TLS 1.3, client
 * certificate required and verified against ca.crt; verified with rejectUnauthorized off so the
 * verdict and its reason are read from the socket), the agent side as NGF's agent config
 * (ca.crt, its own certificate, server_name).
 */
function handshake(opts: {
  server: { key: string; cert: string };
  client: { key: string; cert: string };
  serverName: string;
}): Promise<Outcome> {
  const ca = read("ca.crt");
  return new Promise((resolve) => {
    let serverAccepted = false;
    let serverError: string | undefined;
    const server = tls.createServer(
      {
        ...opts.server,
        ca,
        requestCert: true,
        // The verdict is read from the socket instead of a dropped connection, so a refusal
        // carries its reason.
        rejectUnauthorized: false,
        minVersion: "TLSv1.3",
      },
      (socket) => {
        serverAccepted = socket.authorized;
        if (socket.authorizationError) serverError = String(socket.authorizationError);
        socket.end("ok");
      },
    );
    server.on("tlsClientError", (e) => (serverError = e.message));
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      const client = tls.connect({
        host: "127.0.0.1",
        port,
        servername: opts.serverName,
        ...opts.client,
        ca,
        minVersion: "TLSv1.3",
        rejectUnauthorized: true,
      });
      let done = false;
      const finish = (error?: string) => {
        if (done) return;
        done = true;
        // Let the server side report its verdict before reading it.
        setTimeout(() => {
          client.destroy();
          server.close();
          const outcome: Outcome = { serverAccepted, clientAccepted: client.authorized };
          if (error) outcome.error = error;
          if (serverError) outcome.serverError = serverError;
          resolve(outcome);
        }, 50);
      };
      // With TLS 1.3 the server's verdict on the client certificate arrives after the client's
      // handshake: wait for the server's first bytes (or the alert that closes the connection).
      client.on("data", () => finish());
      client.on("error", (e) => finish(e.message));
      client.on("end", () => finish());
    });
  });
}

test("the certificates carry the plan's names and usages", () => {
  const text = (name: string) => openssl("x509", "-in", name, "-noout", "-text").toString();
  expect(text("server.crt")).toContain(`DNS:${SERVER_NAME}`);
  expect(text("server.crt")).toMatch(/Extended Key Usage:\s*\n\s*TLS Web Server Authentication\n/);
  expect(text("agent.crt")).toContain("DNS:*.cluster.local");
  expect(text("agent.crt")).toMatch(/Extended Key Usage:\s*\n\s*TLS Web Client Authentication\n/);
  expect(text("ca.crt")).toContain("CA:TRUE");
  expect(openssl("verify", "-CAfile", "ca.crt", "server.crt", "agent.crt").toString()).toBe(
    "server.crt: OK\nagent.crt: OK\n",
  );
});

test("agent -> control plane: mutual TLS 1.3 succeeds with server-tls and agent-tls", async () => {
  const outcome = await handshake({
    server: pems.server,
    client: pems.agent,
    serverName: SERVER_NAME,
  });
  expect(outcome).toEqual({ serverAccepted: true, clientAccepted: true });
});

test("the agent refuses a control plane under another name (the SAN is what it checks)", async () => {
  const outcome = await handshake({
    server: pems.server,
    client: pems.agent,
    serverName: `nginx-gateway.${NAMESPACE}.svc`,
  });
  expect(outcome.clientAccepted).toBe(false);
  expect(outcome.error).toMatch(/Hostname\/IP does not match certificate's altnames/);
});

test("the roles are not interchangeable: the server certificate is refused as a client certificate", async () => {
  const outcome = await handshake({
    server: pems.server,
    client: pems.server,
    serverName: SERVER_NAME,
  });
  expect(outcome.serverAccepted).toBe(false);
  expect(outcome.serverError).toBe("INVALID_PURPOSE");
});

test("and the agent certificate is refused as a server certificate", async () => {
  const outcome = await handshake({
    server: pems.agent,
    client: pems.agent,
    serverName: "x.cluster.local",
  });
  expect(outcome.clientAccepted).toBe(false);
  expect(outcome.error).toMatch(/unsuitable certificate purpose/);
});

test("a client certificate from another CA is refused by the control plane", async () => {
  // prettier-ignore
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt",
    "-subj", "/CN=intruder", "-days", "30", "-addext", "extendedKeyUsage=clientAuth");
  const outcome = await handshake({
    server: pems.server,
    client: { key: read("other.key"), cert: read("other.crt") },
    serverName: SERVER_NAME,
  });
  expect(outcome.clientAccepted).toBe(true);
  expect(outcome.serverAccepted).toBe(false);
  expect(outcome.serverError).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
});
