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

/* ---- binding a card to the signed-in account ------------------------- */

/* Signs a fresh challenge with @key_pem and posts it to @path as @token,
 * with @fingerprint (nullable) for an unbind. */
static guint
card_proof_post (Fixture     *f,
                 const char  *path,
                 const char  *token,
                 GBytes      *cert_der,
                 GBytes      *key_pem,
                 const char  *fingerprint,
                 JsonObject **out)
{
  g_autoptr(GBytes) challenge = get_challenge (f);
  g_autoptr(GBytes) signature = kouan_test_card_sign_with_key (key_pem, challenge);
  g_autofree char *proof = login_body (challenge, cert_der, signature);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  body = kouan_json_parse_object (proof, strlen (proof), &error);
  g_assert_no_error (error);
  if (fingerprint != NULL)
    json_object_set_string_member (body, "fingerprint", fingerprint);
  text = kouan_json_object_to_string (body);
  return request (f, "POST", path, token, text, out);
}

static guint
bind_fixture (Fixture     *f,
              const char  *token,
              const char  *cert,
              const char  *key,
              JsonObject **out)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate (cert);
  g_autoptr(GBytes) key_pem = kouan_test_card_load_file (key);

  return card_proof_post (f, "/api/v1/account/cards", token, der, key_pem, NULL, out);
}

static JsonArray *
list_cards (Fixture    *f,
            const char *token)
{
  g_autoptr(JsonObject) reply = NULL;

  g_assert_cmpuint (request (f, "GET", "/api/v1/account/cards", token, NULL, &reply), ==, 200);
  return json_array_ref (json_object_get_array_member (reply, "cards"));
}

static guint
unbind_with_password (Fixture     *f,
                      const char  *token,
                      const char  *fingerprint,
                      const char  *password,
                      JsonObject **out)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *text = NULL;

  json_object_set_string_member (body, "fingerprint", fingerprint);
  json_object_set_string_member (body, "password", password);
  text = kouan_json_object_to_string (body);
  return request (f, "POST", "/api/v1/account/cards/unbind", token, text, out);
}

/* demo-staff binds the unbound card, logs in with it, cannot bind
 * demo-admin's card, another CA's or an expired one, and unbinds it with
 * the password (not with a wrong one). */
