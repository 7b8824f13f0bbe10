/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "kouan-format.h"
#include "kouan-grant-status.h"

static const char *const wire_names[] = {
  [KOUAN_GRANT_STATUS_PENDING]  = "pending",
  [KOUAN_GRANT_STATUS_ACTIVE]   = "active",
  [KOUAN_GRANT_STATUS_EXPIRING] = "expiring",
  [KOUAN_GRANT_STATUS_EXPIRED]  = "expired",
  [KOUAN_GRANT_STATUS_DISABLED] = "disabled",
};

char *
kouan_grant_today (void)
{
  /* China has one time zone and no daylight saving: a fixed offset, so
   * the answer is the same on a computer set to any other zone. */
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (8 * 60 * 60);
  g_autoptr(GDateTime) now = g_date_time_new_now (china);

  return g_date_time_format (now, "%Y-%m-%d");
}

static gboolean
parse_day (const char *text,
           GDate      *date)
{
  int year, month, day;
  char tail;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

gboolean
kouan_grant_day_is_valid (const char *day)
{
  GDate date;

  return parse_day (day, &date);
}

KouanGrantStatus
kouan_grant_status_for (const char *starts_on,
                        const char *ends_on,
                        const char *today,
                        int        *days_left)
{
  GDate now, end;
  int left;

  if (days_left != NULL)
    *days_left = -1;
  /* ISO days compare as strings; both ends are inclusive */
  if (g_strcmp0 (today, starts_on) < 0)
    return KOUAN_GRANT_STATUS_PENDING;
  if (ends_on == NULL || *ends_on == '\0')
    return KOUAN_GRANT_STATUS_ACTIVE;
  if (g_strcmp0 (today, ends_on) > 0)
    return KOUAN_GRANT_STATUS_EXPIRED;
  if (!parse_day (today, &now) || !parse_day (ends_on, &end))
    return KOUAN_GRANT_STATUS_ACTIVE;
  left = g_date_days_between (&now, &end);
  if (days_left != NULL)
    *days_left = left;
  return left <= KOUAN_GRANT_EXPIRING_DAYS ? KOUAN_GRANT_STATUS_EXPIRING
                                           : KOUAN_GRANT_STATUS_ACTIVE;
}

void
kouan_member_status_fold_init (KouanMemberStatusFold *fold)
{
  memset (fold, 0, sizeof *fold);
  fold->status = KOUAN_GRANT_STATUS_EXPIRED;
}

/* lower is better for a member: an active grant outweighs the rest */
static int
rank (KouanGrantStatus status)
{
  switch (status)
    {
    case KOUAN_GRANT_STATUS_ACTIVE:   return 0;
    case KOUAN_GRANT_STATUS_EXPIRING: return 1;
    case KOUAN_GRANT_STATUS_PENDING:  return 2;
    case KOUAN_GRANT_STATUS_EXPIRED:
    case KOUAN_GRANT_STATUS_DISABLED:
    default:                          return 3;
    }
}

void
kouan_member_status_fold_add (KouanMemberStatusFold *fold,
                              const char            *starts_on,
                              const char            *ends_on,
                              const char            *today)
{
  KouanGrantStatus status = kouan_grant_status_for (starts_on, ends_on, today, NULL);
  const char *day = status == KOUAN_GRANT_STATUS_PENDING ? starts_on
                    : status == KOUAN_GRANT_STATUS_EXPIRING ? ends_on : NULL;

  if (!fold->any || rank (status) < rank (fold->status))
    {
      fold->status = status;
      g_strlcpy (fold->day, day != NULL ? day : "", sizeof fold->day);
    }
  else if (status == fold->status && day != NULL &&
           /* pending: the first start; expiring: the last end */
           (status == KOUAN_GRANT_STATUS_PENDING ? strcmp (day, fold->day) < 0
                                                 : strcmp (day, fold->day) > 0))
    g_strlcpy (fold->day, day, sizeof fold->day);
  fold->any = TRUE;
}

KouanGrantStatus
kouan_member_status_fold_result (KouanMemberStatusFold *fold,
                                 gboolean               disabled,
                                 const char           **day)
{
  KouanGrantStatus status = disabled ? KOUAN_GRANT_STATUS_DISABLED
                            : fold->any ? fold->status : KOUAN_GRANT_STATUS_ACTIVE;

  if (day != NULL)
    *day = (status == KOUAN_GRANT_STATUS_PENDING || status == KOUAN_GRANT_STATUS_EXPIRING) &&
           fold->day[0] != '\0' ? fold->day : NULL;
  return status;
}

const char *
kouan_grant_status_to_string (KouanGrantStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (wire_names), NULL);
  return wire_names[status];
}

gboolean
kouan_grant_status_from_string (const char       *text,
                                KouanGrantStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (wire_names); i++)
    if (g_strcmp0 (text, wire_names[i]) == 0)
      {
        *status = (KouanGrantStatus) i;
        return TRUE;
      }
  return FALSE;
}

const char *
kouan_grant_status_label (KouanGrantStatus status)
{
  switch (status)
    {
    case KOUAN_GRANT_STATUS_PENDING:  return C_("grant status", "Not yet valid");
    case KOUAN_GRANT_STATUS_ACTIVE:   return C_("grant status", "Valid");
    case KOUAN_GRANT_STATUS_EXPIRING: return C_("grant status", "Expiring soon");
    case KOUAN_GRANT_STATUS_EXPIRED:  return C_("grant status", "Expired");
    case KOUAN_GRANT_STATUS_DISABLED: return C_("grant status", "Disabled");
    default:                          g_return_val_if_reached ("");
    }
}

char *
kouan_grant_status_describe (KouanGrantStatus status,
                             const char      *day)
{
  g_autofree char *date = day != NULL ? kouan_format_iso_day (day) : NULL;

  if (date != NULL && *date != '\0' && status == KOUAN_GRANT_STATUS_PENDING)
    /* Translators: a grant that starts later, with its first day
     * (zh_CN: 未生效（%s起）) */
    return g_strdup_printf (C_("grant status", "Not yet valid (from %s)"), date);
  if (date != NULL && *date != '\0' && status == KOUAN_GRANT_STATUS_EXPIRING)
    /* Translators: a grant about to end, with its last day
     * (zh_CN: 即将到期（%s止）) */
    return g_strdup_printf (C_("grant status", "Expiring soon (until %s)"), date);
  return g_strdup (kouan_grant_status_label (status));
}
