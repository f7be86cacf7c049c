#!/usr/bin/python3
"""Execute a Jupyter notebook top to bottom in a fresh Deno kernel, losing no output.

Why not nbclient (`jupyter execute`, `nbconvert --execute`): the Deno kernel often
publishes a cell's outputs after its `status: idle` message, and nbclient stops
listening at idle, so those outputs vanish (see ../shared/notes/notebook-leads.md).
This client files every IOPub message under its parent msg_id (whenever it
arrives) and, after a cell's execute_reply and idle, keeps reading until the
channel has been quiet for a grace period before it sends the next cell. The next
request is only sent once the previous cell's output has drained, so the kernel
cannot stamp a late output with the wrong parent.

Usage:
  /usr/bin/python3 tools/run_notebook.py NOTEBOOK [--out EXECUTED] [--timeout S]
      [--grace S] [--kernel NAME] [--startup-timeout S] [--quiet] [--watch-stdin]

The kernel runs in the notebook's folder with this process's environment (so
COLOURLAB_* variables pass through) plus NO_COLOR=1. The repo's kernel spec
(jupyter/kernels/deno) is found by prepending jupyter/ to JUPYTER_PATH.

Exit status: 0 when every cell ran, 1 on a cell error or timeout (the executed
notebook is still written, up to and including the failing cell), 2 on bad usage
or a kernel that does not start. On failure the last stderr line names the
notebook and the cell: `FAILED notebook.ipynb cell 7 (code cell 5): Error: ...`.

The Deno kernel may publish outputs after it reports idle: none may be lost.

Nothing outlives the runner: SIGTERM or SIGINT (Ctrl-C) kills the kernel's process
group and exits with 128 + the signal; on Linux the kernel also gets SIGKILL when
the runner dies any other way (PR_SET_PDEATHSIG). With --watch-stdin the runner
stops the same way when its stdin reaches end of file: the report holds that pipe
open, so the runner stops when the report dies, even by SIGKILL.
"""

import argparse
import ctypes
import os
import queue
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from jupyter_client.manager import KernelManager
from nbformat.v4 import output_from_msg

REPO = Path(__file__).resolve().parent.parent
OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error"}


class CellFailure(Exception):
    """A cell raised, timed out, or the kernel died while running it."""


class KernelStartFailure(Exception):
    """The kernel did not answer kernel_info in time."""


class OutputCollector:
    """Files IOPub messages into cells' outputs by parent msg_id.

    Keeps a display_id -> [(cell, index)] map so update_display_data updates
    every output shown with that id in place, in whichever cell it lives.
    """

    def __init__(self):
        self.cells_by_msg = {}  # msg_id -> notebook cell
        self.displays = {}  # display_id -> list of (cell, output index)
        self.clear_pending = {}  # msg_id -> True when clear_output(wait=True)
        self.idle = set()  # msg_ids whose status: idle has arrived
        self.errors = {}  # msg_id -> error output
        self.execution_counts = {}
        self.last_message_at = time.monotonic()
        self.orphans = 0  # messages whose parent we never sent
        self.idle_at = {}  # msg_id -> monotonic time of its status: idle
        self.late = 0  # outputs that arrived after their cell's idle (nbclient loses these)
        self.max_late_s = 0.0

    def track(self, msg_id, cell):
        self.cells_by_msg[msg_id] = cell
        cell.outputs = []

    def handle(self, msg):
        self.last_message_at = time.monotonic()
        parent = msg.get("parent_header", {}).get("msg_id")
        kind = msg["header"]["msg_type"]
        content = msg["content"]
        if kind == "status":
            if content.get("execution_state") == "idle":
                self.idle.add(parent)
                self.idle_at[parent] = self.last_message_at
            return
        if parent in self.idle_at and (kind in OUTPUT_TYPES or kind.endswith("display_data")):
            self.late += 1
            self.max_late_s = max(self.max_late_s, self.last_message_at - self.idle_at[parent])
        if kind == "update_display_data":
            # Updates are routed by display_id, not by parent: a progress bar may be
            # updated from a later cell than the one that showed it.
            self._update_display(content)
            return
        cell = self.cells_by_msg.get(parent)
        if cell is None:
            if kind in OUTPUT_TYPES or kind == "clear_output":
                self.orphans += 1
            return
        if kind == "execute_input":
            self.execution_counts[parent] = content.get("execution_count")
        elif kind == "clear_output":
            if content.get("wait"):
                self.clear_pending[parent] = True
            else:
                self._clear(cell)
        elif kind in OUTPUT_TYPES:
            if self.clear_pending.pop(parent, False):
                self._clear(cell)
            self._append(cell, msg, kind, content)
            if kind == "error":
                self.errors[parent] = content

    def _clear(self, cell):
        cell.outputs = []
        for entries in self.displays.values():
            entries[:] = [(c, i) for (c, i) in entries if c is not cell]

    def _append(self, cell, msg, kind, content):
        if kind == "stream" and cell.outputs:
            last = cell.outputs[-1]
            if last.output_type == "stream" and last.name == content.get("name"):
                last.text += content.get("text", "")
                return
        out = output_from_msg(msg)
        cell.outputs.append(out)
        display_id = (content.get("transient") or {}).get("display_id")
        if display_id and kind == "display_data":
            self.displays.setdefault(display_id, []).append((cell, len(cell.outputs) - 1))

    def _update_display(self, content):
        display_id = (content.get("transient") or {}).get("display_id")
        for cell, index in self.displays.get(display_id, []):
            out = cell.outputs[index]
            out.data = content.get("data", {})
            out.metadata = content.get("metadata", {})


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("notebook", type=Path)
    p.add_argument("--out", type=Path, help="executed copy (default: overwrite NOTEBOOK)")
    p.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("COLOURLAB_CELL_TIMEOUT", "3600")),
        help="seconds one cell may run, 0 for no limit (default 3600 or $COLOURLAB_CELL_TIMEOUT)",
    )
    p.add_argument(
        "--grace",
        type=float,
        default=0.3,
        help="quiet seconds after a cell's reply and idle before it counts as done",
    )
    p.add_argument("--kernel", default="deno", help="kernel spec name (default deno)")
    p.add_argument("--startup-timeout", type=float, default=120)
    p.add_argument("--quiet", action="store_true", help="no per-cell progress on stderr")
    p.add_argument(
        "--watch-stdin",
        action="store_true",
        help="stop (killing the kernel) when stdin reaches end of file: the parent is gone",
    )
    return p.parse_args(argv)


