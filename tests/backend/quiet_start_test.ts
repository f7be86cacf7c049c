/**
 * No false alarms: a task started without XDG_RUNTIME_DIR (a machine with no
 * desktop session) prints no `error:` line and no build-script warning,
 * while a real failure still prints. The Jupyter kernel's start is checked in
 * quiet_start_jupyter_slowtest.ts.
 */
import assert from "node:assert/strict";
import { PROJECT_ROOT } from "../../lib/cli/launch.ts";
import { probeGpu } from "../../lib/backend/webgpu.ts";
import { envWithoutRuntimeDir, FALSE_ALARMS } from "./fixtures/quiet.ts";

async function taskWithoutRuntimeDir(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", ...args],
    cwd: PROJECT_ROOT,
    clearEnv: true,
    env: envWithoutRuntimeDir(),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test("a task without XDG_RUNTIME_DIR: no false alarm, real failures still print", async (t) => {
  const out = await Deno.makeTempDir({ prefix: "colourlab-quiet-" });
  try {
    await t.step("a normal training run", async () => {
      const r = await taskWithoutRuntimeDir([
        "train",
        "--model",
        "cnn",
        "--epochs",
        "1",
        "--batch-size",
        "10",
        "--lr",
        "0.001",
        "--data",
        "synthetic",
        "--limit-train",
        "20",
        "--limit-val",
        "10",
        "--out",
        `${out}/run`,
      ]);
      assert.equal(r.code, 0, r.text);
      for (const alarm of FALSE_ALARMS) assert.doesNotMatch(r.text, alarm);
      // the GPU was probed (where Mesa is installed it found its software adapter)
      assert.match(r.text, /^backend: \S+/m);
    });
    await t.step("a real failure still prints its error", async () => {
      const r = await taskWithoutRuntimeDir([
        "train",
        "--model",
        "cnn",
        "--epochs",
        "1",
        "--batch-size",
        "10",
        "--lr",
        "0.001",
        "--data",
        `${out}/no-such-archive.tar.gz`,
        "--out",
        `${out}/run2`,
      ]);
      assert.notEqual(r.code, 0);
      assert.match(r.text, /^error: .*no-such-archive\.tar\.gz: no such file/m);
    });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("probeGpu() leaves XDG_RUNTIME_DIR as it found it", async () => {
  const before = Deno.env.get("XDG_RUNTIME_DIR");
  try {
    Deno.env.delete("XDG_RUNTIME_DIR");
    await probeGpu();
    assert.equal(Deno.env.get("XDG_RUNTIME_DIR"), undefined);
    Deno.env.set("XDG_RUNTIME_DIR", "relative");
    await probeGpu();
    assert.equal(Deno.env.get("XDG_RUNTIME_DIR"), "relative");
  } finally {
    if (before === undefined) Deno.env.delete("XDG_RUNTIME_DIR");
    else Deno.env.set("XDG_RUNTIME_DIR", before);
  }
});
