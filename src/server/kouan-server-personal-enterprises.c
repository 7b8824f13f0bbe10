/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-credit-code.h"
#include "kouan-json.h"
#include "kouan-personal.h"
#include "kouan-server-personal-private.h"

/* The personal center's enterprise part: finding an enterprise by name or
 * unified social credit code, asking to join it (a join request the
 * enterprise's administrator decides in the administrator center),
 * leaving one (never its last administrator), and the certification of
 * an uncertified enterprise (a synced collection: submitted through the
 * outbox, reviewed, announced by a notice). docs/api.md, "Personal
 * center". */

#define rejected kouan_server_mutation_rejected
#define SEARCH_LIMIT 20

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- search ---------------------------------------------------------- */

/* Whether @text is meant as a credit code rather than a name: 18
 * characters of ASCII letters and digits. Such a query must be a valid
 * code (the check character included), so a typo is told as such instead
 * of "nothing found". */
static gboolean
looks_like_credit_code (const char *text)
{
  if (strlen (text) != 18)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

static const char *
join_state (KouanServer *self,
            gint64       user_id,
            gint64       enterprise_id)
{
  sqlite3_stmt *stmt;
  const char *state = "none";

  if (kouan_server_db_is_member (self, user_id, enterprise_id))
    return "member";

  stmt = kouan_server_db_stmt (self,
    "SELECT status FROM join_requests WHERE user_id = ?1 AND enterprise_id = ?2"
    " ORDER BY id DESC LIMIT 1");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  if (kouan_server_db_row (self, stmt) && g_str_equal (kouan_server_db_column_text (stmt, 0), "pending"))
    state = "pending";
  sqlite3_reset (stmt);
  return state;
}

static void
handle_search (KouanRequest *req)
{
  KouanServer *self = req->server;
  const char *query = req->query != NULL ? g_hash_table_lookup (req->query, "q") : NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *text = NULL;
  JsonArray *results;
  sqlite3_stmt *stmt;

  text = query != NULL ? g_strstrip (g_strdup (query)) : NULL;
  if (text == NULL || text[0] == '\0' || !g_utf8_validate (text, -1, NULL) ||
      g_utf8_strlen (text, -1) < 2 || g_utf8_strlen (text, -1) > 100)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"q\" must be 2–100 characters: a name or a credit code");
      return;
    }

  if (looks_like_credit_code (text))
    {
      /* GB 32100 codes are upper case: "91310115ma1k3y8p2e" is a typo the
       * user must see, not something to guess at. */
      if (!kouan_credit_code_is_valid (text))
        {
          kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_credit_code",
                                    "\"%s\" is not a valid unified social credit code", text);
          return;
        }
      stmt = kouan_server_db_stmt (self,
        "SELECT id, name, credit_code, certified FROM enterprises WHERE credit_code = ?1");
      sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
    }
  else
    {
      /* A substring of the name; LIKE's wildcards in the query match
       * themselves. */
      GString *escaped = g_string_new ("%");

      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '%' || *p == '_' || *p == '\\')
            g_string_append_c (escaped, '\\');
          g_string_append_c (escaped, *p);
        }
      g_string_append_c (escaped, '%');
      pattern = g_string_free (escaped, FALSE);
      stmt = kouan_server_db_stmt (self,
        "SELECT id, name, credit_code, certified FROM enterprises"
        " WHERE name LIKE ?1 ESCAPE '\\' ORDER BY name LIMIT ?2");
      sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, SEARCH_LIMIT);
    }

  results = json_array_new ();
  {
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

    while (kouan_server_db_row (self, stmt))
      {
        JsonObject *enterprise = json_object_new ();
        gint64 id = sqlite3_column_int64 (stmt, 0);

        json_object_set_int_member (enterprise, "id", id);
        json_object_set_string_member (enterprise, "name", kouan_server_db_column_text (stmt, 1));
        json_object_set_string_member (enterprise, "credit_code", kouan_server_db_column_text (stmt, 2));
        json_object_set_boolean_member (enterprise, "certified", sqlite3_column_int (stmt, 3) != 0);
        json_array_add_object_element (results, enterprise);
        g_array_append_val (ids, id);
      }
    sqlite3_reset (stmt);

    /* join_state() runs its own statements: only after the search's. */
    for (guint i = 0; i < ids->len; i++)
      json_object_set_string_member (json_array_get_object_element (results, i), "join_state",
                                     join_state (self, req->session.user_id,
                                                 g_array_index (ids, gint64, i)));
  }

  reply = json_object_new ();
  json_object_set_array_member (reply, "enterprises", results);
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

