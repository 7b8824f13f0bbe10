/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-vcard: a virtual Kouan IC card for pcscd's vsmartcard-vpcd driver.
 *
 * vpcd listens on a TCP port (35963 by default, set by DEVICENAME in its
 * reader.conf); the virtual card connects to it.  Each message either way is
 * a 2-byte big-endian length and a payload.  A 1-byte payload from vpcd is a
 * control command (0 power off, 1 power on, 2 reset, 4 get ATR; only the
 * last is answered, with the ATR); anything longer is a command APDU,
 * answered with the response APDU.  Closing the connection is pulling the
 * card out; connecting again is inserting it.
 *
 * The card application is the one of docs/card-protocol.md.  Commands on
 * stdin, one per line, drive the tests:
 *   insert | remove | quit
 *   pull-on XX      pull the card out when an APDU with INS XX arrives
 *   misbehave MODE  none | short | garbage | bad-cert | empty-read |
 *                   bad-signature | foreign | silent | random
 *   count           prints "count verify=N status=N sign=N tries=N"
 * Each command is acknowledged with one line on stdout ("ok ..."); logs go
 * to stderr and never show the PIN. */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "kouan-sm2.h"

#define AID            "\xF0\x4B\x4F\x55\x41\x4E\x01"
#define AID_LEN        7
#define SIGN_LABEL     "kouan-card-login-v1"
#define IO_TIMEOUT_MS  5000

typedef enum {
  MISBEHAVE_NONE,
  MISBEHAVE_SHORT,
  MISBEHAVE_GARBAGE,
  MISBEHAVE_BAD_CERT,
  MISBEHAVE_EMPTY_READ,
  MISBEHAVE_BAD_SIGNATURE,
  MISBEHAVE_FOREIGN,        /* acts as a card without the Kouan application */
  MISBEHAVE_SILENT,         /* never answers an APDU */
  MISBEHAVE_RANDOM,         /* one answer in three random, 1 to 400 bytes */
} Misbehave;

typedef struct {
  /* configuration */
  char               *host;
  guint16             port;
  char               *pin;
  int                 max_tries;
  GBytes             *certificate;   /* DER */
  gnutls_privkey_t    key;           /* an ECDSA card, or */
  gboolean            sm2;           /* an SM2 card with: */
  guint8              sm2_d[KOUAN_SM2_SCALAR_SIZE];
  guint8              sm2_point[KOUAN_SM2_POINT_SIZE];
  guint8              atr[16];
  gsize               atr_len;

  /* connection to vpcd: -1 when the card is out */
  int                 sock;

  /* card state, reset on power-up and reset */
  gboolean            app_selected;
  gboolean            ef_selected;
  gboolean            verified;
  int                 tries;

  /* test controls */
  Misbehave           misbehave;
  int                 pull_on_ins;   /* -1: never */
  guint               n_verify;      /* VERIFY carrying a PIN */
  guint               n_status;      /* empty VERIFY */
  guint               n_sign;
} VCard;

static void
reply_line (const char *format,
            ...) G_GNUC_PRINTF (1, 2);

static void
reply_line (const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

/* ---- vpcd framing ------------------------------------------------------ */

/* Reads exactly @length bytes, giving up after IO_TIMEOUT_MS of silence so
 * a stuck peer never hangs the card. */
static gboolean
read_full (int     fd,
           guint8 *buffer,
           gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      ssize_t r;

      if (poll (&pfd, 1, IO_TIMEOUT_MS) <= 0)
        return FALSE;
      r = read (fd, buffer + done, length - done);
      if (r <= 0)
        {
          if (r < 0 && errno == EINTR)
            continue;
          return FALSE;
        }
      done += (gsize) r;
    }
  return TRUE;
}

static gboolean
send_frame (VCard        *card,
            const guint8 *data,
            gsize         length)
{
  guint8 frame[2 + 0x10000];
  gsize done = 0;

  frame[0] = (guint8) (length >> 8);
  frame[1] = (guint8) length;
  memcpy (frame + 2, data, length);
  length += 2;

  while (done < length)
    {
      ssize_t w = send (card->sock, frame + done, length - done, MSG_NOSIGNAL);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return FALSE;
      done += (gsize) w;
    }
  return TRUE;
}

