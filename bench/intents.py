"""How well the main menu's classifier names what callers ask for, on utterances it never trained on.

Trains on flows/library/intents.yaml (plus the learned phrases, if any) exactly
as the IVR does, then classifies every labelled utterance in
bench/intents_data/<language>.tsv (`intent<TAB>utterance`, at least 300 a
language) for every language the intents file has (en, es, zh-CN as shipped).
Prints, per language: top-1 accuracy, how many the IVR would take
at once, confirm first or give up on at the intents file's thresholds, and the
confusion per intent (rows: the true intent; columns: what the model said).

    python bench/intents.py [--intents flows/library/intents.yaml] [--learned var/intents-learned.tsv]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from ivr.intents.catalogue import load_catalogue
from ivr.intents.classifier import Classifier, train, training_pairs
from ivr.intents.learned import read_labelled, read_learned

DATA = Path(__file__).resolve().parent / "intents_data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intents", type=Path, default=None)
    parser.add_argument("--learned", type=Path, default=None)
    args = parser.parse_args()
    catalogue = load_catalogue(args.intents)
    started = time.perf_counter()
    classifier = train(training_pairs(catalogue, read_learned(args.learned)))
    print(f"trained on {len(catalogue.examples())} examples in {time.perf_counter() - started:.2f} s; "
          f"confirm below {catalogue.confirm_below:.2f}, give up below {catalogue.give_up_below:.2f}\n")
    for language in catalogue.languages:
        labelled_file = DATA / f"{language}.tsv"
        if not labelled_file.exists():
            print(f"== {language}: no labelled utterances ({labelled_file} is missing)\n")
            continue
        labelled = list(read_labelled(labelled_file.read_text(encoding="utf-8").splitlines()))
        report(language, labelled, classifier, catalogue.confirm_below, catalogue.give_up_below,
               sorted(catalogue.intents))


def report(language: str, labelled: list[tuple[str, str]], classifier: Classifier, confirm_below: float,
           give_up_below: float, intents: list[str]) -> None:
    confusion: Counter[tuple[str, str]] = Counter()
    taken = confirmed = gave_up = taken_wrong = 0
    for phrase, truth in labelled:
        guess = classifier.guess(phrase)
        said = guess.intent if guess else "-"
        confusion[truth, said] += 1
        probability = guess.probability if guess else 0.0
        if probability < give_up_below:
            gave_up += 1
        elif probability < confirm_below:
            confirmed += 1
        else:
            taken += 1
            taken_wrong += said != truth
    right = sum(n for (truth, said), n in confusion.items() if truth == said)
    total = len(labelled)
    print(f"== {language}: {total} utterances, top-1 accuracy {right / total:.1%} ({right}/{total})")
    print(f"   routed at once {taken} ({taken_wrong} of them wrong), confirmed first {confirmed}, "
          f"back to the menu {gave_up}")
    print_confusion(confusion, intents)


def print_confusion(confusion: Counter[tuple[str, str]], intents: list[str]) -> None:
    width = max(len(intent) for intent in intents)
    short = [intent[:6] for intent in intents]
    print(f"   {'true/said':<{width}} " + " ".join(f"{s:>6}" for s in short) + "  accuracy")
    for truth in intents:
        row = [confusion[truth, said] for said in intents]
        total = sum(confusion[truth, said] for said in [*intents, "-"])
        accuracy = confusion[truth, truth] / total if total else 0.0
        print(f"   {truth:<{width}} " + " ".join(f"{n:>6}" for n in row) + f"  {accuracy:7.1%}")
    print()


if __name__ == "__main__":
    main()
