/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* Async, cancellable HTTP client for kouan-server (docs/api.md) built on
 * libsoup 3. One per server and account. All callbacks run in the thread
 * default main context the call was made in. */

#define KOUAN_API_ERROR (kouan_api_error_quark ())

typedef enum {
  KOUAN_API_ERROR_NETWORK,          /* server unreachable, connection reset */
  KOUAN_API_ERROR_TLS,              /* certificate not trusted / handshake failed */
  KOUAN_API_ERROR_BAD_REQUEST,      /* 400 */
  KOUAN_API_ERROR_INVALID_CREDENTIALS, /* 401 on login */
  KOUAN_API_ERROR_UNAUTHORIZED,     /* 401: token missing, expired or ended */
  KOUAN_API_ERROR_FORBIDDEN,        /* 403 */
  KOUAN_API_ERROR_NOT_FOUND,        /* 404 */
  KOUAN_API_ERROR_CONFLICT,         /* 409 */
  KOUAN_API_ERROR_TOO_LARGE,        /* 413 */
  KOUAN_API_ERROR_THROTTLED,        /* 429 */
  KOUAN_API_ERROR_SERVER,           /* 5xx */
  KOUAN_API_ERROR_INVALID_RESPONSE, /* the server answered something we cannot parse */
  KOUAN_API_ERROR_INVALID_URL,
} KouanApiError;

GQuark kouan_api_error_quark (void);
/* The server's own error code ("last_admin", docs/api.md) and the field it
 * blamed, carried by a KOUAN_API_ERROR the server answered; NULL for other
 * errors or when the server sent none. (transfer none), valid as long as
 * @error. */
const char *kouan_api_error_get_server_code (const GError *error);
const char *kouan_api_error_get_field       (const GError *error);

/* The result of a login: the token, the user and their memberships. */
struct _KouanSession {
  char      *token;       /* never logged */
  gint64     user_id;
  char      *account;
  char      *name;
  char      *method;      /* "password" or "card" */
  GPtrArray *enterprises; /* (element-type KouanEnterprise) */
  char      *card_fingerprint; /* (nullable) method "card": the certificate's
                                * fingerprint, set by who signed in, so a
                                * lock screen can wait for the same card */
};

void          kouan_session_free  (KouanSession *session);
KouanSession *kouan_session_new_from_json (JsonObject *object, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanSession, kouan_session_free)

/* One page of the change feed. */
typedef struct {
  gint64      seq;
  char       *collection;
  gint64      id;
  gboolean    deleted;   /* a tombstone when TRUE */
  JsonObject *record;    /* (nullable): NULL for tombstones */
} KouanChange;

struct _KouanChangePage {
  gint64      enterprise_id;
  GPtrArray  *changes;    /* (element-type KouanChange) */
  gint64      cursor;     /* store this after applying the page */
  gboolean    more;       /* fetch again right away */
  GHashTable *remaining;  /* (nullable) collection name → gint64*: changes
                           * after @cursor still to come, when asked for
                           * with KOUAN_FETCH_COUNT */
};

/* Options of kouan_client_fetch_changes_async(). */
typedef enum {
  KOUAN_FETCH_NONE  = 0,
  KOUAN_FETCH_COUNT = 1 << 0,  /* the page says how many changes remain */
} KouanFetchFlags;

void kouan_change_page_free (KouanChangePage *page);
KouanChangePage *kouan_change_page_new_from_json (gint64 enterprise_id,
                                                  JsonObject *object,
                                                  GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanChangePage, kouan_change_page_free)

#define KOUAN_TYPE_CLIENT (kouan_client_get_type ())
G_DECLARE_FINAL_TYPE (KouanClient, kouan_client, KOUAN, CLIENT, GObject)

/* @base_url: "http://127.0.0.1:8080" or "https://…"; NULL + error if invalid */
KouanClient  *kouan_client_new            (const char   *base_url,
                                           GError      **error);
const char   *kouan_client_get_base_url   (KouanClient  *self);
/* A PEM file of the CAs to trust for a self-hosted server. They replace the
 * system's trust store for this client (one client per server), so the
 * server is trusted through exactly the CA configured for it; NULL goes
 * back to the system's. An unreadable file or one without a certificate is
 * KOUAN_API_ERROR_TLS and changes nothing. */
gboolean      kouan_client_set_ca_file    (KouanClient  *self,
                                           const char   *path,
                                           GError      **error);
