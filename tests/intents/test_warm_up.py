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


def test_a_caller_speaking_during_a_long_training_is_sent_to_the_menu_not_left_waiting(monkeypatch, app, twilio):
    """On a busy machine a fresh process's training can outlast a webhook: the caller waits at most
    READY_WAIT seconds and hears the menu again (keys still work), and /healthz says the model is training."""
    from ivr.intents import handlers

    classifier._trained.cache_clear()
    classifier._READY.clear()
    release = threading.Event()
    real_train = classifier.train

    def endless_train(examples):  # type: ignore[no-untyped-def]
        release.wait(30)
        return real_train(examples)

    monkeypatch.setattr(classifier, "train", endless_train)
    monkeypatch.setattr(handlers, "READY_WAIT", 0.3)
    settings = app.extensions["cityline"].settings
    training = classifier.warm_up(settings.intents_file, settings.intents_learned_file)
    try:
        assert app.test_client().get("/healthz").get_json()["intents"] == "training"
        started = time.perf_counter()
        answer = twilio.post("/voice/step?node=main_menu&lang=en", {"SpeechResult": "there is a pothole"})
        assert time.perf_counter() - started < 3
        assert answer.status_code == 200 and "<Gather" in answer.get_data(as_text=True)  # the menu, asked again
    finally:
        release.set()
        training.join(timeout=60)
    assert app.test_client().get("/healthz").get_json()["intents"] == "ready"
    classifier._trained.cache_clear()
