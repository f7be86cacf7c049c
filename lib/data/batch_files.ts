/**
 * Reads the six CIFAR-10 binary batch files from a `.tar.gz` archive or from
 * an extracted folder, and fingerprints what was read (sha256).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { DataError } from "./errors.ts";
import { parseTar } from "./tar.ts";

/** The batch files of the official binary version, in the order hashed. */
export const BATCH_FILES = [
  "data_batch_1.bin",
  "data_batch_2.bin",
  "data_batch_3.bin",
  "data_batch_4.bin",
  "data_batch_5.bin",
  "test_batch.bin",
] as const;

/** The folder the official archive unpacks to. */
export const BATCH_FOLDER = "cifar-10-batches-bin";

/** The batch files' bytes by file name, and a fingerprint of the source. */
export interface BatchFiles {
  /** The six files' bytes, by file name (views, not copies). */
  files: Map<string, Uint8Array>;
  /**
   * Archive: sha256 of the archive file's bytes. Folder: sha256 of the six
   * batch files' contents concatenated in {@link BATCH_FILES} order.
   */
  sha256: string;
  /** Where each file was found (for error messages), by file name. */
  where: Map<string, string>;
}

/**
 * Reads the batch files from a gzip-compressed tar archive; the archive is
 * streamed through sha256 and gunzip, only the uncompressed tar is held.
 */
export async function readArchiveBatches(path: string): Promise<BatchFiles> {
  const { head, tail, size } = await peek(path);
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    throw new DataError(
      `${path}: not a gzip file (expected a .tar.gz archive; it starts with bytes ${
        hex(head)
      })`,
      { path },
    );
  }
  // gzip's trailer holds the uncompressed size mod 2^32: presize the buffer
  // (unless it is implausible, as in a truncated file; then grow as needed).
  const hint = size >= 18
    ? new DataView(tail.buffer, tail.byteOffset).getUint32(0, true)
    : 0;
  const plausible = hint <= 64 * size + (1 << 20);
  let tar = new Uint8Array(Math.max(plausible ? hint : 2 * size, 1 << 16));
  let used = 0;
  const hash = createHash("sha256");
  const input = createReadStream(path);
  input.on("data", (chunk) => hash.update(chunk as Uint8Array));
  try {
    await pipeline(input, createGunzip(), async function (source) {
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        if (used + chunk.length > tar.length) {
          const grown = new Uint8Array(
            Math.max(tar.length * 2, used + chunk.length),
          );
          grown.set(tar.subarray(0, used));
          tar = grown;
        }
        tar.set(chunk, used);
        used += chunk.length;
      }
    });
  } catch (err) {
    throw new DataError(
      `${path}: gzip data is corrupt or truncated (${(err as Error).message})`,
      { path, cause: err },
    );
  }
  const files = new Map<string, Uint8Array>();
  const where = new Map<string, string>();
  const entries = parseTar(tar.subarray(0, used), path);
  for (const entry of entries) {
    const base = entry.name.split("/").pop() ?? "";
    if ((BATCH_FILES as readonly string[]).includes(base) && !files.has(base)) {
      files.set(base, entry.data);
      where.set(base, `${path}:${entry.name}`);
    }
  }
  requireAll(
    files,
    path,
    `the archive holds ${describe(entries.map((e) => e.name))}`,
  );
  return { files, sha256: hash.digest("hex"), where };
}

/**
 * Reads the batch files from a folder that contains `cifar-10-batches-bin/`
 * or the `.bin` files themselves.
 */
export async function readFolderBatches(path: string): Promise<BatchFiles> {
  let dir = path;
  try {
    if ((await Deno.stat(`${path}/${BATCH_FOLDER}`)).isDirectory) {
      dir = `${path}/${BATCH_FOLDER}`;
    }
  } catch { /* no sub-folder: the files sit in `path` itself */ }
  const files = new Map<string, Uint8Array>();
  const where = new Map<string, string>();
  const hash = createHash("sha256");
  for (const name of BATCH_FILES) {
    try {
      const bytes = await Deno.readFile(`${dir}/${name}`);
      files.set(name, bytes);
      where.set(name, `${dir}/${name}`);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  requireAll(files, dir, `looked in ${dir}`);
  for (const name of BATCH_FILES) hash.update(files.get(name)!);
  return { files, sha256: hash.digest("hex"), where };
}

function requireAll(
  files: Map<string, Uint8Array>,
  path: string,
  context: string,
): void {
  const missing = BATCH_FILES.filter((name) => !files.has(name));
  if (missing.length > 0) {
    throw new DataError(
      `${path}: CIFAR-10 batch files missing: ${
        missing.join(", ")
      } (${context}; ` +
        `expected ${BATCH_FOLDER}/data_batch_1.bin ... data_batch_5.bin and test_batch.bin)`,
      { path },
    );
  }
}

/** The first and last bytes of a file, and its size. */
async function peek(
  path: string,
): Promise<{ head: Uint8Array; tail: Uint8Array; size: number }> {
  using file = await Deno.open(path);
  const size = (await file.stat()).size;
  const head = new Uint8Array(Math.min(4, size));
  await readFully(file, head);
  const tail = new Uint8Array(4);
  if (size >= 4) {
    await file.seek(size - 4, Deno.SeekMode.Start);
    await readFully(file, tail);
  }
  return { head, tail, size };
}

async function readFully(file: Deno.FsFile, buf: Uint8Array): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const n = await file.read(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
}

function hex(bytes: Uint8Array): string {
  return bytes.length === 0
    ? "(empty file)"
    : [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

function describe(names: string[]): string {
  if (names.length === 0) return "no files";
  const shown = names.slice(0, 5).join(", ");
  return names.length > 5 ? `${shown}, ... (${names.length} files)` : shown;
}
