/**
 * A loopback https server standing in for an operator's mirror: openssl issues a throw-away CA and
 * a certificate for 127.0.0.1; the server answers the given routes (a body, or a redirect) and 404
 * otherwise. Clients trust it through the CA it returns (the downloader's `ca` option).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export type Route = string | Buffer | { redirect: string };

export interface HttpsMirror {
  /** https://127.0.0.1:<port> */
  base: string;
  /** The CA's certificate (PEM). */
  ca: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startHttpsMirror(routes: Record<string, Route>): Promise<HttpsMirror> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "https-mirror-"));
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  openssl(
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test CA"],
    ...["-keyout", "ca.key", "-out", "ca.crt"],
  );
  openssl(
    ...["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1"],
    ...["-keyout", "srv.key", "-out", "srv.csr"],
  );
  fs.writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    ...["x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"],
    ...["-days", "1", "-extfile", "ext.cnf", "-out", "srv.crt"],
  );
  const read = (f: string) => fs.readFileSync(path.join(dir, f));
  const requests: string[] = [];
  const server = createServer({ key: read("srv.key"), cert: read("srv.crt") }, (req, res) => {
    requests.push(req.url ?? "");
    const route = routes[req.url ?? ""];
    if (route === undefined) {
      res.writeHead(404);
      res.end("not found");
    } else if (typeof route === "object" && "redirect" in route) {
      res.writeHead(302, { location: route.redirect });
      res.end();
    } else res.end(route);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const ca = read("ca.crt").toString();
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    base: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
