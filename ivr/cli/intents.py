"""`cityline intents`: retrain the main menu's classifier from agents' wrap-ups, try a phrase on it."""

from __future__ import annotations

import click

from ivr.cli.common import settings as _settings


@click.group()
def intents() -> None:
    """The classifier that routes what callers say at the main menu."""


@intents.command("train")
@click.option("--held-out", default=0.2, show_default=True, help="Share of examples kept aside to report accuracy.")
def intents_train(held_out: float) -> None:
    """Learn phrases from cases agents opened for calls, write them to INTENTS_LEARNED_FILE, report accuracy.

    Reads the cases with an agent on them, the calls linked to each, and what
    the caller said at the main menu on those calls; the case's service type
    names the intent (the intents file's `service_types`).
    """
    from ivr import db
    from ivr.intents.catalogue import load_catalogue
    from ivr.intents.learned import learn_from_cases, write_learned

    settings = _settings()
    catalogue = load_catalogue(settings.intents_file)
    engine = db.make_engine(settings.database_url)
    try:
        with db.make_session_factory(engine)() as session:
            learned = learn_from_cases(session, catalogue)
    finally:
        engine.dispose()
    write_learned(settings.intents_learned_file, learned)
    click.echo(f"{len(catalogue.examples())} examples in the intents file, {len(learned)} phrases learned "
               f"from agents' cases, written to {settings.intents_learned_file}")
    _report_held_out(catalogue, learned, held_out)
    click.echo("Web processes retrain on their next classification (they notice the file changed).")


def _report_held_out(catalogue, learned, share: float) -> None:  # type: ignore[no-untyped-def]
    from ivr.intents.classifier import held_out_accuracy, training_pairs

    accuracy, tested = held_out_accuracy(training_pairs(catalogue, learned), share)
    click.echo(f"accuracy on {tested} held-out examples (trained on the rest): {accuracy:.1%}")


@intents.command("try")
@click.argument("words", nargs=-1, required=True)
def intents_try(words: tuple[str, ...]) -> None:
    """Show the intent the classifier names for WORDS, and how sure it is."""
    from ivr.intents.classifier import cached_classifier

    settings = _settings()
    guess = cached_classifier(settings.intents_file, settings.intents_learned_file).guess(" ".join(words))
    click.echo("no idea (no word the examples use)" if guess is None else f"{guess.intent} {guess.probability:.2f}")
