"""Kernels started ahead of need, with the notebook's libraries already imported.

About 90% of a fresh-kernel run of a typical notebook is kernel start and library
imports. A batch knows what comes next, so this pool keeps a few kernels booting and
importing while earlier runs compute. Each kernel serves exactly one run and is then
killed: no run can see another's variables or module state.

The imports are executed *silently* (``silent=True, store_history=False``): they bump no
execution count and broadcast no output, so the executed notebook is the one papermill
would write. The run directory is not known when a kernel starts; it is handed over at
claim time, again silently, by setting the kernel's ``WORKBENCH_RUN_DIR``.
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import os
import threading
import uuid
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from workbench.runner._fork import forked_by
from workbench.runner._kernel import Kernel, kernel_env
from workbench.runner._registry import Analysis
from workbench.runner.results import RUN_DIR_ENV

__all__ = ["STANDARD_LIBRARIES", "HandedKernel", "KernelPool", "bind", "notebook_imports"]

#: What standard analyses use, often through ``wb.blocks`` rather than an import in the
#: notebook: imported ahead of need as well (importing adds no output to a notebook).
STANDARD_LIBRARIES = (
    "numpy",
    "pandas",
    "matplotlib",
    # Most of pyplot's import, and the font cache: safe before the kernel exists (no
    # backend is chosen), so the fork server loads them once for every kernel.
    "matplotlib.font_manager",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "statsmodels.api",
    "sklearn",
)

#: Seconds to wait for a kernel's silent imports and run-directory hand-over.
READY_TIMEOUT = 120.0


def notebook_imports(analysis: Analysis) -> list[str]:
    """Return the modules a notebook imports at the top level of its code cells."""
    names: list[str] = []
    for cell in analysis.notebook.cells:
        if cell.cell_type != "code":
            continue
        # IPython magics are not Python; drop them before parsing.
        source = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in cell.source.splitlines()
        )
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return list(dict.fromkeys(names))


def _preload_code(modules: list[str]) -> str:
    # Each import on its own: a module missing here fails in the notebook, visibly.
    lines = ["import importlib as _wb_il"]
    lines += [
        f"try:\n    _wb_il.import_module({m!r})\nexcept Exception:\n    pass" for m in modules
    ]
    lines.append("del _wb_il")
    return "\n".join(lines)


def _alive(kernel: Kernel) -> bool:
    process = getattr(kernel.manager.provisioner, "process", None)
    return process is not None and process.poll() is None


class _Client:
    """A blocking client on a kernel's shell channel, for silent code only."""

    def __init__(self, kernel: Kernel) -> None:
        from jupyter_client import BlockingKernelClient

        self.kernel = kernel
        self.client = BlockingKernelClient()
        self.client.load_connection_info(kernel.manager.get_connection_info())
        self.client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)

    def run_silently(self, code: str, timeout: float) -> bool:
        """Execute ``code`` silently; return whether it ran (False: dead, or no reply)."""
        import queue
        import time

        deadline = time.monotonic() + timeout
        try:
            msg_id = self.client.execute(code, silent=True, store_history=False)
            # Wait a second at a time, so that a kernel that died is noticed at once.
            while time.monotonic() < deadline and _alive(self.kernel):
                try:
                    reply = self.client.get_shell_msg(timeout=1.0)
                except queue.Empty:
                    continue
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    return True
            return False
        except Exception:  # a closed socket: the run then fails visibly
            return False
        finally:
            self.client.stop_channels()


class WarmKernel(Kernel):
    """A pooled kernel; its log moves into the run directory when it is claimed."""

    def __init__(
        self, env: dict[str, str], log_path: Path, preload: str, server: Any = None
    ) -> None:
        super().__init__(env, log_path, forked_by(server, log_path) if server else None)
        self.log_path = log_path
        self.ready = threading.Event()
        self.warmed = True  # False: its imports got no reply (it died, or hangs)
        self.preload = preload

    def warm(self) -> None:
        """Run the imports silently (in the pool's thread) and mark the kernel ready."""
        try:
            if self.preload:
                self.warmed = _Client(self).run_silently(self.preload, READY_TIMEOUT)
        finally:
            self.ready.set()

    def adopt(self, run_dir: Path, log_name: str, env: Mapping[str, str] | None = None) -> None:
        """Bind the kernel to ``run_dir`` (see :func:`bind`)."""
        self.ready.wait(READY_TIMEOUT)
        bind(self, self.log_path, run_dir / log_name, run_dir, env)

    def handle(self) -> dict[str, Any]:
        """Return what another process needs to drive this kernel (:class:`HandedKernel`)."""
        info = dict(self.manager.get_connection_info())
        key = info.get("key", b"")
        info["key"] = key.decode("ascii") if isinstance(key, bytes) else key
        provisioner = self.manager.provisioner
        return {
            "connection": info,
            "pid": provisioner.process.pid,
            "pgid": getattr(provisioner, "pgid", None),
            "log": str(self.log_path),
            "mark": self.mark,
            "started_at": self.started_at,
        }


