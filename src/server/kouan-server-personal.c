/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gnutls/x509.h>

#include "kouan-card.h"
#include "kouan-crypto.h"
#include "kouan-json.h"
#include "kouan-personal.h"
#include "kouan-server-personal-private.h"

/* The personal center's user-side part: the profile and declaration
 * preferences (synced collections, per user), the account details, the
 * password change and the list of the user's own sessions (routes).
 * docs/api.md, "Personal center". */

#define rejected kouan_server_mutation_rejected

static const char *const preference_names[] = {
  "remember_last", "check_hs_codes", "warn_duplicates", "autofill_consignee", "confirm_submit",
};

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- validation shared with the enterprise part -------------------- */

gint64
_kouan_server_personal_image_enterprise (KouanServer *self,
                                         gint64       user_id,
                                         gint64       image_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT i.enterprise_id FROM images i JOIN memberships m"
    "  ON m.enterprise_id = i.enterprise_id AND m.user_id = ?2 WHERE i.id = ?1");
  gint64 enterprise_id = 0;

  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  if (kouan_server_db_row (self, stmt))
    enterprise_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return enterprise_id;
}

char *
_kouan_server_personal_clean_text (const char  *value,
                                   const char  *name,
                                   guint        max,
                                   GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (value));
  glong length;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE, "\"%s\" is not UTF-8", name);
      return NULL;
    }
  length = g_utf8_strlen (text, -1);
  if (length < 1 || (guint) length > max)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"%s\" must be 1–%u characters", name, max);
      return NULL;
    }
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                     "\"%s\" contains a control character", name);
        return NULL;
      }
  return g_steal_pointer (&text);
}

/* ---- profile -------------------------------------------------------- */

/* "avatar_image": id and "avatar_enterprise": the enterprise whose
 * images route serves it (both null without an image) */
static void
set_image_member (JsonObject   *object,
                  const char   *name,
                  const char   *enterprise_name,
                  sqlite3_stmt *stmt,
                  int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL ||
      sqlite3_column_type (stmt, column + 1) == SQLITE_NULL)
    {
      json_object_set_null_member (object, name);
      json_object_set_null_member (object, enterprise_name);
    }
  else
    {
      json_object_set_int_member (object, name, sqlite3_column_int64 (stmt, column));
      json_object_set_int_member (object, enterprise_name, sqlite3_column_int64 (stmt, column + 1));
    }
}

static JsonObject *
profile_json (KouanServer *self,
              gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT u.account, u.name, coalesce (p.gender, 'unspecified'),"
    "       p.avatar_image, (SELECT enterprise_id FROM images WHERE id = p.avatar_image),"
    "       p.seal_image, (SELECT enterprise_id FROM images WHERE id = p.seal_image),"
    "       coalesce (p.phone, ''), coalesce (p.email, '')"
    " FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = ?1");
  JsonObject *profile = NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (kouan_server_db_row (self, stmt))
    {
      profile = json_object_new ();
      json_object_set_int_member (profile, "id", user_id);
      json_object_set_string_member (profile, "account", kouan_server_db_column_text (stmt, 0));
      json_object_set_string_member (profile, "name", kouan_server_db_column_text (stmt, 1));
      json_object_set_string_member (profile, "gender", kouan_server_db_column_text (stmt, 2));
      set_image_member (profile, "avatar_image", "avatar_enterprise", stmt, 3);
      set_image_member (profile, "seal_image", "seal_enterprise", stmt, 5);
      json_object_set_string_member (profile, "phone", kouan_server_db_column_text (stmt, 7));
      json_object_set_string_member (profile, "email", kouan_server_db_column_text (stmt, 8));
    }
  sqlite3_reset (stmt);
  return profile;
}

static JsonObject *
materialise_profile (KouanServer *self,
                     gint64       enterprise_id,
                     gint64       record_id,
                     gint64       user_id)
{
  /* Only ever the user's own profile: the changes rows carry the user's
   * id, so no one else's feed names it. */
  if (record_id != user_id)
    return NULL;
  return profile_json (self, user_id);
}

