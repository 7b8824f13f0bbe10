/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 13, keyboard: the real main window against a real `kouan-server
 * --demo`. On each form — 个人资料, 账号管理, 申报偏好 in the personal
 * center, 企业信息设置 and 业务设置 in the administrator center — moving
 * the focus forward (Tab, gtk_widget_child_focus (…, GTK_DIR_TAB_FORWARD)
 * on the window) never stays on one widget, and the round it goes holds
 * the sidebars (when shown) and every editable control of the form
 * (entries, switches, combo rows, spin buttons) in reading order, then
 * the form's Save; it never changes the area or the page, however many
 * sidebar rows it crosses. At 1 280 px (sidebars shown) and 600 px
 * (folded). With KOUAN_SHOT_DIR set, each form is saved there as
 * tab-PAGE-WIDTH.png; with KOUAN_TAB_TRACE, every stop is logged.
 * Every Save sits at the end of a bar with Revert at its start, and
 * Revert puts back what was there and leaves nothing to save. A switch
 * row is one stop (as AdwSwitchRow, libadwaita 1.4): the row, which
 * flips its switch when activated and says whether it is on; the switch
 * itself is no stop of its own and keeps its name. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-store.h"
#include "kouan-test-server.h"
#include "kouan-window.h"
#include "kouan-window-private.h"
#include "admin/kouan-admin-view.h"
#include "personal/kouan-personal-page.h"

static struct {
  KouanTestServer *server;
  char            *tmpdir;
  GtkApplication  *app;
  KouanClient     *client;
  KouanStore      *store;
  KouanWindow     *window;
  KouanSession    *session;
} fixture;

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

static gboolean
pointer_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static gboolean
window_width_is (gpointer user_data)
{
  return ABS (gtk_widget_get_width (GTK_WIDGET (fixture.window)) - GPOINTER_TO_INT (user_data)) <= 16;
}

static gboolean
admin_page_available (gpointer user_data)
{
  KouanAdminView *admin = KOUAN_ADMIN_VIEW (_kouan_window_get_area_page (fixture.window, "admin"));

  return kouan_admin_view_allows (admin, user_data);
}

static gboolean
personal_synced (gpointer user_data)
{
  KouanPersonalPage *personal = user_data;

  /* the profile's form replaces its "not synced yet" page */
  return g_strcmp0 (_kouan_personal_page_get_profile_status (personal),
                    _("Your profile has not been synced yet.")) != 0;
}

static void
ensure_window (void)
{
  const char *server_args[] = { "--demo", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;

  if (fixture.window != NULL)
    return;

  fixture.server = kouan_test_server_start (server_args);
  fixture.tmpdir = g_dir_make_tmp ("kouan-ui-tab-XXXXXX", &error);
  g_assert_no_error (error);
  fixture.client = kouan_client_new (kouan_test_server_get_url (fixture.server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (fixture.client, "demo-admin", "kouan-demo", NULL, login_cb, &fixture.session);
  g_assert_true (kouan_test_wait_until (pointer_set, &fixture.session));

  store_path = g_build_filename (fixture.tmpdir, "store.db", NULL);
  fixture.store = kouan_store_open (store_path, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_save_enterprises (fixture.store, fixture.session->enterprises, &error));

  fixture.app = GTK_APPLICATION (kouan_application_new ());
  g_application_set_application_id (G_APPLICATION (fixture.app), "io.github.kouan.Kouan.TestTabOrder");
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture.app), NULL, &error);
  g_assert_no_error (error);

  fixture.window = kouan_window_new (fixture.app, fixture.client, fixture.store, fixture.session);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture.window));
  kouan_window_set_enterprise_id (fixture.window, 1);
  g_assert_true (kouan_test_wait_until (window_width_is, GINT_TO_POINTER (1280)));
  /* the admin pages appear with the member's permissions (first sync) */
  g_assert_true (kouan_test_wait_until (admin_page_available, (gpointer) "admin.enterprise:view"));
}

