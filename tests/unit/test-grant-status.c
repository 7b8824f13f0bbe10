/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one status rule for role grants and members, at its boundaries:
 * the day before the start, the start, the last day, the day after, and
 * the edge of "expiring" (China days, both ends inclusive). */
#include "config.h"

#include <locale.h>

#include "kouan-grant-status.h"

static void
test_boundaries (void)
{
  int left;

  /* a grant for March 2026 */
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", "2026-03-31", "2026-02-28", &left),
                   ==, KOUAN_GRANT_STATUS_PENDING);
  g_assert_cmpint (left, ==, -1);
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", "2026-03-31", "2026-03-01", &left),
                   ==, KOUAN_GRANT_STATUS_ACTIVE);
  g_assert_cmpint (left, ==, 30);
  /* eight days before the end: still plainly active */
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", "2026-03-31", "2026-03-23", &left),
                   ==, KOUAN_GRANT_STATUS_ACTIVE);
  /* seven days before the end: expiring */
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", "2026-03-31", "2026-03-24", &left),
                   ==, KOUAN_GRANT_STATUS_EXPIRING);
  g_assert_cmpint (left, ==, 7);
  /* the last day still counts */
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", "2026-03-31", "2026-03-31", &left),
                   ==, KOUAN_GRANT_STATUS_EXPIRING);
  g_assert_cmpint (left, ==, 0);
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", "2026-03-31", "2026-04-01", &left),
                   ==, KOUAN_GRANT_STATUS_EXPIRED);
  g_assert_cmpint (left, ==, -1);
  /* one-day grant: valid (and expiring) on that day only */
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", "2026-03-01", "2026-03-01", NULL),
                   ==, KOUAN_GRANT_STATUS_EXPIRING);
  /* open-ended: never expires, may not have started */
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", NULL, "2099-12-31", NULL),
                   ==, KOUAN_GRANT_STATUS_ACTIVE);
  g_assert_cmpint (kouan_grant_status_for ("2026-03-01", NULL, "2026-02-28", NULL),
                   ==, KOUAN_GRANT_STATUS_PENDING);
  /* across a year end */
  g_assert_cmpint (kouan_grant_status_for ("2026-01-01", "2027-01-02", "2026-12-26", &left),
                   ==, KOUAN_GRANT_STATUS_EXPIRING);
  g_assert_cmpint (left, ==, 7);
}

static void
test_member_fold (void)
{
  KouanMemberStatusFold fold;
  const char *day = NULL;

  /* no grants: an active member */
  kouan_member_status_fold_init (&fold);
  g_assert_cmpint (kouan_member_status_fold_result (&fold, FALSE, &day), ==, KOUAN_GRANT_STATUS_ACTIVE);
  g_assert_null (day);

  /* a grant that has not started is not "expired" (the old server rule);
   * the earliest start is the one to show */
  kouan_member_status_fold_init (&fold);
  kouan_member_status_fold_add (&fold, "2026-05-01", NULL, "2026-03-10");
  kouan_member_status_fold_add (&fold, "2026-04-01", "2026-06-30", "2026-03-10");
  kouan_member_status_fold_add (&fold, "2025-01-01", "2025-12-31", "2026-03-10");
  g_assert_cmpint (kouan_member_status_fold_result (&fold, FALSE, &day), ==, KOUAN_GRANT_STATUS_PENDING);
  g_assert_cmpstr (day, ==, "2026-04-01");

  /* one valid grant outweighs an expiring one */
  kouan_member_status_fold_init (&fold);
  kouan_member_status_fold_add (&fold, "2026-03-01", "2026-03-12", "2026-03-10");
  kouan_member_status_fold_add (&fold, "2026-03-01", NULL, "2026-03-10");
  g_assert_cmpint (kouan_member_status_fold_result (&fold, FALSE, &day), ==, KOUAN_GRANT_STATUS_ACTIVE);
  g_assert_null (day);

  /* two expiring: the later end is when the member loses access */
  kouan_member_status_fold_init (&fold);
  kouan_member_status_fold_add (&fold, "2026-03-01", "2026-03-12", "2026-03-10");
  kouan_member_status_fold_add (&fold, "2026-03-01", "2026-03-15", "2026-03-10");
  g_assert_cmpint (kouan_member_status_fold_result (&fold, FALSE, &day), ==, KOUAN_GRANT_STATUS_EXPIRING);
  g_assert_cmpstr (day, ==, "2026-03-15");

  /* only past grants */
  kouan_member_status_fold_init (&fold);
  kouan_member_status_fold_add (&fold, "2026-01-01", "2026-03-09", "2026-03-10");
  g_assert_cmpint (kouan_member_status_fold_result (&fold, FALSE, &day), ==, KOUAN_GRANT_STATUS_EXPIRED);
  g_assert_null (day);

  /* disabled wins over everything */
  kouan_member_status_fold_init (&fold);
  kouan_member_status_fold_add (&fold, "2026-03-01", NULL, "2026-03-10");
  g_assert_cmpint (kouan_member_status_fold_result (&fold, TRUE, &day), ==, KOUAN_GRANT_STATUS_DISABLED);
  g_assert_null (day);
}

static void
test_codec_and_words (void)
{
  KouanGrantStatus status;
  g_autofree char *pending = kouan_grant_status_describe (KOUAN_GRANT_STATUS_PENDING, "2026-03-01");
  g_autofree char *expiring = kouan_grant_status_describe (KOUAN_GRANT_STATUS_EXPIRING, "2026-12-31");
  g_autofree char *plain = kouan_grant_status_describe (KOUAN_GRANT_STATUS_PENDING, NULL);

  for (KouanGrantStatus s = KOUAN_GRANT_STATUS_PENDING; s <= KOUAN_GRANT_STATUS_DISABLED; s++)
    {
      g_assert_true (kouan_grant_status_from_string (kouan_grant_status_to_string (s), &status));
      g_assert_cmpint (status, ==, s);
    }
  g_assert_false (kouan_grant_status_from_string ("valid", &status));
  g_assert_false (kouan_grant_status_from_string ("Active", &status));
  g_assert_false (kouan_grant_status_from_string (NULL, &status));

  g_assert_cmpstr (pending, ==, "Not yet valid (from Mar 1, 2026)");
  g_assert_cmpstr (expiring, ==, "Expiring soon (until Dec 31, 2026)");
  g_assert_cmpstr (plain, ==, "Not yet valid");

  g_assert_true (kouan_grant_day_is_valid ("2028-02-29"));
  g_assert_false (kouan_grant_day_is_valid ("2026-02-29"));
  g_assert_false (kouan_grant_day_is_valid ("2026-3-1"));
  g_assert_false (kouan_grant_day_is_valid ("2026-03-01x"));
}

static void
test_today_is_china (void)
{
  g_autofree char *today = kouan_grant_today ();
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (8 * 60 * 60);
  g_autoptr(GDateTime) now = g_date_time_new_now (china);
  g_autofree char *expected = g_date_time_format (now, "%Y-%m-%d");

  g_assert_true (kouan_grant_day_is_valid (today));
  /* same unless the test straddles midnight in Beijing */
  if (g_date_time_get_hour (now) != 23 || g_date_time_get_minute (now) != 59)
    g_assert_cmpstr (today, ==, expected);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/grant-status/boundaries", test_boundaries);
  g_test_add_func ("/grant-status/member-fold", test_member_fold);
  g_test_add_func ("/grant-status/codec-and-words", test_codec_and_words);
  g_test_add_func ("/grant-status/today-is-china", test_today_is_china);
  return g_test_run ();
}
