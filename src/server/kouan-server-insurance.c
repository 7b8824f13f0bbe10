/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-server.h"

/* Credit insurance (信用保险): the enterprise's policies and claims, the
 * information subscription categories (with the user's own "subscribed"
 * flag) and the insurer's risk articles. All four are synced collections;
 * their SQL is the insurance area of storage (KouanStorageInsurance,
 * src/server/storage/{sqlite,postgres}/…-insurance.c), which records each
 * write's change of the feed. Risk articles belong to no enterprise: every
 * enterprise's feed carries them, and inserting one posts a notice to
 * each enterprise where somebody subscribed to its category. */

#define COMMENT_MAX 500

#define rejected kouan_server_mutation_rejected

/* A storage failure of a read: kept as the request's database failure
 * (the router answers 500); NULL stands for "no record" to the caller. */
#define READ_OR_NULL(call) \
  G_STMT_START { \
    g_autoptr(GError) read_error = NULL; \
    if (!(call)) \
      { \
        kouan_server_storage_failed (self, read_error); \
        return NULL; \
      } \
  } G_STMT_END

/* ---- policies ------------------------------------------------------ */

static JsonObject *
policy_json (KouanServer *self,
             gint64       enterprise_id,
             gint64       policy_id)
{
  g_auto(KouanStoredPolicy) stored = { 0 };
  JsonObject *policy;

  READ_OR_NULL (self->storage->insurance->policy_get (self->storage, enterprise_id, policy_id,
                                                      &stored, &read_error));
  if (stored.id == 0)
    return NULL;
  policy = json_object_new ();
  json_object_set_int_member (policy, "id", stored.id);
  json_object_set_string_member (policy, "number", stored.number);
  json_object_set_string_member (policy, "buyer", stored.buyer);
  json_object_set_string_member (policy, "buyer_country", stored.buyer_country);
  json_object_set_int_member (policy, "amount", stored.amount);
  json_object_set_string_member (policy, "currency", stored.currency);
  json_object_set_string_member (policy, "starts_on", stored.starts_on);
  json_object_set_string_member (policy, "ends_on", stored.ends_on);
  json_object_set_string_member (policy, "status", stored.status);
  json_object_set_string_member (policy, "comment", stored.comment);
  json_object_set_boolean_member (policy, "notice_read", stored.notice_read);
  json_object_set_int_member (policy, "updated_at", stored.updated_at);
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

  if (!self->storage->insurance->policy_update (self->storage, enterprise_id, mutation->record_id,
                                                status, comment, notice_read,
                                                g_get_real_time () / G_USEC_PER_SEC, error))
    return NULL;

  return kouan_server_mutation_applied (mutation->id,
                                        policy_json (self, enterprise_id, mutation->record_id));
}

/* ---- claims -------------------------------------------------------- */

static JsonObject *
claim_json (KouanServer *self,
            gint64       enterprise_id,
            gint64       claim_id)
{
  g_auto(KouanStoredClaim) stored = { 0 };
  JsonObject *claim;
  JsonArray *history;

  READ_OR_NULL (self->storage->insurance->claim_get (self->storage, enterprise_id, claim_id,
                                                     &stored, &read_error));
  if (stored.id == 0)
    return NULL;
  claim = json_object_new ();
  json_object_set_int_member (claim, "id", stored.id);
  json_object_set_string_member (claim, "number", stored.number);
  json_object_set_int_member (claim, "policy_id", stored.policy_id);
  json_object_set_string_member (claim, "policy_number", stored.policy_number);
  json_object_set_string_member (claim, "buyer", stored.buyer);
  json_object_set_int_member (claim, "amount", stored.amount);
  json_object_set_string_member (claim, "currency", stored.currency);
  json_object_set_string_member (claim, "loss_on", stored.loss_on);
  json_object_set_string_member (claim, "submitted_on", stored.submitted_on);
  json_object_set_string_member (claim, "status", stored.status);
  json_object_set_boolean_member (claim, "notice_read", stored.notice_read);
  json_object_set_int_member (claim, "updated_at", stored.updated_at);
  history = json_array_new ();
  for (guint i = 0; stored.history != NULL && i < stored.history->len; i++)
    {
      const KouanStoredClaimEvent *step = &g_array_index (stored.history, KouanStoredClaimEvent, i);
      JsonObject *event = json_object_new ();

      json_object_set_string_member (event, "status", step->status);
      json_object_set_string_member (event, "comment", step->comment);
      json_object_set_int_member (event, "at", step->at);
      json_array_add_object_element (history, event);
    }
  json_object_set_array_member (claim, "history", history);
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

  if (!self->storage->insurance->claim_notice_read_set (self->storage, enterprise_id,
                                                        mutation->record_id, notice_read, error))
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
  g_auto(KouanStoredInsuranceCategory) stored = { 0 };
  JsonObject *category;

  READ_OR_NULL (self->storage->insurance->category_get (self->storage, enterprise_id, category_id,
                                                        user_id, &stored, &read_error));
  if (stored.id == 0)
    return NULL;
  category = json_object_new ();
  json_object_set_int_member (category, "id", stored.id);
  json_object_set_string_member (category, "name", stored.name);
  json_object_set_int_member (category, "position", stored.position);
  json_object_set_boolean_member (category, "subscribed", stored.subscribed);
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

  if (!self->storage->insurance->subscription_set (self->storage, enterprise_id, user_id,
                                                   mutation->record_id, subscribed, error))
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
  g_auto(KouanStoredRiskArticle) stored = { 0 };
  JsonObject *article;

  READ_OR_NULL (self->storage->insurance->article_get (self->storage, record_id, &stored,
                                                       &read_error));
  if (stored.id == 0)
    return NULL;
  article = json_object_new ();
  json_object_set_int_member (article, "id", stored.id);
  json_object_set_string_member (article, "title", stored.title);
  json_object_set_string_member (article, "source", stored.source);
  json_object_set_int_member (article, "published_at", stored.published_at);
  json_object_set_string_member (article, "country", stored.country);
  json_object_set_string_member (article, "industry", stored.industry);
  json_object_set_int_member (article, "category_id", stored.category_id);
  json_object_set_string_member (article, "body", stored.body);
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
