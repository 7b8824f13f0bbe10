/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bad-input battery: every route of the live server (read from
 * `kouan-server --list-routes`; a route without a sample below fails the
 * test, so a new route gets one) is sent malformed, truncated, oversized,
 * wrongly typed, deeply nested, non-UTF-8 and NUL-carrying bodies, bad
 * path ids and query values, and requests whose framing contradicts
 * itself. Each must be answered with a 4xx — the JSON error docs/api.md
 * documents, where it names one — never a 5xx and never silence; the
 * server must still answer afterwards and its database must pass
 * PRAGMA integrity_check.
 *
 * Requests are written on a raw socket (Connection: close) so that any
 * byte can be sent; a server that does not answer within 20 s fails the
 * test as hanging. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <sqlite3.h>

#include "kouan-json.h"
#include "kouan-test-image.h"
#include "kouan-test-server.h"

#define PASSWORD "kouan-demo"
#define MAX_BODY (1024 * 1024)   /* the server's default --max-body */

typedef enum {
  BODY_NONE,     /* the route reads no body */
  BODY_JSON,     /* a JSON object, per docs/api.md */
  BODY_IMAGE,    /* raw PNG/JPEG bytes */
} BodyKind;

typedef struct {
  const char *method;
  const char *pattern;
  const char *as;        /* whose token: "admin", "throwaway", "none" */
  BodyKind    kind;
  const char *body;      /* a well-formed body of the documented shape; $ROLE → a role id */
  const char *id;        /* which record {id} names in body cases */
  /* bad query strings and the error code each must get (NULL: the route
   * takes no query) */
  const char *bad_queries[6];
  const char *query_code;
} Sample;

