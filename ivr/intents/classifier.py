"""A text classifier for short transcripts: TF-IDF over words and letter groups, then logistic regression.

Letter groups (3-5 characters within words) carry most of the weight: speech
recognisers misspell ("pot hole", "streetlite", "recojen"), and a misspelt word
still shares most of its letter groups with the right one.  Chinese is written
without spaces ("我家门口有个坑"), so words cannot be found by splitting: its
characters are taken apart from the rest of the text and weighed as groups of
one to three characters, while the spaced part of a mixed transcript ("311",
"Elm Street") goes through the word and letter-group features as English does.
The model is small (a few thousand features), trains in well under a second on
the examples, and runs on this machine: nothing leaves it.  scikit-learn is
imported only when a model is first trained, so processes that never classify
do not pay for it.
"""

from __future__ import annotations

import difflib
import functools
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.speech import normalise
from ivr.intents.catalogue import Catalogue, load_catalogue
from ivr.intents.learned import read_learned

#: Regularisation: high enough that an example phrase said back is recognised with confidence.
STRENGTH = 20.0


#: How alike a heard word must be to a word of the examples to count as known.
KNOWN_ALIKE = 0.85
#: Words too common to show that an utterance is about anything the examples describe.
COMMON_WORDS = frozenset({
    "the", "and", "for", "you", "are", "can", "get", "want", "need", "like", "please", "this", "that", "with",
    "what", "when", "there", "have", "about", "calling", "call", "know", "just", "hello",
    "por", "favor", "que", "quiero", "una", "los", "las", "del", "con", "para", "hay", "necesito", "saber",
    "cuando", "como", "esta", "llamo", "hola",
    # Mandarin: pairs of characters (words are found as character pairs in unspaced text)
    "你好", "请问", "我想", "我要", "想要", "一下", "知道", "什么", "那个", "这个", "可以", "就是", "然后",
    "我们", "你们", "他们", "是不", "不是", "的话", "谢谢", "麻烦", "我打", "打电", "电话", "是这", "这样",
})
#: Characters of scripts written without spaces between words (Han, kana).
UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNSPACED_RUN = re.compile(f"[{UNSPACED}]+")


@dataclass(frozen=True)
class Guess:
    intent: str
    probability: float  # 0-1, how sure the model is


class Classifier:
    def __init__(self, pipeline: Any, vocabulary: frozenset[str]) -> None:
        self._pipeline = pipeline
        self._vocabulary = vocabulary

    def guess(self, text: str) -> Guess | None:
        """The likeliest intent, or None for words none of which the examples use ("mumble mumble")."""
        words = normalise(text)
        if not any(self._known(word) for word in _words(words)):
            return None
        probabilities = self._pipeline.predict_proba([words])[0]
        best = int(probabilities.argmax())
        return Guess(str(self._pipeline.classes_[best]), float(probabilities[best]))

    def _known(self, word: str) -> bool:
        """A word the examples use, or one a recogniser may have misspelt ("vache" for "bache")."""
        if word in self._vocabulary:
            return True
        if _UNSPACED_RUN.match(word):  # a pair of characters is too short to be misspelt into another
            return False
        return len(word) > 3 and bool(difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=KNOWN_ALIKE))