/* ---- join requests ---------------------------------------------------- */

static JsonObject *
join_request_json (KouanServer *self,
                   gint64       request_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT r.id, r.status, r.created_at, r.decided_at,"
    "       e.id, e.name, e.credit_code, e.certified"
    " FROM join_requests r JOIN enterprises e ON e.id = r.enterprise_id WHERE r.id = ?1");
  JsonObject *request = NULL;

  sqlite3_bind_int64 (stmt, 1, request_id);
  if (kouan_server_db_row (self, stmt))
    {
      JsonObject *enterprise = json_object_new ();

      request = json_object_new ();
      json_object_set_int_member (request, "id", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (request, "status", kouan_server_db_column_text (stmt, 1));
      json_object_set_int_member (request, "created_at", sqlite3_column_int64 (stmt, 2));
      if (sqlite3_column_type (stmt, 3) == SQLITE_NULL)
        json_object_set_null_member (request, "decided_at");
      else
        json_object_set_int_member (request, "decided_at", sqlite3_column_int64 (stmt, 3));
      json_object_set_int_member (enterprise, "id", sqlite3_column_int64 (stmt, 4));
      json_object_set_string_member (enterprise, "name", kouan_server_db_column_text (stmt, 5));
      json_object_set_string_member (enterprise, "credit_code", kouan_server_db_column_text (stmt, 6));
      json_object_set_boolean_member (enterprise, "certified", sqlite3_column_int (stmt, 7) != 0);
      json_object_set_object_member (request, "enterprise", enterprise);
    }
  sqlite3_reset (stmt);
  return request;
}

static void
handle_list_join_requests (KouanRequest *req)
{
  KouanServer *self = req->server;
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT id FROM join_requests WHERE user_id = ?1 ORDER BY id DESC LIMIT 100");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *requests = json_array_new ();

  sqlite3_bind_int64 (stmt, 1, req->session.user_id);
  while (kouan_server_db_row (self, stmt))
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      JsonObject *request = join_request_json (self, g_array_index (ids, gint64, i));

      if (request != NULL)
        json_array_add_object_element (requests, request);
    }
  json_object_set_array_member (reply, "join_requests", requests);
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

static void
handle_create_join_request (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) enterprise = NULL;
  const char *state;
  sqlite3_stmt *stmt;
  gint64 enterprise_id;

  body = kouan_server_read_body (req->msg);
  if (body == NULL)
    return;
  if (!kouan_json_get_int (body, "enterprise_id", &enterprise_id, &error))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return;
    }

  enterprise = enterprise_id > 0 ? kouan_server_db_enterprise_json (self, enterprise_id) : NULL;
  if (enterprise == NULL)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such enterprise");
      return;
    }

  state = join_state (self, req->session.user_id, enterprise_id);
  if (g_str_equal (state, "member"))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "already_member",
                                "You are already a member of this enterprise");
      return;
    }
  if (g_str_equal (state, "pending"))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "already_pending",
                                "Your request to join this enterprise is waiting for its administrator");
      return;
    }

  stmt = kouan_server_db_stmt (self,
    "INSERT INTO join_requests (user_id, enterprise_id, status, created_at)"
    " VALUES (?1, ?2, 'pending', ?3)");
  sqlite3_bind_int64 (stmt, 1, req->session.user_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  if (!kouan_server_db_step_done (self, stmt, &error))
    {
      g_warning ("Recording a join request: %s", error->message);
      kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The request could not be stored");
      return;
    }

  request = join_request_json (self, sqlite3_last_insert_rowid (self->db));
  kouan_server_reply_json (req->msg, SOUP_STATUS_CREATED, request);
}

