/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IC card login (docs/card-protocol.md, "Server side"): a single-use
 * challenge, then the card's signature over it and the card's certificate.
 * The GnuTLS checks themselves live in core (kouan-card-verify.c) so the
 * tests use the same code. */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "kouan-card.h"
#include "kouan-crypto.h"
#include "kouan-json.h"
#include "kouan-server.h"

#define CHALLENGE_BYTES 32
/* Used and expired challenges are kept this long after they expire, so a
 * late replay is still told "used"/"expired" rather than "unknown". */
#define CHALLENGE_KEEP  (60 * 60)

gboolean
kouan_server_card_check_ca (GBytes  *pem,
                            GError **error)
{
  gnutls_x509_crt_t *certificates = NULL;
  unsigned int n = 0;
  gnutls_datum_t datum;
  gsize size;
  gboolean has_ca = FALSE;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (pem, &size);
  datum.size = (unsigned int) size;
  ret = gnutls_x509_crt_list_import2 (&certificates, &n, &datum, GNUTLS_X509_FMT_PEM, 0);
  if (ret < 0 || n == 0)
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                   "no PEM certificate could be read (%s)",
                   ret < 0 ? gnutls_strerror (ret) : "empty");
      return FALSE;
    }
  for (unsigned int i = 0; i < n; i++)
    {
      unsigned int critical;

      if (gnutls_x509_crt_get_basic_constraints (certificates[i], &critical, NULL, NULL) > 0)
        has_ca = TRUE;
      gnutls_x509_crt_deinit (certificates[i]);
    }
  gnutls_free (certificates);
  if (!has_ca)
    g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                         "none of its certificates is a CA (basic constraints CA:TRUE)");
  return has_ca;
}

static gboolean
card_login_configured (KouanServer       *self,
                       SoupServerMessage *msg)
{
  if (self->card_ca != NULL)
    return TRUE;
  kouan_server_reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "card_login_unavailable",
                            "This server has no card CA configured (--card-ca)");
  return FALSE;
}

/* The body of a challenge request carries nothing: it is empty or the
 * empty object "{}" (what the client sends). Anything else is a client
 * that expects something this route does not do; say so. */
static gboolean
challenge_body_is_empty (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonObject) object = NULL;

  if (g_bytes_get_size (bytes) == 0)
    return TRUE;
  object = kouan_server_read_body (msg);
  if (object == NULL)
    return FALSE;
  if (json_object_get_size (object) != 0)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "A challenge request takes no members: send {} or nothing");
      return FALSE;
    }
  return TRUE;
}

/* Challenges issued to @address in the last minute (in memory: a restart
 * forgets them, which only gives a client its budget back). Returns the
 * seconds until @address may have another, or 0 and counts this one. */
static gint64
challenge_rate_wait (KouanServer *self,
                     const char  *address,
                     gint64       now)
{
  GQueue *issued;

  if (self->card_challenges_issued == NULL)
    self->card_challenges_issued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_queue_free);

  /* Forget addresses that have been quiet for a window, so the table is
   * bounded by the addresses of the last minute. */
  if (g_hash_table_size (self->card_challenges_issued) > 1024)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->card_challenges_issued);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          GQueue *times = value;

          if (g_queue_is_empty (times) ||
              GPOINTER_TO_SIZE (g_queue_peek_tail (times)) + KOUAN_CARD_CHALLENGE_WINDOW <= (gsize) now)
            g_hash_table_iter_remove (&iter);
        }
    }

  issued = g_hash_table_lookup (self->card_challenges_issued, address);
  if (issued == NULL)
    {
      issued = g_queue_new ();
      g_hash_table_insert (self->card_challenges_issued, g_strdup (address), issued);
    }
  while (!g_queue_is_empty (issued) &&
         GPOINTER_TO_SIZE (g_queue_peek_head (issued)) + KOUAN_CARD_CHALLENGE_WINDOW <= (gsize) now)
    g_queue_pop_head (issued);

  if (g_queue_get_length (issued) >= KOUAN_CARD_CHALLENGES_PER_ADDRESS)
    return MAX ((gint64) GPOINTER_TO_SIZE (g_queue_peek_head (issued)) + KOUAN_CARD_CHALLENGE_WINDOW - now, 1);

  g_queue_push_tail (issued, GSIZE_TO_POINTER ((gsize) now));
  return 0;
}

/* Outstanding (unused, unexpired) challenges of the whole server: each is
 * a row, so their number is capped whatever the number of addresses.
 * Returns the seconds until the oldest expires when the cap is reached. */
