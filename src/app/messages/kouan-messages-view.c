/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kouan-cjk-tokenizer.h"
#include "kouan-core-enums.h"
#include "kouan-message.h"
#include "kouan-message-list.h"
#include "kouan-messages-view.h"
#include "kouan-message-detail.h"
#include "kouan-message-row.h"

struct _KouanMessagesView
{
  GtkWidget           parent_instance;

  /* template widgets */
  KouanMessageDetail *detail;
  GtkStack           *detail_stack;
  GtkWidget          *detail_pane;
  AdwLeaflet         *leaflet;
  GtkLabel           *empty_description;
  GtkImage           *empty_icon;
  GtkLabel           *empty_title;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  GtkToggleButton    *read_button;
  GtkSearchEntry     *search_entry;
  GtkSingleSelection *selection;
  GtkWidget          *severity_bar;
  GtkDropDown        *severity_dropdown;
  GtkDropDown        *sort_dropdown;
  GtkCheckButton     *starred_button;
  GtkToggleButton    *unread_button;

  /* owned references */
  KouanStore         *store;
  KouanMessageList   *unread_list;
  KouanMessageList   *read_list;
  GListStore         *search_results;   /* KouanMessage, while searching */
  char               *search_text;      /* NULL: not searching */

  GCancellable       *cancellable;
  guint               search_serial;    /* of the newest search asked for */
  gint64              results_enterprise_id; /* whose messages search_results holds */
  gboolean            searching;        /* a search runs on a worker */
  gboolean            search_again;     /* asked for while one ran */
  GQueue              edits;            /* MessageEdit, waiting */
  GHashTable         *pending_stars;    /* id → GINT_TO_POINTER (starred + 1) */
  gboolean            editing;

  gulong              store_changed_id;
  gulong              stick_to_top_id;
  GdkFrameClock      *stick_to_top_clock;
  guint               refresh_source;

  KouanMessageKind    kind;
  gint64              enterprise_id;
  gint64              open_message_id;
  gint64              selected_id;
  guint               unread_count;
  guint               read_count;
  guint               unread_shown;     /* with the starred and severity filters */
  guint               read_shown;
  guint               badge_count;      /* unread, at least min_severity */
  KouanSeverity       min_severity;     /* LOW: all */
  KouanMessageSort    sort;
  guint               show_read : 1;
  guint               model_pending : 1;
  guint               starred_only : 1;
};

G_DEFINE_FINAL_TYPE (KouanMessagesView, kouan_messages_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_KIND,
  PROP_ENTERPRISE_ID,
  PROP_UNREAD_COUNT,
  PROP_READ_COUNT,
  PROP_SHOW_READ,
  PROP_STARRED_ONLY,
  PROP_MIN_SEVERITY,
  PROP_SORT,
  PROP_BADGE_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A tab's list is made the first time it is shown: a list holds the
 * ids of its whole filter, and the other tab, or the view that is not
 * shown, need not cost their query at start-up. */
static KouanMessageList *
kouan_messages_view_ensure_list (KouanMessagesView *self,
                                 gboolean           read)
{
  KouanMessageList **list = read ? &self->read_list : &self->unread_list;

  if (*list == NULL && self->store != NULL)
    {
      *list = kouan_message_list_new (self->store, self->kind,
                                      read ? KOUAN_READ_FILTER_READ : KOUAN_READ_FILTER_UNREAD);
      kouan_message_list_set_starred_only (*list, self->starred_only);
      kouan_message_list_set_min_severity (*list, self->min_severity);
      kouan_message_list_set_sort (*list, self->sort);
      kouan_message_list_set_enterprise_id (*list, self->enterprise_id);
    }
  return *list;
}

static KouanMessageList *
kouan_messages_view_current_list (KouanMessagesView *self)
{
  return kouan_messages_view_ensure_list (self, self->show_read);
}

/* The most results a search shows: the newest first; a clerk narrows
 * the words rather than scroll past hundreds. */
#define SEARCH_LIMIT 500

/* One search of the field over the cache's index, run on a worker
 * thread: at 100k messages a common word matches tens of thousands of
 * rows, and the sync's writer may hold the store meanwhile; the window
 * keeps drawing and typing while it runs. */
typedef struct {
  KouanStore       *store;
  gint64            enterprise_id;
  KouanMessageKind  kind;
  KouanSeverity     min_severity;
  gboolean          starred_only;
  char             *text;
  guint             serial;
} SearchJob;

static void
search_job_free (gpointer data)
{
  SearchJob *job = data;

  g_clear_object (&job->store);
  g_free (job->text);
  g_free (job);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchJob *job = task_data;
  GError *error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  /* both tabs: a clerk looks for a 报关单号 whether its notice was read
   * or not; the starred and severity filters apply */
  ids = kouan_store_search_messages_at_least (job->store, job->enterprise_id, job->kind,
                                              KOUAN_READ_FILTER_ALL, job->starred_only,
                                              job->min_severity, job->text,
                                              SEARCH_LIMIT, &error);
  if (ids != NULL && ids->len > 0 &&
      !kouan_store_load_messages (job->store, job->enterprise_id,
                                  (const gint64 *) ids->data, ids->len, messages, &error))
    g_clear_pointer (&ids, g_array_unref);
  if (ids == NULL)
    {
      g_ptr_array_unref (found);
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < messages->len; i++)
    if (g_ptr_array_index (messages, i) != NULL)
      g_ptr_array_add (found, g_object_ref (g_ptr_array_index (messages, i)));
  g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static void kouan_messages_view_run_search (KouanMessagesView *self);
static void kouan_messages_view_update_empty_state (KouanMessagesView *self);

static void
search_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (source);
  SearchJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  /* the view was disposed: nothing left to update */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  self->searching = FALSE;
  found = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->search_again)
    {
      /* the words, the filters or the cache changed meanwhile */
      self->search_again = FALSE;
      kouan_messages_view_run_search (self);
      return;
    }
  if (job->serial != self->search_serial || self->search_text == NULL ||
      job->enterprise_id != self->enterprise_id)
    return;
  if (found == NULL)
    {
      g_warning ("Cannot search messages: %s", error->message);
      g_list_store_remove_all (self->search_results);
      kouan_messages_view_update_empty_state (self);
      return;
    }
  g_list_store_splice (self->search_results, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->search_results)),
                       found->pdata, found->len);
  kouan_messages_view_update_empty_state (self);
}

