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

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- validation shared with the enterprise part -------------------- */

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
set_image_member (JsonObject *object,
                  const char *name,
                  const char *enterprise_name,
                  gint64      image,
                  gint64      enterprise)
{
  if (image == 0)
    {
      json_object_set_null_member (object, name);
      json_object_set_null_member (object, enterprise_name);
    }
  else
    {
      json_object_set_int_member (object, name, image);
      json_object_set_int_member (object, enterprise_name, enterprise);
    }
}

/* (nullable): the profile (docs/api.md, "profile"); NULL when there is no
 * such user or after logging a storage failure */
static JsonObject *
profile_json (KouanServer *self,
              gint64       user_id)
{
  g_auto(KouanStoredProfile) stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *profile;

  if (!self->storage->personal->profile_get (self->storage, user_id, &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.user_id == 0)
    return NULL;
  profile = json_object_new ();
  json_object_set_int_member (profile, "id", user_id);
  json_object_set_string_member (profile, "account", stored.account);
  json_object_set_string_member (profile, "name", stored.name);
  json_object_set_string_member (profile, "gender", stored.gender);
  set_image_member (profile, "avatar_image", "avatar_enterprise", stored.avatar_image,
                    stored.avatar_enterprise);
  set_image_member (profile, "seal_image", "seal_enterprise", stored.seal_image,
                    stored.seal_enterprise);
  json_object_set_string_member (profile, "phone", stored.phone);
  json_object_set_string_member (profile, "email", stored.email);
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
                  gint64       *out_enterprise,
                  GError      **error)
{
  JsonNode *node = json_object_get_member (fields, name);
  g_autoptr(GError) local_error = NULL;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = 0;
      *out_enterprise = 0;
      return TRUE;
    }
  if (!kouan_json_get_int (fields, name, out, error))
    return FALSE;
  /* The image's enterprise (images area), when @user_id is a member of
   * it (admin people's memberships, of any status, as before the port) */
  if (!self->storage->images->image_enterprise (self->storage, *out, out_enterprise, &local_error))
    {
      kouan_server_storage_failed (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (*out_enterprise != 0)
    {
      g_autoptr(GArray) enterprises = kouan_server_db_user_enterprises (self, user_id);
      gboolean member = FALSE;

      for (guint i = 0; i < enterprises->len && !member; i++)
        member = g_array_index (enterprises, gint64, i) == *out_enterprise;
      if (!member)
        *out_enterprise = 0;
    }
  if (*out_enterprise == 0)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"%s\": no image %" G_GINT64_FORMAT " was uploaded", name, *out);
      return FALSE;
    }
  return TRUE;
}

