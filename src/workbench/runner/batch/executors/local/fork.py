"""The batch's fork server: kernels forked from an interpreter that imported the libraries.

The server (``python -m workbench.runner.batch.executors.local.fork``) imports ipykernel
and the notebook's libraries, then waits on stdin for requests; each request forks a
child that becomes a brand-new kernel. How a child becomes a kernel, and what may be
imported before it exists, live in :mod:`workbench.runner._fork` (shared with
``workbench serve``); jupyter_client drives a forked kernel through its
:class:`~workbench.runner._fork.ForkProvisioner`.
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
from typing import Any

from workbench.runner._fork import (
    ForkProvisioner,
    become_kernel,
    kill_children,
    server_env,
    server_imports,
    wait_children,
)

__all__ = ["ForkProvisioner", "ForkServer", "server_imports"]


class ForkServer:
    """The server process, and a thread-safe way to ask it for a kernel."""

    def __init__(self, modules: list[str], env: dict[str, str]) -> None:
        self._lock = threading.Lock()
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
            env=server_env(env),
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


# --- the server process -------------------------------------------------------------------


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
                wait_children(children)
                return
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                become_kernel(request, server)
            children.add(pid)
            reply: dict[str, Any] = {"pid": pid}
        except Exception as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    # End of input: the batch closed us, or died (even by SIGKILL). No kernel outlives it;
    # each is reaped here before the server exits (never left a zombie for others).
    kill_children(children)
    wait_children(children, timeout=5.0)


if __name__ == "__main__":
    _serve(sys.argv[1:])
