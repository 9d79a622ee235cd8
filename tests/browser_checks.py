"""What every page an official reads must pass in a real browser (issue 14's screenshot tests).

- Korean glyphs: in every element whose own text holds Hangul, fonts that cover Korean
  (fontconfig's ``:lang=ko`` list) drew at least as many glyphs as there are Hangul
  syllables (Chromium tells which platform fonts drew how many glyphs of a node). A
  syllable drawn by any other font is a missing-glyph box.
- Network: the page asks no host but 127.0.0.1 (``file:`` and ``data:`` URLs are local).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from urllib.parse import urlsplit

HANGUL = re.compile(r"[가-힣]")
#: Debian's Chromium (installed by `.ci/run`; never `playwright install`).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
NOT_DRAWN = {"HEAD", "SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"}


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium driven by Playwright (a test fails if it is not installed)."""
    from pathlib import Path

    import pytest
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: `.ci/run` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@cache
def korean_font_families() -> frozenset[str]:
    """Font families fontconfig says cover Korean (every name a family is known by)."""
    listed = subprocess.run(
        ["fc-list", ":lang=ko", "family"], capture_output=True, text=True, check=True
    ).stdout
    return frozenset(name.strip() for line in listed.splitlines() for name in line.split(","))


def fonts_without_hangul(tab, limit: int = 400) -> list[tuple[str, str]]:
    """(text, other fonts) for each text whose Hangul is not all drawn by Korean fonts.

    A Latin font may draw a node's spaces, digits and letters; every Hangul syllable must
    be a glyph of a font that covers Korean, or Chromium drew a missing-glyph box.

    Looks at up to ``limit`` elements whose own text contains Hangul, in every frame of
    the page, through the DevTools protocol (``CSS.getPlatformFontsForNode``).
    """
    korean = korean_font_families()
    found: list[tuple[str, str]] = []
    session = tab.context.new_cdp_session(tab)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        checked = 0
        for node, text in _hangul_elements(root):
            if checked >= limit:
                break
            checked += 1
            fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
            if not fonts["fonts"]:  # not drawn: hidden, or an option of a closed list
                continue
            drawn = sum(f["glyphCount"] for f in fonts["fonts"] if f["familyName"] in korean)
            if drawn < len(HANGUL.findall(text)):
                others = [f["familyName"] for f in fonts["fonts"] if f["familyName"] not in korean]
                found.append((text[:40], ", ".join(others)))
        assert checked, "no Hangul text found on the page"
    finally:
        session.detach()
    return found


def _hangul_elements(node: dict) -> Iterator[tuple[dict, str]]:
    """Element nodes with a direct text child containing Hangul (frames included)."""
    children = node.get("children", [])
    own = "".join(c.get("nodeValue", "") for c in children if c.get("nodeType") == 3)
    if node.get("nodeName") in NOT_DRAWN:
        return
    if node.get("nodeType") == 1 and HANGUL.search(own):
        yield node, own.strip()
    for child in children:
        yield from _hangul_elements(child)
    if "contentDocument" in node:
        yield from _hangul_elements(node["contentDocument"])
    for shadow in node.get("shadowRoots", []):
        yield from _hangul_elements(shadow)


def record_requests(tab) -> list[str]:
    """A list that receives the URL of every request the page makes from now on."""
    urls: list[str] = []
    tab.on("request", lambda request: urls.append(request.url))
    return urls


@contextmanager
def recorded_requests(tab) -> Iterator[list[str]]:
    """Collect the URL of every request the page makes while the block runs."""
    yield record_requests(tab)


def foreign_requests(urls: list[str]) -> list[str]:
    """The URLs that leave the machine (any scheme or host but the local ones)."""
    foreign = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            continue
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS:
            continue
        foreign.append(url)
    return foreign
