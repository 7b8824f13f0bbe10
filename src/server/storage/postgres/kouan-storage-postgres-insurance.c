/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-postgres-private.h"

/* Area 8, credit insurance, on PostgreSQL (schema: migration 6 of
 * kouan-storage-postgres.c). Each write records its change with the
 * record's JSON as it was written, built by the statement that writes or
 * reads the row (json_build_object), with the members of docs/api.md,
 * "Credit insurance": a policy or claim is one change for everyone in its
 * enterprise (a claim carries its history), a subscription one change of
 * the category for that user (with their "subscribed"). Categories and
 * risk articles are global: the enterprises whose feeds carry them are
 * the rows of insurance_enterprises (enterprise_open), since PostgreSQL
 * has no enterprises table until that area is ported; an article is one
 * change in each of their feeds, and its notices are posted through the
 * messages area, as the SQLite trigger does. */

#define RUN(sql, n, params, what) _kouan_storage_pg_run (storage, sql, n, params, error, what)
#define RUN_DONE(sql, n, params, what) _kouan_storage_pg_run_done (storage, sql, n, params, error, what)
#define INT KOUAN_PG_INT
#define value_dup _kouan_storage_pg_value_dup
#define bool_at _kouan_storage_pg_bool_at
#define INT_AT _kouan_storage_pg_int_at

#define POLICY_COLUMNS \
  "p.id, p.enterprise_id, p.number, p.buyer, p.buyer_country, p.amount, p.currency," \
  " p.starts_on, p.ends_on, p.status, p.comment, p.notice_read, p.updated_at"

#define POLICY_JSON \
  "json_build_object ('id', p.id, 'number', p.number, 'buyer', p.buyer," \
  " 'buyer_country', p.buyer_country, 'amount', p.amount, 'currency', p.currency," \
  " 'starts_on', p.starts_on, 'ends_on', p.ends_on, 'status', p.status," \
  " 'comment', p.comment, 'notice_read', p.notice_read, 'updated_at', p.updated_at)::text"

/* The claim c of policy p, with its history oldest first */
#define CLAIM_JSON \
  "json_build_object ('id', c.id, 'number', c.number, 'policy_id', c.policy_id," \
  " 'policy_number', p.number, 'buyer', c.buyer, 'amount', c.amount, 'currency', c.currency," \
  " 'loss_on', c.loss_on, 'submitted_on', c.submitted_on, 'status', c.status," \
  " 'notice_read', c.notice_read, 'updated_at', c.updated_at," \
  " 'history', COALESCE ((SELECT json_agg (json_build_object ('status', e.status," \
  "     'comment', e.comment, 'at', e.at) ORDER BY e.at, e.id)" \
  "   FROM insurance_claim_events e WHERE e.claim_id = c.id), '[]'::json))::text"

/* The category c; @subscribed an SQL boolean expression */
#define CATEGORY_JSON(subscribed) \
  "json_build_object ('id', c.id, 'name', c.name, 'position', c.position," \
  " 'subscribed', " subscribed ")::text"

#define ARTICLE_JSON \
  "json_build_object ('id', a.id, 'title', a.title, 'source', a.source," \
  " 'published_at', a.published_at, 'country', a.country, 'industry', a.industry," \
  " 'category_id', a.category_id, 'body', a.body)::text"

/* Records a change for everyone in @enterprise_id of each row of @r:
 * (record id, its JSON) in columns @id_column and @json_column */
static gboolean
record_rows (KouanStorage *storage, gint64 enterprise_id, const char *collection,
             PGresult *r, int id_column, int json_column, GError **error)
{
  for (int i = 0; i < PQntuples (r); i++)
    if (!storage->feed->change_record (storage, enterprise_id, 0, collection,
                                       INT_AT (r, i, id_column), PQgetvalue (r, i, json_column),
                                       error))
      return FALSE;
  return TRUE;
}

/* ---- the enterprises whose feeds carry insurance --------------------- */

