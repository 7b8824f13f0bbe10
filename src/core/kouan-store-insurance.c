/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-cjk-tokenizer.h"
#include "kouan-json.h"
#include "kouan-store-insurance.h"
#include "kouan-store-private.h"

/* Policies and claims are cached as the server's record (JSON) plus the
 * columns the shortcuts count on; a local edit updates both. Categories
 * and articles are plain columns; articles are shared by every enterprise
 * of the cache (the server publishes one set for all) and indexed by
 * risk_articles_fts, an external-content FTS5 table brought up to date
 * once per transaction (_kouan_store_index_risk_articles, below). */

static gboolean
invalid_record (GError     **error,
                const char  *collection,
                gint64       id,
                GError      *cause)
{
  g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
               "Record %" G_GINT64_FORMAT " of \"%s\" is invalid: %s",
               id, collection, cause != NULL ? cause->message : "unknown");
  return FALSE;
}

static gboolean
check_id (GError     **error,
          const char  *collection,
          gint64       id,
          gint64       record_id)
{
  if (id == record_id)
    return TRUE;
  g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
               "Change for %s %" G_GINT64_FORMAT " carries record %" G_GINT64_FORMAT,
               collection, id, record_id);
  return FALSE;
}

/* ---- policies ------------------------------------------------------ */

static gboolean
policies_upsert (sqlite3     *db,
                 gint64       enterprise_id,
                 gint64       id,
                 JsonObject  *record,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KouanPolicy) policy = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  g_autofree char *text = NULL;

  policy = kouan_policy_new_from_json (record, enterprise_id, &local_error);
  if (policy == NULL)
    return invalid_record (error, "insurance_policies", id, local_error);
  if (!check_id (error, "insurance_policies", id, policy->id))
    return FALSE;

  text = kouan_json_object_to_string (record);
  stmt = kouan_statement_get (db,
    "INSERT INTO insurance_policies (enterprise_id, id, status, notice_read, record)"
    " VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (enterprise_id, id) DO UPDATE SET status = excluded.status,"
    "  notice_read = excluded.notice_read, record = excluded.record"
    " WHERE record IS NOT excluded.record", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_text (stmt, 3, policy->status, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, policy->notice_read);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
policies_remove (sqlite3  *db,
                 gint64    enterprise_id,
                 gint64    id,
                 GError  **error)
{
  return kouan_statement_run_for_record (db, "DELETE FROM insurance_policies WHERE enterprise_id = ?1 AND id = ?2",
                                         enterprise_id, id, error);
}

static KouanPolicy *
policy_from_row (sqlite3_stmt  *stmt,
                 int            column,
                 gint64         enterprise_id,
                 GError       **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GError) local_error = NULL;
  KouanPolicy *policy;

  record = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, column), -1, &local_error);
  policy = record != NULL ? kouan_policy_new_from_json (record, enterprise_id, &local_error) : NULL;
  if (policy == NULL)
    invalid_record (error, "insurance_policies", 0, local_error);
  return policy;
}

/* The enterprise's own edits, checked like the server checks them
 * (docs/api.md): confirm or return a pending policy, read its notice. */
