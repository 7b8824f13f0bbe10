/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The risk search's FTS5 tokenizer: the tokens of documents and queries,
 * the MATCH expressions built from what a user types, and the tokenizer
 * registered in a real in-memory FTS5 table. */

#include <sqlite3.h>
#include <string.h>

#include "kouan-cjk-tokenizer.h"

static gboolean
collect (const char *token,
         gsize       length,
         gboolean    colocated,
         gsize       start,
         gsize       end,
         gpointer    user_data)
{
  GString *out = user_data;

  if (out->len > 0)
    g_string_append_c (out, ' ');
  if (colocated)
    g_string_append_c (out, '+');
  g_string_append_len (out, token, length);
  return TRUE;
}

static char *
tokens (const char *text, gboolean query)
{
  GString *out = g_string_new (NULL);

  kouan_cjk_tokenize (text, -1, query, collect, out);
  return g_string_free (out, FALSE);
}

static void
test_document_tokens (void)
{
  static const struct { const char *text; const char *expected; } cases[] = {
    /* unigrams, and bigrams at the same position */
    { "美国关税", "美 +美国 国 +国关 关 +关税 税" },
    { "美", "美" },
    /* punctuation separates runs; Latin words lowercased whole */
    { "芯片，WTO规则 Chip-2024", "芯 +芯片 片 wto 规 +规则 则 chip 2024" },
    { "Ünïcode café", "ünïcode café" },
    { "  ，。！", "" },
    { "", "" },
    /* a 报关单号 in groups: the whole number, and each group with it */
    { "报关单 5301 2026 0000 123456 放行", "报 +报关 关 +关单 单 530120260000123456 +5301 +2026 +0000 +123456 放 +放行 行" },
    { "530120260000012345", "530120260000012345" },
    /* a 提单号: whole, and its digits with it */
    { "提单号COSU6123456780", "提 +提单 单 +单号 号 cosu6123456780 +6123456780" },
    { "A12 1 b", "a12 1 b" },
    { "v2 2026", "v2 2026" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tokens (cases[i].text, FALSE);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_query_tokens (void)
{
  static const struct { const char *text; const char *expected; } cases[] = {
    { "美国关税", "美国 国关 关税" },
    { "美国", "美国" },
    { "美", "美" },
    { "Nvidia芯片", "nvidia 芯片" },
    { "5301 2026", "53012026" },
    { "COSU6123", "cosu6123" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = tokens (cases[i].text, TRUE);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static gboolean
stop_after_two (const char *token, gsize length, gboolean colocated,
                gsize start, gsize end, gpointer user_data)
{
  guint *count = user_data;

  (*count)++;
  return *count < 2;
}

static gboolean
check_offsets (const char *token, gsize length, gboolean colocated,
               gsize start, gsize end, gpointer user_data)
{
  const char *text = user_data;

  /* CJK tokens are the text itself, so the offsets must frame them */
  if ((guchar) token[0] >= 0x80)
    g_assert_cmpmem (text + start, end - start, token, length);
  return TRUE;
}

static void
test_stop_and_offsets (void)
{
  static const char text[] = "出口信用 risk 保险";
  guint count = 0;

  kouan_cjk_tokenize (text, -1, FALSE, stop_after_two, &count);
  g_assert_cmpuint (count, ==, 2);
  kouan_cjk_tokenize (text, -1, FALSE, check_offsets, (gpointer) text);
  /* invalid UTF-8 is skipped, not a crash */
  {
    g_autofree char *got = tokens ("芯\xff片 a\xc3", FALSE);

    g_assert_cmpstr (got, ==, "芯 片 a");
  }
}

static void
test_match_expression (void)
{
  static const struct { const char *keyword; const char *expected; } cases[] = {
    { "美国", "\"美国\"" },
    { "  美国  关税 ", "\"美国\" AND \"关税\"" },
    { "tariff", "\"tariff\"*" },
    { "芯片Nvidia", "\"芯片Nvidia\"*" },
    { "a\"b", "\"a\"\"b\"*" },
    { "，。", NULL },
    { "", NULL },
    { "美国 ！", "\"美国\"" },
    { "5301 2026  0000", "\"530120260000\"*" },
    { "报关单 5301 2026", "\"报关单\" AND \"53012026\"*" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = kouan_cjk_match_expression (cases[i].keyword);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
  g_assert_null (kouan_cjk_match_expression (NULL));
}

static guint
count_matches (sqlite3 *db, const char *keyword)
{
  g_autofree char *match = kouan_cjk_match_expression (keyword);
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_assert_nonnull (match);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM docs WHERE docs MATCH ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    n++;
  g_assert_cmpint (sqlite3_finalize (stmt), ==, SQLITE_OK);
  return n;
}

static void
test_fts5 (void)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_true (kouan_cjk_tokenizer_register (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE VIRTUAL TABLE docs USING fts5 (body, tokenize = 'kouan_cjk');"
    "INSERT INTO docs (body) VALUES ('美国对芯片加征关税'), ('美元汇率波动'),"
    "  ('德国汽车 Tariffs rise'), ('国美电器');", NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_cmpuint (count_matches (db, "美"), ==, 3);
  g_assert_cmpuint (count_matches (db, "美国"), ==, 1);    /* not 国美 */
  g_assert_cmpuint (count_matches (db, "国美"), ==, 1);
  g_assert_cmpuint (count_matches (db, "芯片"), ==, 1);
  g_assert_cmpuint (count_matches (db, "加征关税"), ==, 1);
  g_assert_cmpuint (count_matches (db, "芯片关税"), ==, 0); /* not adjacent */
  g_assert_cmpuint (count_matches (db, "芯片 关税"), ==, 1);
  g_assert_cmpuint (count_matches (db, "tariff"), ==, 1);   /* prefix */
  g_assert_cmpuint (count_matches (db, "TARIFFS"), ==, 1);
  g_assert_cmpuint (count_matches (db, "国"), ==, 3);
  g_assert_cmpuint (count_matches (db, "日本"), ==, 0);

  /* identifiers: a 报关单号 with or without spaces, by prefix; a 提单号 */
  g_assert_cmpint (sqlite3_exec (db,
    "INSERT INTO docs (body) VALUES ('报关单 5301 2026 0000 123456 已放行'),"
    "  ('报关单530120260000054321查验'), ('提单号 COSU6123456780 到港');",
    NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpuint (count_matches (db, "530120260000123456"), ==, 1);
  g_assert_cmpuint (count_matches (db, "5301 2026 0000 123456"), ==, 1);
  g_assert_cmpuint (count_matches (db, "5301 2026"), ==, 2);
  g_assert_cmpuint (count_matches (db, "53012026000005"), ==, 1);
  g_assert_cmpuint (count_matches (db, "123456"), ==, 1);
  g_assert_cmpuint (count_matches (db, "cosu612"), ==, 1);
  g_assert_cmpuint (count_matches (db, "6123456780"), ==, 1);
  g_assert_cmpuint (count_matches (db, "5302"), ==, 0);
  sqlite3_close (db);
}

static char *
marked (const char *text, const char *keyword)
{
  g_autoptr(GArray) ranges = kouan_cjk_match_ranges (text, keyword);
  g_autofree gboolean *on = g_new0 (gboolean, strlen (text) + 1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i + 1 < ranges->len; i += 2)
    for (guint b = g_array_index (ranges, guint, i); b < g_array_index (ranges, guint, i + 1); b++)
      on[b] = TRUE;
  for (gsize b = 0; text[b] != '\0'; b++)
    {
      if (on[b] && (b == 0 || !on[b - 1]))
        g_string_append_c (out, '[');
      g_string_append_c (out, text[b]);
      if (on[b] && !on[b + 1])
        g_string_append_c (out, ']');
    }
  return g_string_free (out, FALSE);
}

static void
test_match_ranges (void)
{
  static const struct { const char *text, *keyword, *expected; } cases[] = {
    { "报关单 5301 2026 0000 123456 已放行", "5301 2026", "报关单 [5301 2026 0000 123456] 已放行" },
    { "报关单 5301 2026 0000 123456 已放行", "放行", "报关单 5301 2026 0000 123456 已[放行]" },
    { "提单号 COSU6123456780 到港", "cosu61", "提单号 [COSU61]23456780 到港" },
    { "提单号 COSU6123456780 到港", "6123456780", "提单号 COSU[6123456780] 到港" },
    { "上海示例贸易有限公司", "示例 公司", "上海[示例]贸易有限[公司]" },
    { "nothing here", "5301", "nothing here" },
    { "text", "，", "text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = marked (cases[i].text, cases[i].keyword);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cjk-tokenizer/document", test_document_tokens);
  g_test_add_func ("/cjk-tokenizer/query", test_query_tokens);
  g_test_add_func ("/cjk-tokenizer/stop-and-offsets", test_stop_and_offsets);
  g_test_add_func ("/cjk-tokenizer/match-expression", test_match_expression);
  g_test_add_func ("/cjk-tokenizer/fts5", test_fts5);
  g_test_add_func ("/cjk-tokenizer/match-ranges", test_match_ranges);

  return g_test_run ();
}
