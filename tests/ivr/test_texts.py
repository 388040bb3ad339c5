"""Texting an answer: kept for an hour, sent once by a job even when the job runs again."""

from __future__ import annotations

from ivr import db
from ivr.sms import contacts
from ivr.telephony.local_adapter import LocalTelephony
from ivr.voice.texts import AnswerTexts, send_answer_text

SID = "CA" + "d" * 32


def test_an_answer_is_texted_once_even_if_the_job_is_retried(redis, redis_url, env, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("DATABASE_URL", env["DATABASE_URL"])
    texts = AnswerTexts(redis)
    texts.remember(SID, ["Your next trash pickup is Tuesday, December 1.", "Recycling is every other Tuesday."])
    assert texts.has_answer(SID)
    first = send_answer_text(SID, "+13125550199")
    assert first is not None and first.startswith("SM")
    assert send_answer_text(SID, "+13125550199") is None
    [sent] = LocalTelephony(redis).sent("sms")
    body = "City 3-1-1: Your next trash pickup is Tuesday, December 1. Recycling is every other Tuesday."
    assert sent == {"sid": first, "to": "+13125550199", "body": body}


def test_nothing_is_sent_when_no_answer_was_kept(redis, redis_url, env, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("DATABASE_URL", env["DATABASE_URL"])
    assert send_answer_text(SID, "+13125550199") is None
    assert LocalTelephony(redis).sent("sms") == []


def test_empty_answers_are_not_kept(redis):
    AnswerTexts(redis).remember(SID, [])
    assert not AnswerTexts(redis).has_answer(SID)


def test_a_number_that_sent_stop_is_never_texted(redis, redis_url, env, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("DATABASE_URL", env["DATABASE_URL"])
    engine = db.make_engine(env["DATABASE_URL"])
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        contacts.set_opted_out(session, "+13125550199", True)
    engine.dispose()
    AnswerTexts(redis).remember(SID, ["Your next trash pickup is Tuesday, December 1."])
    assert send_answer_text(SID, "+13125550199") is None
    assert LocalTelephony(redis).sent("sms") == []
