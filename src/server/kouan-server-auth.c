/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-crypto.h"
#include "kouan-json.h"
#include "kouan-server.h"

#define TOKEN_BYTES 32
/* Logins held while checks of their account or address run */
#define LOGINS_WAITING_MAX 64

/* Verified against when the account does not exist, so an unknown account
 * costs the same time as a wrong password and the two cannot be told
 * apart by timing. Computed once, lazily. */
static const char *
dummy_hash (void)
{
  static gsize once;
  static char *hash;

  /* Computed on a worker thread, possibly two at once. */
  if (g_once_init_enter (&once))
    {
      hash = kouan_crypto_hash_password ("kouan-no-such-account", KOUAN_PASSWORD_ITERATIONS);
      g_once_init_leave (&once, 1);
    }
  return hash;
}

void
kouan_server_session_clear (KouanServerSession *session)
{
  g_clear_pointer (&session->token_sha256, g_free);
  g_clear_pointer (&session->method, g_free);
}

gboolean
kouan_server_auth_create_user (KouanServer *self,
                               const char  *account,
                               const char  *name,
                               const char  *password,
                               gint64      *out_id,
                               GError     **error)
{
  g_autofree char *hash = kouan_crypto_hash_password (password, KOUAN_PASSWORD_ITERATIONS);

  return self->storage->auth->user_create (self->storage, account, name, hash, out_id, error);
}

/* ---- throttling ---------------------------------------------------- */

/* Failed logins are kept in the database (keys "account:NAME" and
 * "address:IP") so a restart does not reset the counter. Returns the
 * seconds until @key may try again, or 0. */
gint64
kouan_server_throttle_wait (KouanServer *self,
                            const char  *key,
                            gint64       now)
{
  g_autoptr(GError) error = NULL;
  gint64 count = 0, oldest = 0;
  gint64 wait = 0;

  if (!self->storage->auth->throttle_recent (self->storage, key, now - KOUAN_LOGIN_WINDOW,
                                             KOUAN_LOGIN_MAX_FAILURES, &count, &oldest, &error))
    kouan_server_storage_failed (self, error);
  else if (count >= KOUAN_LOGIN_MAX_FAILURES)
    {
      /* The oldest of the last five failures leaving the window frees a
       * slot. */
      wait = oldest + KOUAN_LOGIN_WINDOW - now;
      wait = MAX (wait, 1);
    }
  return wait;
}

gboolean
kouan_server_throttle_busy (KouanServer *self,
                            const char  *key,
                            gint64       now)
{
  g_autoptr(GError) error = NULL;
  gint64 failures = 0, oldest = 0;
  int in_flight = self->passwords_in_flight != NULL
    ? GPOINTER_TO_INT (g_hash_table_lookup (self->passwords_in_flight, key)) : 0;

  if (in_flight == 0)
    return FALSE;
  /* only whether the limit is reached matters: count up to it */
  if (!self->storage->auth->throttle_recent (self->storage, key, now - KOUAN_LOGIN_WINDOW,
                                             KOUAN_LOGIN_MAX_FAILURES, &failures, &oldest, &error))
    kouan_server_storage_failed (self, error);
  return failures + in_flight >= KOUAN_LOGIN_MAX_FAILURES;
}

void
kouan_server_throttle_record (KouanServer *self,
                              const char  *key,
                              gint64       now)
{
  g_autoptr(GError) error = NULL;

  if (!self->storage->auth->throttle_record (self->storage, key, now, &error))
    g_warning ("Recording a failed login: %s", error->message);
}

void
kouan_server_throttle_forget (KouanServer *self,
                              const char  *key,
                              gint64       now)
{
  g_autoptr(GError) error = NULL;

  if (!self->storage->auth->throttle_forget (self->storage, key, now - KOUAN_LOGIN_WINDOW, &error))
    g_warning ("%s", error->message);
}

/* ---- password hashing off the main loop ---------------------------- */

/* PBKDF2 takes tens of milliseconds by design: run on the main loop it
 * would stall every other request (and every WebSocket) for that long
 * per login. The message is paused, the hashing runs in a GTask worker,
 * and the answer is made on the main context, where all database work
 * stays. */
