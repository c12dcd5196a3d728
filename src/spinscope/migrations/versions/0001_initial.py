"""Initial library schema: articles, analyses (with model versions), spans, and full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        # integer key so SQLite's FTS5 index can point at rows with a stable rowid
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(128), nullable=False, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("outlet", sa.String(200), nullable=False, server_default="", index=True),
        sa.Column("url", sa.Text, nullable=False, server_default=""),
        sa.Column("published", sa.String(64), nullable=False, server_default=""),
        # YYYY-MM-DD: the published date when it parses, else the day the article was first stored
        sa.Column("article_date", sa.String(10), nullable=False, index=True),
        sa.Column("language", sa.String(16), nullable=False, server_default=""),
        sa.Column("genre", sa.String(32), nullable=True, index=True),
        sa.Column("score", sa.Float, nullable=True, index=True),
        sa.Column("word_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(128), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        # canonical JSON (sorted keys) so equal versions compare equal as strings
        sa.Column("model_versions", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "spans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(128), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("technique", sa.String(64), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
    )
    op.create_index("ix_spans_technique_article", "spans", ["technique", "article_id"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # external-content FTS5 index over title + body, kept in step by triggers inside the same transaction
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles', "
                   "content_rowid='pk', tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
                   "INSERT INTO articles_fts(rowid, title, body) VALUES (new.pk, new.title, new.body); END")
        op.execute("CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
                   "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
                   "VALUES ('delete', old.pk, old.title, old.body); END")
        op.execute("CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN "
                   "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
                   "VALUES ('delete', old.pk, old.title, old.body); "
                   "INSERT INTO articles_fts(rowid, title, body) VALUES (new.pk, new.title, new.body); END")
    elif dialect == "postgresql":
        op.execute("CREATE INDEX ix_articles_search ON articles USING gin "
                   "(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, '')))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    op.drop_table("spans")
    op.drop_table("analyses")
    op.drop_table("articles")