/* With KOUAN_SHOT_DIR set, the window goes to
 * $KOUAN_SHOT_DIR/tab-@name.png. */
static void
save_shot (const char *name)
{
  GtkWidget *window = GTK_WIDGET (fixture.window);
  const char *dir = g_getenv ("KOUAN_SHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  if (dir == NULL)
    return;
  kouan_test_spin (400);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("tab-%s.png", name);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* ---- the form's controls ---------------------------------------------- */

/* What a user edits: the text of an entry, entry row or spin button, a
 * switch, a combo row, a check button, a drop-down. */
static gboolean
is_editable_control (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget))
    return gtk_editable_get_editable (GTK_EDITABLE (widget));
  return GTK_IS_SWITCH (widget) || ADW_IS_COMBO_ROW (widget) ||
         GTK_IS_CHECK_BUTTON (widget) || GTK_IS_DROP_DOWN (widget);
}

/* Shown: mapped, and every stack on the way shows it. */
static gboolean
is_shown (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      GtkWidget *parent = gtk_widget_get_parent (w);

      if (!gtk_widget_get_child_visible (w))
        return FALSE;
      if (parent != NULL && GTK_IS_STACK (parent) && gtk_stack_get_visible_child (GTK_STACK (parent)) != w)
        return FALSE;
    }
  return TRUE;
}

static void
collect_controls (GtkWidget *widget,
                  GPtrArray *controls)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;
  if (GTK_IS_STACK (gtk_widget_get_parent (widget)) &&
      gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (widget))) != widget)
    return;
  if (is_editable_control (widget) && gtk_widget_is_sensitive (widget) && is_shown (widget))
    g_ptr_array_add (controls, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_controls (child, controls);
}

static char *
describe (GtkWidget *widget)
{
  g_autoptr(GString) text = g_string_new (G_OBJECT_TYPE_NAME (widget));

  if (widget == NULL)
    return g_strdup ("(nothing)");
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (ADW_IS_PREFERENCES_ROW (w))
      {
        g_string_append_printf (text, " in the row “%s”",
                                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)));
        break;
      }
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    g_string_append_printf (text, " “%s”", gtk_button_get_label (GTK_BUTTON (widget)));
  if (gtk_widget_get_name (widget) != NULL && gtk_widget_get_name (widget)[0] != '\0')
    g_string_append_printf (text, " (%s)", gtk_widget_get_name (widget));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The row a switch is the activatable widget of (NULL: none) */
static GtkWidget *
switch_row (GtkWidget *toggle)
{
  GtkWidget *row = gtk_widget_get_ancestor (toggle, ADW_TYPE_ACTION_ROW);

  if (row == NULL || adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)) != toggle)
    return NULL;
  return row;
}

/* The focus is on @control, or on what stands for it (a switch's row). */
static gboolean
focus_is (GtkWidget *focus,
          GtkWidget *control)
{
  if (GTK_IS_SWITCH (control) && switch_row (control) != NULL)
    return focus == switch_row (control);
  return focus == control;
}