/* Runs the search of the field (see search_thread), at most one at a
 * time: asked for while one runs, it runs again once that one is done,
 * with whatever the field and the filters say then. */
static void
kouan_messages_view_run_search (KouanMessagesView *self)
{
  g_autoptr(GTask) task = NULL;
  SearchJob *job;

  self->search_serial++;
  if (self->search_text == NULL || self->store == NULL || self->enterprise_id <= 0)
    {
      self->search_again = FALSE;
      g_list_store_remove_all (self->search_results);
      return;
    }
  /* Results of another enterprise never stay on screen while the new
   * search runs: their rows would open nothing there. */
  if (self->results_enterprise_id != self->enterprise_id)
    {
      g_list_store_remove_all (self->search_results);
      self->results_enterprise_id = self->enterprise_id;
    }
  if (self->searching)
    {
      self->search_again = TRUE;
      return;
    }

  job = g_new0 (SearchJob, 1);
  job->store = g_object_ref (self->store);
  job->enterprise_id = self->enterprise_id;
  job->kind = self->kind;
  job->min_severity = self->min_severity;
  job->starred_only = self->starred_only;
  job->text = g_strdup (self->search_text);
  job->serial = self->search_serial;
  self->searching = TRUE;
  task = g_task_new (self, self->cancellable, search_done, NULL);
  g_task_set_source_tag (task, kouan_messages_view_run_search);
  g_task_set_task_data (task, job, search_job_free);
  g_task_run_in_thread (task, search_thread);
}

static GListModel *
kouan_messages_view_current_model (KouanMessagesView *self)
{
  if (self->search_text != NULL)
    return G_LIST_MODEL (self->search_results);
  return G_LIST_MODEL (kouan_messages_view_current_list (self));
}

static void
kouan_messages_view_update_actions (KouanMessagesView *self)
{
  gboolean ready = self->store != NULL && self->enterprise_id > 0;
  gboolean has_selection = gtk_single_selection_get_selected_item (self->selection) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages.toggle-star", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages.open", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages.star-selected",
                                 ready && has_selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages.show-read", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "messages.starred-only", TRUE);
}

static void
kouan_messages_view_update_tabs (KouanMessagesView *self)
{
  g_autofree char *unread = NULL;
  g_autofree char *read = NULL;

  if (self->starred_only || self->min_severity > KOUAN_SEVERITY_LOW)
    {
      /* Translators: tab of the message center under the “Only starred”
       * filter: how many unread messages it shows of how many there are
       * (zh_CN: 未读（%u / %u）) */
      unread = g_strdup_printf (_("Unread (%u / %u)"), self->unread_shown, self->unread_count);
      /* Translators: tab of the message center under the “Only starred”
       * filter: how many read messages it shows of how many there are
       * (zh_CN: 已读（%u / %u）) */
      read = g_strdup_printf (_("Read (%u / %u)"), self->read_shown, self->read_count);
    }
  else
    {
      /* Translators: tab of the message center, %u is how many unread messages
       * there are (zh_CN: 未读 (%u)) */
      unread = g_strdup_printf (_("Unread (%u)"), self->unread_count);
      /* Translators: tab of the message center, %u is how many read messages
       * there are (zh_CN: 已读 (%u)) */
      read = g_strdup_printf (_("Read (%u)"), self->read_count);
    }
  gtk_button_set_label (GTK_BUTTON (self->unread_button), unread);
  gtk_button_set_label (GTK_BUTTON (self->read_button), read);

  if (gtk_toggle_button_get_active (self->read_button) != self->show_read)
    gtk_toggle_button_set_active (self->show_read ? self->read_button : self->unread_button, TRUE);
}

/* What an empty list means depends on the kind, the tab and the filter;
 * say exactly that rather than a generic "nothing here". */
