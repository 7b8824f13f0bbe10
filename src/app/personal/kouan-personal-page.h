/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* 个人中心: for now only Account management, with the IC card login
 * ("单一IC卡登录 — 点击登录", the window action win.card-login) and how the
 * current session was signed in. The rest of the personal center is built
 * by a later issue; the page says so. */

#define KOUAN_TYPE_PERSONAL_PAGE (kouan_personal_page_get_type ())
G_DECLARE_FINAL_TYPE (KouanPersonalPage, kouan_personal_page, KOUAN, PERSONAL_PAGE, GtkWidget)

/* @method: (nullable) the session's "password" or "card"; NULL offline */
void         kouan_personal_page_set_session_method (KouanPersonalPage *self,
                                                     const char        *method);

/* For the UI tests */
GtkButton   *_kouan_personal_page_get_card_login_button (KouanPersonalPage *self);
const char  *_kouan_personal_page_get_method_text       (KouanPersonalPage *self);

G_END_DECLS
