from __future__ import annotations

import json
import logging
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from app.settings import PROJECT_DIR
from core.errors import ModelUnavailable
from nlp import features
from nlp.linear import LinearTextModel
from nlp.linear_training import is_held_out, load_examples
from nlp.normalize import for_model, strip_diacritics
from nlp.urgency import UrgencyClassifier, load_urgency_model
from nlp.urgency_patterns import fold, required_syllables
from nlp.urgency_rules import LEVELS, RULES_PATH, UrgencyRules, rank

MODEL = PROJECT_DIR / "models" / "urgency"
DATA = PROJECT_DIR / "eval" / "data" / "urgency"


@pytest.fixture(scope="module")
def rules() -> UrgencyRules:
    return UrgencyRules.load()


@pytest.fixture(scope="module")
def clf() -> UrgencyClassifier:
    c = UrgencyClassifier(MODEL)
    c.warm_up()
    return c


def both(text: str) -> list[str]:
    """The text as written and typed without diacritics, as models see them."""
    return [for_model(text), for_model(strip_diacritics(text))]


# --- pattern folding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("bốc cháy", "bốc cháy", True),
        ("bốc cháy", "boc chay", True),
        ("bốc cháy", "bốc chay", True),  # half-typed diacritics
        ("cháy", "chạy", False),  # "to run" is not "fire"
        ("đứt", "dứt", True),  # the tone kept, the stroke of đ dropped
        ("đứt", "đut", True),
        ("=đang cháy", "dang chay", False),  # '=' keeps diacritics exact
        ("=đang cháy", "đang cháy", True),
        ("dây điện …… đứt", "dây điện trước nhà bị đứt", True),
        ("dây điện …… đứt", "dây điện trước nhà, cột bị đứt", False),  # gaps stay in a clause
        # a free stretch starts at a word end: "đò" is not the start of "đoạn"
        ("(đò|ghe)[^.!?;]{0,20}chìm", "đò bị chìm", True),
        ("(đò|ghe)[^.!?;]{0,20}chìm", "đoạn này chìm", False),
        ("🔥[^.!?;]{0,12}🆘", "🔥🆘", True),  # after a symbol no word end is needed
    ],
)
def test_fold(pattern: str, text: str, matches: bool) -> None:
    exact = pattern.startswith("=")
    regex = fold(pattern.removeprefix("="), {"……": 6, "…": 3}, exact=exact)
    assert bool(re.fullmatch(regex, text)) is matches


@pytest.mark.parametrize(
    ("pattern", "required"),
    [
        ("(nhà|căn hộ) …… (bốc cháy|đang cháy)", [{"nha", "can"}, {"boc", "dang"}]),
        ("bị thương(?! nhẹ)", [{"bi"}, {"thuong"}]),
        ("(a )?b", [{"b"}]),
        ("s?os", []),  # an optional letter: nothing can be required
        ("x|[0-9]+ y", [{"x", "y"}]),
    ],
)
def test_required_syllables(pattern: str, required: list[set[str]]) -> None:
    assert [set(s) for s in required_syllables(pattern)] == required


def test_key_syllables_never_hide_a_match(rules: UrgencyRules) -> None:
    """Skipping a pattern whose key syllables are absent must never skip a real match."""
    texts = [e.text for e in load_examples(DATA)]
    model_texts = [for_model(t) for t in texts + [strip_diacritics(t) for t in texts]]
    for mt in model_texts:
        syllables = set(re.findall(r"[^\W_]+", strip_diacritics(mt)))
        for rule in rules.rules:
            for keys, pattern in rule.patterns:
                if pattern.search(mt):
                    assert all(not k.isdisjoint(syllables) for k in keys), (rule.id, mt)


def test_the_syllable_index_lists_every_pattern_that_matches(rules: UrgencyRules) -> None:
    """``evaluate`` tries only the patterns its index lists for a text's syllables."""
    texts = [e.text for e in load_examples(DATA)]
    model_texts = [for_model(t) for t in texts + [strip_diacritics(t) for t in texts]]
    for mt in model_texts:
        candidates = rules._candidates(set(re.findall(r"[^\W_]+", strip_diacritics(mt))))
        for r, rule in enumerate(rules.rules):
            for i, (_, pattern) in enumerate(rule.patterns):
                if pattern.search(mt):
                    assert i in candidates.get(r, set()), (rule.id, mt)


