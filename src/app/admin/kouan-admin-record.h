/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One record of an admin list (a role, a member, a department, an audit
 * entry) as the server sent it, for GListModels of the admin pages. */

#define KOUAN_TYPE_ADMIN_RECORD (kouan_admin_record_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminRecord, kouan_admin_record, KOUAN, ADMIN_RECORD, GObject)

/* @object: (transfer none) */
KouanAdminRecord *kouan_admin_record_new        (JsonObject       *object);
JsonObject       *kouan_admin_record_get_object (KouanAdminRecord *self);
gint64            kouan_admin_record_get_id     (KouanAdminRecord *self);
/* "" when absent or null */
const char       *kouan_admin_record_get_string (KouanAdminRecord *self,
                                                 const char       *member);
/* 0 when absent or null */
gint64            kouan_admin_record_get_int    (KouanAdminRecord *self,
                                                 const char       *member);
/* Compares two records by @member (a string or an integer member), for
 * GtkCustomSorter with the member name as user data. */
int               kouan_admin_record_compare    (gconstpointer     a,
                                                 gconstpointer     b,
                                                 gpointer          member);

G_END_DECLS