class Stopper:
    """Kills the running kernel and exits when the runner is told to stop.

    The kernel runs in a session of its own (jupyter_client starts it so), so a
    signal to the runner's process group never reaches it: the runner must kill
    it, and does so with SIGKILL on the kernel's whole process group (the Deno
    kernel may ignore SIGTERM while a cell computes).
    """

    def __init__(self):
        self.km = None
        self._launching = False
        self._pending = None

    @contextmanager
    def launching(self):
        """Defers a stop until the kernel's launch has returned.

        Between the fork and the end of Popen the kernel exists but `km` does not
        know it yet: a stop there would exit without killing it, and if the
        child had not yet set its parent-death signal it would outlive us.
        """
        self._launching = True
        try:
            yield
        finally:
            self._launching = False
            if self._pending is not None:
                self.stop(self._pending)

    def stop(self, signum, _frame=None):
        if self._launching:
            self._pending = signum
            return
        km = self.km
        if km is not None and km.has_kernel:
            pgid = getattr(km.provisioner, "pgid", None)
            try:
                if pgid:
                    os.killpg(pgid, signal.SIGKILL)
                else:
                    km.provisioner.process.kill()
            except (OSError, AttributeError):
                pass  # gone already
            try:
                km.cleanup_connection_file()
            except OSError:
                pass
        name = signal.Signals(signum).name
        print(f"run_notebook: stopped by {name}; the kernel was killed", file=sys.stderr, flush=True)
        os._exit(128 + signum)

    def install(self, watch_stdin):
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self.stop)
        if watch_stdin:
            threading.Thread(target=self._watch_stdin, daemon=True).start()

    def _watch_stdin(self):
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        # The parent is gone: stop as for SIGTERM, in the main thread.
        os.kill(os.getpid(), signal.SIGTERM)


STOPPER = Stopper()


def die_with(runner_pid):
    """The kernel's pre-exec step: SIGKILL when the runner dies (Linux).

    Runs in the forked child: only a prctl call and getppid, nothing that could
    take a lock. The runner may already have died (SIGKILL) between the fork and
    the prctl, when no death signal would come: then the child exits at once.
    """

    def preexec():
        PR_SET_PDEATHSIG = 1
        LIBC.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
        if os.getppid() != runner_pid:
            os._exit(1)

    return preexec


LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def kernel_env():
    env = dict(os.environ)
    env["NO_COLOR"] = "1"  # else text results carry ANSI colour codes
    return env


