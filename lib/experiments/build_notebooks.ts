/**
 * Writes notebooks/01..05 from their readable sources in
 * lib/experiments/notebooks/ (no outputs, no execution counts), formatted by
 * `deno fmt` so that the repository's format check leaves them alone.
 *
 *   deno run --allow-read --allow-write --allow-run lib/experiments/build_notebooks.ts          # write
 *   deno run --allow-read --allow-write --allow-run lib/experiments/build_notebooks.ts --check  # stale?
 *   deno run ... build_notebooks.ts --scripts DIR   # code cells as DIR/NN_topic.ts, for `deno run`
 *
 * @see notebooks/01_colourization.ipynb
 * @module
 */
import { type NotebookSource, toIpynb, toScript } from "./notebooks/cells.ts";
import { notebook as nb01 } from "./notebooks/nb01_colourization.ts";
import { notebook as nb02 } from "./notebooks/nb02_architecture_accounting.ts";
import { notebook as nb03 } from "./notebooks/nb03_batchnorm_scale_shift.ts";
import { notebook as nb04 } from "./notebooks/nb04_skip_connections.ts";
import { notebook as nb05 } from "./notebooks/nb05_batch_size.ts";

/** The notebooks of Parts A and B, in order. */
export const NOTEBOOKS: NotebookSource[] = [nb01, nb02, nb03, nb04, nb05];

/**
 * The committed form of a notebook: {@link toIpynb} passed through
 * `deno fmt` with the project's config, every cell ending in a newline
 * (Deno 2.9's `deno fmt --check` flags them otherwise).
 */
export async function builtIpynb(nb: NotebookSource): Promise<string> {
  const root = new URL("../../", import.meta.url);
  const dir = await Deno.makeTempDir({ prefix: "colourlab_ipynb_" });
  try {
    const path = `${dir}/${nb.file}`;
    await Deno.writeTextFile(path, toIpynb(nb));
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "fmt",
        "--quiet",
        "--config",
        new URL("deno.json", root).pathname,
        path,
      ],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    if (!out.success) {
      throw new Error(
        `deno fmt failed on ${nb.file}: ${
          new TextDecoder().decode(out.stderr)
        }`,
      );
    }
    // deno fmt drops the final newline of the cells it reformatted, yet
    // its --check wants one: put it back
    const json = JSON.parse(await Deno.readTextFile(path)) as {
      cells: { cell_type: string; source: string[] }[];
    };
    for (const cell of json.cells) {
      const last = cell.source.length - 1;
      if (last >= 0 && !cell.source[last].endsWith("\n")) {
        cell.source[last] += "\n";
      }
    }
    return JSON.stringify(json, null, 1) + "\n";
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function main(args: string[]): Promise<number> {
  const root = new URL("../../", import.meta.url);
  const scriptsAt = args.indexOf("--scripts");
  if (scriptsAt >= 0) {
    const dir = args[scriptsAt + 1];
    await Deno.mkdir(dir, { recursive: true });
    const mod = new URL("lib/mod.ts", root).href;
    for (const nb of NOTEBOOKS) {
      await Deno.writeTextFile(
        `${dir}/${nb.file.replace(".ipynb", ".ts")}`,
        toScript(nb, mod),
      );
    }
    return 0;
  }
  const check = args.includes("--check");
  let stale = 0;
  for (const nb of NOTEBOOKS) {
    const path = new URL(`notebooks/${nb.file}`, root);
    const text = await builtIpynb(nb);
    const old = await Deno.readTextFile(path).catch(() => "");
    if (old === text) continue;
    if (check) {
      console.error(
        `${nb.file} is not what lib/experiments/notebooks/ makes: run build_notebooks.ts`,
      );
      stale++;
    } else {
      await Deno.writeTextFile(path, text);
      console.log(`wrote notebooks/${nb.file}`);
    }
  }
  if (check) stale += await countWithOutputs(new URL("notebooks/", root));
  if (check && !stale) console.log("notebooks: up to date, no outputs");
  return stale ? 1 : 0;
}

/** Every committed notebook (06 too) must be stripped: the report holds outputs. */
async function countWithOutputs(dir: URL): Promise<number> {
  let bad = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".ipynb")) continue;
    const nb = JSON.parse(await Deno.readTextFile(new URL(entry.name, dir)));
    const dirty =
      (nb.cells as { outputs?: unknown[]; execution_count?: unknown }[])
        .some((c) => (c.outputs?.length ?? 0) > 0 || c.execution_count != null);
    if (dirty) {
      console.error(
        `${entry.name} has outputs or execution counts: strip them`,
      );
      bad++;
    }
  }
  return bad;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