/* Reads an image member: null, or the id of a stored image. */
static gboolean
read_image_field (KouanServer  *self,
                  gint64        user_id,
                  JsonObject   *fields,
                  const char   *name,
                  gint64       *out,
                  GError      **error)
{
  JsonNode *node = json_object_get_member (fields, name);

  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = 0;
      return TRUE;
    }
  if (!kouan_json_get_int (fields, name, out, error))
    return FALSE;
  if (_kouan_server_personal_image_enterprise (self, user_id, *out) == 0)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"%s\": no image %" G_GINT64_FORMAT " was uploaded", name, *out);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  char   *name;
  char   *gender;
  gint64  avatar_image;   /* 0: none */
  gint64  seal_image;
  char   *phone;
  char   *email;
} Profile;

static void
profile_clear (Profile *profile)
{
  g_free (profile->name);
  g_free (profile->gender);
  g_free (profile->phone);
  g_free (profile->email);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Profile, profile_clear)

static void
profile_from_json (Profile    *profile,
                   JsonObject *record)
{
  profile->name = g_strdup (json_object_get_string_member (record, "name"));
  profile->gender = g_strdup (json_object_get_string_member (record, "gender"));
  profile->avatar_image = json_object_get_null_member (record, "avatar_image") ? 0
                          : json_object_get_int_member (record, "avatar_image");
  profile->seal_image = json_object_get_null_member (record, "seal_image") ? 0
                        : json_object_get_int_member (record, "seal_image");
  profile->phone = g_strdup (json_object_get_string_member (record, "phone"));
  profile->email = g_strdup (json_object_get_string_member (record, "email"));
}

/* Applies one field of a profile update to @profile; FALSE + message. */
static gboolean
profile_take_field (KouanServer  *self,
                    gint64        user_id,
                    Profile      *profile,
                    JsonObject   *fields,
                    const char   *name,
                    GError      **error)
{
  const char *text;

  if (g_str_equal (name, "avatar_image"))
    return read_image_field (self, user_id, fields, name, &profile->avatar_image, error);
  if (g_str_equal (name, "seal_image"))
    return read_image_field (self, user_id, fields, name, &profile->seal_image, error);

  if (!g_str_equal (name, "name") && !g_str_equal (name, "gender") &&
      !g_str_equal (name, "phone") && !g_str_equal (name, "email"))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"%s\" cannot be changed; editable: name, gender, avatar_image,"
                   " seal_image, phone, email", name);
      return FALSE;
    }
  if (!kouan_json_get_string (fields, name, &text, error))
    return FALSE;

  if (g_str_equal (name, "name"))
    {
      char *clean = _kouan_server_personal_clean_text (text, name, KOUAN_PERSONAL_NAME_MAX, error);

      if (clean == NULL)
        return FALSE;
      g_free (profile->name);
      profile->name = clean;
    }
  else if (g_str_equal (name, "gender"))
    {
      if (!g_str_equal (text, "unspecified") && !g_str_equal (text, "male") &&
          !g_str_equal (text, "female"))
        {
          g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                               "\"gender\" must be \"unspecified\", \"male\" or \"female\"");
          return FALSE;
        }
      g_free (profile->gender);
      profile->gender = g_strdup (text);
    }
  else if (g_str_equal (name, "phone"))
    {
      if (text[0] != '\0' && !kouan_personal_phone_is_valid (text))
        {
          g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                               "\"phone\" must be 5–20 digits (with +, - or spaces) or empty");
          return FALSE;
        }
      g_free (profile->phone);
      profile->phone = g_strdup (text);
    }
  else
    {
      if (text[0] != '\0' && !kouan_personal_email_is_valid (text))
        {
          g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                               "\"email\" is not an e-mail address");
          return FALSE;
        }
      g_free (profile->email);
      profile->email = g_strdup (text);
    }
  return TRUE;
}

