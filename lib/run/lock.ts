/**
 * One process trains a run at a time: an exclusive OS file lock (flock) on
 * `<run folder>/lock`. The OS drops the lock when its holder dies, however it
 * dies, so a lock left by a crashed process is simply free: the next process
 * takes it over. The file itself is never deleted (deleting a locked file
 * would let two processes lock two different files of the same name); it
 * holds the holder's pid and start time for the "waiting for" message.
 *
 * @module
 */

/** File name of the lock inside a run folder. */
export const LOCK_FILE = "lock";

/** Who holds a lock, as its file says. */
export interface LockHolder {
  pid: number;
  hostname: string;
  since: string;
}

/** A held lock; release it once the run folder is complete. */
export interface RunLock {
  /** Unlocks and closes the file (idempotent). */
  release(): void;
}

/** Options of {@link acquireRunLock}. */
export interface AcquireOptions {
  /** Told once when the lock is busy, before waiting. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Gives up waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Milliseconds between two tries (default 500). */
  pollMs?: number;
}

/**
 * Takes the lock of run folder `dir` (created if missing), waiting while
 * another process holds it.
 */
export async function acquireRunLock(
  dir: string,
  opts: AcquireOptions = {},
): Promise<RunLock> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${LOCK_FILE}`;
  const file = await Deno.open(path, { read: true, write: true, create: true });
  try {
    let told = false;
    while (!(await file.tryLock(true))) {
      if (!told) {
        told = true;
        opts.onWait?.(await holderSoon(path));
      }
      opts.signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
      opts.signal?.throwIfAborted();
    }
  } catch (e) {
    file.close();
    throw e;
  }
  const holder: LockHolder = {
    pid: Deno.pid,
    hostname: hostname(),
    since: new Date().toISOString(),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(holder) + "\n");
  await file.truncate(0);
  await file.write(bytes);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        file.unlockSync();
      } finally {
        file.close();
      }
    },
  };
}

/** The holder recorded in a lock file, if it can be read. */
export async function readHolder(
  path: string,
): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await Deno.readTextFile(path));
    return typeof h?.pid === "number" ? h as LockHolder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The holder, given a moment to appear: a process writes its name into the
 * lock file just after it took the lock, so a waiter may find it still empty.
 */
async function holderSoon(path: string): Promise<LockHolder | undefined> {
  for (let i = 0; i < 20; i++) {
    const h = await readHolder(path);
    if (h) return h;
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown"; // no --allow-sys
  }
}

/**
 * Waits while another process holds the lock of run folder `dir`, without
 * taking it (a scheduler waits here before it takes a worker slot, so that a
 * run trained elsewhere does not hold one of the machine's slots idle).
 */
export async function waitUntilUnlocked(
  dir: string,
  opts: AcquireOptions = {},
): Promise<void> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(`${dir}/${LOCK_FILE}`, { read: true, write: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return; // never locked
    throw e;
  }
  try {
    let told = false;
    while (!(await file.tryLock(true))) {
      if (!told) {
        told = true;
        opts.onWait?.(await holderSoon(`${dir}/${LOCK_FILE}`));
      }
      opts.signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
    await file.unlock();
  } finally {
    file.close();
  }
}