static void
test_bind_unbind (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("unbound.pem");
  g_autofree char *fingerprint = kouan_card_certificate_get_fingerprint (der);
  g_autoptr(JsonArray) cards = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *card;

  start_demo (f);
  token = kouan_test_login (f->server, "demo-staff", "kouan-demo");
  cards = list_cards (f, token);
  g_assert_cmpuint (json_array_get_length (cards), ==, 0);
  g_clear_pointer (&cards, json_array_unref);

  g_assert_cmpuint (bind_fixture (f, token, "unbound.pem", "unbound-key.pem", &reply), ==, 201);
  g_assert_cmpstr (json_object_get_string_member (reply, "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (json_object_get_string_member (reply, "holder"), ==, "无主持卡人");
  g_assert_nonnull (json_object_get_string_member (reply, "serial"));
  g_assert_cmpint (json_object_get_int_member (reply, "not_after"), ==, 2366841600);  /* 2045-01-01 */
  g_assert_false (json_object_get_boolean_member (reply, "expiring"));
  g_clear_pointer (&reply, json_object_unref);
  /* binding it again changes nothing */
  g_assert_cmpuint (bind_fixture (f, token, "unbound.pem", "unbound-key.pem", &reply), ==, 200);
  g_clear_pointer (&reply, json_object_unref);

  cards = list_cards (f, token);
  g_assert_cmpuint (json_array_get_length (cards), ==, 1);
  card = json_array_get_object_element (cards, 0);
  g_assert_cmpstr (json_object_get_string_member (card, "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (json_object_get_string_member (card, "holder"), ==, "无主持卡人");
  g_clear_pointer (&cards, json_array_unref);

  /* the card now logs its holder in */
  {
    g_autoptr(GBytes) challenge = get_challenge (f);

    g_assert_cmpuint (card_login (f, challenge, "unbound.pem", "unbound-key.pem", &reply), ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "user"),
                                                    "account"), ==, "demo-staff");
    g_clear_pointer (&reply, json_object_unref);
  }

  /* demo-admin's card, another CA's, an expired one */
  g_assert_cmpuint (bind_fixture (f, token, "holder.pem", "holder-key.pem", &reply), ==, 409);
  g_assert_cmpstr (error_code (reply), ==, "card_bound_elsewhere");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (bind_fixture (f, token, "other.pem", "other-key.pem", &reply), ==, 403);
  g_assert_cmpstr (error_code (reply), ==, "certificate_untrusted");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (bind_fixture (f, token, "expired.pem", "expired-key.pem", &reply), ==, 403);
  g_assert_cmpstr (error_code (reply), ==, "certificate_expired");
  g_clear_pointer (&reply, json_object_unref);
  /* a signature by another key than the certificate's */
  {
    g_autoptr(GBytes) holder = kouan_test_card_load_certificate ("unbound.pem");
    g_autoptr(GBytes) other_key = kouan_test_card_load_file ("other-key.pem");

    g_assert_cmpuint (card_proof_post (f, "/api/v1/account/cards", token, holder, other_key,
                                       NULL, &reply), ==, 403);
    g_assert_cmpstr (error_code (reply), ==, "bad_signature");
    g_clear_pointer (&reply, json_object_unref);
  }
  cards = list_cards (f, token);
  g_assert_cmpuint (json_array_get_length (cards), ==, 1);
  g_clear_pointer (&cards, json_array_unref);

  /* unbinding: a wrong password, someone else's card, then the right way */
  g_assert_cmpuint (unbind_with_password (f, token, fingerprint, "not-the-password", &reply), ==, 403);
  g_assert_cmpstr (error_code (reply), ==, "wrong_password");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (unbind_with_password (f, token,
                                          "48bee51eced335e69eb7e4446e95f17d97b8bd09b5f56813ab7c3fb05d3727dc",
                                          "kouan-demo", &reply), ==, 404);
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (unbind_with_password (f, token, fingerprint, "kouan-demo", &reply), ==, 204);
  cards = list_cards (f, token);
  g_assert_cmpuint (json_array_get_length (cards), ==, 0);
  {
    g_autoptr(GBytes) challenge = get_challenge (f);

    assert_refused (f, challenge, "unbound.pem", "unbound-key.pem", "certificate_unbound");
  }

  /* both are in the audit log of demo-staff's enterprise, once each */
  {
    g_autofree char *admin = kouan_test_login (f->server, "demo-admin", "kouan-demo");
    g_autoptr(JsonObject) audit = NULL;
    JsonArray *items;
    JsonObject *item;

    g_assert_cmpuint (request (f, "GET", "/api/v1/enterprises/1/audit?action=card.", admin, NULL,
                               &audit), ==, 200);
    items = json_object_get_array_member (audit, "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 2);
    item = json_array_get_object_element (items, 0);
    g_assert_cmpstr (json_object_get_string_member (item, "action"), ==, "card.unbind");
    g_assert_cmpstr (json_object_get_string_member (item, "account"), ==, "demo-staff");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "before"),
                                                    "fingerprint"), ==, fingerprint);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "before"),
                                                    "confirmed_by"), ==, "password");
    item = json_array_get_object_element (items, 1);
    g_assert_cmpstr (json_object_get_string_member (item, "action"), ==, "card.bind");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "after"),
                                                    "holder"), ==, "无主持卡人");
  }
}

/* Unbinding with a fresh signature of the card instead of the password:
 * only the card being unbound may sign. */
