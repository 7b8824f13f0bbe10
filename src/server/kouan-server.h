/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <json-glib/json-glib.h>

#include "kouan-storage.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Internals of kouan-server, shared by its source files. One KouanServer
 * lives for the whole process and is only touched from the main thread. */

#define KOUAN_SERVER_ERROR (kouan_server_error_quark ())

typedef enum {
  KOUAN_SERVER_ERROR_DB,
  KOUAN_SERVER_ERROR_OPTIONS,
  KOUAN_SERVER_ERROR_FRAMING,
  KOUAN_SERVER_ERROR_TOO_LARGE,   /* a request body over --max-body */
} KouanServerError;

GQuark kouan_server_error_quark (void);

/* libsoup 3.2 has no name for it. */
#define KOUAN_STATUS_TOO_MANY_REQUESTS 429

#define KOUAN_DEFAULT_MAX_BODY        (1024 * 1024)
#define KOUAN_DEFAULT_SESSION_IDLE    (8 * 60 * 60)
#define KOUAN_DEFAULT_SESSION_MAX     (7 * 24 * 60 * 60)
#define KOUAN_PASSWORD_ITERATIONS     100000
#define KOUAN_LOGIN_MAX_FAILURES      5
/* Open sessions per user; a new login evicts the least recently used */
#define KOUAN_SESSIONS_PER_USER       20
#define KOUAN_LOGIN_WINDOW            (15 * 60)
#define KOUAN_MUTATIONS_MAX           100
/* How long a mutation id is remembered (at most once within it): 30 days,
 * four times the longest session (docs/architecture.md, sync protocol). */
#define KOUAN_MUTATION_RETENTION      (30 * 24 * 60 * 60)
#define KOUAN_CARD_CHALLENGE_TTL      (2 * 60)
/* Card challenges: per client address per minute, and outstanding at once
 * on the whole server (docs/api.md, card-challenge) */
#define KOUAN_CARD_CHALLENGES_PER_ADDRESS 30
#define KOUAN_CARD_CHALLENGE_WINDOW       60
#define KOUAN_CARD_CHALLENGES_OUTSTANDING 1000

typedef struct _KouanServer KouanServer;

struct _KouanServer
{
  sqlite3    *db;          /* the areas not behind the storage boundary yet */
  KouanStorage *storage;    /* sessions, card, change feed (storage/) */
  GHashTable *statements;   /* constant SQL text → sqlite3_stmt*, prepared once */
  GError     *db_failure;   /* (nullable) the first failed read of the current
                             * request; the router answers 500 when set */
  SoupServer *soup;
  GObject    *listener;     /* KouanServerListener: accepts, times out, frames */
  GPtrArray  *sockets;      /* KouanServerSocket*, the open WebSockets */

  gint64      session_idle; /* seconds */
  gint64      session_max;  /* seconds */
  gint64      max_body;     /* bytes */

  GPtrArray  *routes;       /* const KouanRoute*, matched in order */
  GHashTable *collections;  /* name → const KouanServerCollection* */

  GBytes     *card_ca;      /* (nullable) PEM of the card CA; NULL: no card login */
  gint64      card_challenge_ttl; /* seconds */
  GHashTable *card_challenges_issued; /* (nullable) address → GQueue of times */
  GHashTable *passwords_in_flight;    /* (nullable) throttle key → checks running */
  GPtrArray  *deferred_logins;        /* (nullable) logins waiting for those checks */

  char       *today;        /* (nullable) --today YYYY-MM-DD, for tests */
  guint       admin_timer;  /* the daily grant-expiry check */
  guint       prune_timer;  /* hourly: forget mutation ids past their retention */
  guint       image_timer;  /* hourly: collect images no record refers to */
  guint       card_timer;   /* hourly: announce IC cards about to expire */
  gint64      image_grace;  /* seconds an unreferenced image is kept */
  gint64      image_quota_user;       /* bytes of live images per user and enterprise */
  gint64      image_quota_enterprise; /* bytes of live images per enterprise */

  gboolean    demo;                /* started with --demo */
  gint64      certification_delay; /* seconds before the demo reviewer decides */
};

