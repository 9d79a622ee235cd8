"""Seeded synthetic data for demonstrations, tests and training.

Every sample is a function of its arguments only: the same arguments give the same
table, on every machine with the same numpy, and no global random state is touched.
Column names and values are Korean, as in the administrative data the workbench is for.

- :func:`households` -- household survey microdata (법정동코드, income, tenure, ...);
- :func:`population` -- population and households per 법정동코드 and year;
- :func:`businesses` -- small businesses with valid 사업자등록번호;
- :func:`complaints` -- civil complaints (민원) in Korean with planted topics, a rising
  keyword, a campaign and personal information to mask;
- :func:`regions` -- the bundled, dated 시도·시군구 code table (real codes, not generated);
- :func:`apartments`, :func:`benefit_claims` -- linked tables in one sample (management
  fees with invoices and bids; benefit claims with certifications, travel and employment),
  each with the irregular cases it planted;
- :data:`SAMPLES`, :func:`get` -- look a sample up by name (``sample://NAME`` in
  :func:`workbench.read_table` uses this);
- :func:`write` -- write a sample to CSV, Excel, Parquet or JSON, byte for byte the same
  for the same arguments.
"""

from __future__ import annotations

import codecs
import difflib
import inspect
import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from workbench._io import write_atomically
from workbench.exceptions import ParameterError
from workbench.samples._apartments import (
    ApartmentSample,
    apartment_bids,
    apartment_fees,
    apartment_invoices,
    apartments,
)
from workbench.samples._businesses import businesses
from workbench.samples._claims import ClaimsSample, benefit_claims
from workbench.samples._complaints import complaints
from workbench.samples._emissions import emissions
from workbench.samples._ev_demand import ev_demand
from workbench.samples._households import households
from workbench.samples._messages import message
from workbench.samples._panel import policy_panel
from workbench.samples._population import population
from workbench.samples._regions import region_file_header, regions
from workbench.samples._store_sales import store_sales
from workbench.samples._web_events import web_events
from workbench.samples._welfare import welfare_households

__all__ = [
    "SAMPLES",
    "ApartmentSample",
    "ClaimsSample",
    "apartment_bids",
    "apartment_fees",
    "apartment_invoices",
    "apartments",
    "benefit_claims",
    "businesses",
    "complaints",
    "emissions",
    "ev_demand",
    "get",
    "households",
    "policy_panel",
    "population",
    "region_file_header",
    "regions",
    "store_sales",
    "web_events",
    "welfare_households",
    "write",
]

SAMPLES: dict[str, Callable[..., pd.DataFrame]] = {
    "households": households,
    "population": population,
    "businesses": businesses,
    "regions": regions,
    "emissions": emissions,
    "apartment_fees": apartment_fees,
    "apartment_invoices": apartment_invoices,
    "apartment_bids": apartment_bids,
    "ev_demand": ev_demand,
    "store_sales": store_sales,
    "welfare_households": welfare_households,
    "web_events": web_events,
    "policy_panel": policy_panel,
    "complaints": complaints,
}
"""Every bundled sample, by the name used in :func:`get` and ``sample://NAME``."""


def get(name: str, **kwargs: Any) -> pd.DataFrame:
    """Generate the sample table called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`SAMPLES`, e.g. ``"households"``.
    **kwargs
        Arguments for the sample's function, e.g. ``n=500, seed=3``.

    Returns
    -------
    pandas.DataFrame
        The generated table.

    Raises
    ------
    ParameterError
        If ``name`` is not a known sample (the message suggests the closest name) or
        an argument is unknown or invalid.

    Examples
    --------
    >>> from workbench import samples
    >>> samples.get("households", n=3, seed=0).shape
    (3, 11)
    """
    try:
        function = SAMPLES[name]
    except (KeyError, TypeError):
        raise ParameterError(
            message(
                "unknown_sample",
                name=repr(name),
                close=_did_you_mean(str(name), SAMPLES),
                have=", ".join(sorted(SAMPLES)),
            ),
            parameter="name",
            got=name,
            suggestions=sorted(SAMPLES),
            kind="unknown",
        ) from None
    accepted = inspect.signature(function).parameters
    for key in kwargs:
        if key not in accepted:
            raise ParameterError(
                message(
                    "unknown_parameter",
                    name=repr(name),
                    key=repr(key),
                    close=_did_you_mean(key, accepted),
                    have=", ".join(accepted),
                ),
                parameter=key,
                suggestions=list(accepted),
                kind="unknown",
            )
    return function(**kwargs)


