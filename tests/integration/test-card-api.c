/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-server's card login routes (docs/api.md, "IC card login") against a
 * real server process. The card is played by the fixture keys of
 * tests/card/, signing exactly what the card signs (docs/card-protocol.md);
 * the card itself over pcscd is tested in tests/card/. Each test starts its
 * own server: failed attempts count towards the throttle. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "kouan-card.h"
#include "kouan-test-card-keys.h"
#include "kouan-json.h"
#include "kouan-test-server.h"

typedef struct {
  KouanTestServer *server;
} Fixture;

static guint
request (Fixture     *f,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         JsonObject **out)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (f->server), path, NULL);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  status = kouan_test_http (method, url, token, body, body != NULL ? strlen (body) : 0, &reply);
  *out = NULL;
  if (reply != NULL && g_bytes_get_size (reply) > 0)
    {
      *out = kouan_json_parse_object (g_bytes_get_data (reply, NULL),
                                      g_bytes_get_size (reply), &error);
      g_assert_no_error (error);
    }
  return status;
}

static const char *
error_code (JsonObject *reply)
{
  g_assert_nonnull (reply);
  g_assert_true (json_object_has_member (reply, "error"));
  return json_object_get_string_member (json_object_get_object_member (reply, "error"), "code");
}

static void
start (Fixture            *f,
       const char * const *extra)
{
  f->server = kouan_test_server_start (extra);
}

static void
start_demo (Fixture *f)
{
  g_autofree char *ca = kouan_test_card_fixture_path ("card-ca.pem");
  const char *args[] = { "--demo", "--card-ca", ca, NULL };

  start (f, args);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, kouan_test_server_free);
}

/* A fresh challenge; returns it decoded, @out_b64 the text form. */
static GBytes *
get_challenge_ttl (Fixture *f,
                   gint64   ttl)
{
  g_autoptr(JsonObject) reply = NULL;
  const char *text;
  guchar *data;
  gsize length;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpuint (request (f, "POST", "/api/v1/session/card-challenge", NULL, "{}", &reply), ==, 200);
  text = json_object_get_string_member (reply, "challenge");
  g_assert_nonnull (text);
  data = g_base64_decode (text, &length);
  g_assert_cmpuint (length, ==, 32);
  /* Give or take the test's own clock reads. */
  g_assert_cmpint (json_object_get_int_member (reply, "expires_at"), >=, now + ttl - 1);
  g_assert_cmpint (json_object_get_int_member (reply, "expires_at"), <=, now + ttl + 5);
  return g_bytes_new_take (data, length);
}

/* A fresh challenge, which lasts two minutes. */
static GBytes *
get_challenge (Fixture *f)
{
  return get_challenge_ttl (f, 120);
}

static char *
login_body (GBytes *challenge,
            GBytes *certificate,
            GBytes *signature)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *c = g_base64_encode (g_bytes_get_data (challenge, NULL), g_bytes_get_size (challenge));
  g_autofree char *d = g_base64_encode (g_bytes_get_data (certificate, NULL), g_bytes_get_size (certificate));
  g_autofree char *s = g_base64_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));

  json_object_set_string_member (body, "challenge", c);
  json_object_set_string_member (body, "certificate", d);
  json_object_set_string_member (body, "signature", s);
  return kouan_json_object_to_string (body);
}

/* Signs @challenge with @key and posts it with @cert. */
static guint
card_login (Fixture     *f,
            GBytes      *challenge,
            const char  *cert,
            const char  *key,
            JsonObject **out)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate (cert);
  g_autoptr(GBytes) signature = kouan_test_card_sign (key, challenge);
  g_autofree char *body = login_body (challenge, der, signature);

  return request (f, "POST", "/api/v1/session/card", NULL, body, out);
}

static void
assert_refused (Fixture    *f,
                GBytes     *challenge,
                const char *cert,
                const char *key,
                const char *expected_code)
{
  g_autoptr(JsonObject) reply = NULL;

  g_assert_cmpuint (card_login (f, challenge, cert, key, &reply), ==, 401);
  g_assert_cmpstr (error_code (reply), ==, expected_code);
  g_assert_false (json_object_has_member (reply, "token"));
}

