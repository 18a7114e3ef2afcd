"""A text classifier for Chinese incident descriptions (智能派单): the category and the department
an incident's words point to, each with a confidence and the words that drove it.

Light and local: words from jieba (its dictionary ships inside the wheel; nothing is downloaded)
and character 1–3-grams (which catch typos, rare words and names jieba splits badly), weighted by
TF-IDF, feed a linear SVM (scikit-learn, CPU, seconds for ten thousand texts). Confidences are the
softmax of the SVM's margins: a ranking with a sensible scale, not a calibrated probability.

Categories are learned at the leaves; the confidence of a higher level is the sum of its leaves',
so the three suggested levels always follow the category tree.

No Qt and no database here (services/learned_routing.py keeps models in the database).
"""

from __future__ import annotations

import copy
import html
import io
import math
import pickle
import re
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_CHARS = 2000  # a text of thousands of characters: its head says what it is about
MIN_CLASS_SIZE = 2  # a label seen once cannot be learned (nor held out in a fold)
FORMAT = 1  # the pickled Model's layout
MAGIC = b"CCTC1\n"  # command center text classifier: what a model's bytes start with

_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")
_JIEBA: Any = None


class ClassifierError(ValueError):
    """Training or evaluation cannot go on; str is "中文 / English"."""


def clean_text(value: Any) -> str:
    """A description as the model reads it: HTML entities decoded and tags dropped, full-width
    forms folded (NFKC: U+3000 → space, ＡＢＣ１２３ → ABC123), every run of whitespace (tabs,
    newlines) one space, at most :data:`MAX_CHARS` characters."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    s = str(value)
    for _ in range(2):  # &amp;lt; written by a system that escaped twice
        unescaped = html.unescape(s)
        if unescaped == s:
            break
        s = unescaped
    s = _TAG.sub(" ", s)
    s = unicodedata.normalize("NFKC", s)
    s = _SPACE.sub(" ", s).strip()
    return s[:MAX_CHARS]


def _jieba() -> Any:
    global _JIEBA
    if _JIEBA is None:
        import logging

        import jieba
        import platformdirs

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        # its dictionary's cache in the user's cache directory, not the shared /tmp
        tokenizer.tmp_dir = platformdirs.user_cache_dir("command-center")
        import os

        os.makedirs(tokenizer.tmp_dir, exist_ok=True)
        _JIEBA = tokenizer
    return _JIEBA


_STOP_WORDS = """
的 了 是 在 有 和 与 及 就 都 也 还 又 我 你 他 她 们 这 那 个 把 被 让 给 请 吧 呢 啊 吗
着 过 对 从
到 为 而 但 并 等 一 不 没 很 已 已经 现在 一直 希望 要求 反映 问题 情况 相关 部门 处理 解决 尽快
能够 进行 目前 我们 他们 自己 这个 那个 什么 怎么 没有 可以 因为 所以 如果 一下 一些 一个
"""
_STOP = frozenset(_STOP_WORDS.split())


def words(text: str) -> list[str]:
    """The words of a text (jieba, precise mode), without punctuation, single digits and the
    commonest function words."""
    out = []
    for w in _jieba().lcut(text):
        w = w.strip()
        if not w or w in _STOP:
            continue
        if not any(ch.isalnum() for ch in w):
            continue
        if w.isdigit():
            continue
        out.append(w)
    return out


def _features(n_samples: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    min_df = 2 if n_samples >= 200 else 1
    return FeatureUnion(
        [
            (
                "w",
                TfidfVectorizer(
                    analyzer=words, sublinear_tf=True, min_df=min_df, max_features=100_000
                ),
            ),
            (
                "c",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 3),
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=200_000,
                ),
            ),
        ]
    )


def _svm() -> Any:
    from sklearn.svm import LinearSVC

    return LinearSVC(C=0.5, class_weight="balanced")


def _softmax(scores: np.ndarray, temperature: float = 0.25) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


class Head:
    """One label set (categories, or departments) learned on the shared features."""

    def __init__(self, x: Any, labels: Sequence[str]) -> None:
        if len(set(labels)) < 2:
            raise ClassifierError(
                "至少需要两个类别才能训练 / at least two labels are needed to train"
            )
        self.svm = _svm()
        self.svm.fit(x, list(labels))
        self.classes: list[str] = [str(c) for c in self.svm.classes_]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with the weights as float32: half the bytes a stored version takes (the
        weights dominate: classes × features), the same ranking."""
        state = dict(self.__dict__)
        svm = copy.copy(self.svm)
        svm.coef_ = np.asarray(svm.coef_, dtype=np.float32)
        state["svm"] = svm
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        # back to float64: sparse float64 features times float32 weights would convert the
        # weights on every prediction
        self.svm.coef_ = np.asarray(self.svm.coef_, dtype=np.float64)

    def scores(self, x: Any) -> np.ndarray:
        d = np.asarray(self.svm.decision_function(x), dtype=float)
        if d.ndim == 1:  # two classes: one margin
            d = np.stack([-d, d], axis=1)
        return _softmax(d)

    def reasons(self, x: Any, names: np.ndarray, label: str, k: int = 5) -> list[str]:
        """The words (or character runs) of one text's features ``x`` that weighed most for
        ``label``."""
        x = x.tocsr()
        coef = self.svm.coef_
        if coef.shape[0] == 1:
            row = coef[0] * (1 if label == self.classes[1] else -1)
        else:
            row = coef[self.classes.index(label)]
        contrib = x.data * np.asarray(row)[x.indices]
        out: list[str] = []
        for j in np.argsort(-contrib):
            if contrib[j] <= 0 or len(out) >= k:
                break
            kind, name = str(names[x.indices[j]]).split("__", 1)
            name = name.strip()
            if not name or not all(ch.isalnum() for ch in name):
                continue  # a run of characters across punctuation: ",吵"
            if len(name) < 2 and any(len(o) >= 2 for o in out):
                continue
            if any(name in o or o in name for o in out):
                continue
            if kind == "c" and set(name) & set("".join(out)):
                continue  # a run of characters overlapping a reason given: 广场 then 场舞
            out.append(name)
        return out


