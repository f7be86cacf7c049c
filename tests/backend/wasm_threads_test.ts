/**
 * The threaded wasm build (lib/backend/wasm_threads.ts) in child processes:
 * it starts with 2 threads, computes what one thread computes, and lets the
 * process exit by itself.
 */
import assert from "node:assert/strict";
import { decodeFloats } from "./fixtures/base64.ts";

const CHILD = new URL("./fixtures/wasm_child.ts", import.meta.url);
const FAULT_CHILD = new URL("./fixtures/wasm_fault_child.ts", import.meta.url);
/** An exiting child takes about a second; a hanging pool never exits. */
const EXIT_LIMIT_MS = 30_000;

interface ChildResult {
  info: { name: string; threads: number; fallbacks: string[] };
  conv: string;
  matMul: string;
  convGrad: string;
  ms: number;
}

/** Runs a child with narrow permissions; fails if it does not exit in time. */
async function runChild(threads: number, script = CHILD): Promise<ChildResult> {
  const npmDir = new URL(
    "../../../../",
    import.meta.resolve("@tensorflow/tfjs-backend-wasm"),
  );
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${
        decodeURIComponent(new URL("../../", import.meta.url).pathname)
      },${decodeURIComponent(npmDir.pathname)}`,
      script.href,
      String(threads),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), EXIT_LIMIT_MS);
  const out = await child.output();
  clearTimeout(timer);
  const ms = performance.now() - t0;
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(
    ms < EXIT_LIMIT_MS && out.success,
    `child with ${threads} threads did not exit cleanly in ${EXIT_LIMIT_MS} ms (code ${out.code}): ${stderr}`,
  );
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
  return { ...JSON.parse(line), ms };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

Deno.test("threaded wasm under Deno", async (t) => {
  const [one, two] = await Promise.all([runChild(1), runChild(2)]);

  await t.step("2 threads start, with no fallback", () => {
    assert.equal(two.info.name, "wasm");
    assert.deepEqual(two.info.fallbacks, []);
    assert.equal(two.info.threads, 2);
    assert.equal(one.info.threads, 1);
  });

  await t.step("the process exits by itself within a few seconds", () => {
    // Includes Deno start-up and compiling tfjs; generous for a shared machine.
    assert.ok(two.ms < 20_000, `took ${two.ms.toFixed(0)} ms`);
  });

  for (const key of ["conv", "matMul", "convGrad"] as const) {
    await t.step(`${key}: 2 threads give what 1 thread gives`, () => {
      const a = decodeFloats(one[key]);
      const b = decodeFloats(two[key]);
      assert.ok(a.length > 1000);
      assert.ok(a.some((v) => v !== 0));
      // XNNPACK splits work by output tiles, never a sum: bit-identical.
      const d = maxRelDiff(b, a);
      assert.equal(d, 0, `max relative difference ${d}`);
    });
  }
});

Deno.test("pool workers that fail make threaded wasm fall back, not crash", async () => {
  const r = await runChild(2, FAULT_CHILD) as unknown as {
    error: string;
    ok: boolean;
    threads: number;
    sum: number;
    ms: number;
  };
  assert.match(r.error, /a wasm pool worker failed: injected fault/);
  assert.equal(r.ok, true);
  assert.equal(r.threads, 1);
  // 3x3 'same' conv of ones over 5x5x2 ones: 2 * (9 * 9 + 12 * 6 + 4 * 4).
  assert.equal(r.sum, 338);
});