typedef struct {
  KouanServer             *server;   /* borrowed: lives for the process */
  SoupServerMessage       *msg;      /* owned */
  char                    *password;
  char                    *hash;     /* (nullable): the dummy hash */
  char                    *new_password; /* (nullable) */
  GStrv                    keys;     /* throttle keys counted in flight */
  gboolean                 gone;     /* the client went away meanwhile */
  gulong                   finished_id;
  gulong                   disconnected_id;
  KouanServerPasswordDone  done;
  gpointer                 user_data;
  GDestroyNotify           destroy;
  /* results */
  gboolean                 verified;
  char                    *new_hash;
} PasswordCheck;

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
password_check_free (PasswordCheck *check)
{
  g_clear_signal_handler (&check->finished_id, check->msg);
  g_clear_signal_handler (&check->disconnected_id, check->msg);
  g_clear_object (&check->msg);
  wipe_free (check->password);
  wipe_free (check->new_password);
  g_free (check->hash);
  g_free (check->new_hash);
  g_strfreev (check->keys);
  if (check->destroy != NULL)
    check->destroy (check->user_data);
  g_free (check);
}

static void
in_flight_add (KouanServer  *self,
               char * const *keys,
               int           delta)
{
  if (self->passwords_in_flight == NULL)
    self->passwords_in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      int count = GPOINTER_TO_INT (g_hash_table_lookup (self->passwords_in_flight, keys[i])) + delta;

      if (count > 0)
        g_hash_table_replace (self->passwords_in_flight, g_strdup (keys[i]), GINT_TO_POINTER (count));
      else
        g_hash_table_remove (self->passwords_in_flight, keys[i]);
    }
}

static void
password_check_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  PasswordCheck *check = task_data;

  /* An unknown account is checked against the dummy hash, so it costs
   * the same time as a wrong password; it never verifies. */
  check->verified = kouan_crypto_verify_password (check->password,
                                                  check->hash != NULL ? check->hash : dummy_hash ())
                    && check->hash != NULL;
  if (check->verified && check->new_password != NULL)
    check->new_hash = kouan_crypto_hash_password (check->new_password, KOUAN_PASSWORD_ITERATIONS);
  g_task_return_boolean (task, TRUE);
}

static void
on_check_msg_finished (SoupServerMessage *msg,
                       PasswordCheck     *check)
{
  check->gone = TRUE;
}

static void resume_deferred_logins (KouanServer *self);

static void
on_password_checked (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  PasswordCheck *check = g_task_get_task_data (G_TASK (result));
  KouanServer *self = check->server;
  gint64 before;

  in_flight_add (self, check->keys, -1);
  if (!check->gone)
    {
      /* The router announces the changes of a request when its handler
       * returns; this one answers later, so it announces its own. */
      before = kouan_server_events_newest (self);
      check->done (self, check->msg, check->verified, check->new_hash, check->user_data);
      if (kouan_server_events_newest (self) != before)
        kouan_server_events_notify_since (self, before);
      soup_server_message_unpause (check->msg);
    }
  /* After @done recorded this check's outcome: the logins waiting on it
   * now see it. */
  resume_deferred_logins (self);
}

void
kouan_server_password_check (KouanServer             *self,
                             SoupServerMessage       *msg,
                             const char              *password,
                             const char              *hash,
                             const char              *new_password,
                             const char * const      *throttle_keys,
                             KouanServerPasswordDone  done,
                             gpointer                 user_data,
                             GDestroyNotify           destroy)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_password_checked, NULL);
  PasswordCheck *check = g_new0 (PasswordCheck, 1);

  check->server = self;
  check->msg = g_object_ref (msg);
  check->password = g_strdup (password);
  check->hash = g_strdup (hash);
  check->new_password = g_strdup (new_password);
  check->keys = g_strdupv ((char **) throttle_keys);
  check->done = done;
  check->user_data = user_data;
  check->destroy = destroy;
  /* Either means the message can no longer be answered or unpaused. */
  check->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_check_msg_finished), check);
  check->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (on_check_msg_finished), check);
  in_flight_add (self, check->keys, +1);

  g_task_set_source_tag (task, kouan_server_password_check);
  g_task_set_task_data (task, check, (GDestroyNotify) password_check_free);
  /* A status must be set before the handler returns: libsoup otherwise
   * tries the WebSocket handshake on the message (the socket handler
   * shares the catch-all path) and answers its own 400. This one stands
   * until @done replaces it. */
  soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  soup_server_message_pause (msg);
  g_task_run_in_thread (task, password_check_thread);
}

