/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-server.h"

/* Demo people for demo-admin's first enterprise: departments, roles, and
 * three dozen staff with grants — some expired, some not started yet, one
 * ending within the week, one member disabled — plus the accounts the
 * authorization tests sign in with:
 *
 *   demo-staff     业务员 (insurance menus), no admin menu
 *   demo-expired   人事专员, ended 30 days ago
 *   demo-future    人事专员, starts in 10 days
 *   demo-disabled  管理员, but the membership is disabled
 *   demo-other     管理员 of the second enterprise only
 *
 * Every account has the demo password (its hash is copied from
 * demo-staff: hashing three dozen times would slow every test server).
 * Deterministic: the same rows every time; dates are relative to the
 * server's today so the demo always shows valid, expired and future
 * grants. */

typedef struct {
  const char *name;
  const char *parent;
} DemoDepartment;

static const DemoDepartment departments[] = {
  { "总经理办公室", NULL },
  { "业务部",       NULL },
  { "进出口一组",   "业务部" },
  { "进出口二组",   "业务部" },
  { "财务部",       NULL },
  { "风控部",       NULL },
  { "行政人事部",   NULL },
};

typedef struct {
  const char *name;
  const char *permissions; /* JSON array */
} DemoRole;

static const DemoRole roles[] = {
  { "财务专员", "[\"insurance.policies:view\",\"insurance.claims:manage\"]" },
  { "风控专员", "[\"insurance.risk:view\",\"insurance.subscriptions:manage\",\"insurance.policies:view\"]" },
  { "人事专员", "[\"admin.staff:manage\",\"admin.departments:manage\"]" },
  { "审计员",   "[\"admin.audit:view\",\"admin.roles:view\",\"admin.staff:view\"]" },
};

static const char *const family_names[] = {
  "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
};
static const char *const given_names[] = {
  "伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "超", "霞", "平",
};

static gboolean
exec_bound (KouanServer  *self,
            const char   *sql,
            GError      **error,
            const char   *format,
            ...)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, sql);
  va_list args;
  int index = 1;

  /* format: one letter per parameter: i (gint64), s (string), n (NULL) */
  va_start (args, format);
  for (const char *f = format; *f != '\0'; f++, index++)
    {
      if (*f == 'i')
        sqlite3_bind_int64 (stmt, index, va_arg (args, gint64));
      else if (*f == 's')
        sqlite3_bind_text (stmt, index, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, index);
    }
  va_end (args);
  return kouan_server_db_step_done (self, stmt, error);
}

static gint64
lookup_id (KouanServer *self,
           const char  *sql,
           gint64       a,
           const char  *b)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, sql);
  gint64 id = 0;

  sqlite3_bind_int64 (stmt, 1, a);
  if (b != NULL)
    sqlite3_bind_text (stmt, 2, b, -1, SQLITE_TRANSIENT);
  if (kouan_server_db_row (self, stmt))
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

static char *
day_offset (const char *today,
            int         days)
{
  g_autofree char *iso = g_strdup_printf ("%sT12:00:00Z", today);
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) moved = g_date_time_add_days (dt, days);

  return g_date_time_format (moved, "%Y-%m-%d");
}

