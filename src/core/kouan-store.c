/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-cjk-tokenizer.h"
#include "kouan-collection.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-store-private.h"

/* How long a writer waits for another connection (a second process on the
 * same cache, a benchmark) before giving up. */
#define BUSY_TIMEOUT_MS 5000

G_DEFINE_FINAL_TYPE (KouanStore, kouan_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (kouan-store-error-quark, kouan_store_error)

enum {
  CHANGED,
  OUTBOX_CHANGED,
  OUTBOX_STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Schema migrations: entry N upgrades user_version N-1 to N. */
static const char * const migrations[] = {
  NULL,
  /* 1 */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE enterprises ("
  "  id          INTEGER PRIMARY KEY NOT NULL,"
  "  name        TEXT NOT NULL,"
  "  credit_code TEXT NOT NULL,"
  "  certified   INTEGER NOT NULL DEFAULT 0,"
  "  roles       TEXT NOT NULL DEFAULT '[]');"
  "CREATE TABLE cursors ("
  "  enterprise_id INTEGER PRIMARY KEY NOT NULL"
  "                REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  cursor        INTEGER NOT NULL);"
  "CREATE TABLE messages ("
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  id            INTEGER NOT NULL,"
  "  kind          TEXT NOT NULL,"
  "  category      TEXT NOT NULL,"
  "  title         TEXT NOT NULL,"
  "  body          TEXT NOT NULL,"
  "  severity      TEXT,"
  "  created_at    INTEGER NOT NULL,"
  "  read          INTEGER NOT NULL,"
  "  starred       INTEGER NOT NULL,"
  "  rev           INTEGER NOT NULL,"
  "  PRIMARY KEY (enterprise_id, id));"
  /* Covering indexes so list and count queries never touch the table:
   * one per filter shape, each in display order (scanned backwards). */
  "CREATE INDEX messages_by_date ON messages"
  "  (enterprise_id, kind, created_at, id, rev);"
  "CREATE INDEX messages_by_read ON messages"
  "  (enterprise_id, kind, read, created_at, id, rev);"
  "CREATE INDEX messages_starred ON messages"
  "  (enterprise_id, kind, read, created_at, id, rev) WHERE starred = 1;"
  /* what changed since a revision, for list models following edits */
  "CREATE INDEX messages_by_rev ON messages (enterprise_id, rev);"
  "CREATE TABLE outbox ("
  "  seq           INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  id            TEXT NOT NULL UNIQUE,"
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  collection    TEXT NOT NULL,"
  "  op            TEXT NOT NULL,"
  "  record_id     INTEGER NOT NULL,"
  "  fields        TEXT NOT NULL,"
  "  attempts      INTEGER NOT NULL DEFAULT 0,"
  "  created_at    INTEGER NOT NULL);"
  "CREATE INDEX outbox_by_record ON outbox (enterprise_id, collection, record_id, seq);",
  /* 2: enterprise settings, business settings, showcase slides and links
   * (kouan-store-settings.c), small documents kept whole */
  "CREATE TABLE settings_records ("
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  collection    TEXT NOT NULL,"
  "  id            INTEGER NOT NULL,"
  "  position      INTEGER NOT NULL DEFAULT 0,"
  "  record        TEXT NOT NULL,"
  "  PRIMARY KEY (enterprise_id, collection, id));",
  /* credit insurance (kouan-store-insurance.c): policies and claims as
   * the server's record plus the columns the shortcuts count; articles are
   * shared by the cache's enterprises and indexed for the risk search
   * (tokenizer "kouan_cjk", registered before migrating) */
  "CREATE TABLE insurance_policies ("
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  id            INTEGER NOT NULL,"
  "  status        TEXT NOT NULL,"
  "  notice_read   INTEGER NOT NULL,"
  "  record        TEXT NOT NULL,"
  "  PRIMARY KEY (enterprise_id, id));"
  "CREATE TABLE insurance_claims ("
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  id            INTEGER NOT NULL,"
  "  status        TEXT NOT NULL,"
  "  notice_read   INTEGER NOT NULL,"
  "  record        TEXT NOT NULL,"
  "  PRIMARY KEY (enterprise_id, id));"
  "CREATE TABLE insurance_categories ("
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  id            INTEGER NOT NULL,"
  "  name          TEXT NOT NULL,"
  "  position      INTEGER NOT NULL,"
  "  subscribed    INTEGER NOT NULL,"
  "  PRIMARY KEY (enterprise_id, id));"
  "CREATE TABLE risk_articles ("
  "  id            INTEGER PRIMARY KEY NOT NULL,"
  "  title         TEXT NOT NULL,"
  "  source        TEXT NOT NULL,"
  "  published_at  INTEGER NOT NULL,"
  "  country       TEXT NOT NULL,"
  "  industry      TEXT NOT NULL,"
  "  category_id   INTEGER NOT NULL,"
  "  body          TEXT NOT NULL);"
  "CREATE INDEX risk_articles_by_date ON risk_articles (published_at, id);"
  "CREATE INDEX risk_articles_by_country ON risk_articles (country, published_at, id);"
  "CREATE INDEX risk_articles_by_industry ON risk_articles (industry, published_at, id);"
  "CREATE INDEX risk_articles_by_category ON risk_articles (category_id, published_at, id);"
  /* the search's lookup from a match to its date and facets: a covering
   * index instead of the table, whose rows carry the bodies (7× fewer rows
   * per page: 3–4× faster at 100k articles) */
  "CREATE INDEX risk_articles_search ON risk_articles"
  "  (id, published_at, country, industry, category_id);"
  "CREATE VIRTUAL TABLE risk_articles_fts USING fts5 (title, body,"
  "  content = 'risk_articles', content_rowid = 'id', tokenize = 'kouan_cjk');"
  "CREATE TRIGGER risk_articles_fts_insert AFTER INSERT ON risk_articles BEGIN"
  "  INSERT INTO risk_articles_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);"
  "END;"
  "CREATE TRIGGER risk_articles_fts_delete AFTER DELETE ON risk_articles BEGIN"
  "  INSERT INTO risk_articles_fts (risk_articles_fts, rowid, title, body)"
  "    VALUES ('delete', OLD.id, OLD.title, OLD.body);"
  "END;"
  "CREATE TRIGGER risk_articles_fts_update AFTER UPDATE OF title, body ON risk_articles BEGIN"
  "  INSERT INTO risk_articles_fts (risk_articles_fts, rowid, title, body)"
  "    VALUES ('delete', OLD.id, OLD.title, OLD.body);"
  "  INSERT INTO risk_articles_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);"
  "END;",
  /* personal center (kouan-store-personal.c): the user's profile (one per
   * user, whichever enterprise's feed brought it), declaration preferences
   * per enterprise, enterprises' certifications, and images fetched once
   * so avatars and seals show offline */
  "CREATE TABLE profiles ("
  "  id                INTEGER PRIMARY KEY NOT NULL,"
  "  account           TEXT NOT NULL,"
  "  name              TEXT NOT NULL,"
  "  gender            TEXT NOT NULL,"
  "  avatar_image      INTEGER,"
  "  avatar_enterprise INTEGER,"
  "  seal_image        INTEGER,"
  "  seal_enterprise   INTEGER,"
  "  phone             TEXT NOT NULL,"
  "  email             TEXT NOT NULL);"
  "CREATE TABLE declaration_preferences ("
  "  enterprise_id      INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  user_id            INTEGER NOT NULL,"
  "  remember_last      INTEGER NOT NULL,"
  "  check_hs_codes     INTEGER NOT NULL,"
  "  warn_duplicates    INTEGER NOT NULL,"
  "  autofill_consignee INTEGER NOT NULL,"
  "  confirm_submit     INTEGER NOT NULL,"
  "  PRIMARY KEY (enterprise_id, user_id));"
  "CREATE TABLE certifications ("
  "  enterprise_id        INTEGER PRIMARY KEY NOT NULL"
  "                       REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  status               TEXT NOT NULL,"
  "  reason               TEXT,"
  "  legal_representative TEXT NOT NULL,"
  "  licence_number       TEXT NOT NULL,"
  "  licence_image        INTEGER,"
  "  contact              TEXT NOT NULL);"
  "CREATE TABLE image_cache ("
  "  enterprise_id INTEGER NOT NULL,"
  "  id            INTEGER NOT NULL,"
  "  data          BLOB NOT NULL,"
  "  PRIMARY KEY (enterprise_id, id));",
  /* 5: the risk search's index is brought up to date once per transaction
   * instead of once per row (kouan-store-insurance.c). A trigger that
   * writes FTS5 makes every statement of the transaction flush the index's
   * pending data; now the triggers only note which articles changed, and
   * what the index holds for them, and _kouan_store_commit() indexes the
   * whole batch in two statements. @indexed says whether the index holds
   * the article (with @title, @body) as it was before the batch touched it:
   * the first note of an article wins. */
  "DROP TRIGGER risk_articles_fts_insert;"
  "DROP TRIGGER risk_articles_fts_delete;"
  "DROP TRIGGER risk_articles_fts_update;"
  "CREATE TABLE risk_articles_fts_pending ("
  "  id      INTEGER PRIMARY KEY NOT NULL,"
  "  indexed INTEGER NOT NULL,"
  "  title   TEXT,"
  "  body    TEXT);"
  /* (not INSERT OR IGNORE: an upsert's own conflict handling would
   * override the trigger's) */
  "CREATE TRIGGER risk_articles_fts_insert AFTER INSERT ON risk_articles BEGIN"
  "  INSERT INTO risk_articles_fts_pending (id, indexed) SELECT NEW.id, 0"
  "    WHERE NOT EXISTS (SELECT 1 FROM risk_articles_fts_pending WHERE id = NEW.id);"
  "END;"
  "CREATE TRIGGER risk_articles_fts_delete AFTER DELETE ON risk_articles BEGIN"
  "  INSERT INTO risk_articles_fts_pending (id, indexed, title, body)"
  "    SELECT OLD.id, 1, OLD.title, OLD.body"
  "    WHERE NOT EXISTS (SELECT 1 FROM risk_articles_fts_pending WHERE id = OLD.id);"
  "END;"
  "CREATE TRIGGER risk_articles_fts_update AFTER UPDATE OF title, body ON risk_articles BEGIN"
  "  INSERT INTO risk_articles_fts_pending (id, indexed, title, body)"
  "    SELECT OLD.id, 1, OLD.title, OLD.body"
  "    WHERE NOT EXISTS (SELECT 1 FROM risk_articles_fts_pending WHERE id = OLD.id);"
  "END;",
  /* 6: the admin center's people pages (kouan-store-people.c): members,
   * roles, departments and audit entries, each the server's record after
   * its typed codec accepted it */
  "CREATE TABLE people_records ("
  "  enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,"
  "  collection    TEXT NOT NULL,"
  "  id            INTEGER NOT NULL,"
  "  record        TEXT NOT NULL,"
  "  PRIMARY KEY (enterprise_id, collection, id));",
  /* 7 (MIGRATION_MESSAGES_FTS): the message center's search
   * (kouan_store_search_messages): notices and warnings indexed by title,
   * body and category with the kouan_cjk tokenizer, keyed by the messages
   * table's rowid (the cache is never vacuumed). As for the risk search,
   * triggers only queue what changed and _kouan_store_commit() indexes a
   * batch in two statements (_kouan_store_index_messages). */
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (title, body, category,"
  "  content = 'messages', content_rowid = 'rowid', tokenize = 'kouan_cjk');"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
  "CREATE TABLE messages_fts_pending ("
  "  rid      INTEGER PRIMARY KEY NOT NULL,"
  "  indexed  INTEGER NOT NULL,"
  "  title    TEXT,"
  "  body     TEXT,"
  "  category TEXT);"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed) SELECT NEW.rowid, 0"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = NEW.rowid);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed, title, body, category)"
  "    SELECT OLD.rowid, 1, OLD.title, OLD.body, OLD.category"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = OLD.rowid);"
  "END;"
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF title, body, category ON messages"
  "  WHEN (OLD.title, OLD.body, OLD.category) IS NOT (NEW.title, NEW.body, NEW.category) BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed, title, body, category)"
  "    SELECT OLD.rowid, 1, OLD.title, OLD.body, OLD.category"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = OLD.rowid);"
  "END;",
  /* 8: the outbox you can see (kouan-store-outbox.c): each edit carries
   * the change-feed cursor it was made at (@base, the server's conflict
   * check) and keeps a refusal instead of vanishing: @state queued |
   * sending | refused | conflict, the server's @reason_code and @reason,
   * and for a conflict who changed the record (@changed_by) and when */
  "ALTER TABLE outbox ADD COLUMN base INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'queued';"
  "ALTER TABLE outbox ADD COLUMN reason_code TEXT;"
  "ALTER TABLE outbox ADD COLUMN reason TEXT;"
  "ALTER TABLE outbox ADD COLUMN changed_by TEXT;"
  "ALTER TABLE outbox ADD COLUMN changed_at INTEGER;",
  /* 9: warnings by severity and messages you can act on (issue 15).
   * @severity_rank orders severities (0 none, 1 low, 2 medium, 3 high) so
   * a list can be filtered and sorted by it from an index: the read
   * index gains it as its last column (a date-ordered list filtered by
   * severity stays a covering scan) and messages_by_severity serves the
   * severity order. @actions is the record's "actions" as the codec
   * accepted them (JSON, NULL for none). */
  "ALTER TABLE messages ADD COLUMN severity_rank INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE messages ADD COLUMN actions TEXT;"
  "UPDATE messages SET severity_rank = CASE severity WHEN 'low' THEN 1"
  "  WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 0 END WHERE severity IS NOT NULL;"
  "DROP INDEX messages_by_read;"
  "CREATE INDEX messages_by_read ON messages"
  "  (enterprise_id, kind, read, created_at, id, rev, severity_rank);"
  "CREATE INDEX messages_by_severity ON messages"
  "  (enterprise_id, kind, read, severity_rank, created_at, id, rev);",
  /* 10: the search indexes can be built after a first sync instead of
   * row by row (kouan_store_defer_search_index). While meta holds
   * "<index>_built_to" = N, the index holds exactly the rows whose rowid
   * is <= N and is kept exact for those; rows above N are not indexed
   * (the search scans them with kouan_cjk_match) until
   * kouan_store_build_search_index has indexed them in chunks, raised N
   * and finally deleted the key. The triggers below only queue rows the
   * index holds or should hold: those at or below N, or all when there
   * is no key. */
  "DROP TRIGGER risk_articles_fts_insert;"
  "DROP TRIGGER risk_articles_fts_delete;"
  "DROP TRIGGER risk_articles_fts_update;"
  "CREATE TRIGGER risk_articles_fts_insert AFTER INSERT ON risk_articles"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'risk_articles_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < NEW.id) BEGIN"
  "  INSERT INTO risk_articles_fts_pending (id, indexed) SELECT NEW.id, 0"
  "    WHERE NOT EXISTS (SELECT 1 FROM risk_articles_fts_pending WHERE id = NEW.id);"
  "END;"
  "CREATE TRIGGER risk_articles_fts_delete AFTER DELETE ON risk_articles"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'risk_articles_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < OLD.id) BEGIN"
  "  INSERT INTO risk_articles_fts_pending (id, indexed, title, body)"
  "    SELECT OLD.id, 1, OLD.title, OLD.body"
  "    WHERE NOT EXISTS (SELECT 1 FROM risk_articles_fts_pending WHERE id = OLD.id);"
  "END;"
  "CREATE TRIGGER risk_articles_fts_update AFTER UPDATE OF title, body ON risk_articles"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'risk_articles_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < OLD.id) BEGIN"
  "  INSERT INTO risk_articles_fts_pending (id, indexed, title, body)"
  "    SELECT OLD.id, 1, OLD.title, OLD.body"
  "    WHERE NOT EXISTS (SELECT 1 FROM risk_articles_fts_pending WHERE id = OLD.id);"
  "END;"
  "DROP TRIGGER messages_fts_insert;"
  "DROP TRIGGER messages_fts_delete;"
  "DROP TRIGGER messages_fts_update;"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < NEW.rowid) BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed) SELECT NEW.rowid, 0"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = NEW.rowid);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < OLD.rowid) BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed, title, body, category)"
  "    SELECT OLD.rowid, 1, OLD.title, OLD.body, OLD.category"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = OLD.rowid);"
  "END;"
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF title, body, category ON messages"
  "  WHEN (OLD.title, OLD.body, OLD.category) IS NOT (NEW.title, NEW.body, NEW.category)"
  "   AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < OLD.rowid) BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed, title, body, category)"
  "    SELECT OLD.rowid, 1, OLD.title, OLD.body, OLD.category"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = OLD.rowid);"
    "END;",
  /* 11: the message index keyed in the order search results are
   * shown, newest first, one kind after the other. @search_key (a
   * generated column: nothing writes it) is the kind in bit 62 (warnings
   * 1), created_at × 2²⁸ below it and the id's low 28 bits: the index
   * hands out a kind's matches (a rowid range) newest first, so a search
   * stops at its limit instead of fetching and sorting every match of a
   * common word, and never walks the other kind's matches. The server's
   * message ids are unique, so two messages of a kind share a key only
   * if made in the same second with ids 2²⁸ apart (or a server sent one
   * id to two enterprises): the key is not UNIQUE, so such rows still
   * sync, and FTS5 keeps both under one rowid (the join finds both; a
   * word of one deleted may then go missing for the other). created_at
   * fits until the year 2514. The index is built again, whole, under the
   * new key: a first sync's deferred mark (migration 10) goes. The
   * deferral still counts in rowids; the queue and the index hold keys. */
  "DROP TRIGGER messages_fts_insert;"
  "DROP TRIGGER messages_fts_delete;"
  "DROP TRIGGER messages_fts_update;"
  "DROP TABLE messages_fts;"
  "DELETE FROM messages_fts_pending;"
  "DELETE FROM meta WHERE key = 'messages_fts_built_to';"
  "ALTER TABLE messages ADD COLUMN search_key INTEGER"
  "  GENERATED ALWAYS AS (((kind = 'warning') << 62) | (created_at << 28) | (id & 268435455))"
  "  VIRTUAL;"
  "CREATE INDEX messages_by_search_key ON messages (search_key);"
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (title, body, category,"
  "  content = 'messages', content_rowid = 'search_key', tokenize = 'kouan_cjk');"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < NEW.rowid) BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed) SELECT NEW.search_key, 0"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = NEW.search_key);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < OLD.rowid) BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed, title, body, category)"
  "    SELECT OLD.search_key, 1, OLD.title, OLD.body, OLD.category"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = OLD.search_key);"
  "END;"
  /* a new date or id moves the message to a new key: the old one goes
   * out of the index, the new one comes in */
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF title, body, category, created_at, id"
  "  ON messages WHEN (OLD.title, OLD.body, OLD.category, OLD.search_key)"
  "  IS NOT (NEW.title, NEW.body, NEW.category, NEW.search_key)"
  "   AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
  "                   AND CAST (value AS INTEGER) < OLD.rowid) BEGIN"
  "  INSERT INTO messages_fts_pending (rid, indexed, title, body, category)"
  "    SELECT OLD.search_key, 1, OLD.title, OLD.body, OLD.category"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = OLD.search_key);"
  "  INSERT INTO messages_fts_pending (rid, indexed) SELECT NEW.search_key, 0"
  "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = NEW.search_key);"
  "END;",
};
#define MIGRATION_MESSAGES_FTS 7
#define MIGRATION_DEFERRED_INDEX 10

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == KOUAN_STORE_SCHEMA_VERSION + 1);

