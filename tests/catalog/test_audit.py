"""The access audit log: a hash chain that names the first altered, removed or added entry."""

import itertools
import json
import multiprocessing
import re

import pandas as pd
import pytest

from korean_check import assert_korean
from workbench import samples
from workbench.catalog._audit import GENESIS, AuditLog, entry_hash, frame_sha256
from workbench.exceptions import AuditError


def record(log: AuditLog, i: int, dataset: str = "households") -> dict:
    return log.append(
        user=f"분석관{i}",
        dataset=dataset,
        purpose="복지 사각지대 발굴",
        columns=["가구ID", "월소득"],
        rows=10 * i,
        sha256=f"{i:064x}",
    )


@pytest.fixture
def log(tmp_path):
    log = AuditLog(tmp_path / ".workbench" / "audit.jsonl")
    for i in range(1, 6):
        record(log, i)
    return log


def lines(log: AuditLog) -> list[str]:
    return log.path.read_text(encoding="utf-8").splitlines(keepends=True)


def write(log: AuditLog, new_lines: list[str]) -> None:
    log.path.write_text("".join(new_lines), encoding="utf-8")


def problem(log: AuditLog, kind: str, line: int | None, seq: int | None) -> str:
    """The Korean message of verify(), whose fields must be ``kind``, ``line`` and ``seq``."""
    with pytest.raises(AuditError) as caught:
        log.verify()
    error = caught.value
    assert (error.kind, error.line, error.seq, error.path) == (kind, line, seq, log.path)
    assert_korean(str(error), str(log.path), log.head_path.name)
    return str(error)


def test_entries_chain_and_verify(log):
    entries = log.entries()
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev"] == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after["prev"] == before["hash"]
    for entry in entries:
        assert entry["hash"] == entry_hash(entry)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["time"])
    assert entries[2]["user"] == "분석관3"
    assert entries[2]["columns"] == ["가구ID", "월소득"]
    assert entries[2]["rows"] == 30
    # Korean stays readable in the file, one entry per line.
    assert "복지 사각지대 발굴" in lines(log)[0]
    assert log.verify() == 5


def test_folder_is_created_and_missing_log_is_empty(tmp_path):
    log = AuditLog(tmp_path / "a" / "b" / "audit.jsonl")
    assert log.verify() == 0
    assert log.entries() == []
    record(log, 1)
    assert log.path.is_file()
    assert log.verify() == 1


def test_an_edited_field_names_the_entry(log):
    text = lines(log)
    entry = json.loads(text[2])
    entry["rows"] = 3  # pretend fewer rows were read
    text[2] = json.dumps(entry, ensure_ascii=False) + "\n"
    write(log, text)
    message = problem(log, "altered", 3, 3)
    assert f"{entry['time']}에 쓴 자료 households의 3번 항목이 바뀌었습니다" in message
    assert "해시가 내용과 맞지 않습니다" in message
    assert "의 3번째 줄:" in message


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(log):
    text = lines(log)
    entry = json.loads(text[2])
    entry["purpose"] = "다른 목적"
    entry["hash"] = entry_hash(entry)
    text[2] = json.dumps(entry, ensure_ascii=False) + "\n"
    write(log, text)
    message = problem(log, "relinked", 4, 4)
    assert "4번 항목이 3번 항목에 이어지지 않습니다" in message
    assert "3번 항목이 바뀐 뒤 해시를 다시 계산했거나" in message


def test_a_deleted_entry_is_named(log):
    text = lines(log)
    del text[1]
    write(log, text)
    assert "2번 항목이 없습니다: 3번 항목이 1번 항목 바로 다음에" in problem(log, "missing", 2, 2)


def test_a_deleted_first_entry_is_named(log):
    write(log, lines(log)[1:])
    assert "1번 항목이 없습니다: 기록이 2번 항목부터 시작합니다" in problem(log, "missing", 1, 1)


def test_a_deleted_last_entry_is_named(log):
    write(log, lines(log)[:-1])
    message = problem(log, "head_behind", None, 5)
    assert "5번 항목이 없습니다" in message
    assert "자료 households의 4번 항목에서 끝나는데" in message


def test_two_deleted_entries_are_named(log):
    text = lines(log)
    del text[1:3]
    write(log, text)
    assert "2–3번 항목이 없습니다: 4번 항목이 1번 항목 바로" in problem(log, "missing", 2, 2)


