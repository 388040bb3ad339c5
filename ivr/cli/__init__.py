"""The `cityline` command: run the service, call it, check flows, migrate the database."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from ivr.cli.agents import agents
from ivr.cli.common import redis as _redis
from ivr.cli.common import settings as _settings
from ivr.cli.imports import import_group
from ivr.cli.intents import intents
from ivr.cli.knowledge import knowledge
from ivr.cli.messages import messages
from ivr.cli.retention import retention
from ivr.cli.routing import routing
from ivr.cli.staffing import staffing
from ivr.cli.texting import text
from ivr.settings import ConfigError


@click.group()
def main() -> None:
    """CityLine 311: a telephony IVR and call-center router for 3-1-1 lines."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the web process binds.")
@click.option("--web-workers", default=2, show_default=True, help="gunicorn worker processes.")
def run(host: str, web_workers: int) -> None:
    """Start web and worker together (and a private Redis when REDIS_URL is unset)."""
    from ivr.launcher import run as launch
    from ivr.private_redis import NoRedisServer

    try:
        sys.exit(launch(host, web_workers, out=click.echo))
    except (ConfigError, NoRedisServer) as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@click.option("--fork", is_flag=True,
              help="Run each job in a forked child (isolation at about 20x the cost per job; see bench/).")
def worker(burst: bool, fork: bool) -> None:
    """Run an RQ worker for the background jobs (the Procfile's worker line)."""
    from rq import Queue

    from ivr import db, redis_connection
    from ivr.jobs import call_history, event_stream
    from ivr.jobs.job_registry import WORK_QUEUES
    from ivr.jobs.parent_death import children_die_with_this_process
    from ivr.jobs.safe_dequeue import SafeSimpleWorker, SafeWorker
    from ivr.jobs.sweeper import start_sweeper
    from ivr.jobs.worker_loop import MAINTENANCE_SECONDS, WORKER_TTL_SECONDS, work_until_stopped

    settings = _settings()
    children_die_with_this_process()  # RQ's scheduler child must not outlive a killed worker
    connection = redis_connection.worker_connection(settings)  # RQ follows Sentinel's primary too, when configured
    engine = db.make_engine(settings.database_url)
    db.check_schema(engine)
    call_history.bind(db.make_session_factory(engine))
    worker_class = SafeWorker if fork else SafeSimpleWorker  # no job lost to a worker killed as it takes one
    calls = Queue(call_history.CALLS_QUEUE, connection=connection)
    if burst:  # the webhooks' events still in the stream become jobs first, so this run records them
        event_stream.drain(connection, calls)
    sweeper = None if burst else start_sweeper(settings, connection)
    mover = None if burst else event_stream.EventMover(connection, calls).start()
    daily = None if burst else _daily_retention(settings, connection, engine)
    try:  # a new RQ worker whenever one quits on a lost Redis (a Sentinel failover, a restart)
        work_until_stopped(lambda: worker_class(list(WORK_QUEUES), connection=connection, worker_ttl=WORKER_TTL_SECONDS,
                                                maintenance_interval=MAINTENANCE_SECONDS), burst=burst,
                           with_scheduler=True, logging_level=settings.log_level)
    finally:
        if mover is not None:
            mover.stop()
        if sweeper is not None:
            sweeper.stop()
        if daily is not None:
            daily.stop()


def _daily_retention(settings, connection, engine):  # type: ignore[no-untyped-def]
    """The retention purge once a day (one worker claims it in Redis)."""
    from functools import partial

    from ivr import db
    from ivr.retention.daily import DailyRetention, run_if_due
    from ivr.telephony import make_telephony

    check = partial(run_if_due, connection, db.make_session_factory(engine), settings.retention,
                    make_telephony(settings, connection).delete_recording)
    return DailyRetention(check).start()


@main.command()
@click.option("--url", "base_url", default=None,
              help="Where the app listens [http://127.0.0.1:$PORT, else what `cityline run` printed, else :5000].")
