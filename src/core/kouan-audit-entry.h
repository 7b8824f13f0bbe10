/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One entry of the audit log as the "audit" collection carries it
 * (docs/api.md, "The people collections"): who did what, when, with the
 * record before and after. Immutable snapshot with public fields. */
#define KOUAN_TYPE_AUDIT_ENTRY (kouan_audit_entry_get_type ())
G_DECLARE_FINAL_TYPE (KouanAuditEntry, kouan_audit_entry, KOUAN, AUDIT_ENTRY, GObject)

struct _KouanAuditEntry
{
  GObject     parent_instance;

  gint64      enterprise_id;
  gint64      id;
  gint64      actor_id;       /* 0: the system */
  char       *actor_account;  /* (nullable) */
  char       *actor_name;     /* (nullable) */
  char       *action;         /* "role.update", "grant.create", … */
  JsonObject *before;         /* (nullable) */
  JsonObject *after;          /* (nullable) */
  gint64      at;             /* Unix time */
};

/* @action must be "thing.verb" of lower-case ASCII and underscores.
 * (transfer full) (nullable) */
KouanAuditEntry *kouan_audit_entry_new_from_json (JsonObject  *record,
                                                  gint64       enterprise_id,
                                                  GError     **error);

G_END_DECLS