static void
test_good_card (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) session = NULL;
  const char *token;

  start_demo (f);
  challenge = get_challenge (f);
  g_assert_cmpuint (card_login (f, challenge, "holder.pem", "holder-key.pem", &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (reply, "method"), ==, "card");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "user"),
                                                  "account"), ==, "demo-admin");
  token = json_object_get_string_member (reply, "token");
  g_assert_nonnull (token);

  /* The session remembers how it was opened. */
  g_assert_cmpuint (request (f, "GET", "/api/v1/session", token, NULL, &session), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (session, "method"), ==, "card");

  /* A password session still says password. */
  {
    g_autofree char *password_token = kouan_test_login (f->server, "demo-admin", "kouan-demo");
    g_autoptr(JsonObject) other = NULL;

    g_assert_cmpuint (request (f, "GET", "/api/v1/session", password_token, NULL, &other), ==, 200);
    g_assert_cmpstr (json_object_get_string_member (other, "method"), ==, "password");
  }
}

/* --demo alone trusts the demo card CA: the server's embedded copies of the
 * CA and the holder's fingerprint match the fixtures. */
static void
test_demo_defaults (Fixture       *f,
                    gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("holder.pem");
  g_autofree char *fingerprint = kouan_card_certificate_get_fingerprint (der);

  g_assert_cmpstr (fingerprint, ==, "48bee51eced335e69eb7e4446e95f17d97b8bd09b5f56813ab7c3fb05d3727dc");
  start (f, args);
  challenge = get_challenge (f);
  g_assert_cmpuint (card_login (f, challenge, "holder.pem", "holder-key.pem", &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (reply, "method"), ==, "card");
}

static void
test_no_card_ca (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;

  start (f, NULL);
  g_assert_cmpuint (request (f, "POST", "/api/v1/session/card-challenge", NULL, "{}", &reply), ==, 503);
  g_assert_cmpstr (error_code (reply), ==, "card_login_unavailable");
}

static void
test_tampered_signature (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *body = NULL;
  guint8 *bytes;
  gsize size;

  start_demo (f);
  challenge = get_challenge (f);
  signature = kouan_test_card_sign ("holder-key.pem", challenge);
  /* Flip a bit in the last byte of s: still a well-formed DER signature,
   * just not the right one. */
  bytes = g_bytes_unref_to_data (g_steal_pointer (&signature), &size);
  bytes[size - 1] ^= 0x01;
  tampered = g_bytes_new_take (bytes, size);
  body = login_body (challenge, der, tampered);
  g_assert_cmpuint (request (f, "POST", "/api/v1/session/card", NULL, body, &reply), ==, 401);
  g_assert_cmpstr (error_code (reply), ==, "bad_signature");

  /* A signature over another challenge is just as bad. */
  {
    g_autoptr(GBytes) fresh = get_challenge (f);
    g_autoptr(GBytes) old_signature = kouan_test_card_sign ("holder-key.pem", challenge);
    g_autoptr(JsonObject) again = NULL;
    g_autofree char *mixed = login_body (fresh, der, old_signature);

    g_assert_cmpuint (request (f, "POST", "/api/v1/session/card", NULL, mixed, &again), ==, 401);
    g_assert_cmpstr (error_code (again), ==, "bad_signature");
  }
}

static void
test_replayed_challenge (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(JsonObject) reply = NULL;

  start_demo (f);
  challenge = get_challenge (f);
  g_assert_cmpuint (card_login (f, challenge, "holder.pem", "holder-key.pem", &reply), ==, 200);
  /* The very same, valid answer a second time. */
  assert_refused (f, challenge, "holder.pem", "holder-key.pem", "challenge_used");
}

static void
test_unknown_challenge (Fixture       *f,
                        gconstpointer  data)
{
  const guint8 made_up[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  g_autoptr(GBytes) challenge = g_bytes_new (made_up, sizeof made_up);

  start_demo (f);
  assert_refused (f, challenge, "holder.pem", "holder-key.pem", "challenge_unknown");
}

static void
test_expired_challenge (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *ca = kouan_test_card_fixture_path ("card-ca.pem");
  const char *args[] = { "--demo", "--card-ca", ca, "--card-challenge-ttl", "1", NULL };
  g_autoptr(GBytes) challenge = NULL;

  start (f, args);
  challenge = get_challenge_ttl (f, 1);
  g_usleep (2100 * 1000);
  assert_refused (f, challenge, "holder.pem", "holder-key.pem", "challenge_expired");
  /* Presented once, it is used up too. */
  assert_refused (f, challenge, "holder.pem", "holder-key.pem", "challenge_used");
}

static void
test_other_ca (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GBytes) challenge = NULL;

  start_demo (f);
  challenge = get_challenge (f);
  assert_refused (f, challenge, "other.pem", "other-key.pem", "certificate_untrusted");
}

static void
test_expired_certificate (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) challenge = NULL;

  start_demo (f);
  challenge = get_challenge (f);
  assert_refused (f, challenge, "expired.pem", "expired-key.pem", "certificate_expired");
}

