"""``workbench scan``: which kinds of personal information a file holds."""

from __future__ import annotations