/* kouan-server-db.c */
gboolean      kouan_server_db_open        (KouanServer  *self,
                                           const char   *path,
                                           GError      **error);
void          kouan_server_db_close       (KouanServer  *self);
/* A cached, reset statement; aborts on a bug in the SQL text. @sql must
 * be constant text (a literal): the cache keeps the pointer. */
sqlite3_stmt *kouan_server_db_stmt        (KouanServer  *self,
                                           const char   *sql);
/* (transfer full): an uncached statement for SQL built at run time (a
 * filter or sort chosen by the request); free it with sqlite3_finalize. */
sqlite3_stmt *kouan_server_db_prepare     (KouanServer  *self,
                                           const char   *sql);
/* Steps a query: TRUE with a row, FALSE at SQLITE_DONE or on an error.
 * An error is kept as the request's database failure (logged once), so the
 * router answers 500 instead of a reply built on part of the rows, and
 * kouan_server_db_commit() refuses to commit. Every step loop uses it. */
/* Reading a row into JSON (kouan-server-db.c): text is "" for NULL. */
const char   *kouan_server_db_column_text      (sqlite3_stmt *stmt,
                                                int           column);
void          kouan_server_db_set_text_or_null (JsonObject   *object,
                                                const char   *member,
                                                sqlite3_stmt *stmt,
                                                int           column);
void          kouan_server_db_set_int_or_null  (JsonObject   *object,
                                                const char   *member,
                                                sqlite3_stmt *stmt,
                                                int           column);
gboolean      kouan_server_db_row         (KouanServer  *self,
                                           sqlite3_stmt *stmt);
/* (transfer full): @text with LIKE's wildcards (% _) and the escape
 * character itself escaped, for a pattern used with ESCAPE '\' — so a
 * user's "50%" matches that text, not everything starting with "50". */
char         *kouan_server_db_like_escape (const char   *text);
void          kouan_server_db_failure_clear (KouanServer *self);
/* Keeps a failed storage call's @error (logged once) as the request's
 * database failure, like a failed read: the router answers 500. */
void          kouan_server_storage_failed (KouanServer  *self,
                                           const GError *error);
/* Has a read failed since the last clear? @error gets a copy. */
gboolean      kouan_server_db_failed      (KouanServer  *self,
                                           GError      **error);
gboolean      kouan_server_db_exec        (KouanServer  *self,
                                           const char   *sql,
                                           GError      **error);
/* Steps a statement that returns no row; FALSE with @error on failure. */
gboolean      kouan_server_db_step_done   (KouanServer  *self,
                                           sqlite3_stmt *stmt,
                                           GError      **error);
gboolean      kouan_server_db_begin       (KouanServer  *self,
                                           GError      **error);
gboolean      kouan_server_db_commit      (KouanServer  *self,
                                           GError      **error);
void          kouan_server_db_rollback    (KouanServer  *self);
/* The newest change in @enterprise_id that @user_id may see; 0 if none. */
gint64        kouan_server_db_max_seq     (KouanServer  *self,
                                           gint64        enterprise_id,
                                           gint64        user_id);
gboolean      kouan_server_db_is_member   (KouanServer  *self,
                                           gint64        user_id,
                                           gint64        enterprise_id);
/* (transfer full): the enterprises @user_id is a member of (gint64, any
 * status: the feeds their personal records go into) */
GArray       *kouan_server_db_user_enterprises (KouanServer *self,
                                                gint64       user_id);
/* Ends @user_id's membership of @enterprise_id and their grants there,
 * in one transaction (admin people's tables) */
gboolean      kouan_server_db_membership_end (KouanServer  *self,
                                              gint64        user_id,
                                              gint64        enterprise_id,
                                              GError      **error);
/* Forgets the mutation ids applied before @now − KOUAN_MUTATION_RETENTION
 * (Unix seconds); returns how many, or -1 on error (logged). Runs at open
 * and hourly. */
gint64        kouan_server_db_prune_mutations (KouanServer *self,
                                               gint64       now);
JsonObject   *kouan_server_db_user_json   (KouanServer  *self,
                                           gint64        user_id);
