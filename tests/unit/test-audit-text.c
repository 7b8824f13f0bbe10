/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit log as a person reads it: one sentence per entry and the
 * fields an update changed, before → after (untranslated English here;
 * po-complete checks the Chinese exists). */
#include "config.h"

#include <locale.h>

#include "kouan-audit-entry.h"
#include "kouan-json.h"

static KouanAuditEntry *
entry (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) record = kouan_json_parse_object (json, -1, &error);
  KouanAuditEntry *parsed;

  g_assert_no_error (error);
  parsed = kouan_audit_entry_new_from_json (record, 1, &error);
  g_assert_no_error (error);
  return parsed;
}

static void
test_sentences (void)
{
  g_autoptr(KouanAuditEntry) grant = entry (
    "{\"id\":1,\"actor_id\":1,\"actor_account\":\"wm\",\"actor_name\":\"王明\",\"action\":\"grant.add\","
    " \"before\":null,\"after\":{\"id\":5,\"role_id\":3,\"role\":\"报关员\",\"starts_on\":\"2026-01-01\","
    " \"ends_on\":\"2026-12-31\",\"state\":\"active\",\"user_id\":9,\"member\":\"李四\"},\"at\":1}");
  g_autoptr(KouanAuditEntry) open = entry (
    "{\"id\":2,\"actor_id\":1,\"actor_account\":\"wm\",\"actor_name\":\"王明\",\"action\":\"grant.remove\","
    " \"before\":{\"id\":5,\"role_id\":1,\"role\":\"管理员\",\"builtin\":true,\"starts_on\":\"2026-01-01\","
    " \"ends_on\":null,\"user_id\":9,\"member\":\"李四\"},\"after\":null,\"at\":1}");
  g_autoptr(KouanAuditEntry) system = entry (
    "{\"id\":3,\"actor_id\":null,\"actor_account\":null,\"actor_name\":null,\"action\":\"business_settings.update\","
    " \"before\":{\"port\":\"上海\"},\"after\":{\"port\":\"宁波\"},\"at\":1}");
  g_autofree char *a = kouan_audit_entry_describe (grant);
  g_autofree char *b = kouan_audit_entry_describe (open);
  g_autofree char *c = kouan_audit_entry_describe (system);
  g_autoptr(GPtrArray) changes = kouan_audit_entry_changes (system);

  g_assert_cmpstr (a, ==, "王明 granted 李四 the role 报关员 (Jan 1, 2026 – Dec 31, 2026)");
  /* the built-in role reads Administrator in English */
  g_assert_cmpstr (b, ==, "王明 took the role Administrator from 李四");
  /* not "business_settings.update" */
  g_assert_cmpstr (c, ==, "The system changed the business settings");
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_cmpstr (((KouanAuditChange *) changes->pdata[0])->before, ==, "上海");
  g_assert_cmpstr (((KouanAuditChange *) changes->pdata[0])->after, ==, "宁波");
  g_assert_cmpstr (kouan_audit_entry_get_kind (grant), ==, "grant");
}

static void
test_changes (void)
{
  g_autoptr(KouanAuditEntry) member = entry (
    "{\"id\":4,\"actor_id\":1,\"actor_account\":\"wm\",\"actor_name\":\"王明\",\"action\":\"member.update\","
    " \"before\":{\"user_id\":9,\"name\":\"李四\",\"department\":\"财务部\",\"status\":\"active\"},"
    " \"after\":{\"user_id\":9,\"name\":\"李四\",\"department\":\"风控部\",\"status\":\"active\"},\"at\":1}");
  g_autoptr(KouanAuditEntry) role = entry (
    "{\"id\":5,\"actor_id\":1,\"actor_account\":\"wm\",\"actor_name\":\"王明\",\"action\":\"role.update\","
    " \"before\":{\"id\":3,\"name\":\"报关员\",\"builtin\":false,\"permissions\":[\"admin.audit:view\"]},"
    " \"after\":{\"id\":3,\"name\":\"高级报关员\",\"builtin\":false,\"permissions\":[\"admin.audit:view\"]},\"at\":1}");
  g_autoptr(GPtrArray) member_changes = kouan_audit_entry_changes (member);
  g_autoptr(GPtrArray) role_changes = kouan_audit_entry_changes (role);
  g_autofree char *sentence = kouan_audit_entry_describe (role);
  KouanAuditChange *change;

  /* only the department changed */
  g_assert_cmpuint (member_changes->len, ==, 1);
  change = member_changes->pdata[0];
  g_assert_cmpstr (change->field, ==, "Department");
  g_assert_cmpstr (change->before, ==, "财务部");
  g_assert_cmpstr (change->after, ==, "风控部");

  /* a rename: named by its old name, the new one in the change */
  g_assert_cmpstr (sentence, ==, "王明 changed the role 报关员");
  g_assert_cmpuint (role_changes->len, ==, 1);
  change = role_changes->pdata[0];
  g_assert_cmpstr (change->field, ==, "Name");
  g_assert_cmpstr (change->after, ==, "高级报关员");
}

/* A member edit of the people collections (the whole grant list in the
 * record): one grant given a new period reads as that, with the roles
 * before → after. */
static void
test_member_grants (void)
{
  g_autoptr(KouanAuditEntry) period = entry (
    "{\"id\":6,\"actor_id\":1,\"actor_account\":\"wm\",\"actor_name\":\"王明\",\"action\":\"member.update\","
    " \"before\":{\"id\":9,\"name\":\"李四\",\"membership\":\"active\",\"grants\":[{\"id\":5,\"role_id\":3,"
    "   \"role\":\"报关员\",\"builtin\":false,\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-06-30\"}]},"
    " \"after\":{\"id\":9,\"name\":\"李四\",\"membership\":\"active\",\"grants\":[{\"id\":5,\"role_id\":3,"
    "   \"role\":\"报关员\",\"builtin\":false,\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-12-31\"}]},\"at\":1}");
  g_autoptr(KouanAuditEntry) disabled = entry (
    "{\"id\":7,\"actor_id\":1,\"actor_account\":\"wm\",\"actor_name\":\"王明\",\"action\":\"member.disable\","
    " \"before\":{\"id\":9,\"name\":\"李四\",\"membership\":\"active\",\"grants\":[]},"
    " \"after\":{\"id\":9,\"name\":\"李四\",\"membership\":\"disabled\",\"grants\":[]},\"at\":1}");
  g_autofree char *sentence = kouan_audit_entry_describe (period);
  g_autoptr(GPtrArray) changes = kouan_audit_entry_changes (period);
  g_autoptr(GPtrArray) status = kouan_audit_entry_changes (disabled);
  KouanAuditChange *change;

  g_assert_cmpstr (sentence, ==, "王明 changed the period of 李四’s role 报关员 to Jan 1, 2026 – Dec 31, 2026");
  g_assert_cmpuint (changes->len, ==, 1);
  change = changes->pdata[0];
  g_assert_cmpstr (change->field, ==, "Roles");
  g_assert_cmpstr (change->before, ==, "报关员 (Jan 1, 2026 – Jun 30, 2026)");
  g_assert_cmpstr (change->after, ==, "报关员 (Jan 1, 2026 – Dec 31, 2026)");

  g_assert_cmpuint (status->len, ==, 1);
  change = status->pdata[0];
  g_assert_cmpstr (change->before, ==, "Enabled");
  g_assert_cmpstr (change->after, ==, "Disabled");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audit-text/sentences", test_sentences);
  g_test_add_func ("/audit-text/changes", test_changes);
  g_test_add_func ("/audit-text/member-grants", test_member_grants);
  return g_test_run ();
}
