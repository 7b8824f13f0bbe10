/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Card operations: APDU exchange with Kouan's card application (see
 * docs/card-protocol.md) on GTask worker threads, and the GnuTLS helpers
 * for the holder certificate.  Every answer from the card is checked for
 * length and status word before it is used: a card is untrusted input. */

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

/* Instructions and status words of the card application. */
#define INS_SELECT        0xA4
#define INS_VERIFY        0x20
#define INS_READ_BINARY   0xB0
#define INS_INTERNAL_AUTH 0x88

#define SW_OK                 0x9000
#define SW_WRONG_LENGTH       0x6700
#define SW_SECURITY_STATUS    0x6982
#define SW_PIN_BLOCKED        0x6983
#define SW_WRONG_DATA         0x6A80
#define SW_FUNC_NOT_SUPPORTED 0x6A81
#define SW_NOT_FOUND          0x6A82
#define SW_WRONG_P1P2         0x6A86
#define SW_INS_NOT_SUPPORTED  0x6D00
#define SW_CLA_NOT_SUPPORTED  0x6E00

#define CERT_FILE_ID_HI 0xC0
#define CERT_FILE_ID_LO 0x01

/* A short APDU answer: up to 256 data bytes plus the status word. */
#define RESPONSE_MAX (256 + 2)

void
_kouan_card_wipe (void   *data,
                  gsize   length)
{
  volatile guint8 *p = data;

  while (length--)
    *p++ = 0;
}

/* ---- PC/SC plumbing ---------------------------------------------------- */

void
_kouan_card_set_pcsc_error (GError     **error,
                            LONG         rv,
                            gboolean     removal_means_removed,
                            const char  *what)
{
  guint32 code = (guint32) rv;

  g_debug ("card: %s failed: PC/SC 0x%08X", what, code);

  switch (rv)
    {
    case SCARD_E_CANCELLED:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s was cancelled", what);
      return;

    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PCSC,
                   "The smart-card service is not running (%s: 0x%08X)", what, code);
      return;

    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
      if (removal_means_removed)
        g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_CARD_REMOVED,
                     "The card reader was disconnected (%s)", what);
      else
        g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NO_READER,
                     "No card reader is connected (%s)", what);
      return;

    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_REMOVED_CARD:
      if (removal_means_removed)
        g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_CARD_REMOVED,
                     "The card was removed (%s)", what);
      else
        g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NO_CARD,
                     "No card in the reader (%s)", what);
      return;

    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_W_UNSUPPORTED_CARD:
    case SCARD_E_PROTO_MISMATCH:
    case SCARD_E_TIMEOUT:
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                   "The card does not answer properly (%s: 0x%08X)", what, code);
      return;

    default:
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PCSC,
                   "Smart-card service error (%s: 0x%08X)", what, code);
      return;
    }
}

char *
_kouan_card_list_readers (SCARDCONTEXT  context,
                          LONG         *rv)
{
  /* Readers may come and go between the two calls: retry a few times. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      DWORD length = 0;
      g_autofree char *readers = NULL;

      *rv = KOUAN_SCARD_LIST_READERS (context, NULL, NULL, &length);
      if (*rv != SCARD_S_SUCCESS)
        return NULL;
      if (length < 2 || length > 64 * 1024)
        {
          *rv = SCARD_E_NO_READERS_AVAILABLE;
          return NULL;
        }

      readers = g_malloc0 ((gsize) length + 2);
      *rv = KOUAN_SCARD_LIST_READERS (context, NULL, readers, &length);
      if (*rv == SCARD_E_INSUFFICIENT_BUFFER)
        continue;
      if (*rv != SCARD_S_SUCCESS)
        return NULL;
      /* The extra two NULs terminate the list whatever the service wrote. */
      return g_steal_pointer (&readers);
    }

  return NULL;
}