JsonArray    *kouan_server_db_memberships_json (KouanServer *self,
                                                gint64       user_id);
/* (nullable): the enterprise record, NULL when it does not exist */
JsonObject   *kouan_server_db_enterprise_json (KouanServer *self,
                                               gint64       enterprise_id);
/* (nullable): the message as @user_id sees it, NULL when it does not exist
 * in @enterprise_id */
JsonObject   *kouan_server_db_message_json (KouanServer *self,
                                            gint64       enterprise_id,
                                            gint64       message_id,
                                            gint64       user_id);

/* kouan-server-routes.c: a table of routes, each with the access it needs.
 * A feature adds its routes with kouan_server_routes_add() from
 * kouan_server_routes_install(); the router checks the token, the
 * membership of {eid} and the route's permission before the handler runs,
 * so no handler can forget them. */
typedef enum {
  KOUAN_ROUTE_PUBLIC,   /* no token needed (the handler may check one itself) */
  KOUAN_ROUTE_SESSION,  /* a valid token */
  KOUAN_ROUTE_MEMBER,   /* a valid token and membership of {eid} (+ permission) */
} KouanRouteAccess;

/* An authenticated request's session (kouan-server-auth.c) */
typedef struct {
  gint64  user_id;
  char   *token_sha256;
  char   *method;
  gint64  created_at;
  gint64  expires_at;
} KouanServerSession;

void          kouan_server_session_clear  (KouanServerSession *session);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanServerSession, kouan_server_session_clear)

typedef struct {
  KouanServer        *server;
  SoupServerMessage  *msg;
  GHashTable         *query;          /* (nullable) */
  const char         *method;
  gint64              enterprise_id;  /* {eid}, when the pattern has it */
  gint64              record_id;      /* {id}, when the pattern has it */
  KouanServerSession  session;        /* filled for SESSION and MEMBER routes */
} KouanRequest;

typedef void (*KouanRouteHandler) (KouanRequest *req);

typedef struct {
  const char        *method;      /* "GET", "POST", "PUT", "PATCH", "DELETE" */
  const char        *pattern;     /* "/api/v1/enterprises/{eid}/roles/{id}" */
  KouanRouteAccess   access;
  const char        *permission;  /* (nullable) menu permission, MEMBER routes only */
  KouanRouteHandler  handler;
} KouanRoute;

void          kouan_server_routes_install (KouanServer       *self);
/* @routes must outlive the server (static tables). */
void          kouan_server_routes_add     (KouanServer       *self,
                                           const KouanRoute  *routes,
                                           guint              n_routes);
const KouanRoute * const *
              kouan_server_routes_get     (KouanServer       *self,
                                           guint             *n_routes);
void          kouan_server_request_clear  (KouanRequest      *req);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanRequest, kouan_server_request_clear)

/* kouan-server-authz.c: may @user_id use @permission in @enterprise_id? */
gboolean      kouan_server_authz_allows   (KouanServer       *self,
                                           gint64             user_id,
                                           gint64             enterprise_id,
                                           const char        *permission);
/* Is @user_id an active member of @enterprise_id? */
gboolean      kouan_server_authz_is_active (KouanServer      *self,
                                            gint64            user_id,
                                            gint64            enterprise_id);
/* (transfer full): the member's effective permissions, sorted */
JsonArray    *kouan_server_authz_permissions_json (KouanServer *self,
                                                   gint64       user_id,
                                                   gint64       enterprise_id);
/* (transfer full): the roles with a grant valid today; the built-in
 * administrator role is "admin" */
JsonArray    *kouan_server_authz_roles_json (KouanServer *self,
                                             gint64       user_id,
                                             gint64       enterprise_id);
/* How many active members hold a grant of the built-in role valid today */
gint64        kouan_server_authz_count_admins (KouanServer *self,
                                               gint64       enterprise_id);
/* Today in China time (UTC+8), "YYYY-MM-DD"; --today overrides it. */
char         *kouan_server_today          (KouanServer       *self);
/* Marks the "access" record of @user_id (0: every member) in
 * @enterprise_id as changed, so their clients refetch what they may see. */
