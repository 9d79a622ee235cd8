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

__all__ = ["ForkProvisioner", "ForkServer", "server_imports"]

#: Modules never imported before the kernel starts (see the module docstring).
_NOT_BEFORE_KERNEL = ("matplotlib.pyplot", "pylab", "IPython", "ipywidgets", "tqdm", "seaborn")
_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def server_imports(modules: list[str]) -> list[str]:
    """Return the modules the server may import (those safe before a kernel exists)."""
    return [m for m in modules if not m.startswith(_NOT_BEFORE_KERNEL)]


class _PidProcess:
    """The part of ``subprocess.Popen`` jupyter_client uses, for a child of the server.

    The server ignores SIGCHLD, so its children are reaped as they exit and a gone
    process is simply one that no longer exists.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -signal.SIGKILL
            except PermissionError:  # pid reused by another user's process: ours is gone
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
            except OSError as exc:
                raise RuntimeError("the kernel fork server is gone") from exc
            reply = self._read()
        if "pid" not in reply:
            raise RuntimeError(f"the kernel fork server failed: {reply.get('error')}")
        return int(reply["pid"])

    def close(self) -> None:
        """Stop the server (its children notice and exit as their parent goes)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


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
        self.process = cast(Any, _PidProcess(pid))
        self.pid = pid
        self.pgid = pid  # the child called setsid()
        self.cwd = cwd
        return self.connection_info


# --- the server process -------------------------------------------------------------------


def _child(request: dict[str, Any]) -> None:
    """Become the kernel (in the forked child); never returns."""
    try:
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
    for line in sys.stdin:
        try:
            request = json.loads(line)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(request)
            reply: dict[str, Any] = {"pid": pid}
        except Exception as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    _serve(sys.argv[1:])
