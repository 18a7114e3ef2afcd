"""The text classifier and the data team's command line: cleaning, messy files, the last line.

No database. tests/fixtures/classify: the same 24 labelled complaints in UTF-8, UTF-8 with BOM,
GB18030 and UTF-16; messy.csv/.xlsx add leading tabs and newlines, U+3000, HTML entities, a
4,000-character text, empty texts, a duplicated id and an id with conflicting labels, and Excel
serial dates in another column; a truncated XLSX and a binary file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from command_center import cli
from command_center.interop.labelled import read_labelled
from command_center.services import classifier

FIX = Path(__file__).parent / "fixtures" / "classify"
TEXT = ["标题", "诉求内容"]


def test_clean_text_folds_what_exports_leave_behind() -> None:
    assert classifier.clean_text("\t\n  路灯\u3000坏了\r\n") == "路灯 坏了"
    assert classifier.clean_text("漏水&lt;b&gt;严重&lt;/b&gt;&amp;nbsp;") == "漏水 严重"
    assert classifier.clean_text("ＡＢＣ１２３号楼") == "ABC123号楼"
    assert classifier.clean_text(None) == ""
    assert classifier.clean_text(float("nan")) == ""
    assert len(classifier.clean_text("漏" * 9000)) == classifier.MAX_CHARS


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("clean_utf8.csv", "utf-8"),
        ("bom.csv", "utf-8-sig"),
        ("gbk.csv", "gb18030"),
        ("utf16.csv", "utf-16"),
        ("messy.xlsx", "xlsx"),
    ],
)
def test_encodings_are_detected_and_reported(name: str, encoding: str) -> None:
    data = read_labelled(FIX / name, TEXT, "分类")
    assert data.encoding == encoding
    assert "社保断缴了怎么补交" in "\n".join(data.texts)
    assert set(data.labels) == {"城乡建设", "劳动和社会保障", "教育文体"}


@pytest.mark.parametrize("name", ["messy.csv", "messy.xlsx"])
def test_messy_export_empty_duplicates_and_conflicts(name: str) -> None:
    data = read_labelled(FIX / name, TEXT, "分类")
    assert data.rows == 29
    assert data.empty_text == 2  # skipped and counted
    assert data.duplicates == 2  # GD0005 three times with one label: kept once
    assert data.conflicts == 2 and data.conflicting_ids == ["GD0009"]  # both rows left out
    assert len(data.texts) == 23
    # the Excel serial dates in 受理日期 are another column: they neither stop nor enter
    assert not any("45001" in t for t in data.texts)
    long = next(t for t in data.texts if "情况一直没有改善" in t)
    assert len(long) > 3000 and len(classifier.clean_text(long)) == classifier.MAX_CHARS
    assert any("\n\t\n小区楼道灯" in t for t in data.texts)  # as read; the model cleans it
    assert "路面塌陷" in classifier.clean_text(data.texts[1]).replace(" ", "")


def test_several_text_columns_are_joined() -> None:
    data = read_labelled(FIX / "clean_utf8.csv", TEXT, "分类")
    assert data.texts[0] == "小区楼道灯坏\n小区楼道灯坏了好久没人修"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("broken.xlsx", "XLSX"),
        ("binary.csv", "编码"),
        ("missing.csv", "无法读取"),
    ],
)
def test_unreadable_file_is_a_bilingual_error_with_status_2(
    name: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            "classify",
            "evaluate",
            "--csv",
            str(FIX / name),
            "--text-column",
            "诉求内容",
            "--label-column",
            "分类",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert words in err and " / " in err and re.search(r"[A-Za-z]{4}", err)


def test_unknown_column_names_the_headers(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        [
            "classify",
            "evaluate",
            "--csv",
            str(FIX / "clean_utf8.csv"),
            "--text-column",
            "内容",
            "--label-column",
            "分类",
        ]
    )
    assert code == 2
    assert "找不到列「内容」" in capsys.readouterr().err


def test_evaluate_prints_per_class_figures_and_the_last_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli.main(
        [
            "classify",
            "evaluate",
            "--csv",
            str(FIX / "messy.csv"),
            "--text-column",
            "标题",
            "--text-column",
            "诉求内容",
            "--label-column",
            "分类",
            "--folds",
            "3",
        ]
    )
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert out[0].startswith("encoding=utf-8 rows=29 used=23 empty_text=2")
    assert any(line.startswith("劳动和社会保障") for line in out)
    assert "precision" in "\n".join(out) and "support" in "\n".join(out)
    m = re.fullmatch(r"macro_f1=(\d\.\d{3}) accuracy=(\d\.\d{3})", out[-1])
    assert m is not None, out[-1]
    assert float(m[1]) > 0.5  # three clearly different topics


def test_train_writes_a_model_that_predicts_with_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m.model"
    code = cli.main(
        [
            "classify",
            "train",
            "--csv",
            str(FIX / "gbk.csv"),
            "--text-column",
            "诉求内容",
            "--label-column",
            "分类",
            "--out",
            str(out),
        ]
    )
    assert code == 0 and out.stat().st_size > 0
    model = classifier.loads(out.read_bytes())
    p = model.predict("公司拖欠我们工资，老板跑了")
    assert p is not None and p.leaf is not None
    assert p.leaf.label == "劳动和社会保障"
    assert 0 < p.leaf.confidence <= 1
    assert any("工资" in w or "拖欠" in w for w in p.category_reasons)


def test_categories_follow_the_tree() -> None:
    parents = {
        "01": None,
        "0101": "01",
        "010101": "0101",
        "010102": "0101",
        "02": None,
        "0201": "02",
        "020101": "0201",
    }
    names = {
        "01": "城市管理",
        "0101": "市容",
        "010101": "垃圾堆放",
        "010102": "占道经营",
        "02": "社会治安",
        "0201": "盗窃",
        "020101": "电动车被盗",
    }
    samples = (
        [classifier.Sample(f"小区门口垃圾堆放{i}天没人清运，臭气熏天", "010101") for i in range(6)]
        + [classifier.Sample(f"商贩占道经营摆摊{i}处，堵住人行道", "010102") for i in range(6)]
        + [classifier.Sample(f"楼下电动车被盗，第{i}次了，报警", "020101") for i in range(6)]
    )
    model = classifier.train(samples, parents=parents, names=names)
    p = model.predict("垃圾堆放在路边没人清运")
    assert p is not None
    assert [g.label for g in p.categories] == ["01", "0101", "010101"]
    assert [g.name for g in p.categories] == ["城市管理", "市容", "垃圾堆放"]
    conf = [g.confidence for g in p.categories]
    assert conf[0] >= conf[1] >= conf[2] > 0.4  # a parent holds at least its child's share
    assert model.predict("  \t ") is None


def test_harder_demo_texts_are_colloquial_misspelt_and_mixed() -> None:
    import random

    from command_center.demo import texts

    rng = random.Random(16)
    a = "12345热线转办：来电人反映小区门口垃圾已经堆了三天，物业不处理，希望尽快清运。"
    b = "网格员上报：某物流公司拖欠务工人员工资9万元，涉及本村3人，希望督促支付。"
    made = [texts.harder(rng, a, b) for _ in range(200)]
    assert all(m.strip() for m in made)
    assert any("12345热线转办" not in m for m in made)  # the framing dropped
    assert any("拉圾" in m or "以经" in m or "务业" in m for m in made)  # typos
    assert any("拖欠务工人员工资" in m for m in made)  # another matter mixed in
    assert len(set(made)) > 50


def test_a_file_that_is_not_a_model_is_refused_without_unpickling(tmp_path: Path) -> None:
    import pickle

    with pytest.raises(classifier.ClassifierError, match="not a model file"):
        classifier.loads(pickle.dumps({"not": "a model"}))
    with pytest.raises(classifier.ClassifierError, match="damaged"):
        classifier.loads(classifier.MAGIC + b"garbage")


def test_the_temperature_is_fitted_on_held_out_margins() -> None:
    """Margins whose true classes were drawn from softmax(margins / 0.5): the fitted temperature
    is about 0.5, and the probabilities it gives match how often the top class is right."""
    import numpy as np

    rng = np.random.default_rng(16)
    margins = rng.normal(0, 1, size=(4000, 5))
    z = np.exp(margins / 0.5)
    p = z / z.sum(axis=1, keepdims=True)
    truth = np.asarray([rng.choice(5, p=row) for row in p])
    t = classifier.fit_temperature(margins, truth)
    assert 0.4 < t < 0.62
    probs = classifier._softmax(margins, t)
    ece, bins = classifier.reliability(probs.max(axis=1), probs.argmax(axis=1) == truth)
    assert ece < 0.05 and sum(b.count for b in bins) == 4000


def test_evaluate_reports_calibrated_confidences_on_noisy_labels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two topics told apart by their words, a fifth of the labels flipped: no model is right
    more than about four times in five, and the held-out confidences say so (their mean within
    0.1 of the accuracy) where the fixed temperature of before claimed near certainty."""
    import random

    rng = random.Random(16)
    water = ["水管爆裂漏水", "自来水停水", "下水道堵塞冒水", "楼顶水箱漏水", "水表井盖破损漏水"]
    road = ["路面塌陷坑洼", "路灯不亮", "道路积水难行", "桥面开裂", "人行道砖松动"]
    texts, labels = [], []
    for i in range(300):
        topic = "水" if i % 2 else "路"
        bank = water if topic == "水" else road
        texts.append(
            f"{rng.choice(bank)}\n{rng.choice(['东关村', '西街', '城关镇'])}{rng.choice(bank)}"
        )
        flipped = rng.random() < 0.2
        labels.append(("路" if topic == "水" else "水") if flipped else topic)
    result = classifier.evaluate(texts, labels, folds=5)
    assert 0.7 < result.accuracy < 0.9
    assert result.ece is not None and result.ece < 0.13
    assert result.confidence is not None and abs(result.confidence - result.accuracy) < 0.1
    lines = result.lines()
    assert any(line.startswith("ece=") for line in lines)
    assert lines[-1].startswith("macro_f1=")
    monkeypatch.setattr(classifier, "fit_temperature", lambda m, t: classifier.DEFAULT_TEMPERATURE)
    fixed = classifier.evaluate(texts, labels, folds=5)
    assert fixed.confidence is not None and fixed.confidence - fixed.accuracy > 0.15
    assert fixed.ece is not None and fixed.ece > result.ece + 0.05


