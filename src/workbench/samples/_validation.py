"""Argument checks shared by the sample generators, with Korean messages and fields."""

from __future__ import annotations

import numbers

from workbench.exceptions import ParameterError
from workbench.samples._messages import message

__all__ = ["check_int"]


def check_int(value: object, name: str, owner: str, *, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an integer ``>= minimum``.

    Parameters
    ----------
    value : object
        The value the caller passed.
    name : str
        The parameter's name, used in the message.
    owner : str
        The function the parameter belongs to, used in the message.
    minimum : int
        The smallest accepted value.

    Returns
    -------
    int
        The value as a plain Python int.

    Raises
    ------
    ParameterError
        If ``value`` is a bool, not an integer, or below ``minimum``.
    """
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not is_int or int(value) < minimum:  # type: ignore[call-overload]
        raise ParameterError(
            message("int_at_least", owner=owner, parameter=name, minimum=minimum, got=repr(value)),
            parameter=name,
            expected=f"int >= {minimum}",
            got=value,
            kind="range",
        )
    return int(value)  # type: ignore[call-overload]
