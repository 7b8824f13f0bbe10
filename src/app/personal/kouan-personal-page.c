/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-enterprise.h"
#include "kouan-image.h"
#include "kouan-personal-page-private.h"

/* 个人中心: 个人资料, 账号管理 (with the IC card login, the window action
 * win.card-login), 企业信息 and 企业设置. Every page reads the cache and
 * follows it ("changed"), edits go through the outbox; the account,
 * sessions and enterprise search need the server and say so offline. */

G_DEFINE_FINAL_TYPE (KouanPersonalPage, kouan_personal_page, GTK_TYPE_WIDGET)

enum {
  ENTERPRISE_LEFT,
  ENTERPRISE_JOINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_kouan_personal_page_emit_enterprise_left (KouanPersonalPage *self,
                                           gint64             enterprise_id)
{
  g_signal_emit (self, signals[ENTERPRISE_LEFT], 0, enterprise_id);
}

void
_kouan_personal_page_emit_enterprise_joined (KouanPersonalPage *self,
                                             KouanEnterprise   *enterprise)
{
  g_signal_emit (self, signals[ENTERPRISE_JOINED], 0, enterprise);
}

void
kouan_personal_page_set_session_method (KouanPersonalPage *self,
                                        const char        *method)
{
  const char *text;

  g_return_if_fail (KOUAN_IS_PERSONAL_PAGE (self));

  if (g_strcmp0 (method, "card") == 0)
    text = _("You are signed in with an IC card.");
  else if (g_strcmp0 (method, "password") == 0)
    text = _("You are signed in with your account and password.");
  else
    text = _("You are working offline with the messages saved on this computer.");
  gtk_label_set_label (GTK_LABEL (self->method_label), text);
}

static void
on_store_changed (KouanPersonalPage *self,
                  const char        *collection,
                  gint64             enterprise_id)
{
  if (g_strcmp0 (collection, "profile") == 0)
    {
      _kouan_personal_profile_reload (self);
      _kouan_personal_account_reload (self);
    }
  else if (g_strcmp0 (collection, "preferences") == 0 && enterprise_id == self->enterprise_id)
    _kouan_personal_preferences_reload (self);
  else if (g_strcmp0 (collection, "certification") == 0 || g_strcmp0 (collection, "enterprise") == 0)
    _kouan_personal_enterprises_reload (self);
  else if (g_strcmp0 (collection, "access") == 0 && enterprise_id == self->enterprise_id)
    _kouan_personal_roles_reload (self);
}

void
kouan_personal_page_set_context (KouanPersonalPage *self,
                                 KouanClient       *client,
                                 KouanStore        *store,
                                 gint64             user_id,
                                 const char        *account)
{
  g_return_if_fail (KOUAN_IS_PERSONAL_PAGE (self));
  g_return_if_fail (KOUAN_IS_CLIENT (client));
  g_return_if_fail (KOUAN_IS_STORE (store));

  g_set_object (&self->client, client);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  self->user_id = user_id;
  g_free (self->account);
  self->account = g_strdup (account);

  _kouan_personal_profile_reload (self);
  _kouan_personal_account_reload (self);
  _kouan_personal_enterprises_reload (self);
  _kouan_personal_preferences_reload (self);
}

void
kouan_personal_page_set_enterprise_id (KouanPersonalPage *self,
                                       gint64             enterprise_id)
{
  g_return_if_fail (KOUAN_IS_PERSONAL_PAGE (self));

  if (self->enterprise_id == enterprise_id)
    return;
  self->enterprise_id = enterprise_id;
  /* The profile is the user's, so a draft survives the switch; the
   * rest belongs to the enterprise. */
  _kouan_personal_enterprises_reload (self);
  _kouan_personal_preferences_reload (self);
  _kouan_personal_account_reload (self);
}

GtkWidget *
kouan_personal_page_create_header_avatar (KouanPersonalPage *self)
{
  GtkWidget *avatar;

  g_return_val_if_fail (KOUAN_IS_PERSONAL_PAGE (self), NULL);
  g_return_val_if_fail (self->header_avatar == NULL, NULL);

  avatar = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (avatar), TRUE);
  gtk_widget_set_size_request (avatar, 24, 24);
  gtk_widget_set_valign (avatar, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (avatar, FALSE);
  gtk_widget_add_css_class (avatar, "kouan-avatar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (avatar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Your avatar"), -1);
  self->header_avatar = avatar;
  g_object_add_weak_pointer (G_OBJECT (avatar), (gpointer *) &self->header_avatar);
  _kouan_personal_profile_reload (self);
  return avatar;
}

GtkWidget *
_kouan_personal_page_get_header_avatar (KouanPersonalPage *self)
{
  return self->header_avatar;
}

