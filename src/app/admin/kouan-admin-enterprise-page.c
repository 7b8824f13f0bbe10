/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "widgets/kouan-image-chooser.h"

#include <glib/gi18n.h>

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store-settings.h"
#include "admin/kouan-admin-enterprise-page.h"
#include "admin/kouan-admin-enterprise-support.h"

/* The rows are in ui/kouan-admin-enterprise-page.ui; this is the
 * record's text fields in the form's order, so the page, the shared rules
 * (kouan-settings.c) and the record stay in step. Each FIELD has the
 * template children FIELD_row (its AdwEntryRow, named FIELD),
 * FIELD_error_row and FIELD_error (the error under it). */
static const char *const form_fields[] = {
  "name", "credit_code", "registered_address", "contact_person", "contact_phone", "customs_code",
  "invoice_title", "taxpayer_number", "bank_name", "bank_account", "invoice_address_phone",
};

#define N_FIELDS G_N_ELEMENTS (form_fields)

static const char *const image_fields[] = { "logo_image", "seal_image" };

struct _KouanAdminEnterprisePage
{
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *action_bar;
  GtkWidget      *box;
  GtkWidget      *draft_label;
  GtkWidget      *form;
  GtkWidget      *logo_avatar;
  GtkWidget      *logo_row;
  GtkWidget      *save_button;
  GtkWidget      *seal_avatar;
  GtkWidget      *seal_row;
  GtkWidget      *stack;
  GtkWidget      *unavailable_page;

  /* by form_fields */
  GtkWidget      *entries[N_FIELDS];     /* AdwEntryRow */
  GtkWidget      *error_rows[N_FIELDS];  /* the row under each, shown with an error */
  GtkWidget      *errors[N_FIELDS];      /* its label */

  /* owned */
  JsonObject     *record;          /* (nullable) the cached record */
  gint64          image_ids[2];    /* chosen (uploaded) images, 0 = as in the record */
  gboolean        image_cleared[2];
  GdkTexture     *previews[2];     /* of the chosen images */
  GHashTable     *drafts;          /* enterprise id → JsonObject of unsaved fields */
  GCancellable   *cancellable;
  gint64          enterprise_id;
  gboolean        loading;

  /* borrowed */
  KouanAdminView *admin;
  KouanStore     *store;
  gulong          store_changed_id;
};

G_DEFINE_FINAL_TYPE (KouanAdminEnterprisePage, kouan_admin_enterprise_page, GTK_TYPE_WIDGET)

static int
field_index (const char *field)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (g_str_equal (form_fields[i], field))
      return (int) i;
  return -1;
}

static const char *
record_text (KouanAdminEnterprisePage *self,
             const char               *field)
{
  if (self->record == NULL || !json_object_has_member (self->record, field))
    return "";
  return json_object_get_string_member (self->record, field);
}

static gint64
record_image (KouanAdminEnterprisePage *self,
              guint                     slot)
{
  JsonNode *node;

  if (self->record == NULL)
    return 0;
  node = json_object_get_member (self->record, image_fields[slot]);
  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? json_node_get_int (node) : 0;
}

/* The fields the user changed, as they would be sent (text stripped). */
static JsonObject *
changed_fields (KouanAdminEnterprisePage *self)
{
  JsonObject *fields = json_object_new ();

  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entries[i]))));

      if (g_strcmp0 (text, record_text (self, form_fields[i])) != 0)
        json_object_set_string_member (fields, form_fields[i], text);
    }
  for (guint slot = 0; slot < 2; slot++)
    {
      if (self->image_cleared[slot] && record_image (self, slot) != 0)
        json_object_set_null_member (fields, image_fields[slot]);
      else if (self->image_ids[slot] > 0 && self->image_ids[slot] != record_image (self, slot))
        json_object_set_int_member (fields, image_fields[slot], self->image_ids[slot]);
    }
  return fields;
}

gboolean
kouan_admin_enterprise_page_get_dirty (KouanAdminEnterprisePage *self)
{
  g_autoptr(JsonObject) fields = NULL;

  g_return_val_if_fail (KOUAN_IS_ADMIN_ENTERPRISE_PAGE (self), FALSE);
  if (self->record == NULL)
    return FALSE;
  fields = changed_fields (self);
  return json_object_get_size (fields) > 0;
}

static void
update_actions (KouanAdminEnterprisePage *self)
{
  gboolean dirty = kouan_admin_enterprise_page_get_dirty (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enterprise.save", dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enterprise.revert", dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enterprise.choose-image", self->record != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enterprise.remove-image", self->record != NULL);
  gtk_widget_set_opacity (self->draft_label, dirty ? 1.0 : 0.0);
}

