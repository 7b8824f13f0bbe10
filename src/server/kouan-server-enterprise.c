/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-server-enterprise-private.h"

/* 企业设置 (collection "enterprise_settings") and 业务设置 (collection
 * "business_settings"): one record per enterprise, its id the enterprise's,
 * edited with "update" mutations. Every field is checked with the rules of
 * kouan-settings.h — the same the app applies before queueing — and a
 * refused field is named in the rejection ("field", "reason") so the app
 * can show the error next to it. */

JsonObject *
kouan_server_enterprise_rejected (const char *mutation_id,
                                  const char *code,
                                  const char *field,
                                  const char *reason,
                                  const char *message,
                                  JsonObject *record)
{
  JsonObject *result = kouan_server_mutation_rejected (mutation_id, code, message, record);
  JsonObject *error = json_object_get_object_member (result, "error");

  if (field != NULL)
    json_object_set_string_member (error, "field", field);
  else
    json_object_set_null_member (error, "field");
  if (reason != NULL)
    json_object_set_string_member (error, "reason", reason);
  return result;
}

JsonObject *
_kouan_server_settings_check (const KouanServerMutation *mutation,
                              JsonObject                *current)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;

  if (kouan_settings_check_fields (mutation->collection, mutation->op, mutation->fields,
                                   &field, &error))
    {
      g_clear_pointer (&current, json_object_unref);
      return NULL;
    }
  return kouan_server_enterprise_rejected (mutation->id, "invalid_field", field,
                                           kouan_settings_error_reason (error->code),
                                           error->message, current);
}

void
_kouan_server_settings_merge (JsonObject *record,
                              JsonObject *fields)
{
  g_autoptr(GList) members = json_object_get_members (fields);

  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (record, l->data,
                            json_node_copy (json_object_get_member (fields, l->data)));
}

JsonObject *
_kouan_server_settings_applied (KouanServer               *self,
                                gint64                     enterprise_id,
                                gint64                     user_id,
                                const KouanServerMutation *mutation,
                                JsonObject                *before,
                                JsonObject                *after,
                                GError                   **error)
{
  g_autofree char *action = g_strdup_printf ("%s.%s", mutation->collection, mutation->op);

  if (!kouan_server_audit_record (self, enterprise_id, user_id, action, before, after))
    {
      g_clear_pointer (&after, json_object_unref);
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "Cannot record %s in the audit log", action);
      return NULL;
    }
  return kouan_server_mutation_applied (mutation->id, after);
}

/* ---- enterprise_settings ------------------------------------------- */

static const char *const profile_columns[] = {
  "registered_address", "contact_person", "contact_phone", "customs_code",
  "invoice_title", "taxpayer_number", "bank_name", "bank_account",
  "invoice_address_phone",
};

static void
set_image_member (JsonObject   *record,
                  const char   *name,
                  sqlite3_stmt *stmt,
                  int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_object_set_null_member (record, name);
  else
    json_object_set_int_member (record, name, sqlite3_column_int64 (stmt, column));
}

static JsonObject *
materialise_enterprise_settings (KouanServer *self,
                                 gint64       enterprise_id,
                                 gint64       record_id,
                                 gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT e.name, e.credit_code,"
    "       p.registered_address, p.contact_person, p.contact_phone, p.customs_code,"
    "       p.invoice_title, p.taxpayer_number, p.bank_name, p.bank_account,"
    "       p.invoice_address_phone, p.logo_image, p.seal_image"
    " FROM enterprises e LEFT JOIN enterprise_profiles p ON p.enterprise_id = e.id"
    " WHERE e.id = ?1");
  JsonObject *record = NULL;

  if (record_id != enterprise_id)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    {
      record = json_object_new ();
      json_object_set_int_member (record, "id", enterprise_id);
      json_object_set_string_member (record, "name", kouan_server_db_column_text (stmt, 0));
      json_object_set_string_member (record, "credit_code", kouan_server_db_column_text (stmt, 1));
      for (guint i = 0; i < G_N_ELEMENTS (profile_columns); i++)
        json_object_set_string_member (record, profile_columns[i], kouan_server_db_column_text (stmt, 2 + i));
      set_image_member (record, "logo_image", stmt, 11);
      set_image_member (record, "seal_image", stmt, 12);
    }
  sqlite3_reset (stmt);
  return record;
}

