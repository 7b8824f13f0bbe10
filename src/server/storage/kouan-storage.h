/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The storage boundary of kouan-server (docs/architecture.md, "Storage").
 *
 * Route handlers parse, authorise, call storage and reply: the SQL of an
 * area lives in its backend, src/server/storage/sqlite/ (the embedded
 * default, --db FILE) or src/server/storage/postgres/ (--db
 * postgresql://…, through libpq). Storage is declared per feature area;
 * each area is a table of functions a backend fills in. A NULL table
 * means the backend does not serve that area yet: the server then refuses
 * to start on it (kouan_storage_unported()), it never half-works.
 *
 * Every function takes the KouanStorage it belongs to, reports a database
 * failure with KOUAN_STORAGE_ERROR and is called from one thread at a time
 * per KouanStorage (a backend connection is not shared between threads).
 * Times are Unix seconds. */

#define KOUAN_STORAGE_ERROR (kouan_storage_error_quark ())
GQuark kouan_storage_error_quark (void);

typedef enum {
  KOUAN_STORAGE_ERROR_FAILED,       /* the database refused or failed */
  KOUAN_STORAGE_ERROR_CONSTRAINT,   /* a unique or foreign key was violated */
  KOUAN_STORAGE_ERROR_UNSUPPORTED,  /* the backend or area is not available */
} KouanStorageError;

typedef enum {
  KOUAN_STORAGE_SQLITE,
  KOUAN_STORAGE_POSTGRES,
} KouanStorageBackend;

typedef struct _KouanStorage KouanStorage;

/* ---- area 1: sessions and authentication --------------------------- */

typedef struct {
  char   *token_sha256;
  gint64  user_id;
  char   *method;
  gint64  created_at;
  gint64  last_seen;
  gint64  expires_at;
  gboolean user_active;
} KouanStoredSession;

void kouan_stored_session_clear (KouanStoredSession *session);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredSession, kouan_stored_session_clear)

typedef struct {
  /* The account's id, password hash and whether it is active; *out_id 0
   * when there is no such account. */
  gboolean (*user_for_login)   (KouanStorage *storage, const char *account,
                                gint64 *out_id, char **out_hash,
                                gboolean *out_active, GError **error);
  gboolean (*user_create)      (KouanStorage *storage, const char *account,
                                const char *name, const char *password_hash,
                                gint64 *out_id, GError **error);
  gboolean (*session_insert)   (KouanStorage *storage, const char *token_sha256,
                                gint64 user_id, const char *method,
                                gint64 now, gint64 expires_at, GError **error);
  /* *out is zeroed and left so (token_sha256 NULL) when there is none */
  gboolean (*session_lookup)   (KouanStorage *storage, const char *token_sha256,
                                KouanStoredSession *out, GError **error);
  gboolean (*session_touch)    (KouanStorage *storage, const char *token_sha256,
                                gint64 now, GError **error);
  gboolean (*session_delete)   (KouanStorage *storage, const char *token_sha256,
                                GError **error);
  /* Deletes the user's sessions beyond the @keep most recently used
   * (never @keep_sha) and returns their hashes (transfer full). */
  GPtrArray *(*sessions_evict) (KouanStorage *storage, gint64 user_id,
                                const char *keep_sha, guint keep,
                                GError **error);
  /* Deletes sessions that expired by @now or were idle since @idle_before */
  gboolean (*sessions_sweep)   (KouanStorage *storage, gint64 now,
                                gint64 idle_before, GError **error);

  /* Failed logins per key ("account:NAME", "address:IP", "card:…"). The
   * newest @max failures after @since: their count and the oldest time. */
  gboolean (*throttle_recent)  (KouanStorage *storage, const char *key,
                                gint64 since, guint max, gint64 *out_count,
                                gint64 *out_oldest, GError **error);
  gboolean (*throttle_record)  (KouanStorage *storage, const char *key,
                                gint64 at, GError **error);
  /* Forgets @key's failures and every failure at or before @before */
  gboolean (*throttle_forget)  (KouanStorage *storage, const char *key,
                                gint64 before, GError **error);
} KouanStorageAuth;

/* ---- area 2: IC card challenges and certificates -------------------- */

typedef enum {
  KOUAN_CHALLENGE_OK,
  KOUAN_CHALLENGE_UNKNOWN,
  KOUAN_CHALLENGE_USED,
  KOUAN_CHALLENGE_EXPIRED,
} KouanChallengeStatus;

/* A certificate bound to an account: what the account page lists. */
typedef struct {
  char   *fingerprint;  /* lowercase hex SHA-256 of the DER */
  gint64  user_id;
  char   *holder;       /* (nullable) subject CN; NULL for bindings made
                         * before the details were stored */
  char   *serial;       /* (nullable) lowercase hex serial number */
  gint64  not_after;    /* 0 when unknown */
  gint64  bound_at;
} KouanStoredCard;

void kouan_stored_card_clear (KouanStoredCard *card);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredCard, kouan_stored_card_clear)

typedef enum {
  KOUAN_CARD_BIND_BOUND,          /* newly bound to the account */
  KOUAN_CARD_BIND_ALREADY,        /* was bound to it already (details refreshed) */
  KOUAN_CARD_BIND_OTHER_ACCOUNT,  /* actively bound to another account: unchanged */
} KouanCardBindResult;

