import assert from "node:assert/strict";
import {
  averageCurve,
  seedGroup,
  separation,
  spread,
} from "../../lib/analysis/seeds.ts";
import { history } from "./study_runs.ts";

Deno.test("spread, average curves and seed groups", () => {
  assert.deepEqual(spread([1, 3]), { mean: 2, min: 1, max: 3, n: 2 });
  assert.equal(spread([]).n, 0);
  assert.deepEqual(averageCurve([[1, 2, 3], [3, 4]]), [2, 3]);
  const g = seedGroup("UNet", [
    { seed: 0, history: history(2, 1.4, { epochs: 3, seconds: 2 }) },
    { seed: 1, history: history(2, 1.6, { epochs: 3, seconds: 4 }) },
    { seed: 2, history: [] }, // an empty history is left out
  ]);
  assert.deepEqual(g.seeds, [0, 1]);
  assert.equal(g.final.valLoss.min, 1.4);
  assert.equal(g.final.valLoss.max, 1.6);
  assert.ok(Math.abs(g.final.valLoss.mean - 1.5) < 1e-12);
  assert.deepEqual(g.valCurve.map((p) => p.epoch), [1, 2, 3]);
  assert.deepEqual([g.valCurve[2].min, g.valCurve[2].max], [1.4, 1.6]);
  assert.ok(Math.abs(g.trainCurve[0].mean - 1.95) < 1e-12);
  assert.deepEqual(g.secondsPerEpoch, { mean: 3, min: 2, max: 4, n: 2 });
});

Deno.test("separation: apart, overlapping, or not measured", () => {
  const a = spread([1.30, 1.31, 1.35]);
  assert.equal(separation(a, spread([1.36, 1.40])), "apart");
  assert.equal(separation(a, spread([1.34, 1.40])), "overlap");
  // one run against several: compared with their range
  assert.equal(separation(a, spread([1.5])), "apart");
  assert.equal(separation(spread([1.32]), a), "overlap");
  // one run each: no spread measured
  assert.equal(separation(spread([1.3]), spread([1.5])), "unknown");
  assert.equal(separation(spread([]), a), "unknown");
});
