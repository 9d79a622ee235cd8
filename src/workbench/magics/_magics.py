"""The magics class registered by ``%load_ext workbench``."""

from __future__ import annotations

import shlex
from typing import Any

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

from workbench._korean import josa
from workbench.exceptions import ParameterError, WorkbenchError

__all__ = ["WorkbenchMagics", "ask_secret", "catalog_view", "parse_run_line"]


def catalog_view(words: str = "") -> Any:
    """Return the catalog, or only the datasets matching ``words``, for display."""
    from IPython.display import HTML

    from workbench.catalog import open_catalog, search

    catalog = open_catalog()
    if not words.strip():
        return catalog
    hits = search(catalog, words)
    if not hits:
        return HTML(
            f"<p>'{_escape(words)}'{josa(_escape(words), '과/와')} 맞는 자료가 없습니다 (전체 "
            f"{len(catalog)}개). "
            "다른 낱말로 찾거나 <code>%wb_catalog</code>로 전체 목록을 보세요.</p>"
        )
    names = [hit.dataset for hit in hits]
    # The same view as the whole catalog, over the matching entries only.
    subset = catalog._catalog.model_copy(update={"datasets": {n: catalog[n] for n in names}})
    return type(catalog)(subset, project=catalog.project, user=catalog.user)


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def parse_run_line(line: str) -> tuple[str, list[tuple[str, str]], str | None, list[str]]:
    """Read ``NAME [-p KEY VALUE ...] [-s SECRET ...] [--out DIR]``.

    Returns (name, parameter pairs, out, secret parameter names).

    Examples
    --------
    >>> parse_run_line("profile -p top_n 3 --out runs/p")
    ('profile', [('top_n', '3')], 'runs/p', [])
    >>> parse_run_line("collect -s api_key")
    ('collect', [], None, ['api_key'])
    """
    words = shlex.split(line)
    usage = "사용법: %wb_run 분석이름 [-p 이름 값 ...] [-s 비밀매개변수 ...] [--out 폴더]"
    if not words or words[0].startswith("-"):
        raise ParameterError(f"분석 이름이 없습니다. {usage}")
    name, rest = words[0], words[1:]
    pairs: list[tuple[str, str]] = []
    secrets: list[str] = []
    out = None
    while rest:
        option = rest.pop(0)
        if option in ("-p", "--param") and len(rest) >= 2:
            pairs.append((rest.pop(0), rest.pop(0)))
        elif option in ("-s", "--secret") and rest:
            secrets.append(rest.pop(0))
        elif option == "--out" and rest:
            out = rest.pop(0)
        else:
            raise ParameterError(f"알 수 없는 인자 '{option}'. {usage}")
    return name, pairs, out, secrets


def ask_secret(name: str) -> str:
    """Ask for a secret parameter's value in the notebook (never echoed, never stored)."""
    import getpass

    return getpass.getpass(f"비밀 매개변수 {name} (입력한 값은 기록되지 않습니다): ")


@magics_class
class WorkbenchMagics(Magics):
    """``%wb_catalog``, ``%%wb_check`` and ``%wb_run``."""

    @line_magic
    def wb_catalog(self, line: str) -> Any:
        """Show the catalog: ``%wb_catalog`` or ``%wb_catalog 소득``."""
        try:
            return catalog_view(line)
        except WorkbenchError as exc:
            print(f"오류: {exc}")
            return None

    @cell_magic
    def wb_check(self, line: str, cell: str) -> None:
        """Run the cell; show only outputs that pass the release gate's check."""
        from workbench.magics._check import run_checked, show

        show(self.shell, run_checked(self.shell, cell))

    @line_magic
    def wb_run(self, line: str) -> Any:
        """Run a standard analysis: ``%wb_run profile -p top_n 3 --out runs/p``.

        A secret parameter (API key, password) is given as ``-s NAME``: its value comes
        from ``$NAME`` or is asked for without echo, and is written nowhere.
        """
        from IPython.display import HTML

        from workbench.runner import run_analysis, run_html

        try:
            name, pairs, out, secret_names = parse_run_line(line)
            result = run_analysis(
                name, cli_pairs=pairs, out=out, secret_names=secret_names, prompt=ask_secret
            )
        except WorkbenchError as exc:
            print(f"오류: {exc}")
            return None
        return HTML(run_html(result))