/* The stop of @cycle that is @control (see focus_is()). */
static gboolean
cycle_find (GPtrArray *cycle,
            GtkWidget *control,
            guint     *index)
{
  for (guint i = 0; i < cycle->len; i++)
    if (focus_is (g_ptr_array_index (cycle, i), control))
      {
        if (index != NULL)
          *index = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
switch_on (gpointer user_data)
{
  return gtk_switch_get_active (user_data);
}

static gboolean
switch_off (gpointer user_data)
{
  return !gtk_switch_get_active (user_data);
}

/* Every switch of @controls sits in a row that is its one stop: the
 * switch takes no focus of its own, is named, and the row flips it and
 * says whether it is on. The last switch is flipped from its row and
 * back (so nothing stays changed). */
static void
check_switch_rows (GPtrArray  *controls,
                   GPtrArray  *cycle,
                   const char *name)
{
  GtkWidget *last = NULL;

  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *toggle = g_ptr_array_index (controls, i);
      GtkWidget *row;
      g_autofree char *what = NULL;

      if (!GTK_IS_SWITCH (toggle))
        continue;
      what = describe (toggle);
      row = switch_row (toggle);
      if (row == NULL)
        g_error ("%s: %s is not the activatable widget of its row", name, what);
      if (g_ptr_array_find (cycle, toggle, NULL) || gtk_widget_get_can_focus (toggle))
        g_error ("%s: %s is a Tab stop of its own besides its row", name, what);
      if (!gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)))
        g_error ("%s: the row of %s cannot be activated", name, what);
      if (!gtk_test_accessible_has_relation (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_RELATION_LABELLED_BY) &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("%s: %s has no accessible name", name, what);
      g_assert_null (gtk_test_accessible_check_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_CHECKED,
                                                      gtk_switch_get_active (GTK_SWITCH (toggle))));
      last = toggle;
    }
  if (last != NULL)
    for (guint flip = 0; flip < 2; flip++)
      {
        gboolean was = gtk_switch_get_active (GTK_SWITCH (last));

        /* as Enter or Space on the focused row; the switch flips at
         * the end of its slide */
        g_assert_true (gtk_widget_activate (switch_row (last)));
        g_assert_true (kouan_test_wait_until (was ? switch_off : switch_on, last));
        g_assert_null (gtk_test_accessible_check_state (GTK_ACCESSIBLE (switch_row (last)),
                                                        GTK_ACCESSIBLE_STATE_CHECKED, !was));
      }
}

/* ---- the walk ----------------------------------------------------------- */

typedef struct {
  const char *area;          /* the window's area */
  const char *personal;      /* (nullable) the personal center page */
  const char *admin;         /* (nullable) the administrator center page */
} Where;

static GtkWidget *
page_widget (const Where *where)
{
  GtkWidget *area = _kouan_window_get_area_page (fixture.window, where->area);

  if (where->admin != NULL)
    return kouan_admin_view_get_page (KOUAN_ADMIN_VIEW (area), where->admin);
  return area;
}

/* No stack in @widget is between two pages (a crossfade shows both). */
static gboolean
settled (gpointer user_data)
{
  GtkWidget *widget = user_data;

  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!settled (child))
      return FALSE;
  return TRUE;
}

static void
show (const Where *where)
{
  GtkWidget *area = _kouan_window_get_area_page (fixture.window, where->area);

  kouan_window_show_area (fixture.window, where->area);
  if (where->personal != NULL)
    _kouan_personal_page_show (KOUAN_PERSONAL_PAGE (area), where->personal);
  if (where->admin != NULL)
    kouan_admin_view_show_page (KOUAN_ADMIN_VIEW (area), where->admin);
  kouan_test_spin (300);
  g_assert_true (kouan_test_wait_until (settled, fixture.window));
}

static void
assert_still_there (const Where *where,
                    const char  *when)
{
  GtkWidget *area = _kouan_window_get_area_page (fixture.window, where->area);

  if (g_strcmp0 (_kouan_window_get_visible_area (fixture.window), where->area) != 0)
    g_error ("%s: the area changed to %s", when, _kouan_window_get_visible_area (fixture.window));
  if (where->personal != NULL &&
      g_strcmp0 (_kouan_personal_page_get_visible_page (KOUAN_PERSONAL_PAGE (area)), where->personal) != 0)
    g_error ("%s: the personal center page changed to %s", when,
             _kouan_personal_page_get_visible_page (KOUAN_PERSONAL_PAGE (area)));
  if (where->admin != NULL &&
      g_strcmp0 (kouan_admin_view_get_visible_menu (KOUAN_ADMIN_VIEW (area)), where->admin) != 0)
    g_error ("%s: the administrator center page changed to %s", when,
             kouan_admin_view_get_visible_menu (KOUAN_ADMIN_VIEW (area)));
}

/* @b comes before @a in reading order: wholly above it, or beside it and
 * to its left. Bounds are taken with the page scrolled to the top. */
