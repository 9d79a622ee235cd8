"""Text files DuckDB can read: detect the encoding, transcode once, cache by content.

DuckDB reads only UTF-8, while Korean public-data portals publish CP949 (EUC-KR). A
CP949 file is transcoded once into the cache, named after the source's SHA-256 (computed
in the same pass) and encoding, and read from there afterwards. CP949 never uses byte
0x0A inside a character, so the file is split at newlines and the chunks are converted in
parallel: by the C library's ``iconv`` in threads (ctypes releases the GIL; glibc's CP949
table equals Python's on every two-byte sequence, and a self-check guards other C
libraries), else by Python's codec in a process pool. Files are written under a
temporary name and renamed, so a failure leaves nothing behind.

Only the standard library (and the package's own stdlib-only helpers) is imported here,
so the pool's worker processes start fast.
"""

from __future__ import annotations

import codecs
import csv
import ctypes
import ctypes.util
import errno
import hashlib
import itertools
import json
import multiprocessing
import os
import tempfile
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from workbench._io import atomic_path
from workbench.catalog._messages import message
from workbench.catalog._sniff import (
    flatten_header,
    guess_encoding,
    mostly_hangul,
    sniff_delimiter,
    unique_names,
)
from workbench.exceptions import DataReadError, ParameterError

__all__ = ["TextFile", "UndecodableError", "detect_encoding"]
__all__ += ["file_status", "known_sha256", "remember_sha256", "text_layout", "transcode"]
__all__ += ["utf8_text"]

UTF8_LABELS = ("utf-8", "utf-8-sig")  # DuckDB reads these as they are (and drops a BOM)
HEAD_BYTES = 1 << 20  # read to detect the encoding
CHUNK_BYTES = 8 << 20  # one unit of parallel work
# Encodings in which byte 0x0A only means a newline, so chunks split there decode alone.
_SPLITTABLE = {"cp949", "johab", "iso8859-1", "cp1252", "ascii"}
_ICONV_NAMES = {"cp949": b"CP949"}
_SELF_CHECK = "가구ID,법정동코드,똠방각하,뷁,ㄱ,①,￦,漢字,A1\n"


class UndecodableError(DataReadError):
    """A byte sequence the encoding cannot decode, at ``offset`` from the file's start."""

    def __init__(
        self, text: str, offset: int, *, path: object = None, line: int | None = None
    ) -> None:
        super().__init__(text, path=path, line=line, kind="encoding")
        self.offset = offset


class _BadBytesError(Exception):
    """Raised by a chunk converter at ``offset`` (picklable: one plain argument)."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


@dataclass(frozen=True)
class TextFile:
    """A UTF-8 file DuckDB can read, and the encoding of the source it comes from."""

    path: Path
    encoding: str


# --- encodings -------------------------------------------------------------------------


def canonical_encoding(name: str) -> str:
    """Return Python's name for an encoding (``EUC-KR`` -> ``cp949``, its superset)."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise ParameterError(
            message("encoding_unknown_catalog", encoding=repr(name)),
            parameter="encoding",
            expected="a codec name such as 'utf-8' or 'cp949'",
            got=name,
            kind="encoding",
        ) from None
    return "cp949" if canonical == "euc_kr" else canonical


def detect_encoding(path: Path) -> str:
    """Guess a text file's encoding from its first megabyte.

    UTF-8 (``"utf-8-sig"`` with a byte-order mark), then CP949, then charset-normalizer's
    best guess, as :func:`workbench.catalog.read_table` does for a whole file; but Korean
    text with damaged bytes is reported, not guessed (charset-normalizer would call it,
    say, ISO-8859-5). A file that is UTF-8 only at its start is caught by DuckDB.
    """
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
        whole = not stream.read(1)
    encoding, bad = guess_encoding(head, whole=whole)
    if encoding is not None:
        return encoding if encoding in UTF8_LABELS else canonical_encoding(encoding)
    also = None if mostly_hangul(head) else message("tried_no_guess")
    raise _undecodable(path, "cp949", bad, also=also)


