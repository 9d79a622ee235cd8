"""Region codes, public: ``wb.regions.normalize_codes``, ``validate_codes``, ``roll_up``...

Check and clean 법정동코드 columns, roll rows up to 시군구 / 시도 / local government with
names from a dated region table (every lookup takes ``as_of``, default today), and join
법정동 to 행정동. ``workbench regions info`` shows the table's source and 기준일. See
:mod:`workbench.catalog._regions` for the details of the codes.

>>> import workbench as wb
>>> wb.regions.normalize_codes([1111010100.0, "11110-10100"]).tolist()
['1111010100', '1111010100']
"""

from __future__ import annotations

from workbench.catalog._region_admin import legal_to_admin
from workbench.catalog._region_history import COLUMNS as TABLE_COLUMNS
from workbench.catalog._region_history import DATA as BUNDLED_DATA
from workbench.catalog._region_history import (
    STALE_AFTER_DAYS,
    RegionTableWarning,
    active_snapshot,
    classify,
    place_names,
    snapshot_dir,
    successors_by_dong,
    valid_on,
)
from workbench.catalog._region_update import update_regions
from workbench.catalog._regions import (
    REGION_TABLE_DATE,
    normalize_codes,
    region_table,
    roll_up,
    sido_code,
    sigungu_code,
    validate_codes,
)

__all__ = [
    "BUNDLED_DATA",
    "REGION_TABLE_DATE",
    "STALE_AFTER_DAYS",
    "TABLE_COLUMNS",
    "RegionTableWarning",
    "active_snapshot",
    "classify",
    "legal_to_admin",
    "normalize_codes",
    "place_names",
    "region_table",
    "roll_up",
    "sido_code",
    "sigungu_code",
    "snapshot_dir",
    "successors_by_dong",
    "update_regions",
    "valid_on",
    "validate_codes",
]