static gint64
challenge_cap_wait (KouanServer *self,
                    gint64       now)
{
  g_autoptr(GError) error = NULL;
  gint64 count = 0, first_expiry = 0;

  if (!self->storage->card->challenges_outstanding (self->storage, now, &count, &first_expiry, &error))
    {
      kouan_server_storage_failed (self, error);
      return 1;
    }
  if (count >= KOUAN_CARD_CHALLENGES_OUTSTANDING)
    return MAX (first_expiry - now, 1);
  return 0;
}

void
kouan_server_card_challenge (KouanServer       *self,
                             SoupServerMessage *msg)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *challenge_b64 = NULL;
  g_autofree char *challenge_sha = NULL;
  guint8 challenge[CHALLENGE_BYTES];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *address;
  gint64 wait;

  if (!card_login_configured (self, msg))
    return;
  if (!challenge_body_is_empty (msg))
    return;

  /* Each challenge is a stored row: one address may not fill the table,
   * and all addresses together may not either. */
  if (!self->storage->card->challenges_sweep (self->storage, now - CHALLENGE_KEEP, &error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&error);
    }
  address = soup_server_message_get_remote_host (msg);
  wait = challenge_cap_wait (self, now);
  if (wait == 0)
    wait = challenge_rate_wait (self, address != NULL ? address : "unknown", now);
  if (wait > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, wait);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
      kouan_server_reply_error (msg, KOUAN_STATUS_TOO_MANY_REQUESTS, "too_many_requests",
                                "Too many card challenges; try again in %s seconds", seconds);
      return;
    }

  if (gnutls_rnd (GNUTLS_RND_NONCE, challenge, sizeof challenge) != 0)
    g_error ("GnuTLS random number generator failed");
  challenge_b64 = g_base64_encode (challenge, sizeof challenge);
  /* Only the hash is stored: a database reader cannot answer a pending
   * challenge with it anyway, but there is no reason to keep more. */
  challenge_sha = kouan_crypto_sha256_hex (challenge, sizeof challenge);

  if (!self->storage->card->challenge_insert (self->storage, challenge_sha,
                                              now + self->card_challenge_ttl, &error))
    {
      g_warning ("Storing a card challenge: %s", error->message);
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The challenge could not be stored");
      return;
    }

  json_object_set_string_member (reply, "challenge", challenge_b64);
  json_object_set_int_member (reply, "expires_at", now + self->card_challenge_ttl);
  kouan_server_reply_json (msg, SOUP_STATUS_OK, reply);
}

/* Decodes a base64 member; NULL (and a 400 answer) when it is missing or
 * not base64 or its decoded size is outside [min, max]. */
GBytes *
kouan_server_card_read_base64 (SoupServerMessage *msg,
             JsonObject        *body,
             const char        *member,
             gsize              min,
             gsize              max)
{
  g_autoptr(GError) error = NULL;
  const char *text;
  guchar *data;
  gsize length = 0;

  if (!kouan_json_get_string (body, member, &text, &error))
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return NULL;
    }
  /* g_base64_decode does not reject stray characters; check the alphabet
   * so that a garbled field is a clear 400, not a mysterious 401. */
  if (strlen (text) > (max + 2) / 3 * 4 + 4 ||
      strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != strlen (text) ||
      strlen (text) % 4 != 0)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"%s\" is not base64 of a plausible size", member);
      return NULL;
    }
  data = g_base64_decode (text, &length);
  if (length < min || length > max)
    {
      g_free (data);
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"%s\" must decode to %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT " bytes",
                                member, min, max);
      return NULL;
    }
  return g_bytes_new_take (data, length);
}

typedef KouanChallengeStatus ChallengeStatus;
#define CHALLENGE_OK      KOUAN_CHALLENGE_OK
#define CHALLENGE_UNKNOWN KOUAN_CHALLENGE_UNKNOWN
#define CHALLENGE_USED    KOUAN_CHALLENGE_USED
#define CHALLENGE_EXPIRED KOUAN_CHALLENGE_EXPIRED

/* Looks the challenge up and marks it used in the same step, so it is
 * single use even when the rest of the login fails (and across instances
 * on one PostgreSQL). A database failure counts as unknown. */
static ChallengeStatus
consume_challenge (KouanServer *self,
                   GBytes      *challenge,
                   gint64       now)
{
  gsize length;
  const void *data = g_bytes_get_data (challenge, &length);
  g_autofree char *sha = kouan_crypto_sha256_hex (data, length);
  g_autoptr(GError) error = NULL;
  ChallengeStatus status = CHALLENGE_UNKNOWN;

  if (!self->storage->card->challenge_consume (self->storage, sha, now, &status, &error))
    {
      kouan_server_storage_failed (self, error);
      return CHALLENGE_UNKNOWN;
    }
  return status;
}