typedef struct {
  /* Forgets challenges that expired before @before */
  gboolean (*challenges_sweep)       (KouanStorage *storage, gint64 before,
                                      GError **error);
  /* Unused, unexpired challenges: how many, and the earliest expiry */
  gboolean (*challenges_outstanding) (KouanStorage *storage, gint64 now,
                                      gint64 *out_count, gint64 *out_first_expiry,
                                      GError **error);
  gboolean (*challenge_insert)       (KouanStorage *storage, const char *sha256,
                                      gint64 expires_at, GError **error);
  /* Marks the challenge used and says what it was, in one atomic step: of
   * two logins presenting it at once (on any instance) one gets
   * KOUAN_CHALLENGE_OK, the other KOUAN_CHALLENGE_USED. */
  gboolean (*challenge_consume)      (KouanStorage *storage, const char *sha256,
                                      gint64 now, KouanChallengeStatus *out,
                                      GError **error);
  gboolean (*certificate_bind)       (KouanStorage *storage, const char *fingerprint,
                                      gint64 user_id, gint64 now, GError **error);
  /* The active user an active certificate is bound to, or 0 */
  gboolean (*certificate_user)       (KouanStorage *storage, const char *fingerprint,
                                      gint64 *out_user_id, GError **error);

  /* Binds @card->fingerprint to @card->user_id with its details, unless
   * it is actively bound to another account (an unbound or revoked row
   * is taken over); decided by the database, so two accounts binding
   * one card at once cannot both win. */
  gboolean (*card_bind)              (KouanStorage *storage, const KouanStoredCard *card,
                                      gint64 now, KouanCardBindResult *out,
                                      GError **error);
  /* Appends to @out (KouanStoredCard) the cards actively bound to
   * @user_id, most recently bound first. */
  gboolean (*cards_list)             (KouanStorage *storage, gint64 user_id,
                                      GArray *out, GError **error);
  /* Removes @user_id's binding of @fingerprint and fills @out with what
   * it was (out->fingerprint NULL: the account has no such card). */
  gboolean (*card_unbind)            (KouanStorage *storage, gint64 user_id,
                                      const char *fingerprint, KouanStoredCard *out,
                                      GError **error);
  /* Appends to @out (KouanStoredCard) the cards of active accounts that
   * expire before @before and were not announced yet */
  gboolean (*cards_expiring)         (KouanStorage *storage, gint64 before,
                                      GArray *out, GError **error);
  /* Records that @fingerprint's expiry was announced (once per binding) */
  gboolean (*card_expiry_announced)  (KouanStorage *storage, const char *fingerprint,
                                      GError **error);
  /* The account and password hash of @user_id, to confirm a card change
   * with the password (*out_account NULL: no such active account) */
  gboolean (*account_credentials)    (KouanStorage *storage, gint64 user_id,
                                      char **out_account, char **out_hash,
                                      GError **error);
  /* Ends @user_id's sessions signed in by card (method "card"), as when
   * an administrator revokes a card binding; (transfer full) their token
   * hashes, so their sockets can be closed. */
  GPtrArray *(*card_sessions_end)    (KouanStorage *storage, gint64 user_id,
                                      GError **error);
} KouanStorageCard;

/* ---- area 3: the change feed and mutation ids ----------------------- */

/* One change of a feed page. When @kept, @record_json is the record's
 * JSON text as it was written (NULL: it was deleted) and the feed
 * concatenates it as is; otherwise the backend does not keep it and the
 * handler materialises the record (the SQLite triggers of the areas not
 * behind the boundary yet). */
typedef struct {
  gint64    seq;
  char     *collection;
  gint64    record_id;
  gboolean  kept;
  char     *record_json;
} KouanStoredChange;

/* Who a change concerns: (enterprise, audience (0: every member),
 * collection), for announcing it on the events sockets. */
typedef struct {
  gint64  enterprise_id;
  gint64  user_id;
  char   *collection;
} KouanStoredTouch;

typedef struct {
  /* Appends a change of a record (@user_id 0: for every member) inside
   * the current write; @record_json (nullable) is its JSON as written,
   * NULL for a deletion. The SQLite backend's triggers record changes
   * themselves; this is for the writes that go through storage. Call it
   * after writing the record, in the same transaction: two writes of one
   * record are then ordered by the record's row lock, and the later one
   * is the one the feed sends. */
  gboolean (*change_record)    (KouanStorage *storage, gint64 enterprise_id,
                                gint64 user_id, const char *collection,
                                gint64 record_id, const char *record_json,
                                GError **error);
  /* Appends to @out (KouanStoredChange) the first @limit changes after
   * @since that @user_id receives, each record once at its latest change,
   * leaving out @hidden collections (nullable, NULL-terminated). A page
   * never skips: every change with a seq at or below the last one
   * returned is committed and visible (docs/architecture.md, "Sync
   * protocol"). */
  gboolean (*changes_page)     (KouanStorage *storage, gint64 enterprise_id,
                                gint64 user_id, gint64 since, guint limit,
                                const char * const *hidden, GArray *out,
                                GError **error);
  /* Per collection, how many such changes follow @since (name → count) */
  gboolean (*changes_count)    (KouanStorage *storage, gint64 enterprise_id,
                                gint64 user_id, gint64 since,
                                GHashTable *out, GError **error);
  /* The newest visible change for everyone or @user_id; 0 if none */
  gboolean (*changes_newest)   (KouanStorage *storage, gint64 enterprise_id,
                                gint64 user_id, gint64 *out_seq, GError **error);
  /* The newest visible change of the whole database; 0 if none */
  gboolean (*changes_newest_all) (KouanStorage *storage, gint64 *out_seq,
                                  GError **error);
  /* Appends to @out (KouanStoredTouch) the distinct (enterprise,
   * audience, collection) of the changes after @after_seq */
  gboolean (*changes_touched)  (KouanStorage *storage, gint64 after_seq,
                                GArray *out, GError **error);
  /* (transfer full) (nullable): the stored result of mutation @id */
  char    *(*mutation_result)  (KouanStorage *storage, gint64 user_id,
                                const char *mutation_id, GError **error);
  /* Stores it; at most once: a second store of the same id fails with
   * KOUAN_STORAGE_ERROR_CONSTRAINT (and the batch rolls back) */
  gboolean (*mutation_store)   (KouanStorage *storage, gint64 user_id,
                                const char *mutation_id, const char *result_json,
                                gint64 now, GError **error);
  /* Forgets ids applied before @before; *out_count how many */
  gboolean (*mutations_prune)  (KouanStorage *storage, gint64 before,
                                gint64 *out_count, GError **error);

  /* The doorbell between instances (nullable: one process, as with
   * SQLite, needs none). Every committed change_record() rings it with
   * its enterprise; a listening connection learns which enterprises'
   * feeds moved and reads the changes from the tables. Only a doorbell:
   * a missed ring delays a nudge, never loses a change. */
  gboolean (*doorbell_listen)  (KouanStorage *storage, GError **error);
  /* The descriptor to watch for rings (readable), or -1 */
  int      (*doorbell_fd)      (KouanStorage *storage);
  /* Appends to @out (gint64) the enterprises rung since the last call,
   * each once; never blocks */
  gboolean (*doorbell_take)    (KouanStorage *storage, GArray *out,
                                GError **error);
} KouanStorageFeed;

/* ---- area 5: the personal center ------------------------------------- */

/* A user's profile (docs/api.md, "profile"): users.name and the row of
 * profiles (gender "unspecified", empty phone and e-mail, no images until
 * written). An image is referenced with the enterprise whose images route
 * serves it (the images area says which; the SQLite backend reads it from
 * its images table). */
