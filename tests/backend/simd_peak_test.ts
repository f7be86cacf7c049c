/** bench/simd_peak.ts compiles its loops and reports positive throughputs. */
import assert from "node:assert/strict";
import { measurePeak } from "../../bench/simd_peak.ts";

Deno.test("simd_peak measures fused and plain SIMD loops", async () => {
  const p = await measurePeak(2, 0.02);
  assert.equal(p.threads, 2);
  for (
    const v of [
      p.fusedGflopsOneThread,
      p.fusedGflopsAllThreads,
      p.plainGflopsOneThread,
      p.plainGflopsAllThreads,
    ]
  ) {
    assert.ok(Number.isFinite(v) && v > 0, JSON.stringify(p));
  }
});
