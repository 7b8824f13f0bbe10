/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The risk search's tokenizer (src/core/kouan-cjk-tokenizer.c) on bytes
 * that need not be UTF-8, as documents and as queries; then the MATCH
 * expression built from the same text, run against a real FTS5 table
 * using the tokenizer: whatever a user types must be a valid query or
 * none at all, never an FTS5 syntax error. */

#include <string.h>
#include <sqlite3.h>

#include "kouan-cjk-tokenizer.h"
#include "kouan-fuzz.h"

static sqlite3 *db;
static sqlite3_stmt *insert;
static sqlite3_stmt *search;

typedef struct {
  gsize length;   /* of the text */
  gsize previous_start;
} Tokens;

static gboolean
check_token (const char *token,
             gsize       length,
             gboolean    colocated,
             gsize       start,
             gsize       end,
             gpointer    user_data)
{
  Tokens *tokens = user_data;

  g_assert_cmpuint (length, >, 0);
  g_assert_true (g_utf8_validate (token, length, NULL));
  g_assert_cmpuint (start, <, end);
  g_assert_cmpuint (end, <=, tokens->length);
  tokens->previous_start = start;
  return TRUE;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  kouan_fuzz_setup ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_true (kouan_cjk_tokenizer_register (db, &error));
  g_assert_cmpint (sqlite3_exec (db, "CREATE VIRTUAL TABLE docs USING fts5 (body, tokenize = 'kouan_cjk');"
                                     "INSERT INTO docs (body) VALUES ('关税调整通知 tariffs 2024');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO docs (rowid, body) VALUES (2, ?1)", -1, &insert, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM docs WHERE docs MATCH ?1", -1, &search, NULL),
                   ==, SQLITE_OK);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  Tokens tokens = { .length = size };
  g_autofree char *keyword = kouan_fuzz_string (data, size);
  g_autofree char *expression = NULL;
  int rc;

  kouan_cjk_tokenize ((const char *) data, size, FALSE, check_token, &tokens);
  kouan_cjk_tokenize ((const char *) data, size, TRUE, check_token, &tokens);

  /* the text as a document: indexed by the tokenizer inside SQLite */
  sqlite3_bind_text (insert, 1, (const char *) data, size, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
  sqlite3_reset (insert);

  expression = kouan_cjk_match_expression (keyword);
  if (expression != NULL)
    {
      sqlite3_bind_text (search, 1, expression, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (search)) == SQLITE_ROW)
        ;
      if (rc != SQLITE_DONE)
        g_error ("%s: the MATCH expression %s is refused: %s", keyword, expression, sqlite3_errmsg (db));
      sqlite3_reset (search);
    }

  /* the highlighting of the input as a text searched for itself, and
   * for a fixed number: ranges within the text, in order */
  {
    const char *targets[] = { keyword, "5301 2026", "cosu61" };

    for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
      {
        g_autoptr(GArray) ranges = kouan_cjk_match_ranges (keyword, targets[t]);

        for (guint i = 0; i + 1 < ranges->len; i += 2)
          {
            g_assert_cmpuint (g_array_index (ranges, guint, i), <, g_array_index (ranges, guint, i + 1));
            g_assert_cmpuint (g_array_index (ranges, guint, i + 1), <=, strlen (keyword));
          }
      }
  }

  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM docs WHERE rowid = 2", NULL, NULL, NULL), ==, SQLITE_OK);
  return 0;
}
