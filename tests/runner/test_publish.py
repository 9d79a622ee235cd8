"""wb.publish writes CSVs that Excel opens as data, and tells the gate what it wrote."""

import json

import pandas as pd

import workbench as wb
from workbench.runner.results import RUN_DIR_ENV


def published(tmp_path, monkeypatch, table, name="t", **kwargs):
    monkeypatch.setenv(RUN_DIR_ENV, str(tmp_path))
    wb.publish(table, name, show=False, **kwargs)
    index = json.loads((tmp_path / "published.json").read_text(encoding="utf-8"))
    return (tmp_path / "results" / f"{name}.csv").read_text(encoding="utf-8-sig"), index[name]


def test_formula_cells_and_headers_are_neutralised_numbers_are_kept(tmp_path, monkeypatch):
    table = pd.DataFrame(
        {
            '=HYPERLINK("x")': ["+82-10-1234", "\tcmd", "1,234", "+5", "-1.5e3", "보통"],
            "값": [-1, -2.5, 3, 4, 5, 6],
        }
    )
    text, entry = published(tmp_path, monkeypatch, table)
    assert text.splitlines() == [
        '"\'=HYPERLINK(""x"")",값',
        "'+82-10-1234,-1.0",
        "'\tcmd,-2.5",
        '"1,234",3.0',
        "+5,4.0",
        "-1.5e3,5.0",
        "보통,6.0",
    ]
    assert entry["neutralised"] == 3  # two cells and the header


def test_a_table_without_formulas_is_written_as_before(tmp_path, monkeypatch):
    table = pd.DataFrame({"지역": ["종로구", "중구"], "가구 수": [3, -4]}).set_index("지역")
    text, entry = published(tmp_path, monkeypatch, table)
    assert text == "지역,가구 수\n종로구,3\n중구,-4\n"
    assert entry["neutralised"] == 0 and "model" not in entry


def test_a_table_derived_from_a_model_is_recorded_for_the_gate(tmp_path, monkeypatch):
    import numpy as np

    data = pd.DataFrame({"x": np.arange(30.0)})
    data["y"] = 2 * data["x"] + np.sin(data["x"])
    fit = wb.blocks.regression(data, "y ~ x", diagnose=False, name="추세")
    _, entry = published(tmp_path, monkeypatch, fit.coefficients.round(2), name="coef")
    assert entry["model"]["name"] == "추세" and entry["model"]["dof"] == 28.0
    assert len(entry["model"]["digest"]) == 16
