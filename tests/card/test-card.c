/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The card client (src/core/kouan-card.*) against a real pcscd with the
 * vsmartcard-vpcd driver and the virtual card kouan-vcard. */

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include <winscard.h>

#include "kouan-card.h"
#include "kouan-card-fixture.h"

#define HOLDER_NAME   "测试持卡人"
#define GOOD_PIN      "123456"
#define WAIT_S        15

static KouanCardFixture *fixture;

/* ---- helpers ------------------------------------------------------------ */

static void
start_card (const char *first_arg,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  kouan_card_fixture_start_card (fixture, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
}

static void
card_command (const char *command)
{
  g_autofree char *reply = kouan_card_fixture_command (fixture, command);
  g_autofree char *expected = g_strconcat ("ok ", command, NULL);

  /* "pull-on 88" is echoed as "ok pull-on 88" too. */
  g_assert_cmpstr (reply, ==, expected);
}

static void
wait_for_state (KouanCardMonitor *monitor,
                KouanCardState    state)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_TIME_SPAN_SECOND;

  while (kouan_card_monitor_get_state (monitor) != state &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (5000), TRUE);

  if (kouan_card_monitor_get_state (monitor) != state)
    g_test_message ("monitor problem: %s", kouan_card_monitor_get_problem (monitor));
  g_assert_cmpint (kouan_card_monitor_get_state (monitor), ==, state);
}

/* Runs the main context until an async callback stored its result; the
 * bound proves that no operation hangs. */
static GAsyncResult *
wait_result (GAsyncResult **slot,
             guint          seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_TIME_SPAN_SECOND;

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

typedef struct {
  GBytes *signature;
  GBytes *certificate;
  int     tries_left;
  GError *error;
} Signed;

static void
signed_clear (Signed *s)
{
  g_clear_pointer (&s->signature, g_bytes_unref);
  g_clear_pointer (&s->certificate, g_bytes_unref);
  g_clear_error (&s->error);
}

static Signed
sign (const char *pin,
      GBytes     *challenge)
{
  g_autoptr(GAsyncResult) result = NULL;
  Signed s = { 0 };

  kouan_card_sign_challenge_async (kouan_card_fixture_get_reader (fixture), pin,
                                   challenge, NULL, store_result, &result);
  wait_result (&result, WAIT_S);
  s.signature = kouan_card_sign_challenge_finish (result, &s.certificate, &s.tries_left,
                                                  &s.error);
  return s;
}

static GBytes *
random_challenge (void)
{
  guint8 data[32];

  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, data, sizeof data), ==, 0);
  return g_bytes_new (data, sizeof data);
}

static int
tries_left (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_card_get_tries_left_async (NULL, NULL, store_result, &result);
  wait_result (&result, WAIT_S);
  return kouan_card_get_tries_left_finish (result, error);
}

static GBytes *
read_certificate (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_card_read_certificate_async (kouan_card_fixture_get_reader (fixture), NULL,
                                     store_result, &result);
  wait_result (&result, WAIT_S);
  return kouan_card_read_certificate_finish (result, error);
}

static GBytes *
fixture_certificate_der (const char *name)
{
  g_autofree char *path = kouan_card_fixture_file (name);
  gnutls_datum_t pem = { NULL, 0 }, der = { NULL, 0 };
  gnutls_x509_crt_t crt;
  GBytes *bytes;

  g_assert_cmpint (gnutls_load_file (path, &pem), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &pem, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  gnutls_free (pem.data);
  gnutls_x509_crt_deinit (crt);
  return bytes;
}

/* What kouan-server does: verify label || challenge with the certificate's
 * public key.  Returns the GnuTLS code. */
static int
verify_signature (GBytes *certificate,
                  GBytes *challenge,
                  GBytes *signature)
{
  g_autoptr(GBytes) message = kouan_card_signed_message_new (challenge);
  gnutls_x509_crt_t crt;
  gnutls_pubkey_t key;
  gnutls_datum_t der, data, sig;
  gsize size;
  int ret;

  der.data = (unsigned char *) g_bytes_get_data (certificate, &size);
  der.size = (unsigned int) size;
  data.data = (unsigned char *) g_bytes_get_data (message, &size);
  data.size = (unsigned int) size;
  sig.data = (unsigned char *) g_bytes_get_data (signature, &size);
  sig.size = (unsigned int) size;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &der, GNUTLS_X509_FMT_DER), ==, 0);
  g_assert_cmpint (gnutls_pubkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_x509 (key, crt, 0), ==, 0);
  ret = gnutls_pubkey_verify_data2 (key, GNUTLS_SIGN_ECDSA_SHA256, 0, &data, &sig);
  gnutls_pubkey_deinit (key);
  gnutls_x509_crt_deinit (crt);
  return ret;
}

