"""Run drivers: the processes that run a batch's rows, so that the batch's own only orchestrates.

Driving a run (papermill's cell loop and saves, the release gate, the report export, the
manifest, ``--pdf`` printing) is Python work of about as many CPU seconds as the cells
of a small analysis. In the batch's process it would be done under one interpreter lock
for every worker, and the runs would queue for it; here each worker has a driver process
of its own. A server (``python -m workbench.runner.batch.executors.local.drivers``)
imports papermill, nbconvert and the gate and prepares the report exporter once, then
forks one driver per worker: each inherits all of it.

The batch hands a driver a row and a kernel the pool has started and warmed
(:meth:`.pool.WarmKernel.handle`); the driver binds the kernel to the run's folder, runs
the row (:func:`workbench.runner.batch.task.attempt`, the same code as a single run) and
replies with the outcome. Drivers run no notebook code (their kernels do), so one driver
serving many runs shares nothing between them. They die with the batch: the server ends
them when its input closes, which the batch's death does (SIGKILL included), and each
gets SIGKILL if the server dies first.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # light at import: the server's ``-m`` imports this package
    from workbench.runner.batch.task import RowOutcome, RowSpec

__all__ = ["DriverGoneError", "Drivers"]


class DriverGoneError(RuntimeError):
    """A row cannot be run on a driver (it is gone, or the row cannot be sent to it).

    The row is then run in the batch's process instead.
    """


class _Channel:
    """The batch's end of one driver's pair of pipes."""

    def __init__(self, requests: IO[bytes], replies: IO[bytes]) -> None:
        self.requests = requests
        self.replies = replies
        self.broken = False

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        try:
            line = json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n"
        except (TypeError, ValueError) as exc:  # a value JSON cannot carry: run it here
            raise DriverGoneError(f"not sent to a run driver: {exc}") from exc
        try:
            self.requests.write(line)
            self.requests.flush()
            reply = self.replies.readline()
        except (OSError, ValueError) as exc:
            self.broken = True
            raise DriverGoneError(str(exc)) from exc
        if not reply:
            self.broken = True
            raise DriverGoneError("the run driver exited")
        return dict(json.loads(reply))

    def close(self) -> None:
        for stream in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                stream.close()


class Drivers:
    """``count`` run drivers, each serving one row at a time (thread-safe).

    Parameters
    ----------
    count : int
        Drivers (the batch's workers).
    """

    def __init__(self, count: int) -> None:
        self._free: queue.Queue[_Channel] = queue.Queue()
        self._channels: list[_Channel] = []
        theirs: list[int] = []
        args: list[str] = []
        for _ in range(max(count, 1)):
            request_r, request_w = os.pipe()
            reply_r, reply_w = os.pipe()
            theirs += [request_r, reply_w]
            args.append(f"{request_r},{reply_w}")
            channel = _Channel(os.fdopen(request_w, "wb"), os.fdopen(reply_r, "rb"))
            self._channels.append(channel)
            self._free.put(channel)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "workbench.runner.batch.executors.local.drivers", *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=theirs,
                start_new_session=True,  # Ctrl-C in the terminal is the batch's to handle
            )
        finally:
            for fd in theirs:  # theirs only: a driver's end closing is how its death shows
                os.close(fd)

    def run(
        self, spec: RowSpec, kernel: Mapping[str, Any], secrets: Mapping[str, str]
    ) -> RowOutcome:
        """Run one try of ``spec`` on a driver, on the pool's ``kernel`` (its handle).

        Raises
        ------
        DriverGoneError
            When the driver exited (it is not used again).
        """
        from workbench.runner.batch.task import RowOutcome

        channel = self._take()
        try:
            reply = channel.call(
                {"spec": asdict(spec), "kernel": dict(kernel), "secrets": dict(secrets)}
            )
        finally:
            if not channel.broken:  # a broken one is not used again; the others go on
                self._free.put(channel)
        if "outcome" not in reply:
            raise DriverGoneError(str(reply.get("error")))
        return RowOutcome(**reply["outcome"])

    def _take(self) -> _Channel:
        while True:
            if all(c.broken for c in self._channels):
                raise DriverGoneError("no run driver is left")
            with contextlib.suppress(queue.Empty):
                return self._free.get(timeout=0.5)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the drivers (they finish nothing more) and the server."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        for channel in self._channels:
            channel.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- the server and its drivers -----------------------------------------------------------


def _one(request: dict[str, Any]) -> RowOutcome:
    """Run one try of a row on the handed kernel (in a driver)."""
    from workbench.runner.batch.executors.local.pool import HandedKernel, bind
    from workbench.runner.batch.task import RowSpec, attempt

    spec = RowSpec(**request["spec"])
    handle = request["kernel"]

    def factory(run_dir: Path, env: Mapping[str, str]) -> HandedKernel:
        from workbench.runner._rundir import KERNEL_LOG

        kernel = HandedKernel(handle)
        bind(kernel, kernel.log_path, run_dir / KERNEL_LOG, run_dir, env)
        return kernel

    return attempt(spec, factory, dict(request.get("secrets") or {}))


def _drive(requests: IO[bytes], replies: IO[bytes]) -> None:
    for line in requests:
        try:
            reply: dict[str, Any] = {"outcome": _one(json.loads(line)).to_dict()}
        except Exception as exc:  # attempt() turns a failed run into an outcome
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        replies.write(json.dumps(reply, ensure_ascii=False).encode("utf-8") + b"\n")
        replies.flush()


def _prepare() -> None:
    """Import and prepare, once, what every run's driving needs (before the forks)."""
    from workbench._lazy import skip_unused_imports

    skip_unused_imports()
    import papermill  # noqa: F401
    from jupyter_client.manager import AsyncKernelManager  # noqa: F401

    import workbench.runner._engine  # registers the papermill engine
    import workbench.runner._run  # noqa: F401
    from workbench.runner import _gate, _report
    from workbench.runner.batch import task  # noqa: F401
    from workbench.runner.batch.executors.local import pool  # noqa: F401

    _report.warm_up(_gate.warm_up)  # the exporter's templates, the gate's patterns


def _serve(pairs: list[tuple[int, int]]) -> None:
    from workbench.runner._fork import die_with_parent

    # Nothing that starts with the batch's folder on sys.path (a user's pandas.py).
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):  # a driver reports a missing piece per run
        _prepare()
    server, children = os.getpid(), []
    for index, (request_fd, reply_fd) in enumerate(pairs):
        pid = os.fork()
        if pid == 0:
            try:
                die_with_parent(server)
                for other, (r, w) in enumerate(pairs):
                    if other != index:
                        os.close(r)
                        os.close(w)
                with open(request_fd, "rb") as requests, open(reply_fd, "wb") as replies:
                    _drive(requests, replies)
            except BaseException:
                os._exit(1)
            os._exit(0)
        children.append(pid)
    for request_fd, reply_fd in pairs:
        os.close(request_fd)
        os.close(reply_fd)
    for _line in sys.stdin:  # until the batch closes us, or dies
        continue
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for pid in children:
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)


if __name__ == "__main__":
    _serve([(int(r), int(w)) for r, w in (arg.split(",") for arg in sys.argv[1:])])