static void
bind_image (sqlite3_stmt *stmt,
            int           index,
            JsonObject   *record,
            const char   *name)
{
  JsonNode *node = json_object_get_member (record, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
}

static gboolean
credit_code_taken (KouanServer *self,
                   gint64       enterprise_id,
                   const char  *credit_code)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT 1 FROM enterprises WHERE credit_code = ?1 AND id != ?2");
  gboolean taken;

  sqlite3_bind_text (stmt, 1, credit_code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  taken = kouan_server_db_row (self, stmt);
  sqlite3_reset (stmt);
  return taken;
}

static JsonObject *
apply_enterprise_settings (KouanServer               *self,
                           const KouanServerMutation *mutation,
                           gint64                     enterprise_id,
                           gint64                     user_id,
                           GError                   **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) before = NULL;
  JsonObject *rejected;
  sqlite3_stmt *stmt;
  const char *image_fields[] = { "logo_image", "seal_image" };

  record = materialise_enterprise_settings (self, enterprise_id, mutation->record_id, user_id);
  if (record == NULL)
    return kouan_server_enterprise_rejected (mutation->id, "not_found", NULL, NULL,
                                             "The settings record's id is the enterprise's", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return kouan_server_enterprise_rejected (mutation->id, "invalid_field", NULL, "format",
                                             "Enterprise settings only take \"update\"",
                                             json_object_ref (record));
  rejected = _kouan_server_settings_check (mutation, json_object_ref (record));
  if (rejected != NULL)
    return rejected;

  for (guint i = 0; i < G_N_ELEMENTS (image_fields); i++)
    {
      JsonNode *node = json_object_get_member (mutation->fields, image_fields[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
          !kouan_server_images_exists (self, enterprise_id, json_node_get_int (node)))
        return kouan_server_enterprise_rejected (mutation->id, "invalid_field", image_fields[i],
                                                 "not_found",
                                                 "No such image in this enterprise; upload it first",
                                                 json_object_ref (record));
    }

  if (json_object_has_member (mutation->fields, "credit_code") &&
      credit_code_taken (self, enterprise_id,
                         json_object_get_string_member (mutation->fields, "credit_code")))
    return kouan_server_enterprise_rejected (mutation->id, "conflict", "credit_code", "taken",
                                             "Another enterprise has this credit code",
                                             json_object_ref (record));

  before = materialise_enterprise_settings (self, enterprise_id, enterprise_id, user_id);
  _kouan_server_settings_merge (record, mutation->fields);

  stmt = kouan_server_db_stmt (self,
    "UPDATE enterprises SET name = ?2, credit_code = ?3"
    " WHERE id = ?1 AND (name, credit_code) IS NOT (?2, ?3)");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, json_object_get_string_member (record, "name"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, json_object_get_string_member (record, "credit_code"), -1, SQLITE_TRANSIENT);
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  stmt = kouan_server_db_stmt (self,
    "INSERT INTO enterprise_profiles (enterprise_id, registered_address, contact_person,"
    "  contact_phone, customs_code, invoice_title, taxpayer_number, bank_name, bank_account,"
    "  invoice_address_phone, logo_image, seal_image)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET"
    "  registered_address = excluded.registered_address, contact_person = excluded.contact_person,"
    "  contact_phone = excluded.contact_phone, customs_code = excluded.customs_code,"
    "  invoice_title = excluded.invoice_title, taxpayer_number = excluded.taxpayer_number,"
    "  bank_name = excluded.bank_name, bank_account = excluded.bank_account,"
    "  invoice_address_phone = excluded.invoice_address_phone,"
    "  logo_image = excluded.logo_image, seal_image = excluded.seal_image");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  for (guint i = 0; i < G_N_ELEMENTS (profile_columns); i++)
    sqlite3_bind_text (stmt, 2 + i, json_object_get_string_member (record, profile_columns[i]),
                       -1, SQLITE_TRANSIENT);
  bind_image (stmt, 11, record, "logo_image");
  bind_image (stmt, 12, record, "seal_image");
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, before,
                                         materialise_enterprise_settings (self, enterprise_id,
                                                                          enterprise_id, user_id),
                                         error);
}

/* ---- business_settings --------------------------------------------- */

static const char *const business_switches[] = {
  "aircraft_auto", "manifest_auto", "status_push", "e_payment", "receipt_download",
};

static JsonObject *
materialise_business_settings (KouanServer *self,
                               gint64       enterprise_id,
                               gint64       record_id,
                               gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT b.aircraft_auto, b.manifest_auto, b.status_push, b.e_payment,"
    "       b.receipt_download, b.aircraft_time"
    " FROM enterprises e LEFT JOIN business_settings b ON b.enterprise_id = e.id"
    " WHERE e.id = ?1");
  JsonObject *record = NULL;

  if (record_id != enterprise_id)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    {
      record = json_object_new ();
      json_object_set_int_member (record, "id", enterprise_id);
      for (guint i = 0; i < G_N_ELEMENTS (business_switches); i++)
        json_object_set_boolean_member (record, business_switches[i],
                                        sqlite3_column_int (stmt, i) != 0);
      if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
        json_object_set_null_member (record, "aircraft_time");
      else
        json_object_set_string_member (record, "aircraft_time", kouan_server_db_column_text (stmt, 5));
    }
  sqlite3_reset (stmt);
  return record;
}

