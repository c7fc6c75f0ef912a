/**
 * A compiler for the Azure Pipelines template features the pipelines under pipelines/ use, so
 * the tests under test/pipelines/ can check each entry pipeline the way Azure runs it: `${{ }}`
 * template expressions (references, literals, eq/ne/length/and/or/not), whole-value and spliced
 * substitution, `${{ if }}` in lists and mappings, `${{ each }}` in lists, and `- template:` items
 * with declared, typed parameters and defaults
 * (https://learn.microsoft.com/azure/devops/pipelines/process/templates). Anything else is an error,
 * not a silent pass-through. Its own table test is test/support/pipelineCompiler.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** Names an expression can refer to (`parameters`, and the variable of an enclosing `each`). */
export type Scope = Record<string, unknown>;

/** Reads a pipeline file by its path relative to the repository root; undefined when missing. */
export type ReadFile = (file: string) => string | undefined;

/** Reads pipeline files from a directory on disk. */
export function fromDirectory(root: string): ReadFile {
  return (file) => {
    const full = path.join(root, file);
    return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
  };
}

const DIRECTIVE = /^\$\{\{\s*(.*?)\s*\}\}$/s;

/** Parameter types a template may declare here. */
export const PARAMETER_TYPES = ["string", "object", "boolean", "number"];

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  eq: (a, b) => String(a).toLowerCase() === String(b).toLowerCase(),
  ne: (a, b) => String(a).toLowerCase() !== String(b).toLowerCase(),
  length: (a) =>
    Array.isArray(a) || typeof a === "string" ? a.length : Object.keys(a as object).length,
  and: (...a) => a.every(Boolean),
  or: (...a) => a.some(Boolean),
  not: (a) => !a,
};

/** Evaluates the expression subset the templates use: references, literals, eq/ne/length/and/or/not. */
export function evaluate(src: string, scope: Scope): unknown {
  let i = 0;
  const ws = () => {
    while (/\s/.test(src[i] ?? "")) i++;
  };
  const value = (): unknown => {
    ws();
    if (src[i] === "'") {
      let s = "";
      i++;
      while (i < src.length) {
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (src[i] === "'") break;
        else s += src[i++];
      }
      i++;
      return s;
    }
    const num = /^\d+/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    const id = /^[A-Za-z_][\w.]*/.exec(src.slice(i));
    if (!id) throw new Error(`cannot parse expression "${src}" at ${i}`);
    i += id[0].length;
    ws();
    if (src[i] === "(") {
      i++;
      const args: unknown[] = [];
      ws();
      while (src[i] !== ")") {
        args.push(value());
        ws();
        if (src[i] === ",") i++;
        ws();
      }
      i++;
      const fn = FUNCTIONS[id[0]];
      if (!fn) throw new Error(`unknown function ${id[0]} in "${src}"`);
      return fn(...args);
    }
    if (id[0] === "true" || id[0] === "false") return id[0] === "true";
    const [head, ...rest] = id[0].split(".");
    if (!(head in scope)) throw new Error(`unknown name ${head} in "${src}"`);
    let cur: unknown = scope[head];
    for (const key of rest) {
      if (cur === null || typeof cur !== "object" || !(key in cur)) {
        throw new Error(`"${id[0]}" is not defined (at ${key}) in "${src}"`);
      }
      cur = (cur as Record<string, unknown>)[key];
    }
    return cur;
  };
  const result = value();
  ws();
  if (i !== src.length) throw new Error(`trailing text in expression "${src}"`);
  return result;
}

interface TemplateFile {
  parameters?: { name: string; type: string; default?: unknown; values?: unknown[] }[];
  stages?: unknown[];
  jobs?: unknown[];
  steps?: unknown[];
}

/** Compiles pipeline files read through `read`. */
export class PipelineCompiler {
  constructor(private readonly read: ReadFile) {}

  /** Compiles an entry pipeline into plain YAML data, as Azure Pipelines runs it. */
  compile(file: string): Record<string, unknown> {
    const doc = parse(this.text(file)) as Record<string, unknown>;
    return { ...doc, stages: this.expand(doc.stages, { parameters: {} }, file) };
  }

