/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-core-enums.h"
#include "kouan-message.h"
#include "kouan-message-list.h"
#include "kouan-store-private.h"

/* Rows are loaded in blocks: a screenful of a GtkListView is one or two
 * blocks, and at most MAX_BLOCKS stay cached, so memory does not grow with
 * the list however far the user scrolls. */
#define BLOCK_SIZE 64
#define MAX_BLOCKS 16
/* Up to this many changed rows are applied one by one (a star, a read
 * flag, a small pull); beyond it listing everything again is cheaper. */
#define MAX_INCREMENTAL 64

typedef struct {
  GPtrArray *messages;  /* (element-type KouanMessage) (nullable elements) */
  guint64    last_used;
} Block;

struct _KouanMessageList
{
  GObject           parent_instance;

  /* owned references */
  KouanStore       *store;
  KouanMessageSnapshot rows;    /* ids in display order, and how to follow them */
  GHashTable       *blocks;     /* block index → Block */

  gint64            enterprise_id;
  KouanMessageKind  kind;
  KouanReadFilter   read_filter;
  gboolean          starred_only;
  guint64           clock;
};

static void kouan_message_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KouanMessageList, kouan_message_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      kouan_message_list_model_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_ENTERPRISE_ID,
  PROP_KIND,
  PROP_READ_FILTER,
  PROP_STARRED_ONLY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
message_unref0 (gpointer message)
{
  if (message != NULL)
    g_object_unref (message);
}

static void
block_free (gpointer data)
{
  Block *block = data;

  g_ptr_array_unref (block->messages);
  g_free (block);
}

/* GListModel */

static GType
kouan_message_list_get_item_type (GListModel *model)
{
  return KOUAN_TYPE_MESSAGE;
}

static guint
kouan_message_list_get_n_items (GListModel *model)
{
  return KOUAN_MESSAGE_LIST (model)->rows.ids->len;
}

static void
evict_least_recently_used (KouanMessageList *self)
{
  GHashTableIter iter;
  gpointer key, value;
  gpointer oldest_key = NULL;
  guint64 oldest = G_MAXUINT64;

  g_hash_table_iter_init (&iter, self->blocks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Block *block = value;

      if (block->last_used < oldest)
        {
          oldest = block->last_used;
          oldest_key = key;
        }
    }
  g_hash_table_remove (self->blocks, oldest_key);
}

static Block *
load_block (KouanMessageList *self,
            guint             index)
{
  g_autoptr(GError) error = NULL;
  Block *block;
  guint start = index * BLOCK_SIZE;
  guint n = MIN (BLOCK_SIZE, self->rows.ids->len - start);

  block = g_new0 (Block, 1);
  block->messages = g_ptr_array_new_full (n, message_unref0);

  if (!kouan_store_load_messages (self->store, self->enterprise_id,
                                  &g_array_index (self->rows.ids, gint64, start), n,
                                  block->messages, &error))
    g_warning ("Cannot load messages: %s", error->message);

  /* Keep positions aligned even if the load stopped early. */
  while (block->messages->len < n)
    g_ptr_array_add (block->messages, NULL);

  while (g_hash_table_size (self->blocks) >= MAX_BLOCKS)
    evict_least_recently_used (self);
  g_hash_table_insert (self->blocks, GUINT_TO_POINTER (index), block);

  return block;
}

static gpointer
kouan_message_list_get_item (GListModel *model,
                             guint       position)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (model);
  guint index = position / BLOCK_SIZE;
  KouanMessage *message;
  Block *block;

  if (position >= self->rows.ids->len)
    return NULL;

  block = g_hash_table_lookup (self->blocks, GUINT_TO_POINTER (index));
  if (block == NULL)
    block = load_block (self, index);
  block->last_used = ++self->clock;

  message = g_ptr_array_index (block->messages, position % BLOCK_SIZE);
  if (message == NULL)
    {
      gint64 id = g_array_index (self->rows.ids, gint64, position);

      /* Deleted by a page the sync thread applied a moment ago; the
       * store's "changed" signal is already queued and removes the row
       * on the next main loop iteration. GListModel may not answer NULL
       * for a position below n-items, so until then the row stands as an
       * empty message with what the list knows of it. */
      g_debug ("Message %" G_GINT64_FORMAT " vanished before the list caught up", id);
      message = kouan_message_new (id, self->enterprise_id, self->kind, "", "", "",
                                   KOUAN_SEVERITY_NONE,
                                   g_array_index (self->rows.created_at, gint64, position),
                                   self->read_filter == KOUAN_READ_FILTER_READ,
                                   self->starred_only);
      block->messages->pdata[position % BLOCK_SIZE] = message;
    }

  return g_object_ref (message);
}