static JsonObject *
apply_business_settings (KouanServer               *self,
                         const KouanServerMutation *mutation,
                         gint64                     enterprise_id,
                         gint64                     user_id,
                         GError                   **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) before = NULL;
  JsonObject *rejected;
  JsonNode *time;
  sqlite3_stmt *stmt;

  record = materialise_business_settings (self, enterprise_id, mutation->record_id, user_id);
  if (record == NULL)
    return kouan_server_enterprise_rejected (mutation->id, "not_found", NULL, NULL,
                                             "The settings record's id is the enterprise's", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return kouan_server_enterprise_rejected (mutation->id, "invalid_field", NULL, "format",
                                             "Business settings only take \"update\"",
                                             json_object_ref (record));
  rejected = _kouan_server_settings_check (mutation, json_object_ref (record));
  if (rejected != NULL)
    return rejected;

  before = materialise_business_settings (self, enterprise_id, enterprise_id, user_id);
  _kouan_server_settings_merge (record, mutation->fields);

  /* The declaration time belongs to the switch: it can be set only while
   * the switch is on, and switching off forgets it. */
  time = json_object_get_member (record, "aircraft_time");
  if (!json_object_get_boolean_member (record, "aircraft_auto"))
    {
      JsonNode *sent = json_object_get_member (mutation->fields, "aircraft_time");

      if (sent != NULL && !JSON_NODE_HOLDS_NULL (sent))
        return kouan_server_enterprise_rejected (mutation->id, "invalid_field", "aircraft_time",
                                                 "disabled",
                                                 "The aircraft declaration time can only be set while "
                                                 "aircraft automatic declaration is enabled",
                                                 materialise_business_settings (self, enterprise_id,
                                                                                enterprise_id, user_id));
      json_object_set_null_member (record, "aircraft_time");
      time = json_object_get_member (record, "aircraft_time");
    }

  stmt = kouan_server_db_stmt (self,
    "INSERT INTO business_settings (enterprise_id, aircraft_auto, manifest_auto, status_push,"
    "  e_payment, receipt_download, aircraft_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET aircraft_auto = excluded.aircraft_auto,"
    "  manifest_auto = excluded.manifest_auto, status_push = excluded.status_push,"
    "  e_payment = excluded.e_payment, receipt_download = excluded.receipt_download,"
    "  aircraft_time = excluded.aircraft_time");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  for (guint i = 0; i < G_N_ELEMENTS (business_switches); i++)
    sqlite3_bind_int (stmt, 2 + i, json_object_get_boolean_member (record, business_switches[i]));
  if (JSON_NODE_HOLDS_NULL (time))
    sqlite3_bind_null (stmt, 7);
  else
    sqlite3_bind_text (stmt, 7, json_node_get_string (time), -1, SQLITE_TRANSIENT);
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, before,
                                         materialise_business_settings (self, enterprise_id,
                                                                        enterprise_id, user_id),
                                         error);
}

static const KouanServerCollection enterprise_settings_collection = {
  .name = KOUAN_COLLECTION_ENTERPRISE_SETTINGS,
  .view_permission = "admin.enterprise:view",
  .manage_permission = "admin.enterprise:manage",
  .materialise = materialise_enterprise_settings,
  .apply = apply_enterprise_settings,
};

static const KouanServerCollection business_settings_collection = {
  .name = KOUAN_COLLECTION_BUSINESS_SETTINGS,
  .view_permission = "admin.business:view",
  .manage_permission = "admin.business:manage",
  .materialise = materialise_business_settings,
  .apply = apply_business_settings,
};

void
kouan_server_enterprise_install (KouanServer *self)
{
  kouan_server_images_install (self);
  kouan_server_collections_add (self, &enterprise_settings_collection);
  kouan_server_collections_add (self, &business_settings_collection);
  _kouan_server_showcase_install (self);
}

/* ---- demo ---------------------------------------------------------- */

gboolean
kouan_server_enterprise_demo_seed (KouanServer  *self,
                                   GError      **error)
{
  sqlite3_stmt *stmt;

  /* Enterprise 1 is filled in; enterprise 2 is left for the user to fill
   * (empty fields, all switches off). */
  stmt = kouan_server_db_stmt (self,
    "INSERT OR IGNORE INTO enterprise_profiles (enterprise_id, registered_address, contact_person,"
    "  contact_phone, customs_code, invoice_title, taxpayer_number, bank_name, bank_account,"
    "  invoice_address_phone)"
    " SELECT id, '中国（上海）自由贸易试验区浦东南路 1088 号 12 楼', '陈志强', '021-58816620',"
    "  '3122960ABC', name, credit_code, '中国银行上海市浦东分行', '437265183920',"
    "  '上海市浦东新区浦东南路 1088 号 021-58816620'"
    " FROM enterprises WHERE id = 1");
  if (!kouan_server_db_step_done (self, stmt, error))
    return FALSE;

  stmt = kouan_server_db_stmt (self,
    "INSERT OR IGNORE INTO business_settings (enterprise_id, aircraft_auto, aircraft_time,"
    "  manifest_auto, status_push, e_payment, receipt_download)"
    " SELECT id, 1, '08:30', 1, 1, 0, 1 FROM enterprises WHERE id = 1");
  if (!kouan_server_db_step_done (self, stmt, error))
    return FALSE;

  return _kouan_server_showcase_demo_seed (self, 1, error);
}
