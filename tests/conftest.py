"""Shared fixtures: fixture notebooks, sample files, and a guard that no kernel starts."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.fixture(autouse=True, scope="session")
def approval_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep the finding-digest key of the tests out of the user's configuration folder."""
    path = tmp_path_factory.mktemp("approval-key") / "approval.key"
    os.environ.setdefault("WORKBENCH_APPROVAL_KEY_FILE", str(path))
    return Path(os.environ["WORKBENCH_APPROVAL_KEY_FILE"])


@pytest.fixture(autouse=True, scope="session")
def no_kernel_server() -> None:
    """Have runs start fresh kernels, not ask a warm kernel server.

    A server (``workbench serve``) would outlive the tests; tests/runner/test_serve.py
    turns it on, in a folder of its own, and stops it.
    """
    os.environ.setdefault("WORKBENCH_NO_SERVE", "1")


@pytest.fixture
def fixture_notebook(tmp_path: Path):
    """Copy a fixture notebook into tmp_path (so tests never touch the originals)."""

    def copy(name: str) -> Path:
        target = tmp_path / f"{name}.ipynb"
        shutil.copy(FIXTURES / f"{name}.ipynb", target)
        return target

    return copy


@pytest.fixture
def held_batch(tmp_path: Path, fixture_notebook):
    """Start `workbench batch` in a subprocess on rows whose runs hold (sleep 60 s).

    ``start(rows, running, *options, out=...)`` returns ``(process, markers)`` once
    ``running`` kernels have written their pid into ``markers``. Teardown kills the batch
    if it is still alive, and any held kernel left behind.
    """
    started: list[tuple[subprocess.Popen[str], Path]] = []

    def start(rows: int, running: int, *options: str, out: Path):
        markers = tmp_path / "markers"
        markers.mkdir()
        lines = "".join(f"r{i},r{i},true,{markers}\n" for i in range(rows))
        matrix = tmp_path / "m.csv"
        matrix.write_text("run_id,label,hold,marker_dir\n" + lines, encoding="utf-8")
        notebook = str(fixture_notebook("batch_probe"))
        command = [sys.executable, "-m", "workbench", "batch", notebook, "--matrix", str(matrix)]
        process = subprocess.Popen(
            [*command, "--out", str(out), *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Ctrl-C reaches the batch as in a terminal, even when these tests run as a
            # background job (whose shell set SIGINT to ignored, inherited by children).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        started.append((process, markers))
        deadline = time.monotonic() + 120
        while len(list(markers.glob("*.pid"))) < running and time.monotonic() < deadline:
            time.sleep(0.1)
        return process, markers

    yield start
    for process, markers in started:
        if process.poll() is None:
            process.kill()
            process.wait()
        for marker in markers.glob("*.pid"):  # a held kernel would sleep on
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(marker.read_text()), signal.SIGKILL)


@pytest.fixture
def kernel_starts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every attempt to launch a kernel process (and refuse it)."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    calls: list[object] = []

    async def refuse(self, cmd, **kwargs):  # pragma: no cover - must not run
        calls.append(cmd)
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(LocalProvisioner, "launch_kernel", refuse)
    return calls


@pytest.fixture
def households_csv(tmp_path: Path) -> Path:
    """A small CP949 CSV of sample households, as a public-data portal would publish it."""
    from workbench import samples

    return samples.write("households", tmp_path / "data" / "가구.csv", encoding="cp949", n=300)


# --- a throwaway PostgreSQL server --------------------------------------------------------

POSTGRES_USER = "workbench"
POSTGRES_DATABASE = "agency"


def _postgres_bin() -> Path:
    """Debian's PostgreSQL binaries (the newest installed major version)."""
    import glob

    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parents[1].name) if Path(p).parents[1].name.isdigit() else 0,
    )
    if not found:
        pytest.fail(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb). "
            "`.ci/run` installs Debian's postgresql package; run it, or `apt-get install "
            "postgresql`."
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres():
    """Start a throwaway PostgreSQL cluster; yield a URL with a real user and password.

    The URL is ``postgresql+psycopg://workbench:PASSWORD@127.0.0.1:PORT/agency``; the
    password holds characters that must be percent-encoded in a URL (``@``, ``/``, ``:``),
    so tests also cover the encoded and decoded forms. Password authentication
    (scram-sha-256) is required on every connection, over TCP and the socket.
    """
    import os
    import secrets
    import subprocess
    import tempfile
    import time
    from urllib.parse import quote

    import sqlalchemy as sa

    pg_bin = _postgres_bin()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
    data, log = folder / "data", folder / "server.log"
    pg_ctl = [str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w"]

    def pg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )

    def check(done: subprocess.CompletedProcess[str], what: str) -> None:
        if done.returncode != 0:
            server_log = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"{what} failed:\n{done.stdout}\n{done.stderr}\n{server_log}")

    password = f"Pw{secrets.token_hex(8)}@/:x"
    try:
        if as_root:  # initdb refuses to run as root
            shutil.chown(folder, "postgres", "postgres")
        pwfile = folder / "pwfile"
        pwfile.write_text(password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        if as_root:
            shutil.chown(pwfile, "postgres", "postgres")
        initdb = [str(pg_bin / "initdb"), "-D", str(data), "-A", "scram-sha-256"]
        owner = ["-U", POSTGRES_USER, f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8"]
        check(pg(*initdb, *owner), "initdb")
        pwfile.unlink()
        for _attempt in range(5):  # another process may take the port after the probe
            port = _free_port()
            options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            started = pg(*pg_ctl, "-o", options, "start")
            if started.returncode == 0:
                break
            time.sleep(0.2)
        else:
            check(started, "pg_ctl start")
        url = f"postgresql+psycopg://{POSTGRES_USER}:{quote(password, safe='')}@127.0.0.1:{port}"
        engine = sa.create_engine(f"{url}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{POSTGRES_DATABASE}"'))
        engine.dispose()
        yield f"{url}/{POSTGRES_DATABASE}"
    finally:
        if (data / "postmaster.pid").exists():
            pg(*pg_ctl, "-m", "fast", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _analysis_package(site: Path) -> None:
    """Install (by hand) an analysis package: a module with a notebook, an entry point,
    and a second entry point that is broken."""
    package = site / "welfare_gap_analysis"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""복지 사각지대 분석 패키지."""\n', encoding="utf-8")
    nb = json.loads((FIXTURES / "ok.ipynb").read_text(encoding="utf-8"))
    nb["metadata"]["workbench"].update(name="welfare_gap", title="복지 사각지대")
    (package / "welfare_gap.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    info = site / "welfare_gap_analysis-1.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: welfare-gap-analysis\nVersion: 1.2.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[workbench.analyses]\nwelfare = welfare_gap_analysis\nbroken = no_such_module_xyz\n",
        encoding="utf-8",
    )


@pytest.fixture
def analysis_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An analysis package installed by hand on sys.path (and a broken entry point)."""
    from workbench._plugins import analysis_packages

    _analysis_package(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    # Another test's copy of the package may have been imported: forget it.
    monkeypatch.delitem(sys.modules, "welfare_gap_analysis", raising=False)
    analysis_packages.cache_clear()
    yield tmp_path / "site"
    sys.modules.pop("welfare_gap_analysis", None)
    analysis_packages.cache_clear()
