/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-core-enums.h"
#include "kouan-message.h"
#include "kouan-message-list.h"
#include "kouan-store-private.h"

/* The rows of the filter, in display order (created_at DESC, id DESC, or
 * by severity first under KOUAN_MESSAGE_SORT_SEVERITY),
 * are kept in chunks of at most CHUNK_MAX: a row arriving anywhere is a
 * binary search and a move of at most one chunk, so following a pull
 * costs the same whatever the size of the cache. */
#define CHUNK_TARGET 1024
#define CHUNK_MAX    2048
/* Row objects are cached by id, not by position: rows that merely move
 * because others arrived above them keep their object, so a GtkListView
 * rebinding them (GTK 4.8 rebinds every row whose position changed) finds
 * nothing to redraw. Bounded, so scrolling through 100k rows keeps at most
 * this many (plus those the view holds). */
#define MAX_OBJECTS 1024
/* Rows are loaded from the cache this many at a time around the one asked. */
#define LOAD_BLOCK 64
/* Changes followed one by one up to this many per look (or a quarter of
 * the list, when larger); beyond it listing everything again is cheaper. */
#define MIN_INCREMENTAL 4096
/* Changes of one look that lie this close together are reported as one
 * items-changed spanning them (the rows between count as removed and added
 * again, with the same objects): GTK 4.8's list view rebinds every row
 * widget below a change, once per items-changed. Bounded, because
 * GtkSingleSelection looks at every added item when its selected one lies
 * in the span. */
#define MAX_SPAN 192

typedef struct {
  gint64 created_at;
  gint64 id;
  gint64 rev;
  int    severity;   /* KouanSeverity: the key under the severity order */
} Row;

typedef struct {
  gint64        id;   /* key */
  KouanMessage *message;
  guint64       last_used;
} CachedMessage;

struct _KouanMessageList
{
  GObject           parent_instance;

  /* owned references */
  KouanStore       *store;
  GPtrArray        *chunks;       /* (element-type GArray<Row>), none empty */
  GArray           *starts;       /* guint: position of each chunk's first row */
  guint             starts_valid; /* leading entries of @starts that are right */
  guint             n_rows;
  gint64            watermark;    /* highest revision looked at */
  guint64           deletions;    /* the store's deletion count at that time */
  GHashTable       *objects;      /* &CachedMessage.id → CachedMessage */
  guint64           clock;

  gint64            enterprise_id;
  KouanMessageKind  kind;
  KouanReadFilter   read_filter;
  gboolean          starred_only;
  KouanSeverity     min_severity;
  KouanMessageSort  sort;
  gboolean          loaded;       /* listed once, when constructed */
  GHashTable       *kept;         /* ids shown though they left the filter */

  /* the changes of the current look not reported yet, as one
   * items-changed: old rows [span_position, + span_removed) became the
   * current rows [span_position, + span_added) */
  gboolean          span_open;
  guint             span_position;
  guint             span_removed;
  guint             span_added;
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
  PROP_MIN_SEVERITY,
  PROP_SORT,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cached_message_free (gpointer data)
{
  CachedMessage *cached = data;

  g_clear_object (&cached->message);
  g_free (cached);
}

/* Rows */

/* Whether row a comes before row b in display order: (created_at, id)
 * descending, after the severity (descending) under the severity order. */
static inline gboolean
sorts_before (const KouanMessageList *self,
              int severity_a, gint64 created_a, gint64 id_a,
              int severity_b, gint64 created_b, gint64 id_b)
{
  if (self->sort == KOUAN_MESSAGE_SORT_SEVERITY && severity_a != severity_b)
    return severity_a > severity_b;
  return created_a > created_b || (created_a == created_b && id_a > id_b);
}

static inline GArray *
chunk_at (KouanMessageList *self,
          guint             index)
{
  return g_ptr_array_index (self->chunks, index);
}

static void
starts_invalidate (KouanMessageList *self,
                   guint             chunk)
{
  self->starts_valid = MIN (self->starts_valid, chunk);
}

static void
starts_update (KouanMessageList *self)
{
  g_array_set_size (self->starts, self->chunks->len);
  for (guint i = self->starts_valid; i < self->chunks->len; i++)
    g_array_index (self->starts, guint, i) =
      i == 0 ? 0 : g_array_index (self->starts, guint, i - 1) + chunk_at (self, i - 1)->len;
  self->starts_valid = self->chunks->len;
}

static Row *
row_at (KouanMessageList *self,
        guint             position)
{
  guint low = 0, high;

  starts_update (self);
  high = self->chunks->len;
  /* the last chunk that starts at or before @position */
  while (high - low > 1)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (self->starts, guint, mid) <= position)
        low = mid;
      else
        high = mid;
    }
  return &g_array_index (chunk_at (self, low), Row,
                         position - g_array_index (self->starts, guint, low));
}

