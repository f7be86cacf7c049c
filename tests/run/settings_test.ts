import assert from "node:assert/strict";
import {
  describeSettings,
  experimentSettings,
  settingsContext,
} from "../../lib/run/settings.ts";
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
  await t.step("from the environment: quick mode and the data", () => {
    const full = withEnv({
      COLOURLAB_QUICK: "",
      COLOURLAB_DATA: "",
    }, experimentSettings);
    assert.deepEqual(full, { quick: false, data: undefined, seed: 0 });
    const quick = withEnv(
      { COLOURLAB_QUICK: "1", COLOURLAB_DATA: "synthetic" },
      experimentSettings,
    );
    assert.deepEqual(quick, { quick: true, data: "synthetic", seed: 0 });
  });

  await t.step(
    "the settings line names backend, data hash and mode",
    () => {
      const quick = withEnv({ COLOURLAB_QUICK: "1" }, experimentSettings);
      const line = describeSettings(quick, backend, data(false));
      assert.match(line, /cpu/);
      assert.match(line, /549f887a0ed2(?!a)/);
      assert.match(line, /QUICK/);
      assert.match(describeSettings(quick, backend, data(true)), /SYNTHETIC/);
      const ctx = settingsContext(quick, backend, data(false));
      assert.equal(ctx["training images"], 5);
      assert.equal(ctx.mode, "quick");
    },
  );
});
