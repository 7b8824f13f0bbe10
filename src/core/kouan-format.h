/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One way to show dates, times and money everywhere in Kouan, in the
 * user's language (the formats are translatable strings, so a Chinese UI
 * shows 12月1日 even where LC_TIME is C). Every function returns a new
 * string and accepts a NULL date (giving ""). */

/* A moment in a list: "14:58" today, "Yesterday 09:12", "Dec 1" this
 * year, "Dec 1, 2025" before. @now: (nullable) for tests; NULL is now. */
char *kouan_format_moment    (GDateTime  *when,
                              GDateTime  *now);
/* A calendar day: "Dec 31, 2026" (zh_CN: 2026年12月31日). */
char *kouan_format_date      (GDateTime  *when);
/* A day and time: "Dec 31, 2026 14:58" (zh_CN: 2026年12月31日 14:58). */
char *kouan_format_date_time (GDateTime  *when);
/* The same from a Unix time (seconds), shown in local time; 0 gives "". */
char *kouan_format_unix_date      (gint64 unix_time);
char *kouan_format_unix_date_time (gint64 unix_time);
/* A calendar day written "YYYY-MM-DD" (as the API sends days), shown as
 * kouan_format_date() does; an invalid or NULL day gives "". */
char *kouan_format_iso_day   (const char *day);
/* Money: the ISO 4217 code, a space, thousands separators and two
 * decimals: "CNY 76,030.59", "GBP 1,630,000.00"; negative "-CNY 5.00". */
char *kouan_format_money     (const char *currency,
                              double      amount);

G_END_DECLS