/* ---- sessions ------------------------------------------------------ */

static gint64
session_expiry (KouanServer *self,
                gint64       created_at,
                gint64       last_seen)
{
  return MIN (last_seen + self->session_idle, created_at + self->session_max);
}

static void
reply_session (KouanServer        *self,
               SoupServerMessage  *msg,
               gint64              user_id,
               const char         *method,
               gint64              expires_at,
               const char         *token)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonObject *user = kouan_server_db_user_json (self, user_id);

  if (user == NULL)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                "The account no longer exists");
      return;
    }
  if (token != NULL)
    json_object_set_string_member (reply, "token", token);
  json_object_set_object_member (reply, "user", user);
  json_object_set_array_member (reply, "memberships",
                                kouan_server_db_memberships_json (self, user_id));
  json_object_set_string_member (reply, "method", method);
  json_object_set_int_member (reply, "expires_at", expires_at);
  kouan_server_reply_json (msg, SOUP_STATUS_OK, reply);
}

void
kouan_server_reply_throttled (SoupServerMessage *msg,
                              gint64             wait)
{
  g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, wait);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", seconds);
  kouan_server_reply_error (msg, KOUAN_STATUS_TOO_MANY_REQUESTS, "too_many_requests",
                            "Too many failed logins; try again in %s seconds", seconds);
}

typedef struct {
  gint64    user_id;   /* 0: no such account */
  gboolean  active;
  char     *account_key;
  char     *address_key;
} LoginAttempt;

static void
login_attempt_free (LoginAttempt *attempt)
{
  g_free (attempt->account_key);
  g_free (attempt->address_key);
  g_free (attempt);
}

static void
on_login_checked (KouanServer       *self,
                  SoupServerMessage *msg,
                  gboolean           verified,
                  const char        *new_hash,
                  gpointer           user_data)
{
  LoginAttempt *attempt = user_data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!verified || attempt->user_id == 0 || !attempt->active)
    {
      kouan_server_throttle_record (self, attempt->account_key, now);
      kouan_server_throttle_record (self, attempt->address_key, now);
      kouan_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_credentials",
                                "Wrong account or password");
      return;
    }

  kouan_server_throttle_forget (self, attempt->account_key, now);
  kouan_server_auth_open_session (self, msg, attempt->user_id, "password");
}

static void defer_login (KouanServer *self, SoupServerMessage *msg);

/* Starts a login: answers it at once (400, 429), defers it, or starts its
 * password check. Returns FALSE when it answered at once. */
