"""Rendering the engine's instructions as TwiML, with the twilio library only.

Every piece of text goes through `VoiceResponse`, which escapes it, so nothing
a caller said or typed can ever become markup.  Every document ends in a verb
that keeps the call alive (a Gather's fall-through Redirect, an Enqueue, a
Dial, a Record) or in a deliberate Hangup: no dead air.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Response
from twilio.twiml.voice_response import Gather, VoiceResponse

from flows.instructions import (
    CallState,
    Connect,
    EndCall,
    Instruction,
    Listen,
    PlayAudio,
    Queue,
    RecordMessage,
    Sound,
    Speak,
)
from flows.model import Voice
from ivr.xml_text import xml_safe


def queue_name(skill: str, language: str) -> str:
    """The Twilio queue a caller waits in: one per skill and language."""
    return f"{skill}-{language}"


@dataclass(frozen=True)
class Renderer:
    voices: Mapping[str, Voice]
    step_url: Callable[[CallState], str]  # where the caller's reply to a node is posted
    hold_url: Callable[[str, str], str]  # (skill, language) -> waitUrl

    def render(self, instructions: tuple[Instruction, ...]) -> VoiceResponse:
        response = VoiceResponse()
        for instruction in instructions:
            self._append(response, instruction)
        return response

    def _append(self, response: VoiceResponse, instruction: Instruction) -> None:
        match instruction:
            case Speak() | PlayAudio():
                self._sound(response, instruction)
            case Listen():
                response.append(self._gather(instruction))
                response.redirect(self.step_url(instruction.state), method="POST")
            case Queue(skill=skill, language=language, state=state):
                response.enqueue(queue_name(skill, language), wait_url=self.hold_url(skill, language),
                                 wait_url_method="POST", action=self.step_url(state), method="POST")
            case Connect(number=number, timeout=timeout, state=state):
                response.dial(number, timeout=timeout, action=self.step_url(state), method="POST")
            case RecordMessage(state=state, max_length=max_length):
                response.record(action=self.step_url(state), method="POST", max_length=max_length,
                                finish_on_key="#", play_beep=True, timeout=5)
                response.redirect(self.step_url(state), method="POST")
            case EndCall():
                response.hangup()

    def _sound(self, parent: VoiceResponse | Gather, sound: Sound) -> None:
        if isinstance(sound, Speak):
            voice = self.voices[sound.language]
            parent.say(sound.text, voice=voice.voice, language=voice.language)
        else:
            parent.play(sound.url)

    def _gather(self, listen: Listen) -> Gather:
        kinds = [kind for kind, on in (("dtmf", listen.dtmf), ("speech", listen.speech)) if on]
        options: dict[str, object] = {
            "input": " ".join(kinds),
            "action": self.step_url(listen.state),
            "method": "POST",
            "timeout": listen.timeout,
            "action_on_empty_result": False,
        }
        if listen.speech:
            options.update(language=self.voices[listen.language].language, speech_timeout="auto")
            if listen.hints:
                options["hints"] = ", ".join(listen.hints)
        if listen.num_digits:
            options["num_digits"] = listen.num_digits
        if listen.finish_on_key:
            options["finish_on_key"] = listen.finish_on_key
        gather = Gather(**options)
        for sound in listen.prompts:
            self._sound(gather, sound)
        return gather


def twiml_response(document: VoiceResponse, status: int = 200) -> Response:
    """The document as Twilio reads it; characters XML cannot carry are dropped as a last guard."""
    return Response(xml_safe(str(document)), status=status, mimetype="text/xml")