typedef struct {
  gint64  user_id;            /* 0: no such user */
  char   *account;
  char   *name;
  char   *gender;             /* "unspecified", "male" or "female" */
  gint64  avatar_image;       /* 0: none */
  gint64  avatar_enterprise;  /* 0 without an image */
  gint64  seal_image;         /* the declarant's seal: 0: none */
  gint64  seal_enterprise;
  char   *phone;
  char   *email;
} KouanStoredProfile;

void kouan_stored_profile_clear (KouanStoredProfile *profile);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredProfile, kouan_stored_profile_clear)

/* The declaration preferences of one user in one enterprise (docs/api.md,
 * "preferences"), in the order of kouan_stored_preference_names */
#define KOUAN_STORED_PREFERENCES_N 5
extern const char *const kouan_stored_preference_names[KOUAN_STORED_PREFERENCES_N];

typedef struct {
  gint64    user_id;
  gint64    enterprise_id;
  gboolean  values[KOUAN_STORED_PREFERENCES_N];
} KouanStoredPreferences;

/* An enterprise as the personal center finds it (docs/api.md, "enterprise") */
typedef struct {
  gint64    id;            /* 0: none */
  char     *name;
  char     *credit_code;
  gboolean  certified;
} KouanStoredEnterpriseRef;

void kouan_stored_enterprise_ref_clear (KouanStoredEnterpriseRef *enterprise);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredEnterpriseRef, kouan_stored_enterprise_ref_clear)

/* A user's request to join an enterprise, with the enterprise */
typedef struct {
  gint64                    id;          /* 0: none */
  gint64                    user_id;
  char                     *status;      /* "pending", "approved" or "rejected" */
  gint64                    created_at;
  gint64                    decided_at;  /* 0: not decided */
  KouanStoredEnterpriseRef  enterprise;
} KouanStoredJoinRequest;

void kouan_stored_join_request_clear (KouanStoredJoinRequest *request);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredJoinRequest, kouan_stored_join_request_clear)

/* An enterprise's certification form and its review */
typedef struct {
  gint64    enterprise_id;         /* 0: no such enterprise */
  gboolean  certified;             /* the enterprise's flag */
  char     *status;                /* NULL: never submitted; "pending",
                                    * "certified" or "rejected" */
  char     *legal_representative;
  char     *licence_number;
  gint64    licence_image;         /* 0: none */
  char     *contact;
  char     *reason;                /* nullable: why it was rejected */
  gint64    submitted_by;
  gint64    submitted_at;
  gint64    decided_at;            /* 0: not decided */
} KouanStoredCertification;

void kouan_stored_certification_clear (KouanStoredCertification *certification);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredCertification, kouan_stored_certification_clear)

/* Every write records its change of the feed itself: the SQLite triggers
 * (the feed materialises the record), or the PostgreSQL backend with the
 * record's JSON as written. A profile and preferences are changes for
 * their user only, a certification one for every member. Memberships
 * (asking whether a user is one, ending one) are admin people's. */
typedef struct {
  /* *out is zeroed and left so (user_id 0) when there is no such user */
  gboolean (*profile_get)     (KouanStorage *storage, gint64 user_id,
                               KouanStoredProfile *out, GError **error);
  /* Writes every member of @profile but account (the user must exist),
   * a change of "profile" in each of @enterprises (@n_enterprises ids:
   * the user's; the SQLite triggers find them themselves) */
  gboolean (*profile_put)     (KouanStorage *storage, const KouanStoredProfile *profile,
                               const gint64 *enterprises, guint n_enterprises,
                               GError **error);
  /* The stored preferences, or the defaults (everything on but
   * autofill_consignee) when none were written */
  gboolean (*preferences_get) (KouanStorage *storage, gint64 enterprise_id,
                               gint64 user_id, KouanStoredPreferences *out,
                               GError **error);
  gboolean (*preferences_put) (KouanStorage *storage,
                               const KouanStoredPreferences *preferences,
                               GError **error);

  /* The account page's IC card: the most recently bound active card of
   * @user_id, its holder and expiry as noted by card_details_note (holder
   * NULL, not_after 0 when none were); out->fingerprint NULL: no card */
  gboolean (*account_card)      (KouanStorage *storage, gint64 user_id,
                                 KouanStoredCard *out, GError **error);
  /* Notes a certificate's holder and expiry (a login or binding with it) */
  gboolean (*card_details_note) (KouanStorage *storage, const char *fingerprint,
                                 const char *holder, gint64 not_after,
                                 GError **error);
  gboolean (*password_set)      (KouanStorage *storage, gint64 user_id,
                                 const char *password_hash, GError **error);
  /* Appends to @out (KouanStoredSession) every session of @user_id,
   * expired or not, the most recently used first */
  gboolean (*sessions_list)     (KouanStorage *storage, gint64 user_id,
                                 GArray *out, GError **error);

  /* Appends to @out (KouanStoredEnterpriseRef) the enterprise with
   * @credit_code, or (@credit_code NULL) the first @limit whose name
   * contains @name_part (wildcards match themselves), by name */
  gboolean (*enterprises_search)   (KouanStorage *storage, const char *credit_code,
                                    const char *name_part, guint limit,
                                    GArray *out, GError **error);
  /* *out is zeroed and left so (id 0) when there is none */
  gboolean (*enterprise_get)       (KouanStorage *storage, gint64 enterprise_id,
                                    KouanStoredEnterpriseRef *out, GError **error);
  /* The demo: a new enterprise, opened as enterprise settings'
   * enterprise_open() opens one; its certification enters its feed */
  gboolean (*enterprise_add)       (KouanStorage *storage, const char *name,
                                    const char *credit_code, gboolean certified,
                                    gint64 *out_id, GError **error);
  /* Whether @user_id's latest request to join @enterprise_id is pending */
  gboolean (*join_request_pending) (KouanStorage *storage, gint64 user_id,
                                    gint64 enterprise_id, gboolean *out_pending,
                                    GError **error);
  gboolean (*join_request_create)  (KouanStorage *storage, gint64 user_id,
                                    gint64 enterprise_id, gint64 now,
                                    gint64 *out_id, GError **error);
  /* *out is zeroed and left so (id 0) when there is none */
  gboolean (*join_request_get)     (KouanStorage *storage, gint64 request_id,
                                    KouanStoredJoinRequest *out, GError **error);
  /* Appends to @out (KouanStoredJoinRequest) @user_id's newest @limit */
  gboolean (*join_requests_list)   (KouanStorage *storage, gint64 user_id,
                                    guint limit, GArray *out, GError **error);
  /* *out is zeroed and left so (enterprise_id 0) when there is no such
   * enterprise; status NULL when it never submitted a form */
  gboolean (*certification_get)    (KouanStorage *storage, gint64 enterprise_id,
                                    KouanStoredCertification *out, GError **error);
  /* Stores @form (legal_representative, licence_number, licence_image,
   * contact, submitted_by, submitted_at) as pending, replacing an
   * earlier form and its decision */
  gboolean (*certification_submit) (KouanStorage *storage,
                                    const KouanStoredCertification *form,
                                    GError **error);
  /* Decides a pending form (certified: the enterprise is; rejected: with
   * @reason); *out_decided FALSE when none was pending */
  gboolean (*certification_decide) (KouanStorage *storage, gint64 enterprise_id,
                                    gboolean certified, const char *reason,
                                    gint64 now, gboolean *out_decided,
                                    GError **error);
  /* Appends to @out (gint64) the enterprises whose form is pending */
  gboolean (*certifications_pending) (KouanStorage *storage, GArray *out,
                                      GError **error);
} KouanStoragePersonal;

