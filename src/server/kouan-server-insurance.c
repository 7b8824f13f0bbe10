/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-server.h"

/* Credit insurance (信用保险): the enterprise's policies and claims, the
 * information subscription categories (with the user's own "subscribed"
 * flag) and the insurer's risk articles. All four are synced collections;
 * the schema and the triggers that record their changes are migration
 * "credit insurance" in kouan-server-db.c. Risk articles belong to no
 * enterprise: every enterprise's feed carries them, and inserting one
 * (by whatever writer: the demo, an import, a test) posts a notice to
 * each enterprise where somebody subscribed to its category. */

#define COMMENT_MAX 500

#define rejected kouan_server_mutation_rejected

/* ---- policies ------------------------------------------------------ */

static JsonObject *
policy_json (KouanServer *self,
             gint64       enterprise_id,
             gint64       policy_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT number, buyer, buyer_country, amount, currency, starts_on, ends_on,"
    "       status, comment, notice_read, updated_at"
    " FROM insurance_policies WHERE id = ?2 AND enterprise_id = ?1");
  JsonObject *policy = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, policy_id);
  if (kouan_server_db_row (self, stmt))
    {
      policy = json_object_new ();
      json_object_set_int_member (policy, "id", policy_id);
      json_object_set_string_member (policy, "number", kouan_server_db_column_text (stmt, 0));
      json_object_set_string_member (policy, "buyer", kouan_server_db_column_text (stmt, 1));
      json_object_set_string_member (policy, "buyer_country", kouan_server_db_column_text (stmt, 2));
      json_object_set_int_member (policy, "amount", sqlite3_column_int64 (stmt, 3));
      json_object_set_string_member (policy, "currency", kouan_server_db_column_text (stmt, 4));
      json_object_set_string_member (policy, "starts_on", kouan_server_db_column_text (stmt, 5));
      json_object_set_string_member (policy, "ends_on", kouan_server_db_column_text (stmt, 6));
      json_object_set_string_member (policy, "status", kouan_server_db_column_text (stmt, 7));
      json_object_set_string_member (policy, "comment", kouan_server_db_column_text (stmt, 8));
      json_object_set_boolean_member (policy, "notice_read", sqlite3_column_int (stmt, 9) != 0);
      json_object_set_int_member (policy, "updated_at", sqlite3_column_int64 (stmt, 10));
    }
  sqlite3_reset (stmt);
  return policy;
}

static JsonObject *
materialise_policy (KouanServer *self,
                    gint64       enterprise_id,
                    gint64       record_id,
                    gint64       user_id)
{
  return policy_json (self, enterprise_id, record_id);
}

/* Edits an enterprise may make to a policy: confirm a pending one
 * ({"status": "effective"}: the insurer's effective notice follows at
 * once, unread), return a pending one with a comment ({"status":
 * "returned", "comment": "…"}), or mark the effective notice read
 * ({"notice_read": true}). Everything else belongs to the insurer. */