def test_a_forged_entry_with_a_wrong_hash_is_named_as_inserted(log):
    text = lines(log)
    forged = json.loads(text[2])
    forged["dataset"] = "tax_records"
    text.insert(2, json.dumps(forged, ensure_ascii=False) + "\n")
    write(log, text)
    message = problem(log, "inserted", 3, 3)
    assert "3번째 줄에 항목이 끼워 넣어졌습니다" in message
    assert "3번 항목이 4번째 줄에 다시 나오고" in message


def test_a_well_forged_entry_is_named_as_inserted(log):
    # The forger chains the new entry to entry 2 and gives it a valid hash.
    text = lines(log)
    entry2 = json.loads(text[1])
    forged = dict(json.loads(text[2]), dataset="tax_records", prev=entry2["hash"])
    forged["hash"] = entry_hash(forged)
    text.insert(2, json.dumps(forged, ensure_ascii=False) + "\n")
    write(log, text)
    message = problem(log, "inserted", 4, 3)
    assert "3번째 줄에 항목이 끼워 넣어졌습니다" in message
    assert "3번 항목이 두 번 나옵니다 (3번째 줄과 4번째 줄)" in message


def test_a_copied_entry_is_named_as_inserted(log):
    text = lines(log)
    text.append(text[1])
    write(log, text)
    message = problem(log, "inserted", 6, 2)
    assert "6번째 줄에 항목이 끼워 넣어졌습니다: 2번 항목은 이미 2번째 줄에" in message


def test_swapped_entries_are_named(log):
    text = lines(log)
    text[1], text[2] = text[2], text[1]
    write(log, text)
    message = problem(log, "order", 2, 3)
    assert "3번 항목이 2번째 줄에, 2번 항목(3번째 줄)보다 앞에 있습니다" in message


def test_a_truncated_last_line_is_named(log):
    text = lines(log)
    text[-1] = text[-1][:40]
    write(log, text)
    message = problem(log, "cut", 5, None)
    assert "파일이 항목 중간에서 잘렸습니다" in message


def test_a_line_that_is_not_json_is_named(log):
    text = lines(log)
    text[1] = "삭제됨\n"
    write(log, text)
    message = problem(log, "not_json", 2, None)
    assert "의 2번째 줄: JSON 항목이 아닙니다: 1번째 글자부터" in message
    # Reading the entries for display names the same line.
    with pytest.raises(AuditError) as caught:
        log.entries()
    assert (caught.value.line, caught.value.kind) == (2, "not_json")
    assert_korean(str(caught.value), str(log.path))


def test_the_first_problem_is_the_one_named(log):
    text = lines(log)
    text[-1] = text[-1][:40]
    entry = json.loads(text[1])
    entry["user"] = "someone_else"
    text[1] = json.dumps(entry, ensure_ascii=False) + "\n"
    write(log, text)
    message = problem(log, "altered", 2, 2)
    assert "5번째 줄" not in message


def test_a_removed_field_is_named(log):
    text = lines(log)
    entry = json.loads(text[3])
    del entry["purpose"]
    text[3] = json.dumps(entry, ensure_ascii=False) + "\n"
    write(log, text)
    message = problem(log, "field", 4, 4)
    assert "4번째 줄: 4번 항목이 바뀌었습니다: 필드 'purpose'가 없습니다" in message


def test_a_deleted_head_record_is_reported(log):
    log.head_path.unlink()
    message = problem(log, "head_missing", None, None)
    assert f"머리 기록 {log.head_path.name}가 없어서" in message


def test_appending_after_a_cut_refuses_instead_of_hiding_it(log):
    write(log, lines(log)[:-1])
    with pytest.raises(AuditError, match=r"에 덧붙일 수 없습니다: 5번 항목이 없습니다") as caught:
        record(log, 6)
    assert (caught.value.kind, caught.value.seq) == ("head_behind", 5)
    assert_korean(str(caught.value), str(log.path), log.head_path.name)
    assert log.path.read_text(encoding="utf-8").count("\n") == 4  # nothing appended

    text = lines(log)
    text[-1] = text[-1][:30]
    write(log, text)
    with pytest.raises(
        AuditError, match=r"덧붙일 수 없습니다: 마지막 줄을 읽을 수 없습니다"
    ) as caught:
        record(log, 6)
    assert caught.value.kind == "cut"


