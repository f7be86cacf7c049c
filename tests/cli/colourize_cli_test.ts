import assert from "node:assert/strict";
import sharp from "sharp";
import { initTf } from "../../lib/backend.ts";
import {
  colourizePermissions,
  parseColourizeArgs,
} from "../../lib/cli/colourize.ts";
import { denoTask, type TaskResult } from "./deno_task.ts";
import { PROJECT_ROOT } from "../../lib/cli/launch.ts";
import { permissionFlags } from "../../lib/cli/permissions.ts";
import { loadOrComputePalette } from "../../lib/data/palette.ts";
import { syntheticCategoryData } from "../../lib/data/synthetic.ts";
import type { ColourizationInput } from "../../lib/run/config.ts";
import { findHandoutRun } from "../../lib/run/find.ts";
import { loadRun } from "../../lib/run/load.ts";
import { trainOrLoad } from "../../lib/run/run.ts";

/** `deno task colourize ...` exactly as a user runs it. */
function denoTaskColourize(args: string[]): Promise<TaskResult> {
  return denoTask("colourize", args);
}

async function size(path: string): Promise<[number, number]> {
  const m = await sharp(await Deno.readFile(path)).metadata();
  return [m.width!, m.height!];
}

/** Photos of odd, non-square sizes in three formats. */
async function writePhotos(dir: string): Promise<string[]> {
  const width = 45, height = 31;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 251;
  const base = () => sharp(data, { raw: { width, height, channels: 3 } });
  const files = [`${dir}/a.png`, `${dir}/b.jpg`, `${dir}/c.webp`];
  await base().png().toFile(files[0]);
  await base().jpeg().toFile(files[1]);
  await base().resize(17, 60, { fit: "fill" }).webp().toFile(files[2]);
  return files;
}

const TINY: Omit<ColourizationInput, "model" | "seed"> = {
  learningRate: 0.01,
  batchSize: 10,
  numEpochs: 1,
  numFilters: 4,
};