static void
kouan_messages_view_update_empty_state (KouanMessagesView *self)
{
  gboolean warning = self->kind == KOUAN_MESSAGE_KIND_WARNING;
  const char *title;
  const char *description;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  /* no "not found" before the search has answered */
  gtk_stack_set_visible_child_name (self->list_stack,
                                    n_items > 0 || (self->search_text != NULL && self->searching)
                                    ? "list" : "empty");
  if (n_items > 0)
    return;

  if (self->store == NULL || self->enterprise_id <= 0)
    {
      title = _("No Enterprise Selected");
      description = _("Messages appear here once an enterprise is selected.");
    }
  else if (self->search_text != NULL)
    {
      title = warning ? _("No Warnings Found") : _("No Notices Found");
      description = _("Try other words, or part of a declaration or bill of lading number.");
    }
  else if (self->min_severity > KOUAN_SEVERITY_LOW && !self->starred_only)
    {
      title = !self->show_read ? _("No Unread Warnings of This Severity")
                               : _("No Read Warnings of This Severity");
      description = _("Choose “All severities” to see all of them.");
    }
  else if (self->starred_only)
    {
      if (!self->show_read)
        title = warning ? _("No Starred Unread Warnings") : _("No Starred Unread Notices");
      else
        title = warning ? _("No Starred Read Warnings") : _("No Starred Read Notices");
      description = _("Turn off “Only starred” to see all of them.");
    }
  else if (!self->show_read)
    {
      title = warning ? _("No Unread Warnings") : _("No Unread Notices");
      description = warning ? _("New warnings appear here.") : _("New notices appear here.");
    }
  else
    {
      title = warning ? _("No Read Warnings") : _("No Read Notices");
      description = warning ? _("Warnings you have opened appear here.")
                            : _("Notices you have opened appear here.");
    }

  gtk_image_set_from_icon_name (self->empty_icon,
                                self->starred_only ? "non-starred-symbolic"
                                : warning ? "dialog-warning-symbolic"
                                : "mail-read-symbolic");
  gtk_label_set_label (self->empty_title, title);
  gtk_label_set_label (self->empty_description, description);
}

static void
kouan_messages_view_close_detail (KouanMessagesView *self)
{
  self->open_message_id = 0;
  kouan_message_detail_set_message (self->detail, NULL);
  gtk_stack_set_visible_child_name (self->detail_stack, "placeholder");
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->list_stack));
}

static void
kouan_messages_view_set_counts (KouanMessagesView *self,
                                guint              unread_count,
                                guint              read_count)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->unread_count != unread_count)
    {
      self->unread_count = unread_count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
    }
  if (self->read_count != read_count)
    {
      self->read_count = read_count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_COUNT]);
    }
  kouan_messages_view_update_tabs (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Counts are indexed COUNT queries (the unfiltered ones kept in memory by
 * the store), so they are cheap even at 100k rows. Under “Only starred”
 * the tabs say how many of how many: 未读（4 / 60）. */
static void
kouan_messages_view_refresh (KouanMessagesView *self)
{
  guint unread = 0;
  guint read = 0;
  guint badge = 0;

  self->unread_shown = self->read_shown = 0;
  if (self->store != NULL && self->enterprise_id > 0)
    {
      unread = kouan_store_count_messages (self->store, self->enterprise_id, self->kind,
                                           KOUAN_READ_FILTER_UNREAD, FALSE);
      read = kouan_store_count_messages (self->store, self->enterprise_id, self->kind,
                                         KOUAN_READ_FILTER_READ, FALSE);
      /* the badge ignores “Only starred” but not the severity chosen;
       * both are counts kept in memory by the store */
      badge = kouan_store_count_messages_at_least (self->store, self->enterprise_id, self->kind,
                                                   KOUAN_READ_FILTER_UNREAD, FALSE,
                                                   self->min_severity);
      if (self->starred_only || self->min_severity > KOUAN_SEVERITY_LOW)
        {
          self->unread_shown = kouan_store_count_messages_at_least (self->store, self->enterprise_id,
                                                                    self->kind, KOUAN_READ_FILTER_UNREAD,
                                                                    self->starred_only,
                                                                    self->min_severity);
          self->read_shown = kouan_store_count_messages_at_least (self->store, self->enterprise_id,
                                                                  self->kind, KOUAN_READ_FILTER_READ,
                                                                  self->starred_only,
                                                                  self->min_severity);
        }
    }
  if (self->badge_count != badge)
    {
      self->badge_count = badge;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BADGE_COUNT]);
    }
  kouan_messages_view_set_counts (self, unread, read);
  if (self->search_text != NULL)
    kouan_messages_view_run_search (self);

  /* The open message may have been starred, read or deleted meanwhile;
   * messages are immutable, so fetch the current version. */
  if (self->open_message_id != 0 && self->store != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KouanMessage) message = kouan_store_get_message (self->store,
                                                                 self->enterprise_id,
                                                                 self->open_message_id,
                                                                 &error);

      if (message != NULL)
        kouan_message_detail_set_message (self->detail, message);
      else
        {
          if (!g_error_matches (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND))
            g_warning ("Cannot reload message %" G_GINT64_FORMAT ": %s",
                       self->open_message_id, error != NULL ? error->message : "unknown error");
          kouan_messages_view_close_detail (self);
        }
    }

  kouan_messages_view_update_empty_state (self);
}

static gboolean
kouan_messages_view_refresh_idle (gpointer user_data)
{
  KouanMessagesView *self = user_data;

  self->refresh_source = 0;
  kouan_messages_view_refresh (self);

  return G_SOURCE_REMOVE;
}

/* A pull may report many changed pages in a row; recount once after them. */
static void
store_changed_cb (KouanMessagesView *self,
                  const char        *collection,
                  gint64             enterprise_id,
                  KouanStore        *store)
{
  if (g_strcmp0 (collection, "messages") != 0)
    return;
  if (enterprise_id > 0 && enterprise_id != self->enterprise_id)
    return;

  if (self->refresh_source == 0)
    self->refresh_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                                            kouan_messages_view_refresh_idle,
                                            self, NULL);
}

