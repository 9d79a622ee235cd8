"""``workbench doctor``: how a project deviates from the standard, each with its fix.

The checks read the project and its git history; they change nothing. Each returns
:class:`~workbench.ethics.Finding` objects (rule ``doctor.*``, severity ``fail``, the
file as location, the fix in ``details["fix"]``), the same object the release gate and
the CLI already render.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

from workbench._distribution import DISTRIBUTION, UNRELATED, installed, installed_version
from workbench.ethics import Finding, Location
from workbench.project._raw import RAW_RECORD, check_raw
from workbench.project._record import RECORD_PATH

__all__ = ["CHECKS", "diagnose"]

_PIN = re.compile(r"^\s*(?P<name>[A-Za-z0-9._-]+)(\[[^\]]*\])?\s*===?\s*(?P<version>[^,;\s]+)")
#: How ``workbench._distribution.installed().origin`` reads in a message.
_ORIGIN_LABELS = {"index": "패키지 저장소 또는 휠 폴더", "source": "설치되지 않은 소스 폴더"}
_PINNED = re.compile(r"^[A-Za-z0-9._-]+(\[[^\]]*\])?\s*===?\s*[^,;\s]+\s*(;.*)?$")
#: Files the secret check leaves out (they hold hashes that look like secrets).
_SECRET_SKIP = re.compile(r"^(\.workbench/|data/raw\.sha256$|\.secrets\.baseline$)")


def _finding(rule: str, location: str, message: str, fix: str) -> Finding:
    return Finding(
        rule=f"doctor.{rule}",
        severity="fail",
        location=Location("file", file=location),
        message=message,
        details={"fix": fix},
    )


def _git(project: Path, *args: str) -> str | None:
    """Run git in ``project``; None if it is not a repository (or has no commit)."""
    try:
        done = subprocess.run(["git", "-C", str(project), *args], capture_output=True, check=False)
    except FileNotFoundError:
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _in_git(project: Path) -> bool:
    top = _git(project, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.strip()).resolve() == project.resolve()


def check_ethics(project: Path) -> list[Finding]:
    """No ``ethics.yml``, or one that breaks the model or has no purpose."""
    from workbench.ethics import EthicsRecordError, load_ethics_record

    path = project / "ethics.yml"
    if not path.is_file():
        return [
            _finding(
                "ethics_missing",
                "ethics.yml",
                "윤리 기록(ethics.yml)이 없습니다: 목적과 법적 근거가 기록되지 않았습니다.",
                "ethics.yml을 만들어 purpose, legal_basis, 쓰는 자료(datasets)를 적으십시오 "
                "(git에 있었다면 `git checkout -- ethics.yml`로 되살리기).",
            )
        ]
    try:
        record = load_ethics_record(path)
    except EthicsRecordError as exc:
        return [_finding("ethics_invalid", "ethics.yml", str(exc), "표시된 항목을 고치십시오.")]
    if not record.purpose.strip():
        return [
            _finding(
                "ethics_purpose",
                "ethics.yml",
                "윤리 기록에 분석 목적(purpose)이 비어 있습니다.",
                "ethics.yml에 purpose: 분석 목적 을 적으십시오.",
            )
        ]
    return []


def check_notebook_outputs(project: Path) -> list[Finding]:
    """Notebooks committed (at HEAD) with outputs or execution counts."""
    listed = _git(project, "ls-tree", "-r", "--name-only", "HEAD")
    if listed is None or not _in_git(project):
        return []
    import nbformat

    findings = []
    for rel in sorted(p for p in listed.splitlines() if p.endswith(".ipynb")):
        text = _git(project, "show", f"HEAD:{rel}")
        if text is None:
            continue
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception:  # a broken notebook is for nbformat and ruff to report
            continue
        dirty = [
            n
            for n, cell in enumerate(nb.cells, start=1)
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
        ]
        if dirty:
            findings.append(
                _finding(
                    "notebook_outputs",
                    rel,
                    f"노트북이 출력과 함께 커밋되었습니다 (셀 {', '.join(map(str, dirty[:5]))}"
                    f"{' 외' if len(dirty) > 5 else ''}). 출력에는 자료가 들어 있을 수 있습니다.",
                    f"`nbstripout {rel}` 후 다시 커밋하고, `pre-commit install`로 커밋 전 점검을 "
                    "켜십시오.",
                )
            )
    return findings


def check_precommit(project: Path) -> list[Finding]:
    """Report a git repository whose pre-commit hooks are not installed."""
    if not _in_git(project):
        return []
    hooks = _git(project, "rev-parse", "--git-path", "hooks")
    hook = project / (hooks or ".git/hooks").strip() / "pre-commit"
    if hook.is_file() and "pre-commit" in hook.read_text(encoding="utf-8", errors="replace"):
        return []
    return [
        _finding(
            "precommit_missing",
            ".git/hooks/pre-commit",
            "커밋 전 점검(pre-commit)이 설치되지 않았습니다: 노트북 출력, 비밀, 개인정보가 "
            "점검 없이 커밋됩니다.",
            "`pre-commit install` (또는 make setup)을 실행하십시오.",
        )
    ]


def _candidate_files(project: Path) -> list[str]:
    """Files a commit could take: git's tracked and untracked-but-not-ignored ones.

    Outside git, every file but the venv's, data's and tool caches'. A folder holding a
    ``CACHEDIR.TAG`` (pytest's, ruff's, mypy's caches) is skipped either way: its tag's
    signature looks like a secret.
    """
    listed = (
        _git(project, "ls-files", "--cached", "--others", "--exclude-standard")
        if _in_git(project)
        else None
    )
    if listed is not None:
        files = listed.splitlines()
    else:
        skip = {".git", ".venv", "data", "__pycache__", ".ipynb_checkpoints", "runs"}
        files = []
        for dirpath, dirnames, filenames in os.walk(project):
            dirnames[:] = [d for d in dirnames if d not in skip]
            files += [(Path(dirpath) / f).relative_to(project).as_posix() for f in filenames]
    tagged: dict[Path, bool] = {}

    def in_cache(rel: str) -> bool:
        for folder in Path(rel).parents:
            if folder not in tagged:
                tagged[folder] = (project / folder / "CACHEDIR.TAG").is_file()
            if tagged[folder]:
                return True
        return False

    return sorted(
        f
        for f in files
        if not _SECRET_SKIP.match(f) and (project / f).is_file() and not in_cache(f)
    )


def check_secrets(project: Path) -> list[Finding]:
    """Secrets (detect-secrets) in project files that the baseline does not list."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    baseline_path = project / ".secrets.baseline"
    known: set[tuple[str, str]] = set()
    if baseline_path.is_file():
        try:
            results = json.loads(baseline_path.read_text(encoding="utf-8")).get("results", {})
            known = {(f, s["hashed_secret"]) for f, items in results.items() for s in items}
        except (ValueError, KeyError, TypeError, AttributeError):
            known = set()
    findings = []
    secrets = SecretsCollection(root=str(project))
    with default_settings():
        for rel in _candidate_files(project):
            secrets.scan_file(rel)
    for rel, secret in secrets:
        if (rel, secret.secret_hash) in known:
            continue
        findings.append(
            _finding(
                "secret",
                f"{rel}:{secret.line_number}",
                f"비밀로 보이는 값({secret.type})이 있습니다.",
                "비밀번호·키는 환경 변수나 catalog.local.yml(git 제외)로 옮기고, 이미 커밋했다면 "
                "키를 바꾸십시오. 비밀이 아니면 "
                "`detect-secrets scan --baseline .secrets.baseline`.",
            )
        )
    return findings


def check_pins(project: Path) -> list[Finding]:
    """Runtime dependencies in ``pyproject.toml`` that are not pinned with ``==``."""
    path = project / "pyproject.toml"
    if not path.is_file():
        return [
            _finding(
                "pyproject_missing",
                "pyproject.toml",
                "pyproject.toml이 없어 쓰는 패키지와 버전이 기록되지 않았습니다.",
                "workbench 템플릿의 pyproject.toml을 가져오십시오 (`workbench new`로 만든 "
                "프로젝트를 참고).",
            )
        ]
    try:
        dependencies = tomllib.loads(path.read_text(encoding="utf-8"))["project"]["dependencies"]
    except (tomllib.TOMLDecodeError, KeyError, TypeError):
        dependencies = []
    loose = [str(d) for d in dependencies if not _PINNED.match(str(d))]
    if not dependencies or loose:
        what = ", ".join(loose) if loose else "(dependencies 없음)"
        return [
            _finding(
                "unpinned",
                "pyproject.toml",
                f"버전이 고정되지 않은 의존성: {what}. 1년 뒤 재실행 결과가 달라질 수 있습니다.",
                '[project] dependencies의 각 패키지를 "이름==버전"으로 고정하십시오 '
                f"(예: {DISTRIBUTION}=={installed_version()}).",
            )
        ]
    return []


def _workbench_pin(project: Path) -> tuple[str, str] | None:
    """Return the (name, version) a project pins workbench at, under either name."""
    try:
        data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        dependencies = [str(d) for d in data["project"]["dependencies"]]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return None
    for dependency in dependencies:
        found = _PIN.match(dependency)
        if found and found["name"].lower().replace("_", "-") in {DISTRIBUTION, UNRELATED}:
            return found["name"].lower().replace("_", "-"), found["version"]
    return None


def check_workbench(project: Path) -> list[Finding]:
    """Report a running workbench that is not the center's (package, version, origin)."""
    here = installed()
    origin = _ORIGIN_LABELS.get(here.origin, here.origin)
    fix = "분석센터가 준 휠 폴더나 저장소로 `make setup`을 다시 실행하십시오."
    findings = []
    if here.unrelated is not None:
        findings.append(
            _finding(
                "workbench_unrelated",
                ".venv",
                f"이 환경에 이름만 같은 다른 패키지 workbench {here.unrelated}가 설치되어 있습니다 "
                f"(분석센터의 workbench는 {DISTRIBUTION}).",
                f"`.venv/bin/pip uninstall workbench {DISTRIBUTION}` 후 {fix}",
            )
        )
    if here.version is None or not here.owns_package:
        findings.append(
            _finding(
                "workbench_not_installed",
                ".venv",
                f"실행 중인 workbench({here.package_dir})는 {DISTRIBUTION}로 설치된 것이 "
                "아닙니다: 버전과 출처를 확인할 수 없습니다.",
                fix,
            )
        )
    pin = _workbench_pin(project)
    if pin is not None and pin[0] == UNRELATED:
        findings.append(
            _finding(
                "workbench_pin_name",
                "pyproject.toml",
                f"pyproject.toml이 workbench=={pin[1]}을 고정합니다: 공개 저장소의 같은 이름은 "
                "다른 사람의 패키지입니다.",
                f'dependencies의 "workbench=={pin[1]}"을 "{DISTRIBUTION}=={pin[1]}"로 바꾸고 {fix}',
            )
        )
    elif pin is not None and here.version is not None and pin[1] != here.version:
        findings.append(
            _finding(
                "workbench_version",
                "pyproject.toml",
                f"pyproject.toml은 {DISTRIBUTION}=={pin[1]}을 고정하는데 설치된 것은 "
                f"{here.version}입니다 (설치 출처: {origin}).",
                f"분석센터의 {pin[1]} 휠 폴더나 저장소로 `make setup`을 다시 실행하십시오.",
            )
        )
    return findings


def check_raw_data(project: Path) -> list[Finding]:
    """Raw files changed, missing, or never recorded in ``data/raw.sha256``."""
    status = check_raw(project)
    findings = [
        _finding(
            "raw_modified",
            rel,
            f"원자료가 {RAW_RECORD}에 기록된 것과 다릅니다: 원자료는 고치지 않습니다.",
            "원본을 다시 받아 되돌리고, 고친 자료는 data/interim/ 또는 data/processed/에 "
            "새 파일로 쓰십시오.",
        )
        for rel in status.changed
    ]
    findings += [
        _finding(
            "raw_missing",
            rel,
            f"{RAW_RECORD}에 기록된 원자료가 없습니다.",
            "원본을 다시 받아 data/raw/에 두십시오.",
        )
        for rel in status.missing
    ]
    if status.unrecorded:
        findings.append(
            _finding(
                "raw_unrecorded",
                "data/raw",
                f"해시가 기록되지 않은 원자료 {len(status.unrecorded)}개: "
                f"{', '.join(status.unrecorded[:5])}{' 외' if len(status.unrecorded) > 5 else ''}.",
                f"`workbench doctor --record-raw`로 {RAW_RECORD}에 기록하고 커밋하십시오.",
            )
        )
    return findings


def check_template_record(project: Path) -> list[Finding]:
    """No template record: ``workbench update`` cannot bring template changes."""
    if (project / RECORD_PATH).is_file():
        return []
    return [
        _finding(
            "template_record",
            RECORD_PATH,
            "템플릿 기록이 없어 `workbench update`로 템플릿 개선을 받을 수 없습니다.",
            "git에서 .workbench/template.json을 되살리거나, `workbench new`로 만든 "
            "프로젝트로 옮기십시오.",
        )
    ]


CHECKS: tuple[Callable[[Path], list[Finding]], ...] = (
    check_ethics,
    check_notebook_outputs,
    check_secrets,
    check_pins,
    check_raw_data,
    check_precommit,
    check_template_record,
    check_workbench,
)


def diagnose(project: str | os.PathLike[str] | None = None) -> list[Finding]:
    """Return every deviation from the standard of a project.

    ``project`` is the project folder; by default the nearest folder, from the current
    one upwards, that has a template record, a catalog or an ethics record.
    """
    from workbench.config import find_project
    from workbench.exceptions import WorkbenchError
    from workbench.project._record import find_template_project

    if project is not None:
        root = Path(project).resolve()
    else:
        try:
            root = find_template_project()
        except WorkbenchError:
            root = find_project() or Path.cwd().resolve()
    findings: list[Finding] = []
    for check in CHECKS:
        findings += check(root)
    return findings
