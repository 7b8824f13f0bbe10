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

/* ---- area 9: the audit log ------------------------------------------- */

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
  g_test_add ("/storage/sqlite/audit", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_SQLITE), fixture_setup, test_audit, fixture_teardown);

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
  g_test_add ("/storage/postgres/audit", Fixture, GINT_TO_POINTER (KOUAN_STORAGE_POSTGRES), fixture_setup, test_audit, fixture_teardown);
  g_test_add_func ("/storage/postgres/feed-same-record", test_feed_same_record);
  g_test_add_func ("/storage/postgres/feed-late-commit", test_feed_late_commit);
  g_test_add_func ("/storage/postgres/feed-concurrent", test_feed_concurrent);
  g_test_add_func ("/storage/postgres/doorbell", test_doorbell);

  pg = kouan_test_pg_start ();
  status = g_test_run ();
  kouan_test_pg_free (pg);
  return status;
}