/* Another tab or filter is another list: start it at its newest message
 * rather than at the scroll offset of the previous one. Neither the
 * adjustment nor list.scroll-to-item does that in GTK 4.8 right after the
 * items changed (the view keeps its anchor item); attaching the model
 * afresh does. */
static void
kouan_messages_view_scroll_to_top (KouanMessagesView *self)
{
  gtk_list_view_set_model (self->list_view, NULL);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
}

static void
kouan_messages_view_set_current_model (KouanMessagesView *self)
{
  self->selected_id = 0;
  /* attached when the view is first shown (see ensure_list) */
  self->model_pending = !gtk_widget_get_mapped (GTK_WIDGET (self));
  if (self->model_pending)
    {
      gtk_single_selection_set_model (self->selection, NULL);
      kouan_messages_view_update_empty_state (self);
      kouan_messages_view_update_actions (self);
      return;
    }
  /* Detached while the selection changes lists: the view then builds its
   * rows once, for the new list at its top, instead of for the old list's
   * scroll offset and again (GTK 4.8 keeps up to 200 row widgets). */
  gtk_list_view_set_model (self->list_view, NULL);
  gtk_single_selection_set_model (self->selection, kouan_messages_view_current_model (self));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  kouan_messages_view_update_empty_state (self);
  kouan_messages_view_update_actions (self);
}

static void
kouan_messages_view_mapped (KouanMessagesView *self)
{
  if (self->model_pending)
    kouan_messages_view_set_current_model (self);
}

/* Leaving the view lets go of the messages read in 未读. */
static void
kouan_messages_view_unmapped (KouanMessagesView *self)
{
  if (self->unread_list != NULL)
    kouan_message_list_release_kept (self->unread_list);
}

static void
kouan_messages_view_rebuild_lists (KouanMessagesView *self)
{
  g_clear_object (&self->unread_list);
  g_clear_object (&self->read_list);
  kouan_messages_view_set_current_model (self);
}

static KouanMessage *
kouan_messages_view_lookup (KouanMessagesView *self,
                            gint64             id)
{
  g_autoptr(GError) error = NULL;
  KouanMessage *message;

  if (self->store == NULL)
    return NULL;

  message = kouan_store_get_message (self->store, self->enterprise_id, id, &error);
  if (message == NULL)
    g_warning ("Cannot load message %" G_GINT64_FORMAT ": %s",
               id, error != NULL ? error->message : "unknown error");

  return message;
}

/* The row widget currently bound to message @id, if it is realized; only
 * the few rows on screen exist, so the walk is short. */
static KouanMessageRow *
kouan_messages_view_find_row (GtkWidget *widget,
                              gint64     id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (KOUAN_IS_MESSAGE_ROW (child))
        {
          KouanMessage *message = kouan_message_row_get_message (KOUAN_MESSAGE_ROW (child));

          if (message != NULL && kouan_message_get_id (message) == id)
            return KOUAN_MESSAGE_ROW (child);
        }
      else
        {
          KouanMessageRow *row = kouan_messages_view_find_row (child, id);

          if (row != NULL)
            return row;
        }
    }

  return NULL;
}

/* Edits (a star, a read mark) are written on a worker, one after the
 * other in the order they were made: the write waits for the cache's
 * writer, which a pull holds for a whole page, and the main thread must
 * not. The list follows when the store says "changed". */
typedef struct {
  KouanStore   *store;
  KouanMessage *message;
  gboolean      star;    /* else read */
  gboolean      value;
} MessageEdit;

static void
message_edit_free (gpointer data)
{
  MessageEdit *edit = data;

  g_clear_object (&edit->store);
  g_clear_object (&edit->message);
  g_free (edit);
}

static void
edit_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MessageEdit *edit = task_data;
  GError *error = NULL;
  gboolean ok = edit->star
                ? kouan_store_set_message_starred (edit->store, edit->message, edit->value, &error)
                : kouan_store_set_message_read (edit->store, edit->message, edit->value, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void kouan_messages_view_next_edit (KouanMessagesView *self);

static void
edit_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (source);
  MessageEdit *edit = g_task_get_task_data (G_TASK (result));
  gint64 id = kouan_message_get_id (edit->message);
  g_autoptr(GError) error = NULL;

  /* the view was disposed: nothing left to update */
  if (g_task_had_error (G_TASK (result)) &&
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (edit->star &&
          GPOINTER_TO_INT (g_hash_table_lookup (self->pending_stars, &id)) == edit->value + 1)
        g_hash_table_remove (self->pending_stars, &id);
      kouan_messages_view_next_edit (self);
      return;
    }

  if (edit->star)
    {
      KouanMessageRow *row;

      g_warning ("Cannot star message %" G_GINT64_FORMAT ": %s", id, error->message);
      g_hash_table_remove (self->pending_stars, &id);

      /* The toggle flipped itself on click; the model did not change, so
       * nothing rebinds the row: put it back, and the detail with it. */
      row = kouan_messages_view_find_row (GTK_WIDGET (self->list_view), id);
      if (row != NULL)
        kouan_message_row_refresh (row);
      kouan_messages_view_refresh (self);
    }
  else
    g_warning ("Cannot mark message %" G_GINT64_FORMAT " read: %s", id, error->message);

  kouan_messages_view_next_edit (self);
}

