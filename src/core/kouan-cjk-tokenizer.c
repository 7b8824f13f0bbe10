/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-cjk-tokenizer.h"
#include "kouan-store.h"

/* The FTS5 extension API. Debian's libsqlite3-dev does not ship fts5.h,
 * so the few declarations needed are repeated here exactly as in the
 * public SQLite header (ext/fts5/fts5.h, stable ABI since 3.9): the
 * tokenizer vtable and fts5_api version 2. Only the layout matters; the
 * names carry a Kouan prefix so they never clash with a real fts5.h. */
typedef struct KouanFts5Tokenizer KouanFts5Tokenizer;   /* Fts5Tokenizer, opaque */

typedef struct {
  int  (*xCreate)   (void *user_data, const char **args, int n_args,
                     KouanFts5Tokenizer **out);
  void (*xDelete)   (KouanFts5Tokenizer *tokenizer);
  int  (*xTokenize) (KouanFts5Tokenizer *tokenizer, void *ctx, int flags,
                     const char *text, int n_text,
                     int (*xToken) (void *ctx, int token_flags, const char *token,
                                    int n_token, int start, int end));
} KouanFts5TokenizerVtable;                              /* fts5_tokenizer */

typedef struct KouanFts5Api KouanFts5Api;
struct KouanFts5Api {                                    /* fts5_api */
  int iVersion;
  int (*xCreateTokenizer)  (KouanFts5Api *api, const char *name, void *user_data,
                            KouanFts5TokenizerVtable *tokenizer,
                            void (*xDestroy) (void *));
  int (*xFindTokenizer)    (KouanFts5Api *api, const char *name, void **user_data,
                            KouanFts5TokenizerVtable *tokenizer);
  int (*xCreateFunction)   (KouanFts5Api *api, const char *name, void *user_data,
                            void (*function) (void), void (*xDestroy) (void *));
};

#define FTS5_TOKENIZE_QUERY   0x0001
#define FTS5_TOKEN_COLOCATED  0x0001

static gboolean
is_cjk (gunichar c)
{
  return (c >= 0x3400 && c <= 0x4DBF) ||    /* CJK extension A */
         (c >= 0x4E00 && c <= 0x9FFF) ||    /* CJK unified ideographs */
         (c >= 0xF900 && c <= 0xFAFF) ||    /* compatibility ideographs */
         (c >= 0x20000 && c <= 0x3FFFF) ||  /* extensions B… */
         (c >= 0x3040 && c <= 0x30FF) ||    /* kana */
         (c >= 0xAC00 && c <= 0xD7AF);      /* hangul syllables */
}

static inline gboolean
is_ascii_digit (gunichar c)
{
  return c >= '0' && c <= '9';
}

static gboolean
is_word (gunichar c)
{
  return !is_cjk (c) && g_unichar_isalnum (c);
}

/* The next character at @p before @end; (gunichar) -1 for an invalid
 * byte, which then counts as one separator byte. */
static gunichar
next_char (const char  *p,
           const char  *end,
           const char **after)
{
  gunichar c = g_utf8_get_char_validated (p, end - p);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      *after = p + 1;
      return (gunichar) -1;
    }
  *after = g_utf8_next_char (p);
  return c;
}