/* ---- leaving an enterprise ------------------------------------------ */

static void
handle_leave (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) roles = NULL;
  sqlite3_stmt *stmt;
  gboolean is_admin = FALSE;
  gint64 admins;

  /* Administrators as the administrator center counts them (grants of
   * the built-in role valid today, active members). */
  roles = kouan_server_authz_roles_json (self, req->session.user_id, req->enterprise_id);
  for (guint i = 0; i < json_array_get_length (roles); i++)
    if (g_strcmp0 (json_array_get_string_element (roles, i), "admin") == 0)
      is_admin = TRUE;
  admins = kouan_server_authz_count_admins (self, req->enterprise_id);

  /* An enterprise without an administrator could never approve anyone
   * again: the last one must hand the role over first. */
  if (is_admin && admins <= 1)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_CONFLICT, "last_admin",
                                "You are the only administrator of this enterprise;"
                                " make another member an administrator first");
      return;
    }

  /* The member's grants go with the membership: asking to join again
   * must not bring old roles back. */
  if (kouan_server_db_begin (self, &error))
    {
      stmt = kouan_server_db_stmt (self,
        "DELETE FROM grants WHERE user_id = ?1 AND enterprise_id = ?2");
      sqlite3_bind_int64 (stmt, 1, req->session.user_id);
      sqlite3_bind_int64 (stmt, 2, req->enterprise_id);
      if (kouan_server_db_step_done (self, stmt, &error))
        {
          stmt = kouan_server_db_stmt (self,
            "DELETE FROM memberships WHERE user_id = ?1 AND enterprise_id = ?2");
          sqlite3_bind_int64 (stmt, 1, req->session.user_id);
          sqlite3_bind_int64 (stmt, 2, req->enterprise_id);
          if (kouan_server_db_step_done (self, stmt, &error))
            kouan_server_db_commit (self, &error);
        }
    }
  if (error != NULL)
    {
      kouan_server_db_rollback (self);
      g_warning ("Leaving an enterprise: %s", error->message);
      kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The membership could not be removed");
      return;
    }
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* ---- certification ---------------------------------------------------- */

static JsonObject *
certification_json (KouanServer *self,
                    gint64       enterprise_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT e.certified, c.status, c.legal_representative, c.licence_number,"
    "       c.licence_image, c.contact, c.reason, c.submitted_at, c.decided_at"
    " FROM enterprises e LEFT JOIN certifications c ON c.enterprise_id = e.id"
    " WHERE e.id = ?1");
  JsonObject *record = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    {
      gboolean certified = sqlite3_column_int (stmt, 0) != 0;
      gboolean submitted = sqlite3_column_type (stmt, 1) != SQLITE_NULL;
      const char *status;

      /* The enterprise's flag wins: an enterprise certified outside this
       * flow (the demo's first one) is "certified" without a form. */
      if (certified)
        status = "certified";
      else if (submitted)
        status = kouan_server_db_column_text (stmt, 1);
      else
        status = "none";
      if (!certified && g_str_equal (status, "certified"))
        status = "none";

      record = json_object_new ();
      json_object_set_int_member (record, "id", enterprise_id);
      json_object_set_string_member (record, "status", status);
      json_object_set_string_member (record, "legal_representative", submitted ? kouan_server_db_column_text (stmt, 2) : "");
      json_object_set_string_member (record, "licence_number", submitted ? kouan_server_db_column_text (stmt, 3) : "");
      if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
        json_object_set_null_member (record, "licence_image");
      else
        json_object_set_int_member (record, "licence_image", sqlite3_column_int64 (stmt, 4));
      json_object_set_string_member (record, "contact", submitted ? kouan_server_db_column_text (stmt, 5) : "");
      if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
        json_object_set_null_member (record, "reason");
      else
        json_object_set_string_member (record, "reason", kouan_server_db_column_text (stmt, 6));
      if (submitted)
        json_object_set_int_member (record, "submitted_at", sqlite3_column_int64 (stmt, 7));
      else
        json_object_set_null_member (record, "submitted_at");
      if (sqlite3_column_type (stmt, 8) == SQLITE_NULL)
        json_object_set_null_member (record, "decided_at");
      else
        json_object_set_int_member (record, "decided_at", sqlite3_column_int64 (stmt, 8));
    }
  sqlite3_reset (stmt);
  return record;
}

