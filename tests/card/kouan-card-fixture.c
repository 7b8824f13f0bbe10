/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <signal.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#ifdef __linux__
# include <sys/prctl.h>
#endif

#include <winscard.h>

#include "kouan-card-fixture.h"

#define READER_BASE_NAME "Kouan Test Reader"
/* pcscd names the first slot of a serial reader "<FRIENDLYNAME> 00 00". */
#define READER_NAME      READER_BASE_NAME " 00 00"
/* Generous: pcscd polls the vpcd socket, and CI machines share their cores. */
#define START_TIMEOUT_S  30

struct _KouanCardFixture {
  char             *dir;          /* private temporary directory */
  char             *socket_path;
  char             *pcscd_path;
  char             *driver_path;
  guint16           vpcd_port;
  gboolean          reader_connected;
  GSubprocess      *pcscd;
  GSubprocess      *card;
  GDataInputStream *card_out;
  GOutputStream    *card_in;
};

char *
kouan_card_fixture_file (const char *name)
{
  return g_build_filename (CARD_FIXTURES_DIR, name, NULL);
}

static char *
find_pcscd (void)
{
  char *path = g_find_program_in_path ("pcscd");

  if (path == NULL && g_file_test ("/usr/sbin/pcscd", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/usr/sbin/pcscd");
  return path;
}

/* The vpcd driver as installed by the distribution: the LIBPATH of its
 * reader.conf snippet, or the usual locations. */
static char *
find_vpcd_driver (void)
{
  const char *env = g_getenv ("KOUAN_VPCD_DRIVER");
  const char *candidates[] = {
    "/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
    "/usr/lib64/pcsc/drivers/serial/libifdvpcd.so",
    "/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so",
  };
  g_autofree char *conf = NULL;

  if (env != NULL)
    return g_file_test (env, G_FILE_TEST_EXISTS) ? g_strdup (env) : NULL;

  if (g_file_get_contents ("/etc/reader.conf.d/vpcd", &conf, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (conf, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *line = g_strstrip (lines[i]);

          if (g_str_has_prefix (line, "LIBPATH"))
            {
              char *value = g_strstrip (line + strlen ("LIBPATH"));

              if (g_file_test (value, G_FILE_TEST_EXISTS))
                return g_strdup (value);
            }
        }
    }

  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_EXISTS))
      return g_strdup (candidates[i]);
  return NULL;
}

char *
kouan_card_fixture_check_requirements (void)
{
  g_autofree char *pcscd = find_pcscd ();
  g_autofree char *driver = find_vpcd_driver ();

  if (pcscd == NULL)
    return g_strdup ("pcscd is not installed (Debian: apt-get install pcscd)");
  if (driver == NULL)
    return g_strdup ("the vpcd reader driver is not installed "
                     "(Debian: apt-get install vsmartcard-vpcd)");
  return NULL;
}

/* vpcd opens two slots, on its port and the next one: find a free pair. */
static guint16
find_free_port_pair (void)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GSocket) first = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                               G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GSocket) second = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocketAddress) next = NULL;
      guint16 port;

      if (!g_socket_bind (first, address, FALSE, NULL))
        continue;
      bound = g_socket_get_local_address (first, NULL);
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      if (port == 0 || port == G_MAXUINT16)
        continue;
      next = g_inet_socket_address_new (any, port + 1);
      if (g_socket_bind (second, next, FALSE, NULL))
        return port;
    }
  return 0;
}

gboolean
kouan_card_fixture_set_reader (KouanCardFixture  *self,
                               gboolean           connected,
                               GError           **error)
{
  g_autofree char *conf_path = g_build_filename (self->dir, "reader.conf.d",
                                                 "kouan-vpcd", NULL);
  g_autofree char *conf = NULL;

  self->reader_connected = connected;
  if (!connected)
    {
      g_unlink (conf_path);
      return TRUE;
    }

  conf = g_strdup_printf ("FRIENDLYNAME \"" READER_BASE_NAME "\"\n"
                          "DEVICENAME   /dev/null:0x%04X\n"
                          "LIBPATH      %s\n"
                          "CHANNELID    0x%04X\n",
                          self->vpcd_port, self->driver_path, self->vpcd_port);
  return g_file_set_contents (conf_path, conf, -1, error);
}

