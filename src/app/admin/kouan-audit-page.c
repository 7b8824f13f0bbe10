/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kouan-admin-enterprise-support.h"
#include "kouan-audit-page-private.h"
#include "kouan-format.h"
#include "kouan-store-people.h"
#include "widgets/kouan-date-button.h"

struct _KouanAuditPage
{
  GtkWidget           parent_instance;

  /* template widgets */
  GtkWidget          *actor_dropdown;
  GtkWidget          *box;
  GtkWidget          *count_label;
  GtkWidget          *empty_page;
  GtkWidget          *filters;
  GtkWidget          *kind_dropdown;
  GtkWidget          *list_view;
  GtkWidget          *stack;
  /* built here: the shared date buttons (not templates yet) */
  GtkWidget          *from_button;
  GtkWidget          *to_button;

  /* owned */
  GListStore         *entries;      /* KouanAuditEntry from the store */
  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;
  GtkStringList      *actor_names;
  gint64              enterprise_id;
  gulong              store_changed_id;

  /* borrowed */
  KouanAdminView     *admin;        /* weak */
  KouanStore         *store;        /* weak: the window's */
};

G_DEFINE_FINAL_TYPE (KouanAuditPage, kouan_audit_page, GTK_TYPE_WIDGET)

/* the filter's kinds: what kouan_audit_entry_get_kind() says */
static const struct {
  const char *kind;
  const char *label;
} kinds[] = {
  { NULL,                  N_("All changes") },
  { "role",                N_("Roles") },
  { "department",          N_("Departments") },
  { "grant",               N_("Role grants") },
  { "member",              N_("Members") },
  { "join_request",        N_("Join requests") },
  { "enterprise_settings", N_("Enterprise Settings") },
  { "business_settings",   N_("Business Settings") },
};

/* The China day of @at, as the date buttons give days. */
static char *
day_of (gint64 at)
{
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (8 * 60 * 60);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, china);

  return g_date_time_format (local, "%Y-%m-%d");
}

static const char *
selected_actor (KouanAuditPage *self)
{
  guint position = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->actor_dropdown));

  if (position == 0 || position == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->actor_names, position);
}

static gboolean
entry_matches (gpointer item,
               gpointer user_data)
{
  KouanAuditEntry *entry = item;
  KouanAuditPage *self = user_data;
  const char *actor = selected_actor (self);
  guint kind = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kind_dropdown));
  const char *from = kouan_date_button_get_date (KOUAN_DATE_BUTTON (self->from_button));
  const char *to = kouan_date_button_get_date (KOUAN_DATE_BUTTON (self->to_button));
  g_autofree char *day = NULL;

  if (actor != NULL && g_strcmp0 (entry->actor_name, actor) != 0)
    return FALSE;
  if (kind > 0 && kind < G_N_ELEMENTS (kinds) &&
      g_strcmp0 (kouan_audit_entry_get_kind (entry), kinds[kind].kind) != 0)
    return FALSE;
  if (from == NULL && to == NULL)
    return TRUE;
  day = day_of (entry->at);
  return (from == NULL || g_strcmp0 (day, from) >= 0) && (to == NULL || g_strcmp0 (day, to) <= 0);
}

static void
update_state (KouanAuditPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint all = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  g_autofree char *count = NULL;

  if (all == 0)
    adw_status_page_set_description (ADW_STATUS_PAGE (self->empty_page),
                                     _("Changes to roles, departments, members and settings appear here "
                                       "once they are made and synced."));
  else
    adw_status_page_set_description (ADW_STATUS_PAGE (self->empty_page),
                                     _("No change matches these filters. Choose other filters to see more."));
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), shown > 0 ? "entries" : "empty");
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change", "%u changes", shown), shown);
  gtk_label_set_label (GTK_LABEL (self->count_label), count);
  gtk_widget_set_visible (self->count_label, shown > 0);
}

static void
refilter (KouanAuditPage *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_state (self);
}