@dataclass(frozen=True)
class Guess:
    label: str
    name: str
    confidence: float


@dataclass(frozen=True)
class Prediction:
    """What the model says of one text: the category at each level (top first, the tree's
    path), the department, and the words behind each."""

    categories: list[Guess]  # level 1, 2, 3 (or one flat label)
    category_reasons: list[str]
    department: Guess | None
    department_reasons: list[str]
    alternatives: list[Guess] = field(default_factory=list)  # the next leaves

    @property
    def leaf(self) -> Guess | None:
        return self.categories[-1] if self.categories else None


@dataclass
class Model:
    """The category head, the department head (optional) and the tree they follow."""

    features: Any  # the fitted FeatureUnion both heads read
    category: Head
    department: Head | None
    parents: dict[str, str | None]  # code -> parent code ({} for flat labels)
    names: dict[str, str]  # code or department id -> name
    trained_on: int = 0
    train_s: float = 0.0
    format: int = FORMAT
    _names: Any = None  # the features' names, computed on first use

    def predict(self, text: str) -> Prediction | None:
        t = clean_text(text)
        if not t:
            return None
        x = self.features.transform([t])
        if self._names is None:
            self._names = np.asarray(self.features.get_feature_names_out(), dtype=object)
        probs = self.category.scores(x)[0]
        classes = self.category.classes
        order = np.argsort(-probs)
        best = classes[int(order[0])]
        chain = _chain(best, self.parents)
        mass: dict[str, float] = {}
        for c, p in zip(classes, probs, strict=True):
            for node in _chain(c, self.parents):
                mass[node] = mass.get(node, 0.0) + float(p)
        guesses = [Guess(c, self.names.get(c, c), round(mass[c], 4)) for c in chain]
        alternatives = [
            Guess(
                classes[int(i)],
                self.names.get(classes[int(i)], classes[int(i)]),
                round(float(probs[int(i)]), 4),
            )
            for i in order[1:3]
        ]
        dept = None
        dept_reasons: list[str] = []
        if self.department is not None:
            dp = self.department.scores(x)[0]
            i = int(np.argmax(dp))
            label = self.department.classes[i]
            dept = Guess(label, self.names.get(label, label), round(float(dp[i]), 4))
            dept_reasons = self.department.reasons(x, self._names, label)
        return Prediction(
            guesses, self.category.reasons(x, self._names, best), dept, dept_reasons, alternatives
        )

    def dumps(self) -> bytes:
        """The model as bytes: :data:`MAGIC`, then the pickle compressed (zlib)."""
        buf = io.BytesIO()
        pickle.dump(self, buf, protocol=pickle.HIGHEST_PROTOCOL)
        return MAGIC + zlib.compress(buf.getvalue(), 6)


