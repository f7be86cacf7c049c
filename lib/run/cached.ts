/**
 * A cached measurement that is not a training run (Part C's cost study):
 * kept in `<dir>/result.json` with the same key as runs have (lib/run/key.ts),
 * its code followed from its own roots, and computed again, saying why, when
 * the code or the packages changed.
 *
 * @module
 */
import { writeFileAtomic } from "../io/file_handler.ts";
import { codeFiles } from "./code_version.ts";
import { packageVersions, stableHash, staleReason } from "./key.ts";
import { acquireRunLock } from "./lock.ts";
import type { RunKey } from "./run_json.ts";

/** Options of {@link loadOrCompute}. */
export interface CachedOptions {
  /** What decides the value besides the code (options, data hashes). */
  identity: unknown;
  /** Modules the value's code starts from, relative to lib/. */
  roots: readonly string[];
  /** Why a cached value is not reused, in one line. */
  onLine?: (line: string) => void;
}

interface Stored<T> {
  key: RunKey;
  value: T;
}

/**
 * The value in `dir/result.json` when it was computed under the same key,
 * else `compute()` now, stored there (under the folder's lock, so two
 * processes compute it once).
 */
export async function loadOrCompute<T>(
  dir: string,
  opts: CachedOptions,
  compute: () => Promise<T>,
): Promise<{ value: T; cached: boolean }> {
  const key: RunKey = {
    identity: stableHash(opts.identity),
    packages: packageVersions(),
    code: await codeFiles(opts.roots),
  };
  const path = `${dir}/result.json`;
  const read = async (): Promise<Stored<T> | undefined> => {
    try {
      return JSON.parse(await Deno.readTextFile(path)) as Stored<T>;
    } catch {
      return undefined;
    }
  };
  const fresh = (s: Stored<T> | undefined) =>
    s?.key && staleReason(s.key, key) === undefined;
  const first = await read();
  if (fresh(first)) return { value: first!.value, cached: true };
  const lock = await acquireRunLock(dir);
  try {
    const now = await read();
    if (fresh(now)) return { value: now!.value, cached: true };
    if (now?.key) {
      opts.onLine?.(`recomputing ${dir}: ${staleReason(now.key, key)}`);
    }
    const value = await compute();
    await writeFileAtomic(path, JSON.stringify({ key, value }, null, 1) + "\n");
    return { value, cached: false };
  } finally {
    lock.release();
  }
}
