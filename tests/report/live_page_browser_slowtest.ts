/**
 * NEEDS CHROMIUM (/usr/bin/chromium, or $COLOURLAB_CHROMIUM) with WebGPU
 * (SwiftShader): fails, does not skip, without either. A small live report
 * (seeded untrained models, tests/report/live_fixture.ts) checked on wasm and
 * WebGPU against Deno, and a tampered one, so the check is shown to catch a
 * page whose model is not the exported one. `deno task report` runs the same
 * check on the report's real models.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { initTf } from "../../lib/backend.ts";
import { checkLivePages } from "../../lib/report/live_check.ts";
import { writeLiveReport } from "../../lib/report/live_report.ts";
import { LIVE_DATA_GLOBAL } from "../../lib/browser/live_data.ts";
import { buildCnn } from "../../lib/models/cnn.ts";
import { exportLiveData } from "../../lib/report/live_export.ts";
import { smallLiveInput, standInPages } from "./live_fixture.ts";

Deno.test("the live page agrees with Deno on wasm and WebGPU", async (t) => {
  await initTf();
  const dir = await Deno.makeTempDir({ prefix: "colourlab-live-" });
  try {
    await standInPages(dir);
    const input = smallLiveInput(4);
    const report = await writeLiveReport(dir, input, {
      warnings: [],
      facts: [],
      indexHref: "index.html",
    });
    assert.deepEqual(report.notebookPages, ["01_a.html", "03_b.html"]);
    assert.ok(
      report.addedBytes < 5 * 1024 * 1024,
      `${report.addedBytes} bytes`,
    );

    await t.step("wasm and WebGPU: labels, logits, sliders", async () => {
      const check = await checkLivePages(dir, {
        screenshotsDir: join(dir, "shots"),
      });
      assert.deepEqual(check.problems, []);
      const [wasm, webgpu] = check.backends;
      assert.equal(wasm.backend, "wasm");
      assert.equal(webgpu.backend, "webgpu");
      for (const b of check.backends) {
        assert.deepEqual(Object.keys(b.agreement).sort(), [
          "cnn",
          "segmenter",
          "unet",
        ]);
        for (const a of Object.values(b.agreement)) {
          assert.ok(a!.decided > 0.9 * a!.pixels, "most labels decided");
        }
        assert.equal(b.cells.length, b.requested === "wasm" ? 10 : 4); // settings x 2 models
        assert.ok(b.firstPictureMs! > 0);
      }
      assert.equal(Object.keys(check.webgpuVsWasm).length, 3);
    });

    await t.step(
      "a page whose CNN differs from the exported one fails",
      async () => {
        // data.js from another CNN; the tfjs-format files stay the original's.
        const other = smallLiveInput(4);
        other.models.cnn!.model = buildCnn({ seed: 99 });
        const tampered = join(dir, "tampered");
        await exportLiveData(other, tampered);
        await Deno.copyFile(
          join(tampered, "data.js"),
          join(dir, "live", "data.js"),
        );
        const text = await Deno.readTextFile(join(dir, "live", "data.js"));
        assert.ok(text.startsWith(`globalThis.${LIVE_DATA_GLOBAL}`));
        const check = await checkLivePages(dir, { backends: ["wasm"] });
        const problems = check.problems.join("\n");
        assert.match(problems, /wasm: cnn: max \|logit diff\|/);
        assert.match(
          problems,
          /03_b\.html: cnn a=2 b=0 training: relative change/,
        );
        assert.doesNotMatch(problems, /unet|segmenter/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