static JsonObject *
apply_policy (KouanServer                *self,
              const KouanServerMutation  *mutation,
              gint64                      enterprise_id,
              gint64                      user_id,
              GError                    **error)
{
  g_autoptr(JsonObject) current = policy_json (self, enterprise_id, mutation->record_id);
  g_autoptr(GList) members = NULL;
  const char *status = NULL, *comment = NULL;
  const char *old_status;
  gboolean notice_read;
  gboolean has_notice_read = FALSE;
  sqlite3_stmt *stmt;

  if (current == NULL)
    return rejected (mutation->id, "not_found", "No such policy", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "Policies only take \"update\"",
                     g_steal_pointer (&current));

  old_status = json_object_get_string_member (current, "status");
  notice_read = json_object_get_boolean_member (current, "notice_read");

  members = json_object_get_members (mutation->fields);
  if (members == NULL)
    return rejected (mutation->id, "invalid_field", "\"fields\" is empty", g_steal_pointer (&current));
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      if (g_str_equal (name, "status"))
        ok = kouan_json_get_string (mutation->fields, name, &status, &local_error);
      else if (g_str_equal (name, "comment"))
        ok = kouan_json_get_string (mutation->fields, name, &comment, &local_error);
      else if (g_str_equal (name, "notice_read"))
        ok = has_notice_read = kouan_json_get_bool (mutation->fields, name, &notice_read, &local_error);
      else
        {
          g_autofree char *message =
            g_strdup_printf ("\"%s\" cannot be changed; editable: status, comment, notice_read", name);
          return rejected (mutation->id, "invalid_field", message, g_steal_pointer (&current));
        }
      if (!ok)
        return rejected (mutation->id, "invalid_field", local_error->message, g_steal_pointer (&current));
    }

  if (comment != NULL && g_strcmp0 (status, "returned") != 0)
    return rejected (mutation->id, "invalid_field",
                     "A comment goes only with {\"status\": \"returned\"}", g_steal_pointer (&current));

  if (status != NULL && g_strcmp0 (status, old_status) != 0)
    {
      if (g_strcmp0 (old_status, "pending") != 0 ||
          (g_strcmp0 (status, "effective") != 0 && g_strcmp0 (status, "returned") != 0))
        {
          g_autofree char *message =
            g_strdup_printf ("A policy in status \"%s\" cannot become \"%s\": only a pending policy "
                             "can be confirmed (\"effective\") or returned (\"returned\")",
                             old_status, status);
          return rejected (mutation->id, "invalid_transition", message, g_steal_pointer (&current));
        }
      if (g_str_equal (status, "returned"))
        {
          g_autofree char *trimmed = g_strstrip (g_strdup (comment != NULL ? comment : ""));

          if (*trimmed == '\0' || g_utf8_strlen (trimmed, -1) > COMMENT_MAX)
            return rejected (mutation->id, "invalid_field",
                             "Returning a policy needs a comment of 1–500 characters",
                             g_steal_pointer (&current));
        }
      else
        /* the insurer's effective notice arrives with the confirmation */
        notice_read = has_notice_read ? notice_read : FALSE;
    }
  else if (status != NULL && comment != NULL)
    return rejected (mutation->id, "invalid_transition", "The policy was already returned",
                     g_steal_pointer (&current));
  else
    status = old_status;

  stmt = kouan_server_db_stmt (self,
    "UPDATE insurance_policies SET status = ?3, comment = coalesce (?4, comment),"
    "  notice_read = ?5, updated_at = ?6"
    " WHERE id = ?2 AND enterprise_id = ?1"
    "   AND (status, comment, notice_read) IS NOT (?3, coalesce (?4, comment), ?5)");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, mutation->record_id);
  sqlite3_bind_text (stmt, 3, status, -1, SQLITE_TRANSIENT);
  if (comment != NULL)
    sqlite3_bind_text (stmt, 4, comment, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_int (stmt, 5, notice_read);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  return kouan_server_mutation_applied (mutation->id,
                                        policy_json (self, enterprise_id, mutation->record_id));
}

/* ---- claims -------------------------------------------------------- */

static JsonArray *
claim_history (KouanServer *self,
               gint64       claim_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT status, comment, at FROM insurance_claim_events"
    " WHERE claim_id = ?1 ORDER BY at, id");
  JsonArray *history = json_array_new ();

  sqlite3_bind_int64 (stmt, 1, claim_id);
  while (kouan_server_db_row (self, stmt))
    {
      JsonObject *event = json_object_new ();

      json_object_set_string_member (event, "status", kouan_server_db_column_text (stmt, 0));
      json_object_set_string_member (event, "comment", kouan_server_db_column_text (stmt, 1));
      json_object_set_int_member (event, "at", sqlite3_column_int64 (stmt, 2));
      json_array_add_object_element (history, event);
    }
  sqlite3_reset (stmt);
  return history;
}

