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

/* "member", "pending" or "none"; NULL after logging a storage failure */
static const char *
join_state (KouanServer *self,
            gint64       user_id,
            gint64       enterprise_id)
{
  g_autoptr(GError) error = NULL;
  gboolean pending = FALSE;

  if (kouan_server_db_is_member (self, user_id, enterprise_id))
    return "member";
  if (!self->storage->personal->join_request_pending (self->storage, user_id, enterprise_id,
                                                      &pending, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  return pending ? "pending" : "none";
}

static JsonObject *
enterprise_json (const KouanStoredEnterpriseRef *stored)
{
  JsonObject *enterprise = json_object_new ();

  json_object_set_int_member (enterprise, "id", stored->id);
  json_object_set_string_member (enterprise, "name", stored->name);
  json_object_set_string_member (enterprise, "credit_code", stored->credit_code);
  json_object_set_boolean_member (enterprise, "certified", stored->certified);
  return enterprise;
}

static void
reply_storage_failure (KouanRequest *req,
                       const GError *error,
                       const char   *what)
{
  g_warning ("%s: %s", what, error != NULL ? error->message : "failed");
  kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            "The server could not read or store that");
}

static void
handle_search (KouanRequest *req)
{
  KouanServer *self = req->server;
  const char *query = req->query != NULL ? g_hash_table_lookup (req->query, "q") : NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, TRUE, sizeof (KouanStoredEnterpriseRef));
  g_autoptr(GError) error = NULL;
  JsonArray *results;
  gboolean ok;

  g_array_set_clear_func (found, (GDestroyNotify) kouan_stored_enterprise_ref_clear);
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
      ok = self->storage->personal->enterprises_search (self->storage, text, NULL, 0, found, &error);
    }
  else
    /* a substring of the name; LIKE's wildcards in the query match
     * themselves */
    ok = self->storage->personal->enterprises_search (self->storage, NULL, text, SEARCH_LIMIT,
                                                      found, &error);
  if (!ok)
    {
      reply_storage_failure (req, error, "Searching enterprises");
      return;
    }

  results = json_array_new ();
  for (guint i = 0; i < found->len; i++)
    {
      const KouanStoredEnterpriseRef *stored = &g_array_index (found, KouanStoredEnterpriseRef, i);
      JsonObject *enterprise = enterprise_json (stored);
      const char *state = join_state (self, req->session.user_id, stored->id);

      if (state == NULL)
        {
          json_object_unref (enterprise);
          json_array_unref (results);
          kouan_server_db_failed (self, &error);
          reply_storage_failure (req, error, "Searching enterprises");
          return;
        }
      json_object_set_string_member (enterprise, "join_state", state);
      json_array_add_object_element (results, enterprise);
    }

  reply = json_object_new ();
  json_object_set_array_member (reply, "enterprises", results);
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

/* ---- join requests ---------------------------------------------------- */

static JsonObject *
join_request_json (const KouanStoredJoinRequest *stored)
{
  JsonObject *request = json_object_new ();

  json_object_set_int_member (request, "id", stored->id);
  json_object_set_string_member (request, "status", stored->status);
  json_object_set_int_member (request, "created_at", stored->created_at);
  if (stored->decided_at == 0)
    json_object_set_null_member (request, "decided_at");
  else
    json_object_set_int_member (request, "decided_at", stored->decided_at);
  json_object_set_object_member (request, "enterprise", enterprise_json (&stored->enterprise));
  return request;
}

static void
handle_list_join_requests (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(GArray) stored = g_array_new (FALSE, TRUE, sizeof (KouanStoredJoinRequest));
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *requests;

  g_array_set_clear_func (stored, (GDestroyNotify) kouan_stored_join_request_clear);
  if (!self->storage->personal->join_requests_list (self->storage, req->session.user_id, 100,
                                                    stored, &error))
    {
      reply_storage_failure (req, error, "Listing join requests");
      return;
    }
  requests = json_array_new ();
  for (guint i = 0; i < stored->len; i++)
    json_array_add_object_element (requests,
                                   join_request_json (&g_array_index (stored, KouanStoredJoinRequest, i)));
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
  g_auto(KouanStoredEnterpriseRef) enterprise = { 0 };
  g_auto(KouanStoredJoinRequest) stored = { 0 };
  const char *state;
  gint64 enterprise_id, request_id = 0;

  body = kouan_server_read_body (req->msg);
  if (body == NULL)
    return;
  if (!kouan_json_get_int (body, "enterprise_id", &enterprise_id, &error))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return;
    }

  if (enterprise_id > 0 &&
      !self->storage->personal->enterprise_get (self->storage, enterprise_id, &enterprise, &error))
    {
      reply_storage_failure (req, error, "Reading an enterprise");
      return;
    }
  if (enterprise.id == 0)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such enterprise");
      return;
    }

  state = join_state (self, req->session.user_id, enterprise_id);
  if (state == NULL)
    {
      kouan_server_db_failed (self, &error);
      reply_storage_failure (req, error, "Reading a join request");
      return;
    }
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

  if (!self->storage->personal->join_request_create (self->storage, req->session.user_id,
                                                     enterprise_id, now_seconds (), &request_id,
                                                     &error) ||
      !self->storage->personal->join_request_get (self->storage, request_id, &stored, &error))
    {
      g_warning ("Recording a join request: %s", error->message);
      kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The request could not be stored");
      return;
    }

  request = join_request_json (&stored);
  kouan_server_reply_json (req->msg, SOUP_STATUS_CREATED, request);
}