static void
show_error (KouanAdminEnterprisePage *self,
            guint                     index,
            const char               *message)
{
  gtk_label_set_text (GTK_LABEL (self->errors[index]), message != NULL ? message : "");
  gtk_widget_set_visible (self->errors[index], message != NULL);
  gtk_widget_set_visible (self->error_rows[index], message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (self->entries[index], "error");
  else
    gtk_widget_remove_css_class (self->entries[index], "error");
}

static void
show_image_error (KouanAdminEnterprisePage *self,
                  guint                     slot,
                  const char               *message)
{
  GtkWidget *row = slot == 0 ? self->logo_row : self->seal_row;

  /* The hint line becomes the error, so the row keeps its height. */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               message != NULL ? message : _("PNG or JPEG, at most 1 MiB, 4096 pixels a side and 4 megapixels"));
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
on_entry_changed (GtkEditable              *entry,
                  KouanAdminEnterprisePage *self)
{
  int index;

  if (self->loading)
    return;
  /* An edit makes the old error stale; it is checked again on 保存. */
  index = field_index (gtk_widget_get_name (GTK_WIDGET (entry)));
  if (index >= 0 && gtk_widget_get_visible (self->errors[index]))
    show_error (self, index, NULL);
  update_actions (self);
}

/* ---- images --------------------------------------------------------- */

typedef struct {
  KouanAdminEnterprisePage *self;
  guint                     slot;
  gint64                    image_id;
} ImageLoad;

static void
set_avatar (KouanAdminEnterprisePage *self,
            guint                     slot,
            GdkTexture               *texture)
{
  adw_avatar_set_custom_image (ADW_AVATAR (slot == 0 ? self->logo_avatar : self->seal_avatar),
                               GDK_PAINTABLE (texture));
}

static gint64
shown_image (KouanAdminEnterprisePage *self,
             guint                     slot)
{
  if (self->image_cleared[slot])
    return 0;
  return self->image_ids[slot] > 0 ? self->image_ids[slot] : record_image (self, slot);
}

static void
on_image_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ImageLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = kouan_admin_image_load_finish (result, &error);

  /* still the picture to show (not replaced or removed meanwhile) */
  if (texture != NULL && shown_image (load->self, load->slot) == load->image_id)
    set_avatar (load->self, load->slot, texture);
  else if (texture == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Loading an enterprise image: %s", error->message);
  g_object_unref (load->self);
  g_free (load);
}

static void
show_images (KouanAdminEnterprisePage *self)
{
  for (guint slot = 0; slot < 2; slot++)
    {
      gint64 id = shown_image (self, slot);
      ImageLoad *load;

      if (id == 0)
        {
          set_avatar (self, slot, NULL);
          continue;
        }
      if (self->image_ids[slot] > 0 && self->previews[slot] != NULL)
        {
          set_avatar (self, slot, self->previews[slot]);
          continue;
        }
      load = g_new0 (ImageLoad, 1);
      load->self = g_object_ref (self);
      load->slot = slot;
      load->image_id = id;
      kouan_admin_image_load_async (GTK_WIDGET (self), self->enterprise_id, id, self->cancellable,
                                    on_image_loaded, load);
    }
}

/* ---- record --------------------------------------------------------- */

/* Fills the form from the record, keeping what the user typed. */
static void
load_record (KouanAdminEnterprisePage *self)
{
  g_autoptr(JsonObject) draft = changed_fields (self);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->record, json_object_unref);
  if (self->store != NULL && self->enterprise_id > 0)
    self->record = kouan_store_get_settings (self->store, self->enterprise_id,
                                             KOUAN_COLLECTION_ENTERPRISE_SETTINGS,
                                             self->enterprise_id, &error);

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), self->record != NULL ? "form" : "unavailable");
  gtk_widget_set_visible (self->action_bar, self->record != NULL);
  update_actions (self);
  if (self->record == NULL)
    return;

  self->loading = TRUE;
  for (guint i = 0; i < N_FIELDS; i++)
    if (!json_object_has_member (draft, form_fields[i]))
      gtk_editable_set_text (GTK_EDITABLE (self->entries[i]), record_text (self, form_fields[i]));
  self->loading = FALSE;
  adw_avatar_set_text (ADW_AVATAR (self->logo_avatar), record_text (self, "name"));
  show_images (self);
  update_actions (self);
}