/* Where (severity, created_at, id) is or would go: the chunk and the
 * offset in it. Returns whether the row is there. */
static gboolean
locate (KouanMessageList *self,
        int               severity,
        gint64            created_at,
        gint64            id,
        guint            *chunk_out,
        guint            *offset_out)
{
  guint low = 0, high = self->chunks->len;
  GArray *chunk;
  Row *row;

  if (self->chunks->len == 0)
    {
      *chunk_out = 0;
      *offset_out = 0;
      return FALSE;
    }

  /* the first chunk whose last row does not come before the key */
  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      GArray *c = chunk_at (self, mid);
      Row *last = &g_array_index (c, Row, c->len - 1);

      if (sorts_before (self, last->severity, last->created_at, last->id, severity, created_at, id))
        low = mid + 1;
      else
        high = mid;
    }
  if (low == self->chunks->len)
    {
      *chunk_out = low - 1;
      *offset_out = chunk_at (self, low - 1)->len;
      return FALSE;
    }

  chunk = chunk_at (self, low);
  high = chunk->len;
  *chunk_out = low;
  low = 0;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      Row *r = &g_array_index (chunk, Row, mid);

      if (sorts_before (self, r->severity, r->created_at, r->id, severity, created_at, id))
        low = mid + 1;
      else
        high = mid;
    }
  *offset_out = low;
  row = low < chunk->len ? &g_array_index (chunk, Row, low) : NULL;
  return row != NULL && row->id == id && row->created_at == created_at;
}

static guint
position_of (KouanMessageList *self,
             guint             chunk,
             guint             offset)
{
  if (chunk >= self->chunks->len)
    return self->n_rows;
  starts_update (self);
  return g_array_index (self->starts, guint, chunk) + offset;
}

static void
insert_row (KouanMessageList *self,
            guint             chunk_index,
            guint             offset,
            const Row        *row)
{
  GArray *chunk;

  if (self->chunks->len == 0)
    g_ptr_array_add (self->chunks, g_array_new (FALSE, FALSE, sizeof (Row)));
  chunk = chunk_at (self, chunk_index);
  g_array_insert_val (chunk, offset, *row);
  if (chunk->len > CHUNK_MAX)
    {
      GArray *second = g_array_sized_new (FALSE, FALSE, sizeof (Row), chunk->len / 2 + 1);

      g_array_append_vals (second, &g_array_index (chunk, Row, chunk->len / 2),
                           chunk->len - chunk->len / 2);
      g_array_set_size (chunk, chunk->len / 2);
      g_ptr_array_insert (self->chunks, chunk_index + 1, second);
    }
  self->n_rows++;
  starts_invalidate (self, chunk_index);
}

static void
remove_row (KouanMessageList *self,
            guint             chunk_index,
            guint             offset)
{
  GArray *chunk = chunk_at (self, chunk_index);

  g_array_remove_index (chunk, offset);
  if (chunk->len == 0)
    g_ptr_array_remove_index (self->chunks, chunk_index);
  self->n_rows--;
  starts_invalidate (self, chunk_index);
}

