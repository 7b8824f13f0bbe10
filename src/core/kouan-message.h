/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* A notice (通知) or warning (预警) as the current user sees it: the
 * read and starred flags are the user's own. Immutable once built; the
 * store hands out new objects when a row changes. */

#define KOUAN_TYPE_MESSAGE (kouan_message_get_type ())
G_DECLARE_FINAL_TYPE (KouanMessage, kouan_message, KOUAN, MESSAGE, GObject)

/* Codec for the "messages" collection record (docs/api.md). */
KouanMessage     *kouan_message_new_from_json  (JsonObject    *record,
                                                gint64         enterprise_id,
                                                GError       **error);
JsonObject       *kouan_message_to_json        (KouanMessage  *self);

KouanMessage     *kouan_message_new            (gint64            id,
                                                gint64            enterprise_id,
                                                KouanMessageKind  kind,
                                                const char       *category,
                                                const char       *title,
                                                const char       *body,
                                                KouanSeverity     severity,
                                                gint64            created_at,
                                                gboolean          read,
                                                gboolean          starred);

gint64            kouan_message_get_id            (KouanMessage *self);
gint64            kouan_message_get_enterprise_id (KouanMessage *self);
KouanMessageKind  kouan_message_get_kind          (KouanMessage *self);
const char       *kouan_message_get_category      (KouanMessage *self);
const char       *kouan_message_get_title         (KouanMessage *self);
const char       *kouan_message_get_body          (KouanMessage *self);
KouanSeverity     kouan_message_get_severity      (KouanMessage *self);
/* seconds since the Unix epoch, UTC */
gint64            kouan_message_get_created_at    (KouanMessage *self);
gboolean          kouan_message_get_read          (KouanMessage *self);
gboolean          kouan_message_get_starred       (KouanMessage *self);

const char       *kouan_message_kind_to_string    (KouanMessageKind kind);
gboolean          kouan_message_kind_from_string  (const char       *str,
                                                   KouanMessageKind *out);
const char       *kouan_severity_to_string        (KouanSeverity    severity);
gboolean          kouan_severity_from_string      (const char      *str,
                                                   KouanSeverity   *out);

G_END_DECLS
