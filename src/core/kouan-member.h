/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include "kouan-grant-status.h"

G_BEGIN_DECLS

/* A member of an enterprise as the "members" collection carries it
 * (docs/api.md, "The people collections"), with the role grants they
 * hold. An immutable snapshot: fields are public and read directly; a
 * newer version of the member is a new object. */

typedef struct {
  gint64    id;
  gint64    role_id;
  char     *role;        /* the role's name; the built-in one as stored (管理员) */
  gboolean  builtin;     /* of the built-in administrator role */
  char     *starts_on;   /* YYYY-MM-DD, China days, inclusive */
  char     *ends_on;     /* (nullable) open-ended when NULL */
} KouanGrant;

/* An IC card bound to the member's account (docs/api.md, "IC cards of
 * members"). A card belongs to the account, not to one enterprise. */
typedef struct {
  char     *fingerprint; /* lowercase hex SHA-256 of the certificate */
  char     *holder;      /* (nullable) the certificate's CN */
  char     *serial;      /* (nullable) lowercase hex */
  gint64    not_after;   /* 0: unknown */
  gint64    bound_at;
} KouanMemberCard;

#define KOUAN_TYPE_MEMBER (kouan_member_get_type ())
G_DECLARE_FINAL_TYPE (KouanMember, kouan_member, KOUAN, MEMBER, GObject)

struct _KouanMember
{
  GObject   parent_instance;

  gint64    enterprise_id;
  gint64    id;              /* the user id */
  char     *account;
  char     *name;
  gint64    department_id;   /* 0: none */
  char     *department;      /* (nullable) */
  gboolean  disabled;        /* the membership is disabled (已停用) */
  char     *registered_on;   /* (nullable) YYYY-MM-DD */
  GArray   *grants;          /* KouanGrant, as the server orders them */
  GArray   *cards;           /* KouanMemberCard, most recently bound first
                              * (empty from a server that sends none) */
};

/* Strict: every field present with its type, days real calendar days,
 * no grant ending before it starts. (transfer full) (nullable) */
KouanMember      *kouan_member_new_from_json (JsonObject   *record,
                                              gint64        enterprise_id,
                                              GError      **error);
/* The member's status on @today by core's rule (kouan-grant-status.h);
 * @day: (out) (optional) (transfer none): the date that goes with it, or
 * NULL; valid while @self lives. */
KouanGrantStatus  kouan_member_get_status    (KouanMember  *self,
                                              const char   *today,
                                              const char  **day);
/* Does the member hold a grant of @role_id (in any period)? */
gboolean          kouan_member_has_role      (KouanMember  *self,
                                              gint64        role_id);

G_END_DECLS