/* (transfer full) the first reader in @readers that holds a card. */
static char *
find_reader_with_card (SCARDCONTEXT   context,
                       const char    *readers,
                       LONG          *rv)
{
  g_autofree KouanReaderState *states = NULL;
  guint n = 0;

  for (const char *r = readers; *r != '\0'; r += strlen (r) + 1)
    n++;
  if (n == 0)
    {
      *rv = SCARD_E_NO_READERS_AVAILABLE;
      return NULL;
    }

  states = g_new0 (KouanReaderState, n);
  n = 0;
  for (const char *r = readers; *r != '\0'; r += strlen (r) + 1)
    {
      states[n].szReader = r;
      states[n].dwCurrentState = SCARD_STATE_UNAWARE;
      n++;
    }

  *rv = KOUAN_SCARD_GET_STATUS_CHANGE (context, 0, states, n);
  if (*rv != SCARD_S_SUCCESS && *rv != SCARD_E_TIMEOUT)
    return NULL;

  for (guint i = 0; i < n; i++)
    if ((states[i].dwEventState & SCARD_STATE_PRESENT) &&
        !(states[i].dwEventState & SCARD_STATE_MUTE))
      return g_strdup (states[i].szReader);

  *rv = SCARD_E_NO_SMARTCARD;
  return NULL;
}

gboolean
_kouan_card_link_open (KouanCardLink  *link,
                       SCARDCONTEXT    context,
                       const char     *reader,
                       GError        **error)
{
  LONG rv;

  memset (link, 0, sizeof *link);

  if (context != 0)
    link->context = context;
  else
    {
      rv = SCardEstablishContext (SCARD_SCOPE_USER, NULL, NULL, &link->context);
      if (rv != SCARD_S_SUCCESS)
        {
          _kouan_card_set_pcsc_error (error, rv, FALSE, "SCardEstablishContext");
          return FALSE;
        }
      link->owns_context = TRUE;
    }

  if (reader != NULL)
    link->reader = g_strdup (reader);
  else
    {
      g_autofree char *readers = _kouan_card_list_readers (link->context, &rv);

      if (readers != NULL)
        link->reader = find_reader_with_card (link->context, readers, &rv);
      if (link->reader == NULL)
        {
          _kouan_card_set_pcsc_error (error, rv, FALSE, "finding a card");
          _kouan_card_link_close (link);
          return FALSE;
        }
    }

  rv = KOUAN_SCARD_CONNECT (link->context, link->reader, SCARD_SHARE_SHARED,
                            SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                            &link->card, &link->protocol);
  if (rv != SCARD_S_SUCCESS)
    {
      _kouan_card_set_pcsc_error (error, rv, FALSE, "SCardConnect");
      _kouan_card_link_close (link);
      return FALSE;
    }
  link->connected = TRUE;

  /* Other programs sharing the card must not slip an APDU in between our
   * VERIFY and our signature.  Another handle (the card monitor, or a
   * previous operation) resets the card when it lets go: reconnect then. */
  rv = SCardBeginTransaction (link->card);
  for (guint attempt = 0; rv == SCARD_W_RESET_CARD && attempt < 3; attempt++)
    {
      rv = SCardReconnect (link->card, SCARD_SHARE_SHARED,
                           SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                           SCARD_LEAVE_CARD, &link->protocol);
      if (rv == SCARD_S_SUCCESS)
        rv = SCardBeginTransaction (link->card);
    }
  if (rv != SCARD_S_SUCCESS)
    {
      _kouan_card_set_pcsc_error (error, rv, FALSE, "SCardBeginTransaction");
      _kouan_card_link_close (link);
      return FALSE;
    }
  link->in_transaction = TRUE;

  return TRUE;
}

void
_kouan_card_link_close (KouanCardLink *link)
{
  /* Reset while still holding the transaction: a reset at disconnect
   * would hit whoever took the card next in the middle of its exchange. */
  if (link->in_transaction)
    SCardEndTransaction (link->card, SCARD_RESET_CARD);
  if (link->connected)
    SCardDisconnect (link->card, SCARD_LEAVE_CARD);
  if (link->owns_context)
    SCardReleaseContext (link->context);
  g_clear_pointer (&link->reader, g_free);
  memset (link, 0, sizeof *link);
}

/* After a failed transmit, tell a pulled card from a card that went mute.
 * The service notices a removal on its next poll, so wait a little for it. */
