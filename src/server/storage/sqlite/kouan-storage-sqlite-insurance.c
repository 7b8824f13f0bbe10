/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

#define step_row _kouan_storage_sqlite_step_row
#define column_dup _kouan_storage_sqlite_column_dup

/* Area 8, credit insurance, on SQLite. The schema's triggers
 * (kouan-server-db.c, migration "credit insurance") record the changes
 * and post the notices of a new risk article; the feed materialises each
 * record as the requesting user sees it. An enterprise's feed gets the
 * categories and the articles from the trigger on enterprises, so
 * enterprise_open has nothing to do here. */

#define S(sql) _kouan_storage_sqlite_stmt (storage, sql)
#define DONE(s, what) _kouan_storage_sqlite_done (storage, s, error, what)

static void
bind_text (sqlite3_stmt *s, int i, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (s, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (s, i);
}

static gboolean
enterprise_open (KouanStorage *storage, gint64 enterprise_id, GError **error)
{
  return TRUE;   /* the trigger enterprises_insert_insurance */
}

static gboolean
enterprises_list (KouanStorage *storage, GArray *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT id FROM enterprises ORDER BY id");
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (s, 0);

      g_array_append_val (out, id);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Listing enterprises");
  return TRUE;
}

/* ---- policies ------------------------------------------------------ */

#define POLICY_COLUMNS \
  "id, enterprise_id, number, buyer, buyer_country, amount, currency, starts_on, ends_on," \
  " status, comment, notice_read, updated_at"

static void
policy_from_row (sqlite3_stmt *s, KouanStoredPolicy *out)
{
  out->id = sqlite3_column_int64 (s, 0);
  out->enterprise_id = sqlite3_column_int64 (s, 1);
  out->number = column_dup (s, 2);
  out->buyer = column_dup (s, 3);
  out->buyer_country = column_dup (s, 4);
  out->amount = sqlite3_column_int64 (s, 5);
  out->currency = column_dup (s, 6);
  out->starts_on = column_dup (s, 7);
  out->ends_on = column_dup (s, 8);
  out->status = column_dup (s, 9);
  out->comment = column_dup (s, 10);
  out->notice_read = sqlite3_column_int (s, 11) != 0;
  out->updated_at = sqlite3_column_int64 (s, 12);
}

static gboolean
policy_read (KouanStorage *storage, sqlite3_stmt *s, KouanStoredPolicy *out, GError **error)
{
  gboolean row;

  if (!step_row (storage, s, &row, error, "Reading a policy"))
    return FALSE;
  if (row)
    policy_from_row (s, out);
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
policy_get (KouanStorage *storage, gint64 enterprise_id, gint64 policy_id,
            KouanStoredPolicy *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT " POLICY_COLUMNS " FROM insurance_policies"
                       " WHERE id = ?2 AND enterprise_id = ?1");

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, policy_id);
  return policy_read (storage, s, out, error);
}

static gboolean
policy_first_pending (KouanStorage *storage, gint64 enterprise_id,
                      KouanStoredPolicy *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT " POLICY_COLUMNS " FROM insurance_policies"
                       " WHERE enterprise_id = ?1 AND status = 'pending' ORDER BY id LIMIT 1");

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  return policy_read (storage, s, out, error);
}

static gboolean
policy_update (KouanStorage *storage, gint64 enterprise_id, gint64 policy_id,
               const char *status, const char *comment, gboolean notice_read,
               gint64 now, GError **error)
{
  /* an edit that changes nothing fires no trigger: no change */
  sqlite3_stmt *s = S (
    "UPDATE insurance_policies SET status = ?3, comment = coalesce (?4, comment),"
    "  notice_read = ?5, updated_at = ?6"
    " WHERE id = ?2 AND enterprise_id = ?1"
    "   AND (status, comment, notice_read) IS NOT (?3, coalesce (?4, comment), ?5)");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, policy_id);
  bind_text (s, 3, status);
  bind_text (s, 4, comment);
  sqlite3_bind_int (s, 5, notice_read);
  sqlite3_bind_int64 (s, 6, now);
  return DONE (s, "Updating a policy");
}