@click.option("--from", "from_number", default="+13125550199", show_default=True,
              help="The caller's number (try 'anonymous' or an international number).")
@click.option("--to", "to_number", default="+15555550311", show_default=True, help="The number dialled.")
@click.option("--script", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Answer prompts from this file instead of the keyboard.")
@click.option("--public-url", default=None,
              help="Sign as if Twilio called this base URL [PUBLIC_BASE_URL].")
@click.option("--unsigned", is_flag=True, help="Send no X-Twilio-Signature (to see the app refuse).")
@click.option("--answer", is_flag=True,
              help="Be the resident answering the latest call the app placed (an agent's callback).")
def call(base_url: str | None, from_number: str, to_number: str, script: Path | None,
         public_url: str | None, unsigned: bool, answer: bool) -> None:
    """Play Twilio's part: call the IVR (or answer the app's callback) and walk it from this terminal."""
    import os

    from ivr.local_caller import KeyboardCaller, LocalCall, ScriptedCaller, parse_script
    from ivr.running_app import call_url

    settings = _settings()
    if script is not None:
        try:
            caller = ScriptedCaller(parse_script(script.read_text(encoding="utf-8")))
        except ValueError as error:
            raise click.ClickException(f"{script}: {error}") from None
    else:
        caller = KeyboardCaller()
    where = call_url(base_url, dict(os.environ))
    leg = _answered_callback(settings, to_number) if answer else {"from_number": from_number, "to_number": to_number}
    transcript = LocalCall(
        base_url=where,
        caller=caller,
        auth_token=None if unsigned else settings.twilio_auth_token,
        signing_base_url=public_url or settings.public_base_url,
        out=click.echo,
        max_requests=2000,  # a scripted `wait N` follows the hold loop about once a second
        **leg,
    ).run()
    sys.exit(1 if transcript.errors else 0)


def _answered_callback(settings, city_number: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The latest call the local telephony placed, as LocalCall options for the resident picking it up."""
    from redis import Redis
    from redis.exceptions import RedisError

    from ivr.app import FALLBACK_REDIS_URL
    from ivr.running_app import running
    from ivr.telephony.local_adapter import LocalTelephony

    announced = running()
    url = settings.redis_url or (announced.redis_url if announced else "") or FALLBACK_REDIS_URL
    try:
        placed = LocalTelephony(Redis.from_url(url, socket_connect_timeout=2)).sent("calls")
    except RedisError as error:
        raise click.ClickException(f"cannot read the calls the app placed from Redis at {url}: {error}") from None
    if not placed:
        raise click.ClickException("the app has not placed any call yet: accept a callback in the agent console "
                                   "(press Call now), then run `cityline call --answer` again")
    latest = placed[-1]
    click.echo(f"[answering the call {latest['sid']} the app placed to {latest['to']}]")
    return {"voice_path": latest["url"], "status_path": latest.get("status_callback") or "/voice/status",
            "call_sid": latest["sid"], "from_number": city_number, "to_number": latest["to"],
            "direction": "outbound-api"}


@main.group()
def cases() -> None:
    """Look at and move cases along: open, in progress, closed."""


@cases.command("show")
@click.argument("ref")
def cases_show(ref: str) -> None:
    """Print a case and its history."""
    from ivr import db
    from ivr.cases import reference
    from ivr.cases.service import find_by_reference

    typed = _reference(ref)
    engine = db.make_engine(_settings().database_url)
    try:
        with db.make_session_factory(engine)() as session:
            case = find_by_reference(session, typed)
            if case is None:
                raise click.ClickException(f"no case {reference.display(typed)}")
            _print_case(case)
    finally:
        engine.dispose()


def _print_case(case) -> None:  # type: ignore[no-untyped-def]
    from ivr.cases import reference

    click.echo(f"{reference.display(case.reference)}  {case.service_type.name}  [{case.status}]  "
               f"{case.address or 'no address'}  via {case.channel}")
    click.echo(f"opened {case.opened_at:%Y-%m-%d %H:%M} UTC, expected by {case.expected_by:%Y-%m-%d %H:%M} UTC")
    for update in case.updates:
        shown = "" if update.public else " (agent note)"
        click.echo(f"  {update.at:%Y-%m-%d %H:%M}  {update.status:<11} {update.note}{shown}")
    if case.resolution:
        click.echo(f"resolution: {case.resolution}")


@cases.command("update")
@click.argument("ref")
@click.option("--status", type=click.Choice(["open", "in_progress", "closed"]), help="The new status.")
@click.option("--note", default="", help="What happened, as residents (or, with --private, agents) see it.")
@click.option("--private", is_flag=True, help="An agent note, not shown to residents or on Open311.")
@click.option("--resolution", default=None, help="How the case was resolved (with --status closed).")
@click.option("--agent", "agent_login", default=None, help="The agent making the update.")
def cases_update(ref: str, status: str | None, note: str, private: bool, resolution: str | None,
                 agent_login: str | None) -> None:
    """Change a case's status and/or add a note; each update is kept with its time."""
    from sqlalchemy import select

    from ivr import db
    from ivr.cases import reference
    from ivr.cases.service import CaseError, change_status, find_by_reference
    from ivr.models.agent import Agent

    if status is None and not note:
        raise click.UsageError("give --status, --note or both")
    engine = db.make_engine(_settings().database_url)
    try:
        with db.unit_of_work(db.make_session_factory(engine)) as session:
            case = find_by_reference(session, _reference(ref))
            if case is None:
                raise click.ClickException(f"no case {reference.display(_reference(ref))}")
            agent = session.scalar(select(Agent).where(Agent.login == agent_login)) if agent_login else None
            if agent_login and agent is None:
                raise click.ClickException(f"no agent {agent_login}")
            if resolution is not None:
                case.resolution = resolution
            update = change_status(session, case, status or case.status, datetime.now(UTC), note, agent,
                                   public=not private)
            click.echo(f"{reference.display(case.reference)} is {case.status}")
        _queue_update_texts(update.id)
    except CaseError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()


def _queue_update_texts(update_id: int) -> None:
    """Residents who asked for texts about the case hear back, through the workers (ivr/jobs/case_update_jobs.py)."""
    from redis import Redis

    from ivr.jobs.case_update_jobs import queue_update_texts

    settings = _settings()
    if not queue_update_texts(Redis.from_url(settings.redis_url or "redis://127.0.0.1:6379/0"), update_id):
        click.echo("warning: texts to residents could not be queued (Redis unreachable)", err=True)


def _reference(text: str) -> str:
    from ivr.cases import reference

    digits = reference.normalise(text)
    if not reference.is_valid(digits):
        raise click.BadParameter(f"{text!r} is not a case number (ten digits with a check digit)")
    return digits


@main.group()
def jobs() -> None:
    """The background job queue."""


@jobs.command("status")
def jobs_status() -> None:
    """Count jobs queued, running, waiting for a retry and failed."""
    from ivr.jobs.job_registry import queue_status

    status = queue_status(_redis())
    click.echo(f"queued {status.queued}, running {status.started}, waiting to retry {status.scheduled}, "
               f"failed {status.failed}")


@jobs.command("replay")
def jobs_replay() -> None:
    """Re-run failed jobs (and jobs whose worker died); safe, because jobs are idempotent."""
    from ivr.jobs.job_registry import recover_abandoned, replay_failed

    redis = _redis()
    abandoned, failed = recover_abandoned(redis), replay_failed(redis)
    click.echo(f"requeued {len(failed)} failed and {len(abandoned)} abandoned job(s)")
    for job_id in failed + abandoned:
        click.echo(f"  {job_id}")


@main.command()
@click.argument("name", type=click.Choice(["common-requests", "requests-by-place", "time-to-close",
                                          "calls-by-disposition"]))
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (city time) [30 days ago].")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Day after the last one [tomorrow].")
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
def report(name: str, since: datetime | None, until: datetime | None, output_format: str) -> None:
    """Print a report for the city as CSV or JSON."""
    import csv
    import io
    import json

    from ivr import db
    from ivr.reports import run_report

    settings = _settings()
    zone = settings.office_hours.zone
    today = datetime.now(zone).date()
    start = (since.date() if since else today - timedelta(days=30))
    end = (until.date() if until else today + timedelta(days=1))
    if end <= start:
        raise click.BadParameter("--until must be after --since")
    engine = db.make_engine(settings.database_url)
    try:
        with db.make_session_factory(engine)() as session:
            rows = run_report(session, name, start, end, zone)
    finally:
        engine.dispose()
    if output_format == "json":
        click.echo(json.dumps({"report": name, "since": start.isoformat(), "until": end.isoformat(), "rows": rows},
                              indent=2))
        return
    if rows:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)