void
kouan_cjk_tokenize (const char        *text,
                    gssize             length,
                    gboolean           query,
                    KouanCjkTokenFunc  func,
                    gpointer           user_data)
{
  const char *p = text;
  const char *end;
  g_autoptr(GString) word = g_string_new (NULL);

  if (length < 0)
    length = strlen (text);
  end = text + length;

  while (p < end)
    {
      const char *after;
      gunichar c = next_char (p, end, &after);

      if (c != (gunichar) -1 && is_cjk (c))
        {
          /* a run of CJK characters: walk it with one character of
           * lookahead */
          const char *current = p, *current_end = after;
          gboolean lone = TRUE;

          for (;;)
            {
              const char *next_end = NULL;
              gunichar next = current_end < end ? next_char (current_end, end, &next_end)
                                                : (gunichar) -1;
              gboolean pair = next != (gunichar) -1 && is_cjk (next);

              if (!query)
                {
                  if (!func (current, current_end - current, FALSE,
                             current - text, current_end - text, user_data))
                    return;
                  if (pair && !func (current, next_end - current, TRUE,
                                     current - text, next_end - text, user_data))
                    return;
                }
              else if (pair)
                {
                  if (!func (current, next_end - current, FALSE,
                             current - text, next_end - text, user_data))
                    return;
                }
              else if (lone)
                {
                  if (!func (current, current_end - current, FALSE,
                             current - text, current_end - text, user_data))
                    return;
                }

              if (!pair)
                break;
              lone = FALSE;
              current = current_end;
              current_end = next_end;
            }
          p = current_end;
        }
      else if (c != (gunichar) -1 && is_word (c))
        {
          const char *start = p;
          const char *digits_from = NULL;  /* where the digits of a run of letters then digits begin */
          gsize n_letters = 0;
          gboolean digits_only = TRUE, letters_then_digits = TRUE;
          guint n_groups = 1;

          g_string_truncate (word, 0);
          for (;;)
            {
              while (p < end)
                {
                  c = next_char (p, end, &after);
                  if (c == (gunichar) -1 || !is_word (c))
                    break;
                  if (is_ascii_digit (c))
                    {
                      if (digits_from == NULL)
                        digits_from = p;
                    }
                  else
                    {
                      digits_only = FALSE;
                      if (digits_from != NULL)
                        letters_then_digits = FALSE;
                    }
                  g_string_append_unichar (word, g_unichar_tolower (c));
                  if (digits_from == NULL)
                    n_letters = word->len;
                  p = after;
                }
              /* digit groups: "5301 2026 0000 12345" is one number, as
               * "530120260000012345" is */
              if (digits_only && p + 1 < end && *p == ' ' && is_ascii_digit ((guchar) p[1]))
                {
                  p++;
                  n_groups++;
                  continue;
                }
              break;
            }
          if (!func (word->str, word->len, FALSE, start - text, p - text, user_data))
            return;
          if (query)
            continue;
          if (n_groups > 1 && digits_only)
            {
              /* each group too, so "12345" or "2026" alone finds it */
              const char *q = start;

              while (q < p)
                {
                  const char *group = q;

                  while (q < p && *q != ' ')
                    q++;
                  if (!func (group, q - group, TRUE, group - text, q - text, user_data))
                    return;
                  while (q < p && *q == ' ')
                    q++;
                }
            }
          else if (letters_then_digits && n_letters > 0 && word->len - n_letters >= 4)
            {
              /* the number of a bill of lading (COSU6123456780) alone */
              if (!func (word->str + n_letters, word->len - n_letters, TRUE,
                         digits_from - text, p - text, user_data))
                return;
            }
        }
      else
        p = after;
    }
}

/* ---- FTS5 glue ----------------------------------------------------- */

typedef struct {
  void *ctx;
  int (*xToken) (void *ctx, int token_flags, const char *token, int n_token, int start, int end);
  int rc;
} TokenizeCall;

static gboolean
emit_token (const char *token,
            gsize       length,
            gboolean    colocated,
            gsize       start,
            gsize       end,
            gpointer    user_data)
{
  TokenizeCall *call = user_data;

  call->rc = call->xToken (call->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0,
                           token, (int) length, (int) start, (int) end);
  return call->rc == SQLITE_OK;
}

static int
fts_create (void                 *user_data,
            const char          **args,
            int                   n_args,
            KouanFts5Tokenizer  **out)
{
  /* stateless: any non-NULL handle will do */
  *out = (KouanFts5Tokenizer *) user_data;
  return SQLITE_OK;
}

static void
fts_delete (KouanFts5Tokenizer *tokenizer)
{
}