void          kouan_server_authz_touch_access (KouanServer *self,
                                               gint64       enterprise_id,
                                               gint64       user_id);

/* kouan-server-admin.c: roles, departments, staff, grants, join requests
 * and the audit log (docs/api.md, "Administrator center: people") */
void          kouan_server_admin_install  (KouanServer       *self);
/* kouan-server-people.c: the members, roles, departments and audit
 * collections */
void          kouan_server_people_install (KouanServer       *self);
/* (transfer full) (nullable): the members record of @user_id in
 * @enterprise_id, NULL when they are not a member */
JsonObject   *kouan_server_people_member_json (KouanServer   *self,
                                               gint64         enterprise_id,
                                               gint64         user_id);
gboolean      kouan_server_admin_demo_seed (KouanServer      *self,
                                            GError          **error);
/* Sends the notices of grants ending within 7 days (once per grant) and
 * touches the access of members whose grants start or ended; run at
 * startup and daily. */
void          kouan_server_admin_check_grants (KouanServer   *self);
/* Records an admin change in the audit log; @before and @after are
 * (nullable) snapshots. Call it inside the change's transaction. Other
 * features record theirs with it ("settings.update", …). */
gboolean      kouan_server_audit_record   (KouanServer       *self,
                                           gint64             enterprise_id,
                                           gint64             user_id,
                                           const char        *action,
                                           JsonObject        *before,
                                           JsonObject        *after);

void          kouan_server_reply_json     (SoupServerMessage *msg,
                                           guint              status,
                                           JsonObject        *object);
void          kouan_server_reply_error    (SoupServerMessage *msg,
                                           guint              status,
                                           const char        *code,
                                           const char        *format,
                                           ...) G_GNUC_PRINTF (4, 5);
/* (transfer full) {"error": {"code": @code, "message": @message}} as text */
char         *kouan_server_error_json     (const char        *code,
                                           const char        *message);
/* Parses the request body as a JSON object, or answers 400 and returns
 * NULL. */
JsonObject   *kouan_server_read_body      (SoupServerMessage *msg);

/* kouan-server-auth.c */

/* Checks the bearer token; on failure answers 401 and returns FALSE. */
gboolean      kouan_server_auth_check     (KouanServer        *self,
                                           SoupServerMessage  *msg,
                                           KouanServerSession *out);
void          kouan_server_auth_session   (KouanServer        *self,
                                           SoupServerMessage  *msg,
                                           const char         *method);
/* Opens a session for @user_id and answers with it (the login reply). */
void          kouan_server_auth_open_session (KouanServer       *self,
                                              SoupServerMessage *msg,
                                              gint64             user_id,
                                              const char        *method);
/* Failed logins per key ("account:NAME", "address:IP", "card:FINGERPRINT"):
 * seconds until @key may try again, or 0. */
gint64        kouan_server_throttle_wait   (KouanServer *self,
                                            const char  *key,
                                            gint64       now);
/* Whether password checks still running for @key could, failing, bring
 * it to the limit: a new attempt should wait for them to end. */
gboolean      kouan_server_throttle_busy   (KouanServer *self,
                                            const char  *key,
                                            gint64       now);
void          kouan_server_throttle_record (KouanServer *self,
                                            const char  *key,
                                            gint64       now);
void          kouan_server_throttle_forget (KouanServer *self,
                                            const char  *key,
                                            gint64       now);
/* 429 with Retry-After: @wait seconds. */
void          kouan_server_reply_throttled (SoupServerMessage *msg,
                                            gint64             wait);
/* Runs PBKDF2 on a worker thread: verifies @password against @hash
 * ((nullable): an unknown account, checked against a dummy hash so it
 * takes as long, and never verified) and, when it verifies and
 * @new_password is given, hashes @new_password. @msg is paused meanwhile;
 * @done runs on the main context and answers it (unless the client went
 * away), then @msg is unpaused. Each of @throttle_keys counts as a failure
 * for kouan_server_throttle_wait() while the check runs. */