static gint64
add_user (KouanServer  *self,
          const char   *account,
          const char   *name,
          GError      **error)
{
  if (!exec_bound (self,
                   "INSERT INTO users (account, name, password_hash)"
                   " SELECT ?1, ?2, password_hash FROM users WHERE account = 'demo-staff'",
                   error, "ss", account, name))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

static gboolean
add_member (KouanServer  *self,
            gint64        user_id,
            gint64        enterprise_id,
            gint64        department_id,
            const char   *status,
            const char   *registered_on,
            GError      **error)
{
  return exec_bound (self,
                     "INSERT INTO memberships (user_id, enterprise_id, department_id, status, registered_on)"
                     " VALUES (?1, ?2, NULLIF (?3, 0), ?4, ?5)",
                     error, "iiiss", user_id, enterprise_id, department_id, status, registered_on);
}

static gboolean
add_grant (KouanServer  *self,
           gint64        enterprise_id,
           gint64        user_id,
           gint64        role_id,
           const char   *starts_on,
           const char   *ends_on,
           GError      **error)
{
  if (ends_on == NULL)
    return exec_bound (self,
                       "INSERT INTO grants (enterprise_id, user_id, role_id, starts_on, ends_on, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, 1735660800)",
                       error, "iiisn", enterprise_id, user_id, role_id, starts_on);
  return exec_bound (self,
                     "INSERT INTO grants (enterprise_id, user_id, role_id, starts_on, ends_on, created_at)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, 1735660800)",
                     error, "iiiss", enterprise_id, user_id, role_id, starts_on, ends_on);
}

gboolean
kouan_server_admin_demo_seed (KouanServer  *self,
                              GError      **error)
{
  g_autofree char *today = kouan_server_today (self);
  gint64 eid, other_eid, admin_id, staff_id, admin_role, staff_role;
  gint64 department_ids[G_N_ELEMENTS (departments)];
  gint64 role_ids[G_N_ELEMENTS (roles)];
  gint64 id;

  eid = lookup_id (self,
                   "SELECT m.enterprise_id FROM memberships m JOIN users u ON u.id = m.user_id"
                   " WHERE u.account = 'demo-admin' AND ?1 = ?1 ORDER BY m.enterprise_id LIMIT 1", 0, NULL);
  other_eid = lookup_id (self,
                         "SELECT m.enterprise_id FROM memberships m JOIN users u ON u.id = m.user_id"
                         " WHERE u.account = 'demo-admin' AND m.enterprise_id > ?1 ORDER BY m.enterprise_id LIMIT 1",
                         eid, NULL);
  admin_id = lookup_id (self, "SELECT id FROM users WHERE account = 'demo-admin' AND ?1 = ?1", 0, NULL);
  staff_id = lookup_id (self, "SELECT id FROM users WHERE account = 'demo-staff' AND ?1 = ?1", 0, NULL);
  if (eid == 0 || admin_id == 0 || staff_id == 0)
    return TRUE; /* not the standard demo */

  admin_role = lookup_id (self, "SELECT id FROM roles WHERE enterprise_id = ?1 AND builtin = 1", eid, NULL);
  /* the legacy "staff" role of the seeder becomes the portal's 业务员 */
  if (!exec_bound (self, "UPDATE roles SET name = '业务员' WHERE enterprise_id = ?1 AND name = 'staff'",
                   error, "i", eid))
    return FALSE;
  staff_role = lookup_id (self, "SELECT id FROM roles WHERE enterprise_id = ?1 AND name = ?2", eid, "业务员");

  for (guint i = 0; i < G_N_ELEMENTS (departments); i++)
    {
      gint64 parent = 0;

      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (departments[j].name, departments[i].parent) == 0)
          parent = department_ids[j];
      if (!exec_bound (self, "INSERT INTO departments (enterprise_id, parent_id, name) VALUES (?1, NULLIF (?2, 0), ?3)",
                       error, "iis", eid, parent, departments[i].name))
        return FALSE;
      department_ids[i] = sqlite3_last_insert_rowid (self->db);
    }
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      if (!exec_bound (self, "INSERT INTO roles (enterprise_id, name, builtin, created_at) VALUES (?1, ?2, 0, 1735660800)",
                       error, "is", eid, roles[i].name))
        return FALSE;
      role_ids[i] = sqlite3_last_insert_rowid (self->db);
      if (!exec_bound (self, "INSERT INTO role_permissions (role_id, permission) SELECT ?1, value FROM json_each (?2)",
                       error, "is", role_ids[i], roles[i].permissions))
        return FALSE;
    }

  /* the two original accounts: registered long ago, in departments */
  if (!exec_bound (self, "UPDATE memberships SET department_id = ?3, registered_on = '2023-03-01'"
                         " WHERE enterprise_id = ?1 AND user_id = ?2",
                   error, "iii", eid, admin_id, department_ids[0]) ||
      !exec_bound (self, "UPDATE memberships SET department_id = ?3, registered_on = '2023-05-15'"
                         " WHERE enterprise_id = ?1 AND user_id = ?2",
                   error, "iii", eid, staff_id, department_ids[2]) ||
      !exec_bound (self, "UPDATE departments SET head_user_id = ?2 WHERE id = ?1",
                   error, "ii", department_ids[0], admin_id) ||
      !exec_bound (self, "UPDATE departments SET head_user_id = ?2 WHERE id = ?1",
                   error, "ii", department_ids[2], staff_id))
    return FALSE;

  /* the accounts the authorization tests use */
  {
    g_autofree char *expired_start = day_offset (today, -120);
    g_autofree char *expired_end = day_offset (today, -30);
    g_autofree char *future_start = day_offset (today, 10);

    if ((id = add_user (self, "demo-expired", "钱丽", error)) == 0 ||
        !add_member (self, id, eid, department_ids[6], "active", "2024-02-01", error) ||
        !add_grant (self, eid, id, role_ids[2], expired_start, expired_end, error) ||
        (id = add_user (self, "demo-future", "冯刚", error)) == 0 ||
        !add_member (self, id, eid, department_ids[6], "active", "2025-09-10", error) ||
        !add_grant (self, eid, id, role_ids[2], future_start, NULL, error) ||
        (id = add_user (self, "demo-disabled", "郑强", error)) == 0 ||
        !add_member (self, id, eid, department_ids[0], "disabled", "2022-11-20", error) ||
        !add_grant (self, eid, id, admin_role, "2022-11-20", NULL, error))
      return FALSE;
    if (other_eid != 0)
      {
        gint64 other_admin = lookup_id (self, "SELECT id FROM roles WHERE enterprise_id = ?1 AND builtin = 1",
                                        other_eid, NULL);

        if ((id = add_user (self, "demo-other", "何平", error)) == 0 ||
            !add_member (self, id, other_eid, 0, "active", "2024-06-01", error) ||
            !add_grant (self, other_eid, id, other_admin, "2024-06-01", NULL, error))
          return FALSE;
      }
  }

  /* three dozen staff: department, role, validity and registration vary
   * with the index */
  for (guint i = 0; i < 36; i++)
    {
      g_autofree char *account = g_strdup_printf ("demo-user%02u", i + 1);
      g_autofree char *name = g_strdup_printf ("%s%s%s",
                                               family_names[i % G_N_ELEMENTS (family_names)],
                                               given_names[(i * 7) % G_N_ELEMENTS (given_names)],
                                               i % 3 == 0 ? given_names[(i * 5 + 3) % G_N_ELEMENTS (given_names)] : "");
      g_autofree char *registered = day_offset (today, -(int) (30 + (i * 23) % 900));
      g_autofree char *starts = day_offset (today, -(int) (20 + (i * 11) % 300));
      g_autofree char *ends = NULL;
      gint64 department = department_ids[1 + i % (G_N_ELEMENTS (departments) - 1)];
      gint64 role = i % 5 == 0 ? staff_role : role_ids[i % G_N_ELEMENTS (roles)];
      const char *status = i == 17 ? "disabled" : "active";

      if (i % 9 == 4)
        ends = day_offset (today, -(int) (1 + i % 20));      /* expired */
      else if (i % 9 == 7)
        {
          g_free (starts);
          starts = day_offset (today, 3 + (int) i % 15);     /* not started */
        }
      else if (i == 10)
        ends = day_offset (today, 5);                        /* ends this week */
      else if (i % 4 == 1)
        ends = day_offset (today, 90 + (int) i * 3);

      if ((id = add_user (self, account, name, error)) == 0 ||
          !add_member (self, id, eid, department, status, registered, error) ||
          (role != 0 && !add_grant (self, eid, id, role, starts, ends, error)))
        return FALSE;
    }

  return TRUE;
}
