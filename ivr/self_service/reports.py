"""Reporting a problem by phone with no agent: the service's questions, the address, a description, filed.

The flow (flows/library/city311.yaml, `report_*` nodes) walks these handlers:

* ``reports.start`` begins a report of the service named by the call's `topic`
  (only a phone-reportable, active service; else the caller goes to an agent);
* ``reports.ask`` speaks the next question (ivr/self_service/report_questions.py),
  or says the address is next when all are answered;
* ``reports.answer`` checks the reply to the question just asked;
* ``reports.address`` keeps the address the shared whole-address prompt found;
* ``reports.description`` / ``reports.recording`` keep the caller's words or message;
* ``reports.can_text`` offers a text when the case changes, to numbers that can get one;
* ``reports.file`` files the case, or adds the caller to the open case already
  reported nearby (ivr/cases/duplicates.py), and reads the number back;
* ``reports.handoff`` names the queue for a caller the phone cannot help.

What the caller said travels in Redis (a draft per call, an hour), not in the
call's URLs: free words carry accents and apostrophes the URL values must not.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from flows.numbers import is_ascii_digits
from ivr import db
from ivr.cases import reference
from ivr.cases.allocator import ReferenceUnavailable
from ivr.i18n import Section
from ivr.open311 import catalogue
from ivr.open311.filing import checked, file_or_join
from ivr.open311.validation import InvalidSubmission, Submission
from ivr.phone import parse_caller
from ivr.self_service.collection import sql
from ivr.self_service.report_questions import (
    NotAnAnswer,
    Question,
    Unaskable,
    answer_of,
    in_language,
    question_of,
    spoken,
)
from ivr.self_service.spoken import spoken_month_day

if TYPE_CHECKING:
    from ivr.self_service import SelfServiceContext

logger = logging.getLogger(__name__)

DRAFT_KEY = "cityline:phone-report:"
KEEP_SECONDS = 3600
MAX_TRIES = 3  # replies that answer nothing before the caller is handed to an agent
CHANNEL = "phone"
#: Where `reports.handoff` sends a caller, by service code; anything else goes to the general queue.
HANDOFF = ("potholes", "streetlights")

#: What the phone report says (catalog ids reports.*; reports.states.<status> is how a case's state is said).
PHRASES = Section("reports")
STATES = Section("reports.states")


class ReportDrafts:
    """One report in progress per call, in Redis: the service, the answers so far, the address and words."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def load(self, call_sid: str) -> dict[str, Any] | None:
        raw = self.redis.get(DRAFT_KEY + call_sid)
        return json.loads(raw) if raw else None

    def save(self, call_sid: str, draft: dict[str, Any]) -> None:
        self.redis.set(DRAFT_KEY + call_sid, json.dumps(draft), ex=KEEP_SECONDS)


