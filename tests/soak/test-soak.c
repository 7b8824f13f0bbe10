/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The soak test (issue 16): the real KouanWindow against a real
 * kouan-server --demo, under Xvfb, driven for a working day's worth of
 * actions by a seeded random walk over what a user can reach:
 *
 *   - every area (sidebar) and, inside it, every button, toggle, switch,
 *     check box, list row and drop-down that is on screen and sensitive;
 *     so every sub-page, every dialog and popover (the calendar popups of
 *     the date filters included), searching, starring, editing and saving;
 *   - text typed into any entry or text view (search words, names, dates,
 *     nonsense), sometimes confirmed with Enter;
 *   - a day picked in any calendar that is open;
 *   - switching the enterprise in the header (宁波甬兴 and the others);
 *   - closing the dialog or popover on top;
 *   - going offline and back online: the test server is stopped and
 *     started again on the same port;
 *   - keys pressed through the X server (xdotool, XTest): Tab, Escape,
 *     Return, arrows, Ctrl+F in the message center, the shortcuts of the
 *     window and its pages, short words typed into whatever has the focus;
 *   - the IC card taken out of the reader and put back (the virtual card
 *     in a private pcscd, tests/card/README.md), so the window's card
 *     monitor reports it in the middle of an action, and whatever the walk
 *     presses with it inserted (绑定IC卡 and its PIN dialog, a wrong PIN,
 *     unbinding) runs against the server's card CA;
 *
 * while a second session of the same user changes things on the server
 * (the profile's name, the enterprise's name, stars and read marks of
 * messages) so pushes arrive in the middle of the walk's actions.
 *
 * It fails on a crash, a sanitizer report (run in the ASan build, see
 * README "Soak test"), a critical or a warning (g_test_init makes both
 * fatal). It prints the seed first: KOUAN_SOAK_SEED=N replays a walk.
 * KOUAN_SOAK_SECONDS sets the duration (default 180). Memory is measured
 * after the first minute (or the first third of a shorter run) and at the
 * end, both printed: the heap in use and the resident memory at the end
 * must each stay within its bound of the first figure (MEMORY_*,
 * RESIDENT_* below, and README "Soak test"); a leak per action grows past
 * them in an hour.
 *
 * Left out, on purpose: the actions that end the walk or leave the app
 * (log out, quit and Ctrl+Q, close the main window and Ctrl+W, leave an
 * enterprise, end a session), the file choosers
 * (a native dialog outside the app), printing and Ctrl+P, links that open a browser,
 * and logging in again by card (it would replace the walk's session).
 * Without pcscd or the vpcd driver the walk runs without the card and
 * says so. */
#include "config.h"

#include <malloc.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <execinfo.h>
#endif

#include <adwaita.h>
#include <gtk/gtk.h>

#include "kouan-application.h"
#include "kouan-card-fixture.h"
#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-store.h"
#include "kouan-test-server.h"
#include "kouan-window-private.h"

#define PASSWORD "kouan-demo"
#define DEFAULT_SECONDS 180
/* Memory at the end ≤ memory after the first minute × 1.25 + 32 MiB:
 * caches that fill once (fonts, glyphs, images, the store's pages) fit
 * in it; a leak per action over an hour does not. */
#define MEMORY_FACTOR 1.25
#define MEMORY_SLACK (32u << 20)
/* Resident memory (VmRSS) at the end ≤ after the first minute × 1.25 +
 * 64 MiB, + 256 MiB under AddressSanitizer. It also counts what is not
 * malloc (X pixmaps, mappings, thread stacks) and the allocator's free
 * lists, which grow with fragmentation: more slack than the heap's. Under
 * ASan it also holds the quarantine, freed blocks kept back to catch a
 * use after free: 256 MiB by default (the sanitize setup keeps that),
 * filled as fast as the machine walks, so on a loaded machine not yet
 * after the first minute. A leak per action outside malloc passes these
 * in an hour; one inside malloc passes the heap's bound sooner. */
#define RESIDENT_FACTOR 1.25
#define RESIDENT_SLACK (64u << 20)
#define ASAN_QUARANTINE (256u << 20)

static KouanTestServer *server;
static GtkApplication *app;
static KouanWindow *window;
static GRand *rand_;
static char *token;          /* the second session */
static gint64 user_id;
static GArray *enterprise_ids; /* gint64 */
static GPtrArray *enterprise_names;
static guint mutation_serial;
static guint offline_steps;  /* > 0: the server is down for that many more steps */
static KouanCardFixture *card; /* NULL: no pcscd or vpcd driver here */
static gboolean card_in;

/* --- memory ------------------------------------------------------------ */

/* Under AddressSanitizer malloc is its own: mallinfo2 does not see it, and
 * freed blocks sit in its quarantine (which is not a leak). */
extern size_t __sanitizer_get_current_allocated_bytes (void) __attribute__ ((weak));

static gsize
heap_in_use (void)
{
  if (__sanitizer_get_current_allocated_bytes != NULL)
    return __sanitizer_get_current_allocated_bytes ();
  return mallinfo2 ().uordblks;
}

/* The resident set (VmRSS) of this process, which runs the window: what
 * the clerk's machine gives it. */
static gsize
resident_memory (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10) * 1024;
}

/* --- waiting ------------------------------------------------------------ */

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KouanSession **session = user_data;
  g_autoptr(GError) error = NULL;

  *session = kouan_client_login_finish (KOUAN_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

/* --- the second client --------------------------------------------------- */

static void
post_mutation (gint64      enterprise_id,
               const char *collection,
               gint64      record_id,
               const char *fields)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT "/mutations",
                                          kouan_test_server_get_url (server), enterprise_id);
  g_autofree char *body = g_strdup_printf ("{\"mutations\": [{\"id\": \"soak-%u-%u\", \"collection\": \"%s\","
                                           " \"op\": \"update\", \"record_id\": %" G_GINT64_FORMAT
                                           ", \"fields\": %s}]}",
                                           (guint) getpid (), ++mutation_serial, collection, record_id, fields);
  guint status = kouan_test_http ("POST", url, token, body, strlen (body), NULL);

  /* 200 whether applied or rejected (a message id the enterprise does
   * not have); anything else means the server broke */
  g_assert_cmpuint (status, ==, 200);
}

static void
second_client_acts (void)
{
  gint64 enterprise_id = g_array_index (enterprise_ids, gint64, g_rand_int_range (rand_, 0, enterprise_ids->len));
  g_autofree char *fields = NULL;

  switch (g_rand_int_range (rand_, 0, 4))
    {
    case 0:
      fields = g_strdup_printf ("{\"name\": \"%s\"}", g_rand_boolean (rand_) ? "王明" : "王明远");
      post_mutation (enterprise_id, "profile", user_id, fields);
      break;
    case 1:
      {
        guint i = g_rand_int_range (rand_, 0, enterprise_ids->len);
        const char *name = g_ptr_array_index (enterprise_names, i);

        fields = g_strdup_printf ("{\"name\": \"%s%s\"}", name, g_rand_boolean (rand_) ? "" : "（新）");
        post_mutation (g_array_index (enterprise_ids, gint64, i), "enterprise_settings",
                       g_array_index (enterprise_ids, gint64, i), fields);
      }
      break;
    default:
      fields = g_strdup_printf ("{\"%s\": %s}", g_rand_boolean (rand_) ? "starred" : "read",
                                g_rand_boolean (rand_) ? "true" : "false");
      post_mutation (enterprise_id, "messages", g_rand_int_range (rand_, 1, 600), fields);
      break;
    }
}

/* --- the walk ------------------------------------------------------------ */

static gboolean
has_ancestor_type (GtkWidget  *widget,
                   const char *type_name)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (g_strcmp0 (G_OBJECT_TYPE_NAME (w), type_name) == 0)
      return TRUE;
  return FALSE;
}

/* What the walk must not press: see the comment at the top. */
static gboolean
is_excluded (GtkWidget *widget)
{
  static const char *const actions[] = {
    "app.logout", "app.quit", "win.card-login", "preview.print", "preview.export",
  };
  static const char *const labels[] = { "Leave…", "End", "Log Out", "Quit" };
  const char *action = GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;
  const char *label = GTK_IS_BUTTON (widget) ? gtk_button_get_label (GTK_BUTTON (widget)) : NULL;

  if (GTK_IS_LINK_BUTTON (widget))
    return TRUE;
  /* the title bar's buttons: closing the main window ends the app,
   * minimizing does nothing without a window manager; a dialog is closed
   * by the walk's own step */
  if (has_ancestor_type (widget, "GtkWindowControls"))
    return TRUE;
  if (action != NULL)
    {
      if (strstr (action, "choose") != NULL)
        return TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
        if (g_strcmp0 (action, actions[i]) == 0)
          return TRUE;
    }
  for (guint i = 0; label != NULL && i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (label, labels[i]) == 0)
      return TRUE;
  /* a slide or link of the showcase opens its address in a browser */
  if (has_ancestor_type (widget, "KouanShowcaseCarousel") &&
      (action == NULL || !g_str_has_prefix (action, "carousel.")))
    return TRUE;
  if (has_ancestor_type (widget, "KouanShowcaseLinks"))
    return TRUE;
  return FALSE;
}

