"""Project configuration (placeholder for the settings later issues add).

Kept as its own base-layer module so that configuration never depends on the layers
above it. Reading configuration happens only when a caller asks, never at import.
"""

from __future__ import annotations

__all__: list[str] = []
