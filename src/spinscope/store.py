"""The stored library of analyses: one SQL database (SQLite file by default, PostgreSQL by URL).

`Store(path_or_url).save(result)` keeps the canonical result dict (`Article.to_dict()`) together with the model
versions that produced it, an article row for filtering (outlet, date, genre, score), one row per span for technique
filters and statistics, and a full-text index (SQLite FTS5; PostgreSQL `tsvector`). The schema is created and
upgraded by the Alembic migrations in `spinscope/migrations/` every time a store opens.

The web app, the CLI and the batch jobs all write through this class.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy import event, func
from sqlalchemy.engine import Connection, Engine

from .errors import InputError, SpinscopeError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MAX_PER_PAGE = 200
_MAX_OFFSET = 2**62  # largest OFFSET passed to the database (SQLite integers are 64-bit)

_metadata = sa.MetaData()
# Mirrors the schema the migrations build (see migrations/versions/); queries are written against these.
articles = sa.Table(
    "articles", _metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(128), nullable=False, unique=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("outlet", sa.String(200), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("published", sa.String(64), nullable=False),
    sa.Column("article_date", sa.String(10), nullable=False),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("genre", sa.String(32)),
    sa.Column("score", sa.Float),
    sa.Column("word_count", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
analyses = sa.Table(
    "analyses", _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(128), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("model_versions", sa.Text, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
spans = sa.Table(
    "spans", _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(128), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    sa.Column("technique", sa.String(64), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
)

SORTS = {
    "updated": (articles.c.updated_at.desc(), articles.c.pk.desc()),
    "date": (articles.c.article_date.desc(), articles.c.pk.desc()),
    "score": (articles.c.score.desc(), articles.c.pk.desc()),
}


class StoreError(SpinscopeError):
    """The library database cannot be opened, read or written (corrupt, locked, unreachable, too new)."""


def default_db_path() -> Path:
    """`$SPINSCOPE_DB`, else `spinscope.db` in the current folder."""
    return Path(os.environ.get("SPINSCOPE_DB") or "spinscope.db").expanduser()


def database_url(url_or_path: str | Path | None) -> str:
    """A SQLAlchemy URL for a path or URL; `postgresql://` uses psycopg 3 when psycopg2 is not installed."""
    if url_or_path is None:
        url_or_path = default_db_path()
    text = str(url_or_path)
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        if path.is_dir():
            raise StoreError(f"database path {path} is a directory; give a file path like {path / 'library.sqlite3'}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for database {path}: {exc.strerror or exc}") from None
        return f"sqlite:///{path}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            return f"postgresql+psycopg://{rest}"
        return f"postgresql://{rest}"
    return text


ID_LENGTH = 128  # the id columns' width


def storage_key(article_id: str) -> str:
    """The id an article is stored under: its own id, or, for one longer than the column (a long URL), its
    start plus a digest of the whole, so two long ids that differ only at the end stay two articles."""
    article_id = str(article_id)
    if len(article_id) <= ID_LENGTH:
        return article_id
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{article_id[:ID_LENGTH - 17]}~{digest}"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_versions_of(pipeline) -> dict[str, str]:
    """The versions of the models a `Pipeline` has loaded (component -> version)."""
    return {name: detector.version for name, detector, _ in pipeline.components if detector is not None}


class Store:
    """The library of stored analyses. Thread-safe; use one per process (or per app) and `close()` it."""

    def __init__(self, url_or_path: str | Path | None = None, *, busy_timeout: float = 10.0, echo: bool = False):
        """Open (creating and migrating if needed) the library at a file path or SQLAlchemy URL.

        busy_timeout: seconds a SQLite writer waits for another one before giving up with "locked".
        """
        self.url = database_url(url_or_path)
        try:
            self.engine: Engine = sa.create_engine(self.url, echo=echo, future=True,
                                                   **_engine_options(self.url, busy_timeout))
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise StoreError(f"cannot use database URL {redact_url(self.url)}: {_first_line(exc)}") from None
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_on_connect)
        self.where = redact_url(self.url)
        self.upgrade()

    # -- lifecycle -------------------------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Bring the schema to the newest migration (creates the tables on an empty database)."""
        from alembic import command
        from alembic.config import Config
        from alembic.util import CommandError

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        try:
            with self._transaction() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except CommandError as exc:
            raise StoreError(f"database {self.where} has a schema this Spinscope version does not know "
                             f"({_first_line(exc)}); upgrade Spinscope") from None

    def schema_revision(self) -> str | None:
        with self._connect() as conn:
            try:
                return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            except sa.exc.DBAPIError:
                return None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.where!r})"

    # -- writing ---------------------------------------------------------------------------------------------
    def save(self, result: dict[str, Any], model_versions: dict[str, str] | None = None) -> str:
        """Store one canonical result dict; returns the article id it is stored under.

        An article already stored under the same id is updated (its new analysis is added to its history); a
        result without an id updates the article with exactly the same text, if there is one. The same text
        under two ids stays two articles: wire copy carried by two outlets is two outlets' articles.
        `model_versions` defaults to `result["models"]`; give the pipeline's full set
        (`model_versions_of(pipeline)`) so `stale()` can tell which articles need re-analysis.
        Everything happens in one transaction.
        """
        _check_result(result)
        text = result["text"]
        digest = content_hash(text)
        versions = dict(model_versions if model_versions is not None else result.get("models") or {})
        versions_key = json.dumps(versions, sort_keys=True)
        now = datetime.now(timezone.utc)
        full_id = str(result.get("id") or "").strip()
        requested_id = storage_key(full_id) if full_id else ""
        for attempt in range(2):
            try:
                with self._transaction() as conn:
                    existing = None
                    if requested_id:
                        existing = conn.execute(sa.select(articles.c.id, articles.c.created_at)
                                                .where(articles.c.id == requested_id)).first()
                    else:
                        existing = conn.execute(sa.select(articles.c.id, articles.c.created_at)
                                                .where(articles.c.content_hash == digest)
                                                .order_by(articles.c.pk).limit(1)).first()
                    article_id = existing.id if existing is not None else (requested_id or digest[:16])
                    # the result keeps its own id, also when it is longer than the key it is stored under
                    stored = dict(result, id=full_id if full_id and requested_id == article_id else article_id)
                    first_stored = _as_utc(existing.created_at) if existing is not None else now
                    row = _article_row(stored, digest, first_stored, now)
                    if existing is None:
                        conn.execute(articles.insert().values(id=article_id, created_at=now, **row))
                    else:
                        conn.execute(articles.update().where(articles.c.id == article_id).values(**row))
                    result_json = json.dumps(stored, ensure_ascii=False, sort_keys=True)
                    latest = conn.execute(sa.select(analyses.c.id, analyses.c.model_versions, analyses.c.result)
                                          .where(analyses.c.article_id == article_id)
                                          .order_by(analyses.c.id.desc()).limit(1)).first()
                    if latest is not None and latest.model_versions == versions_key and latest.result == result_json:
                        return article_id  # identical re-analysis: nothing new to record
                    analysis_id = conn.execute(analyses.insert().values(
                        article_id=article_id, model_versions=versions_key, result=result_json, created_at=now,
                    )).inserted_primary_key[0]
                    conn.execute(spans.delete().where(spans.c.article_id == article_id))
                    span_rows = [
                        {"article_id": article_id, "analysis_id": analysis_id, "technique": str(s["technique"]),
                         "start": int(s["start"]), "end": int(s["end"]),
                         "confidence": float(s.get("confidence", 1.0))}
                        for s in result["spans"]
                    ]
                    if span_rows:
                        conn.execute(spans.insert(), span_rows)
                    return article_id
            except sa.exc.IntegrityError:
                # another writer inserted the same article between our read and insert: retry as an update
                if attempt:
                    raise StoreError(f"could not store article {requested_id or digest[:16]}: it was being "
                                     "written concurrently") from None
        raise AssertionError("unreachable")

    def delete(self, article_id: str) -> bool:
        """Remove an article with all its analyses and spans; False if there was no such article."""
        article_id = storage_key(article_id)
        with self._transaction() as conn:
            # explicit child deletes keep this correct even on a database opened without foreign keys on
            conn.execute(spans.delete().where(spans.c.article_id == article_id))
            conn.execute(analyses.delete().where(analyses.c.article_id == article_id))
            return conn.execute(articles.delete().where(articles.c.id == article_id)).rowcount > 0

    # -- reading ---------------------------------------------------------------------------------------------
    def get(self, article_id: str) -> dict[str, Any] | None:
        """The newest stored result dict of an article, or None."""
        article_id = storage_key(article_id)
        with self._connect() as conn:
            raw = conn.execute(sa.select(analyses.c.result).where(analyses.c.article_id == article_id)
                               .order_by(analyses.c.id.desc()).limit(1)).scalar()
        return json.loads(raw) if raw is not None else None

    def history(self, article_id: str) -> list[dict[str, Any]]:
        """Every analysis of an article, oldest first: analysis id, time and model versions."""
        article_id = storage_key(article_id)
        with self._connect() as conn:
            rows = conn.execute(sa.select(analyses.c.id, analyses.c.created_at, analyses.c.model_versions)
                                .where(analyses.c.article_id == article_id).order_by(analyses.c.id)).all()
        return [{"analysis_id": r.id, "created_at": _iso(r.created_at), "models": json.loads(r.model_versions)}
                for r in rows]

    def count(self) -> int:
        with self._connect() as conn:
            return conn.execute(sa.select(func.count()).select_from(articles)).scalar_one()

    def list(self, page: int = 1, per_page: int = 20, outlet: str | None = None, date_from: str | date | None = None,
             date_to: str | date | None = None, genre: str | None = None, technique: str | None = None,
             score_min: float | None = None, score_max: float | None = None, q: str | None = None,
             sort: str = "updated") -> dict[str, Any]:
        """One page of stored articles (newest first) matching all the filters given.

        Dates are ISO `YYYY-MM-DD` and inclusive; `q` is full-text search over title and text (every word must
        occur; the last word may be a prefix).
        """
        genre, technique = checked_filters(genre, technique)
        per_page = min(MAX_PER_PAGE, max(1, int(per_page)))
        # the offset must fit a 64-bit SQL integer; a page that far out is simply past the end
        page = min(max(1, int(page)), _MAX_OFFSET // per_page)
        if sort not in SORTS:
            raise StoreError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        conditions = []
        if outlet:
            conditions.append(articles.c.outlet == outlet)
        if date_from:
            conditions.append(articles.c.article_date >= _iso_date(date_from, "date_from"))
        if date_to:
            conditions.append(articles.c.article_date <= _iso_date(date_to, "date_to"))
        if genre:
            conditions.append(articles.c.genre == genre)
        if technique:
            conditions.append(sa.exists().where(spans.c.article_id == articles.c.id, spans.c.technique == technique))
        if score_min is not None:
            conditions.append(articles.c.score >= float(score_min))
        if score_max is not None:
            conditions.append(articles.c.score <= float(score_max))
        if q and q.strip():
            search = self._search_condition(q)
            # a search with no word in it ("*", an emoji) matches nothing rather than everything
            conditions.append(search if search is not None else sa.false())
        where = sa.and_(sa.true(), *conditions)
        columns = [articles.c[name] for name in (
            "id", "title", "outlet", "url", "published", "article_date", "language", "genre", "score", "word_count",
            "created_at", "updated_at")]
        with self._connect() as conn:
            total = conn.execute(sa.select(func.count()).select_from(articles).where(where)).scalar_one()
            rows = conn.execute(sa.select(*columns, func.substr(articles.c.body, 1, SNIPPET_READ).label("snippet"))
                                .where(where).order_by(*SORTS[sort])
                                .limit(per_page).offset((page - 1) * per_page)).all()
            ids = [r.id for r in rows]
            counts: dict[str, dict[str, int]] = {i: {} for i in ids}
            if ids:
                for r in conn.execute(sa.select(spans.c.article_id, spans.c.technique, func.count().label("n"))
                                      .where(spans.c.article_id.in_(ids))
                                      .group_by(spans.c.article_id, spans.c.technique)):
                    counts[r.article_id][r.technique] = r.n
        items = []
        for r in rows:
            item = {
                "id": r.id, "title": r.title, "outlet": r.outlet, "url": r.url, "published": r.published,
                "date": r.article_date, "language": r.language, "genre": r.genre, "score": r.score,
                "word_count": r.word_count, "snippet": _snippet(r.snippet or "", r.title),
                "technique_counts": dict(sorted(counts[r.id].items(), key=lambda kv: (-kv[1], kv[0]))),
                "created_at": _iso(r.created_at), "updated_at": _iso(r.updated_at),
            }
            items.append(item)
        return {"items": items, "total": total, "page": page, "per_page": per_page}

    def outlets(self) -> list[str]:
        with self._connect() as conn:
            return list(conn.execute(sa.select(articles.c.outlet).distinct().order_by(articles.c.outlet)).scalars())

    def stats(self) -> dict[str, Any]:
        """Technique distribution per outlet and per publication month, with article counts and mean propaganda
        score, so charts can show both raw counts and rates per article.

        `months` holds only articles with a publication day (`published_day`): an undated article (no date, or
        one in words such as "early March 2026") is filed under the day it was first stored, but that day is not
        its publication month, so it is counted in `undated` instead (and, like every article, in the totals
        and per outlet). `sum(months' articles) + undated's articles == total_articles`.
        """
        with self._snapshot() as conn:  # one read transaction: every query sees the same articles
            totals = {r.technique: r.n for r in conn.execute(
                sa.select(spans.c.technique, func.count().label("n")).group_by(spans.c.technique))}
            outlet_rows = conn.execute(sa.select(articles.c.outlet, func.count().label("n"),
                                                 func.avg(articles.c.score).label("mean_score"))
                                       .group_by(articles.c.outlet).order_by(articles.c.outlet)).all()
            outlet_techniques = conn.execute(
                sa.select(articles.c.outlet, spans.c.technique, func.count().label("n"))
                .select_from(spans.join(articles, spans.c.article_id == articles.c.id))
                .group_by(articles.c.outlet, spans.c.technique)).all()
            # grouped by the `published` text (a few distinct values per day at most): its month is read in
            # Python with `published_day`, the very rule that gave the article its `article_date`
            published_rows = conn.execute(sa.select(articles.c.published, func.count().label("n"),
                                                    func.count(articles.c.score).label("scored"),
                                                    func.sum(articles.c.score).label("score_sum"))
                                          .group_by(articles.c.published)).all()
            published_techniques = conn.execute(
                sa.select(articles.c.published, spans.c.technique, func.count().label("n"))
                .select_from(spans.join(articles, spans.c.article_id == articles.c.id))
                .group_by(articles.c.published, spans.c.technique)).all()
        by_outlet = {r.outlet: {"outlet": r.outlet, "articles": r.n, "mean_score": _round(r.mean_score),
                                "techniques": {}} for r in outlet_rows}
        # a group the article counts do not have (a database that gives no snapshot) is left out, not a KeyError
        for r in outlet_techniques:
            if r.outlet in by_outlet:
                by_outlet[r.outlet]["techniques"][r.technique] = r.n

        def month_of(published: str) -> str | None:
            day = published_day(published)
            return day[:7] if day else None

        groups: dict[str | None, dict[str, Any]] = {}  # month, or None for the undated articles
        for r in published_rows:
            group = groups.setdefault(month_of(r.published), {"articles": 0, "scored": 0, "score_sum": 0.0,
                                                               "techniques": {}})
            group["articles"] += r.n
            group["scored"] += r.scored
            group["score_sum"] += r.score_sum or 0.0
        counted = {r.published for r in published_rows}  # (as above: spans of articles not counted are left out)
        for r in published_techniques:
            group = groups.get(month_of(r.published)) if r.published in counted else None
            if group is not None:
                group["techniques"][r.technique] = group["techniques"].get(r.technique, 0) + r.n

        def counts(group: dict[str, Any] | None) -> dict[str, Any]:
            group = group or {"articles": 0, "scored": 0, "score_sum": 0.0, "techniques": {}}
            mean = group["score_sum"] / group["scored"] if group["scored"] else None
            return {"articles": group["articles"], "mean_score": _round(mean), "techniques": group["techniques"]}

        return {
            "total_articles": sum(r.n for r in outlet_rows),
            "total_spans": sum(totals.values()),
            "techniques": dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))),
            "outlets": list(by_outlet.values()),
            "months": [dict(month=month, **counts(groups[month])) for month in sorted(m for m in groups if m)],
            "undated": counts(groups.get(None)),
        }

    # -- re-analysis -----------------------------------------------------------------------------------------
    def stale(self, model_versions: dict[str, str]) -> list[str]:
        """Ids of articles whose newest analysis was made by other model versions than `model_versions`."""
        wanted = json.dumps(dict(model_versions), sort_keys=True)
        newest = (sa.select(analyses.c.article_id, func.max(analyses.c.id).label("analysis_id"))
                  .group_by(analyses.c.article_id).subquery())
        with self._connect() as conn:
            return list(conn.execute(
                sa.select(analyses.c.article_id)
                .join(newest, newest.c.analysis_id == analyses.c.id)
                .where(analyses.c.model_versions != wanted)
                .order_by(analyses.c.article_id)).scalars())

    def reanalyse(self, pipeline, ids: list[str] | None = None, progress=None) -> list[str]:
        """Run `pipeline` again on stored articles (default: the stale ones) and store the new results.

        Returns the ids re-analysed. `progress(done, total)` is called after each article if given.
        """
        from .types import Article

        versions = model_versions_of(pipeline)
        todo = self.stale(versions) if ids is None else list(ids)
        done: list[str] = []
        for article_id in todo:
            old = self.get(article_id)
            if old is None:
                continue
            article = Article(text=old["text"], id=old.get("id") or article_id, title=old.get("title", ""),
                              outlet=old.get("outlet", ""), url=old.get("url", ""),
                              published=old.get("published", ""), source=old.get("source", ""))
            self.save(pipeline(article).to_dict(), model_versions=versions)
            done.append(article_id)
            if progress is not None:
                progress(len(done), len(todo))
        return done

    # -- internals -------------------------------------------------------------------------------------------
    def _search_condition(self, q: str):
        words = re.findall(r"\w+", q)[:32]
        if not words:
            return None
        if self.dialect == "sqlite":
            # quoted tokens so user input can never be FTS5 syntax; the last word matches as a prefix
            match = " ".join(f'"{w}"' for w in words) + "*"
            hits = sa.select(sa.literal_column("rowid")).select_from(sa.table("articles_fts")).where(
                sa.literal_column("articles_fts").op("MATCH")(match))
            return articles.c.pk.in_(hits)
        document = func.coalesce(articles.c.title, "") + " " + func.coalesce(articles.c.body, "")
        if self.dialect == "postgresql":
            query = " & ".join(words[:-1] + [words[-1] + ":*"])
            return func.to_tsvector("simple", document).op("@@")(func.to_tsquery("simple", query))
        return sa.and_(*[document.ilike(f"%{w}%") for w in words])

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        with _translate_errors(self.where):
            with self.engine.connect() as conn:
                yield conn

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """A connection whose queries all read one consistent state of the database (one read transaction),
        also while other processes write."""
        with _translate_errors(self.where):
            with self.engine.connect() as conn:
                if self.dialect == "sqlite":
                    conn.exec_driver_sql("BEGIN")  # pysqlite opens no transaction for SELECTs by itself
                elif self.dialect == "postgresql":
                    conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot per transaction
                yield conn  # closing the connection ends the read transaction (rollback: nothing was written)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with _translate_errors(self.where):
            with self.engine.begin() as conn:
                yield conn


