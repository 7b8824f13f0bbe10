/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store-settings.h"
#include "admin/kouan-admin-enterprise-page.h"
#include "admin/kouan-admin-enterprise-support.h"

/* The form is built from a table of the record's text fields, so the page,
 * the shared rules (kouan-settings.c) and the record stay in step. */

typedef struct {
  const char *field;
  const char *label;
  gboolean    invoice;   /* in 开票信息, else 企业信息 */
} FormField;

static const FormField form_fields[] = {
  { "name",                  N_("Enterprise name"),                FALSE },
  { "credit_code",           N_("Unified social credit code"),     FALSE },
  { "registered_address",    N_("Registered address"),             FALSE },
  { "contact_person",        N_("Contact person"),                 FALSE },
  { "contact_phone",         N_("Contact phone"),                  FALSE },
  { "customs_code",          N_("Customs registration code"),      FALSE },
  { "invoice_title",         N_("Invoice title"),                  TRUE },
  { "taxpayer_number",       N_("Taxpayer identification number"), TRUE },
  { "bank_name",             N_("Bank"),                           TRUE },
  { "bank_account",          N_("Bank account"),                   TRUE },
  { "invoice_address_phone", N_("Address and phone on invoices"),  TRUE },
};

#define N_FIELDS G_N_ELEMENTS (form_fields)

static const char *const image_fields[] = { "logo_image", "seal_image" };

struct _KouanAdminEnterprisePage
{
  GtkWidget       parent_instance;

  /* children */
  GtkWidget      *scrolled;
  GtkWidget      *entries[N_FIELDS];
  GtkWidget      *errors[N_FIELDS];
  GtkWidget      *pictures[2];
  GtkWidget      *image_errors[2];
  GtkWidget      *draft_label;
  GtkWidget      *status_label;
  GtkWidget      *save_button;
  GtkWidget      *revert_button;
  GtkWidget      *form;
  GtkWidget      *unavailable_label;

  /* owned */
  JsonObject     *record;          /* (nullable) the cached record */
  gint64          image_ids[2];    /* chosen (uploaded) images, 0 = as in the record */
  gboolean        image_cleared[2];
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
    if (g_str_equal (form_fields[i].field, field))
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

      if (g_strcmp0 (text, record_text (self, form_fields[i].field)) != 0)
        json_object_set_string_member (fields, form_fields[i].field, text);
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
update_buttons (KouanAdminEnterprisePage *self)
{
  gboolean dirty = kouan_admin_enterprise_page_get_dirty (self);

  gtk_widget_set_sensitive (self->save_button, dirty);
  gtk_widget_set_sensitive (self->revert_button, dirty);
  gtk_widget_set_visible (self->draft_label, dirty);
}

static void
show_error (GtkWidget  *label,
            const char *message)
{
  gtk_label_set_text (GTK_LABEL (label), message != NULL ? message : "");
  gtk_widget_set_visible (label, message != NULL);
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
  if (index >= 0)
    {
      show_error (self->errors[index], NULL);
      gtk_widget_remove_css_class (self->entries[index], "error");
    }
  gtk_label_set_text (GTK_LABEL (self->status_label), "");
  update_buttons (self);
}

static void
on_image_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GtkWidget *picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = kouan_admin_image_load_finish (result, &error);

  if (texture != NULL)
    gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Loading an enterprise image: %s", error->message);
  g_object_unref (picture);
}

static void
show_images (KouanAdminEnterprisePage *self)
{
  for (guint slot = 0; slot < 2; slot++)
    {
      gint64 id = self->image_ids[slot] > 0 ? self->image_ids[slot] : record_image (self, slot);

      if (self->image_cleared[slot])
        id = 0;
      if (id == 0)
        {
          gtk_picture_set_paintable (GTK_PICTURE (self->pictures[slot]), NULL);
          continue;
        }
      if (self->image_ids[slot] > 0)
        continue;  /* the preview of a new upload is already shown */
      kouan_admin_image_load_async (GTK_WIDGET (self), self->enterprise_id, id, self->cancellable,
                                    on_image_loaded, g_object_ref (self->pictures[slot]));
    }
}

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

  gtk_widget_set_visible (self->form, self->record != NULL);
  gtk_widget_set_visible (self->unavailable_label, self->record == NULL);
  if (self->record == NULL)
    return;

  self->loading = TRUE;
  for (guint i = 0; i < N_FIELDS; i++)
    if (!json_object_has_member (draft, form_fields[i].field))
      gtk_editable_set_text (GTK_EDITABLE (self->entries[i]), record_text (self, form_fields[i].field));
  self->loading = FALSE;
  show_images (self);
  update_buttons (self);
}

