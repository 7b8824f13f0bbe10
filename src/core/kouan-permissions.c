/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-permissions.h"

/* Labels are English msgids; the app translates them (po/POTFILES.in lists
 * this file). */
#define N_(s) s

static const KouanMenu menus[] = {
  { "messages",               NULL,        N_("Message Center"),        FALSE },
  { "messages.notices",       "messages",  N_("Notices"),               FALSE },
  { "messages.warnings",      "messages",  N_("Warnings"),              FALSE },
  { "personal",               NULL,        N_("Personal Center"),       FALSE },
  { "personal.profile",       "personal",  N_("Profile"),               TRUE },
  { "personal.account",       "personal",  N_("Account Management"),    TRUE },
  { "personal.enterprises",   "personal",  N_("Enterprise Information"), TRUE },
  { "personal.preferences",   "personal",  N_("Declaration Preferences"), TRUE },
  { "admin",                  NULL,        N_("Administrator Center"),  FALSE },
  { "admin.roles",            "admin",     N_("Roles"),                 TRUE },
  { "admin.departments",      "admin",     N_("Departments"),           TRUE },
  { "admin.staff",            "admin",     N_("Staff and Permissions"), TRUE },
  { "admin.enterprise",       "admin",     N_("Enterprise Settings"),   TRUE },
  { "admin.business",         "admin",     N_("Business Settings"),     TRUE },
  { "admin.showcase",         "admin",     N_("Enterprise Showcase"),   TRUE },
  { "admin.audit",            "admin",     N_("Audit Log"),             FALSE },
  { "insurance",              NULL,        N_("Credit Insurance"),      FALSE },
  { "insurance.policies",     "insurance", N_("Policies"),              TRUE },
  { "insurance.claims",       "insurance", N_("Claims"),                TRUE },
  { "insurance.subscriptions", "insurance", N_("Information Subscriptions"), TRUE },
  { "insurance.risk",         "insurance", N_("Risk Information"),      FALSE },
};

const KouanMenu *
kouan_permissions_menus (guint *n_menus)
{
  *n_menus = G_N_ELEMENTS (menus);
  return menus;
}

const KouanMenu *
kouan_permissions_lookup_menu (const char *id)
{
  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (menus); i++)
    if (strcmp (menus[i].id, id) == 0)
      return &menus[i];
  return NULL;
}

gboolean
kouan_permission_parse (const char  *permission,
                        char       **out_menu,
                        gboolean    *out_manage)
{
  const char *colon;
  g_autofree char *menu_id = NULL;
  const KouanMenu *menu;
  gboolean manage;

  if (permission == NULL || (colon = strchr (permission, ':')) == NULL)
    return FALSE;

  menu_id = g_strndup (permission, colon - permission);
  if (strcmp (colon + 1, "view") == 0)
    manage = FALSE;
  else if (strcmp (colon + 1, "manage") == 0)
    manage = TRUE;
  else
    return FALSE;

  menu = kouan_permissions_lookup_menu (menu_id);
  if (menu == NULL || (manage && !menu->manage))
    return FALSE;

  if (out_menu != NULL)
    *out_menu = g_steal_pointer (&menu_id);
  if (out_manage != NULL)
    *out_manage = manage;
  return TRUE;
}

gboolean
kouan_permission_is_valid (const char *permission)
{
  return kouan_permission_parse (permission, NULL, NULL);
}
