"""`cityline agents`: bootstrap an admin, add, list, disable, enable, remove, and every refusal."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ivr import db
from ivr.cli import main
from ivr.models.agent import Agent


@pytest.fixture
def cli(env):  # type: ignore[no-untyped-def]
    def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["agents", *args], env=env, input=stdin)

    return run


@pytest.fixture
def rows(env):  # type: ignore[no-untyped-def]
    engine = db.make_engine(env["DATABASE_URL"])
    factory = db.make_session_factory(engine)

    def agent(login: str) -> Agent | None:
        with factory() as session:
            return session.scalar(select(Agent).where(Agent.login == login))

    yield agent
    engine.dispose()


def test_create_bootstraps_an_admin_with_a_password_from_stdin(cli, rows):
    result = cli("create", "ada", "--name", "Ada Admin", "--role", "admin", "--password-stdin",
                 stdin="a long admin password\n")
    assert result.exit_code == 0, result.output
    ada = rows("ada")
    assert (ada.role, ada.active, ada.languages) == ("admin", True, ["en"])
    assert ada.password_hash.startswith("$argon2id$") and "a long admin password" not in ada.password_hash


def test_a_mandarin_speaking_agent_is_created_and_a_misspelt_code_is_refused(cli, rows):
    result = cli("create", "li", "--name", "Li Wei", "--skill", "general=5", "--language", "zh-CN",
                 "--language", "en", "--password-stdin", stdin="a long agent password\n")
    assert result.exit_code == 0, result.output
    assert rows("li").languages == ["zh-CN", "en"]
    refused = cli("add", "wen", "--name", "Wen", "--skill", "general=5", "--language", "zh_CN")
    assert refused.exit_code != 0 and "unsupported language 'zh_CN'" in refused.output and "zh-CN" in refused.output


def test_create_prompts_for_the_password_twice(cli, rows):
    result = cli("create", "ada", "--name", "Ada", "--role", "admin", stdin="a long admin password\n" * 2)
    assert result.exit_code == 0, result.output
    assert rows("ada").password_hash


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "Ann", "--skill", "juggling=5", "--language", "en"], "unknown skill 'juggling'"),
    (["--name", "Ann", "--skill", "noise=5", "--language", "fr"], "unsupported language 'fr'"),
    (["--name", " ", "--skill", "noise=5", "--language", "en"], "a name needs 1 to 120 characters"),
    (["--name", "Ann", "--skill", "noise=11", "--language", "en"], "proficiency in noise must be 1 to 10"),
    (["--name", "Ann", "--skill", "noise", "--language", "en"], "is not SKILL=LEVEL"),
])
def test_add_refuses_what_routing_does_not_know(cli, rows, args, message):
    result = cli("add", "ann", *args)
    assert result.exit_code != 0 and message in result.output
    assert rows("ann") is None


def test_create_refuses_a_taken_login_and_a_short_password(cli):
    assert cli("create", "ada", "--name", "Ada", "--password-stdin", stdin="a long admin password\n").exit_code == 0
    taken = cli("create", "ada", "--name", "Ada", "--password-stdin", stdin="another long password\n")
    assert taken.exit_code != 0 and "the login ada is taken" in taken.output
    short = cli("create", "bob", "--name", "Bob", "--password-stdin", stdin="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output


def test_list_disable_enable(cli, rows):
    cli("add", "ann", "--name", "Ann Lee", "--skill", "noise=6", "--language", "en")
    assert "ann" in cli("list").output and "no password" in cli("list").output
    version = rows("ann").session_version
    assert cli("disable", "ann").exit_code == 0
    assert not rows("ann").active and rows("ann").session_version == version + 1
    assert "disabled" in cli("list").output
    assert cli("enable", "ann").exit_code == 0 and rows("ann").active
    missing = cli("disable", "nobody")
    assert missing.exit_code != 0 and "no agent nobody" in missing.output


def test_remove_only_without_history(cli, rows, env):
    cli("add", "ann", "--name", "Ann", "--skill", "noise=6", "--language", "en")
    cli("add", "ben", "--name", "Ben", "--skill", "noise=6", "--language", "en")
    assert cli("remove", "ann").exit_code == 0 and rows("ann") is None
    _give_history(env, "ben")
    refused = cli("remove", "ben")
    assert refused.exit_code != 0 and "disable the account instead" in refused.output
    assert rows("ben") is not None


def _give_history(env, login: str) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from ivr.models.call import Call

    engine = db.make_engine(env["DATABASE_URL"])
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
        session.add(Call(call_sid="CA" + "f" * 32, started_at=datetime.now(UTC), agent_id=agent.id))
    engine.dispose()