static gboolean
store_profile (KouanServer  *self,
               gint64        user_id,
               Profile      *profile,
               GError      **error)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, "UPDATE users SET name = ?2 WHERE id = ?1");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, profile->name, -1, SQLITE_TRANSIENT);
  if (!kouan_server_db_step_done (self, stmt, error))
    return FALSE;

  stmt = kouan_server_db_stmt (self,
    "INSERT INTO profiles (user_id, gender, avatar_image, seal_image, phone, email)"
    " VALUES (?1, ?2, nullif (?3, 0), nullif (?4, 0), ?5, ?6)"
    " ON CONFLICT (user_id) DO UPDATE SET gender = excluded.gender,"
    "  avatar_image = excluded.avatar_image, seal_image = excluded.seal_image,"
    "  phone = excluded.phone, email = excluded.email");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, profile->gender, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, profile->avatar_image);
  sqlite3_bind_int64 (stmt, 4, profile->seal_image);
  sqlite3_bind_text (stmt, 5, profile->phone, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, profile->email, -1, SQLITE_TRANSIENT);
  return kouan_server_db_step_done (self, stmt, error);
}

static JsonObject *
apply_profile (KouanServer                *self,
               const KouanServerMutation  *mutation,
               gint64                      enterprise_id,
               gint64                      user_id,
               GError                    **error)
{
  g_autoptr(JsonObject) current = NULL;
  g_auto(Profile) profile = { 0 };
  g_autoptr(GList) members = NULL;

  if (mutation->record_id != user_id || (current = profile_json (self, user_id)) == NULL)
    return rejected (mutation->id, "not_found", "Only your own profile can be edited", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "Profiles only take \"update\"",
                     g_steal_pointer (&current));

  members = json_object_get_members (mutation->fields);
  if (members == NULL)
    return rejected (mutation->id, "invalid_field", "\"fields\" is empty", g_steal_pointer (&current));

  profile_from_json (&profile, current);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autoptr(GError) local_error = NULL;

      if (!profile_take_field (self, user_id, &profile, mutation->fields, l->data, &local_error))
        return rejected (mutation->id, "invalid_field", local_error->message,
                         g_steal_pointer (&current));
    }

  if (!store_profile (self, user_id, &profile, error))
    return NULL;
  return kouan_server_mutation_applied (mutation->id, profile_json (self, user_id));
}

static const KouanServerCollection profile_collection = {
  .name = "profile",
  .manage_permission = "personal.profile:manage",
  .materialise = materialise_profile,
  .apply = apply_profile,
};

/* ---- declaration preferences --------------------------------------- */

static JsonObject *
preferences_json (KouanServer *self,
                  gint64       enterprise_id,
                  gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT coalesce (p.remember_last, 1), coalesce (p.check_hs_codes, 1),"
    "       coalesce (p.warn_duplicates, 1), coalesce (p.autofill_consignee, 0),"
    "       coalesce (p.confirm_submit, 1)"
    " FROM memberships m LEFT JOIN declaration_preferences p"
    "   ON p.user_id = m.user_id AND p.enterprise_id = m.enterprise_id"
    " WHERE m.user_id = ?1 AND m.enterprise_id = ?2");
  JsonObject *preferences = NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    {
      preferences = json_object_new ();
      json_object_set_int_member (preferences, "id", user_id);
      for (guint i = 0; i < G_N_ELEMENTS (preference_names); i++)
        json_object_set_boolean_member (preferences, preference_names[i],
                                        sqlite3_column_int (stmt, i) != 0);
    }
  sqlite3_reset (stmt);
  return preferences;
}

static JsonObject *
materialise_preferences (KouanServer *self,
                         gint64       enterprise_id,
                         gint64       record_id,
                         gint64       user_id)
{
  if (record_id != user_id)
    return NULL;
  return preferences_json (self, enterprise_id, user_id);
}