void          kouan_client_set_token      (KouanClient  *self,
                                           const char   *token);
const char   *kouan_client_get_token      (KouanClient  *self);
/* Seconds the server asked to wait in its last 429 answer (Retry-After),
 * 0 after any successful request. */
guint         kouan_client_get_retry_after (KouanClient *self);

void          kouan_client_login_async    (KouanClient         *self,
                                           const char          *account,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* (transfer full); on success the client also holds the new token */
KouanSession *kouan_client_login_finish   (KouanClient   *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/* GET /api/v1/session with the current token */
void          kouan_client_get_session_async  (KouanClient *self, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
KouanSession *kouan_client_get_session_finish (KouanClient *self, GAsyncResult *result,
                                               GError **error);

/* IC card login (docs/api.md): a fresh challenge for the card to sign,
 * (transfer full) its raw bytes. */
void          kouan_client_card_challenge_async  (KouanClient         *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GBytes       *kouan_client_card_challenge_finish (KouanClient   *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);
/* Sends the card's DER certificate and its signature over @challenge.
 * A refusal is KOUAN_API_ERROR_INVALID_CREDENTIALS; the server's reason
 * ("challenge_expired", "certificate_unbound", …) is then
 * kouan_client_get_error_code(). On success the client holds the token. */
void          kouan_client_card_login_async      (KouanClient         *self,
                                                  GBytes              *challenge,
                                                  GBytes              *certificate,
                                                  GBytes              *signature,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
KouanSession *kouan_client_card_login_finish     (KouanClient   *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);
/* (nullable) the "code" of the server's last error answer (docs/api.md),
 * NULL after a success or when the answer had none */
/* The last server error code this client saw: superseded by
 * kouan_api_error_get_server_code() on the GError (another call may have
 * overwritten this one); kept while the login and personal pages move. */
const char   *kouan_client_get_error_code        (KouanClient  *self);

void          kouan_client_logout_async   (KouanClient *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean      kouan_client_logout_finish  (KouanClient *self, GAsyncResult *result,
                                           GError **error);

void             kouan_client_fetch_changes_async  (KouanClient         *self,
                                                    gint64               enterprise_id,
                                                    gint64               since,
                                                    guint                limit,
                                                    KouanFetchFlags      flags,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
KouanChangePage *kouan_client_fetch_changes_finish (KouanClient   *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);

/* @mutations: (element-type JsonObject) each {"id","collection","op","record_id","fields"}.
 * Returns (transfer full) the "results" array, one per mutation, in order. */
void       kouan_client_push_mutations_async  (KouanClient         *self,
                                               gint64               enterprise_id,
                                               JsonArray           *mutations,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
JsonArray *kouan_client_push_mutations_finish (KouanClient   *self,
                                               GAsyncResult  *result,
                                               GError       **error);

/* Feature routes (docs/api.md) without a function of their own: @method
 * and @path ("/api/v1/account"), @body (nullable) the JSON to send. The
 * result is (transfer full) (nullable) the answer's JSON, NULL for an
 * empty answer (204). Errors as for every call; the server's error code
 * is kouan_client_get_error_code(). */
void       kouan_client_call_async      (KouanClient         *self,
                                         const char          *method,
                                         const char          *path,
                                         JsonNode            *body,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonNode  *kouan_client_call_finish     (KouanClient   *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* POSTs @data (an image) as the body with @content_type; JSON answer as
 * kouan_client_call_finish(). */
void       kouan_client_upload_async    (KouanClient         *self,
                                         const char          *path,
                                         const char          *content_type,
                                         GBytes              *data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonNode  *kouan_client_upload_finish   (KouanClient   *self,
                                         GAsyncResult  *result,
                                         GError       **error);
/* GETs @path and returns (transfer full) the raw body (an image). */
void       kouan_client_download_async  (KouanClient         *self,
                                         const char          *path,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GBytes    *kouan_client_download_finish (KouanClient   *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* Opens the enterprise's event WebSocket. */
void                     kouan_client_connect_events_async  (KouanClient *self,
                                                             gint64 enterprise_id,
                                                             GCancellable *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer user_data);
SoupWebsocketConnection *kouan_client_connect_events_finish (KouanClient *self,
                                                             GAsyncResult *result,
                                                             GError **error);

G_END_DECLS