static void
card_reset (VCard *card)
{
  card->app_selected = FALSE;
  card->ef_selected = FALSE;
  card->verified = FALSE;
}

static void
card_remove (VCard *card)
{
  if (card->sock >= 0)
    {
      close (card->sock);
      card->sock = -1;
      g_printerr ("vcard: card removed\n");
    }
  card_reset (card);
}

static gboolean
card_insert (VCard *card)
{
  struct sockaddr_in addr = { 0 };

  if (card->sock >= 0)
    return TRUE;

  addr.sin_family = AF_INET;
  addr.sin_port = htons (card->port);
  if (inet_pton (AF_INET, card->host, &addr.sin_addr) != 1)
    {
      g_printerr ("vcard: bad host %s\n", card->host);
      return FALSE;
    }

  /* pcscd may still be starting: retry for a while. */
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int one = 1;

      if (fd < 0)
        return FALSE;
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0)
        {
          card->sock = fd;
          card_reset (card);
          g_printerr ("vcard: card inserted (port %u)\n", card->port);
          return TRUE;
        }
      close (fd);
      g_usleep (100 * G_TIME_SPAN_MILLISECOND);
    }

  g_printerr ("vcard: cannot reach vpcd on %s:%u\n", card->host, card->port);
  return FALSE;
}

/* ---- The card application ---------------------------------------------- */

typedef struct {
  guint8 data[258];
  gsize  length;
} Response;

static void
respond_sw (Response *r,
            guint16   sw)
{
  r->data[r->length++] = (guint8) (sw >> 8);
  r->data[r->length++] = (guint8) sw;
}

static void
respond_data (Response     *r,
              const void   *data,
              gsize         length,
              guint16       sw)
{
  memcpy (r->data, data, length);
  r->length = length;
  respond_sw (r, sw);
}

static void
do_select (VCard        *card,
           guint8        p1,
           guint8        p2,
           const guint8 *data,
           gsize         lc,
           Response     *r)
{
  if (p1 == 0x04)
    {
      if (p2 != 0x00 && p2 != 0x0C)
        { respond_sw (r, 0x6A86); return; }
      if (lc != AID_LEN || memcmp (data, AID, AID_LEN) != 0 ||
          card->misbehave == MISBEHAVE_FOREIGN)
        {
          card_reset (card);
          { respond_sw (r, 0x6A82); return; }
        }
      /* Selecting the application again drops an earlier verification. */
      card->app_selected = TRUE;
      card->ef_selected = FALSE;
      card->verified = FALSE;
      { respond_sw (r, 0x9000); return; }
    }
  if (p1 == 0x02)
    {
      if (!card->app_selected)
        { respond_sw (r, 0x6985); return; }
      if (lc != 2 || data[0] != 0xC0 || data[1] != 0x01)
        { respond_sw (r, 0x6A82); return; }
      card->ef_selected = TRUE;
      { respond_sw (r, 0x9000); return; }
    }
  respond_sw (r, 0x6A86);
}

static void
do_verify (VCard        *card,
           guint8        p1,
           guint8        p2,
           const guint8 *data,
           gsize         lc,
           gboolean      has_le,
           Response     *r)
{
  gboolean match;

  if (!card->app_selected)
    { respond_sw (r, 0x6985); return; }
  if (p1 != 0x00 || p2 != 0x81)
    { respond_sw (r, 0x6A86); return; }
  if (has_le)
    { respond_sw (r, 0x6700); return; }

  if (lc == 0)
    {
      card->n_status++;
      if (card->verified)
        { respond_sw (r, 0x9000); return; }
      if (card->tries == 0)
        { respond_sw (r, 0x6983); return; }
      { respond_sw (r, (guint16) (0x63C0 | card->tries)); return; }
    }

  card->n_verify++;
  if (card->tries == 0)
    { respond_sw (r, 0x6983); return; }
  if (lc < 4 || lc > 12)
    { respond_sw (r, 0x6A80); return; }
  for (gsize i = 0; i < lc; i++)
    if (data[i] < '0' || data[i] > '9')
      { respond_sw (r, 0x6A80); return; }

  match = lc == strlen (card->pin) && memcmp (data, card->pin, lc) == 0;
  if (match)
    {
      card->tries = card->max_tries;
      card->verified = TRUE;
      g_printerr ("vcard: PIN verified\n");
      { respond_sw (r, 0x9000); return; }
    }

  card->tries--;
  card->verified = FALSE;
  g_printerr ("vcard: wrong PIN, %d tries left\n", card->tries);
  respond_sw (r, (guint16) (0x63C0 | card->tries));
}

