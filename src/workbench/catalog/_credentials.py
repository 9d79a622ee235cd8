"""Database credentials: where a connection's URL comes from, and how to keep it secret.

A connection in ``catalog.yml`` names the environment variable that holds its URL
(``url_env``); the git-ignored ``catalog.local.yml`` may instead give the URL itself
(``url``). The URL is resolved only when a dataset is read -- inside the notebook's
kernel, by the connection's name -- so it never reaches a notebook parameter, a manifest
or a log. Messages about a connection name the variable or file to fill in and never
print a URL; :func:`redact` scrubs a URL's password from any text that might echo it
(a database driver's error message, for one).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote

from workbench import config
from workbench._korean import josa
from workbench.catalog._messages import message
from workbench.catalog._model import Connection
from workbench.exceptions import CatalogError

__all__ = ["REDACTED", "connection_url", "default_env_name", "redact", "url_secrets"]

#: What a secret is replaced with in scrubbed text.
REDACTED = "***"
# scheme://user:password@ -- the password group, as written (percent-encoded or not).
_URL_PASSWORD = re.compile(r"://[^/@:\s]*:(?P<password>[^@\s]+)@")
# URL query options whose values are secrets.
_SECRET_OPTION = re.compile(r"pass|secret|token", re.IGNORECASE)
_URL_EXAMPLE = "postgresql+psycopg://USER:PASSWORD@HOST:5432/DATABASE"


def default_env_name(connection: str) -> str:
    """Return the environment variable suggested for a connection: ``<NAME>_URL``.

    Examples
    --------
    >>> default_env_name("agency_db")
    'AGENCY_DB_URL'
    >>> default_env_name("seoul-welfare")
    'SEOUL_WELFARE_URL'
    """
    return re.sub(r"\W", "_", connection, flags=re.ASCII).upper() + "_URL"


def connection_url(name: str, connections: Mapping[str, Connection], project: Path | None) -> str:
    """Return the URL of the connection called ``name``.

    The environment variable named by the connection's ``url_env`` wins when it is set
    (so a CI job or a server can override a developer's local file); otherwise the
    ``url`` given in the git-ignored ``catalog.local.yml`` is used.

    Parameters
    ----------
    name : str
        The connection's name, as a dataset's ``connection:`` gives it.
    connections : mapping of str to Connection
        The catalog's connections (``catalog.local.yml`` already merged in).
    project : pathlib.Path, optional
        The project folder, to name its ``catalog.local.yml`` in messages.

    Returns
    -------
    str
        A SQLAlchemy URL, such as ``postgresql+psycopg://user:password@host:5432/db``.
        Treat it as a secret: do not print, log or store it.

    Raises
    ------
    CatalogError
        If the connection is unknown or its URL is not set; the message says which
        environment variable (or which ``catalog.local.yml`` entry) to set, and never
        contains a URL.
    """
    local = config.local_catalog_file(project)
    connection = connections.get(name)
    if connection is None:
        known = ", ".join(f"'{c}'" for c in sorted(connections)) or "없음"
        raise CatalogError(
            message(
                "connection_unknown",
                name=name,
                name_josa=josa(f"'{name}'", "이/가"),
                known=known,
                env=default_env_name(name),
                example=_URL_EXAMPLE,
                local=local,
            )
        )
    if connection.url_env:
        value = os.environ.get(connection.url_env, "").strip()
        if value:
            return value
    if connection.url:
        return connection.url
    variable = connection.url_env or default_env_name(name)
    if connection.url_env:
        key = "connection_env_unset" if variable not in os.environ else "connection_env_empty"
        where = message(key, variable=variable, variable_josa=josa(variable, "이/가"))
    else:
        where = message("connection_no_env", variable=variable)
    raise CatalogError(
        message(
            "connection_needs_url",
            name=name,
            variable=variable,
            where=where,
            example=_URL_EXAMPLE,
            local=local,
        )
    )


def url_secrets(url: str) -> list[str]:
    """Return the strings that would reveal ``url``'s credentials, to pass to :func:`redact`.

    They are the URL itself, and its password (and the values of query options such as
    ``?password=``) as written, percent-decoded and percent-encoded: a driver may echo
    any of these.

    Examples
    --------
    >>> url_secrets("postgresql+psycopg://app:p%40ss@db:5432/x")[1:]
    ['p%40ss', 'p@ss']
    """
    found = [url]
    passwords = []
    match = _URL_PASSWORD.search(url)
    if match:
        passwords.append(match.group("password"))
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
    except Exception:  # an unparsable URL: the pattern above is all there is
        parsed = None
    if parsed is not None:
        passwords.append(str(parsed.password or ""))
        for key, value in parsed.query.items():  # e.g. ?password=... for psycopg
            if _SECRET_OPTION.search(key):
                passwords += [value] if isinstance(value, str) else list(value)
    for written in filter(None, passwords):
        plain = unquote(written)
        found += [written, plain, quote(plain, safe=""), quote_plus(plain)]
    return list(dict.fromkeys(found))


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` with ``***``.

    Longer secrets are replaced first, so that a URL is scrubbed as a whole before its
    password inside it. Empty secrets are ignored.

    Examples
    --------
    >>> redact("password authentication failed for 'hunter2'", ["hunter2"])
    "password authentication failed for '***'"
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
