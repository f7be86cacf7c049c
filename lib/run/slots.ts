/**
 * A machine-wide cap on training workers, shared by every process of the
 * user (the report's kernels, a second notebook, `train:all`): N slot files
 * in the temporary folder, each taken with an OS file lock. The OS frees a
 * slot when its holder dies. N is `COLOURLAB_JOBS` when set, else the number
 * of cores.
 *
 * @module
 */
import { coreCount } from "../backend.ts";

/** A taken slot; release it when its worker has ended. */
export interface Slot {
  index: number;
  release(): void;
}

/** The cap: COLOURLAB_JOBS (a positive integer) or the number of cores. */
export function jobLimit(): number {
  let raw: string | undefined;
  try {
    raw = Deno.env.get("COLOURLAB_JOBS");
  } catch { /* no --allow-env */ }
  if (raw === undefined || raw.trim() === "") return coreCount();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`COLOURLAB_JOBS="${raw}" is not a positive integer`);
  }
  return n;
}

/** The folder of the slot files (one per user). */
export function slotDir(): string {
  let tmp = "/tmp";
  let uid: number | null = null;
  try {
    tmp = Deno.env.get("TMPDIR") || tmp;
  } catch { /* no --allow-env */ }
  try {
    uid = Deno.uid();
  } catch { /* no --allow-sys */ }
  return `${tmp}/colourlab-${uid ?? "user"}/slots`;
}

/**
 * Takes a free slot among the first `limit`, waiting while all are taken
 * (by this process or others).
 */
export async function takeSlot(
  opts: { limit?: number; signal?: AbortSignal; pollMs?: number } = {},
): Promise<Slot> {
  const limit = opts.limit ?? jobLimit();
  const dir = slotDir();
  await Deno.mkdir(dir, { recursive: true });
  for (;;) {
    for (let index = 0; index < limit; index++) {
      const file = await Deno.open(`${dir}/slot-${index}`, {
        write: true,
        create: true,
      });
      if (await file.tryLock(true)) {
        let released = false;
        return {
          index,
          release() {
            if (released) return;
            released = true;
            file.close(); // closing drops the lock
          },
        };
      }
      file.close();
    }
    opts.signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    opts.signal?.throwIfAborted();
  }
}
