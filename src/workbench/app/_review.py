"""``workbench review``: the output checker's page (a small tornado app on 127.0.0.1).

Modelled on SACRO's viewer (each held output with its check results, approved or
rejected with a reason) and OpenSAFELY's rule of independent checkers, in Korean, with
each decision signed by the checker's own key (loaded when the page starts). The page
lists every run under a folder (a run, a batch, a folder of runs); a run shows each
``fail`` finding with the rule's evidence and the output it concerns, values masked
until the checker asks to see them — which is itself recorded in the audit log — and a
form: 승인 / 수정 후 승인 / 반려 with a reason. A decision goes through the same
library call as ``workbench check --sign`` (:func:`workbench.runner.check_run`).

Private like the no-code page: a request whose ``Host`` is not this machine's loopback
is refused, and every request needs the token printed with the address (then a cookie);
forms carry tornado's XSRF token.
"""

from __future__ import annotations

import hmac
import html
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tornado import web

from workbench.app._messages import _kind_label

__all__ = ["ReviewState", "find_runs", "make_app"]

_COOKIE = "workbench-review-{port}"
_DIGITS = re.compile(r"[0-9]")
_MASK = "•••"
_STATUS = {"blocked": "공개 보류", "succeeded": "공개됨", "failed": "실패", "running": "실행 중"}
_CSS = """
body{font-family:'NanumGothic',sans-serif;max-width:64em;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.2em .6em}
th{background:#f1f1f1}.hit{background:#ffe08a;font-weight:bold}.finding{border:1px solid #ccc;
padding:1em;margin:1em 0;border-radius:6px}.notice{background:#eef6ee;padding:.6em}
.error{background:#fbeaea;padding:.6em}pre{white-space:pre-wrap;background:#fafafa;padding:.6em}
"""


def find_runs(folder: Path) -> list[Path]:
    """Return the run folders at or under ``folder`` (a run, a batch, a folder of runs)."""
    folder = folder.resolve()
    if (folder / "manifest.json").is_file():
        return [folder]
    return sorted(p.parent for p in folder.rglob("manifest.json") if p.parent != folder)


class ReviewState:
    """What the page serves: the runs, the checker's key, the token, what was revealed."""

    def __init__(self, folder: Path, private: Any, card: Any, token: str | None = None) -> None:
        self.folder = folder
        self.runs = find_runs(folder)
        self.private = private
        self.card = card
        self.token = token or secrets.token_hex(24)
        self.revealed: set[tuple[int, str]] = set()

    @property
    def checker(self) -> str:
        return f"{self.card.name}({self.card.agency})"


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><style>{_CSS}</style></head><body>{body}</body></html>"
    )


class _Handler(web.RequestHandler):
    """Host check and token first (then a cookie), like the no-code page's server."""

    @property
    def state(self) -> ReviewState:
        return self.settings["review_state"]  # type: ignore[no-any-return]

    def _refuse(self, reason: str) -> None:
        self.set_status(403)
        self.finish(
            _page(
                "접근할 수 없습니다",
                f"<h1>검토 화면을 열 수 없습니다</h1><p>{reason}</p>"
                "<p><code>workbench review</code>가 보여 준 주소(토큰 포함)를 그대로 "
                "여세요.</p>",
            )
        )

    def prepare(self) -> None:
        from workbench.app._server import host_is_local  # (imports Voilà: once, on first use)

        cookie = _COOKIE.format(port=self.request.host.rpartition(":")[2])
        given = self.get_query_argument("token", "")
        if not host_is_local(self.request.host):
            self._refuse(
                "이 컴퓨터(127.0.0.1, localhost)가 아닌 이름으로 들어온 요청은 받지 않습니다."
            )
        elif given and hmac.compare_digest(given.encode(), self.state.token.encode()):
            # Keep the token out of the address bar, history and Referer headers.
            self.set_signed_cookie(
                cookie, "ok", expires_days=None, httponly=True, samesite="Strict"
            )
            self.redirect(self.request.path)
        elif self.get_signed_cookie(cookie) != b"ok":
            self._refuse("접속 토큰이 없거나 맞지 않습니다.")

    def run_dir(self, index: str) -> Path:
        number = int(index)
        if not 0 <= number < len(self.state.runs):
            raise web.HTTPError(404)
        return self.state.runs[number]


def _manifest(run: Path) -> Any:
    from workbench.runner import RunDir

    return RunDir(run).read_manifest()