static void
do_read_binary (VCard    *card,
                guint8    p1,
                guint8    p2,
                gsize     lc,
                gboolean  has_le,
                gsize     le,
                Response *r)
{
  gsize size;
  const guint8 *der = g_bytes_get_data (card->certificate, &size);
  gsize offset = ((gsize) p1 << 8) | p2;
  gsize n;

  if (!card->app_selected || !card->ef_selected)
    { respond_sw (r, 0x6986); return; }
  if (p1 & 0x80)
    { respond_sw (r, 0x6A86); return; }
  if (lc != 0 || !has_le)
    { respond_sw (r, 0x6700); return; }
  if (offset >= size)
    { respond_sw (r, 0x6B00); return; }

  if (card->misbehave == MISBEHAVE_EMPTY_READ)
    { respond_sw (r, 0x9000); return; }
  if (card->misbehave == MISBEHAVE_BAD_CERT && offset == 0)
    {
      /* A header claiming a 65 KiB certificate. */
      static const guint8 bogus[] = { 0x30, 0x82, 0xFF, 0xFF, 0x30, 0x82 };
      { respond_data (r, bogus, sizeof bogus, 0x9000); return; }
    }

  n = MIN (le, size - offset);
  respond_data (r, der + offset, n, 0x9000);
}

static void
do_internal_authenticate (VCard        *card,
                          guint8        p1,
                          guint8        p2,
                          const guint8 *data,
                          gsize         lc,
                          Response     *r)
{
  g_autoptr(GByteArray) message = g_byte_array_new ();
  gnutls_datum_t to_sign, signature = { NULL, 0 };
  int ret;

  if (!card->app_selected)
    { respond_sw (r, 0x6985); return; }
  if (p1 != 0x00 || p2 != 0x00)
    { respond_sw (r, 0x6A86); return; }
  if (lc < 16 || lc > 64)
    { respond_sw (r, 0x6700); return; }
  if (!card->verified)
    { respond_sw (r, 0x6982); return; }

  card->n_sign++;
  if (card->misbehave == MISBEHAVE_BAD_SIGNATURE)
    {
      static const guint8 junk[] = { 0x30, 0x07, 0x02, 0x01, 0x01, 0x05, 0x00, 0xFF };
      { respond_data (r, junk, sizeof junk, 0x9000); return; }
    }

  g_byte_array_append (message, (const guint8 *) SIGN_LABEL, strlen (SIGN_LABEL));
  g_byte_array_append (message, data, (guint) lc);
  to_sign.data = message->data;
  to_sign.size = message->len;

  if (card->sm2)
    {
      /* SM2 over SM3 with the default user ID (docs/card-protocol.md). */
      g_autoptr(GBytes) sm2_signature =
        kouan_sm2_sign (card->sm2_d, card->sm2_point,
                        (const guint8 *) KOUAN_SM2_DEFAULT_ID, strlen (KOUAN_SM2_DEFAULT_ID),
                        message->data, message->len);

      if (sm2_signature == NULL)
        {
          g_printerr ("vcard: SM2 signing failed\n");
          { respond_sw (r, 0x6F00); return; }
        }
      respond_data (r, g_bytes_get_data (sm2_signature, NULL), g_bytes_get_size (sm2_signature),
                    0x9000);
      return;
    }

  ret = gnutls_privkey_sign_data (card->key, GNUTLS_DIG_SHA256, 0, &to_sign, &signature);
  if (ret < 0 || signature.size > 256)
    {
      g_printerr ("vcard: signing failed: %s\n", gnutls_strerror (ret));
      gnutls_free (signature.data);
      { respond_sw (r, 0x6F00); return; }
    }
  respond_data (r, signature.data, signature.size, 0x9000);
  gnutls_free (signature.data);
}

