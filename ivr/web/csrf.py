"""Cross-site request forgery protection for the residents' form, with the same Flask-WTF token as the rest of the app.

A page from another site can make a browser post to /report, but it cannot
read the token this site put in its own form, so a post without the matching
token did not come from our page.  The app-wide CSRFProtect (ivr.security)
leaves this blueprint to check the token here, so a refused form comes back
with what the resident typed instead of an error page.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import session
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

FIELD = "csrf_token"


def token() -> str:
    """The signed token for this browser's form (its secret is created in the session on the first form)."""
    return str(generate_csrf())


def secret() -> str:
    """The session's unsigned CSRF secret: the same for every form this browser loads (used to de-duplicate posts)."""
    token()
    return str(session[FIELD])


def is_valid(form: Mapping[str, str]) -> bool:
    try:
        validate_csrf(form.get(FIELD, ""))
    except ValidationError:
        return False
    return True
