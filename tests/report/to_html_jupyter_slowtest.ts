/**
 * NEEDS JUPYTER-NBCONVERT (not the kernel): fails, does not skip, without it.
 * A hand-made executed notebook -> a self-contained page.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { notebookToHtml } from "../../lib/report/to_html.ts";
import { externalReferences } from "../../lib/report/self_contained.ts";
import { lossCurves } from "../../lib/plots.ts";

const PNG_1x1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

Deno.test("notebookToHtml() makes a self-contained page with every figure", async () => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab-html-" });
  try {
    const svg = lossCurves([{
      name: "run",
      history: [{ trainLoss: 2, valLoss: 2.1, valAccuracy: 0.3 }, {
        trainLoss: 1.5,
        valLoss: 1.7,
        valAccuracy: 0.4,
      }],
    }], { title: "Curves in the page" });
    const notebook = {
      cells: [
        {
          cell_type: "markdown",
          metadata: {},
          source:
            "# Tiny\nMath $a x + b$, a [link](https://example.org/pa2) and **bold**.",
        },
        {
          cell_type: "code",
          execution_count: 1,
          metadata: {},
          source: "plots()",
          outputs: [
            {
              output_type: "stream",
              name: "stdout",
              text: "hello from the kernel\n",
            },
            {
              output_type: "display_data",
              metadata: {},
              data: { "image/svg+xml": svg },
            },
            {
              output_type: "display_data",
              metadata: {},
              data: { "image/png": PNG_1x1, "text/plain": "[image]" },
            },
            {
              output_type: "execute_result",
              execution_count: 1,
              metadata: {},
              data: { "text/html": "<table><tr><td>cell</td></tr></table>" },
            },
          ],
        },
      ],
      metadata: {
        kernelspec: {
          name: "deno",
          display_name: "Deno",
          language: "typescript",
        },
      },
      nbformat: 4,
      nbformat_minor: 4,
    };
    const executed = join(dir, "01_tiny.ipynb");
    await Deno.writeTextFile(executed, JSON.stringify(notebook));
    const out = join(dir, "01_tiny.html");
    await notebookToHtml(executed, out, {
      warnings: ["Quick mode"],
      facts: ["backend: cpu"],
      indexHref: "index.html",
    });
    const html = await Deno.readTextFile(out);
    assert.deepEqual(externalReferences(html), []);
    assert.doesNotMatch(html, /src="http|href="http|file:\/\//);
    assert.doesNotMatch(html, /<script\b[^>]*\bsrc=/);
    // nbconvert's sanitiser would strip <text> from SVG: the template keeps it.
    assert.match(html, /<text[^>]*>Curves in the page<\/text>/);
    assert.match(
      html,
      new RegExp(`<img src="data:image/png;base64,${PNG_1x1.slice(0, 20)}`),
    );
    assert.match(html, /hello from the kernel/);
    assert.match(html, /<td>cell<\/td>/);
    assert.match(html, /link \(example\.org\/pa2\)/);
    // The formula is typeset at build time (no MathJax script in the page).
    assert.match(html, /<mjx-container class="MathJax" jax="SVG">/);
    assert.doesNotMatch(html, /\$a x \+ b\$/);
    assert.match(html, /<span class="warn">Quick mode<\/span>/);
    assert.match(html, /<a href="index.html">/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