static void
kouan_messages_view_next_edit (KouanMessagesView *self)
{
  g_autoptr(GTask) task = NULL;
  MessageEdit *edit = g_queue_pop_head (&self->edits);

  self->editing = edit != NULL;
  if (edit == NULL)
    return;

  task = g_task_new (self, self->cancellable, edit_done, NULL);
  g_task_set_source_tag (task, kouan_messages_view_next_edit);
  g_task_set_task_data (task, edit, message_edit_free);
  g_task_run_in_thread (task, edit_thread);
}

static void
kouan_messages_view_edit (KouanMessagesView *self,
                          KouanMessage      *message,
                          gboolean           star,
                          gboolean           value)
{
  MessageEdit *edit = g_new0 (MessageEdit, 1);

  edit->store = g_object_ref (self->store);
  edit->message = g_object_ref (message);
  edit->star = star;
  edit->value = value;
  g_queue_push_tail (&self->edits, edit);
  if (!self->editing)
    kouan_messages_view_next_edit (self);
}

static void
kouan_messages_view_toggle_star (KouanMessagesView *self,
                                 gint64             id)
{
  g_autoptr(KouanMessage) message = kouan_messages_view_lookup (self, id);
  gpointer pending;
  gboolean starred;

  if (message == NULL)
    return;

  /* A star still on its way counts: two quick clicks star and unstar. */
  pending = g_hash_table_lookup (self->pending_stars, &id);
  starred = pending != NULL ? GPOINTER_TO_INT (pending) - 1 : kouan_message_get_starred (message);
  g_hash_table_insert (self->pending_stars, g_memdup2 (&id, sizeof id), GINT_TO_POINTER (!starred + 1));
  kouan_messages_view_edit (self, message, TRUE, !starred);
}

static void
kouan_messages_view_open (KouanMessagesView *self,
                          gint64             id)
{
  g_autoptr(KouanMessage) message = kouan_messages_view_lookup (self, id);

  if (message == NULL)
    return;

  self->open_message_id = id;
  kouan_message_detail_set_message (self->detail, message);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  /* folded, the message takes the pane; “Back to List” returns */
  adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);

  /* Marked read, but the row stays where it is in 未读 until the user
   * leaves the tab or refreshes, so the list does not move under the
   * pointer; the detail is keyed on the id, not on the selection. */
  if (!kouan_message_get_read (message))
    {
      if (!self->show_read && self->unread_list != NULL)
        kouan_message_list_keep (self->unread_list, id);
      kouan_messages_view_edit (self, message, FALSE, TRUE);
    }
}

static void
toggle_star_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  kouan_messages_view_toggle_star (KOUAN_MESSAGES_VIEW (widget), g_variant_get_int64 (parameter));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  kouan_messages_view_open (KOUAN_MESSAGES_VIEW (widget), g_variant_get_int64 (parameter));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->list_stack));
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
show_read_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_object_set (widget, "show-read", g_variant_get_boolean (parameter), NULL);
}

static void
star_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (widget);
  KouanMessage *message = gtk_single_selection_get_selected_item (self->selection);

  if (message != NULL)
    kouan_messages_view_toggle_star (self, kouan_message_get_id (message));
}

/* GTK 4.8's list views move Tab from item to item through the whole model
 * (GtkListView:tab-behavior arrived in 4.12), which would trap keyboard
 * users among 100k rows. Here Tab moves between a row's own buttons and
 * then leaves the list: forward to the opened message (or around to the
 * window's first control), backward to the filter before the list. Up and
 * Down still move between rows. */
static gboolean
list_key_pressed_cb (KouanMessagesView     *self,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkEventControllerKey *controller)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkDirectionType direction;
  GtkWidget *focus;
  GtkWidget *row;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || root == NULL)
    return FALSE;

  direction = (keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0)
              ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD;

  /* From the item itself forward into its row, or within the row. */
  focus = gtk_root_get_focus (root);
  row = focus != NULL ? gtk_widget_get_ancestor (focus, KOUAN_TYPE_MESSAGE_ROW) : NULL;
  if (row == NULL && focus != NULL && direction == GTK_DIR_TAB_FORWARD)
    row = gtk_widget_get_first_child (focus);
  if (row != NULL && KOUAN_IS_MESSAGE_ROW (row) && gtk_widget_child_focus (row, direction))
    return TRUE;

  /* back to the last control before the list: the warnings' order, or
   * 仅显示星标 */
  if (direction == GTK_DIR_TAB_BACKWARD)
    return gtk_widget_child_focus (gtk_widget_get_visible (self->severity_bar)
                                   ? GTK_WIDGET (self->sort_dropdown)
                                   : GTK_WIDGET (self->starred_button), direction);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->detail_stack), "detail") == 0 &&
      gtk_widget_child_focus (GTK_WIDGET (self->detail), direction))
    return TRUE;

  /* Nothing focusable after the list in this view: continue from the
   * start of the window, as GtkWindow does when Tab runs off its end. */
  gtk_root_set_focus (root, NULL);
  return gtk_widget_child_focus (GTK_WIDGET (root), direction);
}

static void
list_view_activate_cb (KouanMessagesView *self,
                       guint              position,
                       GtkListView       *list_view)
{
  g_autoptr(KouanMessage) message = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (message != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "messages.open", "x",
                                kouan_message_get_id (message));
}

static void
selection_changed_cb (KouanMessagesView *self)
{
  KouanMessage *message = gtk_single_selection_get_selected_item (self->selection);

  if (message != NULL)
    self->selected_id = kouan_message_get_id (message);
  kouan_messages_view_update_actions (self);
}

