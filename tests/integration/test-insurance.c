/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 信用保险 against a real kouan-server through KouanStore + KouanSync: the
 * service center's counts match the server's records and follow changes;
 * confirming and returning policies offline lands exactly once; invalid
 * transitions are refused on both sides; subscriptions filter articles
 * and new articles in a subscribed category arrive as notices; the
 * keyword search (FTS5, CJK bigrams) finds 1-, 2- and longer Chinese
 * keywords and Latin words with country and industry filters, exactly
 * the articles a LIKE scan finds, and nothing for an absent word. */

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-store.h"
#include "kouan-store-insurance.h"
#include "kouan-sync.h"
#include "kouan-test-server.h"

#define DEMO_PASSWORD "kouan-demo"
#define WAIT_TIMEOUT_MS 20000

/* One demo server and one synced cache shared by the tests; each test
 * compares against what the server or the cache says now. */
static KouanTestServer *server;
static KouanClient *client;
static KouanStore *store;
static KouanSync *sync_engine;
static char *cache_dir;
static char *token;
static guint mutation_serial;

/* ---- helpers ------------------------------------------------------- */

static void
on_async_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_MS * 1000;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static gboolean
run_once (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_sync_run_once_async (sync_engine, NULL, on_async_ready, &result);
  return kouan_sync_run_once_finish (sync_engine, wait_result (&result), error);
}

static void
sync_ok (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (run_once (&error));
  g_assert_no_error (error);
}

static JsonObject *
parse_body (GBytes *body)
{
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonObject *object = kouan_json_parse_object (data, size, &error);

  g_assert_no_error (error);
  return object;
}

/* The enterprise's current records of @collection, from the feed. */
static GPtrArray *
feed_records (const char *collection)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gboolean more = TRUE;
  gint64 since = 0;

  while (more)
    {
      g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/1/changes?since=%"
                                              G_GINT64_FORMAT "&limit=1000",
                                              kouan_test_server_get_url (server), since);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(JsonObject) page = NULL;
      JsonArray *changes;

      g_assert_cmpuint (kouan_test_http ("GET", url, token, NULL, 0, &reply), ==, 200);
      page = parse_body (reply);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (g_str_equal (json_object_get_string_member (change, "collection"), collection) &&
              json_object_has_member (change, "record"))
            g_ptr_array_add (records, json_object_ref (json_object_get_object_member (change, "record")));
        }
      since = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  return records;
}

static JsonObject *
find_record (GPtrArray *records, gint64 id)
{
  for (guint i = 0; i < records->len; i++)
    if (json_object_get_int_member (g_ptr_array_index (records, i), "id") == id)
      return g_ptr_array_index (records, i);
  return NULL;
}

static JsonObject *
mutate (const char *collection,
        gint64      record_id,
        const char *fields_json)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/1/mutations",
                                          kouan_test_server_get_url (server));
  g_autofree char *body = g_strdup_printf ("{\"mutations\": [{\"id\": \"ins-%u\", \"collection\": \"%s\","
                                           " \"op\": \"update\", \"record_id\": %" G_GINT64_FORMAT ","
                                           " \"fields\": %s}]}",
                                           ++mutation_serial, collection, record_id, fields_json);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonArray *results;

  g_assert_cmpuint (kouan_test_http ("POST", url, token, body, strlen (body), &reply), ==, 200);
  object = parse_body (reply);
  results = json_object_get_array_member (object, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_object_ref (json_array_get_object_element (results, 0));
}

