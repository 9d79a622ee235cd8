"""The errors of data-sharing grants, keys and sign-off (structured fields for tests)."""

from __future__ import annotations

from workbench.exceptions import AccessDeniedError, ParameterError, WorkbenchError

__all__ = ["GovernanceError", "GrantError", "VerifyError"]


class GovernanceError(ParameterError):
    """A key, a trust record, a signed decision or a release package that is not right."""


class GrantError(AccessDeniedError):
    """A dataset that needs a data-sharing grant has no valid one.

    Attributes
    ----------
    dataset : str
        The dataset refused.
    condition : str
        Which condition failed first: ``missing``, ``signature``, ``untrusted``,
        ``agency``, ``role``, ``refused``, ``project``, ``purpose``, ``expired``,
        ``columns``.
    grant : str or None
        The grant's id (short form) when one was looked at.
    """

    def __init__(
        self, message: str, *, dataset: str, condition: str, grant: str | None = None
    ) -> None:
        super().__init__(message)
        self.dataset = dataset
        self.condition = condition
        self.grant = grant


class VerifyError(WorkbenchError):
    """A release package whose signatures or hashes do not hold.

    Attributes
    ----------
    problems : list of str
        One Korean line per problem (the member, the signature or the checker).
    """

    def __init__(self, message: str, *, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems
