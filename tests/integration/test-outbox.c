/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The outbox you can see, against a real kouan-server with two clients
 * (王明 = demo-admin and 李娜 = demo-staff, each with its own cache and
 * sync engine): an edit made offline that meets a newer version of its
 * record comes back as a conflict naming who changed it and when; retry,
 * discard and keep mine each do what they say; a refusal keeps its
 * reason; an edit queued on top of one's own earlier edit is no conflict;
 * and whatever happens, each edit lands at most once. */

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-json.h"
#include "kouan-store.h"
#include "kouan-store-insurance.h"
#include "kouan-store-outbox.h"
#include "kouan-store-settings.h"
#include "kouan-sync.h"
#include "kouan-test-server.h"

#define DEMO_PASSWORD "kouan-demo"
#define WAIT_TIMEOUT_MS 20000

typedef struct {
  KouanClient *client;
  KouanStore  *store;
  KouanSync   *sync;
  char        *dir;
  char        *path;
} Side;

static KouanTestServer *server;
static Side wang;  /* demo-admin, 王明 */
static Side li;    /* demo-staff, 李娜 */

/* ---- helpers ------------------------------------------------------- */

static void
on_async_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) WAIT_TIMEOUT_MS * 1000 * kouan_test_timeout_scale ();

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static gboolean
run_once (Side *side, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_sync_run_once_async (side->sync, NULL, on_async_ready, &result);
  return kouan_sync_run_once_finish (side->sync, wait_result (&result), error);
}

static void
sync_ok (Side *side)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (run_once (side, &error));
  g_assert_no_error (error);
}

static void
side_open (Side *side, const char *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) login_result = NULL;
  g_autoptr(KouanSession) session = NULL;

  side->client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (side->client, account, DEMO_PASSWORD, NULL, on_async_ready, &login_result);
  session = kouan_client_login_finish (side->client, wait_result (&login_result), &error);
  g_assert_no_error (error);
  side->dir = g_dir_make_tmp ("kouan-test-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  side->path = g_build_filename (side->dir, "cache.db", NULL);
  side->store = kouan_store_open (side->path, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_save_enterprises (side->store, session->enterprises, &error));
  side->sync = kouan_sync_new (side->client, side->store);
  kouan_sync_set_enterprise_id (side->sync, 1);
}

