"""The classifier is trained once per process, before callers need it, however many arrive together."""

from __future__ import annotations

import threading
import time

from ivr.intents import classifier


def test_callers_arriving_together_wait_for_one_training(monkeypatch):
    trainings = []
    real_train = classifier.train

    def slow_train(examples):  # type: ignore[no-untyped-def]
        trainings.append(1)
        time.sleep(0.3)
        return real_train(examples)

    classifier._trained.cache_clear()
    monkeypatch.setattr(classifier, "train", slow_train)
    found = []
    threads = [threading.Thread(target=lambda: found.append(classifier.cached_classifier(None, None)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(trainings) == 1 and len({id(model) for model in found}) == 1
    classifier._trained.cache_clear()


def test_the_warm_up_trains_in_the_background_so_the_first_guess_is_immediate():
    classifier._trained.cache_clear()
    classifier.warm_up(None, None).join(timeout=60)
    started = time.perf_counter()
    guess = classifier.cached_classifier(None, None).guess("there is a pothole on my street")
    assert time.perf_counter() - started < 0.5
    assert guess is not None
