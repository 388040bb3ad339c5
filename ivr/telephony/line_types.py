"""Whether a caller's number can get a text: the carrier's answer, asked once and kept in Redis.

phonenumbers cannot tell a landline from a mobile in North America (every
number is "fixed line or mobile"), so the telephony port asks the carrier
(Twilio Lookup's line type intelligence; the local adapter answers from
configuration).  The answer is cached per number, so a caller's path costs at
most one lookup; a failed lookup means "do not offer a text" for a few minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from redis import Redis
from redis.exceptions import RedisError

if TYPE_CHECKING:
    from ivr.telephony import Telephony

logger = logging.getLogger(__name__)

CACHE_KEY = "cityline:line-type:"
KEEP_SECONDS = 30 * 24 * 3600  # numbers are ported rarely; a month-old answer is good enough
FAILED_SECONDS = 300  # a failed lookup is not retried on every menu of the same call
FAILED = "lookup-failed"
#: Twilio's line types (and the local adapter's) that can receive a text message.
TEXTABLE = frozenset({"mobile", "nonFixedVoip"})


class LineTypes:
    def __init__(self, redis: Redis, telephony: Callable[[], Telephony]) -> None:
        self.redis = redis
        self.telephony = telephony  # made only when a lookup is needed

    def can_text(self, e164: str) -> bool:
        return self.line_type(e164) in TEXTABLE

    def line_type(self, e164: str) -> str:
        """The cached answer, or the carrier's; FAILED when neither could be had."""
        try:
            cached = self.redis.get(CACHE_KEY + e164)
        except RedisError as error:
            logger.warning("line type cache unavailable: %s", error)
            return FAILED
        if cached is not None:
            return cached.decode()
        kind = self._look_up(e164)
        try:
            self.redis.set(CACHE_KEY + e164, kind, ex=FAILED_SECONDS if kind == FAILED else KEEP_SECONDS)
        except RedisError as error:
            logger.warning("line type of %s not cached: %s", e164, error)
        return kind

    def _look_up(self, e164: str) -> str:
        try:
            return self.telephony().line_type(e164) or FAILED
        except Exception as error:  # any failure of the carrier or the adapter: offer nothing
            logger.warning("line type lookup for %s failed: %s", e164, error)
            return FAILED
