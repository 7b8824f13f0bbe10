/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "kouan-application.h"

/* Run from the build tree (`build/src/app/kouan`), the app finds its
 * compiled schema and translations there; an installed kouan never does.
 * KOUAN_LOCALEDIR and GSETTINGS_SCHEMA_DIR, when set, win. */
static const char *
kouan_locale_dir (void)
{
  const char *env = g_getenv ("KOUAN_LOCALEDIR");

#ifdef KOUAN_BUILD_ROOT
  {
    g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

    if (env == NULL && exe != NULL && g_str_has_prefix (exe, KOUAN_BUILD_ROOT G_DIR_SEPARATOR_S))
      {
        g_setenv ("GSETTINGS_SCHEMA_DIR", KOUAN_BUILD_ROOT G_DIR_SEPARATOR_S "data", FALSE);
        return KOUAN_BUILD_ROOT G_DIR_SEPARATOR_S "po";
      }
  }
#endif

  return env != NULL ? env : LOCALEDIR;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KouanApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, kouan_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Kouan"));

  app = kouan_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
