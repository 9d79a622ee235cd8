"""``workbench audit``: show and verify the access audit log."""

from __future__ import annotations

import typer

audit_app = typer.Typer(help="자료 접근 기록(감사 로그) 확인.", no_args_is_help=True)