typedef void (*KouanServerPasswordDone) (KouanServer       *self,
                                         SoupServerMessage *msg,
                                         gboolean           verified,
                                         const char        *new_hash, /* (nullable) */
                                         gpointer           user_data);
void          kouan_server_password_check (KouanServer             *self,
                                           SoupServerMessage       *msg,
                                           const char              *password,
                                           const char              *hash,
                                           const char              *new_password,
                                           const char * const      *throttle_keys,
                                           KouanServerPasswordDone  done,
                                           gpointer                 user_data,
                                           GDestroyNotify           destroy);
gboolean      kouan_server_auth_create_user (KouanServer *self,
                                             const char  *account,
                                             const char  *name,
                                             const char  *password,
                                             gint64      *out_id,
                                             GError     **error);

/* kouan-server-card.c */
/* POST /api/v1/session/card-challenge and /api/v1/session/card */
void          kouan_server_card_challenge (KouanServer        *self,
                                           SoupServerMessage  *msg);
void          kouan_server_card_login     (KouanServer        *self,
                                           SoupServerMessage  *msg);
/* Checks that @pem holds at least one X.509 certificate that is a CA. */
gboolean      kouan_server_card_check_ca  (GBytes             *pem,
                                           GError            **error);
/* Reads a base64 member of @body decoding to @min..@max bytes, or
 * answers 400 and returns NULL. */
GBytes       *kouan_server_card_read_base64 (SoupServerMessage *msg,
                                             JsonObject        *body,
                                             const char        *member,
                                             gsize              min,
                                             gsize              max);
/* Checks a card's proof as a card login does: uses up @challenge, then
 * checks the signature, the validity at @now and the chain to the card
 * CA. NULL when all hold, else the error code of docs/api.md and
 * (*out_message) its English text. */
const char   *kouan_server_card_verify    (KouanServer        *self,
                                           GBytes             *challenge,
                                           GBytes             *certificate,
                                           GBytes             *signature,
                                           gint64              now,
                                           const char        **out_message,
                                           GError            **error);
/* kouan-server-card-account.c: the account's cards (list, bind, unbind)
 * and the hourly announcement of cards about to expire */
void          kouan_server_card_install   (KouanServer        *self);
void          kouan_server_card_announce_expiring (KouanServer *self);
/* (transfer full): @card as the routes and records show it (docs/api.md,
 * "IC cards of the account") */
JsonObject   *kouan_server_card_json      (const KouanStoredCard *card,
                                           gint64              now);
/* kouan-server-card-admin.c: administrators and their members' cards */
void          kouan_server_card_admin_install (KouanServer    *self);
/* (transfer full): @user_id's bound cards, as card JSON (empty on a
 * database failure, which is logged) */
JsonArray    *kouan_server_card_member_cards (KouanServer     *self,
                                              gint64           user_id);
/* Revokes @member's (a members record) binding of @fingerprint for
 * @admin_id of @enterprise_id inside the caller's transaction: audited
 * (card.revoke), a notice to the member, the member's card sessions
 * ended. *out_revoked FALSE: no such card is bound to the member. */
gboolean      kouan_server_card_revoke    (KouanServer        *self,
                                           gint64              enterprise_id,
                                           gint64              admin_id,
                                           JsonObject         *member,
                                           const char         *fingerprint,
                                           gboolean           *out_revoked,
                                           GError            **error);
/* The members mutation's "revoke_cards" @list; *out_message (static) set
 * when it is malformed (nothing done). FALSE on a database failure. */
gboolean      kouan_server_card_revoke_list (KouanServer      *self,
                                             gint64            enterprise_id,
                                             gint64            admin_id,
                                             JsonObject       *member,
                                             JsonNode         *list,
                                             const char      **out_message,
                                             GError          **error);

/* kouan-server-sync.c: the synced collections. A feature registers each of
 * its collections once (from kouan_server_sync_install or its own install
 * function called there); the change feed and the mutation route then
 * serve it. Records of a collection with a view permission are left out
 * of the feed for users who lack it; mutations also need the manage
 * permission when one is set. */
