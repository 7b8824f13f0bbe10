/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-credit-code.h"
#include "kouan-settings.h"

G_DEFINE_QUARK (kouan-settings-error-quark, kouan_settings_error)

const char *
kouan_settings_error_reason (KouanSettingsError code)
{
  static const char *const reasons[] = {
    "unknown", "type", "required", "too_long", "format",
    "check_character", "disabled", "limit", "not_found",
  };

  if ((guint) code < G_N_ELEMENTS (reasons))
    return reasons[code];
  return "invalid";
}

/* ---- single-field rules --------------------------------------------- */

static gboolean
all_chars (const char *text,
           gboolean  (*allowed) (char c))
{
  for (const char *p = text; *p != '\0'; p++)
    if (!allowed (*p))
      return FALSE;
  return TRUE;
}

static gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static gboolean
is_digit_or_upper (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

gboolean
kouan_taxpayer_number_is_valid (const char *number)
{
  gsize length;

  if (number == NULL)
    return FALSE;
  length = strlen (number);
  if (length != 15 && length != 18 && length != 20)
    return FALSE;
  if (!all_chars (number, is_digit_or_upper))
    return FALSE;
  /* Since 2015 the 18-character number is the credit code itself. */
  return length != 18 || kouan_credit_code_is_valid (number);
}

gboolean
kouan_bank_account_is_valid (const char *account)
{
  gsize length;

  if (account == NULL)
    return FALSE;
  length = strlen (account);
  return length >= 8 && length <= 30 && all_chars (account, is_digit);
}

gboolean
kouan_customs_code_is_valid (const char *code)
{
  if (code == NULL || strlen (code) != 10)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!is_digit (code[i]))
      return FALSE;
  return all_chars (code + 4, is_digit_or_upper);
}

gboolean
kouan_web_url_is_valid (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || strlen (url) > 2048)
    return FALSE;
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f)
      return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return FALSE;
  host = g_uri_get_host (uri);
  return host != NULL && host[0] != '\0';
}

gboolean
kouan_phone_is_valid (const char *phone)
{
  gsize length;
  guint digits = 0;

  if (phone == NULL)
    return FALSE;
  length = strlen (phone);
  if (length < 5 || length > 20)
    return FALSE;
  for (const char *p = phone; *p != '\0'; p++)
    {
      if (is_digit (*p))
        digits++;
      else if (strchr (" +-()", *p) == NULL)
        return FALSE;
    }
  return digits >= 5;
}

gboolean
kouan_clock_time_is_valid (const char *time)
{
  if (time == NULL || strlen (time) != 5 || time[2] != ':' ||
      !is_digit (time[0]) || !is_digit (time[1]) ||
      !is_digit (time[3]) || !is_digit (time[4]))
    return FALSE;
  return (time[0] - '0') * 10 + (time[1] - '0') < 24 &&
         (time[3] - '0') * 10 + (time[4] - '0') < 60;
}

/* ---- the collections' fields ---------------------------------------- */

typedef enum {
  FIELD_TEXT,     /* string */
  FIELD_BOOL,
  FIELD_INT,
  FIELD_IMAGE,    /* an image id, or null */
  FIELD_TIME,     /* "HH:MM", or null */
} FieldKind;

typedef struct {
  const char *collection;
  const char *name;
  FieldKind   kind;
  gboolean    required;       /* a create must carry it; text must not be empty */
  guint       max_chars;      /* text: 0 = no limit beyond the rule */
  gint64      min, max;       /* int range */
  gboolean  (*rule) (const char *text);  /* text, when not empty */
  KouanSettingsError rule_error;
} Field;

static gboolean
credit_code_shape (const char *code)
{
  return strlen (code) == 18 && all_chars (code, is_digit_or_upper);
}

