import assert from "node:assert/strict";
import { denoTask, type TaskResult } from "./deno_task.ts";
import { PROJECT_ROOT, trainerCommand } from "../../lib/cli/launch.ts";
import { CHECKPOINT_FILE, readCheckpoint } from "../../lib/train/checkpoint.ts";
import type { EpochRecord } from "../../lib/train/types.ts";

// Tiny settings on the built-in synthetic set: 3 epochs of 15 batches.
const ARGS = [
  ...[
    "--model",
    "unet",
    "--epochs",
    "3",
    "--batch-size",
    "10",
    "--lr",
    "0.01",
    "--nf",
    "4",
  ],
  ...[
    "--data",
    "synthetic",
    "--limit-train",
    "300",
    "--limit-val",
    "40",
    "--seed",
    "3",
  ],
];

/** `deno task train ...` exactly as a user runs it. */
function denoTaskTrain(args: string[]): Promise<TaskResult> {
  return denoTask("train", args);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

function results(history: EpochRecord[]) {
  return history.map(({ epoch, trainLoss, valLoss, valAccuracy }) => ({
    epoch,
    trainLoss,
    valLoss,
    valAccuracy,
  }));
}

Deno.test("deno task train", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "colourlab_cli_" });
  try {
    let reference: EpochRecord[] = [];

    await t.step(
      "an uninterrupted run writes history, run info, samples and a checkpoint",
      async () => {
        const out = `${tmp}/whole`;
        const r = await denoTaskTrain([...ARGS, "--out", out]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /SYNTHETIC/);
        reference = JSON.parse(await Deno.readTextFile(`${out}/history.json`));
        assert.equal(reference.length, 3);
        for (const record of reference) {
          assert.deepEqual(
            Object.keys(record).sort(),
            [
              "epoch",
              "imagesPerSecond",
              "seconds",
              "trainLoss",
              "valAccuracy",
              "valLoss",
            ],
          );
        }
        const run = JSON.parse(await Deno.readTextFile(`${out}/run.json`));
        assert.equal(run.data.kind, "synthetic");
        assert.match(run.data.sha256, /^[0-9a-f]{64}$/);
        assert.equal(run.config.seed, 3);
        assert.equal(run.config.model, "unet");
        assert.equal(run.versions.tfjs, "4.22.0");
        assert.equal(run.versions.deno, Deno.version.deno);
        assert.ok(["wasm", "cpu", "webgpu"].includes(run.backend.name));
        if (run.backend.name === "wasm" && navigator.hardwareConcurrency > 1) {
          // The default threads, so that the resume below checks that helper
          // threads do not change results.
          assert.ok(run.backend.threads > 1, "wasm ran on one thread");
        }
        assert.ok(run.wallSeconds > 0);
        assert.match(run.palette.description, /k-means/);
        const png = await Deno.readFile(`${out}/samples.png`);
        assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]); // "PNG"
        const view = new DataView(png.buffer, png.byteOffset);
        // 4 columns and 10 rows of 32x32 images upscaled x4, 2-pixel gutters
        assert.equal(view.getUint32(16), 4 * 128 + 5 * 2);
        assert.equal(view.getUint32(20), 10 * 128 + 11 * 2);
        assert.equal(
          (await readCheckpoint(`${out}/${CHECKPOINT_FILE}`)).epoch,
          3,
        );
      },
    );

    await t.step(
      "a run killed mid-epoch and resumed gives the same losses and accuracies",
      async () => {
        const out = `${tmp}/killed`;
        const command = await trainerCommand([...ARGS, "--out", out]);
        const child = new Deno.Command(Deno.execPath(), {
          args: command,
          cwd: PROJECT_ROOT,
          stdout: "null",
          stderr: "null",
        }).spawn();
        const ckpt = `${out}/${CHECKPOINT_FILE}`;
        const deadline = Date.now() + 60_000;
        while (!(await exists(ckpt)) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, 150)); // into epoch 2
        child.kill("SIGKILL");
        const status = await child.status;
        assert.equal(
          status.signal,
          "SIGKILL",
          "the trainer finished before it could be killed",
        );
        const saved = await readCheckpoint(ckpt);
        assert.ok(
          saved.epoch >= 1 && saved.epoch < 3,
          `checkpoint after epoch ${saved.epoch}`,
        );
        assert.ok(!(await exists(`${out}/run.json`)));

        const r = await denoTaskTrain([...ARGS, "--out", out, "--resume"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          new RegExp(`resuming after epoch ${saved.epoch}`),
        );
        const resumed: EpochRecord[] = JSON.parse(
          await Deno.readTextFile(`${out}/history.json`),
        );
        assert.deepEqual(results(resumed), results(reference));
        const run = JSON.parse(await Deno.readTextFile(`${out}/run.json`));
        assert.equal(run.resumedFromEpoch, saved.epoch);
      },
    );

    await t.step(
      "an existing checkpoint is not overwritten without --resume",
      async () => {
        const r = await denoTaskTrain([...ARGS, "--out", `${tmp}/whole`]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /already holds a checkpoint: pass --resume/);
      },
    );

    await t.step("a bad flag prints the problem and the usage", async () => {
      const r = await denoTaskTrain([
        ...ARGS,
        "--out",
        `${tmp}/bad`,
        "--epochs",
        "two",
      ]);
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /--epochs must be a positive whole number, got "two"/,
      );
      assert.match(r.stderr, /Usage: deno task train/);
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