/* ---- monitor ------------------------------------------------------------ */

static void
count_change (KouanCardMonitor *monitor,
              guint            *changes)
{
  (*changes)++;
}

static void
test_monitor_insert_remove (void)
{
  g_autoptr(KouanCardMonitor) monitor = NULL;
  g_autoptr(GBytes) expected = fixture_certificate_der ("holder.pem");
  g_autofree char *fingerprint = NULL;
  guint changes = 0;

  start_card ("--removed", NULL);
  monitor = kouan_card_monitor_new ();
  g_signal_connect (monitor, "changed", G_CALLBACK (count_change), &changes);

  wait_for_state (monitor, KOUAN_CARD_STATE_NO_CARD);
  g_assert_null (kouan_card_monitor_get_reader (monitor));
  g_assert_null (kouan_card_monitor_get_holder_name (monitor));

  card_command ("insert");
  wait_for_state (monitor, KOUAN_CARD_STATE_CARD_READY);
  g_assert_cmpstr (kouan_card_monitor_get_reader (monitor), ==,
                   kouan_card_fixture_get_reader (fixture));
  g_assert_cmpstr (kouan_card_monitor_get_holder_name (monitor), ==, HOLDER_NAME);
  g_assert_true (g_bytes_equal (kouan_card_monitor_get_certificate (monitor), expected));
  fingerprint = kouan_card_certificate_get_fingerprint (kouan_card_monitor_get_certificate (monitor));
  g_assert_cmpuint (strlen (fingerprint), ==, 64);

  card_command ("remove");
  wait_for_state (monitor, KOUAN_CARD_STATE_NO_CARD);
  g_assert_null (kouan_card_monitor_get_holder_name (monitor));
  g_assert_null (kouan_card_monitor_get_certificate (monitor));

  card_command ("insert");
  wait_for_state (monitor, KOUAN_CARD_STATE_CARD_READY);
  g_assert_cmpstr (kouan_card_monitor_get_holder_name (monitor), ==, HOLDER_NAME);
  g_assert_cmpuint (changes, >=, 4);
}

static void
test_monitor_foreign_card (void)
{
  g_autoptr(KouanCardMonitor) monitor = NULL;

  start_card ("--removed", NULL);
  card_command ("misbehave foreign");
  monitor = kouan_card_monitor_new ();
  wait_for_state (monitor, KOUAN_CARD_STATE_NO_CARD);

  card_command ("insert");
  wait_for_state (monitor, KOUAN_CARD_STATE_CARD_UNUSABLE);
  g_assert_null (kouan_card_monitor_get_holder_name (monitor));
  g_assert_nonnull (kouan_card_monitor_get_problem (monitor));
}

static void
test_monitor_service (void)
{
  g_autoptr(KouanCardMonitor) monitor = NULL;
  g_autoptr(GError) error = NULL;

  start_card (NULL);
  monitor = kouan_card_monitor_new ();
  wait_for_state (monitor, KOUAN_CARD_STATE_CARD_READY);

  /* The service goes away: the monitor says so instead of blocking... */
  kouan_card_fixture_stop_card (fixture);
  kouan_card_fixture_stop_pcscd (fixture);
  wait_for_state (monitor, KOUAN_CARD_STATE_NO_SERVICE);
  g_assert_cmpint (tries_left (&error), ==, -1);
  g_assert_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PCSC);
  g_clear_error (&error);

  /* ...and picks it up again when it is back. */
  kouan_card_fixture_start_pcscd (fixture, &error);
  g_assert_no_error (error);
  start_card (NULL);
  wait_for_state (monitor, KOUAN_CARD_STATE_CARD_READY);
}

