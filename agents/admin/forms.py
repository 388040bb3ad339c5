"""The admin form, read into an account profile; a proficiency that is not a number is a problem of its own field."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from agents.auth.accounts import Problem, Profile
from routing.config import RoutingConfig


def skill_field(skill: str) -> str:
    return f"skill-{skill}"


def profile_of(login: str, form: MultiDict[str, str], config: RoutingConfig,
               not_number: str) -> tuple[Profile, list[Problem]]:
    skills, problems = {}, []
    for skill in config.skills:
        raw = form.get(skill_field(skill), "").strip()
        if not raw:
            continue
        if not raw.isdigit():
            problems.append(Problem(skill_field(skill), not_number.format(skill=skill)))
            continue
        skills[skill] = int(raw)
    languages = [code for code in form.getlist("languages") if code]
    return Profile(login.strip(), form.get("name", ""), skills, languages, form.get("role", "agent")), problems

