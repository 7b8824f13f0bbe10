/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-collection.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* The member's own "access" record of each enterprise's change feed
 * (docs/api.md, "The login reply and the access collection"): the
 * effective permissions now, kept in the store's meta table so the window
 * can show or hide the menus when an administrator changes the member's
 * grants, without signing in again. Read-only. */
extern const KouanCollection kouan_access_collection;

/* (transfer full) (nullable): the permissions last synced for
 * @enterprise_id, NULL before the first one arrived */
GStrv kouan_store_access_get_permissions (KouanStore *store,
                                          gint64      enterprise_id);

/* (transfer full) (nullable): the member's grants in @enterprise_id as
 * last synced, each {"id", "role_id", "role", "builtin", "starts_on", "ends_on"
 * (null: open-ended), "state"} with China dates (YYYY-MM-DD); "state" is
 * the server's view when the record was last sent, so judge validity
 * against today's date. NULL before the first record with grants arrived. */
JsonArray *kouan_store_access_get_grants (KouanStore *store,
                                          gint64      enterprise_id);

G_END_DECLS
