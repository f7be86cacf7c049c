import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { syntheticCategoryData } from "../../lib/data/synthetic.ts";
import { buildModel } from "../../lib/models/build.ts";
import { resolveConfig } from "../../lib/run/config.ts";
import type { Run } from "../../lib/run/load.ts";
import {
  cells,
  changed,
  identity,
  type ModelSweep,
  range,
  type ScaleShiftExperiment,
  type ScaleShiftStudy,
  scaleShiftStudy,
} from "../../lib/analysis/scale_shift.ts";
import {
  pct,
  scaleShiftAnswer,
  scaleShiftFindings,
  scaleShiftHeadline,
  scaleShiftRows,
} from "../../lib/analysis/scale_shift_findings.ts";
import {
  scaleShiftAccuracy,
  scaleShiftBorderCells,
  scaleShiftCells,
  scaleShiftPictures,
} from "../../lib/analysis/scale_shift_figures.ts";
import type { ScaleShiftRow } from "../../lib/analysis/scale_shift_sweep.ts";

const palette = {
  colours: new Float32Array([0.1, 0.1, 0.1, 0.5, 0.4, 0.3, 0.9, 0.9, 0.8]),
  numColours: 3,
  description: "three colours",
};
const horses = {
  data: syntheticCategoryData({ trainCount: 8, valCount: 6 }),
  palette,
};
const experiment: ScaleShiftExperiment = {
  runs: [{ model: "cnn" }, { model: "unet" }],
  images: 6,
  scales: [-1, 0.5, 1, 3],
  shifts: [0, 0.5],
};

/** A run as runAll returns it: the configuration, an (untrained) model, a history. */
function tinyRun(model: "cnn" | "unet", seed: number): Run {
  const config = resolveConfig({
    model,
    numFilters: 4,
    numEpochs: 1,
    seed,
  });
  return {
    runId: `tiny-${model}`,
    dir: "",
    config,
    json: {} as Run["json"],
    model: buildModel(config, { height: 32, width: 32, numClasses: 3 }),
    history: [{
      epoch: 1,
      trainLoss: 1.1,
      valLoss: 1.2,
      valAccuracy: 0.3,
      seconds: 1,
      imagesPerSecond: 8,
    }],
    palette,
    cached: true,
    seconds: 0,
  };
}

/** A hand-made sweep: every cell from `f`. */
function fixtureSweep(
  name: string,
  model: ModelSweep["model"],
  f: (a: number, b: number, mode: "training" | "inference") => Partial<
    ScaleShiftRow
  >,
): ModelSweep {
  const rows: ScaleShiftRow[] = [];
  for (const mode of ["training", "inference"] as const) {
    for (const a of [-2, 0.5, 1, 2]) {
      for (const b of [0, 1]) {
        const same = a === 1 && b === 0;
        rows.push({
          a,
          b,
          mode,
          relativeChange: same ? 0 : 0.5,
          agreement: same ? 1 : 0.5,
          accuracy: 0.4321,
          sameNeighbours: 0.6789,
          ...(same ? {} : f(a, b, mode)),
        });
      }
    }
  }
  return {
    name,
    model,
    seed: 7,
    numEpochs: 11,
    final: {
      epoch: 11,
      trainLoss: 1,
      valLoss: 1,
      valAccuracy: 0.4,
      seconds: 1,
      imagesPerSecond: 1,
    },
    rows,
  };
}

/**
 * The other direction of every result: a CNN that a positive scale changes
 * (and whose accuracy rises), a UNet that it does not, a shift that does not
 * act at the border, no patchier colouring.
 */
const fixture: ScaleShiftStudy = {
  models: [
    fixtureSweep("CNN", "cnn", (a, b, mode) => ({
      agreement: a > 0 && b === 0 && mode === "training" ? 0.8765 : 0.3456,
      relativeChange: 0.2468,
      accuracy: 0.5432,
      sameNeighbours: 0.6543,
    })),
    fixtureSweep("UNet", "unet", (a, b, mode) => ({
      agreement: a > 0 && b === 0 && mode === "training" ? 1 : 0.2345,
      relativeChange: a > 0 && b === 0 && mode === "training" ? 1e-7 : 0.9,
    })),
  ],
  border: {
    b: 1,
    maps: [
      {
        label: "bn1",
        scale: 2,
        map: [[1.5, 1.5], [1.5, 1.5]],
        rings: [1.5, 1],
        edgeToCentre: 1.5,
      },
      {
        label: "logits",
        scale: 1,
        map: [[3]],
        rings: [3, 1],
        edgeToCentre: 3,
      },
    ],
  },
  scales: [-2, 0.5, 1, 2],
  shifts: [0, 1],
  images: 37,
  epsilon: 0.25,
  trainImages: 913,
  synthetic: false,
};

