/**
 * Renders the TeX in a page ($...$, $$...$$, \(...\), \[...\]) to inline SVG with
 * MathJax 3 at build time, so the formulas of the notebooks' Markdown show in a
 * self-contained page without any script or font file. Code and text outputs
 * (<pre>, <code>) are left alone.
 *
 * @see notebooks/02_architecture_accounting.ipynb
 * @module
 */

import "mathjax-full/js/util/entities/all.js"; // else MathJax tries to load them lazily
import { mathjax } from "mathjax-full/js/mathjax.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { SVG } from "mathjax-full/js/output/svg.js";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import { AllPackages } from "mathjax-full/js/input/tex/AllPackages.js";

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);

/** The page with its TeX typeset as SVG (glyphs shared in one cache per page). */
export function renderMath(html: string): string {
  if (!/\$|\\\(|\\\[/.test(html)) return html;
  const doc = mathjax.document(html, {
    InputJax: new TeX({
      packages: AllPackages,
      inlineMath: [["$", "$"], ["\\(", "\\)"]],
      displayMath: [["$$", "$$"], ["\\[", "\\]"]],
      processEscapes: true,
    }),
    OutputJax: new SVG({ fontCache: "global" }),
  });
  doc.render();
  return adaptor.doctype(doc.document) + "\n" +
    adaptor.outerHTML(adaptor.root(doc.document));
}