static JsonObject *
apply_preferences (KouanServer                *self,
                   const KouanServerMutation  *mutation,
                   gint64                      enterprise_id,
                   gint64                      user_id,
                   GError                    **error)
{
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(GList) members = NULL;
  gboolean values[G_N_ELEMENTS (preference_names)];
  sqlite3_stmt *stmt;

  if (mutation->record_id != user_id ||
      (current = preferences_json (self, enterprise_id, user_id)) == NULL)
    return rejected (mutation->id, "not_found", "Only your own preferences can be edited", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "Preferences only take \"update\"",
                     g_steal_pointer (&current));

  for (guint i = 0; i < G_N_ELEMENTS (preference_names); i++)
    values[i] = json_object_get_boolean_member (current, preference_names[i]);

  members = json_object_get_members (mutation->fields);
  if (members == NULL)
    return rejected (mutation->id, "invalid_field", "\"fields\" is empty", g_steal_pointer (&current));
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autoptr(GError) local_error = NULL;
      guint i;

      for (i = 0; i < G_N_ELEMENTS (preference_names); i++)
        if (g_str_equal (l->data, preference_names[i]))
          break;
      if (i == G_N_ELEMENTS (preference_names))
        {
          g_autofree char *message =
            g_strdup_printf ("\"%s\" is not a declaration preference", (const char *) l->data);
          return rejected (mutation->id, "invalid_field", message, g_steal_pointer (&current));
        }
      if (!kouan_json_get_bool (mutation->fields, l->data, &values[i], &local_error))
        return rejected (mutation->id, "invalid_field", local_error->message,
                         g_steal_pointer (&current));
    }

  stmt = kouan_server_db_stmt (self,
    "INSERT INTO declaration_preferences (user_id, enterprise_id, remember_last, check_hs_codes,"
    "                                     warn_duplicates, autofill_consignee, confirm_submit)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (user_id, enterprise_id) DO UPDATE SET"
    "  remember_last = excluded.remember_last, check_hs_codes = excluded.check_hs_codes,"
    "  warn_duplicates = excluded.warn_duplicates, autofill_consignee = excluded.autofill_consignee,"
    "  confirm_submit = excluded.confirm_submit");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  for (guint i = 0; i < G_N_ELEMENTS (preference_names); i++)
    sqlite3_bind_int (stmt, 3 + i, values[i]);
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  return kouan_server_mutation_applied (mutation->id,
                                        preferences_json (self, enterprise_id, user_id));
}

static const KouanServerCollection preferences_collection = {
  .name = "preferences",
  .manage_permission = "personal.preferences:manage",
  .materialise = materialise_preferences,
  .apply = apply_preferences,
};

/* ---- account -------------------------------------------------------- */

static void
handle_account (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(JsonObject) reply = profile_json (self, req->session.user_id);
  sqlite3_stmt *stmt;

  if (reply == NULL)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                "The account no longer exists");
      return;
    }

  /* The IC card bound to the account, if any. Holder and expiry are known
   * for certificates whose details were recorded (the demo card's are). */
  stmt = kouan_server_db_stmt (self,
    "SELECT c.fingerprint, c.created_at, d.holder, d.not_after"
    " FROM card_certificates c LEFT JOIN card_certificate_details d"
    "   ON d.fingerprint = c.fingerprint"
    " WHERE c.user_id = ?1 AND c.active ORDER BY c.created_at DESC LIMIT 1");
  sqlite3_bind_int64 (stmt, 1, req->session.user_id);
  if (kouan_server_db_row (self, stmt))
    {
      JsonObject *card = json_object_new ();

      json_object_set_string_member (card, "fingerprint", kouan_server_db_column_text (stmt, 0));
      json_object_set_int_member (card, "bound_at", sqlite3_column_int64 (stmt, 1));
      if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
        {
          json_object_set_null_member (card, "holder");
          json_object_set_null_member (card, "not_after");
        }
      else
        {
          json_object_set_string_member (card, "holder", kouan_server_db_column_text (stmt, 2));
          json_object_set_int_member (card, "not_after", sqlite3_column_int64 (stmt, 3));
        }
      json_object_set_object_member (reply, "card", card);
    }
  else
    json_object_set_null_member (reply, "card");
  sqlite3_reset (stmt);

  json_object_set_string_member (reply, "method", req->session.method);
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

/* ---- password ------------------------------------------------------- */

/* The rules the app checks too (kouan_personal_password_check()).
 * Returns NULL when @password is acceptable. */
