/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* The IC cards bound to the signed-in account (docs/api.md, "IC cards of
 * the account"; docs/card-protocol.md, "Binding a card"). */

typedef struct {
  char     *fingerprint;  /* lowercase hex SHA-256 of the certificate */
  char     *holder;       /* (nullable) the certificate's CN */
  char     *serial;       /* (nullable) lowercase hex */
  gint64    not_after;    /* seconds; 0 when unknown */
  gint64    bound_at;
  gboolean  expiring;     /* not_after within 30 days (or past), by the server's clock */
} KouanBoundCard;

void            kouan_bound_card_free        (KouanBoundCard *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanBoundCard, kouan_bound_card_free)

void            kouan_client_list_cards_async  (KouanClient         *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* (transfer full) (element-type KouanBoundCard) most recently bound first */
GPtrArray      *kouan_client_list_cards_finish (KouanClient   *self,
                                                GAsyncResult  *result,
                                                GError       **error);

/* The whole bind: a challenge from the server, the card in @reader
 * verifies @pin and signs it (with its certificate, in one card
 * transaction), and the server binds the certificate to the account.
 * @pin is held in a buffer wiped when the operation ends and is never
 * sent to the server; the caller may wipe its copy right after the call. */
void            kouan_client_bind_card_async   (KouanClient         *self,
                                                const char          *reader,
                                                const char          *pin,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* (transfer full) the bound card, or an error: KOUAN_CARD_ERROR from the
 * card (WRONG_PIN with @tries_left (optional) set, PIN_BLOCKED, …) or
 * KOUAN_API_ERROR from the server, whose code
 * (kouan_api_error_get_server_code) says why: "card_bound_elsewhere"
 * (409), "certificate_expired", "certificate_untrusted" (403), …
 * Binding a card the account has already succeeds. */
KouanBoundCard *kouan_client_bind_card_finish  (KouanClient   *self,
                                                GAsyncResult  *result,
                                                int           *tries_left,
                                                GError       **error);

/* Unbinds the card @fingerprint, confirmed with the account @password:
 * KOUAN_API_ERROR_FORBIDDEN "wrong_password", NOT_FOUND when the account
 * has no such card. */
void            kouan_client_unbind_card_async  (KouanClient         *self,
                                                 const char          *fingerprint,
                                                 const char          *password,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        kouan_client_unbind_card_finish (KouanClient   *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

G_END_DECLS
