import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { pixelCrossEntropy, pixelLossAndHits } from "../../lib/train/loss.ts";

await initTf();

// Two pixels, three colours. Pixel 1: logits [0, 0, 0], label 1 -> loss ln 3 = 1.0986123,
// softmax [1/3, 1/3, 1/3]. Pixel 2: logits [0, ln 2, 0], label 1 -> softmax [1/4, 1/2, 1/4],
// loss -ln(1/2) = 0.6931472. Mean 0.8958797; only pixel 2's arg-max (1) is its label.
const LOGITS = [0, 0, 0, 0, Math.LN2, 0];
const LABELS = [1, 1];

Deno.test("pixel cross-entropy", async (t) => {
  await t.step(
    "mean loss and its gradient (softmax - one-hot) / pixels",
    () => {
      const logits = tf.tensor4d(LOGITS, [1, 1, 2, 3]);
      const labels = tf.tensor3d(LABELS, [1, 1, 2], "int32");
      const loss = pixelCrossEntropy(logits, labels);
      assert.ok(Math.abs(loss.dataSync()[0] - 0.8958797) < 1e-6);
      const g = tf.grad((x) => pixelCrossEntropy(x, labels))(logits);
      const expected = [1 / 3, 1 / 3 - 1, 1 / 3, 1 / 4, 1 / 2 - 1, 1 / 4].map((
        v,
      ) => v / 2);
      const got = g.dataSync();
      expected.forEach((e, i) =>
        assert.ok(Math.abs(got[i] - e) < 1e-6, `${got[i]} vs ${e}`)
      );
      assert.deepEqual(g.shape, [1, 1, 2, 3]);
      tf.dispose([logits, labels, loss, g]);
    },
  );

  await t.step("sum and hits for averaging over a whole set", () => {
    const logits = tf.tensor4d(LOGITS, [1, 1, 2, 3]);
    const labels = tf.tensor3d(LABELS, [1, 1, 2], "int32");
    const { lossSum, hits } = pixelLossAndHits(logits, labels);
    assert.ok(Math.abs(lossSum.dataSync()[0] - 2 * 0.8958797) < 1e-6);
    assert.equal(hits.dataSync()[0], 1);
    tf.dispose([logits, labels, lossSum, hits]);
  });
});
