/**
 * Hostile inputs, each refused by config validation with a sentence that names the key, shows the
 * value and says what is allowed: command substitutions and control characters in versions, URLs
 * and PEMs (they would reach the helper's root shell or break out of its cloud-init), SSH opened
 * wide in any spelling, and the admin names Azure reserves. Only the keys of one row are changed
 * from the seattle example, so each row's problems are exactly the ones listed.
 */
import { show } from "../../config/issues";
import { ALLOWED } from "../../lib/allowList";
import { problemsOf, stamp } from "./support";

const SHA = "a".repeat(64);
const download = (patch: Record<string, string>) => ({
  version: "v1.34.4",
  url: "https://dl.k8s.io/release/v1.34.4/bin/linux/amd64/kubectl",
  sha256: SHA,
  ...patch,
});
const kubectl = (patch: Record<string, string>) =>
  stamp({ helperVm: { kubectl: download(patch) } });
const aksEngine = (patch: Record<string, string>) =>
  stamp({ helperVm: { aksEngine: download({ version: "v0.85.0", ...patch }) } });
const ca = (pem: string) => stamp({ azureStack: { caCertificatePem: pem } });
const ssh = (list: string[]) => stamp({ helperVm: { sshAllowList: list } });

const VERSION = "must be a release version such as v1.34.4 (^v\\d+\\.\\d+\\.\\d+$)";
const URL_CHARS =
  "with letters, digits and -._~:/?#[]@!&()*+,;=% only (no spaces, quotes, $, backticks, backslashes or control characters)";
const DOWNLOAD_URL = "must be an http(s) URL of the download";
const LF_ONLY = (what: string) =>
  `must be PEM text with line feeds only, but holds ${what}; save it with Unix line endings (e.g. dos2unix) and no tabs`;
const RESERVED =
  "administrator, admin, user, user1, user2, user3, user4, user5, test, test1, test2, test3, admin1, admin2, 1, 123, a, actuser, adm, aspnet, backup, console, david, guest, john, owner, root, server, sql, support, support_388945a0, sys";
const ADMIN_ALLOWED = `allowed: ^[a-z_][a-z0-9_-]{0,31}$ except the names Azure reserves (${RESERVED})`;
const WORLD = `must not open SSH to the whole world; ${ALLOWED}`;
const GOOD_PEM = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
/** `<key>: <value as config shows it> <message>` */
const at = (key: string, value: unknown, message: string) => `${key}: ${show(value)} ${message}`;

