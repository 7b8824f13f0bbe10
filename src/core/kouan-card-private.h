/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internals shared by kouan-card.c (operations) and kouan-card-monitor.c.
 * Only the WinSCard API common to pcsc-lite and winscard.dll is used; on
 * Windows the ANSI ("A") entry points are named explicitly so the code does
 * not depend on UNICODE being defined or not. */

#include <glib.h>

#ifdef G_OS_WIN32
# include <windows.h>
# include <winscard.h>
# define KOUAN_SCARD_LIST_READERS       SCardListReadersA
# define KOUAN_SCARD_CONNECT            SCardConnectA
# define KOUAN_SCARD_GET_STATUS_CHANGE  SCardGetStatusChangeA
typedef SCARD_READERSTATEA KouanReaderState;
#else
# include <winscard.h>
# define KOUAN_SCARD_LIST_READERS       SCardListReaders
# define KOUAN_SCARD_CONNECT            SCardConnect
# define KOUAN_SCARD_GET_STATUS_CHANGE  SCardGetStatusChange
typedef SCARD_READERSTATE KouanReaderState;
#endif

#include "kouan-card.h"

G_BEGIN_DECLS

/* The pseudo reader that reports readers being plugged in or out. */
#define KOUAN_PNP_READER "\\\\?PnP?\\Notification"

/* One exchange with one card: context, handle and an exclusive transaction. */
typedef struct {
  SCARDCONTEXT context;
  SCARDHANDLE  card;
  DWORD        protocol;
  char        *reader;
  guint        owns_context : 1;
  guint        connected : 1;
  guint        in_transaction : 1;
  guint        counted : 1;        /* in _kouan_card_get_activity () */
} KouanCardLink;

/* Connects to @reader (NULL: the first reader holding a card) using
 * @context, or a new context when @context is 0. */
gboolean  _kouan_card_link_open       (KouanCardLink  *link,
                                       SCARDCONTEXT    context,
                                       const char     *reader,
                                       GError        **error);
/* Ends the transaction resetting the card, which drops the verified PIN. */
void      _kouan_card_link_close      (KouanCardLink  *link);

/* SELECT of the Kouan application; NOT_KOUAN_CARD when the card has none.
 * Selecting drops any earlier PIN verification. */
gboolean  _kouan_card_link_select_application (KouanCardLink  *link,
                                               GError        **error);
/* Empty VERIFY: tries left (0 when blocked) without spending one, or -1. */
int       _kouan_card_link_query_tries_left   (KouanCardLink  *link,
                                               GError        **error);
/* VERIFY with @digits (4 to 12 ASCII digits).  On WRONG_PIN or PIN_BLOCKED
 * sets @tries_left.  The APDU holding the PIN is wiped before returning. */
gboolean  _kouan_card_link_verify_pin         (KouanCardLink  *link,
                                               const guint8   *digits,
                                               gsize           length,
                                               int            *tries_left,
                                               GError        **error);
/* INTERNAL AUTHENTICATE: (transfer full) the DER ECDSA signature over
 * KOUAN_CARD_SIGN_LABEL || @challenge, structurally checked. */
GBytes   *_kouan_card_link_internal_authenticate (KouanCardLink  *link,
                                                  GBytes         *challenge,
                                                  GError        **error);

/* Reads the holder certificate, selecting the application first. */
GBytes   *_kouan_card_link_read_certificate (KouanCardLink  *link,
                                             GCancellable   *cancellable,
                                             GError        **error);

/* Fills @error from a PC/SC return code.  @removal_means_removed tells
 * whether a missing card means it was pulled out during the exchange
 * (CARD_REMOVED) or was never there (NO_CARD). */
void      _kouan_card_set_pcsc_error  (GError        **error,
                                       LONG            rv,
                                       gboolean        removal_means_removed,
                                       const char     *what);

/* (transfer full) NUL-separated reader list, or NULL with @rv set. */
char     *_kouan_card_list_readers    (SCARDCONTEXT    context,
                                       LONG           *rv);

/* How many card exchanges (open links) and monitor threads are still
 * running in this process.  Neither is joined when its owner goes away (a
 * card that stopped answering must not hold up a closing window), so the
 * card tests wait for 0 before they change the card under the reader. */
guint     _kouan_card_get_activity    (void);
void      _kouan_card_activity_begin  (void);
void      _kouan_card_activity_end    (void);

/* Overwrites memory in a way the compiler may not optimise away. */
void      _kouan_card_wipe            (void           *data,
                                       gsize           length);

G_END_DECLS