@main.group()
def flows() -> None:
    """Work with IVR flow files."""


@flows.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def flows_validate(files: tuple[Path, ...]) -> None:
    """Check flow files (default: the configured flow) and list every problem."""
    from flows.exceptions import FlowError
    from flows.loader import DEFAULT_FLOW_FILE, load_flow
    from ivr import db, redis_connection
    from ivr.intents.catalogue import DEFAULT_FILE, BadIntentsFile, load_catalogue
    from ivr.self_service import build_registry, make_context

    settings = _settings()
    sessions = db.make_session_factory(db.make_engine(settings.database_url))
    redis = redis_connection.connect(settings)  # not contacted: handlers are only named
    try:
        handlers = build_registry(make_context(settings, sessions, redis))
        understood = load_catalogue(settings.intents_file).languages
    except BadIntentsFile as error:
        click.echo(f"{settings.intents_file or DEFAULT_FILE}: {error}", err=True)
        sys.exit(1)
    failed = False
    for path in files or (settings.flow_file or DEFAULT_FLOW_FILE,):
        try:
            flow = load_flow(path, handlers)
        except FlowError as error:
            click.echo(str(error), err=True)
            failed = True
            continue
        click.echo(f"{path}: flow {flow.name!r} is valid ({len(flow.nodes)} nodes, "
                   f"languages {', '.join(flow.languages)})")
        _note_languages_without_intents(path, flow.languages, understood)
    sys.exit(1 if failed else 0)


