/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-risk-list.h"

#define PAGE_SIZE 50
/* Article objects kept for the rows a view shows; beyond it they are
 * dropped (a view holds its own references to the ones on screen). */
#define MAX_OBJECTS 512
/* A pull brings a page of articles every few dozen milliseconds; the
 * results follow at most this often, and only while someone shows them
 * (kouan_risk_list_set_following), so a sync never waits for searches. */
#define FOLLOW_DELAY_MS 1000

struct _KouanRiskList
{
  GObject        parent_instance;

  KouanStore    *store;
  GCancellable  *cancellable;
  gulong         changed_id;

  /* the query, owned copies */
  char          *keyword;
  char          *country;
  char          *industry;
  gint64         category_id;
  gint64         subscribed_in;

  GArray        *ids;       /* gint64, newest first; replaced, never changed */
  GHashTable    *objects;   /* &article->id → KouanRiskArticle */
  guint          generation;
  gboolean       loading;

  /* following the store */
  gboolean       following;
  gboolean       stale;       /* the store changed since the last search */
  gboolean       in_flight;   /* a search is running */
  gboolean       again;       /* the store changed while it ran */
  guint          follow_source;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KouanRiskList, kouan_risk_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GListModel */

static GType
get_item_type (GListModel *model)
{
  return KOUAN_TYPE_RISK_ARTICLE;
}

static guint
get_n_items (GListModel *model)
{
  return KOUAN_RISK_LIST (model)->ids->len;
}

static void
keep_object (KouanRiskList    *self,
             KouanRiskArticle *article)
{
  g_hash_table_replace (self->objects, &article->id, article);
}

static void
load_page (KouanRiskList *self,
           guint          position)
{
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint start = position - position % PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, self->ids->len - start);

  if (g_hash_table_size (self->objects) + n > MAX_OBJECTS)
    g_hash_table_remove_all (self->objects);

  /* a page of primary-key lookups: well under a millisecond */
  if (!kouan_store_load_risk_articles (self->store, &g_array_index (self->ids, gint64, start),
                                       n, loaded, &error))
    {
      g_warning ("Loading risk articles: %s", error->message);
      return;
    }
  for (guint i = 0; i < loaded->len; i++)
    {
      KouanRiskArticle *article = g_ptr_array_index (loaded, i);

      if (article == NULL)
        {
          /* deleted since the search: a blank row until the next one */
          article = g_object_new (KOUAN_TYPE_RISK_ARTICLE, NULL);
          article->id = g_array_index (self->ids, gint64, start + i);
          article->title = g_strdup ("");
          article->source = g_strdup ("");
          article->country = g_strdup ("");
          article->industry = g_strdup ("");
          article->body = g_strdup ("");
          keep_object (self, article);
        }
      else if (!g_hash_table_contains (self->objects, &article->id))
        keep_object (self, g_object_ref (article));
    }
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  KouanRiskList *self = KOUAN_RISK_LIST (model);
  gpointer row;
  gint64 id;

  if (position >= self->ids->len)
    return NULL;
  id = g_array_index (self->ids, gint64, position);
  row = g_hash_table_lookup (self->objects, &id);
  if (row == NULL)
    {
      load_page (self, position);
      row = g_hash_table_lookup (self->objects, &id);
    }
  return row != NULL ? g_object_ref (row) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* Searching */

typedef struct {
  KouanStore *store;
  char       *keyword, *country, *industry;
  gint64      category_id, subscribed_in;
  guint       generation;
  GArray     *old_ids;     /* the list's ids when it started */
  guint       prefix, suffix;
} SearchData;

static void
search_data_free (gpointer data)
{
  SearchData *search = data;

  g_clear_object (&search->store);
  g_free (search->keyword);
  g_free (search->country);
  g_free (search->industry);
  g_clear_pointer (&search->old_ids, g_array_unref);
  g_free (search);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchData *search = task_data;
  KouanRiskQuery query = {
    search->keyword, search->country, search->industry, search->category_id, search->subscribed_in,
  };
  GError *error = NULL;
  GArray *ids = kouan_store_search_risk_articles (search->store, &query, &error);
  const gint64 *old = (const gint64 *) (gpointer) search->old_ids->data;
  guint old_len = search->old_ids->len;

  if (ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The window that differs from the list's current ids, found here so
   * the main thread only swaps arrays, whatever their length. */
  while (search->prefix < old_len && search->prefix < ids->len &&
         old[search->prefix] == g_array_index (ids, gint64, search->prefix))
    search->prefix++;
  while (search->suffix < old_len - search->prefix && search->suffix < ids->len - search->prefix &&
         old[old_len - 1 - search->suffix] == g_array_index (ids, gint64, ids->len - 1 - search->suffix))
    search->suffix++;

  g_task_return_pointer (task, ids, (GDestroyNotify) g_array_unref);
}

static void start_search (KouanRiskList *self);

static gboolean
follow_cb (gpointer user_data)
{
  KouanRiskList *self = user_data;

  self->follow_source = 0;
  if (self->in_flight)
    self->again = TRUE;
  else
    start_search (self);
  return G_SOURCE_REMOVE;
}

static void
follow_later (KouanRiskList *self)
{
  if (!self->following)
    {
      self->stale = TRUE;
      return;
    }
  if (self->follow_source == 0)
    self->follow_source = g_timeout_add (FOLLOW_DELAY_MS, follow_cb, self);
}

static void
search_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  KouanRiskList *self = KOUAN_RISK_LIST (source);
  SearchData *search = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_task_propagate_pointer (G_TASK (result), &error);
  guint removed, added;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->in_flight = FALSE;
  if (self->again)
    {
      self->again = FALSE;
      follow_later (self);
    }
  if (ids == NULL)
    {
      g_warning ("Searching risk information: %s", error->message);
      return;
    }
  /* a newer search started meanwhile: its answer counts */
  if (search->generation != self->generation)
    return;

  removed = search->old_ids->len - search->prefix - search->suffix;
  added = ids->len - search->prefix - search->suffix;
  g_array_unref (self->ids);
  self->ids = g_steal_pointer (&ids);
  /* rows in the window may have changed or moved; the few kept objects
   * are cheap to load again */
  if (removed > 0 || added > 0)
    g_hash_table_remove_all (self->objects);
  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), search->prefix, removed, added);
  if (self->loading)
    {
      self->loading = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
}

