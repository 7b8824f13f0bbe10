/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-enterprise.h"
#include "kouan-image.h"
#include "kouan-personal-page-private.h"
#include "kouan-window.h"

/* 个人中心: a leaflet of the sub-page list and the sub-page, which fold
 * into one (with a back button) when the window is narrow. Every
 * sub-page reads the cache and follows it ("changed"): names, avatars,
 * enterprises, certification and roles are never set once per login or
 * per selection. Edits go through the outbox; the forms with text share
 * one Save, at the end of the sub-page's header bar. */

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

GtkWindow *
_kouan_personal_page_get_window (KouanPersonalPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
_kouan_personal_page_toast (KouanPersonalPage *self,
                            const char        *text)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), KOUAN_TYPE_WINDOW);
  AdwToast *toast;

  if (window == NULL)
    {
      g_message ("%s", text);
      return;
    }
  toast = adw_toast_new (text);
  /* Errors and confirmations are read in full before they go. */
  adw_toast_set_timeout (toast, 5);
  kouan_window_add_toast (KOUAN_WINDOW (window), toast);
}

void
_kouan_personal_page_toast_queued (KouanPersonalPage *self)
{
  if (self->method == NULL)
    _kouan_personal_page_toast (self, _("Saved on this computer. It reaches the server when you are online."));
  else
    _kouan_personal_page_toast (self, _("Saved. It reaches the server with the next sync."));
}

/* ---- the sub-page bar: title, unsaved changes, Save ---------------------- */

static gboolean
visible_page_is (KouanPersonalPage *self,
                 const char        *name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->stack)), name) == 0;
}

void
_kouan_personal_page_update_save (KouanPersonalPage *self)
{
  gboolean has_form = visible_page_is (self, "profile") || visible_page_is (self, "account");
  gboolean dirty = FALSE;
  GtkStackPage *page = gtk_stack_get_page (GTK_STACK (self->stack),
                                           gtk_stack_get_visible_child (GTK_STACK (self->stack)));

  if (visible_page_is (self, "profile"))
    dirty = _kouan_personal_profile_get_dirty (KOUAN_PERSONAL_PROFILE (self->profile));
  else if (visible_page_is (self, "account"))
    dirty = _kouan_personal_account_get_dirty (KOUAN_PERSONAL_ACCOUNT (self->account));

  /* "Unsaved changes" appears by opacity in the bar below the form:
   * nothing moves as the user starts typing. */
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->content_title),
                              page != NULL ? gtk_stack_page_get_title (page) : "");
  gtk_widget_set_opacity (self->draft_label, dirty ? 1.0 : 0.0);
  gtk_widget_set_visible (self->save_bar, has_form);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "personal.save", has_form && dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "personal.revert", has_form && dirty);
}

static void
on_save (GtkWidget  *widget,
         const char *action,
         GVariant   *parameter)
{
  KouanPersonalPage *self = KOUAN_PERSONAL_PAGE (widget);

  if (visible_page_is (self, "profile"))
    _kouan_personal_profile_save (KOUAN_PERSONAL_PROFILE (self->profile));
  else if (visible_page_is (self, "account"))
    _kouan_personal_account_save (KOUAN_PERSONAL_ACCOUNT (self->account));
}

static void
on_revert (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  KouanPersonalPage *self = KOUAN_PERSONAL_PAGE (widget);

  if (visible_page_is (self, "profile"))
    _kouan_personal_profile_revert (KOUAN_PERSONAL_PROFILE (self->profile));
  else if (visible_page_is (self, "account"))
    _kouan_personal_account_revert (KOUAN_PERSONAL_ACCOUNT (self->account));
}