def _engine_options(url: str, busy_timeout: float) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": busy_timeout, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer (web app + batch job)
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


@contextmanager
def _translate_errors(where: str) -> Iterator[None]:
    try:
        yield
    except StoreError:
        raise
    except sa.exc.DBAPIError as exc:
        message = _first_line(exc.orig if exc.orig is not None else exc)
        lowered = message.lower()
        if "not a database" in lowered or "malformed" in lowered or "file is encrypted" in lowered:
            raise StoreError(f"{where} is not a usable Spinscope database (corrupt or not SQLite): {message}") from None
        if "locked" in lowered or "busy" in lowered:
            raise StoreError(f"database {where} is locked by another process; try again later") from None
        if "readonly" in lowered or "read-only" in lowered:
            raise StoreError(f"database {where} is read-only: {message}") from None
        if isinstance(exc, sa.exc.IntegrityError):
            raise
        raise StoreError(f"database error on {where}: {message}") from None


def _check_result(result: Any) -> None:
    if not isinstance(result, dict):
        raise StoreError(f"can only store a result dict (Article.to_dict()), not {type(result).__name__}")
    if not isinstance(result.get("text"), str):
        raise StoreError("result has no 'text' string; pass Article.to_dict()")
    found = result.get("spans", [])
    if not isinstance(found, list):
        raise StoreError("result 'spans' must be a list of span dicts")
    for span in found:
        if not (isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int)
                and isinstance(span.get("technique"), str)
                and isinstance(span.get("confidence", 1.0), (int, float))):
            raise StoreError(f"result span {span!r:.80} needs integer start/end, a technique name and a "
                             "numeric confidence")


