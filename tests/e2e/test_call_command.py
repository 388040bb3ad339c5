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