def test_a_stop_between_log_and_head_is_tolerated(log):
    # A writer killed after appending its line but before replacing the head record.
    stale = log.head_path.read_text(encoding="utf-8")
    record(log, 6)
    log.head_path.write_text(stale, encoding="utf-8")
    assert log.verify() == 6
    record(log, 7)  # the next append brings the head record up to date
    assert log.verify() == 7


def _append_many(path: str, worker: int, count: int) -> None:
    log = AuditLog(path)
    for i in range(count):
        log.append(
            user=f"worker{worker}",
            dataset=f"agency_{worker}",
            purpose="batch",
            columns=["x"],
            rows=i,
            sha256=GENESIS,
        )


def test_concurrent_appends_from_four_processes_keep_the_chain(tmp_path):
    path = tmp_path / "audit.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append_many, args=(str(path), worker, 25)) for worker in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join()
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    log = AuditLog(path)
    assert log.verify() == 100
    entries = log.entries()
    assert [e["seq"] for e in entries] == list(range(1, 101))
    for worker in range(4):
        mine = [e["rows"] for e in entries if e["user"] == f"worker{worker}"]
        assert mine == list(range(25))  # each process's entries, in its own order


def _frame_digest(queue) -> None:
    queue.put(frame_sha256(samples.households(n=200, seed=4)))


def test_frame_sha256_is_the_same_in_another_process():
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, another hash seed
    queue = context.Queue()
    child = context.Process(target=_frame_digest, args=(queue,))
    child.start()
    digest = queue.get()
    child.join()
    assert digest == frame_sha256(samples.households(n=200, seed=4))


def test_frame_sha256_follows_content_names_and_types():
    frame = samples.households(n=100, seed=2)
    digest = frame_sha256(frame)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert frame_sha256(frame.copy()) == digest
    assert frame_sha256(frame.set_axis(range(100, 200))) == digest  # the index is ignored
    changed = frame.copy()
    changed.loc[changed.index[7], "월소득"] = 1
    assert frame_sha256(changed) != digest
    assert frame_sha256(frame.rename(columns={"월소득": "소득"})) != digest
    assert frame_sha256(frame.iloc[::-1]) != digest
    assert frame_sha256(frame.head(99)) != digest
    ints = pd.DataFrame({"n": [1, 2, 3]})
    assert frame_sha256(ints) != frame_sha256(ints.astype("float64"))
    assert frame_sha256(ints.iloc[:0]) != frame_sha256(pd.DataFrame())


def test_frame_sha256_of_text_is_canonical():
    text = pd.Series(["가", None, "다", "라"], dtype="str")
    # A slice hashes like the same values built afresh (no bytes outside the slice count).
    assert frame_sha256(pd.DataFrame({"x": text.iloc[1:3]})) == frame_sha256(
        pd.DataFrame({"x": pd.Series([None, "다"], dtype="str")})
    )
    # Value boundaries and missing values count.
    assert frame_sha256(pd.DataFrame({"x": ["ab", "c"]})) != frame_sha256(
        pd.DataFrame({"x": ["a", "bc"]})
    )
    assert frame_sha256(pd.DataFrame({"x": ["", None]})) != frame_sha256(
        pd.DataFrame({"x": [None, ""]})
    )


def test_frame_sha256_copes_with_mixed_and_nested_values():
    nested = pd.DataFrame({"x": pd.Series([[1], {"a": 2}, None], dtype=object)})
    other = pd.DataFrame({"x": pd.Series([[1], {"a": 3}, None], dtype=object)})
    assert frame_sha256(nested) == frame_sha256(nested.copy())
    assert frame_sha256(nested) != frame_sha256(other)
    mixed = pd.DataFrame({"x": pd.Series([1, "a", None], dtype=object)})
    assert frame_sha256(mixed) == frame_sha256(mixed.copy())


def test_an_unwritable_log_is_a_clear_error(tmp_path):
    (tmp_path / "state").write_text("not a folder", encoding="utf-8")
    log = AuditLog(tmp_path / "state" / "audit.jsonl")
    with pytest.raises(
        AuditError, match=r"감사 기록 .*state/audit\.jsonl을 쓸 수 없습니다"
    ) as caught:
        record(log, 1)
    assert (caught.value.kind, caught.value.path) == ("write", log.path)
    assert_korean(str(caught.value), str(log.path), "Not a directory")
