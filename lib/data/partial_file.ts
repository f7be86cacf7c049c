/**
 * The partial file of an interrupted download, kept beside its destination
 * under names the cache never reads: `.NAME.partial` (the bytes so far) and
 * `.NAME.partial.json` (what they are part of: the URL, the md5 wanted, the
 * whole length and the server's validators, so that a resumed request can
 * tell whether the file changed in between).
 *
 * @module
 */

/** What the partial bytes belong to. */
export interface PartialMeta {
  url: string;
  /** The md5 (hex) the whole file must have. */
  md5: string;
  /** The whole file's length, when the server said it. */
  totalBytes?: number;
  /** The server's ETag, sent back as If-Range. */
  etag?: string;
  /** The server's Last-Modified, sent back as If-Range when there is no ETag. */
  lastModified?: string;
}

/** A usable partial file: its path, its length and what it belongs to. */
export interface PartialState {
  path: string;
  size: number;
  meta: PartialMeta;
}

/** The folder of a path: "." for a bare name, "/" for one in the root. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash > 0 ? path.slice(0, slash) : slash === 0 ? "/" : ".";
}

/** The partial file and its description for a destination `dest`. */
export function partialPaths(dest: string): { data: string; meta: string } {
  const slash = dest.lastIndexOf("/");
  const data = `${dest.slice(0, slash + 1)}.${dest.slice(slash + 1)}.partial`;
  return { data, meta: `${data}.json` };
}

/**
 * The partial file of `dest` when it belongs to this URL and md5 and is no
 * longer than the whole file; undefined otherwise (then the download starts
 * from zero and overwrites it). Reads only.
 */
export async function readPartial(
  dest: string,
  expect: { url: string; md5: string },
): Promise<PartialState | undefined> {
  const paths = partialPaths(dest);
  let meta: PartialMeta;
  let size: number;
  try {
    meta = JSON.parse(await Deno.readTextFile(paths.meta));
    size = (await Deno.stat(paths.data)).size;
  } catch {
    return undefined; // none, or unreadable: start again
  }
  const fits = meta.url === expect.url && meta.md5 === expect.md5 &&
    (meta.totalBytes === undefined || size <= meta.totalBytes);
  return fits ? { path: paths.data, size, meta } : undefined;
}

/** Records what the partial file about to be written belongs to. */
export async function writePartialMeta(
  dest: string,
  meta: PartialMeta,
): Promise<void> {
  await Deno.writeTextFile(partialPaths(dest).meta, JSON.stringify(meta));
}

/** Removes the partial file and its description (absent ones are fine). */
export async function dropPartial(dest: string): Promise<void> {
  const paths = partialPaths(dest);
  for (const path of [paths.data, paths.meta]) {
    await Deno.remove(path).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}

/**
 * Waits for the exclusive lock of `dest`'s folder (flock on the folder
 * itself, so no lock file is left behind): two processes never write one
 * partial file. Returns the release.
 */
export async function lockFolder(dest: string): Promise<() => void> {
  const folder = await Deno.open(folderOf(dest), { read: true });
  await folder.lock(true);
  return () => folder.close(); // closing releases the lock
}