static gboolean
reads_before (const graphene_rect_t *b,
              const graphene_rect_t *a)
{
  if (b->origin.y + b->size.height <= a->origin.y + 0.5)
    return TRUE;
  if (a->origin.y + a->size.height <= b->origin.y + 0.5)
    return FALSE;
  return b->origin.x + b->size.width <= a->origin.x + 0.5;
}

/* The tab cycle the focus falls into from where it is: Tab until a
 * widget comes again; the cycle is what lies from its first visit to the
 * second (a list box enters at its last focused row, so the first stop
 * need not come again). Returns the focus widgets in order, each once. */
static GPtrArray *
tab_round (const Where *where,
           const char  *name)
{
  GtkWidget *window = GTK_WIDGET (fixture.window);
  g_autoptr(GPtrArray) visits = g_ptr_array_new ();
  GPtrArray *cycle;
  guint index;

  g_assert_nonnull (gtk_root_get_focus (GTK_ROOT (window)));
  g_ptr_array_add (visits, gtk_root_get_focus (GTK_ROOT (window)));
  for (guint step = 0;; step++)
    {
      GtkWidget *focus;

      if (step > 400)
        g_error ("%s: no widget comes again in 400 steps of Tab", name);
      gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD);
      if (g_getenv ("KOUAN_TAB_TRACE") != NULL)
        {
          g_autofree char *what = describe (gtk_root_get_focus (GTK_ROOT (window)));

          g_test_message ("%s: (at once: %s)", name, what);
        }
      /* what the window does after a focus move (scroll, the focus-on-
       * screen check) has run */
      kouan_test_spin (20);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (focus == NULL)
        g_error ("%s: Tab after %s left nothing focused", name,
                 describe (g_ptr_array_index (visits, visits->len - 1)));
      if (g_getenv ("KOUAN_TAB_TRACE") != NULL)
        {
          g_autofree char *what = describe (focus);

          g_test_message ("%s: Tab to %s", name, what);
        }
      if (focus == g_ptr_array_index (visits, visits->len - 1))
        g_error ("%s: Tab stays on %s", name, describe (focus));
      {
        g_autofree char *what = describe (focus);
        g_autofree char *when = g_strdup_printf ("%s: Tab to %s", name, what);

        assert_still_there (where, when);
      }
      if (g_ptr_array_find (visits, focus, &index))
        break;
      g_ptr_array_add (visits, focus);
    }
  cycle = g_ptr_array_new ();
  for (guint i = index; i < visits->len; i++)
    g_ptr_array_add (cycle, g_ptr_array_index (visits, i));
  return cycle;
}

static GtkWidget *find_action_button (GtkWidget  *widget,
                                      const char *action);

/* The button of @bar whose action ends in ".revert". */
static GtkWidget *
find_revert (GtkWidget *widget)
{
  const char *action = GTK_IS_BUTTON (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;

  if (action != NULL && g_str_has_suffix (action, ".revert"))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_revert (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
insensitive (gpointer user_data)
{
  return !gtk_widget_is_sensitive (user_data);
}

static AdwMessageDialog *
find_discard_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
reverted_or_asked (gpointer user_data)
{
  return !gtk_widget_is_sensitive (user_data) || find_discard_dialog () != NULL;
}

/* Every control's row (else the control) has its height. */
static gboolean
laid_out (gpointer user_data)
{
  GPtrArray *controls = user_data;

  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *control = g_ptr_array_index (controls, i);
      GtkWidget *row = gtk_widget_get_ancestor (control, ADW_TYPE_PREFERENCES_ROW);

      if (gtk_widget_get_height (row != NULL ? row : control) < 20)
        return FALSE;
    }
  return TRUE;
}

/* A change in the form's first text or number, so Save is enabled (Tab
 * passes a disabled button); Revert undoes it. */
typedef struct {
  GtkWidget *text;
  char      *old_text;
  GtkWidget *spin;
  double     old_value;
} Poke;

static void
poke (GPtrArray *controls,
      Poke      *out)
{
  memset (out, 0, sizeof *out);
  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *control = g_ptr_array_index (controls, i);
      GtkWidget *spin = gtk_widget_get_ancestor (control, GTK_TYPE_SPIN_BUTTON);

      if (spin != NULL)
        {
          out->spin = spin;
          out->old_value = gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin));
          gtk_spin_button_spin (GTK_SPIN_BUTTON (spin), GTK_SPIN_STEP_FORWARD, 1);
          return;
        }
      if (GTK_IS_TEXT (control))
        {
          g_autofree char *text = NULL;
          GtkWidget *editable = gtk_widget_get_ancestor (control, ADW_TYPE_ENTRY_ROW);

          out->text = editable != NULL ? editable : control;
          out->old_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (out->text)));
          text = g_strconcat (out->old_text, "1", NULL);
          gtk_editable_set_text (GTK_EDITABLE (out->text), text);
          return;
        }
    }
}

