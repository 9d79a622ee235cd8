"""The page's server: Voilà, private by default.

``workbench app`` runs ``python -m workbench.app._server PAGE …`` instead of plain
Voilà, which on its own serves anyone who can reach the port, answers any ``Host``
header and keeps a kernel for every page load until it is stopped. Here:

- every request needs the server's token: ``?token=…`` once (the printed address), then
  a cookie; or an ``Authorization: token …`` header. Without it the answer is 403. The
  token is read from a 0600 file named by ``--WorkbenchVoila.token_file`` (never on
  the command line, where other users can read it in ``/proc/*/cmdline``);
- a request whose ``Host`` is not this machine's loopback address or ``localhost``
  answers 403 (a page of another site cannot reach it by DNS rebinding);
- kernels are capped (``--CappedKernelManager.max_kernels``): starting one more
  shuts the longest-idle page kernel down first; idle kernels of closed pages are
  culled (``--MappingKernelManager.cull_idle_timeout``);
- the largest websocket message is a little over the page's upload limit, so a file
  over the limit reaches the page and is refused in Korean
  (``WORKBENCH_APP_MAX_UPLOAD_MB``), instead of the connection being dropped.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web, websocket
from traitlets import Integer, Unicode
from voila.app import Voila

from workbench.app._messages import message
from workbench.app._session import DEFAULT_MAX_UPLOAD_MB

__all__ = ["COOKIE", "CappedKernelManager", "WorkbenchVoila", "host_is_local", "main"]

#: The page's Voilà template (see :meth:`WorkbenchVoila.setup_template_dirs`).
TEMPLATE_DIR = Path(__file__).parent / "voila_template"
#: The cookie that carries the token after the first visit (one per port).
COOKIE = "workbench-app-{port}"
#: A shorter page token could be guessed.
_TOKEN_CHARS = 32

_FORBIDDEN = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>접근할 수 없습니다</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto;">
<h1>이 주소로는 자동 분석 페이지를 열 수 없습니다</h1>
<p>{reason}</p>
<p><code>workbench app</code>을 실행한 창에 표시된 주소(토큰 포함)를 그대로 여세요.</p>
</body></html>
"""
_NO_TOKEN = "접속 토큰이 없거나 맞지 않습니다."
_BAD_HOST = "이 컴퓨터(127.0.0.1, localhost)가 아닌 이름으로 들어온 요청은 받지 않습니다."


def host_is_local(host: str) -> bool:
    """Return whether an HTTP ``Host`` header names this machine's loopback.

    >>> host_is_local("127.0.0.1:8866"), host_is_local("localhost"), host_is_local("[::1]:80")
    (True, True, True)
    >>> host_is_local("evil.example:8866"), host_is_local("10.0.0.5:8866")
    (False, False)
    """
    match = re.match(r"^(.*?)(:\d+)?$", host)
    name = (match.group(1) if match else host).strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class _Guard:
    """Mixed in before every handler of the server: Host check, then the token."""

    request: Any
    settings: dict[str, Any]

    def prepare(self) -> Any:
        server: WorkbenchVoila = self.settings["workbench_server"]
        reason = None
        if not host_is_local(self.request.host):
            reason = _BAD_HOST
        elif not server.accepts(self):  # type: ignore[arg-type]
            reason = _NO_TOKEN
        if reason is not None:
            server.log.warning("refused %s %s: %s", self.request.method, self.request.path, reason)
            if isinstance(self, websocket.WebSocketHandler):
                raise web.HTTPError(403)
            handler: web.RequestHandler = self  # type: ignore[assignment]
            handler.clear()
            handler.set_status(403)
            handler.set_header("Content-Type", "text/html; charset=utf-8")
            handler.finish(_FORBIDDEN.format(reason=reason))
            return None
        if self.request.method == "GET" and "token" in self.request.query_arguments:
            # Keep the token out of the address bar, history and Referer headers.
            handler = self  # type: ignore[assignment]
            handler.redirect(self.request.path)
            return None
        return super().prepare()  # type: ignore[misc]