def write(
    name: str, path: str | os.PathLike[str], *, encoding: str = "utf-8", **kwargs: Any
) -> Path:
    """Write a sample table to a file whose format is chosen by its suffix.

    The output is byte-identical for the same arguments (and library versions): CSV
    uses Unix line endings, the Excel file carries fixed timestamps, and the Parquet
    file carries no time-dependent metadata. Parent folders are created; the file is
    written to a temporary name first, so a failure never leaves a half-written file.

    Parameters
    ----------
    name : str
        A key of :data:`SAMPLES`.
    path : str or os.PathLike
        Where to write; the suffix picks the format: ``.csv``, ``.xlsx``, ``.parquet``
        or ``.json`` (an array of records).
    encoding : str, default "utf-8"
        Text encoding for ``.csv`` and ``.json``, e.g. ``"cp949"`` or ``"utf-8-sig"``
        (UTF-8 with a byte-order mark, which Excel needs to open Korean CSV correctly).
        Ignored for the binary formats.
    **kwargs
        Arguments for the sample's function, e.g. ``n=500, seed=3``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ParameterError
        If the suffix or encoding is not supported, the encoding cannot represent the
        table's text, or the sample name or its arguments are invalid.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _ENCODERS:
        raise ParameterError(
            message(
                "write_suffix",
                name=repr(name),
                path=path,
                suffix=repr(suffix),
                have=", ".join(sorted(_ENCODERS)),
            ),
            parameter="path",
            expected=sorted(_ENCODERS),
            got=suffix,
            kind="choice",
        )
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ParameterError(
            message("write_encoding", got=repr(encoding)),
            parameter="encoding",
            got=encoding,
            kind="unknown",
        ) from None
    frame = get(name, **kwargs)
    try:
        data = _ENCODERS[suffix](frame, encoding, name)
    except UnicodeEncodeError as exc:
        raise ParameterError(
            message(
                "write_unencodable",
                encoding=repr(encoding),
                name=repr(name),
                char=repr(exc.object[exc.start : exc.end]),
            ),
            parameter="encoding",
            got=encoding,
            kind="unencodable",
        ) from exc
    write_atomically(path, data)
    return path


def _did_you_mean(word: str, choices: Any) -> str:
    """Return ``" 비슷한 이름: 'x'."`` for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1)
    return message("close", close=repr(matches[0])) if matches else ""


def _encode_csv(frame: pd.DataFrame, encoding: str, name: str) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode(encoding)


def _encode_json(frame: pd.DataFrame, encoding: str, name: str) -> bytes:
    text = frame.to_json(orient="records", force_ascii=False, double_precision=15)
    return (text + "\n").encode(encoding)


def _encode_parquet(frame: pd.DataFrame, encoding: str, name: str) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


# openpyxl stamps docProps/core.xml and every zip member with the current time.
_EPOCH_ZIP = (1980, 1, 1, 0, 0, 0)
_EPOCH_XML = "2024-01-01T00:00:00Z"
_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _encode_xlsx(frame: pd.DataFrame, encoding: str, name: str) -> bytes:
    raw = io.BytesIO()
    frame.to_excel(raw, index=False, sheet_name=name[:31], engine="openpyxl")
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                content = _W3CDTF.sub(rb"\g<1>" + _EPOCH_XML.encode() + rb"\g<2>", content)
            info = zipfile.ZipInfo(member.filename, date_time=_EPOCH_ZIP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return output.getvalue()


_ENCODERS: dict[str, Callable[[pd.DataFrame, str, str], bytes]] = {
    ".csv": _encode_csv,
    ".json": _encode_json,
    ".parquet": _encode_parquet,
    ".xlsx": _encode_xlsx,
}
