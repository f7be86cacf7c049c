/**
 * The JSON files of a run folder as colourize reads them: what it uses of
 * run.json (whose shape differs between `deno task train --out` folders and
 * the run cache), and a reader that tells a missing file from a broken one.
 *
 * @module
 */

/** What colourize reads of a run's run.json, in either folder's layout. */
export interface RunJson {
  runId?: string;
  spec?: { model?: string; numEpochs?: number };
  config?: { model?: string; numEpochs?: number; paletteColours?: number[] };
  data?: string | { description?: string; synthetic?: boolean };
  palette?: string | { description?: string };
  paletteColours?: number[];
  finished?: string;
  finishedAt?: string;
}

/**
 * Parses the JSON file at `path`: undefined when it does not exist, an error
 * naming the path when it cannot be read or parsed.
 */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
