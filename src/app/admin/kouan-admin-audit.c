/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-admin-audit.h"
#include "kouan-admin-record.h"
#include "kouan-admin-staff.h"
#include "kouan-json.h"

/* The newest entries matching the filters, up to this many; the count
 * says how many match in all, and narrower filters reach older ones. */
#define PAGE_SIZE 500

struct _KouanAdminAudit
{
  GtkWidget           parent_instance;

  /* widgets */
  GtkWidget          *kind_dropdown;
  GtkWidget          *from_button;
  GtkWidget          *to_button;
  GtkWidget          *query_button;
  GtkWidget          *count_label;
  GtkWidget          *column_view;

  /* owned */
  GListStore         *rows;
  GCancellable       *cancellable;
  guint               busy;

  /* borrowed */
  KouanAdminView     *admin;
};

G_DEFINE_FINAL_TYPE (KouanAdminAudit, kouan_admin_audit, GTK_TYPE_WIDGET)

static const struct {
  const char *prefix;
  const char *label;
} kinds[] = {
  { NULL,            N_("All changes") },
  { "role.",         N_("Roles") },
  { "department.",   N_("Departments") },
  { "grant.",        N_("Role grants") },
  { "member.",       N_("Members") },
  { "join_request.", N_("Join requests") },
  /* recorded by the enterprise settings feature as <collection>.<op> */
  { "enterprise_settings.", N_("Enterprise Settings") },
  { "business_settings.",   N_("Business Settings") },
  { "showcase_",            N_("Enterprise Showcase") },
};

static const struct {
  const char *action;
  const char *label;
} actions[] = {
  { "role.create",          N_("Role created") },
  { "role.update",          N_("Role changed") },
  { "role.delete",          N_("Role deleted") },
  { "department.create",    N_("Department created") },
  { "department.update",    N_("Department changed") },
  { "department.delete",    N_("Department deleted") },
  { "grant.add",            N_("Role granted") },
  { "grant.remove",         N_("Grant removed") },
  { "member.update",        N_("Member changed") },
  { "member.disable",       N_("Member disabled") },
  { "member.enable",        N_("Member enabled") },
  { "member.remove",        N_("Member removed") },
  { "join_request.approve", N_("Join request approved") },
  { "join_request.reject",  N_("Join request rejected") },
};

typedef char *(*CellText) (KouanAdminRecord *record);

static char *
cell_time (KouanAdminRecord *record)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (kouan_admin_record_get_int (record, "created_at"));
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static char *
cell_who (KouanAdminRecord *record)
{
  const char *name = kouan_admin_record_get_string (record, "name");

  return g_strdup (*name != '\0' ? name : kouan_admin_record_get_string (record, "account"));
}

static char *
cell_action (KouanAdminRecord *record)
{
  const char *action = kouan_admin_record_get_string (record, "action");

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_strcmp0 (actions[i].action, action) == 0)
      return g_strdup (_(actions[i].label));
  /* other features' actions ("settings.update", …) as recorded */
  return g_strdup (action);
}

static char *
snapshot_text (JsonObject *entry,
               const char *member)
{
  JsonNode *node = json_object_get_member (entry, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  return kouan_json_to_string (node);
}

static char *
cell_change (KouanAdminRecord *record)
{
  JsonObject *entry = kouan_admin_record_get_object (record);
  g_autofree char *before = snapshot_text (entry, "before");
  g_autofree char *after = snapshot_text (entry, "after");

  /* Translators: an audit entry's record before → after (JSON) */
  return g_strdup_printf (_("%s → %s"), before, after);
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CellText                  text_func)
{
  g_autofree char *text = text_func (gtk_list_item_get_item (item));
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, text);
}

static void
add_column (KouanAdminAudit *self,
            const char      *title,
            CellText         text_func,
            gboolean         expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), text_func);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (GTK_COLUMN_VIEW (self->column_view), column);
  g_object_unref (column);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  KouanAdminAudit *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kouan_admin_view_call_finish (self->admin, result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->admin != NULL)
    {
      self->busy--;
      g_list_store_remove_all (self->rows);
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *reply = json_node_get_object (node);
          JsonArray *items = json_object_get_array_member (reply, "items");
          gint64 total = json_object_get_int_member (reply, "total");
          g_autofree char *count = NULL;

          for (guint i = 0; i < json_array_get_length (items); i++)
            {
              g_autoptr(KouanAdminRecord) record = kouan_admin_record_new (json_array_get_object_element (items, i));

              g_list_store_append (self->rows, record);
            }
          count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change", "%u changes", (gulong) total),
                                   (guint) total);
          gtk_label_set_label (GTK_LABEL (self->count_label), count);
        }
      else
        {
          g_autofree char *message = kouan_admin_view_describe_error (self->admin, error);

          gtk_label_set_label (GTK_LABEL (self->count_label), message);
        }
    }
  g_object_unref (self);
}

