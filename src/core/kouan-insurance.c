/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-insurance.h"
#include "kouan-json.h"

G_DEFINE_FINAL_TYPE (KouanPolicy, kouan_policy, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (KouanClaim, kouan_claim, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (KouanInsuranceCategory, kouan_insurance_category, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (KouanRiskArticle, kouan_risk_article, G_TYPE_OBJECT)

/* policies */

static void
kouan_policy_finalize (GObject *object)
{
  KouanPolicy *self = KOUAN_POLICY (object);

  g_free (self->number);
  g_free (self->buyer);
  g_free (self->buyer_country);
  g_free (self->currency);
  g_free (self->starts_on);
  g_free (self->ends_on);
  g_free (self->status);
  g_free (self->comment);
  G_OBJECT_CLASS (kouan_policy_parent_class)->finalize (object);
}

static void
kouan_policy_class_init (KouanPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_policy_finalize;
}

static void
kouan_policy_init (KouanPolicy *self)
{
}

static gboolean
is_policy_status (const char *status)
{
  return g_strcmp0 (status, "pending") == 0 || g_strcmp0 (status, "effective") == 0 ||
         g_strcmp0 (status, "expired") == 0 || g_strcmp0 (status, "rejected") == 0 ||
         g_strcmp0 (status, "returned") == 0;
}

static gboolean
is_claim_status (const char *status)
{
  return g_strcmp0 (status, "submitted") == 0 || g_strcmp0 (status, "reviewing") == 0 ||
         g_strcmp0 (status, "paid") == 0 || g_strcmp0 (status, "rejected") == 0;
}

KouanPolicy *
kouan_policy_new_from_json (JsonObject  *record,
                            gint64       enterprise_id,
                            GError     **error)
{
  const char *number, *buyer, *country, *currency, *starts_on, *ends_on, *status, *comment;
  gint64 id, amount, updated_at;
  gboolean notice_read;
  KouanPolicy *self;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_string (record, "number", &number, error) ||
      !kouan_json_get_string (record, "buyer", &buyer, error) ||
      !kouan_json_get_string (record, "buyer_country", &country, error) ||
      !kouan_json_get_int (record, "amount", &amount, error) ||
      !kouan_json_get_string (record, "currency", &currency, error) ||
      !kouan_json_get_string (record, "starts_on", &starts_on, error) ||
      !kouan_json_get_string (record, "ends_on", &ends_on, error) ||
      !kouan_json_get_string (record, "status", &status, error) ||
      !kouan_json_get_string (record, "comment", &comment, error) ||
      !kouan_json_get_bool (record, "notice_read", &notice_read, error) ||
      !kouan_json_get_int (record, "updated_at", &updated_at, error))
    return NULL;
  if (!is_policy_status (status))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "Unknown policy status \"%s\"", status);
      return NULL;
    }

  self = g_object_new (KOUAN_TYPE_POLICY, NULL);
  self->enterprise_id = enterprise_id;
  self->id = id;
  self->number = g_strdup (number);
  self->buyer = g_strdup (buyer);
  self->buyer_country = g_strdup (country);
  self->amount = amount;
  self->currency = g_strdup (currency);
  self->starts_on = g_strdup (starts_on);
  self->ends_on = g_strdup (ends_on);
  self->status = g_strdup (status);
  self->comment = g_strdup (comment);
  self->notice_read = notice_read;
  self->updated_at = updated_at;
  return self;
}

gboolean
kouan_policy_transition_is_valid (const char *from,
                                  const char *to)
{
  return g_strcmp0 (from, "pending") == 0 &&
         (g_strcmp0 (to, "effective") == 0 || g_strcmp0 (to, "returned") == 0);
}

/* claims */

static void
clear_event (gpointer data)
{
  KouanClaimEvent *event = data;

  g_free (event->status);
  g_free (event->comment);
}

static void
kouan_claim_finalize (GObject *object)
{
  KouanClaim *self = KOUAN_CLAIM (object);

  g_free (self->number);
  g_free (self->policy_number);
  g_free (self->buyer);
  g_free (self->currency);
  g_free (self->loss_on);
  g_free (self->submitted_on);
  g_free (self->status);
  g_clear_pointer (&self->history, g_array_unref);
  G_OBJECT_CLASS (kouan_claim_parent_class)->finalize (object);
}

static void
kouan_claim_class_init (KouanClaimClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_claim_finalize;
}

static void
kouan_claim_init (KouanClaim *self)
{
  self->history = g_array_new (FALSE, TRUE, sizeof (KouanClaimEvent));
  g_array_set_clear_func (self->history, clear_event);
}

