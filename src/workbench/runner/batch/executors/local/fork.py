"""A fork server: kernels forked from an interpreter that has imported the libraries once.

Starting a kernel process and importing pandas, statsmodels and scikit-learn costs about
2.5 s of CPU per run; forking a process that has already imported them costs a few
hundredths. The server (``python -m workbench.runner.batch.executors.local.fork``)
imports ipykernel and the notebook's libraries, then waits on stdin for requests; each
request forks a child that becomes a brand-new kernel (its own session, environment, log
and connection file). The server runs no user code, so every child starts from the same
clean state: isolation is the same as with a fresh process.

What must not happen before the kernel exists is excluded from the server's imports:
``matplotlib.pyplot`` (it would choose its backend without the kernel's inline display),
and IPython-aware modules. The kernel imports those silently after it starts
(:mod:`.pool`). jupyter_client drives a forked kernel through
:class:`ForkProvisioner`, a ``LocalProvisioner`` that asks the server instead of
``Popen``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, cast

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

__all__ = ["ForkProvisioner", "ForkServer", "PidProcess", "server_imports"]

#: Modules never imported before the kernel starts (see the module docstring).
_NOT_BEFORE_KERNEL = ("matplotlib.pyplot", "pylab", "IPython", "ipywidgets", "tqdm", "seaborn")
_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def server_imports(modules: list[str]) -> list[str]:
    """Return the modules the server may import (those safe before a kernel exists)."""
    return [m for m in modules if not m.startswith(_NOT_BEFORE_KERNEL)]


class PidProcess:
    """The part of ``subprocess.Popen`` jupyter_client uses, for a child of the server.

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
        """Wait until the kernel is gone; return its exit code."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout or 0)
            time.sleep(0.02)
        return int(self.returncode or 0)

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel if it is still alive."""
        # The kernel may exit between poll() and kill(): that is what was wanted anyway
        # (subprocess.Popen tolerates this race in the same way).
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the kernel."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """SIGTERM the kernel."""
        self.send_signal(signal.SIGTERM)


class ForkServer:
    """The server process, and a thread-safe way to ask it for a kernel."""

    def __init__(self, modules: list[str], env: dict[str, str]) -> None:
        self._lock = threading.Lock()
        # The kernel's MPLBACKEND must be set before matplotlib is imported (it reads
        # it at import), as ipykernel would set it in a fresh kernel.
        server_env = {**env, "MPLBACKEND": env.get("MPLBACKEND") or _INLINE_BACKEND}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workbench.runner.batch.executors.local.fork",
                *server_imports(modules),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=server_env,
            start_new_session=True,  # Ctrl-C in the terminal is the batch's to handle
        )
        ready = self._read()
        if ready.get("ready") is not True:
            self.close()
            raise RuntimeError(f"the kernel fork server did not start: {ready}")

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            return {"error": "the fork server exited"}
        return dict(json.loads(line))

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, log: str) -> int:
        """Fork a kernel; return its pid."""
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd, "log": log}) + "\n"
        with self._lock:
            assert self.process.stdin is not None
            try:
                self.process.stdin.write(request.encode("utf-8"))
                self.process.stdin.flush()
            except (OSError, ValueError) as exc:  # ValueError: closed
                raise RuntimeError("the kernel fork server is gone") from exc
            reply = self._read()
        if "pid" not in reply:
            raise RuntimeError(f"the kernel fork server failed: {reply.get('error')}")
        return int(reply["pid"])

    def retire(self) -> None:
        """Fork no more; the server exits once every kernel it forked has ended."""
        with self._lock, contextlib.suppress(OSError, ValueError):
            assert self.process.stdin is not None
            self.process.stdin.write(b'{"quit": true}\n')
            self.process.stdin.flush()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the server and every kernel it forked that is still alive.

        Closing its stdin tells it to (as the batch's death does, SIGKILL included): it
        kills its kernels' process groups and exits.
        """
        with self._lock:
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """A LocalProvisioner whose kernels are forked by a :class:`ForkServer`."""

    server: ForkServer | None = None
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


# --- the server process -------------------------------------------------------------------

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


def _child(request: dict[str, Any], parent: int) -> None:
    """Become the kernel (in the forked child); never returns."""
    try:
        die_with_parent(parent)
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
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
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["argv"])
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _kill_children(children: set[int]) -> None:
    """SIGKILL each kernel's process group (each kernel leads its own)."""
    for pid in children:
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(OSError):
                kill(pid, signal.SIGKILL)


def _wait_children(children: set[int], timeout: float | None = None) -> None:
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


def _serve(modules: list[str]) -> None:
    # Nothing that starts with the server's cwd on sys.path (as ipykernel_launcher does).
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    import ipykernel.kernelapp  # noqa: F401 - the bulk of a kernel's start-up

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the notebook reports it, in its own cell
            continue
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    server, children = os.getpid(), set[int]()
    for line in sys.stdin:
        try:
            request = json.loads(line)
            if request.get("quit"):  # retired: let running kernels finish, then exit
                _wait_children(children)
                return
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(request, server)
            children.add(pid)
            reply: dict[str, Any] = {"pid": pid}
        except Exception as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    # End of input: the batch closed us, or died (even by SIGKILL). No kernel outlives it;
    # each is reaped here before the server exits (never left a zombie for others).
    _kill_children(children)
    _wait_children(children, timeout=5.0)


if __name__ == "__main__":
    _serve(sys.argv[1:])
