/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Card operations on GTask worker threads (the exchanges themselves are in
 * kouan-card-link.c), the locked PIN buffer, and the GnuTLS helpers for the
 * holder certificate. */

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "kouan-card-private.h"

#ifdef G_OS_UNIX
# include <sys/mman.h>
#endif

G_DEFINE_QUARK (kouan-card-error-quark, kouan_card_error)

G_DEFINE_ENUM_TYPE (KouanCardState, kouan_card_state,
  G_DEFINE_ENUM_VALUE (KOUAN_CARD_STATE_NO_SERVICE, "no-service"),
  G_DEFINE_ENUM_VALUE (KOUAN_CARD_STATE_NO_READER, "no-reader"),
  G_DEFINE_ENUM_VALUE (KOUAN_CARD_STATE_NO_CARD, "no-card"),
  G_DEFINE_ENUM_VALUE (KOUAN_CARD_STATE_CARD_PRESENT, "card-present"),
  G_DEFINE_ENUM_VALUE (KOUAN_CARD_STATE_CARD_READY, "card-ready"),
  G_DEFINE_ENUM_VALUE (KOUAN_CARD_STATE_CARD_UNUSABLE, "card-unusable"))

/* ---- Locked PIN buffer ------------------------------------------------- */

typedef struct {
  guint8 digits[KOUAN_CARD_PIN_MAX];
  gsize  length;
} KouanPin;

static KouanPin *
kouan_pin_new (const char *pin)
{
  KouanPin *self = g_malloc0 (sizeof *self);
  gsize length = pin != NULL ? strnlen (pin, KOUAN_CARD_PIN_MAX + 1) : 0;

#ifdef G_OS_UNIX
  /* Keep the PIN out of swap; failure (RLIMIT_MEMLOCK) is not fatal. */
  (void) mlock (self, sizeof *self);
#elif defined (G_OS_WIN32)
  (void) VirtualLock (self, sizeof *self);
#endif

  if (length <= KOUAN_CARD_PIN_MAX)
    {
      memcpy (self->digits, pin, length);
      self->length = length;
    }
  else
    self->length = KOUAN_CARD_PIN_MAX + 1;   /* marks "too long" */

  return self;
}

static void
kouan_pin_free (KouanPin *self)
{
  if (self == NULL)
    return;
  _kouan_card_wipe (self, sizeof *self);
#ifdef G_OS_UNIX
  (void) munlock (self, sizeof *self);
#elif defined (G_OS_WIN32)
  (void) VirtualUnlock (self, sizeof *self);
#endif
  g_free (self);
}

static gboolean
kouan_pin_is_valid (const KouanPin *self)
{
  if (self->length < KOUAN_CARD_PIN_MIN || self->length > KOUAN_CARD_PIN_MAX)
    return FALSE;
  for (gsize i = 0; i < self->length; i++)
    if (self->digits[i] < '0' || self->digits[i] > '9')
      return FALSE;
  return TRUE;
}

/* ---- Tasks -------------------------------------------------------------- */

typedef struct {
  char     *reader;
  KouanPin *pin;
  GBytes   *challenge;
  int       tries_left;   /* written by the worker before it returns */
} CardOp;

static void
card_op_free (CardOp *op)
{
  g_free (op->reader);
  kouan_pin_free (op->pin);
  g_clear_pointer (&op->challenge, g_bytes_unref);
  g_free (op);
}

typedef struct {
  GBytes *signature;
  GBytes *certificate;
} SignResult;

static void
sign_result_free (SignResult *result)
{
  g_clear_pointer (&result->signature, g_bytes_unref);
  g_clear_pointer (&result->certificate, g_bytes_unref);
  g_free (result);
}

static GTask *
card_task_new (gpointer             source_tag,
               const char          *reader,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               CardOp             **op_out)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  CardOp *op = g_new0 (CardOp, 1);

  op->reader = g_strdup (reader);
  op->tries_left = -1;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) card_op_free);
  /* A card or driver that stops answering may block SCardTransmit for
   * good; cancelling must still give control back to the caller. */
  g_task_set_return_on_cancel (task, TRUE);
  *op_out = op;
  return task;
}