/* What poke() changed is back as it was. */
static void
assert_unpoked (Poke *poke)
{
  if (poke->spin != NULL)
    g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (poke->spin)), ==, poke->old_value);
  if (poke->text != NULL)
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (poke->text)), ==, poke->old_text);
  g_clear_pointer (&poke->old_text, g_free);
}

static void
check_form (const Where *where,
            GtkWidget   *start,
            GtkWidget   *save,
            guint        min_controls,
            int          width)
{
  const char *page = where->personal != NULL ? where->personal
                   : where->admin != NULL ? where->admin : where->area;
  g_autofree char *name = g_strdup_printf ("%s at %d px", page, width);
  g_autofree char *shot = g_strdup_printf ("%s-%d", page, width);
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GPtrArray) cycle = NULL;
  g_autofree graphene_rect_t *bounds = NULL;
  GtkWidget *window = GTK_WIDGET (fixture.window);
  guint sidebar_rows = 0;
  guint top = 0, offset = 0, last_index = 0;
  int previous = -1;
  Poke changed = { 0 };
  GtkWidget *bar, *revert;

  collect_controls (page_widget (where), controls);
  g_test_message ("%s: %u editable controls", name, controls->len);
  g_assert_cmpuint (controls->len, >=, min_controls);
  /* laid out (a page just shown may not be yet) */
  g_assert_true (kouan_test_wait_until (laid_out, controls));
  bounds = g_new0 (graphene_rect_t, controls->len);
  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *control = g_ptr_array_index (controls, i);
      GtkWidget *row = gtk_widget_get_ancestor (control, ADW_TYPE_PREFERENCES_ROW);
      graphene_rect_t row_bounds;

      /* across from the control, down from its row (an empty entry
       * row's text has no height until it is focused) */
      g_assert_true (gtk_widget_compute_bounds (control, window, &bounds[i]));
      if (row != NULL && row != control)
        {
          g_assert_true (gtk_widget_compute_bounds (row, window, &row_bounds));
          bounds[i].origin.y = row_bounds.origin.y;
          bounds[i].size.height = row_bounds.size.height;
        }
    }
  save_shot (shot);

  if (save != NULL)
    {
      poke (controls, &changed);
      kouan_test_spin (50);
      g_assert_true (gtk_widget_is_sensitive (save));
    }
  g_assert_true (gtk_widget_grab_focus (start));
  cycle = tab_round (where, name);

  /* every control, in reading order, from the one that reads first */
  for (guint i = 0; i < controls->len; i++)
    if (!cycle_find (cycle, g_ptr_array_index (controls, i), NULL))
      {
        g_autofree char *what = describe (g_ptr_array_index (controls, i));

        g_error ("%s: Tab never reaches %s", name, what);
      }
  for (guint i = 1; i < controls->len; i++)
    if (reads_before (&bounds[i], &bounds[top]))
      top = i;
  g_assert_true (cycle_find (cycle, g_ptr_array_index (controls, top), &offset));
  if (g_getenv ("KOUAN_TAB_TRACE") != NULL)
    for (guint i = 0; i < controls->len; i++)
      {
        g_autofree char *what = describe (g_ptr_array_index (controls, i));

        g_test_message ("%s: %s at %.0f,%.0f %.0f×%.0f%s", name, what, bounds[i].origin.x, bounds[i].origin.y,
                        bounds[i].size.width, bounds[i].size.height, i == top ? " (first)" : "");
      }
  for (guint n = 0; n < cycle->len; n++)
    {
      guint c = (n + offset) % cycle->len;
      GtkWidget *focus = g_ptr_array_index (cycle, c);

      if (GTK_IS_LIST_BOX_ROW (focus) && gtk_widget_has_css_class (gtk_widget_get_parent (focus), "navigation-sidebar"))
        sidebar_rows++;
      for (guint i = 0; i < controls->len; i++)
        if (focus_is (focus, g_ptr_array_index (controls, i)))
          {
            if (previous >= 0 && reads_before (&bounds[i], &bounds[previous]))
              {
                g_autofree char *now = describe (focus);
                g_autofree char *before = describe (g_ptr_array_index (controls, previous));

                g_error ("%s: Tab reaches %s after %s, which reads after it", name, now, before);
              }
            previous = (int) i;
            last_index = n;
          }
    }
  /* then Save */
  if (save != NULL)
    {
      guint save_index;

      if (!g_ptr_array_find (cycle, save, &save_index))
        g_error ("%s: Tab never reaches Save", name);
      if ((save_index + cycle->len - offset) % cycle->len < last_index)
        g_error ("%s: Tab reaches Save before the last field", name);
      /* the same bar everywhere: Revert at its start, Save at its end;
       * Revert puts back what was there and leaves nothing to save */
      bar = gtk_widget_get_ancestor (save, GTK_TYPE_ACTION_BAR);
      g_assert_nonnull (bar);
      revert = find_revert (bar);
      g_assert_nonnull (revert);
      g_assert_true (gtk_widget_is_sensitive (revert));
      /* a button clicks when its press has been seen */
      gtk_widget_activate (revert);
      g_assert_true (kouan_test_wait_until (reverted_or_asked, save));
      /* 企业信息设置 asks first, the button named for what it does */
      if (gtk_widget_is_sensitive (save))
        {
          AdwMessageDialog *dialog = find_discard_dialog ();

          g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
          adw_message_dialog_response (dialog, "discard");
          gtk_window_destroy (GTK_WINDOW (dialog));
          g_assert_true (kouan_test_wait_until (insensitive, save));
        }
      assert_unpoked (&changed);
      g_assert_false (gtk_widget_is_sensitive (revert));
    }

  check_switch_rows (controls, cycle, name);

  /* the sidebars were crossed (when shown) without leaving the page */
  if (width >= 1000)
    g_assert_cmpuint (sidebar_rows, >=, 2);
  g_test_message ("%s: %u focus stops, %u sidebar rows, the last control at stop %u",
                  name, cycle->len, sidebar_rows, last_index);
  assert_still_there (where, name);
}