static const char *
password_weakness (const char *password,
                   const char *account)
{
  switch (kouan_personal_password_check (password, account))
    {
    case KOUAN_PASSWORD_OK:
      return NULL;
    case KOUAN_PASSWORD_TOO_SHORT:
      return "The new password needs at least 8 characters";
    case KOUAN_PASSWORD_TOO_LONG:
      return "The new password is too long";
    case KOUAN_PASSWORD_NEEDS_MIX:
      return "The new password needs both letters and digits";
    case KOUAN_PASSWORD_IS_ACCOUNT:
    default:
      return "The new password cannot be the account name";
    }
}

/* Ends every session of @user_id except @keep_sha256 (nullable), closing
 * their WebSockets. Returns how many were ended. */
static guint
end_sessions (KouanServer *self,
              gint64       user_id,
              const char  *keep_sha256,
              const char  *only_sha256)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "DELETE FROM sessions WHERE user_id = ?1 AND token_sha256 IS NOT ?2"
    " AND (?3 IS NULL OR token_sha256 = ?3) RETURNING token_sha256");
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_free);

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (keep_sha256 != NULL)
    sqlite3_bind_text (stmt, 2, keep_sha256, -1, SQLITE_TRANSIENT);
  if (only_sha256 != NULL)
    sqlite3_bind_text (stmt, 3, only_sha256, -1, SQLITE_TRANSIENT);
  while (kouan_server_db_row (self, stmt))
    g_ptr_array_add (ended, g_strdup (kouan_server_db_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  /* After the statement is done: closing a socket runs no SQL, but the
   * statement must not stay open across other work. */
  for (guint i = 0; i < ended->len; i++)
    kouan_server_events_close_session (self, g_ptr_array_index (ended, i));
  return ended->len;
}

typedef struct {
  gint64  user_id;
  char   *token_sha256;   /* the session that stays */
  char   *account_key;
  char   *weakness;       /* (nullable): why the new password is refused */
} PasswordChange;

static void
password_change_free (PasswordChange *change)
{
  g_free (change->token_sha256);
  g_free (change->account_key);
  g_free (change->weakness);
  g_free (change);
}

static void
on_password_checked (KouanServer       *self,
                     SoupServerMessage *msg,
                     gboolean           verified,
                     const char        *new_hash,
                     gpointer           user_data)
{
  PasswordChange *change = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  gint64 now = now_seconds ();
  guint ended;

  if (!verified)
    {
      kouan_server_throttle_record (self, change->account_key, now);
      kouan_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "wrong_password",
                                "The current password is wrong");
      return;
    }
  if (change->weakness != NULL)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "weak_password", "%s", change->weakness);
      return;
    }

  stmt = kouan_server_db_stmt (self, "UPDATE users SET password_hash = ?2 WHERE id = ?1");
  sqlite3_bind_int64 (stmt, 1, change->user_id);
  sqlite3_bind_text (stmt, 2, new_hash, -1, SQLITE_TRANSIENT);
  if (!kouan_server_db_step_done (self, stmt, &error))
    {
      g_warning ("Changing a password: %s", error->message);
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The password could not be changed");
      return;
    }
  kouan_server_throttle_forget (self, change->account_key, now);

  /* Whoever else held a session (perhaps the reason for the change) is
   * signed out; this one stays. */
  ended = end_sessions (self, change->user_id, change->token_sha256, NULL);

  reply = json_object_new ();
  json_object_set_int_member (reply, "ended_sessions", ended);
  kouan_server_reply_json (msg, SOUP_STATUS_OK, reply);
}

