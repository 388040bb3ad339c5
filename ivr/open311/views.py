"""The GeoReport v2 endpoints under /open311/v2: a thin edge over the catalogue, queries and submissions.

Every answer, errors included, comes in the format the URL asks for (.xml or
.json); named errors become the spec's <errors> document and HTTP status here,
and only here.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Response, current_app, g, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError

from ivr.limits import limiter
from ivr.open311 import api_keys, catalogue, documents, errors, fields, filing, formats, queries, submissions
from ivr.open311.messages import describe
from ivr.open311.validation import InvalidSubmission, ValidSubmission

logger = logging.getLogger(__name__)
bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

#: HTTP statuses as the spec asks: 403 for keys, 404 for what does not exist, 400 for the rest.
STATUS: dict[type[errors.Open311Error], int] = {
    errors.MissingApiKey: 403,
    errors.InvalidApiKey: 403,
    errors.UnknownService: 404,
    errors.UnknownServiceRequest: 404,
    errors.UnknownToken: 404,
    errors.UnknownResource: 404,
    errors.InvalidQuery: 400,
    errors.InvalidRequest: 400,
    errors.IdempotencyKeyReused: 400,
    errors.ServiceUnavailable: 503,
}
#: Codes in the error body that say more than the HTTP status (the spec allows this).
BODY_CODES: dict[type[errors.Open311Error], int] = {errors.IdempotencyKeyReused: 409}
RETRY_AFTER_SECONDS = "30"


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def _now() -> datetime:
    return datetime.now(_services().settings.office_hours.zone)


def _answer(root: str, document: Any, status: int = 200) -> Response:
    fmt = g.get("open311_format", "xml")
    return Response(formats.render(root, document, fmt), status=status, content_type=formats.CONTENT_TYPES[fmt])


@bp.url_value_preprocessor
def _take_format(endpoint: str | None, values: dict[str, Any] | None) -> None:
    fmt = (values or {}).pop("fmt", None)
    g.open311_format = fmt if fmt in formats.FORMATS else "xml"
    if fmt is not None and fmt not in formats.FORMATS:
        raise errors.UnknownResource(f"format {fmt!r} is not offered: use .xml or .json")


@bp.after_request
def _readable_anywhere(response: Response) -> Response:
    """Dashboards in browsers read the open data directly; creating still needs a key."""
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(errors.Open311Error)
def _open311_error(error: errors.Open311Error) -> Response:
    status = STATUS.get(type(error), 400)
    response = _answer("errors", documents.errors(BODY_CODES.get(type(error), status), error.descriptions), status)
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


@bp.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded) -> Response:
    retry_after = str(error.limit.limit.get_expiry()) if getattr(error, "limit", None) else RETRY_AFTER_SECONDS
    response = _answer("errors", documents.errors(429, [f"Too many requests ({error.description}); "
                                                       f"retry after {retry_after} seconds"]), 429)
    response.headers["Retry-After"] = retry_after
    return response


def _read_limit() -> str:
    return str(_services().settings.open311_read_limit)


def _write_limit() -> str:
    return str(_services().settings.open311_write_limit)


def _api_client() -> str:
    """Creating is limited per API key (hashed, as submissions remember it), or per address without one."""
    given = request.values.get("api_key", "")
    return "key:" + hashlib.sha256(given.encode()).hexdigest()[:16] if given else "addr:" + get_remote_address()


# Every request under the API, per client address: enough for a dashboard, not for a scraper in a loop.
limiter.limit(_read_limit, key_func=get_remote_address)(bp)

SPEC = Path(__file__).with_name("openapi.yaml")


@cache
def _spec_json() -> str:
    return json.dumps(yaml.safe_load(SPEC.read_text(encoding="utf-8")))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API described in OpenAPI 3 (ivr/open311/openapi.yaml), for client generators and fuzzers."""
    return Response(_spec_json(), content_type="application/json; charset=utf-8")


@bp.errorhandler(SQLAlchemyError)
def _database_error(error: SQLAlchemyError) -> Response:
    logger.exception("open311: the database failed")
    return _open311_error(errors.ServiceUnavailable("The city's case database is unavailable; please retry shortly"))


