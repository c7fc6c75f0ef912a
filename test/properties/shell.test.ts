/**
 * Properties of what may reach the helper's shell and cloud-init (lib/shell.ts, lib/pem.ts): the
 * quoting helper hands bash every value back literally, and versions, URLs and PEMs with a
 * character from outside their set are refused wherever that character sits.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { parsePem } from "../../lib/pem";
import { CONTROL_CHARACTER, isSafeUrl, shellQuote, VERSION } from "../../lib/shell";
import { configureProperties } from "../support/properties";

configureProperties();

/** Characters that end a line somewhere (YAML 1.1, JSON, terminals) or are control characters. */
const control = () =>
  fc.oneof(
    fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
    fc.constantFrom("\u2028", "\u2029"),
  );
/** Characters a shell or YAML reads specially. */
const shellSpecial = () => fc.constantFrom(..."$`\\'\"!;&|<>(){}[]*?~# \t\n\r%^=");
const printable = () =>
  fc.string({ unit: "grapheme", maxLength: 30 }).filter((s) => !CONTROL_CHARACTER.test(s));
/** `text` with `inserted` put in at a position chosen by `at`. */
const insert = (text: string, inserted: string, at: number) => {
  const i = at % (text.length + 1);
  return text.slice(0, i) + inserted + text.slice(i);
};

describe("shellQuote", () => {
  test("bash reads every quoted value back exactly, whatever it holds", () => {
    const values = fc.sample(
      fc.oneof(
        printable(),
        fc
          .array(
            shellSpecial().filter((c) => !CONTROL_CHARACTER.test(c)),
            { maxLength: 12 },
          )
          .map((a) => a.join("")),
      ),
      { numRuns: 300, seed: 20261128 },
    );
    // One bash run for all values: printf writes each argument followed by a NUL.
    const script = `printf '%s\\0' ${values.map(shellQuote).join(" ")}`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(values);
  });

  test("refuses every value with a control character, wherever it sits", () => {
    fc.assert(
      fc.property(printable(), control(), fc.nat(), (text, c, at) => {
        expect(() => shellQuote(insert(text, c, at))).toThrow("holds a control character");
      }),
    );
  });
});

describe("VERSION", () => {
  test("accepts v<major>.<minor>.<patch>", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (a, b, c) => {
        expect(VERSION.test(`v${a}.${b}.${c}`)).toBe(true);
      }),
    );
  });
  test("refuses it with any shell-special or control character anywhere", () => {
    fc.assert(
      fc.property(
        fc.nat(99),
        fc.nat(99),
        fc.nat(99),
        fc.oneof(shellSpecial(), control()),
        fc.nat(),
        (a, b, c, bad, at) => {
          expect(VERSION.test(insert(`v${a}.${b}.${c}`, bad, at))).toBe(false);
        },
      ),
    );
  });
});

describe("isSafeUrl", () => {
  const url = () =>
    fc
      .webUrl({ withQueryParameters: true, withFragments: true })
      .filter((u) => u.startsWith("https://") && isSafeUrl(u));

  test("refuses a URL with a space, quote, $, backtick, backslash or control character anywhere", () => {
    fc.assert(
      fc.property(
        url(),
        fc.oneof(fc.constantFrom(" ", "'", '"', "$", "`", "\\"), control()),
        fc.nat(),
        (u, bad, at) => {
          expect(isSafeUrl(insert(u, bad, at))).toBe(false);
        },
      ),
    );
  });
  test("refuses every scheme but https (and http where asked)", () => {
    fc.assert(
      fc.property(
        url(),
        fc.constantFrom("file:", "ftp:", "javascript:", "data:", "http:"),
        (u, scheme) => {
          expect(isSafeUrl(u.replace(/^https:/, scheme))).toBe(false);
        },
      ),
    );
    expect(isSafeUrl("http://mirror.local/a.tgz", ["https:", "http:"])).toBe(true);
  });
});

describe("parsePem", () => {
  const block = () =>
    fc
      .tuple(
        fc.constantFrom("CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY"),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 48 }), { minLength: 1, maxLength: 4 }),
      )
      .map(
        ([label, lines]) =>
          `-----BEGIN ${label}-----\n${lines.map((l) => Buffer.from(l).toString("base64")).join("\n")}\n-----END ${label}-----\n`,
      );

  test("reads any sequence of well-formed blocks", () => {
    fc.assert(
      fc.property(fc.array(block(), { minLength: 1, maxLength: 3 }), (blocks) => {
        const parsed = parsePem(blocks.join(""));
        expect("blocks" in parsed && parsed.blocks.length).toBe(blocks.length);
      }),
    );
  });

  test("refuses a control character other than a line feed anywhere, naming it", () => {
    fc.assert(
      fc.property(
        block(),
        control().filter((c) => c !== "\n"),
        fc.nat(),
        (pem, c, at) => {
          const parsed = parsePem(insert(pem, c, at));
          expect("problem" in parsed && parsed.problem).toMatch(
            /^must be PEM text with line feeds only/,
          );
        },
      ),
    );
  });
});