/* Parses a short command APDU and dispatches it. */
static void
process_apdu (VCard        *card,
              const guint8 *apdu,
              gsize         length,
              Response     *r)
{
  gsize lc = 0, le = 0;
  gboolean has_le = FALSE;
  const guint8 *data = NULL;

  r->length = 0;

  if (length < 4)
    { respond_sw (r, 0x6700); return; }
  if (apdu[0] != 0x00)
    { respond_sw (r, 0x6E00); return; }

  if (length == 5)
    {
      has_le = TRUE;
      le = apdu[4] == 0 ? 256 : apdu[4];
    }
  else if (length > 5)
    {
      lc = apdu[4];
      data = apdu + 5;
      if (lc == 0)
        { respond_sw (r, 0x6700); return; }
      if (length == 6 + lc)
        {
          has_le = TRUE;
          le = apdu[5 + lc] == 0 ? 256 : apdu[5 + lc];
        }
      else if (length != 5 + lc)
        { respond_sw (r, 0x6700); return; }
    }

  switch (apdu[1])
    {
    case 0xA4:
      { do_select (card, apdu[2], apdu[3], data, lc, r); return; }
    case 0x20:
      { do_verify (card, apdu[2], apdu[3], data, lc, has_le, r); return; }
    case 0xB0:
      { do_read_binary (card, apdu[2], apdu[3], lc, has_le, le, r); return; }
    case 0x88:
      { do_internal_authenticate (card, apdu[2], apdu[3], data, lc, r); return; }
    default:
      { respond_sw (r, 0x6D00); return; }
    }
}

/* Replaces a good answer by a broken one in the "short"/"garbage" modes. */
static void
apply_misbehaviour (VCard    *card,
                    Response *r)
{
  if (card->misbehave == MISBEHAVE_SHORT)
    {
      r->data[0] = 0x90;
      r->length = 1;
    }
  else if (card->misbehave == MISBEHAVE_GARBAGE)
    {
      for (gsize i = 0; i < 40; i++)
        r->data[i] = (guint8) g_random_int ();
      r->data[38] = 0x12;
      r->data[39] = 0x34;
      r->length = 40;
    }
}

/* Random answers, sent by themselves: longer than any short APDU answer
 * at times, and never empty (vpcd takes an empty answer for a removal). */
static gboolean
send_random_answer (VCard *card)
{
  guint8 answer[400];
  gsize length = (gsize) g_random_int_range (1, sizeof answer + 1);

  for (gsize i = 0; i < length; i++)
    answer[i] = (guint8) g_random_int ();
  /* Now and then a plausible status word, to reach deeper client paths. */
  if (length >= 2 && g_random_boolean ())
    {
      static const guint16 words[] = { 0x9000, 0x63C2, 0x6983, 0x6982, 0x6A82, 0x6700 };
      guint16 sw = words[g_random_int_range (0, G_N_ELEMENTS (words))];

      answer[length - 2] = (guint8) (sw >> 8);
      answer[length - 1] = (guint8) sw;
    }
  return send_frame (card, answer, length);
}

/* Handles one message from vpcd.  Returns FALSE when the card left. */
static gboolean
handle_vpcd (VCard *card)
{
  guint8 header[2];
  guint8 payload[0x10000];
  gsize length;
  guint8 ins;
  Response r;

  if (!read_full (card->sock, header, sizeof header))
    {
      g_printerr ("vcard: vpcd closed the connection\n");
      return FALSE;
    }
  length = ((gsize) header[0] << 8) | header[1];
  if (length == 0 || !read_full (card->sock, payload, length))
    return FALSE;

  if (length == 1)
    {
      switch (payload[0])
        {
        case 0:   /* power off */
        case 1:   /* power on */
        case 2:   /* reset */
          card_reset (card);
          return TRUE;
        case 4:   /* get ATR */
          return send_frame (card, card->atr, card->atr_len);
        default:
          g_printerr ("vcard: unknown control %u\n", payload[0]);
          return TRUE;
        }
    }

  if (card->pull_on_ins >= 0 && length >= 2 && payload[1] == card->pull_on_ins)
    {
      g_printerr ("vcard: pulled out on INS %02X\n", payload[1]);
      card->pull_on_ins = -1;
      return FALSE;
    }

  if (card->misbehave == MISBEHAVE_SILENT)
    {
      /* Leaves pcscd waiting, as a crashed card would. */
      g_printerr ("vcard: ignoring an APDU\n");
      return TRUE;
    }

  /* Answering the others properly lets the client get deep into its
   * exchanges before something goes wrong. */
  if (card->misbehave == MISBEHAVE_RANDOM && g_random_int_range (0, 3) == 0)
    return send_random_answer (card);

  ins = length >= 2 ? payload[1] : 0;
  process_apdu (card, payload, length, &r);
  /* The VERIFY buffer carried the PIN. */
  memset (payload, 0, length);
  g_printerr ("vcard: INS %02X -> %02X%02X\n", ins,
              r.data[r.length - 2], r.data[r.length - 1]);
  apply_misbehaviour (card, &r);
  return send_frame (card, r.data, r.length);
}