# --- rules: what fires -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Cháy nhà ở hẻm 82 Võ Văn Ngân, lửa bốc lên ngùn ngụt", "fire"),
        ("Xưởng gỗ đường Tam Bình đang bốc cháy, khói đen mù mịt", "fire"),
        ("Vừa có tiếng nổ lớn ở trạm biến áp đường Đồng Văn Cống", "explosion"),
        ("Dây điện đứt rơi xuống vũng nước trước cổng trường", "live_wire"),
        ("Trụ điện đầu hẻm chập điện tóe lửa liên tục", "live_wire"),
        ("Có 4 người mắc kẹt trong thang máy chung cư Sky9", "trapped"),
        ("Xe bồn lật trên Xa lộ Hà Nội, tài xế bị kẹt trong cabin", "trapped"),
        ("Nước tràn vô hầm giữ xe, chú bảo vệ còn kẹt dưới đó", "trapped"),
        ("Có người chìm kênh Ba Bò, ra phụ với", "water"),
        ("Có em nhỏ bị nước cuốn trôi xuống mương", "water"),
        ("Bé trai lọt xuống hố ga không nắp trên đường Tô Ngọc Vân", "water"),
        ("Tường rào công trình đổ sập đè lên hai người đi xe máy", "collapse"),
        ("Cây dầu nghiêng sắp đổ xuống trạm xe buýt", "collapse"),
        ("Bình gas bị xì, mùi gas nồng nặc khắp nhà", "gas_leak"),
        ("Tai nạn nghiêm trọng ở ngã tư Thủ Đức, một người bị thương nặng", "injured"),
        ("Ông cụ ngã quỵ, bất tỉnh trước chợ Tăng Nhơn Phú", "unconscious"),
        ("Nhóm thanh niên cầm mã tấu chém người ở hẻm 60", "violence"),
        ("Con gái tôi 7 tuổi bị lạc ở chợ Thủ Đức từ chiều tới giờ chưa về", "missing_person"),
        ("Có người đứng trên lan can cầu Rạch Chiếc đòi nhảy cầu", "self_harm"),
        ("Cứu với, nước ngập tới ngực rồi", "rescue_call"),
        # phrasings added after the second blind set (rules version 2026-11-27.2)
        ("Có ông nằm bất động trước cổng chợ Thủ Đức nãy giờ", "unconscious"),
        ("Bác bảo vệ té cầu thang, gọi hoài không dậy", "unconscious"),
        ("Chú xe ôm đập đầu xuống lề không ngồi dậy nổi", "unconscious"),
        ("Thằng nhỏ nhà bên miệng đang sùi bọt trắng", "unconscious"),
        ("Cô hàng xóm uống thuốc chuột sau khi cãi nhau", "unconscious"),
        ("Mấy đứa học sinh ăn xôi cổng trường xong xỉu luôn", "unconscious"),
        ("Một thanh niên trèo lên thành cầu Sài Gòn khóc nói không muốn sống", "self_harm"),
        ("Nước cống chảy mạnh cuốn chiếc dép với đứa bé trôi đi", "water"),
        ("Bà tôi trượt xuống con kênh sau nhà", "water"),
        ("Hai đứa nhỏ tắm sông Sài Gòn giờ không thấy đâu", "water"),
        ("Phòng bên khách sạn có khói bay ra dưới khe cửa, gõ không ai mở", "fire"),
        # signs instead of names, and danger told across clauses (rules version 2026-11-27.6)
        ("Chị tôi đang chuyển dạ mà ra máu nhiều, xe cứu thương không vô được hẻm", "medical"),
        ("Sản phụ băng huyết sau sinh ở nhà, cần xe 115", "medical"),
        ("Thằng nhỏ nhà bên bị ong đốt sưng hết mặt, thở không nổi", "medical"),
        ("Bạn em ăn tôm xong mặt sưng phù, khó thở lắm", "medical"),
        ("Ông tôi môi tím tái, thở dốc, gọi không trả lời", "medical"),
        ("Bé mắc nghẹn hạt nhãn, không khóc được nữa", "medical"),
        ("Bà cụ té trong nhà tắm từ tối qua tới giờ, cửa khóa", "medical"),
        ("Nghe tiếng rên yếu ớt trong căn nhà bỏ trống cuối hẻm", "medical"),
        ("Có đứa bé đứng một mình sát mép ao sau chợ, không thấy ai trông", "water"),
        ("Con nít chơi ở mép hồ bơi bỏ hoang một mình", "water"),
        ("Có người đứng ngoài lan can cầu Rạch Chiếc nãy giờ", "self_harm"),
        ("Cần cẩu rung lắc dữ lắm, đứt 1 sợi cáp, ngay dưới là đường người qua lại", "collapse"),
        ("Nhà 3 tầng nứt toác, nghiêng ra đường, trong nhà vẫn còn người già", "collapse"),
        ("Bảng quảng cáo đung đưa, ốc bung hết, bên dưới là quán cà phê đông khách", "collapse"),
        ("Xe bồn chở hóa chất lật trên đường Nguyễn Thị Định, chảy lênh láng", "gas_leak"),
        ("Hóa chất tràn ra đường bốc khói, ai đi ngang cũng cay mắt", "gas_leak"),
        ("cháy!!! hẻm 5 Đặng Văn Bi", "fire"),
        ("🆘 cháy!! 😭😭", "fire"),
        # after the fifth blind set (rules version 2026-11-27.7)
        ("Con tôi 3 tuổi nuốt phải viên pin đồng hồ, giờ cứ ói", "medical"),
        ("Ba tôi tiểu đường, giờ lơ mơ gọi không biết gì", "medical"),
        ("Đường ống amoniac của nhà máy đá bên Trường Thọ bị xì", "gas_leak"),
        ("Xe ben tông vào nhóm học sinh đang qua đường", "injured"),
        ("Vụ va chạm xong mấy người nằm la liệt trên Quốc lộ 1", "injured"),
        ("Thanh thép ở công trình rơi xuống, xuyên qua chân anh thợ hồ", "injured"),
        ("Thằng nhỏ té từ trên cây xuống nằm không nhúc nhích", "unconscious"),
        ("Một thanh niên bị đâm ở quán nhậu đầu hẻm 5", "violence"),
        ("Tụi nó cầm phóng lợn đuổi nhau ngoài chợ", "violence"),
        ("Bạn cùng trọ nhắn tin vĩnh biệt rồi tắt máy", "self_harm"),
        ("Làm ơn cứu chồng tôi, ổng đang ở trong căn nhà sập", "rescue_call"),
        # after the sixth blind set (rules version 2026-11-27.8)
        ("Hai anh thợ xuống hầm bể phốt nãy giờ không thấy lên", "trapped"),
        ("Chuông báo cháy reo, hành lang tầng 9 đầy khói", "fire"),
        ("Ba tôi đau ngực dữ dội, vã mồ hôi", "medical"),
        ("Bà tôi tự nhiên méo miệng, nói ngọng", "medical"),
        ("Con bé uống hết vỉ thuốc ngủ của mẹ", "medical"),
        # after the seventh blind set (rules version 2026-11-27.9)
        ("Ông cụ lẫn đứng ngay giữa quốc lộ 13, xe tải chạy vun vút hai bên", "injured"),
        ("Chú bảo vệ bị rắn lục cắn ở bãi cỏ sau kho", "medical"),
        ("Thằng kia chích dao vào bụng anh xe ôm rồi bỏ chạy", "violence"),
        ("Con tôi đứt tay, máu chảy nhiều lắm", "injured"),
        ("Sạt lở bờ kênh, nhà sau bị cuốn xuống sông, hai người chưa bơi ra được", "trapped"),
        ("Anh thợ bị nhốt trong kho đông lạnh của chợ đầu mối", "trapped"),
        ("Thằng bạn đá bóng xong xỉu ngang, không thở", "unconscious"),
        ("🚒🔥🏠🆘 hẻm 22 Tô Ngọc Vân", "fire"),
        # after the eighth blind set (rules version 2026-11-27.10)
        ("Ông tôi té đập đầu vào bậc thềm, giờ nói năng lung tung", "medical"),
        ("Chú công nhân rơi xuống bể hóa chất ở xưởng xi mạ", "medical"),
        ("Ba tôi đau thắt ngực, vã mồ hôi lạnh", "medical"),
        ("Nghe tiếng rên trong phòng trọ số 5, gõ cửa không ai mở", "medical"),
        ("Con trăn nhà bên xổng chuồng, quấn lấy thằng nhỏ", "injured"),
        ("Hai nhóm đánh nhau bằng mã tấu ở đầu hẻm", "violence"),
        ("Thằng kia bị chém gục trước quán nhậu", "violence"),
        ("Căn nhà ven kênh đang nghiêng dần xuống kênh, trong nhà còn người", "collapse"),
        # after the tenth blind set (rules version 2026-11-27.13)
        ("Ông già lang thang đi vào giữa xa lộ Hà Nội, xe chạy vun vút", "injured"),
        ("Thằng nhỏ bị nhốt trong xe hơi ngoài bãi xe, nắng chang chang", "trapped"),
        ("Tôi bị xe tải quẹt té, chân gãy lòi xương", "injured"),
        # after the eleventh blind set (rules version 2026-11-27.14)
        ("Căn nhà cuối hẻm cháy từ tầng trệt, trên lầu còn ba đứa nhỏ đang la khóc", "trapped"),
        ("Dãy trọ cháy từ trong bếp lan ra", "fire"),
        ("Nước lên nhanh, ông tôi nằm liệt giường mà nước ngập tới mặt giường", "water"),
        ("Nhà ngập sâu, không ai cõng bà ra kịp", "trapped"),
        ("Cây đổ, chú bảo vệ bị kẹt chân dưới thân cây", "trapped"),
        ("Bầy chó đang vây cắn ông cụ ở đầu hẻm", "injured"),
        ("Thằng bé bị nước cống hút xuống, người lớn đang níu lại", "water"),
        ("Mấy anh lặn tìm nãy giờ mà vẫn không thấy người", "water"),
        # after the linear models moved to syllable features (rules version 2026-11-27.15)
        ("Xe chết máy giữa chỗ ngập, mẹ con chị ấy ngồi trong xe không mở được cửa", "trapped"),
        ("Nhánh cây gãy đè trúng chiếc xe máy đang chạy ngang", "collapse"),
        ("Lửa bén vào vách dãy trọ bên cạnh rồi", "fire"),
        ("Ông chú té đập đầu xuống lề, giờ nằm im không nhúc nhích", "unconscious"),
        ("Thằng con nhà hàng xóm đang lội nước thì bị cống hút vô", "water"),
        # after the twelfth blind set (rules version 2026-11-27.16)
        ("Thang máy khu căn hộ rơi tự do xuống tầng hầm", "trapped"),
        ("Sập mái kho, 3 người bên trong chưa ra được", "trapped"),
        ("Xe bồn lật, tài xế còn ở trong cabin, máu chảy nhiều", "trapped"),
        ("Con bé chui qua lan can ra ngoài ban công tầng 7", "collapse"),
        ("Thằng nhỏ bị kẹt đầu giữa song sắt cửa sổ", "trapped"),
        ("Vớt thằng bé dưới hồ lên, mặt tím tái không thở", "unconscious"),
        ("Phòng trọ đóng kín, anh ấy nằm bất động cạnh bếp than", "medical"),
        ("Bé trượt chân lọt xuống hố ga, nước cuốn vô cống", "water"),
        # after the thirteenth blind set (rules version 2026-11-27.17)
        ("Cửa cuốn của tiệm tạp hóa cuốn trúng thằng nhỏ, kẹt ngang ngực", "trapped"),
        ("Thằng bé rơi từ ban công lầu 3 xuống sân, nằm im", "injured"),
        ("Ông ngồi trên nóc nhà mà nước vẫn lên tới mái", "water"),
        ("Xưởng cháy, còn hai anh thợ kẹt trên gác lửng", "trapped"),
        ("Thấy ba nằm sấp dưới sàn, gọi không trả lời", "medical"),
        ("Con bị hóc hạt nhãn, thở không nổi", "medical"),
        ("Ông ta tưới xăng khắp nhà rồi dọa đốt", "violence"),
        # after the fourteenth blind set (rules version 2026-11-27.19)
        ("Có người trèo ra ngoài lan can cầu, đứng khóc nãy giờ", "self_harm"),
        ("Chú ấy ngã xuống, không bắt được mạch, ai biết ép tim tới giùm", "medical"),
        ("Bé tự nhiên trợn ngược mắt, tay chân giật giật", "medical"),
        ("Ông bị sét đánh ngoài ruộng, gọi không trả lời", "injured"),
        ("Tụi cướp giật túi rồi kéo lê chị ấy trên đường", "injured"),
        ("Nghe bên nhà hàng xóm chị vợ la đừng đâm, rồi im luôn", "violence"),
        ("Lửa trong sạp, có người đập cửa cuốn từ bên trong", "trapped"),
        ("Nước đang hút thằng bé vô miệng cống", "water"),
        ("My neighbour fell down the stairs and is bleeding, please call an ambulance", "injured"),
        # after the sixteenth blind set (rules version 2026-11-27.21)
        ("Ba tôi ăn mấy trái cà độc dược tưởng rau dại, giờ nói sảng, thở dốc", "medical"),
        ("Chạy máy phát trong phòng kín, cả nhà 4 người nằm lả", "medical"),
        ("Ông hàng xóm ôm ngực, vã mồ hôi, ngồi gục ở cổng", "medical"),
        ("Ông ngồi dưới nắng từ trưa, giờ nói lảm nhảm, da nóng ran", "medical"),
        ("Ông cụ té trong nhà tắm, kêu không trả lời, thở khò khè", "medical"),
        ("Có ông đang siết cổ vợ ngoài hành lang", "violence"),
        ("Nghe tiếng đánh bốp bốp, giờ thì im bặt luôn", "violence"),
        ("Có đứa nhỏ bị nước cuốn, mấy người đang nhảy xuống vớt mà chưa thấy", "water"),
        ("Hai đứa học sinh tắm rồi chìm một đứa", "water"),
        ("Nước dưới hầm lên nhanh, ông bảo vệ xuống dời xe mà giờ gọi không thấy lên", "water"),
        ("Tụi nhỏ đốt rác, lửa bén qua mấy căn nhà lá rồi", "fire"),
        ("Nhà kế bên nồng nặc mùi gas từ sáng, gõ cửa không ai mở", "gas_leak"),
        ("Công nhân bị cuốn tay vào máy cán tôn, máy chưa tắt được", "trapped"),
        ("Thợ lau kính bị đứt một bên dây, đang đu lủng lẳng ngoài tầng 14", "collapse"),
        ("Chồng té thang, cọc sắt hàng rào đâm xuyên vào đùi", "injured"),
        ("Husband fell onto the fence, spike through his thigh, bleeding heavily", "injured"),
        # after the seventeenth and eighteenth blind sets (rules version 2026-11-27.22)
        ("Xe bồn chở gas lật trên xa lộ, gas xì trắng xóa", "gas_leak"),
        ("Bạn cùng phòng uống gần hết vỉ thuốc ngủ, giờ lịm đi", "medical"),
        ("Ông uống thuốc cỏ sau khi cãi nhau, giờ ói liên tục", "unconscious"),
        ("Chú bảo vệ người đỏ rực mà không ra giọt mồ hôi nào", "medical"),
        ("Ngồi ngoài nắng từ trưa, giờ gọi chú không thưa", "medical"),
        ("Ba nói tức ngực như có ai đè, khó thở", "medical"),
        ("Bé bị ong vò vẽ đốt nhiều chỗ, giờ thở khò khè", "medical"),
        ("Nghe bà rên trong nhà mà cửa khóa bên trong", "medical"),
        ("Mùi than đốt nồng nặc, khe cửa dán băng keo kín mít", "self_harm"),
        ("Em trai nhắn xin lỗi cả nhà rồi tắt máy", "self_harm"),
        ("Thằng say cầm can xăng dọa đốt phòng trọ", "violence"),
        ("Bảo vệ nằm dưới đất mà tụi nó còn đá vô đầu", "violence"),
        ("Có 2 thằng đang lôi một bạn nữ lên xe 7 chỗ", "violence"),
        ("Nghe tiếng đập đồ, hình như thằng chồng đang cầm ghế đánh", "violence"),
        ("Công nhân bị axit tạt vào mắt, không mở mắt được", "injured"),
        ("Chó becgie sổng ra, cắn vô cổ bé gái", "injured"),
        ("Con béc giê đang cắn xé bé 5 tuổi", "injured"),
        ("A worker fell from the scaffolding, bleeding from the ears", "injured"),
        ("His mother is lying on the kitchen floor and won't wake up", "injured"),
        ("A man is lying at the bottom of the pool", "injured"),
        ("A power line fell on a car, sparks are coming from the roof", "injured"),
        ("Ô tô khóa kín, bên trong có bé khoảng 2 tuổi", "trapped"),
        ("Người thứ nhất xuống hố ga để thông cống rồi không lên", "trapped"),
        ("Một chú bị nước cuốn xuống rạch, đang bám vào gốc cây giữa dòng", "water"),
        ("Xưởng gỗ bốc cháy, nghe nói còn hai công nhân ngủ trên gác", "fire"),
        # after the nineteenth and twentieth blind sets (rules version 2026-11-27.23)
        ("Nhìn qua khe cửa thấy cả nhà nằm dưới sàn", "unconscious"),
        ("Ông chủ chạy máy phát trong nhà xe đóng kín, có chị xỉu luôn rồi", "medical"),
        ("Cháy dãy sạp vải chợ Tăng Nhơn Phú, mấy sạp có người ngủ lại", "fire"),
        ("Nhà bên khóa cửa mà có khói, nghe tiếng con nít khóc bên trong", "fire"),
        ("Thợ sơn bị đứt một bên dây, đang treo lơ lửng cỡ tầng 15", "collapse"),
        ("Anh thợ bị tuột dây, đang treo lủng lẳng một tay", "collapse"),
        ("Cây dầu ngã đè trúng một phụ huynh đang chờ đón con", "collapse"),
        ("Cánh cổng sắt đổ đè lên chân một bạn học sinh", "collapse"),
        ("Vách đất sụp xuống hố móng, mấy anh thợ dưới đó la um sùm", "collapse"),
        ("Chân chị ấy kẹt dưới thân cây, chị ấy ngất", "trapped"),
        ("Trong xe có đứa nhỏ chừng 2 tuổi ngủ gục, mặt đỏ gay", "trapped"),
        ("Ba gác chết máy nằm ngay giữa đường ray, tàu đang kéo còi", "trapped"),
        ("Có người đàn ông đang đi bộ trên đường ray trên cao", "trapped"),
        ("Ông nói ngực đau như ai đè, thở không ra hơi", "medical"),
        ("Ông xe ôm gục xuống, có người đang ấn ngực cho ổng", "medical"),
        ("Mẹ bị ong vò vẽ đốt, giờ mặt sưng vù, thở rít", "medical"),
        ("Thằng em bị rắn hổ mang cắn vô bắp chân", "medical"),
        ("Thằng nhỏ uống nhầm chai thuốc diệt cỏ, giờ ói ra bọt trắng", "unconscious"),
        ("Ông cụ bại liệt nằm trên giường, nước tới ngang ngực rồi", "water"),
        ("Nghe tiếng phụ nữ la xin tha, tiếng đập đồ", "violence"),
        ("Chị vợ hét lên một tiếng rồi im bặt", "violence"),
        ("Thằng chồng say còn cầm con dao phay đứng chặn trước cửa", "violence"),
        ("Con chó bự cắn bé nằm dưới đất mà chó chưa nhả", "injured"),
        ("Xe khách 45 chỗ mất phanh đang đổ dốc cầu", "injured"),
        ("Xe ben cán qua xe máy, người chạy xe còn kẹt dưới gầm", "injured"),
        ("Anh áo xanh đang ngồi trên lan can tầng 18 gần nửa tiếng rồi", "self_harm"),
        # after the twenty-first and twenty-second blind sets (rules version 2026-11-27.24)
        ("Nghe tiếng la cứu dưới nước, trời tối quá chỉ thấy một cái đầu trôi giữa dòng", "water"),
        ("Đò chở công nhân qua rạch bị vô nước, chìm gần tới mạn rồi", "water"),
        ("Xuồng của hai cha con bị sóng đánh lật, thằng con trôi đi đâu không thấy", "water"),
        ("Hai đứa nhỏ xuống hố nước tắm, giờ chỉ thấy một đứa ngoi lên, đứa kia mất tăm", "water"),
        ("Ông nội bị liệt nằm giường, tụi tôi khiêng không nổi, nước tới bụng rồi", "water"),
        ("Có người rớt xuống sông ở phà Cát Lái, thấy tay quơ quơ rồi chìm", "water"),
        ("Sinh tại phòng trọ, đứa nhỏ ra rồi mà máu cứ chảy ướt hết mấy cái khăn", "medical"),
        ("Em tôi lên cơn khò khè, thở rít từng hồi, môi tái xanh", "medical"),
        ("Nhìn qua khe cửa thấy bả nằm dưới sàn, kêu không ai trả lời", "medical"),
        (
            "Bố leo lên mái sửa chỗ dột, té từ mái tôn xuống sân, đập đầu, gọi không trả lời",
            "injured",
        ),
        ("Phát quà đông quá người ta xô nhau, bà bầu với mấy đứa nhỏ bị té bị đạp lên", "injured"),
        ("Con chó becgie đang cắp chân một bé trai trước cổng, kéo không ra", "injured"),
        ("Bạn cùng phòng nhắn tin chào tất cả mọi người, nói xin lỗi mẹ, rồi tắt máy", "self_harm"),
        ("Giàn giáo đang lắc qua lắc lại, bên dưới người đi bộ qua lại", "collapse"),
        ("Cây dầu kêu răng rắc, nghiêng dần ra, dưới trạm đông người đang trú mưa", "collapse"),
        ("Hố đào cống vừa sụp vách, một công nhân bị đất vùi tới ngực", "trapped"),
        ("Khói đen bốc đầy cầu thang bộ, tụi tui kẹt ở tầng 14 không xuống được", "trapped"),
        (
            "Cháy xe máy điện trong nhà trọ, trên lầu còn mấy sinh viên đang la, không xuống được",
            "fire",
        ),
        # after the twenty-third and twenty-fourth blind sets (rules version 2026-11-27.25)
        (
            "Tối qua chạy máy phát trong phòng kín, sáng ra thằng con út gọi hoài không dậy",
            "unconscious",
        ),
        (
            "Máy phát chạy trong phòng đóng kín từ chiều, giờ gõ cửa hoài không ai trả lời",
            "medical",
        ),
        ("Bà vô nhà tắm gần một tiếng, gọi không trả lời, cửa chốt trong", "medical"),
        ("Mẹ tức ngực lan ra tay trái, giờ đổ mồ hôi lạnh, thở dốc", "medical"),
        ("Bé sốt xuất huyết, giờ tay chân lạnh ngắt, lừ đừ, nôn ra chút máu", "medical"),
        ("Anh tập đẩy ngực bị tạ rớt đè cổ, giờ ảnh không thở được", "injured"),
        ("Xe ben lùi đè lên chân anh phụ xe, máu chảy thành vũng", "collapse"),
        ("Bé trai bị miệng cống hút một chân, nước tới ngực rồi", "water"),
        ("Giờ đếm lại thiếu một đứa, dép nó còn nổi trên mặt ao", "water"),
        ("Đứa nhỏ tắm sông bị nước cuốn ra xa, giờ không thấy đầu nó nổi lên nữa", "water"),
        ("Nắp cống mất, có đứa nhỏ lọt xuống rồi, nước chảy xiết", "water"),
        ("Nước tràn vô hầm, xe hơi kẹt ở dốc mà cửa không mở được", "water"),
        ("Thang máy chở hàng ở siêu thị vừa rơi xuống tầng hầm", "trapped"),
        ("Dây đai an toàn đứt, giờ ảnh treo lơ lửng, một tay bám lan can", "collapse"),
        ("Nghe đùng một cái rồi cúp điện, anh thợ nằm trên mái, tay vẫn dính sợi dây", "live_wire"),
        ("Tụi nó cầm ống tuýp, nó nằm dưới đất rồi mà tụi nó vẫn đạp", "violence"),
        ("Con gái gọi về nói có chú lạ đang kéo con lên xe", "violence"),
        ("Con bé phòng 4 để lại thư rồi khóa cửa, trong phòng có mùi than", "self_harm"),
        ("A man at the next table has collapsed, his lips are turning blue", "injured"),
        ("I hear a man shouting that he will kill her", "injured"),
        ("Two vendors have just fainted by the drain", "injured"),
        # after the twenty-fifth and twenty-sixth blind sets (rules version 2026-11-27.26)
        (
            "A pit bull is attacking a delivery rider, he is on the ground bleeding from his arm",
            "injured",
        ),
        ("Bạn nó bị ba nhốt trong thùng phuy từ sáng, có tiếng đứa nhỏ khóc yếu lắm", "trapped"),
        ("Có người bị đâm nằm trước tiệm tạp hóa, máu nhiều lắm", "violence"),
        ("Mẹ than tức ngực với mỏi cánh tay trái từ nãy, mồ hôi ướt hết áo", "medical"),
        ("Thằng cháu nuốt viên bi, mặt tái xanh, há miệng mà không khóc ra tiếng", "medical"),
        ("Công nhân bị lưỡi cưa cuốn tay, đứt gần hết ngón, máu vẫn tuôn", "injured"),
        ("Thằng bạn trèo ra ngoài lan can cầu Sài Gòn, nói muốn nhảy", "self_harm"),
        ("Có người đứng bên ngoài lan can cầu, đứng lâu lắm rồi, cứ nhìn xuống nước", "self_harm"),
        ("Thằng nhỏ vừa uống một ngụm nước tẩy bồn cầu, giờ đang nôn và khóc thét", "medical"),
        ("Xe máy tông vô dải phân cách, hai đứa nhỏ ngồi sau bị văng ra giữa đường", "injured"),
        ("Ông nội bị tiểu đường, giờ run cầm cập, mồ hôi ướt áo, nói lung tung", "medical"),
        ("Bà cụ sát mé sông không ra được, nước tới ngực bà rồi", "water"),
        (
            "Cháu đăng mấy dòng xin lỗi cả nhà, rồi gọi nói đang ngồi trên sân thượng trường",
            "self_harm",
        ),
        ("Hai đứa nhỏ tắm sông, giờ chỉ còn một đứa đứng khóc, đứa kia đâu không thấy", "water"),
        ("Tụi nó nhốt con bé trong phòng trọ đánh từ tối tới giờ", "violence"),
        ("Có ông say nằm ngủ giữa làn xe tải, xe chạy vèo vèo sát đầu", "injured"),
        ("Bé hàng xóm leo ra ban công tầng 5, ba mẹ đi vắng, bé đang đu lan can", "collapse"),
        ("Chồng về là khóa cửa, hai mẹ con đang trốn trong toilet", "violence"),
        ("Lối ra bị chen lấn, một bé gái té và người ta cứ dẫm lên", "injured"),
        # after the twenty-seventh and twenty-eighth blind sets (rules version 2026-11-27.27)
        (
            "Ở Bình An tối qua đốt lò than trong phòng kín ngủ chung, giờ gõ hoài không ai trả lời",
            "medical",
        ),
        (
            "The maid is at the bottom of the stairs, blood near her head, she doesn't answer",
            "injured",
        ),
        ("He fell onto the fence and a metal spike went through his leg", "injured"),
        ("Có bà cụ lớ ngớ đi bộ giữa làn cao tốc, container chạy vèo vèo", "injured"),
        ("Dưới mương có cái áo nổi lềnh bềnh, nhìn kỹ thì thấy cánh tay người", "injured"),
        ("Con chó becgie ngoạm vào cổ bé không chịu nhả", "injured"),
        ("Có đứa nhỏ nằm úp mặt dưới đáy hồ bơi", "water"),
        ("Con 2 tuổi té hồ cá, vớt lên rồi mà người mềm nhũn, em đang ép ngực", "unconscious"),
        ("Mở cửa thấy thằng em treo trên quạt trần, người còn ấm mà không thở", "self_harm"),
        ("Chị hàng xóm mới sinh được 5 ngày, từ chiều cứ ra máu, giờ nằm lạnh tay chân", "medical"),
        ("Chú bảo vệ tự nhiên ôm ngực rồi ngồi sụp xuống, mồ hôi ra như tắm", "medical"),
        ("Người giữ cá sấu bị cắn vào đùi, máu ra không cầm được", "injured"),
        ("Có người vừa rơi khỏi phà xuống sông, phao đâu hết rồi", "water"),
        ("Nước tràn vào, trong nhà nước tới ngực, ông ngoại bại liệt nằm trên giường", "water"),
        ("Cẩu tháp ở công trường vừa đổ xuống, bên dưới là lán công nhân", "collapse"),
        # after the twenty-ninth and thirtieth blind sets (rules version 2026-11-27.28)
        ("Tui đang đứng trên sân thượng tòa nhà bỏ hoang, không muốn sống nữa", "self_harm"),
        (
            "The corridor is full of black smoke, I cannot go down the stairs, send firefighters",
            "injured",
        ),
        ("Man with gun in the cafe, the waiter is bleeding on the floor", "injured"),
        ("Chú bị rắn cắn cách đây 20 phút, chân sưng tím, giờ mí mắt sụp xuống", "medical"),
        # minutes written in words are no past either (rules version 2026-11-28.39)
        ("Anh làm vườn bị rắn lục cắn cổ chân cách đây mười phút, chân sưng tím", "medical"),
        ("Bé bị rắn cắn cách đây nửa tiếng, giờ lơ mơ", "medical"),
        ("A delivery guy went under near the canal gate, I can see his helmet floating", "injured"),
        ("Con chó pitbull cắn bé 6 tuổi, người lớn lấy gậy đánh mà chó không nhả ra", "injured"),
        ("Ông nội bị tiểu đường, giờ gọi không trả lời, mặt lạnh ngắt mồ hôi", "medical"),
        ("Kho hóa chất vừa nổ, công nhân chạy ra người bị bỏng đầy người", "medical"),
        ("Đàn ong vò vẽ đốt ông Tư, ông sưng cả mặt, nằm lả đi", "medical"),
        ("Có thằng đang lôi con bé học sinh vào bãi đất trống sau trường", "violence"),
        ("Cây me bật gốc đè trúng anh xe ôm, giờ chỉ thấy hai chân ló ra ngoài", "collapse"),
        ("Một chị chạy xe trượt vô gầm xe container, còn kẹt dưới đó", "injured"),
        ("Bé trai chừng 4 tuổi đang đứng bên ngoài lan can ban công tầng 15", "collapse"),
        (
            "Thằng bạn ăn nấm hái ngoài bãi đất trống, giờ ói liên tục, tay chân lạnh ngắt",
            "medical",
        ),
        ("Tụi nó đánh một anh bằng cây, ảnh nằm im rồi mà tụi nó vẫn đánh", "violence"),
        ("Ông chú nằm gục trên xe máy nãy giờ, kêu không trả lời", "unconscious"),
        # after the thirty-first and thirty-second blind sets (rules version 2026-11-27.29)
        ("Có người kẹt trong thang máy mà khói bốc ra từ khe cửa thang rồi", "fire"),
        ("Bà cụ trên xe buýt mồ hôi vã ra, gọi không dạ, tay còn cầm bút tiêm insulin", "medical"),
        ("A bus caught fire at the stop, people are banging on the windows", "injured"),
        ("Anh thợ sơn vừa rơi xuống đất, máu đầu chảy ướt cả sân, chỉ còn thở khò khè", "injured"),
        ("Con 8 tháng ăn cháo thì sặc rồi im bặt, môi bắt đầu thâm lại", "medical"),
        ("Bức tường rào sập đè lên mấy người, còn nghe một người kêu dưới đống gạch", "collapse"),
        ("Ông bàn bên nói bị dị ứng tôm, mặt sưng phù, thở rít rít", "medical"),
        (
            "Bạn cùng phòng nhắn cảm ơn vì tất cả rồi tắt máy, trên bàn có vỉ thuốc ngủ trống trơn",
            "self_harm",
        ),
        ("Container lật đè lên chiếc xe máy, người bên dưới còn cử động tay", "injured"),
        ("Con rắn lục xanh cắn mẹ em, chân sưng vù tím đen", "medical"),
        ("Bà ngoại tự nhiên nói không ra tiếng, miệng méo xệch một bên", "medical"),
        ("Bé bị nồi nước lèo sôi đổ lên người, da tróc từng mảng", "injured"),
        ("Chiếc xuồng trôi giữa ao mà không thấy chú đâu", "water"),
        ("Sàn tầng 2 xưởng may bị sập, nhiều chị bị đè", "collapse"),
        ("Chị hàng xóm la lên mấy tiếng rồi im bặt, ông chồng say khóa cửa trong", "violence"),
        ("Một chị trèo ra ngoài lan can cầu, ngồi đó cả chục phút rồi", "self_harm"),
        ("Thằng cha lạ kéo tay bé gái lên xe 7 chỗ, bé giãy la", "violence"),
        ("Xe Vios khóa cửa, có bé tầm 3 tuổi ở ghế sau mồ hôi ướt hết", "trapped"),
        (
            "Khói đen đặc cầu thang, mấy đứa trên tầng 3 đứng la ở ban công, không xuống được",
            "trapped",
        ),
        ("Con nhỏ đạp xe té xuống bị cuốn vô cống rồi", "water"),
        ("Người đàn ông đứng trên mép sân thượng, cứ vẫy tay ra hiệu đừng lại gần", "self_harm"),
        (
            "Xe cẩu quẹt trúng đường dây trung thế, anh phụ xe té xuống, người cháy xém nằm im",
            "live_wire",
        ),
        # "mũ bảo hiểm" is a helmet, not insurance (a hypothetical cue)
        ("Hai thằng trùm mũ bảo hiểm đang kề dao cổ bà chủ tiệm vàng", "violence"),
        ("Xe máy tông dải phân cách, 2 đứa nhỏ ngồi sau bị văng ra giữa đường", "injured"),
        ("Ông cụ liệt giường ở nhà một mình, nước đã ngập sát mặt giường", "water"),
        ("Nước lên nhanh quá, xin ca nô tới ngay", "rescue_call"),
        # "cây xăng" and "ki-ốt" fold like "cay" (spicy) and "ớt" (chili): still a fire
        ("Xe máy đang đổ xăng ở cây xăng tự nhiên bốc cháy, lửa bắt qua xe kế bên", "fire"),
        ("Ở chợ có ki ốt đang bốc cháy, khói mù mịt", "fire"),
        # without diacritics "ngáo đá … khống chế" is not "đã … khống chế" (brought under control)
        ("Thằng hàng xóm ngáo đá đang cầm dao khống chế vợ con nó trong nhà", "violence"),
        ("Tụi nó đang đánh hội đồng một bạn nam trước cổng trường", "violence"),
        ("Cậu bé nằm co ro dưới đất mà mấy đứa kia vẫn đá", "violence"),
        ("Bà ngoại ngã đập đầu vào thành giường, giờ mặt tái mét", "medical"),
        ("Ông cụ thở hổn hển, mạch yếu dần", "medical"),
        ("Bé nhà bên nuốt nguyên một viên pin", "medical"),
        ("Con bé ăn tôm xong thở rít từng hơi", "medical"),
        ("Chú công nhân bị máy nghiền cuốn cả cánh tay", "injured"),
        ("Trong xưởng có người ngã gục vì khói độc", "unconscious"),
        ("Cả dãy trọ ăn cỗ xong đau bụng, có người ngất rồi", "unconscious"),
        ("Chị dâu tôi có bầu 7 tháng tự nhiên chảy máu nhiều", "medical"),
        # someone lying there who does not answer, or cold to the touch (rules 2026-11-28.38)
        ("ông cụ nằm úp mặt cạnh đống rác, gọi không trả lời", "unconscious"),
        ("Có người nằm cạnh bãi xe từ chiều, người lạnh ngắt", "unconscious"),
        # a child gone towards water and not found (rules 2026-11-28.40)
        (
            "Đứa cháu bốn tuổi chạy ra phía bờ sông hơn nửa tiếng rồi, cả nhà gọi vẫn chưa thấy",
            "missing_person",
        ),
        # a tree leaning more and more, people right below it, the next sentence (2026-11-28.41)
        (
            "Cây bàng lớn đang nghiêng dần ra lòng đường, nghe tiếng răng rắc. Ngay bên dưới là"
            " dãy quán cơm đang đông người ăn trưa",
            "collapse",
        ),
        # filmed while it happens: a clip is no drill
        ("Đang quay clip thì xe buýt bốc cháy ở trạm Suối Tiên, người bên trong đập kính", "fire"),
        # scaffolding shaking, workers on it, told in the next sentence (2026-11-28.42)
        (
            "Giàn giáo công trình rung lắc, mấy thanh sắt đã bung ốc. Ở trên đang có bốn công nhân"
            " đứng tô tường",
            "collapse",
        ),
        # "khoa cấp cứu" (the emergency ward) is no first-aid course ("khóa"), also typed bare
        ("Người nhà bệnh nhân say xỉn cầm dao xông vào khoa cấp cứu chém bác sĩ", "violence"),
        # flood water rising and people climbing onto the roof (rules 2026-11-28.43)
        ("Nước lũ lên nhanh lắm, hai ông bà già nhà bên phải leo lên mái tôn ngồi chờ", "water"),
        # a household chemical swallowed by mistake
        ("Thằng nhỏ nhà tôi uống nhầm ngụm nước lau sàn, giờ ói liên tục", "unconscious"),
        # an allergic reaction told in English across two sentences
        ("My daughter is allergic to shrimp. Her face is swelling up fast", "injured"),
    ],
)
def test_danger_fires_a_critical_rule_with_and_without_diacritics(
    rules: UrgencyRules, text: str, rule: str
) -> None:
    for variant in both(text):
        verdict = rules.evaluate(variant)
        assert rule in verdict.fired, variant
        assert verdict.level == "critical"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Hố ga trên đường Linh Trung bị mất nắp, rất nguy hiểm", "open_manhole"),
        ("Đèn tín hiệu ngã tư Bình Thái bị tắt từ sáng", "traffic_light_out"),
        ("Đường Kha Vạn Cân ngập tới đầu gối, xe chết máy la liệt", "deep_flood"),
        ("Khu phố 4 mất nước ba ngày nay", "no_water_days"),
    ],
)
def test_high_rules(rules: UrgencyRules, text: str, rule: str) -> None:
    for variant in both(text):
        verdict = rules.evaluate(variant)
        assert verdict.fired == (rule,), variant
        assert verdict.level == "high"


