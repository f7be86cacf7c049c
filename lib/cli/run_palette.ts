/**
 * Finding the palette a run was trained with: without it, the model's
 * output (palette indices) cannot be turned back into colours.
 *
 * @module
 */
import { resolve } from "node:path";
import { paletteFromJson } from "../data/palette_file.ts";
import type { Palette } from "../data/types.ts";
import { PROJECT_ROOT } from "./launch.ts";
import { readJson, type RunJson } from "./run_json.ts";

/**
 * The run's palette: stored colours (`paletteColours` in the checkpoint
 * config, config.json or run.json), else the file its run.json palette line
 * names ("cached in PATH"), else the palette cache next to the run cache
 * (`<runs>/../palettes/`) entry with the same description.
 */
export async function runPalette(
  dir: string,
  { config, runJson, numColours }: {
    config: Record<string, unknown>;
    runJson?: RunJson;
    numColours?: number;
  },
): Promise<Palette> {
  const line = typeof runJson?.palette === "string"
    ? runJson.palette
    : runJson?.palette?.description;
  const configJson = await readJson<{ paletteColours?: number[] }>(
    `${dir}/config.json`,
  );
  const stored = config.paletteColours ?? configJson?.paletteColours ??
    runJson?.paletteColours;
  if (Array.isArray(stored) && stored.length % 3 === 0 && stored.length > 0) {
    const rgb = [];
    for (let i = 0; i < stored.length; i += 3) rgb.push(stored.slice(i, i + 3));
    return {
      ...paletteFromJson(rgb, dir),
      description: line ?? `palette stored with ${dir}`,
    };
  }
  const fits = (p: Palette) =>
    numColours === undefined || p.numColours === numColours;
  const match = line?.match(/\(cached in (.+\.json)\)$/)?.[1];
  if (match) {
    // the train CLI writes it relative to the project root
    const named = resolve(PROJECT_ROOT, match);
    const json = await readJson<unknown>(named).catch(() => undefined);
    const palette = json === undefined
      ? undefined
      : paletteFromJson(json, named);
    if (palette && fits(palette)) return palette;
  }
  const cache = resolve(dir, "../../palettes");
  if (line) {
    try {
      for await (const e of Deno.readDir(cache)) {
        if (!e.isFile || !e.name.endsWith(".json")) continue;
        const json = await readJson<{ description?: string }>(
          `${cache}/${e.name}`,
        ).catch(() => undefined);
        const d = json?.description;
        if (
          d !== undefined && (line === d || line.startsWith(`${d} (cached in `))
        ) {
          const palette = paletteFromJson(json, `${cache}/${e.name}`);
          if (fits(palette)) return palette;
        }
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  throw new Error(
    `${dir}: the palette this model was trained with is not stored with the run` +
      (line
        ? ` (its run.json says "${line}", and no such palette is in ${cache})`
        : "") +
      `; train a run with \`deno task train ... --out DIR\`, which stores it, and pass --run DIR`,
  );
}
