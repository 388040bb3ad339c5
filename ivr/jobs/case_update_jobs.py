"""The background job that texts residents about a case update, and queueing it after a status change.

Each text is claimed in SQL (a row per update and resident, committed) before
the telephony port sends it, so the job can run twice — a retry, a second
enqueue — and every resident still gets exactly one text per change.  A send
that fails removes its claim and raises, so RQ's retry sends it later.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy.exc import IntegrityError

from ivr import db
from ivr.cases import update_texts
from ivr.models.case import CaseUpdate
from ivr.models.case_reporter import CaseUpdateText

logger = logging.getLogger(__name__)

QUEUE = "texts"  # the queue the workers already drain for answer texts
JOB_OPTIONS: dict[str, Any] = {"job_timeout": 60, "result_ttl": 3600, "failure_ttl": 7 * 24 * 3600,
                               "retry": Retry(max=3, interval=[10, 60, 300])}


def queue_update_texts(redis: Redis, update_id: int) -> bool:
    """Queue the texts for this update; False (logged) when Redis cannot take the job."""
    try:
        Queue(QUEUE, connection=redis).enqueue(send_update_texts, update_id, **JOB_OPTIONS)
    except RedisError as error:
        logger.warning("texts for case update %s not queued: %s", update_id, error)
        return False
    return True


def send_update_texts(update_id: int) -> int:
    """The job: send what the update still owes; returns how many texts were sent."""
    from ivr import redis_connection
    from ivr.settings import Settings
    from ivr.telephony import make_telephony

    settings = Settings.from_env()
    redis = redis_connection.connect(settings)  # Sentinel's primary when configured, as every other job
    engine = db.make_engine(settings.database_url)
    try:
        return _send(db.make_session_factory(engine), make_telephony(settings, redis), update_id)
    finally:
        engine.dispose()


def _send(sessions: Any, telephony: Any, update_id: int) -> int:
    with sessions() as session:
        update = session.get(CaseUpdate, update_id)
        owed = update_texts.owed(session, update) if update is not None else []
    sent = 0
    for text in owed:
        try:
            with db.unit_of_work(sessions) as session:
                allowed = update_texts.claim(session, update_id, text, datetime.now(UTC))
        except IntegrityError:
            continue  # another run claimed it first
        if not allowed:
            logger.info("case update %s: resident %s opted out (STOP); not texted", update_id, text.reporter_id)
            continue
        try:
            sid = telephony.send_sms(text.phone, text.body)
        except Exception:
            with db.unit_of_work(sessions) as session:  # free the claim so the retry sends it
                session.delete(session.get_one(CaseUpdateText, (update_id, text.reporter_id)))
            raise
        with db.unit_of_work(sessions) as session:
            update_texts.mark_sent(session, update_id, text.reporter_id, sid)
        sent += 1
    return sent
