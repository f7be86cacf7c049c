/**
 * SLOW, NEEDS JUPYTER and Linux's /proc: stopping the quick report stops
 * everything it started. Each case starts `deno task report --quick`, waits
 * for its first Deno kernel, then stops the report as a user or a system
 * would: SIGTERM (a timeout), Ctrl-C (SIGINT to the terminal's process group,
 * which the kernel, in a session of its own, is not part of), or SIGKILL of
 * the report process itself. 10 s later no process it started may be left.
 * A last case kills the report in the middle of a five-minute cell, where only
 * the runner's watch on its stdin can notice.
 */
import assert from "node:assert/strict";
import { PROJECT_ROOT } from "../../lib/cli/launch.ts";

/** One process as /proc shows it. */
interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  cmd: string;
}

function readProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      // fields after "(comm)": state ppid pgrp ...
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`)
        .replaceAll("\0", " ").trim();
      procs.push({
        pid: Number(e.name),
        state: rest[0],
        ppid: Number(rest[1]),
        pgid: Number(rest[2]),
        cmd,
      });
    } catch { /* gone meanwhile */ }
  }
  return procs;
}

function descendants(root: number): Proc[] {
  const procs = readProcs();
  const found: Proc[] = [];
  const walk = (pid: number) => {
    for (const p of procs.filter((q) => q.ppid === pid)) {
      found.push(p);
      walk(p.pid);
    }
  };
  walk(root);
  return found;
}

/** Running (a zombie waits only for its parent's wait: it runs nothing). */
function running(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/**
 * Every process whose environment carries `mark`: the report passes its
 * environment to runners, kernels and workers, so this also finds one that
 * started after the snapshot of the tree and was orphaned.
 */
function carrying(mark: string): Proc[] {
  return readProcs().filter((p) => {
    try {
      return Deno.readTextFileSync(`/proc/${p.pid}/environ`).split("\0")
        .includes(mark);
    } catch {
      return false;
    }
  }).filter((p) => running(p.pid));
}

const isKernel = (p: Proc) => /\bjupyter --kernel\b/.test(p.cmd);
const isRunner = (p: Proc) => p.cmd.includes("run_notebook.py");
const isReport = (p: Proc) => p.cmd.includes("lib/report/cli.ts");

async function waitFor<T>(
  what: string,
  probe: () => T | undefined,
  seconds: number,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const found = probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no ${what} within ${seconds} s`);
}

type Stop = "SIGTERM" | "SIGINT" | "SIGKILL";

const LONG_CELL = new URL("../fixtures/notebooks/long_cell", import.meta.url)
  .pathname;

async function stopCase(how: Stop, notebooks?: string): Promise<void> {
  const out = await Deno.makeTempDir({ prefix: "colourlab-stop-" });
  const mark = out; // unique to this case
  const task = new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "report",
      "--quick",
      "--data",
      "synthetic",
      "--no-browser",
      "--out",
      `${out}/report`,
      ...(notebooks ? ["--notebooks", notebooks] : []),
    ],
    cwd: PROJECT_ROOT,
    env: { COLOURLAB_STOP_TEST: mark },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = Promise.all([
    new Response(task.stdout).text(),
    new Response(task.stderr).text(),
  ]);
  try {
    const tree = await waitFor("kernel", () => {
      const procs = descendants(task.pid);
      return procs.some(isKernel) ? procs : undefined;
    }, 180);
    if (notebooks) await new Promise((r) => setTimeout(r, 3000)); // into the cell
    const started = tree.filter((p) =>
      isKernel(p) || isRunner(p) || isReport(p)
    );
    assert.ok(
      started.some(isRunner) && started.some(isReport),
      JSON.stringify(tree),
    );
    // the mark reaches the kernels, so its check below can see a leftover one
    assert.ok(
      carrying(`COLOURLAB_STOP_TEST=${mark}`).some(isKernel),
      "no kernel carries the test's mark",
    );
    if (how === "SIGTERM") {
      Deno.kill(task.pid, "SIGTERM"); // deno task passes it on to the report
    } else if (how === "SIGINT") {
      // Ctrl-C: the terminal signals its foreground process group
      const group = readProcs().find((p) => p.pid === task.pid)!.pgid;
      for (const p of [{ pid: task.pid, pgid: group }, ...tree]) {
        if (p.pgid === group && running(p.pid)) Deno.kill(p.pid, "SIGINT");
      }
    } else {
      Deno.kill(tree.find(isReport)!.pid, "SIGKILL");
    }
    await new Promise((r) => setTimeout(r, 10_000));
    const left = started.filter((p) => running(p.pid));
    assert.deepEqual(
      left.map((p) => `${p.pid} ${p.cmd}`),
      [],
      `still running 10 s after ${how}`,
    );
    assert.deepEqual(
      carrying(`COLOURLAB_STOP_TEST=${mark}`).map((p) => `${p.pid} ${p.cmd}`),
      [],
      `started by the report and still running 10 s after ${how}`,
    );
    const status = await task.status;
    const [stdout, stderr] = await output;
    if (how !== "SIGKILL") {
      assert.equal(status.code, how === "SIGTERM" ? 143 : 130, stderr);
      assert.match(stderr, new RegExp(`report: stopped by ${how}`));
    }
    assert.match(stdout, /\[1\/\d+\] 01_/);
    if (notebooks) assert.doesNotMatch(stdout, /ok in/, "stopped mid-cell");
  } finally {
    try {
      task.kill("SIGKILL");
    } catch { /* exited */ }
    await task.status;
    await output.catch(() => {});
    await Deno.remove(out, { recursive: true });
  }
}

for (const how of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
  Deno.test(
    `the quick report stopped by ${how} leaves no runner or kernel`,
    () => stopCase(how),
  );
}

Deno.test(
  "a report killed mid-cell (SIGKILL) leaves no runner or kernel",
  () => stopCase("SIGKILL", LONG_CELL),
);
