/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "kouan-test-server.h"

/* How long a test waits for the server to start, or for one request,
 * before it fails instead of hanging the suite. */
#define START_TIMEOUT_SECONDS   (60 * (int) kouan_test_timeout_scale ())
#define REQUEST_TIMEOUT_SECONDS (30 * (int) kouan_test_timeout_scale ())

struct _KouanTestServer
{
  char         *dir;
  char         *db_path;
  char         *url;
  guint16       port;
  GStrv         extra_args;
  GSubprocess  *process;
};

typedef struct {
  GMainContext *context;
  gboolean      done;
  gboolean      timed_out;
  GObject      *result_source;
  GAsyncResult *result;
} Wait;

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
  g_main_context_wakeup (wait->context);
}

static gboolean
on_timeout (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates @wait->context until the operation finished or the timeout
 * passed; FALSE on timeout. */
static gboolean
wait_run (Wait  *wait,
          guint  seconds)
{
  GSource *timeout = g_timeout_source_new_seconds (seconds);

  g_source_set_callback (timeout, on_timeout, wait, NULL);
  g_source_attach (timeout, wait->context);
  while (!wait->done && !wait->timed_out)
    g_main_context_iteration (wait->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  return wait->done;
}

/* Drains the server's stdout after the first line so a chatty server
 * never blocks on a full pipe. */
static gpointer
drain_stdout (gpointer data)
{
  g_autoptr(GInputStream) stream = data;
  char buffer[4096];

  while (g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
  return NULL;
}

/* A test that aborts must not leave its server running (and holding the
 * test runner's stderr open). */
static void
child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static void
spawn (KouanTestServer *self,
       guint16          port)
{
  const char *server_path = g_getenv ("KOUAN_SERVER_PATH");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *line = NULL;
  GInputStream *stdout_pipe;
  Wait wait = { context, FALSE, FALSE, NULL, NULL };
  const char *prefix = "listening on ";
  const char *colon;
  guint64 parsed_port;

  if (server_path == NULL)
    g_error ("KOUAN_SERVER_PATH is not set (run the tests through meson test)");

  g_ptr_array_add (argv, g_strdup (server_path));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (self->db_path));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup_printf ("127.0.0.1:%u", port));
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (self->process == NULL)
    g_error ("Cannot start %s: %s", server_path, error->message);

  stdout_pipe = g_subprocess_get_stdout_pipe (self->process);
  lines = g_data_input_stream_new (stdout_pipe);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);

  g_main_context_push_thread_default (context);
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_async_done, &wait);
  if (!wait_run (&wait, START_TIMEOUT_SECONDS))
    g_error ("kouan-server did not report its address within %d s", START_TIMEOUT_SECONDS);
  g_main_context_pop_thread_default (context);

  line = g_data_input_stream_read_line_finish_utf8 (lines, wait.result, NULL, &error);
  g_clear_object (&wait.result);
  if (line == NULL)
    g_error ("kouan-server exited before listening%s%s",
             error != NULL ? ": " : "", error != NULL ? error->message : "");
  if (!g_str_has_prefix (line, prefix) || (colon = strrchr (line, ':')) == NULL ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &parsed_port, NULL))
    g_error ("Unexpected first line from kouan-server: %s", line);

  g_free (self->url);
  self->url = g_strdup (line + strlen (prefix));
  self->port = (guint16) parsed_port;

  g_thread_unref (g_thread_new ("kouan-test-server-stdout", drain_stdout,
                                g_object_ref (stdout_pipe)));
}

KouanTestServer *
kouan_test_server_start (const char * const *extra_args)
{
  KouanTestServer *self = g_new0 (KouanTestServer, 1);
  g_autoptr(GError) error = NULL;

  self->dir = g_dir_make_tmp ("kouan-test-server-XXXXXX", &error);
  if (self->dir == NULL)
    g_error ("Cannot create a temporary directory: %s", error->message);
  self->db_path = g_build_filename (self->dir, "server.db", NULL);
  self->extra_args = g_strdupv ((char **) extra_args);

  spawn (self, 0);
  return self;
}

const char *
kouan_test_server_get_url (KouanTestServer *self)
{
  return self->url;
}

guint16
kouan_test_server_get_port (KouanTestServer *self)
{
  return self->port;
}

GPid
kouan_test_server_get_pid (KouanTestServer *self)
{
  const char *identifier = g_subprocess_get_identifier (self->process);

  return identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
}

const char *
kouan_test_server_get_db_path (KouanTestServer *self)
{
  return self->db_path;
}