/* Writes to the server's database the way an insurer's import would. */
static void
server_exec (const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (kouan_test_server_get_db_path (server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static KouanInsuranceCounts
counts (void)
{
  g_autoptr(GError) error = NULL;
  KouanInsuranceCounts out;

  g_assert_true (kouan_store_insurance_counts (store, 1, &out, &error));
  g_assert_no_error (error);
  return out;
}

/* The server's view of the same three counts */
static void
assert_counts_match_server (void)
{
  g_autoptr(GPtrArray) policies = feed_records ("insurance_policies");
  g_autoptr(GPtrArray) claims = feed_records ("insurance_claims");
  KouanInsuranceCounts local = counts ();
  guint pending = 0, effective = 0, claim_notices = 0;

  for (guint i = 0; i < policies->len; i++)
    {
      JsonObject *policy = g_ptr_array_index (policies, i);
      const char *status = json_object_get_string_member (policy, "status");

      pending += g_str_equal (status, "pending");
      effective += g_str_equal (status, "effective") &&
                   !json_object_get_boolean_member (policy, "notice_read");
    }
  for (guint i = 0; i < claims->len; i++)
    claim_notices += !json_object_get_boolean_member (g_ptr_array_index (claims, i), "notice_read");

  g_assert_cmpuint (local.pending_policies, ==, pending);
  g_assert_cmpuint (local.policy_notices, ==, effective);
  g_assert_cmpuint (local.claim_notices, ==, claim_notices);
}

static KouanPolicy *
first_policy (KouanPolicyFilter filter, guint skip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = kouan_store_list_policies (store, 1, filter, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (policies->len, >, skip);
  return g_object_ref (g_ptr_array_index (policies, skip));
}

/* ---- counts -------------------------------------------------------- */

static void
test_counts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) claims = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(KouanPolicy) policy = NULL;
  g_autofree char *sql = NULL;
  KouanInsuranceCounts before, after;
  KouanClaim *claim;

  sync_ok ();
  before = counts ();
  /* the demo has something behind every shortcut */
  g_assert_cmpuint (before.pending_policies, >, 0);
  g_assert_cmpuint (before.policy_notices, >, 0);
  g_assert_cmpuint (before.claim_notices, >, 0);
  assert_counts_match_server ();

  /* the filtered lists hold exactly what the shortcuts count */
  pending = kouan_store_list_policies (store, 1, KOUAN_POLICY_FILTER_PENDING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, before.pending_policies);
  for (guint i = 0; i < pending->len; i++)
    g_assert_cmpstr (((KouanPolicy *) g_ptr_array_index (pending, i))->status, ==, "pending");

  /* the insurer moves a claim on: a new history step, unread news */
  claims = kouan_store_list_claims (store, 1, KOUAN_CLAIM_FILTER_ALL, &error);
  g_assert_no_error (error);
  claim = NULL;
  for (guint i = 0; i < claims->len && claim == NULL; i++)
    {
      KouanClaim *candidate = g_ptr_array_index (claims, i);

      if (candidate->notice_read && g_str_equal (candidate->status, "submitted"))
        claim = candidate;
    }
  if (claim == NULL)
    g_error ("The demo has no submitted claim with its notice read");
  g_assert_cmpuint (claim->history->len, ==, 1);
  sql = g_strdup_printf ("INSERT INTO insurance_claim_events (claim_id, status, comment, at)"
                         " VALUES (%" G_GINT64_FORMAT ", 'reviewing', '案件已受理，进入审核。', strftime ('%%s'));"
                         "UPDATE insurance_claims SET status = 'reviewing', notice_read = 0"
                         " WHERE id = %" G_GINT64_FORMAT ";", claim->id, claim->id);
  server_exec (sql);
  sync_ok ();
  after = counts ();
  g_assert_cmpuint (after.claim_notices, ==, before.claim_notices + 1);
  {
    g_autoptr(KouanClaim) updated = kouan_store_get_claim (store, 1, claim->id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (updated->status, ==, "reviewing");
    g_assert_cmpuint (updated->history->len, ==, 2);
    g_assert_cmpstr (g_array_index (updated->history, KouanClaimEvent, 1).comment, ==, "案件已受理，进入审核。");

    /* reading the notice counts down at once, and on the server after a push */
    g_assert_true (kouan_store_read_claim_notice (store, updated, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (counts ().claim_notices, ==, before.claim_notices);
  }
  sync_ok ();
  assert_counts_match_server ();

  /* confirming a pending policy: one fewer to confirm at once; the
   * effective notice only once the server has accepted it */
  policy = first_policy (KOUAN_POLICY_FILTER_PENDING, 0);
  g_assert_true (kouan_store_confirm_policy (store, policy, &error));
  g_assert_no_error (error);
  after = counts ();
  g_assert_cmpuint (after.pending_policies, ==, before.pending_policies - 1);
  g_assert_cmpuint (after.policy_notices, ==, before.policy_notices);
  {
    g_autoptr(GPtrArray) notices = kouan_store_list_policies (store, 1, KOUAN_POLICY_FILTER_NOTICES, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < notices->len; i++)
      g_assert_cmpint (((KouanPolicy *) g_ptr_array_index (notices, i))->id, !=, policy->id);
  }
  sync_ok ();
  after = counts ();
  g_assert_cmpuint (after.policy_notices, ==, before.policy_notices + 1);
  assert_counts_match_server ();
}

/* ---- policies offline --------------------------------------------- */

static void
test_confirm_offline_lands_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanPolicy) confirmed = NULL;
  g_autoptr(KouanPolicy) returned = NULL;
  g_autoptr(KouanPolicy) local = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonObject) result = NULL;
  KouanInsuranceCounts before;
  JsonObject *record;

  sync_ok ();
  before = counts ();
  confirmed = first_policy (KOUAN_POLICY_FILTER_PENDING, 0);
  returned = first_policy (KOUAN_POLICY_FILTER_PENDING, 1);

  kouan_test_server_stop (server);

  g_assert_true (kouan_store_confirm_policy (store, confirmed, &error));
  g_assert_no_error (error);
  /* returning needs a comment */
  g_assert_false (kouan_store_return_policy (store, returned, "  ", &error));
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kouan_store_return_policy (store, returned, "保险金额与合同不符，请更正。", &error));
  g_assert_no_error (error);
  /* a policy that is effective now cannot be returned */
  g_assert_false (kouan_store_return_policy (store, confirmed, "晚了", &error));
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID);
  g_clear_error (&error);

  local = kouan_store_get_policy (store, 1, confirmed->id, &error);
  g_assert_cmpstr (local->status, ==, "effective");
  g_assert_false (local->notice_read);
  g_clear_object (&local);
  local = kouan_store_get_policy (store, 1, returned->id, &error);
  g_assert_cmpstr (local->status, ==, "returned");
  g_assert_cmpstr (local->comment, ==, "保险金额与合同不符，请更正。");
  g_assert_cmpuint (counts ().pending_policies, ==, before.pending_policies - 2);
  /* offline, the confirmed policy is no effective notice yet */
  g_assert_cmpuint (counts ().policy_notices, ==, before.policy_notices);

  g_assert_false (run_once (&error));
  g_clear_error (&error);
  g_assert_cmpuint (kouan_store_count_outbox (store), ==, 2);

  kouan_test_server_restart (server);
  g_free (token);
  token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  sync_ok ();
  g_assert_cmpuint (kouan_store_count_outbox (store), ==, 0);
  sync_ok ();
  g_assert_cmpuint (counts ().policy_notices, ==, before.policy_notices + 1);

  records = feed_records ("insurance_policies");
  record = find_record (records, confirmed->id);
  g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "effective");
  record = find_record (records, returned->id);
  g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "returned");
  g_assert_cmpstr (json_object_get_string_member (record, "comment"), ==, "保险金额与合同不符，请更正。");

  /* landed once: each edit was applied by exactly one mutation */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open (kouan_test_server_get_db_path (server), &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db,
      "SELECT count (*) FROM applied_mutations"
      " WHERE json_extract (result_json, '$.record.id') IN (?1, ?2)"
      "   AND json_extract (result_json, '$.status') = 'applied'"
      "   AND json_extract (result_json, '$.record.status') IN ('effective', 'returned')"
      "   AND json_extract (result_json, '$.record.number') IS NOT NULL", -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64 (stmt, 1, confirmed->id);
    sqlite3_bind_int64 (stmt, 2, returned->id);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  assert_counts_match_server ();

  /* the server refuses what the enterprise may not do, and says why */
  result = mutate ("insurance_policies", confirmed->id, "{\"status\": \"pending\"}");
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "code"),
                   ==, "invalid_transition");
  g_clear_pointer (&result, json_object_unref);
  result = mutate ("insurance_policies", confirmed->id, "{\"number\": \"X\"}");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "code"),
                   ==, "invalid_field");
}

