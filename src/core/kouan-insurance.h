/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* Credit insurance (信用保险) records as the cache holds them (docs/api.md,
 * "Credit insurance"). They are plain immutable snapshots of a row, so
 * their fields are public and read directly; a newer version of a row is
 * a new object. */

/* Policy statuses: "pending" (待确认), "effective" (已生效), "expired"
 * (已过期), "rejected" (已拒保), "returned" (已退回). */
#define KOUAN_TYPE_POLICY (kouan_policy_get_type ())
G_DECLARE_FINAL_TYPE (KouanPolicy, kouan_policy, KOUAN, POLICY, GObject)

struct _KouanPolicy
{
  GObject  parent_instance;

  gint64   enterprise_id;
  gint64   id;
  char    *number;
  char    *buyer;
  char    *buyer_country;
  gint64   amount;          /* whole units of @currency */
  char    *currency;
  char    *starts_on;       /* YYYY-MM-DD */
  char    *ends_on;
  char    *status;
  char    *comment;         /* the enterprise's comment when returned */
  gboolean notice_read;     /* the effective notice was read */
  gint64   updated_at;
};

/* Claim statuses: "submitted", "reviewing", "paid", "rejected". */
#define KOUAN_TYPE_CLAIM (kouan_claim_get_type ())
G_DECLARE_FINAL_TYPE (KouanClaim, kouan_claim, KOUAN, CLAIM, GObject)

typedef struct {
  char   *status;
  char   *comment;   /* the insurer's */
  gint64  at;
} KouanClaimEvent;

struct _KouanClaim
{
  GObject  parent_instance;

  gint64   enterprise_id;
  gint64   id;
  char    *number;
  gint64   policy_id;
  char    *policy_number;
  char    *buyer;
  gint64   amount;
  char    *currency;
  char    *loss_on;
  char    *submitted_on;
  char    *status;
  gboolean notice_read;
  gint64   updated_at;
  GArray  *history;         /* KouanClaimEvent, oldest first */
};

#define KOUAN_TYPE_INSURANCE_CATEGORY (kouan_insurance_category_get_type ())
G_DECLARE_FINAL_TYPE (KouanInsuranceCategory, kouan_insurance_category, KOUAN,
                      INSURANCE_CATEGORY, GObject)

struct _KouanInsuranceCategory
{
  GObject  parent_instance;

  gint64   enterprise_id;
  gint64   id;
  char    *name;
  gint64   position;
  gboolean subscribed;      /* by the signed-in user */
};

#define KOUAN_TYPE_RISK_ARTICLE (kouan_risk_article_get_type ())
G_DECLARE_FINAL_TYPE (KouanRiskArticle, kouan_risk_article, KOUAN, RISK_ARTICLE, GObject)

struct _KouanRiskArticle
{
  GObject  parent_instance;

  gint64   id;
  char    *title;
  char    *source;
  gint64   published_at;
  char    *country;
  char    *industry;
  gint64   category_id;
  char    *body;
};

/* Parsers of the feed's records; NULL + KOUAN_JSON_ERROR when a field is
 * missing or has the wrong type. */
KouanPolicy      *kouan_policy_new_from_json       (JsonObject *record,
                                                    gint64      enterprise_id,
                                                    GError    **error);
KouanClaim       *kouan_claim_new_from_json        (JsonObject *record,
                                                    gint64      enterprise_id,
                                                    GError    **error);
KouanInsuranceCategory *
                  kouan_insurance_category_new_from_json (JsonObject *record,
                                                          gint64      enterprise_id,
                                                          GError    **error);
KouanRiskArticle *kouan_risk_article_new_from_json (JsonObject *record,
                                                    GError    **error);

/* May a policy in status @from become @to by the enterprise's hand?
 * Only pending → effective (确认) and pending → returned (退回). */
gboolean          kouan_policy_transition_is_valid (const char *from,
                                                    const char *to);

G_END_DECLS
