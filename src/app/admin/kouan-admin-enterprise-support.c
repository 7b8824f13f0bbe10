/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kouan-image.h"
#include "kouan-image-cache.h"
#include "kouan-json.h"
#include "kouan-personal.h"
#include "kouan-settings.h"
#include "kouan-sync.h"
#include "kouan-window.h"
#include "admin/kouan-admin-business-page.h"
#include "admin/kouan-admin-enterprise-page.h"
#include "admin/kouan-admin-enterprise-support.h"
#include "admin/kouan-admin-showcase-page.h"

void
kouan_admin_enterprise_add_pages (KouanAdminView *admin)
{
  /* Titled apart from the personal center's pages (企业信息, 申报偏好):
   * in Chinese this is 企业信息设置, never a second 企业设置. */
  kouan_admin_view_add_page (admin, "admin.enterprise", _("Enterprise Settings"),
                             kouan_admin_enterprise_page_new (admin));
  kouan_admin_view_add_page (admin, "admin.business", _("Business Settings"),
                             kouan_admin_business_page_new (admin));
  kouan_admin_view_add_page (admin, "admin.showcase", _("Enterprise Showcase"),
                             kouan_admin_showcase_page_new (admin));
}

KouanStore *
kouan_admin_page_get_store (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return KOUAN_IS_WINDOW (root) ? kouan_window_get_store (KOUAN_WINDOW (root)) : NULL;
}

KouanClient *
kouan_admin_page_get_client (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return KOUAN_IS_WINDOW (root) ? kouan_window_get_client (KOUAN_WINDOW (root)) : NULL;
}

/* ---- feedback ------------------------------------------------------ */

static void
add_toast (GtkWidget *page,
           AdwToast  *toast)
{
  GtkWidget *window = gtk_widget_get_ancestor (page, KOUAN_TYPE_WINDOW);

  if (window != NULL)
    kouan_window_add_toast (KOUAN_WINDOW (window), toast);
  else
    g_object_unref (toast);
}

AdwToast *
kouan_admin_toast_saved (GtkWidget  *page,
                         const char *title,
                         gboolean    undoable)
{
  GtkWidget *window = gtk_widget_get_ancestor (page, KOUAN_TYPE_WINDOW);
  KouanSync *sync = window != NULL ? kouan_window_get_sync (KOUAN_WINDOW (window)) : NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (sync != NULL && kouan_sync_get_state (sync) == KOUAN_SYNC_STATE_OFFLINE)
    {
      g_autofree char *what = g_strdup (title != NULL ? title : _("Saved"));

      /* a sentence's full stop goes: "已禁用该成员。" + "，恢复联网后发送"
       * would read "。，" */
      if (g_str_has_suffix (what, "。"))
        what[strlen (what) - strlen ("。")] = '\0';
      else if (g_str_has_suffix (what, "."))
        what[strlen (what) - 1] = '\0';
      /* Translators: %s says what was saved, e.g. "Slide deleted" */
      text = g_strdup_printf (_("%s — sent when back online"), what);
    }
  else
    text = g_strdup (title != NULL ? title : _("Saved"));
  toast = adw_toast_new (text);
  if (undoable)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      /* long enough to find the button */
      adw_toast_set_timeout (toast, 10);
    }
  if (window == NULL)
    {
      g_object_unref (toast);
      return NULL;
    }
  /* the overlay holds it while it is shown */
  kouan_window_add_toast (KOUAN_WINDOW (window), toast);
  return toast;
}

void
kouan_admin_toast_failed (GtkWidget  *page,
                          const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 0);
  add_toast (page, toast);
}

/* ---- field errors --------------------------------------------------- */

static const char *
format_hint (const char *field)
{
  if (g_str_equal (field, "credit_code"))
    return _("18 characters: digits and capital letters");
  if (g_str_equal (field, "taxpayer_number"))
    return _("15, 18 or 20 digits or capital letters; an 18-character number is a credit code");
  if (g_str_equal (field, "bank_account"))
    return _("8 to 30 digits, without spaces");
  if (g_str_equal (field, "customs_code"))
    return _("10 characters: 4 digits, then 6 digits or capital letters");
  if (g_str_equal (field, "contact_phone"))
    return _("A phone number: digits, spaces, + - ( ), at least 5 digits");
  if (g_str_equal (field, "link") || g_str_equal (field, "url"))
    return _("An address starting with http:// or https://");
  if (g_str_equal (field, "aircraft_time"))
    return _("A time from 00:00 to 23:59");
  return _("Not in the expected form; remove spaces at the start or end");
}

