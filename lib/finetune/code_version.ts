/**
 * The version of the code behind Part C's cached results: a hash of the
 * sources that decide what pre-training, fine-tuning and the cost study
 * compute (lib/finetune, lib/models, lib/train, lib/data, lib/kernels and the
 * seeded random numbers). Cache folders carry it, so a kernel or model change
 * never serves results that the current code would not produce.
 *
 * @module
 */
import { hashSources } from "../io/source_hash.ts";

/** Folders whose sources decide Part C's results (relative to this file). */
const CODE_DIRS = [
  "./",
  "../models/",
  "../train/",
  "../data/",
  "../kernels/",
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
  memo ??= hashSources(import.meta.url, CODE_DIRS, CODE_FILES).then((h) =>
    h.slice(0, 12)
  );
  return memo;
}
