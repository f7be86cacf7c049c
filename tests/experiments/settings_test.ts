import assert from "node:assert/strict";
import {
  describeSettings,
  experimentSettings,
  settingsContext,
} from "../../lib/experiments/settings.ts";
import type { BackendInfo } from "../../lib/backend.ts";
import type { CategoryData } from "../../lib/data/types.ts";

const VARS = [
  "COLOURLAB_QUICK",
  "COLOURLAB_DATA",
  "COLOURLAB_SEEDS",
  "COLOURLAB_BATCH_SIZES",
];

function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = VARS.map((v) => [v, Deno.env.get(v)] as const);
  VARS.forEach((v) => Deno.env.delete(v));
  Object.entries(vars).forEach(([k, v]) => Deno.env.set(k, v));
  try {
    return fn();
  } finally {
    for (const [k, v] of saved) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
  }
}

const backend: BackendInfo = {
  name: "cpu",
  reason: "test",
  threads: 1,
  adapter: "none",
  ownKernels: [],
  fallbacks: [],
};

function data(synthetic: boolean): CategoryData {
  const set = {
    images: new Float32Array(0),
    labels: new Uint8Array(0),
    count: 5,
    height: 32,
    width: 32,
  };
  return {
    train: set,
    val: { ...set, count: 2 },
    category: 7,
    categoryName: "horse",
    source: {
      kind: synthetic ? "synthetic" : "archive",
      path: synthetic ? undefined : "/x/horses.tar.gz",
      sha256:
        "549f887a0ed2a97fd4785af0b1fef45dc5f3d7e9b650b52a2d89b001ebf2f5ba",
      synthetic,
      description: "test set",
    },
  };
}

Deno.test("experiment settings", async (t) => {
  await t.step(
    "full mode: the handout's epochs, all images, >= 5 batch sizes",
    () => {
      const s = withEnv({}, experimentSettings);
      assert.equal(s.quick, false);
      assert.equal(s.numEpochs, 25);
      assert.equal(s.limitTrain, undefined);
      assert.ok(s.batchSizes.length >= 5);
      assert.equal(s.data, undefined);
    },
  );

  await t.step("quick mode stays within 1,000 images and 3 epochs", () => {
    const s = withEnv(
      { COLOURLAB_QUICK: "1", COLOURLAB_DATA: "synthetic" },
      experimentSettings,
    );
    assert.equal(s.quick, true);
    assert.ok(s.limitTrain! <= 1000 && s.numEpochs <= 3);
    assert.equal(s.data, "synthetic");
  });

  await t.step("seed and batch-size overrides", () => {
    const s = withEnv(
      { COLOURLAB_SEEDS: "3,4,5", COLOURLAB_BATCH_SIZES: "8,16" },
      experimentSettings,
    );
    assert.deepEqual(s.seeds, [3]);
    assert.deepEqual(s.spreadSeeds, [4, 5]);
    assert.deepEqual(withEnv({}, experimentSettings).spreadSeeds, []);
    assert.deepEqual(s.batchSizes, [8, 16]);
    assert.throws(
      () => withEnv({ COLOURLAB_SEEDS: "1,x" }, experimentSettings),
      /COLOURLAB_SEEDS/,
    );
  });

  await t.step(
    "the settings line names backend, data hash, seed and mode",
    () => {
      const quick = withEnv({ COLOURLAB_QUICK: "1" }, experimentSettings);
      const line = describeSettings(quick, backend, data(false));
      assert.match(line, /cpu/);
      assert.match(line, /549f887a0ed2(?!a)/);
      assert.match(line, /seed 0/);
      assert.match(line, /QUICK/);
      assert.match(describeSettings(quick, backend, data(true)), /SYNTHETIC/);
      const ctx = settingsContext(quick, backend, data(false));
      assert.equal(ctx["training images per run"], 5);
      assert.equal(ctx.mode, "quick");
    },
  );
});