/* Applies one field of a profile update to @profile; FALSE + message. */
static gboolean
profile_take_field (KouanServer         *self,
                    gint64               user_id,
                    KouanStoredProfile  *profile,
                    JsonObject   *fields,
                    const char   *name,
                    GError      **error)
{
  const char *text;

  if (g_str_equal (name, "avatar_image"))
    return read_image_field (self, user_id, fields, name, &profile->avatar_image,
                             &profile->avatar_enterprise, error);
  if (g_str_equal (name, "seal_image"))
    return read_image_field (self, user_id, fields, name, &profile->seal_image,
                             &profile->seal_enterprise, error);

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
store_profile (KouanServer         *self,
               KouanStoredProfile  *profile,
               GError             **error)
{
  /* a change in each enterprise the user is in (the feed of one they
   * join later starts with their profile) */
  g_autoptr(GArray) enterprises = kouan_server_db_user_enterprises (self, profile->user_id);

  return self->storage->personal->profile_put (self->storage, profile,
                                               (const gint64 *) (gpointer) enterprises->data,
                                               enterprises->len, error);
}

static JsonObject *
apply_profile (KouanServer                *self,
               const KouanServerMutation  *mutation,
               gint64                      enterprise_id,
               gint64                      user_id,
               GError                    **error)
{
  g_autoptr(JsonObject) current = NULL;
  g_auto(KouanStoredProfile) profile = { 0 };
  g_autoptr(GList) members = NULL;

  if (mutation->record_id != user_id)
    return rejected (mutation->id, "not_found", "Only your own profile can be edited", NULL);
  if (!self->storage->personal->profile_get (self->storage, user_id, &profile, error))
    return NULL;
  if (profile.user_id == 0 || (current = profile_json (self, user_id)) == NULL)
    return rejected (mutation->id, "not_found", "Only your own profile can be edited", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "Profiles only take \"update\"",
                     g_steal_pointer (&current));

  members = json_object_get_members (mutation->fields);
  if (members == NULL)
    return rejected (mutation->id, "invalid_field", "\"fields\" is empty", g_steal_pointer (&current));

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autoptr(GError) local_error = NULL;

      if (!profile_take_field (self, user_id, &profile, mutation->fields, l->data, &local_error))
        {
          /* a failed read of the images fails the batch, not the field */
          if (kouan_server_db_failed (self, error))
            return NULL;
          return rejected (mutation->id, "invalid_field", local_error->message,
                           g_steal_pointer (&current));
        }
    }

  if (!store_profile (self, &profile, error))
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

/* (nullable): the preferences (docs/api.md, "preferences"); NULL after
 * logging a storage failure */
static JsonObject *
preferences_json (KouanServer *self,
                  gint64       enterprise_id,
                  gint64       user_id)
{
  KouanStoredPreferences stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *preferences;

  if (!self->storage->personal->preferences_get (self->storage, enterprise_id, user_id,
                                                 &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  preferences = json_object_new ();
  json_object_set_int_member (preferences, "id", user_id);
  for (guint i = 0; i < KOUAN_STORED_PREFERENCES_N; i++)
    json_object_set_boolean_member (preferences, kouan_stored_preference_names[i],
                                    stored.values[i]);
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
  KouanStoredPreferences preferences = { 0 };

  /* the batch is applied for a member of @enterprise_id (sync) */
  if (mutation->record_id != user_id)
    return rejected (mutation->id, "not_found", "Only your own preferences can be edited", NULL);
  if (!self->storage->personal->preferences_get (self->storage, enterprise_id, user_id,
                                                 &preferences, error))
    return NULL;
  current = preferences_json (self, enterprise_id, user_id);
  if (current == NULL)
    return rejected (mutation->id, "not_found", "Only your own preferences can be edited", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "Preferences only take \"update\"",
                     g_steal_pointer (&current));

  members = json_object_get_members (mutation->fields);
  if (members == NULL)
    return rejected (mutation->id, "invalid_field", "\"fields\" is empty", g_steal_pointer (&current));
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autoptr(GError) local_error = NULL;
      guint i;

      for (i = 0; i < KOUAN_STORED_PREFERENCES_N; i++)
        if (g_str_equal (l->data, kouan_stored_preference_names[i]))
          break;
      if (i == KOUAN_STORED_PREFERENCES_N)
        {
          g_autofree char *message =
            g_strdup_printf ("\"%s\" is not a declaration preference", (const char *) l->data);
          return rejected (mutation->id, "invalid_field", message, g_steal_pointer (&current));
        }
      if (!kouan_json_get_bool (mutation->fields, l->data, &preferences.values[i], &local_error))
        return rejected (mutation->id, "invalid_field", local_error->message,
                         g_steal_pointer (&current));
    }

  if (!self->storage->personal->preferences_put (self->storage, &preferences, error))
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
  g_auto(KouanStoredCard) card = { 0 };
  g_autoptr(GError) error = NULL;

  if (reply == NULL && kouan_server_db_failed (self, &error))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The account could not be read");
      return;
    }
  if (reply == NULL)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                "The account no longer exists");
      return;
    }

  /* The IC card bound to the account, if any. Holder and expiry are known
   * for certificates whose details were noted (the demo card's are). */
  if (!self->storage->personal->account_card (self->storage, req->session.user_id, &card, &error))
    {
      g_warning ("Reading the account's card: %s", error->message);
      kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The account could not be read");
      return;
    }
  if (card.fingerprint != NULL)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "fingerprint", card.fingerprint);
      json_object_set_int_member (object, "bound_at", card.bound_at);
      if (card.holder == NULL)
        {
          json_object_set_null_member (object, "holder");
          json_object_set_null_member (object, "not_after");
        }
      else
        {
          json_object_set_string_member (object, "holder", card.holder);
          json_object_set_int_member (object, "not_after", card.not_after);
        }
      json_object_set_object_member (reply, "card", object);
    }
  else
    json_object_set_null_member (reply, "card");

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
  g_autoptr(GPtrArray) ended = NULL;
  g_autoptr(GError) error = NULL;

  if (only_sha256 != NULL)
    {
      if (!self->storage->auth->session_delete (self->storage, only_sha256, &error))
        {
          kouan_server_storage_failed (self, error);
          return 0;
        }
      ended = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (ended, g_strdup (only_sha256));
    }
  else
    {
      /* every session but @keep_sha256 */
      ended = self->storage->auth->sessions_evict (self->storage, user_id, keep_sha256, 0, &error);
      if (ended == NULL)
        {
          kouan_server_storage_failed (self, error);
          return 0;
        }
    }

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

  if (!self->storage->personal->password_set (self->storage, change->user_id, new_hash, &error))
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

  if (!self->storage->card->account_credentials (self->storage, req->session.user_id,
                                                  &account, &hash, &error))
    {
      g_warning ("Reading an account: %s", error->message);
      kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The password could not be changed");
      return;
    }
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