/* ---- Control on stdin -------------------------------------------------- */

static const struct {
  const char *name;
  Misbehave   mode;
} misbehave_modes[] = {
  { "none", MISBEHAVE_NONE },
  { "short", MISBEHAVE_SHORT },
  { "garbage", MISBEHAVE_GARBAGE },
  { "bad-cert", MISBEHAVE_BAD_CERT },
  { "empty-read", MISBEHAVE_EMPTY_READ },
  { "bad-signature", MISBEHAVE_BAD_SIGNATURE },
  { "foreign", MISBEHAVE_FOREIGN },
  { "silent", MISBEHAVE_SILENT },
  { "random", MISBEHAVE_RANDOM },
};

/* Returns FALSE on "quit" or end of input. */
static gboolean
handle_command (VCard      *card,
                const char *line)
{
  if (g_str_equal (line, "quit"))
    return FALSE;
  if (g_str_equal (line, "insert"))
    {
      if (card_insert (card))
        reply_line ("ok insert");
      else
        reply_line ("error insert");
    }
  else if (g_str_equal (line, "remove"))
    {
      card_remove (card);
      reply_line ("ok remove");
    }
  else if (g_str_equal (line, "count"))
    reply_line ("count verify=%u status=%u sign=%u tries=%d",
                card->n_verify, card->n_status, card->n_sign, card->tries);
  else if (g_str_has_prefix (line, "pull-on "))
    {
      card->pull_on_ins = (int) g_ascii_strtoll (line + 8, NULL, 16);
      reply_line ("ok pull-on %02X", card->pull_on_ins);
    }
  else if (g_str_has_prefix (line, "misbehave "))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (misbehave_modes); i++)
        if (g_str_equal (line + 10, misbehave_modes[i].name))
          {
            card->misbehave = misbehave_modes[i].mode;
            reply_line ("ok misbehave %s", misbehave_modes[i].name);
            return TRUE;
          }
      reply_line ("error unknown mode");
    }
  else if (*line != '\0')
    reply_line ("error unknown command");
  return TRUE;
}

/* ---- Setup ------------------------------------------------------------- */

