/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store-settings.h"
#include "admin/kouan-admin-business-page.h"
#include "admin/kouan-admin-enterprise-support.h"

/* The rows are in ui/kouan-admin-business-page.ui; these are the
 * record's switches in the form's order, each FIELD with the template
 * children FIELD_row (an AdwActionRow) and FIELD_switch (its GtkSwitch,
 * named FIELD, not focusable of its own: the row is the one Tab stop and
 * flips it). Their titles name them in the "turned on" toasts. */
typedef struct {
  const char *field;
  const char *title;
} BusinessSwitch;

static const BusinessSwitch switches[] = {
  { "aircraft_auto",    N_("Aircraft automatic declaration") },
  { "manifest_auto",    N_("Manifest automatic declaration") },
  { "status_push",      N_("Automatic declaration status push") },
  { "e_payment",        N_("Electronic payment of duties") },
  { "receipt_download", N_("Automatic receipt download") },
};

#define N_SWITCHES G_N_ELEMENTS (switches)

struct _KouanAdminBusinessPage
{
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *action_bar;
  GtkWidget      *box;
  GtkWidget      *draft_label;
  GtkWidget      *hour_spin;
  GtkWidget      *minute_spin;
  GtkWidget      *save_button;
  GtkWidget      *stack;
  GtkWidget      *time_row;

  /* by switches[] */
  GtkWidget      *switch_rows[N_SWITCHES];
  GtkWidget      *switch_widgets[N_SWITCHES];

  /* owned */
  JsonObject     *record;
  char           *shown_time;  /* the record's time last put in the spins */
  gint64          enterprise_id;
  gboolean        loading;

  /* borrowed */
  KouanAdminView *admin;
  KouanStore     *store;
  gulong          store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminBusinessPage, kouan_admin_business_page, GTK_TYPE_WIDGET)

static gboolean
aircraft_enabled (KouanAdminBusinessPage *self)
{
  return gtk_switch_get_active (GTK_SWITCH (self->switch_widgets[0]));
}

static char *
time_text (KouanAdminBusinessPage *self)
{
  return g_strdup_printf ("%02d:%02d",
                          gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->hour_spin)),
                          gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->minute_spin)));
}

static gboolean
time_dirty (KouanAdminBusinessPage *self)
{
  g_autofree char *text = time_text (self);

  return self->record != NULL && g_strcmp0 (text, self->shown_time) != 0;
}

static void
update_time_control (KouanAdminBusinessPage *self)
{
  gboolean enabled = aircraft_enabled (self);
  gboolean dirty = time_dirty (self);

  /* The row stays in view so the user sees what turning the switch on
   * gives; its second line says why it cannot be used now (and what it
   * does otherwise), so nothing moves. */
  gtk_widget_set_sensitive (self->time_row, enabled);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->time_row),
                               enabled ? _("The time of day the declaration is sent")
                                       : _("Available while aircraft automatic declaration is on"));
  gtk_widget_remove_css_class (self->time_row, "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "business.save", enabled && dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "business.revert", dirty);
  gtk_widget_set_opacity (self->draft_label, dirty ? 1.0 : 0.0);
}

static void
load_record (KouanAdminBusinessPage *self)
{
  g_autoptr(GError) error = NULL;
  JsonNode *time;

  g_clear_pointer (&self->record, json_object_unref);
  if (self->store != NULL && self->enterprise_id > 0)
    self->record = kouan_store_get_settings (self->store, self->enterprise_id,
                                             KOUAN_COLLECTION_BUSINESS_SETTINGS,
                                             self->enterprise_id, &error);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), self->record != NULL ? "form" : "unavailable");
  gtk_widget_set_visible (self->action_bar, self->record != NULL);
  if (self->record == NULL)
    return;

  self->loading = TRUE;
  for (guint i = 0; i < N_SWITCHES; i++)
    {
      gboolean active = json_object_has_member (self->record, switches[i].field) &&
                        json_object_get_boolean_member (self->record, switches[i].field);

      /* a switch already showing its value is left alone: setting it
       * ends the slide of a flip under way, and the flip would be lost */
      if (gtk_switch_get_active (GTK_SWITCH (self->switch_widgets[i])) != active)
        gtk_switch_set_active (GTK_SWITCH (self->switch_widgets[i]), active);
    }
  time = json_object_get_member (self->record, "aircraft_time");
  if (time != NULL && !JSON_NODE_HOLDS_NULL (time))
    {
      const char *text = json_node_get_string (time);
      g_autofree char *current = time_text (self);

      /* A time the user is changing is kept; the record's is shown when
       * the spins still show the one loaded before. */
      if (self->shown_time == NULL || g_str_equal (current, self->shown_time))
        {
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->hour_spin), g_ascii_strtoll (text, NULL, 10));
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->minute_spin), g_ascii_strtoll (text + 3, NULL, 10));
        }
      g_free (self->shown_time);
      self->shown_time = g_strdup (text);
    }
  self->loading = FALSE;
  update_time_control (self);
}