static gboolean
policies_apply_local (sqlite3     *db,
                      gint64       enterprise_id,
                      const char  *op,
                      gint64       record_id,
                      JsonObject  *fields,
                      GError     **error)
{
  g_autoptr(KouanStatement) select = NULL;
  g_autoptr(KouanStatement) update = NULL;
  g_autoptr(KouanPolicy) current = NULL;
  g_autoptr(GList) members = NULL;
  const char *status = NULL, *comment = NULL;
  gboolean notice_read;
  int rc;

  if (g_strcmp0 (op, "update") != 0)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Policies cannot be edited with \"%s\"", op);
      return FALSE;
    }

  select = kouan_statement_get (db,
    "SELECT record FROM insurance_policies WHERE enterprise_id = ?1 AND id = ?2", error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_int64 (select, 1, enterprise_id);
  sqlite3_bind_int64 (select, 2, record_id);
  rc = sqlite3_step (select);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                   "Policy %" G_GINT64_FORMAT " is not in the cache", record_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return kouan_store_set_sql_error (error, db, rc, "Cannot read a policy");
  current = policy_from_row (select, 0, enterprise_id, error);
  if (current == NULL)
    return FALSE;
  g_clear_pointer (&select, kouan_statement_release);
  notice_read = current->notice_read;

  members = fields != NULL ? json_object_get_members (fields) : NULL;
  if (members == NULL)
    {
      g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                           "A policy update needs \"status\" or \"notice_read\"");
      return FALSE;
    }
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      if (g_str_equal (name, "status"))
        ok = kouan_json_get_string (fields, name, &status, &local_error);
      else if (g_str_equal (name, "comment"))
        ok = kouan_json_get_string (fields, name, &comment, &local_error);
      else if (g_str_equal (name, "notice_read"))
        ok = kouan_json_get_bool (fields, name, &notice_read, &local_error);
      else
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                       "\"%s\" of a policy is not editable", name);
          return FALSE;
        }
      if (!ok)
        return invalid_record (error, "insurance_policies", record_id, local_error);
    }

  if (status != NULL && g_strcmp0 (status, current->status) != 0)
    {
      if (!kouan_policy_transition_is_valid (current->status, status))
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                       "A policy in status \"%s\" cannot become \"%s\"", current->status, status);
          return FALSE;
        }
      if (g_str_equal (status, "returned"))
        {
          g_autofree char *trimmed = g_strstrip (g_strdup (comment != NULL ? comment : ""));

          if (*trimmed == '\0' || g_utf8_strlen (trimmed, -1) > 500)
            {
              g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                                   "Returning a policy needs a comment of 1–500 characters");
              return FALSE;
            }
        }
      else if (!json_object_has_member (fields, "notice_read"))
        notice_read = FALSE;   /* the effective notice comes with it */
    }
  else if (comment != NULL && g_strcmp0 (status, "returned") != 0)
    {
      g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                           "A comment goes only with returning a pending policy");
      return FALSE;
    }
  if (status == NULL)
    status = current->status;

  update = kouan_statement_get (db,
    "UPDATE insurance_policies SET status = ?3, notice_read = ?4,"
    "  record = json_set (record, '$.status', ?3, '$.notice_read', json (?5),"
    "                     '$.comment', coalesce (?6, json_extract (record, '$.comment')))"
    " WHERE enterprise_id = ?1 AND id = ?2", error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_int64 (update, 1, enterprise_id);
  sqlite3_bind_int64 (update, 2, record_id);
  sqlite3_bind_text (update, 3, status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (update, 4, notice_read);
  sqlite3_bind_text (update, 5, notice_read ? "true" : "false", -1, SQLITE_STATIC);
  if (comment != NULL)
    sqlite3_bind_text (update, 6, comment, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (update, 6);
  return kouan_statement_run (update, error);
}

const KouanCollection kouan_insurance_policies_collection = {
  .name = "insurance_policies",
  .upsert = policies_upsert,
  .remove = policies_remove,
  .apply_local = policies_apply_local,
};

/* ---- claims -------------------------------------------------------- */

static gboolean
claims_upsert (sqlite3     *db,
               gint64       enterprise_id,
               gint64       id,
               JsonObject  *record,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KouanClaim) claim = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  g_autofree char *text = NULL;

  claim = kouan_claim_new_from_json (record, enterprise_id, &local_error);
  if (claim == NULL)
    return invalid_record (error, "insurance_claims", id, local_error);
  if (!check_id (error, "insurance_claims", id, claim->id))
    return FALSE;

  text = kouan_json_object_to_string (record);
  stmt = kouan_statement_get (db,
    "INSERT INTO insurance_claims (enterprise_id, id, status, notice_read, record)"
    " VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (enterprise_id, id) DO UPDATE SET status = excluded.status,"
    "  notice_read = excluded.notice_read, record = excluded.record"
    " WHERE record IS NOT excluded.record", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_text (stmt, 3, claim->status, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, claim->notice_read);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
claims_remove (sqlite3  *db,
               gint64    enterprise_id,
               gint64    id,
               GError  **error)
{
  return kouan_statement_run_for_record (db, "DELETE FROM insurance_claims WHERE enterprise_id = ?1 AND id = ?2",
                                         enterprise_id, id, error);
}

static gboolean
claims_apply_local (sqlite3     *db,
                    gint64       enterprise_id,
                    const char  *op,
                    gint64       record_id,
                    JsonObject  *fields,
                    GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean notice_read;

  if (g_strcmp0 (op, "update") != 0 || fields == NULL || json_object_get_size (fields) != 1 ||
      !json_object_has_member (fields, "notice_read"))
    {
      g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                           "A claim update takes only \"notice_read\"");
      return FALSE;
    }
  if (!kouan_json_get_bool (fields, "notice_read", &notice_read, &local_error))
    return invalid_record (error, "insurance_claims", record_id, local_error);

  stmt = kouan_statement_get (db,
    "UPDATE insurance_claims SET notice_read = ?3,"
    "  record = json_set (record, '$.notice_read', json (?4))"
    " WHERE enterprise_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  sqlite3_bind_int (stmt, 3, notice_read);
  sqlite3_bind_text (stmt, 4, notice_read ? "true" : "false", -1, SQLITE_STATIC);
  if (!kouan_statement_run (stmt, error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                   "Claim %" G_GINT64_FORMAT " is not in the cache", record_id);
      return FALSE;
    }
  return TRUE;
}

const KouanCollection kouan_insurance_claims_collection = {
  .name = "insurance_claims",
  .upsert = claims_upsert,
  .remove = claims_remove,
  .apply_local = claims_apply_local,
};

/* ---- categories ---------------------------------------------------- */

static gboolean
categories_upsert (sqlite3     *db,
                   gint64       enterprise_id,
                   gint64       id,
                   JsonObject  *record,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KouanInsuranceCategory) category = NULL;
  g_autoptr(KouanStatement) stmt = NULL;

  category = kouan_insurance_category_new_from_json (record, enterprise_id, &local_error);
  if (category == NULL)
    return invalid_record (error, "insurance_categories", id, local_error);
  if (!check_id (error, "insurance_categories", id, category->id))
    return FALSE;

  stmt = kouan_statement_get (db,
    "INSERT INTO insurance_categories (enterprise_id, id, name, position, subscribed)"
    " VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (enterprise_id, id) DO UPDATE SET name = excluded.name,"
    "  position = excluded.position, subscribed = excluded.subscribed", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_text (stmt, 3, category->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, category->position);
  sqlite3_bind_int (stmt, 5, category->subscribed);
  return kouan_statement_run (stmt, error);
}

static gboolean
categories_remove (sqlite3  *db,
                   gint64    enterprise_id,
                   gint64    id,
                   GError  **error)
{
  return kouan_statement_run_for_record (db, "DELETE FROM insurance_categories WHERE enterprise_id = ?1 AND id = ?2",
                                         enterprise_id, id, error);
}

static gboolean
categories_apply_local (sqlite3     *db,
                        gint64       enterprise_id,
                        const char  *op,
                        gint64       record_id,
                        JsonObject  *fields,
                        GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean subscribed;

  if (g_strcmp0 (op, "update") != 0 || fields == NULL || json_object_get_size (fields) != 1 ||
      !json_object_has_member (fields, "subscribed"))
    {
      g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                           "A category update takes only \"subscribed\"");
      return FALSE;
    }
  if (!kouan_json_get_bool (fields, "subscribed", &subscribed, &local_error))
    return invalid_record (error, "insurance_categories", record_id, local_error);

  stmt = kouan_statement_get (db,
    "UPDATE insurance_categories SET subscribed = ?3 WHERE enterprise_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  sqlite3_bind_int (stmt, 3, subscribed);
  if (!kouan_statement_run (stmt, error))
    return FALSE;
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                   "Category %" G_GINT64_FORMAT " is not in the cache", record_id);
      return FALSE;
    }
  return TRUE;
}

const KouanCollection kouan_insurance_categories_collection = {
  .name = "insurance_categories",
  .upsert = categories_upsert,
  .remove = categories_remove,
  .apply_local = categories_apply_local,
};

/* ---- risk articles ------------------------------------------------- */

static gboolean
articles_upsert (sqlite3     *db,
                 gint64       enterprise_id,
                 gint64       id,
                 JsonObject  *record,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KouanRiskArticle) article = NULL;
  g_autoptr(KouanStatement) stmt = NULL;

  article = kouan_risk_article_new_from_json (record, &local_error);
  if (article == NULL)
    return invalid_record (error, "risk_articles", id, local_error);
  if (!check_id (error, "risk_articles", id, article->id))
    return FALSE;

  /* Every enterprise's feed carries the same articles: an unchanged one
   * is not written again (nor re-indexed). */
  stmt = kouan_statement_get (db,
    "INSERT INTO risk_articles (id, title, source, published_at, country, industry, category_id, body)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT (id) DO UPDATE SET title = excluded.title, source = excluded.source,"
    "  published_at = excluded.published_at, country = excluded.country,"
    "  industry = excluded.industry, category_id = excluded.category_id, body = excluded.body"
    " WHERE (title, source, published_at, country, industry, category_id, body)"
    "   IS NOT (excluded.title, excluded.source, excluded.published_at, excluded.country,"
    "           excluded.industry, excluded.category_id, excluded.body)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, article->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, article->source, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, article->published_at);
  sqlite3_bind_text (stmt, 5, article->country, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, article->industry, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, article->category_id);
  sqlite3_bind_text (stmt, 8, article->body, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
articles_remove (sqlite3  *db,
                 gint64    enterprise_id,
                 gint64    id,
                 GError  **error)
{
  g_autoptr(KouanStatement) stmt =
    kouan_statement_get (db, "DELETE FROM risk_articles WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return kouan_statement_run (stmt, error);
}

static gboolean
articles_apply_local (sqlite3     *db,
                      gint64       enterprise_id,
                      const char  *op,
                      gint64       record_id,
                      JsonObject  *fields,
                      GError     **error)
{
  g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                       "Risk articles are the insurer's and cannot be edited");
  return FALSE;
}

const KouanCollection kouan_risk_articles_collection = {
  .name = "risk_articles",
  .upsert = articles_upsert,
  .remove = articles_remove,
  .apply_local = articles_apply_local,
};

/* Brings risk_articles_fts up to date with the articles the transaction
 * changed, as noted by the triggers in risk_articles_fts_pending (store
 * migration 5): first the entries the index held for them are taken out,
 * then their current rows are indexed. Two statements for the whole
 * batch, so FTS5 writes one segment per transaction instead of flushing
 * its pending data at every row's statement (docs/performance.md). */
gboolean
_kouan_store_index_risk_articles (sqlite3  *db,
                                  GError  **error)
{
  g_autoptr(KouanStatement) any = NULL;
  g_autoptr(KouanStatement) forget = NULL;
  g_autoptr(KouanStatement) index = NULL;
  g_autoptr(KouanStatement) clear = NULL;
  int rc;

  any = kouan_statement_get (db, "SELECT EXISTS (SELECT 1 FROM risk_articles_fts_pending)", error);
  if (any == NULL)
    return FALSE;
  rc = sqlite3_step (any);
  if (rc != SQLITE_ROW)
    return kouan_store_set_sql_error (error, db, rc, "Cannot read the search index's queue");
  if (sqlite3_column_int (any, 0) == 0)
    return TRUE;
  g_clear_pointer (&any, kouan_statement_release);

  forget = kouan_statement_get (db,
    "INSERT INTO risk_articles_fts (risk_articles_fts, rowid, title, body)"
    " SELECT 'delete', id, title, body FROM risk_articles_fts_pending WHERE indexed = 1", error);
  if (forget == NULL || !kouan_statement_run (forget, error))
    return FALSE;
  index = kouan_statement_get (db,
    "INSERT INTO risk_articles_fts (rowid, title, body)"
    " SELECT a.id, a.title, a.body FROM risk_articles_fts_pending p"
    " JOIN risk_articles a ON a.id = p.id", error);
  if (index == NULL || !kouan_statement_run (index, error))
    return FALSE;
  clear = kouan_statement_get (db, "DELETE FROM risk_articles_fts_pending", error);
  return clear != NULL && kouan_statement_run (clear, error);
}

/* ---- queries ------------------------------------------------------- */

/* Whether policy p has a decision (confirm or return: an edit of its
 * status) the server has not accepted yet. Until it has, the cache shows
 * the decision on the policy (its row is the user's view), but the
 * policy is no effective notice: the insurer has said nothing yet (issue
 * 15, "no optimistic lies"; the policy itself says 待同步). */
#define DECISION_WAITING                                                        \
  "EXISTS (SELECT 1 FROM outbox o WHERE o.enterprise_id = p.enterprise_id"      \
  " AND o.collection = 'insurance_policies' AND o.record_id = p.id"             \
  " AND o.state IN ('queued', 'sending') AND json_extract (o.fields, '$.status') IS NOT NULL)"

gboolean
kouan_store_insurance_counts (KouanStore            *self,
                              gint64                 enterprise_id,
                              KouanInsuranceCounts  *out,
                              GError               **error)
{
  sqlite3 *db;
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);

  memset (out, 0, sizeof *out);
  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT (SELECT count (*) FROM insurance_policies WHERE enterprise_id = ?1 AND status = 'pending'),"
    "       (SELECT count (*) FROM insurance_policies p WHERE enterprise_id = ?1"
    "          AND status = 'effective' AND notice_read = 0 AND NOT " DECISION_WAITING "),"
    "       (SELECT count (*) FROM insurance_claims WHERE enterprise_id = ?1 AND notice_read = 0)",
    error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          out->pending_policies = sqlite3_column_int (stmt, 0);
          out->policy_notices = sqlite3_column_int (stmt, 1);
          out->claim_notices = sqlite3_column_int (stmt, 2);
          ok = TRUE;
        }
      else
        kouan_store_set_sql_error (error, db, rc, "Cannot count policies and claims");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);
  return ok;
}