def _article_row(result: dict[str, Any], digest: str, first_stored: datetime, now: datetime) -> dict[str, Any]:
    genre = result.get("genre") or {}
    summary = result.get("summary") or {}
    score = summary.get("propaganda_score")
    published = str(result.get("published") or "")
    return {
        "content_hash": digest,
        "title": str(result.get("title") or ""),
        "outlet": str(result.get("outlet") or "")[:200],
        "url": str(result.get("url") or ""),
        "published": published[:64],
        "article_date": published_day(published) or first_stored.date().isoformat(),
        "language": str(result.get("language") or "")[:16],
        "genre": genre.get("label") if isinstance(genre, dict) else None,
        "score": float(score) if isinstance(score, (int, float)) else None,
        "word_count": int(result.get("word_count") or len(result["text"].split())),
        "body": result["text"],
        "updated_at": now,
    }


SNIPPET_READ = 600  # characters of the body a listing reads for its snippet


def _snippet(body: str, title: str, limit: int = 240) -> str:
    """The start of the text without the title line it usually begins with, whitespace collapsed, cut at a word
    with "…" where the text goes on (also where the listing read only the body's first characters)."""
    cut = len(body) >= SNIPPET_READ
    first, _, rest = body.partition("\n")
    if title and first.strip() == title.strip() and rest.strip():
        body = rest
    words = body.split()
    if cut and words:
        words = words[:-1]  # the read may have ended inside a word
    text = " ".join(words)
    if len(text) > limit:
        text, cut = text[: limit - 1], True
        text = text[: text.rfind(" ")] if " " in text[limit // 2:] else text
    return text.rstrip() + "…" if cut else text


def checked_filters(genre: str | None, technique: str | None) -> tuple[str | None, str | None]:
    """The genre and technique filters as the library stores them (a technique's spelling variants, "loaded
    language", normalised); an unknown one is an InputError rather than a filter that silently matches nothing."""
    from .taxonomy import GENRES, normalise_technique

    if genre and genre not in GENRES:
        raise InputError(f"unknown genre {genre!r}; use one of {', '.join(GENRES)}")
    if technique:
        official = normalise_technique(technique)
        if official is None:
            raise InputError(f"unknown technique {technique!r}; use a SemEval-2023 name like Loaded_Language")
        technique = official
    return genre or None, technique or None


def published_day(published: str) -> str | None:
    """The YYYY-MM-DD day a publication date starts with, or None (the day the library files an article under)."""
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", published)
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _iso_date(value: str | date, name: str) -> str:
    if isinstance(value, date):
        return value.isoformat()
    day = published_day(str(value))
    if day is None or len(str(value).strip()) != 10:
        raise StoreError(f"{name} must be a date like 2026-01-31, not {value!r}")
    return day


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _iso(value: datetime | None) -> str | None:
    return _as_utc(value).isoformat(timespec="seconds") if value is not None else None


def _round(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def _first_line(exc: BaseException | str) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def redact_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only used in messages
        return url.split("@")[-1]
