/**
 * Part C's caches carry the code version: the pre-trained body's folder ends
 * with it, and a second call reads that folder back instead of retraining.
 */
import assert from "node:assert/strict";
import { fineTuneCodeVersion } from "../../lib/finetune/code_version.ts";
import { loadOrPretrain } from "../../lib/finetune/pretrain.ts";
import { initTf } from "../../lib/backend.ts";

Deno.test("fineTuneCodeVersion() names the pre-trained body's cache folder", async () => {
  await initTf({ backend: "cpu" });
  const version = await fineTuneCodeVersion();
  assert.match(version, /^[0-9a-f]{12}$/);
  assert.equal(await fineTuneCodeVersion(), version);
  const cacheDir = await Deno.makeTempDir();
  try {
    const opts = {
      data: "synthetic",
      cacheDir,
      config: {
        numBlocks: 1,
        numFilters: 4,
        dilations: [2],
        numEpochs: 1,
        batchSize: 8,
        limitTrain: 16,
      },
    };
    const first = await loadOrPretrain(opts);
    assert.ok(first.dir.endsWith(`_code${version}`), first.dir);
    assert.equal(first.cached, false);
    first.model.dispose();
    const second = await loadOrPretrain(opts);
    assert.equal(second.dir, first.dir);
    assert.equal(second.cached, true);
    second.model.dispose();
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
