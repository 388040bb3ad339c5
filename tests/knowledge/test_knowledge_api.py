"""The knowledge API agents use next to a call, and `cityline knowledge import`."""

from __future__ import annotations

from click.testing import CliRunner

from ivr.cli import main
from ivr.cli.imports import SAMPLE_CITY
from tests.agents.login import log_in


def imported(env, monkeypatch) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(main, ["knowledge", "import", str(SAMPLE_CITY / "knowledge")]).output


def test_the_import_loads_the_folder_and_a_second_import_changes_nothing(env, monkeypatch):
    assert "8 added" in imported(env, monkeypatch)
    assert "0 added, 0 changed, 0 removed, 8 unchanged" in imported(env, monkeypatch)


def test_a_folder_with_a_bad_article_loads_nothing(env, monkeypatch, tmp_path):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "bad.md").write_text("---\nslug: x\n---\n")
    result = CliRunner().invoke(main, ["knowledge", "import", str(tmp_path)])
    assert result.exit_code == 1 and "bad.md" in result.output and "nothing was loaded" in result.output


def test_an_agent_searches_and_opens_an_article_with_its_translations(app, env, monkeypatch):
    imported(env, monkeypatch)
    client = log_in(app.test_client(), "alice")
    found = client.get("/agents/api/knowledge?q=couch mattress").get_json()
    assert found["articles"][0]["slug"] == "bulk-pickup"
    opened = client.get(f"/agents/api/knowledge/{found['articles'][0]['id']}").get_json()
    assert "two bulk items" in opened["body"] and [t["language"] for t in opened["translations"]] == ["es"]


def test_bad_searches_are_refused_with_a_reason(app):
    client = log_in(app.test_client(), "alice")
    assert client.get("/agents/api/knowledge?q=x&lang=fr").status_code == 400
    assert client.get("/agents/api/knowledge?q=" + "x" * 201).status_code == 400
    assert client.get("/agents/api/knowledge/999").status_code == 404
    assert app.test_client().get("/agents/api/knowledge?q=x").status_code == 401


def test_no_call_means_no_suggestions(app):
    body = log_in(app.test_client(), "alice").get("/agents/api/knowledge/suggested").get_json()
    assert body == {"skill": None, "articles": []}