typedef struct {
  const char *id;
  const char *collection;
  const char *op;           /* "update", "create", "delete" (per collection) */
  gint64      record_id;    /* for "create": the client's temporary id (< 0) */
  JsonObject *fields;
  gint64      base;         /* the feed cursor the edit was made at; 0: not given */
} KouanServerMutation;

typedef struct {
  const char *name;
  const char *view_permission;    /* (nullable) "insurance.policies:view" */
  const char *manage_permission;  /* (nullable) "admin.roles:manage" */
  /* (transfer full) (nullable): the record as @user_id sees it now; NULL
   * when it does not exist (the feed then sends a tombstone). */
  JsonObject *(*materialise) (KouanServer *self, gint64 enterprise_id,
                              gint64 record_id, gint64 user_id);
  /* (nullable): read-only collection. Applies one mutation inside the
   * batch's transaction; returns kouan_server_mutation_applied/rejected(),
   * or NULL with @error on a database failure (the batch rolls back). */
  JsonObject *(*apply)       (KouanServer *self, const KouanServerMutation *mutation,
                              gint64 enterprise_id, gint64 user_id, GError **error);
} KouanServerCollection;

void          kouan_server_sync_install   (KouanServer                 *self);
void          kouan_server_collections_add (KouanServer                *self,
                                            const KouanServerCollection *collection);
const KouanServerCollection *
              kouan_server_collections_lookup (KouanServer *self,
                                               const char  *name);
/* (transfer full) result objects; @record (transfer full) (nullable) */
JsonObject   *kouan_server_mutation_applied  (const char *id,
                                              JsonObject *record);
JsonObject   *kouan_server_mutation_rejected (const char *id,
                                              const char *code,
                                              const char *message,
                                              JsonObject *record);

/* kouan-server-conflict.c: applies @mutation with @collection's apply,
 * first refusing it with code "conflict" (and who changed the record,
 * when, and the record as it is now) when the record changed after the
 * mutation's base by anything but this user's own edits, then noting who
 * made the change. docs/architecture.md, "Sync protocol". */
JsonObject   *kouan_server_conflict_apply (KouanServer                 *self,
                                           const KouanServerCollection *collection,
                                           const KouanServerMutation   *mutation,
                                           gint64                       enterprise_id,
                                           gint64                       user_id,
                                           GError                     **error);

void          kouan_server_sync_changes   (KouanServer        *self,
                                           SoupServerMessage  *msg,
                                           GHashTable         *query,
                                           gint64              enterprise_id,
                                           gint64              user_id);
void          kouan_server_sync_mutations (KouanServer        *self,
                                           SoupServerMessage  *msg,
                                           gint64              enterprise_id,
                                           gint64              user_id);

/* kouan-server-events.c */
void          kouan_server_events_install (KouanServer        *self);
/* Marks a WebSocket upgrade as checked for @session in @enterprise_id. */
void          kouan_server_events_accept  (KouanServer        *self,
                                           SoupServerMessage  *msg,
                                           gint64              enterprise_id,
                                           const KouanServerSession *session);
/* Closes the sockets opened with the session whose token hashes to
 * @token_sha256 (it was ended). */
void          kouan_server_events_close_session (KouanServer *self,
                                                 const char  *token_sha256);
/* Tells the enterprise's sockets (only @user_id's when it is not 0) that
 * the change feed moved. */
void          kouan_server_events_notify  (KouanServer        *self,
                                           gint64              enterprise_id,
                                           gint64              user_id);
/* The newest change number of the whole server (0 when none). */
gint64        kouan_server_events_newest  (KouanServer        *self);
/* Announces the changes after @after_seq to every open socket whose user
 * may see one of them (same enterprise; a change for every member or for
 * that user; the collection's view permission). The router calls it after
 * every request, so no route can forget to. */
void          kouan_server_events_notify_since (KouanServer   *self,
                                                gint64         after_seq);
void          kouan_server_events_close_all (KouanServer      *self);

/* kouan-server-demo.c */
/* Seeds demo data into an empty database; @scale 0 means the default
 * demo (about 200 notices and 50 warnings). Does nothing if users exist. */
