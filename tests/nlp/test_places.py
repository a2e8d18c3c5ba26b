import pytest

from core.reference import ReferenceData
from nlp.normalize import for_model, strip_diacritics
from nlp.places import WardGazetteer


@pytest.fixture(scope="module")
def gazetteer(reference: ReferenceData) -> WardGazetteer:
    return WardGazetteer.from_reference(reference)


@pytest.mark.parametrize(
    ("text", "ward"),
    [
        ("Ngập nặng ở phường Hiệp Bình", "Hiệp Bình"),
        ("nước ngập tới gối ở P.Hiệp Bình Chánh", "Hiệp Bình"),
        ("karaoke ồn ở p. Linh Trung, TP Thủ Đức", "Linh Xuân"),
        ("rác đầy đường ở Thảo Điền", "An Khánh"),
        ("đèn đường hư ở phường Thủ Đức", "Thủ Đức"),
        ("có ai ở phường Tăng Nhơn Phú A không", "Tăng Nhơn Phú"),
        ("mất điện khu Phú Hữu cả buổi", "Long Trường"),
    ],
)
def test_finds_ward_by_new_or_old_name_with_and_without_diacritics(
    gazetteer: WardGazetteer, text: str, ward: str
) -> None:
    assert gazetteer.find(for_model(text)) == ward
    assert gazetteer.find(for_model(strip_diacritics(text))) == ward


@pytest.mark.parametrize(
    "text",
    [
        "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay",
        "TP Thủ Đức mưa lớn quá",  # the former city, not the ward
        "ổ gà trên đường Tam Bình",  # a street named like a ward
        "chợ Thủ Đức đông quá",
        "",
    ],
)
def test_no_ward_is_invented(gazetteer: WardGazetteer, text: str) -> None:
    assert gazetteer.find(for_model(text)) is None