def drain(kc, collector, block_s):
    """Handles IOPub messages for up to block_s seconds (first wait blocks)."""
    deadline = time.monotonic() + block_s
    timeout = block_s
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=max(timeout, 0.0))
        except queue.Empty:
            return
        collector.handle(msg)
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            # Keep taking what is already queued without waiting.
            timeout = 0.0
            deadline = time.monotonic()


def run_cell(km, kc, collector, cell, args):
    """Runs one code cell; returns its wall seconds or raises CellFailure."""
    started = time.monotonic()
    msg_id = kc.execute(cell.source, store_history=True, allow_stdin=False, stop_on_error=True)
    collector.track(msg_id, cell)
    reply = None
    # 0: no limit (a full report's training cell may take hours on a laptop)
    deadline = started + (args.timeout if args.timeout > 0 else float("inf"))
    while reply is None or msg_id not in collector.idle:
        if time.monotonic() > deadline:
            raise CellFailure(f"timed out after {args.timeout:g} s")
        if not km.is_alive():
            raise CellFailure("the kernel died")
        if reply is None:
            try:
                shell = kc.get_shell_msg(timeout=0.05)
                if shell["parent_header"].get("msg_id") == msg_id:
                    reply = shell["content"]
            except queue.Empty:
                pass
        drain(kc, collector, 0.05)
    # Grace: wait until the channel has been quiet for args.grace seconds.
    while time.monotonic() - collector.last_message_at < args.grace:
        drain(kc, collector, args.grace - (time.monotonic() - collector.last_message_at))
    count = reply.get("execution_count") or collector.execution_counts.get(msg_id)
    cell.execution_count = count
    error = collector.errors.get(msg_id)
    if error is None and reply.get("status") == "error":
        error = reply
    if error is not None:
        raise CellFailure(f"{error.get('ename', 'Error')}: {error.get('evalue', '')}".strip())
    if reply.get("status") == "aborted":
        raise CellFailure("execution aborted by the kernel")
    return time.monotonic() - started


def execute(nb, nb_path, args):
    """Runs every code cell; returns (failure message or None, wall seconds)."""
    jupyter_dir = str(REPO / "jupyter")
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if jupyter_dir not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([jupyter_dir, *paths])
    km = KernelManager(kernel_name=args.kernel)
    started = time.monotonic()
    STOPPER.km = km
    launch = {"preexec_fn": die_with(os.getpid())} if LIBC is not None else {}
    with STOPPER.launching():
        km.start_kernel(cwd=str(nb_path.parent.resolve()), env=kernel_env(), **launch)
    kc = km.client()
    kc.start_channels()
    failure = None
    try:
        try:
            kc.wait_for_ready(timeout=args.startup_timeout)
        except RuntimeError as e:
            raise KernelStartFailure(f"kernel {args.kernel!r} did not start: {e}") from e
        collector = OutputCollector()
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        for cell in code_cells:
            cell.outputs = []
            cell.execution_count = None
        code_index = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            code_index += 1
            if not cell.source.strip():
                continue
            try:
                seconds = run_cell(km, kc, collector, cell, args)
            except CellFailure as e:
                failure = f"cell {index + 1} (code cell {code_index}): {e}"
                break
            if not args.quiet:
                print(
                    f"  {nb_path.name}: code cell {code_index}/{len(code_cells)}"
                    f" done in {seconds:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
        if collector.orphans and not args.quiet:
            print(f"  note: {collector.orphans} output(s) had no known parent", file=sys.stderr)
        stats = nb.metadata.setdefault("colourlab", {})
        stats["late_outputs"] = collector.late
        stats["max_late_seconds"] = round(collector.max_late_s, 3)
        stats["orphan_outputs"] = collector.orphans
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return failure, time.monotonic() - started


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    STOPPER.install(args.watch_stdin)
    nb_path = args.notebook
    if not nb_path.is_file():
        print(f"run_notebook: no such notebook: {nb_path}", file=sys.stderr)
        return 2
    nb = nbformat.read(nb_path, as_version=4)
    try:
        failure, seconds = execute(nb, nb_path, args)
    except (KernelStartFailure, NoSuchKernel, OSError) as e:
        # OSError: no such kernel binary (deno not on PATH).
        print(f"run_notebook: {e}", file=sys.stderr)
        return 2
    meta = nb.metadata.setdefault("colourlab", {})
    meta["wall_seconds"] = round(seconds, 3)
    meta["failed"] = failure
    out = args.out or nb_path
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, out)
    if failure:
        print(f"FAILED {nb_path.name} {failure}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"  {nb_path.name}: all cells ran in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
