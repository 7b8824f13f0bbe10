/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* An SQLite FTS5 tokenizer for Chinese (and Japanese, Korean) mixed with
 * Latin text, registered on a connection as "kouan_cjk".
 *
 * Documents: every CJK character is a token of its own (so one-character
 * queries work), and each pair of neighbouring CJK characters is a second
 * token at the same position (a bigram, FTS5_TOKEN_COLOCATED). Runs of
 * other letters and digits are one lowercased token each; everything else
 * separates tokens. Numbers written in groups of digits separated by
 * single spaces ("5301 2026 0000 12345", a 报关单号) are one token, as
 * written without spaces, with each group a colocated token in documents;
 * a run of letters then four or more digits (a 提单号, COSU6123456780)
 * also gives its digits as a colocated token in documents.
 * Queries: a CJK run of two or more characters gives its bigrams at
 * consecutive positions, a lone CJK character its unigram, so a phrase
 * query of the bigrams of "美国关税" matches exactly the documents where
 * the four characters stand together. */

#define KOUAN_CJK_TOKENIZER_NAME "kouan_cjk"

/* Called once per token; @colocated: same position as the previous token.
 * Returns FALSE to stop. */
typedef gboolean (*KouanCjkTokenFunc) (const char *token,
                                       gsize       length,
                                       gboolean    colocated,
                                       gsize       start,
                                       gsize       end,
                                       gpointer    user_data);

/* Tokenizes @text (@length bytes, -1: NUL-terminated) as a document or a
 * query. Invalid UTF-8 bytes are skipped. */
void      kouan_cjk_tokenize             (const char        *text,
                                          gssize             length,
                                          gboolean           query,
                                          KouanCjkTokenFunc  func,
                                          gpointer           user_data);

/* Registers the tokenizer on @db (needs FTS5, which Debian's and the
 * Flatpak runtime's SQLite have). */
gboolean  kouan_cjk_tokenizer_register   (sqlite3           *db,
                                          GError           **error);

/* (transfer full) (nullable): an FTS5 MATCH expression for what a user
 * typed: each whitespace-separated term a phrase, all terms required; a
 * term ending in a Latin letter or digit also matches longer words
 * ("tariff" finds "tariffs"); spaces between digits are dropped, so a
 * number typed in groups finds it written either way. NULL when @keyword has no searchable
 * character. */
char     *kouan_cjk_match_expression     (const char        *keyword);

/* (transfer full): the byte ranges of @text (pairs of start, end: guint)
 * that a search for @keyword matched, for highlighting them: tokens of
 * @text equal to a token of @keyword, or starting with one that a prefix
 * query matches (a Latin or digit term). Ranges may overlap. */
GArray   *kouan_cjk_match_ranges         (const char        *text,
                                          const char        *keyword);

G_END_DECLS