static void
test_monitor_no_reader (void)
{
  g_autoptr(KouanCardMonitor) monitor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;

  kouan_card_fixture_stop_card (fixture);
  kouan_card_fixture_stop_pcscd (fixture);
  kouan_card_fixture_set_reader (fixture, FALSE, &error);
  g_assert_no_error (error);
  kouan_card_fixture_start_pcscd (fixture, &error);
  g_assert_no_error (error);

  monitor = kouan_card_monitor_new ();
  wait_for_state (monitor, KOUAN_CARD_STATE_NO_READER);
  der = read_certificate (&error);
  g_assert_null (der);
  g_assert_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NO_READER);
  g_clear_error (&error);
  g_clear_object (&monitor);

  kouan_card_fixture_stop_pcscd (fixture);
  kouan_card_fixture_set_reader (fixture, TRUE, &error);
  g_assert_no_error (error);
  kouan_card_fixture_start_pcscd (fixture, &error);
  g_assert_no_error (error);
}

/* Dropping the monitor returns at once even while its thread is stuck on a
 * card that does not answer. */
static void
test_monitor_dispose_silent_card (void)
{
  KouanCardMonitor *monitor;
  gint64 start;

  start_card ("--removed", NULL);
  card_command ("misbehave silent");
  monitor = kouan_card_monitor_new ();
  wait_for_state (monitor, KOUAN_CARD_STATE_NO_CARD);
  card_command ("insert");
  wait_for_state (monitor, KOUAN_CARD_STATE_CARD_PRESENT);

  start = g_get_monotonic_time ();
  g_object_unref (monitor);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_TIME_SPAN_SECOND);

  /* Pulling the silent card frees pcscd for the next test. */
  kouan_card_fixture_stop_card (fixture);
}

/* The monitor reads a new card while the user already logs in: both share
 * the card, and the login must not fail because the monitor reset it. */
static void
test_monitor_concurrent_login (void)
{
  g_autoptr(KouanCardMonitor) monitor = NULL;

  start_card ("--removed", NULL);
  monitor = kouan_card_monitor_new ();
  wait_for_state (monitor, KOUAN_CARD_STATE_NO_CARD);

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GBytes) challenge = random_challenge ();
      Signed s;

      card_command ("insert");
      g_assert_true (kouan_card_fixture_wait_card (fixture, TRUE));
      s = sign (GOOD_PIN, challenge);
      g_assert_no_error (s.error);
      g_assert_cmpint (verify_signature (s.certificate, challenge, s.signature), >=, 0);
      signed_clear (&s);
      wait_for_state (monitor, KOUAN_CARD_STATE_CARD_READY);

      card_command ("remove");
      wait_for_state (monitor, KOUAN_CARD_STATE_NO_CARD);
    }
}

/* ---- reading ------------------------------------------------------------ */

static void
test_read_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = fixture_certificate_der ("holder.pem");
  g_autoptr(GBytes) der = NULL;
  g_autofree char *holder = NULL;

  start_card (NULL);
  der = read_certificate (&error);
  g_assert_no_error (error);
  /* More than one READ BINARY: the point of the offsets. */
  g_assert_cmpuint (g_bytes_get_size (der), >, 256);
  g_assert_true (g_bytes_equal (der, expected));

  holder = kouan_card_certificate_get_holder_name (der, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (holder, ==, HOLDER_NAME);
}

static void
test_no_card (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;

  start_card ("--removed", NULL);
  der = read_certificate (&error);
  g_assert_null (der);
  g_assert_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NO_CARD);
}

static void
test_foreign_card (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;

  start_card (NULL);
  card_command ("misbehave foreign");
  der = read_certificate (&error);
  g_assert_null (der);
  g_assert_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NOT_KOUAN_CARD);
}

/* ---- PIN and signature ---------------------------------------------------- */