static void
apply_draft (KouanAdminEnterprisePage *self,
             JsonObject               *draft)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (json_object_has_member (draft, form_fields[i]))
      gtk_editable_set_text (GTK_EDITABLE (self->entries[i]),
                             json_object_get_string_member (draft, form_fields[i]));
  for (guint slot = 0; slot < 2; slot++)
    {
      JsonNode *node = json_object_get_member (draft, image_fields[slot]);

      if (node != NULL && JSON_NODE_HOLDS_NULL (node))
        self->image_cleared[slot] = TRUE;
      else if (node != NULL)
        self->image_ids[slot] = json_node_get_int (node);
    }
}

static void
reset_form (KouanAdminEnterprisePage *self)
{
  self->loading = TRUE;
  for (guint i = 0; i < N_FIELDS; i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->entries[i]), "");
      show_error (self, i, NULL);
    }
  for (guint slot = 0; slot < 2; slot++)
    {
      self->image_ids[slot] = 0;
      self->image_cleared[slot] = FALSE;
      g_clear_object (&self->previews[slot]);
      show_image_error (self, slot, NULL);
    }
  self->loading = FALSE;
  g_clear_pointer (&self->record, json_object_unref);
}

static void
on_store_changed (KouanStore               *store,
                  const char               *collection,
                  gint64                    enterprise_id,
                  KouanAdminEnterprisePage *self)
{
  g_autoptr(JsonObject) rejection = NULL;
  g_autofree char *text = NULL;
  const char *field = NULL;
  int index;

  if (enterprise_id != self->enterprise_id ||
      g_strcmp0 (collection, KOUAN_COLLECTION_ENTERPRISE_SETTINGS) != 0)
    return;
  load_record (self);

  /* A refusal only the server can make (a credit code another enterprise
   * has) comes back with the server's record: say why, at the field. */
  rejection = kouan_admin_take_rejection (GTK_WIDGET (self), enterprise_id, collection);
  if (rejection == NULL)
    return;
  text = kouan_admin_rejection_text (rejection);
  if (json_object_has_member (rejection, "field") && !json_object_get_null_member (rejection, "field"))
    field = json_object_get_string_member (rejection, "field");
  index = field != NULL ? field_index (field) : -1;
  if (index >= 0)
    show_error (self, index, text);
  kouan_admin_toast_failed (GTK_WIDGET (self), index >= 0 ? _("The server did not accept the change") : text);
}

static void
on_enterprise_changed (KouanAdminView           *admin,
                       GParamSpec               *pspec,
                       KouanAdminEnterprisePage *self)
{
  gint64 enterprise_id = kouan_admin_view_get_enterprise_id (admin);
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
  if (enterprise_id == self->enterprise_id && self->record != NULL)
    return;

  /* Unsaved edits stay with their enterprise as a draft. */
  if (self->enterprise_id > 0 && self->record != NULL)
    {
      JsonObject *draft = changed_fields (self);

      if (json_object_get_size (draft) > 0)
        g_hash_table_replace (self->drafts, g_memdup2 (&self->enterprise_id, sizeof (gint64)), draft);
      else
        {
          g_hash_table_remove (self->drafts, &self->enterprise_id);
          json_object_unref (draft);
        }
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  reset_form (self);
  self->enterprise_id = enterprise_id;
  load_record (self);
  if (self->record != NULL)
    {
      JsonObject *draft = g_hash_table_lookup (self->drafts, &enterprise_id);

      if (draft != NULL)
        {
          apply_draft (self, draft);
          show_images (self);
          update_actions (self);
        }
    }
}

gboolean
kouan_admin_enterprise_page_save (KouanAdminEnterprisePage *self)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *first_bad = NULL;

  g_return_val_if_fail (KOUAN_IS_ADMIN_ENTERPRISE_PAGE (self), FALSE);

  fields = changed_fields (self);
  members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    {
      int index = field_index (l->data);
      g_autofree char *message = NULL;

      if (index < 0)
        continue;
      message = kouan_admin_check_field (KOUAN_COLLECTION_ENTERPRISE_SETTINGS, l->data,
                                         json_object_get_member (fields, l->data));
      show_error (self, index, message);
      if (message != NULL && (first_bad == NULL || index < field_index (gtk_widget_get_name (first_bad))))
        first_bad = self->entries[index];
    }
  if (first_bad != NULL)
    {
      kouan_admin_toast_failed (GTK_WIDGET (self), _("Correct the marked fields, then save again"));
      gtk_widget_grab_focus (first_bad);
      return FALSE;
    }
  if (json_object_get_size (fields) == 0)
    return TRUE;

  if (!kouan_admin_enqueue (GTK_WIDGET (self), self->enterprise_id,
                            KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "update",
                            self->enterprise_id, fields, &error))
    {
      g_warning ("Saving the enterprise settings: %s", error->message);
      kouan_admin_toast_failed (GTK_WIDGET (self), _("The changes could not be saved"));
      return FALSE;
    }

  /* The store now shows the edit; the upload ids are in the record. */
  for (guint slot = 0; slot < 2; slot++)
    {
      self->image_ids[slot] = 0;
      self->image_cleared[slot] = FALSE;
      g_clear_object (&self->previews[slot]);
    }
  g_hash_table_remove (self->drafts, &self->enterprise_id);
  load_record (self);
  kouan_admin_toast_saved (GTK_WIDGET (self), NULL, FALSE);
  return TRUE;
}

