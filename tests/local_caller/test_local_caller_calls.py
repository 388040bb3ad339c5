"""Whole calls through the local caller against the tiny app in conftest.py."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

import pytest
from local_caller_app import PUBLIC_BASE, TOKEN, AppServer

from ivr.local_caller import KeyboardCaller, LocalCall

SID = re.compile(r"(CA|AC|QU|RE)[0-9a-f]{32}")


# --- signing and the standard parameters ---------------------------------------------


def test_signed_call_walks_menu_and_posts_standard_params(app_server: AppServer) -> None:
    transcript = app_server.call("/flows/menu", "press 1")

    assert transcript.heard == ["Press 1 for trash, 2 for potholes.", "You chose 1."]
    assert transcript.errors == [] and transcript.status == "completed"
    assert all(seen.signature_ok for seen in app_server.seen)
    first, second = transcript.requests[0].params, transcript.requests[1].params
    assert first["CallStatus"] == "ringing" and second["CallStatus"] == "in-progress"
    assert {k: first[k] for k in ("From", "To", "Caller", "Called", "Direction", "ApiVersion")} == {
        "From": "+15555550123", "To": "+15555550311", "Caller": "+15555550123",
        "Called": "+15555550311", "Direction": "inbound", "ApiVersion": "2010-04-01"}
    assert SID.fullmatch(transcript.call_sid) and transcript.call_sid.startswith("CA")
    assert first["CallSid"] == second["CallSid"] == transcript.call_sid
    assert re.fullmatch(r"AC[0-9a-f]{32}", first["AccountSid"])


def test_wrong_token_shows_the_apps_403_as_an_application_error(app_server: AppServer) -> None:
    transcript = app_server.call("/flows/menu", "press 1", auth_token="not-the-token")

    assert "HTTP 403" in transcript.errors[0]
    assert transcript.heard == [] and transcript.status == "completed"
    assert not any(seen.signature_ok for seen in app_server.seen)


def test_no_token_sends_no_signature_header(app_server: AppServer) -> None:
    transcript = app_server.call("/flows/menu", auth_token=None)

    assert "HTTP 403" in transcript.errors[0]
    assert "X-Twilio-Signature" not in app_server.seen[0].headers


def test_signing_base_url_signs_the_public_url(app_server: AppServer) -> None:
    app_server.app.config["PUBLIC_BASE_URL"] = PUBLIC_BASE

    unsigned_for_proxy = app_server.call("/flows/menu", "press 1")
    proxied = app_server.call("/flows/menu", "press 1", signing_base_url=PUBLIC_BASE)

    assert "HTTP 403" in unsigned_for_proxy.errors[0]
    assert proxied.errors == [] and proxied.heard[-1] == "You chose 1."
    assert proxied.requests[0].url == f"{app_server.base_url}/flows/menu"
    headers = app_server.seen[-1].headers
    assert headers["X-Forwarded-Proto"] == "https"
    assert headers["X-Forwarded-Host"] == "311.example.gov"


def test_absolute_public_urls_are_served_by_the_local_app(app_server: AppServer) -> None:
    app_server.app.config["PUBLIC_BASE_URL"] = PUBLIC_BASE

    transcript = app_server.call("/public-redirect", signing_base_url=PUBLIC_BASE)

    assert transcript.heard == ["Goodbye."]
    assert transcript.requests[1].url == f"{app_server.base_url}/hangup"


def test_urls_on_other_hosts_are_an_error_not_a_request(app_server: AppServer) -> None:
    transcript = app_server.call("/public-redirect")

    assert "cannot reach https://311.example.gov/hangup" in transcript.errors[0]
    assert app_server.seen_at("/hangup") == []


# --- Gather ---------------------------------------------------------------------------


def test_relative_action_resolves_against_the_document_url(app_server: AppServer) -> None:
    transcript = app_server.call("/flows/menu", "press 2")

    assert transcript.requests[1].url == f"{app_server.base_url}/flows/menu/choice"
    assert transcript.requests[1].params["Digits"] == "2"


@pytest.mark.parametrize(
    ("query", "keys", "echo"),
    [
        ("", "42#", "echo Digits=42; FinishedOnKey=#"),
        ("?numDigits=1", "123", "echo Digits=1; FinishedOnKey="),
        ("?finishOnKey=*", "12*34#", "echo Digits=12; FinishedOnKey=*"),
        ("?numDigits=4", "12#99", "echo Digits=12; FinishedOnKey=#"),
        ("?finishOnKey=", "7#", "echo Digits=7#; FinishedOnKey="),
        ("", "555", "echo Digits=555; FinishedOnKey="),
    ],
)
def test_gather_digits(app_server: AppServer, query: str, keys: str, echo: str) -> None:
    transcript = app_server.call(f"/gather{query}", f"press {keys}")

    assert transcript.heard == ["Enter your choice.", echo]


def test_only_the_finish_key_is_no_input(app_server: AppServer) -> None:
    transcript = app_server.call("/gather", "press #")

    assert transcript.heard == ["Enter your choice.", "No input. Goodbye."]
    assert app_server.seen_at("/echo") == []


def test_gather_speech_posts_result_and_confidence(app_server: AppServer) -> None:
    transcript = app_server.call("/gather?input=speech&language=es-MX", "say@0.42 recoger basura")

    assert transcript.heard[-1] == "echo SpeechResult=recoger basura; Confidence=0.42"
    assert "[es-MX] Enter your choice." in [e.detail for e in transcript.events]


def test_keys_at_a_speech_only_gather_are_ignored(app_server: AppServer) -> None:
    transcript = app_server.call("/gather?input=speech", "press 1")

    assert transcript.heard[-1] == "No input. Goodbye."
    assert any("only listens for speech" in e.detail for e in transcript.events)


@pytest.mark.parametrize("step", ["silence", "wait"])
def test_gather_timeout_falls_through_to_the_next_verb(app_server: AppServer, step: str) -> None:
    transcript = app_server.call("/gather", step)

    assert transcript.heard == ["Enter your choice.", "No input. Goodbye."]
    assert app_server.seen_at("/echo") == []
    assert transcript.status == "completed"


def test_fall_through_at_the_end_of_the_document_ends_the_call(app_server: AppServer) -> None:
    transcript = app_server.call("/gather?last=1", "silence\npress 1")

    assert transcript.heard == ["Enter your choice."]
    assert [r.url.rsplit("/", 1)[-1] for r in transcript.requests] == ["gather?last=1", "status"]
    assert transcript.status == "completed" and transcript.errors == []


def test_action_on_empty_result_posts_without_input(app_server: AppServer) -> None:
    transcript = app_server.call("/gather?actionOnEmptyResult=true", "silence")

    assert transcript.heard[-1] == "echo nothing"
    assert "Digits" not in app_server.seen_at("/echo")[0].params


# --- Redirect, Hangup, Reject, running out ---------------------------------------------


def test_redirect_with_get_sends_params_in_the_signed_query(app_server: AppServer) -> None:
    transcript = app_server.call("/redirect/get")

    echo = app_server.seen_at("/echo")[0]
    assert echo.method == "GET" and echo.signature_ok
    assert echo.params["hop"] == "1" and echo.params["CallSid"] == transcript.call_sid
    assert transcript.requests[1].method == "GET"
    assert transcript.requests[1].url.startswith(f"{app_server.base_url}/echo?hop=1&CallSid=")


def test_hangup_stops_the_document(app_server: AppServer) -> None:
    transcript = app_server.call("/hangup")

    assert transcript.heard == ["Goodbye."]
    assert transcript.status == "completed"
    assert transcript.kinds()[-2:] == ["hangup", "request"]


@pytest.mark.parametrize(("query", "status"), [("?reason=busy", "busy"), ("", "no-answer")])
def test_reject_ends_unanswered_and_still_posts_status(
    app_server: AppServer, query: str, status: str
) -> None:
    transcript = app_server.call(f"/reject{query}")

    assert transcript.status == status and transcript.heard == []
    callback = app_server.seen_at("/status")[0].params
    assert callback["CallStatus"] == status and callback["CallDuration"] == "0"


def test_reject_after_answering_is_a_completed_call(app_server: AppServer) -> None:
    assert app_server.call("/late-reject").status == "completed"


def test_document_running_out_ends_the_call(app_server: AppServer) -> None:
    transcript = app_server.call("/runout", "press 1")

    assert transcript.heard == ["That is all."]
    assert transcript.events[0].detail == "POST " + f"{app_server.base_url}/runout -> 200"
    assert ("say", "[es-MX] That is all.") in [(e.kind, e.detail) for e in transcript.events]
    assert transcript.status == "completed" and transcript.errors == []


# --- Enqueue ---------------------------------------------------------------------------


def test_hold_loops_until_a_wait_menu_leaves_the_queue(app_server: AppServer) -> None:
    transcript = app_server.call("/queue/start", "wait\npress 1")

    waits = [s.params for s in app_server.seen_at("/queue/wait")]
    assert len(waits) == 2
    assert {w["QueuePosition"] for w in waits} == {"1"}
    assert waits[0]["QueueSid"] == waits[1]["QueueSid"] and SID.fullmatch(waits[0]["QueueSid"])
    assert int(waits[1]["QueueTime"]) > int(waits[0]["QueueTime"])
    assert {"AvgQueueTime", "CurrentQueueSize"} <= waits[0].keys()
    assert transcript.heard[-1] == "Queue result leave."
    assert "This is never heard." not in transcript.heard


def test_hanging_up_on_hold_posts_queue_result_and_runs_no_more_twiml(
    app_server: AppServer,
) -> None:
    transcript = app_server.call("/queue/start", "wait\nhangup")

    done = app_server.seen_at("/queue/done")
    assert [d.params["QueueResult"] for d in done] == ["hangup"]
    assert "Queue result hangup." not in transcript.heard
    assert transcript.status == "completed" and transcript.errors == []


def test_a_wait_menu_answer_is_played_on_hold_before_the_next_decision(
    app_server: AppServer,
) -> None:
    transcript = app_server.call("/queue/start", "press 2\nhangup")

    assert "Keep holding." in transcript.heard
    assert len(app_server.seen_at("/queue/wait")) == 1
    assert app_server.seen_at("/queue/done")[0].params["QueueResult"] == "hangup"


def test_enqueue_without_action_continues_after_leave(app_server: AppServer) -> None:
    transcript = app_server.call("/queue/plain?wait=/queue/leave-now")

    assert transcript.heard == ["You left the queue."]


def test_silent_caller_gives_up_after_max_hold_loops(app_server: AppServer) -> None:
    transcript = app_server.call("/queue/plain", "silence\n" * 9, max_hold_loops=3)

    assert len(app_server.seen_at("/queue/music")) == 3
    assert transcript.heard == ["Please hold."] * 3
    assert any("after 3 hold loops" in e.detail for e in transcript.events)


def test_keys_on_hold_without_a_menu_are_ignored_and_consumed(app_server: AppServer) -> None:
    transcript = app_server.call("/queue/plain", "press 5\nwait\nhangup")

    assert len(app_server.seen_at("/queue/music")) == 3
    assert any("pressed 5 (ignored" in e.detail for e in transcript.events)


def test_enqueue_without_wait_url_plays_default_music(app_server: AppServer) -> None:
    transcript = app_server.call("/queue/no-wait-url", "hangup")

    assert ("hold", "default hold music") in [(e.kind, e.detail) for e in transcript.events]
    assert app_server.seen_at("/queue/done")[0].params["QueueResult"] == "hangup"


def test_verbs_twilio_forbids_in_wait_twiml_are_errors(app_server: AppServer) -> None:
    transcript = app_server.call("/queue/plain?wait=/queue/dial-in-wait", "wait")

    assert transcript.errors == ["<Dial> is not allowed in waitUrl TwiML"]


# --- Dial and Record -------------------------------------------------------------------


def test_dial_reports_no_answer_to_its_action(app_server: AppServer) -> None:
    lines: list[str] = []
    transcript = app_server.call("/dial", out=lines.append)

    assert transcript.heard == ["echo DialCallStatus=no-answer; DialCallDuration=0"]
    assert "[transfer to +15551230000: not reachable from the local caller]" in lines
    assert SID.fullmatch(app_server.seen_at("/echo")[0].params["DialCallSid"])


def test_a_dialled_agent_answers_and_the_call_ends_when_the_caller_hangs_up(app_server: AppServer) -> None:
    transcript = app_server.call("/dial/agent", "say my streetlight is out\nsay thanks\nhangup")

    assert ("connected", "alice") in [(e.kind, e.detail) for e in transcript.events]
    posted = app_server.seen_at("/echo")[0].params
    assert (posted["DialCallStatus"], posted["DialCallDuration"]) == ("completed", "40")
    assert "Not reached after a hang-up." not in transcript.heard
    assert transcript.status == "completed" and transcript.errors == []


def test_dial_without_action_continues(app_server: AppServer) -> None:
    transcript = app_server.call("/dial/plain")

    assert transcript.heard == ["Nobody answered."]
    assert ("dial", "+15551230000, client:agent7") in [(e.kind, e.detail)
                                                        for e in transcript.events]


@pytest.mark.parametrize("verb", ["record", "say"])
def test_record_posts_recording_and_transcription(app_server: AppServer, verb: str) -> None:
    transcript = app_server.call("/record", f"{verb} The streetlight on 5th is out")

    assert transcript.heard[-1] == "echo RecordingDuration=3"
    posted = app_server.seen_at("/echo")[0].params
    assert re.fullmatch(r"http://local-caller\.invalid/recordings/RE[0-9a-f]{32}",
                        posted["RecordingUrl"])
    assert posted["RecordingUrl"].endswith(posted["RecordingSid"])
    text = app_server.seen_at("/record/transcript")[0].params
    assert text["TranscriptionText"] == "The streetlight on 5th is out"
    assert text["RecordingSid"] == posted["RecordingSid"]


def test_silent_recording_makes_no_request_and_goes_on(app_server: AppServer) -> None:
    transcript = app_server.call("/record", "silence")

    assert transcript.heard == ["Leave a message after the beep.", "No message recorded. Goodbye."]
    assert app_server.seen_at("/echo") == [] and app_server.seen_at("/record/transcript") == []


# --- application errors and bounds ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/fail/500", "11200 HTTP 500"),
        ("/fail/text", "12100 document parse failure"),
        ("/fail/root", "12102 the root element must be <Response>, got <Html>"),
        ("/fail/unknown", "unknown TwiML verb <Dance>"),
        ("/fail/redirect", "(redirect to /hangup"),
    ],
)
def test_application_errors_end_the_call(app_server: AppServer, path: str, message: str) -> None:
    lines: list[str] = []
    transcript = app_server.call(path, out=lines.append)

    assert len(transcript.errors) == 1 and message in transcript.errors[0]
    assert any(line.startswith("[application error: ") for line in lines)
    assert transcript.status == "completed"
    assert app_server.seen_at("/status")[0].params["CallStatus"] == "completed"


def test_max_requests_stops_a_looping_app(app_server: AppServer) -> None:
    transcript = app_server.call("/loop", max_requests=5)

    assert len(app_server.seen_at("/loop")) == 5
    assert "request limit reached (5 requests)" in transcript.errors[0]
    assert len(app_server.seen_at("/status")) == 1


def test_unreachable_app_is_an_error_not_an_exception() -> None:
    call = LocalCall("http://127.0.0.1:9", KeyboardCaller(lambda _: "", out=None), timeout=2)

    transcript = call.run()

    assert transcript.errors[0].startswith("11200 no reply from POST http://127.0.0.1:9/")
    assert transcript.errors[1].startswith("status callback: 11200 no reply")
    assert [r.status for r in transcript.requests] == [0, 0]


# --- the status callback and printing -------------------------------------------------


def test_status_callback_params_and_signature(app_server: AppServer) -> None:
    transcript = app_server.call("/flows/menu", "press 1")

    (callback,) = app_server.seen_at("/status")
    params = callback.params
    assert callback.signature_ok and params["CallSid"] == transcript.call_sid
    assert params["CallStatus"] == "completed"
    assert params["CallbackSource"] == "call-progress-events"
    assert params["SequenceNumber"] == "0" and int(params["CallDuration"]) > 0
    assert params["Duration"] == "1"
    assert parsedate_to_datetime(params["Timestamp"]).utcoffset().total_seconds() == 0
    assert transcript.requests[-1].params == params


def test_status_path_none_skips_the_callback(app_server: AppServer) -> None:
    transcript = app_server.call("/hangup", status_path=None)

    assert app_server.seen_at("/status") == [] and len(transcript.requests) == 1


def test_printed_walkthrough_is_plain_and_readable(app_server: AppServer) -> None:
    lines: list[str] = []
    app_server.call("/flows/menu", "press 1", out=lines.append)

    assert "  says (en-US): Press 1 for trash, 2 for potholes." in lines
    assert "  waiting for keys (timeout 5s, finish #, 1 digit)" in lines
    assert "> pressed 1 (sent Digits=1)" in lines
    assert lines[-1] == "[call ended: completed]"
    assert all(line.isascii() for line in lines)


def test_keyboard_caller_walks_a_call(app_server: AppServer) -> None:
    typed = iter(["", "press", "1"])
    shown: list[str] = []
    caller = KeyboardCaller(input_fn=lambda _prompt: next(typed), out=shown.append)
    call = LocalCall(app_server.base_url, caller, auth_token=TOKEN,
                     voice_path="/gather", status_path="/status")

    transcript = call.run()

    assert transcript.heard == ["Enter your choice.", "No input. Goodbye."]
    assert len(shown) == 1 and "hangup" in shown[0]


def test_wait_n_holds_for_n_seconds_of_real_time_following_the_hold_loops(app_server: AppServer) -> None:
    import time

    began = time.monotonic()
    transcript = app_server.call("/queue/start", "wait 2\npress 1")
    assert time.monotonic() - began >= 2.0
    assert transcript.errors == []
    assert len(app_server.seen_at("/queue/wait")) >= 3  # the hold loop was followed while waiting
