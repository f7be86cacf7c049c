/**
 * A short reader of tar archives (POSIX ustar, GNU long names, pax `path`),
 * enough for the CIFAR-10 binary archive: 512-byte blocks, a header per
 * entry, file contents padded to whole blocks, two zero blocks at the end.
 *
 * @module
 */
import { DataError } from "./errors.ts";

/** One regular file inside a tar archive. */
export interface TarEntry {
  /** Path inside the archive, e.g. "cifar-10-batches-bin/data_batch_1.bin". */
  name: string;
  /** Its bytes: a view into the archive, not a copy. */
  data: Uint8Array;
}

const BLOCK = 512;
const decoder = new TextDecoder();

/**
 * Lists the regular files of an (uncompressed) tar archive.
 * Throws a {@link DataError} naming `fileName` when the bytes are not tar.
 */
export function parseTar(bytes: Uint8Array, fileName: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined; // from a GNU 'L' or pax 'x' entry
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumOk(header)) {
      throw new DataError(
        offset === 0
          ? `${fileName}: not a tar archive (the first 512-byte header has a bad checksum)`
          : `${fileName}: corrupt tar archive (bad header checksum at byte ${offset})`,
        { path: fileName },
      );
    }
    const size = readNumber(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 48); // NUL means '0'
    const start = offset + BLOCK;
    if (start + size > bytes.length) {
      throw new DataError(
        `${fileName}: truncated tar archive (an entry of ${size} bytes at byte ${offset} runs past the end)`,
        { path: fileName },
      );
    }
    const data = bytes.subarray(start, start + size);
    if (type === "L") {
      longName = cString(data);
    } else if (type === "x") {
      longName = paxPath(data) ?? longName;
    } else if (type === "0" || type === "7") {
      const prefix = cString(header.subarray(345, 500));
      const short = cString(header.subarray(0, 100));
      const isUstar = cString(header.subarray(257, 262)) === "ustar";
      const name = longName ??
        (isUstar && prefix ? `${prefix}/${short}` : short);
      entries.push({ name, data });
      longName = undefined;
    } else {
      longName = undefined; // directories, links, 'g' globals: skipped
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (offset === 0 && bytes.length < BLOCK) {
    throw new DataError(
      `${fileName}: not a tar archive (${bytes.length} bytes, shorter than one header)`,
      { path: fileName },
    );
  }
  return entries;
}

/** The header checksum: sum of all bytes with the checksum field as spaces. */
function checksumOk(header: Uint8Array): boolean {
  const field = cString(header.subarray(148, 156)).trim();
  if (!/^[0-7]+$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) {
    sum += i >= 148 && i < 156 ? 32 : header[i];
  }
  return sum === parseInt(field, 8);
}

/** Octal, or GNU base-256 (high bit set) for sizes of 8 GiB and more. */
function readNumber(field: Uint8Array): number {
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const text = cString(field).trim();
  return text ? parseInt(text, 8) : 0;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** The `path` record of a pax extended header ("<len> path=<value>\n"). */
function paxPath(data: Uint8Array): string | undefined {
  for (const line of decoder.decode(data).split("\n")) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}