static void
stick_to_top_after_paint_cb (KouanMessagesView *self,
                             GdkFrameClock     *clock)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

  g_clear_signal_handler (&self->stick_to_top_id, clock);
  g_clear_weak_pointer (&self->stick_to_top_clock);
  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

/* Once the new rows are laid out (after the next frame), scroll to the
 * top; earlier, GtkListView would put its anchor back. */
static void
kouan_messages_view_stick_to_top (KouanMessagesView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->list_view));

  if (clock == NULL || self->stick_to_top_id != 0)
    return;

  g_set_weak_pointer (&self->stick_to_top_clock, clock);
  self->stick_to_top_id = g_signal_connect_object (clock, "after-paint",
                                                   G_CALLBACK (stick_to_top_after_paint_cb),
                                                   self, G_CONNECT_SWAPPED);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

/* Messages are immutable: a starred row comes back as a new object at the
 * same position, which GtkSingleSelection takes for a deletion and drops
 * the selection. Find the same message among the few added items and keep
 * it selected (a large reload is not scanned: that would load every row).
 * Connected after (ui/kouan-messages-view.ui): the list view must have
 * taken the new rows in first; selecting a row it had not heard of yet,
 * from inside the same emission, crashed GTK 4.8 (found by the soak test,
 * issue 16). */
static void
selection_items_changed_cb (KouanMessagesView *self,
                            guint              position,
                            guint              removed,
                            guint              added,
                            GListModel        *model)
{
  if (self->selected_id != 0 &&
      gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    {
      gint64 wanted = self->selected_id;

      self->selected_id = 0;
      for (guint i = 0; i < MIN (added, 32); i++)
        {
          g_autoptr(KouanMessage) message = g_list_model_get_item (model, position + i);

          if (message != NULL && kouan_message_get_id (message) == wanted)
            {
              gtk_single_selection_set_selected (self->selection, position + i);
              break;
            }
        }
    }

  /* A new message arriving while the user looks at the newest ones should
   * show up, but GtkListView keeps its anchor item where it was. */
  if (position == 0 && added > removed)
    {
      GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

      if (adjustment != NULL &&
          gtk_adjustment_get_value (adjustment) <= gtk_adjustment_get_lower (adjustment) + 0.5)
        kouan_messages_view_stick_to_top (self);
    }

  kouan_messages_view_update_empty_state (self);
}

static void
search_changed_cb (KouanMessagesView *self,
                   GtkSearchEntry    *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *match = kouan_cjk_match_expression (text);
  char *wanted = match != NULL ? g_strstrip (g_strdup (text)) : NULL;

  if (g_strcmp0 (wanted, self->search_text) == 0)
    {
      g_free (wanted);
      return;
    }
  g_free (self->search_text);
  self->search_text = wanted;
  kouan_messages_view_run_search (self);
  kouan_messages_view_set_current_model (self);
}

static void
stop_search_cb (KouanMessagesView *self,
                GtkSearchEntry    *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
unread_button_toggled_cb (KouanMessagesView *self,
                          GtkToggleButton   *button)
{
  if (gtk_toggle_button_get_active (button))
    g_object_set (self, "show-read", FALSE, NULL);
}

static void
read_button_toggled_cb (KouanMessagesView *self,
                        GtkToggleButton   *button)
{
  if (gtk_toggle_button_get_active (button))
    g_object_set (self, "show-read", TRUE, NULL);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, kouan_message_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  KouanMessagesView *self = user_data;

  kouan_message_row_set_highlight (KOUAN_MESSAGE_ROW (gtk_list_item_get_child (list_item)),
                                   self->search_text);
  kouan_message_row_set_message (KOUAN_MESSAGE_ROW (gtk_list_item_get_child (list_item)),
                                 gtk_list_item_get_item (list_item));
}

/* Nothing to undo on unbind: GTK 4.8's signal factory unbinds and binds
 * again every row whose position changed (a row arriving above it is
 * enough), and the row keeps its message until the next bind, which
 * finds the same object (the list caches objects by id) and does nothing. */
static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
}

static void
kouan_messages_view_set_show_read (KouanMessagesView *self,
                                   gboolean           show_read)
{
  show_read = !!show_read;
  if (self->show_read == (guint) show_read)
    return;

  self->show_read = show_read;
  if (self->unread_list != NULL)
    kouan_message_list_release_kept (self->unread_list);
  kouan_messages_view_update_tabs (self);
  kouan_messages_view_set_current_model (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_READ]);
}

static void
kouan_messages_view_set_starred_only (KouanMessagesView *self,
                                      gboolean           starred_only)
{
  starred_only = !!starred_only;
  if (self->starred_only == (guint) starred_only)
    return;

  self->starred_only = starred_only;
  if (self->unread_list != NULL)
    kouan_message_list_set_starred_only (self->unread_list, starred_only);
  if (self->read_list != NULL)
    kouan_message_list_set_starred_only (self->read_list, starred_only);
  kouan_messages_view_scroll_to_top (self);
  kouan_messages_view_refresh (self);
  if (self->search_text != NULL)
    kouan_messages_view_set_current_model (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARRED_ONLY]);
}

