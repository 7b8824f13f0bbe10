/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 13, adaptive: the real main window against a real `kouan-server
 * --demo`, 600×800 and then half a 1 366×768 screen, with every area in
 * it. In each main area and page (首页, 通知, 预警, the four pages of the
 * personal center, the five of 信用保险, 企业设置, 业务设置, 企业风采设置)
 * the window needs no more than its width, and nothing shown reaches past
 * its right edge. With KOUAN_SHOT_DIR set, each is saved there as
 * narrow-AREA-PAGE-WIDTH.png. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "kouan-application.h"
#include "kouan-client.h"
#include "kouan-store.h"
#include "kouan-test-server.h"
#include "kouan-window.h"
#include "kouan-window-private.h"
#include "admin/kouan-admin-view.h"
#include "insurance/kouan-insurance-view.h"
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
  /* the surface is that wide; the window's frame takes a few pixels */
  return ABS (gtk_widget_get_width (GTK_WIDGET (fixture.window)) - GPOINTER_TO_INT (user_data)) <= 16;
}

static gboolean
admin_page_available (gpointer user_data)
{
  KouanAdminView *admin = KOUAN_ADMIN_VIEW (_kouan_window_get_area_page (fixture.window, "admin"));

  return kouan_admin_view_allows (admin, user_data);
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
  fixture.tmpdir = g_dir_make_tmp ("kouan-ui-narrow-XXXXXX", &error);
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
  g_application_set_application_id (G_APPLICATION (fixture.app), "io.github.kouan.Kouan.TestNarrow");
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (fixture.app), NULL, &error);
  g_assert_no_error (error);

  fixture.window = kouan_window_new (fixture.app, fixture.client, fixture.store, fixture.session);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 600, 800);
  gtk_window_present (GTK_WINDOW (fixture.window));
  kouan_window_set_enterprise_id (fixture.window, 1);
  g_assert_true (kouan_test_wait_until (window_width_is, GINT_TO_POINTER (600)));
  /* the admin pages appear with the member's permissions (first sync) */
  g_assert_true (kouan_test_wait_until (admin_page_available, (gpointer) "admin.enterprise:view"));
}

/* With KOUAN_SHOT_DIR set, the window goes to
 * $KOUAN_SHOT_DIR/narrow-@name-WIDTH.png. */
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
  file = g_strdup_printf ("narrow-%s-%d.png", name, width);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* Nothing shown reaches past the window's right edge. What an ancestor
 * that clips (@clip: a carousel, a leaflet, a viewport) keeps entirely
 * out of view is not shown; what is partly in view must fit, so content
 * that would scroll sideways fails. */
static void
assert_within (GtkWidget             *widget,
               int                    width,
               const graphene_rect_t *clip,
               const char            *where)
{
  graphene_rect_t bounds, inner;

  if (!gtk_widget_get_mapped (widget) || !gtk_widget_get_child_visible (widget))
    return;
  /* a squeezer shows one child, the one that fits (a view switcher gives
   * way to the title) */
  if (ADW_IS_SQUEEZER (gtk_widget_get_parent (widget)) &&
      adw_squeezer_get_visible_child (ADW_SQUEEZER (gtk_widget_get_parent (widget))) != widget)
    return;
  /* a stack shows its visible child (the previous one may still fade) */
  if (GTK_IS_STACK (gtk_widget_get_parent (widget)) &&
      gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (widget))) != widget)
    return;
  /* a folded leaflet shows one pane (the other may still slide away) */
  if (ADW_IS_LEAFLET (gtk_widget_get_parent (widget)) &&
      adw_leaflet_get_folded (ADW_LEAFLET (gtk_widget_get_parent (widget))) &&
      adw_leaflet_get_visible_child (ADW_LEAFLET (gtk_widget_get_parent (widget))) != widget)
    return;
  if (!gtk_widget_compute_bounds (widget, GTK_WIDGET (fixture.window), &bounds))
    return;
  /* entirely clipped away by an ancestor: a carousel's other slides, a
   * leaflet's folded-away pane */
  if (bounds.size.width >= 1 && !graphene_rect_intersection (&bounds, clip, NULL))
    return;
  if (bounds.origin.x >= width || bounds.origin.x + bounds.size.width <= 0)
    return;
  inner = *clip;
  if (gtk_widget_get_overflow (widget) == GTK_OVERFLOW_HIDDEN)
    graphene_rect_intersection (clip, &bounds, &inner);
  if (bounds.size.width >= 1 && bounds.origin.x + bounds.size.width > width + 1)
    {
      g_autoptr(GString) path = g_string_new (NULL);

      for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
        g_string_prepend (path, G_OBJECT_TYPE_NAME (w)), g_string_prepend (path, " > ");
      save_shot (where);
      g_error ("%s: a %s (%s) from %.0f px to %.0f px in a window %d px wide: %s",
               where, G_OBJECT_TYPE_NAME (widget),
               GTK_IS_LABEL (widget) ? gtk_label_get_label (GTK_LABEL (widget))
                                     : gtk_widget_get_name (widget),
               bounds.origin.x, bounds.origin.x + bounds.size.width, width, path->str);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_within (child, width, &inner, where);
}

