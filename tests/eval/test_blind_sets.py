from pathlib import Path

import pytest

from eval.blind_sets import blind_sets, misses_unread, set_number


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


WARNING = "**If anyone changes the system after reading its misses on this set, say so.**"


@pytest.mark.parametrize(
    ("history", "unread"),
    [
        ("- First run: 110/110. Its misses were not read and nothing was changed after it.", True),
        ("- First run: 110/110. Misses not read: the set stays blind.", True),
        (
            "- First run: 107/110. Misses not read.\n- Later, after reading its misses: 110/110.",
            False,
        ),
        ("- First run: 107/110.\n- After reading its misses (no longer blind): 110/110.", False),
        ("- 2026-11-28: written; not yet run against any model.", False),
    ],
)
def test_a_set_stays_blind_until_its_history_says_its_misses_were_read(
    tmp_path: Path, history: str, unread: bool
) -> None:
    # the warning above every README names "after reading its misses" too: only History counts
    (tmp_path / "README.md").write_text(f"# set\n\n{WARNING}\n\n## History\n{history}\n")
    assert misses_unread(tmp_path) is unread


def test_the_sets_kept_blind_hide_their_misses_from_the_places_report() -> None:
    blind = {d.name for d in blind_sets("places") if misses_unread(d)}
    assert {"places_fresh23", "places_fresh31", "places_fresh33"} <= blind
    assert "places_fresh32" not in blind  # read after its first run
