/**
 * bench/profile.ts in child processes (the stock baseline replaces kernels
 * process-wide): with own kernels and with --stock, on a tiny batch.
 */
import assert from "node:assert/strict";

async function profile(extra: string[]): Promise<string> {
  const root = new URL("../../", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("bench/profile.ts", root).href,
      "--model",
      "cnn",
      "--batch",
      "2",
      "--steps",
      "1",
      "--threads",
      "1",
      ...extra,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return text;
}

Deno.test("bench/profile.ts profiles own and stock kernels", async (t) => {
  await t.step("own kernels", async () => {
    const text = await profile([]);
    assert.match(text, /own kernels/);
    assert.match(text, /images\/s/);
    assert.match(text, /Conv2DBackpropFilter/);
    // The stock path's input gradient kernel is gone.
    assert.doesNotMatch(text, /Conv2DBackpropInput/);
  });
  await t.step("--stock", async () => {
    const text = await profile(["--stock"]);
    assert.match(text, /stock tfjs kernels/);
    assert.match(text, /Conv2DBackpropInput/);
    assert.match(text, /Conv2DBackpropFilter/);
  });
});