GPtrArray *
kouan_store_list_policies (KouanStore         *self,
                           gint64              enterprise_id,
                           KouanPolicyFilter   filter,
                           GError            **error)
{
  sqlite3 *db;
  g_autoptr(GPtrArray) policies = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT record FROM insurance_policies p WHERE enterprise_id = ?1"
    "  AND (?2 = 0 OR (?2 = 1 AND status = 'pending')"
    "       OR (?2 = 2 AND status = 'effective' AND notice_read = 0 AND NOT " DECISION_WAITING "))"
    " ORDER BY id DESC", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int (stmt, 2, filter);
      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          KouanPolicy *policy = policy_from_row (stmt, 0, enterprise_id, error);

          ok = policy != NULL;
          if (ok)
            g_ptr_array_add (policies, policy);
        }
      if (ok && rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot list policies");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);
  return ok ? g_steal_pointer (&policies) : NULL;
}

KouanPolicy *
kouan_store_get_policy (KouanStore  *self,
                        gint64       enterprise_id,
                        gint64       id,
                        GError     **error)
{
  sqlite3 *db;
  g_autoptr(KouanStatement) stmt = NULL;
  KouanPolicy *policy = NULL;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT record FROM insurance_policies WHERE enterprise_id = ?1 AND id = ?2", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        policy = policy_from_row (stmt, 0, enterprise_id, error);
      else if (rc != SQLITE_DONE)
        kouan_store_set_sql_error (error, db, rc, "Cannot read a policy");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);
  return policy;
}

