/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-window.h"

G_BEGIN_DECLS

typedef struct _KouanWindowCard KouanWindowCard;

struct _KouanWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  GtkWidget            *admin_row;
  GtkWidget            *admin_view;
  GtkWidget            *card_session_label;
  GtkWidget            *content_pane;
  GtkWidget            *content_title;
  GtkWidget            *enterprise_dropdown;
  GtkWidget            *leaflet;
  GtkWidget            *notices_badge;
  GtkWidget            *notices_row;
  GtkWidget            *offline_banner;
  GtkWidget            *personal_page;
  GtkWidget            *sidebar;
  GtkWidget            *stack;
  GtkWidget            *sync_indicator;
  GtkWidget            *toast_overlay;
  GtkWidget            *unauthorized_banner;
  GtkWidget            *user_name_label;
  GtkWidget            *warnings_badge;
  GtkWidget            *warnings_row;

  /* views made in code: their kind is fixed at construction */
  GtkWidget            *notices_view;
  GtkWidget            *warnings_view;

  /* owned */
  KouanClient          *client;
  KouanStore           *store;
  KouanSession         *session;
  KouanSync            *sync;
  GCancellable         *cancellable;
  GListStore           *enterprises;     /* KouanEnterprise */
  GSettings            *settings;
  GArray               *new_warnings;    /* gint64 ids waiting to be notified */
  guint                 notify_source;
  GtkWidget            *focus_watched;   /* (weak) the focus widget whose unmap is watched */
  guint                 refocus_source;
  gint64                enterprise_id;
  KouanWindowCard      *card;            /* (nullable) card sessions: kouan-window-card.c */
};

/* kouan-window-actions.c: the outbox button's count */
void       _kouan_window_outbox_changed (KouanWindow *self);

/* kouan-window-card.c */
void       _kouan_window_card_install_actions (GtkWidgetClass *widget_class);
void       _kouan_window_card_setup   (KouanWindow *self);
void       _kouan_window_card_dispose (KouanWindow *self);
/* For the UI tests: the lock screen (a KouanCardLock) of a card session */
gboolean   _kouan_window_get_locked   (KouanWindow *self);
GtkWidget *_kouan_window_get_card_lock (KouanWindow *self);

/* kouan-window-actions.c */
void _kouan_window_install_actions (GtkWidgetClass *widget_class);
void _kouan_window_actions_update  (KouanWindow    *self);
void _kouan_window_queue_warning_notification (KouanWindow *self,
                                               gint64       message_id);

/* For the UI tests */
/* win.open-message-action: @area ("admin.staff") at @object */
void        _kouan_window_open_message_action (KouanWindow   *self,
                                               const char    *area,
                                               const char    *object);
const char *_kouan_window_get_badge_text     (KouanWindow      *self,
                                              KouanMessageKind  kind);
GtkDropDown *_kouan_window_get_enterprise_dropdown (KouanWindow *self);
const char *_kouan_window_get_visible_area   (KouanWindow      *self);
GtkWidget  *_kouan_window_get_area_page      (KouanWindow      *self,
                                              const char       *area);
const char *_kouan_window_get_sync_text      (KouanWindow      *self);
const char *_kouan_window_get_user_name      (KouanWindow      *self);
gboolean    _kouan_window_get_unauthorized_banner_visible (KouanWindow *self);

G_END_DECLS
