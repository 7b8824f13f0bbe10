/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one rule for how a role grant (and a member holding grants) stands
 * on a given day. The server uses it for the staff list and its status
 * filter (as an SQL function), the app for every list, filter and the
 * member's own 我的角色 page, so the three never disagree.
 *
 * Days are ISO calendar days ("2026-03-01") in China's time (UTC+8, no
 * daylight saving): both the first and the last day of a grant count. */

typedef enum {
  KOUAN_GRANT_STATUS_PENDING,   /* 未生效: starts on a later day */
  KOUAN_GRANT_STATUS_ACTIVE,    /* 生效中 */
  KOUAN_GRANT_STATUS_EXPIRING,  /* 即将到期: ends within KOUAN_GRANT_EXPIRING_DAYS */
  KOUAN_GRANT_STATUS_EXPIRED,   /* 已过期: its last day has passed */
  KOUAN_GRANT_STATUS_DISABLED,  /* 已停用: the membership is disabled */
} KouanGrantStatus;

/* A grant whose last day is today or at most this many days later is
 * "expiring" (so on 03-24 a grant ending 03-31 is expiring). */
#define KOUAN_GRANT_EXPIRING_DAYS 7

/* Today in China, "YYYY-MM-DD" (transfer full). */
char            *kouan_grant_today              (void);
/* TRUE if @day is a real calendar day written "YYYY-MM-DD". */
gboolean         kouan_grant_day_is_valid       (const char *day);

/* How a grant from @starts_on to @ends_on (nullable: open-ended) stands on
 * @today. @days_left: (out) (optional): days until its last day for an
 * active or expiring grant with an end (0 on the last day), else -1. */
KouanGrantStatus kouan_grant_status_for         (const char *starts_on,
                                                 const char *ends_on,
                                                 const char *today,
                                                 int        *days_left);

/* A member's status folds the statuses of their grants: the best one
 * counts (active, then expiring, then pending, then expired); a member
 * without grants is active; a disabled membership is disabled whatever
 * the grants say. @day names the date that goes with the status: the
 * earliest start of a pending member, the latest end of an expiring one. */
typedef struct {
  KouanGrantStatus status;
  gboolean         any;
  char             day[11];
} KouanMemberStatusFold;

void             kouan_member_status_fold_init   (KouanMemberStatusFold *fold);
void             kouan_member_status_fold_add    (KouanMemberStatusFold *fold,
                                                  const char            *starts_on,
                                                  const char            *ends_on,
                                                  const char            *today);
KouanGrantStatus kouan_member_status_fold_result (KouanMemberStatusFold *fold,
                                                  gboolean               disabled,
                                                  const char           **day);

/* The status as the API spells it: "pending", "active", "expiring",
 * "expired", "disabled". */
const char      *kouan_grant_status_to_string   (KouanGrantStatus status);
/* FALSE for anything else (a strict codec). */
gboolean         kouan_grant_status_from_string (const char       *text,
                                                 KouanGrantStatus *status);

/* What a person reads, translated: 未生效（2026年3月1日起）, 生效中,
 * 即将到期（2026年3月31日止）, 已过期, 已停用. @day: (nullable): the start
 * of a pending or the end of an expiring status; without it the plain
 * word. (transfer full) */
char            *kouan_grant_status_describe    (KouanGrantStatus status,
                                                 const char      *day);
/* The plain word, for a filter menu. */
const char      *kouan_grant_status_label       (KouanGrantStatus status);

G_END_DECLS
