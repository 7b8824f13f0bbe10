/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "admin/kouan-admin-view.h"

G_BEGIN_DECLS

/* 业务设置: the enterprise's business operations as switch rows, each
 * with a line saying what it does; a switch takes effect when flipped (a
 * toast says so). The aircraft declaration time can be set only while
 * aircraft automatic declaration is on (its row says why otherwise) and
 * is sent with 保存 in the bar at the bottom, as on every admin form. */

#define KOUAN_TYPE_ADMIN_BUSINESS_PAGE (kouan_admin_business_page_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminBusinessPage, kouan_admin_business_page, KOUAN, ADMIN_BUSINESS_PAGE, GtkWidget)

GtkWidget *kouan_admin_business_page_new        (KouanAdminView *admin);
/* For tests: the switch of @field ("aircraft_auto", …), the time row,
 * the reason it shows while insensitive (NULL when usable), its hour and
 * minute spin buttons and the page's 保存 button */
GtkWidget  *kouan_admin_business_page_get_switch      (KouanAdminBusinessPage *self,
                                                       const char             *field);
GtkWidget  *kouan_admin_business_page_get_time        (KouanAdminBusinessPage *self);
const char *kouan_admin_business_page_get_time_reason (KouanAdminBusinessPage *self);
GtkWidget  *kouan_admin_business_page_get_hour        (KouanAdminBusinessPage *self);
GtkWidget  *kouan_admin_business_page_get_minute      (KouanAdminBusinessPage *self);
GtkWidget  *kouan_admin_business_page_get_save_button (KouanAdminBusinessPage *self);

G_END_DECLS
