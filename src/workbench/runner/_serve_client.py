"""Asking ``workbench serve`` (:mod:`._serve`) for a kernel, its status, or its stop.

:func:`served_kernel` is what a run uses: it connects to this environment's server,
starting one if there is none, and returns a kernel forked by it. If that cannot be done
(no server could start, it died, the folder is unsafe) it says so in one line and returns
a fresh kernel instead, so a run never fails because of the server. The connection stays
open while the kernel lives: its end tells the server to kill the kernel.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench._korean import render
from workbench.runner._kernel import Kernel, kernel_env
from workbench.runner._serve import DEFAULT_IDLE_MINUTES, SERVE_DIR_ENV, Place, place

__all__ = [
    "IDLE_ENV",
    "NO_SERVE_ENV",
    "ServeStatus",
    "ServeUnavailableError",
    "idle_minutes",
    "served_kernel",
    "start",
    "status",
    "stop",
]

#: Set to anything but "" or "0": runs start fresh kernels (as ``workbench run --no-serve``).
NO_SERVE_ENV = "WORKBENCH_NO_SERVE"
#: Minutes without a run after which a server started by a run stops.
IDLE_ENV = "WORKBENCH_SERVE_IDLE_MINUTES"

#: Seconds for a starting server's socket to appear (it binds before importing).
CONNECT_TIMEOUT = 15.0
#: Seconds for a reply; a server that is still importing answers once it is done.
REPLY_TIMEOUT = 120.0

_MESSAGES = {
    "fallback": "커널 서버를 쓰지 못해 새 커널로 실행합니다 ({reason}).",
    "no_server": "서버를 시작하지 못했습니다",
    "server_gone": "서버가 응답하지 않습니다",
    "matplotlibrc": "작업 폴더의 matplotlibrc{file:은/는} 새 커널만 읽습니다",
    "unsafe": (
        "서버 폴더 {folder:을/를} 만들거나 쓸 수 없습니다. 다른 폴더는 환경변수 {env}로 "
        "고를 수 있습니다"
    ),
    "refused": "서버가 요청을 거절했습니다: {error}",
}


class ServeUnavailableError(Exception):
    """The server cannot give a kernel; ``reason`` is a Korean phrase for the notice."""

    def __init__(self, reason: str, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code  # the server's own word for a refusal ("stale", "stopping")


def idle_minutes() -> float:
    """Return the idle minutes from ``$WORKBENCH_SERVE_IDLE_MINUTES``, else the default."""
    with contextlib.suppress(ValueError):
        value = float(os.environ.get(IDLE_ENV, ""))
        if value > 0:
            return value
    return DEFAULT_IDLE_MINUTES


def _server_env() -> dict[str, str]:
    """Return the environment a server starts with: a kernel's, without a run folder."""
    from workbench.runner._fork import server_env

    return server_env(kernel_env(None))


def _where(env: Mapping[str, str] | None = None) -> Place:
    try:
        return place(dict(env) if env is not None else kernel_env(None))
    except OSError as exc:  # not a folder, not ours, or not writable
        folder = exc.filename or os.environ.get(SERVE_DIR_ENV, "")
        message = render(_MESSAGES["unsafe"], folder=str(folder), env=SERVE_DIR_ENV)
        raise ServeUnavailableError(message) from None


class Connection:
    """One connection to a server: requests and replies, one JSON object a line."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._lines = sock.makefile("rb")

    @classmethod
    def open(cls, where: Place) -> Connection | None:
        """Connect to the server at ``where``; None if none listens there."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(where.socket))
        except OSError:
            sock.close()
            return None
        return cls(sock)

    def request(self, payload: dict[str, Any], timeout: float = REPLY_TIMEOUT) -> dict[str, Any]:
        """Send ``payload``; return the reply (raise ServeUnavailableError without one)."""
        self.sock.settimeout(timeout)
        try:
            self.sock.sendall(json.dumps(payload).encode("utf-8") + b"\n")
            line = self._lines.readline()
        except OSError:
            line = b""
        if not line:
            raise ServeUnavailableError(_MESSAGES["server_gone"], "gone")
        return dict(json.loads(line))

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, log: str) -> int:
        """Have the server fork a kernel (see :class:`workbench.runner._fork.Forker`)."""
        reply = self.request({"fork": {"argv": argv, "env": env, "cwd": cwd, "log": log}})
        if "pid" not in reply:
            error = str(reply.get("error"))
            raise ServeUnavailableError(render(_MESSAGES["refused"], error=error), error)
        return int(reply["pid"])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._lines.close()
            self.sock.close()


def _spawn(where: Place, idle: float) -> None:
    """Start a server for ``where`` (it detaches; a second one exits at once)."""
    with open(where.log, "ab") as log:  # appended: a running server may be writing it
        subprocess.run(
            [
                sys.executable,
                "-m",
                "workbench.runner._serve",
                str(where.folder),
                where.key,
                str(idle * 60),
            ],
            env=_server_env(),
            cwd=where.folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            check=False,
            timeout=CONNECT_TIMEOUT,
        )


