"""The report form: its fields as typed, turned into the shared Submission the API is checked with.

The only web-specific step is dates: a browser's datetime-local field has no
time zone, and the resident means the city's, so it is attached here before
the shared rules (which insist on a zone) see the value.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, tzinfo

from werkzeug.datastructures import MultiDict

from ivr.open311.fields import attributes_from
from ivr.open311.validation import Submission

FIELDS = ("service_code", "address", "zip_code", "description", "name", "phone", "email", "updates")
_LOCAL_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?")
_FORM_ID = re.compile(r"[0-9a-f]{32}")


def values_of(form: MultiDict[str, str]) -> dict[str, str]:
    """What to show again in the form when it comes back with problems."""
    return {name: form.get(name, "") for name in FIELDS}


def submission_of(form: MultiDict[str, str], zone: tzinfo) -> Submission:
    answers = {code: [_zoned(value, zone) for value in values]
               for code, values in attributes_from(form.items(multi=True)).items()}
    return Submission(
        service_code=form.get("service_code", ""), address=form.get("address", ""),
        zip_code=form.get("zip_code", ""), description=form.get("description", ""),
        name=form.get("name", ""), phone=form.get("phone", ""), email=form.get("email", ""),
        attributes=answers,
    )


def _zoned(value: str, zone: tzinfo) -> str:
    if not _LOCAL_DATETIME.fullmatch(value.strip()):
        return value
    try:
        local = datetime.fromisoformat(value.strip()).replace(tzinfo=zone)
    except ValueError:
        return value  # month 13, February 30: the shared rules refuse it as not a date
    return local.isoformat(timespec="seconds")


def new_form_id() -> str:
    """One per rendered form, so a double click or a reload after posting files one case."""
    return uuid.uuid4().hex


def form_id_of(form: MultiDict[str, str]) -> str | None:
    value = form.get("form_id", "")
    return value if _FORM_ID.fullmatch(value) else None
