import assert from "node:assert/strict";
import { initTf } from "../../lib/backend.ts";
import { seedGroup } from "../../lib/analysis/seeds.ts";
import {
  skipCurves,
  skipDots,
  type SkipGroup,
  skipRows,
  type SkipStudy,
  skipStudy,
} from "../../lib/analysis/skip_connections.ts";
import {
  skipAnswer,
  skipFindings,
  skipHeadlines,
} from "../../lib/analysis/skip_findings.ts";
import type { ColourModel } from "../../lib/run/config.ts";
import { fakeRun, history, testHorses } from "./study_runs.ts";

await initTf();

/** A study measured on runs (untrained models, made-up histories). */
async function studyFromRuns(): Promise<SkipStudy> {
  const runs = [
    fakeRun({ model: "cnn", seed: 0 }, history(2.4, 2.811, { accuracy: 0.2 })),
    fakeRun({ model: "unet", seed: 0 }, history(2.3, 2.612)),
    fakeRun({ model: "unet", seed: 1 }, history(2.3, 2.634)),
    fakeRun({ model: "unet_no_input_skip", seed: 0 }, history(2.3, 2.623)),
    fakeRun({ model: "unet_no_input_skip", seed: 1 }, history(2.3, 2.655)),
  ];
  try {
    return await skipStudy(runs, testHorses());
  } finally {
    runs.forEach((r) => r.model.dispose());
  }
}

/** A hand-made group: final validation losses per seed, 25 epochs. */
function group(
  model: ColourModel,
  label: string,
  finals: number[],
  o: { accuracy: number; parameters: number; nearGrey: number; start?: number },
): SkipGroup {
  const g = seedGroup(
    label,
    finals.map((v, seed) => ({
      seed,
      history: history(o.start ?? 2.3, v, {
        epochs: 25,
        accuracy: o.accuracy,
      }),
    })),
  );
  return {
    ...g,
    model,
    config: {
      task: "colourization",
      model,
      learningRate: 0.001,
      batchSize: 100,
      numEpochs: 25,
      numFilters: 32,
      kernelSize: 3,
      limitTrain: null,
      limitVal: null,
      shuffle: "once",
    },
    parameters: o.parameters,
    firstSeed: {
      seed: 0,
      run: 0,
      accuracy: {
        all: o.accuracy,
        nearGrey: o.nearGrey,
        colourful: 0.2,
        nearGreyShare: 0.668,
      },
      colourChanges: 0.1,
    },
  };
}

function fixture(unet: number[], ablation: number[]): SkipStudy {
  return {
    groups: [
      group("cnn", "CNN", [1.575], {
        accuracy: 0.418,
        parameters: 86_784,
        nearGrey: 0.5,
        start: 2.42,
      }),
      group("unet", "UNet", unet, {
        accuracy: 0.509,
        parameters: 112_344,
        nearGrey: 0.61,
      }),
      group("unet_no_input_skip", "UNet without input skip", ablation, {
        accuracy: 0.497,
        parameters: 112_128,
        nearGrey: 0.6,
      }),
    ],
    lookup: {
      accuracy: 0.614,
      crossEntropy: 1.938,
      trainAccuracy: 0.62,
      byChroma: {
        all: 0.614,
        nearGrey: 0.86,
        colourful: 0.11,
        nearGreyShare: 0.668,
      },
      colourChanges: 0.52,
    },
    truthColourChanges: 0.471,
    nearGreyChroma: 0.178,
    trainImages: 5000,
    valImages: 102,
    synthetic: false,
  };
}

const OVERLAP = fixture([1.298, 1.312, 1.351], [1.322, 1.344, 1.369]);

Deno.test("skip study measured on runs", async () => {
  const s = await studyFromRuns();
  assert.deepEqual(s.groups.map((g) => g.label), [
    "CNN",
    "UNet",
    "UNet without input skip",
  ]);
  const [cnn, unet, ablation] = s.groups;
  assert.deepEqual(unet.seeds, [0, 1]);
  assert.equal(unet.final.valLoss.min, 2.612);
  assert.equal(unet.final.valLoss.max, 2.634);
  // the UNet's concatenations add weights; without the input skip, a few less
  assert.ok(unet.parameters > ablation.parameters);
  assert.ok(ablation.parameters > cnn.parameters);
  assert.deepEqual(s.groups.map((g) => g.firstSeed.run), [0, 1, 3]);
  assert.ok(s.lookup.accuracy >= 0 && s.lookup.accuracy <= 1);
  assert.ok(s.lookup.crossEntropy > 0);
  assert.equal(s.valImages, 4);
  assert.equal(s.trainImages, 12);
  for (const g of s.groups) {
    const a = g.firstSeed.accuracy;
    assert.ok(a.all >= 0 && a.all <= 1 && a.nearGreyShare > 0);
  }
});

