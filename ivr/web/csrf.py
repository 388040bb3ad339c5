"""Cross-site request forgery protection for the residents' form: a secret in the signed session cookie.

A page from another site can make a browser post to /report, but it cannot
read the token this site put in its own form, so a post without the matching
token did not come from our page.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

from flask import session

SESSION_KEY = "csrf_token"
FIELD = "csrf_token"


def token() -> str:
    """This browser's token, created on its first form."""
    if not isinstance(session.get(SESSION_KEY), str):
        session[SESSION_KEY] = secrets.token_urlsafe(32)
    return str(session[SESSION_KEY])


def is_valid(form: Mapping[str, str]) -> bool:
    expected, given = session.get(SESSION_KEY), form.get(FIELD, "")
    if not isinstance(expected, str) or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
