"""`cityline routing`: check a routing file, run one routing sweep."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from ivr.cli.common import redis as _redis
from ivr.cli.common import settings as _settings

logger = logging.getLogger(__name__)


@click.group()
def routing() -> None:
    """The contact center's routing (queues, agents, callbacks)."""


@routing.command("validate")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def routing_validate(file: Path | None) -> None:
    """Check a routing file (default: the configured one) and list every problem."""
    from routing.config import load_config
    from routing.exceptions import RoutingConfigError

    path = file or _settings().routing_file
    try:
        config = load_config(path)
    except RoutingConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    queues = ", ".join(f"{skill} ({queue.strategy})" for skill, queue in config.queues.items())
    click.echo(f"{path or 'the shipped routing file'}: valid; languages {', '.join(config.languages)}; "
               f"queues {queues}")


@routing.command("sweep")
def routing_sweep() -> None:
    """Run the routing sweep once, as every worker does every 2 s: timeouts, due callbacks, overflow, waits to SQL."""
    from ivr import db
    from ivr.jobs.routing_jobs import services_from
    from ivr.jobs.sweeper import sweep_once

    settings, redis = _settings(), _redis()
    engine = db.make_engine(settings.database_url)
    try:
        result = sweep_once(services_from(settings, redis, db.make_session_factory(engine)))
    finally:
        engine.dispose()
        redis.close()
    if result.report is None:
        raise click.ClickException("the routing sweep failed (see the log)")
    click.echo(f"offers made {len(result.report.offers)}, offers missed {len(result.report.timed_out)}, "
               f"overflowed {len(result.overflowed)}, waits copied to SQL {result.waits_copied}, "
               f"callbacks given up dialing {len(result.callbacks_timed_out)}, notes filed {result.notes_filed}")


@routing.command("release-agent")
@click.argument("login")
@click.option("--by", default="", help="Who releases the agent, for the audit line (default: the OS user).")
def routing_release_agent(login: str, by: str) -> None:
    """Free an agent stuck on a call that is over (e.g. after a Redis outage); audited in the log."""
    import getpass

    from routing.config import load_config
    from routing.exceptions import RoutingError
    from routing.router import Router

    settings, redis, who = _settings(), _redis(), by or getpass.getuser()
    try:
        call = Router(redis, load_config(settings.routing_file), hours=settings.office_hours).release_agent(
            login, f"released by {who}")
    except RoutingError as error:
        raise click.ClickException(f"{login} not released: {error}") from error
    finally:
        redis.close()
    logger.warning("AUDIT agent %s released from call %s by %s (cityline routing release-agent)", login,
                   call or "(none)", who)
    click.echo(f"{login} released from call {call or '(none)'}; available again")
