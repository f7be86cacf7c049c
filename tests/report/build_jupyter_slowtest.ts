/**
 * SLOW, NEEDS JUPYTER (the Deno kernel, jupyter_client, jupyter-nbconvert): fails,
 * does not skip, when they are missing. A whole report of the fixture notebooks
 * in tests/fixtures/notebooks/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DOMParser } from "linkedom";
import { buildReport } from "../../lib/report/build.ts";
import { checkReportInBrowser } from "../../lib/report/browser_check.ts";
import { firstLines } from "../../lib/report/cli.ts";
import { externalReferences } from "../../lib/report/self_contained.ts";
import { QUICK_CAPS } from "../../lib/run/run_all.ts";

const FIXTURES = new URL("../fixtures/notebooks/", import.meta.url).pathname;
const CLI = new URL("../../lib/report/cli.ts", import.meta.url).pathname;

Deno.test("buildReport() on two fixture notebooks, quick mode", async (t) => {
  const out = await Deno.makeTempDir({ prefix: "colourlab-report-" });
  try {
    await Deno.writeTextFile(join(out, ".colourlab-report"), "");
    await Deno.writeTextFile(join(out, "stale.html"), "from an earlier run");
    const lines: string[] = [];
    const summary = await buildReport({
      notebooksDir: join(FIXTURES, "report_ok"),
      outDir: out,
      quick: true,
      data: "synthetic",
      onProgress: (l) => lines.push(l),
    });
    await t.step("every notebook ran and has a page", async () => {
      assert.ok(
        summary.ok,
        JSON.stringify(summary.pages, null, 1) + lines.join("\n"),
      );
      assert.deepEqual(summary.pages.map((p) => p.html), [
        "01_figures.html",
        "02_text.html",
      ]);
      for (const p of summary.pages) {
        await Deno.stat(join(out, "notebooks", `${p.name}.ipynb`));
        assert.ok(p.seconds! > 0);
      }
      await assert.rejects(
        Deno.stat(join(out, "stale.html")),
        Deno.errors.NotFound,
      );
    });
    await t.step("index links every page and shows the headlines", async () => {
      const html = await Deno.readTextFile(join(out, "index.html"));
      const doc = new DOMParser().parseFromString(html, "text/html");
      const links = [...doc.querySelectorAll("a")].map((a) =>
        a.getAttribute("href")
      );
      assert.deepEqual(links, [
        "01_figures.html",
        "notebooks/01_figures.ipynb",
        "02_text.html",
        "notebooks/02_text.ipynb",
      ]);
      const text = doc.querySelector("table")!.textContent;
      for (
        const want of [
          "Fixture question one?",
          "0.40 accuracy",
          "0.41 (PyTorch)",
          "42",
        ]
      ) {
        assert.ok(text.includes(want), `index lacks "${want}"`);
      }
    });
    await t.step(
      "pages are self-contained, say quick mode and synthetic data",
      async () => {
        for (const name of ["index.html", "01_figures.html", "02_text.html"]) {
          const html = await Deno.readTextFile(join(out, name));
          assert.deepEqual(externalReferences(html), [], name);
          assert.doesNotMatch(html, /src="http|href="http|file:\/\//, name);
          assert.ok(
            html.includes(
              `Quick mode: at most ${QUICK_CAPS.limitTrain} training images`,
            ),
            name,
          );
          assert.match(html, /SYNTHETIC DATA, NOT CIFAR-10/, name);
        }
      },
    );
    await t.step(
      "figures survive conversion: SVG text, PNG data URI, progress",
      async () => {
        const html = await Deno.readTextFile(join(out, "01_figures.html"));
        assert.match(html, /<text[^>]*>Fixture loss curves<\/text>/);
        assert.match(
          html,
          /<img src="data:image\/png;base64,[A-Za-z0-9+/=]{100,}/,
        );
        assert.match(html, /1 run \(1 at a time\): 1 trained; 2s/);
        assert.match(html, /<details class="colourlab-progress">/);
        assert.match(html, /handout \(www\.cs\.toronto\.edu/);
      },
    );
    await t.step(
      "NEEDS CHROMIUM: every page renders in the browser",
      async () => {
        const shots = join(out, "screenshots");
        const expected = firstLines(summary);
        assert.deepEqual(Object.keys(expected).sort(), [
          "01_figures.html",
          "02_text.html",
          "index.html",
        ]);
        const check = await checkReportInBrowser(out, {
          screenshotsDir: shots,
          firstLines: expected,
        });
        assert.deepEqual(check.problems, []);
        for (const p of check.pages) {
          assert.match(p.firstLine, /^SYNTHETIC DATA, NOT CIFAR-10: /, p.page);
        }
        const figures = check.pages.map((p) => [p.page, p.images, p.svgs]);
        assert.deepEqual(figures, [
          ["index.html", 0, 0],
          // two figures and the progress display's loss curves
          ["01_figures.html", 1, 3],
          ["02_text.html", 0, 1],
        ]);
        for (const p of check.pages) await Deno.stat(p.screenshot!);
      },
    );
    await t.step("the notebook saw the report's environment", async () => {
      const nb = JSON.parse(
        await Deno.readTextFile(join(out, "notebooks", "02_text.ipynb")),
      );
      const outputs = JSON.stringify(nb.cells[2].outputs);
      assert.match(outputs, /quick: 1/);
      assert.match(outputs, /"42"/);
    });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a cell error fails the report, naming notebook and cell", async (t) => {
  const out = await Deno.makeTempDir({ prefix: "colourlab-report-" });
  try {
    // one at a time: the notebook after the failure does not start
    const summary = await buildReport({
      notebooksDir: join(FIXTURES, "report_failing"),
      outDir: out,
      concurrency: 1,
    });
    await t.step("summary", () => {
      assert.equal(summary.ok, false);
      assert.deepEqual(summary.pages.map((p) => p.status), [
        "ok",
        "failed",
        "not run",
      ]);
      assert.match(
        summary.pages[1].failure!,
        /^cell 4 \(code cell 3\): Error: deliberate/,
      );
    });
    await t.step(
      "the failing page shows the error; the index says so",
      async () => {
        const page = await Deno.readTextFile(join(out, "02_fails.html"));
        assert.match(page, /deliberate fixture failure/);
        const index = await Deno.readTextFile(join(out, "index.html"));
        assert.match(index, /failed.*cell 4 \(code cell 3\)/s);
        assert.match(index, /03_after[\s\S]*not run/);
      },
    );
    await t.step("the CLI exits 1 and names them", async () => {
      const r = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          CLI,
          "--notebooks",
          join(FIXTURES, "report_failing"),
          "--out",
          out,
          "--data",
          "synthetic",
          "--no-browser",
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(r.stderr);
      assert.equal(r.code, 1, err);
      assert.match(
        err,
        /FAILED 02_fails\.ipynb cell 4 \(code cell 3\): Error: deliberate/,
      );
    });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("buildReport() refuses to empty a folder that is not a report", async () => {
  const out = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(out, "precious.txt"), "keep me");
    await assert.rejects(
      buildReport({ notebooksDir: join(FIXTURES, "report_ok"), outDir: out }),
      /not a previous report/,
    );
    assert.equal(await Deno.readTextFile(join(out, "precious.txt")), "keep me");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