def test_model_text_keeps_the_subject_line() -> None:
    assert (
        classifier.model_text("路灯坏了\n\t\t东关村口\u3000路灯不亮")
        == "路灯坏了\n东关村口 路灯不亮"
    )
    assert classifier.subject_of("路灯坏了\n东关村口") == "路灯坏了"
    assert classifier.model_text("只有一行") == "只有一行"
    assert classifier.subject_of("只有一行") == ""
    assert "\n" not in classifier.model_text("题" * 300 + "\n正文")  # too long for a subject


def test_pruning_rule_keeps_active_newest_and_young() -> None:
    import datetime as dt

    from command_center.services.learned_routing import prunable

    now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    rows = [(v, now - dt.timedelta(days=d), v == 2) for v, d in ((1, 2), (2, 90), (3, 80), (4, 70))]
    assert prunable(rows, keep=1, days=10, now=now) == [3]  # v4 newest other, v1 young
    assert prunable(rows, keep=0, days=0, now=now) == [1, 3, 4]
    assert prunable(rows, keep=5, days=0, now=now) == []


def test_a_csv_whose_cells_start_with_tabs_and_quote_quotes_is_read_row_by_row(
    tmp_path: Path,
) -> None:
    """A message board's export as Excel writes CSV: the body cells start with newlines and
    tabs and quote their quotes (""). Every message is one row; nothing is split or lost."""
    import csv

    path = tmp_path / "board.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["留言编号", "留言主题", "留言详情", "一级分类"])
        for i in range(30):
            w.writerow(
                [
                    i,
                    f"第{i}号楼\t噪音扰民",
                    f'\n\t\t\t\t\n\t\t\t\t楼下商户"夜宵"摊位，\t每晚吵到两点。\n\t\t\t\t\n\t\t\t\t{i}',
                    "环境保护" if i % 2 else "城乡建设",
                ]
            )
    data = read_labelled(path, ["留言主题", "留言详情"], "一级分类")
    assert data.rows == 30 and len(data.texts) == 30 and data.empty_text == 0
    assert '"夜宵"' in data.texts[0] and data.labels[:2] == ["城乡建设", "环境保护"]


