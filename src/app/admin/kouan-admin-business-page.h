/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "admin/kouan-admin-view.h"

G_BEGIN_DECLS

/* 业务设置: the enterprise's business operations as switches, each with a
 * line saying what it does; the aircraft declaration time can be set only
 * while aircraft automatic declaration is on (the control says why
 * otherwise). A switch takes effect when flipped. */

#define KOUAN_TYPE_ADMIN_BUSINESS_PAGE (kouan_admin_business_page_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminBusinessPage, kouan_admin_business_page, KOUAN, ADMIN_BUSINESS_PAGE, GtkWidget)

GtkWidget *kouan_admin_business_page_new        (KouanAdminView *admin);
/* For tests: the switch of @field ("aircraft_auto", …), the time control
 * and the line saying why it is insensitive */
GtkWidget *kouan_admin_business_page_get_switch (KouanAdminBusinessPage *self,
                                                 const char             *field);
GtkWidget *kouan_admin_business_page_get_time   (KouanAdminBusinessPage *self);
GtkWidget *kouan_admin_business_page_get_time_reason (KouanAdminBusinessPage *self);

G_END_DECLS