static JsonObject *
materialise_certification (KouanServer *self,
                           gint64       enterprise_id,
                           gint64       record_id,
                           gint64       user_id)
{
  if (record_id != enterprise_id)
    return NULL;
  return certification_json (self, enterprise_id);
}

typedef struct {
  KouanServer *server;
  gint64       enterprise_id;
} Review;

static gboolean
insert_notice (KouanServer  *self,
               gint64        enterprise_id,
               const char   *category,
               const char   *title,
               const char   *body,
               GError      **error)
{
  KouanStoredMessage message = {
    .kind = (char *) "notice", .category = (char *) category,
    .title = (char *) title, .body = (char *) body, .created_at = now_seconds (),
  };

  return self->storage->messages->message_post (self->storage, enterprise_id, &message,
                                                NULL, 0, NULL, error);
}

/* The demo reviewer: what a customs officer checks first on a licence of
 * the "three certificates in one" kind is that its number is the
 * enterprise's unified social credit code. Matching → certified; not →
 * rejected with the reason. Either way a notice tells every member. */
static gboolean
review (KouanServer  *self,
        gint64        enterprise_id,
        GError      **error)
{
  g_autofree char *licence = NULL;
  g_autofree char *credit_code = NULL;
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;
  sqlite3_stmt *stmt;
  gboolean approve;

  stmt = kouan_server_db_stmt (self,
    "SELECT c.licence_number, e.credit_code, e.name FROM certifications c"
    " JOIN enterprises e ON e.id = c.enterprise_id"
    " WHERE c.enterprise_id = ?1 AND c.status = 'pending'");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    {
      licence = g_strdup (kouan_server_db_column_text (stmt, 0));
      credit_code = g_strdup (kouan_server_db_column_text (stmt, 1));
      name = g_strdup (kouan_server_db_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (licence == NULL)
    return TRUE;   /* decided meanwhile */

  approve = g_str_equal (licence, credit_code);
  stmt = kouan_server_db_stmt (self,
    "UPDATE certifications SET status = ?2, reason = ?3, decided_at = ?4 WHERE enterprise_id = ?1");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, approve ? "certified" : "rejected", -1, SQLITE_STATIC);
  if (approve)
    sqlite3_bind_null (stmt, 3);
  else
    sqlite3_bind_text (stmt, 3, "营业执照号码与企业统一社会信用代码不一致，请核对营业执照后重新提交。", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  if (!kouan_server_db_step_done (self, stmt, error))
    return FALSE;

  if (approve)
    {
      stmt = kouan_server_db_stmt (self, "UPDATE enterprises SET certified = 1 WHERE id = ?1");
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      if (!kouan_server_db_step_done (self, stmt, error))
        return FALSE;
      body = g_strdup_printf ("%s提交的企业认证申请已审核通过，企业已完成实名认证，"
                              "可使用全部申报业务。", name);
      return insert_notice (self, enterprise_id, "企业认证通过", "企业认证已审核通过", body, error);
    }

  body = g_strdup_printf ("%s提交的企业认证申请未通过审核：营业执照号码与企业统一社会信用代码不一致。"
                          "请在个人中心“企业信息”中核对后重新提交。", name);
  return insert_notice (self, enterprise_id, "企业认证", "企业认证未通过审核", body, error);
}

static gboolean
on_review (gpointer data)
{
  Review *pending = data;
  KouanServer *self = pending->server;
  g_autoptr(GError) error = NULL;

  kouan_server_db_failure_clear (self);   /* a timer, not a request */
  if (!kouan_server_db_begin (self, &error) ||
      !review (self, pending->enterprise_id, &error) ||
      !kouan_server_db_commit (self, &error))
    {
      kouan_server_db_rollback (self);
      g_warning ("Reviewing the certification of enterprise %" G_GINT64_FORMAT ": %s",
                 pending->enterprise_id, error->message);
      return G_SOURCE_REMOVE;
    }
  kouan_server_events_notify (self, pending->enterprise_id, 0);
  return G_SOURCE_REMOVE;
}

static void
schedule_review (KouanServer *self,
                 gint64       enterprise_id)
{
  Review *pending;

  /* Only the demo decides by itself; a real deployment's officers decide
   * (and the certification stays pending until they do). */
  if (!self->demo)
    return;
  pending = g_new0 (Review, 1);
  pending->server = self;
  pending->enterprise_id = enterprise_id;
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, (guint) MAX (self->certification_delay, 0),
                              on_review, pending, g_free);
}

/* A submitted form: all four fields, checked. */
static gboolean
read_certification (KouanServer  *self,
                    gint64        enterprise_id,
                    JsonObject   *fields,
                    char        **out_representative,
                    char        **out_licence,
                    gint64       *out_image,
                    char        **out_contact,
                    GError      **error)
{
  const char *representative, *licence, *contact;
  g_autofree char *clean_representative = NULL;
  g_autofree char *clean_contact = NULL;
  g_autoptr(GList) members = json_object_get_members (fields);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "legal_representative") && !g_str_equal (l->data, "licence_number") &&
        !g_str_equal (l->data, "licence_image") && !g_str_equal (l->data, "contact"))
      {
        g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                     "\"%s\" is not part of the certification form", (const char *) l->data);
        return FALSE;
      }

  if (!kouan_json_get_string (fields, "legal_representative", &representative, error) ||
      !kouan_json_get_string (fields, "licence_number", &licence, error) ||
      !kouan_json_get_int (fields, "licence_image", out_image, error) ||
      !kouan_json_get_string (fields, "contact", &contact, error))
    return FALSE;

  clean_representative = _kouan_server_personal_clean_text (representative, "legal_representative",
                                                            KOUAN_PERSONAL_NAME_MAX, error);
  if (clean_representative == NULL)
    return FALSE;
  if (!kouan_credit_code_is_valid (licence))
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                           "\"licence_number\" must be the 18-character unified social credit code"
                           " printed on the business licence");
      return FALSE;
    }
  if (!kouan_server_images_exists (self, enterprise_id, *out_image))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"licence_image\": no image %" G_GINT64_FORMAT " was uploaded", *out_image);
      return FALSE;
    }
  clean_contact = g_strstrip (g_strdup (contact));
  if (!kouan_personal_phone_is_valid (clean_contact))
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                           "\"contact\" must be a telephone number");
      return FALSE;
    }

  *out_representative = g_steal_pointer (&clean_representative);
  *out_licence = g_strdup (licence);
  *out_contact = g_steal_pointer (&clean_contact);
  return TRUE;
}