/* ---- area 4: messages ------------------------------------------------ */

/* A message as one user sees it (read and starred are that user's). */
typedef struct {
  gint64    id;
  gint64    enterprise_id;
  char     *kind;          /* "notice" or "warning" */
  char     *category;
  char     *title;
  char     *body;
  char     *severity;      /* nullable: "low", "medium" or "high" */
  char     *actions;       /* nullable: a JSON array of the message's
                            * actions (docs/api.md), written by the
                            * server's own code only */
  gint64    created_at;
  gboolean  read;
  gboolean  starred;
} KouanStoredMessage;

void kouan_stored_message_clear (KouanStoredMessage *message);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredMessage, kouan_stored_message_clear)

/* One user's flags on a message, for seeding */
typedef struct {
  gint64   user_id;
  gboolean read;
  gboolean starred;
} KouanStoredMessageState;

/* Every write records its change of the feed itself (the SQLite triggers,
 * or the PostgreSQL backend with the record's JSON as written). */
typedef struct {
  /* *out is zeroed and left so (id 0) when @enterprise_id has no such
   * message */
  gboolean (*message_get)       (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 message_id, gint64 user_id,
                                 KouanStoredMessage *out, GError **error);
  /* Posts @message (its id, read and starred are ignored) to every
   * member of @enterprise_id, or, with @audience (nullable, @n_audience
   * user ids), as a change for those users only. */
  gboolean (*message_post)      (KouanStorage *storage, gint64 enterprise_id,
                                 const KouanStoredMessage *message,
                                 const gint64 *audience, guint n_audience,
                                 gint64 *out_id, GError **error);
  /* Sets @user_id's flags on the message: a change for that user */
  gboolean (*message_state_set) (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 user_id, gint64 message_id,
                                 gboolean read, gboolean starred, GError **error);
  /* The demo: posts @message to every member with some users' flags
   * already set (@states, @n_states), as few changes as the backend can
   * (SQLite: one, the member's flags are read when the feed is served). */
  gboolean (*message_seed)      (KouanStorage *storage, gint64 enterprise_id,
                                 const KouanStoredMessage *message,
                                 const KouanStoredMessageState *states, guint n_states,
                                 gint64 *out_id, GError **error);
} KouanStorageMessages;

/* ---- area 8: credit insurance --------------------------------------- */

/* An enterprise's policy (docs/api.md, "Credit insurance") */
typedef struct {
  gint64    id;
  gint64    enterprise_id;
  char     *number;
  char     *buyer;
  char     *buyer_country;
  gint64    amount;
  char     *currency;
  char     *starts_on;      /* YYYY-MM-DD */
  char     *ends_on;
  char     *status;         /* pending, effective, expired, rejected, returned */
  char     *comment;
  gboolean  notice_read;
  gint64    updated_at;
} KouanStoredPolicy;

void kouan_stored_policy_clear (KouanStoredPolicy *policy);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredPolicy, kouan_stored_policy_clear)

/* One step of a claim's history */
typedef struct {
  char   *status;
  char   *comment;
  gint64  at;
} KouanStoredClaimEvent;

void kouan_stored_claim_event_clear (KouanStoredClaimEvent *event);

typedef struct {
  gint64    id;
  gint64    enterprise_id;
  gint64    policy_id;
  char     *number;
  char     *policy_number;  /* read only: the policy's number */
  char     *buyer;
  gint64    amount;
  char     *currency;
  char     *loss_on;
  char     *submitted_on;
  char     *status;         /* submitted, reviewing, paid, rejected */
  gboolean  notice_read;
  gint64    updated_at;
  GArray   *history;        /* (element-type KouanStoredClaimEvent) oldest
                             * first; owned, NULL when there is none */
} KouanStoredClaim;

void kouan_stored_claim_clear (KouanStoredClaim *claim);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredClaim, kouan_stored_claim_clear)

/* A subscription category as one user of one enterprise sees it */
typedef struct {
  gint64    id;
  char     *name;
  gint64    position;
  gboolean  subscribed;
} KouanStoredInsuranceCategory;

void kouan_stored_insurance_category_clear (KouanStoredInsuranceCategory *category);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredInsuranceCategory, kouan_stored_insurance_category_clear)

/* The insurer's risk article: belongs to no enterprise */
typedef struct {
  gint64  id;
  char   *title;
  char   *source;
  gint64  published_at;
  char   *country;
  char   *industry;
  gint64  category_id;
  char   *body;
} KouanStoredRiskArticle;

void kouan_stored_risk_article_clear (KouanStoredRiskArticle *article);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredRiskArticle, kouan_stored_risk_article_clear)

/* Every write records its changes of the feed itself (the SQLite
 * triggers, or the PostgreSQL backend with the record's JSON as written);
 * a write that changes nothing records none. Categories and risk
 * articles are global: every enterprise whose feed carries insurance
 * (enterprise_open) receives them. The getters zero *out and leave it so
 * (id 0) when there is no such record (in that enterprise). */