/* Enter in a field saves, as Ctrl+S does */
static void
on_entry_activated (KouanAdminEnterprisePage *self)
{
  kouan_admin_enterprise_page_save (self);
}

static void
on_save (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  kouan_admin_enterprise_page_save (KOUAN_ADMIN_ENTERPRISE_PAGE (widget));
}

static void
revert (KouanAdminEnterprisePage *self)
{
  g_hash_table_remove (self->drafts, &self->enterprise_id);
  reset_form (self);
  load_record (self);
}

static void
on_revert_response (AdwMessageDialog         *dialog,
                    const char               *response,
                    KouanAdminEnterprisePage *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    revert (self);
}

/* Unsaved edits cannot come back once discarded: asked first, the button
 * named for what it does. */
static void
on_revert (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  KouanAdminEnterprisePage *self = KOUAN_ADMIN_ENTERPRISE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Discard Unsaved Changes?"),
                                   _("The fields go back to the enterprise's saved settings."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard Changes"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_widget_set_name (dialog, "discard-changes-dialog");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_revert_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- choosing pictures ---------------------------------------------- */

typedef struct {
  KouanAdminEnterprisePage *self;
  guint                     slot;
} ImagePick;

static void
on_image_uploaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ImagePick *pick = user_data;
  KouanAdminEnterprisePage *self = pick->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 id = kouan_admin_image_upload_finish (result, &texture, &error);

  if (id > 0)
    {
      self->image_ids[pick->slot] = id;
      self->image_cleared[pick->slot] = FALSE;
      g_set_object (&self->previews[pick->slot], texture);
      set_avatar (self, pick->slot, texture);
      show_image_error (self, pick->slot, NULL);
      update_actions (self);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_image_error (self, pick->slot, error->message);

  g_object_unref (self);
  g_free (pick);
}

static void
on_image_file (GFile    *file,
               gpointer  data)
{
  ImagePick *pick = data;

  if (file == NULL)
    {
      g_object_unref (pick->self);
      g_free (pick);
      return;
    }
  kouan_admin_image_upload_async (GTK_WIDGET (pick->self), pick->self->enterprise_id, file,
                                  pick->self->cancellable, on_image_uploaded, pick);
}

static void
on_choose_image (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KouanAdminEnterprisePage *self = KOUAN_ADMIN_ENTERPRISE_PAGE (widget);
  ImagePick *pick = g_new0 (ImagePick, 1);

  pick->self = g_object_ref (self);
  pick->slot = g_variant_get_int32 (parameter) == 0 ? 0 : 1;
  kouan_image_chooser_open (widget, pick->slot == 0 ? _("Choose the logo") : _("Choose the seal"),
                          on_image_file, pick);
}

static void
on_remove_image (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KouanAdminEnterprisePage *self = KOUAN_ADMIN_ENTERPRISE_PAGE (widget);
  guint slot = g_variant_get_int32 (parameter) == 0 ? 0 : 1;

  /* a draft like any edit: 保存 sends it, 还原 brings the picture back */
  self->image_ids[slot] = 0;
  self->image_cleared[slot] = TRUE;
  g_clear_object (&self->previews[slot]);
  set_avatar (self, slot, NULL);
  show_image_error (self, slot, NULL);
  update_actions (self);
}

/* ---- building ------------------------------------------------------- */

static void
json_object_unref_maybe (gpointer object)
{
  json_object_unref (object);
}

static void
kouan_admin_enterprise_page_dispose (GObject *object)
{
  KouanAdminEnterprisePage *self = KOUAN_ADMIN_ENTERPRISE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_weak_pointer (&self->store);
  if (self->admin != NULL)
    g_signal_handlers_disconnect_by_data (self->admin, self);
  g_clear_weak_pointer (&self->admin);
  for (guint slot = 0; slot < 2; slot++)
    g_clear_object (&self->previews[slot]);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_ADMIN_ENTERPRISE_PAGE);

  G_OBJECT_CLASS (kouan_admin_enterprise_page_parent_class)->dispose (object);
}

static void
kouan_admin_enterprise_page_finalize (GObject *object)
{
  KouanAdminEnterprisePage *self = KOUAN_ADMIN_ENTERPRISE_PAGE (object);

  g_clear_pointer (&self->record, json_object_unref);
  g_clear_pointer (&self->drafts, g_hash_table_unref);

  G_OBJECT_CLASS (kouan_admin_enterprise_page_parent_class)->finalize (object);
}

static void
kouan_admin_enterprise_page_class_init (KouanAdminEnterprisePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_admin_enterprise_page_dispose;
  object_class->finalize = kouan_admin_enterprise_page_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-admin-enterprise-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, box);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, draft_label);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, form);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, logo_avatar);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, logo_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, save_button);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, seal_avatar);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, seal_row);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, stack);
  gtk_widget_class_bind_template_child (widget_class, KouanAdminEnterprisePage, unavailable_page);
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *row = g_strconcat (form_fields[i], "_row", NULL);
      g_autofree char *error_row = g_strconcat (form_fields[i], "_error_row", NULL);
      g_autofree char *error = g_strconcat (form_fields[i], "_error", NULL);

      gtk_widget_class_bind_template_child_full (widget_class, row, FALSE,
                                                 G_STRUCT_OFFSET (KouanAdminEnterprisePage, entries) + i * sizeof (GtkWidget *));
      gtk_widget_class_bind_template_child_full (widget_class, error_row, FALSE,
                                                 G_STRUCT_OFFSET (KouanAdminEnterprisePage, error_rows) + i * sizeof (GtkWidget *));
      gtk_widget_class_bind_template_child_full (widget_class, error, FALSE,
                                                 G_STRUCT_OFFSET (KouanAdminEnterprisePage, errors) + i * sizeof (GtkWidget *));
    }
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "enterprise.save", NULL, on_save);
  gtk_widget_class_install_action (widget_class, "enterprise.revert", NULL, on_revert);
  gtk_widget_class_install_action (widget_class, "enterprise.choose-image", "i", on_choose_image);
  gtk_widget_class_install_action (widget_class, "enterprise.remove-image", "i", on_remove_image);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "enterprise.save", NULL);
}

