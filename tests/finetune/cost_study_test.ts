import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import {
  type CostPoint,
  measureStepCost,
} from "../../lib/finetune/cost_study.ts";
import {
  fitCostSlopes,
  fitLine,
  sizeRatios,
} from "../../lib/finetune/cost_fit.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...opts,
  name: "measureStepCost(): memory of modes a, b and c against n",
  fn: async (t) => {
    await initTf();
    const small = { batchSize: 2, numFilters: 4, timedSteps: 1 };
    const before = tf.memory().numTensors;
    const points: CostPoint[] = [];
    for (const n of [1, 2, 3]) {
      for (const mode of ["a", "b", "c"] as const) {
        points.push(await measureStepCost(n, 12, mode, small));
      }
    }
    const at = (n: number, mode: string) =>
      points.find((p) => p.n === n && p.mode === mode)!;

    await t.step("no tensor left behind", () => {
      assert.equal(tf.memory().numTensors, before);
    });
    await t.step(
      "mode (c): the peak beyond the parameters does not grow with n",
      () => {
        const beyond = [1, 2, 3].map((n) =>
          at(n, "c").peakBytes - at(n, "c").paramBytes
        );
        assert.equal(beyond[1], beyond[0]);
        assert.equal(beyond[2], beyond[0]);
        assert.equal(at(3, "c").workBytes, at(1, "c").workBytes);
      },
    );
    await t.step("mode (a): it grows with every block", () => {
      const beyond = [1, 2, 3].map((n) =>
        at(n, "a").peakBytes - at(n, "a").paramBytes
      );
      assert.ok(beyond[1] > beyond[0] && beyond[2] > beyond[1], `${beyond}`);
      // At least one [2, 12, 12, 4] float32 activation more per block.
      assert.ok(beyond[2] - beyond[1] >= 2 * 12 * 12 * 4 * 4);
    });
    await t.step("mode (b): the tape keeps the forward activations", () => {
      assert.ok(at(3, "b").workBytes > at(1, "b").workBytes);
      assert.ok(at(3, "b").workBytes < at(3, "a").workBytes);
    });
    await t.step("parameter, gradient and Adam bytes by hand", () => {
      for (const n of [1, 2, 3]) {
        // stem 9*4 + BN 4*4 (gamma, beta, mean, variance); blocks 9*16 + 16; head 4*2 + 2.
        const params = 36 + 16 + n * (144 + 16) + 10;
        const trainable = params - 8 * (n + 1); // BN running statistics are not trained
        assert.equal(at(n, "a").paramBytes, 4 * params);
        assert.equal(at(n, "a").gradBytes, 4 * trainable);
        assert.equal(at(n, "a").optimizerBytes, 2 * 4 * trainable);
        for (const mode of ["b", "c"]) {
          assert.equal(at(n, mode).gradBytes, 4 * 10);
          assert.equal(at(n, mode).optimizerBytes, 2 * 4 * 10);
        }
      }
    });
    await t.step("fits: mode (c) slope 0, mode (a) positive", () => {
      const slopes = fitCostSlopes(points);
      const c = slopes.find((s) => s.mode === "c")!;
      const a = slopes.find((s) => s.mode === "a")!;
      assert.equal(c.workBytesPerBlock.slope, 0);
      assert.ok(a.workBytesPerBlock.slope > 0);
      assert.equal(slopes.length, 3);
    });
  },
});

Deno.test({
  ...opts,
  name: "measureStepCost(): working memory grows about 4x when S doubles",
  fn: async () => {
    await initTf();
    const small = { batchSize: 2, numFilters: 4, timedSteps: 1 };
    const points: CostPoint[] = [];
    for (const size of [8, 16]) {
      points.push(await measureStepCost(2, size, "a", small));
    }
    const [r] = sizeRatios(points);
    assert.equal(r.paramBytes, 1);
    assert.ok(r.workBytes > 3.5 && r.workBytes <= 4.01, `ratio ${r.workBytes}`);
  },
});

Deno.test("fitLine() recovers a line and its R^2", () => {
  const f = fitLine([1, 2, 3, 4], [3, 5, 7, 9]);
  assert.ok(Math.abs(f.slope - 2) < 1e-12 && Math.abs(f.intercept - 1) < 1e-12);
  assert.ok(Math.abs(f.r2 - 1) < 1e-12);
  const g = fitLine([0, 1, 2], [1, 0, 1]);
  assert.equal(g.slope, 0);
  assert.equal(g.r2, 0);
});
