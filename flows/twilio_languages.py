"""What Twilio can say and hear: flows/library/twilio_languages.yaml, checked against a flow's voices."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flows import model
from flows.files import read_file

TWILIO_LANGUAGES_FILE = Path(__file__).parent / "library" / "twilio_languages.yaml"


@dataclass(frozen=True)
class TwilioLanguages:
    voices: dict[str, str]  # voice -> the <Say> tag it speaks
    say: frozenset[str]
    speech: frozenset[str]


@lru_cache(maxsize=1)
def twilio_languages(path: Path = TWILIO_LANGUAGES_FILE) -> TwilioLanguages:
    raw = read_file(path)
    say, speech = raw.get("say") or {}, raw.get("speech") or {}
    return TwilioLanguages({str(k): str(v) for k, v in (say.get("voices") or {}).items()},
                           frozenset(map(str, say.get("languages") or ())),
                           frozenset(map(str, speech.get("languages") or ())))


def voice_problems(language: str, voice: model.Voice, known: TwilioLanguages) -> Iterator[str]:
    """Sentences naming what Twilio does not offer for one flow language's voice."""
    if voice.voice and voice.voice not in known.voices:
        yield f"Twilio voice {voice.voice!r} for {language!r} is not in {TWILIO_LANGUAGES_FILE.name}"
    elif voice.voice and known.voices[voice.voice] != voice.language:
        yield (f"Twilio voice {voice.voice!r} speaks {known.voices[voice.voice]}, not {voice.language!r} "
               f"(the <Say> language for {language!r})")
    elif not voice.voice and voice.language not in known.say:
        yield f"Twilio's <Say> does not offer {voice.language!r} (for {language!r})"
    if voice.recognition not in known.speech:
        yield f"Twilio's speech recognition does not offer {voice.recognition!r} (for {language!r})"
