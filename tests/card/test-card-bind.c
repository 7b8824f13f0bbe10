/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Binding an IC card to the signed-in account, the whole way: the virtual
 * card kouan-vcard in a real pcscd (vsmartcard-vpcd), the client's bind
 * (src/core/kouan-client-cards.c: challenge, PIN, card signature, bind)
 * and a real kouan-server --demo --card-ca card-cas.pem (the ECDSA and the
 * SM2 card CA). */

#include "config.h"

#include <glib/gstdio.h>

#include "kouan-card.h"
#include "kouan-card-fixture.h"
#include "kouan-client.h"
#include "kouan-client-cards.h"
#include "kouan-test-card-keys.h"
#include "kouan-test-server.h"

#define GOOD_PIN "123456"
#define PASSWORD "kouan-demo"

static KouanCardFixture *fixture;
static KouanTestServer *server;

/* A real kouan-server --demo trusting both card CAs. */
static KouanTestServer *
start_server (void)
{
  g_autofree char *ca = kouan_card_fixture_file ("card-cas.pem");
  const char *args[] = { "--demo", "--card-ca", ca, NULL };

  return kouan_test_server_start (args);
}

/* ---- helpers ------------------------------------------------------------ */

/* Bounds a wait that only catches hangs (scaled for slow builds). */
static guint
wait_seconds (void)
{
  return 30 * kouan_test_timeout_scale ();
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) wait_seconds () * G_TIME_SPAN_SECOND;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Plugs in a card holding @cert and @key (fixture names or absolute
 * paths), PIN 123456, @tries tries. */
static void
insert_card (const char *cert,
             const char *key,
             const char *tries)
{
  g_autofree char *cert_path = g_path_is_absolute (cert) ? g_strdup (cert) : kouan_card_fixture_file (cert);
  g_autofree char *key_path = g_path_is_absolute (key) ? g_strdup (key) : kouan_card_fixture_file (key);
  const char *args[] = { "--cert", cert_path, "--key", key_path, "--pin", GOOD_PIN,
                         "--tries", tries, NULL };
  g_autoptr(GError) error = NULL;

  kouan_card_fixture_start_card (fixture, args, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_card_fixture_wait_card (fixture, TRUE));
}

/* A client signed in with the password of @account */
static KouanClient *
sign_in (const char *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanClient) client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KouanSession) session = NULL;

  g_assert_no_error (error);
  kouan_client_login_async (client, account, PASSWORD, NULL, store_result, &result);
  session = kouan_client_login_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

static KouanBoundCard *
bind (KouanClient  *client,
      const char   *pin,
      int          *tries_left,
      GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_client_bind_card_async (client, kouan_card_fixture_get_reader (fixture), pin, NULL,
                                store_result, &result);
  return kouan_client_bind_card_finish (client, wait_result (&result), tries_left, error);
}

static GPtrArray *
list (KouanClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *cards;

  kouan_client_list_cards_async (client, NULL, store_result, &result);
  cards = kouan_client_list_cards_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  return cards;
}

static gboolean
unbind (KouanClient  *client,
        const char   *fingerprint,
        const char   *password,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_client_unbind_card_async (client, fingerprint, password, NULL, store_result, &result);
  return kouan_client_unbind_card_finish (client, wait_result (&result), error);
}

/* Logs in with the card in the reader; the account it opened, or NULL
 * with the server's refusal code in @code. */
static char *
card_login (char **code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanClient) client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_autoptr(GAsyncResult) challenged = NULL;
  g_autoptr(GAsyncResult) signed_result = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(KouanSession) session = NULL;

  kouan_client_card_challenge_async (client, NULL, store_result, &challenged);
  challenge = kouan_client_card_challenge_finish (client, wait_result (&challenged), &error);
  g_assert_no_error (error);
  kouan_card_sign_challenge_async (kouan_card_fixture_get_reader (fixture), GOOD_PIN, challenge,
                                   NULL, store_result, &signed_result);
  signature = kouan_card_sign_challenge_finish (wait_result (&signed_result), &certificate, NULL, &error);
  g_assert_no_error (error);
  kouan_client_card_login_async (client, challenge, certificate, signature, NULL, store_result, &logged_in);
  session = kouan_client_card_login_finish (client, wait_result (&logged_in), &error);
  if (session == NULL)
    {
      *code = g_strdup (kouan_api_error_get_server_code (error));
      return NULL;
    }
  return g_strdup (session->account);
}

static char *
fingerprint_of (const char *cert)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate (cert);

  return kouan_card_certificate_get_fingerprint (der);
}

/* ---- tests -------------------------------------------------------------- */