def train(examples: Iterable[tuple[str, str]]) -> Classifier:
    """A classifier trained on (phrase, intent) pairs."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    pairs = [(normalise(phrase), intent) for phrase, intent in examples if normalise(phrase)]
    vectorizers = []
    if any(spaced_part(phrase) for phrase, _ in pairs):  # a vectorizer with nothing to learn would fail
        vectorizers += [
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, preprocessor=spaced_part),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=spaced_part),
        ]
    if any(unspaced_part(phrase) for phrase, _ in pairs):
        vectorizers.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True,
                                           preprocessor=unspaced_part))
    pipeline = make_pipeline(make_union(*vectorizers),
                             LogisticRegression(C=STRENGTH, solver="newton-cg", max_iter=1000))
    pipeline.fit([phrase for phrase, _ in pairs], [intent for _, intent in pairs])
    vocabulary = frozenset(word for phrase, _ in pairs for word in _words(phrase)
                           if len(word) > 2 or _UNSPACED_RUN.match(word))
    return Classifier(pipeline, vocabulary - COMMON_WORDS)


def spaced_part(text: str) -> str:
    """The text without its unspaced-script characters: "我住在elm街" -> "elm"."""
    return " ".join(_UNSPACED_RUN.sub(" ", text).split())


def unspaced_part(text: str) -> str:
    """Only the runs of unspaced-script characters, one a word: "我住在elm街" -> "我住在 街"."""
    return " ".join(_UNSPACED_RUN.findall(text))


def _words(text: str) -> list[str]:
    """The words of normalised text: the spaced ones, and each pair of characters of an unspaced run (a run of
    one character is a word alone), since nothing in "我家门口有个坑" says where its words end."""
    runs = _UNSPACED_RUN.findall(text)
    pairs = [run[i:i + 2] for run in runs for i in range(max(len(run) - 1, 1))]
    return spaced_part(text).split() + pairs


def training_pairs(catalogue: Catalogue, learned: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The catalogue's examples plus learned phrases whose intent the catalogue still has."""
    return catalogue.examples() + [(phrase, intent) for phrase, intent in learned if intent in catalogue.intents]


@functools.lru_cache(maxsize=4)
def _trained(intents_file: Path | None, learned_file: Path | None, _stamp: tuple[float, float]) -> Classifier:
    catalogue = load_catalogue(intents_file)
    return train(training_pairs(catalogue, read_learned(learned_file)))


_TRAINING = threading.Lock()
_READY: set[tuple[Path | None, Path | None, float, float]] = set()  # files (and their times) trained on


def cached_classifier(intents_file: Path | None, learned_file: Path | None) -> Classifier:
    """The model for these files, trained once per process (again only when a file changes).

    Training takes seconds: under the lock, callers arriving together wait for one training instead of each
    starting their own (a storm's first minute would otherwise train it on every thread)."""
    with _TRAINING:
        return _model(intents_file, learned_file)


def _model(intents_file: Path | None, learned_file: Path | None) -> Classifier:
    """Under _TRAINING: the cached model, trained first if the files are new or changed."""
    stamp = (_mtime(intents_file), _mtime(learned_file))
    model = _trained(intents_file, learned_file, stamp)
    _READY.add((intents_file, learned_file, *stamp))
    return model


def ready_classifier(intents_file: Path | None, learned_file: Path | None, wait: float) -> Classifier | None:
    """The model, waiting at most `wait` seconds for a training under way (the start-up warm-up, or a file
    that changed); None when it is not ready by then, so a webhook never waits long enough for the network to
    give up on it.  With no training under way, a model not trained yet is trained here."""
    if not _TRAINING.acquire(timeout=wait):
        return None
    try:
        return _model(intents_file, learned_file)
    finally:
        _TRAINING.release()


def is_trained(intents_file: Path | None, learned_file: Path | None) -> bool:
    """Whether this process holds the model for the files as they are now (the health check says so)."""
    return (intents_file, learned_file, _mtime(intents_file), _mtime(learned_file)) in _READY


def warm_up(intents_file: Path | None, learned_file: Path | None) -> threading.Thread:
    """Train in the background as a web process starts, so no caller waits seconds for the first guess."""
    thread = threading.Thread(target=cached_classifier, args=(intents_file, learned_file),
                              name="intents-warm-up", daemon=True)
    thread.start()
    return thread


def _mtime(path: Path | None) -> float:
    try:
        return path.stat().st_mtime if path is not None else 0.0
    except OSError:
        return 0.0


def held_out_accuracy(pairs: Sequence[tuple[str, str]], share: float, seed: int = 311) -> tuple[float, int]:
    """Accuracy on a stratified `share` of the pairs, the model trained on the rest; and how many were tested."""
    from sklearn.model_selection import train_test_split

    phrases, intents = [p for p, _ in pairs], [i for _, i in pairs]
    train_x, test_x, train_y, test_y = train_test_split(phrases, intents, test_size=share, random_state=seed,
                                                        stratify=intents)
    classifier = train(zip(train_x, train_y, strict=True))
    right = sum(1 for phrase, truth in zip(test_x, test_y, strict=True)
                if (guess := classifier.guess(phrase)) is not None and guess.intent == truth)
    return right / len(test_x), len(test_x)
