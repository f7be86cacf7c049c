import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { buildUNet } from "../../lib/models/unet.ts";

await initTf();

const CASES = [
  {
    opts: { numFilters: 32, numColours: 24, kernelSize: 3 },
    // conv1 9*1*32+32 = 320; conv2 9*32*64+64 = 18,496; conv3 9*64*64+64 = 36,928;
    // conv4 sees cat(out3, out2) = 128 channels: 9*128*32+32 = 36,896;
    // conv5 sees cat(out4, out1) = 64: 9*64*24+24 = 13,848;
    // conv6 sees cat(out5, grey) = 25: 9*25*24+24 = 5,424 -> convs 111,912;
    // BN as in the CNN: 864 (432 trained).
    total: 111_912 + 864,
    trainable: 111_912 + 432,
  },
  {
    opts: { numFilters: 8, numColours: 10, kernelSize: 5 },
    // conv1 25*1*8+8 = 208; conv2 25*8*16+16 = 3,216; conv3 25*16*16+16 = 6,416;
    // conv4 25*32*8+8 = 6,408; conv5 25*16*10+10 = 4,010; conv6 25*11*10+10 = 2,760
    // convs 23,018; BN 4*(8+16+16+8+10) = 232 (116 trained).
    total: 23_018 + 232,
    trainable: 23_018 + 116,
  },
  {
    opts: { numFilters: 16, numColours: 24, kernelSize: 3 },
    // conv1 160; conv2 9*16*32+32 = 4,640; conv3 9*32*32+32 = 9,248;
    // conv4 9*64*16+16 = 9,232; conv5 9*32*24+24 = 6,936; conv6 9*25*24+24 = 5,424
    // convs 35,640; BN 4*(16+32+32+16+24) = 480 (240 trained).
    total: 35_640 + 480,
    trainable: 35_640 + 240,
  },
];

Deno.test("buildUNet", async (t) => {
  for (const c of CASES) {
    await t.step(
      `parameter counts NF ${c.opts.numFilters} NC ${c.opts.numColours} K ${c.opts.kernelSize}`,
      () => {
        const model = buildUNet(c.opts);
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

  await t.step("the three concatenations and their shapes", () => {
    const model = buildUNet({ numFilters: 4, numColours: 6 });
    const inputsOf = (name: string) =>
      model.getLayer(name).inboundNodes[0].inboundLayers.map((l) => l.name);
    // layer 4 takes cat(out3, out2), layer 5 cat(out4, out1), the last conv cat(out5, grey)
    assert.deepEqual(inputsOf("cat4"), ["relu3", "relu2"]);
    assert.deepEqual(inputsOf("cat5"), ["relu4", "relu1"]);
    assert.deepEqual(inputsOf("cat6"), ["relu5", "grey"]);
    assert.deepEqual(inputsOf("conv4"), ["cat4"]);
    assert.deepEqual(inputsOf("conv5"), ["cat5"]);
    assert.deepEqual(inputsOf("conv6"), ["cat6"]);
    // 2NF + 2NF at 8x8; NF + NF at 16x16; NC + 1 at 32x32
    assert.deepEqual(model.getLayer("cat4").outputShape, [null, 8, 8, 16]);
    assert.deepEqual(model.getLayer("cat5").outputShape, [null, 16, 16, 8]);
    assert.deepEqual(model.getLayer("cat6").outputShape, [null, 32, 32, 7]);
    model.dispose();
  });

  await t.step(
    "the concatenated values are out3 then out2 on the channel axis",
    () => {
      const model = buildUNet({ numFilters: 2, numColours: 3 });
      const probe = tf.model({
        inputs: model.inputs,
        outputs: ["relu3", "relu2", "cat4"].map((n) =>
          model.getLayer(n).output as tf.SymbolicTensor
        ),
      });
      const x = tf.randomUniform([2, 32, 32, 1], 0, 1, "float32", 1);
      const [o3, o2, cat] = probe.predict(x) as tf.Tensor[];
      const expected = tf.concat([o3, o2], 3);
      assert.deepEqual(cat.dataSync(), expected.dataSync());
      tf.dispose([x, o3, o2, cat, expected]);
      model.dispose();
    },
  );

  await t.step("logits are [B, H, W, NC]", () => {
    const model = buildUNet({
      numFilters: 4,
      numColours: 5,
      height: 16,
      width: 24,
    });
    const y = tf.tidy(() =>
      model.apply(tf.zeros([3, 16, 24, 1]), { training: true }) as tf.Tensor
    );
    assert.deepEqual(y.shape, [3, 16, 24, 5]);
    y.dispose();
    model.dispose();
  });

  await t.step(
    "skipInput: false drops only the grey input from the last conv",
    () => {
      const model = buildUNet({
        numFilters: 8,
        numColours: 10,
        kernelSize: 5,
        skipInput: false,
      });
      // as case 2 with conv6 = 25*10*10+10 = 2,510 instead of 2,760: 23,250 - 250
      assert.equal(model.countParams(), 23_000);
      assert.throws(() => model.getLayer("cat6"));
      assert.deepEqual(
        model.getLayer("conv6").inboundNodes[0].inboundLayers.map((l) =>
          l.name
        ),
        ["relu5"],
      );
      model.dispose();
    },
  );
});