static gboolean
is_target (GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);

  if (GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
      GTK_IS_DROP_DOWN (widget) || GTK_IS_CALENDAR (widget) || GTK_IS_TEXT (widget) ||
      GTK_IS_TEXT_VIEW (widget) || GTK_IS_LIST_BOX_ROW (widget) || GTK_IS_SPIN_BUTTON (widget))
    return !is_excluded (widget);
  return g_strcmp0 (type, "GtkListItemWidget") == 0 || g_strcmp0 (type, "GtkColumnViewRowWidget") == 0;
}

static void
collect (GtkWidget *widget,
         GPtrArray *targets)
{
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget))
    return;
  if (is_target (widget))
    g_ptr_array_add (targets, g_object_ref (widget));
  /* a calendar's days are its own; a spin button's text is typed below */
  if (GTK_IS_CALENDAR (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, targets);
}

static const char *const words[] = {
  "", "泰国", "美国", "越南", "王", "张伟", "宁波", "2026-01-01", "2025-12-31", "13800138000",
  "a@b.cn", "91330200MA2H7B1A0X", "   ", "测试 测试", "x", "0", "-1", "99999999999999999999",
  "报关单", "浦江", "Kouan", "\t", "名字名字名字名字名字名字名字名字名字名字名字名字名字名字名字名字",
};

static GString *trace;
/* the last actions, printed before a warning (without KOUAN_SOAK_VERBOSE) */
#define RECENT 16
static char *recent[RECENT];
static guint n_notes;

static void
note (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static void
note (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_string_truncate (trace, 0);
  g_string_append_vprintf (trace, format, args);
  va_end (args);
  g_free (recent[n_notes % RECENT]);
  recent[n_notes++ % RECENT] = g_strdup (trace->str);
  if (g_getenv ("KOUAN_SOAK_VERBOSE") != NULL)
    g_printerr ("soak: %s\n", trace->str);
}

static void
act_on (GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);

  if (GTK_IS_DROP_DOWN (widget))
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));
      guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

      if (n > 0)
        {
          guint i = g_rand_int_range (rand_, 0, n);

          note ("drop-down %s: item %u", gtk_widget_get_name (widget), i);
          gtk_drop_down_set_selected (GTK_DROP_DOWN (widget), i);
        }
    }
  else if (GTK_IS_CALENDAR (widget))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) day = g_date_time_add_days (now, g_rand_int_range (rand_, -800, 400));

      note ("calendar: day %d", g_date_time_get_day_of_year (day));
      gtk_calendar_select_day (GTK_CALENDAR (widget), day);
      g_signal_emit_by_name (widget, "day-selected");
    }
  else if (GTK_IS_TEXT (widget) || GTK_IS_SPIN_BUTTON (widget))
    {
      const char *word = words[g_rand_int_range (rand_, 0, G_N_ELEMENTS (words))];

      note ("type “%s” into %s", word, type);
      if (!gtk_editable_get_editable (GTK_EDITABLE (widget)))
        return;
      gtk_editable_set_text (GTK_EDITABLE (widget), word);
      if (GTK_IS_TEXT (widget) && g_rand_int_range (rand_, 0, 3) == 0)
        {
          note ("Enter in %s after “%s”", type, word);
          gtk_widget_activate (widget);
        }
    }
  else if (GTK_IS_TEXT_VIEW (widget))
    {
      const char *word = words[g_rand_int_range (rand_, 0, G_N_ELEMENTS (words))];

      note ("type “%s” into a text view", word);
      if (gtk_text_view_get_editable (GTK_TEXT_VIEW (widget)))
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), word, -1);
    }
  else if (GTK_IS_LIST_BOX_ROW (widget))
    {
      note ("list row %d", gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (widget)));
      if (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)) ||
          gtk_list_box_row_get_selectable (GTK_LIST_BOX_ROW (widget)))
        {
          GtkWidget *box = gtk_widget_get_parent (widget);

          if (GTK_IS_LIST_BOX (box) && gtk_list_box_row_get_selectable (GTK_LIST_BOX_ROW (widget)))
            gtk_list_box_select_row (GTK_LIST_BOX (box), GTK_LIST_BOX_ROW (widget));
          g_signal_emit_by_name (widget, "activate");
        }
    }
  else if (g_str_equal (type, "GtkListItemWidget") || g_str_equal (type, "GtkColumnViewRowWidget"))
    {
      note ("list item (%s)", type);
      gtk_widget_activate_action (widget, "listitem.select", "(bb)", FALSE, FALSE);
    }
  else
    {
      const char *action = GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;
      const char *label = GTK_IS_BUTTON (widget) ? gtk_button_get_label (GTK_BUTTON (widget)) : NULL;
      const char *tooltip = gtk_widget_get_tooltip_text (widget);

      note ("press %s “%s” (%s%s%s)", type, label != NULL ? label : "",
            action != NULL ? action : "", tooltip != NULL ? ", " : "", tooltip != NULL ? tooltip : "");
      gtk_widget_activate (widget);
    }
}