static void
on_back (GtkWidget  *widget,
         const char *action,
         GVariant   *parameter)
{
  KouanPersonalPage *self = KOUAN_PERSONAL_PAGE (widget);

  adw_leaflet_navigate (ADW_LEAFLET (self->leaflet), ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (self->sidebar_list);
}

static void
select_row (KouanPersonalPage *self,
            const char        *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (self->sidebar_list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      gtk_list_box_select_row (GTK_LIST_BOX (self->sidebar_list), GTK_LIST_BOX_ROW (row));
}

/* Sub-pages change on activation (click, Enter, Space), never because
 * the focus passes over a row. */
static void
on_sidebar_row_activated (KouanPersonalPage *self,
                          GtkListBoxRow     *row)
{
  _kouan_personal_page_show (self, gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "content");
}

/* Join requests are decided elsewhere: look again whenever the user comes
 * to the enterprise page. */
static void
on_visible_page_changed (KouanPersonalPage *self)
{
  const char *name = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));

  if (g_strcmp0 (name, "enterprises") == 0)
    _kouan_personal_enterprises_load_requests (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
  select_row (self, name);
  _kouan_personal_page_update_save (self);
}

/* ---- the session ---------------------------------------------------------- */

void
kouan_personal_page_set_session_method (KouanPersonalPage *self,
                                        const char        *method)
{
  g_return_if_fail (KOUAN_IS_PERSONAL_PAGE (self));

  g_free (self->method);
  self->method = g_strdup (method);
  _kouan_personal_account_set_method (KOUAN_PERSONAL_ACCOUNT (self->account), method);
}

static void
on_store_changed (KouanPersonalPage *self,
                  const char        *collection,
                  gint64             enterprise_id)
{
  if (g_strcmp0 (collection, "profile") == 0)
    {
      _kouan_personal_profile_reload (KOUAN_PERSONAL_PROFILE (self->profile));
      _kouan_personal_account_reload (KOUAN_PERSONAL_ACCOUNT (self->account));
    }
  else if (g_strcmp0 (collection, "preferences") == 0 && enterprise_id == self->enterprise_id)
    _kouan_personal_preferences_reload (KOUAN_PERSONAL_PREFERENCES (self->preferences));
  else if (g_strcmp0 (collection, "certification") == 0 || g_strcmp0 (collection, "enterprise") == 0)
    _kouan_personal_enterprises_reload (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
  else if (g_strcmp0 (collection, "access") == 0 && enterprise_id == self->enterprise_id)
    _kouan_personal_account_reload_roles (KOUAN_PERSONAL_ACCOUNT (self->account));
}

static void
on_outbox_changed (KouanPersonalPage *self)
{
  _kouan_personal_enterprises_outbox_changed (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
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
  g_signal_connect_object (store, "outbox-changed", G_CALLBACK (on_outbox_changed), self, G_CONNECT_SWAPPED);
  self->user_id = user_id;
  g_free (self->account_name);
  self->account_name = g_strdup (account);

  _kouan_personal_profile_reload (KOUAN_PERSONAL_PROFILE (self->profile));
  _kouan_personal_account_reload (KOUAN_PERSONAL_ACCOUNT (self->account));
  _kouan_personal_enterprises_reload (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
  _kouan_personal_enterprises_load_requests (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
  _kouan_personal_preferences_reload (KOUAN_PERSONAL_PREFERENCES (self->preferences));
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
  _kouan_personal_enterprises_reload (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
  _kouan_personal_preferences_reload (KOUAN_PERSONAL_PREFERENCES (self->preferences));
  _kouan_personal_account_reload (KOUAN_PERSONAL_ACCOUNT (self->account));
}

GtkWidget *
kouan_personal_page_create_header_avatar (KouanPersonalPage *self)
{
  GtkWidget *avatar;

  g_return_val_if_fail (KOUAN_IS_PERSONAL_PAGE (self), NULL);
  g_return_val_if_fail (self->header_avatar == NULL, NULL);

  avatar = adw_avatar_new (32, NULL, TRUE);
  gtk_widget_set_valign (avatar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (avatar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Your avatar"), -1);
  self->header_avatar = avatar;
  g_object_add_weak_pointer (G_OBJECT (avatar), (gpointer *) &self->header_avatar);
  _kouan_personal_profile_reload (KOUAN_PERSONAL_PROFILE (self->profile));
  return avatar;
}

GtkWidget *
_kouan_personal_page_get_header_avatar (KouanPersonalPage *self)
{
  return self->header_avatar;
}

/* ---- lifecycle ------------------------------------------------------------ */

static void
kouan_personal_page_dispose (GObject *object)
{
  KouanPersonalPage *self = KOUAN_PERSONAL_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PERSONAL_PAGE);
  if (self->header_avatar != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->header_avatar), (gpointer *) &self->header_avatar);
  self->header_avatar = NULL;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kouan_personal_page_parent_class)->dispose (object);
}

static void
kouan_personal_page_finalize (GObject *object)
{
  KouanPersonalPage *self = KOUAN_PERSONAL_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->account_name);
  g_free (self->method);

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

  g_type_ensure (KOUAN_TYPE_PERSONAL_PROFILE);
  g_type_ensure (KOUAN_TYPE_PERSONAL_ACCOUNT);
  g_type_ensure (KOUAN_TYPE_PERSONAL_ENTERPRISES);
  g_type_ensure (KOUAN_TYPE_PERSONAL_PREFERENCES);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-personal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, account);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, content_title);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, enterprises);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, preferences);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, profile);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, save_bar);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, draft_label);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalPage, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);

  gtk_widget_class_install_action (widget_class, "personal.save", NULL, on_save);
  gtk_widget_class_install_action (widget_class, "personal.revert", NULL, on_revert);
  gtk_widget_class_install_action (widget_class, "personal.back", NULL, on_back);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "personal.save", NULL);
}