# --- rules: negation, resolution, past, hypotheses, drills, hard negatives --------------------


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Không có ai bị thương", "negation"),
        ("Rất may không ai bị thương, chỉ hư hỏng tài sản", "negation"),
        ("Vụ cháy nhà kho đã được dập tắt", "resolved"),
        ("Dây điện đứt đã được điện lực xử lý xong", "resolved"),
        ("Dây điện đứt, điện lực sửa rồi", "resolved"),
        ("Em bé rơi xuống kênh, người dân cứu được rồi", "resolved"),
        ("Hôm qua có cháy nhà ở đường số 8", "past"),
        ("Tuần trước có vụ cháy ở khu trọ này", "past"),
        ("Năm ngoái có người bị thương ở đoạn đường này", "past"),
        ("Năm trước có cháy nhà ở đây", "past"),
        ("Cho hỏi khi nhà bị cháy thì gọi số nào?", "hypothetical"),
        ("Nếu bé đang co giật thì phải làm sao?", "hypothetical"),
        ("Cho hỏi nhà bị cháy thì gọi số nào?", "hypothetical"),
        ("Nếu nhà bị cháy thì người dân trong hẻm chạy đi đâu?", "hypothetical"),
        ("Dây điện võng thấp có nguy cơ đứt", "hypothetical"),
        ("Diễn tập PCCC ở chung cư: khói bốc ra từ trong phòng, xe cứu hỏa tới", "drill"),
        ("Giàn giáo vừa đổ sập xuống vỉa hè, rất may không ai bị thương", "unharmed"),
        ("Có người ném đá vào tàu metro, kính nứt, may mà chưa ai bị thương", "negation"),
        ("Cây đổ giữa đường nhưng chưa làm ai bị thương", "negation"),
        ("Tai nạn trên Quốc lộ 1K, người bị thương đã được đưa đi cấp cứu", "resolved"),
        ("Đọc tin vụ cháy nhà trọ làm chết người mà thương quá", "hypothetical"),
        ("Bên quận 7 có vụ sập giàn giáo, công trình mình nên kiểm tra", "hypothetical"),
        ("Sếp đọc báo cáo này chắc lên cơn đau tim, cứu tui với 😂", "drill"),
        ("Căn hộ bị cháy nhỏ do chập điện bếp, cư dân đã tự dập tắt", "resolved"),
        ("Đọc truyện trinh thám tới đoạn hung thủ cầm dao đứng sau cửa mà sợ", "hypothetical"),
        ("My son nearly drowned in a pool last year, so he must learn to swim", "past"),
        ("Vụ cháy đã được dập tắt, không còn ai mắc kẹt", "resolved"),
        ("Cho hỏi nếu thấy người bị điện giật thì làm gì, em đang ở nhà", "hypothetical"),
        ("Tối thứ bảy khu phố chiếu phim ngoài trời, phim hành động nổ súng đùng đùng", "drill"),
        (
            "Bình gas quán bên cạnh bị xì, chủ quán đã khóa van rồi, nhờ người tới kiểm tra",
            "resolved",
        ),
        # a negation sharing the match's first word: "chưa ai" + "ai bị kẹt"
        ("Triều cường tràn vào khu dân cư, nước tới yên xe, chưa ai bị kẹt", "negation"),
        # a first-aid class or practice is no emergency (rules 2026-11-28.40)
        ("Phường có dạy lớp cấp cứu ngừng tim CPR không, tôi muốn đăng ký", "drill"),
        ("Đội tình nguyện đang tập sơ cứu người bị ngất ở công viên", "drill"),
        ("Thang máy hôm qua kẹt người bên trong, đã ra được rồi, nay vẫn chạy giật", "resolved"),
    ],
)
def test_context_cancels_the_match(rules: UrgencyRules, text: str, why: str) -> None:
    for variant in both(text):
        verdict = rules.evaluate(variant)
        assert verdict.level != "critical", variant
        assert why in {h.suppressed_by for h in verdict.hits}, variant