static void
read_certificate_thread (GTask        *task,
                         gpointer      source,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  CardOp *op = task_data;
  KouanCardLink link;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;

  if (!_kouan_card_link_open (&link, 0, op->reader, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  der = _kouan_card_link_read_certificate (&link, cancellable, &error);
  _kouan_card_link_close (&link);

  if (der == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&der), (GDestroyNotify) g_bytes_unref);
}

void
kouan_card_read_certificate_async (const char          *reader,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CardOp *op;

  task = card_task_new (kouan_card_read_certificate_async, reader,
                        cancellable, callback, user_data, &op);
  g_task_run_in_thread (task, read_certificate_thread);
}

GBytes *
kouan_card_read_certificate_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        kouan_card_read_certificate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
tries_left_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  CardOp *op = task_data;
  KouanCardLink link;
  g_autoptr(GError) error = NULL;
  int tries = -1;

  if (!_kouan_card_link_open (&link, 0, op->reader, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (_kouan_card_link_select_application (&link, &error))
    tries = _kouan_card_link_query_tries_left (&link, &error);
  _kouan_card_link_close (&link);

  if (tries < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, tries);
}

void
kouan_card_get_tries_left_async (const char          *reader,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CardOp *op;

  task = card_task_new (kouan_card_get_tries_left_async, reader,
                        cancellable, callback, user_data, &op);
  g_task_run_in_thread (task, tries_left_thread);
}

int
kouan_card_get_tries_left_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        kouan_card_get_tries_left_async, -1);

  return (int) g_task_propagate_int (G_TASK (result), error);
}

static void
sign_challenge_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  CardOp *op = task_data;
  KouanCardLink link;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GBytes) signature = NULL;
  SignResult *result;
  gboolean verified;
  int tries;

  if (!_kouan_card_link_open (&link, 0, op->reader, &error))
    goto out;

  certificate = _kouan_card_link_read_certificate (&link, cancellable, &error);
  if (certificate == NULL)
    goto out;

  /* The card signs with the algorithm its certificate's key names; one
   * the protocol does not allow would sign what no server accepts, so
   * the PIN is not sent to it. */
  switch (kouan_card_certificate_get_key_algorithm (certificate))
    {
    case KOUAN_CARD_KEY_ECDSA_P256:
    case KOUAN_CARD_KEY_SM2:
      break;
    case KOUAN_CARD_KEY_MALFORMED:   /* the read refused it already */
    case KOUAN_CARD_KEY_OTHER:
    default:
      g_set_error (&error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NOT_KOUAN_CARD,
                   "The card certificate's key is neither ECDSA P-256 nor SM2");
      goto out;
    }

  /* A blocked card must not even see the PIN. */
  tries = _kouan_card_link_query_tries_left (&link, &error);
  if (tries < 0)
    goto out;
  if (tries == 0)
    {
      op->tries_left = 0;
      g_set_error (&error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PIN_BLOCKED,
                   "The card's PIN is blocked");
      goto out;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto out;
  verified = _kouan_card_link_verify_pin (&link, op->pin->digits, op->pin->length,
                                          &op->tries_left, &error);
  /* The PIN is not needed any more, whatever the answer. */
  kouan_pin_free (g_steal_pointer (&op->pin));
  if (!verified)
    goto out;
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto out;

  signature = _kouan_card_link_internal_authenticate (&link, op->challenge, &error);

out:
  kouan_pin_free (g_steal_pointer (&op->pin));
  _kouan_card_link_close (&link);

  if (signature == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result = g_new0 (SignResult, 1);
  result->signature = g_steal_pointer (&signature);
  result->certificate = g_steal_pointer (&certificate);
  g_task_return_pointer (task, result, (GDestroyNotify) sign_result_free);
}

void
kouan_card_sign_challenge_async (const char          *reader,
                                 const char          *pin,
                                 GBytes              *challenge,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CardOp *op;
  gsize challenge_len;

  g_return_if_fail (challenge != NULL);

  task = card_task_new (kouan_card_sign_challenge_async, reader,
                        cancellable, callback, user_data, &op);
  op->pin = kouan_pin_new (pin);
  op->challenge = g_bytes_ref (challenge);

  /* Checked here so a malformed PIN never reaches the card. */
  if (!kouan_pin_is_valid (op->pin))
    {
      g_task_return_new_error (task, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_INVALID_PIN,
                               "The PIN must be %d to %d digits",
                               KOUAN_CARD_PIN_MIN, KOUAN_CARD_PIN_MAX);
      return;
    }
  challenge_len = g_bytes_get_size (challenge);
  if (challenge_len < KOUAN_CARD_CHALLENGE_MIN || challenge_len > KOUAN_CARD_CHALLENGE_MAX)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "A challenge must be %d to %d bytes, not %" G_GSIZE_FORMAT,
                               KOUAN_CARD_CHALLENGE_MIN, KOUAN_CARD_CHALLENGE_MAX,
                               challenge_len);
      return;
    }

  g_task_run_in_thread (task, sign_challenge_thread);
}

