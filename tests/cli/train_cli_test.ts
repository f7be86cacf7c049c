import assert from "node:assert/strict";
import { denoTask, type TaskResult } from "./deno_task.ts";
import { initTf } from "../../lib/backend.ts";
import { PROJECT_ROOT } from "../../lib/cli/launch.ts";
import { loadRun } from "../../lib/run/load.ts";
import { validateRunJson } from "../../lib/run/run_json.ts";
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

/** Every process: pid, parent pid, state and command line (from `ps`). */
async function processes(): Promise<
  { pid: number; ppid: number; state: string; args: string }[]
> {
  const out = await new Deno.Command("ps", {
    args: ["-eo", "pid=,ppid=,stat=,args="],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => {
    const [pid, ppid, state, ...args] = l.trim().split(/\s+/);
    return { pid: +pid, ppid: +ppid, state, args: args.join(" ") };
  });
}

async function alive(pid: number): Promise<boolean> {
  const p = (await processes()).find((p) => p.pid === pid);
  return p !== undefined && !p.state.startsWith("Z");
}

/** Sends `signal` to every process of the group `pgid` (as a terminal's Ctrl-C does). */
async function killGroup(pgid: number, signal: string): Promise<void> {
  await new Deno.Command("kill", { args: [`-${signal}`, "--", `-${pgid}`] })
    .output();
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `deno task train ARGS` in a session of its own (as a terminal would run
 * it), so that a "Ctrl-C" can go to the whole process group.
 */
function spawnTrainInSession(args: string[]) {
  return new Deno.Command("setsid", {
    args: [Deno.execPath(), "task", "--quiet", "train", ...args],
    cwd: PROJECT_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
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
  await initTf();
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
        const run = validateRunJson(
          JSON.parse(await Deno.readTextFile(`${out}/run.json`)),
          `${out}/run.json`,
        );
        assert.equal(run.data.kind, "synthetic");
        assert.match(run.data.sha256, /^[0-9a-f]{64}$/);
        assert.equal(run.config.seed, 3);
        assert.equal(run.config.task, "colourization");
        assert.equal(
          run.config.task === "colourization" && run.config.model,
          "unet",
        );
        assert.equal(run.versions["tfjs-core"], "4.22.0");
        assert.equal(run.versions.deno, Deno.version.deno);
        assert.ok(["wasm", "cpu", "webgpu"].includes(run.backend.name));
        if (run.backend.name === "wasm" && navigator.hardwareConcurrency > 1) {
          // The default threads, so that the resume below checks that helper
          // threads do not change results.
          assert.match(run.backend.description, /wasm, [2-9]\d* threads/);
        }
        assert.ok(run.timings.wallSeconds > 0);
        assert.match(run.palette!.description, /k-means/);
        assert.deepEqual(run.command?.slice(0, 3), ["deno", "task", "train"]);
        const loaded = await loadRun(out);
        assert.deepEqual(loaded.history, reference);
        loaded.model.dispose();
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
      "Ctrl-C mid-epoch keeps the last checkpoint; --resume gives the same losses and accuracies",
      async () => {
        const out = `${tmp}/stopped`;
        const task = spawnTrainInSession([...ARGS, "--out", out]);
        const ckpt = `${out}/${CHECKPOINT_FILE}`;
        await waitFor("the first checkpoint", () => exists(ckpt));
        // Ctrl-C in epoch 2: SIGINT to the whole foreground process group
        await killGroup(task.pid, "INT");
        const status = await task.output();
        const stderr = new TextDecoder().decode(status.stderr);
        assert.equal(
          status.code,
          130,
          `${stderr}\n${new TextDecoder().decode(status.stdout)}`,
        );
        assert.match(
          stderr,
          /stopped: the checkpoint of the last complete epoch/,
        );
        assert.match(stderr, /--resume/);
        assert.doesNotMatch(stderr, /\bat \S+:\d+:\d+/, "no stack trace");
        const saved = await readCheckpoint(ckpt);
        assert.ok(
          saved.epoch >= 1 && saved.epoch < 3,
          `checkpoint after epoch ${saved.epoch}`,
        );
        assert.ok(!(await exists(`${out}/run.json`)));

        const r = await denoTaskTrain([...ARGS, "--out", out, "--resume"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`after epoch ${saved.epoch}`));
        const resumed: EpochRecord[] = JSON.parse(
          await Deno.readTextFile(`${out}/history.json`),
        );
        assert.deepEqual(results(resumed), results(reference));
        const run = JSON.parse(await Deno.readTextFile(`${out}/run.json`));
        assert.equal(run.timings.resumedFromEpoch, saved.epoch);
      },
    );

    await t.step(
      "the trainer ends when its launcher is killed (no orphan)",
      async () => {
        // long enough that it could not finish on its own during the test
        const long = ARGS.map((a, i) => ARGS[i - 1] === "--epochs" ? "200" : a);
        const task = spawnTrainInSession([...long, "--out", `${tmp}/orphan`]);
        // deno task (setsid execs it) -> launcher (launch.ts) -> trainer
        let launcher = 0;
        let trainer = 0;
        await waitFor("the trainer process", async () => {
          const ps = await processes();
          launcher = ps.find((p) =>
            p.args.includes("lib/cli/launch.ts")
          )?.pid ??
            0;
          trainer = ps.find((p) => launcher && p.ppid === launcher)?.pid ?? 0;
          return trainer > 0;
        });
        await new Deno.Command("kill", { args: ["-KILL", `${launcher}`] })
          .output();
        await waitFor(
          "the trainer to end",
          async () => !(await alive(trainer)),
          5_000,
        );
        await killGroup(task.pid, "KILL");
        await task.output();
      },
    );

    await t.step(
      "an existing checkpoint is not overwritten without --resume",
      async () => {
        const r = await denoTaskTrain([...ARGS, "--out", `${tmp}/whole`]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /already holds a run: pass --resume/);
      },
    );

    await t.step(
      "one-line errors for a bad --out, no stack trace",
      async () => {
        const file = `${tmp}/a_file`;
        await Deno.writeTextFile(file, "");
        for (
          const [out, message] of [
            [file, /^error: --out \S+a_file is a file, not a folder\n$/],
            [
              "/proc/colourlab_out",
              /^error: --out \/proc\/colourlab_out is not a writable folder/,
            ],
          ] as const
        ) {
          const r = await denoTaskTrain([...ARGS, "--out", out]);
          assert.equal(r.code, 2, r.stderr);
          assert.match(r.stderr, message);
          assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        }
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
      assert.match(r.stderr, /--epochs must be a positive integer, got two/);
      assert.match(r.stderr, /Usage: deno task train/);
      const neg = await denoTaskTrain([
        ...ARGS,
        "--out",
        `${tmp}/bad`,
        "--epochs",
        "-1",
      ]);
      assert.equal(neg.code, 2);
      assert.match(
        neg.stderr,
        /^error: --epochs must be a positive integer, got -1\n/,
      );
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
