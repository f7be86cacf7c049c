import assert from "node:assert/strict";
import sharp from "sharp";
import { initTf } from "../../lib/backend.ts";
import { PROJECT_ROOT } from "../../lib/cli/launch.ts";
import { loadCategoryData } from "../../lib/data/cifar.ts";
import { loadOrComputePalette } from "../../lib/data/palette.ts";
import { runAll } from "../../lib/run/run_all.ts";
import { loadRun } from "../../lib/run/load.ts";
import { listRuns } from "../../lib/run/find.ts";
import { validateRunJson } from "../../lib/run/run_json.ts";
import { denoTask } from "../cli/deno_task.ts";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test({
  name:
    "run folders from `deno task train`, a notebook and `train:all` are one layout, load through loadRun and colourize",
  sanitizeResources: false,
  fn: async () => {
    await initTf();
    const tmp = await Deno.makeTempDir({ prefix: "colourlab_folders_" });
    let savedTmp: string | undefined;
    try {
      const dirs: string[] = [];
      // 1. the CLI
      const train = await denoTask("train", [
        ...["--model", "cnn", "--epochs", "1", "--nf", "4"],
        ...["--data", "synthetic", "--limit-train", "20", "--limit-val", "10"],
        ...["--out", `${tmp}/cli`],
      ]);
      assert.equal(train.code, 0, train.stderr);
      dirs.push(`${tmp}/cli`);
      // 2. the notebooks' function
      const data = await loadCategoryData({ data: "synthetic" });
      const palette = await loadOrComputePalette(data, {
        numColours: 24,
        seed: 0,
        cacheDir: `${tmp}/nb`,
      });
      // worker slots of its own (TMPDIR), apart from the machine's
      savedTmp = Deno.env.get("TMPDIR");
      Deno.env.set("TMPDIR", `${tmp}/tmp`);
      await Deno.mkdir(`${tmp}/tmp`);
      const [nb] = await runAll([{
        model: "unet",
        numEpochs: 1,
        numFilters: 4,
        limitTrain: 20,
        limitVal: 10,
      }], { colour: { data, palette }, cacheDir: `${tmp}/nb` });
      nb.model.dispose();
      dirs.push(nb.dir);
      // 3. train:all, on a notebook of one tiny run
      await Deno.mkdir(`${tmp}/notebooks`);
      await Deno.writeTextFile(
        `${tmp}/notebooks/tiny.ipynb`,
        JSON.stringify({
          cells: [{
            cell_type: "code",
            metadata: { tags: ["train"] },
            source: [
              `import { data, train } from "${PROJECT_ROOT}/lib/mod.ts";\n`,
              "const horses = await data.horses(train.settings());\n",
              'await train.runAll([{ model: "cnn", numEpochs: 1, numFilters: 4, limitTrain: 20, limitVal: 10 }], { colour: horses });',
            ],
          }],
        }),
      );
      const all = await new Deno.Command(Deno.execPath(), {
        args: [
          ...["task", "--quiet", "train:all", "--data", "synthetic"],
          ...["--notebooks", `${tmp}/notebooks`],
        ],
        cwd: PROJECT_ROOT,
        env: {
          NO_COLOR: "1",
          COLOURLAB_CACHE: `${tmp}/all`,
          TMPDIR: `${tmp}/tmp`,
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(all.success, decode(all.stderr));
      const [fromAll] = await listRuns(`${tmp}/all/runs`);
      assert.ok(fromAll, decode(all.stdout));
      dirs.push(fromAll.dir);

      const photo = `${tmp}/photo.png`;
      const px = new Uint8Array(40 * 30 * 3).map((_, i) => (i * 13) % 256);
      await sharp(px, { raw: { width: 40, height: 30, channels: 3 } }).png()
        .toFile(photo);
      for (const dir of dirs) {
        const json = validateRunJson(
          JSON.parse(await Deno.readTextFile(`${dir}/run.json`)),
          dir,
        );
        const run = await loadRun(dir);
        assert.equal(run.runId, json.runId);
        assert.equal(run.history.length, json.config.numEpochs);
        run.model.dispose();
        const c = await denoTask("colourize", [
          photo,
          "--run",
          dir,
          "--out",
          `${tmp}/out`,
        ]);
        assert.equal(c.code, 0, `${dir}: ${c.stderr}`);
        assert.match(c.stdout, new RegExp(`model: ${json.runId} `));
      }
    } finally {
      if (savedTmp === undefined) Deno.env.delete("TMPDIR");
      else Deno.env.set("TMPDIR", savedTmp);
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