static void
apply_draft (KouanAdminEnterprisePage *self,
             JsonObject               *draft)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (json_object_has_member (draft, form_fields[i].field))
      gtk_editable_set_text (GTK_EDITABLE (self->entries[i]),
                             json_object_get_string_member (draft, form_fields[i].field));
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
      show_error (self->errors[i], NULL);
      gtk_widget_remove_css_class (self->entries[i], "error");
    }
  for (guint slot = 0; slot < 2; slot++)
    {
      self->image_ids[slot] = 0;
      self->image_cleared[slot] = FALSE;
      show_error (self->image_errors[slot], NULL);
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
    {
      show_error (self->errors[index], text);
      gtk_widget_add_css_class (self->entries[index], "error");
    }
  gtk_label_set_text (GTK_LABEL (self->status_label), index >= 0 ? _("The server did not accept the change") : text);
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
          update_buttons (self);
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
      g_autofree char *message = kouan_admin_check_field (KOUAN_COLLECTION_ENTERPRISE_SETTINGS, l->data,
                                                          json_object_get_member (fields, l->data));

      if (index < 0)
        continue;
      show_error (self->errors[index], message);
      if (message != NULL)
        {
          gtk_widget_add_css_class (self->entries[index], "error");
          if (first_bad == NULL)
            first_bad = self->entries[index];
        }
    }
  if (first_bad != NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status_label), _("Correct the marked fields, then save again"));
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
      gtk_label_set_text (GTK_LABEL (self->status_label), _("The changes could not be saved"));
      return FALSE;
    }

  /* The store now shows the edit; the upload ids are in the record. */
  for (guint slot = 0; slot < 2; slot++)
    {
      self->image_ids[slot] = 0;
      self->image_cleared[slot] = FALSE;
    }
  g_hash_table_remove (self->drafts, &self->enterprise_id);
  load_record (self);
  gtk_label_set_text (GTK_LABEL (self->status_label),
                      _("Saved. The server receives the changes as soon as it can be reached."));
  return TRUE;
}

static void
on_save_clicked (KouanAdminEnterprisePage *self)
{
  kouan_admin_enterprise_page_save (self);
}

static void
on_revert_clicked (KouanAdminEnterprisePage *self)
{
  g_hash_table_remove (self->drafts, &self->enterprise_id);
  reset_form (self);
  load_record (self);
}

/* ---- images --------------------------------------------------------- */

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
      gtk_picture_set_paintable (GTK_PICTURE (self->pictures[pick->slot]), GDK_PAINTABLE (texture));
      show_error (self->image_errors[pick->slot], NULL);
      update_buttons (self);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self->image_errors[pick->slot], error->message);

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
on_choose_image (GtkButton                *button,
                 KouanAdminEnterprisePage *self)
{
  ImagePick *pick = g_new0 (ImagePick, 1);
  guint slot = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "slot"));

  pick->self = g_object_ref (self);
  pick->slot = slot;
  kouan_admin_pick_image (GTK_WIDGET (self), slot == 0 ? _("Choose the LOGO") : _("Choose the seal"),
                          on_image_file, pick);
}

static void
on_remove_image (GtkButton                *button,
                 KouanAdminEnterprisePage *self)
{
  guint slot = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "slot"));

  self->image_ids[slot] = 0;
  self->image_cleared[slot] = TRUE;
  gtk_picture_set_paintable (GTK_PICTURE (self->pictures[slot]), NULL);
  update_buttons (self);
}

/* ---- building ------------------------------------------------------- */

static GtkWidget *
section_title (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 12);
  return label;
}

static GtkWidget *
error_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_visible (label, FALSE);
  return label;
}