static void
kouan_personal_page_init (KouanPersonalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  _kouan_personal_install_css ();
  _kouan_personal_profile_set_page (KOUAN_PERSONAL_PROFILE (self->profile), self);
  _kouan_personal_account_set_page (KOUAN_PERSONAL_ACCOUNT (self->account), self);
  _kouan_personal_enterprises_set_page (KOUAN_PERSONAL_ENTERPRISES (self->enterprises), self);
  _kouan_personal_preferences_set_page (KOUAN_PERSONAL_PREFERENCES (self->preferences), self);
  kouan_personal_page_set_session_method (self, NULL);

  g_object_bind_property (self->leaflet, "folded", self->back_button, "visible", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_page_changed), self, G_CONNECT_SWAPPED);
  on_visible_page_changed (self);
}

/* ---- for the UI tests ------------------------------------------------------- */

void
_kouan_personal_page_show (KouanPersonalPage *self,
                           const char        *page)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), page);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "content");
}

GtkWidget *
_kouan_personal_page_get_cards (KouanPersonalPage *self)
{
  return _kouan_personal_account_get_cards (KOUAN_PERSONAL_ACCOUNT (self->account));
}

GtkButton *
_kouan_personal_page_get_card_login_button (KouanPersonalPage *self)
{
  return _kouan_personal_account_get_card_login_button (KOUAN_PERSONAL_ACCOUNT (self->account));
}

const char *
_kouan_personal_page_get_method_text (KouanPersonalPage *self)
{
  return _kouan_personal_account_get_method_text (KOUAN_PERSONAL_ACCOUNT (self->account));
}

char *
_kouan_personal_page_get_roles_text (KouanPersonalPage *self)
{
  return _kouan_personal_account_get_roles_text (KOUAN_PERSONAL_ACCOUNT (self->account));
}

GtkWidget *
_kouan_personal_page_open_join_dialog (KouanPersonalPage *self)
{
  return _kouan_personal_enterprises_open_join (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
}

GtkWidget *
_kouan_personal_page_open_certify_dialog (KouanPersonalPage *self,
                                          gint64             enterprise_id)
{
  return _kouan_personal_enterprises_open_certify (KOUAN_PERSONAL_ENTERPRISES (self->enterprises),
                                                   enterprise_id);
}

GtkWidget *
_kouan_personal_page_unbind (KouanPersonalPage *self,
                             gint64             enterprise_id)
{
  return _kouan_personal_enterprises_unbind (KOUAN_PERSONAL_ENTERPRISES (self->enterprises), enterprise_id);
}

guint
_kouan_personal_page_count_cards (KouanPersonalPage *self)
{
  return _kouan_personal_enterprises_count (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
}

const char *
_kouan_personal_page_get_enterprises_status (KouanPersonalPage *self)
{
  return _kouan_personal_enterprises_get_status (KOUAN_PERSONAL_ENTERPRISES (self->enterprises));
}

GtkSwitch *
_kouan_personal_page_get_preference_switch (KouanPersonalPage *self,
                                            guint              index)
{
  return _kouan_personal_preferences_get_switch (KOUAN_PERSONAL_PREFERENCES (self->preferences), index);
}

AdwLeaflet *
_kouan_personal_page_get_leaflet (KouanPersonalPage *self)
{
  return ADW_LEAFLET (self->leaflet);
}

GtkWidget *
_kouan_personal_page_get_sidebar_row (KouanPersonalPage *self,
                                      const char        *page)
{
  for (GtkWidget *row = gtk_widget_get_first_child (self->sidebar_list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), page) == 0)
      return row;
  return NULL;
}

GtkWidget *
_kouan_personal_page_get_back_button (KouanPersonalPage *self)
{
  return self->back_button;
}

const char *
_kouan_personal_page_get_visible_page (KouanPersonalPage *self)
{
  if (adw_leaflet_get_folded (ADW_LEAFLET (self->leaflet)) &&
      g_strcmp0 (adw_leaflet_get_visible_child_name (ADW_LEAFLET (self->leaflet)), "content") != 0)
    return NULL;
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}