KouanCardFixture *
kouan_card_fixture_new (GError **error)
{
  KouanCardFixture *self = g_new0 (KouanCardFixture, 1);
  g_autofree char *conf_dir = NULL;

  self->pcscd_path = find_pcscd ();
  self->driver_path = find_vpcd_driver ();
  self->dir = g_dir_make_tmp ("kouan-card-XXXXXX", error);
  if (self->dir == NULL || self->pcscd_path == NULL || self->driver_path == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "pcscd or vpcd missing");
      kouan_card_fixture_free (self);
      return NULL;
    }

  self->socket_path = g_build_filename (self->dir, "pcscd.comm", NULL);
  /* Read by libpcsclite on its first use in this process. */
  g_setenv ("PCSCLITE_CSOCK_NAME", self->socket_path, TRUE);

  self->vpcd_port = find_free_port_pair ();
  if (self->vpcd_port == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no free port pair for vpcd");
      kouan_card_fixture_free (self);
      return NULL;
    }

  conf_dir = g_build_filename (self->dir, "reader.conf.d", NULL);
  if (g_mkdir (conf_dir, 0700) != 0 || !kouan_card_fixture_set_reader (self, TRUE, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create %s", conf_dir);
      kouan_card_fixture_free (self);
      return NULL;
    }

  if (!kouan_card_fixture_start_pcscd (self, error))
    {
      kouan_card_fixture_free (self);
      return NULL;
    }
  return self;
}

/* TRUE once pcscd answers and lists our reader (or answers at all, when
 * it runs without one). */
static gboolean
pcscd_ready (gboolean with_reader)
{
  SCARDCONTEXT context;
  char readers[4096] = { 0 };
  DWORD length = sizeof readers - 2;
  gboolean found = FALSE;

  if (SCardEstablishContext (SCARD_SCOPE_USER, NULL, NULL, &context) != SCARD_S_SUCCESS)
    return FALSE;
  if (SCardListReaders (context, NULL, readers, &length) == SCARD_S_SUCCESS)
    for (const char *r = readers; *r != '\0'; r += strlen (r) + 1)
      if (g_str_equal (r, READER_NAME))
        found = TRUE;
  SCardReleaseContext (context);
  return found || !with_reader;
}

/* Runs in the child before exec: a test that aborts must not leave its
 * pcscd behind (the virtual card exits on its own when stdin closes). */
static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

gboolean
kouan_card_fixture_start_pcscd (KouanCardFixture  *self,
                                GError           **error)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *conf_dir = g_build_filename (self->dir, "reader.conf.d", NULL);
  g_autofree char *log_path = g_build_filename (self->dir, "pcscd.log", NULL);
  g_autofree char *script = NULL;
  gint64 deadline;
  int fd;

  g_return_val_if_fail (self->pcscd == NULL, FALSE);

  g_unlink (self->socket_path);
  listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_DEFAULT, error);
  if (listener == NULL)
    return FALSE;
  address = g_unix_socket_address_new (self->socket_path);
  if (!g_socket_bind (listener, address, FALSE, error) ||
      !g_socket_listen (listener, error))
    return FALSE;

  /* sd_listen_fds() in pcscd wants LISTEN_PID to be its own pid: the shell
   * sets it to $$ and execs pcscd, which keeps the pid. */
  script = g_strdup_printf ("export LISTEN_FDS=1 LISTEN_PID=$$; exec '%s' --foreground "
                            "--debug --config '%s'",
                            self->pcscd_path, conf_dir);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fd = dup (g_socket_get_fd (listener));
  g_subprocess_launcher_take_fd (launcher, fd, 3);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDERR_MERGE);
  self->pcscd = g_subprocess_launcher_spawn (launcher, error, "/bin/sh", "-c", script, NULL);
  if (self->pcscd == NULL)
    return FALSE;
  /* Our copy of the listening socket closes with @listener: once pcscd is
   * gone, clients must fail to connect rather than wait in the backlog. */

  deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_TIME_SPAN_SECOND;
  while (g_get_monotonic_time () < deadline)
    {
      if (pcscd_ready (self->reader_connected))
        return TRUE;
      if (g_subprocess_get_identifier (self->pcscd) == NULL)
        break;   /* exited */
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }

  {
    g_autofree char *log = NULL;

    g_file_get_contents (log_path, &log, NULL, NULL);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "pcscd did not come up with the vpcd reader (log: %s)",
                 log != NULL ? log : "none");
  }
  kouan_card_fixture_stop_pcscd (self);
  return FALSE;
}

gboolean
kouan_card_fixture_wait_card (KouanCardFixture *self,
                              gboolean          present)
{
  SCARDCONTEXT context;
  SCARD_READERSTATE state = { 0 };
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_TIME_SPAN_SECOND;
  gboolean reached = FALSE;

  if (SCardEstablishContext (SCARD_SCOPE_USER, NULL, NULL, &context) != SCARD_S_SUCCESS)
    return FALSE;

  state.szReader = READER_NAME;
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  while (g_get_monotonic_time () < deadline)
    {
      LONG rv = SCardGetStatusChange (context, 200, &state, 1);

      if (rv == SCARD_S_SUCCESS)
        {
          state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
          if (((state.dwEventState & SCARD_STATE_PRESENT) != 0) == present)
            {
              reached = TRUE;
              break;
            }
        }
      else if (rv != SCARD_E_TIMEOUT)
        break;
    }
  SCardReleaseContext (context);
  return reached;
}

