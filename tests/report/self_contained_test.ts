import assert from "node:assert/strict";
import {
  externalReferences,
  makeSelfContained,
} from "../../lib/report/self_contained.ts";

Deno.test("externalReferences() finds what loads or links outside", async (t) => {
  await t.step("each kind of reference", () => {
    for (
      const bad of [
        `<script src="file:///usr/share/javascript/mathjax/MathJax.js"></script>`,
        `<img src="https://example.org/a.png">`,
        `<link rel="stylesheet" href="http://cdn.example/x.css">`,
        `<img src=//cdn.example/a.png>`,
        `<div style="background: url('https://x/y.png')"></div>`,
        `<style>@import "https://x/y.css";</style>`,
        `<a href="file:///etc/passwd">f</a>`,
      ]
    ) {
      assert.equal(externalReferences(`<p>${bad}</p>`).length >= 1, true, bad);
    }
  });
  await t.step(
    "data URIs, inline SVG namespaces and relative links are fine",
    () => {
      const ok = `<img src="data:image/png;base64,AAAA">` +
        `<svg xmlns="http://www.w3.org/2000/svg"><text>x</text></svg>` +
        `<a href="index.html">index</a><a href="#sec">s</a>` +
        `<pre>see &quot;http://example.org&quot;</pre>`;
      assert.deepEqual(externalReferences(ok), []);
    },
  );
});

Deno.test("makeSelfContained()", async (t) => {
  const page = `<html><head><title>t</title>
<script src="file:///usr/share/javascript/requirejs/require.min.js"></script>
<script src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"> </script>
<!-- MathJax configuration -->
<script type="text/x-mathjax-config">
MathJax.Hub.Config({ tex2jax: { inlineMath: [ ['$','$'] ] } });
</script>
</head><body><p>See the <a href="https://www.cs.toronto.edu/~x/pa2.pdf">handout</a>
and <a href="https://example.org">https://example.org</a>; <a href="#top">top</a>.</p>
<img src="data:image/png;base64,AAAA"></body></html>`;
  await t.step(
    "drops file:// scripts and MathJax config, keeps the rest",
    () => {
      const out = makeSelfContained(page);
      assert.deepEqual(externalReferences(out), []);
      assert.doesNotMatch(out, /<script/);
      assert.match(out, /<img src="data:image\/png;base64,AAAA">/);
      assert.match(out, /<a href="#top">top<\/a>/);
    },
  );
  await t.step("external links become text that still shows where", () => {
    const out = makeSelfContained(page);
    assert.match(out, /handout \(www\.cs\.toronto\.edu\/~x\/pa2\.pdf\)/);
    assert.match(
      out,
      /<span class="external-link">https:\/\/example.org<\/span>/,
    );
  });
  await t.step("an external image cannot be fixed: an error naming it", () => {
    assert.throws(
      () => makeSelfContained(`<p><img src="https://example.org/cat.png"></p>`),
      /not self-contained: 1 external reference.*example\.org\/cat\.png/,
    );
  });
});