void
kouan_mutation_free (KouanMutation *mutation)
{
  if (mutation == NULL)
    return;
  g_free (mutation->id);
  g_free (mutation->collection);
  g_free (mutation->op);
  g_clear_pointer (&mutation->fields, json_object_unref);
  g_free (mutation);
}

/* Statements */

gboolean
kouan_store_set_sql_error (GError     **error,
                           sqlite3     *db,
                           int          rc,
                           const char  *what)
{
  int primary = rc & 0xff;
  KouanStoreError code = KOUAN_STORE_ERROR_SQL;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    code = KOUAN_STORE_ERROR_CORRUPT;
  else if (primary == SQLITE_CANTOPEN || primary == SQLITE_PERM ||
           primary == SQLITE_READONLY || primary == SQLITE_FULL)
    code = KOUAN_STORE_ERROR_OPEN;

  g_set_error (error, KOUAN_STORE_ERROR, code, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

/* The cache of prepared statements is SQLite's own list of them: a
 * statement with the same text that nobody is stepping is reused. The
 * list stays short (one entry per distinct query), so the scan is cheap
 * next to executing the statement. */
/* Statements prepared by kouan_statement_get(), the ones the store
 * finalizes when it closes. SQLite's list of a connection's statements
 * also holds those of virtual tables (FTS5 keeps its own prepared), which
 * their module finalizes when sqlite3_close() disconnects it: finalizing
 * those first would free them twice. */
static GMutex      own_statements_lock;
static GHashTable *own_statements;

KouanStatement *
kouan_statement_get (sqlite3     *db,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  while ((stmt = sqlite3_next_stmt (db, stmt)) != NULL)
    {
      if (!sqlite3_stmt_busy (stmt) && strcmp (sqlite3_sql (stmt), sql) == 0)
        return stmt;
    }

  rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_debug ("Cannot prepare %s", sql);
      kouan_store_set_sql_error (error, db, rc, "Cannot prepare a query");
      return NULL;
    }

  g_mutex_lock (&own_statements_lock);
  if (own_statements == NULL)
    own_statements = g_hash_table_new (NULL, NULL);
  g_hash_table_add (own_statements, stmt);
  g_mutex_unlock (&own_statements_lock);

  return stmt;
}

void
kouan_statement_release (KouanStatement *stmt)
{
  /* Resetting ends the statement's read transaction; a statement left
   * mid-way would pin the WAL and keep an implicit transaction open. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
kouan_statement_run (KouanStatement  *stmt,
                     GError         **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return kouan_store_set_sql_error (error, sqlite3_db_handle (stmt), rc, "Cannot write to the cache");
}

gboolean
kouan_statement_run_for_record (sqlite3     *db,
                                const char  *sql,
                                gint64       enterprise_id,
                                gint64       id,
                                GError     **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, id);
  return kouan_statement_run (stmt, error);
}

static gboolean
store_exec (KouanStore  *self,
            const char  *sql,
            GError     **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (self->db, sql, error);

  return stmt != NULL && kouan_statement_run (stmt, error);
}

gboolean
_kouan_store_begin (KouanStore  *self,
                    GError     **error)
{
  /* IMMEDIATE takes the write lock up front, so a transaction never fails
   * half-way because another connection started writing. */
  return store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
_kouan_store_begin_read (KouanStore  *self,
                         GError     **error)
{
  /* One read transaction for a batch of queries: one snapshot, and one
   * round of WAL read locks instead of one per statement. */
  return store_exec (self, "BEGIN DEFERRED", error);
}

gboolean
_kouan_store_commit (KouanStore  *self,
                     GError     **error)
{
  /* Every writer commits through here, so the search index is exact at
   * every commit whatever wrote the articles (a pulled page, an ack). The
   * queue exists from schema 5 on; migrations before it commit without. */
  if (self->schema_version >= 5 && !sqlite3_get_autocommit (self->db) &&
      !_kouan_store_index_risk_articles (self->db, error))
    return FALSE;
  if (self->schema_version >= MIGRATION_MESSAGES_FTS && !sqlite3_get_autocommit (self->db) &&
      !_kouan_store_index_messages (self->db, error))
    return FALSE;
  if (!store_exec (self, "COMMIT", error))
    return FALSE;

  g_mutex_lock (&self->signal_lock);
  self->committed_deletions = self->message_deletions;
  g_mutex_unlock (&self->signal_lock);
  return TRUE;
}

guint64
_kouan_store_committed_deletions (KouanStore *self)
{
  guint64 deletions;

  g_mutex_lock (&self->signal_lock);
  deletions = self->committed_deletions;
  g_mutex_unlock (&self->signal_lock);
  return deletions;
}

sqlite3 *
_kouan_store_read_begin (KouanStore *self)
{
  if (self->read_db != NULL && g_thread_self () == self->owner)
    {
      g_mutex_lock (&self->read_lock);
      return self->read_db;
    }
  g_mutex_lock (&self->lock);
  return self->db;
}

void
_kouan_store_read_end (KouanStore *self,
                       sqlite3    *db)
{
  g_mutex_unlock (db == self->read_db ? &self->read_lock : &self->lock);
}

gboolean
_kouan_store_read_transaction (sqlite3     *db,
                               const char  *sql,
                               GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;

  /* A ROLLBACK with no transaction open (after a failed BEGIN) is fine. */
  if (g_str_equal (sql, "ROLLBACK") && sqlite3_get_autocommit (db))
    return TRUE;
  stmt = kouan_statement_get (db, sql, error);
  return stmt != NULL && kouan_statement_run (stmt, error);
}

void
_kouan_store_rollback (KouanStore *self)
{
  g_autoptr(GError) error = NULL;

  if (sqlite3_get_autocommit (self->db))
    return;
  if (!store_exec (self, "ROLLBACK", &error))
    g_warning ("Cannot roll back a cache transaction: %s", error->message);
}

/* Signals */

typedef struct {
  KouanStore *store;
  char       *key;
  char       *collection;
  gint64      enterprise_id;
} PendingChange;

static void
pending_change_free (gpointer data)
{
  PendingChange *pending = data;

  g_object_unref (pending->store);
  g_free (pending->key);
  g_free (pending->collection);
  g_free (pending);
}

static gboolean
emit_changed_cb (gpointer data)
{
  PendingChange *pending = data;
  KouanStore *self = pending->store;

  /* Forget the key before emitting: a page applied while handlers run
   * schedules a new emission instead of being folded into this one. */
  g_mutex_lock (&self->signal_lock);
  g_hash_table_remove (self->pending_changes, pending->key);
  g_mutex_unlock (&self->signal_lock);

  g_signal_emit (self, signals[CHANGED], 0, pending->collection, pending->enterprise_id);
  return G_SOURCE_REMOVE;
}

static void
attach_idle (KouanStore     *self,
             GSourceFunc     func,
             gpointer        data,
             GDestroyNotify  notify)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  /* Ahead of GTK's layout and drawing, so a list updates in the very
   * next frame. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[kouan] store signal");
  g_source_attach (source, self->context);
}

/* Never called with self->lock held: handlers read the store. */
void
_kouan_store_emit_changed (KouanStore *self,
                           const char *collection,
                           gint64      enterprise_id)
{
  PendingChange *pending;
  g_autofree char *key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, collection, enterprise_id);

  g_mutex_lock (&self->signal_lock);
  if (g_hash_table_contains (self->pending_changes, key))
    {
      g_mutex_unlock (&self->signal_lock);
      return;
    }
  g_hash_table_add (self->pending_changes, g_strdup (key));
  g_mutex_unlock (&self->signal_lock);

  pending = g_new0 (PendingChange, 1);
  pending->store = g_object_ref (self);
  pending->key = g_steal_pointer (&key);
  pending->collection = g_strdup (collection);
  pending->enterprise_id = enterprise_id;
  attach_idle (self, emit_changed_cb, pending, pending_change_free);
}

static gboolean
emit_outbox_changed_cb (gpointer data)
{
  KouanStore *self = data;

  g_mutex_lock (&self->signal_lock);
  self->pending_outbox = FALSE;
  g_mutex_unlock (&self->signal_lock);

  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

void
_kouan_store_emit_outbox_changed (KouanStore *self)
{
  gboolean already;

  g_mutex_lock (&self->signal_lock);
  already = self->pending_outbox;
  self->pending_outbox = TRUE;
  g_mutex_unlock (&self->signal_lock);

  if (!already)
    attach_idle (self, emit_outbox_changed_cb, g_object_ref (self), g_object_unref);
}

static gboolean
emit_outbox_state_changed_cb (gpointer data)
{
  g_signal_emit (data, signals[OUTBOX_STATE_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

/* Rare (twice per pushed batch): not coalesced. */
void
_kouan_store_emit_outbox_state_changed (KouanStore *self)
{
  attach_idle (self, emit_outbox_state_changed_cb, g_object_ref (self), g_object_unref);
}

/* The read-only connection, from any thread (see KouanStore::read_db) */

sqlite3 *
_kouan_store_acquire_reader (KouanStore *self)
{
  if (self->read_db != NULL)
    {
      g_mutex_lock (&self->read_lock);
      return self->read_db;
    }
  g_mutex_lock (&self->lock);
  return self->db;
}

void
_kouan_store_release_reader (KouanStore *self,
                             sqlite3    *db)
{
  _kouan_store_read_end (self, db);
}

/* GObject */

/* Finalizes the statements kouan_statement_get() prepared on @db, then
 * closes it. */
static void
close_connection (sqlite3 *db)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new ();

  if (db == NULL)
    return;

  for (sqlite3_stmt *stmt = sqlite3_next_stmt (db, NULL); stmt != NULL;
       stmt = sqlite3_next_stmt (db, stmt))
    g_ptr_array_add (statements, stmt);
  g_mutex_lock (&own_statements_lock);
  for (guint i = 0; i < statements->len; i++)
    if (own_statements != NULL && g_hash_table_remove (own_statements, statements->pdata[i]))
      sqlite3_finalize (statements->pdata[i]);
  g_mutex_unlock (&own_statements_lock);
  if (sqlite3_close (db) != SQLITE_OK)
    g_warning ("Cannot close the cache: %s", sqlite3_errmsg (db));
}

static void
kouan_store_finalize (GObject *object)
{
  KouanStore *self = KOUAN_STORE (object);

  /* a build left for later stops between two chunks; the next open
   * carries on from its mark */
  if (self->index_thread != NULL)
    {
      g_cancellable_cancel (self->index_cancellable);
      g_thread_join (g_steal_pointer (&self->index_thread));
    }
  g_clear_object (&self->index_cancellable);

  /* the reader first: the last connection to close checkpoints the WAL */
  if (self->read_db != NULL)
    close_connection (self->read_db);
  if (self->db != NULL)
    close_connection (self->db);

  g_free (self->path);
  g_clear_pointer (&self->pending_changes, g_hash_table_unref);
  g_clear_pointer (&self->message_counts, g_hash_table_unref);
  g_clear_pointer (&self->pending_counts, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->read_lock);
  g_mutex_clear (&self->signal_lock);

  G_OBJECT_CLASS (kouan_store_parent_class)->finalize (object);
}

static void
kouan_store_class_init (KouanStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kouan_store_finalize;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
  signals[OUTBOX_CHANGED] =
    g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[OUTBOX_STATE_CHANGED] =
    g_signal_new ("outbox-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
kouan_store_init (KouanStore *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->read_lock);
  g_mutex_init (&self->signal_lock);
  self->owner = g_thread_self ();
  self->pending_changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->message_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->context = g_main_context_ref_thread_default ();
}

/* Opening */

/* SQL function kouan_next_rev(): a number larger than any revision in
 * the cache. Usually the clock in microseconds, so a second process on
 * the same file (rare) still tends to move forward too. */
static void
next_rev_func (sqlite3_context  *context,
               int               argc,
               sqlite3_value   **argv)
{
  KouanStore *self = sqlite3_user_data (context);

  self->last_rev = MAX (self->last_rev + 1, g_get_real_time ());
  sqlite3_result_int64 (context, self->last_rev);
}

/* Lets list models notice deleted rows, which no revision can show. A
 * rolled back delete also counts: that only costs a full re-list. */
static void
update_hook (void          *data,
             int            op,
             const char    *database,
             const char    *table,
             sqlite3_int64  rowid)
{
  KouanStore *self = data;

  if (op == SQLITE_DELETE && g_str_equal (table, "messages"))
    self->message_deletions++;
}

/* SQL function kouan_note_message_moved(), called by a temporary trigger
 * when a message's date changes: list models find rows by their place in
 * the order (date, id), so a row that moved counts as a deletion (a full
 * re-list, which is rare: the server does not redate messages). */
static void
note_message_moved_func (sqlite3_context  *context,
                         int               argc,
                         sqlite3_value   **argv)
{
  KouanStore *self = sqlite3_user_data (context);

  self->message_deletions++;
  sqlite3_result_null (context);
}

/* The read-only connection (see KouanStore::read_db). Only in WAL mode
 * does it see committed data while the writer holds its transaction, so
 * a cache in another journal mode has none and reads use the writer. */
static gboolean
open_reader (KouanStore  *self,
             GError     **error)
{
  int rc = sqlite3_open_v2 (self->path, &self->read_db, SQLITE_OPEN_READWRITE, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_OPEN,
                   "Cannot open the cache %s for reading: %s", self->path,
                   self->read_db != NULL ? sqlite3_errmsg (self->read_db) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_extended_result_codes (self->read_db, 1);
  sqlite3_busy_timeout (self->read_db, BUSY_TIMEOUT_MS);

  /* query_only: this connection can never write by mistake. The search
   * reads the FTS index and the covering index page by page: mapping the
   * file saves copying each page into the cache. */
  rc = sqlite3_exec (self->read_db,
                     "PRAGMA query_only = ON; PRAGMA cache_size = -4096;"
                     " PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return kouan_store_set_sql_error (error, self->read_db, rc, "Cannot set up the cache");
  return kouan_cjk_tokenizer_register (self->read_db, error);
}

gboolean
_kouan_store_query_int (KouanStore  *self,
                        const char  *sql,
                        gint64      *out,
                        GError     **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (self->db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return kouan_store_set_sql_error (error, self->db, rc, "Cannot read the cache");
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
store_migrate (KouanStore  *self,
               GError     **error)
{
  for (int version = self->schema_version + 1; version <= KOUAN_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version);
      char *message = NULL;
      int rc;

      if (!_kouan_store_begin (self, error))
        return FALSE;

      rc = sqlite3_exec (self->db, migrations[version], NULL, NULL, &message);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (self->db, set_version, NULL, NULL, &message);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_SQL,
                       "Cannot upgrade the cache to version %d: %s", version, message);
          sqlite3_free (message);
          _kouan_store_rollback (self);
          return FALSE;
        }

      if (!_kouan_store_commit (self, error))
        {
          _kouan_store_rollback (self);
          return FALSE;
        }
      self->schema_version = version;
      g_debug ("Cache %s upgraded to schema version %d", self->path, version);
    }

  return TRUE;
}

static gboolean
store_setup (KouanStore  *self,
             GError     **error)
{
  g_autoptr(KouanStatement) journal = NULL;
  gint64 version;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_OPEN,
                   "Cannot open the cache %s: %s", self->path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* Reading the header first: a file that is not a database fails here,
   * before anything could write to it. */
  if (!_kouan_store_query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;
  if (version > KOUAN_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_TOO_NEW,
                   "The cache %s was written by a newer version of Kouan (schema %"
                   G_GINT64_FORMAT ", this version knows %d)",
                   self->path, version, KOUAN_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  self->schema_version = (int) version;

  journal = kouan_statement_get (self->db, "PRAGMA journal_mode = WAL", error);
  if (journal == NULL)
    return FALSE;
  rc = sqlite3_step (journal);
  if (rc != SQLITE_ROW)
    return kouan_store_set_sql_error (error, self->db, rc, "Cannot switch the cache to WAL");
  self->wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (journal, 0), "wal") == 0;
  if (!self->wal)
    g_debug ("Cache %s stays in journal mode %s", self->path, sqlite3_column_text (journal, 0));
  g_clear_pointer (&journal, kouan_statement_release);

  /* NORMAL is crash-safe in WAL mode: a killed process loses nothing that
   * was committed; only a power cut may drop the last transactions, and
   * rows and their cursor always go together. */
  if (!store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !store_exec (self, "PRAGMA synchronous = NORMAL", error) ||
      !store_exec (self, "PRAGMA cache_size = -8192", error))
    return FALSE;

  rc = sqlite3_create_function_v2 (self->db, "kouan_next_rev", 0, SQLITE_UTF8, self,
                                   next_rev_func, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return kouan_store_set_sql_error (error, self->db, rc, "Cannot set up the cache");
  sqlite3_update_hook (self->db, update_hook, self);
  rc = sqlite3_create_function_v2 (self->db, "kouan_note_message_moved", 0, SQLITE_UTF8, self,
                                   note_message_moved_func, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return kouan_store_set_sql_error (error, self->db, rc, "Cannot set up the cache");

  /* the risk search's index needs its tokenizer on every connection,
   * before a migration may create the index */
  if (!kouan_cjk_tokenizer_register (self->db, error))
    return FALSE;
  if (!store_migrate (self, error))
    return FALSE;

  /* Temporary: it lives on this connection only and needs no migration.
   * Pulls rewrite rows with an upsert; only a changed date or severity
   * (a row's place in a sorted list) fires it. */
  if (!store_exec (self,
        "CREATE TEMP TRIGGER messages_moved AFTER UPDATE OF created_at, severity_rank"
        " ON main.messages"
        " WHEN OLD.created_at IS NOT NEW.created_at OR OLD.severity_rank IS NOT NEW.severity_rank"
        " BEGIN SELECT kouan_note_message_moved (); END", error) ||
      !_kouan_store_setup_counts (self, error))
    return FALSE;

  if (self->wal && !open_reader (self, error))
    return FALSE;

  /* Revisions continue from the highest one stored, so they keep growing
   * even if the clock was set back since the last run. One index probe
   * per enterprise. */
  return _kouan_store_query_int (self,
    "SELECT coalesce (max (rev), 0) FROM (SELECT (SELECT max (rev) FROM messages"
    " WHERE enterprise_id = enterprises.id) AS rev FROM enterprises)",
    &self->last_rev, error);
}

/* Search indexes built after a first sync (schema MIGRATION_DEFERRED_INDEX) */

typedef struct {
  const char *key;        /* meta key: the highest rowid the index holds */
  const char *defer_sql;
  const char *next_sql;   /* the last rowid of the next chunk */
  const char *index_sql;  /* indexes the rows in (?1, ?2] */
} SearchIndex;

static const SearchIndex search_indexes[] = {
  { "risk_articles_fts_built_to",
    "INSERT OR IGNORE INTO meta (key, value)"
    " SELECT 'risk_articles_fts_built_to', coalesce (max (id), 0) FROM risk_articles",
    "SELECT max (id) FROM (SELECT id FROM risk_articles WHERE id > ?1 ORDER BY id LIMIT ?2)",
    "INSERT INTO risk_articles_fts (rowid, title, body)"
    " SELECT id, title, body FROM risk_articles WHERE id > ?1 AND id <= ?2" },
  { "messages_fts_built_to",
    "INSERT OR IGNORE INTO meta (key, value)"
    " SELECT 'messages_fts_built_to', coalesce (max (rowid), 0) FROM messages",
    "SELECT max (rowid) FROM (SELECT rowid FROM messages WHERE rowid > ?1 ORDER BY rowid LIMIT ?2)",
    "INSERT INTO messages_fts (rowid, title, body, category)"
    " SELECT search_key, title, body, category FROM messages WHERE rowid > ?1 AND rowid <= ?2" },
};

/* Rows indexed per transaction while building: about what a page of the
 * change feed writes, so a writer on the main thread (marking a message
 * read) waits no longer for a chunk than for a page. */
#define BUILD_CHUNK_ROWS 1000

gboolean
kouan_store_defer_search_index (KouanStore  *self,
                                GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->schema_version < MIGRATION_DEFERRED_INDEX)
    return TRUE;

  /* Its own transaction, committed before any row goes unindexed: a cache
   * that holds unindexed rows always says so. An index already deferred
   * keeps its mark. */
  g_mutex_lock (&self->lock);
  ok = _kouan_store_begin (self, error);
  for (guint i = 0; ok && i < G_N_ELEMENTS (search_indexes); i++)
    ok = store_exec (self, search_indexes[i].defer_sql, error);
  if (ok)
    ok = _kouan_store_commit (self, error);
  if (!ok)
    _kouan_store_rollback (self);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* One chunk of one index in one transaction, self->lock held. Sets
 * *done when the index holds every row (and no longer has its key). */
static gboolean
build_chunk_locked (KouanStore         *self,
                    const SearchIndex  *index,
                    gboolean           *done,
                    GError            **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gint64 built_to, next_to;
  gboolean have_next;
  int rc;

  *done = FALSE;
  stmt = kouan_statement_get (self->db, "SELECT CAST (value AS INTEGER) FROM meta WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, index->key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      *done = TRUE;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    return kouan_store_set_sql_error (error, self->db, rc, "Cannot read the cache");
  built_to = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, kouan_statement_release);

  stmt = kouan_statement_get (self->db, index->next_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, built_to);
  sqlite3_bind_int64 (stmt, 2, BUILD_CHUNK_ROWS);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return kouan_store_set_sql_error (error, self->db, rc, "Cannot read the cache");
  have_next = sqlite3_column_type (stmt, 0) != SQLITE_NULL;
  next_to = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, kouan_statement_release);

  if (have_next)
    {
      stmt = kouan_statement_get (self->db, index->index_sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, built_to);
      sqlite3_bind_int64 (stmt, 2, next_to);
      if (!kouan_statement_run (stmt, error))
        return FALSE;
      g_clear_pointer (&stmt, kouan_statement_release);

      stmt = kouan_statement_get (self->db, "UPDATE meta SET value = ?2 WHERE key = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, index->key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, next_to);
      return kouan_statement_run (stmt, error);
    }

  /* nothing above the mark: the index is complete, and from this commit
   * on the triggers queue every row again */
  stmt = kouan_statement_get (self->db, "DELETE FROM meta WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, index->key, -1, SQLITE_STATIC);
  *done = TRUE;
  return kouan_statement_run (stmt, error);
}

gboolean
kouan_store_build_search_index (KouanStore    *self,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->schema_version < MIGRATION_DEFERRED_INDEX)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (search_indexes); i++)
    {
      gboolean done = FALSE;

      while (!done)
        {
          gboolean ok;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          /* the lock is let go between chunks: other writers (a page, a
           * message marked read) get their turn */
          g_mutex_lock (&self->lock);
          ok = _kouan_store_begin (self, error) &&
               build_chunk_locked (self, &search_indexes[i], &done, error) &&
               _kouan_store_commit (self, error);
          if (!ok)
            _kouan_store_rollback (self);
          g_mutex_unlock (&self->lock);
          if (!ok)
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
kouan_store_search_index_complete (KouanStore *self)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean complete = TRUE;
  sqlite3 *db;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);

  if (self->schema_version < MIGRATION_DEFERRED_INDEX)
    return TRUE;

  db = _kouan_store_acquire_reader (self);
  stmt = kouan_statement_get (db,
    "SELECT EXISTS (SELECT 1 FROM meta"
    " WHERE key IN ('risk_articles_fts_built_to', 'messages_fts_built_to'))", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    complete = sqlite3_column_int (stmt, 0) == 0;
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_release_reader (self, db);
  return complete;
}

/* A cache opened with an index left deferred (the process ended during a
 * first sync) finishes it on a thread of its own; searches stay exact
 * meanwhile. */
static gpointer
repair_thread (gpointer data)
{
  KouanStore *self = data;   /* finalize joins this thread first */
  g_autoptr(GError) error = NULL;

  if (!kouan_store_build_search_index (self, self->index_cancellable, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot build the search index of %s: %s", self->path, error->message);
    }
  else
    g_debug ("Search index of %s built", self->path);
  return NULL;
}

/**
 * kouan_store_open:
 * @path: the database file; created when missing
 *
 * Opens the cache and upgrades its schema. Signals of the returned store
 * are emitted on the calling thread's default main context.
 *
 * Returns: (transfer full): the store, or %NULL with a KOUAN_STORE_ERROR
 */
KouanStore *
kouan_store_open (const char  *path,
                  GError     **error)
{
  g_autoptr(KouanStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (KOUAN_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!store_setup (self, error))
    return NULL;

  if (!kouan_store_search_index_complete (self))
    {
      self->index_cancellable = g_cancellable_new ();
      self->index_thread = g_thread_new ("kouan-search-index", repair_thread, self);
    }

  return g_steal_pointer (&self);
}

char *
kouan_store_default_path (const char *server_url,
                          const char *account)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *host_port = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    {
      if (g_uri_get_port (uri) > 0)
        host_port = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
      else
        host_port = g_strdup (g_uri_get_host (uri));
    }
  else
    host_port = g_strdup (server_url);

  /* Only characters that are safe in a file name on every platform. */
  name = g_strdup_printf ("%s@%s", account, host_port);
  for (char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("-_.@", *p) == NULL)
        *p = '_';
    }

  dir = g_build_filename (g_get_user_data_dir (), "kouan", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_debug ("Cannot create %s: %s", dir, g_strerror (errno));

  file = g_strconcat (name, ".db", NULL);
  return g_build_filename (dir, file, NULL);
}

int
kouan_store_get_schema_version (KouanStore *self)
{
  g_return_val_if_fail (KOUAN_IS_STORE (self), 0);
  return self->schema_version;
}

sqlite3 *
kouan_store_get_db (KouanStore *self)
{
  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  return self->db;
}

/* Cursors */

static gint64
cursor_locked (sqlite3 *db,
               gint64   enterprise_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStatement) stmt = NULL;

  stmt = kouan_statement_get (db, "SELECT cursor FROM cursors WHERE enterprise_id = ?1", &error);
  if (stmt == NULL)
    {
      g_warning ("Cannot read the sync cursor: %s", error->message);
      return 0;
    }
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return 0;
}

gint64
kouan_store_get_cursor (KouanStore *self,
                        gint64      enterprise_id)
{
  gint64 cursor;
  sqlite3 *db;

  g_return_val_if_fail (KOUAN_IS_STORE (self), 0);

  db = _kouan_store_read_begin (self);
  cursor = cursor_locked (db, enterprise_id);
  _kouan_store_read_end (self, db);

  return cursor;
}

/* Outbox replay */

/* Re-applies the queued edits of an enterprise (optionally of one record)
 * on top of rows just written from the server. An edit that no longer
 * applies (its row was deleted) is left for the server to refuse. */
gboolean
_kouan_store_replay_outbox_locked (KouanStore  *self,
                                   gint64       enterprise_id,
                                   const char  *collection,
                                   gint64       record_id,
                                   GPtrArray   *touched,
                                   GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  int rc;

  if (collection == NULL)
    {
      stmt = kouan_statement_get (self->db,
        "SELECT collection, op, record_id, fields FROM outbox"
        " WHERE enterprise_id = ?1 AND state IN ('queued', 'sending') ORDER BY seq", error);
    }
  else
    {
      stmt = kouan_statement_get (self->db,
        "SELECT collection, op, record_id, fields FROM outbox"
        " WHERE enterprise_id = ?1 AND collection = ?2 AND record_id = ?3"
        "   AND state IN ('queued', 'sending') ORDER BY seq", error);
    }
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  if (collection != NULL)
    {
      sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, record_id);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const KouanCollection *coll = kouan_collection_lookup (name);
      g_autoptr(JsonObject) fields = NULL;
      g_autoptr(GError) local_error = NULL;

      if (coll == NULL)
        continue;

      fields = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 3), -1, &local_error);
      if (fields == NULL ||
          !coll->apply_local (self->db, enterprise_id, (const char *) sqlite3_column_text (stmt, 1),
                              sqlite3_column_int64 (stmt, 2), fields, &local_error))
        {
          g_debug ("Queued edit of %s %" G_GINT64_FORMAT " no longer applies: %s",
                   name, (gint64) sqlite3_column_int64 (stmt, 2), local_error->message);
          continue;
        }

      if (touched != NULL && !g_ptr_array_find (touched, coll->name, NULL))
        g_ptr_array_add (touched, (gpointer) coll->name);
    }

  if (rc != SQLITE_DONE)
    return kouan_store_set_sql_error (error, self->db, rc, "Cannot read the outbox");

  return TRUE;
}

static gboolean
apply_page_locked (KouanStore       *self,
                   KouanChangePage  *page,
                   GPtrArray        *touched,
                   GError          **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  guint n_changes = page->changes != NULL ? page->changes->len : 0;

  /* The first page of a feed may bring the enterprise's own record after
   * its messages: rows must point at a known enterprise only by COMMIT. */
  if (!store_exec (self, "PRAGMA defer_foreign_keys = ON", error))
    return FALSE;

  for (guint i = 0; i < n_changes; i++)
    {
      KouanChange *change = g_ptr_array_index (page->changes, i);
      const KouanCollection *coll = kouan_collection_lookup (change->collection);

      if (coll == NULL)
        {
          /* A newer server may sync collections this version does not have. */
          g_debug ("Skipping change %" G_GINT64_FORMAT " of unknown collection %s",
                   change->seq, change->collection);
          continue;
        }

      if (change->deleted)
        {
          if (!coll->remove (self->db, page->enterprise_id, change->id, error))
            return FALSE;
        }
      else if (change->record == NULL)
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                       "Change %" G_GINT64_FORMAT " of %s has no record",
                       change->seq, change->collection);
          return FALSE;
        }
      else if (!coll->upsert (self->db, page->enterprise_id, change->id, change->record, error))
        {
          return FALSE;
        }

      if (!g_ptr_array_find (touched, coll->name, NULL))
        g_ptr_array_add (touched, (gpointer) coll->name);
    }

  stmt = kouan_statement_get (self->db,
    "INSERT INTO cursors (enterprise_id, cursor) VALUES (?1, ?2)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET cursor = excluded.cursor", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, page->enterprise_id);
  sqlite3_bind_int64 (stmt, 2, page->cursor);
  if (!kouan_statement_run (stmt, error))
    return FALSE;

  /* Pending local edits win over what the server said before it saw them. */
  if (touched->len > 0 &&
      !_kouan_store_replay_outbox_locked (self, page->enterprise_id, NULL, 0, touched, error))
    return FALSE;

  return TRUE;
}

gboolean
kouan_store_apply_page (KouanStore       *self,
                        KouanChangePage  *page,
                        GError          **error)
{
  g_autoptr(GPtrArray) touched = g_ptr_array_new ();
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (page != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = _kouan_store_begin (self, error);
  if (ok)
    ok = apply_page_locked (self, page, touched, error);
  if (ok)
    {
      g_autoptr(GError) local_error = NULL;

      ok = _kouan_store_commit (self, &local_error);
      if (!ok && sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                     "Enterprise %" G_GINT64_FORMAT " is not in the cache", page->enterprise_id);
      else if (!ok)
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  if (!ok)
    _kouan_store_rollback (self);
  g_mutex_unlock (&self->lock);

  if (!ok)
    return FALSE;

  for (guint i = 0; i < touched->len; i++)
    _kouan_store_emit_changed (self, g_ptr_array_index (touched, i), page->enterprise_id);

  return TRUE;
}

/* Meta */

char *
kouan_store_get_meta (KouanStore *self,
                      const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  char *value = NULL;
  sqlite3 *db;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db, "SELECT value FROM meta WHERE key = ?1", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);

  if (error != NULL)
    g_warning ("Cannot read setting %s: %s", key, error->message);
  return value;
}

gboolean
kouan_store_set_meta (KouanStore  *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (value != NULL)
    stmt = kouan_statement_get (self->db,
      "INSERT INTO meta (key, value) VALUES (?1, ?2)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  else
    stmt = kouan_statement_get (self->db, "DELETE FROM meta WHERE key = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (value != NULL)
        sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      ok = kouan_statement_run (stmt, error);
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);

  return ok;
}
