/**
 * SLOW, NEEDS JUPYTER (jupyter_client + nbformat on /usr/bin/python3) and the Deno
 * kernel: fails, does not skip, when they are missing.
 *
 * The Deno kernel often publishes outputs after its idle message; nbclient then
 * loses them. tools/run_notebook.py must not: a 32-cell notebook of mixed outputs
 * (text, results, SVG, PNG, several displays per cell, in-place updates) is run 5
 * times and every output of every cell is compared by content.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runNotebook } from "../../lib/report/run_notebook.ts";
import {
  actualOutputs,
  buildMixedNotebook,
  CELL_KINDS,
} from "./mixed_outputs_fixture.ts";

const CELLS = 32;
const RUNS = 5;

Deno.test("run_notebook.py loses no output of a 32-cell notebook in 5 runs", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab-lost-" });
  try {
    const { notebook, expected } = await buildMixedNotebook(CELLS);
    assert.ok(CELLS >= 30 && CELLS >= 4 * CELL_KINDS);
    const source = join(dir, "mixed.ipynb");
    await Deno.writeTextFile(source, JSON.stringify(notebook));
    let late = 0;
    for (let run = 1; run <= RUNS; run++) {
      await t.step(`run ${run}`, async () => {
        const out = join(dir, `executed_${run}.ipynb`);
        const result = await runNotebook(source, { out, cellTimeoutS: 120 });
        assert.ok(result.ok, `runner failed: ${result.failure}\n${result.log}`);
        const executed = JSON.parse(await Deno.readTextFile(out));
        const code = executed.cells.filter((c: { cell_type: string }) =>
          c.cell_type === "code"
        );
        assert.equal(code.length, CELLS);
        code.forEach((cell: Record<string, unknown>, i: number) => {
          assert.deepEqual(
            actualOutputs(cell),
            expected[i],
            `run ${run}, code cell ${i + 1}`,
          );
          assert.equal(
            typeof cell.execution_count,
            "number",
            `cell ${i + 1} has a count`,
          );
        });
        late += executed.metadata.colourlab.late_outputs;
      });
    }
    // Not an assertion on timing: a record of how many outputs nbclient would have missed.
    console.log(
      `outputs that arrived after their cell's idle, over ${RUNS} runs: ${late}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run_notebook.py stops at an error, names the cell, still writes the notebook", async () => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab-err-" });
  try {
    const cell = (source: string) => ({
      cell_type: "code",
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    });
    const notebook = {
      cells: [
        { cell_type: "markdown", metadata: {}, source: "# t" },
        cell('console.log("before")'),
        cell('throw new Error("deliberate")'),
        cell('console.log("after")'),
      ],
      metadata: {
        kernelspec: {
          name: "deno",
          display_name: "Deno",
          language: "typescript",
        },
      },
      nbformat: 4,
      nbformat_minor: 4,
    };
    const source = join(dir, "err.ipynb");
    await Deno.writeTextFile(source, JSON.stringify(notebook));
    const out = join(dir, "out.ipynb");
    const result = await runNotebook(source, { out });
    assert.equal(result.ok, false);
    assert.match(
      result.failure ?? "",
      /cell 3 \(code cell 2\): Error: deliberate/,
    );
    const executed = JSON.parse(await Deno.readTextFile(out));
    assert.deepEqual(actualOutputs(executed.cells[1]), [
      { type: "stream", name: "stdout", text: "before\n" },
    ]);
    assert.equal(executed.cells[2].outputs[0].output_type, "error");
    assert.deepEqual(executed.cells[3].outputs, []);
    assert.match(executed.metadata.colourlab.failed, /code cell 2/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