static const Sample samples[] = {
  { "GET",    "/api/v1/health", "none", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/session", "none", BODY_JSON, "{\"account\":\"demo-user30\",\"password\":\"wrong-but-never-checked\"}", NULL, { NULL }, NULL },
  { "GET",    "/api/v1/session", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "DELETE", "/api/v1/session", "throwaway", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/session/card-challenge", "none", BODY_JSON, "{}", NULL, { NULL }, NULL },
  { "POST",   "/api/v1/session/card", "none", BODY_JSON, "{\"challenge\":\"AAAA\",\"certificate\":\"AAAA\",\"signature\":\"AAAA\"}", NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/changes", "admin", BODY_NONE, NULL, NULL,
    { "since=abc", "since=-1", "limit=0", "limit=1001", "since=%FF%FE", "limit=1%002" }, "invalid_field" },
  { "POST",   "/api/v1/enterprises/{eid}/mutations", "admin", BODY_JSON,
    "{\"mutations\":[{\"id\":\"bad-input-1\",\"collection\":\"messages\",\"op\":\"update\",\"record_id\":1,\"fields\":{\"read\":true}}]}", NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/events", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/roles", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/enterprises/{eid}/roles", "admin", BODY_JSON, "{\"name\":\"坏输入角色\",\"permissions\":[\"insurance.risk:view\"]}", NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/roles/{id}", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "PATCH",  "/api/v1/enterprises/{eid}/roles/{id}", "admin", BODY_JSON, "{\"name\":\"坏输入角色二\",\"permissions\":[\"insurance.policies:view\"]}", "role", { NULL }, NULL },
  { "DELETE", "/api/v1/enterprises/{eid}/roles/{id}", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/departments", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/enterprises/{eid}/departments", "admin", BODY_JSON, "{\"name\":\"坏输入部门\",\"parent_id\":null}", NULL, { NULL }, NULL },
  { "PATCH",  "/api/v1/enterprises/{eid}/departments/{id}", "admin", BODY_JSON, "{\"name\":\"坏输入部门二\"}", "department", { NULL }, NULL },
  { "DELETE", "/api/v1/enterprises/{eid}/departments/{id}", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/staff", "admin", BODY_NONE, NULL, NULL,
    { "limit=abc", "limit=0", "sort=bogus", "order=sideways", "status=%FF", "offset=-5" }, "invalid_query" },
  { "GET",    "/api/v1/enterprises/{eid}/staff/{id}", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "PATCH",  "/api/v1/enterprises/{eid}/staff/{id}", "admin", BODY_JSON, "{\"status\":\"active\",\"department_id\":null}", "member", { NULL }, NULL },
  { "DELETE", "/api/v1/enterprises/{eid}/staff/{id}", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/enterprises/{eid}/staff/{id}/grants", "admin", BODY_JSON,
    "{\"role_id\":$ROLE,\"starts_on\":\"2020-01-01\",\"ends_on\":null}", "member", { NULL }, NULL },
  { "DELETE", "/api/v1/enterprises/{eid}/grants/{id}", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/staff/{id}/cards", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "DELETE", "/api/v1/enterprises/{eid}/staff/{id}/cards", "admin", BODY_NONE, NULL, NULL,
    { "fingerprint=abc", "fingerprint=", "fingerprint=%FF%FE",
      "fingerprint=48BEE51ECED335E69EB7E4446E95F17D97B8BD09B5F56813AB7C3FB05D3727DC", "other=1", NULL },
    "invalid_query" },
  { "GET",    "/api/v1/enterprises/{eid}/join-requests", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/enterprises/{eid}/join-requests/{id}/approve", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/enterprises/{eid}/join-requests/{id}/reject", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/audit", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/my-access", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/account", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/account/password", "admin", BODY_JSON, "{\"old_password\":\"not-the-password\",\"new_password\":\"abc12345xyz\"}", NULL, { NULL }, NULL },
  { "GET",    "/api/v1/account/sessions", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "DELETE", "/api/v1/account/sessions/{id}", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/account/cards", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/account/cards", "admin", BODY_JSON, "{\"challenge\":\"AAAA\",\"certificate\":\"AAAA\",\"signature\":\"AAAA\"}", NULL, { NULL }, NULL },
  { "POST",   "/api/v1/account/cards/unbind", "admin", BODY_JSON, "{\"fingerprint\":\"48bee51eced335e69eb7e4446e95f17d97b8bd09b5f56813ab7c3fb05d3727dc\",\"password\":\"not-the-password\"}", NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprise-search", "admin", BODY_NONE, NULL, NULL,
    { "q=a", "q=%FF%FE%FD", "q=ab%00cd", "", "q=91310115MA1K3Y8P2X", NULL }, NULL },
  { "GET",    "/api/v1/join-requests", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/join-requests", "admin", BODY_JSON, "{\"enterprise_id\":3}", NULL, { NULL }, NULL },
  { "DELETE", "/api/v1/enterprises/{eid}/membership", "throwaway", BODY_NONE, NULL, NULL, { NULL }, NULL },
  { "POST",   "/api/v1/enterprises/{eid}/images", "admin", BODY_IMAGE, NULL, NULL, { NULL }, NULL },
  { "GET",    "/api/v1/enterprises/{eid}/images/{id}", "admin", BODY_NONE, NULL, NULL, { NULL }, NULL },
};

typedef struct {
  KouanTestServer *server;
  char            *admin;
  char            *throwaway;
  GHashTable      *records;   /* "role" → gint64* */
  GString         *failures;
  guint            n_requests;
} Fixture;

/* ---- raw HTTP ------------------------------------------------------- */

typedef struct {
  guint       status;       /* 0: no status line at all */
  JsonObject *json;         /* (nullable): the body, when it is a JSON object */
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->json, json_object_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

/* Writes @request (any bytes) and reads until the server closes. With
 * @half_close the sending side is shut after the request, as a client
 * that stops sending mid-body does. */
static void
raw_request (Fixture    *f,
             const void *request,
             gsize       length,
             gboolean    half_close,
             const char *what,
             Answer     *out)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  GSocket *socket;
  const char *text;
  const char *end;
  gsize written = 0;

  f->n_requests++;
  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                kouan_test_server_get_port (f->server), NULL, &error);
  g_assert_no_error (error);
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_timeout (socket, 20);

  /* The server may answer (413, 400) and close before it has read
   * everything: a failed write is not the test's concern, the answer is. */
  while (written < length)
    {
      gssize n = g_socket_send (socket, (const char *) request + written, length - written, NULL, &error);

      if (n <= 0)
        {
          g_clear_error (&error);
          break;
        }
      written += n;
    }
  if (half_close)
    g_socket_shutdown (socket, FALSE, TRUE, NULL);

  for (;;)
    {
      char buffer[16384];
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_error ("%s: no answer within 20 s (the server hangs)", what);
      if (n <= 0)
        break;
      g_byte_array_append (reply, (const guint8 *) buffer, n);
    }
  g_clear_error (&error);

  out->status = 0;
  out->json = NULL;
  g_byte_array_append (reply, (const guint8 *) "", 1);
  text = (const char *) reply->data;
  if (g_str_has_prefix (text, "HTTP/1.1 ") || g_str_has_prefix (text, "HTTP/1.0 "))
    out->status = (guint) g_ascii_strtoull (text + 9, NULL, 10);
  end = strstr (text, "\r\n\r\n");
  if (end != NULL && end[4] == '{')
    out->json = kouan_json_parse_object (end + 4, -1, NULL);
}

static char *
head (const char *method,
      const char *target,
      const char *token,
      const char *extra_headers)
{
  return g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s%s",
                          method, target,
                          token != NULL ? "Authorization: Bearer " : "",
                          token != NULL ? token : "",
                          token != NULL ? "\r\n" : "",
                          extra_headers != NULL ? extra_headers : "");
}

/* One request with a body framed by Content-Length. */
static void
send_body (Fixture    *f,
           const char *method,
           const char *target,
           const char *token,
           const void *body,
           gsize       length,
           const char *what,
           Answer     *out)
{
  g_autofree char *extra = g_strdup_printf ("Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                            length);
  g_autofree char *start = head (method, target, token, extra);
  g_autoptr(GByteArray) request = g_byte_array_new ();

  g_byte_array_append (request, (const guint8 *) start, strlen (start));
  if (length > 0)
    g_byte_array_append (request, body, length);
  raw_request (f, request->data, request->len, FALSE, what, out);
}

/* ---- expectations --------------------------------------------------- */

static const char *
code_of (const Answer *answer)
{
  JsonObject *error;

  if (answer->json == NULL || !json_object_has_member (answer->json, "error"))
    return NULL;
  error = json_object_get_object_member (answer->json, "error");
  return error != NULL && json_object_has_member (error, "code")
    ? json_object_get_string_member (error, "code") : NULL;
}

/* @status 0: any 4xx. @code NULL: any JSON error code. @note, when not
 * NULL, names the other helper's part the expectation waits for. */
static void
expect (Fixture      *f,
        const char   *what,
        const Answer *answer,
        guint         status,
        const char   *code,
        const char   *note)
{
  const char *got = code_of (answer);
  gboolean ok;

  if (status != 0)
    ok = answer->status == status;
  else
    ok = answer->status >= 400 && answer->status < 500;
  ok = ok && got != NULL && (code == NULL || g_strcmp0 (got, code) == 0);
  if (!ok)
    g_string_append_printf (f->failures, "%s: got %u %s, want %u %s%s%s\n", what,
                            answer->status, got != NULL ? got : "(no JSON error)",
                            status, code != NULL ? code : "(a JSON error)",
                            note != NULL ? " — pending: " : "", note != NULL ? note : "");
}

/* Framing errors are the HTTP layer's (docs/api.md, Errors): a 400, with
 * or without a JSON body, and never anything else. */
static void
expect_framing (Fixture      *f,
                const char   *what,
                const Answer *answer)
{
  if (answer->status != 400)
    g_string_append_printf (f->failures, "%s: got %u, want 400 — pending: strict HTTP framing\n",
                            what, answer->status);
}

/* ---- fixture -------------------------------------------------------- */

static char *
login (Fixture    *f,
       const char *account)
{
  return kouan_test_login (f->server, account, PASSWORD);
}

static JsonObject *
get_json (Fixture    *f,
          const char *path,
          const char *token)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (f->server), path, NULL);
  g_autoptr(GBytes) body = NULL;

  g_assert_cmpuint (kouan_test_http ("GET", url, token, NULL, 0, &body), ==, 200);
  return kouan_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
}

static void
remember (Fixture    *f,
          const char *key,
          gint64      id)
{
  g_assert_cmpint (id, >, 0);
  g_hash_table_insert (f->records, g_strdup (key), g_memdup2 (&id, sizeof id));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(JsonObject) staff = NULL;
  g_autoptr(JsonObject) role = NULL;
  g_autoptr(JsonObject) departments = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) reply = NULL;
  const char *role_body = "{\"name\":\"坏输入测试角色\",\"permissions\":[]}";

  f->server = kouan_test_server_start (args);
  f->admin = login (f, "demo-admin");
  f->throwaway = login (f, "demo-user02");
  f->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->failures = g_string_new (NULL);

  url = g_strconcat (kouan_test_server_get_url (f->server), "/api/v1/enterprises/1/roles", NULL);
  g_assert_cmpuint (kouan_test_http ("POST", url, f->admin, role_body, strlen (role_body), &reply), ==, 201);
  role = kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL);
  remember (f, "role", json_object_get_int_member (role, "id"));

  departments = get_json (f, "/api/v1/enterprises/1/departments", f->admin);
  remember (f, "department", json_object_get_int_member (
              json_array_get_object_element (json_object_get_array_member (departments, "items"), 0), "id"));
  staff = get_json (f, "/api/v1/enterprises/1/staff?name=demo-user03", f->admin);
  remember (f, "member", json_object_get_int_member (
              json_array_get_object_element (json_object_get_array_member (staff, "items"), 0), "user_id"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->admin);
  g_free (f->throwaway);
  g_clear_pointer (&f->records, g_hash_table_unref);
  g_string_free (f->failures, TRUE);
  g_clear_pointer (&f->server, kouan_test_server_free);
}

static JsonObject *
list_routes (void)
{
  const char *server = g_getenv ("KOUAN_SERVER_PATH");
  const char *argv[] = { server, "--list-routes", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  int status;

  g_assert_nonnull (server);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  object = kouan_json_parse_object (out, -1, &error);
  g_assert_no_error (error);
  return object;
}

static const Sample *
find_sample (const char *method,
             const char *pattern)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    if (strcmp (samples[i].method, method) == 0 && strcmp (samples[i].pattern, pattern) == 0)
      return &samples[i];
  return NULL;
}

static char *
replace (const char *text,
         const char *what,
         const char *with)
{
  g_auto(GStrv) parts = g_strsplit (text, what, -1);

  return g_strjoinv (with, parts);
}

/* The path with {eid} = 1 and {id} = @id (the record's, or "999999"). */
static char *
make_path (Fixture      *f,
           const Sample *sample,
           const char   *id)
{
  g_autofree char *with_eid = replace (sample->pattern, "{eid}", "1");
  g_autofree char *record = NULL;

  if (id == NULL && sample->id != NULL)
    record = g_strdup_printf ("%" G_GINT64_FORMAT, *(gint64 *) g_hash_table_lookup (f->records, sample->id));
  return replace (with_eid, "{id}", id != NULL ? id : record != NULL ? record : "999999");
}

static const char *
token_for (Fixture      *f,
           const Sample *sample)
{
  if (strcmp (sample->as, "admin") == 0)
    return f->admin;
  if (strcmp (sample->as, "throwaway") == 0)
    return f->throwaway;
  return NULL;
}

/* ---- the cases ------------------------------------------------------ */

static void
path_cases (Fixture      *f,
            const Sample *sample)
{
  static const char *bad_ids[] = { "abc", "0", "-1", "1.5", "007", "99999999999999999999", "%00", "%FF%FE", "1%2F2" };
  const char *token = token_for (f, sample);

  if (strstr (sample->pattern, "{") == NULL || token == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autofree char *with_id = replace (sample->pattern, "{id}", bad_ids[i]);
      g_autofree char *path = replace (with_id, "{eid}", strstr (sample->pattern, "{id}") != NULL ? "1" : bad_ids[i]);
      g_autofree char *what = g_strdup_printf ("%s %s", sample->method, path);
      g_autofree char *body = sample->kind == BODY_JSON ? replace (sample->body, "$ROLE", "1") : NULL;
      g_auto(Answer) answer = { 0 };

      send_body (f, sample->method, path, token, body, body != NULL ? strlen (body) : 0, what, &answer);
      /* A NUL in the path is not a URI: the HTTP layer's bare 400
       * (docs/api.md, Errors) is right too. */
      if (strcmp (bad_ids[i], "%00") == 0 && answer.status == 400)
        continue;
      expect (f, what, &answer, 404, "not_found", NULL);
    }
}

static void
query_cases (Fixture      *f,
             const Sample *sample)
{
  g_autofree char *path = make_path (f, sample, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sample->bad_queries) && sample->bad_queries[i] != NULL; i++)
    {
      g_autofree char *target = g_strdup_printf ("%s?%s", path, sample->bad_queries[i]);
      g_autofree char *what = g_strdup_printf ("%s %s", sample->method, target);
      g_auto(Answer) answer = { 0 };

      send_body (f, sample->method, target, token_for (f, sample), NULL, 0, what, &answer);
      expect (f, what, &answer, 400, sample->query_code, NULL);
    }
}