static int
fts_tokenize (KouanFts5Tokenizer *tokenizer,
              void               *ctx,
              int                 flags,
              const char         *text,
              int                 n_text,
              int (*xToken) (void *, int, const char *, int, int, int))
{
  TokenizeCall call = { ctx, xToken, SQLITE_OK };

  if (text == NULL || n_text <= 0)
    return SQLITE_OK;
  kouan_cjk_tokenize (text, n_text, (flags & FTS5_TOKENIZE_QUERY) != 0, emit_token, &call);
  return call.rc;
}

static KouanFts5TokenizerVtable tokenizer_vtable = {
  fts_create,
  fts_delete,
  fts_tokenize,
};

/* ---- matching without the index ------------------------------------- */

/* What kouan_cjk_match_expression() asks FTS5 for, held as tokens: each
 * term a phrase (query tokens at consecutive positions in one column),
 * the last token of a term ending in a word character a prefix, all
 * terms required. */
typedef struct {
  GPtrArray *phrases;   /* (element-type GPtrArray of utf8) */
  GArray    *prefix;    /* gboolean per phrase */
} CompiledQuery;

static void
compiled_query_free (gpointer data)
{
  CompiledQuery *query = data;

  g_ptr_array_unref (query->phrases);
  g_array_unref (query->prefix);
  g_free (query);
}

static gboolean
add_query_token (const char *token,
                 gsize       length,
                 gboolean    colocated,
                 gsize       start,
                 gsize       end,
                 gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strndup (token, length));
  return TRUE;
}

static char *join_digit_groups (const char *keyword);

/* The same terms as kouan_cjk_match_expression() (FTS5 hands each quoted
 * term to the tokenizer in query mode, which is what this does). */
static CompiledQuery *
compile_query (const char *keyword)
{
  CompiledQuery *query = g_new0 (CompiledQuery, 1);
  g_autofree char *joined = NULL;
  const char *p;

  query->phrases = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  query->prefix = g_array_new (FALSE, FALSE, sizeof (gboolean));
  if (keyword == NULL || !g_utf8_validate (keyword, -1, NULL))
    return query;

  joined = join_digit_groups (keyword);
  p = joined;
  while (*p != '\0')
    {
      const char *start, *last = NULL;
      g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
      gboolean prefix;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        {
          last = p;
          p = g_utf8_next_char (p);
        }
      if (p == start)
        break;
      kouan_cjk_tokenize (start, p - start, TRUE, add_query_token, tokens);
      if (tokens->len == 0)
        continue;
      prefix = is_word (g_utf8_get_char (last));
      g_ptr_array_add (query->phrases, g_steal_pointer (&tokens));
      g_array_append_val (query->prefix, prefix);
    }
  return query;
}

/* A document's tokens with their positions, as FTS5 numbers them: a
 * colocated token shares the position of the one before. */
typedef struct {
  GPtrArray *tokens;    /* (element-type utf8) */
  GArray    *positions; /* int per token */
  int        position;
} DocumentTokens;

static gboolean
add_document_token (const char *token,
                    gsize       length,
                    gboolean    colocated,
                    gsize       start,
                    gsize       end,
                    gpointer    user_data)
{
  DocumentTokens *doc = user_data;

  if (!colocated || doc->tokens->len == 0)
    doc->position++;
  g_ptr_array_add (doc->tokens, g_strndup (token, length));
  g_array_append_val (doc->positions, doc->position);
  return TRUE;
}

static gboolean
token_matches (const char *token,
               const char *query_token,
               gboolean    prefix)
{
  return prefix ? g_str_has_prefix (token, query_token) : strcmp (token, query_token) == 0;
}

static gboolean
has_token_at (const DocumentTokens *doc,
              guint                 from,
              int                   position,
              const char           *query_token,
              gboolean              prefix)
{
  /* tokens are in position order: look forward from @from */
  for (guint i = from; i < doc->tokens->len; i++)
    {
      int at = g_array_index (doc->positions, int, i);

      if (at > position)
        break;
      if (at == position && token_matches (doc->tokens->pdata[i], query_token, prefix))
        return TRUE;
    }
  return FALSE;
}