@pytest.mark.parametrize(
    "text",
    [
        "Từ tối qua đến giờ dây điện vẫn nằm dưới đất chưa ai xử lý",  # past, but still going on
        "Tuần trước có cháy nhà ở hẻm này, hôm nay lại cháy nhà số 5",
        "Đã dập tắt đám cháy nhưng vẫn còn hai người mắc kẹt bên trong",  # another segment
        "Có nguy cơ cháy nổ cao và tài xế đang mắc kẹt trong cabin",  # the risk is far away
        "Không hiểu sao nhà bên cạnh bốc cháy dữ dội",  # not a negation of the fire
        # without diacritics "nằm ngoài đường" folds to "năm ngoái" (last year): not the past
        "Nổ lớn ở kho hàng trong hẻm, có người bị thương nằm ngoài đường",
        "Anh ấy bị xe tông, chảy nhiều máu, nằm ngoài sân chưa ai tới",
        "Có người bị tông chảy nhiều máu nằm trước cổng chợ",  # "nam truoc", not the year before
        "Ông cụ bất tỉnh nằm rồi không dậy nổi",  # "nam roi", not last year
        "Cho hỏi số cấp cứu là số nào, mẹ em đang co giật",  # a question, but it is happening
        "Thợ leo lên sửa rồi treo bất động trên trụ, bị điện giật",  # "sửa rồi": then, not fixed
        "Nước ngập tới cổ, bà cụ đang bám cột, ai tới cứu được không",  # asking, not rescued
        "Bé ăn nấm lạ tưởng là nấm rơm, giờ nói sảng, thở dốc",  # "mistook it for", not a guess
        "Anh ấy đóng cửa từ tối qua, mùi than nồng nặc, khe cửa dán băng keo kín",  # since
        # last night they grilled over charcoal, but since this morning nobody wakes up
        "Tối qua nướng than trong phòng kín, từ sáng giờ cả nhà không ai dậy, gõ cửa không thưa",
        # a story opening, then a call for help now
        "Kể mọi người nghe, có một ông bị sét đánh trúng, té gục ngoài ruộng, kêu không trả lời",
        # a laugh, then it is real: the drill cue does not cancel
        "Haha tưởng ai giỡn 😅 nhưng thằng nhỏ nhà bên thật sự kẹt đầu trong lan can lầu 3",
        "Không phải đùa đâu, haha gì, có người bị kẹt trong thang máy đang kêu cứu",
        # two were pulled out, one is still missing: the resolution does not cancel
        "Ghe chở bốn người bị lật giữa sông, ba người đã được vớt lên. Còn một bé chưa thấy đâu",
        # the machine is off ("tắt rồi", as a fire put out) but the arm is still caught
        "Anh thợ bị máy cán kẹp tay, máy tắt rồi mà không rút ra được",
        # asked as a hypothesis, but the writer is standing there
        "Cho hỏi nếu thấy người ngồi trên lan can tầng 12 nói muốn nhảy xuống thì gọi ai, "
        "em đang đứng cách chị ấy mấy bước",
    ],
)
def test_context_that_does_not_cancel(rules: UrgencyRules, text: str) -> None:
    for variant in both(text):
        assert rules.evaluate(variant).level == "critical", variant


