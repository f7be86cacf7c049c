import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  cnnLayerFormulas,
  type CnnSizes,
  measureModel,
  studentFormulas,
} from "../../lib/analysis/accounting.ts";
import {
  accountingAnswer,
  accountingRows,
  layerTableRows,
  studentDisagreement,
} from "../../lib/analysis/accounting_tables.ts";
import { buildCnn } from "../../lib/models/cnn.ts";

const handout: CnnSizes = {
  numFilters: 32,
  numColours: 24,
  kernelSize: 3,
  width: 32,
  height: 32,
};

Deno.test("accounting tables for the notebook", async (t) => {
  await tf.setBackend("cpu");
  const model = buildCnn({ ...handout, seed: 0 });
  await t.step("accountingRows: every convention agrees with the model", () => {
    const rows = accountingRows(handout, model);
    assert.equal(rows.length, 7);
    assert.ok(rows.every((r) => r.agrees));
    const params = rows.find((r) => r.quantity.includes("countParams"))!;
    assert.equal(params.model, model.countParams());
    assert.equal(rows[0].student, studentFormulas(handout).weights);
    assert.match(
      accountingAnswer(rows),
      /32x32: 86,352 weights.*every count matches/,
    );
  });
  await t.step("studentDisagreement names the missing biases and terms", () => {
    const text = studentDisagreement(handout, model);
    assert.match(text, /86,328 vs 86,352/);
    assert.match(text, /24 missing/);
    assert.match(text, /conv5's 6,144 outputs twice/);
    assert.match(text, /upsample4 \(8,192\)/);
  });

  await t.step("layerTableRows flags a layer that disagrees", () => {
    const formula = cnnLayerFormulas(handout);
    const measured = measureModel(model);
    assert.ok(layerTableRows(formula, measured).every((r) => r.agrees));
    const wrong = measured.map((l, i) =>
      i === 4 ? { ...l, macs: l.macs + 1 } : l
    );
    const rows = layerTableRows(formula, wrong);
    assert.deepEqual(rows.map((r) => r.agrees).indexOf(false), 4);
    assert.equal(rows.filter((r) => !r.agrees).length, 1);
  });
  model.dispose();
});