/* What kind of control @widget is, so that a list of a hundred rows
 * does not drown the one 保存 button: its type, label and action. */
static char *
kind_of (GtkWidget *widget)
{
  const char *action = GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;
  const char *label = GTK_IS_BUTTON (widget) ? gtk_button_get_label (GTK_BUTTON (widget)) : NULL;
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  return g_strdup_printf ("%s|%s|%s|%s|%s", G_OBJECT_TYPE_NAME (widget),
                          G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                          label != NULL ? label : "", action != NULL ? action : "",
                          tooltip != NULL ? tooltip : "");
}

/* A kind of control uniformly, then one of that kind. */
static GtkWidget *
pick (GPtrArray *targets)
{
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) of_kind = g_ptr_array_new ();
  g_autofree char *chosen = NULL;

  for (guint i = 0; i < targets->len; i++)
    {
      char *kind = kind_of (g_ptr_array_index (targets, i));

      if (g_ptr_array_find_with_equal_func (kinds, kind, g_str_equal, NULL))
        g_free (kind);
      else
        g_ptr_array_add (kinds, kind);
    }
  chosen = g_strdup (g_ptr_array_index (kinds, g_rand_int_range (rand_, 0, kinds->len)));
  for (guint i = 0; i < targets->len; i++)
    {
      g_autofree char *kind = kind_of (g_ptr_array_index (targets, i));

      if (g_str_equal (kind, chosen))
        g_ptr_array_add (of_kind, g_ptr_array_index (targets, i));
    }
  return g_ptr_array_index (of_kind, g_rand_int_range (rand_, 0, of_kind->len));
}

/* The window or dialog the user would work in now: the last visible
 * toplevel other than the main window, if any. */
static GtkWindow *
top_window (void)
{
  g_autoptr(GListModel) toplevels = G_LIST_MODEL (g_object_ref (gtk_window_get_toplevels ()));
  GtkWindow *top = GTK_WINDOW (window);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) candidate = g_list_model_get_item (toplevels, i);

      if (candidate != GTK_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (candidate)) &&
          gtk_widget_get_mapped (GTK_WIDGET (candidate)))
        top = candidate;
    }
  return top;
}

