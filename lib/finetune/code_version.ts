/**
 * The version of the code behind Part C's cached results: a hash of the
 * sources that decide what pre-training, fine-tuning and the cost study
 * compute (lib/finetune, lib/models, lib/train, lib/data, lib/kernels and the
 * seeded random numbers). Cache folders carry it, so a kernel or model change
 * never serves results that the current code would not produce.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Folders whose sources decide Part C's results (relative to this file). */
const CODE_DIRS = [
  "./",
  "../models/",
  "../train/",
  "../data/",
  "../kernels/",
  "../kernels/wasm/",
  "../kernels/as/",
];
const CODE_FILES = ["../random.ts"];

let memo: Promise<string> | undefined;

/**
 * The first 12 hex digits of the sha256 of those sources (file names and
 * contents, in name order); computed once per process.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function fineTuneCodeVersion(): Promise<string> {
  memo ??= (async () => {
    const files: URL[] = CODE_FILES.map((f) => new URL(f, import.meta.url));
    for (const dir of CODE_DIRS) {
      const url = new URL(dir, import.meta.url);
      for await (const e of Deno.readDir(url)) {
        if (e.isFile && e.name.endsWith(".ts")) {
          files.push(new URL(e.name, url));
        }
      }
    }
    files.sort((a, b) => a.href.localeCompare(b.href));
    const hash = createHash("sha256");
    for (const f of files) {
      hash.update(f.href.slice(f.href.lastIndexOf("/lib/")) + "\0");
      hash.update(await Deno.readFile(f));
    }
    return hash.digest("hex").slice(0, 12);
  })();
  return memo;
}