static gboolean
login_start (KouanServer       *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account_key = NULL;
  g_autofree char *address_key = NULL;
  g_autofree char *hash = NULL;
  const char *account;
  const char *password;
  const char *address;
  gint64 user_id = 0;
  gboolean active = FALSE;
  LoginAttempt *attempt = NULL;
  const char *keys[3] = { NULL, NULL, NULL };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 wait;

  body = kouan_server_read_body (msg);
  if (body == NULL)
    return FALSE;
  if (!kouan_json_get_string (body, "account", &account, &error) ||
      !kouan_json_get_string (body, "password", &password, &error))
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return FALSE;
    }
  if (strlen (account) > 256 || strlen (password) > 1024)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"account\" or \"password\" is too long");
      return FALSE;
    }

  address = soup_server_message_get_remote_host (msg);
  account_key = g_strdup_printf ("account:%s", account);
  address_key = g_strdup_printf ("address:%s", address != NULL ? address : "unknown");

  /* Throttled before the password is even looked at: a right guess after
   * the limit must not be confirmed either. */
  wait = MAX (kouan_server_throttle_wait (self, account_key, now),
              kouan_server_throttle_wait (self, address_key, now));
  if (wait > 0)
    {
      kouan_server_reply_throttled (msg, wait);
      return FALSE;
    }
  /* Checks still running for this account or address could, as
   * failures, reach the limit: this login waits for them, so logins sent
   * all at once are throttled exactly as if sent one by one. */
  if (kouan_server_throttle_busy (self, account_key, now) ||
      kouan_server_throttle_busy (self, address_key, now))
    {
      /* Every check that ends looks at each waiting login again: keep
       * that list short, a flood beyond it is told to retry. */
      if (self->deferred_logins != NULL && self->deferred_logins->len >= LOGINS_WAITING_MAX)
        {
          kouan_server_reply_throttled (msg, 1);
          return FALSE;
        }
      defer_login (self, msg);
      return TRUE;
    }

  if (!self->storage->auth->user_for_login (self->storage, account, &user_id, &hash,
                                            &active, &error))
    {
      kouan_server_storage_failed (self, error);
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The account could not be looked up");
      return FALSE;
    }
  attempt = g_new0 (LoginAttempt, 1);
  attempt->user_id = user_id;
  attempt->active = active;
  attempt->account_key = g_steal_pointer (&account_key);
  attempt->address_key = g_steal_pointer (&address_key);
  keys[0] = attempt->account_key;
  keys[1] = attempt->address_key;
  kouan_server_password_check (self, msg, password, hash, NULL, keys,
                               on_login_checked, attempt, (GDestroyNotify) login_attempt_free);
  return TRUE;
}

/* A login waiting for running checks of its account or address. */
typedef struct {
  SoupServerMessage *msg;   /* owned, paused */
  gboolean           gone;
  gulong             finished_id;
  gulong             disconnected_id;
} DeferredLogin;

static void
on_deferred_gone (SoupServerMessage *msg,
                  DeferredLogin     *deferred)
{
  deferred->gone = TRUE;
}

static void
deferred_login_free (DeferredLogin *deferred)
{
  g_clear_signal_handler (&deferred->finished_id, deferred->msg);
  g_clear_signal_handler (&deferred->disconnected_id, deferred->msg);
  g_clear_object (&deferred->msg);
  g_free (deferred);
}

static void
defer_login (KouanServer       *self,
             SoupServerMessage *msg)
{
  DeferredLogin *deferred = g_new0 (DeferredLogin, 1);

  if (self->deferred_logins == NULL)
    self->deferred_logins = g_ptr_array_new_with_free_func ((GDestroyNotify) deferred_login_free);
  deferred->msg = g_object_ref (msg);
  deferred->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_deferred_gone), deferred);
  deferred->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (on_deferred_gone), deferred);
  /* See kouan_server_password_check(): a status before pausing. */
  soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  soup_server_message_pause (msg);
  g_ptr_array_add (self->deferred_logins, deferred);
}

static void
resume_deferred_logins (KouanServer *self)
{
  g_autoptr(GPtrArray) waiting = NULL;

  if (self->deferred_logins == NULL || self->deferred_logins->len == 0)
    return;
  /* Taken whole: a login that must wait again is deferred anew. */
  waiting = g_steal_pointer (&self->deferred_logins);
  for (guint i = 0; i < waiting->len; i++)
    {
      DeferredLogin *deferred = g_ptr_array_index (waiting, i);

      if (deferred->gone)
        continue;
      /* The stand-in status stays until the login sets the real one. */
      if (!login_start (self, deferred->msg))
        soup_server_message_unpause (deferred->msg);
    }
}

static void
delete_session (KouanServer *self,
                const char  *token_sha)
{
  g_autoptr(GError) error = NULL;

  if (!self->storage->auth->session_delete (self->storage, token_sha, &error))
    kouan_server_storage_failed (self, error);
}

