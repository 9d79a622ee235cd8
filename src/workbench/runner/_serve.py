"""``workbench serve``: a warm kernel server, one per user and Python environment.

A single ``workbench run`` spends most of its overhead starting a kernel and importing
pandas, statsmodels and scikit-learn in it. The server imports them once and stays up;
each run asks it over a Unix socket for a kernel, which it forks (:mod:`._fork`): a
brand-new kernel process with the libraries already imported, that has never run user
code. The run drives it as any kernel and kills it at the end; the server never reuses
one. When the run's connection closes (its end, or its death by SIGKILL) the server
kills that kernel's process group; when the server dies, its kernels die with it.

Where it lives: a 0700 folder of the user's (``$XDG_RUNTIME_DIR/workbench``, else
``<tmp>/workbench-<uid>``, or ``$WORKBENCH_SERVE_DIR``) holds ``<key>.sock``,
``<key>.lock`` (held by the server while it lives: a second one exits at once),
``<key>.json`` and ``<key>.log``. The key is a hash of the Python, the workbench package
and the environment variables that libraries read at import, so that every environment
(and every ``PYTHONPATH``) gets its own server. It stops after ``idle`` seconds without a
run, on ``{"stop": true}`` once its kernels have ended, on SIGTERM, and by itself
when a module file it imported has changed since (an upgrade), so that no kernel runs
stale code.

This module imports only the standard library at import time: the command that asks the
server and the server's own start (``python -m workbench.runner._serve``) stay light.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import selectors
import signal
import socket
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_IDLE_MINUTES", "IMPORTS", "SERVE_DIR_ENV", "Place", "place"]

SERVE_DIR_ENV = "WORKBENCH_SERVE_DIR"
DEFAULT_IDLE_MINUTES = 10.0

#: Imported once by the server: what standard analyses use, directly or through ``wb``.
IMPORTS = (
    "numpy",
    "pandas",
    "matplotlib",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.formula.api",
    "sklearn",
    "sklearn.linear_model",
    "sklearn.model_selection",
    "sklearn.ensemble",
    "sklearn.metrics",
    "sklearn.preprocessing",
    "workbench",
    "workbench.catalog",
    "workbench.blocks",
    "workbench.plotting",
    "workbench.runner.results",
)

#: Environment variables read by the interpreter or the imported libraries at start or
#: import: kernels forked from a server see the values the server started with, so a
#: different value means a different server.
_KEY_ENV = (
    "PYTHONPATH",
    "PYTHONHASHSEED",
    "PYTHONWARNINGS",
    "PYTHONNOUSERSITE",
    "MPLBACKEND",
    "MATPLOTLIBRC",
    "MPLCONFIGDIR",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
)

_LOCK_TRIES = 20  # x 0.1 s: a server that is still exiting releases its lock


@dataclass(frozen=True)
class Place:
    """The files of one server: ``folder/<key>.sock``, ``.lock``, ``.json``, ``.log``."""

    folder: Path
    key: str

    @property
    def socket(self) -> Path:
        return self.folder / f"{self.key}.sock"

    @property
    def lock(self) -> Path:
        return self.folder / f"{self.key}.lock"

    @property
    def info(self) -> Path:
        return self.folder / f"{self.key}.json"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.key}.log"


def _folder() -> Path:
    """Return the user's server folder, made 0700; refuse one another user could touch."""
    given = os.environ.get(SERVE_DIR_ENV)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if given:
        folder = Path(given)
    elif runtime and os.path.isdir(runtime):
        folder = Path(runtime) / "workbench"
    else:
        folder = Path(tempfile.gettempdir()) / f"workbench-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(errno.EACCES, "이 사용자의 폴더가 아닙니다", str(folder))
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return folder


def place(env: dict[str, str] | None = None) -> Place:
    """Return where the server for this Python and kernel environment ``env`` lives."""
    env = dict(os.environ if env is None else env)
    package = Path(__file__).resolve().parents[1]  # workbench: editable or installed
    facts = [sys.executable, sys.prefix, str(package)]
    facts += [f"{name}={env.get(name, '')}" for name in _KEY_ENV]
    key = hashlib.sha256("\0".join(facts).encode()).hexdigest()[:16]
    return Place(_folder(), key)


# --- the server process -------------------------------------------------------------------


def _take_lock(path: Path) -> int | None:
    """Return a descriptor holding ``path``'s lock, or None if another server holds it."""
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    for _ in range(_LOCK_TRIES):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            time.sleep(0.1)
    os.close(fd)
    return None


def _module_files() -> dict[str, int]:
    """Return the modification time of every imported module's file."""
    times = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path:
            with contextlib.suppress(OSError):
                times[path] = os.stat(path).st_mtime_ns
    return times


def _changed(times: dict[str, int]) -> bool:
    for path, mtime in times.items():
        try:
            if os.stat(path).st_mtime_ns != mtime:
                return True
        except OSError:
            return True
    return False


@dataclass
class _Connection:
    sock: socket.socket
    buffer: bytes = b""
    kernel: int | None = None


