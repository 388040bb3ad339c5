"""What the console says about an agent's wrap-up, and whether the agent may leave it (routing.wrapups)."""

from __future__ import annotations

from typing import Any

from routing import wrapups


def wrap_up_view(services: Any, login: str, language: str = "en") -> dict[str, Any] | None:
    """What /agents/api/me says about the agent's wrap-up (None when not in one)."""
    ctx = services.router.ctx
    wrap_up = wrapups.current(ctx, login)
    if wrap_up is None:
        return None
    return {"call": wrap_up.call_sid, "queue": f"{wrap_up.skill}-{wrap_up.language}", "ends": wrap_up.ends,
            "latest_end": wrap_up.latest_end, "can_extend": wrap_up.can_extend, "required": wrap_up.required,
            "code": wrap_up.code, "codes": wrap_up.labels(ctx.config.wrap_up_codes, language),
            "labels": {lang: wrap_up.labels(ctx.config.wrap_up_codes, lang) for lang in ctx.config.languages}}


def refuse_leaving(services: Any, login: str) -> str | None:
    """Why the agent may not leave wrap-up yet (a required code not chosen), or None."""
    if wrapups.may_end(services.router.ctx, login):
        return None
    return "Choose a wrap-up code for the call first: this queue needs one before your next call."