static void
test_sign_correct_pin (void)
{
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GBytes) other = random_challenge ();
  g_autoptr(GBytes) expected = fixture_certificate_der ("holder.pem");
  Signed s;

  start_card (NULL);
  s = sign (GOOD_PIN, challenge);
  g_assert_no_error (s.error);
  g_assert_nonnull (s.signature);
  g_assert_cmpint (s.tries_left, ==, -1);
  g_assert_true (g_bytes_equal (s.certificate, expected));

  g_assert_cmpint (verify_signature (s.certificate, challenge, s.signature), >=, 0);
  /* The same signature must not pass for another challenge. */
  g_assert_cmpint (verify_signature (s.certificate, other, s.signature), <, 0);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 1);
  signed_clear (&s);

  /* Each operation starts from scratch: a second login verifies again. */
  s = sign (GOOD_PIN, other);
  g_assert_no_error (s.error);
  g_assert_cmpint (verify_signature (s.certificate, other, s.signature), >=, 0);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "verify"), ==, 2);
  signed_clear (&s);
}

/* An SM2 card: the same APDUs; the card signs with SM2 over SM3 and the
 * core verifies with the algorithm the certificate's key names, as the
 * server and the lock screen do. */
static void
test_sign_sm2 (void)
{
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GBytes) other = random_challenge ();
  g_autoptr(GBytes) expected = fixture_certificate_der ("sm2-holder.pem");
  g_autofree char *cert = kouan_card_fixture_file ("sm2-holder.pem");
  g_autofree char *key = kouan_card_fixture_file ("sm2-holder-key.pem");
  g_autofree char *holder = NULL;
  g_autoptr(GError) error = NULL;
  Signed s;

  start_card ("--cert", cert, "--key", key, NULL);
  s = sign (GOOD_PIN, challenge);
  g_assert_no_error (s.error);
  g_assert_true (g_bytes_equal (s.certificate, expected));
  holder = kouan_card_certificate_get_holder_name (s.certificate, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (holder, ==, "国密持卡人");

  g_assert_true (kouan_card_verify_signature (s.certificate, challenge, s.signature, &error));
  g_assert_no_error (error);
  g_assert_false (kouan_card_verify_signature (s.certificate, other, s.signature, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 1);
  signed_clear (&s);
}

/* A card whose certificate has a key the protocol does not allow (RSA):
 * the client refuses it before the PIN is sent. */
static void
test_sign_unsupported_key (void)
{
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autofree char *cert = kouan_card_fixture_file ("rsa.pem");
  g_autofree char *key = kouan_card_fixture_file ("rsa-key.pem");
  Signed s;

  start_card ("--cert", cert, "--key", key, NULL);
  s = sign (GOOD_PIN, challenge);
  g_assert_error (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NOT_KOUAN_CARD);
  g_assert_null (s.signature);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "verify"), ==, 0);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 0);
  signed_clear (&s);
}

/* After a login the card is reset: another program that takes the card
 * next cannot have it sign without the PIN. */
static void
test_sign_leaves_card_locked (void)
{
  g_autoptr(GBytes) challenge = random_challenge ();
  guint8 apdu[5 + 32 + 1] = { 0x00, 0x88, 0x00, 0x00, 32 };
  guint8 response[300];
  DWORD length = sizeof response;
  SCARDCONTEXT context;
  SCARDHANDLE card;
  DWORD protocol;
  Signed s;

  start_card (NULL);
  s = sign (GOOD_PIN, challenge);
  g_assert_no_error (s.error);
  signed_clear (&s);

  g_assert_cmpint (SCardEstablishContext (SCARD_SCOPE_USER, NULL, NULL, &context), ==,
                   SCARD_S_SUCCESS);
  g_assert_cmpint (SCardConnect (context, kouan_card_fixture_get_reader (fixture),
                                 SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, &card, &protocol),
                   ==, SCARD_S_SUCCESS);
  memcpy (apdu + 5, g_bytes_get_data (challenge, NULL), 32);
  g_assert_cmpint (SCardTransmit (card, SCARD_PCI_T1, apdu, sizeof apdu, NULL,
                                  response, &length), ==, SCARD_S_SUCCESS);
  /* 6985: nothing selected any more, let alone a verified PIN. */
  g_assert_cmpuint (length, ==, 2);
  g_assert_cmphex (response[0] << 8 | response[1], ==, 0x6985);
  SCardDisconnect (card, SCARD_LEAVE_CARD);
  SCardReleaseContext (context);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 1);
}

