/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-collection.h"
#include "kouan-insurance.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* Credit insurance in the offline cache (kouan-store-insurance.c): the
 * synced collections "insurance_policies", "insurance_claims",
 * "insurance_categories" and "risk_articles", the counts behind the
 * service center's shortcuts, the enterprise's edits (through the outbox)
 * and the risk search, which runs on an FTS5 index of the cached articles
 * (tokenizer: kouan-cjk-tokenizer.h). */

/* for kouan-collections.c */
extern const KouanCollection kouan_insurance_policies_collection;
extern const KouanCollection kouan_insurance_claims_collection;
extern const KouanCollection kouan_insurance_categories_collection;
extern const KouanCollection kouan_risk_articles_collection;

typedef struct {
  guint pending_policies;   /* 待确认保单 */
  guint policy_notices;     /* 保单生效通知: effective, notice unread */
  guint claim_notices;      /* 索赔申请通知: claims with unread news */
} KouanInsuranceCounts;

gboolean    kouan_store_insurance_counts  (KouanStore            *self,
                                           gint64                 enterprise_id,
                                           KouanInsuranceCounts  *out,
                                           GError               **error);

typedef enum {
  KOUAN_POLICY_FILTER_ALL,
  KOUAN_POLICY_FILTER_PENDING,   /* awaiting the enterprise's confirmation */
  KOUAN_POLICY_FILTER_NOTICES,   /* effective, notice not read yet */
} KouanPolicyFilter;

typedef enum {
  KOUAN_CLAIM_FILTER_ALL,
  KOUAN_CLAIM_FILTER_NOTICES,    /* news not read yet */
} KouanClaimFilter;

/* (transfer full) (element-type KouanPolicy), newest first */
GPtrArray  *kouan_store_list_policies     (KouanStore        *self,
                                           gint64             enterprise_id,
                                           KouanPolicyFilter  filter,
                                           GError           **error);
/* (nullable): NULL without error when the policy is not cached */
KouanPolicy *kouan_store_get_policy       (KouanStore        *self,
                                           gint64             enterprise_id,
                                           gint64             id,
                                           GError           **error);
/* (transfer full) (element-type KouanClaim), newest first */
GPtrArray  *kouan_store_list_claims       (KouanStore        *self,
                                           gint64             enterprise_id,
                                           KouanClaimFilter   filter,
                                           GError           **error);
KouanClaim *kouan_store_get_claim         (KouanStore        *self,
                                           gint64             enterprise_id,
                                           gint64             id,
                                           GError           **error);
/* (transfer full) (element-type KouanInsuranceCategory) in menu order */
GPtrArray  *kouan_store_list_insurance_categories (KouanStore *self,
                                                   gint64      enterprise_id,
                                                   GError    **error);

/* Edits, queued for the server (KOUAN_STORE_ERROR_INVALID for a
 * transition the policy's status does not allow) */
gboolean    kouan_store_confirm_policy    (KouanStore   *self,
                                           KouanPolicy  *policy,
                                           GError      **error);
/* @comment: why the enterprise returns it, 1–500 characters */
gboolean    kouan_store_return_policy     (KouanStore   *self,
                                           KouanPolicy  *policy,
                                           const char   *comment,
                                           GError      **error);
/* No-ops when the notice is already read */
gboolean    kouan_store_read_policy_notice (KouanStore  *self,
                                            KouanPolicy *policy,
                                            GError     **error);
gboolean    kouan_store_read_claim_notice (KouanStore   *self,
                                           KouanClaim   *claim,
                                           GError      **error);
gboolean    kouan_store_set_subscribed    (KouanStore   *self,
                                           gint64        enterprise_id,
                                           gint64        category_id,
                                           gboolean      subscribed,
                                           GError      **error);

/* Risk search; NULL or "" conditions do not filter. */
typedef struct {
  const char *keyword;        /* see kouan_cjk_match_expression() */
  const char *country;
  const char *industry;
  gint64      category_id;    /* 0: any */
  /* > 0: only categories this enterprise's user subscribed to */
  gint64      subscribed_in;
} KouanRiskQuery;

/* (transfer full) ids of the matching articles, newest first. Safe from
 * a worker thread. */
GArray     *kouan_store_search_risk_articles (KouanStore           *self,
                                              const KouanRiskQuery *query,
                                              GError              **error);
/* Fills @out (element-type KouanRiskArticle) with the rows of @ids in
 * order; an article deleted meanwhile is added as NULL. */
gboolean    kouan_store_load_risk_articles   (KouanStore    *self,
                                              const gint64  *ids,
                                              guint          n_ids,
                                              GPtrArray     *out,
                                              GError       **error);
KouanRiskArticle *kouan_store_get_risk_article (KouanStore  *self,
                                                gint64       id,
                                                GError     **error);
/* (transfer full) (element-type KouanRiskArticle): articles with an id
 * above @after_id, published at or after @published_since (unix time), in
 * categories the user subscribed to in @enterprise_id; oldest first, at
 * most 50. What a desktop notification announces. */
GPtrArray  *kouan_store_list_new_subscribed_articles (KouanStore  *self,
                                                      gint64       enterprise_id,
                                                      gint64       after_id,
                                                      gint64       published_since,
                                                      GError     **error);
/* (transfer full): the distinct countries or industries of the cached
 * articles, sorted; @column is "country" or "industry" */
GStrv       kouan_store_list_risk_facet      (KouanStore   *self,
                                              const char   *column,
                                              GError      **error);

G_END_DECLS