static KouanClaim *
claim_from_row (sqlite3_stmt  *stmt,
                gint64         enterprise_id,
                GError       **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GError) local_error = NULL;
  KouanClaim *claim;

  record = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 0), -1, &local_error);
  claim = record != NULL ? kouan_claim_new_from_json (record, enterprise_id, &local_error) : NULL;
  if (claim == NULL)
    invalid_record (error, "insurance_claims", 0, local_error);
  return claim;
}

GPtrArray *
kouan_store_list_claims (KouanStore        *self,
                         gint64             enterprise_id,
                         KouanClaimFilter   filter,
                         GError           **error)
{
  sqlite3 *db;
  g_autoptr(GPtrArray) claims = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT record FROM insurance_claims WHERE enterprise_id = ?1"
    "  AND (?2 = 0 OR notice_read = 0) ORDER BY id DESC", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int (stmt, 2, filter);
      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          KouanClaim *claim = claim_from_row (stmt, enterprise_id, error);

          ok = claim != NULL;
          if (ok)
            g_ptr_array_add (claims, claim);
        }
      if (ok && rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot list claims");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);
  return ok ? g_steal_pointer (&claims) : NULL;
}

KouanClaim *
kouan_store_get_claim (KouanStore  *self,
                       gint64       enterprise_id,
                       gint64       id,
                       GError     **error)
{
  sqlite3 *db;
  g_autoptr(KouanStatement) stmt = NULL;
  KouanClaim *claim = NULL;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT record FROM insurance_claims WHERE enterprise_id = ?1 AND id = ?2", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        claim = claim_from_row (stmt, enterprise_id, error);
      else if (rc != SQLITE_DONE)
        kouan_store_set_sql_error (error, db, rc, "Cannot read a claim");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);
  return claim;
}