static void
kouan_messages_view_set_min_severity (KouanMessagesView *self,
                                      KouanSeverity      min_severity)
{
  min_severity = CLAMP (min_severity, KOUAN_SEVERITY_LOW, KOUAN_SEVERITY_HIGH);
  if (self->min_severity == min_severity)
    return;

  self->min_severity = min_severity;
  if (gtk_drop_down_get_selected (self->severity_dropdown) != (guint) min_severity - KOUAN_SEVERITY_LOW)
    gtk_drop_down_set_selected (self->severity_dropdown, min_severity - KOUAN_SEVERITY_LOW);
  if (self->unread_list != NULL)
    kouan_message_list_set_min_severity (self->unread_list, min_severity);
  if (self->read_list != NULL)
    kouan_message_list_set_min_severity (self->read_list, min_severity);
  kouan_messages_view_scroll_to_top (self);
  /* (searches again too) */
  kouan_messages_view_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_SEVERITY]);
}

static void
kouan_messages_view_set_sort (KouanMessagesView *self,
                              KouanMessageSort   sort)
{
  if (self->sort == sort)
    return;

  self->sort = sort;
  if (gtk_drop_down_get_selected (self->sort_dropdown) != (guint) sort)
    gtk_drop_down_set_selected (self->sort_dropdown, sort);
  if (self->unread_list != NULL)
    kouan_message_list_set_sort (self->unread_list, sort);
  if (self->read_list != NULL)
    kouan_message_list_set_sort (self->read_list, sort);
  kouan_messages_view_scroll_to_top (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

static void
severity_selected_cb (KouanMessagesView *self)
{
  guint selected = gtk_drop_down_get_selected (self->severity_dropdown);

  if (selected != GTK_INVALID_LIST_POSITION)
    kouan_messages_view_set_min_severity (self, KOUAN_SEVERITY_LOW + selected);
}

static void
sort_selected_cb (KouanMessagesView *self)
{
  guint selected = gtk_drop_down_get_selected (self->sort_dropdown);

  if (selected != GTK_INVALID_LIST_POSITION)
    kouan_messages_view_set_sort (self, selected);
}

void
kouan_messages_view_set_permissions (KouanMessagesView  *self,
                                     const char * const *permissions)
{
  g_return_if_fail (KOUAN_IS_MESSAGES_VIEW (self));

  kouan_message_detail_set_permissions (self->detail, permissions);
}

GtkWidget *
kouan_messages_view_get_detail (KouanMessagesView *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGES_VIEW (self), NULL);

  return GTK_WIDGET (self->detail);
}

guint
kouan_messages_view_get_badge_count (KouanMessagesView *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGES_VIEW (self), 0);

  return self->badge_count;
}

void
kouan_messages_view_set_store (KouanMessagesView *self,
                               KouanStore        *store)
{
  g_return_if_fail (KOUAN_IS_MESSAGES_VIEW (self));
  g_return_if_fail (store == NULL || KOUAN_IS_STORE (store));

  if (self->store == store)
    return;

  g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_set_object (&self->store, store);
  if (store != NULL)
    self->store_changed_id = g_signal_connect_object (store, "changed",
                                                      G_CALLBACK (store_changed_cb),
                                                      self, G_CONNECT_SWAPPED);

  kouan_messages_view_close_detail (self);
  kouan_messages_view_rebuild_lists (self);
  kouan_messages_view_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
kouan_messages_view_set_enterprise_id (KouanMessagesView *self,
                                       gint64             enterprise_id)
{
  g_return_if_fail (KOUAN_IS_MESSAGES_VIEW (self));

  if (self->enterprise_id == enterprise_id)
    return;

  self->enterprise_id = enterprise_id;
  if (self->unread_list != NULL)
    kouan_message_list_set_enterprise_id (self->unread_list, enterprise_id);
  if (self->read_list != NULL)
    kouan_message_list_set_enterprise_id (self->read_list, enterprise_id);

  /* Another enterprise's message must not stay on screen. */
  kouan_messages_view_close_detail (self);
  kouan_messages_view_refresh (self);
  kouan_messages_view_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTERPRISE_ID]);
}

KouanMessageKind
kouan_messages_view_get_kind (KouanMessagesView *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGES_VIEW (self), KOUAN_MESSAGE_KIND_NOTICE);

  return self->kind;
}

guint
kouan_messages_view_get_unread_count (KouanMessagesView *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGES_VIEW (self), 0);

  return self->unread_count;
}

guint
kouan_messages_view_get_read_count (KouanMessagesView *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGES_VIEW (self), 0);

  return self->read_count;
}

GListModel *
kouan_messages_view_get_model (KouanMessagesView *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGES_VIEW (self), NULL);

  return G_LIST_MODEL (kouan_messages_view_current_list (self));
}

gint64
kouan_messages_view_get_open_message_id (KouanMessagesView *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGES_VIEW (self), 0);

  return self->open_message_id;
}

GtkWidget *
kouan_messages_view_new (KouanMessageKind kind)
{
  return g_object_new (KOUAN_TYPE_MESSAGES_VIEW, "kind", kind, NULL);
}

static void
kouan_messages_view_constructed (GObject *object)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (object);

  G_OBJECT_CLASS (kouan_messages_view_parent_class)->constructed (object);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->kind == KOUAN_MESSAGE_KIND_WARNING
                                  /* Translators: accessible name of the list of warnings */
                                  ? _("Warnings")
                                  /* Translators: accessible name of the list of notices */
                                  : _("Notices"),
                                  -1);
  /* severity is the warnings' alone */
  gtk_widget_set_visible (self->severity_bar, self->kind == KOUAN_MESSAGE_KIND_WARNING);
  kouan_messages_view_update_empty_state (self);
}