static char *
rule_message (const char         *field,
              KouanSettingsError  code)
{
  switch (code)
    {
    case KOUAN_SETTINGS_ERROR_REQUIRED:
      return g_strdup (_("Required"));
    case KOUAN_SETTINGS_ERROR_TOO_LONG:
      return g_strdup (_("Too long"));
    case KOUAN_SETTINGS_ERROR_CHECK_CHARACTER:
      return g_strdup (_("The last character (the check character) does not match the others: check the code"));
    case KOUAN_SETTINGS_ERROR_DISABLED:
      return g_strdup (_("Turn on aircraft automatic declaration first"));
    case KOUAN_SETTINGS_ERROR_FORMAT:
      return g_strdup (format_hint (field));
    default:
      return g_strdup (_("This value cannot be used"));
    }
}

char *
kouan_admin_check_field (const char *collection,
                         const char *field,
                         JsonNode   *value)
{
  g_autoptr(GError) error = NULL;

  if (kouan_settings_check_field (collection, field, value, &error))
    return NULL;
  return rule_message (field, (KouanSettingsError) error->code);
}

JsonObject *
kouan_admin_take_rejection (GtkWidget  *page,
                            gint64      enterprise_id,
                            const char *collection)
{
  KouanStore *store = kouan_admin_page_get_store (page);
  g_autofree char *key = g_strdup_printf ("rejected:%s:%" G_GINT64_FORMAT, collection, enterprise_id);
  g_autofree char *text = NULL;

  if (store == NULL)
    return NULL;
  text = kouan_store_get_meta (store, key);
  if (text == NULL || text[0] == '\0')
    return NULL;
  /* Shown once: the next refusal replaces it. */
  kouan_store_set_meta (store, key, "", NULL);
  return kouan_json_parse_object (text, -1, NULL);
}

char *
kouan_admin_rejection_text (JsonObject *error)
{
  const char *code = json_object_get_string_member_with_default (error, "code", "");
  const char *reason = json_object_get_string_member_with_default (error, "reason", "");
  const char *field = NULL;
  static const char *const reasons[] = {
    "unknown", "type", "required", "too_long", "format", "check_character", "disabled",
  };

  if (json_object_has_member (error, "field") && !json_object_get_null_member (error, "field"))
    field = json_object_get_string_member (error, "field");

  if (g_str_equal (code, "forbidden"))
    return g_strdup (_("The server refused the change: your roles in this enterprise do not allow it"));
  if (g_str_equal (code, "limit_reached"))
    return g_strdup (_("The server refused the slide: the carousel already has 6; delete one first"));
  if (g_str_equal (reason, "taken"))
    return g_strdup (_("Another enterprise already uses this credit code"));
  if (g_str_equal (reason, "not_found"))
    return g_strdup (_("The picture is no longer on the server; choose it again"));
  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reason, reasons[i]))
      return rule_message (field, (KouanSettingsError) i);
  return g_strdup (_("The server refused the change"));
}

gboolean
kouan_admin_enqueue (GtkWidget   *page,
                     gint64       enterprise_id,
                     const char  *collection,
                     const char  *op,
                     gint64       record_id,
                     JsonObject  *fields,
                     GError     **error)
{
  KouanStore *store = kouan_admin_page_get_store (page);
  g_autofree char *id = NULL;

  if (store == NULL || enterprise_id <= 0)
    {
      g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                           "No enterprise is open");
      return FALSE;
    }
  id = kouan_store_enqueue (store, enterprise_id, collection, op, record_id, fields, error);
  return id != NULL;
}

/* ---- images --------------------------------------------------------- */

/* Through the window's client, so the session's token and the server's CA
 * apply to images as to every other request. */