Deno.test("deno task colourize", async (t) => {
  await initTf();
  const tmp = await Deno.makeTempDir({ prefix: "colourlab_colourize_" });
  try {
    const photos = await writePhotos(tmp);
    // A run cache in tmp/runs: tiny unet (seed 0), cnn, the handout's unet
    // (25 epochs, batch 100, lr 0.001, seed 0 on 30 images), then a tiny
    // unet (seed 1) that finished last: colourize must take the handout's.
    const data = syntheticCategoryData({ trainCount: 30, valCount: 10 });
    const palette = await loadOrComputePalette(data, {
      numColours: 6,
      seed: 0,
      cacheDir: tmp,
    });
    const runs = `${tmp}/runs`;
    const ids: string[] = [];
    const inputs: ColourizationInput[] = [
      { ...TINY, model: "unet", seed: 0 },
      { ...TINY, model: "cnn", seed: 0 },
      { model: "unet" },
      { ...TINY, model: "unet", seed: 1 },
    ];
    for (const input of inputs) {
      const run = await trainOrLoad(input, { colour: { data, palette } }, {
        cacheDir: tmp,
      });
      run.model.dispose();
      ids.push(run.runId);
    }

    await t.step(
      "a train --out folder: outputs at each photo's own size",
      async () => {
        const runDir = `${tmp}/train_cnn`;
        await Deno.writeTextFile(
          `${tmp}/pal.json`,
          JSON.stringify([[0.2, 0.3, 0.1], [0.6, 0.4, 0.2], [0.5, 0.6, 0.9], [
            0.9,
            0.9,
            0.8,
          ]]),
        );
        const train = await new Deno.Command(Deno.execPath(), {
          args: [
            "task",
            "--quiet",
            "train",
            "--model",
            "cnn",
            "--epochs",
            "1",
            "--batch-size",
            "10",
            "--lr",
            "0.01",
            "--nf",
            "4",
            "--data",
            "synthetic",
            "--palette",
            `${tmp}/pal.json`,
            "--limit-train",
            "20",
            "--limit-val",
            "10",
            "--out",
            runDir,
          ],
          cwd: PROJECT_ROOT,
          stdout: "null",
          stderr: "piped",
        }).output();
        assert.equal(train.code, 0, new TextDecoder().decode(train.stderr));
        const out = `${tmp}/out_train`;
        const r = await denoTaskColourize([
          ...photos,
          "--run",
          runDir,
          "--out",
          out,
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          /model: cnn_bs10_lr0\.01_e1_seed0_nf4_t20_v10_[0-9a-f]{8} \(cnn, batch 10, lr 0\.01, seed 0, 1 epochs; val accuracy \d+\.\d%/,
        );
        assert.match(r.stdout, /SYNTHETIC/);
        for (
          const [photo, stem] of [[photos[0], "a"], [photos[1], "b"], [
            photos[2],
            "c",
          ]]
        ) {
          assert.deepEqual(
            await size(`${out}/${stem}_colourized.png`),
            await size(photo),
          );
          // four panels, each fitted into 320 x 320
          const [pw, ph] = await size(photo);
          const [w, h] = await size(`${out}/${stem}_comparison.png`);
          const scale = 320 / Math.max(pw, ph);
          assert.ok(
            w >= 4 * Math.round(pw * scale) && h >= Math.round(ph * scale),
            `${stem}: ${w}x${h}`,
          );
        }
      },
    );

    await t.step(
      "without --run: the handout's run of the chosen model, said so",
      async () => {
        const out = `${tmp}/out_cache`;
        const r = await denoTaskColourize([
          photos[0],
          "--runs",
          runs,
          "--out",
          out,
          "--mode",
          "palette",
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          /using the handout's unet \(batch 100, lr 0\.001, 25 epochs/,
        );
        assert.match(
          r.stdout,
          new RegExp(
            `model: ${
              ids[2]
            } \\(unet, batch 100, lr 0\\.001, seed 0, 25 epochs; val accuracy`,
          ),
        );
        assert.match(r.stdout, /palette: 6 colours/);
        assert.deepEqual(await size(`${out}/a_colourized.png`), [45, 31]);
        assert.equal(
          (await findHandoutRun(runs, "unet"))?.dir,
          `${runs}/${ids[2]}`,
        );
        assert.equal(await findHandoutRun(runs, "cnn"), undefined);
      },
    );

    await t.step(
      "no handout run: says how to train it, and which runs there are",
      async () => {
        const r = await denoTaskColourize([
          photos[0],
          "--model",
          "cnn",
          "--runs",
          runs,
          "--out",
          `${tmp}/o`,
        ]);
        assert.equal(r.code, 1);
        assert.ok(
          r.stderr.includes("deno task train --model cnn --out runs/cnn"),
          r.stderr,
        );
        assert.ok(r.stderr.includes("--run runs/cnn"), r.stderr);
        assert.ok(r.stderr.includes(ids[1]), r.stderr);
      },
    );

    await t.step(
      "unreadable and missing images: named errors, the rest still done",
      async () => {
        const bad = `${tmp}/notes.png`;
        await Deno.writeTextFile(bad, "this is not a picture");
        const out = `${tmp}/out_bad`;
        const r = await denoTaskColourize([
          bad,
          `${tmp}/nowhere.jpg`,
          photos[1],
          "--run",
          `${runs}/${ids[0]}`,
          "--out",
          out,
        ]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /notes\.png: not a readable image/);
        assert.match(r.stderr, /nowhere\.jpg: no such file/);
        assert.match(r.stderr, /2 of 3 images failed/);
        assert.deepEqual(await size(`${out}/b_colourized.png`), [45, 31]);
      },
    );

    await t.step(
      "a folder that is not a run; a moved run keeps its palette",
      async () => {
        await assert.rejects(loadRun(tmp), /is not a run folder/);
        const moved = `${tmp}/elsewhere/${ids[0]}`;
        await Deno.mkdir(moved, { recursive: true });
        for (const f of ["checkpoint.bin", "run.json", "history.json"]) {
          await Deno.copyFile(`${runs}/${ids[0]}/${f}`, `${moved}/${f}`);
        }
        // run.json stores the palette, so a run moved anywhere still
        // colourizes with its own colours
        const run = await loadRun(moved);
        assert.deepEqual(
          Array.from(run.palette!.colours),
          Array.from(palette.colours),
        );
        run.model.dispose();
      },
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("colourize command line and permissions", async (t) => {
  await t.step("bad command lines are refused", () => {
    assert.throws(
      () => parseColourizeArgs(["--out", "o"]),
      /at least one IMAGE/,
    );
    assert.throws(() => parseColourizeArgs(["x.png"]), /--out/);
    assert.throws(
      () => parseColourizeArgs(["x.png", "--model", "gan", "--out", "o"]),
      /unet or cnn/,
    );
    assert.throws(
      () => parseColourizeArgs(["x.png", "--mode", "sepia", "--out", "o"]),
      /--mode/,
    );
    assert.throws(
      () => parseColourizeArgs(["a/x.png", "b/x.jpg", "--out", "o"]),
      /both be written as x_colourized\.png/,
    );
  });

  await t.step(
    "read the project, images and run; write only --out; no network",
    () => {
      const args = parseColourizeArgs([
        "/home/me/p.jpg",
        "q.png",
        "--run",
        "runs/unet",
        "--out",
        "col",
      ]);
      const p = colourizePermissions(args, {
        projectRoot: "/p",
        npmCache: "/c/npm",
      });
      assert.deepEqual(p.write, ["/p/col"]);
      assert.deepEqual(p.net, []);
      assert.deepEqual(p.read, [
        "/p",
        "/p/col",
        "/home/me/p.jpg",
        "/p/q.png",
        "/p/runs/unet",
        "/c/npm/registry.npmjs.org/@tensorflow/tfjs-backend-wasm",
      ]);
      assert.deepEqual(p.ffi, ["/c/npm/registry.npmjs.org/@img"]);
      const flags = permissionFlags(p);
      assert.ok(
        !flags.some((f) =>
          f === "-A" || f === "--allow-all" || /^--allow-[a-z]+$/.test(f)
        ),
        flags.join(" "),
      );
    },
  );
});
