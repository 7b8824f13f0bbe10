/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-client.h"
#include "kouan-personal.h"
#include "kouan-personal-page.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* 个人中心 is one widget, KouanPersonalPage, with a page per menu; its
 * parts live in kouan-personal-{profile,seal,account,enterprises,
 * preferences}.c and share this instance struct. */

struct _KouanPersonalPage
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkWidget    *account_box;
  GtkWidget    *card_login_button;
  GtkWidget    *card_state_label;
  GtkWidget    *enterprises_box;
  GtkWidget    *method_label;
  GtkWidget    *preferences_box;
  GtkWidget    *profile_box;
  GtkWidget    *scrolled;
  GtkWidget    *sidebar;
  GtkWidget    *stack;

  /* owned */
  KouanClient  *client;
  KouanStore   *store;
  GCancellable *cancellable;
  char         *account;
  gint64        user_id;
  gint64        enterprise_id;

  /* borrowed: the avatar in the window's header bar */
  GtkWidget    *header_avatar;

  /* 个人资料 (kouan-personal-profile.c) */
  GtkWidget    *avatar_picture;
  GtkWidget    *name_entry;
  GtkWidget    *gender_dropdown;
  GtkWidget    *seal_picture;
  GtkWidget    *profile_save_button;
  GtkWidget    *profile_draft_label;
  GtkWidget    *profile_status_label;
  gint64        draft_avatar_image;   /* -1: unchanged */
  gint64        draft_seal_image;     /* -1: unchanged */
  gboolean      profile_dirty;
  gboolean      profile_loading;      /* filling the form: not an edit */

  /* 账号管理 (kouan-personal-account.c) */
  GtkWidget    *account_value_label;
  GtkWidget    *phone_entry;
  GtkWidget    *email_entry;
  GtkWidget    *account_status_label;
  GtkWidget    *sessions_list;
  GtkWidget    *roles_list;
  GtkWidget    *roles_empty_label;

  /* 企业信息 (kouan-personal-enterprises.c) */
  GtkWidget    *cards_box;
  GtkWidget    *requests_label;
  GtkWidget    *enterprises_status_label;

  /* 企业设置 (kouan-personal-preferences.c) */
  GtkWidget    *preference_switches[KOUAN_N_PREFERENCES];
  gboolean      preferences_loading;
};

void       _kouan_personal_page_emit_enterprise_left (KouanPersonalPage *self,
                                                      gint64             enterprise_id);
void       _kouan_personal_page_emit_enterprise_joined (KouanPersonalPage *self,
                                                        KouanEnterprise   *enterprise);

/* kouan-personal-profile.c */
void       _kouan_personal_profile_build   (KouanPersonalPage *self);
void       _kouan_personal_profile_reload  (KouanPersonalPage *self);
/* (transfer full) (nullable): an image of the profile, from the cache or
 * fetched (then @callback runs again when it arrives) */
void       _kouan_personal_fetch_image     (KouanPersonalPage *self,
                                            gint64             enterprise_id,
                                            gint64             image_id,
                                            GtkPicture        *target);
/* Reads @file, crops it to a square (when @square) and scales it to at
 * most @side pixels, checks and uploads it; @done gets the new image id
 * (0 on failure, with the reason shown in @status). */
typedef void (*KouanImageUploaded) (KouanPersonalPage *self,
                                    gint64             image_id,
                                    GdkPixbuf         *pixbuf,
                                    gpointer           data);
void       _kouan_personal_upload_file     (KouanPersonalPage  *self,
                                            GFile              *file,
                                            gboolean            square,
                                            int                 side,
                                            GtkLabel           *status,
                                            KouanImageUploaded  done,
                                            gpointer            data);
/* Opens a file chooser for PNG and JPEG images. */
void       _kouan_personal_choose_image    (KouanPersonalPage *self,
                                            const char        *title,
                                            GCallback          on_response,
                                            gpointer           data);
/* The user-visible text for an API or image error. */
char      *_kouan_personal_describe_error  (const GError      *error,
                                            KouanClient       *client);

/* kouan-personal-seal.c: the declaration form with the seal */
void       _kouan_personal_seal_draw_page  (cairo_t           *cr,
                                            double             width,
                                            double             height,
                                            GdkPixbuf         *seal);
void       _kouan_personal_seal_preview    (KouanPersonalPage *self);
GdkPixbuf *_kouan_personal_seal_pixbuf     (KouanPersonalPage *self);

/* kouan-personal-account.c */
void       _kouan_personal_account_build   (KouanPersonalPage *self);
void       _kouan_personal_account_reload  (KouanPersonalPage *self);
/* 我的角色与权限期限: the grants of the synced "access" record */
void       _kouan_personal_roles_reload    (KouanPersonalPage *self);

/* kouan-personal-enterprises.c */
void       _kouan_personal_enterprises_build  (KouanPersonalPage *self);
void       _kouan_personal_enterprises_reload (KouanPersonalPage *self);

/* kouan-personal-preferences.c */
void       _kouan_personal_preferences_build  (KouanPersonalPage *self);
void       _kouan_personal_preferences_reload (KouanPersonalPage *self);

G_END_DECLS
