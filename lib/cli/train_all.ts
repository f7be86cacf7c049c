/**
 * `deno task train:all`: trains (or finds in the cache) every run the
 * notebooks ask for, before a report. It has no list of its own: it runs
 * each notebook's code cells up to and including its cell tagged "train"
 * (the one that calls `train.runAll`), all notebooks at once, so the runs
 * share the machine-wide cap on workers and each run trains once.
 *
 *   deno task train:all [--quick] [--data PATH|synthetic] [--weizmann DIR|synthetic] [--list]
 *
 * `--list` prints one line per run, ending in ": cached" or ": to train",
 * and trains nothing.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { PLAN_ONLY_VARIABLE } from "../run/run_all.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
}

/**
 * A notebook's code cells up to and including the first tagged "train", as
 * one module (imports first); undefined when it trains nothing.
 */
export function trainingPrefix(cells: Cell[]): string | undefined {
  const code = cells.filter((c) => c.cell_type === "code");
  const at = code.findIndex((c) => c.metadata?.tags?.includes("train"));
  if (at < 0) return undefined;
  const text = code.slice(0, at + 1).map((c) =>
    Array.isArray(c.source) ? c.source.join("") : c.source
  ).join("\n");
  const lines = text.split("\n");
  const imports = lines.filter((l) => /^import\s/.test(l));
  const rest = lines.filter((l) => !/^import\s/.test(l));
  // --list: runAll throws "RunsPlanned" once it has printed its plan
  return `${imports.join("\n")}
try {
${rest.join("\n")}
} catch (e) {
  if ((e as Error).name !== "RunsPlanned") throw e;
  console.log((e as Error).message);
}
Deno.exit(0);
`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      data: { type: "string" },
      weizmann: { type: "string" },
      notebooks: { type: "string", default: `${ROOT}/notebooks` },
    },
  });
  const env: Record<string, string> = { NO_COLOR: "1" };
  if (values.quick) env.COLOURLAB_QUICK = "1";
  if (values.list) env[PLAN_ONLY_VARIABLE] = "1";
  if (values.data) {
    env.COLOURLAB_DATA = values.data === "synthetic"
      ? "synthetic"
      : resolve(values.data);
  }
  if (values.weizmann) {
    env.COLOURLAB_WEIZMANN = values.weizmann === "synthetic"
      ? "synthetic"
      : resolve(values.weizmann);
  }
  const dir = await Deno.makeTempDir({ dir: ROOT, prefix: ".train_all_" });
  try {
    const jobs: Promise<boolean>[] = [];
    const names: string[] = [];
    for await (const e of Deno.readDir(values.notebooks)) {
      if (e.isFile && e.name.endsWith(".ipynb")) names.push(e.name);
    }
    for (const name of names.sort()) {
      const nb = JSON.parse(
        await Deno.readTextFile(`${values.notebooks}/${name}`),
      );
      const prefix = trainingPrefix(nb.cells);
      if (!prefix) continue;
      const module = `${dir}/${name.replace(/\.ipynb$/, ".ts")}`;
      await Deno.writeTextFile(module, prefix);
      jobs.push(runPrefix(name, module, values.notebooks, env));
    }
    const ok = await Promise.all(jobs);
    return ok.every(Boolean) ? 0 : 1;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs one notebook's prefix, its output lines prefixed with the notebook's name. */
async function runPrefix(
  name: string,
  module: string,
  cwd: string,
  env: Record<string, string>,
): Promise<boolean> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", module],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const tag = name.replace(/\.ipynb$/, "");
  const pipe = async (stream: ReadableStream<Uint8Array>, err: boolean) => {
    let buffered = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        if (
          !line.trim() || /TensorFlow\.js in Node|^=+$|tfjs-node/.test(line)
        ) {
          continue;
        }
        (err ? console.error : console.log)(`${tag}: ${line}`);
      }
    }
  };
  await Promise.all([pipe(child.stdout, false), pipe(child.stderr, true)]);
  const status = await child.status;
  if (!status.success) console.error(`${tag}: FAILED (exit ${status.code})`);
  return status.success;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