static gboolean
phrase_in_document (const DocumentTokens *doc,
                    GPtrArray            *phrase,
                    gboolean              prefix)
{
  for (guint i = 0; i < doc->tokens->len; i++)
    {
      int position = g_array_index (doc->positions, int, i);
      gboolean all = TRUE;

      if (!token_matches (doc->tokens->pdata[i], phrase->pdata[0], prefix && phrase->len == 1))
        continue;
      for (guint k = 1; all && k < phrase->len; k++)
        all = has_token_at (doc, i, position + (int) k, phrase->pdata[k],
                            prefix && k + 1 == phrase->len);
      if (all)
        return TRUE;
    }
  return FALSE;
}

/* SQL function kouan_cjk_match(keyword, column, …): whether the columns
 * match @keyword as the index would answer kouan_cjk_match_expression()
 * (every term a phrase found in one of the columns). The search uses it
 * for rows the index does not hold yet (store: deferred index). */
static void
match_func (sqlite3_context  *context,
            int               argc,
            sqlite3_value   **argv)
{
  CompiledQuery *query = sqlite3_get_auxdata (context, 0);
  g_autoptr(GArray) docs = NULL;
  gboolean all = TRUE;

  if (query == NULL)
    {
      query = compile_query ((const char *) sqlite3_value_text (argv[0]));
      sqlite3_set_auxdata (context, 0, query, compiled_query_free);
      /* SQLite may have freed it already when it could not keep it */
      query = sqlite3_get_auxdata (context, 0);
      if (query == NULL)
        {
          sqlite3_result_error_nomem (context);
          return;
        }
    }
  if (query->phrases->len == 0)
    {
      sqlite3_result_int (context, 0);
      return;
    }

  docs = g_array_sized_new (FALSE, FALSE, sizeof (DocumentTokens), argc - 1);
  for (int c = 1; c < argc; c++)
    {
      DocumentTokens doc = { g_ptr_array_new_with_free_func (g_free),
                             g_array_new (FALSE, FALSE, sizeof (int)), -1 };
      const char *text = (const char *) sqlite3_value_text (argv[c]);

      if (text != NULL)
        kouan_cjk_tokenize (text, sqlite3_value_bytes (argv[c]), FALSE, add_document_token, &doc);
      g_array_append_val (docs, doc);
    }

  for (guint q = 0; all && q < query->phrases->len; q++)
    {
      gboolean found = FALSE;

      for (guint c = 0; !found && c < docs->len; c++)
        found = phrase_in_document (&g_array_index (docs, DocumentTokens, c),
                                    query->phrases->pdata[q],
                                    g_array_index (query->prefix, gboolean, q));
      all = found;
    }

  for (guint c = 0; c < docs->len; c++)
    {
      DocumentTokens *doc = &g_array_index (docs, DocumentTokens, c);

      g_ptr_array_unref (doc->tokens);
      g_array_unref (doc->positions);
    }
  sqlite3_result_int (context, all ? 1 : 0);
}

