"""The bundled 시도·시군구 code table, read from its dated CSV file.

Unlike the other samples this table is real reference data, not synthetic: the codes
and names of the 행정안전부 법정동코드 at the file's 기준일. It is offered here so
that ``sample://regions`` (and the sample catalog's ``regions`` dataset) can load it;
:mod:`workbench.catalog` builds its code helpers on the same function.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

__all__ = ["REGION_FILE", "region_file_header", "regions"]

#: The table: ``# key: value`` header lines (source, 기준일, derivation), then CSV.
REGION_FILE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "regions.csv"

_OPTIONAL = ("시군구코드", "시군구명", "상위코드")  # empty on some rows: missing, not ""


def region_file_header(path: Path = REGION_FILE) -> dict[str, list[str]]:
    """Return the ``# key: value`` lines at the top of the region file.

    Parameters
    ----------
    path : pathlib.Path
        The file; default the bundled one.

    Returns
    -------
    dict of str to list of str
        Each key with its values in file order (``changes_applied`` occurs several
        times), e.g. ``{"as_of": ["2025-01-01"], "source": [...], ...}``.

    Examples
    --------
    >>> region_file_header()["as_of"]
    ['2025-01-01']
    """
    header: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if not line.startswith("#"):
                break
            key, sep, value = line[1:].strip().partition(": ")
            if sep:
                header.setdefault(key, []).append(value)
    return header


def regions() -> pd.DataFrame:
    """Return the bundled 시도·시군구 code table (real codes, not generated).

    One row per code: the 17 시도 and every 시군구-level code of the 법정동코드 at the
    file's 기준일, including the 일반구 of large cities, the two 행정시 of 제주 and the
    single-tier code of 세종 (36110). Only local governments have ``자치`` true: the
    17 시도 and 226 자치구·시·군.

    Returns
    -------
    pandas.DataFrame
        Columns: ``시도코드`` (str, 2 digits), ``시군구코드`` (str, 5 digits; missing on
        a 시도 row), ``수준`` (str: 시도, 시군구), ``시도명``, ``시군구명`` (str; missing
        on a 시도 row), ``구분`` (str: 특별시, 광역시, 특별자치시, 도, 특별자치도, 자치구,
        시, 군, 일반구, 행정시, 단층제), ``자치`` (bool), ``상위코드`` (str: the 시 of an
        일반구, else missing). ``attrs`` holds ``as_of`` (the 기준일) and ``source``.

    Examples
    --------
    >>> table = regions()
    >>> sigungu = table["수준"] == "시군구"
    >>> int((~sigungu).sum()), int((sigungu & table["자치"]).sum())
    (17, 226)
    """
    header = region_file_header()
    text = REGION_FILE.read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    frame = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    for column in _OPTIONAL:
        frame[column] = frame[column].where(frame[column] != "")
    frame["자치"] = frame["자치"].map({"true": True, "false": False}).astype(bool)
    frame.attrs["as_of"] = header["as_of"][0]
    frame.attrs["source"] = header["source"][0]
    return frame