@bp.get("/discovery.<fmt>")
def discovery() -> Response:
    settings = _services().settings
    endpoint = (settings.public_base_url or request.host_url.rstrip("/")) + (bp.url_prefix or "")
    return _answer("discovery", documents.discovery(endpoint, settings.production))


@bp.get("/services.<fmt>")
def services() -> Response:
    with _services().sessions() as session:
        asking = catalogue.services_with_attributes(session)
        listed = [documents.service(kind, kind.id in asking) for kind in catalogue.active_services(session)]
    return _answer("services", listed)


@bp.get("/services/<service_code>.<fmt>")
def service_definition(service_code: str) -> Response:
    with _services().sessions() as session:
        kind = catalogue.active_service(session, service_code)
        if kind is None:
            raise errors.UnknownService(f"service_code {service_code} was not found")
        document = documents.definition(kind, catalogue.attributes_of(session, kind))
    return _answer("service_definition", document)


@bp.post("/requests.<fmt>")
@limiter.limit(_write_limit, key_func=_api_client)
def create_request() -> Response:
    client = api_keys.client_of(request.values.get("api_key", ""), current_app.config.get("OPEN311_API_KEYS", ()))
    key = submissions.idempotency_key(request.headers.get("Idempotency-Key"))
    valid, extras = _checked_submission()
    attempt = submissions.attempt(client, valid, extras, key, _now())
    outcome = submissions.submit(_services().sessions, _services().references, attempt,
                                 _services().settings.duplicate_within_metres)
    case = outcome.case
    response = _answer("service_requests", documents.created(case.reference, case.service_type, outcome.account_id),
                       200 if outcome.replayed else 201)
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    if outcome.joined:
        response.headers["Already-Reported"] = "true"
    response.headers["Location"] = url_for(".request_detail", service_request_id=case.reference,
                                           fmt=g.open311_format, _external=True)
    return response


def _checked_submission() -> tuple[ValidSubmission, fields.ApiExtras]:
    extras, too_long = fields.api_extras(request.form)
    try:
        valid = filing.checked(_services().sessions, fields.api_submission(request.form))
    except InvalidSubmission as error:
        unknown = [p.params["code"] for p in error.problems if (p.field, p.reason) == ("service_code", "unknown")]
        if unknown:
            raise errors.UnknownService(f"service_code {unknown[0]} was not found") from None
        raise errors.InvalidRequest(*(describe(p) for p in error.problems), *too_long) from None
    if too_long:
        raise errors.InvalidRequest(*too_long)
    return valid, extras


@bp.get("/requests.<fmt>")
def list_requests() -> Response:
    query = queries.parse_query(request.args, _now())
    zone = _services().settings.office_hours.zone
    with _services().sessions() as session:
        unknown = catalogue.unknown_codes(session, query.service_codes)
        if unknown:
            raise errors.UnknownService(f"service_code {', '.join(unknown)} was not found")
        cases = queries.find_requests(session, query)
        told = queries.submissions_for(session, cases)
        listed = [documents.request(case, zone, told.get(case.id)) for case in cases]
    return _answer("service_requests", listed)


@bp.get("/requests/<service_request_id>.<fmt>")
def request_detail(service_request_id: str) -> Response:
    zone = _services().settings.office_hours.zone
    with _services().sessions() as session:
        case = queries.find_request(session, service_request_id)
        if case is None:
            raise errors.UnknownServiceRequest(f"service_request_id {service_request_id} was not found")
        document = [documents.request(case, zone, queries.submissions_for(session, [case]).get(case.id))]
    return _answer("service_requests", document)


@bp.get("/tokens/<token>.<fmt>")
def token(token: str) -> Response:
    raise errors.UnknownToken(f"token {token} was not found: every CityLine service is realtime, "
                              "so POST requests answers with a service_request_id and issues no tokens")


@bp.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str) -> Response:
    """Anything else under the API answers in the spec's error format, not an HTML page."""
    g.open311_format = "json" if rest.endswith(".json") else "xml"
    raise errors.UnknownResource(f"{request.method} {request.path} is not a GeoReport v2 resource")
