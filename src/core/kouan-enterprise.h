/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* An enterprise the user is a member of, with the user's roles there. */

#define KOUAN_TYPE_ENTERPRISE (kouan_enterprise_get_type ())
G_DECLARE_FINAL_TYPE (KouanEnterprise, kouan_enterprise, KOUAN, ENTERPRISE, GObject)

KouanEnterprise *kouan_enterprise_new             (gint64              id,
                                                   const char         *name,
                                                   const char         *credit_code,
                                                   gboolean            certified,
                                                   const char * const *roles);
/* Parses a membership object {"enterprise": {...}, "roles": [...]} */
KouanEnterprise *kouan_enterprise_new_from_membership (JsonObject     *membership,
                                                       GError        **error);
JsonObject      *kouan_enterprise_to_membership_json  (KouanEnterprise *self);

gint64              kouan_enterprise_get_id          (KouanEnterprise *self);
const char         *kouan_enterprise_get_name        (KouanEnterprise *self);
const char         *kouan_enterprise_get_credit_code (KouanEnterprise *self);
gboolean            kouan_enterprise_get_certified   (KouanEnterprise *self);
const char * const *kouan_enterprise_get_roles       (KouanEnterprise *self);
gboolean            kouan_enterprise_has_role        (KouanEnterprise *self,
                                                      const char      *role);
/* (nullable): the member's effective permissions ("admin.roles:view", …)
 * from the login reply's membership; NULL when it carried none */
const char * const *kouan_enterprise_get_permissions (KouanEnterprise *self);

G_END_DECLS
