"""Analysis blocks: the policy's "modules", one analysis per function family.

Each block is a plain function (or, where it learns, a scikit-learn style estimator) that
takes a DataFrame and returns tables with Korean headings, ready to publish, plus charts.

- :func:`profile`, :class:`Profile` -- what a table holds, column by column;
- :func:`column_chart`, :func:`profile_charts` -- one chart per column.
"""

from __future__ import annotations

from workbench.blocks._profile import COLUMN_TYPES, Profile, column_chart, profile, profile_charts

__all__ = [
    "COLUMN_TYPES",
    "Profile",
    "column_chart",
    "profile",
    "profile_charts",
]