/* The sample body with member @index given a value of another type. */
static char *
retyped (const char *body,
         guint       index)
{
  g_autoptr(JsonObject) object = kouan_json_parse_object (body, -1, NULL);
  g_autoptr(GList) members = json_object_get_members (object);
  const char *name = g_list_nth_data (members, index);
  JsonNode *node = json_object_get_member (object, name);

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      json_object_set_array_member (object, name, json_array_new ());
      break;
    case JSON_NODE_ARRAY:
      json_object_set_object_member (object, name, json_object_new ());
      break;
    case JSON_NODE_NULL:
      json_object_set_boolean_member (object, name, TRUE);
      break;
    case JSON_NODE_VALUE:
    default:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        json_object_set_int_member (object, name, 12345);
      else
        json_object_set_string_member (object, name, "12345");
      break;
    }
  return kouan_json_object_to_string (object);
}

static void
json_body_cases (Fixture      *f,
                 const Sample *sample)
{
  static const struct { const char *name; const char *body; const char *pending; } bad[] = {
    { "malformed",       "{\"a\":", NULL },
    { "not an object",   "[1,2,3]", NULL },
    { "a string",        "\"{}\"", NULL },
    { "empty object in array", "[{}]", NULL },
    { "single quotes",   "{'a':1}", "strict JSON parser" },
    { "comment",         "{/* c */}", "strict JSON parser" },
    { "trailing garbage", "{} x", "strict JSON parser" },
    { "NUL escape",      "{\"a\":\"x\\u0000y\"}", "strict JSON parser" },
    { "bad escape",      "{\"a\":\"\\q\"}", "strict JSON parser" },
    { "lone surrogate",  "{\"a\":\"\\ud800\"}", "strict JSON parser" },
    { "huge number",     "{\"a\":1e999999}", "strict JSON parser" },
  };
  const char *token = token_for (f, sample);
  g_autofree char *path = make_path (f, sample, NULL);
  g_autofree char *body = NULL;
  g_autofree char *role = g_strdup_printf ("%" G_GINT64_FORMAT, *(gint64 *) g_hash_table_lookup (f->records, "role"));
  g_autoptr(JsonObject) parsed = NULL;
  guint n_members;

  body = replace (sample->body, "$ROLE", role);
  parsed = kouan_json_parse_object (body, -1, NULL);
  g_assert_nonnull (parsed);
  n_members = json_object_get_size (parsed);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *what = g_strdup_printf ("%s %s: %s", sample->method, path, bad[i].name);
      g_auto(Answer) answer = { 0 };

      send_body (f, sample->method, path, token, bad[i].body, strlen (bad[i].body), what, &answer);
      /* "huge number" and "bad escape" are not JSON either */
      expect (f, what, &answer, 400, "invalid_json", bad[i].pending);
    }

  /* truncated: every cut of the body is invalid JSON */
  for (gsize cut = 1; cut < strlen (body); cut += MAX (1, strlen (body) / 7))
    {
      g_autofree char *what = g_strdup_printf ("%s %s: cut at %" G_GSIZE_FORMAT, sample->method, path, cut);
      g_auto(Answer) answer = { 0 };

      send_body (f, sample->method, path, token, body, cut, what, &answer);
      expect (f, what, &answer, 400, "invalid_json", NULL);
    }

  /* the body not UTF-8, or with a raw NUL inside a string */
  {
    static const char invalid_utf8[] = "{\"a\":\"\xff\xfe\xc0\xaf\"}";
    static const char raw_nul[] = "{\"a\":\"x\0y\"}";
    g_auto(Answer) utf8 = { 0 };
    g_auto(Answer) nul = { 0 };
    g_autofree char *what = g_strdup_printf ("%s %s: not UTF-8", sample->method, path);
    g_autofree char *what_nul = g_strdup_printf ("%s %s: raw NUL", sample->method, path);

    send_body (f, sample->method, path, token, invalid_utf8, sizeof invalid_utf8 - 1, what, &utf8);
    expect (f, what, &utf8, 400, "invalid_json", NULL);
    send_body (f, sample->method, path, token, raw_nul, sizeof raw_nul - 1, what_nul, &nul);
    expect (f, what_nul, &nul, 400, "invalid_json", NULL);
  }

  /* deep nesting: far beyond any real record */
  {
    GString *deep = g_string_new ("{\"a\":");
    g_autofree char *what = g_strdup_printf ("%s %s: nested 100000 deep", sample->method, path);
    g_auto(Answer) answer = { 0 };

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    send_body (f, sample->method, path, token, deep->str, deep->len, what, &answer);
    expect (f, what, &answer, 400, "invalid_json", NULL);
    g_string_free (deep, TRUE);
  }

  /* a duplicated member: which one counts would be a guess */
  if (n_members > 0)
    {
      g_autofree char *inner = g_strndup (body + 1, strlen (body) - 2);   /* without { } */
      g_autofree char *first = NULL;
      g_autofree char *duplicated = NULL;
      g_autofree char *what = g_strdup_printf ("%s %s: duplicate member", sample->method, path);
      g_autoptr(GList) members = json_object_get_members (parsed);
      g_auto(Answer) answer = { 0 };

      first = g_strdup_printf ("\"%s\":%s", (const char *) members->data,
                               json_node_get_node_type (json_object_get_member (parsed, members->data)) == JSON_NODE_VALUE &&
                               json_node_get_value_type (json_object_get_member (parsed, members->data)) == G_TYPE_STRING
                               ? "\"other\"" : "null");
      duplicated = g_strdup_printf ("{%s,%s}", inner, first);
      send_body (f, sample->method, path, token, duplicated, strlen (duplicated), what, &answer);
      expect (f, what, &answer, 400, "invalid_json", "strict JSON parser");
    }

  /* wrong types, one member at a time */
  for (guint i = 0; i < n_members; i++)
    {
      g_autofree char *wrong = retyped (body, i);
      g_autofree char *what = g_strdup_printf ("%s %s: wrong type %s", sample->method, path, wrong);
      g_auto(Answer) answer = { 0 };

      send_body (f, sample->method, path, token, wrong, strlen (wrong), what, &answer);
      expect (f, what, &answer, 400, NULL, NULL);
    }

  /* a documented member a megabyte long (inside the body limit): longer
   * than any field may be */
  if (n_members > 0)
    {
      g_autoptr(GList) members = json_object_get_members (parsed);
      GString *long_string = g_string_new (NULL);
      g_autofree char *what = g_strdup_printf ("%s %s: 1 MB \"%s\"", sample->method, path,
                                               (const char *) members->data);
      g_auto(Answer) answer = { 0 };

      g_string_printf (long_string, "{\"%s\":\"", (const char *) members->data);
      while (long_string->len < MAX_BODY - 32)
        g_string_append (long_string, "长长长长长长长长");
      g_string_append (long_string, "\"}");
      g_assert_cmpuint (long_string->len, <=, MAX_BODY);
      send_body (f, sample->method, path, token, long_string->str, long_string->len, what, &answer);
      expect (f, what, &answer, 400, NULL, NULL);
      g_string_free (long_string, TRUE);
    }
}