class IndexHandler(_Handler):
    def get(self) -> None:
        rows = []
        for number, run in enumerate(self.state.runs):
            m = _manifest(run)
            held = sum(
                1 for f in m.findings if f.get("severity") == "fail" and not f.get("approved")
            )
            rows.append(
                f'<tr><td><a href="/run/{number}">{html.escape(run.name)}</a></td>'
                f"<td>{html.escape(m.analysis.name)}</td><td>{_STATUS.get(m.status, m.status)}</td>"
                f"<td>{held}</td><td>{html.escape(m.author or '')}</td></tr>"
            )
        body = (
            f"<h1>반출 검토</h1><p>검토자: <b>{html.escape(self.state.checker)}</b> · 폴더: "
            f"{html.escape(str(self.state.folder))}</p><table><tr><th>실행</th><th>분석</th>"
            f"<th>상태</th><th>검토할 항목</th><th>실행자</th></tr>{''.join(rows)}</table>"
        )
        if not rows:
            body += "<p>이 폴더에는 실행 결과(manifest.json)가 없습니다.</p>"
        self.finish(_page("반출 검토", body))


def _mask(text: str) -> str:
    from workbench.ethics import mask_text

    return _DIGITS.sub("•", mask_text(text))


def _file_output(run: Path, location: dict[str, Any], reveal: bool) -> str:
    """Render the released file a finding is about (held results are read where they are)."""
    import pandas as pd

    from workbench.runner import RunDir

    folder = RunDir(run).results_folder()
    name = str(location.get("file", "")).removeprefix("results/")
    path = folder / name if folder is not None else None
    if path is None or not path.is_file() or path.suffix.lower() != ".csv":
        return f"<p>{html.escape(name)}: 이 형식은 화면에서 미리 볼 수 없습니다.</p>"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=50)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        is_row = location.get("row") is not None and str(location["row"]) in row.tolist()
        cells = []
        for column, value in row.items():
            hit = is_row and str(column) == str(location.get("column"))
            shown = html.escape(str(value).lstrip("'")) if reveal else _MASK
            cells.append(f'<td class="{"hit" if hit else ""}">{shown}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<p>{html.escape(name)}</p><table><tr>{head}</tr>{''.join(rows)}</table>"


def _notebook_output(run: Path, location: dict[str, Any], reveal: bool) -> str:
    """Render a report output (its text; an HTML table as its text, never as HTML)."""
    import nbformat
    from bs4 import BeautifulSoup

    from workbench.runner import RunDir
    from workbench.runner import shown_cells as _shown_cells

    executed = nbformat.read(RunDir(run).notebook, as_version=4)
    cells = dict(_shown_cells(executed))
    cell = cells.get(int(location.get("cell_number") or 0))
    outputs = cell.get("outputs", []) if cell is not None else []
    number = int(location.get("output_number") or 0)
    if not 1 <= number <= len(outputs):
        return "<p>보고서의 이 출력은 미리 볼 수 없습니다.</p>"
    output = outputs[number - 1]
    data = output.get("data", {})
    text = str(output.get("text") or data.get("text/plain") or "")
    if "text/html" in data:
        text = BeautifulSoup(str(data["text/html"]), "html.parser").get_text("\n")
    return f"<pre>{html.escape(text if reveal else _mask(text))}</pre>"


def _evidence(finding: dict[str, Any]) -> str:
    labels = {"count": "값(기여자 수)", "threshold": "기준", "row": "행", "column": "열"}
    rows = "".join(
        f"<tr><th>{labels.get(k, html.escape(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in finding.get("details", {}).items()
        if not isinstance(v, dict | list)
    )
    return f"<table>{rows}</table>" if rows else ""


class RunHandler(_Handler):
    def get(self, index: str) -> None:
        run = self.run_dir(index)
        m = _manifest(run)
        notice = self.get_query_argument("notice", "")
        error = self.get_query_argument("error", "")
        parts = [
            '<p><a href="/">← 실행 목록</a></p>',
            f"<h1>{html.escape(m.analysis.name)} — {html.escape(run.name)}</h1>",
            f'<p>상태: <b id="status">{_STATUS.get(m.status, m.status)}</b> · 실행자: '
            f"{html.escape(m.author or '(기록 없음)')} · 검토자: "
            f"{html.escape(self.state.checker)}</p>",
        ]
        if notice:
            parts.append(f'<p class="notice">{html.escape(notice)}</p>')
        if error:
            parts.append(f'<pre class="error">{html.escape(error)}</pre>')
        if m.status == "blocked" and m.error is not None:
            parts.append(f"<h2>남은 일</h2><pre>{html.escape(m.error.message)}</pre>")
        if (run / "release.zip").is_file():
            parts.append(
                f'<p><a id="release" href="/run/{index}/release.zip">반출 꾸러미 '
                "release.zip 내려받기</a></p>"
            )
        for finding in m.findings:
            if finding.get("severity") == "fail":
                parts.append(self._finding(index, run, m, finding))
        self.finish(_page(f"반출 검토 {run.name}", "".join(parts)))

    def _finding(self, index: str, run: Path, m: Any, finding: dict[str, Any]) -> str:
        fid = str(finding["id"])
        reveal = (int(index), fid) in self.state.revealed
        location = finding.get("location", {})
        shown = (_file_output if location.get("file") else _notebook_output)(run, location, reveal)
        decided = [d["body"] for d in m.decisions if d.get("body", {}).get("finding") == fid]
        history = "".join(
            f"<li>{html.escape(b['checker']['name'])}({html.escape(b['checker']['agency'])}): "
            f"{_DECISION_KO.get(b['decision'], b['decision'])} — {html.escape(b['reason'])}</li>"
            for b in decided
        )
        xsrf = self.xsrf_form_html()
        reveal_form = (
            ""
            if reveal
            else (
                f'<form method="post" action="/run/{index}/reveal">{xsrf}'
                f'<input type="hidden" name="finding" value="{html.escape(fid)}">'
                '<button type="submit" class="reveal">값 보기 (기록됨)</button></form>'
            )
        )
        choices = "".join(
            f'<label><input type="radio" name="decision" value="{k}"'
            f"{' checked' * (k == 'approve')}>"
            f" {v}</label> "
            for k, v in _DECISION_KO.items()
        )
        done = " (승인됨)" if finding.get("approved") else ""
        return (
            f'<div class="finding" id="finding-{html.escape(fid)}"><h2>[{html.escape(fid)}] '
            f"{html.escape(_kind_label(str(finding.get('rule'))))}{done}</h2>"
            f"<p>{html.escape(str(finding.get('message')))}"
            f"</p>{_evidence(finding)}{shown}{reveal_form}"
            f"<ul>{history}</ul>"
            f'<form method="post" action="/run/{index}/decide">{xsrf}'
            f'<input type="hidden" name="finding" value="{html.escape(fid)}">{choices}<br>'
            '<label>사유 <textarea name="reason" rows="2" cols="60" required>'
            "</textarea></label><br>"
            '<button type="submit" class="decide">서명하여 기록</button></form></div>'
        )


_DECISION_KO = {"approve": "승인", "approve_modified": "수정 후 승인", "reject": "반려"}


class RevealHandler(_Handler):
    def post(self, index: str) -> None:
        from workbench.runner import record_reveal

        run = self.run_dir(index)
        finding = self.get_body_argument("finding")
        record_reveal(run, _manifest(run), finding, self.state.checker)
        self.state.revealed.add((int(index), finding))
        self.redirect(f"/run/{index}#finding-{quote(finding)}")


class DecideHandler(_Handler):
    def post(self, index: str) -> None:
        from workbench.exceptions import ReleaseBlockedError, WorkbenchError
        from workbench.governance import particle
        from workbench.runner import check_run, decide

        run = self.run_dir(index)
        finding = self.get_body_argument("finding")
        decision = self.get_body_argument("decision", "approve")
        reason = self.get_body_argument("reason", "")
        done = f"{particle(_DECISION_KO.get(decision, decision), '을')} 서명하여 기록했습니다."
        try:
            signed = decide(run, [finding], decision, reason, self.state.private, self.state.card)
            check_run(run, [], signed)
            notice = f"{done} 공개되었습니다: release.zip을 내려받을 수 있습니다."
        except ReleaseBlockedError:
            notice = f"{done} 아직 공개 보류입니다(아래 '남은 일' 참고)."
        except WorkbenchError as exc:
            self.redirect(f"/run/{index}?error={quote(str(exc))}")
            return
        self.redirect(f"/run/{index}?notice={quote(notice)}")


class ReleaseHandler(_Handler):
    def get(self, index: str) -> None:
        path = self.run_dir(index) / "release.zip"
        if not path.is_file():
            raise web.HTTPError(404)
        self.set_header("Content-Type", "application/zip")
        self.set_header("Content-Disposition", 'attachment; filename="release.zip"')
        self.finish(path.read_bytes())


def make_app(state: ReviewState) -> web.Application:
    """Return the tornado application of the review page."""
    return web.Application(
        [
            (r"/", IndexHandler),
            (r"/run/(\d+)", RunHandler),
            (r"/run/(\d+)/reveal", RevealHandler),
            (r"/run/(\d+)/decide", DecideHandler),
            (r"/run/(\d+)/release\.zip", ReleaseHandler),
        ],
        review_state=state,
        cookie_secret=secrets.token_hex(32),
        xsrf_cookies=True,
    )
