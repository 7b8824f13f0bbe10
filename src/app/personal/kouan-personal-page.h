/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* 个人中心: 个人资料 (profile, avatar, declarant's seal and its preview on a
 * declaration form), 账号管理 (details, password, the IC card login
 * "单一IC卡登录 — 点击登录" = win.card-login, sessions), 企业信息 (bound
 * enterprises, joining, leaving, certification) and 申报偏好 (declaration
 * preferences; it was also called 企业设置, like the administrator's page,
 * hence the new name). Adaptive: the list of these and the sub-page fold
 * into one with a back button when narrow. */

#define KOUAN_TYPE_PERSONAL_PAGE (kouan_personal_page_get_type ())
G_DECLARE_FINAL_TYPE (KouanPersonalPage, kouan_personal_page, KOUAN, PERSONAL_PAGE, GtkWidget)

/* @method: (nullable) the session's "password" or "card"; NULL offline */
void         kouan_personal_page_set_session_method (KouanPersonalPage *self,
                                                     const char        *method);
void         kouan_personal_page_set_context        (KouanPersonalPage *self,
                                                     KouanClient       *client,
                                                     KouanStore        *store,
                                                     gint64             user_id,
                                                     const char        *account);
void         kouan_personal_page_set_enterprise_id  (KouanPersonalPage *self,
                                                     gint64             enterprise_id);
/* (transfer floating) the user's AdwAvatar for the window's sidebar, kept
 * up to date by the page: their picture, or the initials of their name
 * while there is none */
GtkWidget   *kouan_personal_page_create_header_avatar (KouanPersonalPage *self);

/* For the UI tests */
GtkButton   *_kouan_personal_page_get_card_login_button (KouanPersonalPage *self);
/* (transfer none) the KouanPersonalCards group of 账号管理 */
GtkWidget   *_kouan_personal_page_get_cards             (KouanPersonalPage *self);
const char  *_kouan_personal_page_get_method_text       (KouanPersonalPage *self);
void         _kouan_personal_page_show                  (KouanPersonalPage *self,
                                                         const char        *page);
GtkEditable *_kouan_personal_page_get_name_entry        (KouanPersonalPage *self);
/* (transfer full): the 我的角色与权限期限 rows, one a line, or its empty state */
char        *_kouan_personal_page_get_roles_text        (KouanPersonalPage *self);
/* (transfer full): a grant {"role", "starts_on", "ends_on"} as its row
 * says it, judged on @today (YYYY-MM-DD; NULL: today in China) */
char        *_kouan_personal_describe_grant             (JsonObject        *grant,
                                                         const char        *today);
GtkButton   *_kouan_personal_page_get_profile_save_button (KouanPersonalPage *self);
gboolean     _kouan_personal_page_get_profile_dirty     (KouanPersonalPage *self);
/* Uses @path as the new avatar (as if chosen in the file chooser); @done
 * runs when it was uploaded or refused. */
void         _kouan_personal_page_use_avatar_file       (KouanPersonalPage *self,
                                                         const char        *path);
void         _kouan_personal_page_use_seal_file         (KouanPersonalPage *self,
                                                         const char        *path);
/* What the profile sub-page last told the user (a toast, or that the
 * profile has not been synced yet) */
const char  *_kouan_personal_page_get_profile_status    (KouanPersonalPage *self);
/* Exports the seal preview (the declaration form) to a PDF, synchronously. */
gboolean     _kouan_personal_page_export_seal_pdf       (KouanPersonalPage *self,
                                                         const char        *path,
                                                         GError           **error);
/* 企业信息 */
GtkWidget   *_kouan_personal_page_open_join_dialog      (KouanPersonalPage *self);
/* 解除绑定 on the row of @enterprise_id: asks for confirmation; returns
 * the AdwMessageDialog (responses "cancel" and "unbind"). */
GtkWidget   *_kouan_personal_page_unbind                (KouanPersonalPage *self,
                                                         gint64             enterprise_id);
guint        _kouan_personal_page_count_cards           (KouanPersonalPage *self);
/* (transfer full): each enterprise row's title and subtitle, a line each */
char        *_kouan_personal_page_get_enterprises_text  (KouanPersonalPage *self);
/* What the enterprise sub-page last told the user (as a toast) */
const char  *_kouan_personal_page_get_enterprises_status (KouanPersonalPage *self);
/* (nullable) the header bar's avatar, once created */
GtkWidget   *_kouan_personal_page_get_header_avatar     (KouanPersonalPage *self);
/* 立即认证: the form for @enterprise_id; a licence image from @path */
GtkWidget   *_kouan_personal_page_open_certify_dialog   (KouanPersonalPage *self,
                                                         gint64             enterprise_id);
void         _kouan_personal_page_use_licence_file      (GtkWidget         *dialog,
                                                         const char        *path);
/* 企业设置: the switch of preference @index (a KouanPreference) */
GtkSwitch   *_kouan_personal_page_get_preference_switch (KouanPersonalPage *self,
                                                         guint              index);
/* The adaptive layout: the leaflet (sub-page list | sub-page), a row of
 * the list by sub-page name, the back button of the sub-page's bar */
AdwLeaflet  *_kouan_personal_page_get_leaflet           (KouanPersonalPage *self);
GtkWidget   *_kouan_personal_page_get_sidebar_row       (KouanPersonalPage *self,
                                                         const char        *page);
GtkWidget   *_kouan_personal_page_get_back_button       (KouanPersonalPage *self);
/* (nullable) the sub-page shown, by name */
const char  *_kouan_personal_page_get_visible_page      (KouanPersonalPage *self);
/* (nullable) the seal preview window last opened */
GtkWindow   *_kouan_personal_page_get_seal_preview      (KouanPersonalPage *self);

G_END_DECLS
