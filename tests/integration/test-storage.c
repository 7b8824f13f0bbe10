/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>

#include "kouan-server.h"
#include "kouan-storage.h"
#include "kouan-test-pg.h"

/* The ported storage areas against both backends: the same assertions
 * on SQLite (the server's own schema, kouan_server_db_open) and on a
 * private PostgreSQL cluster. Then what only several connections show:
 * the change feed never skips a change that commits late, and a card
 * challenge or mutation id is used at most once across connections. */

static KouanTestPg *pg;
static guint pg_databases;

typedef struct {
  KouanServer   server;   /* SQLite: the connection the storage borrows */
  char         *dir;
  KouanStorage *storage;  /* the one under test */
  char         *uri;      /* PostgreSQL */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  if (GPOINTER_TO_INT (data) == KOUAN_STORAGE_SQLITE)
    {
      g_autofree char *path = NULL;

      f->dir = g_dir_make_tmp ("kouan-storage-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (f->dir, "server.db", NULL);
      g_assert_true (kouan_server_db_open (&f->server, path, &error));
      g_assert_no_error (error);
      f->storage = f->server.storage;
    }
  else
    {
      g_autofree char *name = g_strdup_printf ("kouan%u", ++pg_databases);

      f->uri = kouan_test_pg_create_db (pg, name);
      f->storage = kouan_storage_postgres_open (f->uri, &error);
      g_assert_no_error (error);
      g_assert_nonnull (f->storage);
    }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->dir != NULL)
    {
      g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", f->dir);

      kouan_server_db_close (&f->server);
      g_assert_cmpint (system (rm), ==, 0);
      g_free (f->dir);
    }
  else
    g_clear_pointer (&f->storage, kouan_storage_free);
  g_free (f->uri);
}

