import assert from "node:assert/strict";
import { join } from "node:path";
import {
  inJupyter,
  liveProgress,
  quickMode,
  recordContext,
  recordHeadline,
  showImage,
  showMarkdown,
  showPlot,
  showTable,
  tableBundle,
  toBase64,
} from "../../lib/notebook.ts";

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
  assert.equal(inJupyter(), false);
  const lines = await captured(async () => {
    await showPlot(
      `<svg xmlns="http://www.w3.org/2000/svg"><title>Loss</title></svg>`,
    );
    await showImage(new Uint8Array(10), { caption: "grid" });
    await showMarkdown("**hi**");
    await showTable([{ a: 1, b: "x" }]);
    const p = liveProgress("train");
    p.onBatchEnd({
      epoch: 1,
      numEpochs: 2,
      batch: 1,
      batchesPerEpoch: 2,
      loss: 3,
      images: 10,
      epochImages: 20,
      epochSeconds: 0.1,
    });
    await p.onEpochEnd({
      epoch: 1,
      trainLoss: 3.1,
      valLoss: 2.9,
      valAccuracy: 0.25,
      seconds: 1.5,
      imagesPerSecond: 13.3,
    });
    await p.done();
  });
  assert.deepEqual(lines.slice(0, 3), [
    "[figure: Loss]",
    "[image: grid, 10 bytes]",
    "**hi**",
  ]);
  assert.equal(lines[3], "a  b\n-  -\n1  x");
  assert.equal(
    lines[4],
    "train: epoch 1/2 train loss 3.1000 val loss 2.9000 val accuracy 0.250 (1.5 s, 13 images/s)",
  );
  assert.match(lines[5], /^train: finished 1 epoch \(done in \d/);
});

Deno.test("recordHeadline() and recordContext() append JSON lines for the report", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "records.jsonl");
  Deno.env.set("COLOURLAB_HEADLINES", file);
  Deno.env.set("COLOURLAB_NOTEBOOK", "01_test");
  try {
    const lines = await captured(async () => {
      await recordContext({ data: "synthetic", seed: 0 });
      await recordHeadline({
        question: "Q?",
        answer: "0.4",
        reference: "0.41",
      });
    });
    assert.match(lines.at(-1)!, /\*\*Q\?\*\* 0\.4 \(reference: 0\.41\)/);
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

Deno.test("quickMode() and toBase64()", () => {
  Deno.env.set("COLOURLAB_QUICK", "1");
  assert.equal(quickMode(), true);
  Deno.env.set("COLOURLAB_QUICK", "0");
  assert.equal(quickMode(), false);
  Deno.env.delete("COLOURLAB_QUICK");
  const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
  const decoded = Uint8Array.from(
    atob(toBase64(bytes)),
    (c) => c.charCodeAt(0),
  );
  assert.deepEqual(decoded, bytes);
});
