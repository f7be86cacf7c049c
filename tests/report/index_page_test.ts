import assert from "node:assert/strict";
import { DOMParser } from "linkedom";
import { formatSeconds, indexHtml } from "../../lib/report/index_page.ts";
import { externalReferences } from "../../lib/report/self_contained.ts";

Deno.test("indexHtml() has one row per headline, links and times", () => {
  const html = indexHtml({
    title: "colourlab report (quick mode)",
    banner: { warnings: ["Quick mode"], facts: ["data: synthetic"] },
    seconds: 125,
    createdAt: "2026-01-01T00:00:00Z",
    pages: [
      {
        name: "01_a",
        html: "01_a.html",
        status: "ok",
        seconds: 61,
        headlines: [
          { question: "Q1 <b>?", answer: "0.41", reference: "0.41 (PyTorch)" },
          { question: "Q2?", answer: "1.6" },
        ],
        context: {},
      },
      {
        name: "02_b",
        html: "02_b.html",
        status: "failed",
        failure: "cell 4 (code cell 3): Error: x",
        seconds: 3,
        headlines: [],
        context: {},
      },
      { name: "03_c", status: "not run", headlines: [], context: {} },
    ],
  });
  const doc = new DOMParser().parseFromString(html, "text/html");
  const rows = [...doc.querySelectorAll("tbody tr")];
  assert.equal(rows.length, 4);
  const links = [...doc.querySelectorAll("a")].map((a) =>
    a.getAttribute("href")
  );
  assert.deepEqual(links, [
    "01_a.html",
    "notebooks/01_a.ipynb",
    "02_b.html",
    "notebooks/02_b.ipynb",
  ]);
  assert.equal(rows[0].querySelectorAll("td").length, 5);
  assert.equal(
    rows[1].querySelectorAll("td").length,
    3,
    "notebook and time cells span the rows",
  );
  assert.match(
    rows[0].textContent,
    /Q1 <b>\?/,
    "question escaped, shown as text",
  );
  assert.match(rows[0].textContent, /61 s/);
  assert.match(rows[2].textContent, /failed.*cell 4 \(code cell 3\)/s);
  assert.match(rows[3].textContent, /not run/);
  assert.match(
    doc.querySelector(".colourlab-banner")!.textContent,
    /Quick mode/,
  );
  assert.deepEqual(externalReferences(html), []);
});

Deno.test("formatSeconds()", () => {
  assert.equal(formatSeconds(4.25), "4.3 s");
  assert.equal(formatSeconds(42), "42 s");
  assert.equal(formatSeconds(754), "12 min 34 s");
  assert.equal(formatSeconds(3 * 3600), "3.0 h");
});

Deno.test("indexHtml() links the live page, or says why there is none", () => {
  const base = {
    title: "t",
    banner: { warnings: [], facts: [] },
    seconds: 1,
    createdAt: "2026-01-01T00:00:00Z",
    pages: [],
  };
  const ok = new DOMParser().parseFromString(
    indexHtml({ ...base, live: { ok: true, html: "try_it.html", seconds: 9 } }),
    "text/html",
  );
  assert.ok(ok.querySelector('p.live a[href="try_it.html"]'));
  const failed = indexHtml({
    ...base,
    live: { ok: false, seconds: 9, failure: "no <model>" },
  });
  assert.match(failed, /The live page could not be made: no &lt;model&gt;/);
  assert.doesNotMatch(indexHtml(base), /live page|try_it/);
});