/* The save button of the admin page @page: its action is PREFIX.save. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first widget the focus can take in @widget (where Tab starts). */
static GtkWidget *
first_focus (GtkWidget *widget)
{
  gtk_window_set_focus (GTK_WINDOW (fixture.window), NULL);
  gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);
  return gtk_root_get_focus (GTK_ROOT (fixture.window));
}

static void
walk (int width)
{
  static const Where personal_forms[] = {
    { "personal", "profile", NULL },
    { "personal", "account", NULL },
    { "personal", "preferences", NULL },
  };
  static const Where admin_forms[] = {
    { "admin", NULL, "admin.enterprise" },
    { "admin", NULL, "admin.business" },
  };
  /* at least: name, gender; phone, e-mail; the switches; 11 fields; the
   * switches and the time */
  static const guint personal_min[] = { 2, 2, 1 };
  static const guint admin_min[] = { 11, 3 };
  KouanPersonalPage *personal = KOUAN_PERSONAL_PAGE (_kouan_window_get_area_page (fixture.window, "personal"));
  KouanAdminView *admin = KOUAN_ADMIN_VIEW (_kouan_window_get_area_page (fixture.window, "admin"));

  gtk_window_set_default_size (GTK_WINDOW (fixture.window), width, 800);
  g_assert_true (kouan_test_wait_until (window_width_is, GINT_TO_POINTER (width)));

  kouan_window_show_area (fixture.window, "personal");
  g_assert_true (kouan_test_wait_until (personal_synced, personal));
  for (guint i = 0; i < G_N_ELEMENTS (personal_forms); i++)
    {
      GtkWidget *row = _kouan_personal_page_get_sidebar_row (personal, personal_forms[i].personal);
      GtkButton *save = _kouan_personal_page_get_profile_save_button (personal);
      GtkWidget *start;

      show (&personal_forms[i]);
      /* from the page's own row in its sidebar, else (folded) from the
       * first stop of the page */
      start = gtk_widget_get_mapped (row) ? row : first_focus (GTK_WIDGET (personal));
      check_form (&personal_forms[i], start,
                  gtk_widget_get_mapped (GTK_WIDGET (save)) ? GTK_WIDGET (save) : NULL,
                  personal_min[i], width);
    }

  for (guint i = 0; i < G_N_ELEMENTS (admin_forms); i++)
    {
      GtkWidget *page = kouan_admin_view_get_page (admin, admin_forms[i].admin);
      g_autofree char *action = g_strconcat (admin_forms[i].admin + strlen ("admin."), ".save", NULL);
      GtkWidget *save = find_action_button (page, action);

      show (&admin_forms[i]);
      g_assert_nonnull (save);
      check_form (&admin_forms[i], first_focus (GTK_WIDGET (admin)), save, admin_min[i], width);
    }
}

