"""Texting a caller the answer they just heard ("Text me that"), through a background job.

The answer's sentences are kept in Redis for an hour under the CallSid when a
self-service handler speaks them; if the caller asks, a job sends them through
the telephony port (Twilio, or the local adapter).  The webhook only enqueues.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

logger = logging.getLogger(__name__)

TEXTS_QUEUE = "texts"
ANSWER_KEY = "cityline:answer:"
SENT_KEY = "cityline:answer-texted:"
KEEP_SECONDS = 3600
MAX_TEXT = 1200  # about seven SMS segments
TEXT_JOB_OPTIONS: dict[str, Any] = {"job_timeout": 30, "result_ttl": 3600, "failure_ttl": 7 * 24 * 3600,
                                    "retry": Retry(max=3, interval=[5, 30, 120])}


def answer_text(sentences: list[str]) -> str:
    """What is kept of an answer for texting (empty when nothing was said)."""
    return " ".join(sentences)[:MAX_TEXT]


class AnswerTexts:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.queue = Queue(TEXTS_QUEUE, connection=redis)

    def remember(self, call_sid: str, sentences: list[str]) -> None:
        if not sentences:
            return
        try:
            self.redis.set(ANSWER_KEY + call_sid, answer_text(sentences), ex=KEEP_SECONDS)
        except RedisError as error:
            logger.warning("answer for %s not kept for texting: %s", call_sid, error)

    def has_answer(self, call_sid: str) -> bool:
        try:
            return bool(self.redis.exists(ANSWER_KEY + call_sid))
        except RedisError:
            return False

    def send(self, call_sid: str, to: str) -> bool:
        """Queue the text; False when it cannot even be queued (the caller is told so)."""
        try:
            self.queue.enqueue(send_answer_text, call_sid, to, **TEXT_JOB_OPTIONS)
        except RedisError as error:
            logger.warning("text for %s not queued: %s", call_sid, error)
            return False
        return True


def send_answer_text(call_sid: str, to: str) -> str | None:
    """The job: send the kept answer once (a retried job finds it already sent and stops)."""
    from ivr import redis_connection
    from ivr.settings import Settings
    from ivr.telephony import make_telephony

    settings = Settings.from_env()
    redis = redis_connection.connect(settings)
    if not _may_text(settings, to):
        logger.info("not texting %s: the number opted out (STOP)", call_sid)
        return None
    body = redis.get(ANSWER_KEY + call_sid)
    if body is None:
        logger.warning("no answer kept for %s (older than an hour?); nothing texted", call_sid)
        return None
    marker = SENT_KEY + hashlib.sha256(call_sid.encode() + b":" + body).hexdigest()[:32]
    if not redis.set(marker, "sending", nx=True, ex=KEEP_SECONDS):
        return None
    try:
        sid = make_telephony(settings, redis).send_sms(to, "City 3-1-1: " + body.decode())
    except Exception:
        redis.delete(marker)  # let the retry send it
        raise
    redis.set(marker, sid, ex=KEEP_SECONDS)
    return sid


def queue_text_once(redis: Redis, key: str, to: str, body: str) -> bool:
    """Queue one text (an agent's "text the case number"); False when it cannot be queued."""
    try:
        Queue(TEXTS_QUEUE, connection=redis).enqueue(send_text_once, key, to, body[:MAX_TEXT], **TEXT_JOB_OPTIONS)
    except RedisError as error:
        logger.warning("text %s not queued: %s", key, error)
        return False
    return True


def send_text_once(key: str, to: str, body: str) -> str | None:
    """The job: send `body` to `to` once for `key` (a retried or repeated job sends nothing more)."""
    from ivr import redis_connection
    from ivr.settings import Settings
    from ivr.telephony import make_telephony

    settings = Settings.from_env()
    redis = redis_connection.connect(settings)
    if not _may_text(settings, to):
        logger.info("not texting %s: the number opted out (STOP)", key)
        return None
    marker = SENT_KEY + hashlib.sha256(key.encode()).hexdigest()[:32]
    if not redis.set(marker, "sending", nx=True, ex=KEEP_SECONDS):
        return None
    try:
        sid = make_telephony(settings, redis).send_sms(to, body)
    except Exception:
        redis.delete(marker)  # let the retry send it
        raise
    redis.set(marker, sid, ex=KEEP_SECONDS)
    return sid


def _may_text(settings: Any, to: str) -> bool:
    """A number that sent STOP to the text line is never texted (ivr/sms/contacts.py)."""
    from ivr import db
    from ivr.sms.contacts import may_text

    engine = db.make_engine(settings.database_url)
    try:
        with db.make_session_factory(engine)() as session:
            return may_text(session, to)
    finally:
        engine.dispose()