static void
image_body_cases (Fixture      *f,
                  const Sample *sample)
{
  g_autofree char *path = make_path (f, sample, NULL);
  g_autoptr(GBytes) good = kouan_test_png (64, 48, 0);
  static const char nul_bytes[64] = { 0 };
  struct { const char *name; const void *data; gsize length; const char *code; } bad[] = {
    { "empty", "", 0, "image_type" },
    { "JSON", "{\"a\":1}", 7, "image_type" },
    { "NUL bytes", nul_bytes, sizeof nul_bytes, "image_type" },
    { "signature only", g_bytes_get_data (good, NULL), 8, "image_malformed" },
    { "cut in the header", g_bytes_get_data (good, NULL), 20, "image_malformed" },
    { "cut in the pixels", g_bytes_get_data (good, NULL), g_bytes_get_size (good) - 20, "image_malformed" },
    { "JPEG start only", "\xff\xd8\xff", 3, "image_malformed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *what = g_strdup_printf ("POST %s: %s", path, bad[i].name);
      g_auto(Answer) answer = { 0 };

      send_body (f, "POST", path, f->admin, bad[i].data, bad[i].length, what, &answer);
      expect (f, what, &answer, 415, bad[i].code, NULL);
    }
}

/* Over the body limit, for every route whatever its method: refused from
 * Content-Length alone when the client waits for "100 Continue" (the body
 * is never sent), and refused too when the client sends it all. */
static void
oversize_cases (Fixture      *f,
                const Sample *sample)
{
  g_autofree char *path = make_path (f, sample, "999999");
  const char *token = token_for (f, sample);

  {
    g_autofree char *extra = g_strdup_printf ("Content-Type: application/json\r\nExpect: 100-continue\r\n"
                                              "Content-Length: %d\r\n\r\n", MAX_BODY + 1);
    g_autofree char *request = head (sample->method, path, token, extra);
    g_autofree char *what = g_strdup_printf ("%s %s: Content-Length over the limit, Expect: 100-continue",
                                             sample->method, path);
    g_auto(Answer) answer = { 0 };

    raw_request (f, request, strlen (request), FALSE, what, &answer);
    expect (f, what, &answer, 413, "payload_too_large", NULL);
  }
  {
    g_autofree char *body = g_malloc (MAX_BODY + 1);
    g_autofree char *what = g_strdup_printf ("%s %s: body over the limit", sample->method, path);
    g_auto(Answer) answer = { 0 };

    memset (body, '[', MAX_BODY + 1);
    send_body (f, sample->method, path, token, body, MAX_BODY + 1, what, &answer);
    expect (f, what, &answer, 413, "payload_too_large", NULL);
  }
}

/* Requests whose framing contradicts itself or stops short. Paths name no
 * record ({id} = 999999) so that a request let through changes nothing. */
static void
framing_cases (Fixture      *f,
               const Sample *sample)
{
  g_autofree char *path = make_path (f, sample, "999999");
  const char *token = token_for (f, sample);
  static const struct { const char *name; const char *headers; const char *body; } framings[] = {
    { "Content-Length and chunked",
      "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n", "2\r\n{}\r\n0\r\n\r\n" },
    { "two Content-Lengths",
      "Content-Length: 2\r\nContent-Length: 40\r\n\r\n", "{}" },
    { "Content-Length not a number",
      "Content-Length: 2x\r\n\r\n", "{}" },
    { "chunk size not hex",
      "Transfer-Encoding: chunked\r\n\r\n", "zz\r\n{}\r\n0\r\n\r\n" },
    { "unknown transfer coding",
      "Transfer-Encoding: gzip, chunked\r\n\r\n", "2\r\n{}\r\n0\r\n\r\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (framings); i++)
    {
      g_autofree char *start = head (sample->method, path, token, framings[i].headers);
      g_autofree char *request = g_strconcat (start, framings[i].body, NULL);
      g_autofree char *what = g_strdup_printf ("%s %s: %s", sample->method, path, framings[i].name);
      g_auto(Answer) answer = { 0 };

      /* Sent, then the sending side shut: a server that reads the
       * framing some other way and waits for more sees the end instead
       * of hanging the test, and its silence is reported below. */
      raw_request (f, request, strlen (request), TRUE, what, &answer);
      expect_framing (f, what, &answer);
    }

  /* a body shorter than announced, then the client stops sending: the
   * server must give up on it, not wait forever */
  {
    g_autofree char *start = head (sample->method, path, token, "Content-Length: 100\r\n\r\n");
    g_autofree char *request = g_strconcat (start, "{\"a\":", NULL);
    g_autofree char *what = g_strdup_printf ("%s %s: body cut short", sample->method, path);
    g_auto(Answer) answer = { 0 };

    raw_request (f, request, strlen (request), TRUE, what, &answer);
    if (answer.status >= 500)
      g_string_append_printf (f->failures, "%s: got %u\n", what, answer.status);
  }
}

static void
assert_alive (Fixture    *f,
              const char *after)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (f->server), "/api/v1/health", NULL);
  guint status = kouan_test_http ("GET", url, NULL, NULL, 0, NULL);

  if (status != 200)
    g_error ("the server no longer answers after %s (status %u)", after, status);
}

static char *
integrity (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result;

  g_assert_cmpint (sqlite3_open_v2 (kouan_test_server_get_db_path (f->server), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

static void
test_battery (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonObject) listing = list_routes ();
  JsonArray *routes = json_object_get_array_member (listing, "routes");
  g_autofree char *check = NULL;

  g_assert_cmpuint (json_array_get_length (routes), >=, 30);
  for (guint i = 0; i < json_array_get_length (routes); i++)
    {
      JsonObject *route = json_array_get_object_element (routes, i);
      const char *method = json_object_get_string_member (route, "method");
      const char *pattern = json_object_get_string_member (route, "pattern");
      const Sample *sample = find_sample (method, pattern);
      g_autofree char *name = g_strdup_printf ("%s %s", method, pattern);

      if (sample == NULL)
        {
          g_string_append_printf (f->failures, "no sample for %s: add one to samples[]\n", name);
          continue;
        }
      path_cases (f, sample);
      query_cases (f, sample);
      if (sample->kind == BODY_JSON)
        json_body_cases (f, sample);
      else if (sample->kind == BODY_IMAGE)
        image_body_cases (f, sample);
      oversize_cases (f, sample);
      framing_cases (f, sample);
      assert_alive (f, name);
    }

  check = integrity (f);
  g_test_message ("%u requests", f->n_requests);
  if (f->failures->len > 0)
    g_test_message ("%s", f->failures->str);
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpstr (f->failures->str, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/bad-input/every-route", Fixture, NULL, fixture_set_up, test_battery, fixture_tear_down);
  return g_test_run ();
}