def test_the_year_before_written_with_diacritics_is_the_past(rules: UrgencyRules) -> None:
    verdict = rules.evaluate(for_model("Năm trước nhà tôi bị cháy bếp, may hàng xóm phát hiện kịp"))
    assert verdict.level != "critical"
    assert "past" in {h.suppressed_by for h in verdict.hits}
    # typed without them, "nam truoc nha" may be "nằm trước nhà" (lying in front of the house)
    assert rules.evaluate(for_model("nam truoc nha toi bi chay bep")).level == "critical"


@pytest.mark.parametrize(
    "text",
    [
        "Kẹt xe kinh khủng ở ngã tư Thủ Đức giờ tan tầm",
        "Hồ sơ của bà tôi bị kẹt ở phường cả tháng nay",
        "Bác tài bị kẹt xe cả tiếng ở ngã tư Thủ Đức",
        "Rác trôi kênh Ba Bò hôi thối",
        "Dây điện chằng chịt như mạng nhện, mất mỹ quan",
        "Bán đất nền, bất động sản giá rẻ khu Long Phước",
        "Xe chạy lộn xộn, đèn giao thông chập chờn",
        "Đồng hồ điện nhà tôi nhảy số bất thường",
        "Nhà thuốc tư vấn cho uống kháng sinh không cần toa",
        "Chuông báo cháy chung cư kêu bậy lúc 3 giờ sáng, hóa ra lỗi hệ thống",
        "Cháy bãi rác ở Long Phước, khói mù mịt",  # a garbage fire is high, not critical
        "Khu thảo điền cáp quang đứt hoài, mưa là mất mạng cả xóm",
        "Đi dạo công viên buổi tối mà sợ quá",
        "Nước màu vàng đục, người dân không dám nấu ăn",
        "Hôm nay trời đẹp quá, chúc mọi người cuối tuần vui vẻ",
        "Hố ga đầu hẻm mỗi khi mưa nước sủi bọt, trào ngược ra đường",
        "Gọi đường dây nóng của phường hoài không ai nghe máy",
        "Con mèo nằm im re trên nóc xe cả buổi",
        "Nóng quá muốn xỉu luôn, cúp điện cả ngày",
        "Cứ tối là có mùi khét với khói từ bãi đất trống, chắc ai đốt dây điện",
        # near misses of the 2026-11-27.6 patterns
        "Bụi công trình quá trời, đi ngang thở không nổi",
        "Vé concert cháy hàng rồi, tiếc ghê",
        "Hàng rào công trình lung lay, đề nghị phường kiểm tra",
        "Nhà tôi bị nứt do công trình bên cạnh đào móng, xin phường xem xét",
        "Cho hỏi đăng ký khai sinh cho bé cần giấy tờ gì, vợ tôi sắp sinh",
        "Tuần trước bé nhà tôi bị dị ứng phấn hoa, giờ đỡ rồi",
        "Bé nhà tôi học bơi ở hồ bơi phường, có lớp một mình không ạ",
        "Mong phường làm lan can cầu cao hơn cho an toàn",
        "Rau ở chợ giá cháy túi!",
        "Cảm ơn các chú công an phường An Khánh đã tìm lại chiếc xe máy bị trộm cho cháu",
        "Phòng khám không phép tiêm cho trẻ em, nhiều người bị sốc phản vệ phải chuyển viện",
        "Mỗi khi nghe tiếng máy cắt sắt mẹ tôi lại hồi hộp, khó thở, xin phường đo tiếng ồn",
        "Em đã học qua lớp sơ cứu cơ bản ở trường, biết ép tim, muốn làm tình nguyện viên",
        "Công trình để cọc sắt chĩa ra vỉa hè, người đi bộ dễ bị đâm",
        "Hồ sơ của tôi nằm ở phường cả tháng không nhúc nhích",
        "Đề nghị kiểm tra tình trạng lao động trẻ em ở quán ăn đường Kha Vạn Cân",
        "Khu dân cư chúng tôi nằm giữa đường Lã Xuân Oai và rạch Ông Nhiêu, mưa là ngập",
        "Ba tôi liệt nửa người mấy năm nay, xin hộ cận nghèo hoài không được",
        "Phòng karaoke bên cạnh đầy khói thuốc, tầng 3 đầy khói thuốc lá",
        "Con trai tôi 16 tuổi bỏ nhà đi, chưa về",  # a runaway teenager: the model decides
        "Cháy hàng rồi 🔥🔥 ai cần inbox",
        "Công ty để thùng hóa chất rò rỉ ra mương, cá chết nổi trắng kênh",  # high, not critical
        "Bầy chó thả rông cắn người, con tôi bị cắn phải đi chích ngừa",
        "Góp ý cho app: nên có nút để người dân mở lại phản ánh cũ",
        "Lẩu ở quán đầu hẻm cay bốc hỏa luôn, ai ăn thử chưa",
        "Mưa là nước cống hút rác xuống ào ào, xin phường nạo vét",
        "Vừa bị giật điện thoại ở đầu hẻm, tụi nó chạy mất rồi",
        "Đứng vẫy xe buýt muốn gãy tay mà tài xế không dừng",
        "Quán ốc mới mở cay chết người, ai ăn chưa",
        "Kẹt xe trên cầu Sài Gòn cả tiếng, mấy người kẹt trên cầu bấm còi inh ỏi",
        "Báo vừa đưa tin cháy nhà ở quận khác làm 2 người bị thương, bà con nhớ kiểm tra ổ điện",
        "Bánh tráng trộn cay xé họng, ăn xong muốn gọi 115 luôn",
        "Trong game tối qua team mình bị bắn chết sạch",
        "Em đã học lớp sơ cứu, biết ép tim, muốn làm tình nguyện viên",
        "Nghe tin đó mà như sét đánh ngang tai",
        "Ô tô đậu kín hẻm, sáng nay tôi kẹt trong nhà nửa tiếng mới dắt xe ra được",
        "Tụi nhỏ chơi game bắn súng tới sáng, ồn quá",
        "Hồ sơ của tôi bị kẹt trong xe của bưu điện cả tuần",
        "Hahaha con mèo nhà tui kẹt trên nóc tủ la như bị giết",
        "Dây điện treo lủng lẳng trước cửa nhà, nhờ điện lực xử lý",  # a hazard, no one hanging
        "Nhiều người già bán vé số ngủ tạm dưới mái hiên cây xăng",  # "tam duoi" is not drowning
        "Nhà ở Hiệp Phú có ông bị ho khò khè mấy tuần nay",  # "phu co" is not a swollen neck
        "Máy giặt chung của dãy trọ kẹt tay nắm, nhờ chủ trọ sửa",
        "Hôm qua đi biển bị say nắng nhẹ, giờ khỏe rồi",
        "Karaoke hẻm 7 hát như giết người tới 1 giờ sáng",
        "Nóng cháy da, đi bộ muốn bốc hỏa mà cây xanh bị chặt hết",
        "Máy giặt nhà tôi vắt kêu như sắp nổ tung, ai biết chỗ sửa",
        "Quán bún bò mới mở cay bốc lửa, ai chịu cay thì thử",
        "Quán nướng hun khói vào nhà ngột ngạt như cháy nhà",
        "Canh mặn quá tưởng phải gọi cấp cứu, may có ly trà đá cứu mạng",
        "Tôi là cựu chiến binh, xin cảm ơn các đồng chí cán bộ phường",
        "Số 113, 114, 115 cái nào là cứu hỏa vậy?",
        "A dead snake is lying on the road near the market",
        "Mái nhà bị cháy đen từ lâu, xin hỗ trợ sửa",
        "Xe buýt đang chạy còn hai người đứng ở cửa",
        "Cảm ơn công an phường đã tìm lại chiếc xe máy bị mất tháng trước",  # "mat thang"
        "Nhóm đòi nợ dọa giết cả nhà tôi nếu mai không trả tiền",  # a threat, not an attack now
        "Tụi em chơi bắn súng sơn, bắn nhau bầm tím cả tay mà vui",
        "Bé sốt 3 ngày, giờ hết sốt mà lừ đừ, chảy máu chân răng",
        "Hồi xưa hồi con nhỏ nhà tôi bị ngập lụt, nước lên tới nóc",
        "Ai lạc mất con chó poodle màu nâu không, nó đang ở nhà em",
        "Sáng nay có đám cháy nhỏ ở đống rác, người dân đã tự dập",
        "Phường nên gắn bình chữa cháy mini, vụ cháy chung cư mini ở Hà Nội làm tôi lo",
        "Does anyone else smell rotten eggs by the canal, is it a gas leak or sewage?",
        "Đội bóng phường bị loại từ vòng bảng, cả đội chết đứng trên sân",  # "tu vong bang"
        "Cảm ơn mấy anh PCCC hôm bữa cứu con mèo kẹt trên mái tôn nhà em",
        "Phường mình có lớp dạy sơ cứu đuối nước cho con nít hè này không",
        "Hôm trước nhóm trẻ diễn kịch bé làm lính cứu hỏa, tụi nhỏ hô cháy cháy cứu với",
        "Hội chợ có bán đồ hóa trang zombie máu me cho Halloween",
        "Xe độ pô nổ rầm rầm cả tối, dân không ngủ được",
        "Sếp giao deadline chết người, làm tới 2 giờ sáng chưa xong",
        "Video bé mèo rớt xuống hồ bơi rồi tự bơi vô bờ, ai quay vậy",
        "Con mình vừa đạt giải nhì cuộc thi vẽ tranh phòng chống đuối nước",
        "Xem phim kinh dị có cảnh con ma bóp cổ, sợ muốn tắt thở",
        "Xóm mình có vụ nổ nhưng là nổ lốp xe buýt thôi, mà xe đậu chắn hẻm",
        "Chuột cắn đứt dây điện xe máy mấy nhà rồi, mong ban quản lý diệt chuột",
        "Kể mọi người nghe chuyện vui, tối qua nghe la cứu với cháy rồi, hóa ra chiên cá khét chảo",
        "Hàng rào hồ bơi rách một lỗ, con nít lọt vô chơi không ai trông",
        "Tối qua nghe tiếng nổ lớn tưởng gì, hóa ra nổ lốp xe tải, sáng ra cao su văng đầy đường",
        "Trời ơi giết người thật sự, công trình bên cạnh đóng cọc từ 6 giờ sáng",
        "Hà Nội lại có vụ cháy chung cư mini, nhà mình có nên mua mặt nạ chống khói không",
        "Phim ma mới chiếu sợ quá, đứa bạn ngồi kế xỉu luôn",
        "Tuần sau có đoàn kiểm tra PCCC nhà trọ hả mọi người, có cần chuẩn bị gì không",
        "Bom tấn Marvel tuần này nổ tung phòng vé, rạp chật kín",
        "Tháng trước ba tôi bị đột quỵ lúc đang tưới cây, giờ ông đã tập đi lại được rồi",
        "Tụi nhỏ xóm em chơi trốn tìm giả bộ bắt cóc nhau la oai oái, không có gì đâu",
        "Phim về vụ cháy chung cư đó coi khóc muốn xỉu",
        "Nghe tin lũ quét ở Lào Cai cuốn trôi cả bản làng mà thương quá",
        "Thằng con chơi game bắn súng tới 2 giờ sáng, la lên bị bắn chết rồi cứu tao với",
        "Cuối tuần có giải chạy bộ, chạy 5km xong chắc tắt thở luôn",
        "Chủ nhật này có ngày hội hiến máu, ai đủ sức khỏe thì tham gia cứu người nha",
        "Lẩu cá kèo ở quán gần chợ ngon cháy nhà",
        "Đang quay phim hành động, có cảnh người nhảy lầu là diễn viên đóng thế",
        "Ha ha, ông hàng xóm la làng cứu tôi với, hóa ra con gà tre bị mèo rượt",
        "Tối qua tôi mơ thấy nhà bị ngập tới nóc, sáng dậy hú hồn",
        "Hôm qua ba tôi bị xe máy tông gãy chân, đang nằm viện, đã qua cơn nguy hiểm",
        "Mẹ tôi nằm viện mấy hôm nay, gọi không trả lời chắc đang ngủ",
        "Bà con nhớ khóa van bình gas trước khi về quê, năm nào cũng có vụ cháy do quên",
        "A dead snake is lying on the road near the market, not moving",
        "Con chó lạ sùi bọt mép hôm qua cắn hai người, hai người đã đi chích ngừa",
        "Someone broke into my car, nobody was hurt, but I need a police report for the embassy",
        "Ai đó quăng xác chuột chết ngay trước cổng nhà, bốc mùi kinh khủng",
        "Chuyện này hơi vui nên kể mọi người nghe, ông hàng xóm bị chuột rút la cứu với",
        "Con trăn to bò ra từ bụi ven rạch, chui vào gầm nhà dân, nhà có con nhỏ",
        "Chủ xưởng gỗ ở Tân Phú cũ nợ tiền công 6 thợ suốt 3 tháng",
        "Nhà em mới bị cháy hồi sáng, cứu hỏa dập xong rồi, không ai bị thương",
        "Con chó bị dại cắn chết 3 con gà, giờ nó đang nằm dưới gầm xe, sùi bọt mép",
        "Nghe nói lũ miền Trung năm nay cuốn trôi cả cầu, khu phố có quyên góp không",
        "Con mèo leo lên cây xoài kêu từ sáng, có nên gọi cứu hỏa không",
        "Con gái tui hôm nay đóng vai nạn nhân trong buổi tập sơ cứu, nằm bất tỉnh y như thật",
        "Cho con hỏi 114 là gọi cứu hỏa còn 115 là cấp cứu đúng không, con đang làm bài tập",
        "Ngồi câu cá từ sáng không dính con nào, chắc cá ở đây chết đuối hết rồi",
        "Sét đánh trúng cây dừa đầu hẻm, cháy xém ngọn rồi tắt luôn, không ai bị gì",
        "Thang máy hư từ hôm qua, bà nội chạy thận phải đi lọc máu mà không xuống được",
        "Mọi người nhớ học dấu hiệu đột quỵ để sơ cứu kịp nha",
        "Hồi mấy năm trước đường Kha Vạn Cân ngập tới ngực, giờ làm cống rồi",
        "Đường kẻ vạch đã mờ, xin sơn lại dao động nhiều chỗ",
        # figures of speech: spicy food, a failed exam
        "Quán ốc cay muốn cháy miệng, ăn xong bốc lửa cả đêm",
        "Bánh tráng trộn cay xé lưỡi 🔥 ăn xong muốn gọi cứu hỏa luôn",
        "Con rớt nguyện vọng 1, cả nhà như bị sập trời",
        "Món lẩu cá kèo cay xé lưỡi, ăn xong muốn bốc cháy luôn",
        "Thi thử toán hôm nay khó chết người, cả lớp gục ngã hết",
        "Khẩn cấp!!! Quán trà sữa hết trân châu, cả phòng đang nguy kịch. Đùa thôi",
        "Mấy hôm nay báo đăng liên tiếp các vụ học sinh đuối nước, đề nghị trường dạy bơi",
        # heat, smells, bills, sport, films and exaggerations
        "Đứng chờ xe buýt giữa trưa mà muốn bốc cháy luôn",
        "Rác không ai thu, cả hẻm bốc mùi chết người",
        "Cống bốc mùi, kinh khủng, chết ngạt mất",
        "Nhìn hóa đơn tiền điện mà muốn đột quỵ",
        "Nồi lẩu bốc khói nghi ngút, cả bàn ăn xong cháy họng",
        "Ghi bàn phút chót, cả khán đài nổ tung",
        "Xem phim hành động, cảnh nổ tung cây cầu y như thật",
        "Chạy bộ xong về kêu gãy chân tới nơi, thật ra chỉ mỏi",
        "Quán nhậu hát karaoke tới khuya như muốn giết người ta",  # a simile
        # similes, a staged scene, fiction, songs, a cat stuck, a water main spraying, the
        # nineties (rules 2026-11-28.42)
        "Thanh niên rú ga, nẹt pô nghe như nổ súng, không ai ngủ được",
        "Con chó nhà đối diện sủa cả đêm, tôi sắp lên cơn đau tim tới nơi",
        "Tiểu thuyết tôi đang viết có cảnh một cô gái bị bắt cóc ở bến phà",
        "Tôi đang tìm bài hát có câu lửa cháy ngút trời trên sông Sài Gòn",
        "Cảm ơn đội cứu nạn đã đưa chú mèo mắc kẹt trên cây xuống",
        "Ống nước bể, nước phun thành cột cao ngang mái nhà",
        "Ông hay kể về một vụ cháy lớn ở chợ cũ hồi những năm chín mươi",
        # a cat on the roof in the rain, a flood remembered (rules 2026-11-28.43)
        "Nước dâng cao, con mèo leo lên mái tôn kêu suốt",
        "Năm ngoái lũ lớn cả xóm phải trèo lên nóc nhà",
    ],
)
def test_hard_negatives_are_not_critical(rules: UrgencyRules, text: str) -> None:
    for variant in both(text):
        assert rules.evaluate(variant).level != "critical", variant


