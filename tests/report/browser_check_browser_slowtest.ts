/**
 * NEEDS CHROMIUM (/usr/bin/chromium, or $COLOURLAB_CHROMIUM): fails, does not
 * skip, without it. Hand-made report pages, one good set and one broken set, so
 * the check is shown to catch what it must. (tests/report/build_jupyter_slowtest.ts
 * and `deno task report` run it on real pages.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkReportInBrowser } from "../../lib/report/browser_check.ts";
import { svgToPng } from "../../lib/io/images.ts";
import { toBase64 } from "../../lib/io/html.ts";
import { lossCurves } from "../../lib/plots.ts";

const svg = lossCurves([{
  name: "run",
  history: [{ trainLoss: 2, valLoss: 2.1, valAccuracy: 0.3 }],
}], { title: "Plot" });

function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`;
}

Deno.test("checkReportInBrowser()", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab-browser-" });
  try {
    const png = toBase64(await svgToPng(svg, { density: 72 }));
    await t.step("a good report passes and gets screenshots", async () => {
      const good = join(dir, "good");
      await Deno.mkdir(good);
      await Deno.writeTextFile(
        join(good, "index.html"),
        page(`<a href="01_a.html">a</a> <a href="02_b.html">b</a>`),
      );
      await Deno.writeTextFile(
        join(good, "01_a.html"),
        page(
          `<div class="colourlab-alarm">SYNTHETIC DATA, NOT CIFAR-10: ...</div>` +
            `<div class="jp-OutputArea-output">${svg}</div>`,
        ),
      );
      await Deno.writeTextFile(
        join(good, "02_b.html"),
        page(
          `<div class="jp-OutputArea-output"><img src="data:image/png;base64,${png}"></div>`,
        ),
      );
      const shots = join(good, "screenshots");
      const check = await checkReportInBrowser(good, {
        screenshotsDir: shots,
        firstLines: { "01_a.html": [/synthetic data, not CIFAR-10/i] },
      });
      assert.deepEqual(check.problems, []);
      assert.equal(
        check.pages[1].firstLine,
        "SYNTHETIC DATA, NOT CIFAR-10: ...",
      );
      assert.deepEqual(check.pages.map((p) => [p.page, p.svgs, p.images]), [
        ["index.html", 0, 0],
        ["01_a.html", 1, 0],
        ["02_b.html", 0, 1],
      ]);
      for (const name of ["index", "01_a", "02_b"]) {
        const bytes = await Deno.readFile(join(shots, `${name}.png`));
        assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
      }
    });
    await t.step(
      "broken images, outside requests, missing figures and links fail",
      async () => {
        const bad = join(dir, "bad");
        await Deno.mkdir(bad);
        await Deno.writeTextFile(
          join(bad, "index.html"),
          page(`<a href="01_a.html">a</a>`),
        );
        await Deno.writeTextFile(
          join(bad, "01_a.html"),
          page(
            `<img src="data:image/png;base64,AAAA"><img src="https://example.invalid/x.png">`,
          ),
        );
        await Deno.writeTextFile(
          join(bad, "02_b.html"),
          page(`<p>no figure</p>`),
        );
        const check = await checkReportInBrowser(bad, {
          firstLines: { "02_b.html": [/synthetic data, not CIFAR-10/i] },
        });
        const problems = check.problems.join("\n");
        assert.match(
          problems,
          /02_b\.html: the first line does not say \/synthetic data, not CIFAR-10\/i: "no figure"/,
        );
        assert.match(problems, /01_a\.html: 2 broken image/);
        assert.match(
          problems,
          /01_a\.html: requested https:\/\/example\.invalid\/x\.png/,
        );
        assert.match(problems, /02_b\.html: no figure$/m);
        assert.match(problems, /index\.html does not link 02_b\.html/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
