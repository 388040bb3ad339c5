"""The main menu routes what callers say through the classifier: at once when sure, after a question when not."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from ivr.app import create_app
from tests.conftest import TwilioClient
from tests.voice_responses import heard, twiml


def say(twilio, words: str, node: str = "main_menu", lang: str = "en", query: str = "") -> ET.Element:  # type: ignore[no-untyped-def]
    return twiml(twilio.post(f"/voice/step?node={node}&lang={lang}{query}",
                             {"SpeechResult": words, "Confidence": "0.9"}))


def queued(root: ET.Element) -> str | None:
    enqueue = root.find("Enqueue")
    return enqueue.text if enqueue is not None else None


def state(root: ET.Element) -> dict[str, list[str]]:
    return parse_qs(urlsplit(root.find("Gather").get("action", "")).query)


@pytest.fixture
def unsure_twilio(env):  # type: ignore[no-untyped-def]
    """A line configured to confirm every guess (INTENT_CONFIRM_BELOW=0.999)."""
    app = create_app({**env, "INTENT_CONFIRM_BELOW": "0.999"})
    yield TwilioClient(app.test_client())
    app.extensions["cityline"].sql.dispose()
    app.extensions["cityline"].redis.close()


@pytest.mark.parametrize(("words", "lang", "queue"), [
    ("There's a huge pothole on my street", "en", "potholes-en"),
    ("the street light in front of my house is out", "en", "streetlights-en"),
    ("my neighbors are playing loud music", "en", "noise-en"),
    ("hay un bache enorme en mi calle", "es", "potholes-es"),
    ("mis vecinos hacen mucho ruido", "es", "noise-es"),
    ("quiero hablar con una persona", "es", "general-es"),
    ("我家门口有个坑", "zh-CN", "potholes-zh-CN"),
    ("楼上邻居半夜放音乐吵得很", "zh-CN", "noise-zh-CN"),
    ("Elm Street那边的路灯不亮了", "zh-CN", "streetlights-zh-CN"),
])
def test_a_spoken_request_goes_straight_to_its_queue(twilio, words, lang, queue):
    assert queued(say(twilio, words, lang=lang)) == queue


def test_a_spoken_question_reaches_its_answer(twilio):
    root = say(twilio, "when is my garbage picked up")
    assert state(root)["node"] == ["trash_info"]
    root = say(twilio, "a qué hora abren ustedes", lang="es")
    assert heard(root)[0] == "Nuestros agentes están disponibles todos los días, las 24 horas."


def test_a_mandarin_question_reaches_its_answer(twilio):
    root = say(twilio, "我们家哪天收垃圾啊", lang="zh-CN")
    assert state(root)["node"] == ["trash_info"]


def test_keys_still_work_at_the_main_menu(twilio):
    root = twiml(twilio.post("/voice/step?node=main_menu&lang=en", {"Digits": "3"}))
    assert state(root)["node"] == ["case_status_info"]


def test_when_unsure_the_caller_is_asked_once_and_yes_goes_there(unsure_twilio):
    root = say(unsure_twilio, "there's a hole in the road")
    assert heard(root)[:2] == ["It sounds like you want to report a pothole.",
                               "Is that right? Press 1 or say yes. Press 2 or say no."]
    assert state(root)["node"] == ["confirm_request"] and state(root)["v_intent"] == ["potholes"]
    assert queued(say(unsure_twilio, "yes", node="confirm_request", query="&v_intent=potholes")) == "potholes-en"


def test_when_unsure_in_spanish_the_question_is_in_spanish(unsure_twilio):
    root = say(unsure_twilio, "hay un hoyo en la calle", lang="es")
    assert heard(root)[0] == "Parece que usted quiere reportar un bache."
    assert queued(twiml(unsure_twilio.post("/voice/step?node=confirm_request&lang=es&v_intent=potholes",
                                           {"Digits": "1"}))) == "potholes-es"


def test_when_unsure_in_mandarin_the_question_is_in_mandarin_and_yes_goes_there(unsure_twilio):
    root = say(unsure_twilio, "我家门口有个坑", lang="zh-CN")
    assert heard(root)[:2] == ["听起来您是想报告路面坑洞。", "对吗？是的话请按1或说“是”。不是的话请按2或说“不是”。"]
    assert state(root)["node"] == ["confirm_request"] and state(root)["v_intent"] == ["potholes"]
    assert queued(say(unsure_twilio, "是的", node="confirm_request", lang="zh-CN",
                      query="&v_intent=potholes")) == "potholes-zh-CN"


def test_a_no_falls_back_to_the_menu(unsure_twilio):
    root = say(unsure_twilio, "no", node="confirm_request", query="&v_intent=potholes")
    assert heard(root)[0] == "Sorry about that. Let's use the menu."
    assert state(root)["node"] == ["main_menu"]


def test_a_forged_intent_in_the_url_falls_back_to_the_menu(unsure_twilio):
    root = say(unsure_twilio, "yes", node="confirm_request", query="&v_intent=launch_missiles")
    assert state(root)["node"] == ["main_menu"]


def test_words_it_cannot_place_are_not_understood_and_count_as_a_try(twilio):
    root = say(twilio, "mumble mumble")
    assert heard(root)[0] == "Sorry, I didn't get that."
    assert state(root)["node"] == ["main_menu"] and state(root)["try"] == ["1"]


@pytest.mark.parametrize("mumble", ["嗯……那个……呃", "喂喂", "啊啊啊"])
def test_mandarin_mumble_is_not_understood_and_the_menu_says_so_in_mandarin(twilio, mumble):
    root = say(twilio, mumble, lang="zh-CN")
    assert heard(root)[0] == "对不起，我没有听清。"
    assert state(root)["node"] == ["main_menu"] and state(root)["try"] == ["1"]