def test_no_rule_no_level(rules: UrgencyRules) -> None:
    verdict = rules.evaluate(for_model("Cảm ơn phường đã thay bóng đèn"))
    assert verdict.level is None
    assert verdict.fired == ()


def test_rules_are_fast(rules: UrgencyRules) -> None:
    """A sanity floor against a pathological pattern (eval/urgency_eval.py measures speed)."""
    texts = [for_model(e.text) for e in load_examples(DATA)]
    t0 = time.process_time()
    for t in texts:
        rules.evaluate(t)
    assert len(texts) / (time.process_time() - t0) > 500


# --- rules file errors -------------------------------------------------------------------------


def _rules_doc() -> dict:
    doc: dict = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    return doc


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["rules"][0].update(level="urgent"),
        lambda d: d["rules"][0].update(contexts=["sarcasm"]),
        lambda d: d["rules"][0].update(patterns=["(unclosed"]),
        lambda d: d.pop("contexts"),
    ],
)
def test_a_broken_rules_file_is_refused(tmp_path: Path, damage) -> None:
    doc = _rules_doc()
    damage(doc)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="unreadable") as err:
        UrgencyRules.load(path)
    assert err.value.code == "urgency.rules_invalid"


# --- the classifier ----------------------------------------------------------------------------


def test_rank_orders_levels() -> None:
    assert [rank(x) for x in LEVELS] == sorted((rank(x) for x in LEVELS), reverse=True)


