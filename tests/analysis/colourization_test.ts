import assert from "node:assert/strict";
import { initTf } from "../../lib/backend.ts";
import {
  baselineRows,
  colourizationAnswer,
  colourizationFindings,
  type ColourizationStudy,
  colourizationStudy,
  nearGreyNote,
} from "../../lib/analysis/colourization.ts";
import { fakeRun, history, testHorses } from "./study_runs.ts";

await initTf();

/** Notebook 01's study measured on runs (untrained CNNs, made-up histories). */
async function studyFromRuns(): Promise<ColourizationStudy> {
  const runs = [
    fakeRun(
      { model: "cnn", learningRate: 0.001, seed: 0 },
      history(2.4, 2.713, { accuracy: 0.31 }),
    ),
    fakeRun(
      { model: "cnn", learningRate: 0.01, seed: 0 },
      history(2.4, 2.866, { accuracy: 0.27 }),
    ),
  ];
  try {
    return await colourizationStudy(runs, testHorses());
  } finally {
    runs.forEach((r) => r.model.dispose());
  }
}

/** The study of a full run, as measured on CIFAR-10 horses (25 epochs). */
function fullStudy(): ColourizationStudy {
  const run = (lr: number, acc: number, val: number, train: number) => ({
    label: `CNN lr ${lr}`,
    learningRate: lr,
    numEpochs: 25,
    final: {
      epoch: 25,
      trainLoss: train,
      valLoss: val,
      valAccuracy: acc,
      seconds: 10,
      imagesPerSecond: 500,
    },
    report: {
      modelAccuracy: acc,
      mostFrequent: { colour: 3, trainAccuracy: 0.1, valAccuracy: 0.104 },
      greyLevel: { bins: 256, trainAccuracy: 0.46, valAccuracy: 0.452 },
      usage: [],
      evidence: {
        trueMeanChroma: 0.08,
        predictedMeanChroma: 0.06,
        trueLowChromaShare: 0.668,
        predictedLowChromaShare: 0.723,
        lowChromaRecall: 0.512,
        highChromaRecall: 0.187,
        chromaThreshold: 0.057,
      },
    },
  });
  return {
    runs: [run(0.001, 0.418, 1.575, 1.498), run(0.01, 0.392, 1.642, 1.611)],
    lookup: { accuracy: 0.452, crossEntropy: 1.722, trainAccuracy: 0.46 },
    blockLookup: { accuracy: 0.285, crossEntropy: 2.046, trainAccuracy: 0.29 },
    block: 4,
    mostFrequent: { colour: 3, accuracy: 0.104 },
    nearGreyChroma: 0.057,
    trainImages: 5000,
    valImages: 1000,
    synthetic: false,
  };
}

Deno.test("notebook 01: findings from two studies carry each one's own numbers", async () => {
  const measured = await studyFromRuns();
  const full = fullStudy();
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  for (const [mine, other] of [[measured, full], [full, measured]]) {
    const text = colourizationAnswer(mine) + colourizationFindings(mine);
    for (const r of mine.runs) {
      assert.ok(text.includes(r.final.valLoss.toFixed(3)), text);
      assert.ok(text.includes(pct(r.final.valAccuracy)), text);
    }
    assert.ok(text.includes(pct(mine.lookup.accuracy)), text);
    assert.ok(text.includes(mine.lookup.crossEntropy.toFixed(3)), text);
    assert.ok(text.includes(pct(mine.blockLookup.accuracy)), text);
    for (const r of other.runs) {
      const v = r.final.valLoss.toFixed(3);
      assert.ok(!text.includes(v), `${v} of the other study in ${text}`);
    }
    const v = other.lookup.crossEntropy.toFixed(3);
    assert.ok(!text.includes(v), `${v} of the other study in ${text}`);
    assert.ok(text.includes(`${mine.trainImages} training`));
  }
  // the study measured the runs' models on the data: its own counts
  assert.equal(measured.trainImages, 12);
  assert.equal(measured.valImages, 4);
  assert.match(colourizationAnswer(measured), /SYNTHETIC data/);
  assert.doesNotMatch(colourizationAnswer(full), /SYNTHETIC/);
  const rows = baselineRows(full);
  assert.equal(rows.length, 5);
  assert.equal(rows[2]["validation cross-entropy"], null);
  // written as the findings write them
  assert.equal(rows[0]["validation accuracy"], "41.8%");
  assert.equal(rows[3]["validation cross-entropy"], "1.722");
  assert.ok(
    colourizationFindings(full).includes(rows[3]["validation accuracy"]),
  );
});

Deno.test("notebook 01: the wording follows the direction of each result", () => {
  const below = fullStudy();
  const text = colourizationAnswer(below) + colourizationFindings(below);
  // the best run (41.8%) is below the lookup (45.2%)
  assert.match(text, /No, they do not look good/);
  assert.match(text, /lr 0\.001 reaches the lower validation loss/);
  assert.match(text, /Adam's steps at the larger rate are too large/);
  assert.match(text, /the network is the better probabilistic predictor/);
  assert.match(text, /losing each pixel's own grey level costs 16\.7 points/);
  assert.match(text, /more often than the truth \(72\.3% .* 66\.8%\)/);

  const above = fullStudy();
  above.runs[1].final = {
    ...above.runs[1].final,
    valAccuracy: 0.5,
    valLoss: 1.401,
  };
  above.lookup = { ...above.lookup, crossEntropy: 1.3 };
  above.blockLookup = { ...above.blockLookup, accuracy: 0.46 };
  const t2 = colourizationAnswer(above) + colourizationFindings(above);
  assert.match(t2, /Only moderately\.\*\* The best run beats the lookup/);
  assert.match(t2, /by 4\.8 points/);
  assert.match(t2, /lr 0\.01 reaches the lower validation loss/);
  assert.match(t2, /the smaller rate has not converged/);
  assert.match(t2, /it is confident where it is wrong/);
  assert.match(t2, /the bottleneck does not explain the gap/);

  above.lookup = { ...above.lookup, crossEntropy: 1.5 };
  assert.match(colourizationFindings(above), /better on both counts: what it/);
  const worse = fullStudy();
  worse.lookup = { ...worse.lookup, crossEntropy: 1.5 };
  assert.match(colourizationFindings(worse), /the lookup is better on both/);
});

Deno.test("notebook 01: the colour chart states the near-grey numbers the findings quote", async () => {
  for (const study of [fullStudy(), await studyFromRuns()]) {
    const e = study.runs[0].report.evidence;
    const note = nearGreyNote(study.runs[0].report);
    const findings = colourizationFindings(study);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    for (
      const quoted of [
        e.chromaThreshold.toFixed(3),
        pct(e.trueLowChromaShare),
        pct(e.predictedLowChromaShare),
        pct(e.lowChromaRecall),
        pct(e.highChromaRecall),
      ]
    ) {
      assert.ok(findings.includes(quoted), `findings lack ${quoted}`);
      assert.ok(note.includes(quoted), `the chart's note lacks ${quoted}`);
    }
  }
});