def bind(
    kernel: Kernel,
    log_path: Path,
    run_log: Path,
    run_dir: Path,
    env: Mapping[str, str] | None = None,
) -> None:
    """Bind a pre-started kernel to ``run_dir``: its log, ``WORKBENCH_RUN_DIR`` and ``env``.

    ``env`` (the run's secrets) is sent as code that is executed silently: never stored
    in the kernel's history, never in a notebook.
    """
    # A rename keeps the kernel's open log handle valid (same file system: both live
    # under the batch's output folder).
    with contextlib.suppress(OSError):
        os.replace(log_path, run_log)
    values = {RUN_DIR_ENV: str(run_dir), **dict(env or {})}
    sets = "".join(f"_wb_os.environ[{k!r}] = {v!r}\n" for k, v in values.items())
    code = f"import os as _wb_os\n{sets}del _wb_os"
    if not _Client(kernel).run_silently(code, READY_TIMEOUT):
        raise RuntimeError("the pre-started kernel did not answer")


class HandedKernel(Kernel):
    """A pool's kernel driven from another process (a run driver), from its :meth:`handle`.

    The pool's process started it and closes it; here it is only driven and, when the
    run ends, killed.
    """

    def __init__(self, handle: Mapping[str, Any]) -> None:  # no super(): nothing starts
        from jupyter_client.manager import AsyncKernelManager

        from workbench.runner._fork import ForkProvisioner, PidProcess
        from workbench.runner._kernel import KERNEL_NAME

        self.mark = str(handle["mark"])
        self.started_at = float(handle["started_at"])
        self.log_path = Path(handle["log"])
        manager: Any = AsyncKernelManager(kernel_name=KERNEL_NAME)
        manager.load_connection_info(dict(handle["connection"]))
        manager.kernel_id = str(uuid.uuid4())
        provisioner = ForkProvisioner(
            kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec, parent=manager
        )
        provisioner.process = cast(Any, PidProcess(int(handle["pid"])))
        provisioner.pid = int(handle["pid"])
        provisioner.pgid = handle.get("pgid")
        manager.provisioner = provisioner
        self.manager = manager

    def close(self) -> None:
        """Kill the kernel; the pool's process reaps it and removes its connection file."""
        self.kill()


