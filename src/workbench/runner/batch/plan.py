"""The batch matrix: one row of parameters per run, checked before anything runs.

A matrix is a CSV file (a header of parameter names, one row per run; an empty cell
keeps the default) or a YAML file (a list of mappings, or a mapping with ``rows``).
A column ``run_id`` (or ``id``) names the run directories; it is not a parameter.
Every row is validated with the same rules as ``workbench run -p`` and inputs are
checked, so that a bad row is refused, by number, before any kernel starts.

A resumed batch (:func:`split_resume`) keeps the runs whose manifest is complete with
the same notebook, parameters and input contents, and runs the others.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench._io import read_yaml
from workbench.exceptions import ParameterError, RunExistsError, WorkbenchError
from workbench.runner import _manifest as mf
from workbench.runner._inputs import resolve_inputs
from workbench.runner._limits import CONFIG_LIMIT, regular_file
from workbench.runner._params import resolve_parameters
from workbench.runner._registry import Analysis
from workbench.runner._rundir import RunDir

__all__ = ["COMPLETE", "BatchRow", "load_matrix", "normal", "plan_rows", "split_resume"]

#: Finished statuses that ``resume`` keeps. A blocked run is complete too: it waits for
#: an approval (``workbench rerun --approve``), and running it again would block again.
COMPLETE = ("succeeded", "blocked")

ID_COLUMNS = ("run_id", "id")
#: Names under the batch's output folder that are not run directories.
RESERVED = frozenset({"_shared", "_logs", "_kernels", "index.html", "index.csv"})
_UNSAFE = re.compile(r"[^\w가-힣.-]+")
_CODE_NAME = re.compile(r"(code|코드)$", re.IGNORECASE)


@dataclass
class BatchRow:
    """One planned run.

    Attributes
    ----------
    number : int
        The row's number in the matrix (1 = first data row).
    run_id : str
        The run directory's name under the batch's output folder (unique).
    given : dict
        The values the matrix gives (what the index shows).
    params : dict
        Every parameter with its effective value, validated.
    """

    number: int
    run_id: str
    given: dict[str, Any]
    params: dict[str, Any]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp949"):  # Excel in Korea saves CSV as CP949
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParameterError(
        f"실행 목록 {path}: UTF-8도 CP949도 아닌 글자가 있습니다. "
        "UTF-8로 저장한 뒤 다시 실행하세요."
    )


def _csv_rows(path: Path) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(_read_text(path)))
    header = reader.fieldnames or []
    if not header or any(not (name or "").strip() for name in header):
        raise ParameterError(
            f"실행 목록 {path}: 첫 줄에 모든 열의 이름(매개변수 이름)이 있어야 합니다. "
            "빈 열 이름을 채우거나 그 열을 지우세요."
        )
    rows = []
    for number, row in enumerate(reader, start=1):
        if None in row:
            raise ParameterError(
                f"실행 목록 {path}, {number}번째 행({number + 1}번째 줄): 값이 열 이름보다 "
                "많습니다. 값 안의 쉼표는 따옴표로 감싸세요."
            )
        # An empty cell keeps the parameter's default.
        rows.append({k.strip(): v for k, v in row.items() if v is not None and v.strip() != ""})
    return rows


def _yaml_rows(path: Path) -> list[dict[str, Any]]:
    data = read_yaml(path, ParameterError)
    if isinstance(data, dict) and "rows" in data:
        data = data["rows"]
    if not isinstance(data, list):
        raise ParameterError(
            f"실행 목록 {path}에는 행의 목록('매개변수: 값' 묶음의 목록)이나 'rows:' 아래 "
            "목록이 있어야 합니다."
        )
    for number, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            raise ParameterError(
                f"실행 목록 {path}, {number}번째 행: '매개변수: 값' 묶음이어야 하는데 "
                f"{type(row).__name__} 값입니다. 'region_code: \"11110\"'처럼 쓰세요."
            )
    return [{str(k): v for k, v in row.items()} for row in data]


def load_matrix(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read a matrix file into a list of rows (mappings of column to value).

    Raises
    ------
    ParameterError
        For a missing, unreadable or empty file, or an unsupported suffix.
    """
    path = regular_file(Path(path), "실행 목록(matrix) 파일", limit=CONFIG_LIMIT, option="--matrix")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".yaml", ".yml", ".json"):
        rows = _yaml_rows(path)
    else:
        raise ParameterError(
            f"실행 목록 {path}: .csv 또는 .yaml 파일이어야 합니다 (받은 확장자: '{suffix}')."
        )
    if not rows:
        raise ParameterError(
            f"실행 목록 {path}에 행이 없어 실행할 것이 없습니다. 기관마다 한 행씩 적으세요."
        )
    return rows


def _sanitise(text: str) -> str:
    name = _UNSAFE.sub("_", text.strip()).strip("._-")
    return name[:80] or "run"


def _base_id(analysis: Analysis, number: int, row: dict[str, Any]) -> str:
    for column in ID_COLUMNS:
        if row.get(column) not in (None, ""):
            return _sanitise(str(row[column]))
    for param in analysis.parameters:  # a region code names an agency's run
        if _CODE_NAME.search(param.name) and row.get(param.name) not in (None, ""):
            return _sanitise(str(row[param.name]))
    return f"row-{number:04d}"


