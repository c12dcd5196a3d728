"""The library database: migrations, saving/updating, filters and search, stats, re-analysis, errors; SQLite
always, PostgreSQL when its server binaries are installed."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from spinscope.ingest import from_text
from spinscope.pipeline import Pipeline
from spinscope.store import Store, StoreError, model_versions_of

from web_helpers import SAMPLE_ARTICLE, free_port


def make_result(text: str, *, id: str = "", outlet: str = "Daily", published: str = "2026-03-04",
                spans=(("Loaded_Language", 0, 5, 0.9),), genre: str | None = "opinion", score: float | None = 20.0,
                models=None) -> dict:
    """A result dict shaped like Article.to_dict() (hand-made so each test controls every stored field)."""
    return {
        "schema_version": 1, "spinscope_version": "0.1.0", "id": id, "title": text.split("\n")[0], "outlet": outlet,
        "url": "", "published": published, "language": "en", "source": "test", "text": text,
        "word_count": len(text.split()),
        "spans": [{"start": s, "end": e, "text": text[s:e], "technique": t, "confidence": c, "explanation": ""}
                  for t, s, e, c in spans],
        "paragraphs": [], "genre": {"label": genre, "probabilities": {genre: 1.0}} if genre else None,
        "frames": [], "summary": {"technique_counts": {}, "propaganda_score": score, "score": {"value": score}},
        "models": models if models is not None else {"techniques": "v1"}, "warnings": [],
    }


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "library.db") as opened:
        yield opened


def test_migrations_create_schema_on_empty_file_and_reopen_keeps_data(tmp_path):
    path = tmp_path / "sub" / "library.db"  # the folder does not exist yet
    store = Store(path)
    assert store.schema_revision() == "0001"
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"articles", "analyses", "spans", "alembic_version", "articles_fts"} <= tables
    article_id = store.save(make_result("Title one\nBody text here."))
    store.close()

    reopened = Store(path)  # upgrade on an up-to-date database is a no-op
    assert reopened.schema_revision() == "0001"
    assert reopened.get(article_id)["text"] == "Title one\nBody text here."
    with reopened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    reopened.close()


def test_save_get_roundtrip_keeps_the_canonical_dict(store):
    result = make_result("Headline\nThe plan is a disaster.", id="a-1")
    assert store.save(result) == "a-1"
    assert store.get("a-1") == result
    assert store.get("missing") is None


def test_upsert_by_id_and_by_content_hash_keeps_history_of_model_versions(store):
    first = make_result("Headline\nSame text.", id="x")
    store.save(first, model_versions={"techniques": "v1", "genre": "g1"})
    changed = make_result("Headline\nSame text.", id="x", score=55.0, models={"techniques": "v2"})
    assert store.save(changed) == "x"
    assert store.count() == 1
    assert store.get("x")["summary"]["propaganda_score"] == 55.0
    assert [h["models"] for h in store.history("x")] == [{"techniques": "v1", "genre": "g1"}, {"techniques": "v2"}]
    # same text without an id is the same article; under another id (another outlet's copy) it is another one
    assert store.save(make_result("Headline\nSame text.", id="")) == "x"
    assert store.count() == 1
    assert store.save(make_result("Headline\nSame text.", id="other-id")) == "other-id"
    assert store.count() == 2 and store.get("x")["id"] == "x"
    # saving an identical result again records nothing new
    before = len(store.history("x"))
    store.save(store.get("x"))
    assert len(store.history("x")) == before


def test_save_without_any_id_uses_the_content_hash(store):
    article_id = store.save(make_result("Only text\nno id"))
    assert len(article_id) == 16 and store.get(article_id)["id"] == article_id


def test_spans_replace_on_update_and_delete_cascades(store):
    store.save(make_result("Headline\nSome words here.", id="d",
                           spans=[("Doubt", 0, 3, 0.5), ("Repetition", 4, 8, .4)]))
    store.save(make_result("Headline\nSome words here.", id="d", spans=[("Slogans", 0, 3, 0.7)], score=3.0))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT technique FROM spans").scalars().all() == ["Slogans"]
    assert store.delete("d") is True
    assert store.delete("d") is False
    assert store.get("d") is None
    with store.engine.connect() as conn:
        for table in ("spans", "analyses", "articles"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
    assert store.list(q="words")["total"] == 0  # the full-text index follows deletes


@pytest.fixture
def filled(store):
    store.save(make_result("Harbour vote\nThe council approved the harbour budget.", id="h1", outlet="Daily",
                           published="2026-01-10", genre="reporting", score=5.0, spans=[("Doubt", 0, 7, .6)]))
    store.save(make_result("Harbour scandal\nA disgraceful harbour betrayal, shouted critics.", id="h2",
                           outlet="Tribune", published="2026-02-20", genre="opinion", score=62.5,
                           spans=[("Loaded_Language", 17, 38, .9), ("Loaded_Language", 2, 13, .8)]))
    store.save(make_result("Ferry times\nFerries will leave hourly from March.", id="f1", outlet="Daily",
                           published="2026-02-28T09:00:00Z", genre="reporting", score=0.0, spans=[]))
    store.save(make_result("Café naïve\nSatire about the cafés of the harbour.", id="s1", outlet="Tribune",
                           published="", genre="satire", score=30.0, spans=[("Slogans", 0, 4, .5)]))
    return store


def ids(listing):
    return sorted(item["id"] for item in listing["items"])


def test_list_filters(filled):
    assert filled.list()["total"] == 4
    assert ids(filled.list(outlet="Daily")) == ["f1", "h1"]
    assert ids(filled.list(genre="opinion")) == ["h2"]
    assert ids(filled.list(technique="Loaded_Language")) == ["h2"]
    assert ids(filled.list(score_min=5, score_max=40)) == ["h1", "s1"]
    assert ids(filled.list(date_from="2026-02-01", date_to="2026-02-28")) == ["f1", "h2"]
    assert ids(filled.list(outlet="Tribune", technique="Slogans")) == ["s1"]
    item = next(i for i in filled.list(outlet="Tribune", genre="opinion")["items"])
    assert item["technique_counts"] == {"Loaded_Language": 2} and item["date"] == "2026-02-20"
    with pytest.raises(StoreError, match="date_from must be a date"):
        filled.list(date_from="last week")


def test_full_text_search_words_prefix_diacritics_and_hostile_input(filled):
    assert ids(filled.list(q="harbour")) == ["h1", "h2", "s1"]
    assert ids(filled.list(q="harbour budget")) == ["h1"]  # every word must occur
    assert ids(filled.list(q="disgrace")) == ["h2"]  # the last word matches as a prefix
    assert ids(filled.list(q="cafe")) == ["s1"]  # diacritics folded
    assert ids(filled.list(q="FERRIES")) == ["f1"]
    for hostile in ['"', "harbour AND (", "*", "NEAR(", "a' OR 1=1 --", "title:x"]:
        filled.list(q=hostile)  # never an FTS syntax error
    assert ids(filled.list(q="*")) == ids(filled.list(q="\U0001F600")) == []  # no word to look for: no match
    assert filled.list(q="   ")["total"] == 4  # a blank search is no filter


def test_pagination_and_sorting(filled):
    first = filled.list(page=1, per_page=3, sort="score")
    second = filled.list(page=2, per_page=3, sort="score")
    assert first["total"] == second["total"] == 4
    assert [i["id"] for i in first["items"]] == ["h2", "s1", "h1"] and [i["id"] for i in second["items"]] == ["f1"]
    assert filled.list(page=9)["items"] == []


def test_stats_per_outlet_and_month(filled):
    stats = filled.stats()
    assert stats["total_articles"] == 4 and stats["total_spans"] == 4
    assert stats["techniques"] == {"Loaded_Language": 2, "Doubt": 1, "Slogans": 1}
    outlets = {o["outlet"]: o for o in stats["outlets"]}
    assert outlets["Tribune"]["techniques"] == {"Loaded_Language": 2, "Slogans": 1}
    assert outlets["Daily"]["articles"] == 2 and outlets["Daily"]["mean_score"] == 2.5
    months = {m["month"]: m for m in stats["months"]}
    assert months["2026-01"]["techniques"] == {"Doubt": 1}
    assert months["2026-02"]["articles"] == 2  # h2 and f1
    # s1 has no publication date: it is filed under the day it was stored, but that is not its publication month
    assert set(months) == {"2026-01", "2026-02"}
    assert stats["undated"] == {"articles": 1, "mean_score": 30.0, "techniques": {"Slogans": 1}}
    assert _consistent(stats)


def test_stats_count_undated_articles_apart_from_the_publication_months(store):
    """An article without a publication day the library can read (none, one in words, an impossible day) was
    charted in the month it was analysed, as if published then; it is now in `undated`, in no month."""
    for number, published in enumerate(["", "early March 2026", "2026-02-30", "  2026-05-17T08:00:00Z"]):
        store.save(make_result(f"Story {number}\nbody {number}", id=f"u{number}", published=published,
                               score=10.0 * (number + 1), spans=(("Doubt", 0, 5, 0.9),) * (number + 1)))
    stats = store.stats()
    assert stats["months"] == [{"month": "2026-05", "articles": 1, "mean_score": 40.0,
                                "techniques": {"Doubt": 4}}]  # only the one with a day, under its own month
    assert stats["undated"] == {"articles": 3, "mean_score": 20.0, "techniques": {"Doubt": 6}}
    assert stats["total_articles"] == 4 and _consistent(stats)
    store.delete("u3")
    assert store.stats()["months"] == [] and store.stats()["undated"]["articles"] == 3


def test_stale_and_reanalyse_with_a_real_pipeline(store, settings):
    pipeline = Pipeline(settings)
    article = from_text(SAMPLE_ARTICLE, settings=settings)
    old = make_result(article.text, id=article.id, spans=[], models={"techniques": "techniques-old"})
    store.save(old)
    current = model_versions_of(pipeline)
    assert set(current) == {"techniques", "genre", "frames"}
    assert store.stale(current) == [article.id]
    progress = []
    assert store.reanalyse(pipeline, progress=lambda done, total: progress.append((done, total))) == [article.id]
    assert progress == [(1, 1)]
    assert store.stale(current) == []
    fresh = store.get(article.id)
    assert {s["technique"] for s in fresh["spans"]} >= {"Loaded_Language"}
    assert fresh["models"] == current and fresh["outlet"] == "Daily"
    assert [h["models"] for h in store.history(article.id)][-1] == current


def test_bad_results_are_refused(store):
    with pytest.raises(StoreError, match="result dict"):
        store.save("text")
    with pytest.raises(StoreError, match="'text'"):
        store.save({"spans": []})
    with pytest.raises(StoreError, match="integer start/end"):
        store.save({"text": "abc", "spans": [{"start": "0", "end": 1, "technique": "Doubt"}]})


def test_a_failing_save_leaves_nothing_behind(tmp_path):
    path = tmp_path / "library.db"
    Store(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("DROP TABLE spans")  # the span insert, last in the transaction, now fails
    store = Store(path)
    with pytest.raises(StoreError, match="spans"):
        store.save(make_result("Atomic\ntext"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM articles").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM analyses").scalar() == 0
    store.close()


def test_corrupt_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreError, match="not a usable Spinscope database"):
        Store(path)


def test_directory_path_gives_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


def test_locked_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "library.db"
    store = Store(path, busy_timeout=0.2)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another process"):
            store.save(make_result("Locked\nout"))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.save(make_result("Locked\nout")) and store.count() == 1
    store.close()


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "library.db"
    Store(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(StoreError, match="schema this Spinscope version does not know"):
        Store(path)


def test_concurrent_writers_all_land(tmp_path):
    path = tmp_path / "library.db"
    stores = [Store(path), Store(path)]  # two engines: like the web app and a batch job
    errors = []

    def write(store, prefix):
        try:
            for i in range(15):
                store.save(make_result(f"{prefix} {i}\nbody {prefix} {i}", id=f"{prefix}-{i}"))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, p)) for s, p in zip(stores, ("a", "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert stores[0].count() == 30
    for s in stores:
        s.close()


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL: a real server in a temp dir, when the binaries are installed


def _postgres_bin() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True) + [
            os.path.dirname(shutil.which("initdb") or "")]:
        if candidate and Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def postgres_url():
    pytest.importorskip("psycopg", reason="PostgreSQL test needs the psycopg driver (pip install 'psycopg[binary]')")
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL test skipped: no initdb/pg_ctl found (Debian: apt-get install postgresql)")
    # its own folder under /tmp: pytest's temp folders are private to root, and the server cannot run as root
    base = Path(tempfile.mkdtemp(prefix="spinscope-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: use the 'postgres' (or 'nobody') account
        import pwd

        for user in ("postgres", "nobody"):
            try:
                account = pwd.getpwnam(user)
                break
            except KeyError:
                continue
        else:
            pytest.skip("PostgreSQL test skipped: running as root and no 'postgres'/'nobody' user to run the server")
        os.chown(base, account.pw_uid, account.pw_gid)
        run_as = ["runuser", "-u", user, "--"] if shutil.which("runuser") else None
        if run_as is None:
            pytest.skip("PostgreSQL test skipped: running as root without runuser")
    data, port = base / "data", free_port()

    def run(*command: str) -> None:
        done = subprocess.run(run_as + list(command), capture_output=True, text=True, timeout=120, cwd=base)
        if done.returncode:
            raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "spinscope", "--auth=trust", "-E", "UTF8", "--no-sync")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60", "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        yield f"postgresql://spinscope@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(run_as + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def test_postgresql_store(postgres_url):
    store = Store(postgres_url)
    assert store.dialect == "postgresql" and store.schema_revision() == "0001"
    store.save(make_result("Harbour vote\nThe council approved the harbour budget.", id="p1", outlet="Daily",
                           published="2026-01-10", spans=[("Doubt", 0, 7, .6)]))
    store.save(make_result("Harbour scandal\nA disgraceful harbour betrayal.", id="p2", outlet="Tribune",
                           published="2026-02-20", score=70.0, spans=[("Loaded_Language", 2, 13, .8)]))
    store.save(make_result("Harbour scandal\nA disgraceful harbour betrayal.", id="p2", outlet="Tribune",
                           published="2026-02-20", score=71.0, models={"techniques": "v2"}))
    assert store.get("p2")["summary"]["propaganda_score"] == 71.0
    assert ids(store.list(q="harbour")) == ["p1", "p2"]
    assert ids(store.list(q="disgrace")) == ["p2"]
    assert ids(store.list(technique="Doubt", outlet="Daily")) == ["p1"]
    assert ids(store.list(date_from="2026-02-01")) == ["p2"]
    assert {o["outlet"] for o in store.stats()["outlets"]} == {"Daily", "Tribune"}
    writer = Store(postgres_url)
    _check_stats_snapshot(store, writer)
    writer.close()
    assert store.delete("new")
    assert store.stale({"techniques": "v2"}) == ["p1"]
    assert store.delete("p1") and store.list()["total"] == 1
    store.close()
    reopened = Store(postgres_url)  # migrations already applied: no-op
    assert reopened.get("p2") is not None
    reopened.close()


def test_long_ids_that_differ_only_at_the_end_stay_two_articles(store):
    base = "https://news.example.org/2026/12/01/" + "a-very-long-story-slug-" * 6
    first, second = base + "part-one", base + "part-two"
    assert len(first) > 128
    store.save(make_result("Headline\nPart one of the story.", id=first))
    store.save(make_result("Headline\nPart two of the story.", id=second))
    assert store.count() == 2
    assert store.get(first)["text"].endswith("one of the story.") and store.get(first)["id"] == first
    assert store.get(second)["text"].endswith("two of the story.")
    assert len(store.history(second)) == 1
    assert store.delete(first) and store.get(first) is None and store.count() == 1


def _consistent(stats: dict) -> bool:
    """Every count of one stats answer agrees with the others (as they do when read from one state)."""
    spans_per_outlet = sum(sum(o["techniques"].values()) for o in stats["outlets"])
    # the undated articles are in no month: months and undated together hold every article and span
    spans_per_month = sum(sum(m["techniques"].values()) for m in stats["months"] + [stats["undated"]])
    articles_per_month = sum(m["articles"] for m in stats["months"] + [stats["undated"]])
    return (spans_per_outlet == spans_per_month == stats["total_spans"]
            and articles_per_month == stats["total_articles"])


def _check_stats_snapshot(reader: Store, writer: Store) -> None:
    """stats() while `writer` adds a new outlet and month between two of its queries: it sees none of it."""
    written = []

    def write_in_between(conn, cursor, statement, *_):
        # right after the query of the articles per outlet, another writer adds a new outlet and a new month
        if not written and "avg(articles.score)" in statement and "GROUP BY articles.outlet" in statement:
            written.append(writer.save(make_result("New story\nbody", id="new", outlet="New Outlet",
                                                   published="2026-05-09")))

    sa.event.listen(reader.engine, "after_cursor_execute", write_in_between)
    try:
        stats = reader.stats()
    finally:
        sa.event.remove(reader.engine, "after_cursor_execute", write_in_between)
    assert written == ["new"]
    assert "New Outlet" not in {o["outlet"] for o in stats["outlets"]} and _consistent(stats)
    assert "New Outlet" in {o["outlet"] for o in reader.stats()["outlets"]}


def test_stats_read_one_snapshot_while_another_store_writes_between_its_queries(tmp_path):
    path = tmp_path / "library.db"
    reader, writer = Store(path), Store(path)  # two engines on one file: the web app and a batch job
    reader.save(make_result("Old story\nbody", id="old", outlet="Old Outlet", published="2026-01-05"))
    _check_stats_snapshot(reader, writer)
    reader.close()
    writer.close()


def test_stats_stay_consistent_while_another_store_writes_new_outlets(tmp_path):
    path = tmp_path / "library.db"
    reader, writer = Store(path), Store(path)
    reader.save(make_result("Seed\nbody", id="seed", outlet="Seed", published="2026-01-01"))
    done, errors, answers = threading.Event(), [], []

    def write():
        try:
            for i in range(150):
                writer.save(make_result(f"Story {i}\nbody {i}", id=f"s{i}", outlet=f"Outlet {i}",
                                        published=f"{2000 + i}-{i % 12 + 1:02d}-01"))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while not done.is_set():
            try:
                answers.append(reader.stats())
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)
    finally:
        thread.join()
    assert errors == [] and answers
    assert all(_consistent(stats) for stats in answers)
    assert reader.stats()["total_articles"] == 151
    reader.close()
    writer.close()


def test_listing_snippets_end_on_a_word_with_an_ellipsis_where_the_text_goes_on(store):
    # a long title line: what is left of the listing's 600-character read is short and ended inside a word
    title = "A title of many words " * 17
    store.save(make_result(title + "\n" + "The council expected the bridge to reopen soon. " * 20, id="long"))
    store.save(make_result("Short one\nThe council met.", id="short"))
    snippets = {item["id"]: item["snippet"] for item in store.list()["items"]}
    words = "The council expected the bridge to reopen soon.".split()
    assert snippets["long"].endswith("…") and snippets["long"][:-1].split()[-1] in words  # was "... bridge t"
    assert snippets["short"] == "The council met."


def test_library_filters_in_python_are_read_as_the_api_reads_them(store):
    from spinscope.errors import InputError

    store.save(make_result("Headline\nSome loaded words here.", id="f", spans=[("Loaded_Language", 0, 5, 0.9)]))
    for spelling in ("Loaded_Language", "loaded language", "Loaded Language"):
        assert [item["id"] for item in store.list(technique=spelling)["items"]] == ["f"], spelling
    for bad, says in ((dict(genre="nonsense"), "unknown genre 'nonsense'"),
                      (dict(technique="Shouting"), "unknown technique 'Shouting'")):
        with pytest.raises(InputError, match=says):
            store.list(**bad)