static void
set_rows (KouanMessageList           *self,
          const KouanMessageSnapshot *snapshot)
{
  guint n = snapshot->ids->len;

  g_ptr_array_set_size (self->chunks, 0);
  for (guint first = 0; first < n; first += CHUNK_TARGET)
    {
      guint len = MIN (CHUNK_TARGET, n - first);
      GArray *chunk = g_array_sized_new (FALSE, FALSE, sizeof (Row), len);

      for (guint i = first; i < first + len; i++)
        {
          Row row = {
            g_array_index (snapshot->created_at, gint64, i),
            g_array_index (snapshot->ids, gint64, i),
            g_array_index (snapshot->revisions, gint64, i),
            g_array_index (snapshot->severity, guint8, i),
          };

          g_array_append_val (chunk, row);
        }
      g_ptr_array_add (self->chunks, chunk);
    }
  self->n_rows = n;
  self->starts_valid = 0;
  self->watermark = snapshot->watermark;
  self->deletions = snapshot->deletions;
}

/* Row objects */

static void
forget_object (KouanMessageList *self,
               gint64            id)
{
  g_hash_table_remove (self->objects, &id);
}

static void
cache_object (KouanMessageList *self,
              KouanMessage     *message)
{
  CachedMessage *cached = g_new0 (CachedMessage, 1);

  cached->id = kouan_message_get_id (message);
  cached->message = message;
  cached->last_used = ++self->clock;
  g_hash_table_replace (self->objects, &cached->id, cached);
}

static int
compare_last_used (gconstpointer a,
                   gconstpointer b)
{
  const CachedMessage *x = *(CachedMessage * const *) a;
  const CachedMessage *y = *(CachedMessage * const *) b;

  return x->last_used < y->last_used ? -1 : x->last_used > y->last_used;
}

/* Drops the least recently used half once the cache is over its bound:
 * one sort per MAX_OBJECTS / 2 loads. */
static void
trim_objects (KouanMessageList *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  GHashTableIter iter;
  gpointer value;

  if (g_hash_table_size (self->objects) <= MAX_OBJECTS)
    return;

  entries = g_ptr_array_sized_new (g_hash_table_size (self->objects));
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (entries, value);
  g_ptr_array_sort (entries, compare_last_used);
  for (guint i = 0; i < entries->len - MAX_OBJECTS / 2; i++)
    forget_object (self, ((CachedMessage *) g_ptr_array_index (entries, i))->id);
}

/* Loads the rows around @position that are not cached yet. */
static void
load_around (KouanMessageList *self,
             guint             position)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint first = position - position % LOAD_BLOCK;
  guint last = MIN (first + LOAD_BLOCK, self->n_rows);

  for (guint i = first; i < last; i++)
    {
      gint64 id = row_at (self, i)->id;

      if (i == position || !g_hash_table_contains (self->objects, &id))
        g_array_append_val (ids, id);
    }

  g_ptr_array_set_free_func (messages, NULL);
  if (!kouan_store_load_messages (self->store, self->enterprise_id,
                                  (const gint64 *) (gpointer) ids->data, ids->len,
                                  messages, &error))
    g_warning ("Cannot load messages: %s", error->message);

  for (guint i = 0; i < messages->len; i++)
    if (g_ptr_array_index (messages, i) != NULL)
      cache_object (self, g_ptr_array_index (messages, i));
  trim_objects (self);
}

/* GListModel */

static void ensure_loaded (KouanMessageList *self);

static GType
kouan_message_list_get_item_type (GListModel *model)
{
  return KOUAN_TYPE_MESSAGE;
}

static guint
kouan_message_list_get_n_items (GListModel *model)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (model);

  ensure_loaded (self);
  return self->n_rows;
}