def _unique_ids(bases: list[str]) -> list[str]:
    seen: set[str] = set()
    ids = []
    for base in bases:
        candidate, n = base, 2
        while candidate.lower() in seen or candidate in RESERVED or candidate.startswith("_"):
            candidate = f"{base}-{n}"
            n += 1
        seen.add(candidate.lower())
        ids.append(candidate)
    return ids


def _check_inputs(analysis: Analysis, rows: list[BatchRow], where: str) -> None:
    """Resolve each distinct combination of inputs once (not once per row)."""
    checked: set[str] = set()
    for row in rows:
        key = json.dumps(
            {
                name: [row.params.get(name), [str(c) for c in spec.columns]]
                for name, spec in analysis.meta.inputs.items()
            },
            sort_keys=True,
            default=str,
        )
        if any("{" in str(c) for spec in analysis.meta.inputs.values() for c in spec.columns):
            key += json.dumps(row.params, sort_keys=True, default=str)
        if key in checked:
            continue
        try:
            resolve_inputs(analysis, dict(row.params))
        except WorkbenchError as exc:
            raise ParameterError(f"실행 목록 {where}, {row.number}번째 행: {exc}") from None
        checked.add(key)


def plan_rows(analysis: Analysis, raw_rows: list[dict[str, Any]], where: str) -> list[BatchRow]:
    """Validate every row and name its run; raise for the first bad row.

    Raises
    ------
    ParameterError
        ``Matrix FILE, row N: ...`` for an unknown parameter (with a did-you-mean), a
        value of the wrong type, or a missing input.
    """
    planned = []
    for number, raw in enumerate(raw_rows, start=1):
        given = {k: v for k, v in raw.items() if k not in ID_COLUMNS}
        try:
            params = resolve_parameters(analysis, given)
        except ParameterError as exc:
            raise ParameterError(
                f"실행 목록 {where}, {number}번째 행: {exc}", exc.parameter
            ) from None
        planned.append(BatchRow(number, _base_id(analysis, number, raw), given, params))
    for row, run_id in zip(planned, _unique_ids([r.run_id for r in planned]), strict=True):
        row.run_id = run_id
    _check_inputs(analysis, planned, where)
    return planned


def normal(value: Any) -> Any:
    """Return ``value`` as JSON would give it back (how a manifest stores parameters)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def _inputs_unchanged(manifest: mf.Manifest, digests: dict[str, str]) -> bool:
    """Tell whether every input a run read still has the content it had then.

    An input the batch shared as Parquet is compared through its original file. ``digests``
    keeps each input's digest, so a file shared by all rows is hashed once.
    """
    from workbench.runner._inputs import input_fingerprint

    originals = {s.path: (s.original_path, s.original_sha256) for s in manifest.shared_inputs}
    for record in manifest.inputs:
        source, recorded = originals.get(record.path, (record.path, record.sha256))
        if source not in digests:
            try:
                digests[source] = input_fingerprint(source)
            except WorkbenchError:  # gone: the run cannot be kept as it is
                digests[source] = ""
        if digests[source] != recorded:
            return False
    return True


def _complete(run_dir: Path, analysis: Analysis, row: BatchRow, digests: dict[str, str]) -> bool:
    """Tell whether ``resume`` keeps this run directory.

    Kept: complete, same notebook, same parameters, and inputs with the same content.
    """
    try:
        manifest = mf.read_manifest(run_dir)
    except WorkbenchError:
        return False
    given = manifest.batch.parameters if manifest.batch is not None else None
    return (
        manifest.status in COMPLETE
        and manifest.analysis.notebook_sha256 == analysis.sha256
        and normal(given) == normal(row.params)
        and _inputs_unchanged(manifest, digests)
    )


def split_resume(
    analysis: Analysis, rows: list[BatchRow], out: Path, resume: bool
) -> tuple[list[BatchRow], list[BatchRow]]:
    """Return (rows to run, rows to skip); refuse folders a batch must not replace.

    Raises
    ------
    RunExistsError
        When run folders exist and ``resume`` is not set, or a folder in the way is not
        a run folder.
    """
    to_run, skipped, taken = [], [], []
    digests: dict[str, str] = {}
    for row in rows:
        run_dir = out / row.run_id
        occupied = run_dir.exists() and (not run_dir.is_dir() or any(run_dir.iterdir()))
        if not occupied:
            to_run.append(row)
        elif not resume:
            taken.append(row.run_id)
        elif _complete(run_dir, analysis, row, digests):
            skipped.append(row)
        elif RunDir(run_dir).manifest.is_file():
            to_run.append(row)  # an earlier failed or changed run: replaced
        else:
            raise RunExistsError(
                f"{run_dir}: 실행 폴더가 아닌 폴더가 이미 있어 바꾸지 않습니다. "
                "다른 --out 폴더를 주세요."
            )
    if taken:
        shown = ", ".join(taken[:5]) + (" ..." if len(taken) > 5 else "")
        raise RunExistsError(
            f"{out}에 실행 폴더 {len(taken)}개가 이미 있습니다 ({shown}). 끝난 실행은 두고 "
            "나머지만 실행하려면 --resume을 붙이고, 아니면 다른 --out 폴더를 주세요."
        )
    return to_run, skipped