static JsonObject *
claim_json (KouanServer *self,
            gint64       enterprise_id,
            gint64       claim_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT c.number, c.policy_id, p.number, c.buyer, c.amount, c.currency,"
    "       c.loss_on, c.submitted_on, c.status, c.notice_read, c.updated_at"
    " FROM insurance_claims c JOIN insurance_policies p ON p.id = c.policy_id"
    " WHERE c.id = ?2 AND c.enterprise_id = ?1");
  JsonObject *claim = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, claim_id);
  if (kouan_server_db_row (self, stmt))
    {
      claim = json_object_new ();
      json_object_set_int_member (claim, "id", claim_id);
      json_object_set_string_member (claim, "number", kouan_server_db_column_text (stmt, 0));
      json_object_set_int_member (claim, "policy_id", sqlite3_column_int64 (stmt, 1));
      json_object_set_string_member (claim, "policy_number", kouan_server_db_column_text (stmt, 2));
      json_object_set_string_member (claim, "buyer", kouan_server_db_column_text (stmt, 3));
      json_object_set_int_member (claim, "amount", sqlite3_column_int64 (stmt, 4));
      json_object_set_string_member (claim, "currency", kouan_server_db_column_text (stmt, 5));
      json_object_set_string_member (claim, "loss_on", kouan_server_db_column_text (stmt, 6));
      json_object_set_string_member (claim, "submitted_on", kouan_server_db_column_text (stmt, 7));
      json_object_set_string_member (claim, "status", kouan_server_db_column_text (stmt, 8));
      json_object_set_boolean_member (claim, "notice_read", sqlite3_column_int (stmt, 9) != 0);
      json_object_set_int_member (claim, "updated_at", sqlite3_column_int64 (stmt, 10));
    }
  sqlite3_reset (stmt);

  /* after the reset: the history query is another statement */
  if (claim != NULL)
    json_object_set_array_member (claim, "history", claim_history (self, claim_id));
  return claim;
}

static JsonObject *
materialise_claim (KouanServer *self,
                   gint64       enterprise_id,
                   gint64       record_id,
                   gint64       user_id)
{
  return claim_json (self, enterprise_id, record_id);
}

/* The enterprise only reads its claim notices; the status and its
 * history are the insurer's. */
static JsonObject *
apply_claim (KouanServer                *self,
             const KouanServerMutation  *mutation,
             gint64                      enterprise_id,
             gint64                      user_id,
             GError                    **error)
{
  g_autoptr(JsonObject) current = claim_json (self, enterprise_id, mutation->record_id);
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean notice_read;
  sqlite3_stmt *stmt;

  if (current == NULL)
    return rejected (mutation->id, "not_found", "No such claim", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "Claims only take \"update\"",
                     g_steal_pointer (&current));
  members = json_object_get_members (mutation->fields);
  if (members == NULL || members->next != NULL || !g_str_equal (members->data, "notice_read"))
    return rejected (mutation->id, "invalid_field", "A claim update takes only \"notice_read\"",
                     g_steal_pointer (&current));
  if (!kouan_json_get_bool (mutation->fields, "notice_read", &notice_read, &local_error))
    return rejected (mutation->id, "invalid_field", local_error->message, g_steal_pointer (&current));

  stmt = kouan_server_db_stmt (self,
    "UPDATE insurance_claims SET notice_read = ?3"
    " WHERE id = ?2 AND enterprise_id = ?1 AND notice_read IS NOT ?3");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, mutation->record_id);
  sqlite3_bind_int (stmt, 3, notice_read);
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  return kouan_server_mutation_applied (mutation->id,
                                        claim_json (self, enterprise_id, mutation->record_id));
}

/* ---- subscription categories --------------------------------------- */

static JsonObject *
category_json (KouanServer *self,
               gint64       enterprise_id,
               gint64       category_id,
               gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT c.name, c.position, s.category_id IS NOT NULL"
    " FROM insurance_categories c LEFT JOIN insurance_subscriptions s"
    "   ON s.category_id = c.id AND s.user_id = ?3 AND s.enterprise_id = ?1"
    " WHERE c.id = ?2");
  JsonObject *category = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, category_id);
  sqlite3_bind_int64 (stmt, 3, user_id);
  if (kouan_server_db_row (self, stmt))
    {
      category = json_object_new ();
      json_object_set_int_member (category, "id", category_id);
      json_object_set_string_member (category, "name", kouan_server_db_column_text (stmt, 0));
      json_object_set_int_member (category, "position", sqlite3_column_int64 (stmt, 1));
      json_object_set_boolean_member (category, "subscribed", sqlite3_column_int (stmt, 2) != 0);
    }
  sqlite3_reset (stmt);
  return category;
}