static gboolean
enqueue (KouanAdminBusinessPage *self,
         JsonObject             *fields,
         const char             *done)
{
  g_autoptr(GError) error = NULL;

  if (kouan_admin_enqueue (GTK_WIDGET (self), self->enterprise_id, KOUAN_COLLECTION_BUSINESS_SETTINGS,
                           "update", self->enterprise_id, fields, &error))
    {
      kouan_admin_toast_saved (GTK_WIDGET (self), done, FALSE);
      return TRUE;
    }
  g_warning ("Saving the business settings: %s", error->message);
  kouan_admin_toast_failed (GTK_WIDGET (self), _("The change could not be saved"));
  return FALSE;
}

static void
on_switch_active (GtkSwitch              *widget,
                  GParamSpec             *pspec,
                  KouanAdminBusinessPage *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  const char *field = gtk_widget_get_name (GTK_WIDGET (widget));
  gboolean active = gtk_switch_get_active (widget);
  g_autofree char *done = NULL;

  /* the row is what has the focus: it says whether it is on */
  gtk_accessible_update_state (GTK_ACCESSIBLE (gtk_widget_get_ancestor (GTK_WIDGET (widget), ADW_TYPE_ACTION_ROW)),
                               GTK_ACCESSIBLE_STATE_CHECKED, active, -1);
  if (g_str_equal (field, "aircraft_auto"))
    update_time_control (self);
  if (self->loading || self->record == NULL)
    return;

  json_object_set_boolean_member (fields, field, active);
  /* Turning aircraft declaration on sends the time shown with it. */
  if (g_str_equal (field, "aircraft_auto") && active)
    {
      g_autofree char *text = time_text (self);

      json_object_set_string_member (fields, "aircraft_time", text);
    }
  for (guint i = 0; i < N_SWITCHES; i++)
    if (g_str_equal (switches[i].field, field))
      /* Translators: %s is a business setting, e.g. 舱单自动申报 */
      done = g_strdup_printf (active ? _("%s turned on") : _("%s turned off"), _(switches[i].title));
  enqueue (self, fields, done);
}

static void
on_time_changed (KouanAdminBusinessPage *self)
{
  if (!self->loading)
    update_time_control (self);
}

/* 08:05, as the time is written everywhere else */
static gboolean
on_time_output (GtkSpinButton *spin)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
on_save (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  KouanAdminBusinessPage *self = KOUAN_ADMIN_BUSINESS_PAGE (widget);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *text = time_text (self);
  g_autofree char *message = NULL;

  /* The row is insensitive then, but the rule is the server's too. */
  if (!aircraft_enabled (self))
    message = g_strdup (_("Turn on aircraft automatic declaration first"));
  else
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);

      message = kouan_admin_check_field (KOUAN_COLLECTION_BUSINESS_SETTINGS, "aircraft_time", node);
    }
  if (message != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->time_row), message);
      gtk_widget_add_css_class (self->time_row, "error");
      return;
    }

  json_object_set_string_member (fields, "aircraft_time", text);
  if (enqueue (self, fields, NULL))
    {
      g_free (self->shown_time);
      self->shown_time = g_steal_pointer (&text);
      update_time_control (self);
    }
}

static void
on_revert (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  KouanAdminBusinessPage *self = KOUAN_ADMIN_BUSINESS_PAGE (widget);

  if (self->shown_time == NULL)
    return;
  self->loading = TRUE;
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->hour_spin), g_ascii_strtoll (self->shown_time, NULL, 10));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->minute_spin), g_ascii_strtoll (self->shown_time + 3, NULL, 10));
  self->loading = FALSE;
  update_time_control (self);
}

static void
on_store_changed (KouanStore             *store,
                  const char             *collection,
                  gint64                  enterprise_id,
                  KouanAdminBusinessPage *self)
{
  g_autoptr(JsonObject) rejection = NULL;

  if (enterprise_id != self->enterprise_id ||
      g_strcmp0 (collection, KOUAN_COLLECTION_BUSINESS_SETTINGS) != 0)
    return;
  load_record (self);
  rejection = kouan_admin_take_rejection (GTK_WIDGET (self), enterprise_id, collection);
  if (rejection != NULL)
    {
      g_autofree char *text = kouan_admin_rejection_text (rejection);

      kouan_admin_toast_failed (GTK_WIDGET (self), text);
    }
}

