/**
 * The report's side of running a notebook: a runner that exits while a process
 * it started still holds its output pipes must not keep the report waiting.
 * A small Python script stands in for the runner.
 */
import assert from "node:assert/strict";
import { runNotebook, SYSTEM_PYTHON } from "../../lib/report/run_notebook.ts";

async function fakeRunner(dir: string, body: string): Promise<string> {
  const path = `${dir}/runner.py`;
  await Deno.writeTextFile(path, `import subprocess, sys\n${body}\n`);
  return path;
}

Deno.test("a runner's leftover process does not keep the report waiting on its pipes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab-runner-" });
  const pidFile = `${dir}/left.pid`;
  // The sleep inherits stdout and stderr, as an orphaned kernel would.
  const runner = await fakeRunner(
    dir,
    `left = subprocess.Popen(["sleep", "60"])
open(${JSON.stringify(pidFile)}, "w").write(str(left.pid))
print("  x.ipynb: all cells ran", file=sys.stderr)`,
  );
  const lines: string[] = [];
  const started = performance.now();
  try {
    const run = await runNotebook(`${dir}/x.ipynb`, {
      out: `${dir}/out.ipynb`,
      python: SYSTEM_PYTHON,
      runner,
      onLine: (line) => lines.push(line),
    });
    const waited = (performance.now() - started) / 1000;
    assert.ok(waited < 10, `waited ${waited.toFixed(1)} s`);
    assert.equal(run.ok, true);
    assert.match(run.log, /all cells ran/);
    assert.match(run.log, /still held the runner's output/);
    assert.ok(lines.some((l) => /still held the runner's output/.test(l)));
  } finally {
    const pid = Number(await Deno.readTextFile(pidFile).catch(() => "0"));
    if (pid > 0) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a runner that leaves nothing behind is read to its end", async () => {
  const dir = await Deno.makeTempDir({ prefix: "colourlab-runner-" });
  const runner = await fakeRunner(
    dir,
    `print("FAILED x.ipynb cell 2 (code cell 1): Error: boom", file=sys.stderr)
sys.exit(1)`,
  );
  try {
    const run = await runNotebook(`${dir}/x.ipynb`, {
      out: `${dir}/out.ipynb`,
      python: SYSTEM_PYTHON,
      runner,
    });
    assert.equal(run.ok, false);
    assert.equal(run.failure, "cell 2 (code cell 1): Error: boom");
    assert.doesNotMatch(run.log, /still held/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
