/**
 * Host key pinning of providers/helperSsh.ts against REAL sshd servers on loopback (Debian
 * openssh-server, the system OpenSSH client): the pinned key connects; a server with another host
 * key is refused before authentication with both fingerprints named, and the script (which on a
 * stamp carries secrets) never runs there; hostile address values are refused before ssh starts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  HelperAddress,
  hostKeyFingerprint,
  HelperHostKeyError,
  runOnHelper,
} from "../../providers/helperSsh";
import { ROOT } from "../stackFiles";
import { LoopbackHelper, startLoopbackHelper } from "./loopbackHelper";

let pinned: LoopbackHelper;
let impostor: LoopbackHelper;
let scratch: string;
beforeAll(async () => {
  pinned = await startLoopbackHelper(path.join(ROOT, "test/doubles"));
  impostor = await startLoopbackHelper(path.join(ROOT, "test/doubles"));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "host-key-"));
});
afterAll(async () => {
  await pinned?.stop();
  await impostor?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const address = (h: LoopbackHelper, hostKey = h.hostKey): HelperAddress => ({
  host: h.host,
  port: h.port,
  user: h.user,
  hostKey,
});
/** A script that leaves a marker file: proof of whether it ran on the server. */
const markerScript = (name: string) =>
  `touch ${JSON.stringify(path.join(scratch, name))}\necho ran\n`;

test("the pinned host key connects and the script runs", async () => {
  const out = await runOnHelper(address(pinned), pinned.privateKey, markerScript("pinned"));
  expect(out.trim()).toBe("ran");
  expect(fs.existsSync(path.join(scratch, "pinned"))).toBe(true);
});

test("a server presenting another host key is refused with both fingerprints; nothing reaches it", async () => {
  // The impostor accepts the same client key, so only the host key check stands in the way.
  fs.copyFileSync(
    path.join(path.dirname(pinned.home), "authorized_keys"),
    path.join(path.dirname(impostor.home), "authorized_keys"),
  );
  const secret = "Sp-Secret-never-sent-3c4d";
  // A script larger than a pipe buffer: ssh exits without reading it, the provider survives.
  const script = `${markerScript("impostor")}# ${secret}\n# ${"x".repeat(256 * 1024)}\n`;
  const run = runOnHelper(address(impostor, pinned.hostKey), pinned.privateKey, script, {
    secrets: [secret],
  });
  await expect(run).rejects.toThrow(HelperHostKeyError);
  await expect(run).rejects.toThrow(
    `the helper ${pinned.user}@127.0.0.1:${impostor.port} was refused: its SSH host key is not the pinned one (expected ED25519 ${hostKeyFingerprint(pinned.hostKey)}, it presented ${hostKeyFingerprint(impostor.hostKey)}). Nothing was sent to it.`,
  );
  expect(fs.existsSync(path.join(scratch, "impostor"))).toBe(false);
  // The client never even authenticated: the impostor saw no key, let alone the script.
  expect(impostor.log()).not.toMatch(/Accepted publickey/);
  expect(pinned.log()).toMatch(/Accepted publickey/); // the check above has teeth
});

test("a pinned key of another type than ed25519 is refused before ssh starts", async () => {
  const rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 a-key-of-another-type";
  await expect(
    runOnHelper(address(pinned, rsa), pinned.privateKey, markerScript("rsa")),
  ).rejects.toThrow(/^helper\.hostKey: "ssh-rsa AAAA.*" is not one OpenSSH ed25519 public key/);
  expect(fs.existsSync(path.join(scratch, "rsa"))).toBe(false);
});

describe("hostile address values are refused before ssh starts", () => {
  const key = () => pinned.hostKey;
  test.each<[string, (a: HelperAddress) => HelperAddress, RegExp]>([
    [
      "a second known_hosts entry after a line feed",
      (a) => ({ ...a, hostKey: `${key()}\n* ssh-ed25519 ${impostor.hostKey.split(" ")[1]}` }),
      /^helper\.hostKey: .* is not one OpenSSH ed25519 public key/,
    ],
    [
      "a known_hosts marker",
      (a) => ({ ...a, hostKey: `@cert-authority * ${key()}` }),
      /^helper\.hostKey: "@cert-authority/,
    ],
    ["a truncated key", (a) => ({ ...a, hostKey: key().slice(0, 40) }), /^helper\.hostKey: /],
    [
      "an ssh option as the host",
      (a) => ({ ...a, host: `-oProxyCommand=touch ${scratch}/pwned` }),
      /^helper\.host: "-oProxyCommand=touch .*" is not allowed; expected a DNS name or an IPv4\/IPv6 address$/,
    ],
    [
      "a command substitution as the user",
      (a) => ({ ...a, user: `root$(touch ${scratch}/pwned)` }),
      /^helper\.user: "root\$\(touch .*\)" is not allowed; expected a Linux user name/,
    ],
    ["a port out of range", (a) => ({ ...a, port: 70000 }), /^helper\.port: 70000 is not allowed/],
  ])("%s", async (_what, patch, message) => {
    await expect(
      runOnHelper(patch(address(pinned)), pinned.privateKey, markerScript("hostile")),
    ).rejects.toThrow(message);
    expect(fs.readdirSync(scratch).filter((f) => f === "hostile" || f === "pwned")).toEqual([]);
  });
});