static JsonObject *
apply_certification (KouanServer                *self,
                     const KouanServerMutation  *mutation,
                     gint64                      enterprise_id,
                     gint64                      user_id,
                     GError                    **error)
{
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *representative = NULL;
  g_autofree char *licence = NULL;
  g_autofree char *contact = NULL;
  const char *status;
  sqlite3_stmt *stmt;
  gint64 image = 0;

  if (mutation->record_id != enterprise_id ||
      (current = certification_json (self, enterprise_id)) == NULL)
    return rejected (mutation->id, "not_found", "No such enterprise", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "A certification takes \"update\"",
                     g_steal_pointer (&current));

  status = json_object_get_string_member (current, "status");
  if (g_str_equal (status, "certified"))
    return rejected (mutation->id, "conflict", "The enterprise is already certified",
                     g_steal_pointer (&current));
  if (g_str_equal (status, "pending"))
    return rejected (mutation->id, "conflict", "A certification is already waiting for review",
                     g_steal_pointer (&current));

  if (!read_certification (self, enterprise_id, mutation->fields, &representative, &licence, &image,
                           &contact, &local_error))
    return rejected (mutation->id, "invalid_field", local_error->message, g_steal_pointer (&current));

  stmt = kouan_server_db_stmt (self,
    "INSERT INTO certifications (enterprise_id, status, legal_representative, licence_number,"
    "                            licence_image, contact, reason, submitted_by, submitted_at, decided_at)"
    " VALUES (?1, 'pending', ?2, ?3, ?4, ?5, NULL, ?6, ?7, NULL)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET status = 'pending',"
    "  legal_representative = excluded.legal_representative,"
    "  licence_number = excluded.licence_number, licence_image = excluded.licence_image,"
    "  contact = excluded.contact, reason = NULL, submitted_by = excluded.submitted_by,"
    "  submitted_at = excluded.submitted_at, decided_at = NULL");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, representative, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, licence, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, image);
  sqlite3_bind_text (stmt, 5, contact, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, user_id);
  sqlite3_bind_int64 (stmt, 7, now_seconds ());
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  /* Decided after this batch commits (the review checks it is still
   * pending, so a rolled back batch is never reviewed). */
  schedule_review (self, enterprise_id);
  return kouan_server_mutation_applied (mutation->id, certification_json (self, enterprise_id));
}

