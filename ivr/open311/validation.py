"""What makes a service request acceptable, shared by the Open311 API and the residents' web form.

One set of rules for every channel: a case opened on the web and one opened by
an app through the API are checked the same way.  Nothing here knows about
HTTP, SQL or a language: problems come back as (field, reason, params) and
each edge words them for its audience (API clients in English, residents in
their own language).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlparse

from ivr.open311 import w3c
from ivr.phone import parse_caller
from ivr.xml_text import xml_safe

DESCRIPTION_LIMIT = 4000  # the spec's limit for a description
LINE_LIMITS = {"address": 200, "address_id": 100, "name": 120, "email": 200, "media_url": 500}
ATTRIBUTE_STRING_LIMIT = 500
HOME_REGION = "US"  # phone numbers without a country code are read as this country's

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>")
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_TRAILING_ZIP = re.compile(r"\b(\d{5}(?:-\d{4})?)\s*$")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass(frozen=True)
class AttributeSpec:
    """One question of a service definition, as validation needs it."""

    code: str
    datatype: str
    required: bool = False
    variable: bool = True
    description: str = ""
    keys: tuple[str, ...] = ()  # the allowed keys of a singlevaluelist or multivaluelist


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    attributes: tuple[AttributeSpec, ...] = ()


@dataclass(frozen=True)
class Submission:
    """A request as typed or sent: every value still text, nothing trusted yet."""

    service_code: str = ""
    latitude: str = ""
    longitude: str = ""
    address: str = ""
    address_id: str = ""
    zip_code: str = ""
    description: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    media_url: str = ""
    attributes: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    field: str  # service_code, location, latitude, longitude, address, zip_code, ..., attribute[code]
    reason: str  # required, unknown, half_coordinates, bad_coordinates, too_long, html, invalid, ...
    params: Mapping[str, str] = field(default_factory=dict)


class InvalidSubmission(ValueError):
    """Every problem found at once, so a resident or a client can fix them in one go."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(", ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class ValidSubmission:
    service_code: str
    description: str
    address: str
    address_id: str
    zip_code: str
    latitude: float | None
    longitude: float | None
    contact_name: str
    contact_phone: str | None  # E.164
    contact_email: str
    media_url: str | None
    attributes: dict[str, str | list[str]]


def clean(text: str | None) -> str:
    """Strip, and drop control characters no resident means to send (PostgreSQL refuses NUL) and
    anything else XML cannot carry (U+FFFE, U+FFFF), so one report cannot break the XML feed."""
    return xml_safe(_CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))).strip()


def validate(submission: Submission, service: ServiceSpec | None) -> ValidSubmission:
    """The submission made safe to store, or InvalidSubmission listing everything wrong with it."""
    problems: list[Problem] = []
    latitude, longitude = _coordinates(submission, problems)
    address = _line("address", submission.address, problems)
    valid = ValidSubmission(
        service_code=_service_code(submission.service_code, service, problems),
        description=_description(submission.description, problems),
        address=address,
        address_id=_line("address_id", submission.address_id, problems),
        zip_code=_zip_code(submission.zip_code, address, problems),
        latitude=latitude,
        longitude=longitude,
        contact_name=_line("name", submission.name, problems),
        contact_phone=_phone(submission.phone, problems),
        contact_email=_email(submission.email, problems),
        media_url=_media_url(submission.media_url, problems),
        attributes=_attributes(submission.attributes, service, problems),
    )
    _location(valid, problems)
    if problems:
        raise InvalidSubmission(problems)
    return valid


def _service_code(code: str, service: ServiceSpec | None, problems: list[Problem]) -> str:
    code = clean(code)
    if not code:
        problems.append(Problem("service_code", "required"))
    elif service is None or service.code != code:
        problems.append(Problem("service_code", "unknown", {"code": code}))
    return code


def _line(name: str, text: str, problems: list[Problem]) -> str:
    """A one-line value: whitespace runs (line breaks included) become one space."""
    value = " ".join(clean(text).split())
    if len(value) > LINE_LIMITS[name]:
        problems.append(Problem(name, "too_long", {"limit": str(LINE_LIMITS[name])}))
    return value


def _description(text: str, problems: list[Problem]) -> str:
    value = clean(text)
    if len(value) > DESCRIPTION_LIMIT:
        problems.append(Problem("description", "too_long", {"limit": str(DESCRIPTION_LIMIT)}))
    if _HTML.search(value):
        problems.append(Problem("description", "html"))
    return value


