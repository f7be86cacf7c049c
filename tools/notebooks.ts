/**
 * Maintainers' tools for the notebooks, which are their own source:
 *
 *   deno task strip [NOTEBOOK...]      outputs and execution counts out, every edit kept
 *   deno task notebooks:check          what CI checks on the committed notebooks
 *
 * `strip` writes the JSON exactly as Jupyter does (keys sorted, indent 1,
 * non-ASCII kept, a final newline), so stripping a notebook Jupyter saved
 * changes nothing but its outputs. `check` fails when a notebook carries
 * outputs, is not in Jupyter's layout, has other kernel metadata than
 * Jupyter writes for the repo's kernel spec and the pinned Deno, or when its
 * code cells (joined as one module, as the kernel's cells share one scope)
 * fail `deno check` or `deno lint`. Formatting is `deno fmt --check`'s.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const NOTEBOOKS = `${ROOT}/notebooks`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: Record<string, Json>;
  outputs?: Json[];
  execution_count?: number | null;
  [k: string]: Json | undefined;
}

interface Notebook {
  cells: Cell[];
  metadata: Record<string, Json>;
  [k: string]: Json | Cell[] | undefined;
}

/** Cell metadata that is the UI's state, not the author's: removed by strip. */
const UI_STATE = ["collapsed", "scrolled", "ExecuteTime", "execution"];

/** JSON as Jupyter (nbformat) writes it: keys sorted, indent 1, final newline. */
export function jupyterJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 1) + "\n";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]),
    );
  }
  return value;
}

/** The notebook without outputs, execution counts and UI state; everything else kept. */
export function strip(nb: Notebook): Notebook {
  return {
    ...nb,
    cells: nb.cells.map((c) => {
      const metadata = { ...c.metadata };
      for (const k of UI_STATE) delete metadata[k];
      return c.cell_type === "code"
        ? { ...c, metadata, outputs: [], execution_count: null }
        : { ...c, metadata };
    }),
  };
}

/** The kernel metadata Jupyter writes for the repo's kernel spec and this Deno. */
export async function kernelMetadata(): Promise<Record<string, Json>> {
  const spec = JSON.parse(
    await Deno.readTextFile(`${ROOT}/jupyter/kernels/deno/kernel.json`),
  );
  return {
    kernelspec: {
      display_name: spec.display_name,
      language: spec.language,
      name: "deno",
    },
    language_info: {
      codemirror_mode: "typescript",
      file_extension: ".ts",
      mimetype: "text/x.typescript",
      name: "typescript",
      nbconvert_exporter: "script",
      pygments_lexer: "typescript",
      version: Deno.version.typescript,
    },
  };
}

function text(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

async function notebookPaths(args: string[]): Promise<string[]> {
  if (args.length > 0) return args;
  const paths: string[] = [];
  for await (const e of Deno.readDir(NOTEBOOKS)) {
    if (e.isFile && e.name.endsWith(".ipynb")) {
      paths.push(`${NOTEBOOKS}/${e.name}`);
    }
  }
  return paths.sort();
}

async function read(path: string): Promise<{ raw: string; nb: Notebook }> {
  const raw = await Deno.readTextFile(path);
  return { raw, nb: JSON.parse(raw) as Notebook };
}

/** The problems of one notebook's JSON (outputs, layout, metadata). */
export function jsonProblems(
  raw: string,
  nb: Notebook,
  metadata: Record<string, Json>,
): string[] {
  const problems: string[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    if ((c.outputs ?? []).length > 0 || c.execution_count != null) {
      problems.push(`cell ${i + 1} has outputs or an execution count`);
    }
  });
  const want = jupyterJson(strip(nb));
  if (problems.length === 0 && raw !== want) {
    problems.push("is not in Jupyter's JSON layout (or carries UI state)");
  }
  for (const key of Object.keys(metadata)) {
    if (jupyterJson(nb.metadata[key]) !== jupyterJson(metadata[key])) {
      problems.push(
        `metadata.${key} is ${
          JSON.stringify(nb.metadata[key])
        }, Jupyter writes ${JSON.stringify(metadata[key])}`,
      );
    }
  }
  return problems;
}

/** A notebook's code cells as one module, and the cell each line came from. */
export function codeModule(
  nb: Notebook,
): { code: string; cellOfLine: number[] } {
  const lines: string[] = [];
  const cellOfLine: number[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    for (const line of `// cell ${i + 1}\n${text(c.source)}\n`.split("\n")) {
      lines.push(line);
      cellOfLine.push(i + 1);
    }
  });
  return { code: lines.join("\n"), cellOfLine };
}