/* The actors of the entries, for the filter (keeps the one chosen). */
static void
update_actors (KouanAuditPage *self)
{
  g_autofree char *chosen = g_strdup (selected_actor (self));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  guint position = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanAuditEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), i);

      if (entry->actor_name != NULL && g_hash_table_add (seen, entry->actor_name))
        g_ptr_array_add (names, entry->actor_name);
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->actor_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->actor_names)) - 1,
                          (const char * const *) names->pdata);
  for (guint i = 1; chosen != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->actor_names)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->actor_names, i), chosen) == 0)
      position = i;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->actor_dropdown), position);
}

void
kouan_audit_page_reload (KouanAuditPage *self)
{
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  g_return_if_fail (KOUAN_IS_AUDIT_PAGE (self));

  if (self->store != NULL && self->enterprise_id > 0)
    entries = kouan_store_list_audit (self->store, self->enterprise_id, &error);
  if (error != NULL)
    g_warning ("Cannot read the audit log from the cache: %s", error->message);
  n = entries != NULL ? g_list_model_get_n_items (entries) : 0;
  /* one splice: the list view keeps its scroll position */
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < n; i++)
      g_ptr_array_add (items, g_list_model_get_item (entries, i));
    g_list_store_splice (self->entries, 0, g_list_model_get_n_items (G_LIST_MODEL (self->entries)),
                         items->pdata, items->len);
  }
  update_actors (self);
  refilter (self);
}

/* ---- rows ---- */

static char *
detail_text (KouanAuditEntry *entry)
{
  g_autoptr(GPtrArray) changes = kouan_audit_entry_changes (entry);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *when = kouan_format_unix_date_time (entry->at);

  g_string_append (text, when);
  for (guint i = 0; i < changes->len; i++)
    {
      KouanAuditChange *change = changes->pdata[i];

      g_string_append_c (text, '\n');
      /* Translators: a changed field, its value before and after
       * (zh_CN: %s：%s → %s) */
      g_string_append_printf (text, _("%s: %s → %s"), change->field,
                              *change->before != '\0' ? change->before : _("(none)"),
                              *change->after != '\0' ? change->after : _("(none)"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
row_setup (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *sentence = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (sentence), 0);
  gtk_label_set_wrap (GTK_LABEL (sentence), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (sentence), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), sentence);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_list_item_set_child (item, box);
}

static void
row_bind (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  KouanAuditEntry *entry = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *sentence = gtk_widget_get_first_child (box);
  GtkWidget *detail = gtk_widget_get_next_sibling (sentence);
  g_autofree char *said = kouan_audit_entry_describe (entry);
  g_autofree char *details = detail_text (entry);
  g_autofree char *both = g_strconcat (said, "\n", details, NULL);

  gtk_label_set_label (GTK_LABEL (sentence), said);
  gtk_label_set_label (GTK_LABEL (detail), details);
  /* a screen reader reads the whole entry on the row */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, both, -1);
}

/* ---- the cache ---- */

static void
on_store_changed (KouanStore     *store,
                  const char     *collection,
                  gint64          enterprise_id,
                  KouanAuditPage *self)
{
  /* "access": losing the right empties the cached log */
  if (enterprise_id == self->enterprise_id &&
      (g_strcmp0 (collection, "audit") == 0 || g_strcmp0 (collection, "access") == 0))
    kouan_audit_page_reload (self);
}

static void
follow_store (KouanAuditPage *self)
{
  KouanStore *store = kouan_admin_page_get_store (GTK_WIDGET (self));

  if (self->admin != NULL)
    self->enterprise_id = kouan_admin_view_get_enterprise_id (self->admin);
  if (store != self->store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->store_changed_id, self->store);
      g_set_weak_pointer (&self->store, store);
      if (store != NULL)
        self->store_changed_id = g_signal_connect_object (store, "changed",
                                                          G_CALLBACK (on_store_changed), self, 0);
    }
  kouan_audit_page_reload (self);
}

/* ---- the class ---- */

static void
kouan_audit_page_dispose (GObject *object)
{
  KouanAuditPage *self = KOUAN_AUDIT_PAGE (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  g_clear_weak_pointer (&self->admin);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_AUDIT_PAGE);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->entries);
  g_clear_object (&self->actor_names);
  G_OBJECT_CLASS (kouan_audit_page_parent_class)->dispose (object);
}