def _undecodable(
    path: Path, encoding: str, offset: int, *, declared: bool = False, also: str | None = None
) -> UndecodableError:
    """Name the file, the first bad byte (offset and line) and the encodings tried."""
    tried = [message("tried_declared", encoding=encoding)] if declared else ["utf-8", "cp949"]
    if also is not None and not declared:
        tried.append(also)
    line, done = 1, 0
    with path.open("rb") as stream:
        while done < offset:
            block = stream.read(min(CHUNK_BYTES, offset - done))
            line, done = line + block.count(b"\n"), done + len(block)
        bad = stream.read(2)
    return UndecodableError(
        message(
            "undecodable",
            path=path,
            line=line,
            offset=offset,
            byte=repr(bad),
            encoding=encoding,
            tried=", ".join(tried),
        ),
        offset,
        path=path,
        line=line,
    )


def text_layout(
    path: Path, file_format: str | None, header_rows: int | None
) -> tuple[str, int, list[str], bool]:
    """Read a UTF-8 text file's start: delimiter, header rows, names, and if rows follow.

    Names are as pandas gives them (``Unnamed: 0``, ``인구.1``); several header rows are
    flattened as Excel's (``2024`` over ``인구`` -> ``2024_인구``), a filled cell followed by
    blank ones counting as one merged cell.
    """
    with path.open("rb") as stream:
        raw = stream.read(64 * 1024)
    lines = raw.decode("utf-8", errors="ignore").removeprefix("\ufeff").splitlines()
    delimiter = sniff_delimiter("\n".join(lines), "\t" if file_format == "tsv" else ",")
    depth = header_rows or 1
    rows = list(csv.reader(lines[:depth], delimiter=delimiter))
    if depth == 1:
        names = unique_names(
            [cell or f"Unnamed: {i}" for i, cell in enumerate(rows[0] if rows else [])]
        )
    else:
        spans = []  # (first column, row, last column, row), 1-based, as openpyxl's ranges
        for number, row in enumerate(rows[:-1], start=1):
            for start, cell in enumerate(row):
                end = start
                while cell.strip() and end + 1 < len(row) and not row[end + 1].strip():
                    end += 1
                if end > start:
                    spans.append((start + 1, number, end + 1, number))
        names = flatten_header(rows, spans)  # type: ignore[arg-type]
    return delimiter, depth, names, len(raw) == 64 * 1024 or len(lines) > depth


# --- content hashes, remembered while a file's status is unchanged ------------------------