def connect(where: Place, *, start: bool = True, idle: float | None = None) -> Connection:
    """Return a connection to the server at ``where``, starting one if ``start``."""
    connection = Connection.open(where)
    if connection is not None or not start:
        if connection is None:
            raise ServeUnavailableError(_MESSAGES["server_gone"])
        return connection
    try:
        _spawn(where, idle or idle_minutes())
    except (OSError, subprocess.SubprocessError):
        raise ServeUnavailableError(_MESSAGES["no_server"]) from None
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while time.monotonic() < deadline:
        connection = Connection.open(where)
        if connection is not None:
            return connection
        time.sleep(0.02)
    raise ServeUnavailableError(_MESSAGES["no_server"])


class ServedKernel(Kernel):
    """A kernel forked by the server.

    Closing it closes its connection, and the server then makes sure it is gone.
    """

    def __init__(self, env: Mapping[str, str], log_path: Path, connection: Connection) -> None:
        from workbench.runner._fork import forked_by

        self.connection = connection
        super().__init__(env, log_path, forked_by(connection, log_path))

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.connection.close()


def _notice(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _forked(env: Mapping[str, str], log_path: Path) -> Kernel:
    connection = connect(_where())
    try:
        return ServedKernel(env, log_path, connection)
    except BaseException:
        connection.close()
        raise


def served_kernel(
    env: Mapping[str, str], log_path: Path, notice: Callable[[str], None] | None = None
) -> Kernel:
    """Return a kernel forked by this environment's server, else a fresh one (with a notice).

    ``$WORKBENCH_NO_SERVE`` set: a fresh kernel, without a notice.
    """
    if os.environ.get(NO_SERVE_ENV, "") not in ("", "0"):
        return Kernel(env, log_path)
    try:
        if Path("matplotlibrc").is_file():  # read by matplotlib at import, in the cwd
            raise ServeUnavailableError(render(_MESSAGES["matplotlibrc"], file="matplotlibrc"))
        try:
            return _forked(env, log_path)
        except ServeUnavailableError as exc:
            if exc.code not in ("stale", "gone"):
                raise
            # The server stopped (idle, or its libraries were upgraded) as this run came:
            # a new one starts and imports anew.
            return _forked(env, log_path)
    except Exception as exc:  # a run never fails because of the server
        reason = exc.reason if isinstance(exc, ServeUnavailableError) else type(exc).__name__
        (notice or _notice)(render(_MESSAGES["fallback"], reason=reason))
        return Kernel(env, log_path)


# --- the command's view: status, start, stop ------------------------------------------------


@dataclass
class ServeStatus:
    """What ``workbench serve --status`` shows (``running`` False: no server)."""

    running: bool
    socket: Path
    pid: int | None = None
    python: str = ""
    started_at: float | None = None
    idle_seconds: float = 0.0
    idle_left_seconds: float = 0.0
    kernels: int = 0
    runs: int = 0
    stopping: bool = False
    imports: tuple[str, ...] = ()

    @classmethod
    def of(cls, where: Place, reply: dict[str, Any]) -> ServeStatus:
        fields = {k: v for k, v in reply.items() if k in cls.__dataclass_fields__}
        fields["imports"] = tuple(fields.get("imports", ()))
        return cls(running=True, socket=where.socket, **fields)


def _clean_stale(where: Place) -> None:
    """Remove the files of a server that died without removing them (its lock is free)."""
    import fcntl

    if not where.lock.exists():
        return
    fd = os.open(where.lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return  # alive (or starting)
    else:
        for path in (where.socket, where.info):
            path.unlink(missing_ok=True)
    finally:
        os.close(fd)


def _status_request(idle: float | None) -> dict[str, Any]:
    """Return the status request (``idle`` minutes, when given: set the idle time)."""
    return {"status": True, **({"idle": idle * 60} if idle else {})}


def status(idle: float | None = None) -> ServeStatus:
    """Return the status of this environment's server (``idle`` minutes: set them)."""
    where = _where()
    connection = Connection.open(where)
    if connection is None:
        _clean_stale(where)
        return ServeStatus(running=False, socket=where.socket)
    try:
        return ServeStatus.of(where, connection.request(_status_request(idle)))
    except ServeUnavailableError:
        return ServeStatus(running=False, socket=where.socket)
    finally:
        connection.close()


def start(idle: float | None = None) -> ServeStatus:
    """Start this environment's server if none runs; wait until it has imported."""
    where = _where()
    connection = connect(where, idle=idle)
    try:
        return ServeStatus.of(where, connection.request(_status_request(idle)))
    finally:
        connection.close()


def stop(wait: float = 10.0) -> ServeStatus:
    """Stop this environment's server; return its last status (``running`` False: none).

    A server with running kernels stops once they end; otherwise this waits (up to
    ``wait`` seconds) until its process is gone.
    """
    where = _where()
    connection = Connection.open(where)
    if connection is None:
        _clean_stale(where)
        return ServeStatus(running=False, socket=where.socket)
    try:
        last = ServeStatus.of(where, connection.request({"stop": True}))
    except ServeUnavailableError:
        return ServeStatus(running=False, socket=where.socket)
    finally:
        connection.close()
    from workbench.runner._fork import PidProcess

    if not last.kernels and last.pid:
        with contextlib.suppress(subprocess.TimeoutExpired):
            PidProcess(last.pid).wait(wait)  # a zombie counts as gone
    return last
