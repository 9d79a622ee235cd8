"""The page itself: three steps (data, analysis, run) built from ipywidgets.

:class:`Page` holds the widgets and their callbacks; the Voilà notebook only calls
:func:`show_page`. Every callback catches everything: an official sees a Korean notice,
never a traceback.
"""

from __future__ import annotations

import html
import logging
import os
import warnings
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from workbench._plugins import origin_of
from workbench.app._form import ParameterForm
from workbench.app._messages import Notice, describe_error
from workbench.app._session import (
    SCAN_ROWS,
    UPLOAD_SUFFIXES,
    AppSession,
    Outcome,
    UploadCheck,
    data_url,
    page_analyses,
)

__all__ = [
    "PROJECT_ENV",
    "Page",
    "download_link",
    "notice_html",
    "report_frame",
    "show_page",
    "upload_notice",
]

#: The project folder the page works in (set by ``workbench app``).
PROJECT_ENV = "WORKBENCH_APP_PROJECT"

log = logging.getLogger(__name__)

_LEVELS = {"auto": "자동", "standard": "표준"}
#: Chromium's longest URL (2 MiB); a data: link beyond it does nothing.
MAX_DATA_URL = 2 * 1024 * 1024

_STYLE = """
<style>
.wb-page { max-width: 1100px; margin: 0 auto; font-family: 'NanumGothic', 'Noto Sans KR',
  sans-serif; color: #1d2733; }
.wb-page h1 { font-size: 26px; margin: 8px 0 4px; }
.wb-lead { color: #4a5663; margin: 0 0 12px; }
.wb-step { font-size: 18px; font-weight: bold; margin: 18px 0 6px; color: #0b4f8a; }
.wb-step .wb-num { display: inline-block; width: 26px; height: 26px; line-height: 26px;
  border-radius: 13px; background: #0b4f8a; color: #fff; text-align: center; margin-right: 8px; }
.wb-hint { color: #5b6773; font-size: 13px; }
.wb-param { font-size: 13px; line-height: 1.35; padding-right: 10px; }
.wb-name { font-size: 11px; color: #7a8591; }
.wb-notice { border-radius: 6px; padding: 12px 16px; margin: 8px 0; font-size: 14px; }
.wb-notice h3 { margin: 0 0 6px; font-size: 16px; }
.wb-notice ul { margin: 4px 0 4px 18px; padding: 0; }
.wb-error { background: #fdecea; border: 1px solid #e0a39c; }
.wb-blocked { background: #fff6e0; border: 1px solid #e3c06b; }
.wb-info { background: #e8f4fd; border: 1px solid #9cc7e8; }
.wb-done { background: #e9f7ee; border: 1px solid #97cfa8; }
.wb-downloads a { display: inline-block; margin: 4px 12px 4px 0; padding: 6px 12px;
  border: 1px solid #0b4f8a; border-radius: 4px; color: #0b4f8a; text-decoration: none; }
.wb-report { width: 100%; min-height: 480px; border: 1px solid #ccd3da; border-radius: 4px; }
</style>
"""