static void
start_search (KouanRiskList *self)
{
  g_autoptr(GTask) task = NULL;
  SearchData *data = g_new0 (SearchData, 1);

  data->store = g_object_ref (self->store);
  data->keyword = g_strdup (self->keyword);
  data->country = g_strdup (self->country);
  data->industry = g_strdup (self->industry);
  data->category_id = self->category_id;
  data->subscribed_in = self->subscribed_in;
  data->generation = ++self->generation;
  data->old_ids = g_array_ref (self->ids);
  self->stale = FALSE;
  self->in_flight = TRUE;

  task = g_task_new (self, self->cancellable, search_done, NULL);
  g_task_set_source_tag (task, start_search);
  g_task_set_task_data (task, data, search_data_free);
  g_task_run_in_thread (task, search_thread);
}

static void
on_store_changed (KouanStore  *store,
                  const char  *collection,
                  gint64       enterprise_id,
                  gpointer     user_data)
{
  KouanRiskList *self = user_data;

  if (g_strcmp0 (collection, "risk_articles") == 0 ||
      (self->subscribed_in != 0 && g_strcmp0 (collection, "insurance_categories") == 0))
    follow_later (self);
}

void
kouan_risk_list_set_query (KouanRiskList        *self,
                           const KouanRiskQuery *query)
{
  g_return_if_fail (KOUAN_IS_RISK_LIST (self));

  g_free (self->keyword);
  g_free (self->country);
  g_free (self->industry);
  self->keyword = g_strdup (query->keyword);
  self->country = g_strdup (query->country);
  self->industry = g_strdup (query->industry);
  self->category_id = query->category_id;
  self->subscribed_in = query->subscribed_in;

  /* the user asked: search now, whatever runs (its answer is outdated);
   * a list nobody shows searches when it is shown */
  g_clear_handle_id (&self->follow_source, g_source_remove);
  self->again = FALSE;
  self->generation++;
  if (self->following)
    start_search (self);
  else
    self->stale = TRUE;
  if (!self->loading)
    {
      self->loading = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
}

void
kouan_risk_list_set_following (KouanRiskList *self,
                               gboolean       following)
{
  g_return_if_fail (KOUAN_IS_RISK_LIST (self));

  self->following = !!following;
  if (!self->following)
    g_clear_handle_id (&self->follow_source, g_source_remove);
  else if (self->stale)
    follow_cb (self);
}

gboolean
kouan_risk_list_get_loading (KouanRiskList *self)
{
  g_return_val_if_fail (KOUAN_IS_RISK_LIST (self), FALSE);
  return self->loading;
}

gboolean
kouan_risk_list_find (KouanRiskList *self,
                      gint64         article_id,
                      guint         *position)
{
  g_return_val_if_fail (KOUAN_IS_RISK_LIST (self), FALSE);

  /* ids only: no row is loaded, so this stays cheap at 100k results */
  for (guint i = 0; i < self->ids->len; i++)
    if (g_array_index (self->ids, gint64, i) == article_id)
      {
        if (position != NULL)
          *position = i;
        return TRUE;
      }
  return FALSE;
}

KouanRiskList *
kouan_risk_list_new (KouanStore *store)
{
  KouanRiskList *self;

  g_return_val_if_fail (KOUAN_IS_STORE (store), NULL);

  self = g_object_new (KOUAN_TYPE_RISK_LIST, NULL);
  self->store = g_object_ref (store);
  self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
  return self;
}

static void
kouan_risk_list_dispose (GObject *object)
{
  KouanRiskList *self = KOUAN_RISK_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->follow_source, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (kouan_risk_list_parent_class)->dispose (object);
}

static void
kouan_risk_list_finalize (GObject *object)
{
  KouanRiskList *self = KOUAN_RISK_LIST (object);

  g_clear_object (&self->cancellable);
  g_free (self->keyword);
  g_free (self->country);
  g_free (self->industry);
  g_array_unref (self->ids);
  g_hash_table_unref (self->objects);
  G_OBJECT_CLASS (kouan_risk_list_parent_class)->finalize (object);
}

static void
kouan_risk_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KouanRiskList *self = KOUAN_RISK_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_risk_list_class_init (KouanRiskListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kouan_risk_list_dispose;
  object_class->finalize = kouan_risk_list_finalize;
  object_class->get_property = kouan_risk_list_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kouan_risk_list_init (KouanRiskList *self)
{
  self->cancellable = g_cancellable_new ();
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->objects = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);
  self->following = TRUE;
}