static const Field fields[] = {
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "name", FIELD_TEXT, TRUE, 100 },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "credit_code", FIELD_TEXT, TRUE, 18, 0, 0,
    credit_code_shape, KOUAN_SETTINGS_ERROR_FORMAT },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "registered_address", FIELD_TEXT, FALSE, 200 },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "contact_person", FIELD_TEXT, FALSE, 50 },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "contact_phone", FIELD_TEXT, FALSE, 20, 0, 0,
    kouan_phone_is_valid, KOUAN_SETTINGS_ERROR_FORMAT },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "customs_code", FIELD_TEXT, FALSE, 10, 0, 0,
    kouan_customs_code_is_valid, KOUAN_SETTINGS_ERROR_FORMAT },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "invoice_title", FIELD_TEXT, FALSE, 100 },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "taxpayer_number", FIELD_TEXT, FALSE, 20, 0, 0,
    kouan_taxpayer_number_is_valid, KOUAN_SETTINGS_ERROR_FORMAT },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "bank_name", FIELD_TEXT, FALSE, 100 },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "bank_account", FIELD_TEXT, FALSE, 30, 0, 0,
    kouan_bank_account_is_valid, KOUAN_SETTINGS_ERROR_FORMAT },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "invoice_address_phone", FIELD_TEXT, FALSE, 200 },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "logo_image", FIELD_IMAGE },
  { KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "seal_image", FIELD_IMAGE },

  { KOUAN_COLLECTION_BUSINESS_SETTINGS, "aircraft_auto", FIELD_BOOL },
  { KOUAN_COLLECTION_BUSINESS_SETTINGS, "aircraft_time", FIELD_TIME },
  { KOUAN_COLLECTION_BUSINESS_SETTINGS, "manifest_auto", FIELD_BOOL },
  { KOUAN_COLLECTION_BUSINESS_SETTINGS, "status_push", FIELD_BOOL },
  { KOUAN_COLLECTION_BUSINESS_SETTINGS, "e_payment", FIELD_BOOL },
  { KOUAN_COLLECTION_BUSINESS_SETTINGS, "receipt_download", FIELD_BOOL },

  { KOUAN_COLLECTION_SHOWCASE_SLIDES, "image", FIELD_INT, TRUE, 0, 1, G_MAXINT64 },
  { KOUAN_COLLECTION_SHOWCASE_SLIDES, "caption", FIELD_TEXT, TRUE, 60 },
  { KOUAN_COLLECTION_SHOWCASE_SLIDES, "link", FIELD_TEXT, FALSE, 2048, 0, 0,
    kouan_web_url_is_valid, KOUAN_SETTINGS_ERROR_FORMAT },
  { KOUAN_COLLECTION_SHOWCASE_SLIDES, "position", FIELD_INT, FALSE, 0, 0, 99 },

  { KOUAN_COLLECTION_SHOWCASE_LINKS, "title", FIELD_TEXT, TRUE, 40 },
  { KOUAN_COLLECTION_SHOWCASE_LINKS, "url", FIELD_TEXT, TRUE, 2048, 0, 0,
    kouan_web_url_is_valid, KOUAN_SETTINGS_ERROR_FORMAT },
  { KOUAN_COLLECTION_SHOWCASE_LINKS, "position", FIELD_INT, FALSE, 0, 0, 999 },
};

gboolean
kouan_settings_is_collection (const char *collection)
{
  return g_strcmp0 (collection, KOUAN_COLLECTION_ENTERPRISE_SETTINGS) == 0 ||
         g_strcmp0 (collection, KOUAN_COLLECTION_BUSINESS_SETTINGS) == 0 ||
         g_strcmp0 (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES) == 0 ||
         g_strcmp0 (collection, KOUAN_COLLECTION_SHOWCASE_LINKS) == 0;
}

static const Field *
lookup_field (const char *collection,
              const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fields[i].collection, collection) == 0 &&
        g_strcmp0 (fields[i].name, name) == 0)
      return &fields[i];
  return NULL;
}