@pytest.mark.parametrize(
    "text",
    [
        "Cháy nhà ở hẻm 82 Võ Văn Ngân, có người mắc kẹt bên trong",
        "Dây điện đứt rơi xuống vũng nước trước cổng trường, học sinh sắp tan học",
        "Có người bị xe tông nằm bất động giữa đường Đỗ Xuân Hợp, gọi cấp cứu gấp",
        "Bé 2 tuổi mất tích ở Vincom Thủ Đức",
    ],
)
def test_danger_is_critical_whatever_the_model_says(clf: UrgencyClassifier, text: str) -> None:
    for variant in both(text):
        u = clf.assess(variant)
        assert u.level == "critical"
        assert u.rules
        assert u.model_level in LEVELS
        assert 0.0 < u.score <= 1.0


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("Cảm ơn phường đã dọn rác đầu hẻm nhanh chóng", {"low"}),
        ("Cho hỏi thủ tục cấp giấy phép xây dựng cần những giấy tờ gì?", {"low"}),
        ("Rác chất đống đầu hẻm ba ngày không ai thu gom", {"normal", "high"}),
        ("Đường Võ Văn Ngân ngập sâu, xe chết máy hàng loạt", {"high"}),
        # "đang" (is …-ing) alone is no danger; nor is a post about nothing in the city
        ("Tôi đang ở nhà", {"low", "normal"}),
        ("em đang ăn cơm", {"low", "normal"}),
        ("Ông đấy đang ở Hà Nội ý =))", {"low", "normal"}),
        ("Em đang chờ kết quả hồ sơ cấp sổ hồng", {"low", "normal"}),
    ],
)
def test_the_model_decides_the_rest(clf: UrgencyClassifier, text: str, levels: set[str]) -> None:
    for variant in both(text):
        u = clf.assess(variant)
        assert u.level in levels, (variant, u)
        assert u.level != "critical"