/* ---- subscriptions ------------------------------------------------- */

static GArray *
search (const char *keyword, const char *country, const char *industry,
        gint64 category_id, gint64 subscribed_in)
{
  g_autoptr(GError) error = NULL;
  KouanRiskQuery query = { keyword, country, industry, category_id, subscribed_in };
  GArray *ids = kouan_store_search_risk_articles (store, &query, &error);

  g_assert_no_error (error);
  return ids;
}

static gint64
article_category (gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanRiskArticle) article = kouan_store_get_risk_article (store, id, &error);

  g_assert_no_error (error);
  if (article == NULL)
    g_error ("Article %" G_GINT64_FORMAT " is not cached", id);
  return article->category_id;
}

static void
test_subscriptions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GArray) subscribed = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GPtrArray) server_categories = NULL;
  guint notices_before, notices_after;
  gboolean wanted[6] = { FALSE };

  sync_ok ();
  categories = kouan_store_list_insurance_categories (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (categories->len, ==, 5);
  g_assert_cmpstr (((KouanInsuranceCategory *) g_ptr_array_index (categories, 0))->name, ==, "国际贸易与投资要闻");

  /* subscribe to 行业风险 (3) and drop 政策法规 (5); 国别风险 (2) stays */
  g_assert_true (kouan_store_set_subscribed (store, 1, 3, TRUE, &error));
  g_assert_true (kouan_store_set_subscribed (store, 1, 5, FALSE, &error));
  g_assert_no_error (error);
  sync_ok ();
  g_assert_cmpuint (kouan_store_count_outbox (store), ==, 0);

  server_categories = feed_records ("insurance_categories");
  g_assert_true (json_object_get_boolean_member (find_record (server_categories, 3), "subscribed"));
  g_assert_true (json_object_get_boolean_member (find_record (server_categories, 2), "subscribed"));
  g_assert_false (json_object_get_boolean_member (find_record (server_categories, 5), "subscribed"));
  wanted[2] = wanted[3] = TRUE;

  subscribed = search (NULL, NULL, NULL, 0, 1);
  all = search (NULL, NULL, NULL, 0, 0);
  g_assert_cmpuint (subscribed->len, >, 0);
  g_assert_cmpuint (subscribed->len, <, all->len);
  for (guint i = 0; i < subscribed->len; i++)
    g_assert_true (wanted[article_category (g_array_index (subscribed, gint64, i))]);
  {
    guint expected = 0;

    for (guint i = 0; i < all->len; i++)
      expected += wanted[article_category (g_array_index (all, gint64, i))];
    g_assert_cmpuint (subscribed->len, ==, expected);
  }

  /* new articles: one in a subscribed category raises a notice, one in
   * an unsubscribed category does not */
  notices_before = kouan_store_count_messages (store, 1, KOUAN_MESSAGE_KIND_NOTICE, KOUAN_READ_FILTER_ALL, FALSE);
  server_exec ("INSERT INTO risk_articles (title, source, published_at, country, industry, category_id, body)"
               " VALUES ('钢铁行业产能过剩风险加剧', '中国出口信用保险公司', strftime ('%s') + 60,"
               "         '土耳其', '钢铁', 3, '土耳其钢铁进口商库存高企，付款周期延长。');"
               "INSERT INTO risk_articles (title, source, published_at, country, industry, category_id, body)"
               " VALUES ('某国调整原产地规则', '海关总署', strftime ('%s') + 61,"
               "         '墨西哥', '化工', 5, '原产地证明格式调整。');");
  sync_ok ();
  notices_after = kouan_store_count_messages (store, 1, KOUAN_MESSAGE_KIND_NOTICE, KOUAN_READ_FILTER_ALL, FALSE);
  g_assert_cmpuint (notices_after, ==, notices_before + 1);
  {
    g_autoptr(GArray) ids = kouan_store_list_message_ids (store, 1, KOUAN_MESSAGE_KIND_NOTICE,
                                                          KOUAN_READ_FILTER_ALL, FALSE, &error);
    g_autoptr(KouanMessage) newest = kouan_store_get_message (store, 1, g_array_index (ids, gint64, 0), &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (kouan_message_get_title (newest), "钢铁行业产能过剩风险加剧"));
    g_assert_cmpstr (kouan_message_get_category (newest), ==, "信息订阅");
  }
  g_clear_pointer (&subscribed, g_array_unref);
  subscribed = search (NULL, NULL, NULL, 0, 1);
  g_assert_cmpint (article_category (g_array_index (subscribed, gint64, 0)), ==, 3);

  /* what a desktop notification would announce: the new subscribed one */
  {
    g_autoptr(GPtrArray) fresh = kouan_store_list_new_subscribed_articles (
      store, 1, 0, g_get_real_time () / G_USEC_PER_SEC - 60, &error);
    KouanRiskArticle *article;
    gint64 newest;

    g_assert_no_error (error);
    g_assert_cmpuint (fresh->len, ==, 1);
    article = g_ptr_array_index (fresh, 0);
    g_assert_cmpstr (article->title, ==, "钢铁行业产能过剩风险加剧");
    newest = article->id;   /* the array owns the article */
    g_clear_pointer (&fresh, g_ptr_array_unref);
    fresh = kouan_store_list_new_subscribed_articles (store, 1, newest, 0, &error);
    g_assert_cmpuint (fresh->len, ==, 0);
  }

  /* a category's own list */
  g_clear_pointer (&subscribed, g_array_unref);
  subscribed = search (NULL, NULL, NULL, 5, 0);
  for (guint i = 0; i < subscribed->len; i++)
    g_assert_cmpint (article_category (g_array_index (subscribed, gint64, i)), ==, 5);
  g_assert_cmpuint (subscribed->len, >, 0);
}