static gboolean
node_is (JsonNode *node,
         GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
fail (GError            **error,
      KouanSettingsError  code,
      const char         *field,
      const char         *what)
{
  g_set_error (error, KOUAN_SETTINGS_ERROR, code, "\"%s\" %s", field, what);
  return FALSE;
}

static gboolean
check_text (const Field  *field,
            const char   *text,
            GError      **error)
{
  /* Surrounding spaces are a typing slip, never part of a code. */
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (!g_utf8_validate (text, -1, NULL))
    return fail (error, KOUAN_SETTINGS_ERROR_TYPE, field->name, "is not UTF-8");
  if (stripped[0] == '\0')
    {
      if (field->required)
        return fail (error, KOUAN_SETTINGS_ERROR_REQUIRED, field->name, "must not be empty");
      return TRUE;
    }
  if (strcmp (stripped, text) != 0)
    return fail (error, KOUAN_SETTINGS_ERROR_FORMAT, field->name,
                 "must not start or end with spaces");
  if (field->max_chars > 0 && g_utf8_strlen (text, -1) > field->max_chars)
    {
      g_autofree char *what = g_strdup_printf ("is longer than %u characters", field->max_chars);
      return fail (error, KOUAN_SETTINGS_ERROR_TOO_LONG, field->name, what);
    }
  if (field->rule != NULL && !field->rule (text))
    return fail (error, field->rule_error, field->name, "is not of the required form");
  /* The credit code has the right shape; now its check character. */
  if (strcmp (field->name, "credit_code") == 0 && !kouan_credit_code_is_valid (text))
    return fail (error, KOUAN_SETTINGS_ERROR_CHECK_CHARACTER, field->name,
                 "has a wrong check character");
  return TRUE;
}

gboolean
kouan_settings_check_field (const char  *collection,
                            const char  *name,
                            JsonNode    *value,
                            GError     **error)
{
  const Field *field = lookup_field (collection, name);

  if (field == NULL)
    return fail (error, KOUAN_SETTINGS_ERROR_UNKNOWN_FIELD, name, "is not an editable field");
  if (value == NULL)
    {
      if (field->required)
        return fail (error, KOUAN_SETTINGS_ERROR_REQUIRED, name, "is required");
      return TRUE;
    }

  switch (field->kind)
    {
    case FIELD_TEXT:
      if (!node_is (value, G_TYPE_STRING))
        return fail (error, KOUAN_SETTINGS_ERROR_TYPE, name, "must be a string");
      return check_text (field, json_node_get_string (value), error);

    case FIELD_BOOL:
      if (!node_is (value, G_TYPE_BOOLEAN))
        return fail (error, KOUAN_SETTINGS_ERROR_TYPE, name, "must be true or false");
      return TRUE;

    case FIELD_INT:
    case FIELD_IMAGE:
      if (field->kind == FIELD_IMAGE && JSON_NODE_HOLDS_NULL (value))
        return TRUE;
      if (!node_is (value, G_TYPE_INT64))
        return fail (error, KOUAN_SETTINGS_ERROR_TYPE, name, "must be an integer");
      if (field->kind == FIELD_IMAGE)
        {
          if (json_node_get_int (value) < 1)
            return fail (error, KOUAN_SETTINGS_ERROR_FORMAT, name, "must be an image id");
          return TRUE;
        }
      if (json_node_get_int (value) < field->min || json_node_get_int (value) > field->max)
        {
          g_autofree char *what = g_strdup_printf ("must be in %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT,
                                                   field->min, field->max);
          return fail (error, KOUAN_SETTINGS_ERROR_FORMAT, name, what);
        }
      return TRUE;

    case FIELD_TIME:
      if (JSON_NODE_HOLDS_NULL (value))
        return TRUE;
      if (!node_is (value, G_TYPE_STRING))
        return fail (error, KOUAN_SETTINGS_ERROR_TYPE, name, "must be a string or null");
      if (!kouan_clock_time_is_valid (json_node_get_string (value)))
        return fail (error, KOUAN_SETTINGS_ERROR_FORMAT, name, "must be HH:MM (00:00–23:59)");
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

gboolean
kouan_settings_check_fields (const char  *collection,
                             const char  *op,
                             JsonObject  *object,
                             char       **out_field,
                             GError     **error)
{
  g_autoptr(GList) members = NULL;
  gboolean create = g_strcmp0 (op, "create") == 0;

  if (out_field != NULL)
    *out_field = NULL;

  if (!kouan_settings_is_collection (collection))
    {
      g_set_error (error, KOUAN_SETTINGS_ERROR, KOUAN_SETTINGS_ERROR_UNKNOWN_FIELD,
                   "\"%s\" is not a settings collection", collection);
      return FALSE;
    }
  if (g_strcmp0 (op, "delete") == 0)
    return TRUE;
  if (!create && g_strcmp0 (op, "update") != 0)
    {
      g_set_error (error, KOUAN_SETTINGS_ERROR, KOUAN_SETTINGS_ERROR_FORMAT,
                   "\"%s\" is not an operation", op);
      return FALSE;
    }
  if (object == NULL || json_object_get_size (object) == 0)
    {
      g_set_error_literal (error, KOUAN_SETTINGS_ERROR, KOUAN_SETTINGS_ERROR_REQUIRED,
                           "\"fields\" is empty");
      return FALSE;
    }

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!kouan_settings_check_field (collection, l->data,
                                     json_object_get_member (object, l->data), error))
      {
        if (out_field != NULL)
          *out_field = g_strdup (l->data);
        return FALSE;
      }

  /* A new record needs every required field. */
  if (create)
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      if (g_strcmp0 (fields[i].collection, collection) == 0 && fields[i].required &&
          !json_object_has_member (object, fields[i].name))
        {
          if (out_field != NULL)
            *out_field = g_strdup (fields[i].name);
          return fail (error, KOUAN_SETTINGS_ERROR_REQUIRED, fields[i].name, "is required");
        }

  return TRUE;
}