def notice_html(notice: Notice) -> str:
    """Render a notice as the page's message box (everything escaped)."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in notice.lines)
    advice = "".join(f"<li>{html.escape(line)}</li>" for line in notice.advice)
    detail = (
        f'<details><summary class="wb-hint">담당자용 기술 정보</summary>'
        f'<pre class="wb-hint">{html.escape(notice.detail)}</pre></details>'
        if notice.detail
        else ""
    )
    return (
        f'<div class="wb-notice wb-{notice.level}" role="alert">'
        f"<h3>{html.escape(notice.title)}</h3>"
        f"{f'<ul>{items}</ul>' if items else ''}"
        f"{f'<b>이렇게 하세요</b><ul>{advice}</ul>' if advice else ''}{detail}</div>"
    )


def download_link(
    filename: str, content: bytes, mime: str, label: str, run_name: str | None = None
) -> str:
    """Return a download link carrying ``content`` (no file server needed).

    Chromium refuses URLs over 2 MiB, so a larger file is not linked: the page names
    the run instead, for the analyst who looks after the server (never a server path).
    """
    url = data_url(content, mime)
    if len(url) <= MAX_DATA_URL:
        return f'<a download="{html.escape(filename)}" href="{url}">{html.escape(label)}</a>'
    run = f" (실행 기록 {html.escape(run_name)})" if run_name else ""
    return (
        f'<span class="wb-hint">{html.escape(label)} — 파일이 커서 이 화면에서 내려받을 수 '
        f"없습니다. 분석 담당자에게 이 실행 기록{run}의 파일을 요청하세요.</span>"
    )


#: Sizes the report's frame to its content, so the page scrolls once (no nested scroll).
_FIT_FRAME = (
    "const f=this;const fit=()=>{f.style.height="
    "(f.contentDocument.documentElement.scrollHeight+24)+'px'};fit();"
    "new ResizeObserver(fit).observe(f.contentDocument.body)"
)


def report_frame(report_html: str) -> str:
    """Return the report inline, in a frame as tall as the report itself."""
    return (
        f'<iframe class="wb-report" title="보고서" scrolling="no" '
        f'onload="{html.escape(_FIT_FRAME, quote=True)}" '
        f'srcdoc="{html.escape(report_html, quote=True)}"></iframe>'
    )


def upload_notice(name: str, check: UploadCheck) -> Notice:
    """Say, before any run, what the upload holds and what will happen to it."""
    sampled = f" (표본 {SCAN_ROWS:,}행에서 센 수)" if check.rows > SCAN_ROWS else ""
    if not check.personal:
        return Notice(
            level="info",
            title=f"읽은 파일: '{name}' — {check.rows:,}행, 열 {len(check.columns)}개.",
            lines=["개인정보로 보이는 열은 찾지 못했습니다."],
            advice=["2단계에서 분석을 고르고 3단계에서 실행하세요."],
        )
    lines = [
        f"'{column}' 열: {kind} {count:,}건{sampled}" for column, kind, count in check.personal
    ]
    return Notice(
        level="info",
        title=f"'{name}'에 개인정보로 보이는 열이 있습니다 ({len(check.personal)}건).",
        lines=lines,
        advice=[
            "자료 품질 진단(자동)은 이런 열을 식별자로만 요약하고 값은 싣지 않습니다.",
            "다른 분석의 결과에 이 값이 실리면 공개 전 점검에서 보류됩니다. 분석에 필요 없는 "
            "열이면 지우고 다시 올리세요.",
        ],
    )


def _step(number: int, title: str) -> widgets.HTML:
    return widgets.HTML(
        f'<div class="wb-step"><span class="wb-num">{number}</span>{html.escape(title)}</div>'
    )


class Page:
    """The widgets of the page and what they do.

    Parameters
    ----------
    session : AppSession
        Where uploads and runs go.
    """

    def __init__(self, session: AppSession) -> None:
        self.session = session
        self.analyses = {a.name: a for a in page_analyses()}
        self.form: ParameterForm | None = None
        #: What each upload holds (columns, personal information), by its path.
        self.checks: dict[str, UploadCheck] = {}
        self._build()

    # --- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        self.upload = widgets.FileUpload(
            accept=",".join(UPLOAD_SUFFIXES),
            multiple=False,
            description="파일 올리기",
            icon="",  # no icon font: the page asks nothing of another host
            button_style="primary",
            layout=widgets.Layout(width="160px"),
        )
        self.upload_status = widgets.HTML(
            '<span class="wb-hint">CSV(UTF-8·CP949)·Excel·Parquet 파일. 올리지 않으면 2단계에서 '
            "자료 목록이나 예시 자료를 고를 수 있습니다.</span>"
        )
        options = [
            (f"{a.title} ({_LEVELS.get(a.meta.level, a.meta.level)})", a.name)
            for a in self.analyses.values()
        ]
        self.choice = widgets.Dropdown(
            options=options,
            value=options[0][1] if options else None,
            description="분석",
            layout=widgets.Layout(width="100%"),
        )
        self.summary = widgets.HTML()
        self.form_box = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.run_button = widgets.Button(
            description="분석 실행",
            button_style="success",
            layout=widgets.Layout(width="160px"),
        )
        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, layout=widgets.Layout(width="320px", display="none")
        )
        self.status = widgets.HTML()
        self.notice = widgets.HTML()
        self.downloads = widgets.HTML()
        self.report = widgets.HTML(layout=widgets.Layout(width="100%"))

        self.upload.observe(self._on_upload, names="value")
        self.choice.observe(self._on_choice, names="value")
        self.run_button.on_click(self._on_run)
        self._show_form()

        self.widget = widgets.VBox(
            [
                widgets.HTML(
                    _STYLE + '<h1>자동 분석</h1><p class="wb-lead">표를 올리고 분석을 고르면 '
                    "보고서를 만들어 드립니다. 결과는 공개 전 점검(개인정보·작은 숫자)을 "
                    "통과해야 내려받을 수 있습니다.</p>"
                ),
                _step(1, "자료 올리기"),
                widgets.HBox([self.upload, self.upload_status]),
                _step(2, "분석 고르기와 설정"),
                self.choice,
                self.summary,
                self.form_box,
                _step(3, "실행과 결과"),
                widgets.HBox([self.run_button, self.progress, self.status]),
                self.notice,
                self.downloads,
                self.report,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.widget.add_class("wb-page")

    def _show_form(self, newest: str | None = None) -> None:
        analysis = self.analyses.get(str(self.choice.value))
        if analysis is None:
            self.summary.value = '<p class="wb-hint">실행할 수 있는 표준 분석이 없습니다.</p>'
            self.form_box.children = ()
            self.run_button.disabled = True
            return
        self.summary.value = (
            f'<p class="wb-hint">{html.escape(analysis.meta.summary)}</p>'
            f'<p class="wb-hint wb-origin">출처: {html.escape(origin_of(analysis.path))}</p>'
        )
        self.form = ParameterForm(analysis, self.session.sources())
        if newest:
            self.form.set_sources(self.session.sources(), newest)
        self._watch_first_input()
        self._adapt_form()
        self.form_box.children = (self.form.box,)

    def _watch_first_input(self) -> None:
        if self.form is not None and self.form.inputs:
            first = next(iter(self.form.inputs.values()))
            first.observe(lambda change: self._adapt_form(), names="value")

    def _adapt_form(self) -> None:
        """Fit the form to the file in the first data field (its kind, its columns)."""
        if self.form is None or not self.form.inputs:
            return
        chosen = next(iter(self.form.inputs.values())).value
        check = self.checks.get(str(chosen)) if chosen else None
        self.form.adapt(None if chosen is None else str(chosen), check.columns if check else ())

    # --- callbacks ------------------------------------------------------------------

    def _say(self, notice: Notice | None) -> None:
        self.notice.value = notice_html(notice) if notice else ""

    def _on_choice(self, change: dict[str, Any]) -> None:
        try:
            newest = str(self.session.uploads[0]) if self.session.uploads else None
            self._show_form(newest)
            self._say(None)
        except Exception as exc:
            log.exception("showing the form failed")
            self._say(describe_error(exc))

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change.get("new") or ()
        if not files:
            return
        try:
            saved = [self.session.save_upload(f["name"], bytes(f["content"])) for f in files]
            # Read and scanned at once: an unreadable file is said now, not after a run.
            checks = {str(p): self.session.inspect_upload(p) for p in saved}
            self.checks.update(checks)
            newest = str(saved[-1])
            if self.form is not None:
                self.form.set_sources(self.session.sources(), newest)
                self._adapt_form()
            size = sum(p.stat().st_size for p in saved)
            names = ", ".join(html.escape(p.name) for p in saved)
            self.upload_status.value = (
                f'<span class="wb-hint wb-uploaded">올린 파일: <b>{names}</b> '
                f"({size / 1024:,.1f} KB) — 2단계의 자료 칸에 선택되었습니다.</span>"
            )
            self._say(upload_notice(saved[-1].name, checks[newest]))
        except Exception as exc:
            log.info("upload refused: %s", type(exc).__name__)
            self._say(describe_error(exc))

    def _on_progress(self, event: str, index: int, total: int, cell: Any) -> None:
        self.progress.max = max(total, 1)
        if event == "kernel":
            self.progress.value = 0
            self.status.value = '<span class="wb-hint">계산 엔진을 준비하는 중…</span>'
        else:
            self.progress.value = min(index + 1, self.progress.max)
            self.status.value = f'<span class="wb-hint">{index + 1}/{total} 단계 실행 중…</span>'

    def _on_run(self, button: Any) -> None:
        self.run_button.disabled = True
        self.progress.layout.display = "flex"
        self._say(None)
        self.downloads.value = ""
        self.report.value = ""
        try:
            outcome = self._run()
        except Exception as exc:  # the session already catches; this is the last guard
            log.exception("run failed unexpectedly")
            outcome = Outcome(describe_error(exc))
        finally:
            self.run_button.disabled = False
            self.progress.layout.display = "none"
        self._show_outcome(outcome)

    def _run(self) -> Outcome:
        if self.form is None:
            return Outcome(describe_error(RuntimeError("no analysis")))
        labels = self.form.labels()
        missing = self.form.missing_inputs()
        if missing:
            return Outcome(
                Notice(
                    level="error",
                    title="분석할 자료를 고르세요.",
                    lines=[f"'{labels.get(name, name)}' 칸이 비어 있습니다." for name in missing],
                    advice=[
                        "1단계에서 파일을 올리거나, 2단계의 자료 칸에서 자료 목록이나 "
                        "예시 자료를 고르세요."
                    ],
                )
            )
        try:
            values = self.form.values()
        except Exception as exc:
            return Outcome(describe_error(exc, labels))
        self.status.value = '<span class="wb-hint">실행 중…</span>'
        return self.session.run(
            self.form.analysis.name,
            values,
            labels=labels,
            progress=self._on_progress,
            secrets=self.form.secrets(),
        )

    def _show_outcome(self, outcome: Outcome) -> None:
        if not outcome.ok:
            self.status.value = ""
            self._say(outcome.notice)
            return
        run_name = outcome.run_dir.name if outcome.run_dir else ""
        self.status.value = '<span class="wb-hint">완료</span>'
        self._say(
            Notice(
                level="done",
                title="분석을 마쳤습니다. 보고서를 아래에서 읽고 내려받을 수 있습니다.",
                lines=[f"실행 기록: {run_name} (공개 전 점검 통과)"],
            )
        )
        self.downloads.value = (
            '<div class="wb-downloads">'
            + download_link(
                f"{run_name}-report.html",
                outcome.report_html.encode("utf-8"),
                "text/html",
                "보고서 내려받기 (HTML)",
                run_name,
            )
            + (
                download_link(
                    f"{run_name}-report.pdf",
                    outcome.report_pdf,
                    "application/pdf",
                    "보고서 내려받기 (PDF)",
                    run_name,
                )
                if outcome.report_pdf
                else ""
            )
            + download_link(
                f"{run_name}-results.zip",
                outcome.results_zip,
                "application/zip",
                "결과 표 내려받기 (ZIP)",
                run_name,
            )
            + "</div>"
        )
        self.report.value = report_frame(outcome.report_html)


def show_page(project: str | os.PathLike[str] | None = None) -> Page | None:
    """Build the page, display it, and return it (``None`` if it could not be built).

    ``project`` defaults to ``$WORKBENCH_APP_PROJECT`` (set by ``workbench app``), else
    the project holding the current folder. The kernel moves into the project folder:
    the catalog, the ethics record (its disclosure thresholds) and relative paths are
    found from there, as on the command line.
    """
    from IPython.display import display

    from workbench._lazy import skip_unused_imports
    from workbench.config import find_project

    skip_unused_imports()  # this kernel is the page's own (see workbench._lazy)
    root = Path(project or os.environ.get(PROJECT_ENV) or find_project() or Path.cwd())
    os.chdir(root)
    # A skipped notebook or a library warning goes to the log, not onto the page.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            page = Page(AppSession(root))
        except Exception as exc:
            log.exception("the page could not be built")
            display(widgets.HTML(_STYLE + notice_html(describe_error(exc))))
            return None
    for warning in caught:
        log.warning("%s", warning.message)
    display(page.widget)
    return page
