import assert from "node:assert/strict";
import type { CostPoint } from "../../lib/finetune/cost_study.ts";
import { fitCostSlopes, sizeRatios } from "../../lib/finetune/cost_fit.ts";
import { costAnswer } from "../../lib/finetune/cost_answer.ts";
import {
  readStudy,
  saveStudy,
  type StudyResult,
} from "../../lib/finetune/study.ts";
import {
  costPoints,
  costRows,
  variantRows,
} from "../../lib/finetune/study_views.ts";

/** Points shaped like a measurement: (a) 3 MB per block at S, 4x at 2S; (b) 1 MB; (c) flat. */
function fakeCost(): CostPoint[] {
  const out: CostPoint[] = [];
  for (const size of [8, 16]) {
    for (const n of [2, 4, 8]) {
      const px = (size / 8) ** 2;
      const base = { n, size, paramBytes: 1000 * n, batchSize: 2 };
      out.push({
        ...base,
        mode: "a",
        workBytes: 3 * 2 ** 20 * n * px,
        peakBytes: 3 * 2 ** 20 * n * px + 1000 * n,
        gradBytes: 900 * n,
        optimizerBytes: 1800 * n,
        stepMs: 10 * n * px,
      });
      out.push({
        ...base,
        mode: "b",
        workBytes: 2 ** 20 * n * px,
        peakBytes: 2 ** 20 * n * px + 1000 * n,
        gradBytes: 40,
        optimizerBytes: 80,
        stepMs: 3 * n * px,
      });
      out.push({
        ...base,
        mode: "c",
        workBytes: 2 ** 20 * px,
        peakBytes: 2 ** 20 * px + 1000 * n,
        gradBytes: 40,
        optimizerBytes: 80,
        stepMs: 2 * n * px,
      });
    }
  }
  return out;
}

Deno.test("costAnswer() states the measured slopes and ratios", () => {
  const cost = fakeCost();
  const text = costAnswer({
    cost,
    slopes: fitCostSlopes(cost),
    sizeRatios: sizeRatios(cost),
  });
  assert.match(
    text,
    /\(a\) whole network: \+12\.00 MB of working memory per block/,
  );
  assert.match(
    text,
    /\(c\) last layer only, frozen body outside the tape: \+0\.00 MB per block/,
  );
  assert.match(text, /parameters x1\.00; working memory x4\.00 \(a\)/);
});

Deno.test("saveStudy() / readStudy() round trip, and the views", async () => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab_study_" });
  try {
    const cost = fakeCost();
    const study = {
      backend: "cpu",
      quick: true,
      size: 8,
      pretrain: {
        dir: "x",
        cached: true,
        config: {},
        source: {},
        valAccuracy: 0.3,
        history: [],
      },
      segmentationSource: {
        kind: "synthetic",
        sha256: "",
        synthetic: true,
        description: "s",
      },
      testImages: 2,
      fineTune: {},
      variants: [{
        variant: "all-horse",
        iou: { mean: 0.25, min: 0.25, max: 0.25 },
        thresholdedIou: { mean: 0, min: 0, max: 0 },
        seeds: 1,
        perSeed: [],
      }],
      cost,
      slopes: fitCostSlopes(cost),
      sizeRatios: sizeRatios(cost),
      seconds: 1,
      predictionsPng: new Uint8Array([137, 80, 78, 71]),
    } as unknown as StudyResult;
    await saveStudy(study, dir);
    const back = await readStudy(dir);
    assert.deepEqual(back.predictionsPng, study.predictionsPng);
    assert.deepEqual(back.cost, cost);
    assert.equal(variantRows(back)[0]["IoU (mean)"], 0.25);
    assert.equal(costRows(back.cost).length, 18);
    const pts = costPoints(back.cost, "workBytes", {
      sizes: [16],
      modes: ["a"],
    });
    assert.deepEqual(pts.map((p) => p.y), [24, 48, 96]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
