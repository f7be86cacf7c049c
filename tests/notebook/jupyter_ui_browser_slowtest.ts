/**
 * SLOW, NEEDS JUPYTER (Debian's classic Notebook 6.4, `jupyter-notebook`), the
 * Deno kernel and CHROMIUM (/usr/bin/chromium, or $COLOURLAB_CHROMIUM): fails,
 * does not skip, without them.
 *
 * A user's session with notebook 01 in the classic Notebook UI, in headless
 * Chromium, with the repo's kernel spec, in quick mode on synthetic data (runs
 * cached in a temporary folder, never the project's data/):
 *
 * 1. Kernel > Restart & Run All: every cell runs, no error;
 * 2. another learning rate in the experiment cell, Cell > Run All Below: a
 *    new run trains, the other is read from the cache, the figures change;
 * 3. Kernel > Interrupt while one run trains in the kernel, then while two
 *    train in worker processes: the cell ends with the interrupt message, the
 *    kernel neither dies nor restarts and keeps its variables (also through
 *    an Interrupt of a cell that only waits), and running the training cell
 *    again resumes after epoch 1 and finishes;
 * 4. File > Save, then `deno task strip` on the saved file: the committed
 *    notebook with the user's edit, byte for byte;
 * 5. Kernel > Interrupt of a cell in a notebook that imports nothing (no
 *    listener of lib/ yet): the kernel lives on (the kernel spec ignores
 *    SIGINT);
 * 6. each committed notebook, opened and saved untouched, is unmodified and
 *    byte-identical (`git diff` stays empty).
 *
 * The notebooks import "../lib/mod.ts", so the copies sit in a folder one
 * level below the project root, removed afterwards. On failure the page's
 * screenshot and the server's log are kept, and the error says where.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { CHROMIUM, CHROMIUM_FLAGS } from "../../lib/report/browser_check.ts";
import { jupyterJson } from "../../tools/notebooks.ts";
import {
  errors,
  figures,
  shows,
  sourceLines,
  sourceText,
  tagged,
} from "./fixtures/cells.ts";
import { NotebookPage } from "./fixtures/notebook_page.ts";
import {
  type NotebookServer,
  startNotebookServer,
} from "./fixtures/notebook_server.ts";
import {
  CELL_MS,
  interruptBeforeImport,
  interruptInEpoch2,
  openAndSave,
  replaceLast,
  resume,
  stripTask,
} from "./fixtures/ui_checks.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const NOTEBOOK = "01_colourization.ipynb";
/** Generous: the machine may be loaded. A quick run is 2 epochs of 500 images. */
const RUN_ALL_MS = 420_000;

/** Copies notebook 01 into `dir` and every committed notebook into `dir`/untouched/. */
async function copyNotebooks(dir: string): Promise<string[]> {
  await Deno.mkdir(join(dir, "untouched"), { recursive: true });
  await Deno.copyFile(
    join(ROOT, "notebooks", NOTEBOOK),
    join(dir, NOTEBOOK),
  );
  const names: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, "notebooks"))) {
    if (e.isFile && e.name.endsWith(".ipynb")) names.push(e.name);
  }
  for (const name of names) {
    await Deno.copyFile(
      join(ROOT, "notebooks", name),
      join(dir, "untouched", name),
    );
  }
  return names.sort();
}

