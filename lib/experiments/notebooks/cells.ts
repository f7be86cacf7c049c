/**
 * Notebooks as readable source: each notebook is a list of Markdown and code
 * cells written in a .ts file here; build_notebooks.ts turns them into
 * .ipynb files without outputs or execution counts.
 *
 * @module
 */

/** One notebook cell. */
export interface Cell {
  kind: "markdown" | "code";
  source: string;
}

/** A notebook: its file name (in notebooks/) and cells. */
export interface NotebookSource {
  file: string;
  cells: Cell[];
}

function dedent(text: string): string {
  const lines = text.replace(/^\n/, "").replace(/\n\s*$/, "").split("\n");
  const indent = Math.min(
    ...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length),
  );
  return lines.map((l) => l.slice(indent)).join("\n");
}

/** A Markdown cell (common indentation removed). */
export function md(text: string): Cell {
  return { kind: "markdown", source: dedent(text) };
}

/** A code cell (common indentation removed). */
export function code(text: string): Cell {
  return { kind: "code", source: dedent(text) };
}

/** The notebook as nbformat 4 JSON: no outputs, no execution counts, the Deno kernel. */
export function toIpynb(nb: NotebookSource): string {
  const lines = (s: string) =>
    s.split("\n").map((l, i, all) => i < all.length - 1 ? l + "\n" : l);
  const json = {
    cells: nb.cells.map((c) =>
      c.kind === "markdown"
        // a final newline: without it `deno fmt --check` (2.9) flags Markdown cells
        ? {
          cell_type: "markdown",
          metadata: {},
          source: lines(c.source + "\n").slice(0, -1),
        }
        : {
          cell_type: "code",
          execution_count: null,
          metadata: {},
          outputs: [],
          source: lines(c.source),
        }
    ),
    metadata: {
      kernelspec: {
        name: "deno",
        display_name: "Deno",
        language: "typescript",
      },
      language_info: {
        name: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        codemirror_mode: "typescript",
        nbconvert_exporter: "script",
        pygments_lexer: "typescript",
      },
    },
    nbformat: 4,
    nbformat_minor: 4,
  };
  return JSON.stringify(json, null, 1) + "\n";
}

/**
 * The code cells as one script (for a smoke run with `deno run`), with
 * `../lib/mod.ts` replaced by `modUrl`.
 */
export function toScript(nb: NotebookSource, modUrl: string): string {
  return nb.cells.filter((c) => c.kind === "code")
    .map((c, i) =>
      `// --- cell ${i + 1}\n${c.source.replaceAll("../lib/mod.ts", modUrl)}`
    )
    .join("\n\n") + "\n";
}
