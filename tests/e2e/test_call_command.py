"""`cityline call`, as a new user runs it from the README, against the running server."""

from __future__ import annotations

from click.testing import CliRunner

from ivr.cli import main
from tests.conftest import AUTH_TOKEN


def test_a_scripted_call_prints_what_the_caller_hears(server, tmp_path):
    script = tmp_path / "spanish-hours.txt"
    script.write_text("press 2\nsay horario\nsay terminar\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["call", "--url", server.url, "--script", str(script)],
                                env={"TWILIO_AUTH_TOKEN": AUTH_TOKEN})
    assert result.exit_code == 0, result.output
    assert "  says (en-US): Thank you for calling City 3-1-1." in result.output
    assert "  says (es-US): Gracias por llamar a la línea 3-1-1 de la ciudad. Adiós." in result.output
    assert result.output.rstrip().endswith("[call ended: completed]")


def test_a_call_from_the_keyboard(server):
    result = CliRunner().invoke(main, ["call", "--url", server.url], input="1\n4\n2\n",
                                env={"TWILIO_AUTH_TOKEN": AUTH_TOKEN})
    assert result.exit_code == 0, result.output
    assert "  says (en-US): Main menu." in result.output
    assert "Thank you for calling City 3-1-1. Goodbye." in result.output


def test_an_unsigned_call_is_refused_and_the_command_fails(server):
    result = CliRunner().invoke(main, ["call", "--url", server.url, "--unsigned"], input="1\n",
                                env={"TWILIO_AUTH_TOKEN": AUTH_TOKEN})
    assert result.exit_code == 1
    assert "403" in result.output


def test_a_bad_script_is_reported_by_line(server, tmp_path):
    script = tmp_path / "bad.txt"
    script.write_text("press 1\npress x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["call", "--url", server.url, "--script", str(script)])
    assert result.exit_code == 1
    assert "line 2" in result.output


def test_without_url_the_call_goes_where_cityline_run_said_it_listens(server, tmp_path, monkeypatch):
    """`cityline run` writes var/running.json with its URL; `cityline call` in that directory calls it."""
    from ivr import running_app

    monkeypatch.chdir(tmp_path)
    running_app.announce(running_app.RunningApp(server.url, ""))
    script = tmp_path / "hang-up.txt"
    script.write_text("hangup\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["call", "--script", str(script)], env={"TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                                                                             "PORT": ""})
    assert result.exit_code == 0, result.output
    assert "  says (en-US): Thank you for calling City 3-1-1." in result.output


def test_port_in_the_environment_wins_over_the_announced_url(tmp_path):
    from ivr import running_app

    path = tmp_path / "running.json"
    running_app.announce(running_app.RunningApp("http://127.0.0.1:5123", "redis://127.0.0.1:7000/0"), path)
    assert running_app.call_url(None, {}, path) == "http://127.0.0.1:5123"
    assert running_app.call_url(None, {"PORT": "6001"}, path) == "http://127.0.0.1:6001"
    assert running_app.call_url("http://example.test:8", {"PORT": "6001"}, path) == "http://example.test:8"
    running_app.forget(path)
    assert running_app.call_url(None, {}, path) == "http://127.0.0.1:5000"
