/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Strict JSON helpers shared by the client codecs and the server. Every
 * getter fails with KOUAN_JSON_ERROR instead of guessing when a member is
 * missing or has the wrong type, so malformed input is an error, never a
 * crash. */

#define KOUAN_JSON_ERROR (kouan_json_error_quark ())

typedef enum {
  KOUAN_JSON_ERROR_SYNTAX,        /* not JSON at all */
  KOUAN_JSON_ERROR_NOT_OBJECT,    /* top level is not an object */
  KOUAN_JSON_ERROR_MISSING,       /* a required member is absent */
  KOUAN_JSON_ERROR_TYPE,          /* a member has the wrong type */
  KOUAN_JSON_ERROR_VALUE,         /* right type, value out of range */
  KOUAN_JSON_ERROR_DUPLICATE_KEY, /* an object names a member twice */
} KouanJsonError;

GQuark      kouan_json_error_quark     (void);

/* Parses RFC 8259 JSON strictly: exactly one value, UTF-8, no comments,
 * single quotes, raw control characters, escaped NUL or lone surrogates,
 * no key twice in an object, at most 64 levels deep, integers within
 * gint64. Fails with KOUAN_JSON_ERROR_SYNTAX (or _VALUE for a too large
 * integer, _DUPLICATE_KEY for a repeated key).
 * (transfer full): the parsed top-level value */
JsonNode   *kouan_json_parse           (const char  *data,
                                        gssize       length,
                                        GError     **error);
/* kouan_json_parse() whose value must be an object (else _NOT_OBJECT).
 * (transfer full): the parsed top-level object */
JsonObject *kouan_json_parse_object    (const char  *data,
                                        gssize       length,
                                        GError     **error);
char       *kouan_json_to_string       (JsonNode    *node);
char       *kouan_json_object_to_string (JsonObject *object);

gboolean    kouan_json_get_string      (JsonObject  *object,
                                        const char  *member,
                                        const char **out,
                                        GError     **error);
/* NULL when the member is absent or null */
gboolean    kouan_json_get_opt_string  (JsonObject  *object,
                                        const char  *member,
                                        const char **out,
                                        GError     **error);
gboolean    kouan_json_get_int         (JsonObject  *object,
                                        const char  *member,
                                        gint64      *out,
                                        GError     **error);
/* 0 when the member is absent or null (ids start at 1) */
gboolean    kouan_json_get_opt_int     (JsonObject  *object,
                                        const char  *member,
                                        gint64      *out,
                                        GError     **error);
gboolean    kouan_json_get_bool        (JsonObject  *object,
                                        const char  *member,
                                        gboolean    *out,
                                        GError     **error);
gboolean    kouan_json_get_object      (JsonObject  *object,
                                        const char  *member,
                                        JsonObject **out,
                                        GError     **error);
gboolean    kouan_json_get_array       (JsonObject  *object,
                                        const char  *member,
                                        JsonArray  **out,
                                        GError     **error);

G_END_DECLS