static gboolean
load_identity (VCard       *card,
               const char  *cert_path,
               const char  *key_path,
               GError     **error)
{
  gnutls_datum_t pem = { NULL, 0 }, der = { NULL, 0 };
  gnutls_x509_crt_t crt = NULL;
  int ret;

  ret = gnutls_load_file (cert_path, &pem);
  if (ret >= 0)
    ret = gnutls_x509_crt_init (&crt);
  if (ret >= 0)
    ret = gnutls_x509_crt_import (crt, &pem, GNUTLS_X509_FMT_PEM);
  if (ret >= 0)
    ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  gnutls_free (pem.data);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (ret < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", cert_path,
                   gnutls_strerror (ret));
      return FALSE;
    }
  card->certificate = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);

  ret = gnutls_load_file (key_path, &pem);
  if (ret >= 0)
    ret = gnutls_privkey_init (&card->key);
  if (ret >= 0)
    ret = gnutls_privkey_import_x509_raw (card->key, &pem, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (ret < 0 && pem.data != NULL)
    {
      /* GnuTLS knows no SM2 (it fails in its ASN.1 reading of the curve):
       * read the PKCS#8 key ourselves; if that fails too, GnuTLS's error
       * is the one to report. */
      if (gnutls_pem_base64_decode2 ("PRIVATE KEY", &pem, &der) >= 0 &&
          kouan_sm2_private_key_parse (der.data, der.size, card->sm2_d, card->sm2_point))
        {
          card->sm2 = TRUE;
          ret = 0;
        }
      if (der.data != NULL)
        gnutls_memset (der.data, 0, der.size);
      gnutls_free (der.data);
    }
  gnutls_free (pem.data);
  if (ret < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", key_path,
                   gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

static void
build_atr (VCard *card)
{
  /* TS, T0 (TD1 follows, 5 historical bytes), TD1 (T=1), "KOUAN", TCK. */
  static const guint8 head[] = { 0x3B, 0x85, 0x01, 'K', 'O', 'U', 'A', 'N' };
  guint8 tck = 0;

  memcpy (card->atr, head, sizeof head);
  for (gsize i = 1; i < sizeof head; i++)
    tck ^= head[i];
  card->atr[sizeof head] = tck;
  card->atr_len = sizeof head + 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *host = NULL;
  g_autofree char *pin = NULL;
  int port = 35963;
  int tries = 3;
  gboolean removed = FALSE;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "vpcd port (default 35963)", "PORT" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "vpcd host (default 127.0.0.1)", "ADDR" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_path, "holder certificate (PEM)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "holder private key (PEM)", "FILE" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin, "card PIN (default 123456)", "DIGITS" },
    { "tries", 0, 0, G_OPTION_ARG_INT, &tries, "PIN tries (default 3)", "N" },
    { "removed", 0, 0, G_OPTION_ARG_NONE, &removed, "start with the card out", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- virtual Kouan IC card for vpcd");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  VCard card = { 0 };
  gboolean running = TRUE;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("kouan-vcard: %s\n", error->message);
      return 2;
    }
  if (cert_path == NULL || key_path == NULL || port <= 0 || port > 65535 ||
      tries < 1 || tries > 15)
    {
      g_printerr ("kouan-vcard: --cert and --key are required; --tries is 1 to 15\n");
      return 2;
    }

  card.host = host != NULL ? host : (char *) "127.0.0.1";
  card.port = (guint16) port;
  card.pin = pin != NULL ? pin : (char *) "123456";
  card.max_tries = card.tries = tries;
  card.sock = -1;
  card.pull_on_ins = -1;
  build_atr (&card);

  if (strlen (card.pin) < 4 || strlen (card.pin) > 12 ||
      strspn (card.pin, "0123456789") != strlen (card.pin))
    {
      g_printerr ("kouan-vcard: the PIN must be 4 to 12 digits\n");
      return 2;
    }
  if (!load_identity (&card, cert_path, key_path, &error))
    {
      g_printerr ("kouan-vcard: %s\n", error->message);
      return 2;
    }

  signal (SIGPIPE, SIG_IGN);

  if (!removed && !card_insert (&card))
    return 1;
  reply_line ("ready");

  while (running)
    {
      struct pollfd fds[2] = {
        { .fd = STDIN_FILENO, .events = POLLIN },
        { .fd = card.sock, .events = POLLIN },
      };

      if (poll (fds, card.sock >= 0 ? 2 : 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }

      if (card.sock >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
        if (!handle_vpcd (&card))
          card_remove (&card);

      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
          char chunk[256];
          ssize_t n = read (STDIN_FILENO, chunk, sizeof chunk);
          char *newline;

          if (n <= 0)
            break;   /* the test or the shell went away */
          g_string_append_len (input, chunk, n);
          while ((newline = strchr (input->str, '\n')) != NULL)
            {
              g_autofree char *line = g_strndup (input->str, (gsize) (newline - input->str));

              g_string_erase (input, 0, (newline - input->str) + 1);
              if (!handle_command (&card, g_strstrip (line)))
                running = FALSE;
            }
        }
    }

  card_remove (&card);
  gnutls_privkey_deinit (card.key);
  memset (card.sm2_d, 0, sizeof card.sm2_d);
  g_bytes_unref (card.certificate);
  return 0;
}