char *
_kouan_personal_describe_error (const GError *error,
                                KouanClient  *client)
{
  const char *code = client != NULL ? kouan_client_get_error_code (client) : NULL;

  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK))
    return g_strdup (_("The server cannot be reached. Try again when you are online."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_THROTTLED))
    return g_strdup_printf (_("Too many attempts. Try again in %u seconds."),
                            kouan_client_get_retry_after (client));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_UNAUTHORIZED))
    return g_strdup (_("Your session has ended. Log in again."));
  if (g_strcmp0 (code, "image_type") == 0)
    return g_strdup (_("Only PNG and JPEG images can be used."));
  if (g_strcmp0 (code, "image_too_large") == 0 || g_strcmp0 (code, "payload_too_large") == 0)
    return g_strdup (_("The image is larger than 1 MB."));
  if (g_strcmp0 (code, "image_dimensions") == 0)
    return g_strdup (_("The image is too large: at most 4096 pixels a side and 4 megapixels in all."));
  if (g_strcmp0 (code, "image_malformed") == 0)
    return g_strdup (_("The image file is damaged."));
  if (g_strcmp0 (code, "image_quota") == 0)
    return g_strdup (_("You have uploaded as many images to this enterprise as the server allows."));
  if (g_strcmp0 (code, "wrong_password") == 0)
    return g_strdup (_("The current password is wrong."));
  if (g_strcmp0 (code, "weak_password") == 0)
    return g_strdup (_("The new password is too weak."));
  if (g_strcmp0 (code, "last_admin") == 0)
    return g_strdup (_("You are the only administrator of this enterprise. Make another member an administrator in the Administrator Center first."));
  if (g_strcmp0 (code, "invalid_credit_code") == 0)
    return g_strdup (_("This is not a valid unified social credit code."));
  if (g_strcmp0 (code, "already_pending") == 0)
    return g_strdup (_("You have already asked to join; the enterprise's administrator has not decided yet."));
  if (g_strcmp0 (code, "already_member") == 0)
    return g_strdup (_("You are already a member of this enterprise."));
  if (error->domain == KOUAN_IMAGE_ERROR)
    {
      switch (error->code)
        {
        case KOUAN_IMAGE_ERROR_TYPE:
          return g_strdup (_("Only PNG and JPEG images can be used."));
        case KOUAN_IMAGE_ERROR_TOO_LARGE:
          return g_strdup (_("The image is larger than 1 MB."));
        case KOUAN_IMAGE_ERROR_DIMENSIONS:
          return g_strdup (_("The image is too large: at most 4096 pixels a side and 4 megapixels in all."));
        default:
          return g_strdup (_("The image file is damaged."));
        }
    }
  g_debug ("Personal center error: %s", error->message);
  return g_strdup (_("Something went wrong. Try again later."));
}

/* Join requests are decided elsewhere: look again whenever the user comes
 * to the enterprise page. */
static void
on_visible_page_changed (KouanPersonalPage *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->stack)), "enterprises") == 0)
    _kouan_personal_enterprises_reload (self);
}

static void
kouan_personal_page_dispose (GObject *object)
{
  KouanPersonalPage *self = KOUAN_PERSONAL_PAGE (object);

  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PERSONAL_PAGE);
  /* the template's layout box has no id of its own */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  if (self->header_avatar != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->header_avatar), (gpointer *) &self->header_avatar);
  self->header_avatar = NULL;
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kouan_personal_page_parent_class)->dispose (object);
}

static void
kouan_personal_page_finalize (GObject *object)
{
  KouanPersonalPage *self = KOUAN_PERSONAL_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->account);

  G_OBJECT_CLASS (kouan_personal_page_parent_class)->finalize (object);
}

static void
kouan_personal_page_class_init (KouanPersonalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_personal_page_dispose;
  object_class->finalize = kouan_personal_page_finalize;

  /* "enterprise-left" (gint64 enterprise_id): the user left it; the
   * window drops it from the switcher. */
  signals[ENTERPRISE_LEFT] =
    g_signal_new ("enterprise-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* "enterprise-joined" (KouanEnterprise *): a join request was approved;
   * the window adds it to the switcher. */
  signals[ENTERPRISE_JOINED] =
    g_signal_new ("enterprise-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, KOUAN_TYPE_ENTERPRISE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-personal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, account_box);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, card_login_button);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, card_state_label);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, enterprises_box);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, method_label);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, preferences_box);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, profile_box);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, stack);
}

static void
kouan_personal_page_init (KouanPersonalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->draft_avatar_image = -1;
  self->draft_seal_image = -1;
  kouan_personal_page_set_session_method (self, NULL);

  _kouan_personal_profile_build (self);
  _kouan_personal_account_build (self);
  _kouan_personal_enterprises_build (self);
  _kouan_personal_preferences_build (self);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_page_changed), self, G_CONNECT_SWAPPED);
}

GtkButton *
_kouan_personal_page_get_card_login_button (KouanPersonalPage *self)
{
  return GTK_BUTTON (self->card_login_button);
}

const char *
_kouan_personal_page_get_method_text (KouanPersonalPage *self)
{
  return gtk_label_get_label (GTK_LABEL (self->method_label));
}

void
_kouan_personal_page_show (KouanPersonalPage *self,
                           const char        *page)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), page);
}
