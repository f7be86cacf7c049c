import assert from "node:assert/strict";
import { LAYERS, timeLayers } from "../../bench/kernels/conv_layers.ts";

Deno.test("conv_layers times both kernels on every layer shape", () => {
  for (const kind of ["forward", "filter-grad"] as const) {
    const rows = timeLayers(kind, 1, 2);
    assert.deepEqual(rows.map((r) => r.name), LAYERS.map((l) => l[0]));
    for (const r of rows) {
      assert.ok(r.ms >= 0 && Number.isFinite(r.ms), `${kind} ${r.name}`);
    }
  }
});
