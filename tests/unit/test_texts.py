"""Generated demo texts: variety, lengths, character set, determinism, channel framing, errors."""

from __future__ import annotations

import random
import re

import pytest

from command_center.demo import texts
from command_center.demo.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()
LEAVES = [leaf.code for leaf in TAXONOMY.leaves]
CHANNELS = [c.code for c in TAXONOMY.channels]
DISPUTES = [d.code for d in TAXONOMY.dispute_types]
VILLAGES = [("新天镇", "新天堡村"), ("城区社区管理委员会", "富民社区"), ("六坝镇", "张家沟湾村")]

#: A phrase every framing of the channel contains.
CHANNEL_MARKERS = {
    "grid_worker": "网格员",
    "hotline_12345": "来电",
    "qr_code": "扫码",
    "petition": "信访",
    "mayor_mailbox": "书记信箱",
    "online": "网络问政",
    "patrol": "巡查",
    "video": "视频巡查",
    "social": "随手拍",
}

_CJK = "\u4e00-\u9fff"
_PUNCT = "，。、；：“”‘’（）！？《》…—·"
# CJK, ASCII letters and digits, Chinese punctuation; a decimal point only inside a number.
ALLOWED = re.compile(rf"^(?:[{_CJK}A-Za-z0-9{_PUNCT}]|(?<=\d)\.(?=\d))+$")
NAME = re.compile(rf"^[{_CJK}]{{2,4}}$")
PHONE = re.compile(r"^1[3-9]\d{9}$")


def _description(rng: random.Random, leaf: str, channel: str, k: int = 0) -> str:
    town, village = VILLAGES[k % len(VILLAGES)]
    mark = texts.landmark(rng, village) if k % 3 else None
    return texts.incident_description(
        rng, leaf, town=town, village=village, landmark=mark, channel=channel
    )


def test_taxonomy_channels_are_all_framed() -> None:
    assert set(CHANNELS) == set(CHANNEL_MARKERS)
    assert len(LEAVES) == 106


@pytest.mark.parametrize("leaf", LEAVES)
def test_descriptions_per_leaf(leaf: str) -> None:
    rng = random.Random(f"desc-{leaf}")
    town, village = "南丰乡", "马蹄村"
    seen = []
    for i in range(200):
        mark = texts.landmark(rng, village) if i % 2 else None
        channel = CHANNELS[i % len(CHANNELS)]
        text = texts.incident_description(
            rng, leaf, town=town, village=village, landmark=mark, channel=channel
        )
        assert texts.MIN_DESCRIPTION <= len(text) <= texts.MAX_DESCRIPTION, text
        assert ALLOWED.match(text), text
        assert village in text, text
        if mark is not None:
            assert mark in text, text
        assert CHANNEL_MARKERS[channel] in text, (channel, text)
        seen.append(text)
    assert len(set(seen)) >= 0.9 * len(seen)


@pytest.mark.parametrize("leaf", LEAVES)
def test_descriptions_vary_within_one_channel(leaf: str) -> None:
    rng = random.Random(leaf)
    seen = [
        texts.incident_description(
            rng, leaf, town="三堡镇", village="何庄村", landmark="文化广场", channel="grid_worker"
        )
        for _ in range(200)
    ]
    assert len(set(seen)) >= 0.9 * len(seen)


@pytest.mark.parametrize("leaf", LEAVES)
def test_titles(leaf: str) -> None:
    rng = random.Random(f"title-{leaf}")
    titles = {texts.incident_title(rng, leaf) for _ in range(100)}
    assert len(titles) >= 2
    for title in titles:
        assert 2 <= len(title) <= texts.MAX_TITLE, title
        assert ALLOWED.match(title), title


def test_town_sometimes_mentioned() -> None:
    rng = random.Random(3)
    with_town = sum(
        "洪水镇" in texts.incident_description(
            rng, "030101", town="洪水镇", village="北街社区", landmark=None, channel="qr_code"
        )
        for _ in range(300)
    )
    assert 30 < with_town < 270


def test_descriptions_differ_by_channel() -> None:
    for leaf in LEAVES[::5]:
        by_channel = {}
        for channel in CHANNELS:
            rng = random.Random(42)
            by_channel[channel] = _description(rng, leaf, channel)
        assert len(set(by_channel.values())) == len(CHANNELS)
        for channel, text in by_channel.items():
            others = [m for c, m in CHANNEL_MARKERS.items() if c != channel and m not in "巡查"]
            assert CHANNEL_MARKERS[channel] in text
            assert not any(
                text.startswith(m) for m in others if channel not in ("video", "patrol")
            ), text