static void
handle_password (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  g_autofree char *hash = NULL;
  PasswordChange *change;
  const char *keys[2] = { NULL, NULL };
  const char *old_password, *new_password, *weakness;
  sqlite3_stmt *stmt;
  gint64 now = now_seconds ();
  gint64 wait;

  body = kouan_server_read_body (req->msg);
  if (body == NULL)
    return;
  if (!kouan_json_get_string (body, "old_password", &old_password, &error) ||
      !kouan_json_get_string (body, "new_password", &new_password, &error))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return;
    }
  if (strlen (old_password) > 1024)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"old_password\" is too long");
      return;
    }

  stmt = kouan_server_db_stmt (self, "SELECT account, password_hash FROM users WHERE id = ?1");
  sqlite3_bind_int64 (stmt, 1, req->session.user_id);
  if (kouan_server_db_row (self, stmt))
    {
      account = g_strdup (kouan_server_db_column_text (stmt, 0));
      hash = g_strdup (kouan_server_db_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (account == NULL)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                "The account no longer exists");
      return;
    }

  change = g_new0 (PasswordChange, 1);
  change->user_id = req->session.user_id;
  change->token_sha256 = g_strdup (req->session.token_sha256);
  /* Guessing the old password through a stolen session is throttled like
   * guessing it at the login, on the same counter. */
  change->account_key = g_strdup_printf ("account:%s", account);
  wait = kouan_server_throttle_wait (self, change->account_key, now);
  /* Checks of this account still running could reach the limit: a
   * second guess sent alongside is told to retry, not looked at. */
  if (wait == 0 && kouan_server_throttle_busy (self, change->account_key, now))
    wait = 1;
  if (wait > 0)
    {
      password_change_free (change);
      kouan_server_reply_throttled (req->msg, wait);
      return;
    }

  /* Decided now, answered after the old password is checked: a wrong
   * old password is still told first. A weak one is never hashed. */
  weakness = password_weakness (new_password, account);
  change->weakness = g_strdup (weakness);
  keys[0] = change->account_key;
  kouan_server_password_check (self, req->msg, old_password, hash,
                               weakness == NULL ? new_password : NULL, keys,
                               on_password_checked, change, (GDestroyNotify) password_change_free);
}

/* ---- sessions ------------------------------------------------------- */

/* A session's public id: derived from the stored hash of its token (so
 * it reveals nothing usable), as a positive integer for the {id} route. */
static gint64
session_handle (const char *token_sha256)
{
  g_autofree char *digest = kouan_crypto_sha256_hex (token_sha256, strlen (token_sha256));
  g_autofree char *prefix = g_strndup (digest, 12);

  return (gint64) g_ascii_strtoull (prefix, NULL, 16) + 1;
}

static void
handle_sessions (KouanRequest *req)
{
  KouanServer *self = req->server;
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT token_sha256, method, created_at, last_seen,"
    "       min (last_seen + ?3, created_at + ?4)"
    " FROM sessions WHERE user_id = ?1 AND expires_at > ?2"
    "   AND last_seen > ?2 - ?3 AND created_at > ?2 - ?4"
    " ORDER BY last_seen DESC");
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *sessions = json_array_new ();
  gint64 now = now_seconds ();

  sqlite3_bind_int64 (stmt, 1, req->session.user_id);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, self->session_idle);
  sqlite3_bind_int64 (stmt, 4, self->session_max);
  while (kouan_server_db_row (self, stmt))
    {
      JsonObject *session = json_object_new ();
      const char *sha = kouan_server_db_column_text (stmt, 0);

      json_object_set_int_member (session, "id", session_handle (sha));
      json_object_set_string_member (session, "method", kouan_server_db_column_text (stmt, 1));
      json_object_set_int_member (session, "created_at", sqlite3_column_int64 (stmt, 2));
      json_object_set_int_member (session, "last_seen", sqlite3_column_int64 (stmt, 3));
      json_object_set_int_member (session, "expires_at", sqlite3_column_int64 (stmt, 4));
      json_object_set_boolean_member (session, "current",
                                      g_strcmp0 (sha, req->session.token_sha256) == 0);
      json_array_add_object_element (sessions, session);
    }
  sqlite3_reset (stmt);

  json_object_set_array_member (reply, "sessions", sessions);
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

static void
handle_end_session (KouanRequest *req)
{
  KouanServer *self = req->server;
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT token_sha256 FROM sessions WHERE user_id = ?1");
  g_autofree char *match = NULL;

  sqlite3_bind_int64 (stmt, 1, req->session.user_id);
  while (match == NULL && kouan_server_db_row (self, stmt))
    {
      const char *sha = kouan_server_db_column_text (stmt, 0);

      if (session_handle (sha) == req->record_id)
        match = g_strdup (sha);
    }
  sqlite3_reset (stmt);

  if (match == NULL)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such session");
      return;
    }

  end_sessions (self, req->session.user_id, NULL, match);
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* ---- card details ---------------------------------------------------- */