const rows: [string, ReturnType<typeof stamp>, string[]][] = [
  // Versions: a strict pattern, so nothing but v1.2.3 reaches the bootstrap script.
  [
    "kubectl version with $( )",
    kubectl({ version: "v1.34.4$(reboot)" }),
    [at("helperVm.kubectl.version", "v1.34.4$(reboot)", VERSION)],
  ],
  [
    "kubectl version with backticks",
    kubectl({ version: "v1.34.4`reboot`" }),
    [at("helperVm.kubectl.version", "v1.34.4`reboot`", VERSION)],
  ],
  [
    "kubectl version with a newline",
    kubectl({ version: "v1.34.4\nreboot" }),
    [at("helperVm.kubectl.version", "v1.34.4\nreboot", VERSION)],
  ],
  [
    "aks-engine version with ; and a command",
    aksEngine({ version: "v0.85.0;reboot" }),
    [
      at("helperVm.aksEngine.version", "v0.85.0;reboot", VERSION),
      at(
        "helperVm.aksEngine.version",
        "v0.85.0;reboot",
        "version must be v0.85.0, the release this program's cluster definition is written for",
      ),
    ],
  ],
  [
    "kubectl version with a single quote",
    kubectl({ version: "v1.34.4'" }),
    [at("helperVm.kubectl.version", "v1.34.4'", VERSION)],
  ],
  // URLs: a safe character set, https (or http for downloads) only.
  [
    "download URL with $( ) in the query",
    kubectl({ url: "https://example.com/a.tgz?$(reboot)" }),
    [
      at(
        "helperVm.kubectl.url",
        "https://example.com/a.tgz?$(reboot)",
        `${DOWNLOAD_URL}, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "download URL with backticks",
    aksEngine({ url: "https://example.com/`reboot`.tgz" }),
    [
      at(
        "helperVm.aksEngine.url",
        "https://example.com/`reboot`.tgz",
        `${DOWNLOAD_URL}, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "download URL with a carriage return (survives new URL())",
    kubectl({ url: "https://example.com/a.tgz\r" }),
    [at("helperVm.kubectl.url", "https://example.com/a.tgz\r", `${DOWNLOAD_URL}, ${URL_CHARS}`)],
  ],
  [
    "download URL with a tab (new URL() drops it silently)",
    kubectl({ url: "https://exam\tple.com/a.tgz" }),
    [at("helperVm.kubectl.url", "https://exam\tple.com/a.tgz", `${DOWNLOAD_URL}, ${URL_CHARS}`)],
  ],
  [
    "download URL with NEL (U+0085)",
    kubectl({ url: "https://example.com/a\u0085.tgz" }),
    [
      at(
        "helperVm.kubectl.url",
        "https://example.com/a\u0085.tgz",
        `${DOWNLOAD_URL}, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "download URL with U+2028",
    kubectl({ url: "https://example.com/a\u2028.tgz" }),
    [
      at(
        "helperVm.kubectl.url",
        "https://example.com/a\u2028.tgz",
        `${DOWNLOAD_URL}, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "download URL with U+2029",
    kubectl({ url: "https://example.com/a\u2029.tgz" }),
    [
      at(
        "helperVm.kubectl.url",
        "https://example.com/a\u2029.tgz",
        `${DOWNLOAD_URL}, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "download URL with a space",
    kubectl({ url: "https://example.com/a b.tgz" }),
    [at("helperVm.kubectl.url", "https://example.com/a b.tgz", `${DOWNLOAD_URL}, ${URL_CHARS}`)],
  ],
  [
    "download URL with a single quote",
    kubectl({ url: "https://example.com/a'$(reboot)'.tgz" }),
    [
      at(
        "helperVm.kubectl.url",
        "https://example.com/a'$(reboot)'.tgz",
        `${DOWNLOAD_URL}, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "download URL with a double quote",
    kubectl({ url: 'https://example.com/a".tgz' }),
    [at("helperVm.kubectl.url", 'https://example.com/a".tgz', `${DOWNLOAD_URL}, ${URL_CHARS}`)],
  ],
  [
    "download URL with a backslash",
    kubectl({ url: "https://example.com\\@evil.example/a.tgz" }),
    [
      at(
        "helperVm.kubectl.url",
        "https://example.com\\@evil.example/a.tgz",
        `${DOWNLOAD_URL}, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "download URL with ${IFS}",
    kubectl({ url: "https://example.com/${IFS}a.tgz" }),
    [
      at(
        "helperVm.kubectl.url",
        "https://example.com/${IFS}a.tgz",
        `${DOWNLOAD_URL}, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "download URL of another scheme",
    kubectl({ url: "file:///etc/shadow" }),
    [at("helperVm.kubectl.url", "file:///etc/shadow", DOWNLOAD_URL)],
  ],
  [
    "ARM endpoint with $( )",
    stamp({ azureStack: { armEndpoint: "https://management.seattle.contoso.com/$(reboot)" } }),
    [
      at(
        "azureStack.armEndpoint",
        "https://management.seattle.contoso.com/$(reboot)",
        `must be an https:// URL of the stamp's ARM endpoint, ${URL_CHARS}`,
      ),
    ],
  ],
  [
    "SHA-256 with $( )",
    kubectl({ sha256: "$(reboot)" }),
    [
      at(
        "helperVm.kubectl.sha256",
        "$(reboot)",
        "must be 64 lowercase hex characters (the file's SHA-256)",
      ),
    ],
  ],
  // PEMs: PEM blocks only, line feeds only (they sit in a YAML literal block of the cloud-init).
  [
    "CA bundle with Windows line endings",
    ca(GOOD_PEM.replace(/\n/g, "\r\n")),
    [
      at(
        "azureStack.caCertificatePem",
        GOOD_PEM.replace(/\n/g, "\r\n"),
        LF_ONLY("a carriage return (U+000D)"),
      ),
    ],
  ],
  [
    "CA bundle with a lone carriage return that would end the YAML block",
    ca(`${GOOD_PEM}\rruncmd: [reboot]\n`),
    [
      at(
        "azureStack.caCertificatePem",
        `${GOOD_PEM}\rruncmd: [reboot]\n`,
        LF_ONLY("a carriage return (U+000D)"),
      ),
    ],
  ],
  [
    "CA bundle with NEL (a line break to YAML 1.1)",
    ca(`${GOOD_PEM}\u0085runcmd: [reboot]`),
    [
      at(
        "azureStack.caCertificatePem",
        `${GOOD_PEM}\u0085runcmd: [reboot]`,
        LF_ONLY("the control character U+0085"),
      ),
    ],
  ],
  [
    "CA bundle with U+2028",
    ca(`${GOOD_PEM}\u2028runcmd: [reboot]`),
    [
      at(
        "azureStack.caCertificatePem",
        `${GOOD_PEM}\u2028runcmd: [reboot]`,
        LF_ONLY("the control character U+2028"),
      ),
    ],
  ],
  [
    "CA bundle with text after the block",
    ca(`${GOOD_PEM}runcmd: [reboot]\n`),
    [
      at(
        "azureStack.caCertificatePem",
        `${GOOD_PEM}runcmd: [reboot]\n`,
        `must hold only PEM blocks, but line 4 is neither a BEGIN line nor blank; remove any text outside the blocks (such as openssl's "Bag Attributes")`,
      ),
    ],
  ],
  [
    "CA bundle with a shell line inside the block",
    ca("-----BEGIN CERTIFICATE-----\nQUJD\n$(reboot)\n-----END CERTIFICATE-----\n"),
    [
      at(
        "azureStack.caCertificatePem",
        "-----BEGIN CERTIFICATE-----\nQUJD\n$(reboot)\n-----END CERTIFICATE-----\n",
        'must hold only PEM blocks, but the CERTIFICATE block that begins on line 1 has a line that is not base64 or no "-----END CERTIFICATE-----" line',
      ),
    ],
  ],
  [
    "CA bundle holding a private key",
    ca("-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n"),
    [
      at(
        "azureStack.caCertificatePem",
        "-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n",
        "must hold only CERTIFICATE blocks, not PRIVATE KEY",
      ),
    ],
  ],
  [
    "service principal certificate with Windows line endings (never echoed)",
    stamp({
      servicePrincipalCertificate:
        "-----BEGIN CERTIFICATE-----\r\nQUJD\r\n-----END CERTIFICATE-----\r\n-----BEGIN PRIVATE KEY-----\r\nQUJD\r\n-----END PRIVATE KEY-----\r\n",
    }),
    [`servicePrincipalCertificate: [secret] ${LF_ONLY("a carriage return (U+000D)")}`],
  ],
  // Admin names Azure refuses at VM creation, many minutes into a deploy.
  ...["root", "admin", "administrator", "guest"].map(
    (name): [string, ReturnType<typeof stamp>, string[]] => [
      `helper admin name ${name}`,
      stamp({ helperVm: { adminUsername: name } }),
      [
        at(
          "helperVm.adminUsername",
          name,
          `is reserved by Azure for VM admin users; ${ADMIN_ALLOWED}`,
        ),
      ],
    ],
  ),
  ...["root", "support_388945a0", "test1"].map(
    (name): [string, ReturnType<typeof stamp>, string[]] => [
      `cluster admin name ${name}`,
      stamp({ cluster: { adminUsername: name } }),
      [
        at(
          "cluster.adminUsername",
          name,
          `is reserved by Azure for VM admin users; ${ADMIN_ALLOWED}`,
        ),
      ],
    ],
  ),
  [
    "admin name with a command",
    stamp({ helperVm: { adminUsername: "azureuser;reboot" } }),
    [
      at(
        "helperVm.adminUsername",
        "azureuser;reboot",
        `must be a Linux user name; ${ADMIN_ALLOWED}`,
      ),
    ],
  ],
  // SSH opened wide, in every spelling.
  [
    "SSH from 0.0.0.0/00",
    ssh(["0.0.0.0/00"]),
    [at("helperVm.sshAllowList[0]", "0.0.0.0/00", WORLD)],
  ],
  [
    "SSH from ::0/0",
    ssh(["10.20.0.0/24", "::0/0"]),
    [at("helperVm.sshAllowList[1]", "::0/0", WORLD)],
  ],
  [
    "SSH from 10.1.2.3/0",
    ssh(["10.1.2.3/0"]),
    [at("helperVm.sshAllowList[0]", "10.1.2.3/0", WORLD)],
  ],
  ["SSH from ::/000", ssh(["::/000"]), [at("helperVm.sshAllowList[0]", "::/000", WORLD)]],
  ["SSH from *", ssh(["*"]), [at("helperVm.sshAllowList[0]", "*", WORLD)]],
  [
    "SSH from 0.0.0.0/1 and 128.0.0.0/1",
    ssh(["0.0.0.0/1", "128.0.0.0/1"]),
    [
      at("helperVm.sshAllowList[0]", "0.0.0.0/1", `is wider than a /8 of IPv4; ${ALLOWED}`),
      at("helperVm.sshAllowList[1]", "128.0.0.0/1", `is wider than a /8 of IPv4; ${ALLOWED}`),
    ],
  ],
  [
    "SSH from two /8s",
    ssh(["10.0.0.0/8", "11.0.0.0/8"]),
    [
      at(
        "helperVm.sshAllowList",
        ["10.0.0.0/8", "11.0.0.0/8"],
        `together cover 33554432 IPv4 addresses, more than a /8 (16777216); ${ALLOWED}`,
      ),
    ],
  ],
  [
    "SSH from an address with host bits",
    ssh(["10.1.2.3/8"]),
    [
      at(
        "helperVm.sshAllowList[0]",
        "10.1.2.3/8",
        `has host bits set (it means 10.0.0.0/8); write the network address 10.0.0.0/8, or 10.1.2.3/32 for the one host; ${ALLOWED}`,
      ),
    ],
  ],
];

test("the table holds at least 20 hostile inputs", () => {
  expect(rows.length).toBeGreaterThanOrEqual(20);
});

test.each(rows)("%s is refused, naming the key", (_name, raw, expected) => {
  expect(problemsOf("seattle", raw)).toEqual(expected);
});
