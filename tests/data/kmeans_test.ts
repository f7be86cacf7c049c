import assert from "node:assert/strict";
import { weightedKMeans } from "../../lib/data/kmeans.ts";
import { seededRng } from "../../lib/random.ts";

/** Grey points (v, v, v): short to write, enough for hand-computed cases. */
const greys = (values: number[]) =>
  Float64Array.from(values.flatMap((v) => [v, v, v]));

/** Plain Lloyd from given centres: the reference the bounded version must match. */
function plainLloyd(
  points: Float64Array,
  init: Float64Array,
  iterations: number,
): Float64Array {
  const k = init.length / 3;
  const c = init.slice();
  for (let it = 0; it < iterations; it++) {
    const sums = new Float64Array(k * 3);
    const mass = new Float64Array(k);
    for (let i = 0; i < points.length / 3; i++) {
      const d = Array.from(
        { length: k },
        (_, j) =>
          Math.hypot(
            ...[0, 1, 2].map((ch) => points[i * 3 + ch] - c[j * 3 + ch]),
          ),
      );
      const j = d.indexOf(Math.min(...d));
      mass[j]++;
      for (let ch = 0; ch < 3; ch++) sums[j * 3 + ch] += points[i * 3 + ch];
    }
    for (let j = 0; j < k; j++) {
      if (mass[j] > 0) {
        for (let ch = 0; ch < 3; ch++) {
          c[j * 3 + ch] = sums[j * 3 + ch] / mass[j];
        }
      }
    }
  }
  return c;
}

Deno.test("weightedKMeans() is Lloyd's algorithm, with weights", async (t) => {
  await t.step(
    "the bounded iterations match plain Lloyd from the same start",
    () => {
      for (const seed of [3, 4, 5]) {
        const rng = seededRng(seed);
        const points = Float64Array.from({ length: 3000 }, () => rng());
        const init = points.slice(0, 8 * 3);
        const ours = weightedKMeans(points, new Float64Array(1000).fill(1), 8, {
          seed: 0,
          initial: init,
        });
        assert.ok(ours.converged);
        const ref = plainLloyd(points, init, ours.iterations + 5);
        ours.centres.forEach((v, i) =>
          assert.ok(
            Math.abs(v - ref[i]) < 1e-12,
            `seed ${seed}, ${i}: ${v} vs ${ref[i]}`,
          )
        );
      }
    },
  );
  await t.step("a weight counts as that many copies", () => {
    const init = greys([0, 1]);
    const weighted = weightedKMeans(
      greys([0, 1, 0.6, 0.1]),
      Float64Array.from([3, 1, 2, 1]),
      2,
      { seed: 0, initial: init },
    );
    const copies = weightedKMeans(
      greys([0, 0, 0, 1, 0.6, 0.6, 0.1]),
      new Float64Array(7).fill(1),
      2,
      { seed: 0, initial: init },
    );
    assert.deepEqual(weighted.centres, copies.centres);
    // by hand: {0 x3, 0.1} and {1, 0.6 x2}
    assert.ok(Math.abs(weighted.centres[0] - 0.1 / 4) < 1e-12);
    assert.ok(Math.abs(weighted.centres[3] - 2.2 / 3) < 1e-12);
  });
  await t.step("an emptied cluster is re-seeded at the farthest point", () => {
    // The centre at 5 wins no point; it restarts at the point farthest from its own centre.
    const points = greys([0, 0.02, 0.04, 0.5, 0.52, 0.9]);
    const result = weightedKMeans(points, new Float64Array(6).fill(1), 3, {
      seed: 0,
      initial: greys([0, 0.5, 5]),
    });
    assert.ok(result.converged);
    const found = [0, 3, 6].map((i) => result.centres[i]).sort((a, b) => a - b);
    const expected = [0.02, 0.51, 0.9];
    found.forEach((v, i) =>
      assert.ok(Math.abs(v - expected[i]) < 1e-12, `${found} vs ${expected}`)
    );
  });
  await t.step("k-means++ is seeded: same seed, same centres", () => {
    const rng = seededRng(9);
    const points = Float64Array.from({ length: 600 }, () => rng());
    const w = new Float64Array(200).fill(1);
    assert.deepEqual(
      weightedKMeans(points, w, 5, { seed: 1 }).centres,
      weightedKMeans(points, w, 5, { seed: 1 }).centres,
    );
  });
  await t.step("maxIterations stops early and says so", () => {
    const rng = seededRng(2);
    const points = Float64Array.from({ length: 3000 }, () => rng());
    const result = weightedKMeans(points, new Float64Array(1000).fill(1), 8, {
      seed: 0,
      maxIterations: 2,
    });
    assert.equal(result.iterations, 2);
    assert.equal(result.converged, false);
  });
});