static const KouanServerCollection certification_collection = {
  .name = "certification",
  .manage_permission = "personal.enterprises:manage",
  .materialise = materialise_certification,
  .apply = apply_certification,
};

/* ---- install ---------------------------------------------------------- */

static const KouanRoute enterprise_routes[] = {
  { "GET",    "/api/v1/enterprise-search",            KOUAN_ROUTE_SESSION, NULL, handle_search },
  { "GET",    "/api/v1/join-requests",                KOUAN_ROUTE_SESSION, NULL, handle_list_join_requests },
  { "POST",   "/api/v1/join-requests",                KOUAN_ROUTE_SESSION, NULL, handle_create_join_request },
  { "DELETE", "/api/v1/enterprises/{eid}/membership", KOUAN_ROUTE_MEMBER,
    "personal.enterprises:manage", handle_leave },
};

void
_kouan_server_personal_enterprises_install (KouanServer *self)
{
  sqlite3_stmt *stmt;
  g_autoptr(GArray) pending = g_array_new (FALSE, FALSE, sizeof (gint64));

  kouan_server_collections_add (self, &certification_collection);
  kouan_server_routes_add (self, enterprise_routes, G_N_ELEMENTS (enterprise_routes));

  /* A demo server stopped before its reviewer decided picks up where it
   * left off. */
  if (!self->demo)
    return;
  stmt = kouan_server_db_stmt (self, "SELECT enterprise_id FROM certifications WHERE status = 'pending'");
  while (kouan_server_db_row (self, stmt))
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (pending, id);
    }
  sqlite3_reset (stmt);
  for (guint i = 0; i < pending->len; i++)
    schedule_review (self, g_array_index (pending, gint64, i));
}

gboolean
_kouan_server_personal_enterprises_demo_seed (KouanServer  *self,
                                              GError      **error)
{
  /* A third enterprise nobody in the demo belongs to, to find and ask to
   * join from 加入更多公司. */
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "INSERT INTO enterprises (name, credit_code, certified) VALUES (?1, ?2, 1)");
  g_autofree char *code = NULL;
  char check;

  /* 9144030071526726X? with its check character computed, so the demo
   * code is valid by construction. */
  check = kouan_credit_code_check_char ("91440300715267265");
  code = g_strdup_printf ("91440300715267265%c", check);
  sqlite3_bind_text (stmt, 1, "深圳前海华诚供应链管理有限公司", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
  return kouan_server_db_step_done (self, stmt, error);
}