static gint64
make_user (KouanStorage *s, const char *account)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (s->auth->user_create (s, account, account, "hash-of-secret", &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_sessions (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_auto(KouanStoredSession) session = { 0 };
  g_autoptr(GPtrArray) evicted = NULL;
  g_autofree char *hash = NULL;
  gint64 user = make_user (s, "alice"), id = 0;
  gboolean active = FALSE;

  g_assert_true (s->auth->user_for_login (s, "alice", &id, &hash, &active, &error));
  g_assert_cmpint (id, ==, user);
  g_assert_cmpstr (hash, ==, "hash-of-secret");
  g_assert_true (active);
  g_clear_pointer (&hash, g_free);
  g_assert_true (s->auth->user_for_login (s, "nobody", &id, &hash, &active, &error));
  g_assert_cmpint (id, ==, 0);
  g_assert_null (hash);
  /* a second account of the same name violates the key */
  g_assert_false (s->auth->user_create (s, "alice", "A", "h", NULL, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *sha = g_strdup_printf ("token%d", i);

      g_assert_true (s->auth->session_insert (s, sha, user, "password", 1000 + i, 9000, &error));
      g_assert_no_error (error);
    }
  g_assert_true (s->auth->session_lookup (s, "token3", &session, &error));
  g_assert_cmpstr (session.token_sha256, ==, "token3");
  g_assert_cmpint (session.user_id, ==, user);
  g_assert_cmpstr (session.method, ==, "password");
  g_assert_cmpint (session.created_at, ==, 1003);
  g_assert_cmpint (session.last_seen, ==, 1003);
  g_assert_cmpint (session.expires_at, ==, 9000);
  g_assert_true (session.user_active);
  kouan_stored_session_clear (&session);

  /* touched: token0 becomes the most recently used */
  g_assert_true (s->auth->session_touch (s, "token0", 2000, &error));
  /* keep token4 (just opened) and the 2 most recently used of the rest */
  evicted = s->auth->sessions_evict (s, user, "token4", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (evicted->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (evicted, "token1", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (evicted, "token2", g_str_equal, NULL));
  g_assert_true (s->auth->session_lookup (s, "token1", &session, &error));
  g_assert_null (session.token_sha256);
  g_assert_true (s->auth->session_lookup (s, "token0", &session, &error));
  g_assert_cmpint (session.last_seen, ==, 2000);
  kouan_stored_session_clear (&session);

  /* logout ends it */
  g_assert_true (s->auth->session_delete (s, "token0", &error));
  g_assert_true (s->auth->session_lookup (s, "token0", &session, &error));
  g_assert_null (session.token_sha256);
  /* idle since 1500: token3 (1003) goes, token4 (1004) too; expired none */
  g_assert_true (s->auth->sessions_sweep (s, 1500, 1003, &error));
  g_assert_true (s->auth->session_lookup (s, "token3", &session, &error));
  g_assert_null (session.token_sha256);
  g_assert_true (s->auth->session_lookup (s, "token4", &session, &error));
  g_assert_nonnull (session.token_sha256);
  g_assert_no_error (error);
}

static void
test_throttle (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  gint64 count = -1, oldest = -1;

  g_assert_true (s->auth->throttle_recent (s, "account:a", 0, 5, &count, &oldest, &error));
  g_assert_cmpint (count, ==, 0);
  for (int i = 0; i < 7; i++)
    g_assert_true (s->auth->throttle_record (s, "account:a", 100 + i, &error));
  g_assert_true (s->auth->throttle_record (s, "address:x", 100, &error));
  /* the newest five: 102..106 */
  g_assert_true (s->auth->throttle_recent (s, "account:a", 0, 5, &count, &oldest, &error));
  g_assert_cmpint (count, ==, 5);
  g_assert_cmpint (oldest, ==, 102);
  /* only those after 104 */
  g_assert_true (s->auth->throttle_recent (s, "account:a", 104, 5, &count, &oldest, &error));
  g_assert_cmpint (count, ==, 2);
  g_assert_cmpint (oldest, ==, 105);
  /* forgetting the account also drops everything at or before 100 */
  g_assert_true (s->auth->throttle_forget (s, "account:a", 100, &error));
  g_assert_true (s->auth->throttle_recent (s, "account:a", 0, 5, &count, &oldest, &error));
  g_assert_cmpint (count, ==, 0);
  g_assert_true (s->auth->throttle_recent (s, "address:x", 0, 5, &count, &oldest, &error));
  g_assert_cmpint (count, ==, 0);
  g_assert_no_error (error);
}

static void
test_card (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  KouanChallengeStatus status;
  gint64 user = make_user (s, "carded"), count = 0, first = 0, bound = -1;

  g_assert_true (s->card->challenge_insert (s, "c1", 200, &error));
  g_assert_true (s->card->challenge_insert (s, "c2", 150, &error));
  g_assert_true (s->card->challenge_insert (s, "old", 50, &error));
  g_assert_true (s->card->challenges_outstanding (s, 100, &count, &first, &error));
  g_assert_cmpint (count, ==, 2);
  g_assert_cmpint (first, ==, 150);

  g_assert_true (s->card->challenge_consume (s, "c1", 100, &status, &error));
  g_assert_cmpint (status, ==, KOUAN_CHALLENGE_OK);
  g_assert_true (s->card->challenge_consume (s, "c1", 100, &status, &error));
  g_assert_cmpint (status, ==, KOUAN_CHALLENGE_USED);
  g_assert_true (s->card->challenge_consume (s, "nope", 100, &status, &error));
  g_assert_cmpint (status, ==, KOUAN_CHALLENGE_UNKNOWN);
  g_assert_true (s->card->challenge_consume (s, "c2", 160, &status, &error));
  g_assert_cmpint (status, ==, KOUAN_CHALLENGE_EXPIRED);
  /* used once, even expired */
  g_assert_true (s->card->challenge_consume (s, "c2", 100, &status, &error));
  g_assert_cmpint (status, ==, KOUAN_CHALLENGE_USED);

  g_assert_true (s->card->challenges_sweep (s, 60, &error));
  g_assert_true (s->card->challenge_consume (s, "old", 10, &status, &error));
  g_assert_cmpint (status, ==, KOUAN_CHALLENGE_UNKNOWN);

  g_assert_true (s->card->certificate_user (s, "fp", &bound, &error));
  g_assert_cmpint (bound, ==, 0);
  g_assert_true (s->card->certificate_bind (s, "fp", user, 100, &error));
  g_assert_true (s->card->certificate_bind (s, "fp", user, 101, &error));
  g_assert_true (s->card->certificate_user (s, "fp", &bound, &error));
  g_assert_cmpint (bound, ==, user);
  g_assert_no_error (error);
}

static GArray *
cards_new (void)
{
  GArray *cards = g_array_new (FALSE, TRUE, sizeof (KouanStoredCard));

  g_array_set_clear_func (cards, (GDestroyNotify) kouan_stored_card_clear);
  return cards;
}

/* Binding a card to an account with its details, the one-account rule,
 * the list, unbinding, and the expiry announcement that comes once. */
static void
test_card_binding (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) list = cards_new ();
  g_autoptr(GArray) expiring = cards_new ();
  g_auto(KouanStoredCard) removed = { 0 };
  g_autofree char *account = NULL;
  g_autofree char *hash = NULL;
  gint64 alice = make_user (s, "alice"), bob = make_user (s, "bob"), owner = 0;
  KouanStoredCard card = { (char *) "fp-a", alice, (char *) "甲持卡人", (char *) "0a1b", 5000, 0 };
  KouanStoredCard other = { (char *) "fp-b", alice, NULL, NULL, 900000, 0 };
  KouanCardBindResult result;

  g_assert_true (s->card->card_bind (s, &card, 100, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, KOUAN_CARD_BIND_BOUND);
  g_assert_true (s->card->card_bind (s, &card, 150, &result, &error));
  g_assert_cmpint (result, ==, KOUAN_CARD_BIND_ALREADY);
  g_assert_true (s->card->card_bind (s, &other, 200, &result, &error));
  g_assert_cmpint (result, ==, KOUAN_CARD_BIND_BOUND);

  /* bob cannot take alice's card, and nothing of hers changes */
  card.user_id = bob;
  card.holder = (char *) "冒名";
  g_assert_true (s->card->card_bind (s, &card, 300, &result, &error));
  g_assert_cmpint (result, ==, KOUAN_CARD_BIND_OTHER_ACCOUNT);
  g_assert_true (s->card->certificate_user (s, "fp-a", &owner, &error));
  g_assert_cmpint (owner, ==, alice);

  g_assert_true (s->card->cards_list (s, alice, list, &error));
  g_assert_cmpuint (list->len, ==, 2);
  /* newest binding first; rebinding kept the first binding time */
  g_assert_cmpstr (g_array_index (list, KouanStoredCard, 0).fingerprint, ==, "fp-b");
  g_assert_null (g_array_index (list, KouanStoredCard, 0).holder);
  g_assert_cmpstr (g_array_index (list, KouanStoredCard, 1).fingerprint, ==, "fp-a");
  g_assert_cmpstr (g_array_index (list, KouanStoredCard, 1).holder, ==, "甲持卡人");
  g_assert_cmpstr (g_array_index (list, KouanStoredCard, 1).serial, ==, "0a1b");
  g_assert_cmpint (g_array_index (list, KouanStoredCard, 1).not_after, ==, 5000);
  g_assert_cmpint (g_array_index (list, KouanStoredCard, 1).bound_at, ==, 100);
  g_array_set_size (list, 0);
  g_assert_true (s->card->cards_list (s, bob, list, &error));
  g_assert_cmpuint (list->len, ==, 0);

  /* only fp-a expires before 10000, and is announced once */
  g_assert_true (s->card->cards_expiring (s, 10000, expiring, &error));
  g_assert_cmpuint (expiring->len, ==, 1);
  g_assert_cmpstr (g_array_index (expiring, KouanStoredCard, 0).fingerprint, ==, "fp-a");
  g_assert_cmpint (g_array_index (expiring, KouanStoredCard, 0).user_id, ==, alice);
  g_assert_true (s->card->card_expiry_announced (s, "fp-a", &error));
  g_array_set_size (expiring, 0);
  g_assert_true (s->card->cards_expiring (s, 10000, expiring, &error));
  g_assert_cmpuint (expiring->len, ==, 0);

  /* bob cannot unbind alice's card; alice can, and then bob may bind it */
  g_assert_true (s->card->card_unbind (s, bob, "fp-a", &removed, &error));
  g_assert_null (removed.fingerprint);
  g_assert_true (s->card->card_unbind (s, alice, "fp-a", &removed, &error));
  g_assert_cmpstr (removed.fingerprint, ==, "fp-a");
  g_assert_cmpstr (removed.holder, ==, "甲持卡人");
  g_assert_true (s->card->certificate_user (s, "fp-a", &owner, &error));
  g_assert_cmpint (owner, ==, 0);
  g_assert_true (s->card->card_bind (s, &card, 400, &result, &error));
  g_assert_cmpint (result, ==, KOUAN_CARD_BIND_BOUND);
  /* a new binding is announced again */
  g_assert_true (s->card->cards_expiring (s, 10000, expiring, &error));
  g_assert_cmpuint (expiring->len, ==, 1);
  g_assert_cmpint (g_array_index (expiring, KouanStoredCard, 0).user_id, ==, bob);

  g_assert_true (s->card->account_credentials (s, alice, &account, &hash, &error));
  g_assert_cmpstr (account, ==, "alice");
  g_assert_cmpstr (hash, ==, "hash-of-secret");
  g_clear_pointer (&account, g_free);
  g_clear_pointer (&hash, g_free);
  g_assert_true (s->card->account_credentials (s, 99999, &account, &hash, &error));
  g_assert_null (account);
  g_assert_no_error (error);

  /* an administrator's revocation ends the holder's card sessions only,
   * and only theirs */
  {
    g_autoptr(GPtrArray) ended = NULL;
    g_auto(KouanStoredSession) kept = { 0 };

    g_assert_true (s->auth->session_insert (s, "sha-card-1", bob, "card", 100, 9000, &error));
    g_assert_true (s->auth->session_insert (s, "sha-card-2", bob, "card", 110, 9000, &error));
    g_assert_true (s->auth->session_insert (s, "sha-password", bob, "password", 120, 9000, &error));
    g_assert_true (s->auth->session_insert (s, "sha-alice-card", alice, "card", 130, 9000, &error));
    ended = s->card->card_sessions_end (s, bob, &error);
    g_assert_no_error (error);
    g_assert_nonnull (ended);
    g_assert_cmpuint (ended->len, ==, 2);
    g_assert_true (g_ptr_array_find_with_equal_func (ended, "sha-card-1", g_str_equal, NULL));
    g_assert_true (g_ptr_array_find_with_equal_func (ended, "sha-card-2", g_str_equal, NULL));
    g_assert_true (s->auth->session_lookup (s, "sha-card-1", &kept, &error));
    g_assert_null (kept.token_sha256);
    g_assert_true (s->auth->session_lookup (s, "sha-password", &kept, &error));
    g_assert_cmpstr (kept.token_sha256, ==, "sha-password");
    kouan_stored_session_clear (&kept);
    g_assert_true (s->auth->session_lookup (s, "sha-alice-card", &kept, &error));
    g_assert_cmpint (kept.user_id, ==, alice);
    g_clear_pointer (&ended, g_ptr_array_unref);
    ended = s->card->card_sessions_end (s, bob, &error);
    g_assert_cmpuint (ended->len, ==, 0);
  }
}

static void
test_mutation_ids (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;
  gint64 user = make_user (s, "writer"), pruned = -1;

  result = s->feed->mutation_result (s, user, "m1", &error);
  g_assert_no_error (error);
  g_assert_null (result);
  g_assert_true (s->feed->mutation_store (s, user, "m1", "{\"status\":\"applied\"}", 100, &error));
  result = s->feed->mutation_result (s, user, "m1", &error);
  g_assert_cmpstr (result, ==, "{\"status\":\"applied\"}");
  /* at most once */
  g_assert_false (s->feed->mutation_store (s, user, "m1", "{}", 101, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (s->feed->mutation_store (s, user, "m2", "{}", 200, &error));
  g_assert_true (s->feed->mutations_prune (s, 150, &pruned, &error));
  g_assert_cmpint (pruned, ==, 1);
  g_clear_pointer (&result, g_free);
  result = s->feed->mutation_result (s, user, "m1", &error);
  g_assert_null (result);
  g_assert_no_error (error);
}

static void
page (KouanStorage *s, gint64 eid, gint64 uid, gint64 since, guint limit,
      const char * const *hidden, GArray *out)
{
  g_autoptr(GError) error = NULL;

  g_array_set_size (out, 0);
  g_assert_true (s->feed->changes_page (s, eid, uid, since, limit, hidden, out, &error));
  g_assert_no_error (error);
}

#define CHANGE(a, i) (&g_array_index ((a), KouanStoredChange, (i)))

static void
test_feed (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *hide_secret[] = { "secret", NULL };
  gint64 newest = -1;
  /* enterprises 1 and 2 have no rows on PostgreSQL yet: the feed is keyed
   * by enterprise_id without a foreign key there */
  gint64 alice = 0, bob = 0;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  if (GPOINTER_TO_INT (data) == KOUAN_STORAGE_SQLITE)
    {
      /* enterprise 1 of the SQLite schema's foreign keys does not apply
       * to changes either; start after the rows the schema writes */
      g_assert_true (s->feed->changes_newest (s, 1, 0, &newest, &error));
      g_assert_cmpint (newest, ==, 0);
    }
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");

  g_assert_true (s->feed->change_record (s, 1, 0, "notes", 10, "{\"t\":1}", &error));
  g_assert_true (s->feed->change_record (s, 1, 0, "notes", 11, "{\"t\":2}", &error));
  g_assert_true (s->feed->change_record (s, 1, alice, "notes", 10, "{\"mine\":1}", &error));
  g_assert_true (s->feed->change_record (s, 1, 0, "secret", 1, "{}", &error));
  g_assert_true (s->feed->change_record (s, 2, 0, "notes", 99, "{}", &error));
  g_assert_true (s->feed->change_record (s, 1, 0, "notes", 10, "{\"t\":3}", &error));
  g_assert_no_error (error);

  /* bob: 11, secret 1, 10 (the latest shared row of record 10) */
  page (s, 1, bob, 0, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 3);
  g_assert_cmpstr (CHANGE (out, 0)->collection, ==, "notes");
  g_assert_cmpint (CHANGE (out, 0)->record_id, ==, 11);
  g_assert_cmpint (CHANGE (out, 1)->record_id, ==, 1);
  g_assert_cmpint (CHANGE (out, 2)->record_id, ==, 10);
  if (CHANGE (out, 2)->kept)
    g_assert_cmpstr (CHANGE (out, 2)->record_json, ==, "{\"t\":3}");
  g_assert_cmpint (CHANGE (out, 0)->seq, <, CHANGE (out, 1)->seq);
  g_assert_cmpint (CHANGE (out, 1)->seq, <, CHANGE (out, 2)->seq);
  /* hidden collections are left out in the query; limit and since page */
  page (s, 1, bob, 0, 10, hide_secret, out);
  g_assert_cmpuint (out->len, ==, 2);
  page (s, 1, bob, 0, 1, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  page (s, 1, bob, CHANGE (out, 0)->seq, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 2);
  g_assert_cmpint (CHANGE (out, 0)->record_id, ==, 1);

  g_assert_true (s->feed->changes_count (s, 1, bob, 0, counts, &error));
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (counts, "notes"), ==, 2);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (counts, "secret"), ==, 1);
  g_assert_true (s->feed->changes_newest (s, 1, bob, &newest, &error));
  g_assert_cmpint (newest, ==, CHANGE (out, 1)->seq);
  g_assert_true (s->feed->changes_newest (s, 3, bob, &newest, &error));
  g_assert_cmpint (newest, ==, 0);

  /* what the events sockets are told: the distinct (enterprise, audience,
   * collection) after a seq, and the newest seq of the whole database */
  {
    g_autoptr(GArray) touched = g_array_new (FALSE, TRUE, sizeof (KouanStoredTouch));
    gint64 all = 0, before = 0;

    g_array_set_clear_func (touched, (GDestroyNotify) kouan_stored_touch_clear);
    g_assert_true (s->feed->changes_newest_all (s, &before, &error));
    g_assert_cmpint (before, >=, newest);
    g_assert_true (s->feed->change_record (s, 2, alice, "notes", 5, "{}", &error));
    g_assert_true (s->feed->change_record (s, 2, alice, "notes", 6, "{}", &error));
    g_assert_true (s->feed->change_record (s, 3, 0, "other", 1, "{}", &error));
    g_assert_true (s->feed->changes_newest_all (s, &all, &error));
    g_assert_cmpint (all, >, before);
    g_assert_true (s->feed->changes_touched (s, before, touched, &error));
    g_assert_cmpuint (touched->len, ==, 2);
    for (guint i = 0; i < touched->len; i++)
      {
        KouanStoredTouch *t = &g_array_index (touched, KouanStoredTouch, i);

        if (t->enterprise_id == 2)
          {
            g_assert_cmpint (t->user_id, ==, alice);
            g_assert_cmpstr (t->collection, ==, "notes");
          }
        else
          {
            g_assert_cmpint (t->enterprise_id, ==, 3);
            g_assert_cmpint (t->user_id, ==, 0);
            g_assert_cmpstr (t->collection, ==, "other");
          }
      }
  }
  g_assert_no_error (error);
}

/* ---- several connections (PostgreSQL) -------------------------------- */

/* Two writes of one record committed before anyone read the feed are
 * numbered in the order they were written: the feed sends the later. */
/* ---- area 4: messages ------------------------------------------------ */

/* An enterprise for the SQLite schema's foreign keys (PostgreSQL keys
 * messages by enterprise_id without one until enterprises are ported) */
static void
make_enterprise (Fixture *f, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  if (f->dir == NULL)
    return;
  sql = g_strdup_printf ("INSERT INTO enterprises (id, name, credit_code) VALUES"
                         " (%" G_GINT64_FORMAT ", 'E', '91310000MA1K%06" G_GINT64_FORMAT "')", id, id);
  g_assert_true (kouan_server_db_exec (&f->server, sql, &error));
  g_assert_no_error (error);
}

/* The record the feed sends for change @i of @out: as kept, or (SQLite)
 * as the message reads now for @uid */
static void
assert_message_change (KouanStorage *s, GArray *out, guint i, gint64 eid, gint64 uid,
                       gint64 id, gboolean read, gboolean starred)
{
  g_autoptr(GError) error = NULL;
  g_auto(KouanStoredMessage) m = { 0 };
  const KouanStoredChange *change = CHANGE (out, i);

  g_assert_cmpstr (change->collection, ==, "messages");
  g_assert_cmpint (change->record_id, ==, id);
  if (change->kept)
    {
      g_autoptr(JsonNode) node = json_from_string (change->record_json, &error);
      JsonObject *record;

      g_assert_no_error (error);
      record = json_node_get_object (node);
      g_assert_cmpint (json_object_get_int_member (record, "id"), ==, id);
      g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "warning");
      g_assert_cmpstr (json_object_get_string_member (record, "title"), ==, "标题");
      g_assert_cmpstr (json_object_get_string_member (record, "severity"), ==, "high");
      g_assert_cmpint (json_object_get_int_member (record, "created_at"), ==, 1700000000);
      g_assert_cmpint (json_object_get_boolean_member (record, "read"), ==, read);
      g_assert_cmpint (json_object_get_boolean_member (record, "starred"), ==, starred);
    }
  else
    {
      g_assert_true (s->messages->message_get (s, eid, id, uid, &m, &error));
      g_assert_cmpint (m.read, ==, read);
      g_assert_cmpint (m.starred, ==, starred);
    }
}

static void
test_messages (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_auto(KouanStoredMessage) m = { 0 };
  KouanStoredMessage post = {
    .kind = (char *) "warning", .category = (char *) "风险预警", .title = (char *) "标题",
    .body = (char *) "正文\n第二行 \"引号\"", .severity = (char *) "high",
    .created_at = 1700000000,
  };
  KouanStoredMessageState states[] = { { 0, TRUE, FALSE }, { 0, FALSE, FALSE } };
  gint64 alice, bob, carol, id = 0, audience_id = 0, seeded = 0, before = 0, after = 0;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  make_enterprise (f, 1);
  make_enterprise (f, 2);
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");
  carol = make_user (s, "carol");

  g_assert_true (s->feed->changes_newest (s, 1, alice, &before, &error));
  g_assert_true (s->messages->message_post (s, 1, &post, NULL, 0, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  g_assert_true (s->messages->message_get (s, 1, id, alice, &m, &error));
  g_assert_cmpint (m.id, ==, id);
  g_assert_cmpint (m.enterprise_id, ==, 1);
  g_assert_cmpstr (m.kind, ==, "warning");
  g_assert_cmpstr (m.category, ==, "风险预警");
  g_assert_cmpstr (m.title, ==, "标题");
  g_assert_cmpstr (m.body, ==, post.body);
  g_assert_cmpstr (m.severity, ==, "high");
  g_assert_cmpint (m.created_at, ==, 1700000000);
  g_assert_false (m.read);
  g_assert_false (m.starred);
  kouan_stored_message_clear (&m);
  /* another enterprise's id is no message of this one */
  g_assert_true (s->messages->message_get (s, 2, id, alice, &m, &error));
  g_assert_cmpint (m.id, ==, 0);
  g_assert_null (m.title);

  /* posted to everyone: one change each member receives */
  page (s, 1, bob, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  assert_message_change (s, out, 0, 1, bob, id, FALSE, FALSE);

  /* alice reads and stars it: a change for her alone */
  g_assert_true (s->messages->message_state_set (s, 1, alice, id, TRUE, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (s->messages->message_get (s, 1, id, alice, &m, &error));
  g_assert_true (m.read);
  g_assert_true (m.starred);
  kouan_stored_message_clear (&m);
  g_assert_true (s->messages->message_get (s, 1, id, bob, &m, &error));
  g_assert_false (m.read);
  kouan_stored_message_clear (&m);
  page (s, 1, alice, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  assert_message_change (s, out, 0, 1, alice, id, TRUE, TRUE);
  page (s, 1, bob, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  assert_message_change (s, out, 0, 1, bob, id, FALSE, FALSE);

  /* the same flags again change nothing */
  g_assert_true (s->feed->changes_newest (s, 1, alice, &before, &error));
  g_assert_true (s->messages->message_state_set (s, 1, alice, id, TRUE, TRUE, &error));
  g_assert_true (s->feed->changes_newest (s, 1, alice, &after, &error));
  g_assert_cmpint (after, ==, before);
  /* unstarred: a change again */
  g_assert_true (s->messages->message_state_set (s, 1, alice, id, TRUE, FALSE, &error));
  page (s, 1, alice, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  assert_message_change (s, out, 0, 1, alice, id, TRUE, FALSE);
  g_assert_no_error (error);

  /* to an audience: only bob and carol receive it */
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (s->messages->message_post (s, 1, &post, (gint64[]) { bob, carol }, 2,
                                            &audience_id, &error));
  g_assert_no_error (error);
  page (s, 1, alice, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 0);
  page (s, 1, carol, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  assert_message_change (s, out, 0, 1, carol, audience_id, FALSE, FALSE);

  /* seeded with alice's flags (bob's are the default): everyone
   * receives it, alice as read */
  states[0].user_id = alice;
  states[1].user_id = bob;
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (s->messages->message_seed (s, 2, &post, states, 2, &seeded, &error));
  g_assert_no_error (error);
  g_assert_true (s->messages->message_get (s, 2, seeded, alice, &m, &error));
  g_assert_true (m.read);
  g_assert_false (m.starred);
  kouan_stored_message_clear (&m);
  page (s, 2, alice, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  assert_message_change (s, out, 0, 2, alice, seeded, TRUE, FALSE);
  page (s, 2, bob, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  assert_message_change (s, out, 0, 2, bob, seeded, FALSE, FALSE);

  /* a message's kind is checked by the schema on both backends */
  post.kind = (char *) "rumour";
  g_assert_false (s->messages->message_post (s, 1, &post, NULL, 0, NULL, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
}

/* ---- area 5: the personal center ------------------------------------- */

/* SQLite: @uid is a member of @eid (the triggers write a profile's
 * changes into the user's enterprises; PostgreSQL is told them) */
static void
make_member (Fixture *f, gint64 uid, gint64 eid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  if (f->dir == NULL)
    return;
  sql = g_strdup_printf ("INSERT INTO memberships (user_id, enterprise_id) VALUES"
                         " (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", uid, eid);
  g_assert_true (kouan_server_db_exec (&f->server, sql, &error));
  g_assert_no_error (error);
}

/* An image of enterprise @eid with @content as its bytes, stored through
 * storage (the enterprise is opened first where it is not there yet:
 * PostgreSQL's images have a foreign key to it); its id */
static gint64
make_image (Fixture *f, gint64 eid, const char *content)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_auto(KouanStoredEnterpriseSettings) settings = { 0 };
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, content, -1);
  g_autoptr(GBytes) bytes = g_bytes_new (content, strlen (content));
  KouanStoredImage image = {
    .enterprise_id = eid, .sha256 = sha256, .mime = (char *) "image/png", .width = 1,
    .height = 1, .data = bytes,
  };
  gint64 id = 0;

  g_assert_true (s->enterprise->settings_get (s, eid, &settings, &error));
  g_assert_no_error (error);
  if (settings.enterprise_id == 0)
    {
      g_autofree char *code = g_strdup_printf ("91310000MA1K%06" G_GINT64_FORMAT, eid);

      g_assert_true (s->enterprise->enterprise_open (s, eid, "E", code, &error));
      g_assert_no_error (error);
    }
  g_assert_true (s->images->image_store (s, &image, 0, 1700000000, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* @out has one change of @collection, of record @uid; its JSON as kept
 * (PostgreSQL), or NULL when the feed materialises it (SQLite). (On
 * SQLite a new name is also a change of the "members" record, admin
 * people's.) */
static JsonObject *
personal_change (GArray *out, const char *collection, gint64 uid)
{
  g_autoptr(GError) error = NULL;
  const KouanStoredChange *change = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < out->len; i++)
    if (g_str_equal (CHANGE (out, i)->collection, collection))
      {
        g_assert_null (change);
        change = CHANGE (out, i);
      }
  g_assert_nonnull (change);
  g_assert_cmpint (change->record_id, ==, uid);
  if (!change->kept)
    return NULL;
  node = json_from_string (change->record_json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "id"), ==, uid);
  return json_object_ref (json_node_get_object (node));
}

static void
test_personal (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GArray) sessions = g_array_new (FALSE, TRUE, sizeof (KouanStoredSession));
  g_autoptr(JsonObject) record = NULL;
  g_auto(KouanStoredProfile) profile = { 0 };
  g_auto(KouanStoredCard) card = { 0 };
  g_autofree char *hash = NULL;
  KouanStoredPreferences preferences = { 0 };
  gint64 alice, bob, id = 0, before = 0, avatar;
  gboolean active = FALSE;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  g_array_set_clear_func (sessions, (GDestroyNotify) kouan_stored_session_clear);
  make_enterprise (f, 1);
  make_enterprise (f, 2);
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");
  make_member (f, alice, 1);
  make_member (f, alice, 2);
  make_member (f, bob, 1);
  avatar = make_image (f, 2, "avatar");

  /* an unwritten profile */
  g_assert_true (s->personal->profile_get (s, alice, &profile, &error));
  g_assert_no_error (error);
  g_assert_cmpint (profile.user_id, ==, alice);
  g_assert_cmpstr (profile.account, ==, "alice");
  g_assert_cmpstr (profile.name, ==, "alice");
  g_assert_cmpstr (profile.gender, ==, "unspecified");
  g_assert_cmpint (profile.avatar_image, ==, 0);
  g_assert_cmpint (profile.seal_image, ==, 0);
  g_assert_cmpstr (profile.phone, ==, "");
  g_assert_cmpstr (profile.email, ==, "");
  kouan_stored_profile_clear (&profile);
  g_assert_true (s->personal->profile_get (s, alice + bob + 100, &profile, &error));
  g_assert_cmpint (profile.user_id, ==, 0);
  g_assert_null (profile.name);

  /* written: a change for alice in each of her enterprises, none for bob */
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  {
    KouanStoredProfile put = {
      .user_id = alice, .name = (char *) "王明", .gender = (char *) "male",
      .avatar_image = avatar, .avatar_enterprise = 2, .phone = (char *) "138 1762 5031",
      .email = (char *) "wangming@example.com",
    };

    g_assert_true (s->personal->profile_put (s, &put, (gint64[]) { 1, 2 }, 2, &error));
    g_assert_no_error (error);
  }
  g_assert_true (s->personal->profile_get (s, alice, &profile, &error));
  g_assert_cmpstr (profile.account, ==, "alice");
  g_assert_cmpstr (profile.name, ==, "王明");
  g_assert_cmpstr (profile.gender, ==, "male");
  g_assert_cmpint (profile.avatar_image, ==, avatar);
  g_assert_cmpint (profile.avatar_enterprise, ==, 2);
  g_assert_cmpint (profile.seal_image, ==, 0);
  g_assert_cmpint (profile.seal_enterprise, ==, 0);
  g_assert_cmpstr (profile.phone, ==, "138 1762 5031");
  g_assert_cmpstr (profile.email, ==, "wangming@example.com");
  kouan_stored_profile_clear (&profile);
  for (gint64 eid = 1; eid <= 2; eid++)
    {
      page (s, eid, alice, before, 10, NULL, out);
      record = personal_change (out, "profile", alice);
      if (record != NULL)
        {
          g_assert_cmpstr (json_object_get_string_member (record, "account"), ==, "alice");
          g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, "王明");
          g_assert_cmpstr (json_object_get_string_member (record, "gender"), ==, "male");
          g_assert_cmpint (json_object_get_int_member (record, "avatar_image"), ==, avatar);
          g_assert_cmpint (json_object_get_int_member (record, "avatar_enterprise"), ==, 2);
          g_assert_true (json_object_get_null_member (record, "seal_image"));
          g_assert_true (json_object_get_null_member (record, "seal_enterprise"));
          g_assert_cmpstr (json_object_get_string_member (record, "phone"), ==, "138 1762 5031");
          g_assert_cmpstr (json_object_get_string_member (record, "email"), ==, "wangming@example.com");
        }
      g_clear_pointer (&record, json_object_unref);
    }
  page (s, 1, bob, before, 10, NULL, out);
  for (guint i = 0; i < out->len; i++)
    g_assert_cmpstr (CHANGE (out, i)->collection, !=, "profile");

  /* preferences: the defaults until written, per enterprise */
  g_assert_true (s->personal->preferences_get (s, 1, alice, &preferences, &error));
  g_assert_no_error (error);
  g_assert_cmpint (preferences.user_id, ==, alice);
  g_assert_cmpint (preferences.enterprise_id, ==, 1);
  for (guint i = 0; i < KOUAN_STORED_PREFERENCES_N; i++)
    g_assert_cmpint (preferences.values[i], ==,
                     !g_str_equal (kouan_stored_preference_names[i], "autofill_consignee"));
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  preferences.values[1] = FALSE;   /* check_hs_codes */
  preferences.values[3] = TRUE;    /* autofill_consignee */
  g_assert_true (s->personal->preferences_put (s, &preferences, &error));
  g_assert_no_error (error);
  memset (&preferences, 0, sizeof preferences);
  g_assert_true (s->personal->preferences_get (s, 1, alice, &preferences, &error));
  g_assert_true (preferences.values[0]);
  g_assert_false (preferences.values[1]);
  g_assert_true (preferences.values[3]);
  g_assert_true (s->personal->preferences_get (s, 2, alice, &preferences, &error));
  g_assert_true (preferences.values[1]);
  g_assert_false (preferences.values[3]);
  page (s, 1, alice, before, 10, NULL, out);
  record = personal_change (out, "preferences", alice);
  if (record != NULL)
    {
      g_assert_false (json_object_get_boolean_member (record, "check_hs_codes"));
      g_assert_true (json_object_get_boolean_member (record, "autofill_consignee"));
      g_assert_true (json_object_get_boolean_member (record, "confirm_submit"));
    }
  g_clear_pointer (&record, json_object_unref);
  page (s, 2, alice, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 0);
  page (s, 1, bob, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 0);

  /* the password */
  g_assert_true (s->personal->password_set (s, alice, "new-hash", &error));
  g_assert_true (s->auth->user_for_login (s, "alice", &id, &hash, &active, &error));
  g_assert_cmpstr (hash, ==, "new-hash");
  g_clear_pointer (&hash, g_free);
  g_assert_true (s->auth->user_for_login (s, "bob", &id, &hash, &active, &error));
  g_assert_cmpstr (hash, ==, "hash-of-secret");
  g_assert_no_error (error);

  /* sessions: every one of the user's, the most recently used first */
  g_assert_true (s->auth->session_insert (s, "a1", alice, "password", 1000, 9000, &error));
  g_assert_true (s->auth->session_insert (s, "a2", alice, "card", 1001, 1100, &error));
  g_assert_true (s->auth->session_insert (s, "b1", bob, "password", 1002, 9000, &error));
  g_assert_true (s->auth->session_touch (s, "a1", 2000, &error));
  g_assert_true (s->personal->sessions_list (s, alice, sessions, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 2);
  g_assert_cmpstr (g_array_index (sessions, KouanStoredSession, 0).token_sha256, ==, "a1");
  g_assert_cmpint (g_array_index (sessions, KouanStoredSession, 0).last_seen, ==, 2000);
  g_assert_cmpint (g_array_index (sessions, KouanStoredSession, 0).created_at, ==, 1000);
  g_assert_cmpstr (g_array_index (sessions, KouanStoredSession, 1).token_sha256, ==, "a2");
  g_assert_cmpstr (g_array_index (sessions, KouanStoredSession, 1).method, ==, "card");
  g_assert_cmpint (g_array_index (sessions, KouanStoredSession, 1).expires_at, ==, 1100);
  g_assert_cmpint (g_array_index (sessions, KouanStoredSession, 1).user_id, ==, alice);

  /* the account's card, and what a login noted of it */
  g_assert_true (s->personal->account_card (s, alice, &card, &error));
  g_assert_null (card.fingerprint);
  g_assert_true (s->card->certificate_bind (s, "fp-old", alice, 100, &error));
  g_assert_true (s->card->certificate_bind (s, "fp-new", alice, 200, &error));
  g_assert_true (s->personal->account_card (s, alice, &card, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (card.fingerprint, ==, "fp-new");
  g_assert_cmpint (card.bound_at, ==, 200);
  g_assert_null (card.holder);
  g_assert_cmpint (card.not_after, ==, 0);
  kouan_stored_card_clear (&card);
  g_assert_true (s->personal->card_details_note (s, "fp-new", "测试持卡人", 2366841600, &error));
  g_assert_true (s->personal->card_details_note (s, "fp-new", "测试持卡人", 2366841601, &error));
  g_assert_no_error (error);
  g_assert_true (s->personal->account_card (s, alice, &card, &error));
  g_assert_cmpstr (card.holder, ==, "测试持卡人");
  g_assert_cmpint (card.not_after, ==, 2366841601);
  kouan_stored_card_clear (&card);
  g_assert_true (s->personal->account_card (s, bob, &card, &error));
  g_assert_null (card.fingerprint);

  /* a gender is checked by the schema on both backends, and a refused
   * write leaves the profile as it was */
  {
    KouanStoredProfile put = {
      .user_id = alice, .name = (char *) "改名", .gender = (char *) "other",
      .phone = (char *) "", .email = (char *) "",
    };

    g_assert_false (s->personal->profile_put (s, &put, (gint64[]) { 1 }, 1, &error));
    g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  }
}

/* The certification record of the one change of @collection in @out, as
 * kept (PostgreSQL), or NULL (SQLite: the feed materialises it) */
static void
assert_certification_change (GArray *out, gint64 eid, const char *status)
{
  g_autoptr(JsonObject) record = personal_change (out, "certification", eid);

  if (record != NULL)
    g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, status);
}

static void
test_personal_enterprises (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GArray) found = g_array_new (FALSE, TRUE, sizeof (KouanStoredEnterpriseRef));
  g_autoptr(GArray) requests = g_array_new (FALSE, TRUE, sizeof (KouanStoredJoinRequest));
  g_autoptr(GArray) pending = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(KouanStoredEnterpriseRef) enterprise = { 0 };
  g_auto(KouanStoredJoinRequest) request = { 0 };
  g_auto(KouanStoredCertification) certification = { 0 };
  gint64 alice, bob, e1 = 0, e2 = 0, rid = 0, before = 0;
  gboolean is_pending = TRUE, decided = FALSE;
  KouanStoredCertification form = {
    .legal_representative = (char *) "王明", .licence_number = (char *) "91310000MA1K000001",
    .contact = (char *) "021-5555 0101", .submitted_at = 1700000000,
  };

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  g_array_set_clear_func (found, (GDestroyNotify) kouan_stored_enterprise_ref_clear);
  g_array_set_clear_func (requests, (GDestroyNotify) kouan_stored_join_request_clear);
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");

  /* a new enterprise: its certification enters its feed */
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (s->personal->enterprise_add (s, "上海浦江贸易有限公司", "91310000MA1K000001", FALSE,
                                              &e1, &error));
  g_assert_no_error (error);
  g_assert_true (s->personal->enterprise_add (s, "深圳前海华诚供应链管理有限公司", "91440300MA1K000002",
                                              TRUE, &e2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e1, >, 0);
  g_assert_cmpint (e2, >, e1);
  page (s, e1, alice, before, 10, NULL, out);
  assert_certification_change (out, e1, "none");
  page (s, e2, alice, before, 10, NULL, out);
  assert_certification_change (out, e2, "certified");
  /* a credit code is an enterprise's alone */
  g_assert_false (s->personal->enterprise_add (s, "另一家", "91310000MA1K000001", FALSE, NULL, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* found by credit code, or by a part of the name (by name, wildcards
   * matching themselves) */
  g_assert_true (s->personal->enterprises_search (s, "91440300MA1K000002", NULL, 0, found, &error));
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (g_array_index (found, KouanStoredEnterpriseRef, 0).id, ==, e2);
  g_assert_cmpstr (g_array_index (found, KouanStoredEnterpriseRef, 0).name, ==, "深圳前海华诚供应链管理有限公司");
  g_assert_true (g_array_index (found, KouanStoredEnterpriseRef, 0).certified);
  g_array_set_size (found, 0);
  g_assert_true (s->personal->enterprises_search (s, NULL, "有限公司", 20, found, &error));
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpint (g_array_index (found, KouanStoredEnterpriseRef, 0).id, ==, e1);
  g_assert_cmpstr (g_array_index (found, KouanStoredEnterpriseRef, 0).credit_code, ==, "91310000MA1K000001");
  g_assert_false (g_array_index (found, KouanStoredEnterpriseRef, 0).certified);
  g_array_set_size (found, 0);
  g_assert_true (s->personal->enterprises_search (s, NULL, "有限公司", 1, found, &error));
  g_assert_cmpuint (found->len, ==, 1);
  g_array_set_size (found, 0);
  g_assert_true (s->personal->enterprises_search (s, NULL, "%司", 20, found, &error));
  g_assert_cmpuint (found->len, ==, 0);
  g_assert_no_error (error);
  g_assert_true (s->personal->enterprise_get (s, e1, &enterprise, &error));
  g_assert_cmpint (enterprise.id, ==, e1);
  g_assert_cmpstr (enterprise.name, ==, "上海浦江贸易有限公司");
  kouan_stored_enterprise_ref_clear (&enterprise);
  g_assert_true (s->personal->enterprise_get (s, e2 + 100, &enterprise, &error));
  g_assert_cmpint (enterprise.id, ==, 0);

  /* a join request */
  g_assert_true (s->personal->join_request_pending (s, alice, e1, &is_pending, &error));
  g_assert_false (is_pending);
  g_assert_true (s->personal->join_request_create (s, alice, e1, 1700000100, &rid, &error));
  g_assert_no_error (error);
  g_assert_true (s->personal->join_request_pending (s, alice, e1, &is_pending, &error));
  g_assert_true (is_pending);
  g_assert_true (s->personal->join_request_pending (s, bob, e1, &is_pending, &error));
  g_assert_false (is_pending);
  g_assert_true (s->personal->join_request_get (s, rid, &request, &error));
  g_assert_cmpint (request.id, ==, rid);
  g_assert_cmpint (request.user_id, ==, alice);
  g_assert_cmpstr (request.status, ==, "pending");
  g_assert_cmpint (request.created_at, ==, 1700000100);
  g_assert_cmpint (request.decided_at, ==, 0);
  g_assert_cmpint (request.enterprise.id, ==, e1);
  g_assert_cmpstr (request.enterprise.credit_code, ==, "91310000MA1K000001");
  kouan_stored_join_request_clear (&request);
  g_assert_true (s->personal->join_request_get (s, rid + 100, &request, &error));
  g_assert_cmpint (request.id, ==, 0);
  g_assert_true (s->personal->join_request_create (s, alice, e2, 1700000200, &rid, &error));
  g_assert_true (s->personal->join_requests_list (s, alice, 100, requests, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_cmpint (g_array_index (requests, KouanStoredJoinRequest, 0).id, ==, rid);
  g_assert_cmpint (g_array_index (requests, KouanStoredJoinRequest, 0).enterprise.id, ==, e2);
  g_assert_cmpint (g_array_index (requests, KouanStoredJoinRequest, 1).enterprise.id, ==, e1);
  g_array_set_size (requests, 0);
  g_assert_true (s->personal->join_requests_list (s, bob, 100, requests, &error));
  g_assert_cmpuint (requests->len, ==, 0);

  /* certification: none, submitted, approved once */
  g_assert_true (s->personal->certification_get (s, e1, &certification, &error));
  g_assert_cmpint (certification.enterprise_id, ==, e1);
  g_assert_false (certification.certified);
  g_assert_null (certification.status);
  kouan_stored_certification_clear (&certification);
  g_assert_true (s->personal->certification_get (s, e2 + 100, &certification, &error));
  g_assert_cmpint (certification.enterprise_id, ==, 0);
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  form.enterprise_id = e1;
  form.licence_image = make_image (f, e1, "licence");
  form.submitted_by = alice;
  g_assert_true (s->personal->certification_submit (s, &form, &error));
  g_assert_no_error (error);
  g_assert_true (s->personal->certification_get (s, e1, &certification, &error));
  g_assert_cmpstr (certification.status, ==, "pending");
  g_assert_cmpstr (certification.legal_representative, ==, "王明");
  g_assert_cmpstr (certification.licence_number, ==, "91310000MA1K000001");
  g_assert_cmpint (certification.licence_image, ==, form.licence_image);
  g_assert_cmpstr (certification.contact, ==, "021-5555 0101");
  g_assert_cmpint (certification.submitted_by, ==, alice);
  g_assert_cmpint (certification.submitted_at, ==, 1700000000);
  g_assert_null (certification.reason);
  g_assert_cmpint (certification.decided_at, ==, 0);
  kouan_stored_certification_clear (&certification);
  page (s, e1, bob, before, 10, NULL, out);
  assert_certification_change (out, e1, "pending");
  g_assert_true (s->personal->certifications_pending (s, pending, &error));
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpint (g_array_index (pending, gint64, 0), ==, e1);

  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (s->personal->certification_decide (s, e1, TRUE, "ignored", 1700000500,
                                                    &decided, &error));
  g_assert_no_error (error);
  g_assert_true (decided);
  g_assert_true (s->personal->certification_get (s, e1, &certification, &error));
  g_assert_true (certification.certified);
  g_assert_cmpstr (certification.status, ==, "certified");
  g_assert_null (certification.reason);
  g_assert_cmpint (certification.decided_at, ==, 1700000500);
  kouan_stored_certification_clear (&certification);
  page (s, e1, alice, before, 10, NULL, out);
  assert_certification_change (out, e1, "certified");
  {
    /* the enterprise's own record says so too */
    g_autoptr(JsonObject) record = personal_change (out, "enterprise", e1);

    if (record != NULL)
      g_assert_true (json_object_get_boolean_member (record, "certified"));
  }
  g_assert_true (s->personal->certification_decide (s, e1, FALSE, "late", 1700000600, &decided, &error));
  g_assert_false (decided);
  g_array_set_size (pending, 0);
  g_assert_true (s->personal->certifications_pending (s, pending, &error));
  g_assert_cmpuint (pending->len, ==, 0);

  /* rejected with its reason */
  form.enterprise_id = e2;
  form.licence_image = make_image (f, e2, "licence");
  g_assert_true (s->personal->certification_submit (s, &form, &error));
  g_assert_true (s->personal->certification_decide (s, e2, FALSE, "号码不一致", 1700000700,
                                                    &decided, &error));
  g_assert_no_error (error);
  g_assert_true (decided);
  g_assert_true (s->personal->certification_get (s, e2, &certification, &error));
  g_assert_cmpstr (certification.status, ==, "rejected");
  g_assert_cmpstr (certification.reason, ==, "号码不一致");
}

/* ---- area 7: enterprise settings ------------------------------------ */

#define CODE_1 "91310000MA1K7E0001"
#define CODE_2 "91310000MA1K7E0002"

/* The change of (@collection, @id) in @out; NULL when there is none */
static const KouanStoredChange *
find_change (GArray *out, const char *collection, gint64 id)
{
  for (guint i = 0; i < out->len; i++)
    if (g_str_equal (CHANGE (out, i)->collection, collection) && CHANGE (out, i)->record_id == id)
      return CHANGE (out, i);
  return NULL;
}

static guint
count_changes (GArray *out, const char *collection)
{
  guint n = 0;

  for (guint i = 0; i < out->len; i++)
    n += g_str_equal (CHANGE (out, i)->collection, collection);
  return n;
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The record kept with @change (PostgreSQL), or NULL when the feed
 * materialises it (SQLite: the test then reads the row through storage) */
static JsonObject *
kept_record (const KouanStoredChange *change)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_nonnull (change);
  if (!change->kept || change->record_json == NULL)
    return NULL;
  node = json_from_string (change->record_json, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* ---- area 8: credit insurance ---------------------------------------- */

static gint64
newest (KouanStorage *s, gint64 eid, gint64 uid)
{
  g_autoptr(GError) error = NULL;
  gint64 seq = -1;

  g_assert_true (s->feed->changes_newest (s, eid, uid, &seq, &error));
  g_assert_no_error (error);
  return seq;
}

/* An enterprise whose feed carries insurance: created (SQLite: its
 * trigger gives it the global records) and opened (PostgreSQL) */
static void
open_enterprise (Fixture *f, gint64 id)
{
  g_autoptr(GError) error = NULL;

  make_enterprise (f, id);
  g_assert_true (f->storage->insurance->enterprise_open (f->storage, id, &error));
  g_assert_no_error (error);
}

static void
test_insurance_policies (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonObject) record = NULL;
  g_auto(KouanStoredPolicy) p = { 0 };
  KouanStoredPolicy policy = {
    .enterprise_id = 1, .number = (char *) "SCH2026010007", .buyer = (char *) "Atlas Import GmbH",
    .buyer_country = (char *) "德国", .amount = 1200000, .currency = (char *) "USD",
    .starts_on = (char *) "2026-03-01", .ends_on = (char *) "2027-03-01",
    .status = (char *) "pending", .comment = (char *) "", .notice_read = TRUE,
    .updated_at = 1700000000,
  };
  gint64 alice, id = 0, second = 0, before, after;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  open_enterprise (f, 1);
  open_enterprise (f, 2);
  alice = make_user (s, "alice");
  g_assert_true (s->insurance->enterprises_list (s, ids, &error));
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 2);

  /* inserted: one change for everyone in its enterprise */
  before = newest (s, 1, alice);
  g_assert_true (s->insurance->policy_insert (s, &policy, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (s->insurance->policy_get (s, 1, id, &p, &error));
  g_assert_cmpint (p.id, ==, id);
  g_assert_cmpint (p.enterprise_id, ==, 1);
  g_assert_cmpstr (p.number, ==, "SCH2026010007");
  g_assert_cmpstr (p.buyer, ==, "Atlas Import GmbH");
  g_assert_cmpstr (p.buyer_country, ==, "德国");
  g_assert_cmpint (p.amount, ==, 1200000);
  g_assert_cmpstr (p.currency, ==, "USD");
  g_assert_cmpstr (p.starts_on, ==, "2026-03-01");
  g_assert_cmpstr (p.ends_on, ==, "2027-03-01");
  g_assert_cmpstr (p.status, ==, "pending");
  g_assert_cmpstr (p.comment, ==, "");
  g_assert_true (p.notice_read);
  g_assert_cmpint (p.updated_at, ==, 1700000000);
  kouan_stored_policy_clear (&p);
  /* another enterprise's id is no policy of this one */
  g_assert_true (s->insurance->policy_get (s, 2, id, &p, &error));
  g_assert_cmpint (p.id, ==, 0);
  g_assert_null (p.number);
  g_assert_cmpint (newest (s, 2, alice), <, newest (s, 1, alice));
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  record = kept_record (find_change (out, "insurance_policies", id));
  if (record != NULL)
    {
      g_assert_cmpint (json_object_get_int_member (record, "id"), ==, id);
      g_assert_cmpstr (json_object_get_string_member (record, "number"), ==, "SCH2026010007");
      g_assert_cmpstr (json_object_get_string_member (record, "buyer_country"), ==, "德国");
      g_assert_cmpint (json_object_get_int_member (record, "amount"), ==, 1200000);
      g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "pending");
      g_assert_true (json_object_get_boolean_member (record, "notice_read"));
      g_assert_cmpint (json_object_get_int_member (record, "updated_at"), ==, 1700000000);
      g_assert_cmpuint (json_object_get_size (record), ==, 12);
    }
  g_clear_pointer (&record, json_object_unref);

  g_assert_true (s->insurance->policy_first_pending (s, 1, &p, &error));
  g_assert_cmpint (p.id, ==, id);
  kouan_stored_policy_clear (&p);
  g_assert_true (s->insurance->policy_first_pending (s, 2, &p, &error));
  g_assert_cmpint (p.id, ==, 0);

  /* confirmed: the change carries the new status, the comment stays */
  before = newest (s, 1, alice);
  g_assert_true (s->insurance->policy_update (s, 1, id, "effective", NULL, FALSE, 1700000100, &error));
  g_assert_no_error (error);
  g_assert_true (s->insurance->policy_get (s, 1, id, &p, &error));
  g_assert_cmpstr (p.status, ==, "effective");
  g_assert_cmpstr (p.comment, ==, "");
  g_assert_false (p.notice_read);
  g_assert_cmpint (p.updated_at, ==, 1700000100);
  kouan_stored_policy_clear (&p);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  record = kept_record (find_change (out, "insurance_policies", id));
  if (record != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (record, "status"), ==, "effective");
      g_assert_false (json_object_get_boolean_member (record, "notice_read"));
      g_assert_cmpint (json_object_get_int_member (record, "updated_at"), ==, 1700000100);
    }
  g_clear_pointer (&record, json_object_unref);

  /* the same again, or through another enterprise: no change */
  before = newest (s, 1, alice);
  g_assert_true (s->insurance->policy_update (s, 1, id, "effective", NULL, FALSE, 1700000200, &error));
  g_assert_true (s->insurance->policy_update (s, 2, id, "returned", "不是你的", TRUE, 1700000200, &error));
  g_assert_no_error (error);
  g_assert_cmpint (newest (s, 1, alice), ==, before);
  g_assert_true (s->insurance->policy_get (s, 1, id, &p, &error));
  g_assert_cmpstr (p.status, ==, "effective");
  g_assert_cmpint (p.updated_at, ==, 1700000100);
  kouan_stored_policy_clear (&p);

  /* returned with a comment */
  policy.number = (char *) "SCH2026010008";
  g_assert_true (s->insurance->policy_insert (s, &policy, &second, &error));
  g_assert_true (s->insurance->policy_update (s, 1, second, "returned", "买家名称与合同不一致", TRUE,
                                              1700000300, &error));
  g_assert_no_error (error);
  g_assert_true (s->insurance->policy_get (s, 1, second, &p, &error));
  g_assert_cmpstr (p.status, ==, "returned");
  g_assert_cmpstr (p.comment, ==, "买家名称与合同不一致");
  kouan_stored_policy_clear (&p);
  g_assert_true (s->insurance->policy_first_pending (s, 1, &p, &error));
  g_assert_cmpint (p.id, ==, 0);

  /* a status is checked by the schema on both backends */
  after = newest (s, 1, alice);
  g_assert_false (s->insurance->policy_update (s, 1, second, "lost", NULL, TRUE, 1700000400, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  g_assert_cmpint (newest (s, 1, alice), ==, after);
}

static void
test_insurance_claims (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GArray) history = g_array_new (FALSE, FALSE, sizeof (KouanStoredClaimEvent));
  g_autoptr(JsonObject) record = NULL;
  g_auto(KouanStoredClaim) c = { 0 };
  KouanStoredPolicy policy = {
    .enterprise_id = 1, .number = (char *) "SCH1", .buyer = (char *) "Atlas",
    .buyer_country = (char *) "德国", .amount = 1, .currency = (char *) "EUR",
    .starts_on = (char *) "2026-01-01", .ends_on = (char *) "2027-01-01",
    .status = (char *) "effective", .notice_read = TRUE, .updated_at = 1,
  };
  KouanStoredClaimEvent events[] = {
    { (char *) "submitted", (char *) "索赔申请已提交。", 1700000000 },
    { (char *) "reviewing", (char *) "请补充提供买家拖欠的往来函电。", 1700600000 },
  };
  KouanStoredClaim claim = {
    .enterprise_id = 1, .number = (char *) "SBC2026100001", .buyer = (char *) "Atlas",
    .amount = 310000, .currency = (char *) "USD", .loss_on = (char *) "2026-05-02",
    .submitted_on = (char *) "2026-07-01", .status = (char *) "reviewing",
    .notice_read = FALSE, .updated_at = 1700700000,
  };
  gint64 alice, policy_id = 0, id = 0, bare = 0, before;
  JsonArray *steps;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  open_enterprise (f, 1);
  open_enterprise (f, 2);
  alice = make_user (s, "alice");
  g_assert_true (s->insurance->policy_insert (s, &policy, &policy_id, &error));
  g_assert_no_error (error);

  /* with its history: one change of one record */
  g_array_append_vals (history, events, G_N_ELEMENTS (events));
  claim.policy_id = policy_id;
  claim.history = history;
  before = newest (s, 1, alice);
  g_assert_true (s->insurance->claim_insert (s, &claim, &id, &error));
  g_assert_no_error (error);
  g_assert_true (s->insurance->claim_get (s, 1, id, &c, &error));
  g_assert_cmpint (c.id, ==, id);
  g_assert_cmpint (c.policy_id, ==, policy_id);
  g_assert_cmpstr (c.policy_number, ==, "SCH1");
  g_assert_cmpstr (c.number, ==, "SBC2026100001");
  g_assert_cmpint (c.amount, ==, 310000);
  g_assert_cmpstr (c.loss_on, ==, "2026-05-02");
  g_assert_cmpstr (c.submitted_on, ==, "2026-07-01");
  g_assert_cmpstr (c.status, ==, "reviewing");
  g_assert_false (c.notice_read);
  g_assert_cmpint (c.updated_at, ==, 1700700000);
  g_assert_nonnull (c.history);
  g_assert_cmpuint (c.history->len, ==, 2);
  g_assert_cmpstr (g_array_index (c.history, KouanStoredClaimEvent, 0).status, ==, "submitted");
  g_assert_cmpstr (g_array_index (c.history, KouanStoredClaimEvent, 1).comment, ==,
                   "请补充提供买家拖欠的往来函电。");
  g_assert_cmpint (g_array_index (c.history, KouanStoredClaimEvent, 1).at, ==, 1700600000);
  kouan_stored_claim_clear (&c);
  g_assert_true (s->insurance->claim_get (s, 2, id, &c, &error));
  g_assert_cmpint (c.id, ==, 0);
  g_assert_null (c.history);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  record = kept_record (find_change (out, "insurance_claims", id));
  if (record != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (record, "policy_number"), ==, "SCH1");
      g_assert_cmpint (json_object_get_int_member (record, "policy_id"), ==, policy_id);
      g_assert_false (json_object_get_boolean_member (record, "notice_read"));
      steps = json_object_get_array_member (record, "history");
      g_assert_cmpuint (json_array_get_length (steps), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 0),
                                                      "status"), ==, "submitted");
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (steps, 1),
                                                   "at"), ==, 1700600000);
      g_assert_cmpuint (json_object_get_size (record), ==, 13);
    }
  g_clear_pointer (&record, json_object_unref);

  /* its news read: a change; read again: none */
  before = newest (s, 1, alice);
  g_assert_true (s->insurance->claim_notice_read_set (s, 1, id, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (s->insurance->claim_get (s, 1, id, &c, &error));
  g_assert_true (c.notice_read);
  g_assert_cmpuint (c.history->len, ==, 2);
  kouan_stored_claim_clear (&c);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  record = kept_record (find_change (out, "insurance_claims", id));
  if (record != NULL)
    {
      g_assert_true (json_object_get_boolean_member (record, "notice_read"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (record, "history")), ==, 2);
    }
  g_clear_pointer (&record, json_object_unref);
  before = newest (s, 1, alice);
  g_assert_true (s->insurance->claim_notice_read_set (s, 1, id, TRUE, &error));
  g_assert_true (s->insurance->claim_notice_read_set (s, 2, id, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (newest (s, 1, alice), ==, before);

  /* without history: an empty one */
  claim.history = NULL;
  claim.number = (char *) "SBC2026100002";
  g_assert_true (s->insurance->claim_insert (s, &claim, &bare, &error));
  g_assert_no_error (error);
  g_assert_true (s->insurance->claim_get (s, 1, bare, &c, &error));
  g_assert_cmpint (c.id, ==, bare);
  g_assert_nonnull (c.history);
  g_assert_cmpuint (c.history->len, ==, 0);
  kouan_stored_claim_clear (&c);
  page (s, 1, alice, before, 100, NULL, out);
  record = kept_record (find_change (out, "insurance_claims", bare));
  if (record != NULL)
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (record, "history")), ==, 0);
}

static void
test_insurance_subscriptions (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(JsonObject) record = NULL;
  g_auto(KouanStoredInsuranceCategory) c = { 0 };
  gint64 alice, bob, before, bob_before;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  open_enterprise (f, 1);
  open_enterprise (f, 2);
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");

  /* the five categories are in every opened enterprise's feed */
  page (s, 1, alice, 0, 100, NULL, out);
  g_assert_cmpuint (count_changes (out, "insurance_categories"), ==, 5);
  record = kept_record (find_change (out, "insurance_categories", 2));
  if (record != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, "国别风险");
      g_assert_cmpint (json_object_get_int_member (record, "position"), ==, 2);
      g_assert_false (json_object_get_boolean_member (record, "subscribed"));
    }
  g_clear_pointer (&record, json_object_unref);
  g_assert_true (s->insurance->category_get (s, 1, 2, alice, &c, &error));
  g_assert_cmpint (c.id, ==, 2);
  g_assert_cmpstr (c.name, ==, "国别风险");
  g_assert_cmpint (c.position, ==, 2);
  g_assert_false (c.subscribed);
  kouan_stored_insurance_category_clear (&c);
  g_assert_true (s->insurance->category_get (s, 1, 99, alice, &c, &error));
  g_assert_cmpint (c.id, ==, 0);

  /* alice subscribes in enterprise 1: a change for her alone */
  before = newest (s, 1, alice);
  bob_before = newest (s, 1, bob);
  g_assert_true (s->insurance->subscription_set (s, 1, alice, 2, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (s->insurance->category_get (s, 1, 2, alice, &c, &error));
  g_assert_true (c.subscribed);
  kouan_stored_insurance_category_clear (&c);
  g_assert_true (s->insurance->category_get (s, 1, 2, bob, &c, &error));
  g_assert_false (c.subscribed);
  kouan_stored_insurance_category_clear (&c);
  g_assert_true (s->insurance->category_get (s, 2, 2, alice, &c, &error));
  g_assert_false (c.subscribed);
  kouan_stored_insurance_category_clear (&c);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  record = kept_record (find_change (out, "insurance_categories", 2));
  if (record != NULL)
    g_assert_true (json_object_get_boolean_member (record, "subscribed"));
  g_clear_pointer (&record, json_object_unref);
  page (s, 1, bob, bob_before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 0);
  /* from the start, alice's feed sends the category once, subscribed */
  page (s, 1, alice, 0, 100, NULL, out);
  g_assert_cmpuint (count_changes (out, "insurance_categories"), ==, 5);
  record = kept_record (find_change (out, "insurance_categories", 2));
  if (record != NULL)
    g_assert_true (json_object_get_boolean_member (record, "subscribed"));
  g_clear_pointer (&record, json_object_unref);

  /* again: no change; unsubscribed: a change */
  before = newest (s, 1, alice);
  g_assert_true (s->insurance->subscription_set (s, 1, alice, 2, TRUE, &error));
  g_assert_cmpint (newest (s, 1, alice), ==, before);
  g_assert_true (s->insurance->subscription_set (s, 1, alice, 2, FALSE, &error));
  g_assert_no_error (error);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  record = kept_record (find_change (out, "insurance_categories", 2));
  if (record != NULL)
    g_assert_false (json_object_get_boolean_member (record, "subscribed"));
  g_assert_true (s->insurance->category_get (s, 1, 2, alice, &c, &error));
  g_assert_false (c.subscribed);
}

static void
test_insurance_articles (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_auto(KouanStoredRiskArticle) a = { 0 };
  g_auto(KouanStoredMessage) m = { 0 };
  g_autofree char *expected = NULL;
  KouanStoredRiskArticle article = {
    .title = (char *) "美国国家风险展望", .source = (char *) "中国出口信用保险公司",
    .published_at = 1700000500, .country = (char *) "美国", .industry = (char *) "电子信息",
    .category_id = 2,
  };
  const KouanStoredChange *notice;
  gint64 alice, bob, id = 0, quiet = 0, before1, before2, before_all;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  open_enterprise (f, 1);
  open_enterprise (f, 2);
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");
  g_assert_true (s->insurance->subscription_set (s, 1, alice, 2, TRUE, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 31; i++)
    g_string_append (body, "风险提示正文第");   /* 7 characters: 217 in all */
  g_string_append (body, "\n第二段有“引号”和\\反斜杠。");
  while (g_utf8_strlen (body->str, -1) < 320)
    g_string_append (body, "末");
  article.body = body->str;

  /* an article: one change in each opened enterprise, and a notice
   * where somebody subscribed to its category */
  before1 = newest (s, 1, bob);
  before2 = newest (s, 2, bob);
  g_assert_true (s->feed->changes_newest_all (s, &before_all, &error));
  g_assert_true (s->insurance->article_insert (s, &article, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (s->insurance->article_get (s, id, &a, &error));
  g_assert_cmpint (a.id, ==, id);
  g_assert_cmpstr (a.title, ==, article.title);
  g_assert_cmpstr (a.source, ==, article.source);
  g_assert_cmpint (a.published_at, ==, 1700000500);
  g_assert_cmpstr (a.country, ==, "美国");
  g_assert_cmpstr (a.industry, ==, "电子信息");
  g_assert_cmpint (a.category_id, ==, 2);
  g_assert_cmpstr (a.body, ==, body->str);
  kouan_stored_risk_article_clear (&a);
  g_assert_true (s->insurance->article_get (s, id + 1000, &a, &error));
  g_assert_cmpint (a.id, ==, 0);

  page (s, 1, bob, before1, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 2);
  record = kept_record (find_change (out, "risk_articles", id));
  if (record != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (record, "title"), ==, article.title);
      g_assert_cmpstr (json_object_get_string_member (record, "body"), ==, body->str);
      g_assert_cmpint (json_object_get_int_member (record, "category_id"), ==, 2);
      g_assert_cmpint (json_object_get_int_member (record, "published_at"), ==, 1700000500);
      g_assert_cmpuint (json_object_get_size (record), ==, 8);
    }
  g_clear_pointer (&record, json_object_unref);
  g_assert_cmpuint (count_changes (out, "messages"), ==, 1);
  notice = CHANGE (out, g_str_equal (CHANGE (out, 0)->collection, "messages") ? 0 : 1);
  g_assert_true (s->messages->message_get (s, 1, notice->record_id, bob, &m, &error));
  g_assert_cmpstr (m.kind, ==, "notice");
  g_assert_cmpstr (m.category, ==, "信息订阅");
  g_assert_cmpstr (m.title, ==, "【国别风险】美国国家风险展望");
  expected = g_strdup_printf ("美国 · 电子信息 · 中国出口信用保险公司\n\n%.*s",
                              (int) (g_utf8_offset_to_pointer (body->str, 300) - body->str),
                              body->str);
  g_assert_cmpstr (m.body, ==, expected);
  g_assert_cmpint (m.created_at, ==, 1700000500);
  kouan_stored_message_clear (&m);
  /* enterprise 2: the article, no notice */
  page (s, 2, bob, before2, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_nonnull (find_change (out, "risk_articles", id));

  /* a category nobody follows: no notice */
  article.category_id = 3;
  before1 = newest (s, 1, bob);
  g_assert_true (s->insurance->article_insert (s, &article, &quiet, &error));
  g_assert_no_error (error);
  page (s, 1, bob, before1, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_nonnull (find_change (out, "risk_articles", quiet));

  /* an enterprise opened later gets the categories and every article,
   * once */
  open_enterprise (f, 3);
  page (s, 3, alice, 0, 100, NULL, out);
  g_assert_cmpuint (count_changes (out, "insurance_categories"), ==, 5);
  g_assert_cmpuint (count_changes (out, "risk_articles"), ==, 2);
  record = kept_record (find_change (out, "risk_articles", quiet));
  if (record != NULL)
    g_assert_cmpint (json_object_get_int_member (record, "category_id"), ==, 3);
  before1 = newest (s, 3, alice);
  g_assert_true (s->insurance->enterprise_open (s, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (newest (s, 3, alice), ==, before1);

  /* a category must exist */
  article.category_id = 42;
  g_assert_false (s->insurance->article_insert (s, &article, NULL, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
}

/* The insurance demo seeds either backend through storage, in the seed's
 * one transaction */
static void
test_insurance_demo (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GArray) articles = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(KouanStoredInsuranceCategory) c = { 0 };
  KouanServer server = { 0 };
  gint64 admin;
  guint notices = 0;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  open_enterprise (f, 1);
  open_enterprise (f, 2);
  admin = make_user (s, "demo-admin");
  server.storage = s;
  g_assert_true (kouan_storage_begin (s, &error));
  g_assert_true (kouan_server_insurance_demo_seed (&server, admin, 4, &error));
  g_assert_no_error (error);
  g_assert_true (kouan_storage_commit (s, &error));
  g_assert_no_error (error);

  /* 36 policies, 16 claims, the categories and 606 + 4 articles */
  page (s, 1, admin, 0, 10000, NULL, out);
  g_assert_cmpuint (count_changes (out, "insurance_policies"), ==, 36);
  g_assert_cmpuint (count_changes (out, "insurance_claims"), ==, 16);
  g_assert_cmpuint (count_changes (out, "insurance_categories"), ==, 5);
  g_assert_cmpuint (count_changes (out, "risk_articles"), ==, 610);
  for (guint i = 0; i < out->len; i++)
    if (g_str_equal (CHANGE (out, i)->collection, "risk_articles"))
      g_array_append_val (articles, CHANGE (out, i)->record_id);
  g_array_sort (articles, (GCompareFunc) compare_ids);
  /* the subscriber follows 国别风险 and 政策法规 in the first enterprise:
   * each of the last six articles in those categories is a notice there */
  for (guint i = articles->len - 6; i < articles->len; i++)
    {
      g_auto(KouanStoredRiskArticle) a = { 0 };

      g_assert_true (s->insurance->article_get (s, g_array_index (articles, gint64, i), &a, &error));
      g_assert_cmpint (a.id, >, 0);
      notices += a.category_id == 2 || a.category_id == 5;
    }
  g_assert_cmpuint (count_changes (out, "messages"), ==, notices);
  g_assert_true (s->insurance->category_get (s, 1, 5, admin, &c, &error));
  g_assert_true (c.subscribed);
  kouan_stored_insurance_category_clear (&c);
  g_assert_true (s->insurance->category_get (s, 2, 5, admin, &c, &error));
  g_assert_false (c.subscribed);

  page (s, 2, admin, 0, 10000, NULL, out);
  g_assert_cmpuint (count_changes (out, "insurance_policies"), ==, 36);
  g_assert_cmpuint (count_changes (out, "risk_articles"), ==, 610);
  g_assert_cmpuint (count_changes (out, "messages"), ==, 0);
}

static void
test_enterprise_settings (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  const KouanStorageEnterprise *e = s->enterprise;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_auto(KouanStoredEnterpriseSettings) settings = { 0 };
  g_auto(KouanStoredBusinessSettings) business = { 0 };
  g_autoptr(JsonObject) record = NULL;
  gint64 alice, before = 0, after = 0, logo;
  gboolean taken = TRUE;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  g_assert_nonnull (e);
  alice = make_user (s, "alice");

  /* opened: both settings records are in the feed, empty */
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (e->enterprise_open (s, 1, "浦江国际", CODE_1, &error));
  g_assert_no_error (error);
  g_assert_true (e->enterprise_open (s, 2, "外高桥物流", CODE_2, &error));
  g_assert_no_error (error);
  page (s, 1, alice, before, 100, NULL, out);
  record = kept_record (find_change (out, "enterprise_settings", 1));
  if (record != NULL)
    {
      g_assert_cmpint (json_object_get_int_member (record, "id"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, "浦江国际");
      g_assert_cmpstr (json_object_get_string_member (record, "credit_code"), ==, CODE_1);
      g_assert_cmpstr (json_object_get_string_member (record, "bank_account"), ==, "");
      g_assert_true (json_object_get_null_member (record, "logo_image"));
    }
  g_clear_pointer (&record, json_object_unref);
  record = kept_record (find_change (out, "business_settings", 1));
  if (record != NULL)
    {
      g_assert_false (json_object_get_boolean_member (record, "aircraft_auto"));
      g_assert_true (json_object_get_null_member (record, "aircraft_time"));
    }
  g_clear_pointer (&record, json_object_unref);
  g_assert_null (find_change (out, "enterprise_settings", 2));   /* another enterprise's feed */
  /* opened again: nothing changes */
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (e->enterprise_open (s, 1, "浦江国际", CODE_1, &error));
  g_assert_true (s->feed->changes_newest_all (s, &after, &error));
  g_assert_no_error (error);
  g_assert_cmpint (after, ==, before);

  g_assert_true (e->settings_get (s, 1, &settings, &error));
  g_assert_cmpint (settings.enterprise_id, ==, 1);
  g_assert_cmpstr (settings.name, ==, "浦江国际");
  g_assert_cmpstr (settings.credit_code, ==, CODE_1);
  for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
    g_assert_cmpstr (settings.profile[i], ==, "");
  g_assert_cmpint (settings.logo_image, ==, 0);
  g_assert_cmpint (settings.seal_image, ==, 0);
  kouan_stored_enterprise_settings_clear (&settings);
  g_assert_true (e->settings_get (s, 99, &settings, &error));
  g_assert_cmpint (settings.enterprise_id, ==, 0);
  g_assert_null (settings.name);

  g_assert_true (e->credit_code_taken (s, 1, CODE_2, &taken, &error));
  g_assert_true (taken);
  g_assert_true (e->credit_code_taken (s, 2, CODE_2, &taken, &error));
  g_assert_false (taken);
  g_assert_no_error (error);

  /* written: the settings record and (the name moved) the enterprise's */
  logo = make_image (f, 1, "logo");
  g_assert_true (e->settings_get (s, 1, &settings, &error));
  g_free (settings.name);
  settings.name = g_strdup ("浦江国际物流");
  for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
    {
      g_free (settings.profile[i]);
      settings.profile[i] = g_strdup_printf ("值 %u \"引号\"", i);
    }
  settings.logo_image = logo;
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (e->settings_put (s, &settings, &error));
  g_assert_no_error (error);
  kouan_stored_enterprise_settings_clear (&settings);
  g_assert_true (e->settings_get (s, 1, &settings, &error));
  g_assert_cmpstr (settings.name, ==, "浦江国际物流");
  g_assert_cmpstr (settings.credit_code, ==, CODE_1);
  g_assert_cmpstr (settings.profile[3], ==, "值 3 \"引号\"");
  g_assert_cmpint (settings.logo_image, ==, logo);
  g_assert_cmpint (settings.seal_image, ==, 0);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_nonnull (find_change (out, "enterprise", 1));
  record = kept_record (find_change (out, "enterprise_settings", 1));
  if (record != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, "浦江国际物流");
      g_assert_cmpstr (json_object_get_string_member (record, "customs_code"), ==, "值 3 \"引号\"");
      g_assert_cmpint (json_object_get_int_member (record, "logo_image"), ==, logo);
      g_assert_true (json_object_get_null_member (record, "seal_image"));
    }
  g_clear_pointer (&record, json_object_unref);

  /* the same name again: the enterprise's record does not move */
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (e->settings_put (s, &settings, &error));
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_null (find_change (out, "enterprise", 1));
  g_assert_nonnull (find_change (out, "enterprise_settings", 1));

  /* another enterprise's credit code is refused by the schema */
  g_free (settings.credit_code);
  settings.credit_code = g_strdup (CODE_2);
  g_assert_false (e->settings_put (s, &settings, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  kouan_stored_enterprise_settings_clear (&settings);
  g_assert_true (e->settings_get (s, 1, &settings, &error));
  g_assert_cmpstr (settings.credit_code, ==, CODE_1);

  /* business switches */
  g_assert_true (e->business_get (s, 2, &business, &error));
  g_assert_cmpint (business.enterprise_id, ==, 2);
  for (guint i = 0; i < KOUAN_STORED_SWITCHES_N; i++)
    g_assert_false (business.switches[i]);
  g_assert_null (business.aircraft_time);
  business.switches[0] = TRUE;   /* aircraft_auto */
  business.switches[3] = TRUE;   /* e_payment */
  business.aircraft_time = g_strdup ("08:30");
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (e->business_put (s, &business, &error));
  g_assert_no_error (error);
  kouan_stored_business_settings_clear (&business);
  g_assert_true (e->business_get (s, 2, &business, &error));
  g_assert_true (business.switches[0]);
  g_assert_false (business.switches[1]);
  g_assert_true (business.switches[3]);
  g_assert_cmpstr (business.aircraft_time, ==, "08:30");
  page (s, 2, alice, before, 100, NULL, out);
  record = kept_record (find_change (out, "business_settings", 2));
  if (record != NULL)
    {
      g_assert_cmpint (json_object_get_int_member (record, "id"), ==, 2);
      g_assert_true (json_object_get_boolean_member (record, "aircraft_auto"));
      g_assert_false (json_object_get_boolean_member (record, "status_push"));
      g_assert_true (json_object_get_boolean_member (record, "e_payment"));
      g_assert_cmpstr (json_object_get_string_member (record, "aircraft_time"), ==, "08:30");
    }
  g_clear_pointer (&record, json_object_unref);
  g_assert_null (find_change (out, "business_settings", 1));
  /* a time without the switch is refused by the schema */
  business.switches[0] = FALSE;
  g_assert_false (e->business_put (s, &business, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  kouan_stored_business_settings_clear (&business);
  g_assert_true (e->business_get (s, 99, &business, &error));
  g_assert_cmpint (business.enterprise_id, ==, 0);
}

static void
test_enterprise_showcase (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  const KouanStorageEnterprise *e = s->enterprise;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_auto(KouanStoredSlide) slide = { 0 };
  g_auto(KouanStoredLink) link = { 0 };
  g_autoptr(JsonObject) record = NULL;
  const KouanStoredChange *change;
  gint64 alice, before = 0, count = -1, next = -1, first = 0, second = 0, id = -1, link_id = 0, img7, img8;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  alice = make_user (s, "alice");
  g_assert_true (e->enterprise_open (s, 1, "浦江国际", CODE_1, &error));
  g_assert_true (e->enterprise_open (s, 2, "外高桥物流", CODE_2, &error));
  g_assert_no_error (error);
  img7 = make_image (f, 1, "slide 7");
  img8 = make_image (f, 1, "slide 8");

  g_assert_true (e->slides_count (s, 1, &count, &next, &error));
  g_assert_cmpint (count, ==, 0);
  g_assert_cmpint (next, ==, 0);

  /* created */
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  slide = (KouanStoredSlide) { .image_id = img7, .caption = g_strdup ("荣获 AEO 高级认证"),
                               .link = g_strdup ("https://www.customs.gov.cn"), .position = 0 };
  g_assert_true (e->slide_put (s, 1, &slide, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first, >, 0);
  kouan_stored_slide_clear (&slide);
  slide = (KouanStoredSlide) { .image_id = img8, .caption = g_strdup ("二期"), .position = 3 };
  g_assert_true (e->slide_put (s, 1, &slide, &second, &error));
  g_assert_cmpint (second, >, first);
  kouan_stored_slide_clear (&slide);
  g_assert_true (e->slides_count (s, 1, &count, &next, &error));
  g_assert_cmpint (count, ==, 2);
  g_assert_cmpint (next, ==, 4);
  g_assert_true (e->slides_count (s, 2, &count, &next, &error));
  g_assert_cmpint (count, ==, 0);

  g_assert_true (e->slide_get (s, 1, first, &slide, &error));
  g_assert_cmpint (slide.id, ==, first);
  g_assert_cmpint (slide.image_id, ==, img7);
  g_assert_cmpstr (slide.caption, ==, "荣获 AEO 高级认证");
  g_assert_cmpstr (slide.link, ==, "https://www.customs.gov.cn");
  g_assert_cmpint (slide.position, ==, 0);
  kouan_stored_slide_clear (&slide);
  g_assert_true (e->slide_get (s, 1, second, &slide, &error));
  g_assert_cmpstr (slide.link, ==, "");   /* none given */
  kouan_stored_slide_clear (&slide);
  /* another enterprise's id is no slide of this one */
  g_assert_true (e->slide_get (s, 2, first, &slide, &error));
  g_assert_cmpint (slide.id, ==, 0);
  g_assert_no_error (error);

  page (s, 1, alice, before, 100, NULL, out);
  record = kept_record (find_change (out, "showcase_slides", first));
  if (record != NULL)
    {
      g_assert_cmpint (json_object_get_int_member (record, "id"), ==, first);
      g_assert_cmpint (json_object_get_int_member (record, "image"), ==, img7);
      g_assert_cmpstr (json_object_get_string_member (record, "caption"), ==, "荣获 AEO 高级认证");
      g_assert_cmpint (json_object_get_int_member (record, "position"), ==, 0);
    }
  g_clear_pointer (&record, json_object_unref);
  g_assert_nonnull (find_change (out, "showcase_slides", second));
  page (s, 2, alice, before, 100, NULL, out);
  g_assert_null (find_change (out, "showcase_slides", first));

  /* updated (reordered): one change, the record as written */
  slide = (KouanStoredSlide) { .id = first, .image_id = img8, .caption = g_strdup ("新标题"),
                               .link = g_strdup (""), .position = 5 };
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (e->slide_put (s, 1, &slide, &id, &error));
  g_assert_cmpint (id, ==, first);
  /* another enterprise's slide is not written */
  g_assert_true (e->slide_put (s, 2, &slide, &id, &error));
  g_assert_cmpint (id, ==, 0);
  g_assert_no_error (error);
  kouan_stored_slide_clear (&slide);
  g_assert_true (e->slide_get (s, 1, first, &slide, &error));
  g_assert_cmpstr (slide.caption, ==, "新标题");
  g_assert_cmpint (slide.image_id, ==, img8);
  g_assert_cmpint (slide.position, ==, 5);
  kouan_stored_slide_clear (&slide);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  record = kept_record (find_change (out, "showcase_slides", first));
  if (record != NULL)
    g_assert_cmpstr (json_object_get_string_member (record, "caption"), ==, "新标题");
  g_clear_pointer (&record, json_object_unref);

  /* deleted: a deletion in the feed; another enterprise cannot */
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (e->slide_delete (s, 2, first, &error));
  g_assert_true (e->slide_get (s, 1, first, &slide, &error));
  g_assert_cmpint (slide.id, ==, first);
  kouan_stored_slide_clear (&slide);
  g_assert_true (e->slide_delete (s, 1, first, &error));
  g_assert_no_error (error);
  g_assert_true (e->slide_get (s, 1, first, &slide, &error));
  g_assert_cmpint (slide.id, ==, 0);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  change = find_change (out, "showcase_slides", first);
  g_assert_true (change != NULL && change->record_json == NULL);   /* kept as a deletion, or (SQLite) materialised: gone */
  g_assert_true (e->slides_count (s, 1, &count, &next, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_cmpint (next, ==, 4);

  /* links */
  g_assert_true (e->links_count (s, 1, &count, &next, &error));
  g_assert_cmpint (count, ==, 0);
  g_assert_cmpint (next, ==, 0);
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  link = (KouanStoredLink) { .title = g_strdup ("中国国际贸易单一窗口"),
                             .url = g_strdup ("https://www.singlewindow.cn"), .position = 0 };
  g_assert_true (e->link_put (s, 1, &link, &link_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (link_id, >, 0);
  kouan_stored_link_clear (&link);
  g_assert_true (e->links_count (s, 1, &count, &next, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_cmpint (next, ==, 1);
  page (s, 1, alice, before, 100, NULL, out);
  record = kept_record (find_change (out, "showcase_links", link_id));
  if (record != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (record, "title"), ==, "中国国际贸易单一窗口");
      g_assert_cmpstr (json_object_get_string_member (record, "url"), ==, "https://www.singlewindow.cn");
      g_assert_cmpint (json_object_get_int_member (record, "position"), ==, 0);
    }
  g_clear_pointer (&record, json_object_unref);
  link = (KouanStoredLink) { .id = link_id, .title = g_strdup ("海关总署"),
                             .url = g_strdup ("http://www.customs.gov.cn"), .position = 2 };
  g_assert_true (e->link_put (s, 1, &link, &id, &error));
  g_assert_cmpint (id, ==, link_id);
  g_assert_true (e->link_put (s, 2, &link, &id, &error));
  g_assert_cmpint (id, ==, 0);
  kouan_stored_link_clear (&link);
  g_assert_true (e->link_get (s, 1, link_id, &link, &error));
  g_assert_cmpstr (link.title, ==, "海关总署");
  g_assert_cmpstr (link.url, ==, "http://www.customs.gov.cn");
  g_assert_cmpint (link.position, ==, 2);
  kouan_stored_link_clear (&link);
  g_assert_true (e->link_get (s, 2, link_id, &link, &error));
  g_assert_cmpint (link.id, ==, 0);
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (e->link_delete (s, 1, link_id, &error));
  g_assert_no_error (error);
  g_assert_true (e->link_get (s, 1, link_id, &link, &error));
  g_assert_cmpint (link.id, ==, 0);
  page (s, 1, alice, before, 100, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  change = find_change (out, "showcase_links", link_id);
  g_assert_true (change != NULL && change->record_json == NULL);
}

/* ---- area 9: the audit log ------------------------------------------- */

/* Area 6, admin people: the authorization reads every route makes, and
 * the changes their writes record (computed for the reader on both
 * backends: kept FALSE). */
static gboolean
people_allows (KouanStorage *s, gint64 eid, gint64 uid, const char *today,
               const char *permission)
{
  g_autoptr(GError) error = NULL;
  const char *permissions[] = { permission, "no.such:view", NULL };
  gboolean allowed = TRUE;

  g_assert_true (s->people->grant_allows (s, uid, eid, today, permissions, &allowed, &error));
  g_assert_no_error (error);
  return allowed;
}

static gboolean
people_has_change (GArray *out, const char *collection, gint64 record_id)
{
  for (guint i = 0; i < out->len; i++)
    if (g_strcmp0 (CHANGE (out, i)->collection, collection) == 0 &&
        CHANGE (out, i)->record_id == record_id)
      {
        g_assert_false (CHANGE (out, i)->kept);   /* computed for its reader */
        return TRUE;
      }
  return FALSE;
}

static void
test_people_authz (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_free);
  const char *clerk_rights[] = { "insurance.policies:view", "insurance.policies:view",
                                 "insurance.claims:manage", NULL };
  const char *today = "2026-06-01";
  gint64 eid = 0, other = 0, admin_role = 0, clerk = 0, count = -1, before = 0, after = 0, id = 0;
  gint64 alice, bob, carol, dave, outsider;
  gboolean active = TRUE, builtin = TRUE;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));
  g_assert_true (s->personal->enterprise_add (s, "上海浦江贸易有限公司", "91310000MA1K000001", FALSE,
                                              &eid, &error));
  g_assert_true (s->personal->enterprise_add (s, "宁波港通物流有限公司", "91330200MA2H000002", FALSE,
                                              &other, &error));
  g_assert_no_error (error);
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");
  carol = make_user (s, "carol");
  dave = make_user (s, "dave");
  outsider = make_user (s, "outsider");

  /* every enterprise has its built-in role, its own */
  g_assert_true (s->people->role_builtin (s, eid, &admin_role, &error));
  g_assert_true (s->people->role_builtin (s, other, &id, &error));
  g_assert_cmpint (admin_role, >, 0);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (id, !=, admin_role);
  g_assert_true (s->people->role_builtin (s, 999, &id, &error));
  g_assert_cmpint (id, ==, 0);
  g_assert_true (s->people->role_create (s, eid, "报关员", clerk_rights, 1000, &clerk, &error));
  g_assert_no_error (error);
  g_assert_cmpint (clerk, >, 0);
  g_assert_false (s->people->role_create (s, eid, "报关员", NULL, 1000, NULL, &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  /* the same name in another enterprise is another role */
  g_assert_true (s->people->role_create (s, other, "报关员", NULL, 1000, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (s->people->member_add (s, eid, alice, "2025-01-01", &error));
  g_assert_true (s->people->member_add (s, eid, bob, "2025-01-01", &error));
  g_assert_true (s->people->member_add (s, eid, carol, "2025-01-01", &error));
  g_assert_true (s->people->member_add (s, eid, dave, "2025-01-01", &error));
  g_assert_no_error (error);
  g_assert_false (s->people->member_add (s, eid, dave, "2025-01-01", &error));
  g_assert_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (s->people->grant_create (s, eid, alice, admin_role, "2020-01-01", NULL, 1000, &id, &error));
  g_assert_true (s->people->grant_create (s, eid, bob, clerk, "2026-01-01", "2026-12-31", 1000, NULL, &error));
  /* a grant that has not started, and one that ended */
  g_assert_true (s->people->grant_create (s, eid, carol, clerk, "2026-06-02", NULL, 1000, NULL, &error));
  g_assert_true (s->people->grant_create (s, eid, dave, admin_role, "2025-01-01", "2026-05-31", 1000, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  /* an end before the start is no grant */
  g_assert_false (s->people->grant_create (s, eid, bob, clerk, "2026-02-01", "2026-01-31", 1000, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (s->people->member_active (s, bob, eid, &active, &error));
  g_assert_true (active);
  g_assert_true (s->people->member_active (s, outsider, eid, &active, &error));
  g_assert_false (active);
  g_assert_true (s->people->member_active (s, bob, other, &active, &error));
  g_assert_false (active);
  g_assert_no_error (error);

  g_assert_true (people_allows (s, eid, alice, today, "admin.staff:manage"));
  g_assert_true (people_allows (s, eid, bob, today, "insurance.claims:manage"));
  g_assert_false (people_allows (s, eid, bob, today, "admin.staff:view"));
  g_assert_false (people_allows (s, eid, bob, "2027-01-01", "insurance.claims:manage"));
  g_assert_true (people_allows (s, eid, bob, "2026-12-31", "insurance.claims:manage"));
  g_assert_false (people_allows (s, eid, carol, today, "insurance.claims:manage"));
  g_assert_true (people_allows (s, eid, carol, "2026-06-02", "insurance.claims:manage"));
  g_assert_false (people_allows (s, eid, dave, today, "admin.staff:view"));
  g_assert_true (people_allows (s, eid, dave, "2026-05-31", "admin.staff:view"));
  g_assert_false (people_allows (s, other, alice, today, "admin.staff:view"));

  g_assert_true (s->people->grant_permissions (s, bob, eid, today, &builtin, held, &error));
  g_assert_no_error (error);
  g_assert_false (builtin);
  g_assert_cmpuint (held->len, ==, 2);   /* stored once each */
  g_assert_true (g_ptr_array_find_with_equal_func (held, "insurance.claims:manage", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (held, "insurance.policies:view", g_str_equal, NULL));
  g_ptr_array_set_size (held, 0);
  g_assert_true (s->people->grant_permissions (s, alice, eid, today, &builtin, held, &error));
  g_assert_true (builtin);
  g_assert_cmpuint (held->len, ==, 0);
  g_assert_true (s->people->grant_permissions (s, carol, eid, today, &builtin, held, &error));
  g_assert_false (builtin);
  g_assert_cmpuint (held->len, ==, 0);

  /* the built-in role reads "admin", first */
  g_assert_true (s->people->grant_create (s, eid, bob, admin_role, "2026-01-01", NULL, 1000, NULL, &error));
  g_assert_true (s->people->grant_roles (s, bob, eid, today, roles, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (roles, 0), ==, "admin");
  g_assert_cmpstr (g_ptr_array_index (roles, 1), ==, "报关员");
  g_ptr_array_set_size (roles, 0);
  g_assert_true (s->people->grant_roles (s, carol, eid, today, roles, &error));
  g_assert_cmpuint (roles->len, ==, 0);

  g_assert_true (s->people->admins_count (s, eid, today, &count, &error));
  g_assert_cmpint (count, ==, 2);   /* alice and bob; dave's ended */
  g_assert_true (s->people->admins_count (s, eid, "2026-05-31", &count, &error));
  g_assert_cmpint (count, ==, 3);
  g_assert_true (s->people->admins_count (s, other, today, &count, &error));
  g_assert_cmpint (count, ==, 0);
  g_assert_no_error (error);

  /* the writes recorded computed changes: members and roles for
   * everyone, each member's own access */
  page (s, eid, bob, before, 1000, NULL, out);
  g_assert_true (people_has_change (out, "members", alice));
  g_assert_true (people_has_change (out, "members", bob));
  g_assert_true (people_has_change (out, "access", bob));
  g_assert_false (people_has_change (out, "access", alice));
  g_assert_true (people_has_change (out, "roles", clerk));
  g_assert_true (people_has_change (out, "roles", admin_role));

  /* access touched for everyone: each member gets their own */
  g_assert_true (s->feed->changes_newest (s, eid, carol, &before, &error));
  g_assert_true (s->people->access_touch (s, eid, 0, &error));
  g_assert_no_error (error);
  page (s, eid, carol, before, 1000, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_true (people_has_change (out, "access", carol));
  page (s, eid, alice, before, 1000, NULL, out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_true (people_has_change (out, "access", alice));

  /* reissued: dave gets every role again, as his own changes */
  g_assert_true (s->feed->changes_newest (s, eid, dave, &before, &error));
  g_assert_true (s->people->changes_reissue (s, eid, dave, "roles", &error));
  g_assert_no_error (error);
  page (s, eid, dave, before, 1000, NULL, out);
  g_assert_cmpuint (out->len, ==, 2);
  g_assert_true (people_has_change (out, "roles", clerk));
  g_assert_true (people_has_change (out, "roles", admin_role));
  page (s, eid, carol, before, 1000, NULL, out);
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_true (s->feed->changes_newest (s, eid, dave, &after, &error));
  g_assert_cmpint (after, >, before);
}

/* Area 6: roles and departments, and a mutation's savepoint */
static void
test_people_roles_departments (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_auto(KouanStoredRole) role = { 0 };
  g_auto(KouanStoredDepartment) department = { 0 };
  g_autofree char *status = NULL;
  const char *rights[] = { "insurance.policies:view", "admin.staff:view", NULL };
  const char *fewer[] = { "admin.staff:view", "admin.audit:view", NULL };
  gint64 eid = 0, other = 0, admin_role = 0, clerk = 0, b = 0, top = 0, sub = 0, leaf = 0;
  gint64 removed = -1, before = 0, alice, bob;
  gboolean flag = FALSE;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  g_assert_true (s->personal->enterprise_add (s, "上海浦江贸易有限公司", "91310000MA1K000001", FALSE,
                                              &eid, &error));
  g_assert_true (s->personal->enterprise_add (s, "宁波港通物流有限公司", "91330200MA2H000002", FALSE,
                                              &other, &error));
  g_assert_no_error (error);
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");
  g_assert_true (s->people->member_add (s, eid, alice, "2025-01-01", &error));
  g_assert_true (s->people->member_add (s, eid, bob, "2025-01-01", &error));
  g_assert_true (s->people->member_status (s, eid, bob, &status, &error));
  g_assert_cmpstr (status, ==, "active");
  g_clear_pointer (&status, g_free);
  g_assert_true (s->people->member_status (s, other, bob, &status, &error));
  g_assert_null (status);
  g_assert_no_error (error);
  g_assert_true (s->people->member_add (s, other, bob, "2025-01-01", &error));
  g_assert_true (s->people->user_enterprises (s, bob, FALSE, ids, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, MIN (eid, other));
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, MAX (eid, other));
  g_array_set_size (ids, 0);

  /* roles: the built-in one first, then by name (byte order) */
  g_assert_true (s->people->role_builtin (s, eid, &admin_role, &error));
  g_assert_true (s->people->role_create (s, eid, "报关员", rights, 1000, &clerk, &error));
  g_assert_true (s->people->role_create (s, eid, "B", NULL, 1000, &b, &error));
  g_assert_true (s->people->role_create (s, other, "C", NULL, 1000, NULL, &error));
  g_assert_true (s->people->roles_list (s, eid, ids, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, admin_role);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, b);
  g_assert_cmpint (g_array_index (ids, gint64, 2), ==, clerk);

  g_assert_true (s->people->grant_create (s, eid, alice, admin_role, "2020-01-01", NULL, 1000, NULL, &error));
  g_assert_true (s->people->grant_create (s, eid, bob, clerk, "2026-01-01", "2026-03-31", 1000, NULL, &error));
  g_assert_true (s->people->grant_create (s, eid, bob, clerk, "2026-07-01", NULL, 1000, NULL, &error));
  g_assert_true (s->people->role_get (s, eid, clerk, "2026-06-01", &role, &error));
  g_assert_no_error (error);
  g_assert_cmpint (role.id, ==, clerk);
  g_assert_cmpstr (role.name, ==, "报关员");
  g_assert_false (role.builtin);
  g_assert_cmpint (role.created_at, ==, 1000);
  g_assert_cmpint (role.member_count, ==, 0);   /* between bob's two grants */
  g_assert_cmpint (role.granted_count, ==, 1);
  g_assert_cmpuint (role.permissions->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (role.permissions, 0), ==, "admin.staff:view");
  g_assert_cmpstr (g_ptr_array_index (role.permissions, 1), ==, "insurance.policies:view");
  kouan_stored_role_clear (&role);
  g_assert_true (s->people->role_get (s, eid, clerk, "2026-07-01", &role, &error));
  g_assert_cmpint (role.member_count, ==, 1);
  kouan_stored_role_clear (&role);
  g_assert_true (s->people->role_get (s, eid, admin_role, "2026-07-01", &role, &error));
  g_assert_true (role.builtin);
  g_assert_cmpstr (role.name, ==, "管理员");
  g_assert_cmpuint (role.permissions->len, ==, 0);
  kouan_stored_role_clear (&role);
  /* another enterprise's role is none */
  g_assert_true (s->people->role_get (s, other, clerk, "2026-07-01", &role, &error));
  g_assert_cmpint (role.id, ==, 0);
  g_assert_null (role.name);

  g_assert_true (s->people->role_name_taken (s, eid, "B", 0, &flag, &error));
  g_assert_true (flag);
  g_assert_true (s->people->role_name_taken (s, eid, "B", b, &flag, &error));
  g_assert_false (flag);
  g_assert_true (s->people->role_name_taken (s, eid, "C", 0, &flag, &error));
  g_assert_false (flag);

  /* renamed and its permissions replaced: a change of the role, and of
   * its holder's member record (it shows the role's name) */
  g_assert_true (s->feed->changes_newest (s, eid, 0, &before, &error));
  g_assert_true (s->people->role_update (s, eid, clerk, "单证员", fewer, &error));
  g_assert_no_error (error);
  g_assert_true (s->people->role_get (s, eid, clerk, "2026-07-01", &role, &error));
  g_assert_cmpstr (role.name, ==, "单证员");
  g_assert_cmpuint (role.permissions->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (role.permissions, 0), ==, "admin.audit:view");
  g_assert_cmpstr (g_ptr_array_index (role.permissions, 1), ==, "admin.staff:view");
  kouan_stored_role_clear (&role);
  page (s, eid, 0, before, 1000, NULL, out);
  g_assert_true (people_has_change (out, "roles", clerk));
  g_assert_true (people_has_change (out, "members", bob));
  g_assert_false (people_has_change (out, "members", alice));

  g_array_set_size (ids, 0);
  g_assert_true (s->people->role_holders (s, eid, clerk, ids, &error));
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, bob);

  /* a savepoint rolled back leaves nothing; one released keeps its work */
  g_assert_true (kouan_storage_begin (s, &error));
  g_assert_true (s->people->savepoint (s, &error));
  g_assert_true (s->people->role_delete (s, eid, clerk, &removed, &error));
  g_assert_cmpint (removed, ==, 2);
  s->people->savepoint_rollback (s);
  g_assert_true (s->people->savepoint (s, &error));
  g_assert_true (s->people->role_update (s, eid, b, "B2", NULL, &error));
  g_assert_true (s->people->savepoint_release (s, &error));
  g_assert_true (kouan_storage_commit (s, &error));
  g_assert_no_error (error);
  g_assert_true (s->people->role_get (s, eid, clerk, "2026-07-01", &role, &error));
  g_assert_cmpint (role.id, ==, clerk);
  g_assert_cmpint (role.granted_count, ==, 1);
  kouan_stored_role_clear (&role);
  g_assert_true (s->people->role_get (s, eid, b, "2026-07-01", &role, &error));
  g_assert_cmpstr (role.name, ==, "B2");
  kouan_stored_role_clear (&role);

  g_assert_true (s->people->role_delete (s, eid, clerk, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (removed, ==, 2);
  g_assert_true (s->people->role_get (s, eid, clerk, "2026-07-01", &role, &error));
  g_assert_cmpint (role.id, ==, 0);

  /* departments: a tree, its head, members counted */
  g_assert_true (s->people->department_create (s, eid, 0, "总部", alice, &top, &error));
  g_assert_true (s->people->department_create (s, eid, top, "关务部", 0, &sub, &error));
  g_assert_true (s->people->department_create (s, eid, sub, "单证组", 0, &leaf, &error));
  g_assert_no_error (error);
  g_assert_true (s->people->department_get (s, eid, top, &department, &error));
  g_assert_cmpint (department.id, ==, top);
  g_assert_cmpint (department.parent_id, ==, 0);
  g_assert_cmpstr (department.name, ==, "总部");
  g_assert_cmpint (department.head_user_id, ==, alice);
  g_assert_cmpstr (department.head_name, ==, "alice");
  g_assert_cmpint (department.member_count, ==, 0);
  kouan_stored_department_clear (&department);
  g_assert_true (s->people->department_get (s, other, top, &department, &error));
  g_assert_cmpint (department.id, ==, 0);

  g_array_set_size (ids, 0);
  g_assert_true (s->people->departments_list (s, eid, ids, &error));
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, top);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, sub);
  g_assert_cmpint (g_array_index (ids, gint64, 2), ==, leaf);

  g_assert_true (s->people->department_under (s, eid, top, leaf, &flag, &error));
  g_assert_true (flag);
  g_assert_true (s->people->department_under (s, eid, sub, sub, &flag, &error));
  g_assert_true (flag);
  g_assert_true (s->people->department_under (s, eid, leaf, top, &flag, &error));
  g_assert_false (flag);
  g_assert_true (s->people->department_has_children (s, eid, sub, &flag, &error));
  g_assert_true (flag);
  g_assert_true (s->people->department_has_children (s, eid, leaf, &flag, &error));
  g_assert_false (flag);

  /* renamed only: parent and head stay; then moved to the top, head gone */
  g_assert_true (s->people->department_update (s, eid, sub, "报关部", FALSE, 0, FALSE, 0, &error));
  g_assert_true (s->people->department_get (s, eid, sub, &department, &error));
  g_assert_cmpstr (department.name, ==, "报关部");
  g_assert_cmpint (department.parent_id, ==, top);
  kouan_stored_department_clear (&department);
  g_assert_true (s->people->department_update (s, eid, sub, NULL, TRUE, 0, TRUE, bob, &error));
  g_assert_true (s->people->department_get (s, eid, sub, &department, &error));
  g_assert_cmpstr (department.name, ==, "报关部");
  g_assert_cmpint (department.parent_id, ==, 0);
  g_assert_cmpint (department.head_user_id, ==, bob);
  kouan_stored_department_clear (&department);
  g_assert_true (s->people->department_update (s, eid, top, NULL, FALSE, 0, TRUE, 0, &error));
  g_assert_true (s->people->department_get (s, eid, top, &department, &error));
  g_assert_cmpint (department.head_user_id, ==, 0);
  g_assert_null (department.head_name);
  kouan_stored_department_clear (&department);
  g_assert_no_error (error);

  g_assert_true (s->feed->changes_newest (s, eid, 0, &before, &error));
  g_assert_true (s->people->department_delete (s, eid, leaf, &error));
  g_assert_no_error (error);
  g_assert_true (s->people->department_get (s, eid, leaf, &department, &error));
  g_assert_cmpint (department.id, ==, 0);
  page (s, eid, 0, before, 1000, NULL, out);
  g_assert_true (people_has_change (out, "departments", leaf));
}

/* Area 6: an enterprise's pending join requests, decided once */
static void
test_people_join_requests (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pending = g_array_new (FALSE, TRUE, sizeof (KouanStoredPendingJoin));
  g_autofree char *status = NULL;
  gint64 eid = 0, other = 0, first = 0, second = 0, elsewhere = 0, user = -1;
  gint64 admin, carol, dave;

  g_array_set_clear_func (pending, (GDestroyNotify) kouan_stored_pending_join_clear);
  g_assert_true (s->personal->enterprise_add (s, "上海浦江贸易有限公司", "91310000MA1K000001", FALSE,
                                              &eid, &error));
  g_assert_true (s->personal->enterprise_add (s, "宁波港通物流有限公司", "91330200MA2H000002", FALSE,
                                              &other, &error));
  admin = make_user (s, "admin");
  carol = make_user (s, "carol");
  dave = make_user (s, "dave");
  g_assert_true (s->personal->join_request_create (s, carol, eid, 2000, &first, &error));
  g_assert_true (s->personal->join_request_create (s, dave, eid, 1000, &second, &error));
  g_assert_true (s->personal->join_request_create (s, carol, other, 1500, &elsewhere, &error));
  g_assert_no_error (error);

  g_assert_true (s->people->join_requests_pending (s, eid, pending, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);   /* oldest first */
  g_assert_cmpint (g_array_index (pending, KouanStoredPendingJoin, 0).id, ==, second);
  g_assert_cmpint (g_array_index (pending, KouanStoredPendingJoin, 0).user_id, ==, dave);
  g_assert_cmpstr (g_array_index (pending, KouanStoredPendingJoin, 0).account, ==, "dave");
  g_assert_cmpint (g_array_index (pending, KouanStoredPendingJoin, 0).created_at, ==, 1000);
  g_assert_cmpint (g_array_index (pending, KouanStoredPendingJoin, 1).id, ==, first);

  /* another enterprise's request is not this one's to decide */
  g_assert_true (s->people->join_request_decide (s, eid, elsewhere, TRUE, 3000, admin, "2026-06-01",
                                                 &user, &error));
  g_assert_cmpint (user, ==, 0);
  g_assert_true (s->people->join_request_decide (s, eid, first, TRUE, 3000, admin, "2026-06-01",
                                                 &user, &error));
  g_assert_no_error (error);
  g_assert_cmpint (user, ==, carol);
  g_assert_true (s->people->member_status (s, eid, carol, &status, &error));
  g_assert_cmpstr (status, ==, "active");
  g_clear_pointer (&status, g_free);
  /* decided once */
  g_assert_true (s->people->join_request_decide (s, eid, first, FALSE, 3100, admin, "2026-06-01",
                                                 &user, &error));
  g_assert_cmpint (user, ==, 0);
  g_assert_true (s->people->join_request_decide (s, eid, second, FALSE, 3200, admin, "2026-06-01",
                                                 &user, &error));
  g_assert_cmpint (user, ==, dave);
  g_assert_true (s->people->member_status (s, eid, dave, &status, &error));
  g_assert_null (status);
  g_assert_no_error (error);

  g_array_set_size (pending, 0);
  g_assert_true (s->people->join_requests_pending (s, eid, pending, &error));
  g_assert_cmpuint (pending->len, ==, 0);
  g_assert_true (s->people->join_requests_pending (s, other, pending, &error));
  g_assert_cmpuint (pending->len, ==, 1);
}

/* Area 6: a member's grants, read, re-dated and removed */
static void
test_people_grants (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) grants = g_array_new (FALSE, TRUE, sizeof (KouanStoredGrant));
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_auto(KouanStoredGrant) grant = { 0 };
  gint64 eid = 0, other = 0, admin_role = 0, clerk = 0, b = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0;
  gint64 before = 0, bob;

  g_array_set_clear_func (grants, (GDestroyNotify) kouan_stored_grant_clear);
  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  g_assert_true (s->personal->enterprise_add (s, "上海浦江贸易有限公司", "91310000MA1K000001", FALSE,
                                              &eid, &error));
  g_assert_true (s->personal->enterprise_add (s, "宁波港通物流有限公司", "91330200MA2H000002", FALSE,
                                              &other, &error));
  bob = make_user (s, "bob");
  g_assert_true (s->people->member_add (s, eid, bob, "2025-01-01", &error));
  g_assert_true (s->people->role_builtin (s, eid, &admin_role, &error));
  g_assert_true (s->people->role_create (s, eid, "报关员", NULL, 1000, &clerk, &error));
  g_assert_true (s->people->role_create (s, eid, "B", NULL, 1000, &b, &error));
  g_assert_true (s->people->grant_create (s, eid, bob, clerk, "2026-07-01", NULL, 1000, &g1, &error));
  g_assert_true (s->people->grant_create (s, eid, bob, clerk, "2026-01-01", "2026-03-31", 1000, &g2, &error));
  g_assert_true (s->people->grant_create (s, eid, bob, b, "2027-01-01", NULL, 1000, &g3, &error));
  g_assert_true (s->people->grant_create (s, eid, bob, admin_role, "2027-01-01", NULL, 1000, &g4, &error));
  g_assert_no_error (error);

  /* the built-in role's first, then by role name (byte order) and start */
  g_assert_true (s->people->member_grants (s, eid, bob, grants, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 4);
  g_assert_cmpint (g_array_index (grants, KouanStoredGrant, 0).id, ==, g4);
  g_assert_true (g_array_index (grants, KouanStoredGrant, 0).builtin);
  g_assert_cmpstr (g_array_index (grants, KouanStoredGrant, 0).role, ==, "管理员");
  g_assert_cmpint (g_array_index (grants, KouanStoredGrant, 1).id, ==, g3);
  g_assert_cmpint (g_array_index (grants, KouanStoredGrant, 2).id, ==, g2);
  g_assert_cmpstr (g_array_index (grants, KouanStoredGrant, 2).ends_on, ==, "2026-03-31");
  g_assert_cmpint (g_array_index (grants, KouanStoredGrant, 3).id, ==, g1);
  g_assert_null (g_array_index (grants, KouanStoredGrant, 3).ends_on);
  g_array_set_size (grants, 0);
  g_assert_true (s->people->member_grants (s, other, bob, grants, &error));
  g_assert_cmpuint (grants->len, ==, 0);

  g_assert_true (s->people->grant_get (s, eid, g2, &grant, &error));
  g_assert_cmpint (grant.id, ==, g2);
  g_assert_cmpint (grant.user_id, ==, bob);
  g_assert_cmpstr (grant.member, ==, "bob");
  g_assert_cmpint (grant.role_id, ==, clerk);
  g_assert_cmpstr (grant.role, ==, "报关员");
  g_assert_false (grant.builtin);
  g_assert_cmpstr (grant.starts_on, ==, "2026-01-01");
  kouan_stored_grant_clear (&grant);
  g_assert_true (s->people->grant_get (s, other, g2, &grant, &error));
  g_assert_cmpint (grant.id, ==, 0);

  /* re-dated, open-ended: a change of the member record */
  g_assert_true (s->feed->changes_newest (s, eid, 0, &before, &error));
  g_assert_true (s->people->grant_set_period (s, eid, g2, "2026-02-01", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (s->people->grant_get (s, eid, g2, &grant, &error));
  g_assert_cmpstr (grant.starts_on, ==, "2026-02-01");
  g_assert_null (grant.ends_on);
  kouan_stored_grant_clear (&grant);
  page (s, eid, 0, before, 1000, NULL, out);
  g_assert_true (people_has_change (out, "members", bob));
  /* an end before the start is refused */
  g_assert_false (s->people->grant_set_period (s, eid, g2, "2026-02-01", "2026-01-01", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (s->people->grant_delete (s, eid, g2, &error));
  g_assert_no_error (error);
  g_assert_true (s->people->grant_get (s, eid, g2, &grant, &error));
  g_assert_cmpint (grant.id, ==, 0);
  /* another enterprise's id deletes nothing */
  g_assert_true (s->people->grant_delete (s, other, g1, &error));
  g_assert_true (s->people->grant_get (s, eid, g1, &grant, &error));
  g_assert_cmpint (grant.id, ==, g1);
}

static void
test_audit (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (KouanStoredAuditEntry));
  g_auto(KouanStoredAuditEntry) entry = { 0 };
  gint64 alice, ids[5] = { 0 }, total = -1, before = 0;

  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  g_array_set_clear_func (entries, (GDestroyNotify) kouan_stored_audit_entry_clear);
  make_enterprise (f, 1);
  make_enterprise (f, 2);
  alice = make_user (s, "alice");
  g_assert_true (s->feed->changes_newest_all (s, &before, &error));

  g_assert_true (s->audit->audit_record (s, 1, alice, "role.create", NULL, "{\"name\":\"审计\"}",
                                         1000, &ids[0], &error));
  g_assert_true (s->audit->audit_record (s, 1, alice, "role.update", "{\"name\":\"审计\"}",
                                         "{\"name\":\"审计组\"}", 2000, &ids[1], &error));
  g_assert_true (s->audit->audit_record (s, 1, 0, "grant.expire", "{}", NULL, 3000, &ids[2], &error));
  g_assert_true (s->audit->audit_record (s, 1, alice, "role_x.delete", NULL, NULL, 4000, &ids[3], &error));
  g_assert_true (s->audit->audit_record (s, 2, alice, "role.create", NULL, "{}", 1500, &ids[4], &error));
  g_assert_no_error (error);
  g_assert_cmpint (ids[0], >, 0);
  g_assert_cmpint (ids[1], >, ids[0]);

  g_assert_true (s->audit->audit_get (s, 1, ids[1], &entry, &error));
  g_assert_cmpint (entry.id, ==, ids[1]);
  g_assert_cmpint (entry.user_id, ==, alice);
  g_assert_cmpstr (entry.account, ==, "alice");
  g_assert_cmpstr (entry.name, ==, "alice");
  g_assert_cmpstr (entry.action, ==, "role.update");
  g_assert_cmpstr (entry.before_json, ==, "{\"name\":\"审计\"}");
  g_assert_cmpstr (entry.after_json, ==, "{\"name\":\"审计组\"}");
  g_assert_cmpint (entry.created_at, ==, 2000);
  kouan_stored_audit_entry_clear (&entry);
  g_assert_true (s->audit->audit_get (s, 1, ids[2], &entry, &error));
  g_assert_cmpint (entry.user_id, ==, 0);
  g_assert_null (entry.account);
  g_assert_null (entry.after_json);
  kouan_stored_audit_entry_clear (&entry);
  /* another enterprise's entry is none of this one's */
  g_assert_true (s->audit->audit_get (s, 2, ids[1], &entry, &error));
  g_assert_cmpint (entry.id, ==, 0);

  /* newest first, paged, with the total */
  g_assert_true (s->audit->audit_list (s, 1, NULL, 0, G_MININT64, G_MAXINT64, 2, 1,
                                       entries, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpint (total, ==, 4);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpint (g_array_index (entries, KouanStoredAuditEntry, 0).id, ==, ids[2]);
  g_assert_cmpint (g_array_index (entries, KouanStoredAuditEntry, 1).id, ==, ids[1]);
  /* a prefix, either case, its _ literal: "role_" is not "role." */
  g_array_set_size (entries, 0);
  g_assert_true (s->audit->audit_list (s, 1, "ROLE.", 0, G_MININT64, G_MAXINT64, 10, 0,
                                       entries, &total, &error));
  g_assert_cmpint (total, ==, 2);
  g_array_set_size (entries, 0);
  g_assert_true (s->audit->audit_list (s, 1, "role_", 0, G_MININT64, G_MAXINT64, 10, 0,
                                       entries, &total, &error));
  g_assert_cmpint (total, ==, 1);
  g_assert_cmpint (g_array_index (entries, KouanStoredAuditEntry, 0).id, ==, ids[3]);
  /* by whom, and when (from inclusive, to exclusive) */
  g_array_set_size (entries, 0);
  g_assert_true (s->audit->audit_list (s, 1, NULL, alice, 2000, 4000, 10, 0,
                                       entries, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpint (total, ==, 1);
  g_assert_cmpint (g_array_index (entries, KouanStoredAuditEntry, 0).id, ==, ids[1]);

  /* every entry is a change of the "audit" collection for everyone */
  page (s, 1, alice, before, 10, NULL, out);
  g_assert_cmpuint (out->len, ==, 4);
  g_assert_cmpstr (CHANGE (out, 0)->collection, ==, "audit");
  g_assert_cmpint (CHANGE (out, 1)->record_id, ==, ids[1]);
  if (CHANGE (out, 1)->kept)
    {
      g_autoptr(JsonNode) node = json_from_string (CHANGE (out, 1)->record_json, &error);
      JsonObject *record;

      g_assert_no_error (error);
      record = json_node_get_object (node);
      g_assert_cmpint (json_object_get_int_member (record, "id"), ==, ids[1]);
      g_assert_cmpint (json_object_get_int_member (record, "actor_id"), ==, alice);
      g_assert_cmpstr (json_object_get_string_member (record, "actor_account"), ==, "alice");
      g_assert_cmpstr (json_object_get_string_member (record, "action"), ==, "role.update");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "after"), "name"), ==, "审计组");
      g_assert_cmpint (json_object_get_int_member (record, "at"), ==, 2000);
    }
  if (CHANGE (out, 2)->kept)
    {
      g_autoptr(JsonNode) node = json_from_string (CHANGE (out, 2)->record_json, &error);
      JsonObject *record = json_node_get_object (node);

      g_assert_true (json_object_get_null_member (record, "actor_id"));
      g_assert_true (json_object_get_null_member (record, "after"));
    }
  page (s, 1, alice, before, 10, (const char *[]) { "audit", NULL }, out);
  g_assert_cmpuint (out->len, ==, 0);
}

/* ---- images ----------------------------------------------------------- */

/* Bytes that a text path would mangle: a NUL, high bytes, a backslash */
static const guint8 image_bytes[] = { 0x89, 'P', 'N', 'G', 0x00, 0xff, '\\', 0x01, 0x80, 0x00 };

static gint64
store_image (KouanStorage *s, gint64 eid, gint64 uid, gconstpointer data, gsize length,
             gint64 now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  KouanStoredImage image = {
    .enterprise_id = eid, .sha256 = sha256, .mime = (char *) "image/jpeg", .width = 640,
    .height = 480, .data = bytes,
  };
  gint64 id = 0;

  g_assert_true (s->images->image_store (s, &image, uid, now, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gboolean
image_there (KouanStorage *s, gint64 eid, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_auto(KouanStoredImage) image = { 0 };

  g_assert_true (s->images->image_get (s, eid, id, FALSE, &image, &error));
  g_assert_no_error (error);
  return image.id == id;
}

static gint64
collect (KouanStorage *s, gint64 eid, gint64 now, gint64 before)
{
  g_autoptr(GError) error = NULL;
  gint64 collected = -1;

  gboolean ok = s->images->images_collect (s, eid, now, before, &collected, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  return collected;
}

static void
test_images (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  g_auto(KouanStoredImage) image = { 0 };
  g_autofree char *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, image_bytes,
                                                         sizeof image_bytes);
  gint64 alice, bob, id, again, other, owner = -1, by_enterprise = -1, by_user = -1;
  gboolean known = FALSE;

  g_assert_true (s->enterprise->enterprise_open (s, 1, "浦江国际", "91310000MA1K000001", &error));
  g_assert_true (s->enterprise->enterprise_open (s, 2, "外高桥物流", "91310000MA1K000002", &error));
  g_assert_no_error (error);
  alice = make_user (s, "alice");
  bob = make_user (s, "bob");

  /* stored and read back byte for byte */
  id = store_image (s, 1, alice, image_bytes, sizeof image_bytes, 1000);
  g_assert_true (s->images->image_get (s, 1, id, TRUE, &image, &error));
  g_assert_no_error (error);
  g_assert_cmpint (image.id, ==, id);
  g_assert_cmpint (image.enterprise_id, ==, 1);
  g_assert_cmpstr (image.sha256, ==, sha256);
  g_assert_cmpstr (image.mime, ==, "image/jpeg");
  g_assert_cmpint (image.width, ==, 640);
  g_assert_cmpint (image.height, ==, 480);
  g_assert_cmpint (image.size, ==, sizeof image_bytes);
  g_assert_nonnull (image.data);
  g_assert_cmpmem (g_bytes_get_data (image.data, NULL), g_bytes_get_size (image.data),
                   image_bytes, sizeof image_bytes);
  kouan_stored_image_clear (&image);
  /* without the bytes unless asked */
  g_assert_true (s->images->image_get (s, 1, id, FALSE, &image, &error));
  g_assert_cmpint (image.size, ==, sizeof image_bytes);
  g_assert_null (image.data);
  kouan_stored_image_clear (&image);

  /* another enterprise's image, or none, is not there */
  g_assert_true (s->images->image_get (s, 2, id, TRUE, &image, &error));
  g_assert_cmpint (image.id, ==, 0);
  g_assert_null (image.sha256);
  g_assert_null (image.data);
  g_assert_true (s->images->image_get (s, 1, id + 100, FALSE, &image, &error));
  g_assert_cmpint (image.id, ==, 0);
  g_assert_true (s->images->image_enterprise (s, id, &owner, &error));
  g_assert_cmpint (owner, ==, 1);
  g_assert_true (s->images->image_enterprise (s, id + 100, &owner, &error));
  g_assert_cmpint (owner, ==, 0);
  g_assert_no_error (error);

  /* the same bytes again keep their id, in their enterprise only */
  again = store_image (s, 1, bob, image_bytes, sizeof image_bytes, 1500);
  g_assert_cmpint (again, ==, id);
  other = store_image (s, 2, bob, image_bytes, sizeof image_bytes, 1500);
  g_assert_cmpint (other, !=, id);
  g_assert_true (s->images->image_known (s, 1, sha256, &known, &error));
  g_assert_true (known);
  g_assert_true (s->images->image_known (s, 1, "0000", &known, &error));
  g_assert_false (known);
  g_assert_no_error (error);

  /* usage: the enterprise's bytes, and the uploader's (the first) */
  store_image (s, 1, bob, "bob's", 5, 1500);
  g_assert_true (s->images->usage (s, 1, alice, &by_enterprise, &by_user, &error));
  g_assert_no_error (error);
  g_assert_cmpint (by_enterprise, ==, sizeof image_bytes + 5);
  g_assert_cmpint (by_user, ==, sizeof image_bytes);
  g_assert_true (s->images->usage (s, 1, bob, &by_enterprise, &by_user, &error));
  g_assert_cmpint (by_user, ==, 5);
  g_assert_true (s->images->usage (s, 2, alice, &by_enterprise, &by_user, &error));
  g_assert_cmpint (by_enterprise, ==, sizeof image_bytes);
  g_assert_cmpint (by_user, ==, 0);
  g_assert_no_error (error);
}

/* Every column that refers to an image keeps it from the collector, the
 * grace period runs from the upload or from when the last reference
 * went, and a collected id is never given again. */
static void
test_images_collect (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  const KouanStorageEnterprise *e = s->enterprise;
  g_autoptr(GError) error = NULL;
  g_auto(KouanStoredEnterpriseSettings) settings = { 0 };
  g_auto(KouanStoredProfile) profile = { 0 };
  KouanStoredSlide slide = { .caption = (char *) "二期", .link = (char *) "" };
  KouanStoredCertification form = {
    .enterprise_id = 1, .legal_representative = (char *) "王明",
    .licence_number = (char *) "91310000MA1K000001", .contact = (char *) "021-5555 0101",
    .submitted_at = 1000,
  };
  gint64 alice, logo, seal, slide_image, licence, avatar, user_seal, loose, late, fresh,
         slide_id = 0;
  gint64 enterprises[] = { 1 };

  g_assert_true (e->enterprise_open (s, 1, "浦江国际", "91310000MA1K000001", &error));
  g_assert_true (e->enterprise_open (s, 2, "外高桥物流", "91310000MA1K000002", &error));
  g_assert_no_error (error);
  alice = make_user (s, "alice");
  make_member (f, alice, 1);
  logo = store_image (s, 1, alice, "logo", 4, 1000);
  seal = store_image (s, 1, alice, "seal", 4, 1000);
  slide_image = store_image (s, 1, alice, "slide", 5, 1000);
  licence = store_image (s, 1, alice, "licence", 7, 1000);
  avatar = store_image (s, 1, alice, "avatar", 6, 1000);
  user_seal = store_image (s, 1, alice, "user seal", 9, 1000);
  loose = store_image (s, 1, alice, "loose", 5, 1000);
  late = store_image (s, 1, alice, "late", 4, 1000);

  g_assert_true (e->settings_get (s, 1, &settings, &error));
  settings.logo_image = logo;
  settings.seal_image = seal;
  g_assert_true (e->settings_put (s, &settings, &error));
  g_assert_no_error (error);
  slide.image_id = slide_image;
  g_assert_true (e->slide_put (s, 1, &slide, &slide_id, &error));
  g_assert_no_error (error);
  form.licence_image = licence;
  form.submitted_by = alice;
  g_assert_true (s->personal->certification_submit (s, &form, &error));
  g_assert_no_error (error);
  g_assert_true (s->personal->profile_get (s, alice, &profile, &error));
  profile.avatar_image = avatar;
  profile.avatar_enterprise = 1;
  profile.seal_image = user_seal;
  profile.seal_enterprise = 1;
  g_assert_true (s->personal->profile_put (s, &profile, enterprises, 1, &error));
  g_assert_no_error (error);

  /* within the grace period nothing goes; past it, only the image no
   * record refers to (another enterprise's sweep touches none of them) */
  g_assert_cmpint (collect (s, 2, 5000, 4000), ==, 0);
  g_assert_true (image_there (s, 1, loose));
  g_assert_cmpint (collect (s, 1, 1500, 500), ==, 0);
  /* uploaded again meanwhile: its grace starts again */
  g_assert_cmpint (store_image (s, 1, alice, "late", 4, 4500), ==, late);
  g_assert_cmpint (collect (s, 0, 5000, 4000), ==, 1);
  g_assert_false (image_there (s, 1, loose));
  g_assert_true (image_there (s, 1, late));
  g_assert_true (image_there (s, 1, logo));
  g_assert_true (image_there (s, 1, seal));
  g_assert_true (image_there (s, 1, slide_image));
  g_assert_true (image_there (s, 1, licence));
  g_assert_true (image_there (s, 1, avatar));
  g_assert_true (image_there (s, 1, user_seal));

  /* a reference let go: the grace runs from the sweep that saw it go */
  settings.logo_image = 0;
  g_assert_true (e->settings_put (s, &settings, &error));
  g_assert_true (e->slide_delete (s, 1, slide_id, &error));
  profile.avatar_image = 0;
  profile.avatar_enterprise = 0;
  g_assert_true (s->personal->profile_put (s, &profile, enterprises, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (collect (s, 1, 6000, 5900), ==, 1);   /* "late", unreferenced since 4500 */
  g_assert_true (image_there (s, 1, logo));
  g_assert_cmpint (collect (s, 1, 7000, 5999), ==, 0);
  g_assert_cmpint (collect (s, 1, 7000, 6000), ==, 3);
  g_assert_false (image_there (s, 1, logo));
  g_assert_false (image_there (s, 1, slide_image));
  g_assert_false (image_there (s, 1, avatar));
  g_assert_true (image_there (s, 1, seal));
  g_assert_true (image_there (s, 1, licence));
  g_assert_true (image_there (s, 1, user_seal));

  /* the highest id was collected: a new image still takes a new one */
  fresh = store_image (s, 1, alice, "fresh", 5, 8000);
  g_assert_cmpint (fresh, >, late);
  g_assert_cmpint (fresh, >, avatar);
}

/* The demo's slide images are stored through storage, on either backend */
static void
test_images_demo (Fixture *f, gconstpointer data)
{
  KouanStorage *s = f->storage;
  g_autoptr(GError) error = NULL;
  KouanServer server = { 0 };
  gint64 count = 0, next = 0, found = 0;

  g_assert_true (s->enterprise->enterprise_open (s, 1, "浦江国际", "91310000MA1K000001", &error));
  g_assert_no_error (error);
  server.storage = s;
  g_assert_true (kouan_server_enterprise_demo_seed (&server, &error));
  g_assert_no_error (error);
  g_assert_true (s->enterprise->slides_count (s, 1, &count, &next, &error));
  g_assert_cmpint (count, ==, 3);
  /* the slides are the first ids: each one's image is a PNG */
  for (gint64 id = 1; id <= 3; id++)
    {
      g_auto(KouanStoredSlide) slide = { 0 };
      g_auto(KouanStoredImage) image = { 0 };

      g_assert_true (s->enterprise->slide_get (s, 1, id, &slide, &error));
      g_assert_cmpint (slide.id, ==, id);
      g_assert_true (s->images->image_get (s, 1, slide.image_id, TRUE, &image, &error));
      g_assert_no_error (error);
      g_assert_cmpint (image.id, ==, slide.image_id);
      g_assert_cmpstr (image.mime, ==, "image/png");
      g_assert_cmpint (image.width, >, 0);
      g_assert_cmpint (image.size, ==, g_bytes_get_size (image.data));
      g_assert_cmpmem (g_bytes_get_data (image.data, NULL), 4, "\x89PNG", 4);
      found++;
    }
  g_assert_cmpint (found, ==, 3);
}

/* PostgreSQL, two connections: an image whose referrer another
 * connection is writing is neither collected nor waited for, and once
 * that write commits it is kept; two sweeps never run at once. */
static void
test_images_collect_concurrent (void)
{
  g_autofree char *uri = kouan_test_pg_create_db (pg, "images");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStorage) a = kouan_storage_postgres_open (uri, &error);
  g_autoptr(KouanStorage) b = kouan_storage_postgres_open (uri, &error);
  KouanStoredSlide slide = { .caption = (char *) "中欧班列", .link = (char *) "" };
  gint64 image, loose, slide_id = 0;

  g_assert_no_error (error);
  g_assert_true (a->enterprise->enterprise_open (a, 1, "浦江国际", "91310000MA1K000001", &error));
  g_assert_no_error (error);
  image = store_image (a, 1, 0, "slide", 5, 1000);
  loose = store_image (a, 1, 0, "loose", 5, 1000);

  g_assert_true (kouan_storage_begin (a, &error));
  slide.image_id = image;
  g_assert_true (a->enterprise->slide_put (a, 1, &slide, &slide_id, &error));
  g_assert_no_error (error);
  /* A has not committed: B does not see the slide, yet skips its image */
  g_assert_cmpint (collect (b, 1, 5000, 4000), ==, 1);
  g_assert_false (image_there (b, 1, loose));
  g_assert_true (image_there (b, 1, image));
  g_assert_true (kouan_storage_commit (a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (collect (b, 1, 6000, 5000), ==, 0);
  g_assert_true (image_there (b, 1, image));

  /* the slide gone, the image follows after its grace */
  g_assert_true (a->enterprise->slide_delete (a, 1, slide_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (collect (b, 1, 7000, 6000), ==, 0);
  g_assert_cmpint (collect (b, 1, 8000, 7000), ==, 1);
  g_assert_false (image_there (a, 1, image));

  /* one sweep at a time: while A's is open, B's returns at once and
   * deletes nothing; once A's committed, B's runs */
  loose = store_image (a, 1, 0, "loose again", 11, 1000);
  g_assert_true (kouan_storage_begin (a, &error));
  g_assert_cmpint (collect (a, 1, 9000, 0), ==, 0);
  g_assert_cmpint (collect (b, 1, 9000, 8000), ==, 0);
  g_assert_true (image_there (b, 1, loose));
  g_assert_true (kouan_storage_commit (a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (collect (b, 1, 9000, 8000), ==, 1);
  g_assert_false (image_there (b, 1, loose));
}

static void
test_feed_same_record (void)
{
  g_autofree char *uri = kouan_test_pg_create_db (pg, "samerecord");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStorage) a = kouan_storage_postgres_open (uri, &error);
  g_autoptr(KouanStorage) b = kouan_storage_postgres_open (uri, &error);
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));

  g_assert_no_error (error);
  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *first = g_strdup_printf ("{\"v\":%d}", 2 * i);
      g_autofree char *second = g_strdup_printf ("{\"v\":%d}", 2 * i + 1);

      g_assert_true (a->feed->change_record (a, 1, 0, "notes", 7, first, &error));
      g_assert_true (b->feed->change_record (b, 1, 0, "notes", 7, second, &error));
      g_assert_no_error (error);
      page (a, 1, 0, 0, 10, NULL, out);
      g_assert_cmpuint (out->len, ==, 1);
      g_assert_cmpstr (CHANGE (out, 0)->record_json, ==, second);
    }
}

/* Two writers on their own connections: A starts first (its row gets
 * the lower id) but commits after B. A follower that already read B's
 * change must still get A's: 20 rounds, the follower's set equal to
 * every record written. */
static void
test_feed_late_commit (void)
{
  g_autofree char *uri = kouan_test_pg_create_db (pg, "late");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStorage) a = kouan_storage_postgres_open (uri, &error);
  g_autoptr(KouanStorage) b = kouan_storage_postgres_open (uri, &error);
  g_autoptr(KouanStorage) r = kouan_storage_postgres_open (uri, &error);
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 cursor = 0;

  g_assert_no_error (error);
  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  for (gint64 round = 0; round < 20; round++)
    {
      g_assert_true (kouan_storage_begin (a, &error));
      g_assert_true (a->feed->change_record (a, 1, 0, "notes", 1000 + round, "{}", &error));
      g_assert_true (kouan_storage_begin (b, &error));
      g_assert_true (b->feed->change_record (b, 1, 0, "notes", 2000 + round, "{}", &error));
      g_assert_true (kouan_storage_commit (b, &error));
      g_assert_no_error (error);

      for (int pull = 0; pull < 2; pull++)
        {
          page (r, 1, 0, cursor, 100, NULL, out);
          for (guint i = 0; i < out->len; i++)
            {
              g_assert_cmpint (CHANGE (out, i)->seq, >, cursor);
              cursor = CHANGE (out, i)->seq;
              g_hash_table_add (seen, g_memdup2 (&CHANGE (out, i)->record_id, sizeof (gint64)));
            }
          if (pull == 0)
            {
              /* B's change is there, A's is not committed yet */
              g_assert_true (g_hash_table_contains (seen, &(gint64) { 2000 + round }));
              g_assert_false (g_hash_table_contains (seen, &(gint64) { 1000 + round }));
              g_assert_true (kouan_storage_commit (a, &error));
              g_assert_no_error (error);
            }
        }
      g_assert_true (g_hash_table_contains (seen, &(gint64) { 1000 + round }));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 40);
}

typedef struct {
  const char *uri;
  int         writer;
  gint64      count;
  gint        finished;
} Writer;

static gpointer
write_thread (gpointer data)
{
  Writer *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStorage) s = kouan_storage_postgres_open (w->uri, &error);

  g_assert_no_error (error);
  for (gint64 i = 0; i < w->count; i++)
    {
      /* two changes per transaction, so transactions overlap */
      g_assert_true (kouan_storage_begin (s, &error));
      g_assert_true (s->feed->change_record (s, 1, 0, "notes", w->writer * 100000 + 2 * i, "{}", &error));
      g_assert_true (s->feed->change_record (s, 1, 0, "notes", w->writer * 100000 + 2 * i + 1, "{}", &error));
      g_assert_true (kouan_storage_commit (s, &error));
      g_assert_no_error (error);
    }
  g_atomic_int_set (&w->finished, 1);
  return NULL;
}

/* Writers on three connections while a follower pulls all along: in the
 * end it has every record, and no page went backwards. */
static void
test_feed_concurrent (void)
{
  g_autofree char *uri = kouan_test_pg_create_db (pg, "concurrent");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStorage) r = kouan_storage_postgres_open (uri, &error);
  g_autoptr(GArray) out = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  Writer writers[3];
  GThread *threads[3];
  gint64 cursor = 0;

  g_assert_no_error (error);
  g_array_set_clear_func (out, (GDestroyNotify) kouan_stored_change_clear);
  for (int i = 0; i < 3; i++)
    {
      writers[i] = (Writer) { uri, i + 1, 150, 0 };
      threads[i] = g_thread_new ("writer", write_thread, &writers[i]);
    }
  for (;;)
    {
      /* read before pulling: the pull after all writers finished is the
       * last, and sees everything they committed */
      gboolean finished = TRUE;

      for (int i = 0; i < 3; i++)
        finished &= g_atomic_int_get (&writers[i].finished) == 1;
      do
        {
          page (r, 1, 0, cursor, 37, NULL, out);
          for (guint i = 0; i < out->len; i++)
            {
              g_assert_cmpint (CHANGE (out, i)->seq, >, cursor);
              cursor = CHANGE (out, i)->seq;
              g_hash_table_add (seen, g_memdup2 (&CHANGE (out, i)->record_id, sizeof (gint64)));
            }
        }
      while (out->len == 37);
      if (finished)
        break;
    }
  for (int i = 0; i < 3; i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 3 * 150 * 2);
}

/* The doorbell: a change committed through one connection rings on
 * another that listens, once per enterprise; nothing rings before the
 * commit or for a rolled-back change. */
static void
test_doorbell (void)
{
  g_autofree char *uri = kouan_test_pg_create_db (pg, "doorbell");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStorage) w = kouan_storage_postgres_open (uri, &error);
  g_autoptr(KouanStorage) l = kouan_storage_postgres_open (uri, &error);
  g_autoptr(GArray) rung = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *scale = g_getenv ("KOUAN_TEST_TIMEOUT_SCALE");
  /* only catches a hang: a ring that never comes */
  gint timeout_ms = 30000 * (scale != NULL ? MAX (1, atoi (scale)) : 1);
  GPollFD fd = { 0 };

  g_assert_no_error (error);
  g_assert_true (l->feed->doorbell_listen (l, &error));
  g_assert_no_error (error);

  /* rolled back: no ring */
  g_assert_true (kouan_storage_begin (w, &error));
  g_assert_true (w->feed->change_record (w, 5, 0, "notes", 1, "{}", &error));
  kouan_storage_rollback (w);
  /* uncommitted: no ring yet */
  g_assert_true (kouan_storage_begin (w, &error));
  g_assert_true (w->feed->change_record (w, 7, 0, "notes", 1, "{}", &error));
  g_assert_true (w->feed->change_record (w, 7, 0, "notes", 2, "{}", &error));
  g_assert_true (w->feed->change_record (w, 8, 0, "notes", 1, "{}", &error));
  g_assert_true (l->feed->doorbell_take (l, rung, &error));
  g_assert_cmpuint (rung->len, ==, 0);
  g_assert_true (kouan_storage_commit (w, &error));
  g_assert_no_error (error);

  fd.fd = l->feed->doorbell_fd (l);
  fd.events = G_IO_IN;
  while (rung->len < 2)
    {
      g_assert_cmpint (g_poll (&fd, 1, timeout_ms), ==, 1);
      g_assert_true (l->feed->doorbell_take (l, rung, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (rung->len, ==, 2);
  g_assert_cmpint (g_array_index (rung, gint64, 0), ==, 7);
  g_assert_cmpint (g_array_index (rung, gint64, 1), ==, 8);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add ("/storage/sqlite/sessions", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_sessions, fixture_teardown);
  g_test_add ("/storage/sqlite/throttle", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_throttle, fixture_teardown);
  g_test_add ("/storage/sqlite/card", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_card, fixture_teardown);
  g_test_add ("/storage/sqlite/card-binding", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_card_binding, fixture_teardown);
  g_test_add ("/storage/sqlite/mutation-ids", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_mutation_ids, fixture_teardown);
  g_test_add ("/storage/sqlite/feed", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_feed, fixture_teardown);
  g_test_add ("/storage/sqlite/messages", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_messages, fixture_teardown);
  g_test_add ("/storage/sqlite/personal", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_personal, fixture_teardown);
  g_test_add ("/storage/sqlite/personal-enterprises", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_personal_enterprises, fixture_teardown);
  g_test_add ("/storage/sqlite/enterprise-settings", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_enterprise_settings, fixture_teardown);
  g_test_add ("/storage/sqlite/enterprise-showcase", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_enterprise_showcase, fixture_teardown);
  g_test_add ("/storage/sqlite/audit", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_audit, fixture_teardown);
  g_test_add ("/storage/sqlite/insurance-policies", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_insurance_policies, fixture_teardown);
  g_test_add ("/storage/sqlite/insurance-claims", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_insurance_claims, fixture_teardown);
  g_test_add ("/storage/sqlite/insurance-subscriptions", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_insurance_subscriptions, fixture_teardown);
  g_test_add ("/storage/sqlite/insurance-articles", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_insurance_articles, fixture_teardown);
  g_test_add ("/storage/sqlite/insurance-demo", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_insurance_demo, fixture_teardown);
  g_test_add ("/storage/sqlite/people-authz", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_people_authz, fixture_teardown);
  g_test_add ("/storage/sqlite/people-roles-departments", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_people_roles_departments, fixture_teardown);
  g_test_add ("/storage/sqlite/people-join-requests", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_people_join_requests, fixture_teardown);
  g_test_add ("/storage/sqlite/people-grants", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_people_grants, fixture_teardown);
  g_test_add ("/storage/sqlite/images", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_images, fixture_teardown);
  g_test_add ("/storage/sqlite/images-collect", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_images_collect, fixture_teardown);
  g_test_add ("/storage/sqlite/images-demo", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_images_demo, fixture_teardown);

  if (!kouan_test_pg_available ())
    {
      /* the SQLite half runs; the whole test then says it skipped */
      g_printerr ("PostgreSQL server binaries not installed: skipping the PostgreSQL half\n");
      status = g_test_run ();
      return status != 0 ? status : 77;
    }
  g_test_add ("/storage/postgres/sessions", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_sessions, fixture_teardown);
  g_test_add ("/storage/postgres/throttle", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_throttle, fixture_teardown);
  g_test_add ("/storage/postgres/card", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_card, fixture_teardown);
  g_test_add ("/storage/postgres/card-binding", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_card_binding, fixture_teardown);
  g_test_add ("/storage/postgres/mutation-ids", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_mutation_ids, fixture_teardown);
  g_test_add ("/storage/postgres/feed", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_feed, fixture_teardown);
  g_test_add ("/storage/postgres/messages", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_messages, fixture_teardown);
  g_test_add ("/storage/postgres/personal", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_personal, fixture_teardown);
  g_test_add ("/storage/postgres/personal-enterprises", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_personal_enterprises, fixture_teardown);
  g_test_add ("/storage/postgres/enterprise-settings", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_enterprise_settings, fixture_teardown);
  g_test_add ("/storage/postgres/enterprise-showcase", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_enterprise_showcase, fixture_teardown);
  g_test_add ("/storage/postgres/audit", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_audit, fixture_teardown);
  g_test_add ("/storage/postgres/insurance-policies", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_insurance_policies, fixture_teardown);
  g_test_add ("/storage/postgres/insurance-claims", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_insurance_claims, fixture_teardown);
  g_test_add ("/storage/postgres/insurance-subscriptions", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_insurance_subscriptions, fixture_teardown);
  g_test_add ("/storage/postgres/insurance-articles", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_insurance_articles, fixture_teardown);
  g_test_add ("/storage/postgres/insurance-demo", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_insurance_demo, fixture_teardown);
  g_test_add ("/storage/postgres/people-authz", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_people_authz, fixture_teardown);
  g_test_add ("/storage/postgres/people-roles-departments", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_people_roles_departments, fixture_teardown);
  g_test_add ("/storage/postgres/people-join-requests", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_people_join_requests, fixture_teardown);
  g_test_add ("/storage/postgres/people-grants", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_people_grants, fixture_teardown);
  g_test_add ("/storage/postgres/images", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_images, fixture_teardown);
  g_test_add ("/storage/postgres/images-collect", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_images_collect, fixture_teardown);
  g_test_add ("/storage/postgres/images-demo", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_images_demo, fixture_teardown);
  g_test_add_func ("/storage/postgres/images-collect-concurrent", test_images_collect_concurrent);
  g_test_add_func ("/storage/postgres/feed-same-record", test_feed_same_record);
  g_test_add_func ("/storage/postgres/feed-late-commit", test_feed_late_commit);
  g_test_add_func ("/storage/postgres/feed-concurrent", test_feed_concurrent);
  g_test_add_func ("/storage/postgres/doorbell", test_doorbell);

  pg = kouan_test_pg_start ();
  status = g_test_run ();
  kouan_test_pg_free (pg);
  return status;
}