static gboolean
open_enterprise (KouanStorage *storage, gint64 enterprise_id, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r;
  gboolean ok;

  r = RUN ("INSERT INTO insurance_enterprises (enterprise_id) VALUES ($1)"
           " ON CONFLICT DO NOTHING RETURNING 1", 1, params, "Opening insurance");
  if (r == NULL)
    return FALSE;
  ok = PQntuples (r) == 1;
  PQclear (r);
  if (!ok)
    return TRUE;   /* opened already */

  r = RUN ("SELECT c.id, " CATEGORY_JSON ("false") " FROM insurance_categories c ORDER BY c.id",
           0, NULL, "Opening insurance");
  if (r == NULL)
    return FALSE;
  ok = record_rows (storage, enterprise_id, "insurance_categories", r, 0, 1, error);
  PQclear (r);
  if (!ok)
    return FALSE;

  r = RUN ("SELECT a.id, " ARTICLE_JSON " FROM risk_articles a ORDER BY a.id",
           0, NULL, "Opening insurance");
  if (r == NULL)
    return FALSE;
  ok = record_rows (storage, enterprise_id, "risk_articles", r, 0, 1, error);
  PQclear (r);
  return ok;
}

static gboolean
enterprise_open (KouanStorage *storage, gint64 enterprise_id, GError **error)
{
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = open_enterprise (storage, enterprise_id, error);
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

static gboolean
enterprises_list (KouanStorage *storage, GArray *out, GError **error)
{
  PGresult *r = RUN ("SELECT enterprise_id FROM insurance_enterprises ORDER BY 1", 0, NULL,
                     "Listing enterprises");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      gint64 id = INT_AT (r, i, 0);

      g_array_append_val (out, id);
    }
  PQclear (r);
  return TRUE;
}

/* ---- policies ------------------------------------------------------ */

