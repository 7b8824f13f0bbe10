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

/* Logs a storage failure (the batch then fails); returns NULL */
static JsonObject *
storage_failed (KouanServer *self,
                GError      *error)
{
  kouan_server_storage_failed (self, error);
  g_error_free (error);
  return NULL;
}

static void
set_image_member (JsonObject *record,
                  const char *name,
                  gint64      image_id)
{
  if (image_id == 0)
    json_object_set_null_member (record, name);
  else
    json_object_set_int_member (record, name, image_id);
}

static gint64
image_member (JsonObject *record,
              const char *name)
{
  JsonNode *node = json_object_get_member (record, name);

  return node == NULL || JSON_NODE_HOLDS_NULL (node) ? 0 : json_node_get_int (node);
}

static JsonObject *
enterprise_settings_json (const KouanStoredEnterpriseSettings *stored)
{
  JsonObject *record = json_object_new ();

  json_object_set_int_member (record, "id", stored->enterprise_id);
  json_object_set_string_member (record, "name", stored->name);
  json_object_set_string_member (record, "credit_code", stored->credit_code);
  for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
    json_object_set_string_member (record, kouan_stored_profile_fields[i], stored->profile[i]);
  set_image_member (record, "logo_image", stored->logo_image);
  set_image_member (record, "seal_image", stored->seal_image);
  return record;
}

static JsonObject *
materialise_enterprise_settings (KouanServer *self,
                                 gint64       enterprise_id,
                                 gint64       record_id,
                                 gint64       user_id)
{
  g_auto(KouanStoredEnterpriseSettings) stored = { 0 };
  GError *error = NULL;

  if (record_id != enterprise_id)
    return NULL;
  if (!self->storage->enterprise->settings_get (self->storage, enterprise_id, &stored, &error))
    return storage_failed (self, error);
  return stored.enterprise_id != 0 ? enterprise_settings_json (&stored) : NULL;
}

static JsonObject *
apply_enterprise_settings (KouanServer               *self,
                           const KouanServerMutation *mutation,
                           gint64                     enterprise_id,
                           gint64                     user_id,
                           GError                   **error)
{
  const KouanStorageEnterprise *storage = self->storage->enterprise;
  g_auto(KouanStoredEnterpriseSettings) stored = { 0 };
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) before = NULL;
  JsonObject *rejected;
  const char *image_fields[] = { "logo_image", "seal_image" };
  gboolean taken = FALSE;

  if (mutation->record_id == enterprise_id &&
      !storage->settings_get (self->storage, enterprise_id, &stored, error))
    return NULL;
  if (stored.enterprise_id == 0)
    return kouan_server_enterprise_rejected (mutation->id, "not_found", NULL, NULL,
                                             "The settings record's id is the enterprise's", NULL);
  record = enterprise_settings_json (&stored);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return kouan_server_enterprise_rejected (mutation->id, "invalid_field", NULL, "format",
                                             "Enterprise settings only take \"update\"",
                                             json_object_ref (record));
  rejected = _kouan_server_settings_check (mutation, json_object_ref (record));
  if (rejected != NULL)
    return rejected;

  for (guint i = 0; i < G_N_ELEMENTS (image_fields); i++)
    {
      gint64 image_id = image_member (mutation->fields, image_fields[i]);

      if (image_id != 0 && !kouan_server_images_exists (self, enterprise_id, image_id))
        return kouan_server_enterprise_rejected (mutation->id, "invalid_field", image_fields[i],
                                                 "not_found",
                                                 "No such image in this enterprise; upload it first",
                                                 json_object_ref (record));
    }

  if (json_object_has_member (mutation->fields, "credit_code") &&
      !storage->credit_code_taken (self->storage, enterprise_id,
                                   json_object_get_string_member (mutation->fields, "credit_code"),
                                   &taken, error))
    return NULL;
  if (taken)
    return kouan_server_enterprise_rejected (mutation->id, "conflict", "credit_code", "taken",
                                             "Another enterprise has this credit code",
                                             json_object_ref (record));

  before = g_steal_pointer (&record);
  record = enterprise_settings_json (&stored);
  _kouan_server_settings_merge (record, mutation->fields);

  g_free (stored.name);
  stored.name = g_strdup (json_object_get_string_member (record, "name"));
  g_free (stored.credit_code);
  stored.credit_code = g_strdup (json_object_get_string_member (record, "credit_code"));
  for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
    {
      g_free (stored.profile[i]);
      stored.profile[i] = g_strdup (json_object_get_string_member (record,
                                                                   kouan_stored_profile_fields[i]));
    }
  stored.logo_image = image_member (record, "logo_image");
  stored.seal_image = image_member (record, "seal_image");
  if (!storage->settings_put (self->storage, &stored, error))
    return NULL;

  kouan_stored_enterprise_settings_clear (&stored);
  if (!storage->settings_get (self->storage, enterprise_id, &stored, error))
    return NULL;
  return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, before,
                                         enterprise_settings_json (&stored), error);
}

/* ---- business_settings --------------------------------------------- */

