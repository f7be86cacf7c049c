import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  cnnFormulas,
  cnnLayerFormulas,
  type CnnSizes,
  layerKind,
  measureModel,
  studentFormulas,
  totals,
} from "../../lib/analysis/cnn_counts.ts";
import { buildCnn } from "../../lib/models/cnn.ts";

const handout: CnnSizes = {
  numFilters: 32,
  numColours: 24,
  kernelSize: 3,
  width: 32,
  height: 32,
};

Deno.test("accounting formulas", async (t) => {
  await t.step("hand-computed counts for NF 32, NC 24, K 3, 32x32", () => {
    const f = cnnFormulas(handout);
    // conv weights + biases, layer by layer:
    // 9*1*32+32, 9*32*64+64, 9*64*64+64, 9*64*32+32, 9*32*24+24, 9*24*24+24
    assert.equal(f.weightsConv, 320 + 18496 + 36928 + 18464 + 6936 + 5208);
    // BatchNorm over 32+64+64+32+24 channels: gamma+beta, mean+var
    assert.equal(f.weightsTrainable, f.weightsConv + 2 * 216);
    assert.equal(f.weightsAll, f.weightsConv + 4 * 216);
    // conv outputs: 32*32*32 + 16*16*64 + 8*8*64 + 8*8*32 + 16*16*24 + 32*32*24
    assert.equal(f.outputsConv, 32768 + 16384 + 4096 + 2048 + 6144 + 24576);
    // MACs: H*W*K*K*Cin*Cout per conv
    assert.equal(
      f.connections,
      1024 * 9 * 32 + 256 * 9 * 32 * 64 + 64 * 9 * 64 * 64 + 64 * 9 * 64 * 32 +
        256 * 9 * 32 * 24 + 1024 * 9 * 24 * 24,
    );
  });

  for (
    const s of [
      handout,
      { ...handout, width: 64, height: 64 },
      { numFilters: 8, numColours: 5, kernelSize: 5, width: 16, height: 24 },
      {
        numFilters: 3,
        numColours: 7,
        kernelSize: 1,
        width: 8,
        height: 8,
        inChannels: 3,
      },
    ]
  ) {
    await t.step(
      `closed forms equal the layer table ${JSON.stringify(s)}`,
      () => {
        assert.deepEqual(cnnFormulas(s), totals(cnnLayerFormulas(s)));
      },
    );
  }

  await t.step("doubling W and H: weights same, outputs and MACs x4", () => {
    const a = cnnFormulas(handout);
    const b = cnnFormulas({ ...handout, width: 64, height: 64 });
    assert.equal(b.weightsAll, a.weightsAll);
    assert.equal(b.outputsAll, 4 * a.outputsAll);
    assert.equal(b.connections, 4 * a.connections);
  });

  await t.step("the student's formulas: where they differ from ours", () => {
    for (
      const s of [handout, {
        ...handout,
        width: 64,
        height: 64,
        numColours: 10,
      }]
    ) {
      const st = studentFormulas(s);
      const ours = cnnFormulas(s);
      // the final conv's NC biases are missing
      assert.equal(st.weights, ours.weightsConv - s.numColours);
      // connections count one per conv output for the bias
      assert.equal(st.connections, ours.connectionsWithBias);
      assert.notEqual(st.outputs, ours.outputsConv);
      assert.notEqual(st.outputs, ours.outputsAll);
    }
  });

  await t.step("layer kinds from class names", () => {
    assert.equal(layerKind("Conv2D"), "conv");
    assert.equal(layerKind("MaxPooling2D"), "pool");
    assert.equal(layerKind("UpSampling2D"), "upsample");
    assert.equal(layerKind("TorchBatchNorm"), "batchnorm");
    assert.equal(layerKind("ReLU"), "relu");
    assert.equal(layerKind("Activation", "relu"), "relu");
    assert.equal(layerKind("Concatenate"), "concat");
  });
});

Deno.test("accounting formulas agree with built tfjs models", async (t) => {
  await tf.setBackend("cpu");
  const cases: CnnSizes[] = [
    handout,
    { ...handout, width: 64, height: 64 },
    { numFilters: 4, numColours: 6, kernelSize: 5, width: 16, height: 8 },
    { numFilters: 6, numColours: 3, kernelSize: 1, width: 12, height: 20 },
  ];
  for (const s of cases) {
    await t.step(JSON.stringify(s), () => {
      const model = buildCnn({ ...s, seed: 1 });
      const measured = measureModel(model);
      const formula = cnnLayerFormulas(s);
      assert.equal(measured.length, formula.length);
      for (let i = 0; i < formula.length; i++) {
        const { name: _a, ...m } = measured[i];
        const { name: _b, ...f } = formula[i];
        assert.deepEqual(m, f, `layer ${i} (${measured[i].name})`);
      }
      assert.deepEqual(totals(measured), cnnFormulas(s));
      assert.equal(model.countParams(), cnnFormulas(s).weightsAll);
      model.dispose();
    });
  }
});
