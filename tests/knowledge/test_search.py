"""Knowledge search: ranked full text on SQLite (FTS5) and PostgreSQL (tsvector), and the article files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from agents.knowledge.files import InvalidArticles, parse, read_folder
from agents.knowledge.search import search, suggested
from agents.knowledge.store import load
from ivr import db
from ivr.cli.imports import SAMPLE_CITY
from ivr.models.knowledge import KnowledgeArticle

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)


def article(slug: str, title: str, body: str, *, language: str = "en", keywords: str = "",
            skills: tuple[str, ...] = ()) -> str:
    return (f"---\nslug: {slug}\nlanguage: {language}\ntitle: {title}\nkeywords: [{keywords}]\n"
            f"skills: [{', '.join(skills)}]\n---\n{body}\n")


@pytest.fixture
def knowledge(sessions):
    with db.unit_of_work(sessions) as session:
        session.execute(sa.delete(KnowledgeArticle))
    yield sessions
    with db.unit_of_work(sessions) as session:
        session.execute(sa.delete(KnowledgeArticle))


def loaded(sessions, *texts: str) -> None:
    with db.unit_of_work(sessions) as session:
        load(session, [parse(text) for text in texts], NOW)


def titles(sessions, query: str, language: str = "en") -> list[str]:
    with sessions() as session:
        return [hit.title for hit in search(session, query, language)]


class TestRanking:
    def test_a_title_match_outranks_a_passing_mention_in_the_body(self, knowledge):
        loaded(knowledge,
               article("noise", "Noise complaints", "Loud music at night. Potholes are another department."),
               article("potholes", "Pothole repair", "Crews patch holes in the street within three days."))
        assert titles(knowledge, "pothole") == ["Pothole repair", "Noise complaints"]

    def test_more_of_the_query_matched_ranks_higher_and_any_word_may_match(self, knowledge):
        loaded(knowledge,
               article("bulk", "Bulk pickup", "Mattress and couch collection on trash day."),
               article("recycling", "Recycling", "Wrap a mattress in plastic."),
               article("lights", "Streetlights", "A dark street at night."))
        assert titles(knowledge, "mattress couch") == ["Bulk pickup", "Recycling"]

    def test_stemming_matches_other_forms_of_a_word(self, knowledge):
        loaded(knowledge, article("lights", "Streetlight outages", "When a light is flickering, report the pole."))
        assert titles(knowledge, "flickers lights") == ["Streetlight outages"]

    def test_only_articles_in_the_asked_language_are_found(self, knowledge):
        loaded(knowledge,
               article("potholes", "Pothole repair", "Patched in three days."),
               article("potholes", "Reparación de baches", "Los baches se reparan en tres días.", language="es"))
        assert titles(knowledge, "baches", "es") == ["Reparación de baches"]
        assert titles(knowledge, "baches", "en") == []

    @pytest.mark.parametrize("query", ['"unbalanced', "pothole OR", "NEAR(a b)", "a & | ! ( :*", "*", "   ", "'"])
    def test_search_syntax_in_a_query_is_taken_as_words_never_an_error(self, knowledge, query):
        loaded(knowledge, article("potholes", "Pothole repair", "Patched in three days."))
        assert isinstance(titles(knowledge, query), list)

    def test_an_edited_article_is_found_by_its_new_words_only(self, knowledge):
        loaded(knowledge, article("potholes", "Pothole repair", "Patched in three days."))
        loaded(knowledge, article("potholes", "Pothole repair", "Crews now fill sinkholes too."))
        assert titles(knowledge, "sinkholes") == ["Pothole repair"]
        assert titles(knowledge, "patched") == []

    def test_suggested_articles_follow_the_calls_skill(self, knowledge):
        loaded(knowledge, article("bulk", "Bulk pickup", "Couches.", skills=("trash",)),
               article("lights", "Streetlights", "Poles.", skills=("streetlights",)))
        with knowledge() as session:
            assert [hit.title for hit in suggested(session, "trash", "en")] == ["Bulk pickup"]


class TestLoading:
    def test_loading_the_same_folder_twice_changes_nothing_and_removed_files_go(self, knowledge):
        first, second = article("a", "One", "Text one."), article("b", "Two", "Text two.")
        with db.unit_of_work(knowledge) as session:
            assert load(session, [parse(first), parse(second)], NOW).added == 2
        with db.unit_of_work(knowledge) as session:
            result = load(session, [parse(first)], NOW)
        assert (result.added, result.changed, result.removed, result.unchanged) == (0, 0, 1, 1)
        assert titles(knowledge, "two") == []

    def test_the_sample_city_articles_are_valid(self):
        articles = read_folder(SAMPLE_CITY / "knowledge")
        assert {a.language for a in articles} == {"en", "es"} and len(articles) >= 6

    def test_every_bad_file_is_listed(self, tmp_path: Path):
        (tmp_path / "a.md").write_text("no header here")
        (tmp_path / "b.md").write_text(article("Bad Slug", "T", "Body"))
        (tmp_path / "c.md").write_text(article("ok", "T", "Body", language="fr"))
        (tmp_path / "d.md").write_text("---\nslug: ok\nlanguage: en\ntitle: T\ncolour: red\n---\nBody\n")
        with pytest.raises(InvalidArticles) as caught:
            read_folder(tmp_path)
        assert [p.split(": ", 1)[0].rsplit("/", 1)[1] for p in caught.value.problems] == ["a.md", "b.md", "c.md",
                                                                                            "d.md"]

    def test_the_migration_builds_the_table_the_model_describes(self, knowledge):
        with knowledge.kw["bind"].connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.Base.metadata)
        about = [d for d in differences if "knowledge" in repr(d)]
        assert [d for d in about if "search" not in repr(d)] == []