  /** Expands one node of a pipeline file as Azure Pipelines compiles templates. */
  expand(node: unknown, scope: Scope, file: string): unknown {
    if (typeof node === "string") {
      const whole = DIRECTIVE.exec(node);
      if (whole) return evaluate(whole[1], scope);
      return node.replace(/\$\{\{\s*(.*?)\s*\}\}/gs, (_m, e: string) => {
        const v = evaluate(e, scope);
        if (v !== null && typeof v === "object") throw new Error(`object spliced into "${node}"`);
        return String(v);
      });
    }
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const item of node) {
        const keys = item && typeof item === "object" ? Object.keys(item) : [];
        const directive = keys.length === 1 ? DIRECTIVE.exec(keys[0]) : null;
        if (directive) {
          const body = (item as Record<string, unknown>)[keys[0]];
          const each = /^each (\w+) in (.+)$/.exec(directive[1]);
          const cond = /^if (.+)$/.exec(directive[1]);
          if (each) {
            const list = evaluate(each[2], scope);
            if (!Array.isArray(list)) throw new Error(`${each[2]} is not a list (${file})`);
            for (const el of list)
              out.push(...(this.expand(body, { ...scope, [each[1]]: el }, file) as unknown[]));
          } else if (cond) {
            if (evaluate(cond[1], scope))
              out.push(...(this.expand(body, scope, file) as unknown[]));
          } else throw new Error(`unsupported directive ${keys[0]} in ${file}`);
        } else if (keys.includes("template")) {
          const t = item as { template: string; parameters?: Record<string, unknown> };
          const passed = (this.expand(t.parameters ?? {}, scope, file) ?? {}) as Record<
            string,
            unknown
          >;
          out.push(
            ...this.includeTemplate(path.posix.join(path.posix.dirname(file), t.template), passed),
          );
        } else {
          out.push(this.expand(item, scope, file));
        }
      }
      return out;
    }
    if (node && typeof node === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        const cond = /^\$\{\{\s*if (.+?)\s*\}\}$/.exec(k);
        if (cond) {
          if (evaluate(cond[1], scope)) Object.assign(out, this.expand(v, scope, file));
        } else {
          out[this.expand(k, scope, file) as string] = this.expand(v, scope, file);
        }
      }
      return out;
    }
    return node;
  }

  /** A template's declared parameters, checked against what the caller passes, then its body. */
  includeTemplate(file: string, passed: Record<string, unknown>): unknown[] {
    const text = this.read(file);
    if (text === undefined) throw new Error(`template ${file} does not exist`);
    const doc = (parse(text) ?? {}) as TemplateFile;
    const declared = doc.parameters ?? [];
    for (const name of Object.keys(passed)) {
      if (!declared.some((p) => p.name === name))
        throw new Error(`${file}: parameter ${name} is not declared`);
    }
    const parameters: Record<string, unknown> = {};
    for (const p of declared) {
      if (!PARAMETER_TYPES.includes(p.type))
        throw new Error(`${file}: parameter ${p.name} has unsupported type ${p.type}`);
      const value = p.name in passed ? passed[p.name] : p.default;
      if (value === undefined) throw new Error(`${file}: parameter ${p.name} is required`);
      if (p.type === "string" && typeof value !== "string")
        throw new Error(`${file}: ${p.name} must be a string`);
      if (p.values && !p.values.includes(value))
        throw new Error(`${file}: ${p.name}=${value} not in ${p.values}`);
      parameters[p.name] = value;
    }
    const bodies = (["stages", "jobs", "steps"] as const).filter((k) => doc[k]);
    if (bodies.length !== 1)
      throw new Error(`${file}: a template has exactly one of stages, jobs, steps`);
    return this.expand(doc[bodies[0]], { parameters }, file) as unknown[];
  }

  private text(file: string): string {
    const text = this.read(file);
    if (text === undefined) throw new Error(`pipeline ${file} does not exist`);
    return text;
  }
}
