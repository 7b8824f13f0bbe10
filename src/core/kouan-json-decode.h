/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A strict RFC 8259 reader for the hot path: change pages of up to 1000
 * records (kouan-client.c). It builds the same json-glib tree as
 * kouan_json_parse_object() — so the record codecs and collections read
 * it with the kouan_json_get_* getters unchanged — in one pass over the
 * text, without json-glib's tokenizer (GScanner), which cost about half
 * of a first sync's client time (docs/performance.md).
 *
 * It refuses everything RFC 8259 refuses (comments, trailing commas,
 * single quotes, leading zeros, "+1", ".5", "1.", bare control characters
 * in strings, bad escapes, invalid UTF-8, a byte order mark, anything after
 * the value) and, because the records are C strings and a key must mean one
 * thing: "\u0000", unpaired surrogates and duplicate member names. Like
 * kouan_json_parse_object(), it refuses integers outside gint64
 * (KOUAN_JSON_ERROR_VALUE) and nesting deeper than 64 levels. */

/* (transfer full) (nullable): the top-level object, or NULL with
 * KOUAN_JSON_ERROR_SYNTAX, _NOT_OBJECT (valid JSON, not an object) or
 * _VALUE. */
JsonObject *kouan_json_decode_object (const char  *data,
                                      gsize        length,
                                      GError     **error);

G_END_DECLS