/* Keeps at most KOUAN_SESSIONS_PER_USER sessions of @user_id: a script
 * logging in over and over must not grow the table (or the account's
 * session list) without end. The least recently used go first, never
 * @keep_sha (the one just opened); their sockets are closed like at
 * logout. */
static void
evict_oldest_sessions (KouanServer *self,
                       gint64       user_id,
                       const char  *keep_sha)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) evicted = self->storage->auth->sessions_evict (self->storage, user_id, keep_sha,
                                                                      KOUAN_SESSIONS_PER_USER - 1,
                                                                      &error);

  if (evicted == NULL)
    {
      g_warning ("Evicting sessions: %s", error->message);
      return;
    }
  for (guint i = 0; i < evicted->len; i++)
    {
      const char *sha = g_ptr_array_index (evicted, i);

      if (self->sockets != NULL)
        kouan_server_events_close_session (self, sha);
    }
}

void
kouan_server_auth_open_session (KouanServer       *self,
                                SoupServerMessage *msg,
                                gint64             user_id,
                                const char        *method)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_sha = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  token = kouan_crypto_random_token (TOKEN_BYTES);
  token_sha = kouan_crypto_sha256_hex (token, strlen (token));
  if (!self->storage->auth->session_insert (self->storage, token_sha, user_id, method, now,
                                            now + self->session_max, &error))
    {
      g_warning ("Creating a session: %s", error->message);
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The session could not be stored");
      return;
    }

  evict_oldest_sessions (self, user_id, token_sha);

  /* Expired sessions are swept on each login rather than by a timer. */
  if (!self->storage->auth->sessions_sweep (self->storage, now, now - self->session_idle, &error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&error);
    }

  reply_session (self, msg, user_id, method,
                 session_expiry (self, now, now), token);
}

gboolean
kouan_server_auth_check (KouanServer        *self,
                         SoupServerMessage  *msg,
                         KouanServerSession *out)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *token_sha = NULL;
  const char *token;
  g_auto(KouanStoredSession) stored = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 created_at, last_seen, expires_at;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                "A bearer token is required");
      return FALSE;
    }
  token = authorization + 7;
  while (*token == ' ')
    token++;

  token_sha = kouan_crypto_sha256_hex (token, strlen (token));
  if (!self->storage->auth->session_lookup (self->storage, token_sha, &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The session could not be checked");
      return FALSE;
    }
  if (stored.token_sha256 == NULL || !stored.user_active)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                "The session is not valid; log in again");
      return FALSE;
    }

  out->user_id = stored.user_id;
  out->method = g_steal_pointer (&stored.method);
  created_at = stored.created_at;
  last_seen = stored.last_seen;
  expires_at = stored.expires_at;

  /* The idle limit is checked against the server's current setting, so
   * lowering it takes effect for existing sessions too. */
  if (now >= expires_at || now >= created_at + self->session_max ||
      now - last_seen >= self->session_idle)
    {
      delete_session (self, token_sha);
      kouan_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "session_expired",
                                "The session has expired; log in again");
      return FALSE;
    }

  if (last_seen != now &&
      !self->storage->auth->session_touch (self->storage, token_sha, now, &error))
    kouan_server_storage_failed (self, error);

  out->token_sha256 = g_steal_pointer (&token_sha);
  out->created_at = created_at;
  out->expires_at = session_expiry (self, created_at, now);
  return TRUE;
}

void
kouan_server_auth_session (KouanServer       *self,
                           SoupServerMessage *msg,
                           const char        *method)
{
  g_auto(KouanServerSession) session = { 0 };

  if (g_strcmp0 (method, SOUP_METHOD_POST) == 0)
    {
      login_start (self, msg);
      return;
    }

  if (!kouan_server_auth_check (self, msg, &session))
    return;

  if (g_strcmp0 (method, SOUP_METHOD_DELETE) == 0)
    {
      delete_session (self, session.token_sha256);
      kouan_server_events_close_session (self, session.token_sha256);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }

  reply_session (self, msg, session.user_id, session.method, session.expires_at, NULL);
}
