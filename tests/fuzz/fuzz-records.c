/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The record decoders of src/core: one JSON object offered to each, as a
 * hostile server (or a damaged cache row) could send it. A decoded record
 * that is written back must decode again. */

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-fuzz.h"
#include "kouan-insurance.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-permissions.h"
#include "kouan-settings.h"

static const char *const settings_collections[] = {
  KOUAN_COLLECTION_ENTERPRISE_SETTINGS, KOUAN_COLLECTION_BUSINESS_SETTINGS,
  KOUAN_COLLECTION_SHOWCASE_SLIDES, KOUAN_COLLECTION_SHOWCASE_LINKS,
};
static const char *const ops[] = { "update", "create", "delete" };

static void
decode_message (JsonObject *record)
{
  g_autoptr(KouanMessage) message = kouan_message_new_from_json (record, 1, NULL);
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(KouanMessage) again = NULL;
  g_autoptr(GError) error = NULL;

  if (message == NULL)
    return;
  written = kouan_message_to_json (message);
  again = kouan_message_new_from_json (written, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kouan_message_get_title (again), ==, kouan_message_get_title (message));
}

static void
decode_membership (JsonObject *membership)
{
  g_autoptr(KouanEnterprise) enterprise = kouan_enterprise_new_from_membership (membership, NULL);
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(KouanEnterprise) again = NULL;
  g_autoptr(GError) error = NULL;

  if (enterprise == NULL)
    return;
  (void) kouan_enterprise_get_permissions (enterprise);
  written = kouan_enterprise_to_membership_json (enterprise);
  again = kouan_enterprise_new_from_membership (written, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kouan_enterprise_get_id (again), ==, kouan_enterprise_get_id (enterprise));
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  kouan_fuzz_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) object = kouan_json_parse_object ((const char *) data, size, NULL);
  g_autoptr(KouanPolicy) policy = NULL;
  g_autoptr(KouanClaim) claim = NULL;
  g_autoptr(KouanInsuranceCategory) category = NULL;
  g_autoptr(KouanRiskArticle) article = NULL;
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(KouanChangePage) page = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (object == NULL)
    return 0;

  decode_message (object);
  decode_membership (object);
  policy = kouan_policy_new_from_json (object, 1, NULL);
  claim = kouan_claim_new_from_json (object, 1, NULL);
  category = kouan_insurance_category_new_from_json (object, 1, NULL);
  article = kouan_risk_article_new_from_json (object, NULL);
  session = kouan_session_new_from_json (object, NULL);
  page = kouan_change_page_new_from_json (1, object, NULL);

  /* the settings rules the app and the server share */
  for (guint i = 0; i < G_N_ELEMENTS (settings_collections); i++)
    for (guint j = 0; j < G_N_ELEMENTS (ops); j++)
      {
        g_autofree char *field = NULL;
        g_autoptr(GError) error = NULL;

        if (!kouan_settings_check_fields (settings_collections[i], ops[j], object, &field, &error))
          g_assert_nonnull (error);
      }

  /* every member that is a string, as a permission name */
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      g_autofree char *menu = NULL;
      gboolean manage;

      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        continue;
      if (kouan_permission_parse (json_node_get_string (member), &menu, &manage))
        g_assert_nonnull (menu);
      (void) kouan_permission_is_valid (json_node_get_string (member));
      for (guint i = 0; i < G_N_ELEMENTS (settings_collections); i++)
        (void) kouan_settings_check_field (settings_collections[i], name, member, NULL);
    }
  return 0;
}