/* ---- search -------------------------------------------------------- */

/* The ids a full scan finds, newest first: what the index must return. */
static GArray *
scan (const char *needle, const char *country, const char *industry)
{
  sqlite3 *db = kouan_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "SELECT id FROM risk_articles"
    " WHERE (instr (lower (title), ?1) > 0 OR instr (lower (body), ?1) > 0)"
    "   AND (?2 IS NULL OR country = ?2) AND (?3 IS NULL OR industry = ?3)"
    " ORDER BY published_at DESC, id DESC", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, needle, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, country, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, industry, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

static void
assert_same_ids (GArray *found, GArray *expected)
{
  g_assert_cmpuint (found->len, ==, expected->len);
  for (guint i = 0; i < found->len; i++)
    g_assert_cmpint (g_array_index (found, gint64, i), ==, g_array_index (expected, gint64, i));
}

static gboolean
contains (GArray *ids, gint64 id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static gint64
newest_article_id (void)
{
  g_autoptr(GArray) all = search (NULL, NULL, NULL, 0, 0);

  return g_array_index (all, gint64, 0);
}

static void
test_search (void)
{
  static const struct {
    const char *keyword;
    const char *needle;   /* what LIKE looks for (lowercase) */
    const char *country;
    const char *industry;
  } cases[] = {
    { "芯", "芯", "美国", "电子信息" },            /* one character */
    { "美", "美", NULL, NULL },
    { "美国", "美国", NULL, "电子信息" },          /* two characters */
    { "关税", "关税", "美国", NULL },
    { "芯片", "芯片", "美国", "电子信息" },
    { "出口管制", "出口管制", NULL, NULL },        /* longer phrases */
    { "主权信用评级", "主权信用评级", "巴西", NULL },
    { "出口管制新规", "出口管制新规", "美国", "电子信息" },
    { "wto", "wto", NULL, NULL },                  /* Latin words */
    { "Nvidia", "nvidia", "美国", "电子信息" },
    { "RCEP", "rcep", NULL, NULL },
    { "wto", "wto", "美国", NULL },
  };
  g_autoptr(GArray) absent = NULL;
  gint64 marker;

  /* one article whose words the cases must find with every filter */
  server_exec ("INSERT INTO risk_articles (title, source, published_at, country, industry, category_id, body)"
               " VALUES ('美国出口管制新规：芯片关税再加码', '路透社', strftime ('%s') + 120,"
               "         '美国', '电子信息', 5,"
               "         'Nvidia 与 AMD 的高端芯片对华出口受限，WTO 争端解决机制或被启动。');");
  sync_ok ();
  marker = newest_article_id ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GArray) found = search (cases[i].keyword, cases[i].country, cases[i].industry, 0, 0);
      g_autoptr(GArray) expected = scan (cases[i].needle, cases[i].country, cases[i].industry);

      g_test_message ("%s in %s / %s: %u articles", cases[i].keyword,
                      cases[i].country ? cases[i].country : "*",
                      cases[i].industry ? cases[i].industry : "*", found->len);
      g_assert_cmpuint (found->len, >, 0);
      assert_same_ids (found, expected);
      if (cases[i].country == NULL || g_str_equal (cases[i].country, "美国"))
        if (cases[i].industry == NULL || g_str_equal (cases[i].industry, "电子信息"))
          if (strcmp (cases[i].keyword, "RCEP") != 0 && strcmp (cases[i].keyword, "主权信用评级") != 0)
            g_assert_true (contains (found, marker));
    }

  /* the filters really filter: the marker is not in another country */
  {
    g_autoptr(GArray) found = search ("芯片", "德国", NULL, 0, 0);

    g_assert_false (contains (found, marker));
  }
  /* several words: all required */
  {
    g_autoptr(GArray) found = search ("芯片 nvidia", NULL, NULL, 0, 0);

    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpint (g_array_index (found, gint64, 0), ==, marker);
  }

  absent = search ("量子纠缠", NULL, NULL, 0, 0);
  g_assert_cmpuint (absent->len, ==, 0);
  g_clear_pointer (&absent, g_array_unref);
  absent = search ("zyxwvu", "美国", NULL, 0, 0);
  g_assert_cmpuint (absent->len, ==, 0);

  /* the keyword query goes through the index, never a scan of the table */
  {
    sqlite3 *db = kouan_store_get_db (store);
    sqlite3_stmt *stmt = NULL;
    gboolean uses_index = FALSE;

    g_assert_cmpint (sqlite3_prepare_v2 (db,
      "EXPLAIN QUERY PLAN SELECT a.id FROM risk_articles_fts f JOIN risk_articles a ON a.id = f.rowid"
      " WHERE risk_articles_fts MATCH '\"芯片\"' ORDER BY a.published_at DESC", -1, &stmt, NULL),
      ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *detail = (const char *) sqlite3_column_text (stmt, 3);

        if (strstr (detail, "VIRTUAL TABLE INDEX") != NULL)
          uses_index = TRUE;
        g_assert_null (strstr (detail, "SCAN a"));
      }
    sqlite3_finalize (stmt);
    g_assert_true (uses_index);
  }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) login_result = NULL;
  g_autoptr(KouanSession) session = NULL;
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/insurance/counts", test_counts);
  g_test_add_func ("/insurance/confirm-offline-lands-once", test_confirm_offline_lands_once);
  g_test_add_func ("/insurance/subscriptions", test_subscriptions);
  g_test_add_func ("/insurance/search", test_search);

  server = kouan_test_server_start ((const char *[]) { "--demo", NULL });
  token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (client, "demo-admin", DEMO_PASSWORD, NULL, on_async_ready, &login_result);
  session = kouan_client_login_finish (client, wait_result (&login_result), &error);
  g_assert_no_error (error);
  cache_dir = g_dir_make_tmp ("kouan-test-insurance-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (cache_dir, "cache.db", NULL);
  store = kouan_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_save_enterprises (store, session->enterprises, &error));
  sync_engine = kouan_sync_new (client, store);
  kouan_sync_set_enterprise_id (sync_engine, 1);

  status = g_test_run ();

  kouan_sync_stop (sync_engine);
  g_clear_object (&sync_engine);
  g_clear_object (&store);
  g_clear_object (&client);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
    g_remove (path);
    g_rmdir (cache_dir);
  }
  g_free (cache_dir);
  g_free (token);
  kouan_test_server_free (server);
  return status;
}
