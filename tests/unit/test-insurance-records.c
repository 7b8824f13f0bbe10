/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Credit insurance records: the feed's JSON parsed into KouanPolicy /
 * KouanClaim (wrong types and unknown statuses refused), and the policy
 * transitions the enterprise may make. */

#include "kouan-insurance.h"
#include "kouan-json.h"

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = kouan_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  return object;
}

#define POLICY_JSON(status, amount) \
  "{\"id\": 7, \"number\": \"SCH1\", \"buyer\": \"Atlas GmbH\", \"buyer_country\": \"德国\"," \
  " \"amount\": " amount ", \"currency\": \"EUR\", \"starts_on\": \"2026-01-01\"," \
  " \"ends_on\": \"2027-01-01\", \"status\": \"" status "\", \"comment\": \"\"," \
  " \"notice_read\": false, \"updated_at\": 1}"

static void
test_policy (void)
{
  g_autoptr(JsonObject) good = parse (POLICY_JSON ("pending", "1200000"));
  g_autoptr(JsonObject) bad_status = parse (POLICY_JSON ("confirmed", "1"));
  g_autoptr(JsonObject) bad_amount = parse (POLICY_JSON ("pending", "\"1\""));
  g_autoptr(KouanPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;

  policy = kouan_policy_new_from_json (good, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (policy->enterprise_id, ==, 3);
  g_assert_cmpint (policy->amount, ==, 1200000);
  g_assert_cmpstr (policy->buyer_country, ==, "德国");
  g_assert_false (policy->notice_read);

  g_assert_null (kouan_policy_new_from_json (bad_status, 3, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_null (kouan_policy_new_from_json (bad_amount, 3, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
}

static void
test_claim (void)
{
  g_autoptr(JsonObject) good = parse (
    "{\"id\": 3, \"number\": \"SBC1\", \"policy_id\": 7, \"policy_number\": \"SCH1\","
    " \"buyer\": \"Atlas GmbH\", \"amount\": 310000, \"currency\": \"USD\","
    " \"loss_on\": \"2026-05-02\", \"submitted_on\": \"2026-07-01\", \"status\": \"paid\","
    " \"notice_read\": true, \"updated_at\": 2,"
    " \"history\": [{\"status\": \"submitted\", \"comment\": \"已提交\", \"at\": 10},"
    "              {\"status\": \"paid\", \"comment\": \"已赔付\", \"at\": 20}]}");
  g_autoptr(JsonObject) bad_history = parse (
    "{\"id\": 3, \"number\": \"SBC1\", \"policy_id\": 7, \"policy_number\": \"SCH1\","
    " \"buyer\": \"B\", \"amount\": 1, \"currency\": \"USD\", \"loss_on\": \"\","
    " \"submitted_on\": \"\", \"status\": \"paid\", \"notice_read\": true, \"updated_at\": 2,"
    " \"history\": [\"paid\"]}");
  g_autoptr(KouanClaim) claim = NULL;
  g_autoptr(GError) error = NULL;

  claim = kouan_claim_new_from_json (good, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claim->history->len, ==, 2);
  g_assert_cmpstr (g_array_index (claim->history, KouanClaimEvent, 1).comment, ==, "已赔付");
  g_assert_cmpint (g_array_index (claim->history, KouanClaimEvent, 0).at, ==, 10);

  g_assert_null (kouan_claim_new_from_json (bad_history, 1, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
}

static void
test_transitions (void)
{
  static const char *const statuses[] = { "pending", "effective", "expired", "rejected", "returned" };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    for (guint j = 0; j < G_N_ELEMENTS (statuses); j++)
      {
        gboolean expected = i == 0 && (j == 1 || j == 4);

        g_assert_cmpint (kouan_policy_transition_is_valid (statuses[i], statuses[j]), ==, expected);
      }
  g_assert_false (kouan_policy_transition_is_valid (NULL, "effective"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/insurance-records/policy", test_policy);
  g_test_add_func ("/insurance-records/claim", test_claim);
  g_test_add_func ("/insurance-records/transitions", test_transitions);

  return g_test_run ();
}
