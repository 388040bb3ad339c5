"""Reading a submission out of form fields: the spec's POST names, and attribute[code] answers.

Both edges post forms: API clients with the spec's names (lat, long,
address_string, first_name, ...), the web page with its own; both send a
service's answers as attribute[code]=value, and attribute[code][]=value for
each choice of a multivaluelist, exactly as the spec describes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from ivr.open311.validation import Submission, clean

_ATTRIBUTE = re.compile(r"attribute\[([^\[\]]{1,64})\](\[\])?")
EXTRA_LIMIT = 100


@dataclass(frozen=True)
class ApiExtras:
    """What the spec lets a client send that is about the client, not the problem."""

    device_id: str = ""
    account_id: str = ""


def attributes_from(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for name, value in pairs:
        found = _ATTRIBUTE.fullmatch(name)
        if found:
            answers.setdefault(found.group(1), []).append(value)
    return answers


def api_submission(form: MultiDict[str, str]) -> Submission:
    name = " ".join(part for part in (clean(form.get("first_name")), clean(form.get("last_name"))) if part)
    return Submission(
        service_code=form.get("service_code", ""),
        latitude=form.get("lat", ""),
        longitude=form.get("long", ""),
        address=form.get("address_string", ""),
        address_id=form.get("address_id", ""),
        description=form.get("description", ""),
        name=name,
        phone=form.get("phone", ""),
        email=form.get("email", ""),
        media_url=form.get("media_url", ""),
        attributes=attributes_from(form.items(multi=True)),
    )


def api_extras(form: MultiDict[str, str]) -> tuple[ApiExtras, list[str]]:
    """device_id and account_id, and a sentence for each that is too long to keep."""
    extras = ApiExtras(clean(form.get("device_id")), clean(form.get("account_id")))
    too_long = [f"{name} is longer than {EXTRA_LIMIT} characters"
                for name, value in (("device_id", extras.device_id), ("account_id", extras.account_id))
                if len(value) > EXTRA_LIMIT]
    return extras, too_long
