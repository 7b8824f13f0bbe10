/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include "kouan-collection.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* The enterprise settings collections in the store (kouan-settings.h
 * names them): small documents — one record per enterprise for the
 * settings, a handful for slides and links — kept whole as JSON and read
 * whole by the admin pages. */

/* (transfer full): a copy of the record; NULL with
 * KOUAN_STORE_ERROR_NOT_FOUND when it is not in the cache. */
JsonObject *kouan_store_get_settings  (KouanStore   *self,
                                       gint64        enterprise_id,
                                       const char   *collection,
                                       gint64        id,
                                       GError      **error);
/* (transfer full) (element-type JsonObject): the collection's records in
 * display order (position, then id; records created offline last). */
GPtrArray  *kouan_store_list_settings (KouanStore   *self,
                                       gint64        enterprise_id,
                                       const char   *collection,
                                       GError      **error);

/* For kouan-collections.c */
extern const KouanCollection kouan_enterprise_settings_collection;
extern const KouanCollection kouan_business_settings_collection;
extern const KouanCollection kouan_showcase_slides_collection;
extern const KouanCollection kouan_showcase_links_collection;

G_END_DECLS
