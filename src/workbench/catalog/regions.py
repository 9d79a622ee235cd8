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
from workbench.catalog._region_history import RegionTableWarning
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
    "REGION_TABLE_DATE",
    "RegionTableWarning",
    "legal_to_admin",
    "normalize_codes",
    "region_table",
    "roll_up",
    "sido_code",
    "sigungu_code",
    "validate_codes",
]
