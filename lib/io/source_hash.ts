/**
 * A version of source code: the sha256 of a set of source files (their
 * paths from `lib/` and their contents, in name order). Caches key their
 * results by it, so that code changes never serve stale results.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * sha256 (hex) of `files` and of every `.ts` file in `dirs` and their
 * subfolders, both relative to `base` (a module's `import.meta.url`).
 *
 * @see notebooks/04_skip_connections.ipynb, notebooks/06_fine_tuning.ipynb
 */
export async function hashSources(
  base: string,
  dirs: readonly string[],
  files: readonly string[],
): Promise<string> {
  const urls: URL[] = files.map((f) => new URL(f, base));
  const walk = async (url: URL): Promise<void> => {
    for await (const e of Deno.readDir(url)) {
      if (e.isDirectory) await walk(new URL(`${e.name}/`, url));
      else if (e.isFile && e.name.endsWith(".ts")) {
        urls.push(new URL(e.name, url));
      }
    }
  };
  for (const dir of dirs) await walk(new URL(dir, base));
  urls.sort((a, b) => a.href.localeCompare(b.href));
  const hash = createHash("sha256");
  for (const f of urls) {
    hash.update(f.href.slice(f.href.lastIndexOf("/lib/")) + "\0");
    hash.update(await Deno.readFile(f));
  }
  return hash.digest("hex");
}