def file_status(path: Path) -> list[int]:
    """Return what tells that a file changed: size, modification and change times, inode."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _memo(path: Path, cache_dir: Path) -> Path:
    return cache_dir / "sha256" / (hashlib.sha1(str(path).encode()).hexdigest() + ".json")


def known_sha256(path: Path, cache_dir: Path) -> str | None:
    """Return the remembered SHA-256 of ``path`` if the file has not changed since."""
    try:
        memo = json.loads(_memo(path, cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if memo.get("path") == str(path) and memo.get("status") == file_status(path):
        return str(memo["sha256"])
    return None


def remember_sha256(path: Path, sha: str, cache_dir: Path, status: list[int]) -> None:
    """Remember ``sha`` for ``path`` while its :func:`file_status` stays ``status``."""
    with atomic_path(_memo(path, cache_dir)) as tmp:
        tmp.write_text(json.dumps({"path": str(path), "status": status, "sha256": sha}))


# --- transcoding -----------------------------------------------------------------------


def utf8_text(
    source: Path, sha: str | None, encoding: str, cache_dir: Path, *, declared: bool
) -> tuple[TextFile, str | None]:
    """Return a UTF-8 version of ``source`` (itself, or its transcoded copy) and its SHA-256.

    The copy is ``<sha256>.<encoding>.utf8`` in ``cache_dir``. When ``sha`` is not known,
    it is computed while transcoding, so the file is read once.

    Raises
    ------
    UndecodableError
        Naming the file, the byte offset and line, and the encodings tried.
    """
    if encoding in UTF8_LABELS:
        return TextFile(source, encoding), sha
    if sha is not None and (cache_dir / f"{sha}.{encoding}.utf8").is_file():
        return TextFile(cache_dir / f"{sha}.{encoding}.utf8", encoding), sha
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=cache_dir, prefix=".transcoding.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            sha = _transcode_into(source, out, encoding)[0]
        os.replace(name, cache_dir / f"{sha}.{encoding}.utf8")
    except BaseException as exc:
        Path(name).unlink(missing_ok=True)
        if isinstance(exc, UndecodableError):
            guess = None if encoding == "cp949" else message("tried_guess", encoding=encoding)
            raise _undecodable(
                source, encoding, exc.offset, declared=declared, also=guess
            ) from None
        raise
    return TextFile(cache_dir / f"{sha}.{encoding}.utf8", encoding), sha


def transcode(
    source: Path,
    target: Path,
    encoding: str,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    workers: int | None = None,
    engine: str | None = None,
) -> tuple[str, str]:
    """Write ``source``, decoded from ``encoding``, to ``target`` as UTF-8, atomically.

    Parameters
    ----------
    chunk_bytes : int
        About the size of one chunk (a chunk ends after a newline).
    workers : int, optional
        Chunks converted at once; default the number of CPUs.
    engine : {"iconv", "python"}, optional
        Default ``iconv`` where the C library's table is verified, else ``python``.

    Returns
    -------
    tuple of str
        The SHA-256 of ``source`` (computed on the way), and the engine used.

    Raises
    ------
    UndecodableError
        At the first invalid byte (``offset``); ``target`` is not written.
    """
    with atomic_path(target) as tmp, tmp.open("wb") as out:
        return _transcode_into(source, out, encoding, chunk_bytes, workers, engine)


def _transcode_into(
    source: Path,
    out: BinaryIO,
    encoding: str,
    chunk_bytes: int = CHUNK_BYTES,
    workers: int | None = None,
    engine: str | None = None,
) -> tuple[str, str]:
    encoding = canonical_encoding(encoding)
    if engine == "iconv" and not _iconv_works(encoding):
        raise ParameterError(
            message("iconv_cannot", encoding=encoding),
            parameter="engine",
            expected="python",
            got=engine,
        )
    engine = engine or ("iconv" if _iconv_works(encoding) else "python")
    size = source.stat().st_size
    # Elsewhere 0x0A may sit inside a character: one chunk.
    chunks = _chunks(source, size, chunk_bytes) if encoding in _SPLITTABLE else [(0, size)]
    workers = min(workers or os.cpu_count() or 1, len(chunks))
    digest = hashlib.sha256()
    try:
        _convert_in_order(source, out, encoding, chunks, engine, workers, digest)
    except _BadBytesError as exc:
        text = message("undecodable_offset", path=source, offset=exc.offset, encoding=encoding)
        raise UndecodableError(text, exc.offset, path=source) from None
    except BrokenProcessPool:  # e.g. a script without ``if __name__ == "__main__":``
        out.seek(0)
        out.truncate()
        return _transcode_into(source, out, encoding, chunk_bytes, 1, engine)
    return digest.hexdigest(), engine


def _convert_in_order(
    source: Path,
    out: BinaryIO,
    encoding: str,
    chunks: list[tuple[int, int]],
    engine: str,
    workers: int,
    digest: Any,
) -> None:
    """Convert chunks in a pool; hash and write them in order, a few chunks ahead."""
    pool: Executor
    if engine == "iconv" or workers == 1:
        pool = ThreadPoolExecutor(workers)
    else:  # spawn, not fork: the parent may hold DuckDB's and Arrow's threads
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    window = 2 * workers  # chunks in flight: bounds the memory held
    longest = max(end - start for start, end in chunks)
    room = longest * 3 // 2 + 16 if engine == "iconv" else 0  # 2 CP949 bytes: 3 in UTF-8
    buffers = [(bytearray(longest), bytearray(room)) for _ in range(min(window, len(chunks)))]
    pending: deque[tuple[tuple[bytearray, bytearray], Future[Any]]] = deque()

    def write_oldest() -> None:
        pair, future = pending.popleft()
        result = future.result()
        out.write(memoryview(pair[1])[:result] if engine == "iconv" else result)
        buffers.append(pair)

    with pool, source.open("rb") as stream:
        for start, end in chunks:
            if len(pending) >= window:
                write_oldest()
            pair = buffers.pop()
            with memoryview(pair[0])[: end - start] as view:
                stream.readinto(view)
                digest.update(view)  # hashlib releases the GIL: hashing overlaps converting
                future: Future[Any]
                if engine == "iconv":
                    future = pool.submit(_iconv, pair[0], end - start, pair[1], encoding, start)
                else:
                    future = pool.submit(_python_chunk, bytes(view), start, encoding)
            pending.append((pair, future))
        while pending:
            write_oldest()


def _chunks(path: Path, size: int, chunk_bytes: int) -> list[tuple[int, int]]:
    """Split ``[0, size)`` into ranges of about ``chunk_bytes`` that end after a newline."""
    bounds = [0]
    with path.open("rb") as stream:
        while bounds[-1] + chunk_bytes < size:
            stream.seek(bounds[-1] + chunk_bytes)
            cut = size
            while block := stream.read(1 << 16):
                if (newline := block.find(b"\n")) >= 0:
                    cut = stream.tell() - len(block) + newline + 1
                    break
            if cut >= size:
                break
            bounds.append(cut)
    return list(itertools.pairwise([*bounds, size]))


def _python_chunk(data: bytes, start: int, encoding: str) -> bytes:
    """Decode one chunk with Python's codec (in a worker process)."""
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadBytesError(start + exc.start) from None