def _coordinates(submission: Submission, problems: list[Problem]) -> tuple[float | None, float | None]:
    lat, long = clean(submission.latitude), clean(submission.longitude)
    if not lat and not long:
        return None, None
    if not (lat and long):
        problems.append(Problem("location", "half_coordinates"))
        return None, None
    latitude, longitude = _degrees("latitude", lat, 90, problems), _degrees("longitude", long, 180, problems)
    return (latitude, longitude) if latitude is not None and longitude is not None else (None, None)


def _degrees(name: str, text: str, limit: int, problems: list[Problem]) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and -limit <= value <= limit):
        problems.append(Problem(name, "bad_coordinates", {"limit": str(limit)}))
        return None
    return value


def _location(valid: ValidSubmission, problems: list[Problem]) -> None:
    """The spec's one required place: lat and long, an address, or an address id."""
    if any(p.field in ("location", "latitude", "longitude") for p in problems):
        return
    if valid.latitude is None and not valid.address and not valid.address_id:
        problems.append(Problem("location", "required"))


def _zip_code(text: str, address: str, problems: list[Problem]) -> str:
    """A ZIP typed on its own, or the one an Open311 address ends with (the spec puts it last)."""
    value = clean(text)
    if not value:
        found = _TRAILING_ZIP.search(address)
        return found.group(1) if found else ""
    if not _ZIP.fullmatch(value):
        problems.append(Problem("zip_code", "invalid"))
    return value


def _phone(text: str, problems: list[Problem]) -> str | None:
    value = clean(text)
    if not value:
        return None
    number = parse_caller(value, HOME_REGION)
    if number.e164 is None:
        problems.append(Problem("phone", "invalid"))
    return number.e164


def _email(text: str, problems: list[Problem]) -> str:
    value = clean(text)
    if value and (len(value) > LINE_LIMITS["email"] or not _EMAIL.fullmatch(value)):
        problems.append(Problem("email", "invalid"))
    return value


def _media_url(text: str, problems: list[Problem]) -> str | None:
    value = clean(text)
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(value) > LINE_LIMITS["media_url"] \
            or any(c.isspace() for c in value):
        problems.append(Problem("media_url", "invalid"))
    return value


def _attributes(given: Mapping[str, Sequence[str]], service: ServiceSpec | None,
                problems: list[Problem]) -> dict[str, str | list[str]]:
    """Answers checked against the service definition; only questions meant for input are accepted."""
    if service is None:
        return {}
    questions = {spec.code: spec for spec in service.attributes if spec.variable}
    answered = {code: [clean(v) for v in values if clean(v)] for code, values in given.items()}
    for code in sorted(code for code, values in answered.items() if values and code not in questions):
        problems.append(Problem(f"attribute[{code}]", "unknown_attribute", {"code": code, "service": service.code}))
    answers: dict[str, str | list[str]] = {}
    for spec in questions.values():
        answer = _answer(spec, answered.get(spec.code, []), problems)
        if answer is not None:
            answers[spec.code] = answer
    return answers


def _answer(spec: AttributeSpec, values: list[str], problems: list[Problem]) -> str | list[str] | None:
    params = {"code": spec.code, "question": spec.description, "datatype": spec.datatype,
              "keys": ", ".join(spec.keys)}
    if not values:
        if spec.required:
            problems.append(Problem(f"attribute[{spec.code}]", "missing_attribute", params))
        return None
    answer = _typed(spec, values)
    if answer is None:
        problems.append(Problem(f"attribute[{spec.code}]", "bad_attribute", params))
    return answer


def _typed(spec: AttributeSpec, values: list[str]) -> str | list[str] | None:
    """The answer in its stored form, or None when it does not fit the datatype."""
    if spec.datatype == "multivaluelist":
        return list(dict.fromkeys(values)) if all(v in spec.keys for v in values) else None
    if len(values) != 1:
        return None
    value = values[0]
    return value if _SINGLE_CHECKS.get(spec.datatype, _never)(value, spec) else None


def _is_number(value: str, spec: AttributeSpec) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def _is_datetime(value: str, spec: AttributeSpec) -> bool:
    try:
        w3c.parse(value)
    except w3c.BadDate:
        return False
    return True


def _never(value: str, spec: AttributeSpec) -> bool:
    return False


_SINGLE_CHECKS = {
    "string": lambda value, spec: "\n" not in value and len(value) <= ATTRIBUTE_STRING_LIMIT,
    "text": lambda value, spec: len(value) <= DESCRIPTION_LIMIT,
    "number": _is_number,
    "datetime": _is_datetime,
    "singlevaluelist": lambda value, spec: value in spec.keys,
}