static void
add_field (KouanAdminEnterprisePage *self,
           GtkWidget                *grid,
           guint                     index,
           int                       row)
{
  GtkWidget *label = gtk_label_new (_(form_fields[index].label));
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *error = error_label ();

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_widget_set_name (entry, form_fields[index].field);
  gtk_widget_set_hexpand (entry, TRUE);
  /* The mnemonic label names the entry (labelled-by); an explicit label
   * on top would make GTK 4.8 read the name twice. The error is read out
   * with the field. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  error, NULL, -1);
  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), self);
  g_signal_connect_swapped (entry, "activate", G_CALLBACK (on_save_clicked), self);
  gtk_grid_attach (GTK_GRID (grid), label, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), entry, 1, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), error, 1, row + 1, 1, 1);
  self->entries[index] = entry;
  self->errors[index] = error;
}

static GtkWidget *
image_box (KouanAdminEnterprisePage *self,
           guint                     slot,
           const char               *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("C_hoose…"));
  GtkWidget *remove = gtk_button_new_with_label (_("Remove"));
  g_autofree char *choose_label = g_strdup_printf (_("Choose %s"), title);
  g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), title);

  gtk_box_append (GTK_BOX (box), section_title (title));
  self->pictures[slot] = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (self->pictures[slot]), TRUE);
  gtk_widget_set_size_request (self->pictures[slot], 120, 120);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pictures[slot]),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_frame_set_child (GTK_FRAME (frame), self->pictures[slot]);
  gtk_widget_set_halign (frame, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), frame);

  g_object_set_data (G_OBJECT (choose), "slot", GUINT_TO_POINTER (slot));
  g_object_set_data (G_OBJECT (remove), "slot", GUINT_TO_POINTER (slot));
  gtk_accessible_update_property (GTK_ACCESSIBLE (choose), GTK_ACCESSIBLE_PROPERTY_LABEL, choose_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect (choose, "clicked", G_CALLBACK (on_choose_image), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_image), self);
  gtk_box_append (GTK_BOX (buttons), choose);
  gtk_box_append (GTK_BOX (buttons), remove);
  gtk_box_append (GTK_BOX (box), buttons);

  self->image_errors[slot] = error_label ();
  gtk_box_append (GTK_BOX (box), self->image_errors[slot]);
  gtk_box_append (GTK_BOX (box), gtk_label_new (_("PNG or JPEG, at most 1 MiB, 4096 pixels a side and 4 megapixels")));
  gtk_widget_add_css_class (gtk_widget_get_last_child (box), "dim-label");
  return box;
}

static void
build (KouanAdminEnterprisePage *self)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_label_new (_("Enterprise Settings"));
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *images = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  int row = 0;

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));

  gtk_widget_set_margin_start (outer, 24);
  gtk_widget_set_margin_end (outer, 24);
  gtk_widget_set_margin_top (outer, 18);
  gtk_widget_set_margin_bottom (outer, 18);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-2");
  gtk_box_append (GTK_BOX (outer), title);

  self->unavailable_label = gtk_label_new (_("The enterprise settings arrive with the next sync."));
  gtk_widget_add_css_class (self->unavailable_label, "dim-label");
  gtk_box_append (GTK_BOX (outer), self->unavailable_label);

  self->form = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (i == 0 || form_fields[i].invoice != form_fields[i - 1].invoice)
        {
          gtk_grid_attach (GTK_GRID (grid),
                           section_title (form_fields[i].invoice ? _("Invoice Information")
                                                                 : _("Enterprise Information")),
                           0, row++, 2, 1);
        }
      add_field (self, grid, i, row);
      row += 2;
    }
  gtk_box_append (GTK_BOX (self->form), grid);

  gtk_box_append (GTK_BOX (images), image_box (self, 0, _("LOGO")));
  gtk_box_append (GTK_BOX (images), image_box (self, 1, _("Enterprise seal")));
  gtk_box_append (GTK_BOX (self->form), images);

  self->draft_label = gtk_label_new (_("Unsaved changes: they are kept as a draft until you save or revert them"));
  gtk_label_set_xalign (GTK_LABEL (self->draft_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->draft_label), TRUE);
  gtk_widget_add_css_class (self->draft_label, "warning");
  gtk_widget_set_visible (self->draft_label, FALSE);
  gtk_box_append (GTK_BOX (self->form), self->draft_label);

  self->save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (on_save_clicked), self);
  self->revert_button = gtk_button_new_with_mnemonic (_("_Revert"));
  g_signal_connect_swapped (self->revert_button, "clicked", G_CALLBACK (on_revert_clicked), self);
  self->status_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->status_label), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Save status"), -1);
  gtk_box_append (GTK_BOX (actions), self->save_button);
  gtk_box_append (GTK_BOX (actions), self->revert_button);
  gtk_box_append (GTK_BOX (actions), self->status_label);
  gtk_box_append (GTK_BOX (self->form), actions);
  gtk_widget_set_visible (self->form, FALSE);
  gtk_box_append (GTK_BOX (outer), self->form);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), outer);
  update_buttons (self);
}

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
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);

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
}

static void
kouan_admin_enterprise_page_init (KouanAdminEnterprisePage *self)
{
  self->drafts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, json_object_unref_maybe);
  self->cancellable = g_cancellable_new ();
  build (self);
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