static void
test_unbind_by_card (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("unbound.pem");
  g_autoptr(GBytes) key = kouan_test_card_load_file ("unbound-key.pem");
  g_autoptr(GBytes) holder = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) holder_key = kouan_test_card_load_file ("holder-key.pem");
  g_autofree char *fingerprint = kouan_card_certificate_get_fingerprint (der);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonArray) cards = NULL;

  start_demo (f);
  token = kouan_test_login (f->server, "demo-staff", "kouan-demo");
  g_assert_cmpuint (bind_fixture (f, token, "unbound.pem", "unbound-key.pem", &reply), ==, 201);
  g_clear_pointer (&reply, json_object_unref);

  g_assert_cmpuint (card_proof_post (f, "/api/v1/account/cards/unbind", token, holder, holder_key,
                                     fingerprint, &reply), ==, 403);
  g_assert_cmpstr (error_code (reply), ==, "card_mismatch");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (request (f, "POST", "/api/v1/account/cards/unbind", token,
                             "{\"fingerprint\": \"abc\", \"password\": \"kouan-demo\"}", &reply), ==, 400);
  g_clear_pointer (&reply, json_object_unref);

  g_assert_cmpuint (card_proof_post (f, "/api/v1/account/cards/unbind", token, der, key,
                                     fingerprint, &reply), ==, 204);
  cards = list_cards (f, token);
  g_assert_cmpuint (json_array_get_length (cards), ==, 0);
}

/* The messages of @eid's feed after *@cursor that are card expiry
 * warnings, as @token sees them; advances *@cursor. */
static guint
count_card_warnings (Fixture    *f,
                     const char *token,
                     gint64      eid,
                     gint64     *cursor)
{
  guint count = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT
                                               "/changes?since=%" G_GINT64_FORMAT "&limit=1000",
                                               eid, *cursor);
      g_autoptr(JsonObject) page = NULL;
      JsonArray *changes;

      g_assert_cmpuint (request (f, "GET", path, token, NULL, &page), ==, 200);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          JsonObject *record;

          if (g_strcmp0 (json_object_get_string_member (change, "collection"), "messages") != 0 ||
              !json_object_has_member (change, "record"))
            continue;
          record = json_object_get_object_member (change, "record");
          if (g_str_equal (json_object_get_string_member (record, "kind"), "warning") &&
              g_str_has_prefix (json_object_get_string_member (record, "title"), "IC卡证书即将到期"))
            count++;
        }
      *cursor = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  return count;
}

/* A card expiring in 10 days is listed as expiring and announced once, to
 * its holder only. */
static void
test_expiring_card (Fixture       *f,
                    gconstpointer  data)
{
  gint64 not_after = g_get_real_time () / G_USEC_PER_SEC + 10 * 24 * 3600;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) pem = kouan_test_card_issue ("card-ca.pem", "card-ca-key.pem", "将到期持卡人",
                                                 not_after, &key);
  g_autoptr(GBytes) der = kouan_test_card_pem_to_der (pem);
  g_autoptr(JsonObject) login = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonArray) cards = NULL;
  g_autofree char *admin = NULL;
  const char *token;
  gint64 eid, staff_cursor = 0, admin_cursor = 0;

  start_demo (f);
  g_assert_cmpuint (request (f, "POST", "/api/v1/session", NULL,
                             "{\"account\": \"demo-staff\", \"password\": \"kouan-demo\"}", &login), ==, 200);
  token = json_object_get_string_member (login, "token");
  eid = json_object_get_int_member (json_object_get_object_member (
          json_array_get_object_element (json_object_get_array_member (login, "memberships"), 0),
          "enterprise"), "id");
  admin = kouan_test_login (f->server, "demo-admin", "kouan-demo");
  g_assert_cmpuint (count_card_warnings (f, token, eid, &staff_cursor), ==, 0);
  g_assert_cmpuint (count_card_warnings (f, admin, eid, &admin_cursor), ==, 0);

  g_assert_cmpuint (card_proof_post (f, "/api/v1/account/cards", token, der, key, NULL, &reply), ==, 201);
  g_assert_true (json_object_get_boolean_member (reply, "expiring"));
  g_assert_cmpint (json_object_get_int_member (reply, "not_after"), ==, not_after);
  cards = list_cards (f, token);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (cards, 0), "expiring"));

  g_assert_cmpuint (count_card_warnings (f, token, eid, &staff_cursor), ==, 1);
  g_assert_cmpuint (count_card_warnings (f, admin, eid, &admin_cursor), ==, 0);
  /* binding it again does not announce it again */
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (card_proof_post (f, "/api/v1/account/cards", token, der, key, NULL, &reply), ==, 200);
  g_assert_cmpuint (count_card_warnings (f, token, eid, &staff_cursor), ==, 0);
}