static gboolean
card_still_present (KouanCardLink *link)
{
  KouanReaderState state = { 0 };
  LONG rv;

  state.szReader = link->reader;
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  rv = KOUAN_SCARD_GET_STATUS_CHANGE (link->context, 0, &state, 1);
  if (rv != SCARD_S_SUCCESS)
    return FALSE;
  if (!(state.dwEventState & SCARD_STATE_PRESENT))
    return FALSE;

  state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
  rv = KOUAN_SCARD_GET_STATUS_CHANGE (link->context, 1500, &state, 1);
  if (rv == SCARD_E_TIMEOUT)
    return TRUE;
  if (rv != SCARD_S_SUCCESS)
    return FALSE;
  return (state.dwEventState & SCARD_STATE_PRESENT) != 0;
}

/* Sends one APDU.  On success @response holds the data (without the status
 * word), @response_len its length and @sw the status word. */
static gboolean
transmit (KouanCardLink  *link,
          const guint8   *apdu,
          gsize           apdu_len,
          guint8         *response,
          gsize          *response_len,
          guint16        *sw,
          GError        **error)
{
  guint8 buffer[RESPONSE_MAX + 16];
  DWORD length = sizeof buffer;
  const SCARD_IO_REQUEST *pci;
  LONG rv;

  pci = link->protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;

  /* Never log the data: a VERIFY carries the PIN. */
  g_debug ("card: > INS %02X P1 %02X P2 %02X (%" G_GSIZE_FORMAT " bytes)",
           apdu[1], apdu[2], apdu[3], apdu_len);

  rv = SCardTransmit (link->card, pci, apdu, (DWORD) apdu_len, NULL, buffer, &length);
  if (rv != SCARD_S_SUCCESS)
    {
      if (rv == SCARD_E_NOT_TRANSACTED || rv == SCARD_F_COMM_ERROR ||
          rv == SCARD_W_RESET_CARD || rv == SCARD_W_UNRESPONSIVE_CARD)
        {
          if (!card_still_present (link))
            rv = SCARD_W_REMOVED_CARD;
          else
            {
              /* The reader could not talk to a card it still sees. */
              g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                           "The card stopped answering (INS %02X: 0x%08X)",
                           apdu[1], (guint32) rv);
              return FALSE;
            }
        }
      if (rv == SCARD_E_INSUFFICIENT_BUFFER)
        {
          g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                       "The card answered INS %02X with more than %u bytes",
                       apdu[1], (guint) sizeof buffer);
          return FALSE;
        }
      _kouan_card_set_pcsc_error (error, rv, TRUE, "SCardTransmit");
      return FALSE;
    }

  if (length < 2 || length > RESPONSE_MAX)
    {
      /* Some drivers report a card pulled out mid-command as an empty
       * answer rather than an error. */
      if (length < 2 && !card_still_present (link))
        {
          _kouan_card_set_pcsc_error (error, SCARD_W_REMOVED_CARD, TRUE, "SCardTransmit");
          return FALSE;
        }
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                   "The card answered %lu bytes to INS %02X, not a valid response",
                   (unsigned long) length, apdu[1]);
      return FALSE;
    }

  *sw = (guint16) ((buffer[length - 2] << 8) | buffer[length - 1]);
  *response_len = length - 2;
  memcpy (response, buffer, *response_len);
  _kouan_card_wipe (buffer, sizeof buffer);

  g_debug ("card: < SW %04X (%" G_GSIZE_FORMAT " bytes)", *sw, *response_len);
  return TRUE;
}

static gboolean
unexpected_sw (GError     **error,
               const char  *command,
               guint16      sw)
{
  g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
               "The card answered %04X to %s", sw, command);
  return FALSE;
}

static gboolean
select_application (KouanCardLink  *link,
                    GError        **error)
{
  guint8 apdu[5 + KOUAN_CARD_AID_LEN] = { 0x00, INS_SELECT, 0x04, 0x00, KOUAN_CARD_AID_LEN };
  guint8 response[RESPONSE_MAX];
  gsize response_len;
  guint16 sw;

  memcpy (apdu + 5, KOUAN_CARD_AID, KOUAN_CARD_AID_LEN);
  if (!transmit (link, apdu, sizeof apdu, response, &response_len, &sw, error))
    return FALSE;

  switch (sw)
    {
    case SW_OK:
      /* Any FCI the card returns is ignored. */
      return TRUE;
    case SW_NOT_FOUND:
    case SW_FUNC_NOT_SUPPORTED:
    case SW_WRONG_P1P2:
    case SW_WRONG_LENGTH:
    case SW_INS_NOT_SUPPORTED:
    case SW_CLA_NOT_SUPPORTED:
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NOT_KOUAN_CARD,
                   "This card has no Kouan application (SELECT answered %04X)", sw);
      return FALSE;
    default:
      return unexpected_sw (error, "SELECT application", sw);
    }
}