static void
test_wrong_pin_tries (void)
{
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GError) error = NULL;
  Signed s;

  start_card (NULL);
  g_assert_cmpint (tries_left (&error), ==, 3);
  g_assert_no_error (error);

  s = sign ("654321", challenge);
  g_assert_error (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_WRONG_PIN);
  g_assert_cmpint (s.tries_left, ==, 2);
  g_assert_null (s.signature);
  signed_clear (&s);

  /* Asking does not spend a try. */
  g_assert_cmpint (tries_left (&error), ==, 2);
  g_assert_cmpint (tries_left (&error), ==, 2);
  g_assert_no_error (error);

  s = sign ("000000", challenge);
  g_assert_error (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_WRONG_PIN);
  g_assert_cmpint (s.tries_left, ==, 1);
  signed_clear (&s);

  /* The right PIN still works on the last try and restores the counter. */
  s = sign (GOOD_PIN, challenge);
  g_assert_no_error (s.error);
  signed_clear (&s);
  g_assert_cmpint (tries_left (&error), ==, 3);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 1);
}

static void
test_pin_blocked (void)
{
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GError) error = NULL;
  Signed s;

  start_card ("--tries", "2", NULL);

  s = sign ("111111", challenge);
  g_assert_error (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_WRONG_PIN);
  g_assert_cmpint (s.tries_left, ==, 1);
  signed_clear (&s);

  s = sign ("222222", challenge);
  g_assert_error (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PIN_BLOCKED);
  g_assert_cmpint (s.tries_left, ==, 0);
  signed_clear (&s);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "verify"), ==, 2);

  /* Blocked: even the right PIN is not sent any more. */
  s = sign (GOOD_PIN, challenge);
  g_assert_error (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PIN_BLOCKED);
  g_assert_cmpint (s.tries_left, ==, 0);
  signed_clear (&s);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "verify"), ==, 2);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "sign"), ==, 0);

  g_assert_cmpint (tries_left (&error), ==, 0);
  g_assert_no_error (error);
}

static void
test_invalid_pin_not_sent (void)
{
  g_autoptr(GBytes) challenge = random_challenge ();
  const char *bad[] = { "", "123", "12a456", "1234567890123", "12 34" };

  start_card (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      Signed s = sign (bad[i], challenge);

      g_assert_error (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_INVALID_PIN);
      signed_clear (&s);
    }
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "verify"), ==, 0);
  g_assert_cmpint (kouan_card_fixture_counter (fixture, "tries"), ==, 3);
}

/* ---- removal and misbehaviour ------------------------------------------ */

static void
assert_removed_mid (const char *ins)
{
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autofree char *command = g_strdup_printf ("pull-on %s", ins);
  gint64 start;
  Signed s;

  start_card (NULL);
  card_command (command);

  start = g_get_monotonic_time ();
  s = sign (GOOD_PIN, challenge);
  g_assert_error (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_CARD_REMOVED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_TIME_SPAN_SECOND);
  signed_clear (&s);

  /* Back in, the same login goes through. */
  card_command ("insert");
  g_assert_true (kouan_card_fixture_wait_card (fixture, TRUE));
  s = sign (GOOD_PIN, challenge);
  g_assert_no_error (s.error);
  g_assert_cmpint (verify_signature (s.certificate, challenge, s.signature), >=, 0);
  signed_clear (&s);
}

static void
test_removed_mid_sign (void)
{
  assert_removed_mid ("88");
}

static void
test_removed_mid_read (void)
{
  assert_removed_mid ("B0");
}

static void
test_removed_mid_verify (void)
{
  assert_removed_mid ("20");
}

static void
test_misbehaving_card (void)
{
  const char *modes[] = { "short", "garbage", "bad-cert", "empty-read", "bad-signature" };
  g_autoptr(GBytes) challenge = random_challenge ();

  start_card (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *command = g_strdup_printf ("misbehave %s", modes[i]);
      Signed s;

      card_command (command);
      s = sign (GOOD_PIN, challenge);
      if (!g_error_matches (s.error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL))
        g_error ("mode %s: expected a protocol error, got %s", modes[i],
                 s.error ? s.error->message : "success");
      g_assert_null (s.signature);
      signed_clear (&s);
    }

  /* Behaving again, the same card works: nothing was left broken. */
  card_command ("misbehave none");
  {
    Signed s = sign (GOOD_PIN, challenge);

    g_assert_no_error (s.error);
    signed_clear (&s);
  }
}