GBytes *
kouan_card_sign_challenge_finish (GAsyncResult  *result,
                                  GBytes       **certificate,
                                  int           *tries_left,
                                  GError       **error)
{
  GTask *task = G_TASK (result);
  g_autoptr(GError) local_error = NULL;
  SignResult *sign;
  GBytes *signature;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (task) == kouan_card_sign_challenge_async, NULL);

  if (certificate != NULL)
    *certificate = NULL;
  if (tries_left != NULL)
    *tries_left = -1;

  sign = g_task_propagate_pointer (task, &local_error);
  if (sign == NULL)
    {
      /* Only a PIN refusal reports tries; it was recorded before the worker
       * returned, so reading the task data here does not race. */
      if (tries_left != NULL &&
          (g_error_matches (local_error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_WRONG_PIN) ||
           g_error_matches (local_error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PIN_BLOCKED)))
        *tries_left = ((CardOp *) g_task_get_task_data (task))->tries_left;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  signature = g_steal_pointer (&sign->signature);
  if (certificate != NULL)
    *certificate = g_steal_pointer (&sign->certificate);
  sign_result_free (sign);
  return signature;
}

/* ---- Certificate helpers ----------------------------------------------- */

char *
kouan_card_certificate_get_holder_name (GBytes  *der,
                                        GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  g_autofree char *name = NULL;
  size_t size = 0;
  gsize length;
  int ret;

  g_return_val_if_fail (der != NULL, NULL);

  datum.data = (unsigned char *) g_bytes_get_data (der, &length);
  datum.size = (unsigned int) length;

  ret = gnutls_x509_crt_init (&crt);
  if (ret == GNUTLS_E_SUCCESS)
    ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret == GNUTLS_E_SUCCESS)
    {
      ret = gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, NULL, &size);
      if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER && size > 0 && size < 1024)
        {
          name = g_malloc0 (size + 1);
          ret = gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
                                               name, &size);
        }
      else if (ret == GNUTLS_E_SUCCESS)
        ret = GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
    }
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);

  if (ret != GNUTLS_E_SUCCESS || name == NULL || *name == '\0' ||
      !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                   "The card certificate has no readable holder name (%s)",
                   ret != GNUTLS_E_SUCCESS ? gnutls_strerror (ret) : "empty or not UTF-8");
      return NULL;
    }

  return g_steal_pointer (&name);
}

char *
kouan_card_certificate_get_fingerprint (GBytes *der)
{
  g_return_val_if_fail (der != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
}

GBytes *
kouan_card_signed_message_new (GBytes *challenge)
{
  GByteArray *message = g_byte_array_new ();
  gsize length;
  const guint8 *data = g_bytes_get_data (challenge, &length);

  g_byte_array_append (message, (const guint8 *) KOUAN_CARD_SIGN_LABEL,
                       strlen (KOUAN_CARD_SIGN_LABEL));
  g_byte_array_append (message, data, (guint) length);
  return g_byte_array_free_to_bytes (message);
}
