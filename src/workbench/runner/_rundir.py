"""The run folder: its layout, how it is claimed, replaced and ended.

One :class:`RunDir` owns the names of every file and folder a run leaves, and every
terminal state (``running`` -> ``succeeded`` | ``failed`` | ``blocked``). The runner, the
release gate, ``workbench check``, the batch and the page ask it instead of composing
paths of their own.

Claiming is atomic: the first manifest is hard-linked into place (``link`` fails if the
name exists), so of two runs started into one folder exactly one proceeds. ``--force``
replaces only a folder whose manifest this workbench wrote there (its ``run_id`` carries a
check of the folder's real path), never follows a symlink, and never deletes a file that
is not part of the layout.

This module imports nothing heavy: the batch and the page use it before any kernel.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench._korean import josa
from workbench.exceptions import RunExistsError, WorkbenchError

if TYPE_CHECKING:
    from workbench.runner._manifest import ErrorRecord, FileRecord, Manifest

__all__ = [
    "HELD",
    "INTERNAL",
    "KERNEL_LOG",
    "MANIFEST",
    "NOTEBOOK",
    "PUBLISHED",
    "RELEASE",
    "REPORT",
    "REPORT_PDF",
    "RESULTS",
    "RunDir",
    "new_run_id",
    "verify_run_id",
]

MANIFEST = "manifest.json"
NOTEBOOK = "notebook.ipynb"
REPORT = "report.html"
#: The report printed to A4 (``workbench run --pdf``; runner/_pdf.write_report_pdf).
REPORT_PDF = "report.pdf"
KERNEL_LOG = "kernel.log"
#: Released result tables (and files the notebook wrote through ``wb.publish``).
RESULTS = "results"
#: Where ``results/`` waits while a run is blocked or failed (never released from there).
HELD = "results.held"
#: Operational outputs for authorised staff; never released.
INTERNAL = "internal"
#: What each ``wb.publish`` call wrote (file, title, count columns), read by the gate.
PUBLISHED = "published.json"
#: Every name a run folder may hold at its top level (temporary files start with ".wb-").
#: The release package of a run released by signed decisions (runner/_signoff.py).
RELEASE = "release.zip"
LAYOUT = frozenset(
    {
        MANIFEST,
        NOTEBOOK,
        REPORT,
        REPORT_PDF,
        KERNEL_LOG,
        RESULTS,
        HELD,
        INTERNAL,
        PUBLISHED,
        RELEASE,
    }
)
_TEMP_PREFIX = ".wb-"

TERMINAL = frozenset({"succeeded", "failed", "blocked"})


def _path_check(run_id_head: str, folder: Path) -> str:
    text = f"{run_id_head}\0{os.path.realpath(folder)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def new_run_id(folder: Path) -> str:
    """Return a fresh run id for ``folder``: a random part and a check of the folder's path.

    The check lets ``--force`` tell a run folder this workbench made from a folder that
    merely holds a file called ``manifest.json`` (or a run folder copied elsewhere).
    """
    head = uuid.uuid4().hex[:16]
    return f"{head}-{_path_check(head, folder)}"


def verify_run_id(run_id: object, folder: Path) -> bool:
    """Tell whether ``run_id`` was made by :func:`new_run_id` for this very folder."""
    if not isinstance(run_id, str) or run_id.count("-") != 1:
        return False
    head, check = run_id.split("-")
    return len(head) == 16 and check == _path_check(head, folder)


def _claim_message(path: Path, why: str) -> str:
    return (
        f"실행 폴더 {path}{josa(path, '을/를')} 쓸 수 없습니다: {why}. "
        "다른 --out을 지정하세요 (기존 실행을 바꾸려면 --force)."
    )


class RunDir:
    """One run folder and the names inside it.

    Parameters
    ----------
    path : path
        The folder (made absolute; a symlink is not resolved, so that it can be refused).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(os.path.abspath(os.fspath(path)))
        self._lock_fd: int | None = None

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"

    def __fspath__(self) -> str:
        return str(self.path)

    # -- layout ------------------------------------------------------------------------
    @property
    def manifest(self) -> Path:
        return self.path / MANIFEST

    @property
    def notebook(self) -> Path:
        return self.path / NOTEBOOK

    @property
    def report(self) -> Path:
        return self.path / REPORT

    @property
    def report_pdf(self) -> Path:
        return self.path / REPORT_PDF

    @property
    def kernel_log(self) -> Path:
        return self.path / KERNEL_LOG

    @property
    def results(self) -> Path:
        return self.path / RESULTS

    @property
    def held(self) -> Path:
        return self.path / HELD

    @property
    def internal(self) -> Path:
        return self.path / INTERNAL

    @property
    def published(self) -> Path:
        return self.path / PUBLISHED

    def results_folder(self) -> Path | None:
        """Return where the results are now (released or held), or None if there are none."""
        for folder in (self.results, self.held):
            if folder.is_dir():
                return folder
        return None

    # -- creating ------------------------------------------------------------------------
    @classmethod
    def default(cls, name: str, base: Path | None = None) -> Path:
        """Return ``runs/<name>-<YYYYmmdd-HHMMSS>`` (claimed with a suffix if taken)."""
        base = base or Path.cwd() / "runs"
        return base / f"{name}-{datetime.now():%Y%m%d-%H%M%S}"

    @classmethod
    def create(
        cls,
        out: str | os.PathLike[str] | None,
        name: str,
        first: Manifest,
        *,
        force: bool = False,
    ) -> RunDir:
        """Claim a run folder by writing its first manifest there, atomically.

        ``out`` may be missing (it is made) or an empty folder. A folder in use is refused
        (:class:`RunExistsError`, exit 2) unless ``force`` and it is a run folder this
        workbench made, which is then replaced. With no ``out``, a new folder under
        ``runs/`` is chosen. ``first.run_id`` is set here.
        """
        if out is None:
            base = cls.default(name)
            for n in range(1, 1000):
                candidate = base if n == 1 else base.with_name(f"{base.name}-{n}")
                with contextlib.suppress(RunExistsError):
                    return cls._claim(RunDir(candidate), first)
            raise RunExistsError(_claim_message(base, "같은 이름의 폴더가 너무 많습니다"))
        run_dir = RunDir(out)
        if force and (run_dir.path.is_symlink() or run_dir.path.exists()):
            run_dir._replace_earlier()
        return cls._claim(run_dir, first)

    @classmethod
    def _claim(cls, run_dir: RunDir, first: Manifest) -> RunDir:
        path = run_dir.path
        if path.is_symlink():
            raise RunExistsError(_claim_message(path, "심볼릭 링크입니다"))
        try:
            path.mkdir(parents=True)
        except FileExistsError:
            if not path.is_dir():
                raise RunExistsError(_claim_message(path, "같은 이름의 파일이 있습니다")) from None
            if any(path.iterdir()):
                raise RunExistsError(_claim_message(path, "이미 파일이 들어 있습니다")) from None
        except OSError as exc:
            raise RunExistsError(_claim_message(path, exc.strerror or str(exc))) from None
        # Locked before the manifest appears: a --force elsewhere never takes a folder
        # that a run is writing (the lock ends with the run, or with its process).
        run_dir._lock()
        first.run_id = new_run_id(path)
        try:
            tmp = run_dir._write_temp(_manifest_text(first))
            try:
                os.link(tmp, run_dir.manifest)
            finally:
                os.unlink(tmp)
        except FileExistsError:
            run_dir.unlock()
            raise RunExistsError(
                _claim_message(path, "다른 실행이 이 폴더를 먼저 사용하기 시작했습니다")
            ) from None
        except BaseException:
            run_dir.unlock()
            raise
        return run_dir

    def _lock(self) -> None:
        fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise RunExistsError(
                _claim_message(self.path, "다른 실행이 이 폴더를 쓰고 있습니다")
            ) from None
        self._lock_fd = fd

    def unlock(self) -> None:
        """Let go of the folder (a run that ended; its process ending does the same)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def in_use(self) -> bool:
        """Tell whether a run (of this or another process) is writing the folder now."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)  # closing also releases a lock taken here
        return False

    def _replace_earlier(self) -> None:
        """Remove an earlier run of this folder (``--force``); refuse anything else."""
        path = self.path
        if path.is_symlink():
            raise RunExistsError(
                f"{path}{josa(path, '은/는')} 심볼릭 링크입니다. --force로도 링크가 가리키는 "
                "곳을 지우지 "
                "않습니다. 링크가 아닌 폴더를 --out으로 지정하세요."
            )
        if not path.is_dir():
            raise RunExistsError(
                f"{path}{josa(path, '은/는')} 폴더가 아니라 파일입니다. --force로도 지우지 "
                "않습니다. "
                "다른 --out을 지정하세요."
            )
        entries = sorted(p.name for p in path.iterdir())
        if not entries:
            return
        if self.in_use():
            raise RunExistsError(
                f"{path}{josa(path, '은/는')} 지금 다른 실행이 쓰고 있습니다. --force로도 "
                "바꾸지 않습니다. 그 "
                "실행이 끝난 뒤 다시 하거나, 다른 --out을 지정하세요."
            )
        run_id = _stored_run_id(self.manifest)
        if not verify_run_id(run_id, path):
            raise RunExistsError(
                f"{path}{josa(path, '은/는')} 이 workbench가 만든 실행 폴더가 아닙니다 "
                "(manifest.json이 없거나, "
                "실행 ID가 이 폴더의 것이 아님: 다른 곳에서 복사했거나 직접 만든 폴더). "
                "--force로도 지우지 않습니다. 다른 --out을 지정하세요."
            )
        foreign = [e for e in entries if e not in LAYOUT and not e.startswith(_TEMP_PREFIX)]
        if foreign:
            shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
            raise RunExistsError(
                f"{path}에 실행이 만들지 않은 파일이 있습니다 ({shown}). 지우지 않았습니다: "
                "그 파일을 옮긴 뒤 다시 하거나, 다른 --out을 지정하세요."
            )
        # Move it aside first (one rename: a concurrent --force finds nothing to take),
        # then delete only what the layout names; symlinks inside are unlinked, never
        # followed (shutil.rmtree does not follow them).
        aside = path.with_name(f".{path.name}.replaced-{uuid.uuid4().hex[:8]}")
        try:
            path.rename(aside)
        except FileNotFoundError:
            return  # another --force took it first; the claim decides who proceeds
        for name in entries:
            target = aside / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        aside.rmdir()

    # -- manifest and states -------------------------------------------------------------
    def _write_temp(self, text: str) -> str:
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=_TEMP_PREFIX, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        except BaseException:
            os.unlink(tmp)
            raise
        return tmp

    def write_manifest(self, manifest: Manifest) -> Path:
        """Write ``manifest.json`` atomically (a reader never sees half a file)."""
        tmp = self._write_temp(_manifest_text(manifest))
        os.replace(tmp, self.manifest)
        return self.manifest

    def read_manifest(self) -> Manifest:
        from workbench.runner._manifest import read_manifest

        return read_manifest(self.manifest)

    def hash_results(self) -> list[FileRecord]:
        """Hash every file under the results folder (released or held), sorted by path."""
        from workbench.catalog import fingerprint
        from workbench.runner._manifest import FileRecord

        folder = self.results_folder()
        if folder is None:
            return []
        neutralised = self._neutralised()
        records = []
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.is_symlink():
                relative = (Path(RESULTS) / p.relative_to(folder)).as_posix()
                records.append(
                    FileRecord(
                        path=relative,
                        sha256=fingerprint(p),
                        bytes=p.stat().st_size,
                        neutralised=neutralised.get(relative),
                    )
                )
        return records

    def _neutralised(self) -> dict[str, int]:
        """Map each published CSV file to how many cells ``wb.publish`` neutralised."""
        try:
            published = json.loads(self.published.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(published, dict):
            return {}
        return {
            str(entry["file"]): entry["neutralised"]
            for entry in published.values()
            if isinstance(entry, dict) and isinstance(entry.get("neutralised"), int)
        }

    def hold(self) -> None:
        """Move ``results/`` aside so that nothing looks released."""
        if self.results.is_dir() and not self.held.exists():
            self.results.rename(self.held)

    def release(self) -> None:
        """Put held results back where released results live."""
        if self.held.is_dir() and not self.results.exists():
            self.held.rename(self.results)

    def finish(
        self,
        manifest: Manifest,
        status: str,
        error: ErrorRecord | None = None,
        *,
        report: bool = False,
    ) -> None:
        """End the run: ``succeeded`` (report written), ``failed`` or ``blocked``.

        A run that did not succeed has no report and its results are held, so that no
        file in the folder looks released. Temporary files are removed.
        """
        from workbench.runner._manifest import utc_now

        if status not in TERMINAL:
            raise AssertionError(f"not a terminal state: {status}")  # a caller's bug
        if status == "succeeded":
            self.release()
        else:
            self.report.unlink(missing_ok=True)
            self.report_pdf.unlink(missing_ok=True)
            self.hold()
        manifest.status = status  # type: ignore[assignment]
        manifest.error = error
        manifest.report = REPORT if status == "succeeded" and report else None
        manifest.finished_at = manifest.finished_at or utc_now()
        self.write_manifest(manifest)
        self.remove_temporary()
        self.unlock()

    def write_in_place(
        self, manifest: Manifest, status: str, error: ErrorRecord | None, exc: OSError
    ) -> None:
        """Mark the run ended when the disk is full: rewrite the manifest's own blocks.

        An atomic write needs a new file, which a full disk refuses; overwriting the
        existing manifest (then cutting it to length) needs little or no new space.
        """
        manifest.status = status  # type: ignore[assignment]
        manifest.error = error
        manifest.report = None
        self.report.unlink(missing_ok=True)
        self.remove_temporary()
        with contextlib.suppress(OSError):
            self.hold()
        data = _manifest_text(manifest).encode("utf-8")
        try:
            with open(self.manifest, "r+b") as handle:
                handle.write(data)
                handle.truncate(len(data))
        except OSError:
            raise exc from None
        finally:
            self.unlock()

    def remove_temporary(self) -> None:
        """Remove temporary files a run left (an interrupted write, say)."""
        for tmp in self.path.glob(f"{_TEMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                tmp.unlink()

    def files(self) -> Iterator[Path]:
        """Every regular file in the folder (for scrubbing and tests)."""
        for p in sorted(self.path.rglob("*")):
            if p.is_file() and not p.is_symlink():
                yield p


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _manifest_text(manifest: Manifest) -> str:
    return json.dumps(manifest.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _stored_run_id(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data.get("run_id") if isinstance(data, dict) else None


def require_run_dir(path: str | os.PathLike[str]) -> RunDir:
    """Return the run folder at ``path``; refuse a folder that is not one."""
    run_dir = RunDir(path)
    if not run_dir.manifest.is_file():
        raise WorkbenchError(
            f"{run_dir.path}{josa(run_dir.path, '은/는')} 실행 폴더가 아닙니다 (manifest.json "
            "없음)."
        )
    return run_dir