/* Bind the unbound card to demo-staff, see it listed and log in with it;
 * unbinding needs the right password and ends card logins. */
static void
test_bind_list_unbind (void)
{
  g_autoptr(KouanClient) client = sign_in ("demo-staff");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanBoundCard) card = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autofree char *fingerprint = fingerprint_of ("unbound.pem");
  g_autofree char *account = NULL;
  g_autofree char *code = NULL;
  KouanBoundCard *listed;

  insert_card ("unbound.pem", "unbound-key.pem", "3");
  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 0);
  g_clear_pointer (&cards, g_ptr_array_unref);

  card = bind (client, GOOD_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->fingerprint, ==, fingerprint);
  g_assert_cmpstr (card->holder, ==, "无主持卡人");
  g_assert_nonnull (card->serial);
  g_assert_cmpint (card->not_after, ==, 2366841600);   /* 2045-01-01 */
  g_assert_false (card->expiring);
  /* one VERIFY with the PIN and one signature on the card */
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 1);

  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 1);
  listed = g_ptr_array_index (cards, 0);
  g_assert_cmpstr (listed->fingerprint, ==, fingerprint);
  g_assert_cmpstr (listed->serial, ==, card->serial);
  g_clear_pointer (&cards, g_ptr_array_unref);

  account = card_login (&code);
  g_assert_cmpstr (account, ==, "demo-staff");
  g_clear_pointer (&account, g_free);

  g_assert_false (unbind (client, fingerprint, "wrong-password-1", &error));
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_FORBIDDEN);
  g_assert_cmpstr (kouan_api_error_get_server_code (error), ==, "wrong_password");
  g_clear_error (&error);
  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 1);
  g_clear_pointer (&cards, g_ptr_array_unref);

  g_assert_true (unbind (client, fingerprint, PASSWORD, &error));
  g_assert_no_error (error);
  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 0);
  account = card_login (&code);
  g_assert_null (account);
  g_assert_cmpstr (code, ==, "certificate_unbound");
}

/* A wrong PIN never reaches the server: the card says how many tries are
 * left and nothing is bound. */
static void
test_wrong_pin (void)
{
  g_autoptr(KouanClient) client = sign_in ("demo-staff");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanBoundCard) card = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  int tries_left = -1;

  insert_card ("unbound.pem", "unbound-key.pem", "3");
  card = bind (client, "654321", &tries_left, &error);
  g_assert_null (card);
  g_assert_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_WRONG_PIN);
  g_assert_cmpint (tries_left, ==, 2);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 0);
  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 0);
}

/* demo-admin's card (the demo binds holder.pem to demo-admin) cannot be
 * bound to demo-staff as well. */
static void
test_bound_to_other_account (void)
{
  g_autoptr(KouanClient) client = sign_in ("demo-staff");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanBoundCard) card = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autofree char *account = NULL;
  g_autofree char *code = NULL;

  insert_card ("holder.pem", "holder-key.pem", "3");
  card = bind (client, GOOD_PIN, NULL, &error);
  g_assert_null (card);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_CONFLICT);
  g_assert_cmpstr (kouan_api_error_get_server_code (error), ==, "card_bound_elsewhere");
  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 0);
  /* still demo-admin's */
  account = card_login (&code);
  g_assert_cmpstr (account, ==, "demo-admin");
}

static void
assert_refused (const char *cert,
                const char *key,
                const char *expected_code)
{
  g_autoptr(KouanClient) client = sign_in ("demo-staff");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanBoundCard) card = NULL;
  g_autoptr(GPtrArray) cards = NULL;

  insert_card (cert, key, "3");
  card = bind (client, GOOD_PIN, NULL, &error);
  g_assert_null (card);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_FORBIDDEN);
  g_assert_cmpstr (kouan_api_error_get_server_code (error), ==, expected_code);
  /* the card did sign: it was the server that refused */
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 1);
  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 0);
}

static void
test_expired_certificate (void)
{
  assert_refused ("expired.pem", "expired-key.pem", "certificate_expired");
}

static void
test_other_ca (void)
{
  assert_refused ("other.pem", "other-key.pem", "certificate_untrusted");
}

/* An SM2 card (SM2 over SM3, docs/card-protocol.md "SM2 cards") binds to
 * demo-staff and logs in; the server read its holder, serial and expiry
 * although GnuTLS cannot use its key. */
