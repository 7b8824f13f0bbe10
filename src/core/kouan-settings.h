/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The enterprise's settings collections (管理员中心: 企业设置, 业务设置,
 * 企业风采设置) and the rules of their fields. The server applies these
 * rules to every mutation and the app to every form before it queues an
 * edit, so both refuse the same values with the same reason
 * (docs/api.md, "Enterprise settings"). */

#define KOUAN_COLLECTION_ENTERPRISE_SETTINGS "enterprise_settings"
#define KOUAN_COLLECTION_BUSINESS_SETTINGS   "business_settings"
#define KOUAN_COLLECTION_SHOWCASE_SLIDES     "showcase_slides"
#define KOUAN_COLLECTION_SHOWCASE_LINKS      "showcase_links"

#define KOUAN_SHOWCASE_MAX_SLIDES 6

#define KOUAN_SETTINGS_ERROR (kouan_settings_error_quark ())

/* Each code has a stable name, sent by the server as the error's "reason"
 * (kouan_settings_error_reason()). */
typedef enum {
  KOUAN_SETTINGS_ERROR_UNKNOWN_FIELD,    /* "unknown": not a field of the collection */
  KOUAN_SETTINGS_ERROR_TYPE,             /* "type": wrong JSON type */
  KOUAN_SETTINGS_ERROR_REQUIRED,         /* "required": empty or missing */
  KOUAN_SETTINGS_ERROR_TOO_LONG,         /* "too_long": over the field's length */
  KOUAN_SETTINGS_ERROR_FORMAT,           /* "format": not of the field's form */
  KOUAN_SETTINGS_ERROR_CHECK_CHARACTER,  /* "check_character": credit code checksum */
  KOUAN_SETTINGS_ERROR_DISABLED,         /* "disabled": a value for a switched-off option */
  KOUAN_SETTINGS_ERROR_LIMIT,            /* "limit": too many records */
  KOUAN_SETTINGS_ERROR_NOT_FOUND,        /* "not_found": a referenced image does not exist */
} KouanSettingsError;

GQuark      kouan_settings_error_quark   (void);
const char *kouan_settings_error_reason  (KouanSettingsError code);

/* Field rules, also usable alone. */

/* 纳税人识别号: 15, 18 or 20 characters of 0-9 and A-Z; an 18-character
 * number is a unified social credit code and must have its check
 * character right. */
gboolean kouan_taxpayer_number_is_valid (const char *number);
/* Bank account number: 8–30 digits. */
gboolean kouan_bank_account_is_valid    (const char *account);
/* 海关注册编码: 10 characters, the first 4 digits (the customs district
 * and region), the other 6 from 0-9 and A-Z. */
gboolean kouan_customs_code_is_valid    (const char *code);
/* An absolute http or https URL with a host, at most 2048 bytes, no
 * spaces or control characters. */
gboolean kouan_web_url_is_valid         (const char *url);
/* A phone number: 5–20 characters of digits, spaces, "+", "-", "(", ")",
 * with at least 5 digits. */
gboolean kouan_phone_is_valid           (const char *phone);
/* "HH:MM", 00:00–23:59 */
gboolean kouan_clock_time_is_valid      (const char *time);

/* Checks one field of @collection: @value NULL means the member is
 * missing. */
gboolean kouan_settings_check_field     (const char  *collection,
                                         const char  *field,
                                         JsonNode    *value,
                                         GError     **error);
/* Checks every member of @fields for @op ("update", "create", "delete";
 * a create must carry every required field). On failure @out_field
 * (nullable) receives the offending field, NULL when the problem is not
 * one field's. */
gboolean kouan_settings_check_fields    (const char  *collection,
                                         const char  *op,
                                         JsonObject  *fields,
                                         char       **out_field,
                                         GError     **error);
/* Is @collection one of the four above? */
gboolean kouan_settings_is_collection   (const char  *collection);

G_END_DECLS
