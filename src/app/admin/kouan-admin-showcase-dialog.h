/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* 新增/编辑 a slide (picture, caption, optional link) or a link (title,
 * address) of 企业风采设置: a modal dialog whose fields are checked with
 * the server's rules, each error in the row under its field; 保存 in its
 * header bar queues the edit through the page, Escape or 取消 closes it. */

#define KOUAN_TYPE_ADMIN_SHOWCASE_DIALOG (kouan_admin_showcase_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminShowcaseDialog, kouan_admin_showcase_dialog, KOUAN, ADMIN_SHOWCASE_DIALOG, AdwWindow)

typedef struct _KouanAdminShowcasePage KouanAdminShowcasePage;

/* @collection: KOUAN_COLLECTION_SHOWCASE_SLIDES or _LINKS; @record:
 * (nullable) the record edited, NULL to add one; @picture: (nullable) the
 * slide's picture as shown on the page */
GtkWidget *kouan_admin_showcase_dialog_new       (KouanAdminShowcasePage *page,
                                                  const char             *collection,
                                                  JsonObject             *record,
                                                  GdkPaintable           *picture);
/* For tests: the AdwEntryRow of @field and the label of its error */
GtkWidget *kouan_admin_showcase_dialog_get_entry (KouanAdminShowcaseDialog *self,
                                                  const char               *field);
GtkWidget *kouan_admin_showcase_dialog_get_error (KouanAdminShowcaseDialog *self,
                                                  const char               *field);
/* What 保存 does: FALSE (the dialog stays, errors shown) when refused */
gboolean   kouan_admin_showcase_dialog_save      (KouanAdminShowcaseDialog *self);

G_END_DECLS
