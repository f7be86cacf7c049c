import assert from "node:assert/strict";
import {
  type Checkpoint,
  readCheckpoint,
  writeCheckpoint,
} from "../../lib/train/checkpoint.ts";

const SAMPLE: Checkpoint = {
  epoch: 2,
  history: [
    {
      epoch: 1,
      trainLoss: 2,
      valLoss: 2.5,
      valAccuracy: 0.25,
      seconds: 1,
      imagesPerSecond: 10,
    },
    {
      epoch: 2,
      trainLoss: 1.5,
      valLoss: 2,
      valAccuracy: 0.5,
      seconds: 1,
      imagesPerSecond: 11,
    },
  ],
  config: { model: "unet", numFilters: 4 },
  weights: [
    {
      name: "conv1/kernel",
      shape: [1, 1, 1, 3],
      data: new Float32Array([1, -2, 3.5]),
    },
    {
      name: "conv1/bias",
      shape: [3],
      data: new Float32Array([0.1, 0.2, Math.PI]),
    },
  ],
  optimizer: {
    step: 7,
    m: [new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6])],
    v: [new Float32Array([7, 8, 9]), new Float32Array([1e-9, 0, -0])],
  },
};

Deno.test("checkpoint files", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab_ckpt_" });
  const path = `${dir}/checkpoint.bin`;
  try {
    await t.step("round trip keeps every value bit for bit", async () => {
      await writeCheckpoint(path, SAMPLE);
      assert.deepEqual(await readCheckpoint(path), SAMPLE);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
        "checkpoint.bin",
      ]);
    });

    await t.step("overwriting replaces the file whole", async () => {
      const next = { ...SAMPLE, epoch: 3 };
      await writeCheckpoint(path, next);
      assert.equal((await readCheckpoint(path)).epoch, 3);
    });

    await t.step(
      "a truncated file or another file is refused, naming it",
      async () => {
        const bytes = await Deno.readFile(path);
        await Deno.writeFile(
          `${dir}/cut.bin`,
          bytes.subarray(0, bytes.length - 4),
        );
        await assert.rejects(
          readCheckpoint(`${dir}/cut.bin`),
          /cut\.bin is not a colourlab checkpoint: truncated/,
        );
        await Deno.writeTextFile(`${dir}/other.bin`, "hello");
        await assert.rejects(
          readCheckpoint(`${dir}/other.bin`),
          /other\.bin is not a colourlab checkpoint/,
        );
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