Deno.test("classic Notebook UI: run all, edit, interrupt and resume, save, strip, untouched save", async (t) => {
  const dir = join(ROOT, `.uitest_${crypto.randomUUID().slice(0, 8)}`);
  const tmp = await Deno.makeTempDir({ prefix: "colourlab-ui-" });
  const kept = join(tmp, "failure");
  let server: NotebookServer | undefined;
  let context: BrowserContext | undefined;
  let page: NotebookPage | undefined;
  let failed = true;
  // a failed step stops the session: the next ones build on it
  const step = async (name: string, fn: () => Promise<void>) => {
    if (!(await t.step(name, fn))) throw new Error(`step failed: ${name}`);
  };
  try {
    const names = await copyNotebooks(dir);
    const path = join(dir, NOTEBOOK);
    const committed = await Deno.readTextFile(path);
    // two workers at a time, in slots of the test's own (lib/run/slots.ts
    // keeps them in TMPDIR), which no other process of the machine holds
    await Deno.mkdir(join(tmp, "tmp"));
    server = await startNotebookServer(dir, {
      home: join(tmp, "jupyter"),
      env: {
        COLOURLAB_QUICK: "1",
        COLOURLAB_DATA: "synthetic",
        COLOURLAB_CACHE: join(tmp, "cache"),
        COLOURLAB_JOBS: "2",
        TMPDIR: join(tmp, "tmp"),
      },
    });
    const local = server.url;
    const { chromium } = await import("playwright-core");
    context = await chromium.launchPersistentContext(join(tmp, "profile"), {
      executablePath: Deno.env.get("COLOURLAB_CHROMIUM") ?? CHROMIUM,
      args: CHROMIUM_FLAGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    // the page may ask for nothing but the local server
    await context.route(
      "**/*",
      (route) =>
        route.request().url().startsWith(local)
          ? route.continue()
          : route.abort(),
    );
    const nb = page = new NotebookPage(await context.newPage(), NOTEBOOK);
    let experiment = 0;
    let train = 0;
    let source = "";
    let shown: string[] = [];

    await step("Kernel > Restart & Run All runs every cell", async () => {
      await nb.open(server!.notebookUrl(NOTEBOOK));
      const cells = await nb.cells();
      experiment = tagged(cells, "experiment");
      train = tagged(cells, "train");
      source = sourceText(cells[experiment].source);
      await nb.restartRunAll();
      // the kernel restarts first: wait for the training cell's progress
      await nb.waitForOutput(train, /runs?/, CELL_MS);
      await nb.settle(RUN_ALL_MS);
      const ran = await nb.cells();
      assert.deepEqual(errors(ran), [], "no cell fails");
      ran.forEach((c, i) => {
        if (c.cell_type !== "code") return;
        assert.equal(typeof c.execution_count, "number", `cell ${i + 1} ran`);
      });
      shows(ran[train], /quick mode: at most 2 epochs/);
      shows(ran[train], /2 runs .*: 2 trained/);
      shown = figures(ran, train + 1);
      assert.ok(shown.length >= 2, "the cells below show figures");
    });

    await step(
      "a new learning rate, Cell > Run All Below: a new run trains, the figures change",
      async () => {
        source = replaceLast(
          source,
          /learningRate: *[\d.e-]+/g,
          "learningRate: 0.003",
        );
        await nb.setText(experiment, source);
        await nb.runFrom(experiment);
        await nb.settle(RUN_ALL_MS);
        const ran = await nb.cells();
        assert.deepEqual(errors(ran), [], "no cell fails");
        shows(ran[train], /2 runs .*: 1 trained, 1 read from the cache/);
        const now = figures(ran, train + 1);
        assert.equal(now.length, shown.length, "as many figures as before");
        const changed = now.filter((f, i) => f !== shown[i]).length;
        assert.ok(changed >= 2, `${changed} of ${now.length} figures changed`);
      },
    );

    await step(
      "Kernel > Interrupt while one run trains in the kernel; run again, it resumes",
      async () => {
        // batches of 10: a new run of 50 batches an epoch
        source = replaceLast(source, /batchSize: *\d+/g, "batchSize: 10");
        await nb.setText(experiment, source);
        await nb.kernelEvents();
        await nb.runCell(experiment);
        await nb.runCell(train);
        await interruptInEpoch2(nb, train, 1);
        await resume(
          nb,
          train,
          1,
          /2 runs .*: 1 trained, 1 read from the cache/,
        );
      },
    );

    await step(
      "Kernel > Interrupt while two runs train in workers; the kernel keeps its state; run again, both resume",
      async () => {
        source = source.replaceAll(/batchSize: *\d+/g, "batchSize: 10")
          .replaceAll(/seed: *\d+/g, "seed: 1");
        await nb.setText(experiment, source);
        await nb.runCell(experiment);
        await nb.runCell(train);
        await interruptInEpoch2(nb, train, 2);
        const count = (await nb.cell(train)).execution_count!;
        // a cell that only waits, interrupted too, then shows the variables
        await nb.insertCode(
          train + 1,
          'await new Promise((r) => setTimeout(r, 4000));\nexperiment.runs.map((r) => r.seed).join(" ");',
        );
        await nb.runCell(train + 1);
        await nb.waitRunning(train + 1);
        await nb.interrupt();
        await nb.settle(CELL_MS);
        const waited = await nb.cell(train + 1);
        assert.deepEqual(
          await nb.kernelEvents(),
          [],
          "the kernel neither died nor restarted",
        );
        shows(waited, /1 1/);
        assert.equal(waited.execution_count, count + 1, "the count goes on");
        await nb.deleteCell(train + 1);
        await resume(nb, train, 2, /2 runs .*: 2 trained/);
      },
    );

    await step(
      "File > Save, then deno task strip keeps the edit and removes the outputs",
      async () => {
        await nb.save();
        const saved = JSON.parse(await Deno.readTextFile(path));
        assert.equal(sourceText(saved.cells[experiment].source), source);
        assert.ok(saved.cells[train].outputs.length > 0, "outputs were saved");
        await stripTask(path);
        const want = JSON.parse(committed);
        want.cells[experiment].source = sourceLines(source);
        assert.equal(
          await Deno.readTextFile(path),
          jupyterJson(want),
          "stripped, the saved notebook is the committed one with the edit",
        );
      },
    );

    // the session passed; the next steps stand alone
    failed = false;
    await t.step(
      "Kernel > Interrupt of a cell before lib/ is imported: the kernel lives",
      () => interruptBeforeImport(context!, dir, server!),
    );
    for (const name of names) {
      await t.step(
        `${name} opened and saved untouched is byte-identical`,
        () =>
          openAndSave(context!, {
            url: server!.notebookUrl(`untouched/${name}`),
            file: join(dir, "untouched", name),
            name,
          }),
      );
    }
  } finally {
    if (failed) {
      await Deno.mkdir(kept, { recursive: true });
      await page?.page.screenshot({
        path: join(kept, "page.png"),
        fullPage: true,
      })
        .catch(() => {});
    }
    await context?.close();
    await server?.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if (failed) {
      await Deno.writeTextFile(join(kept, "server.log"), server?.log() ?? "");
      console.error(`kept for diagnosis: ${kept}/page.png, ${kept}/server.log`);
      for await (const e of Deno.readDir(tmp)) {
        if (e.name !== "failure") {
          await Deno.remove(join(tmp, e.name), { recursive: true });
        }
      }
    } else {
      await Deno.remove(tmp, { recursive: true });
    }
  }
});
