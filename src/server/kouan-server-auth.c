/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-crypto.h"
#include "kouan-json.h"
#include "kouan-server.h"

#define TOKEN_BYTES 32

/* Verified against when the account does not exist, so an unknown account
 * costs the same time as a wrong password and the two cannot be told
 * apart by timing. Computed once, lazily. */
static const char *
dummy_hash (void)
{
  static char *hash;

  if (hash == NULL)
    hash = kouan_crypto_hash_password ("kouan-no-such-account", KOUAN_PASSWORD_ITERATIONS);
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
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "INSERT INTO users (account, name, password_hash) VALUES (?1, ?2, ?3)");
  g_autofree char *hash = kouan_crypto_hash_password (password, KOUAN_PASSWORD_ITERATIONS);

  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_TRANSIENT);
  if (!kouan_server_db_step_done (self, stmt, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
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
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT COUNT(*), MIN(at) FROM ("
    "  SELECT at FROM login_failures WHERE key = ?1 AND at > ?2"
    "  ORDER BY at DESC LIMIT ?3)");
  gint64 wait = 0;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now - KOUAN_LOGIN_WINDOW);
  sqlite3_bind_int (stmt, 3, KOUAN_LOGIN_MAX_FAILURES);
  if (kouan_server_db_row (self, stmt) &&
      sqlite3_column_int (stmt, 0) >= KOUAN_LOGIN_MAX_FAILURES)
    {
      /* The oldest of the last five failures leaving the window frees a
       * slot. */
      wait = sqlite3_column_int64 (stmt, 1) + KOUAN_LOGIN_WINDOW - now;
      wait = MAX (wait, 1);
    }
  sqlite3_reset (stmt);
  return wait;
}

void
kouan_server_throttle_record (KouanServer *self,
                              const char  *key,
                              gint64       now)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "INSERT INTO login_failures (key, at) VALUES (?1, ?2)");
  g_autoptr(GError) error = NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!kouan_server_db_step_done (self, stmt, &error))
    g_warning ("Recording a failed login: %s", error->message);
}

void
kouan_server_throttle_forget (KouanServer *self,
                              const char  *key,
                              gint64       now)
{
  sqlite3_stmt *stmt;

  stmt = kouan_server_db_stmt (self, "DELETE FROM login_failures WHERE key = ?1 OR at <= ?2");
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now - KOUAN_LOGIN_WINDOW);
  kouan_server_db_step_done (self, stmt, NULL);
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

static void
login (KouanServer       *self,
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
  sqlite3_stmt *stmt;
  gint64 user_id = 0;
  gboolean active = FALSE;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 wait;

  body = kouan_server_read_body (msg);
  if (body == NULL)
    return;
  if (!kouan_json_get_string (body, "account", &account, &error) ||
      !kouan_json_get_string (body, "password", &password, &error))
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return;
    }
  if (strlen (account) > 256 || strlen (password) > 1024)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"account\" or \"password\" is too long");
      return;
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
      return;
    }

  stmt = kouan_server_db_stmt (self, "SELECT id, password_hash, active FROM users WHERE account = ?1");
  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  if (kouan_server_db_row (self, stmt))
    {
      user_id = sqlite3_column_int64 (stmt, 0);
      hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      active = sqlite3_column_int (stmt, 2) != 0;
    }
  sqlite3_reset (stmt);

  if (!kouan_crypto_verify_password (password, hash != NULL ? hash : dummy_hash ()) ||
      user_id == 0 || !active)
    {
      kouan_server_throttle_record (self, account_key, now);
      kouan_server_throttle_record (self, address_key, now);
      kouan_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_credentials",
                                "Wrong account or password");
      return;
    }

  kouan_server_throttle_forget (self, account_key, now);

  kouan_server_auth_open_session (self, msg, user_id, "password");
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
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  token = kouan_crypto_random_token (TOKEN_BYTES);
  token_sha = kouan_crypto_sha256_hex (token, strlen (token));
  stmt = kouan_server_db_stmt (self,
    "INSERT INTO sessions (token_sha256, user_id, method, created_at, last_seen, expires_at)"
    " VALUES (?1, ?2, ?5, ?3, ?3, ?4)");
  sqlite3_bind_text (stmt, 1, token_sha, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now + self->session_max);
  sqlite3_bind_text (stmt, 5, method, -1, SQLITE_TRANSIENT);
  if (!kouan_server_db_step_done (self, stmt, &error))
    {
      g_warning ("Creating a session: %s", error->message);
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The session could not be stored");
      return;
    }

  /* Expired sessions are swept on each login rather than by a timer. */
  stmt = kouan_server_db_stmt (self,
    "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen <= ?2");
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, now - self->session_idle);
  kouan_server_db_step_done (self, stmt, NULL);

  reply_session (self, msg, user_id, method,
                 session_expiry (self, now, now), token);
}

static void
delete_session (KouanServer *self,
                const char  *token_sha)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, "DELETE FROM sessions WHERE token_sha256 = ?1");

  sqlite3_bind_text (stmt, 1, token_sha, -1, SQLITE_TRANSIENT);
  kouan_server_db_step_done (self, stmt, NULL);
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
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 created_at = 0, last_seen = 0, expires_at = 0;
  gboolean found = FALSE;
  gboolean active = FALSE;

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
  stmt = kouan_server_db_stmt (self,
    "SELECT s.user_id, s.method, s.created_at, s.last_seen, s.expires_at, u.active"
    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = ?1");
  sqlite3_bind_text (stmt, 1, token_sha, -1, SQLITE_TRANSIENT);
  if (kouan_server_db_row (self, stmt))
    {
      found = TRUE;
      out->user_id = sqlite3_column_int64 (stmt, 0);
      out->method = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      created_at = sqlite3_column_int64 (stmt, 2);
      last_seen = sqlite3_column_int64 (stmt, 3);
      expires_at = sqlite3_column_int64 (stmt, 4);
      active = sqlite3_column_int (stmt, 5) != 0;
    }
  sqlite3_reset (stmt);

  if (!found || !active)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                "The session is not valid; log in again");
      return FALSE;
    }

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

  if (last_seen != now)
    {
      stmt = kouan_server_db_stmt (self,
        "UPDATE sessions SET last_seen = ?2 WHERE token_sha256 = ?1");
      sqlite3_bind_text (stmt, 1, token_sha, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now);
      kouan_server_db_step_done (self, stmt, NULL);
    }

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
      login (self, msg);
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