# --- iconv through ctypes ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        libc.iconv_open.restype = ctypes.c_void_p
        libc.iconv_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        pointer, size = ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)
        libc.iconv.restype = ctypes.c_size_t
        libc.iconv.argtypes = [ctypes.c_void_p, pointer, size, pointer, size]
        libc.iconv_close.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError, TypeError):  # no C library, or no iconv in it
        return None
    return libc


@lru_cache(maxsize=8)
def _iconv_works(encoding: str) -> bool:
    """Tell whether the C library converts ``encoding`` exactly as Python does."""
    if encoding not in _ICONV_NAMES or _libc() is None:
        return False
    sample = bytearray(_SELF_CHECK.encode(encoding))
    out = bytearray(len(sample) * 3 // 2 + 16)
    try:
        produced = _iconv(sample, len(sample), out, encoding, 0)
    except (_BadBytesError, OSError):
        return False
    return bytes(out[:produced]) == _SELF_CHECK.encode("utf-8")


def _iconv(data: bytearray, size: int, out: bytearray, encoding: str, offset: int) -> int:
    """Convert ``data[:size]`` into ``out`` (1.5 times as long); return the bytes written.

    Runs in a worker thread: ctypes releases the GIL during the C call.
    """
    if size == 0:
        return 0
    libc = _libc()
    handle = libc.iconv_open(b"UTF-8", _ICONV_NAMES[encoding])
    if handle in (None, ctypes.c_void_p(-1).value):
        raise OSError(f"iconv cannot convert from {encoding}")
    try:
        source = (ctypes.c_char * len(data)).from_buffer(data)
        target = (ctypes.c_char * len(out)).from_buffer(out)
        in_ptr, in_left = ctypes.c_void_p(ctypes.addressof(source)), ctypes.c_size_t(size)
        out_ptr, out_left = ctypes.c_void_p(ctypes.addressof(target)), ctypes.c_size_t(len(out))
        pointers = (ctypes.byref(in_ptr), ctypes.byref(in_left))
        result = libc.iconv(handle, *pointers, ctypes.byref(out_ptr), ctypes.byref(out_left))
        code = ctypes.get_errno()
        del source, target  # release the buffers exported to ctypes
    finally:
        libc.iconv_close(handle)
    if result == ctypes.c_size_t(-1).value:
        if code not in (errno.EILSEQ, errno.EINVAL):  # invalid, or cut short at the end
            raise OSError(code, os.strerror(code))
        raise _BadBytesError(offset + size - in_left.value)
    return len(out) - out_left.value
