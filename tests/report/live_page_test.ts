import assert from "node:assert/strict";
import { join } from "node:path";
import { DOMParser } from "linkedom";
import { IDS } from "../../lib/browser/live_data.ts";
import {
  addLiveToNotebookPages,
  LIVE_SCRIPTS,
  TRY_IT_PAGE,
  tryItPageHtml,
} from "../../lib/report/live_page.ts";
import { externalReferences } from "../../lib/report/self_contained.ts";

function page(body: string): string {
  return `<!DOCTYPE html><html><head></head><body>` +
    `<div class="colourlab-banner" role="note"><a href="index.html">index</a></div>` +
    `<main>${body}</main></body></html>`;
}

Deno.test("tryItPageHtml(): every element the script drives, its scripts, nothing external", () => {
  const html = tryItPageHtml({
    banner: { warnings: ["Quick mode"], facts: [], indexHref: "index.html" },
    facts: ["data: synthetic <b>"],
    models: ["CNN lr 0.001"],
  });
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (
    const id of [
      IDS.tryIt,
      IDS.fileInput,
      IDS.dropZone,
      IDS.message,
      IDS.status,
      IDS.colourizeOut,
      IDS.segmentOut,
      IDS.threshold,
      IDS.share,
    ]
  ) {
    assert.ok(doc.getElementById(id), id);
  }
  assert.equal(doc.getElementById(IDS.scaleShift), null);
  assert.deepEqual(
    [...doc.querySelectorAll("script")].map((s) => s.getAttribute("src")),
    LIVE_SCRIPTS,
  );
  assert.match(html, /data: synthetic &lt;b&gt;/);
  assert.deepEqual(externalReferences(html), []);
});

Deno.test("addLiveToNotebookPages(): A.4 on 03, links on 01, 04, 06, once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of ["01_a", "02_b", "03_c", "04_d", "06_e"]) {
      await Deno.writeTextFile(
        join(dir, `${name}.html`),
        page(`<p>${name}</p>`),
      );
    }
    await Deno.writeTextFile(join(dir, "index.html"), page(""));
    assert.deepEqual(await addLiveToNotebookPages(dir), [
      "01_a.html",
      "03_c.html",
      "04_d.html",
      "06_e.html",
    ]);
    assert.deepEqual(await addLiveToNotebookPages(dir), []); // already there
    const read = async (n: string) =>
      new DOMParser().parseFromString(
        await Deno.readTextFile(join(dir, n)),
        "text/html",
      );
    const three = await read("03_c.html");
    const section = three.getElementById(IDS.scaleShift);
    assert.ok(section);
    assert.equal(section.parentElement?.tagName, "MAIN");
    for (const id of [IDS.scaleA, IDS.scaleB, IDS.scaleShiftOut]) {
      assert.ok(three.getElementById(id), id);
    }
    assert.equal(
      three.querySelectorAll(`input[name="${IDS.statsMode}"]`).length,
      2,
    );
    assert.ok(three.querySelector(`a[href="#${IDS.scaleShift}"]`));
    for (const n of ["01_a.html", "04_d.html", "06_e.html"]) {
      const doc = await read(n);
      assert.equal(
        doc.querySelectorAll(`a[href="${TRY_IT_PAGE}"]`).length,
        1,
        n,
      );
      assert.equal(doc.querySelectorAll("script").length, 0, n);
    }
    const two = await Deno.readTextFile(join(dir, "02_b.html"));
    assert.equal(two, page("<p>02_b</p>"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