def _guarded(spec: Any) -> Any:
    """Return a handler spec whose class checks the Host and the token first."""
    pattern, cls, *rest = spec
    guarded = type(f"Guarded{cls.__name__}", (_Guard, cls), {})
    return (pattern, guarded, *rest)


class CappedKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager with a cap on how many kernels the page keeps."""

    max_kernels = Integer(
        8, config=True, help="Most kernels kept at once (page kernels and the preheated one)."
    )

    def _pooled_ids(self) -> set[str]:
        """Kernels Voilà keeps ready for the next visitor (never evicted)."""
        ids: set[str] = set()
        for tasks in getattr(self, "_pools", {}).values():
            for task in tasks:
                if task.done() and not task.cancelled() and task.exception() is None:
                    ids.add(task.result()["kernel_id"])
        return ids

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        """Start a kernel, first shutting down the longest-idle ones beyond the cap."""
        pooled = self._pooled_ids()
        while len(self.list_kernel_ids()) >= self.max_kernels:
            # The mapping kernel manager records each kernel's state and last activity.
            idle: list[Any] = [
                self.get_kernel(k)
                for k in self.list_kernel_ids()
                if k not in pooled and getattr(self.get_kernel(k), "execution_state", "") != "busy"
            ]
            if not idle:
                raise web.HTTPError(
                    503,
                    "계산 엔진이 모두 사용 중이라 새 페이지를 열 수 없습니다. 잠시 뒤 다시 여세요.",
                )
            oldest = min(idle, key=lambda kernel: kernel.last_activity)
            self.log.info(
                "kernel cap %d reached: shutting down %s", self.max_kernels, oldest.kernel_id
            )
            await self.shutdown_kernel(oldest.kernel_id, now=True)
        return await super().start_kernel(*args, **kwargs)  # type: ignore[no-any-return]


class WorkbenchVoila(Voila):
    """Voilà with a token, a Host check, a kernel cap and the page's upload limit."""

    token_file = Unicode("", config=True, help="A 0600 file holding the page's token.")
    max_upload_mb = Integer(DEFAULT_MAX_UPLOAD_MB, config=True, help="Largest upload, in MiB.")

    def initialize(self, argv: Any = None) -> None:
        super().initialize(argv)
        if not self.token_file:
            raise SystemExit(message("server_token_file"))
        self._token = Path(self.token_file).read_text(encoding="utf-8").strip()
        if len(self._token) < _TOKEN_CHARS:
            raise SystemExit(
                message(
                    "server_token_short",
                    path=self.token_file,
                    got=len(self._token),
                    expected=_TOKEN_CHARS,
                )
            )

    def setup_template_dirs(self) -> None:
        """Voilà's templates, with the page's own ``index.html.j2`` found first.

        It is Voilà's ``lab`` page without the Font Awesome stylesheets it fetches from a
        CDN: nothing on the page may come from another host.
        """
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATE_DIR))

    def init_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = super().init_settings()
        settings["workbench_server"] = self
        # Room for the page's largest upload plus the widget's message around it: a
        # file over the limit still arrives and is refused in Korean by the page.
        settings["websocket_max_message_size"] = (self.max_upload_mb + 16) * 1024 * 1024
        return settings

    def init_handlers(self) -> list[Any]:
        return [_guarded(spec) for spec in super().init_handlers()]

    @property
    def cookie_name(self) -> str:
        return COOKIE.format(port=self.port)

    def accepts(self, handler: web.RequestHandler) -> bool:
        """Return whether a request carries the token (query, header or cookie)."""
        given = handler.get_query_argument("token", "")
        header = handler.request.headers.get("Authorization", "")
        if header.lower().startswith("token "):
            given = given or header[6:].strip()
        if given:
            ok = hmac.compare_digest(given.encode(), self._token.encode())
            if ok and not isinstance(handler, websocket.WebSocketHandler):
                handler.set_signed_cookie(
                    self.cookie_name, "ok", expires_days=None, httponly=True, samesite="Strict"
                )
            return ok
        return handler.get_signed_cookie(self.cookie_name) == b"ok"


def main() -> None:
    """Serve the page (the command line is Voilà's, plus this module's options)."""
    WorkbenchVoila.launch_instance()


if __name__ == "__main__":
    main()
