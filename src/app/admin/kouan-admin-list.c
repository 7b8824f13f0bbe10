/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-admin-list.h"
#include "kouan-format.h"
#include "kouan-grant-status.h"
#include "kouan-role.h"

typedef struct {
  KouanAdminCellText text;
  gpointer           owner;
} TextCell;

static void
text_cell_free (gpointer  data,
                GClosure *closure)
{
  g_free (data);
}

static void
text_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            TextCell                 *cell)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
text_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           TextCell                 *cell)
{
  g_autofree char *text = cell->text (cell->owner, gtk_list_item_get_item (item));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static GtkColumnViewColumn *
append (GtkColumnView      *view,
        const char         *title,
        GtkListItemFactory *factory,
        gpointer            owner,
        GCompareDataFunc    compare,
        gboolean            expand)
{
  GtkColumnViewColumn *column = gtk_column_view_column_new (title, factory);

  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  if (compare != NULL)
    {
      /* set_sorter takes its own reference */
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (compare, owner, NULL));

      gtk_column_view_column_set_sorter (column, sorter);
    }
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return column;
}

GtkColumnViewColumn *
kouan_admin_list_add_text_column (GtkColumnView     *view,
                                  const char        *title,
                                  KouanAdminCellText text,
                                  gpointer           owner,
                                  GCompareDataFunc   compare,
                                  gboolean           expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  TextCell *cell = g_new0 (TextCell, 1);

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  cell->text = text;
  cell->owner = owner;
  g_signal_connect_data (factory, "setup", G_CALLBACK (text_setup), cell, NULL, 0);
  /* the cell goes with the factory */
  g_signal_connect_data (factory, "bind", G_CALLBACK (text_bind), cell, text_cell_free, 0);
  return append (view, title, factory, owner, compare, expand);
}

GtkColumnViewColumn *
kouan_admin_list_add_column (GtkColumnView    *view,
                             const char       *title,
                             GCallback         setup,
                             GCallback         bind,
                             gpointer          owner,
                             GCompareDataFunc  compare,
                             gboolean          expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);

  g_signal_connect (factory, "setup", setup, owner);
  g_signal_connect (factory, "bind", bind, owner);
  return append (view, title, factory, owner, compare, expand);
}

char *
kouan_admin_grant_period_text (const KouanGrant *grant,
                               const char       *today)
{
  KouanGrantStatus status = kouan_grant_status_for (grant->starts_on, grant->ends_on, today, NULL);
  g_autofree char *from = kouan_format_iso_day (grant->starts_on);
  g_autofree char *until = grant->ends_on != NULL ? kouan_format_iso_day (grant->ends_on) : g_strdup (_("open-ended"));

  /* Translators: a role's period: start date – end date (status) */
  return g_strdup_printf (_("%s – %s (%s)"), from, until, kouan_grant_status_label (status));
}