/* ---- leaving an enterprise ------------------------------------------ */

static void
handle_leave (KouanRequest *req)
{
  KouanServer *self = req->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) roles = NULL;
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
   * must not bring old roles back (admin people's, one transaction). */
  kouan_server_db_membership_end (self, req->session.user_id, req->enterprise_id, &error);
  if (error != NULL)
    {
      g_warning ("Leaving an enterprise: %s", error->message);
      kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The membership could not be removed");
      return;
    }
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* ---- certification ---------------------------------------------------- */

/* (nullable): the certification record (docs/api.md, "certification");
 * NULL when there is no such enterprise or after logging a storage
 * failure */
static JsonObject *
certification_json (KouanServer *self,
                    gint64       enterprise_id)
{
  g_auto(KouanStoredCertification) stored = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean submitted;
  const char *status;
  JsonObject *record;

  if (!self->storage->personal->certification_get (self->storage, enterprise_id, &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.enterprise_id == 0)
    return NULL;

  /* The enterprise's flag wins: an enterprise certified outside this
   * flow (the demo's first one) is "certified" without a form. */
  submitted = stored.status != NULL;
  if (stored.certified)
    status = "certified";
  else if (submitted && !g_str_equal (stored.status, "certified"))
    status = stored.status;
  else
    status = "none";

  record = json_object_new ();
  json_object_set_int_member (record, "id", enterprise_id);
  json_object_set_string_member (record, "status", status);
  json_object_set_string_member (record, "legal_representative",
                                 submitted ? stored.legal_representative : "");
  json_object_set_string_member (record, "licence_number", submitted ? stored.licence_number : "");
  if (stored.licence_image == 0)
    json_object_set_null_member (record, "licence_image");
  else
    json_object_set_int_member (record, "licence_image", stored.licence_image);
  json_object_set_string_member (record, "contact", submitted ? stored.contact : "");
  if (stored.reason == NULL)
    json_object_set_null_member (record, "reason");
  else
    json_object_set_string_member (record, "reason", stored.reason);
  if (submitted)
    json_object_set_int_member (record, "submitted_at", stored.submitted_at);
  else
    json_object_set_null_member (record, "submitted_at");
  if (stored.decided_at == 0)
    json_object_set_null_member (record, "decided_at");
  else
    json_object_set_int_member (record, "decided_at", stored.decided_at);
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
  g_auto(KouanStoredCertification) form = { 0 };
  g_auto(KouanStoredEnterpriseRef) enterprise = { 0 };
  g_autofree char *body = NULL;
  const char *name;
  gboolean approve, decided = FALSE;

  if (!self->storage->personal->certification_get (self->storage, enterprise_id, &form, error) ||
      !self->storage->personal->enterprise_get (self->storage, enterprise_id, &enterprise, error))
    return FALSE;
  if (g_strcmp0 (form.status, "pending") != 0 || enterprise.id == 0)
    return TRUE;   /* decided meanwhile */

  approve = g_str_equal (form.licence_number, enterprise.credit_code);
  if (!self->storage->personal->certification_decide (self->storage, enterprise_id, approve,
        "营业执照号码与企业统一社会信用代码不一致，请核对营业执照后重新提交。",
        now_seconds (), &decided, error))
    return FALSE;
  if (!decided)
    return TRUE;   /* another instance's reviewer was first */

  name = enterprise.name;
  if (approve)
    {
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
  if (!kouan_storage_begin (self->storage, &error) ||
      !review (self, pending->enterprise_id, &error) ||
      !kouan_storage_commit (self->storage, &error))
    {
      kouan_storage_rollback (self->storage);
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

  {
    KouanStoredCertification form = {
      .enterprise_id = enterprise_id, .legal_representative = representative,
      .licence_number = licence, .licence_image = image, .contact = contact,
      .submitted_by = user_id, .submitted_at = now_seconds (),
    };

    if (!self->storage->personal->certification_submit (self->storage, &form, error))
      return NULL;
  }

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
  g_autoptr(GArray) pending = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;

  kouan_server_collections_add (self, &certification_collection);
  kouan_server_routes_add (self, enterprise_routes, G_N_ELEMENTS (enterprise_routes));

  /* A demo server stopped before its reviewer decided picks up where it
   * left off. */
  if (!self->demo)
    return;
  if (!self->storage->personal->certifications_pending (self->storage, pending, &error))
    {
      g_warning ("Resuming the demo's certification reviews: %s", error->message);
      return;
    }
  for (guint i = 0; i < pending->len; i++)
    schedule_review (self, g_array_index (pending, gint64, i));
}

gboolean
_kouan_server_personal_enterprises_demo_seed (KouanServer  *self,
                                              GError      **error)
{
  /* A third enterprise nobody in the demo belongs to, to find and ask to
   * join from 加入更多公司. */
  g_autofree char *code = NULL;
  char check;

  /* 9144030071526726X? with its check character computed, so the demo
   * code is valid by construction. */
  check = kouan_credit_code_check_char ("91440300715267265");
  code = g_strdup_printf ("91440300715267265%c", check);
  return self->storage->personal->enterprise_add (self->storage, "深圳前海华诚供应链管理有限公司",
                                                 code, TRUE, NULL, error);
}