def loads(data: bytes) -> Model:
    """A model from :meth:`Model.dumps`. Pickle runs code: only bytes an administrator stored
    (the database lets no other role write them, alembic 0014) or the data team's own file."""
    if not data.startswith(MAGIC):
        raise ClassifierError("不是本程序的模型文件 / not a model file of this program")
    try:
        raw = zlib.decompress(data[len(MAGIC) :])
    except zlib.error as exc:
        raise ClassifierError("模型文件已损坏 / the model file is damaged") from exc
    model = pickle.loads(raw)  # pickle runs code: see the docstring
    if not isinstance(model, Model) or getattr(model, "format", None) != FORMAT:
        raise ClassifierError("模型文件格式不对 / not a model file of this version")
    return model


def _chain(code: str, parents: dict[str, str | None]) -> list[str]:
    out = [code]
    seen = {code}
    p = parents.get(code)
    while p is not None and p not in seen:
        out.append(p)
        seen.add(p)
        p = parents.get(p)
    return list(reversed(out))


@dataclass(frozen=True)
class Sample:
    text: str
    category: str
    department: str | None = None


def train(
    samples: Iterable[Sample],
    *,
    parents: dict[str, str | None] | None = None,
    names: dict[str, str] | None = None,
) -> Model:
    """A model from (text, category[, department]) samples; empty texts and labels seen once are
    left out."""
    started = time.perf_counter()
    kept = [s for s in samples if s.text and s.category]
    counts = Counter(s.category for s in kept)
    kept = [s for s in kept if counts[s.category] >= MIN_CLASS_SIZE]
    if len(kept) < 4:
        raise ClassifierError(
            f"可用于训练的样本太少（{len(kept)}条） / too few samples to train ({len(kept)})"
        )
    texts = [clean_text(s.text) for s in kept]
    features = _features(len(texts))
    x = features.fit_transform(texts)
    for _, vectorizer in features.transformer_list:
        vectorizer.stop_words_ = None  # the terms min_df dropped: only bulk in the pickle
    category = Head(x, [s.category for s in kept])
    with_dept = [i for i, s in enumerate(kept) if s.department]
    department = None
    if len({kept[i].department for i in with_dept}) >= 2:
        department = Head(x[with_dept], [str(kept[i].department) for i in with_dept])
    return Model(
        features,
        category,
        department,
        parents or {},
        names or {},
        trained_on=len(kept),
        train_s=round(time.perf_counter() - started, 3),
    )


# --- evaluation ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassReport:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    classes: list[ClassReport]
    macro_f1: float
    accuracy: float
    folds: int
    samples: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "folds": self.folds,
            "samples": self.samples,
            "classes": [
                {
                    "label": c.label,
                    "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4),
                    "f1": round(c.f1, 4),
                    "support": c.support,
                }
                for c in self.classes
            ],
        }

    def lines(self) -> list[str]:
        width = max([len(c.label) for c in self.classes] + [5])
        out = [f"{'label':<{width}}  precision  recall     f1  support"]
        for c in self.classes:
            out.append(
                f"{c.label:<{width}}  {c.precision:9.3f}  {c.recall:6.3f}  {c.f1:5.3f}  "
                f"{c.support:7d}"
            )
        out.append(f"macro_f1={self.macro_f1:.3f} accuracy={self.accuracy:.3f}")
        return out