static GtkPopover *
open_popover (GtkWidget *widget)
{
  if (GTK_IS_POPOVER (widget) && gtk_widget_get_mapped (widget))
    return GTK_POPOVER (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkPopover *found = gtk_widget_get_mapped (child) ? open_popover (child) : NULL;

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* --- the keyboard -------------------------------------------------------- */

/* Keys go through the X server (XTest, by xdotool) as a clerk's would:
 * to the focused widget, its shortcut controllers and the window's
 * accelerators. Left out: Ctrl+Q (quit), Ctrl+W (closes the main window,
 * which ends the app) and Ctrl+P (printing). Return and space press the
 * focused control, so not when that is one the walk leaves alone. */
static const char *const keys[] = {
  "Tab", "shift+Tab", "Tab", "Escape", "Return", "space", "Down", "Up", "Left", "Right",
  "Home", "End", "Page_Down", "BackSpace", "Delete", "ctrl+a", "ctrl+z",
  "ctrl+f", "ctrl+d", "s", "F5", "ctrl+r", "ctrl+s", "F1", "ctrl+question",
  "ctrl+0", "ctrl+1", "ctrl+2", "ctrl+3", "ctrl+4", "ctrl+5",
  "alt+1", "alt+2", "alt+3", "alt+4", "alt+5", "shift+F10", "Menu",
};

/* typed as keys; the input method has no Chinese here */
static const char *const typed[] = { "Kouan", "2026", "a", "CN", "x y", "0571" };

static const char *xdotool;  /* NULL: no keyboard */

static void
press_keys (GtkWindow *top)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (top));
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { xdotool, "key", "--delay", "20", NULL, NULL };

  if (g_rand_int_range (rand_, 0, 4) == 0)
    {
      argv[1] = "type";
      argv[4] = typed[g_rand_int_range (rand_, 0, G_N_ELEMENTS (typed))];
    }
  else
    argv[4] = keys[g_rand_int_range (rand_, 0, G_N_ELEMENTS (keys))];
  note ("%s “%s” to %s (focus %s)", argv[1], argv[4], G_OBJECT_TYPE_NAME (top),
        focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "none");
  /* Return, space, or a typed space, activate the focused button: never
   * one the walk must not press (the primary menu's Log Out and Quit) */
  if ((g_str_equal (argv[4], "Return") || g_str_equal (argv[4], "space") ||
       (g_str_equal (argv[1], "type") && strchr (argv[4], ' ') != NULL)) && focus != NULL)
    for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
      /* In a menu, arrow keys sent just before may not have moved the
       * focus yet when it is read here: the item Return would press is
       * not known, and may be Log Out or Quit. The walk clicks the menu's
       * items itself (is_excluded). */
      if (is_excluded (w) || GTK_IS_POPOVER_MENU (w))
        return;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, &error))
    g_error ("xdotool: %s", error->message);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
go_offline_or_online (void)
{
  if (offline_steps > 0)
    return;
  note ("server stops");
  kouan_test_server_stop (server);
  offline_steps = g_rand_int_range (rand_, 5, 40);
}

/* The virtual card's control channel answers once pcscd has seen the
 * change; the window's monitor learns it on its own thread. */
static void
take_out_or_put_in_card (void)
{
  g_autofree char *reply = NULL;

  card_in = !card_in;
  note ("card %s", card_in ? "put in" : "taken out");
  reply = kouan_card_fixture_command (card, card_in ? "insert" : "remove");
  g_assert_nonnull (reply);
}

static void
step (void)
{
  static const char *const areas[] = { "home", "notices", "warnings", "personal", "admin", "insurance" };
  GtkWindow *top = top_window ();
  GtkPopover *popover = open_popover (GTK_WIDGET (top));
  guint dice = g_rand_int_range (rand_, 0, 100);

  if (offline_steps > 0 && --offline_steps == 0)
    {
      note ("server starts again");
      kouan_test_server_restart (server);
    }

  if (top == GTK_WINDOW (window) && popover == NULL && dice < 15)
    {
      const char *area = areas[g_rand_int_range (rand_, 0, G_N_ELEMENTS (areas))];

      note ("area %s", area);
      if (gtk_widget_get_visible (window->admin_row) || !g_str_equal (area, "admin"))
        kouan_window_show_area (window, area);
      return;
    }
  if (top == GTK_WINDOW (window) && popover == NULL && dice < 23)
    {
      GtkDropDown *dropdown = _kouan_window_get_enterprise_dropdown (window);
      guint n = g_list_model_get_n_items (gtk_drop_down_get_model (dropdown));

      if (n > 0 && gtk_widget_is_sensitive (GTK_WIDGET (dropdown)))
        {
          guint i = g_rand_int_range (rand_, 0, n);

          note ("enterprise %u", i);
          gtk_drop_down_set_selected (dropdown, i);
        }
      return;
    }
  if (dice < 25 && offline_steps == 0)
    {
      second_client_acts ();
      return;
    }
  if (dice < 26 && offline_steps == 0)
    {
      go_offline_or_online ();
      return;
    }
  if (card != NULL && dice < 28)
    {
      take_out_or_put_in_card ();
      return;
    }
  if (popover != NULL && dice < 36)
    {
      note ("close a popover");
      gtk_popover_popdown (popover);
      return;
    }
  if (top != GTK_WINDOW (window) && dice < 36)
    {
      note ("close the window %s", G_OBJECT_TYPE_NAME (top));
      gtk_window_close (top);
      return;
    }
  if (xdotool != NULL && dice < 48)
    {
      press_keys (top);
      return;
    }

  {
    g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);

    collect (popover != NULL ? GTK_WIDGET (popover) : GTK_WIDGET (top), targets);
    if (targets->len > 0)
      act_on (pick (targets));
  }
}

