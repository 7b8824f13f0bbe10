/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The APDU exchange with Kouan's card application (docs/card-protocol.md)
 * over one PC/SC connection.  Every answer from the card is checked for
 * length and status word before it is used: a card is untrusted input.
 * Only INS, P1, P2, lengths and status words are ever logged. */

#include "config.h"

#include <string.h>

#include "kouan-card-private.h"

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

static gint card_activity;

guint
_kouan_card_get_activity (void)
{
  return (guint) g_atomic_int_get (&card_activity);
}

void
_kouan_card_activity_begin (void)
{
  g_atomic_int_inc (&card_activity);
}

void
_kouan_card_activity_end (void)
{
  g_atomic_int_dec_and_test (&card_activity);
}

gboolean
_kouan_card_link_open (KouanCardLink  *link,
                       SCARDCONTEXT    context,
                       const char     *reader,
                       GError        **error)
{
  LONG rv;

  memset (link, 0, sizeof *link);
  link->counted = TRUE;
  _kouan_card_activity_begin ();

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
  if (link->counted)
    _kouan_card_activity_end ();
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

gboolean
_kouan_card_link_select_application (KouanCardLink  *link,
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
  g_autoptr(GBytes) certificate = NULL;
  gsize total = 0;
  guint16 sw;

  if (!_kouan_card_link_select_application (link, error))
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
    {
      unexpected_sw (error, "SELECT certificate", sw);
      return NULL;
    }

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
        {
          unexpected_sw (error, "READ BINARY", sw);
          return NULL;
        }
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

  /* The pieces add up; now the whole must be a certificate (a piece the
   * card got wrong but that fits would otherwise pass unnoticed). */
  certificate = g_byte_array_free_to_bytes (g_steal_pointer (&der));
  if (kouan_card_certificate_get_key_algorithm (certificate) == KOUAN_CARD_KEY_MALFORMED)
    {
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                   "The certificate file does not hold an X.509 certificate");
      return NULL;
    }
  return g_steal_pointer (&certificate);
}

int
_kouan_card_link_query_tries_left (KouanCardLink  *link,
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

gboolean
_kouan_card_link_verify_pin (KouanCardLink  *link,
                             const guint8   *digits,
                             gsize           length,
                             int            *tries_left,
                             GError        **error)
{
  guint8 apdu[5 + KOUAN_CARD_PIN_MAX] = { 0x00, INS_VERIFY, 0x00, 0x81 };
  guint8 response[RESPONSE_MAX];
  gsize response_len;
  gboolean sent;
  guint16 sw = 0;

  g_return_val_if_fail (length >= KOUAN_CARD_PIN_MIN && length <= KOUAN_CARD_PIN_MAX, FALSE);

  apdu[4] = (guint8) length;
  memcpy (apdu + 5, digits, length);
  sent = transmit (link, apdu, 5 + length, response, &response_len, &sw, error);
  _kouan_card_wipe (apdu, sizeof apdu);

  if (!sent)
    return FALSE;

  if (sw == SW_OK)
    return TRUE;

  if (sw == SW_PIN_BLOCKED || sw == 0x63C0)
    {
      *tries_left = 0;
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PIN_BLOCKED,
                   "Wrong PIN; the card is now blocked");
      return FALSE;
    }
  if ((sw & 0xFFF0) == 0x63C0)
    {
      *tries_left = sw & 0x000F;
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_WRONG_PIN,
                   "Wrong PIN: %d tries left", *tries_left);
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

GBytes *
_kouan_card_link_internal_authenticate (KouanCardLink  *link,
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
    {
      unexpected_sw (error, "INTERNAL AUTHENTICATE", sw);
      return NULL;
    }
  if (!is_der_ecdsa_signature (response, response_len))
    {
      g_set_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL,
                   "The card returned a malformed signature (%" G_GSIZE_FORMAT " bytes)",
                   response_len);
      return NULL;
    }
  return g_bytes_new (response, response_len);
}
