import assert from "node:assert/strict";
import {
  capForQuickMode,
  costEstimate,
  schedule,
} from "../../lib/run/run_all.ts";
import { resolveConfig } from "../../lib/run/config.ts";
import { listRuns } from "../../lib/run/find.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Every process: pid, parent pid, process group and command line (from `ps`). */
async function processes(): Promise<
  { pid: number; ppid: number; pgid: number; args: string }[]
> {
  const out = await new Deno.Command("ps", {
    args: ["-eo", "pid=,ppid=,pgid=,args="],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => {
    const [pid, ppid, pgid, ...args] = l.trim().split(/\s+/);
    return { pid: +pid, ppid: +ppid, pgid: +pgid, args: args.join(" ") };
  });
}

/** The fixture as a notebook cell in a session of its own (so Ctrl-C can reach its group). */
function notebook(cacheDir: string, epochs: number) {
  // its own slot folder (TMPDIR): other processes of the machine hold none
  const tmpdir = `${cacheDir}.tmp`;
  Deno.mkdirSync(tmpdir, { recursive: true });
  return new Deno.Command("setsid", {
    args: [
      Deno.execPath(),
      "run",
      "-A",
      "tests/run/fixtures/three_runs.ts",
      cacheDir,
      String(epochs),
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", COLOURLAB_JOBS: "2", TMPDIR: tmpdir },
    stdout: "piped",
    stderr: "null",
  }).spawn();
}

/** Enough epochs that, on an idle machine, the runs still train when Ctrl-C comes. */
const EPOCHS = 20;

function lastJson(text: string): Record<string, unknown> {
  const lines = text.trim().split("\n").filter((l) => l.startsWith("{"));
  return JSON.parse(lines.at(-1)!);
}

Deno.test({
  name:
    "three uncached runs train two at a time in workers; Ctrl-C leaves no process and resumable checkpoints",
  sanitizeResources: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "colourlab_runall_" });
    try {
      const child = notebook(`${tmp}/a`, EPOCHS);
      const pgid = child.pid;
      let out = "";
      const read = (async () => {
        for await (
          const chunk of child.stdout.pipeThrough(new TextDecoderStream())
        ) out += chunk;
      })();
      // watch the worker processes while they train, until a run has a
      // complete epoch (a checkpoint to resume: a stop ends the batch)
      let most = 0;
      let seen = 0;
      const epochDone = () => /"epochs":\[[^\]]*[1-9]/.test(out);
      for (let t = 0; t < 1200 && (seen < 20 || !epochDone()); t++) {
        const workers = (await processes()).filter((p) =>
          p.pgid === pgid && p.args.includes("lib/run/worker.ts")
        );
        most = Math.max(most, workers.length);
        if (workers.length === 2) seen++;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(most, 2, "two workers at a time, never three");
      // Ctrl-C: SIGINT to the whole group, as a terminal (or Jupyter) sends it
      await new Deno.Command("kill", { args: ["-INT", "--", `-${pgid}`] })
        .output();
      await child.status;
      await read;
      const end = lastJson(out);
      assert.match(
        String(end.error),
        /^training interrupted: .*Run the cell again to resume/,
        out.slice(-2000),
      );
      await new Promise((r) => setTimeout(r, 500));
      const left = (await processes()).filter((p) => p.pgid === pgid);
      assert.deepEqual(left, [], "no process left behind");
      // asked again, it finishes, resuming the checkpoints kept
      const again = notebook(`${tmp}/a`, EPOCHS);
      const second = new TextDecoder().decode((await again.output()).stdout);
      assert.deepEqual(
        lastJson(second).done,
        [EPOCHS, EPOCHS, EPOCHS],
        second.slice(-1000),
      );
      // the display counts a resumed run's earlier epochs too
      const shown = second.trim().split("\n").filter((l) =>
        l.startsWith('{"statuses"')
      ).map((l) => JSON.parse(l).epochs);
      assert.deepEqual(shown.at(-1), [EPOCHS, EPOCHS, EPOCHS]);
      const runs = await listRuns(`${tmp}/a/runs`);
      assert.equal(runs.length, 3);
      assert.ok(
        runs.some((r) => r.json.timings.resumedFromEpoch > 0),
        "at least one run resumed from its checkpoint",
      );
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("quick mode caps colourization runs and says so", () => {
  const { input, note } = capForQuickMode({ model: "unet", numEpochs: 25 });
  assert.deepEqual(
    [input.numEpochs, input.task !== "segmentation" && input.limitTrain],
    [2, 500],
  );
  assert.match(note!, /quick mode: at most 2 epochs, 500 training/);
  const seg = { task: "segmentation", body: "random", train: "head" } as const;
  assert.equal(capForQuickMode(seg).input, seg);
});

Deno.test("longest first: the cost estimate grows with epochs, images and small batches", () => {
  const c = (o: Parameters<typeof resolveConfig>[0]) =>
    costEstimate(resolveConfig(o), 5000);
  assert.ok(c({ model: "unet" }) > c({ model: "cnn" }));
  assert.ok(c({ model: "unet", batchSize: 10 }) > c({ model: "unet" }));
  assert.ok(c({ model: "cnn", numEpochs: 50 }) > c({ model: "cnn" }));
  assert.ok(c({ model: "cnn", limitTrain: 500 }) < c({ model: "cnn" }));
});

Deno.test("a run on a pre-trained body starts after the body's run; the others fill the lanes meanwhile", async () => {
  const events: string[] = [];
  const tmp = await Deno.makeTempDir({ prefix: "colourlab_schedule_" });
  // the body is listed after its dependants, and lasts longest
  const todo = [
    { index: 0, dir: `${tmp}/fine-tune-a`, after: `${tmp}/body` },
    { index: 1, dir: `${tmp}/fine-tune-b`, after: `${tmp}/body` },
    { index: 2, dir: `${tmp}/body` },
    { index: 3, dir: `${tmp}/random-body` },
    { index: 4, dir: `${tmp}/other` },
  ];
  const length = [10, 10, 120, 30, 30];
  try {
    await schedule(
      todo,
      2,
      new AbortController().signal,
      async (i) => {
        events.push(`start ${i}`);
        await new Promise((r) => setTimeout(r, length[i]));
        events.push(`end ${i}`);
      },
      { limit: 1000 },
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  const at = (e: string) => events.indexOf(e);
  assert.ok(at("start 0") > at("end 2"), events.join(", "));
  assert.ok(at("start 1") > at("end 2"), events.join(", "));
  // the free lane took the independent runs while the body trained
  assert.ok(at("start 3") < at("end 2"), events.join(", "));
  assert.ok(at("start 4") < at("end 2"), events.join(", "));
  assert.equal(events.filter((e) => e.startsWith("end")).length, 5);
});

Deno.test("a segmentation run's estimate counts the photos it trains on", () => {
  const seg = resolveConfig({
    task: "segmentation",
    body: "random",
    train: "all",
    size: 32,
    numEpochs: 8,
    batchSize: 16,
    learningRate: 0.001,
    seed: 0,
  });
  assert.ok(costEstimate(seg, 300) < costEstimate(seg, 5000));
  assert.equal(costEstimate(seg, 600), 2 * costEstimate(seg, 300));
});
