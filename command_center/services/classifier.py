"""A text classifier for Chinese incident descriptions (智能派单): the category and the department
an incident's words point to, each with a confidence and the words that drove it.

Light and local: words from jieba (its dictionary ships inside the wheel; nothing is downloaded)
and character 1–3-grams (which catch typos, rare words and names jieba splits badly), weighted by
TF-IDF, feed a linear SVM (scikit-learn, CPU, seconds for ten thousand texts). A text whose first
line is a subject (a message's 留言主题, an incident's title) also gets the subject's own character
1–2-grams: the subject says what the matter is, the body mostly how it happened.

Under 2,000 training texts each head reads the tenth of the features most bound to its labels
(chi-squared on its training texts, :func:`_keep`), and every label's own name is one more
training text of it (:func:`label_texts`): with a few hundred texts, most n-grams are seen once or
twice and only add noise, and a small class's name ("交通运输") is often the word its dozen
examples lack. A label named as a known first-level class of government hotlines also learns
what that class is about (:func:`prior_texts`, services/class_prior.py): each of its few dozen
phrases ("出租车", "快递") is one more training text.

The SVM's cost C and whether classes are weighted by their rarity are chosen per training by an
inner cross-validation on the training texts only (:func:`_select`, on at most
:data:`SELECT_MAX` of them); the same held-out margins fit the temperature that turns margins
into probabilities (one shared scale for every class: small classes have too few held-out texts
for a Platt fit of their own). So a confidence of 0.9 means about nine in ten such suggestions are
right on data like the training data; :func:`evaluate` reports how far off that is (expected
calibration error).

Categories are learned at the leaves; the confidence of a higher level is the sum of its leaves',
so the three suggested levels always follow the category tree.

No Qt and no database here (services/learned_routing.py keeps models in the database).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import copy
import html
import io
import math
import os
import pickle
import re
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_CHARS = 2000  # a text of thousands of characters: its head says what it is about
MIN_CLASS_SIZE = 2  # a label seen once cannot be learned (nor held out in a fold)
FORMAT = 1  # the pickled Model's layout
SUBJECT_MAX = 200  # a first line longer than this is not a subject
GRID = ((0.25, True), (1.0, True), (0.25, False))  # (C, classes weighted by rarity)
DEFAULT_CHOICE = (0.5, True)  # where there is too little to choose on
DEFAULT_TEMPERATURE = 0.25
SELECT_MAX = 1200  # texts the inner search reads (a stratified sample of larger sets)
INNER_FOLDS = 3
MIN_SELECT = 20  # fewer texts than this: the defaults
KEEP_SHARE = 0.1  # the share of the features a head keeps: the most label-bound by chi-squared
KEEP_MIN = 2000  # but at least this many (all of them where there are fewer)
KEEP_BELOW = 2000  # training texts from which a head reads all the features
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


def model_text(value: Any) -> str:
    """The text the model reads: :func:`clean_text` of it, except that a first line which reads
    as a subject (followed by more text, at most :data:`SUBJECT_MAX` characters) stays on a line
    of its own: "subject\nbody"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    raw = str(value).strip()
    if "\n" in raw:
        head, body = raw.split("\n", 1)
        head, body = clean_text(head), clean_text(body)
        if head and body and len(head) <= SUBJECT_MAX:
            return (head + "\n" + body)[:MAX_CHARS]
    return clean_text(raw)


def subject_of(text: str) -> str:
    """The subject line of a :func:`model_text` ("" when there is none)."""
    return text.split("\n", 1)[0] if "\n" in text else ""


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


_memo: dict[str, list[str]] | None = None  # words of texts, while :func:`remembering_words`


@contextlib.contextmanager
def remembering_words() -> Iterator[None]:
    """Segment each text once while cross-validating: every fold (and the final training) fits
    its features on the same texts, and jieba is most of a fit's time."""
    global _memo
    outer = _memo
    if outer is None:
        _memo = {}
    try:
        yield
    finally:
        if outer is None:
            _memo = None


