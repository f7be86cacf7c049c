import assert from "node:assert/strict";
import {
  builtIpynb,
  NOTEBOOKS,
} from "../../lib/experiments/build_notebooks.ts";
import { toScript } from "../../lib/experiments/notebooks/cells.ts";

const root = new URL("../../", import.meta.url);

Deno.test("notebooks 01-05", async (t) => {
  for (const nb of NOTEBOOKS) {
    await t.step(
      `${nb.file} is built from its source, without outputs`,
      async () => {
        const text = await Deno.readTextFile(
          new URL(`notebooks/${nb.file}`, root),
        );
        assert.equal(
          text,
          await builtIpynb(nb),
          "stale: run deno run -A lib/experiments/build_notebooks.ts",
        );
        const json = JSON.parse(text);
        assert.equal(json.metadata.kernelspec.name, "deno");
        assert.ok(
          json.cells.length >= 6 && json.cells.length <= 12,
          `${json.cells.length} cells`,
        );
        for (
          const c of json.cells.filter((c: { cell_type: string }) =>
            c.cell_type === "code"
          )
        ) {
          assert.deepEqual(c.outputs, []);
          assert.equal(c.execution_count, null);
        }
        const sources = nb.cells.map((c) => c.source);
        assert.equal(nb.cells[0].kind, "markdown", "opens with the question");
        assert.match(
          sources[1],
          /from "\.\.\/lib\/mod\.ts"/,
          "one imports cell from ../lib/mod.ts",
        );
        assert.ok(
          sources.some((s) => s.includes("recordHeadline")),
          "records a headline",
        );
        assert.ok(
          sources.some((s) => s.includes("recordContext")),
          "states its context",
        );
      },
    );
  }

  await t.step("their code type-checks against lib/mod.ts", async () => {
    const dir = await Deno.makeTempDir({ prefix: "colourlab_nb_" });
    try {
      const mod = new URL("lib/mod.ts", root).href;
      const files = [];
      for (const nb of NOTEBOOKS) {
        const path = `${dir}/${nb.file.replace(".ipynb", ".ts")}`;
        await Deno.writeTextFile(path, toScript(nb, mod));
        files.push(path);
      }
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "check",
          "--config",
          new URL("deno.json", root).pathname,
          ...files,
        ],
        env: { NO_COLOR: "1" },
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
