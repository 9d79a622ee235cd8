"""``workbench catalog``: list, search, show, related, map (the data map)."""

from __future__ import annotations

import typer

catalog_app = typer.Typer(
    help="자료 목록(카탈로그): 어느 기관이 어떤 자료를 가지고 있고 어떤 키로 연결되는지.",
    no_args_is_help=True,
)