typedef struct {
  /* Gives @enterprise_id's feed the categories and every risk article,
   * and every article inserted later; once per enterprise. (SQLite: the
   * schema's trigger on enterprises does it as the enterprise is
   * created.) */
  gboolean (*enterprise_open)    (KouanStorage *storage, gint64 enterprise_id,
                                  GError **error);
  /* Appends to @out (gint64) those enterprises, by id */
  gboolean (*enterprises_list)   (KouanStorage *storage, GArray *out, GError **error);

  gboolean (*policy_get)         (KouanStorage *storage, gint64 enterprise_id,
                                  gint64 policy_id, KouanStoredPolicy *out,
                                  GError **error);
  /* The enterprise's oldest pending policy (out->id 0: none) */
  gboolean (*policy_first_pending) (KouanStorage *storage, gint64 enterprise_id,
                                    KouanStoredPolicy *out, GError **error);
  /* Sets the status, the comment (nullable: kept) and notice_read,
   * updated at @now: a change for everyone unless all three stay */
  gboolean (*policy_update)      (KouanStorage *storage, gint64 enterprise_id,
                                  gint64 policy_id, const char *status,
                                  const char *comment, gboolean notice_read,
                                  gint64 now, GError **error);
  /* The insurer's side (the demo, an import): @policy's id is ignored */
  gboolean (*policy_insert)      (KouanStorage *storage, const KouanStoredPolicy *policy,
                                  gint64 *out_id, GError **error);

  gboolean (*claim_get)          (KouanStorage *storage, gint64 enterprise_id,
                                  gint64 claim_id, KouanStoredClaim *out,
                                  GError **error);
  /* A change for everyone unless it was so already */
  gboolean (*claim_notice_read_set) (KouanStorage *storage, gint64 enterprise_id,
                                     gint64 claim_id, gboolean notice_read,
                                     GError **error);
  /* The insurer's side: @claim with its history (id and policy_number
   * ignored), one record */
  gboolean (*claim_insert)       (KouanStorage *storage, const KouanStoredClaim *claim,
                                  gint64 *out_id, GError **error);

  gboolean (*category_get)       (KouanStorage *storage, gint64 enterprise_id,
                                  gint64 category_id, gint64 user_id,
                                  KouanStoredInsuranceCategory *out, GError **error);
  /* @user_id's own subscription in @enterprise_id: a change for that
   * user unless it was so already */
  gboolean (*subscription_set)   (KouanStorage *storage, gint64 enterprise_id,
                                  gint64 user_id, gint64 category_id,
                                  gboolean subscribed, GError **error);

  gboolean (*article_get)        (KouanStorage *storage, gint64 article_id,
                                  KouanStoredRiskArticle *out, GError **error);
  /* Inserts @article (its id ignored): a change in every open
   * enterprise's feed, and one notice (docs/api.md) posted to each
   * enterprise where a member subscribed to its category */
  gboolean (*article_insert)     (KouanStorage *storage, const KouanStoredRiskArticle *article,
                                  gint64 *out_id, GError **error);
} KouanStorageInsurance;
/* ---- area 7: enterprise settings ------------------------------------- */

/* The profile members of the "enterprise_settings" record (docs/api.md),
 * in the order of KouanStoredEnterpriseSettings.profile */
#define KOUAN_STORED_PROFILE_N 9
extern const char *const kouan_stored_profile_fields[KOUAN_STORED_PROFILE_N];
/* The switches of the "business_settings" record, in the order of
 * KouanStoredBusinessSettings.switches */
#define KOUAN_STORED_SWITCHES_N 5
extern const char *const kouan_stored_business_switches[KOUAN_STORED_SWITCHES_N];

/* 企业设置: one per enterprise, its id the enterprise's. A profile not
 * written yet reads as empty strings. */
typedef struct {
  gint64  enterprise_id;   /* 0: no such enterprise */
  char   *name;
  char   *credit_code;
  char   *profile[KOUAN_STORED_PROFILE_N];
  gint64  logo_image;      /* an image's id (area 9, images); 0: none */
  gint64  seal_image;
} KouanStoredEnterpriseSettings;

void kouan_stored_enterprise_settings_clear (KouanStoredEnterpriseSettings *settings);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredEnterpriseSettings, kouan_stored_enterprise_settings_clear)

/* 业务设置: one per enterprise; every switch off until written */
typedef struct {
  gint64    enterprise_id;  /* 0: no such enterprise */
  gboolean  switches[KOUAN_STORED_SWITCHES_N];
  char     *aircraft_time;  /* nullable: "HH:MM", only while aircraft_auto */
} KouanStoredBusinessSettings;

void kouan_stored_business_settings_clear (KouanStoredBusinessSettings *settings);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredBusinessSettings, kouan_stored_business_settings_clear)

/* 企业风采: a carousel slide ("showcase_slides") or a link ("showcase_links") */
typedef struct {
  gint64  id;         /* 0: none (get), a new one (put) */
  gint64  image_id;   /* area 9, images */
  char   *caption;
  char   *link;
  gint64  position;
} KouanStoredSlide;

void kouan_stored_slide_clear (KouanStoredSlide *slide);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredSlide, kouan_stored_slide_clear)

typedef struct {
  gint64  id;         /* 0: none (get), a new one (put) */
  char   *title;
  char   *url;
  gint64  position;
} KouanStoredLink;

void kouan_stored_link_clear (KouanStoredLink *link);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredLink, kouan_stored_link_clear)

/* Every write records its change of the feed itself: the SQLite triggers
 * (the feed materialises the record), or the PostgreSQL backend with the
 * record's JSON as written (docs/api.md, "enterprise_settings",
 * "business_settings", "showcase_slides", "showcase_links"; a changed
 * name or credit code also the "enterprise" record). Images are
 * referenced by id; whether one exists is area 9's to say. */
