import assert from "node:assert/strict";
import { initTf } from "../../lib/backend.ts";
import { type CostProgress, costStudy } from "../../lib/finetune/cost_run.ts";
import { costProgressLine } from "../../lib/finetune/cost_progress.ts";
import { measureStepCost } from "../../lib/finetune/cost_study.ts";
import { PLAN_ONLY_VARIABLE } from "../../lib/run/run_all.ts";
import { withEnv } from "../data/fixtures.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const spec = { blocks: [1, 2], sizes: [8], batchSize: 2 };

Deno.test({
  ...opts,
  name:
    "costStudy(): measured once in a worker process, then read from the cache",
  fn: async () => {
    const backend = await initTf();
    const cacheDir = await Deno.makeTempDir();
    try {
      const seen: CostProgress[] = [];
      const first = await costStudy(spec, {
        backend,
        cacheDir,
        progress: (p) => void seen.push({ ...p }),
      });
      assert.equal(first.cached, false);
      assert.equal(first.threads, 1);
      assert.equal(first.points.length, 2 * 3);
      assert.deepEqual(
        first.points.map((p) => `${p.n}${p.mode}`),
        ["1a", "1b", "1c", "2a", "2b", "2c"],
      );
      assert.deepEqual(seen.map((p) => p.done), [0, 1, 2, 3, 4, 5, 6, 6]);
      assert.ok(seen.at(-1)!.finished && !seen.at(-1)!.cached);
      // the worker's memory figures are this process's for the same step
      const here = await measureStepCost(2, 8, "a", { batchSize: 2 });
      const there = first.points.find((p) => p.n === 2 && p.mode === "a")!;
      assert.equal(there.workBytes, here.workBytes);
      assert.equal(there.paramBytes, here.paramBytes);

      const done: CostProgress[] = [];
      const again = await costStudy(spec, {
        backend,
        cacheDir,
        progress: (p) => void done.push(p),
      });
      assert.equal(again.cached, true);
      assert.deepEqual(again.points, first.points);
      assert.equal(done.length, 1);
      assert.match(costProgressLine(done[0]), /6 steps read from the cache/);
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name: "costStudy(): only plans under train:all --list, measuring nothing",
  fn: async () => {
    const backend = await initTf();
    const cacheDir = await Deno.makeTempDir();
    try {
      await withEnv(PLAN_ONLY_VARIABLE, "1", async () => {
        const r = await costStudy(spec, { backend, cacheDir });
        assert.deepEqual(r.points, []);
      });
      assert.deepEqual([...Deno.readDirSync(cacheDir)], [], "nothing written");
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test("costProgressLine(): while measuring and when done", () => {
  const p = { done: 3, total: 30, cached: false, finished: false, elapsed: 62 };
  assert.equal(
    costProgressLine(p),
    "cost study (C.4, C.5): 3 of 30 steps measured, 1m02s (one worker process, beside the runs)",
  );
  assert.equal(
    costProgressLine({ ...p, done: 30, finished: true, elapsed: 130 }),
    "cost study (C.4, C.5): 30 steps measured in 2m10s",
  );
});

Deno.test({
  ...opts,
  name:
    "costStudy(): Ctrl-C stops the worker after its point, keeps nothing, leaves no process",
  fn: async () => {
    const cacheDir = await Deno.makeTempDir();
    try {
      const child = new Deno.Command("setsid", {
        args: [
          Deno.execPath(),
          "run",
          "-A",
          new URL("./fixtures/cost_interrupt.ts", import.meta.url).pathname,
          cacheDir,
        ],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "null",
      }).spawn();
      let out = "";
      const reader = child.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      while (!/point [1-9]/.test(out)) {
        const { value, done } = await reader.read();
        if (done) break;
        out += value;
      }
      child.kill("SIGINT"); // as Jupyter's Interrupt: the kernel process only
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        out += value;
      }
      await child.status;
      assert.match(
        out,
        /RunsInterrupted: cost study interrupted after \d+ of 24 points \(none kept\)/,
      );
      assert.doesNotMatch(out, /finished/);
      const ps = await new Deno.Command("ps", {
        args: ["-eo", "args="],
        stdout: "piped",
      }).output();
      const left = new TextDecoder().decode(ps.stdout).split("\n").filter((l) =>
        l.includes("cost_worker.ts") && l.includes('"sizes":[48]')
      );
      assert.deepEqual(left, [], "no worker left behind");
      const stored = [...Deno.readDirSync(`${cacheDir}/finetune`)].flatMap((
        d,
      ) =>
        [...Deno.readDirSync(`${cacheDir}/finetune/${d.name}`)].map((f) =>
          f.name
        )
      );
      assert.ok(!stored.includes("result.json"), "nothing half-measured kept");
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});