KouanClaim *
kouan_claim_new_from_json (JsonObject  *record,
                           gint64       enterprise_id,
                           GError     **error)
{
  const char *number, *policy_number, *buyer, *currency, *loss_on, *submitted_on, *status;
  gint64 id, policy_id, amount, updated_at;
  gboolean notice_read;
  JsonArray *history;
  g_autoptr(KouanClaim) self = NULL;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_string (record, "number", &number, error) ||
      !kouan_json_get_int (record, "policy_id", &policy_id, error) ||
      !kouan_json_get_string (record, "policy_number", &policy_number, error) ||
      !kouan_json_get_string (record, "buyer", &buyer, error) ||
      !kouan_json_get_int (record, "amount", &amount, error) ||
      !kouan_json_get_string (record, "currency", &currency, error) ||
      !kouan_json_get_string (record, "loss_on", &loss_on, error) ||
      !kouan_json_get_string (record, "submitted_on", &submitted_on, error) ||
      !kouan_json_get_string (record, "status", &status, error) ||
      !kouan_json_get_bool (record, "notice_read", &notice_read, error) ||
      !kouan_json_get_int (record, "updated_at", &updated_at, error) ||
      !kouan_json_get_array (record, "history", &history, error))
    return NULL;
  if (!is_claim_status (status))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "Unknown claim status \"%s\"", status);
      return NULL;
    }

  self = g_object_new (KOUAN_TYPE_CLAIM, NULL);
  self->enterprise_id = enterprise_id;
  self->id = id;
  self->number = g_strdup (number);
  self->policy_id = policy_id;
  self->policy_number = g_strdup (policy_number);
  self->buyer = g_strdup (buyer);
  self->amount = amount;
  self->currency = g_strdup (currency);
  self->loss_on = g_strdup (loss_on);
  self->submitted_on = g_strdup (submitted_on);
  self->status = g_strdup (status);
  self->notice_read = notice_read;
  self->updated_at = updated_at;

  for (guint i = 0; i < json_array_get_length (history); i++)
    {
      JsonNode *node = json_array_get_element (history, i);
      const char *event_status, *comment;
      gint64 at;
      KouanClaimEvent event;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                       "history[%u] must be an object", i);
          return NULL;
        }
      if (!kouan_json_get_string (json_node_get_object (node), "status", &event_status, error) ||
          !kouan_json_get_string (json_node_get_object (node), "comment", &comment, error) ||
          !kouan_json_get_int (json_node_get_object (node), "at", &at, error))
        return NULL;
      event.status = g_strdup (event_status);
      event.comment = g_strdup (comment);
      event.at = at;
      g_array_append_val (self->history, event);
    }
  return g_steal_pointer (&self);
}

/* categories */

static void
kouan_insurance_category_finalize (GObject *object)
{
  KouanInsuranceCategory *self = KOUAN_INSURANCE_CATEGORY (object);

  g_free (self->name);
  G_OBJECT_CLASS (kouan_insurance_category_parent_class)->finalize (object);
}

static void
kouan_insurance_category_class_init (KouanInsuranceCategoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_insurance_category_finalize;
}

static void
kouan_insurance_category_init (KouanInsuranceCategory *self)
{
}

KouanInsuranceCategory *
kouan_insurance_category_new_from_json (JsonObject  *record,
                                        gint64       enterprise_id,
                                        GError     **error)
{
  const char *name;
  gint64 id, position;
  gboolean subscribed;
  KouanInsuranceCategory *self;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_string (record, "name", &name, error) ||
      !kouan_json_get_int (record, "position", &position, error) ||
      !kouan_json_get_bool (record, "subscribed", &subscribed, error))
    return NULL;

  self = g_object_new (KOUAN_TYPE_INSURANCE_CATEGORY, NULL);
  self->enterprise_id = enterprise_id;
  self->id = id;
  self->name = g_strdup (name);
  self->position = position;
  self->subscribed = subscribed;
  return self;
}

/* risk articles */

static void
kouan_risk_article_finalize (GObject *object)
{
  KouanRiskArticle *self = KOUAN_RISK_ARTICLE (object);

  g_free (self->title);
  g_free (self->source);
  g_free (self->country);
  g_free (self->industry);
  g_free (self->body);
  G_OBJECT_CLASS (kouan_risk_article_parent_class)->finalize (object);
}

static void
kouan_risk_article_class_init (KouanRiskArticleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_risk_article_finalize;
}

static void
kouan_risk_article_init (KouanRiskArticle *self)
{
}

KouanRiskArticle *
kouan_risk_article_new_from_json (JsonObject  *record,
                                  GError     **error)
{
  const char *title, *source, *country, *industry, *body;
  gint64 id, published_at, category_id;
  KouanRiskArticle *self;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_string (record, "title", &title, error) ||
      !kouan_json_get_string (record, "source", &source, error) ||
      !kouan_json_get_int (record, "published_at", &published_at, error) ||
      !kouan_json_get_string (record, "country", &country, error) ||
      !kouan_json_get_string (record, "industry", &industry, error) ||
      !kouan_json_get_int (record, "category_id", &category_id, error) ||
      !kouan_json_get_string (record, "body", &body, error))
    return NULL;

  self = g_object_new (KOUAN_TYPE_RISK_ARTICLE, NULL);
  self->id = id;
  self->title = g_strdup (title);
  self->source = g_strdup (source);
  self->published_at = published_at;
  self->country = g_strdup (country);
  self->industry = g_strdup (industry);
  self->category_id = category_id;
  self->body = g_strdup (body);
  return self;
}