static void
kouan_messages_view_dispose (GObject *object)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_signal_handler (&self->store_changed_id, self->store);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->edits, message_edit_free);
  g_clear_pointer (&self->pending_stars, g_hash_table_unref);
  if (self->stick_to_top_clock != NULL)
    g_clear_signal_handler (&self->stick_to_top_id, self->stick_to_top_clock);
  g_clear_weak_pointer (&self->stick_to_top_clock);

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_MESSAGES_VIEW);
  /* GTK 4.8's dispose_template unparents only the children that have an
   * id; the template's unnamed ones must go too. */
  while (gtk_widget_get_first_child (GTK_WIDGET (self)) != NULL)
    gtk_widget_unparent (gtk_widget_get_first_child (GTK_WIDGET (self)));

  g_clear_object (&self->unread_list);
  g_clear_object (&self->read_list);
  g_clear_object (&self->search_results);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kouan_messages_view_parent_class)->dispose (object);
}

static void
kouan_messages_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_ENTERPRISE_ID:
      g_value_set_int64 (value, self->enterprise_id);
      break;
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->unread_count);
      break;
    case PROP_READ_COUNT:
      g_value_set_uint (value, self->read_count);
      break;
    case PROP_SHOW_READ:
      g_value_set_boolean (value, self->show_read);
      break;
    case PROP_STARRED_ONLY:
      g_value_set_boolean (value, self->starred_only);
      break;
    case PROP_MIN_SEVERITY:
      g_value_set_enum (value, self->min_severity);
      break;
    case PROP_SORT:
      g_value_set_enum (value, self->sort);
      break;
    case PROP_BADGE_COUNT:
      g_value_set_uint (value, self->badge_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_messages_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  KouanMessagesView *self = KOUAN_MESSAGES_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      kouan_messages_view_set_store (self, g_value_get_object (value));
      break;
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_ENTERPRISE_ID:
      kouan_messages_view_set_enterprise_id (self, g_value_get_int64 (value));
      break;
    case PROP_SHOW_READ:
      kouan_messages_view_set_show_read (self, g_value_get_boolean (value));
      break;
    case PROP_STARRED_ONLY:
      kouan_messages_view_set_starred_only (self, g_value_get_boolean (value));
      break;
    case PROP_MIN_SEVERITY:
      kouan_messages_view_set_min_severity (self, g_value_get_enum (value));
      break;
    case PROP_SORT:
      kouan_messages_view_set_sort (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_messages_view_class_init (KouanMessagesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kouan_messages_view_constructed;
  object_class->dispose = kouan_messages_view_dispose;
  object_class->get_property = kouan_messages_view_get_property;
  object_class->set_property = kouan_messages_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         KOUAN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       KOUAN_TYPE_MESSAGE_KIND, KOUAN_MESSAGE_KIND_NOTICE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENTERPRISE_ID] =
    g_param_spec_int64 ("enterprise-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNREAD_COUNT] =
    g_param_spec_uint ("unread-count", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_COUNT] =
    g_param_spec_uint ("read-count", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_READ] =
    g_param_spec_boolean ("show-read", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STARRED_ONLY] =
    g_param_spec_boolean ("starred-only", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIN_SEVERITY] =
    g_param_spec_enum ("min-severity", NULL, NULL,
                       KOUAN_TYPE_SEVERITY, KOUAN_SEVERITY_LOW,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SORT] =
    g_param_spec_enum ("sort", NULL, NULL,
                       KOUAN_TYPE_MESSAGE_SORT, KOUAN_MESSAGE_SORT_DATE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BADGE_COUNT] =
    g_param_spec_uint ("badge-count", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KOUAN_TYPE_MESSAGE_DETAIL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-messages-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, detail);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, empty_description);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, empty_icon);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, empty_title);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, list_view);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, read_button);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, selection);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, severity_bar);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, severity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, starred_button);
  gtk_widget_class_bind_template_child (widget_class, KouanMessagesView, unread_button);
  gtk_widget_class_bind_template_callback (widget_class, list_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, read_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_items_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, severity_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sort_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, unread_button_toggled_cb);

  gtk_widget_class_install_action (widget_class, "messages.toggle-star", "x", toggle_star_action);
  gtk_widget_class_install_action (widget_class, "messages.open", "x", open_action);
  gtk_widget_class_install_action (widget_class, "messages.show-read", "b", show_read_action);
  gtk_widget_class_install_action (widget_class, "messages.star-selected", NULL, star_selected_action);
  gtk_widget_class_install_property_action (widget_class, "messages.starred-only", "starred-only");
  gtk_widget_class_install_action (widget_class, "messages.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "messages.back", NULL, back_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "messages.star-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, 0,
                                       "messages.star-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "messages.search", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kouanmessagesview");
}

static void
kouan_messages_view_init (KouanMessagesView *self)
{
  GtkListItemFactory *factory;
  GtkEventController *key;

  /* before the template: its drop-down reports its first choice */
  self->min_severity = KOUAN_SEVERITY_LOW;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "map", G_CALLBACK (kouan_messages_view_mapped), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (kouan_messages_view_unmapped), NULL);
  g_queue_init (&self->edits);
  self->pending_stars = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->search_results = g_list_store_new (KOUAN_TYPE_MESSAGE);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  /* A signal factory keeps bind/unbind to a label update on a recycled
   * row widget. */
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect_object (key, "key-pressed", G_CALLBACK (list_key_pressed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), key);

  kouan_message_row_load_css ();
  kouan_messages_view_update_tabs (self);
  kouan_messages_view_update_actions (self);
}