static void
kouan_message_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kouan_message_list_get_item_type;
  iface->get_n_items = kouan_message_list_get_n_items;
  iface->get_item = kouan_message_list_get_item;
}

/* Reloading */

/* Drops cached blocks that overlap rows [first, last]. */
static void
invalidate_blocks (KouanMessageList *self,
                   guint             first,
                   guint             last)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->blocks);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint index = GPOINTER_TO_UINT (key);
      guint block_first = index * BLOCK_SIZE;
      guint block_last = block_first + BLOCK_SIZE - 1;

      if (block_last >= first && block_first <= last)
        g_hash_table_iter_remove (&iter);
    }
}

/* Reloads rows [first, first + n) in the cached blocks that hold them. */
static void
refresh_rows (KouanMessageList *self,
              guint             first,
              guint             n)
{
  for (guint position = first; position < first + n; position++)
    {
      Block *block = g_hash_table_lookup (self->blocks, GUINT_TO_POINTER (position / BLOCK_SIZE));
      g_autoptr(GPtrArray) fresh = NULL;
      g_autoptr(GError) error = NULL;
      guint slot = position % BLOCK_SIZE;

      if (block == NULL)
        continue;

      fresh = g_ptr_array_new_with_free_func (message_unref0);
      if (!kouan_store_load_messages (self->store, self->enterprise_id,
                                      &g_array_index (self->rows.ids, gint64, position), 1,
                                      fresh, &error))
        {
          g_warning ("Cannot load a message: %s", error->message);
          g_hash_table_remove (self->blocks, GUINT_TO_POINTER (position / BLOCK_SIZE));
          continue;
        }

      message_unref0 (block->messages->pdata[slot]);
      block->messages->pdata[slot] = g_ptr_array_steal_index (fresh, 0);
    }
}

static gboolean
same_row (GArray *ids_a, GArray *revs_a, guint a,
          GArray *ids_b, GArray *revs_b, guint b)
{
  return g_array_index (ids_a, gint64, a) == g_array_index (ids_b, gint64, b) &&
         g_array_index (revs_a, gint64, a) == g_array_index (revs_b, gint64, b);
}

/* Lists every row of the filter again and reports the smallest window
 * that differs. */
