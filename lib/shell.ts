/**
 * What may reach a shell script or a cloud-init document the program writes, and the one quoting
 * helper every value goes through. Pure.
 *
 * Config validation (config/fields.ts) applies the strict patterns (versions, URLs); the renderers
 * (lib/cloudInit.ts) quote every value with `shellQuote`, which also refuses control characters,
 * so a value that bypassed validation still cannot run a command or break out of a YAML block.
 */

/**
 * Control characters: C0 (tab, line feed and carriage return included), DEL, C1 (NEL U+0085
 * included), and the Unicode line and paragraph separators U+2028/U+2029, which YAML, JSON
 * parsers and some terminals treat as line breaks.
 */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** A release version as the helper's downloads are pinned: v, then three numbers. */
export const VERSION = /^v\d+\.\d+\.\d+$/;

/** The characters a download or endpoint URL may hold: no spaces, quotes, $, backtick or \. */
export const URL_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!&()*+,;=%]+$/;
/** What `URL_CHARACTERS` allows, for messages. */
export const URL_CHARACTERS_TEXT =
  "letters, digits and -._~:/?#[]@!&()*+,;=% only (no spaces, quotes, $, backticks, backslashes or control characters)";

/** True when `value` is an absolute URL of one of `protocols` made of `URL_CHARACTERS` only. */
export function isSafeUrl(value: string, protocols: readonly string[] = ["https:"]): boolean {
  if (!URL_CHARACTERS.test(value)) return false;
  try {
    const u = new URL(value);
    return protocols.includes(u.protocol) && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * `value` as one shell word in single quotes (an embedded `'` becomes `'"'"'`): nothing in it is
 * expanded. Throws on a control character, which a value of this program never needs.
 */
export function shellQuote(value: string): string {
  if (CONTROL_CHARACTER.test(value)) {
    throw new Error(
      `${JSON.stringify(value)} cannot go into the helper's bootstrap script: it holds a control character`,
    );
  }
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}