def test_final_level_is_never_below_the_rules_or_the_trusted_model(
    clf: UrgencyClassifier,
) -> None:
    for e in load_examples(DATA)[::7]:
        mt = for_model(e.text)
        u = clf.assess(mt)
        verdict = clf.rules.evaluate(mt)
        assert rank(u.level) >= rank(verdict.level or "low")
        assert u.rules == verdict.fired
        if u.model_level != "critical":
            assert rank(u.level) >= rank(u.model_level or "low")


def test_precomputed_features_give_the_same_answer(clf: UrgencyClassifier) -> None:
    mt = for_model("Đường Kha Vạn Cân ngập tới đầu gối, xe chết máy")
    assert clf.assess(mt, features.analyze(mt)) == clf.assess(mt)


def _fixed_model(tmp_path: Path, critical_logit: float) -> Path:
    """A hand-built model that says the same thing of every text."""
    model = LinearTextModel(
        classes=LEVELS,
        names=("s:x",),
        idf=np.ones(1),
        coef=np.zeros((4, 1)),
        intercept=np.array([critical_logit, 0.0, 0.0, 0.0]),
        temperature=1.0,
        version="fixed",
        meta={},
    )
    model.save(tmp_path, "urgency", {"analyzer": features.ANALYZER})
    return tmp_path


@pytest.mark.parametrize(
    ("critical_logit", "text", "level", "rules"),
    [
        (5.0, "Cảm ơn phường đã dọn rác", "critical", ()),  # a sure model is trusted
        (0.1, "Cảm ơn phường đã dọn rác", "high", ()),  # p(critical) 0.27: not sure enough
        (5.0, "Vụ cháy nhà kho đã được dập tắt", "high", ()),  # the rules saw it is over
        (5.0, "Không có ai bị thương", "high", ()),
        # nobody hurt, though no critical rule matched: the model alone does not decide
        (5.0, "Lề đường sạt xuống mương, tài xế đã ra ngoài an toàn", "high", ()),
        (-5.0, "Cháy nhà ở hẻm 5, có người mắc kẹt", "critical", ("fire", "trapped")),
        (-5.0, "Hố ga mất nắp giữa đường", "high", ("open_manhole",)),  # max of rule and model
    ],
)
def test_how_rules_and_model_combine(
    tmp_path: Path, critical_logit: float, text: str, level: str, rules: tuple[str, ...]
) -> None:
    c = UrgencyClassifier(_fixed_model(tmp_path, critical_logit))
    c.warm_up()
    for variant in both(text):
        u = c.assess(variant)
        assert (u.level, u.rules) == (level, rules), variant
        assert u.model_level == ("critical" if critical_logit > 0 else "high")
        assert 0.0 < u.score <= 1.0


def test_rules_only_on_purpose() -> None:
    c = UrgencyClassifier(None)
    c.warm_up()
    fire = c.assess(for_model("Cháy nhà ở hẻm 5, gọi 114 gấp"))
    assert (fire.level, fire.model_level) == ("critical", None)
    assert "fire" in fire.rules
    assert c.assess(for_model("Cảm ơn phường")).level == "normal"  # rules cannot say low


# --- missing and corrupt model files -----------------------------------------------------------


def test_missing_model_names_the_rebuild_command(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="langnghe train urgency"):
        UrgencyClassifier(tmp_path).warm_up()


def test_assess_without_a_model_file_falls_back_to_the_rules(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    c = UrgencyClassifier(tmp_path)
    with caplog.at_level(logging.WARNING, logger="nlp.urgency"):
        u = c.assess(for_model("Dây điện đứt rơi xuống đường, còn đang xẹt lửa"))
        c.assess(for_model("Cảm ơn phường"))
    assert (u.level, u.model_level) == ("critical", None)
    assert [r.message for r in caplog.records if "urgency.model_unavailable" in r.message]
    assert len(caplog.records) == 1  # logged once, not per text


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_model_names_the_rebuild_command(tmp_path: Path, damage: str) -> None:
    target = tmp_path / "urgency"
    shutil.copytree(MODEL, target)
    npz = target / "urgency.npz"
    data = npz.read_bytes()
    middle = len(data) // 2
    flipped = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
    npz.write_bytes(data[:middle] if damage == "truncate" else flipped)
    with pytest.raises(ModelUnavailable, match=r"corrupt.*langnghe train urgency"):
        UrgencyClassifier(target).warm_up()


def test_a_model_of_other_classes_is_refused(tmp_path: Path) -> None:
    shutil.copytree(PROJECT_DIR / "models" / "router", tmp_path / "r")
    for suffix in ("npz", "json"):
        (tmp_path / "r" / f"router.{suffix}").rename(tmp_path / "r" / f"urgency.{suffix}")
    with pytest.raises(ModelUnavailable, match="langnghe train urgency") as err:
        load_urgency_model(tmp_path / "r")
    assert err.value.code == "urgency.corrupt"


# --- the labelled set --------------------------------------------------------------------------


def test_labelled_set_has_enough_of_every_level_and_style() -> None:
    examples = load_examples(DATA)
    for level in LEVELS:
        mine = [e for e in examples if e.label == level]
        assert len(mine) >= 120, level
        assert {"no_diacritics", "teencode", "facebook", "formal"} <= {e.style for e in mine}
    held = [e for e in examples if is_held_out(e.text)]
    assert 0.15 < len(held) / len(examples) < 0.25
    assert len({e.text for e in examples}) == len(examples)
