/**
 * Builds a notebook of many cells with mixed outputs, and the exact outputs each
 * cell must end with, for the lost-output test of tools/run_notebook.py.
 *
 * Run as a script to write one: `deno run -A tests/notebook/mixed_outputs_fixture.ts OUT.ipynb [N]`.
 *
 * @module
 */

import sharp from "sharp";

/** One output as nbformat stores it, reduced to what the test compares. */
export type ExpectedOutput =
  | { type: "stream"; name: "stdout" | "stderr"; text: string }
  | { type: "execute_result" | "display_data"; mime: string; data: string };

/** A notebook (nbformat 4 JSON) and the outputs each code cell must have. */
export interface MixedNotebook {
  notebook: Record<string, unknown>;
  expected: ExpectedOutput[][];
}

/** The number of cell kinds the fixture cycles through. */
export const CELL_KINDS = 8;

function svgFor(i: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">` +
    `<text x="2" y="15">svg-${i}</text></svg>`;
}

/** A distinct tiny PNG per cell (width i + 1), base64. */
async function pngFor(i: number): Promise<string> {
  const bytes = await sharp({
    create: {
      width: i + 1,
      height: 2,
      channels: 3,
      background: { r: (i * 37) % 256, g: 90, b: 200 },
    },
  }).png().toBuffer();
  return bytes.toString("base64");
}

/** Deno's text/plain rendering of a string result (NO_COLOR=1). */
function plainString(s: string): string {
  return JSON.stringify(s);
}

async function cellFor(
  i: number,
): Promise<{ source: string; expected: ExpectedOutput[] }> {
  switch (i % CELL_KINDS) {
    case 0:
      return {
        source: `console.log("text-${i}-a");\nconsole.log("text-${i}-b");`,
        expected: [{
          type: "stream",
          name: "stdout",
          text: `text-${i}-a\ntext-${i}-b\n`,
        }],
      };
    case 1:
      return {
        source: `${i} * 7`,
        expected: [{
          type: "execute_result",
          mime: "text/plain",
          data: String(i * 7),
        }],
      };
    case 2:
      return {
        source: `await Deno.jupyter.display({ "image/svg+xml": ${
          JSON.stringify(svgFor(i))
        } }, { raw: true });`,
        expected: [{
          type: "display_data",
          mime: "image/svg+xml",
          data: svgFor(i),
        }],
      };
    case 3: {
      const png = await pngFor(i);
      return {
        source:
          `await Deno.jupyter.display({ "image/png": "${png}" }, { raw: true });\n"png-${i}"`,
        expected: [
          { type: "display_data", mime: "image/png", data: png },
          {
            type: "execute_result",
            mime: "text/plain",
            data: plainString(`png-${i}`),
          },
        ],
      };
    }
    case 4:
      // Several displays per cell, text between them, and a result at the end.
      return {
        source: [
          `for (let k = 0; k < 3; k++) {`,
          `  await Deno.jupyter.display({ "text/html": "<b>html-${i}-" + k + "</b>" }, { raw: true });`,
          `}`,
          `console.log("between-${i}");`,
          `await Deno.jupyter.display({ "image/svg+xml": ${
            JSON.stringify(svgFor(i))
          } }, { raw: true });`,
          `"multi-${i}"`,
        ].join("\n"),
        expected: [
          {
            type: "display_data",
            mime: "text/html",
            data: `<b>html-${i}-0</b>`,
          },
          {
            type: "display_data",
            mime: "text/html",
            data: `<b>html-${i}-1</b>`,
          },
          {
            type: "display_data",
            mime: "text/html",
            data: `<b>html-${i}-2</b>`,
          },
          { type: "stream", name: "stdout", text: `between-${i}\n` },
          { type: "display_data", mime: "image/svg+xml", data: svgFor(i) },
          {
            type: "execute_result",
            mime: "text/plain",
            data: plainString(`multi-${i}`),
          },
        ],
      };
    case 5:
      // Live progress: one display updated in place; only the last state remains.
      return {
        source: [
          `await Deno.jupyter.display({ "text/plain": "progress-${i}-0" }, { raw: true, display_id: "p${i}" });`,
          `for (let k = 1; k <= 5; k++) {`,
          `  await Deno.jupyter.broadcast("update_display_data", {`,
          `    data: { "text/plain": "progress-${i}-" + k }, metadata: {}, transient: { display_id: "p${i}" },`,
          `  });`,
          `}`,
        ].join("\n"),
        expected: [{
          type: "display_data",
          mime: "text/plain",
          data: `progress-${i}-5`,
        }],
      };
    case 6:
      return {
        source:
          `await new Promise((r) => setTimeout(r, 20));\nconsole.error("warn-${i}");\n({ cell: ${i} })`,
        expected: [
          { type: "stream", name: "stderr", text: `warn-${i}\n` },
          {
            type: "execute_result",
            mime: "text/plain",
            data: `{ cell: ${i} }`,
          },
        ],
      };
    default:
      return {
        source:
          `console.log("log-${i}");\nawait Deno.jupyter.display({ "text/markdown": "**md-${i}**" }, { raw: true });\n\`tail-${i}\``,
        expected: [
          { type: "stream", name: "stdout", text: `log-${i}\n` },
          { type: "display_data", mime: "text/markdown", data: `**md-${i}**` },
          {
            type: "execute_result",
            mime: "text/plain",
            data: plainString(`tail-${i}`),
          },
        ],
      };
  }
}

/** Builds a notebook of `numCells` code cells (plus one markdown cell first). */
export async function buildMixedNotebook(
  numCells: number,
): Promise<MixedNotebook> {
  const cells: Record<string, unknown>[] = [{
    id: "intro",
    cell_type: "markdown",
    metadata: {},
    source: "# Mixed outputs\nEvery output below is checked by content.",
  }];
  const expected: ExpectedOutput[][] = [];
  for (let i = 0; i < numCells; i++) {
    const cell = await cellFor(i);
    cells.push({
      id: `cell-${i}`,
      cell_type: "code",
      execution_count: null,
      metadata: {},
      outputs: [],
      source: cell.source,
    });
    expected.push(cell.expected);
  }
  const notebook = {
    cells,
    metadata: {
      kernelspec: {
        name: "deno",
        display_name: "Deno",
        language: "typescript",
      },
      language_info: { name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return { notebook, expected };
}

/** Flattens one executed code cell's outputs into the comparable form. */
export function actualOutputs(cell: Record<string, unknown>): ExpectedOutput[] {
  const outputs = (cell.outputs ?? []) as Record<string, unknown>[];
  return outputs.map((o): ExpectedOutput => {
    const join = (v: unknown) => Array.isArray(v) ? v.join("") : String(v);
    if (o.output_type === "stream") {
      return { type: "stream", name: o.name as "stdout", text: join(o.text) };
    }
    const data = (o.data ?? {}) as Record<string, unknown>;
    // Compare on the richest mime type the fixture used.
    const mime =
      ["image/png", "image/svg+xml", "text/html", "text/markdown", "text/plain"]
        .find((m) => m in data) ?? "none";
    return {
      type: o.output_type as "display_data",
      mime,
      data: join(data[mime]).trim(),
    };
  });
}

if (import.meta.main) {
  const [out, n] = Deno.args;
  const { notebook } = await buildMixedNotebook(Number(n ?? 32));
  await Deno.writeTextFile(out, JSON.stringify(notebook, null, 1));
}