static gpointer
kouan_message_list_get_item (GListModel *model,
                             guint       position)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (model);
  CachedMessage *cached;
  Row *row;
  gint64 id;

  ensure_loaded (self);
  if (position >= self->n_rows)
    return NULL;

  row = row_at (self, position);
  id = row->id;
  cached = g_hash_table_lookup (self->objects, &id);
  if (cached == NULL)
    {
      gint64 created_at = row->created_at;

      load_around (self, position);
      cached = g_hash_table_lookup (self->objects, &id);
      if (cached == NULL)
        {
          /* Deleted by a page the sync thread applied a moment ago; the
           * store's "changed" signal is already queued and removes the
           * row on the next main loop iteration. GListModel may not
           * answer NULL for a position below n-items, so until then the
           * row stands as an empty message with what the list knows. */
          g_debug ("Message %" G_GINT64_FORMAT " vanished before the list caught up", id);
          cache_object (self, kouan_message_new (id, self->enterprise_id, self->kind, "", "", "",
                                                 KOUAN_SEVERITY_NONE, created_at,
                                                 self->read_filter == KOUAN_READ_FILTER_READ,
                                                 self->starred_only));
          cached = g_hash_table_lookup (self->objects, &id);
        }
    }
  cached->last_used = ++self->clock;

  return g_object_ref (cached->message);
}

static void
kouan_message_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kouan_message_list_get_item_type;
  iface->get_n_items = kouan_message_list_get_n_items;
  iface->get_item = kouan_message_list_get_item;
}

/* Reloading */

static gboolean
snapshot (KouanMessageList     *self,
          KouanMessageSnapshot *fresh)
{
  g_autoptr(GError) error = NULL;

  if (self->store != NULL && self->enterprise_id > 0)
    {
      if (!_kouan_store_snapshot_messages (self->store, self->enterprise_id, self->kind,
                                           self->read_filter, self->starred_only,
                                           self->sort, self->min_severity,
                                           fresh, &error))
        {
          g_warning ("Cannot list messages: %s", error->message);
          return FALSE;
        }
      return TRUE;
    }

  fresh->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  fresh->revisions = g_array_new (FALSE, FALSE, sizeof (gint64));
  fresh->created_at = g_array_new (FALSE, FALSE, sizeof (gint64));
  fresh->severity = g_array_new (FALSE, FALSE, sizeof (guint8));
  fresh->watermark = 0;
  fresh->deletions = 0;
  return TRUE;
}

static void
ensure_loaded (KouanMessageList *self)
{
  KouanMessageSnapshot fresh = { 0, };

  if (self->loaded)
    return;
  self->loaded = TRUE;
  if (snapshot (self, &fresh))
    set_rows (self, &fresh);
  _kouan_message_snapshot_clear (&fresh);
}

static inline gboolean
same_row (const Row  *row,
          GArray     *ids,
          GArray     *revs,
          guint       i)
{
  return row->id == g_array_index (ids, gint64, i) && row->rev == g_array_index (revs, gint64, i);
}

/* Lists every row of the filter again and reports the smallest window
 * that differs. Costs a walk of the whole list: only for a new filter or
 * enterprise, a deletion, or a pull too large to follow row by row. */
void
kouan_message_list_reload (KouanMessageList *self)
{
  KouanMessageSnapshot fresh = { 0, };
  guint old_len, new_len, prefix = 0, suffix = 0;
  guint removed, added;

  g_return_if_fail (KOUAN_IS_MESSAGE_LIST (self));

  if (!self->loaded)
    return;
  if (!snapshot (self, &fresh))
    return;

  old_len = self->n_rows;
  new_len = fresh.ids->len;

  /* Rows equal at both ends (same id and same revision) keep their
   * objects and are not redrawn; a row whose flags changed has a new
   * revision and falls in the window. */
  while (prefix < old_len && prefix < new_len &&
         same_row (row_at (self, prefix), fresh.ids, fresh.revisions, prefix))
    prefix++;
  while (suffix < old_len - prefix && suffix < new_len - prefix &&
         same_row (row_at (self, old_len - 1 - suffix), fresh.ids, fresh.revisions,
                   new_len - 1 - suffix))
    suffix++;

  removed = old_len - prefix - suffix;
  added = new_len - prefix - suffix;

  /* Objects of rows that changed or left must not be handed out again;
   * rows in the window that only moved lose theirs too, which costs a
   * reload of what is on screen, not a redraw (the row widget compares). */
  if (removed > 0 || added > 0)
    for (guint i = prefix; i < old_len - suffix; i++)
      forget_object (self, row_at (self, i)->id);

  set_rows (self, &fresh);
  _kouan_message_snapshot_clear (&fresh);

  if (removed == 0 && added == 0)
    return;

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
  if (self->kept != NULL && g_hash_table_contains (self->kept, &change->id))
    return TRUE;
  if (self->starred_only && !change->starred)
    return FALSE;
  if (self->min_severity > KOUAN_SEVERITY_LOW && change->severity < self->min_severity)
    return FALSE;
  switch (self->read_filter)
    {
    case KOUAN_READ_FILTER_UNREAD: return !change->read;
    case KOUAN_READ_FILTER_READ:   return change->read;
    case KOUAN_READ_FILTER_ALL:
    default:                       return TRUE;
    }
}

