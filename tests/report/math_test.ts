import assert from "node:assert/strict";
import { renderMath } from "../../lib/report/math.ts";
import { externalReferences } from "../../lib/report/self_contained.ts";

Deno.test("renderMath() typesets TeX as inline SVG and leaves code alone", () => {
  const html = `<!DOCTYPE html><html><head><title>t</title></head><body>` +
    `<p>Weights $NF \\cdot NC \\cdot K^2$ and</p><p>$$a x + b$$</p>` +
    "<pre>const s = `${x} costs $5 and $6`;</pre></body></html>";
  const out = renderMath(html);
  const containers = out.match(/<mjx-container[^>]*>/g) ?? [];
  assert.equal(containers.length, 2);
  assert.match(out, /display="true"/);
  assert.doesNotMatch(out, /\$NF/);
  assert.match(out, /<pre>const s = `\$\{x\} costs \$5 and \$6`;<\/pre>/);
  assert.match(out, /<style id="MJX-SVG-styles"/);
  assert.deepEqual(externalReferences(out), []);
  assert.match(out, /^<!DOCTYPE html>/i);
});

Deno.test("renderMath() returns a page without TeX unchanged", () => {
  const html = "<html><body><p>no math</p></body></html>";
  assert.equal(renderMath(html), html);
});