typedef struct {
  /* The enterprise @enterprise_id exists with @name and @credit_code
   * (inserted unless it is there already): from now its two settings
   * records are in the feed (a change each, for everyone). The areas
   * that create enterprises call it; the demo and the tests too. */
  gboolean (*enterprise_open) (KouanStorage *storage, gint64 enterprise_id,
                               const char *name, const char *credit_code,
                               GError **error);
  /* *out is zeroed and left so (enterprise_id 0) when there is none */
  gboolean (*settings_get)    (KouanStorage *storage, gint64 enterprise_id,
                               KouanStoredEnterpriseSettings *out, GError **error);
  /* Whether another enterprise than @enterprise_id has @credit_code */
  gboolean (*credit_code_taken) (KouanStorage *storage, gint64 enterprise_id,
                                 const char *credit_code, gboolean *out_taken,
                                 GError **error);
  /* Writes every member of @settings (the enterprise must exist); a
   * credit code another enterprise has fails with
   * KOUAN_STORAGE_ERROR_CONSTRAINT */
  gboolean (*settings_put)    (KouanStorage *storage,
                               const KouanStoredEnterpriseSettings *settings,
                               GError **error);
  /* *out is zeroed and left so (enterprise_id 0) when there is none */
  gboolean (*business_get)    (KouanStorage *storage, gint64 enterprise_id,
                               KouanStoredBusinessSettings *out, GError **error);
  /* aircraft_time with aircraft_auto off fails with
   * KOUAN_STORAGE_ERROR_CONSTRAINT */
  gboolean (*business_put)    (KouanStorage *storage,
                               const KouanStoredBusinessSettings *settings,
                               GError **error);

  /* *out is zeroed and left so (id 0) when @enterprise_id has no such one */
  gboolean (*slide_get)       (KouanStorage *storage, gint64 enterprise_id,
                               gint64 slide_id, KouanStoredSlide *out, GError **error);
  /* How many slides the enterprise has, and the position after the last
   * (0 when none) */
  gboolean (*slides_count)    (KouanStorage *storage, gint64 enterprise_id,
                               gint64 *out_count, gint64 *out_next_position,
                               GError **error);
  /* Creates (@slide->id 0) or updates the slide; *out_id its id, 0 when
   * @enterprise_id has no slide @slide->id */
  gboolean (*slide_put)       (KouanStorage *storage, gint64 enterprise_id,
                               const KouanStoredSlide *slide, gint64 *out_id,
                               GError **error);
  gboolean (*slide_delete)    (KouanStorage *storage, gint64 enterprise_id,
                               gint64 slide_id, GError **error);
  /* The same for the links */
  gboolean (*link_get)        (KouanStorage *storage, gint64 enterprise_id,
                               gint64 link_id, KouanStoredLink *out, GError **error);
  gboolean (*links_count)     (KouanStorage *storage, gint64 enterprise_id,
                               gint64 *out_count, gint64 *out_next_position,
                               GError **error);
  gboolean (*link_put)        (KouanStorage *storage, gint64 enterprise_id,
                               const KouanStoredLink *link, gint64 *out_id,
                               GError **error);
  gboolean (*link_delete)     (KouanStorage *storage, gint64 enterprise_id,
                               gint64 link_id, GError **error);
} KouanStorageEnterprise;

/* ---- area 9: the audit log (with admin people for the handlers) ----- */

typedef struct {
  gint64  id;
  gint64  user_id;       /* who acted; 0: nobody (the system) */
  char   *account;       /* nullable: theirs, NULL when there is no such user */
  char   *name;          /* nullable */
  char   *action;        /* "role.create", … */
  char   *before_json;   /* nullable: the record before, a JSON object */
  char   *after_json;    /* nullable: the record after */
  gint64  created_at;
} KouanStoredAuditEntry;

void kouan_stored_audit_entry_clear (KouanStoredAuditEntry *entry);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredAuditEntry, kouan_stored_audit_entry_clear)

typedef struct {
  /* Appends an entry (a change of the "audit" collection for every
   * member allowed to see it) */
  gboolean (*audit_record) (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                            const char *action, const char *before_json,
                            const char *after_json, gint64 created_at,
                            gint64 *out_id, GError **error);
  /* *out is zeroed and left so (id 0) when there is no such entry */
  gboolean (*audit_get)    (KouanStorage *storage, gint64 enterprise_id, gint64 id,
                            KouanStoredAuditEntry *out, GError **error);
  /* Appends to @out (KouanStoredAuditEntry) the entries newest first,
   * @offset and @limit of those whose action starts with @action_prefix
   * (nullable; ASCII letters match either case, wildcards literally),
   * made by @user_id (0: anyone), at @from ≤ created_at < @to;
   * *out_total how many match in all. */
  gboolean (*audit_list)   (KouanStorage *storage, gint64 enterprise_id,
                            const char *action_prefix, gint64 user_id,
                            gint64 from, gint64 to, gint64 limit, gint64 offset,
                            GArray *out, gint64 *out_total, GError **error);
} KouanStorageAudit;

/* ---- images --------------------------------------------------------- */

/* An image an enterprise's member uploaded (or the demo stored): the
 * bytes of a PNG or JPEG the server encoded itself, stored once per
 * enterprise and content (sha256 of the bytes), never changed under its
 * id, and an id never given again (clients cache an image under it for a
 * year). Records refer to images by id: an enterprise's LOGO and seal,
 * showcase slides, a certification's licence, a user's avatar and seal. */
typedef struct {
  gint64   id;             /* 0: none */
  gint64   enterprise_id;
  char    *sha256;         /* lowercase hex of the bytes */
  char    *mime;           /* "image/png" or "image/jpeg" */
  gint64   width;
  gint64   height;
  gint64   size;           /* bytes */
  GBytes  *data;           /* (nullable): only when asked for */
} KouanStoredImage;

void kouan_stored_image_clear (KouanStoredImage *image);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredImage, kouan_stored_image_clear)

/* Whether an image is still wanted is decided by the references the
 * backend's tables hold (no record names one: it is collected after a
 * grace period). Who may read or store one is the handler's to decide. */
typedef struct {
  /* *out is zeroed and left so (id 0) when @enterprise_id has no image
   * @image_id; its bytes in out->data only @with_data */
  gboolean (*image_get)      (KouanStorage *storage, gint64 enterprise_id,
                              gint64 image_id, gboolean with_data,
                              KouanStoredImage *out, GError **error);
  /* The enterprise image @image_id belongs to; 0 when there is none */
  gboolean (*image_enterprise) (KouanStorage *storage, gint64 image_id,
                                gint64 *out_enterprise_id, GError **error);
  /* Whether @enterprise_id has an image with these bytes already */
  gboolean (*image_known)    (KouanStorage *storage, gint64 enterprise_id,
                              const char *sha256, gboolean *out_known,
                              GError **error);
  /* Bytes stored by the whole enterprise and by @user_id in it */
  gboolean (*usage)          (KouanStorage *storage, gint64 enterprise_id,
                              gint64 user_id, gint64 *out_enterprise,
                              gint64 *out_user, GError **error);
  /* Stores @image (enterprise_id, sha256, mime, width, height, data; id
   * and size ignored) uploaded by @created_by (0: nobody, the demo) at
   * @now. The same bytes again keep their first id; while no record
   * refers to them they get a fresh grace period from @now. */
  gboolean (*image_store)    (KouanStorage *storage, const KouanStoredImage *image,
                              gint64 created_by, gint64 now, gint64 *out_id,
                              GError **error);
  /* In @enterprise_id (0: every enterprise), in one transaction: notes
   * which images no record refers to since @now, forgets that of those
   * referred to again, and deletes those unreferenced since @before;
   * *out_collected how many were deleted. An image a record refers to is
   * never deleted, also when the reference is written meanwhile by
   * another connection. */
  gboolean (*images_collect) (KouanStorage *storage, gint64 enterprise_id,
                              gint64 now, gint64 before, gint64 *out_collected,
                              GError **error);
} KouanStorageImages;