static void
span_flush (KouanMessageList *self)
{
  if (!self->span_open)
    return;
  self->span_open = FALSE;
  g_list_model_items_changed (G_LIST_MODEL (self), self->span_position,
                              self->span_removed, self->span_added);
}

/* Notes that the current rows [position, + removed) are about to become
 * [position, + added). Joins the open span when both fit in MAX_SPAN
 * rows; otherwise reports the open span first, while the rows still
 * stand as it says. Call before changing the rows. */
static void
span_note (KouanMessageList *self,
           guint             position,
           guint             removed,
           guint             added)
{
  if (self->span_open)
    {
      guint start = MIN (self->span_position, position);
      guint end = MAX (self->span_position + self->span_added, position + removed);
      /* in the rows before the open span's change, the same stretch */
      guint merged_removed = end - start - (self->span_added - self->span_removed);
      guint merged_added = end - start - removed + added;

      if (merged_removed <= MAX_SPAN && merged_added <= MAX_SPAN)
        {
          self->span_position = start;
          self->span_removed = merged_removed;
          self->span_added = merged_added;
          return;
        }
      span_flush (self);
    }

  self->span_open = TRUE;
  self->span_position = position;
  self->span_removed = removed;
  self->span_added = added;
}

/* One row written since the last look: it changed in place, left the
 * filter, or arrived. Its date never changes here (a redated row counts
 * as a deletion in the store, and deletions re-list). Reported through
 * span_note(); the caller flushes. */
static void
apply_change (KouanMessageList         *self,
              const KouanMessageChange *change)
{
  gboolean matches = matches_filter (self, change);
  guint chunk, offset, position;
  Row *row;

  if (!locate (self, change->severity, change->created_at, change->id, &chunk, &offset))
    {
      Row fresh = { change->created_at, change->id, change->revision, change->severity };

      if (!matches)
        return;
      span_note (self, position_of (self, chunk, offset), 0, 1);
      insert_row (self, chunk, offset, &fresh);
      forget_object (self, change->id);
      return;
    }

  row = &g_array_index (chunk_at (self, chunk), Row, offset);
  if (row->rev >= change->revision)
    return;

  position = position_of (self, chunk, offset);
  forget_object (self, change->id);
  if (matches)
    {
      /* Same place: only this row's content changed. */
      span_note (self, position, 1, 1);
      row->rev = change->revision;
    }
  else
    {
      span_note (self, position, 1, 0);
      remove_row (self, chunk, offset);
    }
}

/* Follows a "changed" signal: only the rows written since the last look
 * are fetched (an index range on the revision) and each is placed by a
 * binary search, so a page of a pull costs the same at 1 000 rows as at
 * 100 000. A deletion, which leaves no revision behind, or more changes
 * than a quarter of the list lists everything again. */
static void
kouan_message_list_update (KouanMessageList *self)
{
  g_autoptr(GArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  guint64 deletions = 0;
  guint old_len = self->n_rows;
  guint limit = MAX (MIN_INCREMENTAL, self->n_rows / 4);

  if (!self->loaded || self->store == NULL || self->enterprise_id <= 0)
    return;

  if (!_kouan_store_message_changes (self->store, self->enterprise_id, self->watermark,
                                     limit + 1, &changes, &deletions, &error))
    {
      g_warning ("Cannot list changed messages: %s", error->message);
      return;
    }

  if (deletions != self->deletions || changes->len > limit)
    {
      kouan_message_list_reload (self);
      return;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      const KouanMessageChange *change = &g_array_index (changes, KouanMessageChange, i);

      apply_change (self, change);
      self->watermark = MAX (self->watermark, change->revision);
    }
  span_flush (self);

  if (self->n_rows != old_len)
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
  ensure_loaded (self);
}

static void
kouan_message_list_dispose (GObject *object)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (object);

  g_hash_table_remove_all (self->objects);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kouan_message_list_parent_class)->dispose (object);
}