static gboolean
policy_insert (KouanStorage *storage, const KouanStoredPolicy *policy, gint64 *out_id,
               GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO insurance_policies (enterprise_id, number, buyer, buyer_country, amount,"
    "  currency, starts_on, ends_on, status, comment, notice_read, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");

  sqlite3_bind_int64 (s, 1, policy->enterprise_id);
  bind_text (s, 2, policy->number);
  bind_text (s, 3, policy->buyer);
  bind_text (s, 4, policy->buyer_country);
  sqlite3_bind_int64 (s, 5, policy->amount);
  bind_text (s, 6, policy->currency);
  bind_text (s, 7, policy->starts_on);
  bind_text (s, 8, policy->ends_on);
  bind_text (s, 9, policy->status);
  bind_text (s, 10, policy->comment != NULL ? policy->comment : "");
  sqlite3_bind_int (s, 11, policy->notice_read);
  sqlite3_bind_int64 (s, 12, policy->updated_at);
  if (!DONE (s, "Inserting a policy"))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  return TRUE;
}

/* ---- claims -------------------------------------------------------- */

static gboolean
claim_history (KouanStorage *storage, gint64 claim_id, GArray *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT status, comment, at FROM insurance_claim_events"
                       " WHERE claim_id = ?1 ORDER BY at, id");
  int rc;

  sqlite3_bind_int64 (s, 1, claim_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredClaimEvent event = {
        .status = column_dup (s, 0),
        .comment = column_dup (s, 1),
        .at = sqlite3_column_int64 (s, 2),
      };

      g_array_append_val (out, event);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading a claim's history");
  return TRUE;
}

static gboolean
claim_get (KouanStorage *storage, gint64 enterprise_id, gint64 claim_id,
           KouanStoredClaim *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT c.number, c.policy_id, p.number, c.buyer, c.amount, c.currency,"
    "       c.loss_on, c.submitted_on, c.status, c.notice_read, c.updated_at"
    " FROM insurance_claims c JOIN insurance_policies p ON p.id = c.policy_id"
    " WHERE c.id = ?2 AND c.enterprise_id = ?1");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, claim_id);
  if (!step_row (storage, s, &row, error, "Reading a claim"))
    return FALSE;
  if (row)
    {
      out->id = claim_id;
      out->enterprise_id = enterprise_id;
      out->number = column_dup (s, 0);
      out->policy_id = sqlite3_column_int64 (s, 1);
      out->policy_number = column_dup (s, 2);
      out->buyer = column_dup (s, 3);
      out->amount = sqlite3_column_int64 (s, 4);
      out->currency = column_dup (s, 5);
      out->loss_on = column_dup (s, 6);
      out->submitted_on = column_dup (s, 7);
      out->status = column_dup (s, 8);
      out->notice_read = sqlite3_column_int (s, 9) != 0;
      out->updated_at = sqlite3_column_int64 (s, 10);
    }
  sqlite3_reset (s);
  if (!row)
    return TRUE;
  /* after the reset: the history is another statement */
  out->history = g_array_new (FALSE, TRUE, sizeof (KouanStoredClaimEvent));
  g_array_set_clear_func (out->history, (GDestroyNotify) kouan_stored_claim_event_clear);
  if (!claim_history (storage, claim_id, out->history, error))
    {
      kouan_stored_claim_clear (out);
      return FALSE;
    }
  return TRUE;
}

static gboolean
claim_notice_read_set (KouanStorage *storage, gint64 enterprise_id, gint64 claim_id,
                       gboolean notice_read, GError **error)
{
  sqlite3_stmt *s = S ("UPDATE insurance_claims SET notice_read = ?3"
                       " WHERE id = ?2 AND enterprise_id = ?1 AND notice_read IS NOT ?3");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, claim_id);
  sqlite3_bind_int (s, 3, notice_read);
  return DONE (s, "Updating a claim");
}