/* Total length of the DER element starting at @data, or 0 if the bytes
 * cannot be the start of a certificate. */
static gsize
der_total_length (const guint8 *data,
                  gsize         length)
{
  if (length < 2 || data[0] != 0x30)
    return 0;
  if (data[1] < 0x80)
    return 2 + data[1];
  if (data[1] == 0x81 && length >= 3)
    return 3 + data[2];
  if (data[1] == 0x82 && length >= 4)
    return 4 + ((gsize) data[2] << 8 | data[3]);
  return 0;
}

GBytes *
_kouan_card_link_read_certificate (KouanCardLink  *link,
                                   GCancellable   *cancellable,
                                   GError        **error)
{
  const guint8 select_ef[] = { 0x00, INS_SELECT, 0x02, 0x0C, 0x02,
                               CERT_FILE_ID_HI, CERT_FILE_ID_LO };
  guint8 response[RESPONSE_MAX];
  gsize response_len;
  g_autoptr(GByteArray) der = g_byte_array_new ();
  gsize total = 0;
  guint16 sw;

  if (!select_application (link, error))
    return NULL;

  if (!transmit (link, select_ef, sizeof select_ef, response, &response_len, &sw, error))
    return NULL;
  if (sw == SW_NOT_FOUND)
    {
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NOT_KOUAN_CARD,
                   "The card holds no certificate");
      return NULL;
    }
  if (sw != SW_OK)
    return unexpected_sw (error, "SELECT certificate", sw), NULL;

  do
    {
      gsize wanted = total == 0 ? 256 : MIN (total - der->len, 256);
      guint8 apdu[5] = { 0x00, INS_READ_BINARY,
                         (guint8) (der->len >> 8), (guint8) (der->len & 0xFF),
                         (guint8) (wanted == 256 ? 0x00 : wanted) };

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      if (!transmit (link, apdu, sizeof apdu, response, &response_len, &sw, error))
        return NULL;
      if (sw != SW_OK)
        return unexpected_sw (error, "READ BINARY", sw), NULL;
      /* An empty answer would make no progress: refuse it rather than loop. */
      if (response_len == 0 || response_len > wanted)
        {
          g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                       "READ BINARY returned %" G_GSIZE_FORMAT " bytes for %" G_GSIZE_FORMAT,
                       response_len, wanted);
          return NULL;
        }
      g_byte_array_append (der, response, (guint) response_len);

      if (total == 0)
        {
          total = der_total_length (der->data, der->len);
          if (total == 0 || total > KOUAN_CARD_CERT_MAX)
            {
              g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                           "The certificate file does not hold a DER certificate");
              return NULL;
            }
        }
      if (der->len > total)
        {
          g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                       "READ BINARY returned more than the certificate");
          return NULL;
        }
    }
  while (der->len < total);

  return g_byte_array_free_to_bytes (g_steal_pointer (&der));
}

/* Empty VERIFY: tries left (0 when blocked) without spending one. */
static int
query_tries_left (KouanCardLink  *link,
                  GError        **error)
{
  const guint8 apdu[4] = { 0x00, INS_VERIFY, 0x00, 0x81 };
  guint8 response[RESPONSE_MAX];
  gsize response_len;
  guint16 sw;

  if (!transmit (link, apdu, sizeof apdu, response, &response_len, &sw, error))
    return -1;
  if (response_len == 0 && (sw & 0xFFF0) == 0x63C0)
    return sw & 0x000F;
  if (response_len == 0 && sw == SW_PIN_BLOCKED)
    return 0;

  /* 9000 is impossible here: the application was just selected, which
   * clears any earlier verification. */
  unexpected_sw (error, "VERIFY (status)", sw);
  return -1;
}

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
  if (select_application (&link, &error))
    tries = query_tries_left (&link, &error);
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