/* Appends to @out the sessions of the request's user (KouanStoredSession);
 * FALSE after replying when they cannot be read. */
static gboolean
list_sessions (KouanRequest *req,
               GArray       *out)
{
  KouanServer *self = req->server;
  g_autoptr(GError) error = NULL;

  if (self->storage->personal->sessions_list (self->storage, req->session.user_id, out, &error))
    return TRUE;
  g_warning ("Listing sessions: %s", error->message);
  kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            "The sessions could not be read");
  return FALSE;
}

static void
handle_sessions (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(GArray) stored = g_array_new (FALSE, TRUE, sizeof (KouanStoredSession));
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *sessions;
  gint64 now = now_seconds ();

  g_array_set_clear_func (stored, (GDestroyNotify) kouan_stored_session_clear);
  if (!list_sessions (req, stored))
    return;

  sessions = json_array_new ();
  for (guint i = 0; i < stored->len; i++)
    {
      const KouanStoredSession *s = &g_array_index (stored, KouanStoredSession, i);
      JsonObject *session;

      /* the live ones: what the session check would still let in */
      if (s->expires_at <= now || s->last_seen <= now - self->session_idle ||
          s->created_at <= now - self->session_max)
        continue;
      session = json_object_new ();
      json_object_set_int_member (session, "id", session_handle (s->token_sha256));
      json_object_set_string_member (session, "method", s->method);
      json_object_set_int_member (session, "created_at", s->created_at);
      json_object_set_int_member (session, "last_seen", s->last_seen);
      json_object_set_int_member (session, "expires_at",
                                  MIN (s->last_seen + self->session_idle,
                                       s->created_at + self->session_max));
      json_object_set_boolean_member (session, "current",
                                      g_strcmp0 (s->token_sha256, req->session.token_sha256) == 0);
      json_array_add_object_element (sessions, session);
    }

  json_object_set_array_member (reply, "sessions", sessions);
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

static void
handle_end_session (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(GArray) stored = g_array_new (FALSE, TRUE, sizeof (KouanStoredSession));
  const char *match = NULL;

  g_array_set_clear_func (stored, (GDestroyNotify) kouan_stored_session_clear);
  if (!list_sessions (req, stored))
    return;
  for (guint i = 0; match == NULL && i < stored->len; i++)
    {
      const char *sha = g_array_index (stored, KouanStoredSession, i).token_sha256;

      if (session_handle (sha) == req->record_id)
        match = sha;
    }

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
  g_autoptr(GError) error = NULL;
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

  if (!self->storage->personal->card_details_note (self->storage, fingerprint, holder, not_after,
                                                  &error))
    g_warning ("Noting a card's details: %s", error->message);
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
  KouanStorage *storage = self->storage;

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_auto(KouanStoredProfile) profile = { 0 };
      g_autofree char *hash = NULL;
      gboolean active;
      gint64 user_id;

      if (!storage->auth->user_for_login (storage, people[i].account, &user_id, &hash, &active, error) ||
          !storage->personal->profile_get (storage, user_id, &profile, error))
        return FALSE;
      if (profile.user_id == 0)
        continue;   /* no such demo user */
      g_free (profile.gender);
      profile.gender = g_strdup (people[i].gender);
      g_free (profile.phone);
      profile.phone = g_strdup (people[i].phone);
      g_free (profile.email);
      profile.email = g_strdup (people[i].email);
      if (!store_profile (self, &profile, error))
        return FALSE;
    }

  if (!storage->personal->card_details_note (storage, DEMO_CARD_FINGERPRINT, "测试持卡人",
                                             DEMO_CARD_NOT_AFTER, error))
    return FALSE;

  return _kouan_server_personal_enterprises_demo_seed (self, error);
}