static void
kouan_message_list_finalize (GObject *object)
{
  KouanMessageList *self = KOUAN_MESSAGE_LIST (object);

  g_clear_pointer (&self->chunks, g_ptr_array_unref);
  g_clear_pointer (&self->starts, g_array_unref);
  g_clear_pointer (&self->objects, g_hash_table_unref);
  g_clear_pointer (&self->kept, g_hash_table_unref);

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
    case PROP_MIN_SEVERITY:  g_value_set_enum (value, self->min_severity); break;
    case PROP_SORT:          g_value_set_enum (value, self->sort); break;
    case PROP_N_ITEMS:
      ensure_loaded (self);
      g_value_set_uint (value, self->n_rows);
      break;
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
    case PROP_MIN_SEVERITY:
      kouan_message_list_set_min_severity (self, g_value_get_enum (value));
      break;
    case PROP_SORT:
      kouan_message_list_set_sort (self, g_value_get_enum (value));
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
  properties[PROP_MIN_SEVERITY] =
    g_param_spec_enum ("min-severity", NULL, NULL, KOUAN_TYPE_SEVERITY, KOUAN_SEVERITY_NONE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SORT] =
    g_param_spec_enum ("sort", NULL, NULL, KOUAN_TYPE_MESSAGE_SORT, KOUAN_MESSAGE_SORT_DATE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kouan_message_list_init (KouanMessageList *self)
{
  self->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->starts = g_array_new (FALSE, FALSE, sizeof (guint));
  self->objects = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, cached_message_free);
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
  g_hash_table_remove_all (self->objects);
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

/* Lists only the messages of at least @min_severity (NONE or LOW: all).
 * Notices have no severity: a notice list filtered above LOW is empty. */
void
kouan_message_list_set_min_severity (KouanMessageList *self,
                                     KouanSeverity     min_severity)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_LIST (self));

  if (min_severity == KOUAN_SEVERITY_LOW)
    min_severity = KOUAN_SEVERITY_NONE;
  if (self->min_severity == min_severity)
    return;

  self->min_severity = min_severity;
  kouan_message_list_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_SEVERITY]);
}

KouanSeverity
kouan_message_list_get_min_severity (KouanMessageList *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_LIST (self), KOUAN_SEVERITY_NONE);
  return self->min_severity;
}

/* Another order is another list: every row moves, so the whole list is
 * reported changed (the rows keep their objects). */
void
kouan_message_list_set_sort (KouanMessageList *self,
                             KouanMessageSort  sort)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_LIST (self));

  if (self->sort == sort)
    return;

  self->sort = sort;
  kouan_message_list_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

KouanMessageSort
kouan_message_list_get_sort (KouanMessageList *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_LIST (self), KOUAN_MESSAGE_SORT_DATE);
  return self->sort;
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

/* Keeps the row of @id in the list while the user looks at it, even once
 * it leaves the filter (an opened message becomes read but stays in 未读),
 * until kouan_message_list_release_kept(). A full re-list (a refresh, a
 * deletion) drops it too. */
void
kouan_message_list_keep (KouanMessageList *self,
                         gint64            id)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_LIST (self));

  if (self->kept == NULL)
    self->kept = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_add (self->kept, g_memdup2 (&id, sizeof id));
}

/* Lets kept rows go: rows that left the filter leave the list now. */
void
kouan_message_list_release_kept (KouanMessageList *self)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_LIST (self));

  if (self->kept == NULL || g_hash_table_size (self->kept) == 0)
    return;
  g_hash_table_remove_all (self->kept);
  kouan_message_list_reload (self);
}
