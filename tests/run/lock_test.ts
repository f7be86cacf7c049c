import assert from "node:assert/strict";
import { acquireRunLock, readHolder } from "../../lib/run/lock.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

function tinyRun(cacheDir: string, epochs: number) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tests/run/fixtures/tiny_run.ts",
      cacheDir,
      `${epochs}`,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", COLOURLAB_BACKEND: "cpu" },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test({
  name: "two processes ask for the same uncached run at once: it trains once",
  sanitizeResources: false,
  fn: async () => {
    const cacheDir = await Deno.makeTempDir({ prefix: "colourlab_lock_" });
    try {
      const [a, b] = await Promise.all([
        tinyRun(cacheDir, 8),
        tinyRun(cacheDir, 8),
      ]);
      const outs = [a, b].map((o) => {
        assert.ok(o.success, decode(o.stderr));
        return decode(o.stdout);
      });
      const last = outs.map((o) => o.trim().split("\n").at(-1));
      assert.deepEqual(last.sort(), ["cached", "trained"], outs.join("\n--\n"));
      const waited = outs.find((o) => o.includes("cached"))!;
      assert.match(
        waited,
        /waiting for cnn_\S+: process \d+ has been training it/,
      );
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a lock left by a killed process is taken over at once",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "colourlab_lock_" });
    try {
      // a process that takes the lock, says so, then hangs
      const holder = new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          `import { acquireRunLock } from "${ROOT}lib/run/lock.ts";
           await acquireRunLock(${JSON.stringify(dir)});
           console.log("locked");
           await new Promise(() => setInterval(() => {}, 1000));`,
        ],
        stdout: "piped",
      }).spawn();
      const reader = holder.stdout.getReader();
      const { value } = await reader.read();
      assert.match(decode(value!), /locked/);
      const h = await readHolder(`${dir}/lock`);
      assert.equal(h?.pid, holder.pid);
      // while it lives, the lock is busy
      let waited = false;
      const stop = new AbortController();
      const busy = acquireRunLock(dir, {
        signal: stop.signal,
        pollMs: 50,
        onWait: (who) => {
          waited = who?.pid === holder.pid;
          stop.abort();
        },
      });
      await assert.rejects(busy);
      assert.ok(waited, "told who holds the lock");
      holder.kill("SIGKILL");
      await holder.status;
      reader.releaseLock();
      await holder.stdout.cancel();
      const t0 = performance.now();
      const lock = await acquireRunLock(dir, { pollMs: 50 });
      assert.ok(performance.now() - t0 < 2000, "taken over at once");
      assert.equal((await readHolder(`${dir}/lock`))?.pid, Deno.pid);
      lock.release();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