static KouanClient *
page_client (GtkWidget  *page,
             GError    **error)
{
  KouanClient *client = kouan_admin_page_get_client (page);

  if (client == NULL || kouan_client_get_token (client) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, _("Not signed in"));
      return NULL;
    }
  return client;
}

static void
on_image_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = kouan_image_fetch_finish (result, &error);
  GdkTexture *texture;

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, texture, g_object_unref);
}

/* The one image pipeline (core/kouan-image-cache): the local cache
 * first, so the LOGO, the seal and the slides show offline like the
 * personal center's avatars; else fetched once and cached. */
void
kouan_admin_image_load_async (GtkWidget           *page,
                              gint64               enterprise_id,
                              gint64               image_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (page, cancellable, callback, user_data);

  g_task_set_source_tag (task, kouan_admin_image_load_async);
  kouan_image_fetch_async (kouan_admin_page_get_client (page), kouan_admin_page_get_store (page),
                           enterprise_id, image_id, cancellable, on_image_loaded, task);
}

GdkTexture *
kouan_admin_image_load_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  GtkWidget   *page;
  gint64       enterprise_id;
  GBytes      *bytes;
  GdkTexture  *texture;
} Upload;

static void
upload_free (Upload *upload)
{
  g_clear_object (&upload->page);
  g_clear_pointer (&upload->bytes, g_bytes_unref);
  g_clear_object (&upload->texture);
  g_free (upload);
}

static const char *
image_error_text (const GError *error)
{
  switch (error->code)
    {
    case KOUAN_IMAGE_ERROR_TYPE:       return _("Only PNG and JPEG pictures can be used");
    case KOUAN_IMAGE_ERROR_TOO_LARGE:  return _("The picture is larger than 1 MiB");
    case KOUAN_IMAGE_ERROR_DIMENSIONS: return _("The picture is too large: at most 4096 pixels a side and 4 megapixels in all");
    default:                           return _("The picture file is damaged");
    }
}

static void
on_uploaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = kouan_image_upload_finish (result, &error);

  if (id <= 0 && g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK))
    {
      g_debug ("Uploading an image: %s", error->message);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("The picture could not be uploaded: the server cannot be reached. Try again when online."));
      return;
    }
  if (id <= 0)
    {
      g_debug ("Uploading an image: %s", error != NULL ? error->message : "no id in the answer");
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               _("The server did not accept the picture"));
      return;
    }
  g_task_return_int (task, id);
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Upload *upload = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GCancellable *cancellable;
  KouanClient *client;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The same checks as the server's, before anything is sent. */
  if (!kouan_image_check ((const guint8 *) contents, length, NULL, &error))
    {
      g_task_return_new_error (task, KOUAN_IMAGE_ERROR, error->code, "%s", image_error_text (error));
      return;
    }
  upload->bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  upload->texture = gdk_texture_new_from_bytes (upload->bytes, &error);
  if (upload->texture == NULL)
    {
      g_task_return_new_error (task, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_MALFORMED, "%s",
                               _("The picture file is damaged"));
      return;
    }

  client = page_client (upload->page, &error);
  if (client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  kouan_image_upload_async (client, kouan_admin_page_get_store (upload->page), upload->enterprise_id,
                            upload->bytes, cancellable, on_uploaded, g_steal_pointer (&task));
}

void
kouan_admin_image_upload_async (GtkWidget           *page,
                                gint64               enterprise_id,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (page, cancellable, callback, user_data);
  Upload *upload = g_new0 (Upload, 1);

  g_task_set_source_tag (task, kouan_admin_image_upload_async);
  upload->page = g_object_ref (page);
  upload->enterprise_id = enterprise_id;
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  g_file_load_contents_async (file, cancellable, on_file_loaded, task);
}

gint64
kouan_admin_image_upload_finish (GAsyncResult  *result,
                                 GdkTexture   **out_texture,
                                 GError       **error)
{
  Upload *upload = g_task_get_task_data (G_TASK (result));
  gint64 id = g_task_propagate_int (G_TASK (result), error);

  if (out_texture != NULL)
    *out_texture = id > 0 && upload->texture != NULL ? g_object_ref (upload->texture) : NULL;
  return id;
}