void
kouan_admin_audit_reload (KouanAdminAudit *self)
{
  g_autoptr(GString) suffix = g_string_new (NULL);
  guint kind;
  const char *from, *to;

  g_return_if_fail (KOUAN_IS_ADMIN_AUDIT (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = 0;

  if (kouan_admin_view_get_client (self->admin) == NULL ||
      kouan_admin_view_get_enterprise_id (self->admin) == 0 ||
      !kouan_admin_view_allows (self->admin, "admin.audit:view"))
    {
      g_list_store_remove_all (self->rows);
      return;
    }

  kind = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kind_dropdown));
  from = kouan_admin_date_button_get (self->from_button);
  to = kouan_admin_date_button_get (self->to_button);
  g_string_printf (suffix, "/audit?limit=%u", PAGE_SIZE);
  if (kind != GTK_INVALID_LIST_POSITION && kind > 0 && kind < G_N_ELEMENTS (kinds))
    g_string_append_printf (suffix, "&action=%s", kinds[kind].prefix);
  if (from != NULL)
    g_string_append_printf (suffix, "&from=%s", from);
  if (to != NULL)
    g_string_append_printf (suffix, "&to=%s", to);

  self->busy++;
  kouan_admin_view_call_async (self->admin, "GET", suffix->str, NULL, self->cancellable,
                               on_loaded, g_object_ref (self));
}

static void
on_admin_changed (KouanAdminAudit *self)
{
  kouan_admin_audit_reload (self);
}

static void
kouan_admin_audit_dispose (GObject *object)
{
  KouanAdminAudit *self = KOUAN_ADMIN_AUDIT (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->rows);

  g_clear_weak_pointer (&self->admin);
  G_OBJECT_CLASS (kouan_admin_audit_parent_class)->dispose (object);
}

static void
kouan_admin_audit_class_init (KouanAdminAuditClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kouan_admin_audit_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
}

static void
kouan_admin_audit_init (KouanAdminAudit *self)
{
  GtkWidget *filters, *scrolled;
  GtkStringList *kind_names = gtk_string_list_new (NULL);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
  self->cancellable = g_cancellable_new ();
  self->rows = g_list_store_new (KOUAN_TYPE_ADMIN_RECORD);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (kind_names, _(kinds[i].label));

  filters = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (filters, 12);
  gtk_widget_set_margin_end (filters, 12);
  gtk_widget_set_margin_top (filters, 12);
  self->kind_dropdown = gtk_drop_down_new (G_LIST_MODEL (kind_names), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Kind of change"), -1);
  self->from_button = kouan_admin_date_button_new (_("From"), TRUE);
  self->to_button = kouan_admin_date_button_new (_("Until"), TRUE);
  self->query_button = gtk_button_new_with_label (_("Search"));
  gtk_widget_add_css_class (self->query_button, "suggested-action");
  g_signal_connect_swapped (self->query_button, "clicked", G_CALLBACK (kouan_admin_audit_reload), self);
  self->count_label = gtk_label_new (NULL);
  gtk_widget_set_hexpand (self->count_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->count_label), 1);
  gtk_box_append (GTK_BOX (filters), self->kind_dropdown);
  gtk_box_append (GTK_BOX (filters), self->from_button);
  gtk_box_append (GTK_BOX (filters), self->to_button);
  gtk_box_append (GTK_BOX (filters), self->query_button);
  gtk_box_append (GTK_BOX (filters), self->count_label);
  gtk_widget_set_parent (filters, GTK_WIDGET (self));

  self->column_view = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->rows)))));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Audit Log"), -1);
  add_column (self, _("Time"), cell_time, FALSE);
  add_column (self, _("By"), cell_who, FALSE);
  add_column (self, _("Change"), cell_action, FALSE);
  add_column (self, _("Before → after"), cell_change, TRUE);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->column_view);
  gtk_widget_set_parent (scrolled, GTK_WIDGET (self));
}

GtkWidget *
kouan_admin_audit_new (KouanAdminView *admin)
{
  KouanAdminAudit *self = g_object_new (KOUAN_TYPE_ADMIN_AUDIT, NULL);

  /* weak: a page may outlive its area while a call is in flight */
  g_set_weak_pointer (&self->admin, admin);
  g_signal_connect_object (admin, "changed", G_CALLBACK (on_admin_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (admin, "notify::enterprise-id", G_CALLBACK (on_admin_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (admin, "notify::client", G_CALLBACK (on_admin_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (admin, "notify::any-visible", G_CALLBACK (on_admin_changed), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

GListModel *
_kouan_admin_audit_get_rows (KouanAdminAudit *self)
{
  return G_LIST_MODEL (self->rows);
}

gboolean
_kouan_admin_audit_get_busy (KouanAdminAudit *self)
{
  return self->busy > 0;
}