def test_a_label_name_counts_as_a_training_text() -> None:
    """With few examples of a class, its name is worth a text: words that only the name holds
    point to it; a tree label's text holds its ancestors' names; a bare code gives none."""
    samples = (
        [classifier.Sample(f"公交车第{i}次晚点，站台上等了一个小时", "交通运输") for i in range(5)]
        + [classifier.Sample(f"化工厂排污{i}天，河水发黑发臭", "环境保护") for i in range(5)]
        + [classifier.Sample(f"孩子学校食堂饭菜{i}次不干净", "教育文体") for i in range(5)]
    )
    model = classifier.train(samples)
    for text, label in (
        ("交通问题", "交通运输"),
        ("环境问题", "环境保护"),
        ("教育问题", "教育文体"),
    ):
        p = model.predict(text)
        assert p is not None and p.categories[0].label == label, (text, p)
    texts = classifier.label_texts(
        ["010101", "99"],
        {"01": "城市管理", "0101": "市容", "010101": "垃圾堆放"},
        {"010101": "0101", "0101": "01", "01": None},
    )
    assert texts == [("城市管理 市容 垃圾堆放\n城市管理 市容 垃圾堆放", "010101")]


def test_a_head_that_reads_a_share_of_the_features_suggests_the_same_once_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Few training texts: a head keeps the features most bound to its labels; its suggestions,
    reasons and confidences are the same after the model is stored and loaded."""
    monkeypatch.setattr(classifier, "KEEP_MIN", 20)
    samples = (
        [classifier.Sample(f"小区门口垃圾堆放{i}天没人清运，臭气熏天", "垃圾") for i in range(8)]
        + [classifier.Sample(f"楼下电动车被盗，第{i}次了，报警没用", "盗窃") for i in range(8)]
        + [classifier.Sample(f"公司拖欠工资{i}个月，老板跑了", "欠薪") for i in range(8)]
    )
    model = classifier.train(samples)
    head = model.category
    assert head.kept < head.svm.coef_.shape[1]  # it reads only a share of them
    again = classifier.loads(model.dumps())
    for text in ("电动车又被盗了", "垃圾没人清运", "老板拖欠工资"):
        p, q = model.predict(text), again.predict(text)
        assert p is not None and q is not None
        assert p.categories[0].label == q.categories[0].label
        assert abs(p.categories[0].confidence - q.categories[0].confidence) < 1e-3
        assert p.category_reasons == q.category_reasons
        assert p.category_reasons and all(r in text for r in p.category_reasons[:1])
    best = [model.predict(t) for t in ("电动车又被盗了", "老板拖欠工资")]
    assert [p.categories[0].label if p else None for p in best] == ["盗窃", "欠薪"]


def test_a_label_named_as_a_known_class_learns_what_that_class_is_about() -> None:
    """交通运输 seen only as bus complaints still takes a 快递 or 出租车 complaint: the class's
    prior phrases are training texts of it. Names are matched by their parts (教育文体 = 教育 +
    文体, 环保局 = 环保); a name not entirely known (a leaf, a code) gets nothing."""
    from command_center.services import class_prior

    assert class_prior.domains_of("教育文体") == ["教育", "文化", "体育"]
    assert class_prior.domains_of("劳动和社会保障") == ["人力资源和社会保障"]
    assert class_prior.domains_of("卫生计生") == ["卫生健康"]
    assert class_prior.domains_of("环保局") == ["环境保护"]
    assert class_prior.domains_of("环境卫生") == ["城市管理"]  # not 环境保护 + 卫生健康
    for unknown in ("垃圾堆放", "010101", "其他", "交通运输和火星"):
        assert class_prior.domains_of(unknown) == []
    texts = classifier.prior_texts(["T", "010101", "垃圾堆放"], {"T": "交通运输"})
    assert texts and {lab for _, lab in texts} == {"T"}
    assert ("出租车\n出租车", "T") in texts and ("快递\n快递", "T") in texts
    assert len(classifier.label_texts(["垃圾堆放"])) == 1  # its name only
    # a phrase two labels would learn tells them nothing apart: neither learns it
    both = classifier.prior_texts(iter(["教育文体", "卫生计生"]))
    assert ("乱收费\n乱收费", "教育文体") in classifier.prior_texts(["教育文体"])
    assert not [t for t, _ in both if t == "乱收费\n乱收费"]
    assert {lab for _, lab in both} == {"教育文体", "卫生计生"}
    # labels given once as a generator still learn their names and their prior
    assert len(classifier.label_texts(x for x in ["交通运输"])) > 10
    assert classifier.label_texts(["交通运输"], prior=False) == [("交通运输\n交通运输", "交通运输")]

    samples = (
        [classifier.Sample(f"公交车第{i}次晚点，站台上等了一个小时", "交通运输") for i in range(6)]
        + [classifier.Sample(f"化工厂排污{i}天，河水发黑发臭", "环境保护") for i in range(6)]
        + [classifier.Sample(f"孩子学校食堂饭菜{i}次不干净", "教育文体") for i in range(6)]
    )
    with_prior = classifier.train(samples)
    without = classifier.train(samples, prior=False)
    for text in ("快递丢件没人管", "出租车拒载还绕路"):
        p, q = with_prior.predict(text), without.predict(text)
        assert p is not None and q is not None
        assert p.categories[0].label == "交通运输", (text, p)
        conf = {g.label: g.confidence for g in [*p.categories, *p.alternatives]}
        before = {g.label: g.confidence for g in [*q.categories, *q.alternatives]}
        assert conf["交通运输"] > before.get("交通运输", 0.0) + 0.1


def test_prior_texts_join_the_training_folds_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cross-validation scores the samples and nothing else: every fold trains on the prior
    phrases, no fold is tested on one, and the figures count each sample once."""
    fits: list[list[str]] = []
    tested: list[str] = []
    real_fit = classifier._fit_features

    def spy(texts: list[str]) -> tuple[object, object]:
        fits.append(list(texts))
        features, x = real_fit(texts)
        real_transform = features.transform

        def transform(batch: list[str]) -> object:
            tested.extend(batch)
            return real_transform(batch)

        features.transform = transform
        return features, x

    monkeypatch.setattr(classifier, "_fit_features", spy)
    texts = [f"公交车第{i}次晚点\n站台上等了一个小时" for i in range(10)] + [
        f"化工厂排污{i}天\n河水发黑发臭" for i in range(10)
    ]
    labels = ["交通运输"] * 10 + ["环境保护"] * 10
    prior = {t for t, _ in classifier.prior_texts(set(labels))}
    assert "出租车\n出租车" in prior
    result = classifier.evaluate(texts, labels, folds=5)
    assert len(fits) == 5 and all(prior <= set(fit) for fit in fits)
    assert sorted(tested) == sorted(texts)  # each sample held out once; no prior text
    assert result.samples == 20 and sum(c.support for c in result.classes) == 20

    fits.clear()
    tested.clear()
    samples = [classifier.Sample(t, "T" if i < 10 else "E") for i, t in enumerate(texts)]
    cat, _ = classifier.cross_validate(samples, folds=5, names={"T": "交通运输", "E": "环境保护"})
    assert len(fits) == 5 and all(prior <= set(fit) for fit in fits)
    assert sorted(tested) == sorted(texts) and cat.samples == 20


def test_train_on_the_command_line_learns_the_prior_unless_told_not_to(tmp_path: Path) -> None:
    """The data team's file names its classes 劳动和社会保障, 城乡建设, 教育文体: a model trained
    from it knows a 职称评定 complaint is 劳动和社会保障's though no row says 职称; with
    --no-prior it does not."""
    confidence = {}
    for flag in ([], ["--no-prior"]):
        out = tmp_path / f"m{len(flag)}.model"
        args = ["classify", "train", "--csv", str(FIX / "clean_utf8.csv"), "--label-column", "分类"]
        args += ["--text-column", "标题", "--text-column", "诉求内容", "--out", str(out), *flag]
        assert cli.main(args) == 0
        p = classifier.loads(out.read_bytes()).predict("职称评定拖了两年")
        assert p is not None
        guesses = {g.label: g.confidence for g in [*p.categories, *p.alternatives]}
        confidence[bool(flag)] = guesses.get("劳动和社会保障", 0.0)
        if not flag:
            assert p.categories[0].label == "劳动和社会保障"
    assert confidence[False] > confidence[True] + 0.2