static void
test_unbound_certificate (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) challenge = NULL;

  start_demo (f);
  challenge = get_challenge (f);
  assert_refused (f, challenge, "unbound.pem", "unbound-key.pem", "certificate_unbound");
}

static void
test_malformed_request (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(JsonObject) method = NULL;

  start_demo (f);
  g_assert_cmpuint (request (f, "POST", "/api/v1/session/card", NULL,
                             "{\"challenge\": \"@@@@\", \"certificate\": \"AAAA\", \"signature\": \"AAAA\"}",
                             &reply), ==, 400);
  g_assert_cmpstr (error_code (reply), ==, "invalid_field");
  g_assert_cmpuint (request (f, "POST", "/api/v1/session/card", NULL, "{\"challenge\": \"AAAA\"}",
                             &missing), ==, 400);
  g_assert_cmpstr (error_code (missing), ==, "invalid_field");
  g_assert_cmpuint (request (f, "GET", "/api/v1/session/card-challenge", NULL, NULL, &method), ==, 405);
}

/* Five failures from one address in the window: the sixth attempt, even
 * with a good card, gets 429 and is not looked at. */
static void
test_throttled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) good = NULL;
  g_autoptr(JsonObject) reply = NULL;

  start_demo (f);
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(GBytes) challenge = get_challenge (f);

      assert_refused (f, challenge, "unbound.pem", "unbound-key.pem", "certificate_unbound");
    }
  good = get_challenge (f);
  g_assert_cmpuint (card_login (f, good, "holder.pem", "holder-key.pem", &reply), ==, 429);
  g_assert_cmpstr (error_code (reply), ==, "too_many_requests");
}

/* --card-ca must name a CA certificate: anything else is refused at
 * start, not by refusing every card later. */
static void
test_bad_card_ca (Fixture       *f,
                  gconstpointer  data)
{
  const char *names[] = { "holder.pem", "README.md" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = kouan_test_card_fixture_path (names[i]);
      g_autofree char *dir = g_dir_make_tmp ("kouan-card-ca-XXXXXX", NULL);
      g_autofree char *db = g_build_filename (dir, "server.db", NULL);
      const char *argv[] = { g_getenv ("KOUAN_SERVER_PATH"), "--db", db, "--listen", "127.0.0.1:0",
                             "--card-ca", path, NULL };
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      int status = 0;

      g_assert_nonnull (argv[0]);
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, &err, &status, &error);
      g_assert_no_error (error);
      g_assert_false (g_spawn_check_wait_status (status, &error));
      g_assert_error (error, G_SPAWN_EXIT_ERROR, 2);
      g_assert_nonnull (strstr (err, "--card-ca"));
      g_remove (db);
      g_rmdir (dir);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/card-api/" name, Fixture, NULL, NULL, fn, fixture_tear_down)
  ADD ("good-card", test_good_card);
  ADD ("demo-defaults", test_demo_defaults);
  ADD ("no-card-ca", test_no_card_ca);
  ADD ("bad-card-ca", test_bad_card_ca);
  ADD ("tampered-signature", test_tampered_signature);
  ADD ("replayed-challenge", test_replayed_challenge);
  ADD ("unknown-challenge", test_unknown_challenge);
  ADD ("expired-challenge", test_expired_challenge);
  ADD ("other-ca", test_other_ca);
  ADD ("expired-certificate", test_expired_certificate);
  ADD ("unbound-certificate", test_unbound_certificate);
  ADD ("malformed-request", test_malformed_request);
  ADD ("throttled", test_throttled);
#undef ADD

  return g_test_run ();
}