static void
on_enterprise_changed (KouanAdminView         *admin,
                       GParamSpec             *pspec,
                       KouanAdminBusinessPage *self)
{
  KouanStore *store = kouan_admin_page_get_store (GTK_WIDGET (self));

  if (store != self->store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->store_changed_id, self->store);
      /* weak: the window may drop its store before its pages go */
      g_set_weak_pointer (&self->store, store);
      if (store != NULL)
        self->store_changed_id = g_signal_connect_object (store, "changed",
                                                          G_CALLBACK (on_store_changed), self, 0);
    }
  if (self->enterprise_id != kouan_admin_view_get_enterprise_id (admin))
    g_clear_pointer (&self->shown_time, g_free);
  self->enterprise_id = kouan_admin_view_get_enterprise_id (admin);
  load_record (self);
}

static void
kouan_admin_business_page_dispose (GObject *object)
{
  KouanAdminBusinessPage *self = KOUAN_ADMIN_BUSINESS_PAGE (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  if (self->admin != NULL)
    g_signal_handlers_disconnect_by_data (self->admin, self);
  g_clear_weak_pointer (&self->admin);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_BUSINESS_PAGE);

  G_OBJECT_CLASS (kouan_admin_business_page_parent_class)->dispose (object);
}

static void
kouan_admin_business_page_finalize (GObject *object)
{
  KouanAdminBusinessPage *self = KOUAN_ADMIN_BUSINESS_PAGE (object);

  g_clear_pointer (&self->record, json_object_unref);
  g_clear_pointer (&self->shown_time, g_free);
  G_OBJECT_CLASS (kouan_admin_business_page_parent_class)->finalize (object);
}

static void
kouan_admin_business_page_class_init (KouanAdminBusinessPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_business_page_dispose;
  object_class->finalize = kouan_admin_business_page_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-admin-business-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminBusinessPage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminBusinessPage, box);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminBusinessPage, draft_label);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminBusinessPage, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminBusinessPage, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminBusinessPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminBusinessPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminBusinessPage, time_row);
  for (guint i = 0; i < N_SWITCHES; i++)
    {
      g_autofree char *row = g_strconcat (switches[i].field, "_row", NULL);
      g_autofree char *toggle = g_strconcat (switches[i].field, "_switch", NULL);

      gtk_widget_class_bind_template_child_full (widget_class, row, FALSE,
                                                 G_STRUCT_OFFSET (KouanAdminBusinessPage, switch_rows) + i * sizeof (GtkWidget *));
      gtk_widget_class_bind_template_child_full (widget_class, toggle, FALSE,
                                                 G_STRUCT_OFFSET (KouanAdminBusinessPage, switch_widgets) + i * sizeof (GtkWidget *));
    }
  gtk_widget_class_bind_template_callback (widget_class, on_switch_active);
  gtk_widget_class_bind_template_callback (widget_class, on_time_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_time_output);

  gtk_widget_class_install_action (widget_class, "business.save", NULL, on_save);
  gtk_widget_class_install_action (widget_class, "business.revert", NULL, on_revert);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "business.save", NULL);
}

static void
kouan_admin_business_page_init (KouanAdminBusinessPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < N_SWITCHES; i++)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->switch_rows[i]), GTK_ACCESSIBLE_STATE_CHECKED, FALSE, -1);
  gtk_widget_set_visible (self->action_bar, FALSE);
  update_time_control (self);
}

static void
on_realize (KouanAdminBusinessPage *self)
{
  if (self->admin != NULL)
    on_enterprise_changed (self->admin, NULL, self);
}

GtkWidget *
kouan_admin_business_page_new (KouanAdminView *admin)
{
  KouanAdminBusinessPage *self = g_object_new (KOUAN_TYPE_ADMIN_BUSINESS_PAGE, NULL);

  g_set_weak_pointer (&self->admin, admin);
  g_signal_connect (admin, "notify::enterprise-id", G_CALLBACK (on_enterprise_changed), self);
  g_signal_connect (self, "realize", G_CALLBACK (on_realize), NULL);
  return GTK_WIDGET (self);
}

GtkWidget *
kouan_admin_business_page_get_switch (KouanAdminBusinessPage *self,
                                      const char             *field)
{
  for (guint i = 0; i < N_SWITCHES; i++)
    if (g_str_equal (switches[i].field, field))
      return self->switch_widgets[i];
  return NULL;
}

GtkWidget *
kouan_admin_business_page_get_time (KouanAdminBusinessPage *self)
{
  return self->time_row;
}

const char *
kouan_admin_business_page_get_time_reason (KouanAdminBusinessPage *self)
{
  return aircraft_enabled (self) ? NULL : adw_action_row_get_subtitle (ADW_ACTION_ROW (self->time_row));
}

GtkWidget *
kouan_admin_business_page_get_hour (KouanAdminBusinessPage *self)
{
  return self->hour_spin;
}

GtkWidget *
kouan_admin_business_page_get_minute (KouanAdminBusinessPage *self)
{
  return self->minute_spin;
}

GtkWidget *
kouan_admin_business_page_get_save_button (KouanAdminBusinessPage *self)
{
  return self->save_button;
}
