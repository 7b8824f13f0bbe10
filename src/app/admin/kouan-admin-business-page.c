/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store-settings.h"
#include "admin/kouan-admin-business-page.h"
#include "admin/kouan-admin-enterprise-support.h"

typedef struct {
  const char *field;
  const char *title;
  const char *explanation;
} BusinessSwitch;

static const BusinessSwitch switches[] = {
  { "aircraft_auto",    N_("Aircraft automatic declaration"),
    N_("Declares arriving and departing aircraft to customs every day at the time set below") },
  { "manifest_auto",    N_("Manifest automatic declaration"),
    N_("Sends cargo manifests to customs as soon as they are complete") },
  { "status_push",      N_("Automatic declaration status push"),
    N_("Posts a notice whenever customs changes the status of a declaration") },
  { "e_payment",        N_("Electronic payment of duties"),
    N_("Pays duties and taxes from the enterprise's bound account when they are assessed") },
  { "receipt_download", N_("Automatic receipt download"),
    N_("Downloads customs receipts into the message center as they are issued") },
};

#define N_SWITCHES G_N_ELEMENTS (switches)

struct _KouanAdminBusinessPage
{
  GtkWidget       parent_instance;

  /* children */
  GtkWidget      *box;
  GtkWidget      *form;
  GtkWidget      *unavailable_label;
  GtkWidget      *switch_widgets[N_SWITCHES];
  GtkWidget      *time_box;
  GtkWidget      *hour_spin;
  GtkWidget      *minute_spin;
  GtkWidget      *time_apply;
  GtkWidget      *time_reason;
  GtkWidget      *time_error;
  GtkWidget      *status_label;

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

static void
update_time_control (KouanAdminBusinessPage *self)
{
  gboolean enabled = aircraft_enabled (self);

  /* The control stays visible so the user sees what turning it on gives,
   * and the line under it says why it cannot be used now. */
  gtk_widget_set_sensitive (self->time_box, enabled);
  gtk_widget_set_visible (self->time_reason, !enabled);
}

static char *
time_text (KouanAdminBusinessPage *self)
{
  return g_strdup_printf ("%02d:%02d",
                          gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->hour_spin)),
                          gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->minute_spin)));
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
  gtk_widget_set_visible (self->form, self->record != NULL);
  gtk_widget_set_visible (self->unavailable_label, self->record == NULL);
  if (self->record == NULL)
    return;

  self->loading = TRUE;
  for (guint i = 0; i < N_SWITCHES; i++)
    gtk_switch_set_active (GTK_SWITCH (self->switch_widgets[i]),
                           json_object_has_member (self->record, switches[i].field) &&
                           json_object_get_boolean_member (self->record, switches[i].field));
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
          g_free (self->shown_time);
          self->shown_time = g_strdup (text);
        }
    }
  self->loading = FALSE;
  update_time_control (self);
}

static void
enqueue (KouanAdminBusinessPage *self,
         JsonObject             *fields)
{
  g_autoptr(GError) error = NULL;

  if (kouan_admin_enqueue (GTK_WIDGET (self), self->enterprise_id, KOUAN_COLLECTION_BUSINESS_SETTINGS,
                           "update", self->enterprise_id, fields, &error))
    gtk_label_set_text (GTK_LABEL (self->status_label),
                        _("Saved. The server receives the change as soon as it can be reached."));
  else
    {
      g_warning ("Saving the business settings: %s", error->message);
      gtk_label_set_text (GTK_LABEL (self->status_label), _("The change could not be saved"));
    }
}

static void
on_switch_active (GtkSwitch              *widget,
                  GParamSpec             *pspec,
                  KouanAdminBusinessPage *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  const char *field = gtk_widget_get_name (GTK_WIDGET (widget));

  if (g_str_equal (field, "aircraft_auto"))
    update_time_control (self);
  if (self->loading || self->record == NULL)
    return;

  json_object_set_boolean_member (fields, field, gtk_switch_get_active (widget));
  /* Turning aircraft declaration on sends the time shown with it. */
  if (g_str_equal (field, "aircraft_auto") && gtk_switch_get_active (widget))
    {
      g_autofree char *text = time_text (self);

      json_object_set_string_member (fields, "aircraft_time", text);
    }
  enqueue (self, fields);
}