const char *
kouan_server_card_verify (KouanServer  *self,
                          GBytes       *challenge,
                          GBytes       *certificate,
                          GBytes       *signature,
                          gint64        now,
                          const char  **out_message,
                          GError      **error)
{
  const char *code = NULL;
  const char *message = NULL;

  switch (consume_challenge (self, challenge, now))
    {
    case CHALLENGE_UNKNOWN:
      code = "challenge_unknown";
      message = "This server did not issue that challenge; ask for a new one";
      break;
    case CHALLENGE_USED:
      code = "challenge_used";
      message = "That challenge was already used; ask for a new one";
      break;
    case CHALLENGE_EXPIRED:
      code = "challenge_expired";
      message = "That challenge has expired; ask for a new one";
      break;
    case CHALLENGE_OK:
    default:
      break;
    }

  if (code == NULL && !kouan_card_verify_signature (certificate, challenge, signature, error))
    {
      if (g_error_matches (*error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_MALFORMED))
        {
          code = "certificate_malformed";
          message = "The certificate or signature cannot be read";
        }
      else
        {
          code = "bad_signature";
          message = "The signature does not match the certificate and challenge";
        }
    }
  if (code == NULL && !kouan_card_verify_certificate (certificate, self->card_ca, now, error))
    {
      if (g_error_matches (*error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_EXPIRED))
        {
          code = "certificate_expired";
          message = "The card's certificate is outside its validity period";
        }
      else if (g_error_matches (*error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_MALFORMED))
        {
          code = "certificate_malformed";
          message = "The certificate or signature cannot be read";
        }
      else
        {
          code = "certificate_untrusted";
          message = "The card's certificate was not issued by this server's card CA";
        }
    }
  *out_message = message;
  return code;
}

/* The active user the certificate is bound to, or 0. */
static gint64
bound_user (KouanServer *self,
            const char  *fingerprint)
{
  g_autoptr(GError) error = NULL;
  gint64 user_id = 0;

  if (!self->storage->card->certificate_user (self->storage, fingerprint, &user_id, &error))
    kouan_server_storage_failed (self, error);
  return user_id;
}

void
kouan_server_card_login (KouanServer       *self,
                         SoupServerMessage *msg)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *card_key = NULL;
  g_autofree char *address_key = NULL;
  const char *address;
  const char *code = NULL;
  const char *message = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 user_id = 0;
  gint64 wait;

  if (!card_login_configured (self, msg))
    return;

  body = kouan_server_read_body (msg);
  if (body == NULL)
    return;
  challenge = kouan_server_card_read_base64 (msg, body, "challenge", 1, KOUAN_CARD_CHALLENGE_MAX);
  if (challenge == NULL)
    return;
  certificate = kouan_server_card_read_base64 (msg, body, "certificate", 1, KOUAN_CARD_CERT_MAX);
  if (certificate == NULL)
    return;
  signature = kouan_server_card_read_base64 (msg, body, "signature", 1, 256);
  if (signature == NULL)
    return;

  /* Throttled per address, and per card from that address, before
   * anything is checked. Not per card alone: the certificate is public
   * (it is shown at every login), so failures anyone makes with it must
   * not lock its owner out; guessing is stopped by the card itself, whose
   * PIN counter blocks it after a few wrong PINs. */
  address = soup_server_message_get_remote_host (msg);
  address_key = g_strdup_printf ("address:%s", address != NULL ? address : "unknown");
  fingerprint = kouan_card_certificate_get_fingerprint (certificate);
  card_key = g_strdup_printf ("card:%s@%s", fingerprint, address != NULL ? address : "unknown");
  wait = MAX (kouan_server_throttle_wait (self, address_key, now),
              kouan_server_throttle_wait (self, card_key, now));
  if (wait > 0)
    {
      kouan_server_reply_throttled (msg, wait);
      return;
    }

  /* The order below is the order of docs/api.md: each failure names the
   * first check that failed. */
  code = kouan_server_card_verify (self, challenge, certificate, signature, now, &message, &error);
  if (code == NULL)
    {
      user_id = bound_user (self, fingerprint);
      if (user_id == 0)
        {
          code = "certificate_unbound";
          message = "The card is not bound to an active account";
        }
    }

  if (code != NULL)
    {
      if (error != NULL)
        g_debug ("Card login refused (%s): %s", code, error->message);
      kouan_server_throttle_record (self, address_key, now);
      kouan_server_throttle_record (self, card_key, now);
      kouan_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, code, "%s", message);
      return;
    }

  kouan_server_throttle_forget (self, card_key, now);
  kouan_server_personal_note_card (self, fingerprint, certificate);
  kouan_server_auth_open_session (self, msg, user_id, "card");
}
