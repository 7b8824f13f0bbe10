/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* 个人中心: 个人资料 (profile, avatar, declarant's seal and its preview on a
 * declaration form), 账号管理 (details, password, the IC card login
 * "单一IC卡登录 — 点击登录" = win.card-login, sessions), 企业信息 (bound
 * enterprises, joining, leaving, certification) and 企业设置 (declaration
 * preferences). */

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
/* (transfer floating) a small picture of the user's avatar for the header
 * bar, kept up to date by the page (hidden while there is none) */
GtkWidget   *kouan_personal_page_create_header_avatar (KouanPersonalPage *self);

/* For the UI tests */
GtkButton   *_kouan_personal_page_get_card_login_button (KouanPersonalPage *self);
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
GtkLabel    *_kouan_personal_page_get_profile_status_label (KouanPersonalPage *self);
gboolean     _kouan_personal_page_get_profile_dirty     (KouanPersonalPage *self);
/* Uses @path as the new avatar (as if chosen in the file chooser); @done
 * runs when it was uploaded or refused. */
void         _kouan_personal_page_use_avatar_file       (KouanPersonalPage *self,
                                                         const char        *path);
void         _kouan_personal_page_use_seal_file         (KouanPersonalPage *self,
                                                         const char        *path);
const char  *_kouan_personal_page_get_profile_status    (KouanPersonalPage *self);
/* Exports the seal preview (the declaration form) to a PDF, synchronously. */
gboolean     _kouan_personal_page_export_seal_pdf       (KouanPersonalPage *self,
                                                         const char        *path,
                                                         GError           **error);
/* 企业信息 */
GtkWidget   *_kouan_personal_page_open_join_dialog      (KouanPersonalPage *self);
/* The × of the card of @enterprise_id: asks for confirmation; returns the
 * dialog. */
GtkWidget   *_kouan_personal_page_unbind                (KouanPersonalPage *self,
                                                         gint64             enterprise_id);
guint        _kouan_personal_page_count_cards           (KouanPersonalPage *self);
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

G_END_DECLS