/* Diagnostic: a text field that has the keyboard focus while it is not
 * on screen (the window hands such a focus to the area shown, see
 * kouan-window.c). GTK 4.8 starts its cursor blinking on focus and checks
 * it only while mapped; a selection made meanwhile ends in "GtkText -
 * unexpected blinking selection" once the field is back. */
static void
find_hidden_focus (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget) && gtk_widget_has_focus (widget) && !gtk_widget_get_mapped (widget))
    {
      int start = 0, end = 0;

      gtk_editable_get_selection_bounds (GTK_EDITABLE (widget), &start, &end);
      g_printerr ("soak: focus in an unmapped %s (parent %s, selection %d–%d) after: %s\n",
                  G_OBJECT_TYPE_NAME (widget), G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                  start, end, trace->str);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_hidden_focus (child);
}

/* A warning or critical is fatal: say what the walk did last first. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if ((log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) != 0)
    {
      for (guint i = n_notes > RECENT ? n_notes - RECENT : 0; i + 1 < n_notes; i++)
        g_printerr ("soak: (earlier) %s\n", recent[i % RECENT]);
      g_printerr ("soak: a warning or worse after: %s\n", trace != NULL ? trace->str : "(nothing yet)");
#ifdef __GLIBC__
      {
        /* Where it came from, for a finding that may not come back: the
         * lines read "module(+offset)"; `addr2line -f -e MODULE OFFSET`
         * names our own functions (GTK's exported ones are named here). */
        void *frames[48];
        int n_frames = backtrace (frames, G_N_ELEMENTS (frames));

        g_printerr ("soak: the stack at the message:\n");
        backtrace_symbols_fd (frames, n_frames, STDERR_FILENO);
      }
