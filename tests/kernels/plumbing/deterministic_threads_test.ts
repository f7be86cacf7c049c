/**
 * Helper threads never change results: on the threaded wasm backend (2
 * threads) the same filter gradient and memory-bound kernels, repeated from
 * the very first call (while the helper may still be starting) and on a
 * machine loaded by a busy-looping process, give bit-identical outputs, in
 * one process and across processes.
 */
import assert from "node:assert/strict";

const CHILD = new URL("../fixtures/repeat_child.ts", import.meta.url);

function childArgs(repeats: number): string[] {
  const npmDir = new URL(
    "../../../../",
    import.meta.resolve("@tensorflow/tfjs-backend-wasm"),
  );
  const project = decodeURIComponent(
    new URL("../../../", import.meta.url).pathname,
  );
  return [
    "run",
    `--allow-read=${project},${decodeURIComponent(npmDir.pathname)}`,
    CHILD.href,
    String(repeats),
  ];
}

async function runChild(
  repeats: number,
): Promise<{ threads: number; helpersSeen: number; prints: string[] }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: childArgs(repeats),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const out = await child.output();
  clearTimeout(timer);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `child failed or hung (code ${out.code}): ${stderr}`);
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
  return JSON.parse(line);
}

Deno.test("threaded own kernels are bit-identical whatever the timing", async (t) => {
  let first: string | undefined;
  await t.step("repeated calls on a loaded machine", async () => {
    // A sibling spinning on a core, so that the helper is often descheduled.
    const busy = new Deno.Command(Deno.execPath(), {
      args: ["eval", "while (true) {}"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const got = await runChild(24);
      assert.equal(got.threads, 2, "the threaded backend did not start");
      assert.equal(got.helpersSeen, 1, "the helper never took part");
      assert.deepEqual(
        got.prints,
        got.prints.map(() => got.prints[0]),
        "a repetition gave different bits",
      );
      first = got.prints[0];
    } finally {
      busy.kill("SIGKILL");
      await busy.status;
    }
  });
  await t.step("the same bits in another process", async () => {
    const got = await runChild(4);
    assert.ok(first, "the first step did not run");
    assert.deepEqual(got.prints, got.prints.map(() => first));
  });
});
