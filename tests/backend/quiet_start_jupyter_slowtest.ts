/**
 * SLOW, NEEDS JUPYTER (the Deno kernel, jupyter_client): a kernel started
 * without XDG_RUNTIME_DIR runs the first cell of every notebook (tfjs and the
 * GPU probe) and prints no `error:` line and no build-script warning, on the
 * kernel's stderr or in the cell's outputs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RUNNER, SYSTEM_PYTHON } from "../../lib/report/run_notebook.ts";
import { envWithoutRuntimeDir, FALSE_ALARMS } from "./fixtures/quiet.ts";

const NOTEBOOK = new URL(
  "../fixtures/notebooks/quiet_start/01_init.ipynb",
  import.meta.url,
).pathname;

Deno.test("a kernel start without XDG_RUNTIME_DIR prints no false alarm", async () => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab-quiet-kernel-" });
  try {
    const executed = join(dir, "01_init.ipynb");
    const out = await new Deno.Command(SYSTEM_PYTHON, {
      args: [RUNNER, NOTEBOOK, "--out", executed],
      clearEnv: true,
      env: envWithoutRuntimeDir(),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr); // the kernel's too
    assert.ok(out.success, stderr);
    const nb = JSON.parse(await Deno.readTextFile(executed));
    const outputs = JSON.stringify(nb.cells[1].outputs);
    assert.match(outputs, /backend: \S+/, "the cell ran");
    for (const text of [stderr, ...nb.cells[1].outputs.map(textOf)]) {
      for (const alarm of FALSE_ALARMS) assert.doesNotMatch(text, alarm);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function textOf(output: { text?: string | string[] }): string {
  return Array.isArray(output.text) ? output.text.join("") : output.text ?? "";
}