class ReportHandlers:
    def __init__(self, context: SelfServiceContext, drafts: ReportDrafts) -> None:
        self.context = context
        self.sessions = context.sessions
        self.drafts = drafts

    # -- the questions --------------------------------------------------------

    def start(self, request: HandlerRequest) -> HandlerResult:
        code = request.values.get("topic", "")
        with self.sessions() as session:
            service = catalogue.active_service(session, code)
            reportable = service is not None and service.phone_reportable
        if not reportable or request.call_sid is None:
            return HandlerResult("agent")
        return self._saved(request, {"service": code, "step": 0, "tries": 0, "answers": {}}, "ask") or \
            self._broken(request, "the draft store is unreachable")

    def ask(self, request: HandlerRequest) -> HandlerResult:
        draft = self._draft(request)
        if draft is None:
            return self._broken(request, "no report in progress")
        try:
            questions = self._questions(draft["service"])
        except (Unaskable, SQLAlchemyError) as error:
            return self._broken(request, str(error))
        if draft["step"] >= len(questions):
            return HandlerResult("address", worth_keeping=False)
        question = in_language(questions[draft["step"]], draft["service"], request.language)
        return HandlerResult("ask", spoken(question, request.language), worth_keeping=False)

    def answer(self, request: HandlerRequest) -> HandlerResult:
        draft = self._draft(request)
        if draft is None:
            return self._broken(request, "no report in progress")
        try:
            question = self._questions(draft["service"])[draft["step"]]
        except (Unaskable, SQLAlchemyError, IndexError) as error:
            return self._broken(request, str(error))
        try:
            question = in_language(question, draft["service"], request.language)  # names said in that language
            value = answer_of(question, request.values.get("answer", ""), request.language)
        except NotAnAnswer:
            draft["tries"] += 1
            if draft["tries"] >= MAX_TRIES:
                return HandlerResult("give_up", (PHRASES[request.language]["broken"],), {"answer": ""},
                                     worth_keeping=False)
            said = (PHRASES[request.language]["not_an_answer"],)
            return self._saved(request, draft, "again", said) or self._broken(request, "draft not saved")
        if value:
            draft["answers"][question.code] = value
        draft["step"], draft["tries"] = draft["step"] + 1, 0
        return self._saved(request, draft, "next") or self._broken(request, "draft not saved")

    def _questions(self, code: str) -> list[Question]:
        with self.sessions() as session:
            service = catalogue.active_service(session, code)
            if service is None:
                raise Unaskable(f"service {code!r} is no longer active")
            asked = [question_of(a) for a in catalogue.attributes_of(session, service) if a.variable]
        return [question for question in asked if question is not None]

    # -- where and what ---------------------------------------------------------

    def address(self, request: HandlerRequest) -> HandlerResult:
        """The place the shared address prompt found: house number and street, as the case will read."""
        draft = self._draft(request)
        house, street_id = request.values.get("house", ""), request.values.get("sid", "")
        if draft is None or not is_ascii_digits(house) or not is_ascii_digits(street_id):
            return self._broken(request, "no address found")
        with self.sessions() as session:
            rows = sql.streets_by_id(session, [int(street_id)])
            if not rows:
                return self._broken(request, "the street is gone")
            draft["address"] = f"{int(house)} {sql.street_name(rows[int(street_id)]).spoken}"
            draft["zip"] = rows[int(street_id)].zip or request.values.get("zip", "")
        return self._saved(request, draft, "ok") or self._broken(request, "draft not saved")

    def description(self, request: HandlerRequest) -> HandlerResult:
        draft = self._draft(request)
        if draft is None:
            return self._broken(request, "no report in progress")
        draft["description"] = request.values.get("description", "").strip()[:1000]
        return self._saved(request, draft, "ok", values={"description": ""}) or self._broken(request, "not saved")

    def recording(self, request: HandlerRequest) -> HandlerResult:
        draft = self._draft(request)
        if draft is None:
            return self._broken(request, "no report in progress")
        draft["media"] = request.values.get("report_message", "")
        draft.setdefault("description", "")
        return self._saved(request, draft, "ok", values={"report_message": ""}) or self._broken(request, "not saved")

    def can_text(self, request: HandlerRequest) -> HandlerResult:
        """Offer texts about the case only to a number that can get them and did not send STOP."""
        from ivr.sms.contacts import may_text

        caller = parse_caller(request.caller, "US")
        if not caller.can_receive_sms or caller.e164 is None:
            return HandlerResult("skip")
        try:
            with self.sessions() as session:
                allowed = may_text(session, caller.e164)
        except SQLAlchemyError:
            return HandlerResult("skip")
        return HandlerResult("offer" if allowed and self.context.line_types.can_text(caller.e164) else "skip")

    # -- filing -----------------------------------------------------------------

    def file(self, request: HandlerRequest) -> HandlerResult:
        draft = self._draft(request)
        if draft is None or request.call_sid is None:
            return self._broken(request, "no report in progress")
        phrases = PHRASES[request.language]
        submission = Submission(service_code=draft["service"], address=draft.get("address", ""),
                                zip_code=draft.get("zip", ""), description=draft.get("description", ""),
                                attributes=draft["answers"])
        wants_updates = request.values.get("updates") == "yes"
        caller = parse_caller(request.caller, "US").e164
        try:
            valid = replace(checked(self.sessions, submission), contact_phone=caller,
                            media_url=draft.get("media") or None)
            ref = self.context.references.allocate_once(f"report:{request.call_sid}", request.now.year)
            with db.unit_of_work(self.sessions) as session:
                filed = file_or_join(session, ref, valid, CHANNEL, request.now, f"call:{request.call_sid}:report",
                                     self.context.settings.duplicate_within_metres, request.language,
                                     wants_updates and caller is not None)
                case_ref, joined, opened, status = (filed.case.reference, filed.joined, filed.case.opened_at,
                                                    filed.case.status)
        except InvalidSubmission as error:
            return self._broken(request, f"the answers were refused: {error.problems}")
        except (ReferenceUnavailable, RedisError, SQLAlchemyError, IntegrityError) as error:
            return self._broken(request, f"not filed: {error}")
        spoken_ref = reference.spoken(case_ref, request.language)
        if not joined:
            return HandlerResult("filed", (phrases["filed"].format(ref=spoken_ref),), {"report_ref": case_ref},
                                 written=(phrases["filed_written"].format(ref=reference.display(case_ref)),))
        date = spoken_month_day(opened.astimezone(request.now.tzinfo).date(), request.language)
        sentence = phrases["joined"].format(date=date, state=STATES[request.language].get(status, ""),
                                            follow=phrases["follow"] if wants_updates else "")
        written = phrases["joined_written"].format(date=date, ref=reference.display(case_ref))
        return HandlerResult("joined", (sentence, phrases["its_number"].format(ref=spoken_ref)),
                             {"report_ref": case_ref}, written=(written,))

    def handoff(self, request: HandlerRequest) -> HandlerResult:
        topic = request.values.get("topic", "")
        return HandlerResult(topic if topic in HANDOFF else "general", worth_keeping=False)

    # -- helpers ----------------------------------------------------------------

    def _draft(self, request: HandlerRequest) -> dict[str, Any] | None:
        if request.call_sid is None:
            return None
        try:
            return self.drafts.load(request.call_sid)
        except (RedisError, ValueError) as error:
            logger.warning("call %s: report draft unreadable: %s", request.call_sid, error)
            return None

    def _saved(self, request: HandlerRequest, draft: dict[str, Any], outcome: str, say: tuple[str, ...] = (),
               values: dict[str, str] | None = None) -> HandlerResult | None:
        assert request.call_sid is not None
        try:
            self.drafts.save(request.call_sid, draft)
        except RedisError as error:
            logger.warning("call %s: report draft not saved: %s", request.call_sid, error)
            return None
        return HandlerResult(outcome, say, {"answer": "", **(values or {})}, worth_keeping=False)

    def _broken(self, request: HandlerRequest, why: str) -> HandlerResult:
        logger.warning("call %s: phone report handed to an agent: %s", request.call_sid, why)
        return HandlerResult("broken", (PHRASES[request.language]["broken"],), {"answer": ""}, worth_keeping=False)


def register(registry: HandlerRegistry, context: SelfServiceContext, redis: Redis) -> None:
    handlers = ReportHandlers(context, ReportDrafts(redis))
    registry.register("reports.start", handlers.start, {"ask", "agent", "broken"})
    registry.register("reports.ask", handlers.ask, {"ask", "address", "broken"})
    registry.register("reports.answer", handlers.answer, {"next", "again", "give_up", "broken"})
    registry.register("reports.address", handlers.address, {"ok", "broken"})
    registry.register("reports.description", handlers.description, {"ok", "broken"})
    registry.register("reports.recording", handlers.recording, {"ok", "broken"})
    registry.register("reports.can_text", handlers.can_text, {"offer", "skip"})
    registry.register("reports.file", handlers.file, {"filed", "joined", "broken"})
    registry.register("reports.handoff", handlers.handoff, {*HANDOFF, "general"})