/* The window, as it is now, is no wider than @width and needs no more. */
static void
check (const char *name,
       int         width)
{
  GtkWidget *window = GTK_WIDGET (fixture.window);
  int minimum, natural;

  kouan_test_spin (300);
  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_test_message ("%s at %d px: the window needs %d px", name, width, minimum);
  if (minimum > width)
    g_error ("%s: the window needs %d px, more than %d px", name, minimum, width);
  g_assert_true (window_width_is (GINT_TO_POINTER (width)));
  {
    graphene_rect_t bounds;
    int right;

    /* the window's own box (its frame or shadow included) */
    g_assert_true (gtk_widget_compute_bounds (window, window, &bounds));
    right = (int) (bounds.origin.x + bounds.size.width);
    for (GtkWidget *child = gtk_widget_get_first_child (window); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      assert_within (child, right, &bounds, name);
  }
  save_shot (name);
}

/* Every area and page at @width × @height. */
static void
walk_areas (int width,
            int height)
{
  static const char *const personal_pages[] = { "profile", "account", "enterprises", "preferences" };
  static const char *const insurance_pages[] = { "home", "policies", "claims", "subscriptions", "risk" };
  static const char *const admin_pages[] = { "admin.enterprise", "admin.business", "admin.showcase" };
  KouanPersonalPage *personal = KOUAN_PERSONAL_PAGE (_kouan_window_get_area_page (fixture.window, "personal"));
  KouanInsuranceView *insurance = KOUAN_INSURANCE_VIEW (_kouan_window_get_area_page (fixture.window, "insurance"));
  KouanAdminView *admin = KOUAN_ADMIN_VIEW (_kouan_window_get_area_page (fixture.window, "admin"));

  gtk_window_set_default_size (GTK_WINDOW (fixture.window), width, height);
  g_assert_true (kouan_test_wait_until (window_width_is, GINT_TO_POINTER (width)));

  kouan_window_show_area (fixture.window, "home");
  check ("home", width);
  kouan_window_show_area (fixture.window, "notices");
  check ("notices", width);
  kouan_window_show_area (fixture.window, "warnings");
  check ("warnings", width);

  kouan_window_show_area (fixture.window, "personal");
  for (guint i = 0; i < G_N_ELEMENTS (personal_pages); i++)
    {
      g_autofree char *name = g_strconcat ("personal-", personal_pages[i], NULL);

      _kouan_personal_page_show (personal, personal_pages[i]);
      check (name, width);
    }

  kouan_window_show_area (fixture.window, "insurance");
  for (guint i = 0; i < G_N_ELEMENTS (insurance_pages); i++)
    {
      g_autofree char *name = g_strconcat ("insurance-", insurance_pages[i], NULL);

      kouan_insurance_view_show_page (insurance, insurance_pages[i]);
      check (name, width);
    }

  kouan_window_show_area (fixture.window, "admin");
  for (guint i = 0; i < G_N_ELEMENTS (admin_pages); i++)
    {
      kouan_admin_view_show_page (admin, admin_pages[i]);
      g_assert_cmpstr (kouan_admin_view_get_visible_menu (admin), ==, admin_pages[i]);
      check (admin_pages[i], width);
    }
}

static void
test_600 (void)
{
  ensure_window ();
  walk_areas (600, 800);
}

/* half a 1 366×768 screen */
static void
test_half_screen (void)
{
  ensure_window ();
  walk_areas (683, 768);
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

  g_test_add_func ("/ui/narrow/600x800", test_600);
  g_test_add_func ("/ui/narrow/683x768", test_half_screen);

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