def _report(y: Sequence[str], predicted: Sequence[str], folds: int) -> Evaluation:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    classes = sorted(set(y))
    p, r, f, s = precision_recall_fscore_support(y, predicted, labels=classes, zero_division=0)
    return Evaluation(
        [
            ClassReport(c, float(p[i]), float(r[i]), float(f[i]), int(s[i]))
            for i, c in enumerate(classes)
        ],
        float(f1_score(y, predicted, labels=classes, average="macro", zero_division=0)),
        float(accuracy_score(y, predicted)),
        folds,
        len(y),
    )


def cross_validate(
    samples: Sequence[Sample], folds: int = 3
) -> tuple[Evaluation, Evaluation | None]:
    """Both heads of a :class:`Model` held out together (one feature fit per fold): the
    category's figures and, where samples name one, the department's."""
    from sklearn.model_selection import StratifiedKFold

    kept = [s for s in samples if s.text and s.category]
    counts = Counter(s.category for s in kept)
    kept = [s for s in kept if counts[s.category] >= folds]
    if len({s.category for s in kept}) < 2:
        raise ClassifierError(
            f"每类至少需要{folds}条样本、至少两类 / at least two labels with {folds} samples "
            "each are needed"
        )
    x = np.asarray([clean_text(s.text) for s in kept], dtype=object)
    y = np.asarray([s.category for s in kept], dtype=object)
    d = np.asarray([s.department or "" for s in kept], dtype=object)
    cat_pred = np.empty(len(y), dtype=object)
    dept_pred = np.empty(len(y), dtype=object)
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=16).split(x, y):
        features = _features(len(tr))
        xtr = features.fit_transform(list(x[tr]))
        xte = features.transform(list(x[te]))
        cat_pred[te] = _svm().fit(xtr, list(y[tr])).predict(xte)
        has = [i for i, j in enumerate(tr) if d[j]]
        if len({d[tr[i]] for i in has}) >= 2:
            dept_pred[te] = _svm().fit(xtr[has], list(d[tr[has]])).predict(xte)
    cat = _report(list(y), list(cat_pred), folds)
    mask = [i for i in range(len(d)) if d[i] and dept_pred[i] is not None]
    dept = _report(list(d[mask]), list(dept_pred[mask]), folds) if mask else None
    return cat, dept


def evaluate(texts: Sequence[str], labels: Sequence[str], folds: int = 5) -> Evaluation:
    """Stratified k-fold cross-validation of the category model: per-class precision, recall
    and support over the held-out predictions, macro-F1 and accuracy. Labels with fewer samples
    than folds are left out (they cannot be held out in every fold)."""
    from sklearn.model_selection import StratifiedKFold

    if folds < 2:
        raise ClassifierError("折数至少为2 / --folds must be at least 2")
    cleaned = [(clean_text(t), str(lab)) for t, lab in zip(texts, labels, strict=True)]
    cleaned = [(t, lab) for t, lab in cleaned if t and lab]
    counts = Counter(lab for _, lab in cleaned)
    cleaned = [(t, lab) for t, lab in cleaned if counts[lab] >= folds]
    if len({lab for _, lab in cleaned}) < 2:
        raise ClassifierError(
            f"每类至少需要{folds}条样本、至少两类 / at least two labels with {folds} samples "
            "each are needed"
        )
    x = np.asarray([t for t, _ in cleaned], dtype=object)
    y = np.asarray([lab for _, lab in cleaned], dtype=object)
    predicted = np.empty(len(y), dtype=object)
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=16).split(x, y):
        features = _features(len(train_idx))
        svm = _svm().fit(features.fit_transform(list(x[train_idx])), list(y[train_idx]))
        predicted[test_idx] = svm.predict(features.transform(list(x[test_idx])))
    return _report(list(y), list(predicted), folds)