def words(text: str) -> list[str]:
    """The words of a text (jieba, precise mode), without punctuation, single digits and the
    commonest function words."""
    memo = _memo
    if memo is not None:
        hit = memo.get(text)
        if hit is not None:
            return hit
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
    if memo is not None:
        memo[text] = out
    return out


def _fit_features(texts: Sequence[str]) -> tuple[Any, Any]:
    """The fitted features of :func:`model_text` texts and their matrix; the subject's
    character n-grams only where at least 5 texts have a subject (and it has any vocabulary)."""
    if sum(1 for t in texts if "\n" in t) >= 5:
        features = _features(len(texts), subject=True)
        try:
            return features, features.fit_transform(list(texts))
        except ValueError:  # no subject n-gram frequent enough: without them
            pass
    features = _features(len(texts), subject=False)
    return features, features.fit_transform(list(texts))


def _features(n_samples: int, *, subject: bool = True) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    min_df = 2 if n_samples >= 200 else 1
    parts = [
        (
            "w",
            TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=min_df, max_features=100_000),
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
    if subject:
        parts.append(
            (
                "s",
                TfidfVectorizer(
                    analyzer="char_wb",
                    preprocessor=subject_of,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=50_000,
                ),
            )
        )
    return FeatureUnion(parts)


def _svm(choice: tuple[float, bool] = DEFAULT_CHOICE) -> Any:
    from sklearn.svm import LinearSVC

    c, balanced = choice
    return LinearSVC(C=c, class_weight="balanced" if balanced else None)


def _margins(svm: Any, x: Any) -> np.ndarray:
    d = np.asarray(svm.decision_function(x), dtype=float)
    if d.ndim == 1:  # two classes: one margin
        d = np.stack([-d, d], axis=1)
    return d


def _keep(x: Any, labels: Sequence[str], texts: int | None = None) -> np.ndarray | None:
    """The columns a head reads: the :data:`KEEP_SHARE` of the features most bound to the labels
    (chi-squared on the training texts only; at least :data:`KEEP_MIN`), or None (all) where
    there are no more than that or the head learns from :data:`KEEP_BELOW` texts or more
    (``texts``: how many, when ``x`` is an inner part of them). With a few hundred texts most of
    the tens of thousands of n-grams are seen once or twice and only add noise to the SVM
    (+0.01–0.02 macro-F1 on 300–500 complaints); from a few thousand on, the SVM weighs them
    well itself and leaving them out cost 0.002–0.008."""
    from sklearn.feature_selection import chi2

    if (texts if texts is not None else x.shape[0]) >= KEEP_BELOW:
        return None
    n = x.shape[1]
    k = max(KEEP_MIN, int(KEEP_SHARE * n))
    if k >= n:
        return None
    score, _ = chi2(x, list(labels))
    score = np.nan_to_num(score, nan=0.0)
    top = np.argpartition(-score, k - 1)[:k]
    return np.sort(top).astype(np.int32)


def _cols(x: Any, keep: np.ndarray | None) -> Any:
    return x if keep is None else x[:, keep]


@dataclass(frozen=True)
class Selection:
    """What the inner cross-validation chose: the SVM's (C, weighted) and the temperature, with
    the held-out macro-F1 of each candidate (empty when the defaults were taken)."""

    choice: tuple[float, bool]
    temperature: float
    scores: dict[str, float] = field(default_factory=dict)


_TEMPERATURES = np.geomspace(0.02, 5.0, 70)


def fit_temperature(margins: np.ndarray, truth: np.ndarray) -> float:
    """The temperature T minimising the negative log-likelihood of softmax(margins / T) for the
    true classes (``truth``: column indices) of held-out texts."""
    best, best_nll = DEFAULT_TEMPERATURE, math.inf
    rows = np.arange(len(truth))
    for t in _TEMPERATURES:
        z = margins / t
        z = z - z.max(axis=1, keepdims=True)
        log_p = z[rows, truth] - np.log(np.exp(z).sum(axis=1))
        nll = float(-log_p.mean())
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def _select(
    x: Any,
    labels: Sequence[str],
    seed: int = 16,
    grid: Sequence[tuple[float, bool]] = GRID,
    pinned: int = 0,
) -> Selection:
    """Choose the SVM's settings and the temperature by an inner cross-validation on the
    training texts only (``x``: their features). Labels with fewer texts than the inner folds
    stay in every inner training part and are never held out (their probabilities share the
    temperature the others fit); with fewer than :data:`MIN_SELECT` texts or under two labels to
    hold out, the defaults. The last ``pinned`` rows (the labels' own names,
    :func:`label_texts`) are in every inner training part and never held out."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(labels, dtype=object)
    rng = np.random.default_rng(seed)
    pins = np.arange(len(y) - pinned, len(y), dtype=int)
    y_all = y
    y = y[: len(y) - pinned]
    idx = np.arange(len(y))
    if len(idx) > SELECT_MAX:  # a stratified sample: every label keeps its share (at least 1)
        keep: list[int] = []
        for lab in sorted(set(y)):
            members = idx[y == lab]
            k = max(1, round(len(members) * SELECT_MAX / len(y)))
            keep.extend(rng.choice(members, size=min(k, len(members)), replace=False))
        idx = np.sort(np.asarray(keep))
    inner = INNER_FOLDS if len(idx) == len(y) else 2  # a sample of a large set: two folds
    counts = Counter(y[idx])
    held = np.asarray([i for i in idx if counts[y[i]] >= inner])
    always = np.concatenate([np.asarray([i for i in idx if counts[y[i]] < inner], dtype=int), pins])
    if len(idx) < MIN_SELECT or len(held) == 0 or len(set(y[held])) < 2:
        return Selection(DEFAULT_CHOICE, DEFAULT_TEMPERATURE)
    classes = sorted(set(y[idx]) | set(y_all[pins]))
    column = {c: j for j, c in enumerate(classes)}
    margins = {ch: np.zeros((len(held), len(classes))) for ch in grid}
    position = {int(i): k for k, i in enumerate(held)}
    splitter = StratifiedKFold(inner, shuffle=True, random_state=seed)
    tasks = [(tr, te, ch) for tr, te in splitter.split(held, y[held]) for ch in grid]

    def fit(task: tuple[np.ndarray, np.ndarray, tuple[float, bool]]) -> np.ndarray:
        tr, te, ch = task
        train_idx = np.concatenate([held[tr], always])
        keep = _keep(x[train_idx], list(y_all[train_idx]), len(y_all))
        svm = _svm(ch).fit(_cols(x[train_idx], keep), list(y_all[train_idx]))
        block = np.full((len(te), len(classes)), -10.0)
        block[:, [column[str(c)] for c in svm.classes_]] = _margins(svm, _cols(x[held[te]], keep))
        return block

    with _pool() as pool:  # liblinear lets go of the GIL: the fits share the cores
        blocks = list(pool.map(fit, tasks))
    for (_, te, ch), block in zip(tasks, blocks, strict=True):
        margins[ch][[position[int(i)] for i in held[te]]] = block
    truth = np.asarray([column[y[i]] for i in held])
    scores: dict[str, float] = {}
    best = grid[0]
    best_f1 = -1.0
    for ch in grid:
        predicted = np.asarray(classes, dtype=object)[margins[ch].argmax(axis=1)]
        f1 = float(f1_score(list(y[held]), list(predicted), average="macro", zero_division=0))
        scores[f"C={ch[0]:g}{' balanced' if ch[1] else ''}"] = round(f1, 4)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = ch, f1
    return Selection(best, fit_temperature(margins[best], truth), scores)


def _pool() -> concurrent.futures.ThreadPoolExecutor:
    """Threads for independent fits: two where there are two cores."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1))


def _softmax(scores: np.ndarray, temperature: float = DEFAULT_TEMPERATURE) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


class Head:
    """One label set (categories, or departments) learned on the shared features."""

    def __init__(
        self,
        x: Any,
        labels: Sequence[str],
        *,
        grid: Sequence[tuple[float, bool]] = GRID,
        selection: Selection | None = None,
        pinned: int = 0,
    ) -> None:
        """``grid``: the settings the inner cross-validation chooses from (one: only the
        temperature is fitted); ``selection``: already chosen; ``pinned``: the last rows are
        the labels' names (:func:`label_texts`), never held out by the inner search."""
        if len(set(labels)) < 2:
            raise ClassifierError(
                "至少需要两个类别才能训练 / at least two labels are needed to train"
            )
        self.selection = selection or _select(x, labels, grid=grid, pinned=pinned)
        self.temperature = self.selection.temperature
        keep = _keep(x, labels)
        self.svm = _svm(self.selection.choice)
        self.svm.fit(_cols(x, keep), list(labels))
        self.kept = x.shape[1] if keep is None else len(keep)  # the features it reads
        if keep is not None:  # weights over all the features (0 where not kept): a suggestion
            # multiplies its sparse row by them directly, without picking columns out of it
            coef = np.zeros((self.svm.coef_.shape[0], x.shape[1]), order="F")  # as liblinear's
            coef[:, keep] = self.svm.coef_
            self.svm.coef_ = coef
            self.svm.n_features_in_ = x.shape[1]
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
        state.setdefault("temperature", DEFAULT_TEMPERATURE)  # stored before calibration
        state.setdefault("selection", Selection(DEFAULT_CHOICE, DEFAULT_TEMPERATURE))
        self.__dict__.update(state)
        # back to float64: sparse float64 features times float32 weights would convert the
        # weights on every prediction
        # (and in liblinear's column order: x @ coef.T then needs no copy of the weights)
        self.svm.coef_ = np.asfortranarray(self.svm.coef_, dtype=np.float64)

    def scores(self, x: Any) -> np.ndarray:
        """Calibrated probabilities: the margins' softmax at the fitted temperature."""
        return _softmax(_margins(self.svm, x), self.temperature)

    def predict(self, x: Any) -> list[str]:
        """The most likely label of each row of features ``x``."""
        return [str(c) for c in self.svm.predict(x)]

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
        t = model_text(text)
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


def label_texts(
    labels: Iterable[str],
    names: dict[str, str] | None = None,
    parents: dict[str, str | None] | None = None,
    *,
    prior: bool = True,
) -> list[tuple[str, str]]:
    """One training text per label made of its own name (and its ancestors' in a category tree),
    as subject and body: "交通运输\n交通运输". A label's name is the one thing known of it beyond
    its examples, and with a dozen examples of a class it is worth a text. Labels whose name has
    no letter (a bare code) get none. With ``prior``, also :func:`prior_texts`."""
    labels = list(labels)  # read twice: for the names, and for the prior
    out = []
    for label in sorted(set(labels)):
        name = " ".join((names or {}).get(c, c) for c in _chain(label, parents or {}))
        name = clean_text(name)
        if any(ch.isalpha() for ch in name):
            out.append((name + "\n" + name, label))
    if prior:
        out.extend(prior_texts(labels, names))
    return out


def prior_texts(
    labels: Iterable[str], names: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """What is known of a label beyond its examples: where its own name is a known first-level
    class of government hotlines (services/class_prior.py: 交通运输, 卫生计生, 环保局 …), each
    phrase of what that class is about is one more training text of it, as its name is
    ("出租车\n出租车"). A class seen a dozen times then still knows a 出租车 or 快递 complaint.
    Unknown names (a bare code, a leaf such as 垃圾堆放) get none."""
    from command_center.services import class_prior

    phrases = {
        label: class_prior.phrases_of(clean_text((names or {}).get(label, label)))
        for label in sorted(set(labels))
    }
    # a phrase two of the labels would learn (发票, 停水) says nothing between them: left out
    seen = Counter(p for ps in phrases.values() for p in set(ps))
    return [
        (phrase + "\n" + phrase, label)
        for label, ps in phrases.items()
        for phrase in ps
        if seen[phrase] == 1
    ]


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
    prior: bool = True,
) -> Model:
    """A model from (text, category[, department]) samples; empty texts and labels seen once are
    left out. ``prior``: labels named as a known class also learn its phrases
    (:func:`prior_texts`)."""
    started = time.perf_counter()
    kept = [s for s in samples if s.text and s.category]
    counts = Counter(s.category for s in kept)
    kept = [s for s in kept if counts[s.category] >= MIN_CLASS_SIZE]
    if len(kept) < 4:
        raise ClassifierError(
            f"可用于训练的样本太少（{len(kept)}条） / too few samples to train ({len(kept)})"
        )
    texts = [model_text(s.text) for s in kept]
    cat_labels = [s.category for s in kept]
    if len(set(cat_labels)) < 2:
        raise ClassifierError("至少需要两个类别才能训练 / at least two labels are needed to train")
    extra = label_texts(cat_labels, names, parents, prior=prior)
    features, x_all = _fit_features(texts + [t for t, _ in extra])
    for _, vectorizer in features.transformer_list:
        vectorizer.stop_words_ = None  # the terms min_df dropped: only bulk in the pickle
    x = x_all[: len(texts)]
    cat_labels += [lab for _, lab in extra]
    chosen = _select(x_all, cat_labels, pinned=len(extra))
    with_dept = [i for i, s in enumerate(kept) if s.department]
    with _pool() as pool:  # the two heads' fits side by side
        category_job = pool.submit(Head, x_all, cat_labels, selection=chosen)
        department_job = (
            pool.submit(  # the category's settings; its own temperature
                Head,
                x[with_dept],
                [str(kept[i].department) for i in with_dept],
                grid=(chosen.choice,),
            )
            if len({kept[i].department for i in with_dept}) >= 2
            else None
        )
        category = category_job.result()
        department = department_job.result() if department_job is not None else None
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
class Bin:
    """One bin of the reliability figure: held-out suggestions whose confidence fell in
    [low, high), how many, their mean confidence and how many of them were right."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


BINS = 10


def reliability(confidence: Sequence[float], correct: Sequence[bool]) -> tuple[float, list[Bin]]:
    """Expected calibration error (the bins' |accuracy − confidence| weighted by their share of
    the suggestions) and the bins, over :data:`BINS` equal-width bins of the top confidence."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float)
    bins: list[Bin] = []
    ece = 0.0
    for b in range(BINS):
        low, high = b / BINS, (b + 1) / BINS
        mask = (conf >= low) & ((conf < high) if b < BINS - 1 else (conf <= high))
        n = int(mask.sum())
        if not n:
            continue
        c, a = float(conf[mask].mean()), float(ok[mask].mean())
        bins.append(Bin(low, high, n, c, a))
        ece += n / len(conf) * abs(a - c)
    return ece, bins


@dataclass(frozen=True)
class Evaluation:
    classes: list[ClassReport]
    macro_f1: float
    accuracy: float
    folds: int
    samples: int
    ece: float | None = None  # expected calibration error of the held-out confidences
    confidence: float | None = None  # their mean
    bins: list[Bin] = field(default_factory=list)
    chosen: dict[str, int] = field(default_factory=dict)  # the inner search's choice per fold

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
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
        if self.ece is not None:
            out["ece"] = round(self.ece, 4)
            out["mean_confidence"] = round(self.confidence or 0.0, 4)
            out["reliability"] = [
                {
                    "bin": f"{b.low:.1f}-{b.high:.1f}",
                    "n": b.count,
                    "confidence": round(b.confidence, 4),
                    "accuracy": round(b.accuracy, 4),
                }
                for b in self.bins
            ]
        return out

    def lines(self) -> list[str]:
        width = max([len(c.label) for c in self.classes] + [5])
        out = [f"{'label':<{width}}  precision  recall     f1  support"]
        for c in self.classes:
            out.append(
                f"{c.label:<{width}}  {c.precision:9.3f}  {c.recall:6.3f}  {c.f1:5.3f}  "
                f"{c.support:7d}"
            )
        if self.chosen:
            out.append(
                "chosen by inner cross-validation: "
                + ", ".join(f"{k} ×{n}" for k, n in sorted(self.chosen.items()))
            )
        if self.ece is not None:
            out.append("reliability: confidence bin, suggestions, mean confidence, right")
            for b in self.bins:
                out.append(
                    f"  {b.low:.1f}–{b.high:.1f}  {b.count:6d}  {b.confidence:5.3f}  "
                    f"{b.accuracy:5.3f}"
                )
            out.append(
                f"ece={self.ece:.3f} mean_confidence={self.confidence:.3f} "
                f"(expected calibration error over {BINS} bins)"
            )
        out.append(f"macro_f1={self.macro_f1:.3f} accuracy={self.accuracy:.3f}")
        return out


def _report(
    y: Sequence[str],
    predicted: Sequence[str],
    folds: int,
    confidence: Sequence[float] | None = None,
    chosen: dict[str, int] | None = None,
) -> Evaluation:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    classes = sorted(set(y))
    p, r, f, s = precision_recall_fscore_support(y, predicted, labels=classes, zero_division=0)
    ece: float | None = None
    bins: list[Bin] = []
    mean_conf: float | None = None
    if confidence is not None and len(confidence):
        ece, bins = reliability(confidence, [a == b for a, b in zip(y, predicted, strict=True)])
        mean_conf = float(np.mean(confidence))
    return Evaluation(
        [
            ClassReport(c, float(p[i]), float(r[i]), float(f[i]), int(s[i]))
            for i, c in enumerate(classes)
        ],
        float(f1_score(y, predicted, labels=classes, average="macro", zero_division=0)),
        float(accuracy_score(y, predicted)),
        folds,
        len(y),
        ece,
        mean_conf,
        bins,
        dict(chosen or {}),
    )


def _held_out(
    head: Head, x: Any, predicted: np.ndarray, confidence: np.ndarray, where: Any
) -> None:
    probs = head.scores(x)
    best = probs.argmax(axis=1)
    predicted[where] = np.asarray(head.classes, dtype=object)[best]
    confidence[where] = probs[np.arange(len(best)), best]


def _choice_name(head: Head) -> str:
    c, balanced = head.selection.choice
    return f"C={c:g}{' balanced' if balanced else ''}"


def _cv_fold(
    x: np.ndarray,
    y: np.ndarray,
    d: np.ndarray,
    tr: np.ndarray,
    te: np.ndarray,
    cat_pred: np.ndarray,
    cat_conf: np.ndarray,
    dept_pred: np.ndarray,
    dept_conf: np.ndarray,
    chosen: Counter[str],
    extra: Sequence[tuple[str, str]] = (),
) -> None:
    features, xtr_all = _fit_features(list(x[tr]) + [t for t, _ in extra])
    xtr = xtr_all[: len(tr)]
    xte = features.transform(list(x[te]))
    head = Head(xtr_all, list(y[tr]) + [lab for _, lab in extra], pinned=len(extra))
    chosen[_choice_name(head)] += 1
    _held_out(head, xte, cat_pred, cat_conf, te)
    has = [i for i, j in enumerate(tr) if d[j]]
    if len({d[tr[i]] for i in has}) >= 2:
        dept_head = Head(xtr[has], list(d[tr[has]]), grid=(head.selection.choice,))
        _held_out(dept_head, xte, dept_pred, dept_conf, te)


def cross_validate(
    samples: Sequence[Sample],
    folds: int = 3,
    *,
    parents: dict[str, str | None] | None = None,
    names: dict[str, str] | None = None,
    prior: bool = True,
) -> tuple[Evaluation, Evaluation | None]:
    """Both heads of a :class:`Model` held out together (one feature fit per fold, each head's
    settings and temperature chosen on the fold's training part only): the category's figures
    and, where samples name one, the department's, with their calibration. ``parents``,
    ``names`` and ``prior`` as for :func:`train` (the labels' names and prior texts join each
    fold's training part; nothing but the held-out samples is scored)."""
    from sklearn.model_selection import StratifiedKFold

    kept = [s for s in samples if s.text and s.category]
    counts = Counter(s.category for s in kept)
    kept = [s for s in kept if counts[s.category] >= folds]
    if len({s.category for s in kept}) < 2:
        raise ClassifierError(
            f"每类至少需要{folds}条样本、至少两类 / at least two labels with {folds} samples "
            "each are needed"
        )
    x = np.asarray([model_text(s.text) for s in kept], dtype=object)
    y = np.asarray([s.category for s in kept], dtype=object)
    d = np.asarray([s.department or "" for s in kept], dtype=object)
    cat_pred = np.empty(len(y), dtype=object)
    cat_conf = np.zeros(len(y))
    dept_pred = np.empty(len(y), dtype=object)
    dept_conf = np.zeros(len(y))
    chosen: Counter[str] = Counter()
    extra = label_texts(set(y), names, parents, prior=prior)
    with remembering_words():
        for tr, te in StratifiedKFold(folds, shuffle=True, random_state=16).split(x, y):
            _cv_fold(x, y, d, tr, te, cat_pred, cat_conf, dept_pred, dept_conf, chosen, extra)
    cat = _report(list(y), list(cat_pred), folds, list(cat_conf), dict(chosen))
    mask = [i for i in range(len(d)) if d[i] and dept_pred[i] is not None]
    dept = (
        _report(list(d[mask]), list(dept_pred[mask]), folds, list(dept_conf[mask]))
        if mask
        else None
    )
    return cat, dept


def evaluate(
    texts: Sequence[str], labels: Sequence[str], folds: int = 5, *, prior: bool = True
) -> Evaluation:
    """Stratified k-fold cross-validation of the category model as :func:`train` makes it (its
    settings and temperature chosen by an inner cross-validation inside each training part, never
    on the fold held out): per-class precision, recall and support over the held-out
    predictions, macro-F1, accuracy and the calibration of the confidences. Labels with fewer
    samples than folds are left out (they cannot be held out in every fold). The labels' names
    and, with ``prior``, their :func:`prior_texts` join each training part only."""
    from sklearn.model_selection import StratifiedKFold

    if folds < 2:
        raise ClassifierError("折数至少为2 / --folds must be at least 2")
    cleaned = [(model_text(t), str(lab)) for t, lab in zip(texts, labels, strict=True)]
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
    confidence = np.zeros(len(y))
    chosen: Counter[str] = Counter()
    extra = label_texts(set(y), prior=prior)  # the labels are names here
    with remembering_words():
        for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=16).split(
            x, y
        ):
            features, xtr = _fit_features(list(x[train_idx]) + [t for t, _ in extra])
            head = Head(xtr, list(y[train_idx]) + [lab for _, lab in extra], pinned=len(extra))
            chosen[_choice_name(head)] += 1
            xte = features.transform(list(x[test_idx]))
            _held_out(head, xte, predicted, confidence, test_idx)
    return _report(list(y), list(predicted), folds, list(confidence), dict(chosen))