static void
side_close (Side *side)
{
  g_autofree char *wal = g_strconcat (side->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (side->path, "-shm", NULL);

  kouan_sync_stop (side->sync);
  g_clear_object (&side->sync);
  g_clear_object (&side->store);
  g_clear_object (&side->client);
  g_remove (wal);
  g_remove (shm);
  g_remove (side->path);
  g_rmdir (side->dir);
  g_free (side->path);
  g_free (side->dir);
}

/* Writes to the server's database the way an insurer's import or an
 * operator would. */
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

static gint64
server_int (const char *sql, gint64 id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (kouan_test_server_get_db_path (server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
server_text (const char *sql, gint64 id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_open (kouan_test_server_get_db_path (server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* How many mutations the server applied that left policy @id in @status */
static gint64
applied_with_status (gint64 id, const char *status)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count (*) FROM applied_mutations"
    " WHERE json_extract (result_json, '$.status') = 'applied'"
    "   AND json_extract (result_json, '$.record.id') = ?1"
    "   AND json_extract (result_json, '$.record.number') IS NOT NULL"
    "   AND json_extract (result_json, '$.record.status') = '%s'", status);

  return server_int (sql, id);
}

static KouanPolicy *
pending_policy (Side *side, guint skip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = kouan_store_list_policies (side->store, 1, KOUAN_POLICY_FILTER_PENDING, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (policies->len, >, skip);
  return g_object_ref (g_ptr_array_index (policies, skip));
}

static KouanPolicy *
local_policy (Side *side, gint64 id)
{
  g_autoptr(GError) error = NULL;
  KouanPolicy *policy = kouan_store_get_policy (side->store, 1, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (policy);
  return policy;
}

static GPtrArray *
outbox (Side *side)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = kouan_store_list_outbox (side->store, 1, &error);

  g_assert_no_error (error);
  return entries;
}

/* 王明 edits while the server is down, the way a laptop off the network
 * would: the edit applies locally and waits. */
static void
go_offline (void)
{
  kouan_test_server_stop (server);
}

static void
come_back (void)
{
  kouan_test_server_restart (server);
}

static void
assert_offline_cycle_fails (Side *side)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (run_once (side, &error));
  g_assert_nonnull (error);
}

/* ---- tests --------------------------------------------------------- */

/* 王明 returns a policy offline; meanwhile 李娜 confirms it. Back online,
 * 王明's edit is a conflict naming 李娜 and when; the cache shows the
 * server's record; retry sends it again as it was (a conflict again);
 * discard drops it. The policy is confirmed once and never returned. */
static void
test_conflict_retry_discard (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanPolicy) policy = NULL;
  g_autoptr(KouanPolicy) local = NULL;
  g_autoptr(KouanPolicy) theirs = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *status = NULL;
  KouanOutboxEntry *entry;
  gint64 before_li, after_li;

  sync_ok (&wang);
  sync_ok (&li);
  policy = pending_policy (&wang, 0);

  go_offline ();
  g_assert_true (kouan_store_return_policy (wang.store, policy, "保险金额与合同不符，请更正。", &error));
  g_assert_no_error (error);
  assert_offline_cycle_fails (&wang);
  entries = outbox (&wang);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (kouan_outbox_entry_get_state (entry), ==, KOUAN_OUTBOX_QUEUED);
  g_assert_cmpstr (kouan_outbox_entry_get_collection (entry), ==, "insurance_policies");
  g_assert_cmpint (kouan_outbox_entry_get_record_id (entry), ==, policy->id);
  g_assert_true (kouan_store_record_is_pending (wang.store, 1, "insurance_policies", policy->id));
  g_clear_pointer (&entries, g_ptr_array_unref);
  come_back ();

  /* 李娜 confirms the same policy first */
  theirs = local_policy (&li, policy->id);
  g_assert_cmpstr (theirs->status, ==, "pending");
  before_li = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (kouan_store_confirm_policy (li.store, theirs, &error));
  g_assert_no_error (error);
  sync_ok (&li);
  after_li = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpuint (kouan_store_count_outbox (li.store), ==, 0);

  /* 王明 comes back: a conflict, with who and when */
  sync_ok (&wang);
  g_assert_cmpuint (kouan_store_count_outbox (wang.store), ==, 0);
  g_assert_false (kouan_store_record_is_pending (wang.store, 1, "insurance_policies", policy->id));
  entries = outbox (&wang);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (kouan_outbox_entry_get_state (entry), ==, KOUAN_OUTBOX_CONFLICT);
  g_assert_cmpstr (kouan_outbox_entry_get_reason_code (entry), ==, "conflict");
  g_assert_cmpstr (kouan_outbox_entry_get_changed_by (entry), ==, "李娜");
  g_assert_cmpint (kouan_outbox_entry_get_changed_at (entry), >=, before_li);
  g_assert_cmpint (kouan_outbox_entry_get_changed_at (entry), <=, after_li);
  first_id = g_strdup (kouan_outbox_entry_get_id (entry));
  /* no optimistic lie: the cache shows what the server holds */
  local = local_policy (&wang, policy->id);
  g_assert_cmpstr (local->status, ==, "effective");
  g_clear_object (&local);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* acting on a waiting edit is refused */
  g_assert_false (kouan_store_outbox_discard (wang.store, "no-such-edit", &error));
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* retry: sent again as it was, under a new id; still a conflict. The
   * confirmed policy cannot be returned, so the cache keeps showing the
   * server's record while the edit waits. */
  g_assert_true (kouan_store_outbox_retry (wang.store, first_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kouan_store_count_outbox (wang.store), ==, 1);
  g_assert_true (kouan_store_record_is_pending (wang.store, 1, "insurance_policies", policy->id));
  local = local_policy (&wang, policy->id);
  g_assert_cmpstr (local->status, ==, "effective");
  g_clear_object (&local);
  entries = outbox (&wang);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (kouan_outbox_entry_get_id (entry), !=, first_id);
  g_assert_cmpint (kouan_outbox_entry_get_state (entry), ==, KOUAN_OUTBOX_QUEUED);
  /* a waiting edit cannot be discarded (the server may be taking it) */
  g_assert_false (kouan_store_outbox_discard (wang.store, kouan_outbox_entry_get_id (entry), &error));
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  sync_ok (&wang);
  entries = outbox (&wang);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (kouan_outbox_entry_get_state (entry), ==, KOUAN_OUTBOX_CONFLICT);
  g_assert_cmpstr (kouan_outbox_entry_get_changed_by (entry), ==, "李娜");
  local = local_policy (&wang, policy->id);
  g_assert_cmpstr (local->status, ==, "effective");
  g_clear_object (&local);

  /* discard: gone, and the cache keeps the server's record */
  g_assert_true (kouan_store_outbox_discard (wang.store, kouan_outbox_entry_get_id (entry), &error));
  g_assert_no_error (error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = outbox (&wang);
  g_assert_cmpuint (entries->len, ==, 0);
  sync_ok (&wang);
  local = local_policy (&wang, policy->id);
  g_assert_cmpstr (local->status, ==, "effective");

  /* exactly once: confirmed by one mutation (李娜's), never returned */
  status = server_text ("SELECT status FROM insurance_policies WHERE id = ?1", policy->id);
  g_assert_cmpstr (status, ==, "effective");
  g_assert_cmpint (applied_with_status (policy->id, "effective"), ==, 1);
  g_assert_cmpint (applied_with_status (policy->id, "returned"), ==, 0);
}

/* 王明 confirms a policy offline; the insurer changes its end date
 * meanwhile (no user's edit: nobody is named, the record's time is
 * given). Keep mine sends the confirmation over the newer record: it
 * applies, once, and keeps the insurer's end date. */
static void
test_keep_mine (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanPolicy) policy = NULL;
  g_autoptr(KouanPolicy) local = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *status = NULL;
  g_autofree char *ends_on = NULL;
  KouanOutboxEntry *entry;
  gint64 updated_at;

  sync_ok (&wang);
  policy = pending_policy (&wang, 0);

  go_offline ();
  g_assert_true (kouan_store_confirm_policy (wang.store, policy, &error));
  g_assert_no_error (error);
  assert_offline_cycle_fails (&wang);
  come_back ();

  sql = g_strdup_printf ("UPDATE insurance_policies SET ends_on = '2031-12-31', updated_at = 1900000000"
                         " WHERE id = %" G_GINT64_FORMAT, policy->id);
  server_exec (sql);
  updated_at = server_int ("SELECT updated_at FROM insurance_policies WHERE id = ?1", policy->id);

  sync_ok (&wang);
  entries = outbox (&wang);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (kouan_outbox_entry_get_state (entry), ==, KOUAN_OUTBOX_CONFLICT);
  g_assert_null (kouan_outbox_entry_get_changed_by (entry));
  g_assert_cmpint (kouan_outbox_entry_get_changed_at (entry), ==, updated_at);
  local = local_policy (&wang, policy->id);
  g_assert_cmpstr (local->status, ==, "pending");
  g_assert_cmpstr (local->ends_on, ==, "2031-12-31");
  g_clear_object (&local);

  g_assert_true (kouan_store_outbox_keep_mine (wang.store, kouan_outbox_entry_get_id (entry), &error));
  g_assert_no_error (error);
  local = local_policy (&wang, policy->id);
  g_assert_cmpstr (local->status, ==, "effective");
  g_clear_object (&local);
  g_clear_pointer (&entries, g_ptr_array_unref);
  sync_ok (&wang);
  entries = outbox (&wang);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_cmpuint (kouan_store_count_outbox (wang.store), ==, 0);
  sync_ok (&wang);

  status = server_text ("SELECT status FROM insurance_policies WHERE id = ?1", policy->id);
  ends_on = server_text ("SELECT ends_on FROM insurance_policies WHERE id = ?1", policy->id);
  g_assert_cmpstr (status, ==, "effective");
  g_assert_cmpstr (ends_on, ==, "2031-12-31");
  g_assert_cmpint (applied_with_status (policy->id, "effective"), ==, 1);
  local = local_policy (&wang, policy->id);
  g_assert_cmpstr (local->status, ==, "effective");
  g_assert_cmpstr (local->ends_on, ==, "2031-12-31");
}

/* Two edits of one record queued one after the other see each other: the
 * second is no conflict with the first. */
static void
test_own_edits_no_conflict (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanPolicy) policy = NULL;
  g_autoptr(KouanPolicy) confirmed = NULL;
  g_autoptr(KouanPolicy) local = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  sync_ok (&wang);
  policy = pending_policy (&wang, 0);

  go_offline ();
  g_assert_true (kouan_store_confirm_policy (wang.store, policy, &error));
  g_assert_no_error (error);
  confirmed = local_policy (&wang, policy->id);
  g_assert_false (confirmed->notice_read);
  g_assert_true (kouan_store_read_policy_notice (wang.store, confirmed, &error));
  g_assert_no_error (error);
  assert_offline_cycle_fails (&wang);
  g_assert_cmpuint (kouan_store_count_outbox (wang.store), ==, 2);
  come_back ();

  sync_ok (&wang);
  entries = outbox (&wang);
  g_assert_cmpuint (entries->len, ==, 0);
  local = local_policy (&wang, policy->id);
  g_assert_cmpstr (local->status, ==, "effective");
  g_assert_true (local->notice_read);
  g_assert_cmpint (server_int ("SELECT notice_read FROM insurance_policies WHERE id = ?1", policy->id), ==, 1);
}

/* 李娜 confirms a policy offline; meanwhile her role loses the right to
 * manage policies. Back online the edit is refused (not a conflict), with
 * the server's reason, and the cache shows the policy pending again. Once
 * the right is back, retry applies it — once. */
static void
test_refused_then_retry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanPolicy) policy = NULL;
  g_autoptr(KouanPolicy) local = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *status = NULL;
  KouanOutboxEntry *entry;
  gint64 role_id;

  sync_ok (&li);
  policy = pending_policy (&li, 0);
  role_id = server_int ("SELECT id FROM roles WHERE enterprise_id = ?1 AND name = '业务员'", 1);
  g_assert_cmpint (server_int ("SELECT count (*) FROM role_permissions"
                               " WHERE role_id = ?1 AND permission = 'insurance.policies:manage'", role_id), ==, 1);

  go_offline ();
  g_assert_true (kouan_store_confirm_policy (li.store, policy, &error));
  g_assert_no_error (error);
  assert_offline_cycle_fails (&li);
  come_back ();

  sql = g_strdup_printf ("DELETE FROM role_permissions WHERE role_id = %" G_GINT64_FORMAT
                         " AND permission = 'insurance.policies:manage'", role_id);
  server_exec (sql);

  sync_ok (&li);
  entries = outbox (&li);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (kouan_outbox_entry_get_state (entry), ==, KOUAN_OUTBOX_REFUSED);
  g_assert_cmpstr (kouan_outbox_entry_get_reason_code (entry), ==, "forbidden");
  g_assert_nonnull (kouan_outbox_entry_get_reason (entry));
  g_assert_null (kouan_outbox_entry_get_changed_by (entry));
  local = local_policy (&li, policy->id);
  g_assert_cmpstr (local->status, ==, "pending");
  g_clear_object (&local);
  g_assert_cmpint (applied_with_status (policy->id, "effective"), ==, 0);

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("INSERT INTO role_permissions (role_id, permission)"
                         " VALUES (%" G_GINT64_FORMAT ", 'insurance.policies:manage')", role_id);
  server_exec (sql);

  g_assert_true (kouan_store_outbox_retry (li.store, kouan_outbox_entry_get_id (entry), &error));
  g_assert_no_error (error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  sync_ok (&li);
  entries = outbox (&li);
  g_assert_cmpuint (entries->len, ==, 0);
  local = local_policy (&li, policy->id);
  g_assert_cmpstr (local->status, ==, "effective");
  status = server_text ("SELECT status FROM insurance_policies WHERE id = ?1", policy->id);
  g_assert_cmpstr (status, ==, "effective");
  g_assert_cmpint (applied_with_status (policy->id, "effective"), ==, 1);
}

/* A create the server refuses leaves no row behind: 李娜 may not add the
 * enterprise's links; the link she adds offline shows at once, then goes
 * when the server refuses it, and the refusal waits in the outbox until
 * she discards it. */
static void
test_refused_create_leaves_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) during = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *id = NULL;
  KouanOutboxEntry *entry;
  gint64 temp_id;

  sync_ok (&li);
  before = kouan_store_list_settings (li.store, 1, "showcase_links", &error);
  g_assert_no_error (error);

  temp_id = kouan_store_allocate_temp_id (li.store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (temp_id, <, 0);
  json_object_set_string_member (fields, "title", "员工链接");
  json_object_set_string_member (fields, "url", "https://www.example.cn");
  id = kouan_store_enqueue (li.store, 1, "showcase_links", "create", temp_id, fields, &error);
  g_assert_no_error (error);
  during = kouan_store_list_settings (li.store, 1, "showcase_links", &error);
  g_assert_cmpuint (during->len, ==, before->len + 1);

  sync_ok (&li);
  after = kouan_store_list_settings (li.store, 1, "showcase_links", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  entries = outbox (&li);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (kouan_outbox_entry_get_id (entry), ==, id);
  g_assert_cmpint (kouan_outbox_entry_get_state (entry), ==, KOUAN_OUTBOX_REFUSED);
  g_assert_cmpstr (kouan_outbox_entry_get_reason_code (entry), ==, "forbidden");

  g_assert_true (kouan_store_outbox_discard (li.store, id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = outbox (&li);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = kouan_store_list_settings (li.store, 1, "showcase_links", &error);
  g_assert_cmpuint (after->len, ==, before->len);
}

/* The conflict answer is stored like any result: the same batch sent
 * again gets the same conflict back and changes nothing. */
static void
test_conflict_replayed (void)
{
  g_autofree char *token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/1/mutations",
                                          kouan_test_server_get_url (server));
  g_autoptr(KouanPolicy) policy = NULL;
  g_autofree char *body = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *status = NULL;
  GBytes *replies[2] = { NULL, NULL };

  sync_ok (&wang);
  policy = pending_policy (&wang, 0);
  /* the record changes after base 1 by no one's mutation */
  body = g_strdup_printf ("{\"mutations\": [{\"id\": \"replay-conflict-1\", \"collection\": \"insurance_policies\","
                          " \"op\": \"update\", \"record_id\": %" G_GINT64_FORMAT ", \"base\": 1,"
                          " \"fields\": {\"status\": \"effective\"}}]}", policy->id);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (kouan_test_http ("POST", url, token, body, strlen (body), &replies[i]), ==, 200);
      /* between the two sends the record moves on again */
      sql = g_strdup_printf ("UPDATE insurance_policies SET updated_at = updated_at + 1 WHERE id = %"
                             G_GINT64_FORMAT, policy->id);
      server_exec (sql);
      g_clear_pointer (&sql, g_free);
    }
  {
    g_autoptr(JsonObject) first = kouan_json_parse_object (g_bytes_get_data (replies[0], NULL),
                                                           g_bytes_get_size (replies[0]), NULL);
    g_autoptr(JsonObject) second = kouan_json_parse_object (g_bytes_get_data (replies[1], NULL),
                                                            g_bytes_get_size (replies[1]), NULL);
    JsonObject *result = json_array_get_object_element (json_object_get_array_member (first, "results"), 0);
    g_autofree char *first_text = kouan_json_object_to_string (result);
    g_autofree char *second_text =
      kouan_json_object_to_string (json_array_get_object_element (json_object_get_array_member (second, "results"), 0));

    /* the same answer, word for word, though the record moved on */
    g_assert_cmpstr (first_text, ==, second_text);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "code"),
                     ==, "conflict");
  }
  status = server_text ("SELECT status FROM insurance_policies WHERE id = ?1", policy->id);
  g_assert_cmpstr (status, ==, "pending");
  g_bytes_unref (replies[0]);
  g_bytes_unref (replies[1]);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outbox/conflict-retry-discard", test_conflict_retry_discard);
  g_test_add_func ("/outbox/keep-mine", test_keep_mine);
  g_test_add_func ("/outbox/own-edits-no-conflict", test_own_edits_no_conflict);
  g_test_add_func ("/outbox/refused-then-retry", test_refused_then_retry);
  g_test_add_func ("/outbox/conflict-replayed", test_conflict_replayed);
  g_test_add_func ("/outbox/refused-create-leaves-nothing", test_refused_create_leaves_nothing);

  server = kouan_test_server_start ((const char *[]) { "--demo", NULL });
  side_open (&wang, "demo-admin");
  side_open (&li, "demo-staff");

  status = g_test_run ();

  side_close (&wang);
  side_close (&li);
  kouan_test_server_free (server);
  return status;
}