def _note_languages_without_intents(path: Path, spoken: tuple[str, ...], understood: tuple[str, ...]) -> None:
    """Not a fault (keys work in every language), but a main menu that cannot understand a caller's words."""
    for language in spoken:
        if language not in understood:
            click.echo(f"{path}: note: the intents file has no examples in {language}: callers' own words in "
                       f"{language} are matched only against other languages' examples, unsure guesses go back "
                       f"to the menu")


@main.group("db")
def database() -> None:
    """The SQL database schema."""


@database.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations (the Procfile's release step)."""
    from ivr import db

    engine = db.make_engine(_settings().database_url)
    db.upgrade(engine)
    click.echo(f"database at revision {db.current_revision(engine)}")
    engine.dispose()


@database.command("current")
def db_current() -> None:
    """Show the schema revision and whether it is up to date."""
    from ivr import db

    engine = db.make_engine(_settings().database_url)
    current, head = db.current_revision(engine), db.head_revision(engine)
    engine.dispose()
    click.echo(f"current: {current or 'none'}; code needs: {head}")
    sys.exit(0 if current == head else 1)


main.add_command(import_group)
main.add_command(agents)
main.add_command(routing)
main.add_command(intents)
main.add_command(text)
main.add_command(knowledge)
main.add_command(staffing)
main.add_command(retention)
main.add_command(messages)