/* ---- area 6: admin people ------------------------------------------
 *
 * Memberships, roles, departments, time-limited grants and what they
 * allow (docs/architecture.md, "Permissions"). Dates are China dates
 * (UTC+8) as "YYYY-MM-DD", inclusive; @today is the caller's (--today in
 * tests). Every write records its changes of the feed itself: the SQLite
 * triggers (kouan-server-db.c, migration 10) or the PostgreSQL ones
 * (migration 10 of kouan-storage-postgres.c), as rows the feed
 * materialises for its reader (KouanStoredChange.kept FALSE): a member
 * record carries its grants, an access record what its member may do
 * today.
 *
 * Ported so far: the authorization reads every route makes, roles,
 * departments, grants and join requests, and the write that makes a
 * member (the tests). The staff pages (kouan-server-admin*.c,
 * kouan-server-people.c) still run their SQL on the SQLite connection,
 * so PostgreSQL refuses to start until they go through here
 * (kouan_storage_unported()). */
/* A role as the admin pages show it */
typedef struct {
  gint64      id;             /* 0: none */
  char       *name;
  gboolean    builtin;
  gint64      created_at;
  gint64      member_count;   /* members holding it on the day asked */
  gint64      granted_count;  /* members holding a grant of it at all */
  GPtrArray  *permissions;    /* (element-type utf8) in byte order; empty
                               * for the built-in role, which holds all */
} KouanStoredRole;

void kouan_stored_role_clear (KouanStoredRole *role);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredRole, kouan_stored_role_clear)

typedef struct {
  gint64  id;             /* 0: none */
  gint64  parent_id;      /* 0: a top department */
  char   *name;
  gint64  head_user_id;   /* 0: none */
  char   *head_name;      /* nullable */
  gint64  member_count;
} KouanStoredDepartment;

void kouan_stored_department_clear (KouanStoredDepartment *department);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredDepartment, kouan_stored_department_clear)

/* A member's grant of a role for a period (China dates, inclusive) */
typedef struct {
  gint64    id;          /* 0: none */
  gint64    user_id;
  char     *member;      /* the user's name */
  gint64    role_id;
  char     *role;        /* the role's name */
  gboolean  builtin;     /* of the built-in role */
  char     *starts_on;
  char     *ends_on;     /* nullable: open-ended */
} KouanStoredGrant;

void kouan_stored_grant_clear (KouanStoredGrant *grant);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KouanStoredGrant, kouan_stored_grant_clear)

/* A pending request to join an enterprise, as its administrators see it */
typedef struct {
  gint64  id;
  gint64  user_id;
  char   *account;
  char   *name;
  gint64  created_at;
} KouanStoredPendingJoin;

void kouan_stored_pending_join_clear (KouanStoredPendingJoin *request);