static gboolean
policy_read (KouanStorage *storage, const char *sql, gint64 enterprise_id, gint64 policy_id,
             KouanStoredPolicy *out, GError **error)
{
  INT (eid, enterprise_id);
  INT (pid, policy_id);
  const char *params[] = { eid, pid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN (sql, policy_id != 0 ? 2 : 1, params, "Reading a policy");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->id = INT_AT (r, 0, 0);
      out->enterprise_id = INT_AT (r, 0, 1);
      out->number = value_dup (r, 0, 2);
      out->buyer = value_dup (r, 0, 3);
      out->buyer_country = value_dup (r, 0, 4);
      out->amount = INT_AT (r, 0, 5);
      out->currency = value_dup (r, 0, 6);
      out->starts_on = value_dup (r, 0, 7);
      out->ends_on = value_dup (r, 0, 8);
      out->status = value_dup (r, 0, 9);
      out->comment = value_dup (r, 0, 10);
      out->notice_read = bool_at (r, 0, 11);
      out->updated_at = INT_AT (r, 0, 12);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
policy_get (KouanStorage *storage, gint64 enterprise_id, gint64 policy_id,
            KouanStoredPolicy *out, GError **error)
{
  if (policy_id == 0)
    {
      memset (out, 0, sizeof *out);
      return TRUE;
    }
  return policy_read (storage, "SELECT " POLICY_COLUMNS " FROM insurance_policies p"
                      " WHERE p.id = $2 AND p.enterprise_id = $1",
                      enterprise_id, policy_id, out, error);
}

static gboolean
policy_first_pending (KouanStorage *storage, gint64 enterprise_id,
                      KouanStoredPolicy *out, GError **error)
{
  return policy_read (storage, "SELECT " POLICY_COLUMNS " FROM insurance_policies p"
                      " WHERE p.enterprise_id = $1 AND p.status = 'pending' ORDER BY p.id LIMIT 1",
                      enterprise_id, 0, out, error);
}

/* Records the change of each row of @r: (id, JSON) of a record of
 * @enterprise_id, for everyone; then clears @r */
static gboolean
record_result (KouanStorage *storage, gint64 enterprise_id, const char *collection,
               PGresult *r, GError **error)
{
  gboolean ok;

  if (r == NULL)
    return FALSE;
  ok = record_rows (storage, enterprise_id, collection, r, 0, 1, error);
  PQclear (r);
  return ok;
}

static gboolean
policy_update (KouanStorage *storage, gint64 enterprise_id, gint64 policy_id,
               const char *status, const char *comment, gboolean notice_read,
               gint64 now, GError **error)
{
  INT (eid, enterprise_id);
  INT (pid, policy_id);
  INT (at, now);
  const char *params[] = { eid, pid, status, comment, notice_read ? "true" : "false", at };
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* as the SQLite trigger: an edit that changes nothing is no change */
  ok = record_result (storage, enterprise_id, "insurance_policies", RUN (
    "WITH p AS (UPDATE insurance_policies SET status = $3, comment = COALESCE ($4, comment),"
    "   notice_read = $5, updated_at = $6"
    " WHERE id = $2 AND enterprise_id = $1"
    "   AND (status, comment, notice_read) IS DISTINCT FROM ($3, COALESCE ($4, comment), $5::boolean)"
    " RETURNING *)"
    " SELECT p.id, " POLICY_JSON " FROM p", 6, params, "Updating a policy"), error);
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

static gboolean
policy_insert (KouanStorage *storage, const KouanStoredPolicy *policy, gint64 *out_id,
               GError **error)
{
  INT (eid, policy->enterprise_id);
  INT (amount, policy->amount);
  INT (at, policy->updated_at);
  const char *params[] = { eid, policy->number, policy->buyer, policy->buyer_country, amount,
                           policy->currency, policy->starts_on, policy->ends_on, policy->status,
                           policy->comment != NULL ? policy->comment : "",
                           policy->notice_read ? "true" : "false", at };
  gboolean own, ok;
  PGresult *r;
  gint64 id = 0;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  r = RUN ("WITH p AS (INSERT INTO insurance_policies (enterprise_id, number, buyer, buyer_country,"
           "   amount, currency, starts_on, ends_on, status, comment, notice_read, updated_at)"
           " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *)"
           " SELECT p.id, " POLICY_JSON " FROM p", 12, params, "Inserting a policy");
  if (r != NULL)
    id = INT_AT (r, 0, 0);
  ok = record_result (storage, policy->enterprise_id, "insurance_policies", r, error);
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/* ---- claims -------------------------------------------------------- */

static gboolean
claim_get (KouanStorage *storage, gint64 enterprise_id, gint64 claim_id,
           KouanStoredClaim *out, GError **error)
{
  INT (eid, enterprise_id);
  INT (cid, claim_id);
  const char *params[] = { eid, cid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT c.number, c.policy_id, p.number, c.buyer, c.amount, c.currency,"
           "       c.loss_on, c.submitted_on, c.status, c.notice_read, c.updated_at,"
           "       e.status, e.comment, e.at"
           " FROM insurance_claims c JOIN insurance_policies p ON p.id = c.policy_id"
           "   LEFT JOIN insurance_claim_events e ON e.claim_id = c.id"
           " WHERE c.id = $2 AND c.enterprise_id = $1 ORDER BY e.at, e.id",
           2, params, "Reading a claim");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    {
      out->id = claim_id;
      out->enterprise_id = enterprise_id;
      out->number = value_dup (r, 0, 0);
      out->policy_id = INT_AT (r, 0, 1);
      out->policy_number = value_dup (r, 0, 2);
      out->buyer = value_dup (r, 0, 3);
      out->amount = INT_AT (r, 0, 4);
      out->currency = value_dup (r, 0, 5);
      out->loss_on = value_dup (r, 0, 6);
      out->submitted_on = value_dup (r, 0, 7);
      out->status = value_dup (r, 0, 8);
      out->notice_read = bool_at (r, 0, 9);
      out->updated_at = INT_AT (r, 0, 10);
      out->history = g_array_new (FALSE, TRUE, sizeof (KouanStoredClaimEvent));
      g_array_set_clear_func (out->history, (GDestroyNotify) kouan_stored_claim_event_clear);
      for (int i = 0; i < PQntuples (r); i++)
        {
          KouanStoredClaimEvent event;

          if (PQgetisnull (r, i, 11))
            continue;   /* no history: the LEFT JOIN's one empty row */
          event.status = value_dup (r, i, 11);
          event.comment = value_dup (r, i, 12);
          event.at = INT_AT (r, i, 13);
          g_array_append_val (out->history, event);
        }
    }
  PQclear (r);
  return TRUE;
}

/* Records claim @claim_id's change with its JSON as it now reads */
static gboolean
record_claim (KouanStorage *storage, gint64 enterprise_id, gint64 claim_id, GError **error)
{
  INT (eid, enterprise_id);
  INT (cid, claim_id);
  const char *params[] = { eid, cid };

  return record_result (storage, enterprise_id, "insurance_claims", RUN (
    "SELECT c.id, " CLAIM_JSON
    " FROM insurance_claims c JOIN insurance_policies p ON p.id = c.policy_id"
    " WHERE c.id = $2 AND c.enterprise_id = $1", 2, params, "Recording a change"), error);
}

static gboolean
claim_notice_read_set (KouanStorage *storage, gint64 enterprise_id, gint64 claim_id,
                       gboolean notice_read, GError **error)
{
  INT (eid, enterprise_id);
  INT (cid, claim_id);
  const char *params[] = { eid, cid, notice_read ? "true" : "false" };
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = record_result (storage, enterprise_id, "insurance_claims", RUN (
    "WITH c AS (UPDATE insurance_claims SET notice_read = $3"
    "   WHERE id = $2 AND enterprise_id = $1 AND notice_read <> $3 RETURNING *)"
    " SELECT c.id, " CLAIM_JSON " FROM c JOIN insurance_policies p ON p.id = c.policy_id",
    3, params, "Updating a claim"), error);
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

static gboolean
insert_claim (KouanStorage *storage, const KouanStoredClaim *claim, gint64 *out_id,
              GError **error)
{
  INT (eid, claim->enterprise_id);
  INT (pid, claim->policy_id);
  INT (amount, claim->amount);
  INT (at, claim->updated_at);
  const char *params[] = { eid, pid, claim->number, claim->buyer, amount, claim->currency,
                           claim->loss_on, claim->submitted_on, claim->status,
                           claim->notice_read ? "true" : "false", at };
  PGresult *r = RUN (
    "INSERT INTO insurance_claims (enterprise_id, policy_id, number, buyer, amount, currency,"
    "                              loss_on, submitted_on, status, notice_read, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    11, params, "Inserting a claim");
  gint64 id;

  if (r == NULL)
    return FALSE;
  id = INT_AT (r, 0, 0);
  PQclear (r);

  for (guint i = 0; claim->history != NULL && i < claim->history->len; i++)
    {
      const KouanStoredClaimEvent *event = &g_array_index (claim->history, KouanStoredClaimEvent, i);
      INT (cid, id);
      INT (when, event->at);
      const char *event_params[] = { eid, cid, event->status,
                                     event->comment != NULL ? event->comment : "", when };

      if (!RUN_DONE ("INSERT INTO insurance_claim_events (enterprise_id, claim_id, status, comment, at)"
                     " VALUES ($1, $2, $3, $4, $5)", 5, event_params, "Inserting a claim's history"))
        return FALSE;
    }
  *out_id = id;
  return TRUE;
}

static gboolean
claim_insert (KouanStorage *storage, const KouanStoredClaim *claim, gint64 *out_id,
              GError **error)
{
  gboolean own, ok;
  gint64 id = 0;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* one change, with the whole history */
  ok = insert_claim (storage, claim, &id, error) &&
       record_claim (storage, claim->enterprise_id, id, error);
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/* ---- subscription categories --------------------------------------- */

static gboolean
category_get (KouanStorage *storage, gint64 enterprise_id, gint64 category_id,
              gint64 user_id, KouanStoredInsuranceCategory *out, GError **error)
{
  INT (eid, enterprise_id);
  INT (cid, category_id);
  INT (uid, user_id);
  const char *params[] = { eid, cid, uid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT c.name, c.position, s.category_id IS NOT NULL"
           " FROM insurance_categories c LEFT JOIN insurance_subscriptions s"
           "   ON s.category_id = c.id AND s.user_id = $3 AND s.enterprise_id = $1"
           " WHERE c.id = $2", 3, params, "Reading a category");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->id = category_id;
      out->name = value_dup (r, 0, 0);
      out->position = INT_AT (r, 0, 1);
      out->subscribed = bool_at (r, 0, 2);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
store_subscription (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                    gint64 category_id, gboolean subscribed, GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  INT (cid, category_id);
  const char *params[] = { eid, uid, cid };
  PGresult *r;
  gboolean ok;

  /* the row's insert or delete, or nothing: then no change */
  if (subscribed)
    r = RUN ("INSERT INTO insurance_subscriptions (enterprise_id, user_id, category_id)"
             " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING category_id",
             3, params, "Changing a subscription");
  else
    r = RUN ("DELETE FROM insurance_subscriptions"
             " WHERE enterprise_id = $1 AND user_id = $2 AND category_id = $3"
             " RETURNING category_id", 3, params, "Changing a subscription");
  if (r == NULL)
    return FALSE;
  ok = PQntuples (r) == 0;
  PQclear (r);
  if (ok)
    return TRUE;

  r = RUN ("SELECT " CATEGORY_JSON ("EXISTS (SELECT 1 FROM insurance_subscriptions s"
           "   WHERE s.enterprise_id = $1 AND s.user_id = $2 AND s.category_id = c.id)")
           " FROM insurance_categories c WHERE c.id = $3", 3, params, "Recording a change");
  if (r == NULL)
    return FALSE;
  ok = PQntuples (r) != 1 ||
       storage->feed->change_record (storage, enterprise_id, user_id, "insurance_categories",
                                     category_id, PQgetvalue (r, 0, 0), error);
  PQclear (r);
  return ok;
}

static gboolean
subscription_set (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                  gint64 category_id, gboolean subscribed, GError **error)
{
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = store_subscription (storage, enterprise_id, user_id, category_id, subscribed, error);
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

/* ---- risk articles ------------------------------------------------- */

static gboolean
article_get (KouanStorage *storage, gint64 article_id, KouanStoredRiskArticle *out,
             GError **error)
{
  INT (aid, article_id);
  const char *params[] = { aid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT title, source, published_at, country, industry, category_id, body"
           " FROM risk_articles WHERE id = $1", 1, params, "Reading a risk article");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->id = article_id;
      out->title = value_dup (r, 0, 0);
      out->source = value_dup (r, 0, 1);
      out->published_at = INT_AT (r, 0, 2);
      out->country = value_dup (r, 0, 3);
      out->industry = value_dup (r, 0, 4);
      out->category_id = INT_AT (r, 0, 5);
      out->body = value_dup (r, 0, 6);
    }
  PQclear (r);
  return TRUE;
}

/* One notice to each enterprise where somebody subscribed to the
 * article's category (docs/api.md, "Credit insurance"; the same text as
 * the SQLite trigger risk_articles_insert) */
static gboolean
post_notices (KouanStorage *storage, const KouanStoredRiskArticle *article, GError **error)
{
  INT (cid, article->category_id);
  const char *params[] = { cid };
  g_autofree char *excerpt = g_utf8_substring (article->body, 0,
                                               MIN (g_utf8_strlen (article->body, -1), 300));
  g_autofree char *body = g_strdup_printf ("%s · %s · %s\n\n%s", article->country,
                                           article->industry, article->source, excerpt);
  PGresult *r = RUN ("SELECT DISTINCT s.enterprise_id, c.name"
                     " FROM insurance_subscriptions s JOIN insurance_categories c ON c.id = s.category_id"
                     " WHERE s.category_id = $1 ORDER BY 1", 1, params, "Posting notices");
  gboolean ok = r != NULL;

  for (int i = 0; ok && i < PQntuples (r); i++)
    {
      g_autofree char *title = g_strdup_printf ("【%s】%s", PQgetvalue (r, i, 1), article->title);
      KouanStoredMessage message = {
        .kind = (char *) "notice", .category = (char *) "信息订阅",
        .title = title, .body = body, .created_at = article->published_at,
      };

      ok = storage->messages->message_post (storage, INT_AT (r, i, 0), &message, NULL, 0,
                                            NULL, error);
    }
  PQclear (r);
  return ok;
}

static gboolean
insert_article (KouanStorage *storage, const KouanStoredRiskArticle *article, gint64 *out_id,
                GError **error)
{
  INT (at, article->published_at);
  INT (cid, article->category_id);
  const char *params[] = { article->title, article->source, at, article->country,
                           article->industry, cid, article->body };
  PGresult *r = RUN (
    "WITH a AS (INSERT INTO risk_articles (title, source, published_at, country, industry,"
    "   category_id, body) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *)"
    " SELECT a.id, " ARTICLE_JSON ", e.enterprise_id"
    " FROM a LEFT JOIN insurance_enterprises e ON true ORDER BY e.enterprise_id",
    7, params, "Inserting a risk article");
  gboolean ok = TRUE;

  if (r == NULL)
    return FALSE;
  *out_id = INT_AT (r, 0, 0);
  /* one change in each open enterprise's feed */
  for (int i = 0; ok && i < PQntuples (r); i++)
    ok = PQgetisnull (r, i, 2) ||
         storage->feed->change_record (storage, INT_AT (r, i, 2), 0, "risk_articles",
                                       *out_id, PQgetvalue (r, i, 1), error);
  PQclear (r);
  return ok && post_notices (storage, article, error);
}

static gboolean
article_insert (KouanStorage *storage, const KouanStoredRiskArticle *article, gint64 *out_id,
                GError **error)
{
  gboolean own, ok;
  gint64 id = 0;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = insert_article (storage, article, &id, error);
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

const KouanStorageInsurance _kouan_storage_pg_insurance = {
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