static JsonObject *
business_settings_json (const KouanStoredBusinessSettings *stored)
{
  JsonObject *record = json_object_new ();

  json_object_set_int_member (record, "id", stored->enterprise_id);
  for (guint i = 0; i < KOUAN_STORED_SWITCHES_N; i++)
    json_object_set_boolean_member (record, kouan_stored_business_switches[i], stored->switches[i]);
  if (stored->aircraft_time == NULL)
    json_object_set_null_member (record, "aircraft_time");
  else
    json_object_set_string_member (record, "aircraft_time", stored->aircraft_time);
  return record;
}

static JsonObject *
materialise_business_settings (KouanServer *self,
                               gint64       enterprise_id,
                               gint64       record_id,
                               gint64       user_id)
{
  g_auto(KouanStoredBusinessSettings) stored = { 0 };
  GError *error = NULL;

  if (record_id != enterprise_id)
    return NULL;
  if (!self->storage->enterprise->business_get (self->storage, enterprise_id, &stored, &error))
    return storage_failed (self, error);
  return stored.enterprise_id != 0 ? business_settings_json (&stored) : NULL;
}

static JsonObject *
apply_business_settings (KouanServer               *self,
                         const KouanServerMutation *mutation,
                         gint64                     enterprise_id,
                         gint64                     user_id,
                         GError                   **error)
{
  const KouanStorageEnterprise *storage = self->storage->enterprise;
  g_auto(KouanStoredBusinessSettings) stored = { 0 };
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) before = NULL;
  JsonObject *rejected;
  JsonNode *time;

  if (mutation->record_id == enterprise_id &&
      !storage->business_get (self->storage, enterprise_id, &stored, error))
    return NULL;
  if (stored.enterprise_id == 0)
    return kouan_server_enterprise_rejected (mutation->id, "not_found", NULL, NULL,
                                             "The settings record's id is the enterprise's", NULL);
  record = business_settings_json (&stored);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return kouan_server_enterprise_rejected (mutation->id, "invalid_field", NULL, "format",
                                             "Business settings only take \"update\"",
                                             json_object_ref (record));
  rejected = _kouan_server_settings_check (mutation, json_object_ref (record));
  if (rejected != NULL)
    return rejected;

  before = business_settings_json (&stored);
  _kouan_server_settings_merge (record, mutation->fields);

  /* The declaration time belongs to the switch: it can be set only while
   * the switch is on, and switching off forgets it. */
  if (!json_object_get_boolean_member (record, "aircraft_auto"))
    {
      JsonNode *sent = json_object_get_member (mutation->fields, "aircraft_time");

      if (sent != NULL && !JSON_NODE_HOLDS_NULL (sent))
        return kouan_server_enterprise_rejected (mutation->id, "invalid_field", "aircraft_time",
                                                 "disabled",
                                                 "The aircraft declaration time can only be set while "
                                                 "aircraft automatic declaration is enabled",
                                                 json_object_ref (before));
      json_object_set_null_member (record, "aircraft_time");
    }
  time = json_object_get_member (record, "aircraft_time");

  for (guint i = 0; i < KOUAN_STORED_SWITCHES_N; i++)
    stored.switches[i] = json_object_get_boolean_member (record, kouan_stored_business_switches[i]);
  g_free (stored.aircraft_time);
  stored.aircraft_time = JSON_NODE_HOLDS_NULL (time) ? NULL : g_strdup (json_node_get_string (time));
  if (!storage->business_put (self->storage, &stored, error))
    return NULL;

  kouan_stored_business_settings_clear (&stored);
  if (!storage->business_get (self->storage, enterprise_id, &stored, error))
    return NULL;
  return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, before,
                                         business_settings_json (&stored), error);
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
  const KouanStorageEnterprise *storage = self->storage->enterprise;
  static const char *const profile[KOUAN_STORED_PROFILE_N] = {
    "中国（上海）自由贸易试验区浦东南路 1088 号 12 楼", "陈志强", "021-58816620",
    "3122960ABC", NULL /* the name */, NULL /* the credit code */,
    "中国银行上海市浦东分行", "437265183920", "上海市浦东新区浦东南路 1088 号 021-58816620",
  };
  g_auto(KouanStoredEnterpriseSettings) settings = { 0 };
  KouanStoredBusinessSettings business = {
    .enterprise_id = 1,
    /* aircraft_auto, manifest_auto, status_push, e_payment, receipt_download */
    .switches = { TRUE, TRUE, TRUE, FALSE, TRUE },
    .aircraft_time = (char *) "08:30",
  };

  /* Enterprise 1 is filled in; enterprise 2 is left for the user to fill
   * (empty fields, all switches off). */
  if (!storage->settings_get (self->storage, 1, &settings, error))
    return FALSE;
  if (settings.enterprise_id == 0)
    return TRUE;   /* no such enterprise: nothing to fill in */
  for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
    {
      g_free (settings.profile[i]);
      settings.profile[i] = g_strdup (profile[i] != NULL ? profile[i]
                                      : g_str_equal (kouan_stored_profile_fields[i], "invoice_title")
                                        ? settings.name : settings.credit_code);
    }
  return storage->settings_put (self->storage, &settings, error) &&
         storage->business_put (self->storage, &business, error) &&
         _kouan_server_showcase_demo_seed (self, 1, error);
}
