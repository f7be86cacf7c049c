import assert from "node:assert/strict";
import { join } from "node:path";
import { toBase64 } from "../../lib/io/html.ts";
import * as show from "../../lib/show/mod.ts";
import { progressLine } from "../../lib/show/progress.ts";
import { tableBundle } from "../../lib/show/table.ts";

/** Runs fn with console.log captured. */
async function captured(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines;
}

Deno.test("outside Jupyter every helper prints instead of throwing", async () => {
  assert.equal(show.inJupyter(), false);
  const record = {
    epoch: 1,
    trainLoss: 3.1,
    valLoss: 2.9,
    valAccuracy: 0.25,
    seconds: 1.5,
    imagesPerSecond: 13.3,
  };
  const lines = await captured(async () => {
    await show.plot(
      `<svg xmlns="http://www.w3.org/2000/svg"><title>Loss</title></svg>`,
    );
    await show.image(new Uint8Array(10), { caption: "grid" });
    await show.markdown("**hi**");
    await show.table([{ a: 1, b: "x" }]);
    const p = show.progress();
    await p({
      runs: [{
        label: "CNN",
        runId: "cnn_x",
        status: "done",
        numEpochs: 2,
        epochs: [record],
        estimate: 1,
        elapsed: 2,
      }],
      jobs: 1,
      elapsed: 2,
      eta: NaN,
      notes: [],
      finished: true,
    });
  });
  assert.deepEqual(lines.slice(0, 3), [
    "[figure: Loss]",
    "[image: grid, 10 bytes]",
    "**hi**",
  ]);
  assert.equal(lines[3], "a  b\n-  -\n1  x");
  assert.equal(
    lines[4],
    "CNN: epoch 1/2, train loss 3.1000, val loss 2.9000, val accuracy 25.0%",
  );
  assert.match(lines[5], /^1 run \(1 at a time\): 1 trained; 2s$/);
});

Deno.test("progressLine() counts runs and gives the time left", () => {
  const run = (status: "done" | "training" | "queued" | "cached") => ({
    label: status,
    runId: status,
    status,
    numEpochs: 2,
    epochs: [],
    estimate: 1,
    elapsed: 0,
  });
  assert.equal(
    progressLine({
      runs: [run("done"), run("training"), run("queued"), run("cached")],
      jobs: 2,
      elapsed: 65,
      eta: 130,
      notes: [],
      finished: false,
    }),
    "4 runs (2 at a time): 1 trained, 1 training, 1 queued, 1 read from the cache; 1m05s elapsed, about 2m10s left",
  );
});

Deno.test("headline() and context() append JSON lines for the report", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "records.jsonl");
  Deno.env.set("COLOURLAB_HEADLINES", file);
  Deno.env.set("COLOURLAB_NOTEBOOK", "01_test");
  try {
    const lines = await captured(async () => {
      await show.context({ data: "synthetic", seed: 0 });
      await show.headline({
        question: "Q?",
        answer: "0.4",
        reference: "0.41",
      });
    });
    assert.deepEqual(lines, ["Run context"]);
    const records = (await Deno.readTextFile(file)).trim().split("\n").map((
      l,
    ) => JSON.parse(l));
    assert.deepEqual(records, [
      {
        notebook: "01_test",
        kind: "context",
        context: { data: "synthetic", seed: 0 },
      },
      {
        notebook: "01_test",
        kind: "headline",
        question: "Q?",
        answer: "0.4",
        reference: "0.41",
      },
    ]);
  } finally {
    Deno.env.delete("COLOURLAB_HEADLINES");
    Deno.env.delete("COLOURLAB_NOTEBOOK");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tableBundle() escapes HTML, aligns numbers, rounds", () => {
  const b = tableBundle([{ name: "<b>", value: 0.123456 }, {
    name: "x",
    value: 12,
  }], {
    caption: "T",
  });
  assert.match(b["text/html"], /<caption>T<\/caption>/);
  assert.match(
    b["text/html"],
    /<td>&lt;b&gt;<\/td><td style="text-align:right">0.1235<\/td>/,
  );
  assert.equal(
    b["text/plain"],
    "T\nname   value\n----  ------\n<b>   0.1235\nx         12",
  );
});

Deno.test("toBase64() of a large buffer", () => {
  const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
  const decoded = Uint8Array.from(
    atob(toBase64(bytes)),
    (c) => c.charCodeAt(0),
  );
  assert.deepEqual(decoded, bytes);
});
