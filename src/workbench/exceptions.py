"""The workbench error tree.

Every error that workbench raises on purpose derives from :class:`WorkbenchError`, so a
caller (the CLI, the batch runner, the web page) can catch one class and show its
message. Messages name the thing, what was expected, what was got, and the fix.
"""

from __future__ import annotations

__all__ = [
    "AccessDeniedError",
    "AnalysisNotFoundError",
    "AuditError",
    "CatalogError",
    "ColumnMapError",
    "DataReadError",
    "NotebookContractError",
    "ParameterError",
    "ReleaseBlockedError",
    "RunExistsError",
    "RunFailedError",
    "SchemaError",
    "UploadTooLargeError",
    "WorkbenchError",
]


class WorkbenchError(Exception):
    """Root of every error raised by workbench on purpose."""


class AnalysisNotFoundError(WorkbenchError, LookupError):
    """A standard analysis name or notebook path that does not exist.

    Parameters
    ----------
    message : str
        The full message shown to the user.
    name : str, optional
        The name or path asked for.
    suggestions : list of str, optional
        Close names of existing analyses.
    """

    def __init__(
        self, message: str, name: str | None = None, suggestions: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.name = name
        self.suggestions = suggestions or []


class NotebookContractError(WorkbenchError):
    """A notebook that breaks the standard-analysis contract (metadata, parameters cell)."""


class ParameterError(WorkbenchError, ValueError):
    """A run parameter that is unknown or cannot take the type of its default.

    Parameters
    ----------
    message : str
        The full message shown to the user.
    parameter : str, optional
        The parameter's name, when one parameter is at fault.
    expected : object, optional
        What was expected: a type name (``"int"``), the known names, a range...
    got : object, optional
        The value given.
    suggestions : list of str, optional
        Names close to the one given (did-you-mean), or every valid name.
    kind : str, optional
        What is wrong, for code that reacts to it: ``"unknown"`` (no such parameter),
        ``"type"`` (a value of the wrong type), ``"missing_columns"`` (an input without
        the columns in ``expected``).
    """

    def __init__(
        self,
        message: str,
        parameter: str | None = None,
        *,
        expected: object = None,
        got: object = None,
        suggestions: list[str] | None = None,
        kind: str | None = None,
    ) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.kind = kind
        self.expected = expected
        self.got = got
        self.suggestions = suggestions or []


class ColumnMapError(ParameterError):
    """A column map (``columns``) that does not fit a file, or a required column missing.

    Attributes
    ----------
    source : str or None
        The file (or files) at fault.
    column : str or None
        The column named in the message.
    suggestions : list of str
        The file's columns closest to it (did-you-mean).
    missing : list of str
        Required columns the input lacks after its map (empty for a map that does not fit).
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        column: str | None = None,
        suggestions: list[str] | None = None,
        parameter: str = "columns",
        missing: list[str] | None = None,
    ) -> None:
        super().__init__(
            message,
            parameter,
            expected=list(missing) if missing else None,
            suggestions=suggestions,
            kind="missing_columns" if missing else "column_map",
        )
        self.source, self.column = source, column
        self.suggestions = list(suggestions or [])
        self.missing = list(missing or [])


class DataReadError(WorkbenchError):
    """A data file that cannot be read (missing, undecodable, unsupported format).

    Parameters
    ----------
    message : str
        The full message shown to the user.
    path : pathlib.Path or str, optional
        The file at fault, when the raise site knows it.
    dataset, column : str, optional
        The catalog dataset and the column at fault, when there is one.
    line : int, optional
        The line of the file at fault (1 = the first line).
    kind : str, optional
        What is wrong, for code and tests: ``"missing"``, ``"type"``, ``"table"``,
        ``"column"``, ``"driver"``, ...
    """

    def __init__(
        self,
        message: str,
        *,
        path: object = None,
        dataset: str | None = None,
        column: str | None = None,
        line: int | None = None,
        kind: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.dataset, self.column, self.line, self.kind = dataset, column, line, kind


class UploadTooLargeError(DataReadError):
    """A file given to the page that is over its upload limit."""

    def __init__(self, name: str, size: int, limit: int) -> None:
        super().__init__(
            f"{name}: 파일 크기 {size:,} 바이트가 이 페이지의 상한 {limit:,} 바이트를 넘습니다. "
            "파일을 나누거나 필요한 열만 남겨 다시 올리세요."
        )
        self.name, self.size, self.limit = name, size, limit


class CatalogError(WorkbenchError, LookupError):
    """A catalog file that is invalid, or a dataset name that is not in the catalog."""


class SchemaError(WorkbenchError, ValueError):
    """Loaded data that does not match the columns declared for its dataset.

    Parameters
    ----------
    message : str
        Every offending column with a count and up to five row numbers.
    failures : list of dict
        One per problem: ``column``, ``check``, ``count``, ``rows``.
    """

    def __init__(self, message: str, failures: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.failures = failures or []


class AccessDeniedError(WorkbenchError, PermissionError):
    """A personal dataset requested without a purpose and legal basis in ethics.yml."""


class AuditError(WorkbenchError):
    """An audit log whose hash chain is broken (an entry altered, inserted or removed).

    Parameters
    ----------
    message : str
        The full message shown to the user.
    path : pathlib.Path or str, optional
        The log file.
    line : int, optional
        The line of the first problem, when one line is at fault.
    kind : str, optional
        What is wrong: ``"altered"``, ``"missing"``, ``"inserted"``, ``"order"``,
        ``"unreadable"``, ``"head"``, ``"write"``, ...
    seq : int, optional
        The entry number the problem is about.
    """

    def __init__(
        self,
        message: str,
        *,
        path: object = None,
        line: int | None = None,
        kind: str | None = None,
        seq: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path, self.line, self.kind, self.seq = path, line, kind, seq


class RunExistsError(WorkbenchError, FileExistsError):
    """A run directory that already exists and would be overwritten."""


class RunFailedError(WorkbenchError):
    """A run that did not complete: a cell error, a dead kernel, or a timeout.

    Parameters
    ----------
    message : str
        A one-screen explanation naming the cell and the cause.
    run_dir : pathlib.Path or str, optional
        The run directory, whose ``manifest.json`` says ``failed``.
    reason : str
        One of ``"cell_error"``, ``"dead_kernel"``, ``"timeout"``, ``"interrupted"``,
        ``"error"``.
    cell_index : int, optional
        Zero-based index of the failing cell in the source notebook.
    error_name, error_value : str, optional
        The exception class and message raised inside the kernel.
    """

    def __init__(
        self,
        message: str,
        *,
        run_dir: object = None,
        reason: str = "error",
        cell_index: int | None = None,
        error_name: str | None = None,
        error_value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.run_dir = run_dir
        self.reason = reason
        self.cell_index = cell_index
        self.error_name = error_name
        self.error_value = error_value


class ReleaseBlockedError(RunFailedError):
    """A run whose outputs the release gate holds back until findings are approved.

    Attributes
    ----------
    findings : list
        The blocking findings (``workbench.ethics.Finding``).
    """

    def __init__(self, message: str, *, run_dir: object = None, findings: list[object]) -> None:
        super().__init__(message, run_dir=run_dir, reason="gate")
        self.findings = findings