static gboolean
claim_insert (KouanStorage *storage, const KouanStoredClaim *claim, gint64 *out_id,
              GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO insurance_claims (enterprise_id, policy_id, number, buyer, amount, currency,"
    "                              loss_on, submitted_on, status, notice_read, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  gint64 id;

  sqlite3_bind_int64 (s, 1, claim->enterprise_id);
  sqlite3_bind_int64 (s, 2, claim->policy_id);
  bind_text (s, 3, claim->number);
  bind_text (s, 4, claim->buyer);
  sqlite3_bind_int64 (s, 5, claim->amount);
  bind_text (s, 6, claim->currency);
  bind_text (s, 7, claim->loss_on);
  bind_text (s, 8, claim->submitted_on);
  bind_text (s, 9, claim->status);
  sqlite3_bind_int (s, 10, claim->notice_read);
  sqlite3_bind_int64 (s, 11, claim->updated_at);
  if (!DONE (s, "Inserting a claim"))
    return FALSE;
  id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));

  for (guint i = 0; claim->history != NULL && i < claim->history->len; i++)
    {
      const KouanStoredClaimEvent *event = &g_array_index (claim->history, KouanStoredClaimEvent, i);

      s = S ("INSERT INTO insurance_claim_events (claim_id, status, comment, at)"
             " VALUES (?1, ?2, ?3, ?4)");
      sqlite3_bind_int64 (s, 1, id);
      bind_text (s, 2, event->status);
      bind_text (s, 3, event->comment != NULL ? event->comment : "");
      sqlite3_bind_int64 (s, 4, event->at);
      if (!DONE (s, "Inserting a claim's history"))
        return FALSE;
    }
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/* ---- subscription categories --------------------------------------- */

static gboolean
category_get (KouanStorage *storage, gint64 enterprise_id, gint64 category_id,
              gint64 user_id, KouanStoredInsuranceCategory *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT c.name, c.position, s.category_id IS NOT NULL"
    " FROM insurance_categories c LEFT JOIN insurance_subscriptions s"
    "   ON s.category_id = c.id AND s.user_id = ?3 AND s.enterprise_id = ?1"
    " WHERE c.id = ?2");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, category_id);
  sqlite3_bind_int64 (s, 3, user_id);
  if (!step_row (storage, s, &row, error, "Reading a category"))
    return FALSE;
  if (row)
    {
      out->id = category_id;
      out->name = column_dup (s, 0);
      out->position = sqlite3_column_int64 (s, 1);
      out->subscribed = sqlite3_column_int (s, 2) != 0;
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
subscription_set (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                  gint64 category_id, gboolean subscribed, GError **error)
{
  sqlite3_stmt *s;

  if (subscribed)
    s = S ("INSERT INTO insurance_subscriptions (user_id, enterprise_id, category_id)"
           " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  else
    s = S ("DELETE FROM insurance_subscriptions"
           " WHERE user_id = ?1 AND enterprise_id = ?2 AND category_id = ?3");
  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  sqlite3_bind_int64 (s, 3, category_id);
  return DONE (s, "Changing a subscription");
}

/* ---- risk articles ------------------------------------------------- */

static gboolean
article_get (KouanStorage *storage, gint64 article_id, KouanStoredRiskArticle *out,
             GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT title, source, published_at, country, industry, category_id, body"
    " FROM risk_articles WHERE id = ?1");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, article_id);
  if (!step_row (storage, s, &row, error, "Reading a risk article"))
    return FALSE;
  if (row)
    {
      out->id = article_id;
      out->title = column_dup (s, 0);
      out->source = column_dup (s, 1);
      out->published_at = sqlite3_column_int64 (s, 2);
      out->country = column_dup (s, 3);
      out->industry = column_dup (s, 4);
      out->category_id = sqlite3_column_int64 (s, 5);
      out->body = column_dup (s, 6);
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
article_insert (KouanStorage *storage, const KouanStoredRiskArticle *article, gint64 *out_id,
                GError **error)
{
  /* the trigger records its change for every enterprise and posts the
   * subscribers' notices */
  sqlite3_stmt *s = S (
    "INSERT INTO risk_articles (title, source, published_at, country, industry, category_id, body)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

  bind_text (s, 1, article->title);
  bind_text (s, 2, article->source);
  sqlite3_bind_int64 (s, 3, article->published_at);
  bind_text (s, 4, article->country);
  bind_text (s, 5, article->industry);
  sqlite3_bind_int64 (s, 6, article->category_id);
  bind_text (s, 7, article->body);
  if (!DONE (s, "Inserting a risk article"))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  return TRUE;
}

const KouanStorageInsurance _kouan_storage_sqlite_insurance = {
  .enterprise_open = enterprise_open,
  .enterprises_list = enterprises_list,
  .policy_get = policy_get,
  .policy_first_pending = policy_first_pending,
  .policy_update = policy_update,
  .policy_insert = policy_insert,
  .claim_get = claim_get,
  .claim_notice_read_set = claim_notice_read_set,
  .claim_insert = claim_insert,
  .category_get = category_get,
  .subscription_set = subscription_set,
  .article_get = article_get,
  .article_insert = article_insert,
};