def test_deterministic() -> None:
    def run(seed: int) -> list[str]:
        rng = random.Random(seed)
        out = []
        for k, leaf in enumerate(LEAVES):
            out.append(texts.incident_title(rng, leaf))
            out.append(_description(rng, leaf, CHANNELS[k % len(CHANNELS)], k))
            out.append(texts.progress_note(rng, leaf, texts.PROGRESS_STEPS[k % 8]))
        out += [texts.person_name(rng), texts.phone(rng), texts.checkin_note(rng)]
        for code in DISPUTES:
            out.append(texts.dispute_summary(rng, code, village="顺化村"))
            out.append(texts.mediation_note(rng, code, "agreement"))
            out.append(texts.agreement_text(rng, code))
        return out

    assert run(7) == run(7)
    first, other = run(7), run(8)
    assert first != other
    assert sum(a != b for a, b in zip(first, other, strict=True)) > 0.8 * len(first)


def test_landmarks() -> None:
    rng = random.Random(5)
    for village in ("新天堡村", "富民社区", "王官村"):
        marks = {texts.landmark(rng, village) for _ in range(300)}
        assert len(marks) > 20
        for mark in marks:
            assert 2 <= len(mark) <= 16, mark
            assert ALLOWED.match(mark), mark
    rural = {texts.landmark(rng, "王官村") for _ in range(500)}
    assert any("王官" in m for m in rural)  # the village's own school
    assert not any(m.startswith(("幸福小区", "锦绣花园", "步行街")) for m in rural)


def test_person_names() -> None:
    rng = random.Random(11)
    surnames = set(texts.SURNAMES) | set(texts.COMPOUND_SURNAMES)
    names = [texts.person_name(rng) for _ in range(20000)]
    for name in names:
        assert NAME.match(name), name
        assert name[:1] in surnames or name[:2] in surnames, name
    assert len(set(names)) > 5000
    lengths = {n: sum(len(x) == n for x in names) for n in (2, 3)}
    assert lengths[3] > lengths[2] > 0.15 * len(names)
    top = sum(n[0] in "王李张刘陈" for n in names) / len(names)
    assert 0.2 < top < 0.45
    for gansu in "魏宋韩冯薛苏闫祁鲁":
        assert any(n[0] == gansu for n in names), gansu
    assert 0 < sum(n[:2] in texts.COMPOUND_SURNAMES for n in names) < 0.01 * len(names)


def test_phones() -> None:
    rng = random.Random(13)
    phones = [texts.phone(rng) for _ in range(5000)]
    assert all(PHONE.match(p) for p in phones)
    assert len(set(phones)) == len(phones)
    assert len({p[:3] for p in phones}) > 20


@pytest.mark.parametrize("step", texts.PROGRESS_STEPS)
def test_progress_notes(step: str) -> None:
    rng = random.Random(step)
    for leaf in LEAVES:
        notes = {texts.progress_note(rng, leaf, step) for _ in range(12)}
        assert len(notes) >= 2, (leaf, step)
        for note in notes:
            assert 4 <= len(note) <= 80, note
            assert ALLOWED.match(note), note


def test_progress_notes_fit_the_category() -> None:
    rng = random.Random(17)
    wages = [texts.progress_note(rng, "010301", "resolve") for _ in range(50)]
    assert sum("工资" in n or "欠薪" in n for n in wages) > 25
    noise = [texts.progress_note(rng, "030203", "resolve") for _ in range(50)]
    assert sum("噪音" in n or "安静" in n or "营业时间" in n or "室外" in n for n in noise) > 25
    dispatch = texts.progress_note(rng, "030203", "dispatch")
    assert "局" in dispatch or "请" in dispatch or "派" in dispatch


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_satisfaction_comments(rating: int) -> None:
    rng = random.Random(rating)
    comments = {texts.satisfaction_comment(rng, rating) for _ in range(50)}
    assert len(comments) >= 3
    assert all(ALLOWED.match(c) for c in comments)
    if rating == 5:
        assert any("满意" in c for c in comments)
    if rating == 1:
        assert all("不" in c for c in comments)


