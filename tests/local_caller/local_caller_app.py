"""A tiny Twilio-style Flask app for the local caller's tests (not the project's app).

It validates X-Twilio-Signature like a real deployment would (403 when invalid)
and logs every request it saw, so tests can assert what actually arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, Response, abort, current_app, redirect, request
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from ivr.local_caller import CallTranscript, LocalCall, ScriptedCaller, parse_script

TOKEN = "test-auth-token"
PUBLIC_BASE = "https://311.example.gov"
ECHOED = ("Digits", "FinishedOnKey", "SpeechResult", "Confidence", "QueueResult",
          "DialCallStatus", "DialCallDuration", "RecordingDuration")


@dataclass(frozen=True)
class Seen:
    """One request as the app received it."""

    method: str
    path: str
    params: dict[str, str]
    signature_ok: bool
    headers: dict[str, str]


def _twiml(response: VoiceResponse | str) -> Response:
    return Response(str(response), mimetype="text/xml")


def _one(verb: str, *args: object, **attributes: object) -> Response:
    """A document with one verb (VoiceResponse.say() etc. return the verb, not the doc)."""
    response = VoiceResponse()
    getattr(response, verb)(*args, **attributes)
    return _twiml(response)


def _url_the_app_validates() -> str:
    """request.url, or the public URL when the app sits behind a proxy."""
    public = current_app.config.get("PUBLIC_BASE_URL")
    if not public:
        return request.url
    return public + request.url[len(request.host_url.rstrip("/")):]


def _check_signature(seen: list[Seen]) -> Callable[[], None]:
    def check() -> None:
        params = request.form.to_dict() if request.method == "POST" else {}
        signature = request.headers.get("X-Twilio-Signature", "")
        ok = RequestValidator(TOKEN).validate(_url_the_app_validates(), params, signature)
        seen.append(Seen(request.method, request.path, request.values.to_dict(), ok,
                         dict(request.headers)))
        if not ok:
            abort(403)
    return check


# --- menus, echo, redirects -----------------------------------------------------------


def menu() -> Response:
    response = VoiceResponse()
    gather = Gather(action="menu/choice", numDigits=1)
    gather.say("Press 1 for trash, 2 for potholes.")
    response.append(gather)
    response.say("We did not get a choice. Goodbye.")
    return _twiml(response)


def menu_choice() -> Response:
    response = VoiceResponse()
    response.say(f"You chose {request.form['Digits']}.")
    response.hangup()
    return _twiml(response)


def echo() -> Response:
    """Says back the interesting parameters, so tests can assert on what was heard."""
    parts = [f"{key}={request.values[key]}" for key in ECHOED if key in request.values]
    response = VoiceResponse()
    response.say("echo " + ("; ".join(parts) if parts else "nothing"))
    response.hangup()
    return _twiml(response)


def gather_from_query() -> Response:
    """A Gather whose attributes come from the query string (?numDigits=1 ...)."""
    attributes = {k: v for k, v in request.args.items() if k != "last"}
    response = VoiceResponse()
    gather = Gather(action="/echo", **attributes)
    gather.say("Enter your choice.", language=request.args.get("language"))
    response.append(gather)
    if "last" not in request.args:
        response.say("No input. Goodbye.")
    return _twiml(response)


def redirect_get() -> Response:
    return _one("redirect", "/echo?hop=1", method="GET")


def public_redirect() -> Response:
    return _one("redirect", f"{PUBLIC_BASE}/hangup")


# --- queues ---------------------------------------------------------------------------


def queue_start() -> Response:
    response = VoiceResponse()
    response.say("All agents are busy.")
    response.enqueue("support", wait_url="/queue/wait", action="/queue/done")
    response.say("This is never heard.")
    return _twiml(response)


def queue_wait() -> Response:
    response = VoiceResponse()
    response.say(f"You are caller {request.form['QueuePosition']}, "
                 f"waited {request.form['QueueTime']} seconds.")
    gather = Gather(numDigits=1, action="/queue/choice")
    gather.say("Press 1 to leave the queue.")
    response.append(gather)
    return _twiml(response)


def queue_choice() -> Response:
    if request.form.get("Digits") == "1":
        return _one("leave")
    return _one("say", "Keep holding.")


def queue_done() -> Response:
    response = VoiceResponse()
    response.say(f"Queue result {request.form['QueueResult']}.")
    response.hangup()
    return _twiml(response)


def queue_plain() -> Response:
    response = VoiceResponse()
    response.enqueue("support", wait_url=request.args.get("wait", "/queue/music"))
    response.say("You left the queue.")
    return _twiml(response)


# --- dial, record, endings ------------------------------------------------------------


def dial_agent() -> Response:
    response = VoiceResponse()
    dial = Dial(action="/echo", timeout=20)
    dial.client("alice")
    response.append(dial)
    response.say("Not reached after a hang-up.")
    return _twiml(response)


def dial_plain() -> Response:
    response = VoiceResponse()
    dial = Dial()
    dial.number("+15551230000")
    dial.client("agent7")
    response.append(dial)
    response.say("Nobody answered.")
    return _twiml(response)


def record() -> Response:
    response = VoiceResponse()
    response.say("Leave a message after the beep.")
    response.record(action="/echo", max_length=60, transcribe_callback="/record/transcript")
    response.say("No message recorded. Goodbye.")
    return _twiml(response)


def hangup() -> Response:
    response = VoiceResponse()
    response.say("Goodbye.")
    response.hangup()
    response.say("Never heard.")
    return _twiml(response)


def late_reject() -> Response:
    response = VoiceResponse()
    response.say("Hello.")
    response.reject(reason="busy")
    return _twiml(response)


def fail_500() -> Response:
    abort(500)


ROUTES: dict[str, Callable[[], object]] = {
    "/flows/menu": menu,
    "/flows/menu/choice": menu_choice,
    "/echo": echo,
    "/gather": gather_from_query,
    "/redirect/get": redirect_get,
    "/public-redirect": public_redirect,
    "/queue/start": queue_start,
    "/queue/wait": queue_wait,
    "/queue/choice": queue_choice,
    "/queue/done": queue_done,
    "/queue/plain": queue_plain,
    "/queue/music": lambda: _one("say", "Please hold."),
    "/queue/leave-now": lambda: _one("leave"),
    "/queue/dial-in-wait": lambda: _one("dial", "+15550000000"),
    "/queue/no-wait-url": lambda: _one("enqueue", "support", action="/queue/done"),
    "/dial": lambda: _one("dial", "+15551230000", action="/echo", timeout=20),
    "/dial/plain": dial_plain,
    "/dial/agent": dial_agent,
    "/record": record,
    "/record/transcript": lambda: Response("", status=204),
    "/hangup": hangup,
    "/reject": lambda: _one("reject", reason=request.args.get("reason")),
    "/late-reject": late_reject,
    "/runout": lambda: _one("say", "That is all.", language="es-MX"),
    "/loop": lambda: _one("redirect", "/loop"),
    "/status": lambda: Response("", status=204),
    "/fail/500": fail_500,
    "/fail/text": lambda: Response("hello there", mimetype="text/plain"),
    "/fail/root": lambda: _twiml("<Html><Say>Hi</Say></Html>"),
    "/fail/unknown": lambda: _twiml("<Response><Say>Hi</Say><Dance/></Response>"),
    "/fail/redirect": lambda: redirect("/hangup"),
}


def create_app(seen: list[Seen]) -> Flask:
    app = Flask(__name__)
    app.before_request(_check_signature(seen))
    for number, (path, view) in enumerate(ROUTES.items()):
        app.add_url_rule(path, f"route{number}", view, methods=["GET", "POST"])
    return app


@dataclass
class AppServer:
    """The running test app plus shortcuts for placing scripted calls to it."""

    base_url: str
    app: Flask
    seen: list[Seen] = field(default_factory=list)

    def call(self, voice_path: str, script: str = "", **options: object) -> CallTranscript:
        options.setdefault("auth_token", TOKEN)
        options.setdefault("status_path", "/status")
        caller = ScriptedCaller(parse_script(script))
        return LocalCall(self.base_url, caller, voice_path=voice_path, **options).run()

    def seen_at(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]
