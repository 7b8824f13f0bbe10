/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "admin/kouan-admin-view.h"
#include "widgets/kouan-showcase-carousel.h"

G_BEGIN_DECLS

/* 企业风采设置: the carousel's slides (企业动态, at most 6: add, edit,
 * delete, move up and down) with a live preview, and the enterprise's
 * links (企业链接: 新增链接, edit, delete). Deleting says so in a toast
 * with 撤销 (Undo), which puts the record back; with no slides yet the
 * preview is an empty state saying how to add one. */

#define KOUAN_TYPE_ADMIN_SHOWCASE_PAGE (kouan_admin_showcase_page_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminShowcasePage, kouan_admin_showcase_page, KOUAN, ADMIN_SHOWCASE_PAGE, GtkWidget)

GtkWidget             *kouan_admin_showcase_page_new          (KouanAdminView *admin);
gint64                 kouan_admin_showcase_page_get_enterprise_id (KouanAdminShowcasePage *self);
/* Queues the dialog's create (@record_id 0) or update of @collection;
 * FALSE (a toast says why) when it could not be queued. */
gboolean               kouan_admin_showcase_page_submit       (KouanAdminShowcasePage *self,
                                                               const char             *collection,
                                                               gint64                  record_id,
                                                               JsonObject             *fields);
/* For tests */
KouanShowcaseCarousel *kouan_admin_showcase_page_get_carousel (KouanAdminShowcasePage *self);
GtkWidget             *kouan_admin_showcase_page_get_add_slide_button (KouanAdminShowcasePage *self);
GtkWidget             *kouan_admin_showcase_page_get_add_slide_reason (KouanAdminShowcasePage *self);
guint                  kouan_admin_showcase_page_get_n_links  (KouanAdminShowcasePage *self);
/* the id of link @index (0 past the end) */
gint64                 kouan_admin_showcase_page_get_link_id  (KouanAdminShowcasePage *self,
                                                               guint                   index);
/* (transfer none) (nullable): the toast of the last deletion, while shown */
AdwToast              *kouan_admin_showcase_page_get_undo_toast (KouanAdminShowcasePage *self);
/* Opens the 新增链接 dialog and returns it (transfer none) */
GtkWidget             *kouan_admin_showcase_page_add_link     (KouanAdminShowcasePage *self);

G_END_DECLS
