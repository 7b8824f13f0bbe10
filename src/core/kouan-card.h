/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Kouan's IC card over PC/SC (libpcsclite, or winscard.dll on Windows).
 * The card application is specified in docs/card-protocol.md.  Everything
 * that talks to the card runs on a worker thread; results come back on the
 * main context of the caller. */

#define KOUAN_CARD_ERROR (kouan_card_error_quark ())

typedef enum {
  KOUAN_CARD_ERROR_PCSC,           /* smart-card service missing or failing */
  KOUAN_CARD_ERROR_NO_READER,      /* no card reader connected */
  KOUAN_CARD_ERROR_NO_CARD,        /* reader present, no card in it */
  KOUAN_CARD_ERROR_CARD_REMOVED,   /* card pulled out during the exchange */
  KOUAN_CARD_ERROR_NOT_KOUAN_CARD, /* a card without the Kouan application */
  KOUAN_CARD_ERROR_INVALID_PIN,    /* not 4 to 12 digits; never sent to the card */
  KOUAN_CARD_ERROR_WRONG_PIN,      /* the card refused the PIN; see tries_left */
  KOUAN_CARD_ERROR_PIN_BLOCKED,    /* no tries left: the card issuer must unblock it */
  KOUAN_CARD_ERROR_PROTOCOL,       /* unexpected status word, length or data */
} KouanCardError;

GQuark kouan_card_error_quark (void);

/* The application identifier: F0 'K' 'O' 'U' 'A' 'N' 01. */
#define KOUAN_CARD_AID         "\xF0\x4B\x4F\x55\x41\x4E\x01"
#define KOUAN_CARD_AID_LEN     7
/* The message the card signs is this label (no NUL) followed by the
 * challenge, with ECDSA P-256 over SHA-256 or, for a card whose
 * certificate has an SM2 key, with SM2 over SM3 (kouan-sm2.h). */
#define KOUAN_CARD_SIGN_LABEL  "kouan-card-login-v1"
#define KOUAN_CARD_CHALLENGE_MIN  16
#define KOUAN_CARD_CHALLENGE_MAX  64
#define KOUAN_CARD_PIN_MIN     4
#define KOUAN_CARD_PIN_MAX     12
#define KOUAN_CARD_CERT_MAX    8192

typedef enum {
  KOUAN_CARD_STATE_NO_SERVICE,    /* pcscd / the Windows service is not running */
  KOUAN_CARD_STATE_NO_READER,
  KOUAN_CARD_STATE_NO_CARD,
  KOUAN_CARD_STATE_CARD_PRESENT,  /* card found; certificate being read */
  KOUAN_CARD_STATE_CARD_READY,    /* certificate read: holder name known */
  KOUAN_CARD_STATE_CARD_UNUSABLE, /* not a Kouan card, or its answers made no sense */
} KouanCardState;

GType kouan_card_state_get_type (void);
#define KOUAN_TYPE_CARD_STATE (kouan_card_state_get_type ())

/* ---- Monitor ----------------------------------------------------------- */

#define KOUAN_TYPE_CARD_MONITOR (kouan_card_monitor_get_type ())
G_DECLARE_FINAL_TYPE (KouanCardMonitor, kouan_card_monitor, KOUAN, CARD_MONITOR, GObject)

/* Starts watching readers and cards at once, on a dedicated thread, with
 * SCardGetStatusChange.  Property notifications and the "changed" signal
 * are emitted on the thread-default main context of the caller.  Dropping
 * the last reference stops the thread (SCardCancel) without waiting for it,
 * so a card that stopped answering cannot hold up the caller. */
KouanCardMonitor *kouan_card_monitor_new              (void);
KouanCardState    kouan_card_monitor_get_state        (KouanCardMonitor *self);
/* (nullable) the reader holding the card, in the CARD_* states */
const char       *kouan_card_monitor_get_reader       (KouanCardMonitor *self);
/* (nullable) the certificate subject's CN, in CARD_READY */
const char       *kouan_card_monitor_get_holder_name  (KouanCardMonitor *self);
/* (nullable) (transfer none) DER certificate, in CARD_READY */
GBytes           *kouan_card_monitor_get_certificate  (KouanCardMonitor *self);
/* (nullable) English technical detail in CARD_UNUSABLE / NO_SERVICE */
const char       *kouan_card_monitor_get_problem      (KouanCardMonitor *self);

/* ---- Operations ---------------------------------------------------------
 * @reader (nullable): NULL picks the first reader with a card.  Each
 * operation SELECTs the application afresh and resets the card when done,
 * so a verified PIN never outlives one operation.  Cancelling returns at
 * once with G_IO_ERROR_CANCELLED even if the card is stuck. */

