"""`cityline routing validate`: a city checks its routing file before it goes live."""

from __future__ import annotations


def test_routing_files_are_checked_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from ivr.cli import main

    shipped = CliRunner().invoke(main, ["routing", "validate"], env={})
    assert shipped.exit_code == 0 and "valid; languages en, es" in shipped.output
    assert "potholes (highest_proficiency)" in shipped.output
    broken = tmp_path / "routing.yaml"
    broken.write_text("languages: [en]\nqueues:\n  general: {strategy: coin_toss}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["routing", "validate", str(broken)], env={})
    assert result.exit_code == 1 and f"{broken}: " in result.output and "coin_toss" in result.output