/* The changes of @collection in @eid's feed for @token, from the start:
 * the last record of @record_id (NULL when none or a tombstone). */
static JsonObject *
feed_record (Fixture    *f,
             const char *token,
             gint64      eid,
             const char *collection,
             gint64      record_id)
{
  JsonObject *found = NULL;
  gint64 cursor = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT
                                               "/changes?since=%" G_GINT64_FORMAT "&limit=1000",
                                               eid, cursor);
      g_autoptr(JsonObject) page = NULL;
      JsonArray *changes;

      g_assert_cmpuint (request (f, "GET", path, token, NULL, &page), ==, 200);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (g_strcmp0 (json_object_get_string_member (change, "collection"), collection) != 0 ||
              json_object_get_int_member (change, "id") != record_id)
            continue;
          g_clear_pointer (&found, json_object_unref);
          if (json_object_has_member (change, "record") &&
              !json_node_is_null (json_object_get_member (change, "record")))
            found = json_object_ref (json_object_get_object_member (change, "record"));
        }
      cursor = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  return found;
}

/* How many messages titled @title are in @eid's feed for @token. */
static guint
count_messages (Fixture    *f,
                const char *token,
                gint64      eid,
                const char *title)
{
  guint count = 0;
  gint64 cursor = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT
                                               "/changes?since=%" G_GINT64_FORMAT "&limit=1000",
                                               eid, cursor);
      g_autoptr(JsonObject) page = NULL;
      JsonArray *changes;

      g_assert_cmpuint (request (f, "GET", path, token, NULL, &page), ==, 200);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          JsonObject *record;

          if (g_strcmp0 (json_object_get_string_member (change, "collection"), "messages") != 0 ||
              !json_object_has_member (change, "record") ||
              json_node_is_null (json_object_get_member (change, "record")))
            continue;
          record = json_object_get_object_member (change, "record");
          if (g_strcmp0 (json_object_get_string_member (record, "title"), title) == 0)
            {
              /* as the client's codec reads it: a notice has no severity */
              g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "notice");
              g_assert_true (json_node_is_null (json_object_get_member (record, "severity")));
              count++;
            }
        }
      cursor = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  return count;
}

static gint64
session_user_id (Fixture    *f,
                 const char *token)
{
  g_autoptr(JsonObject) session = NULL;

  g_assert_cmpuint (request (f, "GET", "/api/v1/session", token, NULL, &session), ==, 200);
  return json_object_get_int_member (json_object_get_object_member (session, "user"), "id");
}

#define REVOKE_NOTICE "您的IC卡绑定已被管理员解除"

/* An administrator sees a member's card in the member record and by
 * route, and revokes it (issue 17): only with admin.staff:manage, only
 * for members of that enterprise; audited, the member told, their card
 * sessions ended and their password sessions kept. */