static void
on_time_apply (KouanAdminBusinessPage *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *text = time_text (self);
  g_autofree char *message = NULL;

  /* The control is insensitive then, but the rule is the server's too. */
  if (!aircraft_enabled (self))
    message = g_strdup (_("Turn on aircraft automatic declaration first"));
  else
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);

      message = kouan_admin_check_field (KOUAN_COLLECTION_BUSINESS_SETTINGS, "aircraft_time", node);
    }
  gtk_label_set_text (GTK_LABEL (self->time_error), message != NULL ? message : "");
  gtk_widget_set_visible (self->time_error, message != NULL);
  if (message != NULL)
    return;

  json_object_set_string_member (fields, "aircraft_time", text);
  enqueue (self, fields);
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

      gtk_label_set_text (GTK_LABEL (self->status_label), text);
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
  gtk_label_set_text (GTK_LABEL (self->status_label), "");
  load_record (self);
}

static GtkWidget *
spin (int         max,
      const char *label)
{
  GtkWidget *button = gtk_spin_button_new_with_range (0, max, 1);

  gtk_spin_button_set_wrap (GTK_SPIN_BUTTON (button), TRUE);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (button), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static void
build (KouanAdminBusinessPage *self)
{
  GtkWidget *title = gtk_label_new (_("Business Settings"));
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_margin_start (self->box, 24);
  gtk_widget_set_margin_end (self->box, 24);
  gtk_widget_set_margin_top (self->box, 18);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-2");
  gtk_box_append (GTK_BOX (self->box), title);

  self->unavailable_label = gtk_label_new (_("The business settings arrive with the next sync."));
  gtk_widget_add_css_class (self->unavailable_label, "dim-label");
  gtk_box_append (GTK_BOX (self->box), self->unavailable_label);

  for (guint i = 0; i < N_SWITCHES; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (_(switches[i].title));
      GtkWidget *explanation = gtk_label_new (_(switches[i].explanation));
      GtkWidget *toggle = gtk_switch_new ();

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (explanation), 0);
      gtk_label_set_wrap (GTK_LABEL (explanation), TRUE);
      gtk_widget_add_css_class (explanation, "dim-label");
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (text), name);
      gtk_box_append (GTK_BOX (text), explanation);
      gtk_widget_set_name (toggle, switches[i].field);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(switches[i].title),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(switches[i].explanation),
                                      -1);
      g_signal_connect (toggle, "notify::active", G_CALLBACK (on_switch_active), self);
      gtk_box_append (GTK_BOX (row), text);
      gtk_box_append (GTK_BOX (row), toggle);
      gtk_box_append (GTK_BOX (list), row);
      self->switch_widgets[i] = toggle;

      if (i == 0)
        {
          GtkWidget *time_row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
          GtkWidget *label = gtk_label_new (_("Declaration time"));

          self->time_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          gtk_box_append (GTK_BOX (self->time_box), label);
          self->hour_spin = spin (23, _("Declaration hour"));
          self->minute_spin = spin (59, _("Declaration minute"));
          gtk_box_append (GTK_BOX (self->time_box), self->hour_spin);
          gtk_box_append (GTK_BOX (self->time_box), gtk_label_new (":"));
          gtk_box_append (GTK_BOX (self->time_box), self->minute_spin);
          self->time_apply = gtk_button_new_with_mnemonic (_("Set _time"));
          g_signal_connect_swapped (self->time_apply, "clicked", G_CALLBACK (on_time_apply), self);
          gtk_box_append (GTK_BOX (self->time_box), self->time_apply);
          gtk_widget_set_margin_start (time_row, 24);
          gtk_box_append (GTK_BOX (time_row), self->time_box);

          self->time_reason = gtk_label_new (_("Available while aircraft automatic declaration is on"));
          gtk_label_set_xalign (GTK_LABEL (self->time_reason), 0);
          gtk_widget_add_css_class (self->time_reason, "dim-label");
          gtk_accessible_update_relation (GTK_ACCESSIBLE (self->hour_spin),
                                          GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->time_reason, NULL, -1);
          gtk_box_append (GTK_BOX (time_row), self->time_reason);

          self->time_error = gtk_label_new (NULL);
          gtk_label_set_xalign (GTK_LABEL (self->time_error), 0);
          gtk_widget_add_css_class (self->time_error, "error");
          gtk_widget_set_visible (self->time_error, FALSE);
          gtk_box_append (GTK_BOX (time_row), self->time_error);
          gtk_box_append (GTK_BOX (list), time_row);
        }
    }

  self->status_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0);
  gtk_box_append (GTK_BOX (list), self->status_label);

  self->form = list;
  gtk_widget_set_visible (self->form, FALSE);
  gtk_box_append (GTK_BOX (self->box), list);
  update_time_control (self);
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
  g_clear_pointer (&self->box, gtk_widget_unparent);

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
}

static void
kouan_admin_business_page_init (KouanAdminBusinessPage *self)
{
  build (self);
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
  return self->time_box;
}

GtkWidget *
kouan_admin_business_page_get_time_reason (KouanAdminBusinessPage *self)
{
  return self->time_reason;
}
