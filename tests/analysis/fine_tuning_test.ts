import assert from "node:assert/strict";
import {
  type FineTuningStudy,
  fineTuningStudy,
  type VariantScores,
} from "../../lib/analysis/fine_tuning.ts";
import {
  fineTuningAnswer,
  fineTuningFindings,
  fineTuningHeadline,
  fineTuningRows,
} from "../../lib/analysis/fine_tuning_findings.ts";
import {
  maskFigure,
  scoreFigure,
} from "../../lib/analysis/fine_tuning_figures.ts";
import { runInputs } from "../../lib/finetune/experiment.ts";
import { type Run, trainOrLoad } from "../../lib/run/run.ts";
import { tinyExperiment, tinySources } from "../finetune/fixtures.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** A trained variant with these per-seed IoUs (thresholded: IoU / 5). */
function variant(
  body: "pre-trained" | "random",
  train: "head" | "all",
  ious: number[],
): VariantScores {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sum = (xs: number[]) => ({
    mean: mean(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
  });
  const t = ious.map((v) => v / 5);
  return {
    name: `${train === "head" ? "last layer" : "whole network"}, ${
      body === "random" ? "random body" : "pre-trained body"
    }`,
    body,
    train,
    numEpochs: train === "head" ? 30 : 8,
    perSeed: ious.map((iou, seed) => ({ seed, iou, thresholded: t[seed] })),
    iou: sum(ious),
    thresholded: sum(t),
    perImage: [0.912, 0.634, 0.211, 0.087],
  };
}

/** A hand-made study: each number distinct, pre-training clearly ahead. */
function fixture(over: Partial<FineTuningStudy> = {}): FineTuningStudy {
  const constant = (name: string, v: number, t: number): VariantScores => ({
    name,
    body: null,
    train: null,
    numEpochs: null,
    perSeed: [{ seed: 0, iou: v, thresholded: t }],
    iou: { mean: v, min: v, max: v },
    thresholded: { mean: t, min: t, max: t },
    perImage: [0.5, 0.25, 0.125, 0.0625],
  });
  return {
    pretrain: {
      numEpochs: 7,
      trainImages: 4321,
      valAccuracy: 0.6543,
      lookupAccuracy: 0.6012,
      synthetic: false,
    },
    photos: {
      synthetic: false,
      size: 48,
      trainImages: 271,
      testImages: 53,
      horseShare: 0.2468,
    },
    variants: [
      variant("pre-trained", "head", [0.611, 0.623, 0.617]),
      variant("random", "head", [0.402, 0.415, 0.409]),
      variant("pre-trained", "all", [0.702, 0.714, 0.708]),
      variant("random", "all", [0.521, 0.533, 0.527]),
    ],
    allHorse: constant("all horse", 0.2591, 0.0377),
    allBackground: constant("all background", 0, 0),
    seeds: 3,
    masks: {},
    ...over,
  };
}

function numbersOf(text: string): string[] {
  return [...new Set(text.match(/\d+\.\d+%?/g) ?? [])];
}

function render(s: FineTuningStudy): string {
  const h = fineTuningHeadline(s);
  return [
    fineTuningAnswer(s),
    fineTuningFindings(s),
    h.question,
    h.answer,
  ].join("\n");
}

Deno.test({
  ...opts,
  name:
    "Part C's findings from two studies (tiny runs, a fixture) carry each one's numbers only",
  fn: async () => {
    const cacheDir = await Deno.makeTempDir();
    const runs: Run[] = [];
    try {
      const { horses, photos } = await tinySources(cacheDir);
      for (const input of runInputs(tinyExperiment([0, 1]))) {
        runs.push(
          await trainOrLoad(input, { colour: horses, segmentation: photos }, {
            cacheDir,
          }),
        );
      }
      const measured = await fineTuningStudy(runs, { horses, photos });
      assert.equal(measured.variants.length, 4);
      assert.equal(measured.seeds, 2);
      assert.equal(measured.photos.testImages, 4);
      assert.equal(measured.masks["all horse"].length, 4 * 12 * 12);
      const hand = fixture();
      const [a, b] = [render(measured), render(hand)];
      // each text has its own study's numbers...
      for (const v of measured.variants) {
        assert.ok(a.includes(v.iou.mean.toFixed(3)));
      }
      assert.ok(a.includes(measured.allHorse.iou.mean.toFixed(3)));
      for (
        const want of [
          "0.617",
          "0.409",
          "0.708",
          "0.527",
          "0.259",
          "24.7%",
          "65.4%",
          "4321",
          "53 test photos",
          "48x48",
        ]
      ) {
        assert.ok(b.includes(want), `fixture text lacks ${want}`);
      }
      // ... and none of the other's (beyond the constants both state)
      const shared = new Set(["0.000", "0.5", "0.32", "0.35"]);
      for (const n of numbersOf(b)) {
        if (!shared.has(n)) {
          assert.ok(!a.includes(n), `${n} of the fixture in the measured text`);
        }
      }
      for (const n of numbersOf(a)) {
        if (!shared.has(n)) {
          assert.ok(
            !b.includes(n),
            `${n} of the measured study in the fixture's text`,
          );
        }
      }
      // figures from the measured study
      assert.match(scoreFigure(measured), /^<svg/);
      const picture = await maskFigure(measured, photos.test, 3);
      assert.equal(picture.png[1], 80, "a PNG"); // "P" of \x89PNG
      assert.match(picture.caption, /^3 test photos/);
      assert.equal(fineTuningRows(measured).length, 6);
    } finally {
      for (const r of runs) r.model.dispose();
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test("Part C's wording follows the direction of each result", () => {
  const good = fixture();
  assert.match(
    fineTuningAnswer(good),
    /^\*\*Yes: the last layer alone segments horses, and the pre-trained body beats a random one/,
  );
  assert.match(
    fineTuningAnswer(good),
    /pre-training helps \(by 0\.181, beyond the seeds' ranges\)/,
  );
  assert.match(
    fineTuningFindings(good),
    /The pre-trained features are better by 0\.208, beyond the seeds' ranges/,
  );
  assert.match(
    fineTuningFindings(good),
    /pixel accuracy 65\.4%, above the accuracy of notebook 01's lookup .* What matters here is what a last layer finds in its features: 0\.617 against 0\.409 on random ones/,
  );

  // the random body ahead, the whole network no better for pre-training
  const [hp, hr, wp, wr] = good.variants;
  const flipped = fixture({
    variants: [
      { ...hp, ...variant("pre-trained", "head", [0.39, 0.4, 0.41]) },
      hr,
      variant("pre-trained", "all", [0.51, 0.52, 0.5]),
      wr,
    ],
    pretrain: { ...good.pretrain, valAccuracy: 0.3641 },
  });
  assert.match(
    fineTuningAnswer(flipped),
    /but the pre-trained body does no better than a random one/,
  );
  assert.match(
    fineTuningAnswer(flipped),
    /pre-training does not help \(the random start ends 0\.017 higher, beyond the seeds' ranges\)/,
  );
  assert.match(
    fineTuningFindings(flipped),
    /colourization taught the body nothing/,
  );
  assert.match(
    fineTuningFindings(flipped),
    /pixel accuracy 36\.4%, below the accuracy of notebook 01's lookup .* A last layer finds no more in its features than in random ones \(0\.400 against 0\.409\)/,
  );

  // overlapping ranges: within the seeds' spread
  const close = fixture({
    variants: [
      variant("pre-trained", "head", [0.40, 0.45, 0.43]),
      variant("random", "head", [0.41, 0.39, 0.42]),
      wp,
      wr,
    ],
  });
  assert.match(fineTuningAnswer(close), /^\*\*Only weakly/);
  assert.match(
    fineTuningAnswer(close),
    /a random body by less than the seeds' spread/,
  );

  // below "all horse"
  const bad = fixture({
    allHorse: { ...good.allHorse, iou: { mean: 0.7, min: 0.7, max: 0.7 } },
  });
  assert.match(
    fineTuningAnswer(bad),
    /^\*\*No: the last layer alone does no better than calling every pixel horse/,
  );

  // one seed: no claim about the spread
  const one = fixture({
    seeds: 1,
    variants: good.variants.map((v) => ({
      ...v,
      perSeed: v.perSeed.slice(0, 1),
      iou: { ...v.iou, min: v.iou.mean, max: v.iou.mean },
    })),
  });
  assert.match(
    fineTuningAnswer(one),
    /one seed: whether that is more than seed noise is not measured/,
  );
  assert.match(
    fineTuningAnswer(one),
    /pre-training helps \(by 0\.181, one seed each, no spread measured\)/,
  );
  assert.doesNotMatch(fineTuningAnswer(one), /beyond the seeds' ranges/);
});

Deno.test("Part C's headline names both metrics and the original's", () => {
  const h = fineTuningHeadline(fixture());
  assert.match(
    h.answer,
    /^thresholded IoU score \(the original's metric\): 0\.123 \(0\.122-0\.125\); foreground IoU: 0\.617 \(0\.611-0\.623\)/,
  );
  assert.match(h.answer, /all horse 0\.259/);
  assert.match(
    h.reference!,
    /published \(the original assignment\): 0\.32-0\.35 mean thresholded IoU score/,
  );
  assert.match(h.question, /; 53 test photos \(48x48, 3 seeds\)$/);
});