static void
test_admin_revoke (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("unbound.pem");
  g_autofree char *fingerprint = kouan_card_certificate_get_fingerprint (der);
  g_autofree char *staff = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *staff_cards = NULL;
  g_autofree char *revoke = NULL;
  g_autofree char *card_token = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonArray) cards = NULL;
  JsonArray *items;
  JsonObject *item;
  gint64 staff_id, admin_id;

  start_demo (f);
  staff = kouan_test_login (f->server, "demo-staff", "kouan-demo");
  admin = kouan_test_login (f->server, "demo-admin", "kouan-demo");
  staff_id = session_user_id (f, staff);
  admin_id = session_user_id (f, admin);
  g_assert_cmpuint (bind_fixture (f, staff, "unbound.pem", "unbound-key.pem", &reply), ==, 201);
  g_clear_pointer (&reply, json_object_unref);
  {
    g_autoptr(GBytes) challenge = get_challenge (f);

    g_assert_cmpuint (card_login (f, challenge, "unbound.pem", "unbound-key.pem", &reply), ==, 200);
    card_token = g_strdup (json_object_get_string_member (reply, "token"));
    g_clear_pointer (&reply, json_object_unref);
  }

  /* the administrator's member record of demo-staff carries the card */
  record = feed_record (f, admin, 1, "members", staff_id);
  g_assert_nonnull (record);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (record, "cards")), ==, 1);
  item = json_array_get_object_element (json_object_get_array_member (record, "cards"), 0);
  g_assert_cmpstr (json_object_get_string_member (item, "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (json_object_get_string_member (item, "holder"), ==, "无主持卡人");
  g_assert_cmpint (json_object_get_int_member (item, "not_after"), ==, 2366841600);
  g_clear_pointer (&record, json_object_unref);
  /* and so does demo-admin's, in both of demo-admin's enterprises (the demo card) */
  record = feed_record (f, admin, 2, "members", admin_id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (record, "cards")), ==, 1);
  g_clear_pointer (&record, json_object_unref);

  /* by route */
  staff_cards = g_strdup_printf ("/api/v1/enterprises/1/staff/%" G_GINT64_FORMAT "/cards", staff_id);
  g_assert_cmpuint (request (f, "GET", staff_cards, admin, NULL, &reply), ==, 200);
  items = json_object_get_array_member (reply, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "serial"),
                   !=, NULL);
  g_clear_pointer (&reply, json_object_unref);

  /* refusals: a member without admin.staff (403), another enterprise's
   * administrator (demo-staff is not in enterprise 2: 404), a malformed
   * or unknown fingerprint */
  revoke = g_strdup_printf ("%s?fingerprint=%s", staff_cards, fingerprint);
  g_assert_cmpuint (request (f, "DELETE", revoke, staff, NULL, &reply), ==, 403);
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (request (f, "GET", staff_cards, staff, NULL, &reply), ==, 403);
  g_clear_pointer (&reply, json_object_unref);
  {
    g_autofree char *elsewhere = g_strdup_printf ("/api/v1/enterprises/2/staff/%" G_GINT64_FORMAT
                                                  "/cards?fingerprint=%s", staff_id, fingerprint);
    g_autofree char *bad = g_strdup_printf ("%s?fingerprint=ABC", staff_cards);
    g_autofree char *unknown = g_strdup_printf ("%s?fingerprint=%064d", staff_cards, 0);

    g_assert_cmpuint (request (f, "DELETE", elsewhere, admin, NULL, &reply), ==, 404);
    g_clear_pointer (&reply, json_object_unref);
    g_assert_cmpuint (request (f, "DELETE", bad, admin, NULL, &reply), ==, 400);
    g_assert_cmpstr (error_code (reply), ==, "invalid_query");
    g_clear_pointer (&reply, json_object_unref);
    g_assert_cmpuint (request (f, "DELETE", unknown, admin, NULL, &reply), ==, 404);
    g_clear_pointer (&reply, json_object_unref);
  }
  cards = list_cards (f, staff);
  g_assert_cmpuint (json_array_get_length (cards), ==, 1);
  g_clear_pointer (&cards, json_array_unref);
  g_assert_cmpuint (count_messages (f, staff, 1, REVOKE_NOTICE), ==, 0);

  /* the revocation */
  g_assert_cmpuint (request (f, "DELETE", revoke, admin, NULL, &reply), ==, 204);
  cards = list_cards (f, staff);
  g_assert_cmpuint (json_array_get_length (cards), ==, 0);
  g_clear_pointer (&cards, json_array_unref);
  g_assert_cmpuint (request (f, "DELETE", revoke, admin, NULL, &reply), ==, 404);
  g_clear_pointer (&reply, json_object_unref);
  /* the card session ended, the password session did not */
  g_assert_cmpuint (request (f, "GET", "/api/v1/session", card_token, NULL, &reply), ==, 401);
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (request (f, "GET", "/api/v1/session", staff, NULL, &reply), ==, 200);
  g_clear_pointer (&reply, json_object_unref);
  /* the card no longer logs in */
  {
    g_autoptr(GBytes) challenge = get_challenge (f);

    assert_refused (f, challenge, "unbound.pem", "unbound-key.pem", "certificate_unbound");
  }
  /* the member record shows no card */
  record = feed_record (f, admin, 1, "members", staff_id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (record, "cards")), ==, 0);
  g_clear_pointer (&record, json_object_unref);
  /* the notice is the member's alone */
  g_assert_cmpuint (count_messages (f, staff, 1, REVOKE_NOTICE), ==, 1);
  g_assert_cmpuint (count_messages (f, admin, 1, REVOKE_NOTICE), ==, 0);
  /* audited in enterprise 1, by the administrator */
  g_assert_cmpuint (request (f, "GET", "/api/v1/enterprises/1/audit?action=card.revoke", admin, NULL,
                             &reply), ==, 200);
  items = json_object_get_array_member (reply, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  item = json_array_get_object_element (items, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "account"), ==, "demo-admin");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "before"),
                                                  "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "before"),
                                                  "account"), ==, "demo-staff");
  g_clear_pointer (&reply, json_object_unref);

  /* the same through the members mutation the app sends: bound again,
   * revoked by "revoke_cards"; a card already gone is skipped */
  g_assert_cmpuint (bind_fixture (f, staff, "unbound.pem", "unbound-key.pem", &reply), ==, 201);
  g_clear_pointer (&reply, json_object_unref);
  {
    g_autofree char *body = g_strdup_printf (
      "{\"mutations\": ["
      "{\"id\": \"revoke-1\", \"collection\": \"members\", \"op\": \"update\", \"record_id\": %"
      G_GINT64_FORMAT ", \"fields\": {\"revoke_cards\": [\"%s\"]}},"
      "{\"id\": \"revoke-2\", \"collection\": \"members\", \"op\": \"update\", \"record_id\": %"
      G_GINT64_FORMAT ", \"fields\": {\"revoke_cards\": [\"%s\"], \"membership\": \"active\"}},"
      "{\"id\": \"revoke-3\", \"collection\": \"members\", \"op\": \"update\", \"record_id\": %"
      G_GINT64_FORMAT ", \"fields\": {\"revoke_cards\": [\"%s\"]}}]}",
      staff_id, fingerprint, staff_id, fingerprint, staff_id, fingerprint);
    JsonArray *results;

    /* demo-staff may not */
    g_assert_cmpuint (request (f, "POST", "/api/v1/enterprises/1/mutations", staff, body, &reply), ==, 200);
    results = json_object_get_array_member (reply, "results");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                     ==, "rejected");
    g_clear_pointer (&reply, json_object_unref);
    cards = list_cards (f, staff);
    g_assert_cmpuint (json_array_get_length (cards), ==, 1);
    g_clear_pointer (&cards, json_array_unref);

    g_assert_cmpuint (request (f, "POST", "/api/v1/enterprises/1/mutations", admin, body, &reply), ==, 200);
    results = json_object_get_array_member (reply, "results");
    item = json_array_get_object_element (results, 0);
    g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "applied");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_object_get_object_member (item, "record"), "cards")), ==, 0);
    /* not with other fields */
    item = json_array_get_object_element (results, 1);
    g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "error"), "field"),
                     ==, "revoke_cards");
    /* already revoked: what was asked for holds */
    item = json_array_get_object_element (results, 2);
    g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "applied");
    g_clear_pointer (&reply, json_object_unref);
  }
  cards = list_cards (f, staff);
  g_assert_cmpuint (json_array_get_length (cards), ==, 0);
  g_assert_cmpuint (count_messages (f, staff, 1, REVOKE_NOTICE), ==, 2);
  g_assert_cmpuint (request (f, "GET", "/api/v1/enterprises/1/audit?action=card.revoke", admin, NULL,
                             &reply), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "items")), ==, 2);
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
  ADD ("bind-unbind", test_bind_unbind);
  ADD ("unbind-by-card", test_unbind_by_card);
  ADD ("expiring-card", test_expiring_card);
  ADD ("admin-revoke", test_admin_revoke);
#undef ADD

  return g_test_run ();
}
