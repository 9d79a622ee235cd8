"""Kernels forked from an interpreter that has imported the libraries once.

Starting a kernel process and importing pandas, statsmodels and scikit-learn costs about
2.5 s of CPU per run; forking a process that has already imported them costs a few
hundredths. A fork server imports ipykernel and the libraries, then forks a child per
request that becomes a brand-new kernel (its own session, environment, log and
connection file). The server runs no user code, so every child starts from the same
clean state: isolation is the same as with a fresh process.

Two servers use these pieces: the batch's (``runner/batch/executors/local/fork.py``,
driven over a pipe, one per batch) and ``workbench serve`` (:mod:`._serve`, one per user
and environment, driven over a Unix socket).

What must not happen before the kernel exists is excluded from a server's imports:
``matplotlib.pyplot`` (it would choose its backend without the kernel's inline display),
and IPython-aware modules. jupyter_client drives a forked kernel through
:class:`ForkProvisioner`, a ``LocalProvisioner`` that asks a server instead of ``Popen``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, cast

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

__all__ = [
    "ForkProvisioner",
    "Forker",
    "PidProcess",
    "become_kernel",
    "die_with_parent",
    "forked_by",
    "kill_children",
    "server_env",
    "server_imports",
    "wait_children",
]

#: Modules never imported before the kernel starts (see the module docstring).
_NOT_BEFORE_KERNEL = ("matplotlib.pyplot", "pylab", "IPython", "ipywidgets", "tqdm", "seaborn")
_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def server_imports(modules: list[str]) -> list[str]:
    """Return the modules a server may import (those safe before a kernel exists)."""
    return [m for m in modules if not m.startswith(_NOT_BEFORE_KERNEL)]


def server_env(env: Mapping[str, str]) -> dict[str, str]:
    """Return a fork server's environment for kernels whose environment is ``env``.

    The kernel's MPLBACKEND must be set before matplotlib is imported (it reads it at
    import), as ipykernel would set it in a fresh kernel.
    """
    return {**env, "MPLBACKEND": env.get("MPLBACKEND") or _INLINE_BACKEND}


class Forker(Protocol):
    """A fork server as a provisioner sees it."""

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, log: str) -> int:
        """Fork a kernel; return its pid."""


class PidProcess:
    """The part of ``subprocess.Popen`` jupyter_client uses, for a child of a server.

    The server ignores SIGCHLD, so its children are reaped as they exit and a gone
    process is simply one that no longer exists.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Return the exit code (-SIGKILL) once the kernel is gone, else None.

        A zombie counts as gone: once the server has exited, its dead kernels wait for
        whichever process adopted them to reap them.
        """
        import psutil

        if self.returncode is None:
            try:
                if psutil.Process(self.pid).status() == psutil.STATUS_ZOMBIE:
                    self.returncode = -signal.SIGKILL
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                # gone, or the pid reused by another user's process: ours is gone
                self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout or 0)
            time.sleep(0.02)
        return int(self.returncode or 0)

    def send_signal(self, signum: int) -> None:
        # The kernel may exit between poll() and kill(): that is what was wanted anyway
        # (subprocess.Popen tolerates this race in the same way).
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """A LocalProvisioner whose kernels are forked by a server (a :class:`Forker`)."""

    server: Forker | None = None
    log_path = ""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Ask the server for a kernel instead of starting a process."""
        assert self.server is not None
        argv = cmd[cmd.index("-f") :] if "-f" in cmd else cmd[1:]
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        pid = self.server.fork(argv, env, cwd, self.log_path)
        self.process = cast(Any, PidProcess(pid))
        self.pid = pid
        self.pgid = pid  # the child called setsid()
        self.cwd = cwd
        return self.connection_info


def forked_by(server: Forker, log_path: Path) -> Callable[[Any], None]:
    """Return a hook that makes a kernel manager fork its kernel from ``server``."""

    def prepare(manager: Any) -> None:
        manager.kernel_id = str(uuid.uuid4())
        provisioner = ForkProvisioner(
            kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec, parent=manager
        )
        provisioner.server = server
        provisioner.log_path = str(log_path)
        manager.provisioner = provisioner

    return prepare


# --- inside a server process ---------------------------------------------------------------

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Have the kernel get SIGKILL when ``parent`` (the server) dies; exit if it has.

    Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere the server's own clean-up on
    end of input is what ends its kernels.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the server died before the call: nothing to serve
        os._exit(1)


def become_kernel(request: dict[str, Any], parent: int) -> None:
    """Become the kernel of ``request`` (in the forked child); never returns.

    ``request`` holds the kernel's ``argv``, whole ``env``, ``cwd`` and ``log`` path.
    """
    try:
        die_with_parent(parent)
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # Unseeded draws differ from run to run as in a fresh kernel (``random`` reseeds
        # itself after a fork; numpy's global generator would repeat the server's).
        numpy_random = sys.modules.get("numpy.random")
        if numpy_random is not None:
            numpy_random.seed()
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["argv"])
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def kill_children(children: set[int]) -> None:
    """SIGKILL each kernel's process group (each kernel leads its own)."""
    for pid in children:
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(OSError):
                kill(pid, signal.SIGKILL)


def wait_children(children: set[int], timeout: float | None = None) -> None:
    """Return once none of ``children`` is alive (they are reaped automatically)."""
    import time

    deadline = None if timeout is None else time.monotonic() + timeout
    while children and (deadline is None or time.monotonic() < deadline):
        for pid in list(children):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                children.discard(pid)
        time.sleep(0.1)