static void
test_wide (void)
{
  ensure_window ();
  walk (1280);
}

static void
test_narrow (void)
{
  ensure_window ();
  walk (600);
}

/* Tab on a sidebar row of the window goes to the next row without
 * opening its area (the area opens on activation). */
static void
test_sidebar (void)
{
  GtkWidget *window;
  GtkWidget *focus;

  ensure_window ();
  window = GTK_WIDGET (fixture.window);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1280, 800);
  g_assert_true (kouan_test_wait_until (window_width_is, GINT_TO_POINTER (1280)));
  kouan_window_show_area (fixture.window, "home");
  kouan_test_spin (200);

  /* to the first row of the window's sidebar */
  focus = NULL;
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  for (guint step = 0; step < 50; step++)
    {
      gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD);
      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (GTK_IS_LIST_BOX_ROW (focus) && gtk_widget_has_css_class (gtk_widget_get_parent (focus), "navigation-sidebar"))
        break;
    }
  g_assert_true (GTK_IS_LIST_BOX_ROW (focus));
  for (guint step = 0; step < 8; step++)
    {
      gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD);
      kouan_test_spin (20);
      g_assert_cmpstr (_kouan_window_get_visible_area (fixture.window), ==, "home");
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  /* screenshots in another language (KOUAN_SHOT_DIR, LANGUAGE) */
  if (g_getenv ("KOUAN_LOCALEDIR") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KOUAN_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  g_test_add_func ("/ui/tab-order/sidebar", test_sidebar);
  g_test_add_func ("/ui/tab-order/1280", test_wide);
  g_test_add_func ("/ui/tab-order/600", test_narrow);

  ret = g_test_run ();

  if (fixture.window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture.window));
  g_clear_object (&fixture.app);
  g_clear_object (&fixture.store);
  g_clear_object (&fixture.client);
  g_clear_pointer (&fixture.server, kouan_test_server_free);
  if (fixture.tmpdir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (fixture.tmpdir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (fixture.tmpdir, name, NULL);

          g_unlink (path);
        }
      g_rmdir (fixture.tmpdir);
      g_free (fixture.tmpdir);
    }
  return ret;
}