static void
kouan_audit_page_class_init (KouanAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_audit_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAuditPage, actor_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanAuditPage, box);
  gtk_widget_class_bind_template_child (widget_class, KouanAuditPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, KouanAuditPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KouanAuditPage, filters);
  gtk_widget_class_bind_template_child (widget_class, KouanAuditPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanAuditPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, KouanAuditPage, stack);
}

static void
kouan_audit_page_init (KouanAuditPage *self)
{
  g_autoptr(GtkStringList) kind_names = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->actor_names = gtk_string_list_new (NULL);
  gtk_string_list_append (self->actor_names, _("Everyone"));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->actor_dropdown), G_LIST_MODEL (self->actor_names));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (kind_names, _(kinds[i].label));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->kind_dropdown), G_LIST_MODEL (kind_names));

  self->from_button = kouan_date_button_new (_("From"), TRUE);
  self->to_button = kouan_date_button_new (_("Until"), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->from_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Changes from this day"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->to_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Changes until this day"), -1);
  gtk_flow_box_append (GTK_FLOW_BOX (self->filters), self->from_button);
  gtk_flow_box_append (GTK_FLOW_BOX (self->filters), self->to_button);

  self->entries = g_list_store_new (KOUAN_TYPE_AUDIT_ENTRY);
  self->filter = gtk_custom_filter_new (entry_matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->entries)),
                                              GTK_FILTER (g_object_ref (self->filter)));
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind), NULL);
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->list_view), factory);
  gtk_list_view_set_model (GTK_LIST_VIEW (self->list_view),
                           GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)))));

  /* a filter applies as soon as it is chosen: no 查询 button */
  g_signal_connect_swapped (self->actor_dropdown, "notify::selected", G_CALLBACK (refilter), self);
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected", G_CALLBACK (refilter), self);
  g_signal_connect_swapped (self->from_button, "notify::date", G_CALLBACK (refilter), self);
  g_signal_connect_swapped (self->to_button, "notify::date", G_CALLBACK (refilter), self);
  update_state (self);
}

GtkWidget *
kouan_audit_page_new (KouanAdminView *admin)
{
  KouanAuditPage *self = g_object_new (KOUAN_TYPE_AUDIT_PAGE, NULL);

  g_set_weak_pointer (&self->admin, admin);
  g_signal_connect_object (admin, "notify::enterprise-id", G_CALLBACK (follow_store), self, G_CONNECT_SWAPPED);
  /* the store is the window's: known once the page is in it */
  g_signal_connect (self, "realize", G_CALLBACK (follow_store), NULL);
  return GTK_WIDGET (self);
}

/* ---- for the UI tests ---- */

GListModel *
_kouan_audit_page_get_entries (KouanAuditPage *self)
{
  return G_LIST_MODEL (self->filtered);
}

char *
_kouan_audit_page_describe (KouanAuditPage *self,
                            guint           position)
{
  g_autoptr(KouanAuditEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
  g_autofree char *said = NULL;
  g_autofree char *details = NULL;

  if (entry == NULL)
    return NULL;
  said = kouan_audit_entry_describe (entry);
  details = detail_text (entry);
  return g_strconcat (said, "\n", details, NULL);
}

void
_kouan_audit_page_set_filters (KouanAuditPage *self,
                               const char     *actor,
                               const char     *kind,
                               const char     *from,
                               const char     *to)
{
  guint actor_position = 0, kind_position = 0;

  for (guint i = 1; actor != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->actor_names)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->actor_names, i), actor) == 0)
      actor_position = i;
  for (guint i = 1; kind != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].kind, kind) == 0)
      kind_position = i;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->actor_dropdown), actor_position);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->kind_dropdown), kind_position);
  kouan_date_button_set_date (KOUAN_DATE_BUTTON (self->from_button), from);
  kouan_date_button_set_date (KOUAN_DATE_BUTTON (self->to_button), to);
  refilter (self);
}

gboolean
_kouan_audit_page_is_empty (KouanAuditPage *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->stack)), "empty") == 0;
}
