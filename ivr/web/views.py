"""Residents' pages: report a problem (/report) and check a case (/cases/lookup), in English and Spanish.

Plain HTML forms that work without JavaScript; the report is checked by the
same rules as the Open311 API and filed through the same allocator, with the
channel "web".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import SQLAlchemyError

from ivr.cases import reference
from ivr.cases.allocator import ReferenceUnavailable
from ivr.limits import limiter
from ivr.models.case import Case
from ivr.open311 import catalogue, filing
from ivr.open311.fields import attributes_from
from ivr.open311.validation import InvalidSubmission, Problem, clean
from ivr.web import csrf, forms, i18n, lookup, reports

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/web/static")


#: The query arguments the language switch carries over; anything else (endpoint, _scheme, _external)
#: would reach url_for as one of its own keywords.
SWITCH_KEEPS = ("ref", "service")


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def _zone():  # type: ignore[no-untyped-def]
    return _services().settings.office_hours.zone


def _language() -> str:
    flow = _services().flow
    return i18n.choose_language(request.values.get("lang"), request.accept_languages.values(),
                                flow.languages, flow.default_language)


def _page(template: str, language: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    """Every page gets its words, its language and the switch to the others (same page, same query)."""
    others = [code for code in _services().flow.languages if code in i18n.TEXT and code != language]
    switch_args = {name: value for name, value in request.args.items() if name in SWITCH_KEEPS}
    html = render_template(template, t=i18n.TEXT[language], lang=language, others=others,
                           language_names={code: i18n.TEXT[code]["language_name"] for code in i18n.TEXT},
                           switch_endpoint=request.endpoint, switch_args=switch_args, **context)
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "no-store"  # pages may hold what a resident typed
    return response


@bp.errorhandler(SQLAlchemyError)
def _database_down(error: SQLAlchemyError) -> ResponseReturnValue:
    """The database is down: a page that says to try again shortly (503), as Open311 answers, not a 500."""
    current_app.logger.exception("resident pages: the database failed")
    response = _page("unavailable.html", _language(), 503)
    response.headers["Retry-After"] = "30"  # type: ignore[union-attr]
    return response


@bp.get("/report")
def report_form() -> ResponseReturnValue:
    language = _language()
    values = {name: "" for name in forms.FIELDS} | {"service_code": request.args.get("service", "")}
    return _report_page(language, values, {}, ())


def _report_limit() -> str:
    return str(_services().settings.web_report_limit)


@bp.errorhandler(RateLimitExceeded)
def _too_many_reports(error: RateLimitExceeded) -> ResponseReturnValue:
    """The same form back with what the resident typed and a notice to wait, never a bare 429 page."""
    language, form = _language(), request.form
    response = _report_page(language, forms.values_of(form), attributes_from(form.items(multi=True)), (),
                            notice="too_many", status=429)
    response.headers["Retry-After"] = "60"  # type: ignore[union-attr]
    return response


@bp.post("/report")
@limiter.limit(_report_limit)
def report_submit() -> ResponseReturnValue:
    language, form = _language(), request.form
    values, answers = forms.values_of(form), attributes_from(form.items(multi=True))
    if not csrf.is_valid(form):
        return _report_page(language, values, answers, (), notice="csrf", status=400)
    try:
        valid = filing.checked(_services().sessions, forms.submission_of(form, _zone()))
    except InvalidSubmission as error:
        return _report_page(language, values, answers, error.problems, status=422)
    key = reports.source_key(csrf.secret(), forms.form_id_of(form))
    try:
        ref, joined = reports.file_report(
            _services().sessions, _services().references, valid, key, datetime.now(_zone()),
            reports.ReportOptions(language, form.get("updates") == "yes",
                                  _services().settings.duplicate_within_metres))
    except ReferenceUnavailable:
        return _report_page(language, values, answers, (), notice="unavailable", status=503)
    return redirect(url_for(".report_thanks", ref=ref, lang=language, **({"joined": "1"} if joined else {})), 303)


def _report_page(language: str, values: dict[str, str], answers: dict[str, list[str]],
                 problems: Sequence[Problem], notice: str | None = None, status: int = 200) -> ResponseReturnValue:
    with _services().sessions() as session:
        choices = [(kind.code, i18n.service_name(kind.code, kind.name, language))
                   for kind in catalogue.active_services(session)]
        chosen = catalogue.active_service(session, clean(values["service_code"]))
        questions = catalogue.attributes_of(session, chosen) if chosen else []
    summary = [(_anchor(p.field), i18n.problem_text(p, language)) for p in problems]
    errors = {_field_of(p.field): text for p, (_, text) in zip(problems, summary, strict=True)}
    return _page("report.html", language, status, values=values, answers=answers, choices=choices,
                 questions=questions, errors=errors, summary=summary, notice=notice, csrf_token=csrf.token(),
                 form_id=forms.new_form_id())


def _field_of(problem_field: str) -> str:
    """The form field a problem belongs to: a missing location is a missing address on this form."""
    return "address" if problem_field == "location" else problem_field


def _anchor(problem_field: str) -> str:
    """The element id the error summary links to."""
    field = _field_of(problem_field)
    return "attr-" + field[len("attribute["):-1] if field.startswith("attribute[") else field


@bp.get("/report/thanks")
def report_thanks() -> ResponseReturnValue:
    language, typed = _language(), lookup.read_reference(request.args.get("ref"))
    if typed.outcome != "ok":
        return redirect(url_for(".report_form", lang=language), 303)
    return _page("thanks.html", language, reference=typed.reference, shown=reference.display(typed.reference),
                 joined=request.args.get("joined") == "1")


@bp.get("/cases/lookup")
def case_lookup() -> ResponseReturnValue:
    language, typed = _language(), lookup.read_reference(request.args.get("ref"))
    if typed.outcome in ("empty", "malformed", "check_digit"):
        status = 200 if typed.outcome == "empty" else 400
        message = None if typed.outcome == "empty" else i18n.TEXT[language][typed.outcome]
        return _page("lookup.html", language, status, typed=request.args.get("ref", ""), message=message)
    return _lookup_result(language, typed.reference)


def _lookup_result(language: str, ref: str) -> ResponseReturnValue:
    with _services().sessions() as session:
        case = lookup.find_case(session, ref)
        if case is None:
            message = i18n.TEXT[language]["not_found"].format(ref=reference.display(ref))
            return _page("lookup.html", language, 404, typed=reference.display(ref), message=message)
        shown = _shown(case, language)
    return _page("lookup.html", language, typed=shown["reference"], case=shown, message=None)


def _shown(case: Case, language: str) -> dict[str, Any]:
    """A case as the lookup page shows it: words in the resident's language, dates in the city's zone."""
    zone, words = _zone(), i18n.TEXT[language]

    def date(moment: datetime) -> str:
        return i18n.long_date(moment, zone, language)

    return {
        "reference": reference.display(case.reference),
        "service": i18n.service_name(case.service_type.code, case.service_type.name, language),
        "status": case.status,
        "status_text": words[f"status_{case.status}"],
        "opened": date(case.opened_at),
        "updated": date(case.updated_at),
        "expected": date(case.expected_by),
        "closed": date(case.closed_at) if case.closed_at else None,
        "overdue": lookup.is_overdue(case, datetime.now(zone)),
        "updates": [{"date": date(u.at), "status": words[f"status_{u.status}"], "note": u.note}
                    for u in lookup.public_updates(case)],
    }