static void
stop_process (GSubprocess **process)
{
  gint64 deadline;

  if (*process == NULL)
    return;

  g_subprocess_send_signal (*process, SIGTERM);
  deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
  while (g_subprocess_get_identifier (*process) != NULL &&
         g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
    }
  if (g_subprocess_get_identifier (*process) != NULL)
    g_subprocess_force_exit (*process);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

void
kouan_card_fixture_stop_pcscd (KouanCardFixture *self)
{
  stop_process (&self->pcscd);
  if (self->socket_path != NULL)
    g_unlink (self->socket_path);
}

static char *
read_card_line (KouanCardFixture *self)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (self->card_out, NULL, NULL, &error);

  if (line == NULL)
    g_warning ("kouan-vcard output ended: %s", error ? error->message : "end of stream");
  return line;
}

gboolean
kouan_card_fixture_start_card (KouanCardFixture    *self,
                               const char * const  *args,
                               GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *line = NULL;
  gboolean present = TRUE;

  kouan_card_fixture_stop_card (self);

  g_ptr_array_add (argv, g_strdup (KOUAN_VCARD_PATH));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", self->vpcd_port));
  g_ptr_array_add (argv, g_strdup ("--cert"));
  g_ptr_array_add (argv, kouan_card_fixture_file ("holder.pem"));
  g_ptr_array_add (argv, g_strdup ("--key"));
  g_ptr_array_add (argv, kouan_card_fixture_file ("holder-key.pem"));
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  self->card = g_subprocess_newv ((const char * const *) argv->pdata,
                                  G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                  G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  if (self->card == NULL)
    return FALSE;
  self->card_in = g_object_ref (g_subprocess_get_stdin_pipe (self->card));
  self->card_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->card));

  line = read_card_line (self);
  if (g_strcmp0 (line, "ready") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "kouan-vcard did not start (said: %s)", line ? line : "nothing");
      kouan_card_fixture_stop_card (self);
      return FALSE;
    }

  /* Let pcscd see the new card (or its absence) before the test talks to
   * it: a card swapped between two polls would look like the old one. */
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    if (g_str_equal (args[i], "--removed"))
      present = FALSE;
  if (!kouan_card_fixture_wait_card (self, present))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "pcscd did not see the virtual card %s", present ? "arrive" : "leave");
      return FALSE;
    }
  return TRUE;
}

void
kouan_card_fixture_stop_card (KouanCardFixture *self)
{
  if (self->card == NULL)
    return;

  /* Closing stdin ends the card: it pulls itself out of the reader. */
  g_output_stream_close (self->card_in, NULL, NULL);
  g_clear_object (&self->card_in);
  g_clear_object (&self->card_out);
  stop_process (&self->card);
  if (self->pcscd != NULL)
    kouan_card_fixture_wait_card (self, FALSE);
}

char *
kouan_card_fixture_command (KouanCardFixture *self,
                            const char       *command)
{
  g_autofree char *line = g_strconcat (command, "\n", NULL);

  g_return_val_if_fail (self->card != NULL, NULL);

  if (!g_output_stream_write_all (self->card_in, line, strlen (line), NULL, NULL, NULL) ||
      !g_output_stream_flush (self->card_in, NULL, NULL))
    return NULL;
  return read_card_line (self);
}

int
kouan_card_fixture_counter (KouanCardFixture *self,
                            const char       *name)
{
  g_autofree char *reply = kouan_card_fixture_command (self, "count");
  g_autofree char *key = g_strconcat (name, "=", NULL);
  g_auto(GStrv) words = NULL;

  if (reply == NULL)
    return -1;
  words = g_strsplit (reply, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], key))
      return (int) g_ascii_strtoll (words[i] + strlen (key), NULL, 10);
  return -1;
}

const char *
kouan_card_fixture_get_reader (KouanCardFixture *self)
{
  return READER_NAME;
}

void
kouan_card_fixture_free (KouanCardFixture *self)
{
  if (self == NULL)
    return;

  kouan_card_fixture_stop_card (self);
  kouan_card_fixture_stop_pcscd (self);
  if (self->dir != NULL)
    {
      g_autofree char *conf_dir = g_build_filename (self->dir, "reader.conf.d", NULL);
      g_autofree char *conf_path = g_build_filename (conf_dir, "kouan-vpcd", NULL);
      g_autofree char *log_path = g_build_filename (self->dir, "pcscd.log", NULL);

      /* Keep the pcscd log of a failed run for the test log's reader. */
      if (g_getenv ("KOUAN_CARD_KEEP_LOG") == NULL)
        g_unlink (log_path);
      g_unlink (conf_path);
      g_rmdir (conf_dir);
      g_rmdir (self->dir);
    }
  g_free (self->dir);
  g_free (self->socket_path);
  g_free (self->pcscd_path);
  g_free (self->driver_path);
  g_free (self);
}
