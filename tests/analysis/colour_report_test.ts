import assert from "node:assert/strict";
import {
  baselineRows,
  colourReport,
  describeColourReport,
  paletteSwatches,
  usageRows,
} from "../../lib/analysis/colour_report.ts";
import type { TrainData } from "../../lib/train/types.ts";

Deno.test("colour report: model vs baselines on a hand-made set", () => {
  // 1x4 "images": dark pixels are colour 0 (grey), bright ones colour 1 (red)
  const td: TrainData = {
    trainX: new Float32Array([0.1, 0.1, 0.9, 0.9, 0.1, 0.9, 0.9, 0.9]),
    trainY: new Uint8Array([0, 0, 1, 1, 0, 1, 1, 1]),
    valX: new Float32Array([0.1, 0.9, 0.9, 0.1]),
    valY: new Uint8Array([0, 1, 1, 1]),
    height: 1,
    width: 4,
    numColours: 2,
  };
  const palette = {
    colours: new Float32Array([0.5, 0.5, 0.5, 0.9, 0.1, 0.1]),
    numColours: 2,
    description: "",
  };
  const predictions = new Uint8Array([0, 0, 1, 1]);
  const r = colourReport(td, palette, predictions, { bins: 4 });
  assert.equal(r.modelAccuracy, 3 / 4);
  assert.equal(r.mostFrequent.colour, 1);
  assert.equal(r.mostFrequent.valAccuracy, 3 / 4);
  assert.equal(r.greyLevel.trainAccuracy, 1);
  assert.equal(r.mostFrequent.trainAccuracy, 5 / 8);
  assert.equal(r.greyLevel.valAccuracy, 3 / 4);
  assert.equal(r.usage[1].recall, 2 / 3);
  const rows = baselineRows([{ name: "CNN", report: r }]);
  assert.equal(rows.length, 3);
  assert.equal(rows[0]["validation accuracy"], 0.75);
  assert.match(describeColourReport(r, "CNN"), /75\.0%/);
  const usage = usageRows(r);
  assert.equal(usage[0].colour, "0 #808080");
  const sw = paletteSwatches(r, palette);
  assert.equal(sw.count, 2);
  assert.deepEqual(
    Array.from(sw.images.subarray(64 * 3, 64 * 3 + 3)),
    Array.from(palette.colours.subarray(3, 6)),
  );
});
