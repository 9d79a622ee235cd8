"""The `complaint_text` standard analysis, run for real on its sample, online and offline."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from key_results_check import Key, assert_key_results, count, decimals
from workbench import samples
from workbench.runner import find_analysis, run_analysis
from workbench.samples._complaints import RISING_REGION, RISING_TERM, planted_identifiers

pytestmark = pytest.mark.kernel

# Brings the loopback interface up inside a fresh network namespace (the kernel talks to
# its client over 127.0.0.1), shows that nothing else is reachable, then runs workbench.
_OFFLINE = textwrap.dedent(
    """
    import fcntl, os, socket, struct, sys
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    request = struct.pack("16sh", b"lo", 0)
    flags = struct.unpack("16sh", fcntl.ioctl(probe, 0x8913, request))[1]  # SIOCGIFFLAGS
    fcntl.ioctl(probe, 0x8914, struct.pack("16sh", b"lo", flags | 0x1))  # SIOCSIFFLAGS, up
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=2).close()
        sys.exit("the network is reachable")
    except OSError:
        pass
    os.execv(sys.executable, [sys.executable, "-m", "workbench", *sys.argv[1:]])
    """
)


def every_file_text(run_dir: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", errors="replace")
        for path in sorted(run_dir.rglob("*"))
        if path.is_file()
    )


def test_the_analysis_is_registered_with_documented_parameters():
    analysis = find_analysis("complaint_text")
    assert analysis.meta.level == "standard"
    assert analysis.title == "민원 텍스트 분석"
    assert analysis.parameter("data_path").default == "sample://complaints"
    assert all(p.help for p in analysis.parameters)


def test_run_on_its_sample_passes_the_gate_and_no_planted_identifier_reaches_any_file(
    tmp_path,
):
    result = run_analysis("complaint_text", out=tmp_path / "run")
    assert result.manifest.status == "succeeded"
    run_dir = result.run_dir
    html = result.report.read_text(encoding="utf-8")
    for heading in ("민원 텍스트 분석", "핵심 결과", "급증한 단어", "주제", "집단민원"):
        assert heading in html
    assert "wb.blocks" not in html and "mask_complaints(" not in html  # no code

    identifiers = planted_identifiers(samples.complaints()["민원내용"])
    assert len(identifiers) > 100
    everything = every_file_text(run_dir)
    assert not sorted(i for i in identifiers if i in everything)

    results = run_dir / "results"
    rising = pd.read_csv(results / "rising_terms.csv", encoding="utf-8-sig")
    assert (rising.loc[0, "단어"], rising.loc[0, "지역"]) == (RISING_TERM, RISING_REGION)
    campaigns = pd.read_csv(results / "campaigns.csv", encoding="utf-8-sig")
    assert len(campaigns) == 1 and campaigns.loc[0, "민원 수"] >= 50
    counts = pd.read_csv(results / "topic_region.csv", encoding="utf-8-sig").drop(columns="주제")
    shown = counts.stack()
    assert (shown >= 10).all()  # small cells are hidden, never published
    assert not any(results.glob("review_queue*"))  # person-level: internal only
    queue = pd.read_csv(run_dir / "internal" / "review_queue.csv", encoding="utf-8-sig")
    assert len(queue) == 30 and "민원내용(가림)" in queue.columns
    assert_key_results(
        run_dir,
        [
            Key("분석한 민원은 {}건입니다.", "volume", "합계", {"지역": "합계"}, count),
            Key("같은 내용을 되풀이해 낸 집단민원을 한 건으로 세면 {}건입니다.", "topic_region",
                "합계", {"주제": "합계"}, count),
            Key("직전 기간보다 가장 뚜렷하게 급증한 단어는 '{}'입니다.", "rising_terms", "단어"),
            Key("그 단어가 급증한 지역은 {}입니다.", "rising_terms", "지역"),
            Key("그 단어가 나온 민원은 이전 기간보다 {}배 많았습니다.", "rising_terms",
                "증가 배율", None, decimals(1)),
            Key("가장 큰 집단민원 묶음은 {}건입니다.", "campaigns", "민원 수", None, count),
        ],
    )  # fmt: skip

    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"][0]["path"] == "sample://complaints"
    notebook = nbformat.read(run_dir / "notebook.ipynb", as_version=4)
    stderr = "".join(
        o.get("text", "")
        for c in notebook.cells
        for o in c.get("outputs", [])
        if o.get("name") == "stderr"
    )
    assert "Glyph" not in stderr and "missing from" not in stderr, stderr


@pytest.mark.parametrize("analyser", ["kiwi", "mecab"])
def test_runs_with_the_network_namespace_removed_on_a_cp949_file_with_other_names(
    tmp_path, analyser
):
    # An agency's export: CP949, its own column names, no region or department column.
    table = samples.complaints(n=1000, seed=2)[["접수일", "민원내용"]]
    data = tmp_path / "민원.csv"
    table.set_axis(["등록일자", "내용"], axis=1).to_csv(data, index=False, encoding="cp949")
    out = tmp_path / "offline"
    options = [
        *("-p", "data_path", str(data), "-p", "text_column", "내용"),
        *("-p", "date_column", "등록일자", "-p", "id_column", ""),
        *("-p", "region_column", "", "-p", "department_column", "", "--out", str(out)),
        *("-p", "tokenizer", analyser),
    ]
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", _OFFLINE, "run", "complaint_text", *options],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "succeeded"
    assert manifest["parameters"]["tokenizer"] == analyser
    rising = pd.read_csv(out / "results" / "rising_terms.csv", encoding="utf-8-sig")
    assert rising.loc[0, "단어"] == RISING_TERM
    assert not (out / "results" / "routing_quality.csv").exists()  # no department column
    everything = every_file_text(out)
    assert not sorted(i for i in planted_identifiers(table["민원내용"]) if i in everything)