void      kouan_card_read_certificate_async   (const char           *reader,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
/* (transfer full) the holder's DER certificate */
GBytes   *kouan_card_read_certificate_finish  (GAsyncResult         *result,
                                               GError              **error);

/* Tries left before the PIN blocks, read with an empty VERIFY (no try spent);
 * 0 when blocked. */
void      kouan_card_get_tries_left_async     (const char           *reader,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
int       kouan_card_get_tries_left_finish    (GAsyncResult         *result,
                                               GError              **error);

/* Verifies @pin and has the card sign KOUAN_CARD_SIGN_LABEL || @challenge.
 * @pin is copied into locked memory and wiped after the VERIFY; it is never
 * logged.  A blocked card is detected with an empty VERIFY first, so the PIN
 * is not sent to it.  The certificate is read in the same card transaction
 * so that the signature and the certificate come from the same card. */
void      kouan_card_sign_challenge_async     (const char           *reader,
                                               const char           *pin,
                                               GBytes               *challenge,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
/* (transfer full) DER SEQUENCE { r, s } (ECDSA or SM2).  @certificate (out) (transfer full)
 * (optional): the DER certificate.  @tries_left (out) (optional): on
 * KOUAN_CARD_ERROR_WRONG_PIN the tries left, 0 on PIN_BLOCKED, else -1. */
GBytes   *kouan_card_sign_challenge_finish    (GAsyncResult         *result,
                                               GBytes              **certificate,
                                               int                  *tries_left,
                                               GError              **error);

/* ---- Certificate helpers (GnuTLS) ------------------------------------- */

/* (transfer full) the subject CN of a DER certificate, UTF-8 */
char     *kouan_card_certificate_get_holder_name (GBytes  *der,
                                                  GError **error);
/* (transfer full) lowercase hex SHA-256 of the DER certificate, the
 * fingerprint the server binds to a user */
char     *kouan_card_certificate_get_fingerprint (GBytes  *der);
/* The certificate's serial number ((transfer full) lowercase hex) and the
 * end of its validity (seconds since the epoch); a certificate without
 * them is KOUAN_CARD_VERIFY_ERROR_MALFORMED. */
gboolean  kouan_card_certificate_get_serial_and_expiry (GBytes  *der,
                                                        char   **out_serial,
                                                        gint64  *out_not_after,
                                                        GError **error);
typedef enum {
  KOUAN_CARD_KEY_MALFORMED,   /* not a certificate GnuTLS can read */
  KOUAN_CARD_KEY_OTHER,       /* a key the card protocol does not allow */
  KOUAN_CARD_KEY_ECDSA_P256,  /* signs with ECDSA over SHA-256 */
  KOUAN_CARD_KEY_SM2,         /* signs with SM2 over SM3 */
} KouanCardKeyAlgorithm;

/* The signature algorithm the key of a DER certificate names
 * (docs/card-protocol.md, "SM2 cards"). */
KouanCardKeyAlgorithm kouan_card_certificate_get_key_algorithm (GBytes *der);
/* (transfer full) the exact bytes the card signs for @challenge */
GBytes   *kouan_card_signed_message_new          (GBytes  *challenge);

/* ---- Server-side checks (GnuTLS) --------------------------------------
 * What kouan-server verifies of a card login, kept in core so that the
 * server and the tests share one implementation. */

#define KOUAN_CARD_VERIFY_ERROR (kouan_card_verify_error_quark ())

typedef enum {
  KOUAN_CARD_VERIFY_ERROR_MALFORMED,      /* certificate or signature unreadable */
  KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE,  /* does not verify with the certificate key */
  KOUAN_CARD_VERIFY_ERROR_EXPIRED,        /* outside the certificate validity */
  KOUAN_CARD_VERIFY_ERROR_UNTRUSTED,      /* not issued by the card CA */
} KouanCardVerifyError;

GQuark    kouan_card_verify_error_quark          (void);

/* Checks @signature (DER SEQUENCE { r, s }) over KOUAN_CARD_SIGN_LABEL ||
 * @challenge with the public key of @certificate (DER): ECDSA P-256 over
 * SHA-256 for a P-256 key, SM2 over SM3 with the default user ID for an
 * SM2 key (docs/card-protocol.md, "SM2 cards"). */
gboolean  kouan_card_verify_signature            (GBytes       *certificate,
                                                  GBytes       *challenge,
                                                  GBytes       *signature,
                                                  GError      **error);
/* Checks that @certificate (DER) is valid at @now (seconds since the epoch)
 * and chains to one of the CA certificates in @ca_pem (PEM, one or more,
 * ECDSA or SM2; an SM2-signed certificate must be issued directly by one). */
gboolean  kouan_card_verify_certificate          (GBytes       *certificate,
                                                  GBytes       *ca_pem,
                                                  gint64        now,
                                                  GError      **error);

G_END_DECLS
