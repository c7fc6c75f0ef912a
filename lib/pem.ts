/**
 * PEM text (RFC 7468, strict form): one or more blocks, each a `-----BEGIN <LABEL>-----` line,
 * base64 lines and the matching `-----END <LABEL>-----` line, separated by line feeds only. Pure.
 * A PEM that goes into cloud-init sits in a YAML literal block: a carriage return, NEL or U+2028
 * there would end the block early, so any control character other than a line feed is refused.
 */
import { CONTROL_CHARACTER } from "./shell";

export interface PemBlock {
  label: string;
  /** The base64 lines of the block, joined. */
  body: string;
}

/** The blocks of `text`, or why it is not PEM (the reason never quotes the text). */
export function parsePem(text: string): { blocks: PemBlock[] } | { problem: string } {
  const control = [...text].find((c) => c !== "\n" && CONTROL_CHARACTER.test(c));
  if (control !== undefined) {
    const code = `U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    const name = control === "\r" ? "a carriage return (U+000D)" : `the control character ${code}`;
    return {
      problem: `must be PEM text with line feeds only, but holds ${name}; save it with Unix line endings (e.g. dos2unix) and no tabs`,
    };
  }
  const lines = text.split("\n");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const blocks: PemBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i] === "") {
      i++;
      continue;
    }
    const begin = /^-----BEGIN ([A-Z0-9]+(?: [A-Z0-9]+)*)-----$/.exec(lines[i]);
    if (!begin) {
      return {
        problem: `must hold only PEM blocks, but line ${i + 1} is neither a BEGIN line nor blank; remove any text outside the blocks (such as openssl's "Bag Attributes")`,
      };
    }
    const label = begin[1];
    const body: string[] = [];
    i++;
    while (i < lines.length && /^[A-Za-z0-9+/]+={0,2}$/.test(lines[i])) body.push(lines[i++]);
    if (i >= lines.length || lines[i] !== `-----END ${label}-----`) {
      return {
        problem: `must hold only PEM blocks, but the ${label} block that begins on line ${i - body.length} has a line that is not base64 or no "-----END ${label}-----" line`,
      };
    }
    if (body.length === 0) {
      return { problem: `must hold only PEM blocks, but the ${label} block on line ${i} is empty` };
    }
    blocks.push({ label, body: body.join("") });
    i++;
  }
  if (blocks.length === 0) return { problem: "must hold at least one PEM block" };
  return { blocks };
}

/** Why `text` is not a PEM of one or more blocks labelled `label`, or undefined when it is. */
export function pemProblem(text: string, labels: readonly string[]): string | undefined {
  const parsed = parsePem(text);
  if ("problem" in parsed) return parsed.problem;
  const other = parsed.blocks.find((b) => !labels.includes(b.label));
  return other ? `must hold only ${labels.join(" or ")} blocks, not ${other.label}` : undefined;
}