static void
kouan_admin_enterprise_page_init (KouanAdminEnterprisePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->drafts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, json_object_unref_maybe);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (self->action_bar, FALSE);
  update_actions (self);
}

static void
on_realize (KouanAdminEnterprisePage *self)
{
  if (self->admin != NULL)
    on_enterprise_changed (self->admin, NULL, self);
}

GtkWidget *
kouan_admin_enterprise_page_new (KouanAdminView *admin)
{
  KouanAdminEnterprisePage *self = g_object_new (KOUAN_TYPE_ADMIN_ENTERPRISE_PAGE, NULL);

  g_set_weak_pointer (&self->admin, admin);
  g_signal_connect (admin, "notify::enterprise-id", G_CALLBACK (on_enterprise_changed), self);
  /* the store is the window's: known once the page is in it */
  g_signal_connect (self, "realize", G_CALLBACK (on_realize), NULL);
  return GTK_WIDGET (self);
}

GtkWidget *
kouan_admin_enterprise_page_get_entry (KouanAdminEnterprisePage *self,
                                       const char               *field)
{
  int index = field_index (field);

  g_return_val_if_fail (KOUAN_IS_ADMIN_ENTERPRISE_PAGE (self), NULL);
  return index >= 0 ? self->entries[index] : NULL;
}

GtkWidget *
kouan_admin_enterprise_page_get_error (KouanAdminEnterprisePage *self,
                                       const char               *field)
{
  int index = field_index (field);

  g_return_val_if_fail (KOUAN_IS_ADMIN_ENTERPRISE_PAGE (self), NULL);
  return index >= 0 ? self->errors[index] : NULL;
}

GtkWidget *
kouan_admin_enterprise_page_get_save_button (KouanAdminEnterprisePage *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_ENTERPRISE_PAGE (self), NULL);
  return self->save_button;
}
