/**
 * Hostile hostnames: `ingress.hostname` becomes the Gateway listeners' hostname (Kubernetes YAML)
 * and the name the global probe must send as Host. Anything but a DNS name is refused at config
 * validation, naming the key and showing the value escaped.
 */
import { problemsOf, stamp } from "./support";

const DNS = "must be a DNS name such as ratings.contoso.com";

test.each<[string, string, string]>([
  [
    "CR LF and a header line",
    "ratings.contoso.com\r\nX-Injected: 1",
    '"ratings.contoso.com\\r\\nX-Injected: 1"',
  ],
  ["a trailing newline", "ratings.contoso.com\n", '"ratings.contoso.com\\n"'],
  ["a YAML flow mapping", "{a: b}", '"{a: b}"'],
  ["a command substitution", "$(reboot).contoso.com", '"$(reboot).contoso.com"'],
  ["a port", "ratings.contoso.com:443", '"ratings.contoso.com:443"'],
  ["a wildcard", "*.contoso.com", '"*.contoso.com"'],
  ["a URL", "https://ratings.contoso.com/", '"https://ratings.contoso.com/"'],
])("ingress.hostname with %s is refused", (_name, hostname, shown) => {
  expect(problemsOf("seattle", stamp({ ingress: { hostname } }))).toEqual([
    `ingress.hostname: ${shown} ${DNS}`,
  ]);
});

test("a DNS name is accepted", () => {
  expect(problemsOf("seattle", stamp({ ingress: { hostname: "ratings.contoso.com" } }))).toEqual(
    [],
  );
});
