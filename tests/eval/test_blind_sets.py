from eval.blind_sets import blind_sets, set_number


def test_sets_come_in_the_order_they_were_written() -> None:
    names = [d.name for d in blind_sets("urgency")]
    assert names[:3] == ["urgency_fresh", "urgency_fresh2", "urgency_fresh3"]
    numbers = [set_number(n, "urgency") for n in names]
    assert numbers == sorted(numbers) and numbers.index(10) == numbers.index(9) + 1


def test_a_file_inside_each_set() -> None:
    files = blind_sets("pii", "fresh.jsonl")
    assert [f.parent.name for f in files[:2]] == ["pii_fresh", "pii_fresh2"]
    assert all(f.name == "fresh.jsonl" and f.is_file() for f in files)
    assert blind_sets("no_such_kind") == []


def test_a_folder_with_another_suffix_comes_last_instead_of_failing() -> None:
    assert set_number("urgency_fresh", "urgency") == 1
    assert set_number("urgency_fresh_old", "urgency") > set_number("urgency_fresh46", "urgency")