class KernelPool:
    """Keep up to ``size`` kernels started and warming; hand each to one run.

    Parameters
    ----------
    size : int
        Kernels kept started ahead of need (usually the number of workers plus one).
    preload : list of str
        Modules to import silently in each kernel before it is handed out.
    log_dir : pathlib.Path
        Where kernel logs wait until their run directory exists (under the batch's
        output folder, so that claiming moves them with a rename).
    budget : int
        Kernels the batch will need at most, so that none is started in vain; claims
        beyond it start a kernel on demand (retries).
    fork : bool
        Fork kernels from a server that has imported the libraries once
        (:mod:`.fork`); if the server cannot start, kernels start as processes.
    """

    def __init__(
        self, size: int, preload: list[str], log_dir: Path, budget: int, *, fork: bool = True
    ) -> None:
        self.size = max(size, 1)
        self.modules = preload
        self.fork = fork
        self.server: Any = None
        self._retired: list[Any] = []
        self.preload = _preload_code(preload) if preload else ""
        self.log_dir = log_dir
        self.budget = budget
        self._ready: deque[WarmKernel] = deque()
        self._live: set[Kernel] = set()
        self._lock = threading.Lock()
        self._wanted = threading.Condition(self._lock)
        self._counter = itertools.count(1)
        self._closed = False
        self._failures = 0
        self._env = kernel_env(None)  # a run's, without its folder (set on claim)
        self._thread = threading.Thread(
            target=self._fill, name="workbench-kernel-pool", daemon=True
        )
        log_dir.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def _start(self) -> WarmKernel:
        log = self.log_dir / f"kernel-{next(self._counter):05d}.log"
        kernel = WarmKernel(self._env, log, self.preload, self.server)
        with self._lock:
            self._live.add(kernel)
        return kernel

    def _start_server(self) -> None:
        if not self.fork or self.budget <= 0:
            return
        from workbench.runner.batch.executors.local.fork import ForkServer

        try:
            self.server = ForkServer(self.modules, self._env)
        except (OSError, RuntimeError):
            self.server = None  # kernels start as processes, as in a single run

    def _fill(self) -> None:
        """Start kernels while fewer than ``size`` wait and the budget allows."""
        self._start_server()
        while True:
            with self._wanted:
                while not self._closed and (len(self._ready) >= self.size or self.budget <= 0):
                    self._wanted.wait()
                if self._closed:
                    return
                self.budget -= 1
            try:
                kernel = self._start()
            except Exception:
                self._start_failed()
                continue
            with self._wanted:
                if self._closed:
                    self._discard(kernel)
                    return
                self._ready.append(kernel)
                self._wanted.notify_all()
            # Imports run in the kernel; this thread only waits for the reply, in its own
            # thread so that the next kernel starts booting meanwhile.
            threading.Thread(target=kernel.warm, name="workbench-kernel-warm", daemon=True).start()

    def _start_failed(self) -> None:
        """After a failed start: stop forking, then stop starting ahead of need.

        Without the fork server, kernels start as processes; if those fail too, each
        claim starts its own and its run fails with the reason (``kernel_start``).
        """
        with self._wanted:
            self.budget += 1
            if self.server is not None:
                server, self.server = self.server, None
                server.retire()  # its running kernels finish their runs
                self._retired.append(server)
            else:
                self._failures += 1
                if self._failures >= 3:
                    self.budget = 0
            self._wanted.notify_all()

    def _next(self) -> WarmKernel | None:
        with self._wanted:
            while not self._ready and self.budget > 0 and not self._closed:
                self._wanted.wait(0.5)
            kernel = self._ready.popleft() if self._ready else None
            self._wanted.notify_all()
        if kernel is None and self._closed:
            raise RuntimeError("the kernel pool is closed (the batch was interrupted)")
        return kernel

    def take(self) -> WarmKernel:
        """Return a started, warmed kernel not yet bound to a run (for a run driver).

        A pre-started kernel that died while it waited is discarded and replaced.
        """
        kernel = self._next()
        if kernel is not None:
            kernel.ready.wait(READY_TIMEOUT)
            if kernel.warmed and _alive(kernel):
                return kernel
            self._discard(kernel)
        kernel = self._start()  # beyond the budget (a retry), or instead of a dead one
        try:
            kernel.warm()
        except BaseException:
            self.release(kernel)
            raise
        return kernel

    def claim(self, run_dir: Path, log_name: str, env: Mapping[str, str] | None = None) -> Kernel:
        """Return a kernel bound to ``run_dir``, waiting for a pre-started one if any."""
        kernel = self._next()
        if kernel is None:  # beyond the budget (a retry): start one now
            kernel = self._start()
            kernel.warm()
        else:
            try:
                kernel.adopt(run_dir, log_name, env)
                return kernel
            except Exception:  # a pre-started kernel that died while it waited
                self._discard(kernel)
            kernel = self._start()  # the run gets a fresh one, not a failure
            kernel.warm()
        try:
            kernel.adopt(run_dir, log_name, env)
        except BaseException:
            self.release(kernel)
            raise
        return kernel

    def release(self, kernel: Kernel) -> None:
        """Forget a kernel the run has finished with (it kills and reaps it itself)."""
        with self._lock:
            self._live.discard(kernel)

    def kill_all(self) -> None:
        """Kill every kernel the pool started and that is still alive (Ctrl-C)."""
        with self._lock:
            live = list(self._live)
        for kernel in live:
            kernel.kill()

    def _discard(self, kernel: Kernel) -> None:
        kernel.kill()
        with contextlib.suppress(Exception):
            kernel.close()
        self._live.discard(kernel)
        if isinstance(kernel, WarmKernel):
            Path(kernel.log_path).unlink(missing_ok=True)

    def close(self) -> None:
        """Stop starting kernels; kill and reap the ones never claimed."""
        with self._wanted:
            self._closed = True
            waiting = list(self._ready)
            self._ready.clear()
            self._wanted.notify_all()
        self._thread.join(timeout=30)
        with self._lock:
            for kernel in waiting:
                self._discard(kernel)
        for server in [*self._retired, self.server]:
            if server is not None:
                server.close()
        with contextlib.suppress(OSError):
            self.log_dir.rmdir()  # empty once every kernel was claimed or discarded
