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

/* One changed field of an entry: its name and its value before and after,
 * as a person reads them (translated; "" for a value that was not set). */
typedef struct {
  char *field;
  char *before;
  char *after;
} KouanAuditChange;

void kouan_audit_change_free (KouanAuditChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanAuditChange, kouan_audit_change_free)

/* The entry as one sentence in the user's language: "王明 授予 李四 角色
 * 报关员（2026年1月1日 – 2026年12月31日）", "王明 修改了角色 报关员".
 * (transfer full) */
char      *kouan_audit_entry_describe (KouanAuditEntry *self);
/* (transfer full) (element-type KouanAuditChange): the fields an update
 * changed, in a fixed order; empty for creations and deletions. */
GPtrArray *kouan_audit_entry_changes  (KouanAuditEntry *self);
/* What the entry is about, for the filter: "role", "department", "grant",
 * "member", "join_request" or the part before the dot. (transfer none) */
const char *kouan_audit_entry_get_kind (KouanAuditEntry *self);

G_END_DECLS