/* Random answers mixed into the exchange: each operation either succeeds
 * with a good result or ends with a card error, in bounded time, never with
 * a crash or a hang. */
static void
test_random_answers (void)
{
  guint failures = 0;

  start_card (NULL);
  card_command ("misbehave random");

  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(GBytes) challenge = random_challenge ();
      g_autoptr(GBytes) expected = fixture_certificate_der ("holder.pem");
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) der = NULL;
      gint64 start = g_get_monotonic_time ();

      if (round % 2 == 0)
        {
          Signed s = sign (GOOD_PIN, challenge);

          if (s.signature != NULL)
            g_assert_cmpint (verify_signature (s.certificate, challenge, s.signature), >=, 0);
          error = g_steal_pointer (&s.error);
          signed_clear (&s);
        }
      else
        {
          der = read_certificate (&error);
          if (der != NULL)
            g_assert_true (g_bytes_equal (der, expected));
        }
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_TIME_SPAN_SECOND);
      if (error == NULL)
        continue;

      failures++;
      g_test_message ("round %u: %s", round, error->message);
      if (error->domain != KOUAN_CARD_ERROR)
        g_error ("round %u: not a card error: %s", round, error->message);
    }
  g_assert_cmpuint (failures, >, 0);
}

static void
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* A card that stops answering blocks the driver; cancelling still hands
 * control back at once, and the card works again after a new insertion. */
static void
test_cancel_silent_card (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;
  gint64 start;

  start_card (NULL);
  card_command ("misbehave silent");

  kouan_card_read_certificate_async (NULL, cancellable, store_result, &result);
  g_timeout_add_once (500, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  wait_result (&result, 5);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_TIME_SPAN_SECOND);
  der = kouan_card_read_certificate_finish (result, &error);
  g_assert_null (der);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Stopping the card unblocks pcscd; a fresh card reads fine. */
  start_card (NULL);
  g_clear_error (&error);
  der = read_certificate (&error);
  g_assert_no_error (error);
  g_assert_nonnull (der);
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
      /* Under meson's TAP protocol an empty plan with SKIP marks the whole
       * test skipped; 77 does the same for the exit-code protocol. */
      g_print ("1..0 # SKIP %s\n", missing);
      return tap ? 0 : 77;
    }

  fixture = kouan_card_fixture_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/card/monitor/insert-remove", test_monitor_insert_remove);
  g_test_add_func ("/card/monitor/foreign-card", test_monitor_foreign_card);
  g_test_add_func ("/card/monitor/service-restart", test_monitor_service);
  g_test_add_func ("/card/monitor/no-reader", test_monitor_no_reader);
  g_test_add_func ("/card/monitor/dispose-silent-card", test_monitor_dispose_silent_card);
  g_test_add_func ("/card/monitor/concurrent-login", test_monitor_concurrent_login);
  g_test_add_func ("/card/read/certificate", test_read_certificate);
  g_test_add_func ("/card/read/no-card", test_no_card);
  g_test_add_func ("/card/read/foreign-card", test_foreign_card);
  g_test_add_func ("/card/sign/correct-pin", test_sign_correct_pin);
  g_test_add_func ("/card/sign/leaves-card-locked", test_sign_leaves_card_locked);
  g_test_add_func ("/card/sign/sm2", test_sign_sm2);
  g_test_add_func ("/card/sign/unsupported-key", test_sign_unsupported_key);
  g_test_add_func ("/card/pin/wrong-tries-left", test_wrong_pin_tries);
  g_test_add_func ("/card/pin/blocked", test_pin_blocked);
  g_test_add_func ("/card/pin/invalid-not-sent", test_invalid_pin_not_sent);
  g_test_add_func ("/card/removed/mid-sign", test_removed_mid_sign);
  g_test_add_func ("/card/removed/mid-read", test_removed_mid_read);
  g_test_add_func ("/card/removed/mid-verify", test_removed_mid_verify);
  g_test_add_func ("/card/protocol/misbehaving-card", test_misbehaving_card);
  g_test_add_func ("/card/protocol/random-answers", test_random_answers);
  g_test_add_func ("/card/cancel/silent-card", test_cancel_silent_card);

  status = g_test_run ();
  kouan_card_fixture_free (fixture);
  return status;
}
