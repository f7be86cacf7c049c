/**
 * The version of the code a result depends on: the modules reachable by
 * import from a few roots (the trainer, the model builders, the data
 * preparation, the backend with its kernels), each hashed in a form that
 * ignores comments and formatting. A comment or `deno fmt` changes no key; a
 * code edit in a module on the training path changes its file's hash, and the
 * caches can name the file. Modules off that path (downloads, display, the
 * bench) are not reached and never count.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Normalised-source hash (16 hex digits) of each module, keyed by its path from the project root. */
export type CodeFiles = Record<string, string>;

const LIB = new URL("../", import.meta.url);
const ROOT = new URL("../../", import.meta.url);

/**
 * Every module reachable from `roots` (paths relative to lib/) through
 * relative imports that are not type-only, with the hash of its normalised
 * source ({@link normaliseSource}), sorted by path.
 */
export async function codeFiles(roots: readonly string[]): Promise<CodeFiles> {
  const seen = new Map<string, string>();
  const queue = roots.map((r) => new URL(r, LIB));
  while (queue.length > 0) {
    const url = queue.pop()!;
    if (seen.has(url.href)) continue;
    const source = await Deno.readTextFile(url);
    seen.set(
      url.href,
      createHash("sha256").update(normaliseSource(source)).digest("hex")
        .slice(0, 16),
    );
    for (const spec of runtimeImports(source)) {
      if (spec.startsWith("./") || spec.startsWith("../")) {
        queue.push(new URL(spec, url));
      }
    }
  }
  const files: CodeFiles = {};
  for (const href of [...seen.keys()].sort()) {
    files[href.slice(ROOT.href.length)] = seen.get(href)!;
  }
  return files;
}

/** One hash of all of {@link CodeFiles} (16 hex digits). */
export function codeDigest(files: CodeFiles): string {
  return createHash("sha256").update(JSON.stringify(files)).digest("hex")
    .slice(0, 16);
}

/** The paths whose hashes differ between two versions (added, removed or changed). */
export function changedFiles(before: CodeFiles, now: CodeFiles): string[] {
  const paths = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...paths].filter((p) => before[p] !== now[p]).sort();
}

/**
 * Module specifiers a source imports at run time: static imports and
 * re-exports (not `import type` / `export type`), side-effect imports and
 * dynamic `import("...")` with a literal.
 */
export function runtimeImports(source: string): string[] {
  const code = normaliseSource(source);
  const specs: string[] = [];
  const fromRe =
    /\b(import|export)\s*(type\b)?[^;"'`]*?\bfrom\s*(["'])(.+?)\3/g;
  for (const m of code.matchAll(fromRe)) {
    if (!m[2]) specs.push(m[4]);
  }
  for (const m of code.matchAll(/\bimport\s*(["'])(.+?)\1/g)) specs.push(m[2]);
  for (const m of code.matchAll(/\bimport\s*\(\s*(["'])(.+?)\1\s*\)/g)) {
    specs.push(m[2]);
  }
  return specs;
}

/**
 * The source with comments removed, every run of whitespace outside string
 * and template literals made one space (or none, next to punctuation), and
 * the trailing commas that `deno fmt` adds or removes dropped: two sources
 * that differ only in comments and formatting give the same text.
 */
export function normaliseSource(source: string): string {
  const out: string[] = [];
  let space = false;
  const push = (token: string) => {
    if (
      space && out.length > 0 && isWord(out.at(-1)!.at(-1)!) && isWord(token[0])
    ) {
      out.push(" ");
    }
    space = false;
    out.push(token);
  };
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && source[i] !== "\n") i++;
      space = true;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      space = true;
    } else if (/\s/.test(c)) {
      i++;
      space = true;
    } else if (c === '"' || c === "'" || c === "`") {
      const end = stringEnd(source, i);
      push(source.slice(i, end));
      i = end;
    } else if (c === "/" && regexAllowed(out)) {
      const end = regexEnd(source, i);
      push(source.slice(i, end));
      i = end;
    } else if (c === ",") {
      let j = i + 1;
      // skip whitespace and comments to see what follows the comma
      for (;;) {
        while (j < n && /\s/.test(source[j])) j++;
        if (source.startsWith("//", j)) {
          while (j < n && source[j] !== "\n") j++;
        } else if (source.startsWith("/*", j)) {
          const end = source.indexOf("*/", j + 2);
          j = end < 0 ? n : end + 2;
        } else break;
      }
      if (!")]}>".includes(source[j] ?? "")) push(",");
      i++;
    } else {
      push(c);
      i++;
    }
  }
  return out.join("");
}

function isWord(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c);
}

/** End (exclusive) of the string or template literal starting at `i`. */
function stringEnd(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  let depth = 0; // ${ ... } nesting inside a template
  while (j < s.length) {
    const c = s[j];
    if (c === "\\") {
      j += 2;
      continue;
    }
    if (quote === "`") {
      if (depth === 0 && c === "`") return j + 1;
      if (c === "$" && s[j + 1] === "{") {
        depth++;
        j += 2;
        continue;
      }
      if (depth > 0 && c === "}") depth--;
      else if (depth > 0 && (c === '"' || c === "'" || c === "`")) {
        j = stringEnd(s, j);
        continue;
      }
    } else if (c === quote || c === "\n") return j + 1;
    j++;
  }
  return s.length;
}

/** A `/` starts a regular expression unless it follows a value. */
function regexAllowed(out: string[]): boolean {
  let k = out.length - 1;
  while (k >= 0 && out[k] === " ") k--;
  if (k < 0) return true;
  const last = out[k];
  const ch = last.at(-1)!;
  if (/[)\]}]/.test(ch)) return false;
  if (isWord(ch)) {
    // after a keyword such as `return` or `typeof`, a value follows
    let w = "";
    for (let m = k; m >= 0 && isWord(out[m].at(-1)!); m--) w = out[m] + w;
    return /(^|[^A-Za-z0-9_$])(return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/
      .test(w);
  }
  return !/["'`]/.test(ch);
}

/** End (exclusive) of the regular expression literal starting at `i`. */
function regexEnd(s: string, i: number): number {
  let j = i + 1;
  let inClass = false;
  while (j < s.length && s[j] !== "\n") {
    const c = s[j];
    if (c === "\\") j++;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) {
      j++;
      while (j < s.length && /[a-z]/.test(s[j])) j++;
      return j;
    }
    j++;
  }
  return j;
}
