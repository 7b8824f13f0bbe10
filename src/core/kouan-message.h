/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* An action a message offers: a button that opens a place of the
 * application at one object. @area is one the client knows (see
 * kouan_message_action_area_permission()); @object is the policy's id in
 * decimal, the member's account, or the settings field's name. */
typedef struct {
  char *label;
  char *area;
  char *object;
} KouanMessageAction;

#define KOUAN_MESSAGE_MAX_ACTIONS 8

#define KOUAN_TYPE_MESSAGE_ACTION (kouan_message_action_get_type ())
GType               kouan_message_action_get_type  (void) G_GNUC_CONST;
KouanMessageAction *kouan_message_action_new       (const char *label,
                                                    const char *area,
                                                    const char *object);
KouanMessageAction *kouan_message_action_copy      (const KouanMessageAction *action);
void                kouan_message_action_free      (KouanMessageAction *action);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanMessageAction, kouan_message_action_free)
/* (nullable) the permission a member needs to open @area
 * ("insurance.policies:view"); NULL for an area the client does not know */
const char         *kouan_message_action_area_permission (const char *area);
/* The strict codec of a record's "actions": @node (nullable) absent or
 * null is none; otherwise an array of at most KOUAN_MESSAGE_MAX_ACTIONS
 * objects {label, area, object}. An entry of an unknown area is skipped
 * (a newer server); any other bad entry fails the whole array.
 * (transfer full) (element-type KouanMessageAction) */
GPtrArray          *kouan_message_actions_from_json (JsonNode   *node,
                                                     GError    **error);
/* (transfer full) */
JsonArray          *kouan_message_actions_to_json   (GPtrArray  *actions);

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

/* What the message offers to do (docs/api.md, "actions"): never NULL,
 * (element-type KouanMessageAction) (transfer none) */
GPtrArray        *kouan_message_get_actions       (KouanMessage *self);
/* Only while building a message, before anyone else holds it:
 * @actions (nullable) (element-type KouanMessageAction) (transfer none) */
void              kouan_message_set_actions       (KouanMessage *self,
                                                   GPtrArray    *actions);

const char       *kouan_message_kind_to_string    (KouanMessageKind kind);
gboolean          kouan_message_kind_from_string  (const char       *str,
                                                   KouanMessageKind *out);
const char       *kouan_severity_to_string        (KouanSeverity    severity);
gboolean          kouan_severity_from_string      (const char      *str,
                                                   KouanSeverity   *out);

G_END_DECLS