void
kouan_message_list_reload (KouanMessageList *self)
{
  KouanMessageSnapshot old = { 0, };
  KouanMessageSnapshot fresh = { 0, };
  guint old_len, new_len, prefix = 0, suffix = 0;
  guint removed, added;

  g_return_if_fail (KOUAN_IS_MESSAGE_LIST (self));

  if (self->store != NULL && self->enterprise_id > 0)
    {
      g_autoptr(GError) error = NULL;

      if (!_kouan_store_snapshot_messages (self->store, self->enterprise_id, self->kind,
                                           self->read_filter, self->starred_only,
                                           &fresh, &error))
        {
          g_warning ("Cannot list messages: %s", error->message);
          return;
        }
    }
  else
    {
      fresh.ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      fresh.revisions = g_array_new (FALSE, FALSE, sizeof (gint64));
      fresh.created_at = g_array_new (FALSE, FALSE, sizeof (gint64));
    }

  old_len = self->rows.ids->len;
  new_len = fresh.ids->len;

  /* Rows equal at both ends (same id and same revision) keep their
   * objects and are not redrawn; a row whose flags changed has a new
   * revision and falls in the window. */
  while (prefix < old_len && prefix < new_len &&
         same_row (self->rows.ids, self->rows.revisions, prefix, fresh.ids, fresh.revisions, prefix))
    prefix++;
  while (suffix < old_len - prefix && suffix < new_len - prefix &&
         same_row (self->rows.ids, self->rows.revisions, old_len - 1 - suffix,
                   fresh.ids, fresh.revisions, new_len - 1 - suffix))
    suffix++;

  removed = old_len - prefix - suffix;
  added = new_len - prefix - suffix;

  old = self->rows;
  self->rows = fresh;
  _kouan_message_snapshot_clear (&old);

  if (removed == 0 && added == 0)
    return;

  /* A few rows changed in place: rebuild just them so their neighbours
   * keep their objects. Otherwise rows after the window move, and their
   * blocks go. */
  if (old_len == new_len && added <= BLOCK_SIZE)
    refresh_rows (self, prefix, added);
  else
    invalidate_blocks (self, prefix, G_MAXUINT);

  g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
  if (old_len != new_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
matches_filter (KouanMessageList         *self,
                const KouanMessageChange *change)
{
  if (change->kind != self->kind)
    return FALSE;
  if (self->starred_only && !change->starred)
    return FALSE;
  switch (self->read_filter)
    {
    case KOUAN_READ_FILTER_UNREAD: return !change->read;
    case KOUAN_READ_FILTER_READ:   return change->read;
    case KOUAN_READ_FILTER_ALL:
    default:                       return TRUE;
    }
}

static guint
find_row (KouanMessageList *self,
          gint64            id)
{
  const gint64 *ids = (const gint64 *) (gpointer) self->rows.ids->data;

  for (guint i = 0; i < self->rows.ids->len; i++)
    {
      if (ids[i] == id)
        return i;
    }
  return G_MAXUINT;
}

/* Where a row sorts: after every row that is newer, or as new with a
 * larger id (created_at DESC, id DESC). */
static guint
insertion_point (KouanMessageList *self,
                 gint64            created_at,
                 gint64            id)
{
  guint low = 0, high = self->rows.ids->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      gint64 mid_created = g_array_index (self->rows.created_at, gint64, mid);
      gint64 mid_id = g_array_index (self->rows.ids, gint64, mid);

      if (mid_created > created_at || (mid_created == created_at && mid_id > id))
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

static void
apply_change (KouanMessageList         *self,
              const KouanMessageChange *change)
{
  gboolean matches = matches_filter (self, change);
  guint position = find_row (self, change->id);

  if (position != G_MAXUINT &&
      g_array_index (self->rows.revisions, gint64, position) >= change->revision)
    return;

  /* Same place: only the row's content changed. */
  if (position != G_MAXUINT && matches &&
      g_array_index (self->rows.created_at, gint64, position) == change->created_at)
    {
      g_array_index (self->rows.revisions, gint64, position) = change->revision;
      refresh_rows (self, position, 1);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
      return;
    }

  if (position != G_MAXUINT)
    {
      g_array_remove_index (self->rows.ids, position);
      g_array_remove_index (self->rows.revisions, position);
      g_array_remove_index (self->rows.created_at, position);
      invalidate_blocks (self, position, G_MAXUINT);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }

  if (matches)
    {
      position = insertion_point (self, change->created_at, change->id);
      g_array_insert_val (self->rows.ids, position, change->id);
      g_array_insert_val (self->rows.revisions, position, change->revision);
      g_array_insert_val (self->rows.created_at, position, change->created_at);
      invalidate_blocks (self, position, G_MAXUINT);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
    }
}

/* Follows a "changed" signal. A star or a read flag touches one row, so
 * only the rows written since the last look are fetched and moved; a
 * deletion, which leaves no revision behind, or a big pull lists
 * everything again. */
static void
kouan_message_list_update (KouanMessageList *self)
{
  g_autoptr(GArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  guint64 deletions = 0;
  guint old_len = self->rows.ids->len;

  if (self->store == NULL || self->enterprise_id <= 0)
    return;

  if (!_kouan_store_message_changes (self->store, self->enterprise_id, self->rows.watermark,
                                     MAX_INCREMENTAL + 1, &changes, &deletions, &error))
    {
      g_warning ("Cannot list changed messages: %s", error->message);
      return;
    }

  if (deletions != self->rows.deletions || changes->len > MAX_INCREMENTAL)
    {
      kouan_message_list_reload (self);
      return;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      const KouanMessageChange *change = &g_array_index (changes, KouanMessageChange, i);

      apply_change (self, change);
      self->rows.watermark = MAX (self->rows.watermark, change->revision);
    }

  if (self->rows.ids->len != old_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
store_changed_cb (KouanMessageList *self,
                  const char       *collection,
                  gint64            enterprise_id,
                  KouanStore       *store)
{
  if (enterprise_id == self->enterprise_id && g_strcmp0 (collection, "messages") == 0)
    kouan_message_list_update (self);
}

/* GObject */

static void
kouan_message_list_constructed (GObject *object)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (object);

  G_OBJECT_CLASS (kouan_message_list_parent_class)->constructed (object);

  if (self->store != NULL)
    g_signal_connect_object (self->store, "changed",
                             G_CALLBACK (store_changed_cb), self,
                             G_CONNECT_SWAPPED);
  kouan_message_list_reload (self);
}

static void
kouan_message_list_dispose (GObject *object)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (object);

  g_hash_table_remove_all (self->blocks);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kouan_message_list_parent_class)->dispose (object);
}

static void
kouan_message_list_finalize (GObject *object)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (object);

  _kouan_message_snapshot_clear (&self->rows);
  g_clear_pointer (&self->blocks, g_hash_table_unref);

  G_OBJECT_CLASS (kouan_message_list_parent_class)->finalize (object);
}

static void
kouan_message_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:         g_value_set_object (value, self->store); break;
    case PROP_ENTERPRISE_ID: g_value_set_int64 (value, self->enterprise_id); break;
    case PROP_KIND:          g_value_set_enum (value, self->kind); break;
    case PROP_READ_FILTER:   g_value_set_enum (value, self->read_filter); break;
    case PROP_STARRED_ONLY:  g_value_set_boolean (value, self->starred_only); break;
    case PROP_N_ITEMS:       g_value_set_uint (value, self->rows.ids->len); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_message_list_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_ENTERPRISE_ID:
      kouan_message_list_set_enterprise_id (self, g_value_get_int64 (value));
      break;
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_READ_FILTER:
      self->read_filter = g_value_get_enum (value);
      break;
    case PROP_STARRED_ONLY:
      kouan_message_list_set_starred_only (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_message_list_class_init (KouanMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = kouan_message_list_constructed;
  object_class->dispose = kouan_message_list_dispose;
  object_class->finalize = kouan_message_list_finalize;
  object_class->get_property = kouan_message_list_get_property;
  object_class->set_property = kouan_message_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, KOUAN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENTERPRISE_ID] =
    g_param_spec_int64 ("enterprise-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, KOUAN_TYPE_MESSAGE_KIND, KOUAN_MESSAGE_KIND_NOTICE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_FILTER] =
    g_param_spec_enum ("read-filter", NULL, NULL, KOUAN_TYPE_READ_FILTER, KOUAN_READ_FILTER_ALL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STARRED_ONLY] =
    g_param_spec_boolean ("starred-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kouan_message_list_init (KouanMessageList *self)
{
  self->rows.ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->rows.revisions = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->rows.created_at = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->blocks = g_hash_table_new_full (NULL, NULL, NULL, block_free);
}

KouanMessageList *
kouan_message_list_new (KouanStore       *store,
                        KouanMessageKind  kind,
                        KouanReadFilter   read_filter)
{
  g_return_val_if_fail (KOUAN_IS_STORE (store), NULL);

  return g_object_new (KOUAN_TYPE_MESSAGE_LIST,
                       "store", store,
                       "kind", kind,
                       "read-filter", read_filter,
                       NULL);
}

void
kouan_message_list_set_enterprise_id (KouanMessageList *self,
                                      gint64            enterprise_id)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_LIST (self));

  if (self->enterprise_id == enterprise_id)
    return;

  self->enterprise_id = enterprise_id;
  /* Other rows entirely: nothing cached still applies. */
  g_hash_table_remove_all (self->blocks);
  kouan_message_list_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTERPRISE_ID]);
}

gint64
kouan_message_list_get_enterprise_id (KouanMessageList *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_LIST (self), 0);
  return self->enterprise_id;
}

void
kouan_message_list_set_starred_only (KouanMessageList *self,
                                     gboolean          starred_only)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_LIST (self));

  starred_only = !!starred_only;
  if (self->starred_only == starred_only)
    return;

  self->starred_only = starred_only;
  kouan_message_list_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARRED_ONLY]);
}

gboolean
kouan_message_list_get_starred_only (KouanMessageList *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_LIST (self), FALSE);
  return self->starred_only;
}

KouanMessageKind
kouan_message_list_get_kind (KouanMessageList *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_LIST (self), KOUAN_MESSAGE_KIND_NOTICE);
  return self->kind;
}

KouanReadFilter
kouan_message_list_get_read_filter (KouanMessageList *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_LIST (self), KOUAN_READ_FILTER_ALL);
  return self->read_filter;
}