static JsonObject *
materialise_category (KouanServer *self,
                      gint64       enterprise_id,
                      gint64       record_id,
                      gint64       user_id)
{
  return category_json (self, enterprise_id, record_id, user_id);
}

/* {"subscribed": bool}: the user's own subscription in this enterprise */
static JsonObject *
apply_category (KouanServer                *self,
                const KouanServerMutation  *mutation,
                gint64                      enterprise_id,
                gint64                      user_id,
                GError                    **error)
{
  g_autoptr(JsonObject) current = category_json (self, enterprise_id, mutation->record_id, user_id);
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean subscribed;
  sqlite3_stmt *stmt;

  if (current == NULL)
    return rejected (mutation->id, "not_found", "No such subscription category", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "Categories only take \"update\"",
                     g_steal_pointer (&current));
  members = json_object_get_members (mutation->fields);
  if (members == NULL || members->next != NULL || !g_str_equal (members->data, "subscribed"))
    return rejected (mutation->id, "invalid_field", "A category update takes only \"subscribed\"",
                     g_steal_pointer (&current));
  if (!kouan_json_get_bool (mutation->fields, "subscribed", &subscribed, &local_error))
    return rejected (mutation->id, "invalid_field", local_error->message, g_steal_pointer (&current));

  if (subscribed)
    stmt = kouan_server_db_stmt (self,
      "INSERT INTO insurance_subscriptions (user_id, enterprise_id, category_id)"
      " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  else
    stmt = kouan_server_db_stmt (self,
      "DELETE FROM insurance_subscriptions"
      " WHERE user_id = ?1 AND enterprise_id = ?2 AND category_id = ?3");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  sqlite3_bind_int64 (stmt, 3, mutation->record_id);
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  return kouan_server_mutation_applied (mutation->id,
                                        category_json (self, enterprise_id,
                                                       mutation->record_id, user_id));
}

/* ---- risk articles ------------------------------------------------- */

static JsonObject *
materialise_article (KouanServer *self,
                     gint64       enterprise_id,
                     gint64       record_id,
                     gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT title, source, published_at, country, industry, category_id, body"
    " FROM risk_articles WHERE id = ?1");
  JsonObject *article = NULL;

  sqlite3_bind_int64 (stmt, 1, record_id);
  if (kouan_server_db_row (self, stmt))
    {
      article = json_object_new ();
      json_object_set_int_member (article, "id", record_id);
      json_object_set_string_member (article, "title", kouan_server_db_column_text (stmt, 0));
      json_object_set_string_member (article, "source", kouan_server_db_column_text (stmt, 1));
      json_object_set_int_member (article, "published_at", sqlite3_column_int64 (stmt, 2));
      json_object_set_string_member (article, "country", kouan_server_db_column_text (stmt, 3));
      json_object_set_string_member (article, "industry", kouan_server_db_column_text (stmt, 4));
      json_object_set_int_member (article, "category_id", sqlite3_column_int64 (stmt, 5));
      json_object_set_string_member (article, "body", kouan_server_db_column_text (stmt, 6));
    }
  sqlite3_reset (stmt);
  return article;
}

static const KouanServerCollection policies_collection = {
  .name = "insurance_policies",
  .view_permission = "insurance.policies:view",
  .manage_permission = "insurance.policies:manage",
  .materialise = materialise_policy,
  .apply = apply_policy,
};

static const KouanServerCollection claims_collection = {
  .name = "insurance_claims",
  .view_permission = "insurance.claims:view",
  .manage_permission = "insurance.claims:manage",
  .materialise = materialise_claim,
  .apply = apply_claim,
};

static const KouanServerCollection categories_collection = {
  .name = "insurance_categories",
  .view_permission = "insurance.subscriptions:view",
  .manage_permission = "insurance.subscriptions:manage",
  .materialise = materialise_category,
  .apply = apply_category,
};

static const KouanServerCollection articles_collection = {
  .name = "risk_articles",
  .view_permission = "insurance.risk:view",
  .materialise = materialise_article,
};

void
kouan_server_insurance_install (KouanServer *self)
{
  kouan_server_collections_add (self, &policies_collection);
  kouan_server_collections_add (self, &claims_collection);
  kouan_server_collections_add (self, &categories_collection);
  kouan_server_collections_add (self, &articles_collection);
}