typedef struct {
  /* Whether @user_id is an active member of @enterprise_id and an active
   * user */
  gboolean (*member_active)     (KouanStorage *storage, gint64 user_id,
                                 gint64 enterprise_id, gboolean *out_active,
                                 GError **error);
  /* Whether @user_id holds in @enterprise_id a grant valid on @today of
   * the built-in role or of a role holding one of @permissions
   * (NULL-terminated) */
  gboolean (*grant_allows)      (KouanStorage *storage, gint64 user_id,
                                 gint64 enterprise_id, const char *today,
                                 const char * const *permissions,
                                 gboolean *out_allowed, GError **error);
  /* The grants of @user_id valid on @today: whether one is of the
   * built-in role, and appends to @out (char *) the permissions their
   * roles hold (possibly repeated) */
  gboolean (*grant_permissions) (KouanStorage *storage, gint64 user_id,
                                 gint64 enterprise_id, const char *today,
                                 gboolean *out_builtin, GPtrArray *out,
                                 GError **error);
  /* Appends to @out (char *) the distinct names of the roles @user_id
   * holds on @today, "admin" for the built-in one, that first, then by
   * name */
  gboolean (*grant_roles)       (KouanStorage *storage, gint64 user_id,
                                 gint64 enterprise_id, const char *today,
                                 GPtrArray *out, GError **error);
  /* How many active members who are active users hold the built-in role
   * on @today */
  gboolean (*admins_count)      (KouanStorage *storage, gint64 enterprise_id,
                                 const char *today, gint64 *out_count,
                                 GError **error);
  /* The "access" record of @user_id (0: of every member of
   * @enterprise_id) changed: a change of it for its member */
  gboolean (*access_touch)      (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 user_id, GError **error);
  /* @user_id may now view @collection: every record of it in the
   * enterprise's feed gets a change of @user_id's own, newer than their
   * cursor, so the next pull brings the records they missed */
  gboolean (*changes_reissue)   (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 user_id, const char *collection,
                                 GError **error);

  /* @user_id becomes a member of @enterprise_id (active, no department)
   * registered on @registered_on */
  gboolean (*member_add)        (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 user_id, const char *registered_on,
                                 GError **error);
  /* The enterprise's built-in role (管理员); 0 when there is no such
   * enterprise */
  gboolean (*role_builtin)      (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 *out_id, GError **error);
  /* A role holding @permissions (NULL-terminated); a name the
   * enterprise has already fails with KOUAN_STORAGE_ERROR_CONSTRAINT */
  gboolean (*role_create)       (KouanStorage *storage, gint64 enterprise_id,
                                 const char *name, const char * const *permissions,
                                 gint64 now, gint64 *out_id, GError **error);
  /* Grants @role_id to @user_id from @starts_on to @ends_on (nullable:
   * open-ended) */
  gboolean (*grant_create)      (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 user_id, gint64 role_id,
                                 const char *starts_on, const char *ends_on,
                                 gint64 now, gint64 *out_id, GError **error);

  /* Appends to @out (gint64) the enterprises @user_id is a member of
   * (only @active_only: of the active memberships), by id */
  gboolean (*user_enterprises)  (KouanStorage *storage, gint64 user_id,
                                 gboolean active_only, GArray *out, GError **error);
  /* (transfer full) (nullable): @user_id's membership status in
   * @enterprise_id ("active" or "disabled"), NULL when none */
  gboolean (*member_status)     (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 user_id, char **out_status, GError **error);

  /* A mutation's own savepoint inside the batch's transaction: begun,
   * released, or rolled back (and released) */
  gboolean (*savepoint)         (KouanStorage *storage, GError **error);
  gboolean (*savepoint_release) (KouanStorage *storage, GError **error);
  void     (*savepoint_rollback) (KouanStorage *storage);

  /* Appends to @out (gint64) the enterprise's roles, the built-in one
   * first, then by name */
  gboolean (*roles_list)        (KouanStorage *storage, gint64 enterprise_id,
                                 GArray *out, GError **error);
  /* *out is zeroed and left so (id 0) when @enterprise_id has no such
   * role; member_count counts the holders on @today */
  gboolean (*role_get)          (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 role_id, const char *today,
                                 KouanStoredRole *out, GError **error);
  /* Whether another role than @except_id (0: none) has @name */
  gboolean (*role_name_taken)   (KouanStorage *storage, gint64 enterprise_id,
                                 const char *name, gint64 except_id,
                                 gboolean *out_taken, GError **error);
  /* Renames (@name nullable: kept) and sets the permissions
   * (@permissions nullable: kept; NULL-terminated) of a role */
  gboolean (*role_update)       (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 role_id, const char *name,
                                 const char * const *permissions, GError **error);
  /* Deletes a role and its grants; *out_removed how many grants */
  gboolean (*role_delete)       (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 role_id, gint64 *out_removed, GError **error);
  /* Appends to @out (gint64) the members holding a grant of @role_id */
  gboolean (*role_holders)      (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 role_id, GArray *out, GError **error);

  /* Appends to @out (gint64) the enterprise's departments, the top ones
   * first, then by parent and name */
  gboolean (*departments_list)  (KouanStorage *storage, gint64 enterprise_id,
                                 GArray *out, GError **error);
  /* *out is zeroed and left so (id 0) when there is none */
  gboolean (*department_get)    (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 department_id, KouanStoredDepartment *out,
                                 GError **error);
  /* Whether @candidate is @department_id or one of its descendants */
  gboolean (*department_under)  (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 department_id, gint64 candidate,
                                 gboolean *out_under, GError **error);
  gboolean (*department_has_children) (KouanStorage *storage, gint64 enterprise_id,
                                       gint64 department_id, gboolean *out_has,
                                       GError **error);
  /* @parent_id and @head_user_id 0: none */
  gboolean (*department_create) (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 parent_id, const char *name,
                                 gint64 head_user_id, gint64 *out_id, GError **error);
  /* Sets the name (nullable: kept), the parent when @set_parent and the
   * head when @set_head (0: none) */
  gboolean (*department_update) (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 department_id, const char *name,
                                 gboolean set_parent, gint64 parent_id,
                                 gboolean set_head, gint64 head_user_id,
                                 GError **error);
  gboolean (*department_delete) (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 department_id, GError **error);

  /* Appends to @out (KouanStoredGrant) @user_id's grants in
   * @enterprise_id: the built-in role's first, then by role name, start
   * and id */
  gboolean (*member_grants)     (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 user_id, GArray *out, GError **error);
  /* *out is zeroed and left so (id 0) when @enterprise_id has no such
   * grant */
  gboolean (*grant_get)         (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 grant_id, KouanStoredGrant *out,
                                 GError **error);
  /* Sets a grant's period (@ends_on nullable: open-ended) */
  gboolean (*grant_set_period)  (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 grant_id, const char *starts_on,
                                 const char *ends_on, GError **error);
  gboolean (*grant_delete)      (KouanStorage *storage, gint64 enterprise_id,
                                 gint64 grant_id, GError **error);

  /* Appends to @out (KouanStoredPendingJoin) the enterprise's pending
   * join requests, oldest first */
  gboolean (*join_requests_pending) (KouanStorage *storage, gint64 enterprise_id,
                                     GArray *out, GError **error);
  /* Decides @enterprise_id's pending request @request_id at @now by
   * @decided_by; approved, its user becomes a member (registered on
   * @registered_on) unless they are one. *out_user_id: the request's
   * user, 0 when there is no such pending request (nothing changed). */
  gboolean (*join_request_decide)   (KouanStorage *storage, gint64 enterprise_id,
                                     gint64 request_id, gboolean approve, gint64 now,
                                     gint64 decided_by, const char *registered_on,
                                     gint64 *out_user_id, GError **error);
} KouanStoragePeople;

/* A backend: its areas and its transaction control. */
struct _KouanStorage
{
  KouanStorageBackend            backend;
  const KouanStorageAuth        *auth;
  const KouanStorageCard        *card;
  const KouanStorageFeed        *feed;
  const KouanStorageMessages    *messages;
  const KouanStoragePersonal    *personal;
  const KouanStoragePeople      *people;
  const KouanStorageEnterprise  *enterprise;
  const KouanStorageInsurance   *insurance;
  const KouanStorageImages      *images;
  const KouanStorageAudit       *audit;

  gboolean (*begin)    (KouanStorage *storage, GError **error);
  gboolean (*commit)   (KouanStorage *storage, GError **error);
  void     (*rollback) (KouanStorage *storage);
  void     (*free)     (KouanStorage *storage);
};

/* Is @db a PostgreSQL connection URI (postgresql:// or postgres://)? */
gboolean      kouan_storage_is_postgres_uri (const char *db);
/* (transfer full) (nullable): a comma-separated list of the feature areas
 * @storage does not serve, NULL when it serves all nine. */
char         *kouan_storage_unported        (const KouanStorage *storage);
/* (transfer full) (nullable): the same for a backend before connecting */
char         *kouan_storage_unported_for    (KouanStorageBackend backend);
void          kouan_storage_free            (KouanStorage *storage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanStorage, kouan_storage_free)

/* Backends. The SQLite one works on a connection its caller opened and
 * migrated (kouan-server-db.c keeps it for the areas not ported yet). */
typedef struct sqlite3 sqlite3;
KouanStorage *kouan_storage_sqlite_new      (sqlite3     *db);
/* Connects with libpq to @uri and migrates the schema (schema_version
 * table). NULL with KOUAN_STORAGE_ERROR_UNSUPPORTED when built without
 * libpq (meson -Dpostgres=disabled). */
KouanStorage *kouan_storage_postgres_open   (const char  *uri,
                                             GError     **error);

/* Convenience for the handlers */
gboolean      kouan_storage_begin           (KouanStorage *storage, GError **error);
gboolean      kouan_storage_commit          (KouanStorage *storage, GError **error);
void          kouan_storage_rollback        (KouanStorage *storage);
void          kouan_stored_change_clear     (KouanStoredChange *change);
void          kouan_stored_touch_clear      (KouanStoredTouch  *touch);
/* (transfer full): @text's LIKE pattern for "starts with", its % _ and \
 * escaped with \ (for LIKE … ESCAPE '\') */
char         *kouan_storage_like_prefix     (const char *text);

G_END_DECLS