#endif
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
test_soak (void)
{
  g_autofree char *card_ca = kouan_card_fixture_file ("card-ca.pem");
  const char *args[] = { "--demo", "--card-ca", card_ca, NULL };
  g_autofree char *no_card = kouan_card_fixture_check_requirements ();
  const char *seed_env = g_getenv ("KOUAN_SOAK_SEED");
  const char *seconds_env = g_getenv ("KOUAN_SOAK_SECONDS");
  guint32 seed = seed_env != NULL ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  guint seconds = seconds_env != NULL ? (guint) g_ascii_strtoull (seconds_env, NULL, 10) : DEFAULT_SECONDS;
  guint warm_up = MIN (60, seconds / 3);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr(KouanClient) client = NULL;
  g_autoptr(KouanStore) store = NULL;
  KouanSession *login = NULL;
  gint64 start, warm_until, end;
  gsize warm_heap = 0, end_heap;
  gsize warm_rss = 0, end_rss, rss_bound;
  guint steps = 0;

  /* first, so a failure of any kind can be replayed */
  g_printerr ("soak: KOUAN_SOAK_SEED=%u KOUAN_SOAK_SECONDS=%u\n", seed, seconds);
  xdotool = g_getenv ("KOUAN_SOAK_XDOTOOL");
  if (xdotool == NULL || *xdotool == '\0')
    {
      xdotool = NULL;
      g_printerr ("soak: no xdotool (KOUAN_SOAK_XDOTOOL): the walk presses no keys\n");
    }
  g_test_message ("KOUAN_SOAK_SEED=%u", seed);
  rand_ = g_rand_new_with_seed (seed);
  trace = g_string_new ("start");

  /* the card first: the client library reads where pcscd listens once
   * per process, before the window's card monitor starts */
  if (no_card == NULL)
    {
      card = kouan_card_fixture_new (&error);
      g_assert_no_error (error);
      /* the holder fixture, PIN 123456: the walk types other PINs too */
      kouan_card_fixture_start_card (card, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (kouan_card_fixture_wait_card (card, TRUE));
      card_in = TRUE;
    }
  else
    g_printerr ("soak: %s: the walk inserts and removes no card\n", no_card);

  server = kouan_test_server_start (args);
  tmpdir = g_dir_make_tmp ("kouan-soak-XXXXXX", &error);
  g_assert_no_error (error);
  app = GTK_APPLICATION (kouan_application_new ());
  g_application_set_application_id (G_APPLICATION (app), "io.github.kouan.Kouan.TestSoak");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (client, "demo-admin", PASSWORD, NULL, login_cb, &login);
  while (login == NULL)
    g_main_context_iteration (NULL, TRUE);
  user_id = login->user_id;
  enterprise_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  enterprise_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < login->enterprises->len; i++)
    {
      KouanEnterprise *enterprise = g_ptr_array_index (login->enterprises, i);
      gint64 id = kouan_enterprise_get_id (enterprise);

      g_array_append_val (enterprise_ids, id);
      g_ptr_array_add (enterprise_names, g_strdup (kouan_enterprise_get_name (enterprise)));
    }
  g_assert_cmpuint (enterprise_ids->len, >, 1);
  token = kouan_test_login (server, "demo-admin", PASSWORD);

  store_path = g_build_filename (tmpdir, "soak.db", NULL);
  store = kouan_store_open (store_path, &error);
  g_assert_no_error (error);
  /* what the login window keeps with the account's cache before the
   * window opens (kouan-login-window.c) */
  g_assert_true (kouan_store_save_enterprises (store, login->enterprises, &error));
  g_assert_no_error (error);
  window = kouan_window_new (app, client, store, login);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  spin (500);

  start = g_get_monotonic_time ();
  warm_until = start + (gint64) warm_up * G_USEC_PER_SEC;
  end = start + (gint64) seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      step ();
      steps++;
      /* let the action take effect: answers, pushes, animations */
      spin (g_rand_int_range (rand_, 5, 120));
      /* the walk must never end the session or the app (is_excluded) */
      if (window == NULL)
        g_error ("the main window is gone after: %s", trace->str);
      find_hidden_focus (GTK_WIDGET (window));
      if (warm_heap == 0 && g_get_monotonic_time () >= warm_until)
        {
          warm_heap = heap_in_use ();
          warm_rss = resident_memory ();
          g_printerr ("soak: %u steps, after %u s: heap in use %zu bytes, resident %zu bytes\n",
                      steps, warm_up, warm_heap, warm_rss);
        }
      if (steps % 200 == 0)
        g_printerr ("soak: %u steps, heap in use %zu, resident %zu, last: %s\n",
                    steps, heap_in_use (), resident_memory (), trace->str);
    }
  if (offline_steps > 0)
    kouan_test_server_restart (server);

  /* the window's own work ends before memory is measured */
  spin (1000);
  end_heap = heap_in_use ();
  end_rss = resident_memory ();
  rss_bound = (gsize) (warm_rss * RESIDENT_FACTOR) + RESIDENT_SLACK +
              (__sanitizer_get_current_allocated_bytes != NULL ? ASAN_QUARANTINE : 0);
  g_printerr ("soak: %u steps, seed %u, heap in use %zu bytes at the end (after %u s: %zu, bound %zu)\n",
              steps, seed, end_heap, warm_up, warm_heap, (gsize) (warm_heap * MEMORY_FACTOR) + MEMORY_SLACK);
  g_printerr ("soak: resident %zu bytes at the end (after %u s: %zu, bound %zu)\n",
              end_rss, warm_up, warm_rss, rss_bound);
  g_assert_cmpuint (end_heap, <=, (gsize) (warm_heap * MEMORY_FACTOR) + MEMORY_SLACK);
  g_assert_cmpuint (warm_rss, >, 0);
  g_assert_cmpuint (end_rss, <=, rss_bound);

  /* hidden, not destroyed: answers in flight must not reach disposed views */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  spin (200);
  g_free (token);
  g_array_unref (enterprise_ids);
  g_ptr_array_unref (enterprise_names);
  g_string_free (trace, TRUE);
  trace = NULL;
  for (guint i = 0; i < RECENT; i++)
    g_clear_pointer (&recent[i], g_free);
  g_rand_free (rand_);
  g_clear_pointer (&card, kouan_card_fixture_free);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/soak/random-walk", test_soak);

  status = g_test_run ();
  g_clear_object (&app);
  g_clear_pointer (&server, kouan_test_server_free);
  return status;
}
