/**
 * Test helpers: a small tar writer, CIFAR-10 records in the official layout,
 * and temporary archives and folders built from them. No network, no files
 * outside a temporary folder.
 *
 * @module
 */
import { gzipSync } from "node:zlib";

/** One file for {@link tarBytes}. */
export interface TarFile {
  name: string;
  data: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * A tar archive of `files`. Names longer than 100 bytes use a ustar prefix
 * when they split at a "/", else a GNU 'L' or pax 'x' entry (`longNames`).
 */
export function tarBytes(
  files: TarFile[],
  opts: { longNames?: "gnu" | "pax" } = {},
): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const file of files) {
    let name = file.name;
    let prefix = "";
    if (encoder.encode(name).length > 100) {
      const cut = name.lastIndexOf("/", 155);
      if (!opts.longNames && cut > 0 && name.length - cut - 1 <= 100) {
        prefix = name.slice(0, cut);
        name = name.slice(cut + 1);
      } else if (opts.longNames === "pax") {
        const record = (len: number) => `${len} path=${file.name}\n`;
        let len = record(0).length;
        while (record(len).length !== len) len = record(len).length;
        blocks.push(...entry("PaxHeader", encoder.encode(record(len)), "x"));
        name = file.name.slice(0, 100);
      } else {
        blocks.push(
          ...entry("././@LongLink", encoder.encode(file.name + "\0"), "L"),
        );
        name = file.name.slice(0, 100);
      }
    }
    blocks.push(...entry(name, file.data, "0", prefix));
  }
  blocks.push(new Uint8Array(1024)); // two zero blocks end the archive
  return concat(blocks);
}

function entry(
  name: string,
  data: Uint8Array,
  type: string,
  prefix = "",
): Uint8Array[] {
  const header = new Uint8Array(512);
  const put = (text: string, at: number) =>
    header.set(encoder.encode(text), at);
  put(name, 0);
  put("0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put(data.length.toString(8).padStart(11, "0") + "\0", 124);
  put("00000000000\0", 136);
  put("        ", 148);
  put(type, 156);
  put("ustar\0" + "00", 257);
  put(prefix, 345);
  let sum = 0;
  for (const b of header) sum += b;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  return [header, padded];
}

/** Concatenates byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * CIFAR-10 records with the given labels; pixel byte i of record r depends on
 * r, the batch `salt` and i, so every image differs.
 */
export function cifarRecords(labels: number[], salt: number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    const off = r * 3073;
    out[off] = label;
    for (let i = 0; i < 3072; i++) {
      out[off + 1 + i] = (i * 7 + r * 13 + salt * 29 + (i >> 10) * 50) & 255;
    }
  });
  return out;
}

/** Labels of the fixture batches: horses (7) among other classes. */
export const FIXTURE_LABELS: Record<string, number[]> = {
  "data_batch_1.bin": [7, 3, 7],
  "data_batch_2.bin": [0, 7],
  "data_batch_3.bin": [9, 9],
  "data_batch_4.bin": [7],
  "data_batch_5.bin": [1, 7, 2, 7],
  "test_batch.bin": [7, 4, 3, 7, 8],
};

/** The six batch files of the fixture (salt = position, so batches differ). */
export function fixtureBatches(): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  Object.entries(FIXTURE_LABELS).forEach(([name, labels], b) => {
    out[name] = cifarRecords(labels, b);
  });
  return out;
}

/** Files in the official layout: cifar-10-batches-bin/<name>. */
export function officialLayout(files: Record<string, Uint8Array>): TarFile[] {
  return Object.entries(files).map(([name, data]) => ({
    name: `cifar-10-batches-bin/${name}`,
    data,
  }));
}

/** Writes `files` as a .tar.gz in `dir`; returns its path. */
export async function writeArchive(
  dir: string,
  files: Record<string, Uint8Array>,
  name = "cifar.tar.gz",
): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeFile(path, gzipSync(tarBytes(officialLayout(files))));
  return path;
}

/** Writes `files` into `dir/extracted/cifar-10-batches-bin/`; returns `dir/extracted`. */
export async function writeFolder(
  dir: string,
  files: Record<string, Uint8Array>,
): Promise<string> {
  const root = `${dir}/extracted`;
  await Deno.mkdir(`${root}/cifar-10-batches-bin`, { recursive: true });
  for (const [name, data] of Object.entries(files)) {
    await Deno.writeFile(`${root}/cifar-10-batches-bin/${name}`, data);
  }
  return root;
}

/** Every file under `dir` (relative paths), for "nothing left behind" checks. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(sub: string): Promise<void> {
    for await (const e of Deno.readDir(`${dir}/${sub}`)) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory) await walk(rel);
      else out.push(rel);
    }
  }
  try {
    await walk("");
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

/** Runs `fn` with an environment variable set (or unset), then restores it. */
export async function withEnv<T>(
  name: string,
  value: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const old = Deno.env.get(name);
  if (value === undefined) Deno.env.delete(name);
  else Deno.env.set(name, value);
  try {
    return await fn();
  } finally {
    if (old === undefined) Deno.env.delete(name);
    else Deno.env.set(name, old);
  }
}