async function run(cmd: string[]): Promise<{ ok: boolean; out: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: cmd,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: out.success, out: decode(out.stdout) + decode(out.stderr) };
}

/**
 * The notebooks that `deno fmt` would change, found by formatting copies in
 * `dir`. Not `deno fmt --check`: Deno 2.9.6's reports a notebook with a
 * Markdown cell as unformatted, with an empty diff, until `deno fmt` has
 * run on it once and cached it as formatted, so a clean clone would fail.
 * For the same reason deno.json's fmt excludes notebooks/: this check is
 * their formatting check.
 */
async function notFormatted(paths: string[], dir: string): Promise<string[]> {
  const copies = paths.map((p, i) => `${dir}/fmt_${i}_${p.split("/").pop()}`);
  for (const [i, p] of paths.entries()) await Deno.copyFile(p, copies[i]);
  const fmt = await run(["fmt", ...copies]);
  if (!fmt.ok) throw new Error(`deno fmt of the notebooks failed:\n${fmt.out}`);
  const changed: string[] = [];
  for (const [i, p] of paths.entries()) {
    const [before, after] = await Promise.all(
      [p, copies[i]].map((f) => Deno.readTextFile(f)),
    );
    if (before !== after) changed.push(p.split("/").pop()!);
  }
  return changed;
}

async function check(paths: string[]): Promise<number> {
  const metadata = await kernelMetadata();
  let failures = 0;
  // the modules sit at the notebooks' depth, so "../lib/mod.ts" resolves
  const dir = await Deno.makeTempDir({ dir: ROOT, prefix: ".nbcheck_" });
  try {
    const modules: { path: string; module: string; cellOfLine: number[] }[] =
      [];
    for (const path of paths) {
      const { raw, nb } = await read(path);
      const name = path.split("/").pop()!;
      for (const p of jsonProblems(raw, nb, metadata)) {
        console.error(`${name}: ${p}`);
        failures++;
      }
      const { code, cellOfLine } = codeModule(nb);
      const module = `${dir}/${name.replace(/\.ipynb$/, ".ts")}`;
      await Deno.writeTextFile(module, code);
      modules.push({ path: name, module, cellOfLine });
    }
    for (const tool of ["check", "lint"] as const) {
      const r = await run([tool, ...modules.map((m) => m.module)]);
      if (r.ok) continue;
      failures++;
      // point at notebook and cell instead of the temporary module
      let report = r.out;
      for (const m of modules) {
        report = report.replaceAll(
          new RegExp(
            `file://${m.module}:(\\d+):(\\d+)|${m.module}:(\\d+):(\\d+)`,
            "g",
          ),
          (_all, l1, c1, l2, c2) => {
            const line = Number(l1 ?? l2);
            return `notebooks/${m.path} cell ${
              m.cellOfLine[line - 1]
            } (module line ${line}:${c1 ?? c2})`;
          },
        );
      }
      console.error(`deno ${tool} of the notebooks' code cells:\n${report}`);
    }
    const unformatted = await notFormatted(paths, dir);
    if (unformatted.length > 0) {
      failures++;
      console.error(
        `not formatted: ${
          unformatted.join(", ")
        }\nrun \`deno fmt --no-config notebooks/\` to format them`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  if (failures === 0) {
    console.log(
      `${paths.length} notebooks: no outputs, Jupyter's layout and metadata, code checked, linted and formatted`,
    );
    return 0;
  }
  console.error(
    "\nfix the notebooks (`deno task strip` removes outputs and UI state)",
  );
  return 1;
}

async function stripFiles(paths: string[]): Promise<number> {
  for (const path of paths) {
    const { raw, nb } = await read(path);
    const out = jupyterJson(strip(nb));
    if (out !== raw) {
      await Deno.writeTextFile(path, out);
      console.log(`stripped ${path}`);
    }
  }
  return 0;
}

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  const paths = await notebookPaths(rest);
  if (command === "strip") Deno.exit(await stripFiles(paths));
  if (command === "check") Deno.exit(await check(paths));
  console.error(
    "usage: deno run -A tools/notebooks.ts strip|check [NOTEBOOK...]",
  );
  Deno.exit(2);
}