GPtrArray *
kouan_store_list_insurance_categories (KouanStore  *self,
                                       gint64       enterprise_id,
                                       GError     **error)
{
  sqlite3 *db;
  g_autoptr(GPtrArray) categories = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT id, name, position, subscribed FROM insurance_categories"
    " WHERE enterprise_id = ?1 ORDER BY position, id", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          KouanInsuranceCategory *category = g_object_new (KOUAN_TYPE_INSURANCE_CATEGORY, NULL);

          category->enterprise_id = enterprise_id;
          category->id = sqlite3_column_int64 (stmt, 0);
          category->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          category->position = sqlite3_column_int64 (stmt, 2);
          category->subscribed = sqlite3_column_int (stmt, 3) != 0;
          g_ptr_array_add (categories, category);
        }
      if (rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot list categories");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);
  return ok ? g_steal_pointer (&categories) : NULL;
}

/* ---- edits --------------------------------------------------------- */

static gboolean
enqueue (KouanStore  *self,
         gint64       enterprise_id,
         const char  *collection,
         gint64       record_id,
         JsonObject  *fields,
         GError     **error)
{
  g_autofree char *id = kouan_store_enqueue (self, enterprise_id, collection, "update",
                                             record_id, fields, error);

  return id != NULL;
}

gboolean
kouan_store_confirm_policy (KouanStore   *self,
                            KouanPolicy  *policy,
                            GError      **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_POLICY (policy), FALSE);
  json_object_set_string_member (fields, "status", "effective");
  return enqueue (self, policy->enterprise_id, "insurance_policies", policy->id, fields, error);
}