class _Server:
    """The server's state and its single-threaded loop (forking needs one thread)."""

    def __init__(self, where: Place, idle: float, listener: socket.socket, lock: int) -> None:
        self.where = where
        self.idle = idle
        self.listener: socket.socket | None = listener
        self.lock = lock
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ, None)
        self.connections: dict[int, _Connection] = {}
        self.last_used = time.monotonic()
        self.started_at = time.time()
        self.stopping = False
        self.terminated = False  # SIGTERM: stop at the loop's next turn
        self.runs = 0
        self.modules: dict[str, int] = {}

    def kernels(self) -> int:
        return sum(1 for c in self.connections.values() if c.kernel is not None)

    def status(self) -> dict[str, Any]:
        left = self.idle - (time.monotonic() - self.last_used)
        return {
            "pid": os.getpid(),
            "python": sys.executable,
            "started_at": self.started_at,
            "idle_seconds": self.idle,
            "idle_left_seconds": max(0.0, left) if not self.kernels() else self.idle,
            "kernels": self.kernels(),
            "runs": self.runs,
            "stopping": self.stopping,
            "imports": [m for m in IMPORTS if m in sys.modules],
        }

    def stop(self) -> None:
        """Accept no more connections; exit once the running kernels have ended."""
        self.stopping = True
        if self.listener is not None:
            self.selector.unregister(self.listener)
            self.listener.close()
            self.listener = None
            with contextlib.suppress(OSError):
                self.where.socket.unlink()

    def serve(self) -> None:
        self.last_used = time.monotonic()  # the idle time counts from the imports' end
        while True:
            if self.terminated and not self.stopping:
                self.stop()
            if self.stopping and not self.kernels():
                return
            quiet = time.monotonic() - self.last_used
            wait = 0.5 if self.connections or self.stopping else self.idle - quiet
            events = self.selector.select(min(max(wait, 0.0), 1.0))
            for key, _ in events:
                if key.data is None:
                    self._accept()
                else:
                    self._read(key.data)
            # Idle: no connection, none waiting to be accepted, no run for `idle` seconds.
            quiet = time.monotonic() - self.last_used
            if not events and not self.connections and quiet >= self.idle:
                return

    def _accept(self) -> None:
        assert self.listener is not None
        with contextlib.suppress(BlockingIOError, OSError):
            sock, _ = self.listener.accept()
            sock.setblocking(False)
            connection = _Connection(sock)
            self.connections[sock.fileno()] = connection
            self.selector.register(sock, selectors.EVENT_READ, connection)

    def _read(self, connection: _Connection) -> None:
        try:
            data = connection.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the run ended (or died): its kernel goes with it
            self._close(connection)
            return
        connection.buffer += data
        while b"\n" in connection.buffer:
            line, connection.buffer = connection.buffer.split(b"\n", 1)
            try:
                request = json.loads(line)
            except ValueError:
                request = {}
            self._answer(connection, request if isinstance(request, dict) else {})

    def _close(self, connection: _Connection) -> None:
        from workbench.runner._fork import kill_children

        self.selector.unregister(connection.sock)
        self.connections.pop(connection.sock.fileno(), None)
        connection.sock.close()
        if connection.kernel is not None:  # the idle time counts from a run's end
            kill_children({connection.kernel})
            self.last_used = time.monotonic()

    def _answer(self, connection: _Connection, request: dict[str, Any]) -> None:
        reply: dict[str, Any]
        if "fork" in request:
            reply = self._fork(connection, request["fork"])
        elif request.get("stop"):
            self.stop()
            reply = self.status()
        else:  # status; it may set the idle time
            if request.get("idle"):
                self.idle = float(request["idle"])
            reply = self.status()
        with contextlib.suppress(OSError):
            connection.sock.setblocking(True)
            connection.sock.sendall(json.dumps(reply).encode("utf-8") + b"\n")
            connection.sock.setblocking(False)

    def _fork(self, connection: _Connection, request: dict[str, Any]) -> dict[str, Any]:
        from workbench.runner._fork import become_kernel

        if self.stopping or connection.kernel is not None:
            return {"error": "stopping"}
        if _changed(self.modules):  # upgraded since: a new server must import anew
            self.stop()
            return {"error": "stale"}
        sys.stdout.flush()
        sys.stderr.flush()
        server = os.getpid()
        pid = os.fork()
        if pid == 0:
            # Nothing of the server's may stay open in the kernel: its socket would keep
            # accepting for a dead server, its lock would keep a new server out.
            for c in self.connections.values():
                c.sock.close()
            if self.listener is not None:
                self.listener.close()
            self.selector.close()
            os.close(self.lock)
            become_kernel(request, server)
        connection.kernel = pid
        self.runs += 1
        self.last_used = time.monotonic()
        return {"pid": pid}


def _prepare_imports() -> dict[str, int]:
    """Import the kernel's libraries (those safe before a kernel exists)."""
    import importlib

    import ipykernel.kernelapp  # noqa: F401 - the bulk of a kernel's start-up

    from workbench.runner._fork import server_imports

    for name in server_imports(list(IMPORTS)):
        with contextlib.suppress(Exception):  # the notebook reports it, in its own cell
            importlib.import_module(name)
    return _module_files()


def main(argv: list[str]) -> None:
    """Run a server: ``python -m workbench.runner._serve FOLDER KEY IDLE_SECONDS``.

    It detaches first (its caller returns at once) and exits at once if another server
    holds the lock; the socket exists before the imports, so that a run that connects
    meanwhile simply waits for its kernel.
    """
    folder, key, idle = Path(argv[0]), argv[1], float(argv[2])
    if os.fork():
        os._exit(0)
    os.setsid()
    where = Place(folder, key)
    lock = _take_lock(where.lock)
    if lock is None:
        return
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # nothing on sys.path from the server's folder
    with contextlib.suppress(FileNotFoundError):
        where.socket.unlink()  # a dead server's
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(where.socket))
    os.chmod(where.socket, 0o600)
    listener.listen(64)
    listener.setblocking(False)
    server = _Server(where, idle, listener, lock)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "terminated", True))
    try:
        where.info.write_text(json.dumps(server.status()), encoding="utf-8")
        server.modules = _prepare_imports()
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
        server.serve()
    finally:
        if server.listener is not None:
            with contextlib.suppress(OSError):
                where.socket.unlink()
        with contextlib.suppress(OSError):
            where.info.unlink()


if __name__ == "__main__":
    main(sys.argv[1:])