static void
test_sm2_bind_and_login (void)
{
  g_autoptr(KouanClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanBoundCard) card = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autofree char *fingerprint = fingerprint_of ("sm2-holder.pem");
  g_autofree char *account = NULL;
  g_autofree char *code = NULL;

  /* A fresh server: the refusals above count against this address
   * (KOUAN_LOGIN_MAX_FAILURES), and the SM2 cases below add theirs. */
  kouan_test_server_free (server);
  server = start_server ();
  client = sign_in ("demo-staff");

  insert_card ("sm2-holder.pem", "sm2-holder-key.pem", "3");
  /* not bound yet: the server checked the SM2 signature and chain, then
   * found no account */
  account = card_login (&code);
  g_assert_null (account);
  g_assert_cmpstr (code, ==, "certificate_unbound");
  g_clear_pointer (&code, g_free);

  card = bind (client, GOOD_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->fingerprint, ==, fingerprint);
  g_assert_cmpstr (card->holder, ==, "国密持卡人");
  g_assert_nonnull (card->serial);
  g_assert_cmpint (card->not_after, ==, 2366841600);   /* 2045-01-01 */
  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 1);

  account = card_login (&code);
  g_assert_cmpstr (account, ==, "demo-staff");

  g_assert_true (unbind (client, fingerprint, PASSWORD, &error));
  g_assert_no_error (error);
}

static void
test_sm2_expired_certificate (void)
{
  assert_refused ("sm2-expired.pem", "sm2-expired-key.pem", "certificate_expired");
}

static void
test_sm2_other_ca (void)
{
  assert_refused ("sm2-other.pem", "sm2-other-key.pem", "certificate_untrusted");
}

/* An SM2 certificate with another card's SM2 key in the card: the
 * signature does not match the certificate. */
static void
test_sm2_foreign_key (void)
{
  assert_refused ("sm2-holder.pem", "sm2-other-key.pem", "bad_signature");
}

/* A card whose certificate ends in 10 days binds, and is listed as
 * expiring. The certificate is made now (kouan_test_card_issue) because
 * its dates are relative to today. */
static void
test_expiring_certificate (void)
{
  g_autoptr(KouanClient) client = sign_in ("demo-staff");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanBoundCard) card = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(GBytes) key = NULL;
  gint64 not_after = g_get_real_time () / G_USEC_PER_SEC + 10 * 24 * 3600;
  g_autoptr(GBytes) pem = kouan_test_card_issue ("card-ca.pem", "card-ca-key.pem", "将到期持卡人",
                                                 not_after, &key);
  g_autofree char *dir = g_dir_make_tmp ("kouan-card-bind-XXXXXX", &error);
  g_autofree char *cert_path = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "key.pem", NULL);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (cert_path, g_bytes_get_data (pem, NULL), g_bytes_get_size (pem), &error));
  g_assert_true (g_file_set_contents (key_path, g_bytes_get_data (key, NULL), g_bytes_get_size (key), &error));

  insert_card (cert_path, key_path, "3");
  card = bind (client, GOOD_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->holder, ==, "将到期持卡人");
  g_assert_cmpint (card->not_after, ==, not_after);
  g_assert_true (card->expiring);
  cards = list (client);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_true (((KouanBoundCard *) g_ptr_array_index (cards, 0))->expiring);

  g_assert_true (unbind (client, card->fingerprint, PASSWORD, &error));
  kouan_card_fixture_stop_card (fixture);
  g_unlink (cert_path);
  g_unlink (key_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *missing = kouan_card_fixture_check_requirements ();
  g_autoptr(GError) error = NULL;
  gboolean tap = FALSE;
  int status;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--tap"))
      tap = TRUE;
  g_test_init (&argc, &argv, NULL);

  if (missing != NULL)
    {
      g_print ("1..0 # SKIP %s\n", missing);
      return tap ? 0 : 77;
    }

  fixture = kouan_card_fixture_new (&error);
  g_assert_no_error (error);
  server = start_server ();

  g_test_add_func ("/card-bind/bind-list-unbind", test_bind_list_unbind);
  g_test_add_func ("/card-bind/wrong-pin", test_wrong_pin);
  g_test_add_func ("/card-bind/bound-to-other-account", test_bound_to_other_account);
  g_test_add_func ("/card-bind/expired-certificate", test_expired_certificate);
  g_test_add_func ("/card-bind/other-ca", test_other_ca);
  g_test_add_func ("/card-bind/expiring-certificate", test_expiring_certificate);
  g_test_add_func ("/card-bind/sm2-bind-and-login", test_sm2_bind_and_login);
  g_test_add_func ("/card-bind/sm2-expired-certificate", test_sm2_expired_certificate);
  g_test_add_func ("/card-bind/sm2-other-ca", test_sm2_other_ca);
  g_test_add_func ("/card-bind/sm2-foreign-key", test_sm2_foreign_key);

  status = g_test_run ();
  kouan_test_server_free (server);
  kouan_card_fixture_free (fixture);
  return status;
}