Deno.test("findings from two studies carry each one's own numbers", async () => {
  const quick = await studyFromRuns();
  for (const [mine, other] of [[quick, OVERLAP], [OVERLAP, quick]]) {
    const text = skipAnswer(mine) + skipFindings(mine);
    for (const g of mine.groups) {
      assert.ok(text.includes(g.final.valLoss.mean.toFixed(3)), g.label);
    }
    assert.ok(text.includes(mine.lookup.crossEntropy.toFixed(3)));
    for (const g of other.groups) {
      const v = g.final.valLoss.mean.toFixed(3);
      assert.ok(!text.includes(v), `${v} of the other study in ${text}`);
    }
    assert.ok(!text.includes(other.lookup.crossEntropy.toFixed(3)));
  }
});

Deno.test("the wording follows the direction of each result", () => {
  const a = skipAnswer(OVERLAP) + skipFindings(OVERLAP);
  assert.match(a, /\*\*The UNet beats the CNN on both counts\*\*/);
  assert.match(a, /every UNet seed is below the CNN's single run/);
  assert.match(a, /within the seed spread of the full UNet/);
  // (1.575 - 1.345) / (1.575 - 1.320)
  assert.match(a, /the internal skips alone give 90% of the full UNet.s gain/);
  assert.match(
    a,
    /the ranges overlap, so this difference is within the seed spread/,
  );
  assert.match(
    a,
    /112,344 trainable weights against the CNN's 86,784 \(\+29%\)/,
  );
  // the lookup wins on accuracy (61.4% vs 50.9%), the UNet on cross-entropy
  assert.match(a, /The lookup's lead is on the near-grey pixels/);
  assert.match(a, /Yet it is the better predictor of colour probabilities/);
  // near-grey 61% with the skip, 60% without, the lookup 86%
  assert.match(a, /The input skip adds only 1.0 points on near-grey pixels/);
  assert.match(a, /the UNet hardly uses the grey level/);

  const apart = fixture([1.298, 1.302, 1.305], [1.342, 1.344, 1.369]);
  apart.groups[2].firstSeed.accuracy.nearGrey = 0.4;
  const b = skipAnswer(apart) + skipFindings(apart);
  assert.match(
    b,
    /The input skip adds 21.0 points on near-grey pixels \(seed 0\), part of the way/,
  );
  assert.match(b, /worse than the full UNet for every seed/);
  assert.match(b, /so the input skip helps beyond seed noise/);

  const worse = fixture([1.6, 1.61, 1.63], [1.342, 1.344, 1.369]);
  worse.lookup.crossEntropy = 1.5;
  const c = skipAnswer(worse) + skipFindings(worse);
  assert.match(
    c,
    /reaches the higher accuracy, but not the lower validation loss/,
  );
  assert.match(c, /better than the full UNet for every seed/);
  assert.match(c, /It is not even the better predictor/);
});

Deno.test("figure and table data, headlines from the configuration", () => {
  const [loss, acc] = skipDots(OVERLAP);
  assert.deepEqual(loss.rows[1].values, [1.298, 1.312, 1.351]);
  assert.equal(acc.rows[0].values.length, 1);
  assert.equal(new Set(loss.rows.map((r) => r.colour)).size, 3);
  assert.deepEqual(skipCurves(OVERLAP).map((c) => c.seeds), [1, 3, 3]);
  const rows = skipRows(OVERLAP);
  assert.equal(rows[1]["val cross-entropy"], "1.320 (1.298-1.351)");
  assert.equal(rows.at(-1)!.predictor, "palette truth");
  const [unet, vs] = skipHeadlines(OVERLAP);
  assert.match(
    unet.question,
    /UNet \(lr 0.001, batch 100, 25 epochs, seeds 0, 1, 2\)/,
  );
  assert.match(unet.reference ?? "", /PyTorch on this archive/);
  assert.equal(
    unet.answer,
    "50.9% / 1.320 (mean of seeds 0, 1, 2; ranges 50.9%-50.9% / 1.298-1.351)",
  );
  assert.doesNotMatch(vs.answer, /\*\*/);
});

Deno.test("groups of one model are told apart by the settings that differ", async () => {
  const runs = [
    fakeRun({ model: "cnn", seed: 0 }, history(2.4, 2.8)),
    fakeRun({ model: "unet", seed: 0 }, history(2.3, 2.6)),
    fakeRun({ model: "unet", seed: 0, learningRate: 0.01 }, history(2.3, 2.7)),
  ];
  try {
    const s = await skipStudy(runs, testHorses());
    assert.deepEqual(s.groups.map((g) => g.label), [
      "CNN",
      "UNet, lr 0.001",
      "UNet, lr 0.01",
    ]);
  } finally {
    runs.forEach((r) => r.model.dispose());
  }
});