/* Returns the wait status of the server (see g_subprocess_get_status). */
static int
wait_exit (KouanTestServer *self)
{
  int status;

  g_autoptr(GMainContext) context = g_main_context_new ();
  Wait wait = { context, FALSE, FALSE, NULL, NULL };

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (self->process, NULL, on_async_done, &wait);
  if (!wait_run (&wait, START_TIMEOUT_SECONDS))
    {
      /* A server that ignores SIGTERM is a bug, but the suite must go on. */
      g_subprocess_force_exit (self->process);
      wait.timed_out = FALSE;
      wait_run (&wait, START_TIMEOUT_SECONDS);
      g_main_context_pop_thread_default (context);
      g_clear_object (&wait.result);
      g_clear_object (&self->process);
      g_error ("kouan-server did not stop within %d s of SIGTERM", START_TIMEOUT_SECONDS);
    }
  g_main_context_pop_thread_default (context);
  g_clear_object (&wait.result);
  status = g_subprocess_get_status (self->process);
  g_clear_object (&self->process);
  return status;
}

guint
kouan_test_timeout_scale (void)
{
  const char *text = g_getenv ("KOUAN_TEST_TIMEOUT_SCALE");
  guint64 scale = 1;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, 100, &scale, NULL))
    scale = 1;
  return (guint) scale;
}

#define WAIT_TIMEOUT_SECONDS 30

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *passed = user_data;

  *passed = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
kouan_test_wait_until (KouanTestCondition condition,
                       gpointer           user_data)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (WAIT_TIMEOUT_SECONDS * kouan_test_timeout_scale (),
                                            deadline_cb, &timed_out);

  while (!condition (user_data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  return condition (user_data);
}

void
kouan_test_spin (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, deadline_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
kouan_test_server_stop (KouanTestServer *self)
{
  int status;

  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGTERM);
  status = wait_exit (self);
  /* SIGTERM is an orderly stop: anything but exit status 0 is a bug the
   * test must report, e.g. a crash, or a leak or memory error found by
   * the sanitizer build (ASan/LSan end the process with a non-zero status,
   * their report is on our stderr). */
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("kouan-server did not exit cleanly after SIGTERM (wait status %d)", status);
}

void
kouan_test_server_restart (KouanTestServer *self)
{
  g_assert_null (self->process);
  spawn (self, self->port);
}

void
kouan_test_server_kill (KouanTestServer *self)
{
  if (self->process == NULL)
    return;
  g_subprocess_force_exit (self->process);
  wait_exit (self);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

void
kouan_test_server_free (KouanTestServer *self)
{
  if (self == NULL)
    return;
  kouan_test_server_stop (self);
  remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->url);
  g_strfreev (self->extra_args);
  g_free (self);
}

guint
kouan_test_http (const char  *method,
                 const char  *url,
                 const char  *token,
                 const char  *body,
                 gsize        body_len,
                 GBytes     **out_body)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { context, FALSE, FALSE, NULL, NULL };
  guint status;

  if (out_body != NULL)
    *out_body = NULL;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_SECONDS, NULL);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    g_error ("Not a valid URL: %s", url);
  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_async_done, &wait);
  if (!wait_run (&wait, REQUEST_TIMEOUT_SECONDS + 5))
    g_error ("%s %s: no answer within %d s", method, url, REQUEST_TIMEOUT_SECONDS + 5);
  response = soup_session_send_and_read_finish (session, wait.result, &error);
  g_clear_object (&wait.result);
  g_main_context_pop_thread_default (context);

  /* Transport failures (server down) are status 0, so offline tests can
   * assert on them. */
  if (response == NULL)
    {
      g_test_message ("%s %s: %s", method, url, error->message);
      return 0;
    }

  status = soup_message_get_status (msg);
  if (out_body != NULL)
    *out_body = g_steal_pointer (&response);
  return status;
}

char *
kouan_test_login (KouanTestServer *self,
                  const char      *account,
                  const char      *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = g_strdup_printf ("%s/api/v1/session", self->url);
  JsonObject *object;
  gsize length;
  guint status;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, account);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &length);

  status = kouan_test_http ("POST", url, NULL, body, length, &reply);
  if (status != SOUP_STATUS_OK)
    g_error ("Login as %s failed with status %u: %.*s", account, status,
             reply != NULL ? (int) g_bytes_get_size (reply) : 0,
             reply != NULL ? (const char *) g_bytes_get_data (reply, NULL) : "");

  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                   g_bytes_get_size (reply), &error))
    g_error ("Login answer is not JSON: %s", error->message);
  object = json_node_get_object (json_parser_get_root (parser));
  if (object == NULL || !json_object_has_member (object, "token"))
    g_error ("Login answer has no token");
  return g_strdup (json_object_get_string_member (object, "token"));
}