void
kouan_server_personal_note_card (KouanServer *self,
                                 const char  *fingerprint,
                                 GBytes      *certificate)
{
  g_autofree char *holder = kouan_card_certificate_get_holder_name (certificate, NULL);
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t der;
  sqlite3_stmt *stmt;
  gint64 not_after = -1;
  gsize size = 0;

  der.data = (unsigned char *) g_bytes_get_data (certificate, &size);
  der.size = size;
  if (gnutls_x509_crt_init (&crt) == GNUTLS_E_SUCCESS &&
      gnutls_x509_crt_import (crt, &der, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS)
    not_after = (gint64) gnutls_x509_crt_get_expiration_time (crt);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  /* The login was verified already; details only decorate the account
   * page, so a certificate without a readable CN is simply not noted. */
  if (holder == NULL || not_after < 0)
    return;

  stmt = kouan_server_db_stmt (self,
    "INSERT OR REPLACE INTO card_certificate_details (fingerprint, holder, not_after)"
    " VALUES (?1, ?2, ?3)");
  sqlite3_bind_text (stmt, 1, fingerprint, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, holder, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, not_after);
  kouan_server_db_step_done (self, stmt, NULL);
}

/* ---- install and demo ----------------------------------------------- */

static const KouanRoute personal_routes[] = {
  { "GET",    "/api/v1/account",               KOUAN_ROUTE_SESSION, NULL, handle_account },
  { "POST",   "/api/v1/account/password",      KOUAN_ROUTE_SESSION, NULL, handle_password },
  { "GET",    "/api/v1/account/sessions",      KOUAN_ROUTE_SESSION, NULL, handle_sessions },
  { "DELETE", "/api/v1/account/sessions/{id}", KOUAN_ROUTE_SESSION, NULL, handle_end_session },
};

void
kouan_server_personal_install (KouanServer *self)
{
  kouan_server_collections_add (self, &profile_collection);
  kouan_server_collections_add (self, &preferences_collection);
  kouan_server_routes_add (self, personal_routes, G_N_ELEMENTS (personal_routes));
  _kouan_server_personal_enterprises_install (self);
}

/* The demo card (kouan-server-demo-card.c binds it to demo-admin):
 * tests/card/holder.pem, CN 测试持卡人, valid until 2045-01-01. */
#define DEMO_CARD_FINGERPRINT "48bee51eced335e69eb7e4446e95f17d97b8bd09b5f56813ab7c3fb05d3727dc"
#define DEMO_CARD_NOT_AFTER   G_GINT64_CONSTANT (2366841600)

gboolean
kouan_server_personal_demo_seed (KouanServer  *self,
                                 GError      **error)
{
  static const struct {
    const char *account;
    const char *gender;
    const char *phone;
    const char *email;
  } people[] = {
    { "demo-admin", "male",   "138 1762 5031", "wangming@pujiang-trade.com.cn" },
    { "demo-staff", "female", "139 1628 4407", "lina@pujiang-trade.com.cn" },
  };
  sqlite3_stmt *stmt;

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      stmt = kouan_server_db_stmt (self,
        "INSERT INTO profiles (user_id, gender, phone, email)"
        " SELECT id, ?2, ?3, ?4 FROM users WHERE account = ?1");
      sqlite3_bind_text (stmt, 1, people[i].account, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, people[i].gender, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, people[i].phone, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, people[i].email, -1, SQLITE_STATIC);
      if (!kouan_server_db_step_done (self, stmt, error))
        return FALSE;
    }

  stmt = kouan_server_db_stmt (self,
    "INSERT OR REPLACE INTO card_certificate_details (fingerprint, holder, not_after)"
    " VALUES (?1, ?2, ?3)");
  sqlite3_bind_text (stmt, 1, DEMO_CARD_FINGERPRINT, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, "测试持卡人", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, DEMO_CARD_NOT_AFTER);
  if (!kouan_server_db_step_done (self, stmt, error))
    return FALSE;

  return _kouan_server_personal_enterprises_demo_seed (self, error);
}