@pytest.mark.parametrize("code", DISPUTES)
def test_dispute_texts(code: str) -> None:
    rng = random.Random(code)
    summaries = {texts.dispute_summary(rng, code, village="东朱村") for _ in range(40)}
    assert len(summaries) >= 10
    for s in summaries:
        assert "东朱村" in s and 15 <= len(s) <= 120 and ALLOWED.match(s), s
    for outcome in texts.OUTCOMES:
        notes = {texts.mediation_note(rng, code, outcome) for _ in range(30)}
        assert len(notes) >= 3
        assert all(8 <= len(n) <= 100 and ALLOWED.match(n) for n in notes), notes
    for _ in range(30):
        text = texts.agreement_text(rng, code)
        assert text.startswith("一、") and text.endswith("。"), text
        assert ALLOWED.match(text), text
        assert len(text) <= 200


def test_checkin_notes() -> None:
    rng = random.Random(19)
    notes = [texts.checkin_note(rng) for _ in range(2000)]
    assert len(set(notes)) > 300
    assert "网格内一切正常" in notes
    assert all(2 <= len(n) <= 80 and ALLOWED.match(n) for n in notes)


def test_unknown_codes_raise() -> None:
    rng = random.Random(0)
    for bad in ("999999", "0101", "01", "", "x"):
        with pytest.raises(KeyError, match="unknown incident category"):
            texts.incident_title(rng, bad)
        with pytest.raises(KeyError, match="unknown incident category"):
            texts.incident_description(
                rng, bad, town="洪水镇", village="北街社区", landmark=None, channel="qr_code"
            )
        with pytest.raises(KeyError):
            texts.progress_note(rng, bad, "accept")
    with pytest.raises(ValueError, match="unknown channel"):
        texts.incident_description(
            rng, "030101", town="洪水镇", village="北街社区", landmark=None, channel="fax"
        )
    with pytest.raises(ValueError, match="unknown progress step"):
        texts.progress_note(rng, "030101", "escalate")
    with pytest.raises(ValueError, match="rating"):
        texts.satisfaction_comment(rng, 6)
    for fn in (
        lambda: texts.dispute_summary(rng, "divorce", village="东朱村"),
        lambda: texts.mediation_note(rng, "divorce", "agreement"),
        lambda: texts.agreement_text(rng, "divorce"),
    ):
        with pytest.raises(KeyError, match="unknown dispute type"):
            fn()
    with pytest.raises(ValueError, match="unknown mediation outcome"):
        texts.mediation_note(rng, "neighbour", "won")


def test_fallback_bank_for_a_leaf_without_phrases(monkeypatch: pytest.MonkeyPatch) -> None:
    leaf = TAXONOMY.leaf("090302")
    monkeypatch.delitem(texts._LEAVES, leaf.code)
    bank = texts._LeafBank(leaf, "县自然资源局")
    monkeypatch.setitem(texts._BANKS, leaf.code, bank)
    rng = random.Random(1)
    seen = set()
    for _ in range(200):
        assert leaf.name_zh in texts.incident_title(rng, leaf.code)
        text = texts.incident_description(
            rng, leaf.code, town="丰乐镇", village="刘信村", landmark=None, channel="online"
        )
        assert leaf.name_zh in text and "刘信村" in text
        assert texts.MIN_DESCRIPTION <= len(text) <= texts.MAX_DESCRIPTION
        seen.add(text)
    assert len(seen) >= 180


def test_every_leaf_and_channel_gets_a_title_and_a_description() -> None:
    # How fast this runs is measured by bench/demo_texts.py, not asserted here.
    rng = random.Random(99)
    jobs = [(leaf, channel) for leaf in LEAVES for channel in CHANNELS]
    for leaf, channel in jobs:
        assert texts.incident_title(rng, leaf)
        text = texts.incident_description(
            rng, leaf, town="民联乡", village="友爱村", landmark="村委会门口", channel=channel
        )
        assert texts.MIN_DESCRIPTION <= len(text) <= texts.MAX_DESCRIPTION


def test_spoken_descriptions_mix_in_another_first_level_matter() -> None:
    """The demo's callers: colloquial, misspelt, cut short or mixed with a matter of another
    first-level category; never the phrase bank read back every time."""
    rng = random.Random(16)
    made = [
        texts.spoken(
            rng,
            texts.incident_description(
                rng,
                "010101",
                town="城关镇",
                village="东关村",
                landmark=None,
                channel="hotline_12345",
            ),
            "010101",
            town="城关镇",
            village="东关村",
            channel="hotline_12345",
        )
        for _ in range(200)
    ]
    assert len(set(made)) > 150
    assert sum(1 for t in made if "另外，" in t or "还有，" in t) > 20  # another matter
    assert sum(1 for t in made if t.startswith(("喂", "那个", "你好我", "麻烦", "我是"))) > 80
