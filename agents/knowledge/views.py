"""The knowledge base for agents, as JSON: search, open an article, articles for the call on the line."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from agents.auth import console_login
from agents.knowledge.search import search, suggested
from ivr.models.knowledge import SEARCH_CONFIGS, KnowledgeArticle
from routing.exceptions import RoutingError, UnknownAgent

bp = Blueprint("agents_knowledge", __name__, url_prefix="/agents/api/knowledge")
MAX_QUERY = 200


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


@bp.errorhandler(SQLAlchemyError)
def database_unreachable(error: SQLAlchemyError) -> ResponseReturnValue:
    current_app.logger.error("knowledge base: database error: %s", error)
    return jsonify(error="The knowledge base is unavailable right now; try again shortly."), 503


def _language() -> str | None:
    language = request.args.get("lang", "en")
    return language if language in SEARCH_CONFIGS else None


@bp.get("")
@console_login
def find() -> ResponseReturnValue:
    query, language = request.args.get("q", "").strip(), _language()
    if language is None:
        return jsonify(error=f"lang must be one of {', '.join(SEARCH_CONFIGS)}"), 400
    if len(query) > MAX_QUERY:
        return jsonify(error=f"a search is at most {MAX_QUERY} characters"), 400
    with _services().sessions() as session:
        hits = search(session, query, language)
    return jsonify(query=query, language=language, articles=[asdict(hit) for hit in hits])


@bp.get("/<int:article_id>")
@console_login
def article(article_id: int) -> ResponseReturnValue:
    with _services().sessions() as session:
        row = session.get(KnowledgeArticle, article_id)
        if row is None:
            return jsonify(error="no such article"), 404
        others = [{"id": a.id, "language": a.language} for a in session.query(KnowledgeArticle)
                  .filter(KnowledgeArticle.slug == row.slug, KnowledgeArticle.id != row.id)]
        return jsonify(id=row.id, slug=row.slug, language=row.language, title=row.title, body=row.body,
                       service_codes=row.service_codes, skills=row.skills, updated_at=row.updated_at.isoformat(),
                       translations=others)


@bp.get("/suggested")
@console_login
def for_my_call() -> ResponseReturnValue:
    """Articles for the skill and language of the call this agent is on (none without a call)."""
    try:
        agent = _services().router.agent(g.login)
        call = _services().router.call(agent.call) if agent.call else None
    except UnknownAgent:
        call = None
    except (RoutingError, RedisError):
        return jsonify(error="Routing is unreachable, so the call's queue is unknown; search instead."), 503
    if call is None:
        return jsonify(skill=None, articles=[])
    with _services().sessions() as session:
        hits = suggested(session, call.skill, call.language if call.language in SEARCH_CONFIGS else "en")
    return jsonify(skill=call.skill, language=call.language, articles=[asdict(hit) for hit in hits])