/** Every text the notebook shows from a study. */
function pageText(s: ScaleShiftStudy): string {
  return [
    scaleShiftAnswer(s),
    scaleShiftFindings(s),
    JSON.stringify(scaleShiftHeadline(s)),
  ].join("\n");
}

/** Numbers the text must state, formatted as it writes them. */
function ownNumbers(s: ScaleShiftStudy): string[] {
  const m = s.models[0];
  const pos = cells(m, "training", "positive scale");
  return [
    pct(identity(m, "inference")!.accuracy),
    pct(range(cells(m, "inference"), (r) => r.accuracy).min),
    pct(range(pos, changed).max),
    pct(range(cells(m, "training", "negative scale"), changed).max),
    pct(identity(m, "inference")!.sameNeighbours),
    `${s.images} validation images`,
    `on ${s.trainImages} images`,
  ];
}

Deno.test("notebook 03's study, answer and findings", async (t) => {
  await tf.setBackend("cpu");
  const runs = [tinyRun("cnn", 1), tinyRun("unet", 2)];
  const n = tf.memory().numTensors;
  const study = await scaleShiftStudy(runs, horses, experiment);

  await t.step("the study measures every cell, leaks nothing", () => {
    assert.equal(tf.memory().numTensors, n);
    assert.equal(study.models.length, 2);
    for (const m of study.models) {
      assert.equal(m.rows.length, 2 * 4 * 2);
      assert.equal(identity(m, "training")!.relativeChange, 0);
    }
    assert.equal(study.images, 6);
    assert.equal(study.epsilon, 1e-5); // PyTorch's, as the handout's BatchNorm
    assert.ok(study.synthetic);
    // bn1 is pooled once: 16x16 positions of 2x2 input pixels
    const [bn1, logits] = study.border!.maps;
    assert.equal(bn1.scale, 2);
    assert.equal(bn1.map.length, 16);
    assert.equal(logits.map.length, 32);
    assert.equal(bn1.rings.length, 8);
    assert.ok(bn1.edgeToCentre > 1, `bn1 edge/centre ${bn1.edgeToCentre}`);
  });

  await t.step("the mechanism, on an untrained CNN and UNet", () => {
    const [cnn, unet] = study.models;
    // batch statistics: a positive scale leaves the CNN as it was
    for (const r of cells(cnn, "training", "positive scale")) {
      assert.ok(changed(r) <= 0.01, `CNN a=${r.a}: ${changed(r)}`);
    }
    // the UNet's last conv sees the raw input
    assert.ok(
      range(cells(unet, "training", "positive scale"), (r) => r.relativeChange)
        .max > 1e-3,
    );
    assert.match(scaleShiftAnswer(study), /leaves the CNN's output unchanged/);
    assert.match(scaleShiftFindings(study), /input skip/);
  });

  await t.step("findings of two studies carry their own numbers only", () => {
    const textA = pageText(study);
    const textB = pageText(fixture);
    const a = ownNumbers(study);
    const b = ownNumbers(fixture);
    for (const x of a) assert.ok(textA.includes(x), `A lacks ${x}`);
    for (const x of b) assert.ok(textB.includes(x), `B lacks ${x}`);
    for (const x of a) {
      if (!b.includes(x)) assert.ok(!textB.includes(x), `B has A's ${x}`);
    }
    for (const x of b) {
      if (!a.includes(x)) assert.ok(!textA.includes(x), `A has B's ${x}`);
    }
    assert.match(textB, /54\.3%/); // the fixture's accuracy
    assert.match(textB, /ε = 0\.25,/);
    assert.match(textA, /ε = 0\.00001,/);
    assert.match(textB, /CNN seed 7, UNet seed 7/);
    assert.match(textA, /CNN seed 1, UNet seed 2/);
    assert.match(textA, /SYNTHETIC data/);
    assert.doesNotMatch(textB, /SYNTHETIC/);
  });

  await t.step("the wording flips when the results do", () => {
    const a = scaleShiftAnswer(fixture);
    assert.match(
      a,
      /Even with BatchNorm on batch statistics.*changes the CNN's output/,
    );
    assert.match(a, /up to 12\.4% of pixels change colour/);
    assert.match(
      a,
      /The UNet is unchanged by a positive scale on batch statistics too/,
    );
    const f = scaleShiftFindings(fixture);
    assert.match(f, /some path reaches its output without passing a BatchNorm/);
    assert.match(f, /does not fall below the untransformed 43\.2%/);
    assert.match(f, /change only 1\.5 times as much as its centre/);
    assert.match(f, /at the logits the ratio is 3\.0, no more spread out/);
    assert.match(
      f,
      /No transformation raises that by more than 5 points/,
    );
    // patchier on running statistics: the claim is placed where it holds
    const [cnn, unet] = fixture.models;
    const patchy: ScaleShiftStudy = {
      ...fixture,
      models: [{
        ...cnn,
        rows: cnn.rows.map((r) =>
          r.mode === "inference" && !(r.a === 1 && r.b === 0)
            ? { ...r, sameNeighbours: 0.995 }
            : r
        ),
      }, unet],
    };
    const p = scaleShiftFindings(patchy);
    assert.match(p, /points: 7 of 7 on running statistics, 0 of 7 on batch/);
    assert.match(p, /reaches 99\.5%, nearly one colour over the whole image/);
    assert.match(p, /Bigger patches come with running statistics/);
    const g = scaleShiftFindings(study);
    assert.doesNotMatch(g, /some path reaches its output/);
    assert.match(g, /max-pooling commutes with a positive factor/);
  });

  await t.step("figure data", async () => {
    const heat = scaleShiftCells(study);
    assert.equal(heat.length, 2 * 2 * 4 * 2);
    assert.deepEqual(new Set(heat.map((c) => c.row)), new Set(["CNN", "UNet"]));
    assert.equal(
      heat.find((c) => c.x === "b = 0" && c.y === "a = 1")!.value,
      0,
    );
    assert.ok(heat.every((c) => c.value >= 0 && c.value <= 100));
    const acc = scaleShiftAccuracy(study);
    assert.equal(acc.length, 4 * 2 * 2); // 4 scales, b = 0 and 0.5, 2 modes
    // the non-zero shift drawn is the one of the lowest accuracy the prose names
    const nonZero = study.models[0].rows.filter((r) => r.b !== 0);
    const lowest = nonZero.reduce((a, r) => r.accuracy < a.accuracy ? r : a);
    assert.ok(acc.some((p) => p.series?.endsWith(`b = ${lowest.b}`)));
    assert.ok(
      acc.some((p) =>
        p.x === lowest.a && Math.abs(p.y - 100 * lowest.accuracy) < 1e-9
      ),
    );
    const border = scaleShiftBorderCells(study);
    assert.equal(border.length, 2 * 32 * 32); // both maps in input pixels
    // bn1's innermost ring (positions 7-8 of 16) covers input pixels 14-17
    const centre = border.filter((c) =>
      c.column?.startsWith("bn1") && Number(c.x) >= 14 && Number(c.x) <= 17 &&
      Number(c.y) >= 14 && Number(c.y) <= 17
    );
    assert.equal(centre.length, 16);
    const mean = centre.reduce((s, c) => s + c.value, 0) / centre.length;
    assert.ok(Math.abs(mean - 1) < 1e-6, `centre mean ${mean}`);
    const n0 = tf.memory().numTensors;
    const pictures = await scaleShiftPictures(runs, horses, experiment, 3);
    assert.equal(tf.memory().numTensors, n0);
    assert.deepEqual(pictures.map((r) => r.label), [
      "grey input",
      "a = 1, b = 0, batch stats",
      "a = 3, b = 0, batch stats",
      "a = -1, b = 0, batch stats",
      "a = 1, b = 0.5, batch stats",
      "a = 1, b = 0, running stats",
      "a = 3, b = 0, running stats",
      "palette truth",
    ]);
    assert.equal(pictures[1].images.count, 3);
  });

  await t.step("the headline is built from the experiment", () => {
    const h = scaleShiftHeadline(study);
    assert.match(h.question, /a in -1, 0\.5, 1, 3; b in 0, 0\.5/);
    assert.doesNotMatch(h.answer, /\*\*/);
  });
  for (const r of runs) r.model.dispose();

  await t.step(
    "every share and logit shift the text quotes is in the table",
    () => {
      for (const s of [study, fixture]) {
        const rows = scaleShiftRows(s);
        assert.equal(rows.length, s.models.length * 2 * 4 * 2);
        const cellsText = new Set(
          rows.flatMap((r) => Object.values(r).map(String)),
        );
        const text = scaleShiftAnswer(s) + scaleShiftFindings(s);
        // "unchanged: at most 1.0%" is a definition, not a measurement
        const quoted = [
          ...text.replace(/at most 1\.0% of pixels change colour\)/, "")
            .matchAll(
              /(?<![\w.])(\d+\.\d+%|<0\.1%|\d\.\de-\d+|0\.\d\d(?![\d%]))/g,
            ),
        ]
          .map((m) => m[1]);
        assert.ok(quoted.length > 5);
        for (const q of quoted) {
          assert.ok(
            cellsText.has(q),
            `${q} is quoted but in no cell of the table`,
          );
        }
      }
    },
  );
});