/* Sends the PIN.  Returns TRUE once verified; sets op->tries_left on a
 * refusal.  The APDU holding the PIN is wiped before returning. */
static gboolean
verify_pin (KouanCardLink  *link,
            CardOp         *op,
            GError        **error)
{
  guint8 apdu[5 + KOUAN_CARD_PIN_MAX] = { 0x00, INS_VERIFY, 0x00, 0x81 };
  guint8 response[RESPONSE_MAX];
  gsize response_len;
  gboolean sent;
  guint16 sw = 0;

  apdu[4] = (guint8) op->pin->length;
  memcpy (apdu + 5, op->pin->digits, op->pin->length);
  sent = transmit (link, apdu, 5 + op->pin->length, response, &response_len, &sw, error);
  _kouan_card_wipe (apdu, sizeof apdu);
  /* The PIN is not needed any more, whatever the answer. */
  _kouan_card_wipe (op->pin, sizeof *op->pin);

  if (!sent)
    return FALSE;

  if (sw == SW_OK)
    return TRUE;

  if (sw == SW_PIN_BLOCKED || sw == 0x63C0)
    {
      op->tries_left = 0;
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PIN_BLOCKED,
                   "Wrong PIN; the card is now blocked");
      return FALSE;
    }
  if ((sw & 0xFFF0) == 0x63C0)
    {
      op->tries_left = sw & 0x000F;
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_WRONG_PIN,
                   "Wrong PIN: %d tries left", op->tries_left);
      return FALSE;
    }
  if (sw == SW_WRONG_DATA || sw == SW_WRONG_LENGTH)
    {
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_INVALID_PIN,
                   "The card refused the PIN format (%04X)", sw);
      return FALSE;
    }
  return unexpected_sw (error, "VERIFY", sw);
}

/* Minimal structural check of a DER ECDSA-Sig-Value: SEQUENCE of two
 * INTEGERs filling it exactly.  The server verifies it cryptographically. */
static gboolean
is_der_ecdsa_signature (const guint8 *sig,
                        gsize         length)
{
  gsize pos = 2;

  if (length < 8 || length > 2 + 2 * (2 + 33) || sig[0] != 0x30 || sig[1] != length - 2)
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      if (pos + 2 > length || sig[pos] != 0x02 || sig[pos + 1] == 0 || sig[pos + 1] > 33)
        return FALSE;
      pos += 2 + sig[pos + 1];
    }
  return pos == length;
}

static GBytes *
internal_authenticate (KouanCardLink  *link,
                       GBytes         *challenge,
                       GError        **error)
{
  guint8 apdu[5 + KOUAN_CARD_CHALLENGE_MAX + 1] = { 0x00, INS_INTERNAL_AUTH, 0x00, 0x00 };
  guint8 response[RESPONSE_MAX];
  gsize response_len;
  gsize challenge_len;
  const guint8 *data = g_bytes_get_data (challenge, &challenge_len);
  guint16 sw;

  apdu[4] = (guint8) challenge_len;
  memcpy (apdu + 5, data, challenge_len);
  apdu[5 + challenge_len] = 0x00;   /* Le: up to 256 bytes */

  if (!transmit (link, apdu, 5 + challenge_len + 1, response, &response_len, &sw, error))
    return NULL;
  if (sw == SW_SECURITY_STATUS)
    {
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                   "The card refused to sign although the PIN was accepted");
      return NULL;
    }
  if (sw != SW_OK)
    return unexpected_sw (error, "INTERNAL AUTHENTICATE", sw), NULL;
  if (!is_der_ecdsa_signature (response, response_len))
    {
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                   "The card returned a malformed signature (%" G_GSIZE_FORMAT " bytes)",
                   response_len);
      return NULL;
    }
  return g_bytes_new (response, response_len);
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
  int tries;

  if (!_kouan_card_link_open (&link, 0, op->reader, &error))
    goto out;

  certificate = _kouan_card_link_read_certificate (&link, cancellable, &error);
  if (certificate == NULL)
    goto out;

  /* A blocked card must not even see the PIN. */
  tries = query_tries_left (&link, &error);
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
  if (!verify_pin (&link, op, &error))
    goto out;
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto out;

  signature = internal_authenticate (&link, op->challenge, &error);

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
