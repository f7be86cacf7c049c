import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { buildCnn } from "../../lib/models/cnn.ts";

await initTf();

/** Total and trainable parameter counts, worked out by hand (see each case). */
const CASES = [
  {
    opts: { numFilters: 32, numColours: 24, kernelSize: 3 },
    // conv1 3*3*1*32+32 = 320; conv2 3*3*32*64+64 = 18,496; conv3 3*3*64*64+64 = 36,928;
    // conv4 3*3*64*32+32 = 18,464; conv5 3*3*32*24+24 = 6,936; conv6 3*3*24*24+24 = 5,208
    // convs = 86,352. BatchNorm: 4 numbers per channel (gamma, beta, running mean, var)
    // over 32+64+64+32+24 = 216 channels = 864, half of them trained (432).
    total: 86_352 + 864,
    trainable: 86_352 + 432,
  },
  {
    opts: { numFilters: 8, numColours: 10, kernelSize: 5 },
    // conv1 25*1*8+8 = 208; conv2 25*8*16+16 = 3,216; conv3 25*16*16+16 = 6,416;
    // conv4 25*16*8+8 = 3,208; conv5 25*8*10+10 = 2,010; conv6 25*10*10+10 = 2,510
    // convs = 17,568; BN channels 8+16+16+8+10 = 58 -> 232 (116 trained).
    total: 17_568 + 232,
    trainable: 17_568 + 116,
  },
  {
    opts: { numFilters: 16, numColours: 24, kernelSize: 3 },
    // conv1 9*16+16 = 160; conv2 9*16*32+32 = 4,640; conv3 9*32*32+32 = 9,248;
    // conv4 9*32*16+16 = 4,624; conv5 9*16*24+24 = 3,480; conv6 9*24*24+24 = 5,208
    // convs = 27,360; BN channels 16+32+32+16+24 = 120 -> 480 (240 trained).
    total: 27_360 + 480,
    trainable: 27_360 + 240,
  },
];

Deno.test("buildCnn", async (t) => {
  for (const c of CASES) {
    await t.step(
      `parameter counts NF ${c.opts.numFilters} NC ${c.opts.numColours} K ${c.opts.kernelSize}`,
      () => {
        const model = buildCnn(c.opts);
        assert.equal(model.countParams(), c.total);
        const trainable = model.trainableWeights.reduce(
          (s, w) => s + w.read().size,
          0,
        );
        assert.equal(trainable, c.trainable);
        model.dispose();
      },
    );
  }

  await t.step("layer order is the handout's", () => {
    const model = buildCnn({ numFilters: 4, numColours: 6 });
    const names = model.layers.map((l) => l.name);
    assert.deepEqual(names, [
      "grey",
      ...["conv1", "pool1", "bn1", "relu1"],
      ...["conv2", "pool2", "bn2", "relu2"],
      ...["conv3", "bn3", "relu3"],
      ...["conv4", "upsample4", "bn4", "relu4"],
      ...["conv5", "upsample5", "bn5", "relu5"],
      "conv6",
    ]);
    const filters = model.layers.filter((l) => l.name.startsWith("conv"))
      .map((l) => l.outputShape as number[]).map((s) => s[3]);
    assert.deepEqual(filters, [4, 8, 8, 4, 6, 6]);
    model.dispose();
  });

  await t.step("logits are [B, H, W, NC] for 32x32 and 64x32 inputs", () => {
    for (const [h, w] of [[32, 32], [64, 32]]) {
      const model = buildCnn({
        numFilters: 4,
        numColours: 7,
        height: h,
        width: w,
      });
      const y = tf.tidy(() =>
        model.apply(tf.zeros([2, h, w, 1]), { training: false }) as tf.Tensor
      );
      assert.deepEqual(y.shape, [2, h, w, 7]);
      y.dispose();
      model.dispose();
    }
  });

  await t.step(
    "the same seed gives the same weights, another seed others",
    () => {
      const a = buildCnn({ numFilters: 4, numColours: 6, seed: 3 });
      const b = buildCnn({ numFilters: 4, numColours: 6, seed: 3 });
      const c = buildCnn({ numFilters: 4, numColours: 6, seed: 4 });
      const wa = a.getLayer("conv2").getWeights()[0].dataSync();
      assert.deepEqual(wa, b.getLayer("conv2").getWeights()[0].dataSync());
      assert.notDeepEqual(wa, c.getLayer("conv2").getWeights()[0].dataSync());
      [a, b, c].forEach((m) => m.dispose());
    },
  );

  await t.step(
    "conv weights and biases are uniform within PyTorch's +-1/sqrt(fanIn)",
    () => {
      const model = buildCnn({ numFilters: 32, numColours: 24 });
      // conv2: fanIn = 32 * 3 * 3 = 288, bound 1/sqrt(288) = 0.0589
      const [kernel, bias] = model.getLayer("conv2").getWeights().map((w) =>
        w.dataSync()
      );
      const bound = 1 / Math.sqrt(288);
      const max = Math.max(...kernel.map(Math.abs));
      assert.ok(
        max <= bound && max > 0.95 * bound,
        `max |w| ${max} vs bound ${bound}`,
      );
      assert.ok(Math.max(...bias.map(Math.abs)) <= bound);
      assert.ok(bias.some((b) => b !== 0));
      model.dispose();
    },
  );

  await t.step("rejects sizes that two poolings cannot halve", () => {
    assert.throws(() => buildCnn({ height: 30 }), /multiples of 4/);
    assert.throws(() => buildCnn({ numFilters: 0 }), /positive integer/);
  });
});