gboolean
kouan_store_return_policy (KouanStore   *self,
                           KouanPolicy  *policy,
                           const char   *comment,
                           GError      **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_POLICY (policy), FALSE);
  json_object_set_string_member (fields, "status", "returned");
  json_object_set_string_member (fields, "comment", comment != NULL ? comment : "");
  return enqueue (self, policy->enterprise_id, "insurance_policies", policy->id, fields, error);
}

gboolean
kouan_store_read_policy_notice (KouanStore   *self,
                                KouanPolicy  *policy,
                                GError      **error)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(KouanPolicy) current = NULL;

  g_return_val_if_fail (KOUAN_IS_POLICY (policy), FALSE);
  current = kouan_store_get_policy (self, policy->enterprise_id, policy->id, error);
  if (current == NULL || current->notice_read)
    return current != NULL || (error == NULL || *error == NULL);

  fields = json_object_new ();
  json_object_set_boolean_member (fields, "notice_read", TRUE);
  return enqueue (self, policy->enterprise_id, "insurance_policies", policy->id, fields, error);
}

gboolean
kouan_store_read_claim_notice (KouanStore  *self,
                               KouanClaim  *claim,
                               GError     **error)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(KouanClaim) current = NULL;

  g_return_val_if_fail (KOUAN_IS_CLAIM (claim), FALSE);
  current = kouan_store_get_claim (self, claim->enterprise_id, claim->id, error);
  if (current == NULL || current->notice_read)
    return current != NULL || (error == NULL || *error == NULL);

  fields = json_object_new ();
  json_object_set_boolean_member (fields, "notice_read", TRUE);
  return enqueue (self, claim->enterprise_id, "insurance_claims", claim->id, fields, error);
}