gboolean      kouan_server_demo_seed      (KouanServer  *self,
                                           guint         scale,
                                           GError      **error);
void          kouan_server_demo_print     (void);
/* (transfer full) PEM of the demo card CA (tests/card/card-ca.pem), used
 * with --demo when no --card-ca is given */
GBytes       *kouan_server_demo_card_ca   (void);
/* Binds the demo card (tests/card/holder.pem) to demo-admin, if that
 * account exists; also on an existing demo database. */
gboolean      kouan_server_demo_bind_card (KouanServer  *self,
                                           GError      **error);

/* kouan-server-personal*.c: the personal center (profile, account,
 * sessions, declaration preferences, enterprise binding, certification) */
void          kouan_server_personal_install   (KouanServer  *self);
gboolean      kouan_server_personal_demo_seed (KouanServer  *self,
                                               GError      **error);
/* Remembers the holder and expiry of a card certificate that just logged
 * in, for the account page's IC card state. */
void          kouan_server_personal_note_card (KouanServer  *self,
                                               const char   *fingerprint,
                                               GBytes       *certificate);

/* kouan-server-images.c: uploaded PNG/JPEG images of an enterprise
 * (POST/GET /api/v1/enterprises/{eid}/images), for any feature that shows
 * one (LOGO, seal, slides, avatars). */
void          kouan_server_images_install (KouanServer  *self);
/* Does image @image_id belong to @enterprise_id? */
gboolean      kouan_server_images_exists  (KouanServer  *self,
                                           gint64        enterprise_id,
                                           gint64        image_id);
/* Stores @data — a PNG or JPEG the server encoded itself (an upload is
 * decoded and re-encoded first) — and returns its id; the same bytes
 * twice give the same id. 0 with @error on failure. No quota is checked
 * here. */
#define KOUAN_IMAGE_QUOTA_USER        (20 * 1024 * 1024)
#define KOUAN_IMAGE_QUOTA_ENTERPRISE  (200 * 1024 * 1024)
/* An upload is referred to by a later edit (an outbox may wait offline):
 * an image no record refers to is kept this long before it is collected. */
#define KOUAN_IMAGE_GRACE             (24 * 60 * 60)
gint64        kouan_server_images_store   (KouanServer  *self,
                                           gint64        enterprise_id,
                                           gint64        user_id,
                                           GBytes       *data,
                                           GError      **error);
/* Deletes the images of @enterprise_id (0: of every enterprise) that no
 * record has referred to for self->image_grace seconds before @now (Unix
 * seconds), and notes when the others were last seen unreferenced.
 * Returns how many were deleted, or -1 on error (logged). Runs when the
 * images routes are installed, hourly, and before each upload's quota
 * check. */
gint64        kouan_server_images_collect (KouanServer  *self,
                                           gint64        enterprise_id,
                                           gint64        now);

/* kouan-server-enterprise*.c: 企业设置, 业务设置, 企业风采设置 */
void          kouan_server_enterprise_install   (KouanServer  *self);
gboolean      kouan_server_enterprise_demo_seed (KouanServer  *self,
                                                 GError      **error);
/* A rejected mutation whose error names the offending @field (nullable)
 * and the rule's @reason ("format", "limit", ...). */
JsonObject   *kouan_server_enterprise_rejected  (const char   *mutation_id,
                                                 const char   *code,
                                                 const char   *field,
                                                 const char   *reason,
                                                 const char   *message,
                                                 JsonObject   *record);

/* kouan-server-insurance*.c: 信用保险 (policies, claims, subscriptions,
 * risk articles); the seed fills every enterprise opened for insurance
 * (KouanStorageInsurance.enterprise_open), subscribes @subscriber_id in
 * the first, and adds @scale risk articles to the default ones */
void          kouan_server_insurance_install   (KouanServer  *self);
gboolean      kouan_server_insurance_demo_seed (KouanServer  *self,
                                                gint64        subscriber_id,
                                                guint         scale,
                                                GError      **error);

/* kouan-server-app.c */
int           kouan_server_app_run        (int    argc,
                                           char **argv);

G_END_DECLS