gboolean
kouan_cjk_tokenizer_register (sqlite3  *db,
                              GError  **error)
{
  static const char tag[] = "kouan-cjk";
  sqlite3_stmt *stmt = NULL;
  KouanFts5Api *api = NULL;
  int rc;

  /* The documented way to reach fts5_api: SELECT fts5(?1) with a pointer
   * bound under the type "fts5_api_ptr". */
  rc = sqlite3_prepare_v2 (db, "SELECT fts5 (?1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
      sqlite3_step (stmt);
      rc = sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_OK || api == NULL || api->iVersion < 2)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_SQL,
                   "This SQLite has no full-text search (FTS5): %s", sqlite3_errmsg (db));
      return FALSE;
    }

  rc = api->xCreateTokenizer (api, KOUAN_CJK_TOKENIZER_NAME, (void *) tag,
                              &tokenizer_vtable, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2 (db, "kouan_cjk_match", -1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                     match_func, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_SQL,
                   "Cannot register the search tokenizer: %s", sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

/* ---- queries ------------------------------------------------------- */

static gboolean
count_token (const char *token,
             gsize       length,
             gboolean    colocated,
             gsize       start,
             gsize       end,
             gpointer    user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

/* Drops the spaces inside a number typed in groups ("5301 2026 0000"),
 * which documents index as one number too. */
static char *
join_digit_groups (const char *keyword)
{
  GString *out = g_string_new (NULL);

  for (const char *p = keyword; *p != '\0'; p++)
    {
      if (*p == ' ' && out->len > 0 && g_ascii_isdigit (out->str[out->len - 1]))
        {
          const char *q = p;

          while (*q == ' ')
            q++;
          if (g_ascii_isdigit (*q))
            {
              p = q - 1;
              continue;
            }
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
kouan_cjk_match_expression (const char *keyword)
{
  g_autoptr(GString) expression = g_string_new (NULL);
  g_autofree char *joined = NULL;
  const char *p;

  if (keyword == NULL || !g_utf8_validate (keyword, -1, NULL))
    return NULL;

  joined = join_digit_groups (keyword);
  p = joined;
  while (*p != '\0')
    {
      const char *start, *last = NULL;
      guint n_tokens = 0;
      gunichar last_char = 0;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        {
          last = p;
          p = g_utf8_next_char (p);
        }
      if (p == start)
        break;

      /* a term of punctuation only would be an empty phrase */
      kouan_cjk_tokenize (start, p - start, TRUE, count_token, &n_tokens);
      if (n_tokens == 0)
        continue;

      if (expression->len > 0)
        g_string_append (expression, " AND ");
      g_string_append_c (expression, '"');
      for (const char *q = start; q < p; q++)
        {
          if (*q == '"')
            g_string_append_c (expression, '"');
          g_string_append_c (expression, *q);
        }
      g_string_append_c (expression, '"');

      last_char = g_utf8_get_char (last);
      if (is_word (last_char))
        g_string_append_c (expression, '*');
    }

  if (expression->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&expression), FALSE);
}

/* ---- highlighting ---------------------------------------------------- */

typedef struct {
  GPtrArray *terms;    /* query tokens, (element-type utf8) */
  GArray    *ranges;
  const char *text;
} RangeSearch;

static gboolean
collect_term (const char *token,
              gsize       length,
              gboolean    colocated,
              gsize       start,
              gsize       end,
              gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strndup (token, length));
  return TRUE;
}

static gboolean
match_token (const char *token,
             gsize       length,
             gboolean    colocated,
             gsize       start,
             gsize       end,
             gpointer    user_data)
{
  RangeSearch *search = user_data;

  for (guint i = 0; i < search->terms->len; i++)
    {
      const char *term = g_ptr_array_index (search->terms, i);
      gsize term_length = strlen (term);
      gboolean word = is_word (g_utf8_get_char (term));

      /* CJK terms match whole tokens (a bigram or a lone character);
       * word terms also match as a prefix */
      if (term_length == length ? memcmp (term, token, length) == 0
          : (word && term_length < length && memcmp (term, token, term_length) == 0))
        {
          guint range[2] = { start, end };

          /* a prefix match covers only what was typed, when the token is
           * the text itself (not a joined number or a lowercased word) */
          if (term_length < length && end - start == length &&
              g_ascii_strncasecmp (search->text + start, token, length) == 0)
            range[1] = start + term_length;
          g_array_append_vals (search->ranges, range, 2);
          break;
        }
    }
  return TRUE;
}

GArray *
kouan_cjk_match_ranges (const char *text,
                        const char *keyword)
{
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  RangeSearch search = { terms, g_array_new (FALSE, FALSE, sizeof (guint)), text };

  if (text == NULL || keyword == NULL || !g_utf8_validate (keyword, -1, NULL))
    return search.ranges;

  joined = join_digit_groups (keyword);
  kouan_cjk_tokenize (joined, -1, TRUE, collect_term, terms);
  if (terms->len > 0)
    kouan_cjk_tokenize (text, -1, FALSE, match_token, &search);
  return search.ranges;
}