gboolean
kouan_store_set_subscribed (KouanStore  *self,
                            gint64       enterprise_id,
                            gint64       category_id,
                            gboolean     subscribed,
                            GError     **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  json_object_set_boolean_member (fields, "subscribed", subscribed);
  return enqueue (self, enterprise_id, "insurance_categories", category_id, fields, error);
}

/* ---- risk search --------------------------------------------------- */

static const char *
nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? text : NULL;
}

static void
bind_optional (sqlite3_stmt *stmt,
               int           index,
               const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Filters shared by both search statements; ?2 country, ?3 industry,
 * ?4 category, ?5 enterprise whose subscriptions count */
#define RISK_FILTERS \
  "   (?2 IS NULL OR a.country = ?2) AND (?3 IS NULL OR a.industry = ?3)" \
  "   AND (?4 = 0 OR a.category_id = ?4)" \
  "   AND (?5 = 0 OR a.category_id IN (SELECT id FROM insurance_categories" \
  "                                    WHERE enterprise_id = ?5 AND subscribed = 1))"

GArray *
kouan_store_search_risk_articles (KouanStore            *self,
                                  const KouanRiskQuery  *query,
                                  GError               **error)
{
  sqlite3 *db;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(KouanStatement) stmt = NULL;
  g_autofree char *match = NULL;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  match = kouan_cjk_match_expression (nonempty (query->keyword));

  /* On the read-only connection: a search never waits for a page being
   * applied, and sees the articles of the last committed one. */
  db = _kouan_store_acquire_reader (self);
  /* With a keyword the index yields the candidates (an FTS5 lookup, never
   * a scan of the articles); without one the date index gives the order. */
  if (match != NULL)
    {
      /* SQLite would look each match up in the table itself, whose rows
       * carry the bodies; the covering index holds what the filters and
       * the order need, several times faster (docs/performance.md). */
      g_autoptr(GError) local_error = NULL;

      /* The second branch: the articles the index does not hold yet
       * (above meta's "risk_articles_fts_built_to", after a first sync;
       * none otherwise), scanned with the tokenizer's own matcher in the
       * same snapshot. */
#define RISK_UNINDEXED \
      " UNION ALL SELECT a.id, a.published_at FROM risk_articles a NOT INDEXED" \
      " WHERE a.id > (SELECT CAST (value AS INTEGER) FROM meta" \
      "               WHERE key = 'risk_articles_fts_built_to') AND" RISK_FILTERS \
      "   AND kouan_cjk_match (?6, a.title, a.body)" \
      ") ORDER BY published_at DESC, id DESC"
      stmt = kouan_statement_get (db,
        "SELECT id FROM (SELECT a.id, a.published_at FROM risk_articles_fts f"
        " JOIN risk_articles a INDEXED BY risk_articles_search ON a.id = f.rowid"
        " WHERE risk_articles_fts MATCH ?1 AND" RISK_FILTERS
        RISK_UNINDEXED, &local_error);
      /* a cache made before the index existed answers without it */
      if (stmt == NULL)
        stmt = kouan_statement_get (db,
          "SELECT id FROM (SELECT a.id, a.published_at FROM risk_articles_fts f"
          " JOIN risk_articles a ON a.id = f.rowid"
          " WHERE risk_articles_fts MATCH ?1 AND" RISK_FILTERS
          RISK_UNINDEXED, error);
#undef RISK_UNINDEXED
    }
  else
    stmt = kouan_statement_get (db,
      "SELECT a.id FROM risk_articles a WHERE ?1 IS NULL AND" RISK_FILTERS
      " ORDER BY a.published_at DESC, a.id DESC", error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_optional (stmt, 1, match);
      bind_optional (stmt, 2, nonempty (query->country));
      bind_optional (stmt, 3, nonempty (query->industry));
      sqlite3_bind_int64 (stmt, 4, query->category_id);
      sqlite3_bind_int64 (stmt, 5, query->subscribed_in);
      if (match != NULL)
        sqlite3_bind_text (stmt, 6, query->keyword, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (ids, id);
        }
      if (rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot search risk information");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_release_reader (self, db);
  return ok ? g_steal_pointer (&ids) : NULL;
}

static KouanRiskArticle *
article_from_row (sqlite3_stmt *stmt)
{
  KouanRiskArticle *article = g_object_new (KOUAN_TYPE_RISK_ARTICLE, NULL);

  article->id = sqlite3_column_int64 (stmt, 0);
  article->title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  article->source = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  article->published_at = sqlite3_column_int64 (stmt, 3);
  article->country = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  article->industry = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  article->category_id = sqlite3_column_int64 (stmt, 6);
  article->body = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  return article;
}

gboolean
kouan_store_load_risk_articles (KouanStore    *self,
                                const gint64  *ids,
                                guint          n_ids,
                                GPtrArray     *out,
                                GError       **error)
{
  sqlite3 *db;
  gboolean ok = TRUE;
  gboolean in_transaction = FALSE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);

  db = _kouan_store_acquire_reader (self);
  /* One snapshot for the page of rows: they belong together, and it is
   * one round of WAL read locks instead of one per row. */
  if (n_ids > 1)
    {
      g_autoptr(KouanStatement) begin = kouan_statement_get (db, "BEGIN DEFERRED", NULL);

      in_transaction = begin != NULL && kouan_statement_run (begin, NULL);
    }
  for (guint i = 0; ok && i < n_ids; i++)
    {
      g_autoptr(KouanStatement) stmt = kouan_statement_get (db,
        "SELECT id, title, source, published_at, country, industry, category_id, body"
        " FROM risk_articles WHERE id = ?1", error);
      int rc;

      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (out, article_from_row (stmt));
      else if (rc == SQLITE_DONE)
        g_ptr_array_add (out, NULL);
      else
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot read risk information");
    }
  if (in_transaction)
    {
      /* a read transaction: ending it cannot fail in a way worth reporting */
      g_autoptr(KouanStatement) commit = kouan_statement_get (db, "COMMIT", NULL);

      if (commit == NULL || !kouan_statement_run (commit, NULL))
        g_debug ("Cannot end a read of risk articles: %s", sqlite3_errmsg (db));
    }
  _kouan_store_release_reader (self, db);
  return ok;
}

KouanRiskArticle *
kouan_store_get_risk_article (KouanStore  *self,
                              gint64       id,
                              GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);

  if (!kouan_store_load_risk_articles (self, &id, 1, out, error) ||
      g_ptr_array_index (out, 0) == NULL)
    return NULL;
  return g_object_ref (g_ptr_array_index (out, 0));
}

GPtrArray *
kouan_store_list_new_subscribed_articles (KouanStore  *self,
                                          gint64       enterprise_id,
                                          gint64       after_id,
                                          gint64       published_since,
                                          GError     **error)
{
  sqlite3 *db;
  g_autoptr(GPtrArray) articles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  db = _kouan_store_read_begin (self);
  /* a range of the primary key: cheap however many articles are cached */
  stmt = kouan_statement_get (db,
    "SELECT id, title, source, published_at, country, industry, category_id, body"
    " FROM risk_articles WHERE id > ?2 AND published_at >= ?3"
    "   AND category_id IN (SELECT id FROM insurance_categories"
    "                       WHERE enterprise_id = ?1 AND subscribed = 1)"
    " ORDER BY id LIMIT 50", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, after_id);
      sqlite3_bind_int64 (stmt, 3, published_since);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (articles, article_from_row (stmt));
      if (rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot read new risk information");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);
  return ok ? g_steal_pointer (&articles) : NULL;
}

GStrv
kouan_store_list_risk_facet (KouanStore  *self,
                             const char  *column,
                             GError     **error)
{
  sqlite3 *db;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (g_strcmp0 (column, "country") == 0 ||
                        g_strcmp0 (column, "industry") == 0, NULL);

  db = _kouan_store_read_begin (self);
  /* both columns have an index that yields the distinct values in order */
  stmt = kouan_statement_get (db,
                              g_str_equal (column, "country")
                              ? "SELECT DISTINCT country FROM risk_articles ORDER BY country"
                              : "SELECT DISTINCT industry FROM risk_articles ORDER BY industry",
                              error);
  ok = stmt != NULL;
  if (ok)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
      if (rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot list risk facets");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);
  return ok ? g_strv_builder_end (builder) : NULL;
}
