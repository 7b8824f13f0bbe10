/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-client.h"
#include "kouan-personal.h"
#include "kouan-personal-page.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* 个人中心 is KouanPersonalPage: a leaflet with the list of sub-pages and
 * the visible sub-page under a header bar of its own (title) and above
 * a bar like the admin forms' (the unsaved-changes line, Save). Each sub-page and each dialog is a
 * template class of its own (kouan-personal-{profile,account,enterprises,
 * preferences}.c, kouan-{join,certify,password,leave}-dialog.c,
 * kouan-seal-preview.c); they borrow the page for the session: client,
 * store, the user and the current enterprise. */

typedef struct _KouanPersonalProfile     KouanPersonalProfile;
typedef struct _KouanPersonalAccount     KouanPersonalAccount;
typedef struct _KouanPersonalEnterprises KouanPersonalEnterprises;
typedef struct _KouanPersonalPreferences KouanPersonalPreferences;

struct _KouanPersonalPage
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkWidget    *account;
  GtkWidget    *back_button;
  GtkWidget    *content_title;
  GtkWidget    *enterprises;
  GtkWidget    *leaflet;
  GtkWidget    *preferences;
  GtkWidget    *profile;
  GtkWidget    *save_button;
  GtkWidget    *save_bar;
  GtkWidget    *draft_label;
  GtkWidget    *sidebar_list;
  GtkWidget    *stack;

  /* owned */
  KouanClient  *client;
  KouanStore   *store;
  GCancellable *cancellable;
  char         *account_name;
  char         *method;         /* "password", "card"; NULL offline */
  gint64        user_id;
  gint64        enterprise_id;

  /* borrowed: the avatar in the window's sidebar, next to the name */
  GtkWidget    *header_avatar;
};

void       _kouan_personal_page_emit_enterprise_left   (KouanPersonalPage *self,
                                                        gint64             enterprise_id);
void       _kouan_personal_page_emit_enterprise_joined (KouanPersonalPage *self,
                                                        KouanEnterprise   *enterprise);
/* Tells the user @text as a toast over the window (g_message without
 * one, e.g. while the page is not shown yet). */
void       _kouan_personal_page_toast          (KouanPersonalPage *self,
                                                const char        *text);
/* The toast for an edit queued in the outbox: saved, and whether it
 * reaches the server now or when the user is online again. */
void       _kouan_personal_page_toast_queued   (KouanPersonalPage *self);
/* The sub-pages say their Save state changed. */
void       _kouan_personal_page_update_save    (KouanPersonalPage *self);
/* (transfer none) the window, or NULL */
GtkWindow *_kouan_personal_page_get_window     (KouanPersonalPage *self);

/* kouan-personal-images.c: images of the profile and the certification */

/* Shows image @image_id (cached, or fetched and then cached) on @target,
 * a GtkPicture or an AdwAvatar; none when @image_id is 0. */
void       _kouan_personal_fetch_image     (KouanPersonalPage *self,
                                            gint64             enterprise_id,
                                            gint64             image_id,
                                            GtkWidget         *target);
/* Reads @file, crops it to a square (when @square) and scales it to at
 * most @side pixels, checks and uploads it; @done gets the new image id
 * and picture, or 0 and the reason in the user's words (NULL when the
 * page went away). */
typedef void (*KouanImageUploaded) (gint64      image_id,
                                    GdkPixbuf  *pixbuf,
                                    const char *problem,
                                    gpointer    data);
void       _kouan_personal_upload_file     (KouanPersonalPage  *self,
                                            GFile              *file,
                                            gboolean            square,
                                            int                 side,
                                            KouanImageUploaded  done,
                                            gpointer            data);
/* The user-visible text for an API or image error. */
char      *_kouan_personal_describe_error  (const GError      *error,
                                            KouanClient       *client);
void       _kouan_personal_install_css     (void);

/* kouan-personal-seal.c: the declaration form with the seal */
void       _kouan_personal_seal_draw_page  (cairo_t           *cr,
                                            double             width,
                                            double             height,
                                            GdkPixbuf         *seal);
/* (transfer full) (nullable): the draft seal, else the profile's */
GdkPixbuf *_kouan_personal_seal_pixbuf     (KouanPersonalPage *self);
GtkPrintOperation *_kouan_personal_seal_print_operation (GdkPixbuf *seal);

/* kouan-personal-profile.c */
#define KOUAN_TYPE_PERSONAL_PROFILE (kouan_personal_profile_get_type ())
G_DECLARE_FINAL_TYPE (KouanPersonalProfile, kouan_personal_profile, KOUAN, PERSONAL_PROFILE, GtkWidget)
void       _kouan_personal_profile_set_page  (KouanPersonalProfile *self,
                                              KouanPersonalPage    *page);
void       _kouan_personal_profile_reload    (KouanPersonalProfile *self);
gboolean   _kouan_personal_profile_get_dirty (KouanPersonalProfile *self);
void       _kouan_personal_profile_save      (KouanPersonalProfile *self);
void       _kouan_personal_profile_revert    (KouanPersonalProfile *self);
GdkPixbuf *_kouan_personal_profile_get_draft_seal (KouanPersonalProfile *self);

/* kouan-personal-account.c */
#define KOUAN_TYPE_PERSONAL_ACCOUNT (kouan_personal_account_get_type ())
G_DECLARE_FINAL_TYPE (KouanPersonalAccount, kouan_personal_account, KOUAN, PERSONAL_ACCOUNT, GtkWidget)
void       _kouan_personal_account_set_page  (KouanPersonalAccount *self,
                                              KouanPersonalPage    *page);
void       _kouan_personal_account_reload    (KouanPersonalAccount *self);
/* 我的角色与权限期限: the grants of the synced "access" record */
void       _kouan_personal_account_reload_roles (KouanPersonalAccount *self);
void       _kouan_personal_account_set_method (KouanPersonalAccount *self,
                                               const char           *method);
gboolean   _kouan_personal_account_get_dirty (KouanPersonalAccount *self);
void       _kouan_personal_account_save      (KouanPersonalAccount *self);
void       _kouan_personal_account_revert    (KouanPersonalAccount *self);
char      *_kouan_personal_account_get_roles_text (KouanPersonalAccount *self);
const char *_kouan_personal_account_get_method_text (KouanPersonalAccount *self);
GtkButton *_kouan_personal_account_get_card_login_button (KouanPersonalAccount *self);
/* (transfer none) the KouanPersonalCards group */
GtkWidget *_kouan_personal_account_get_cards (KouanPersonalAccount *self);

/* kouan-personal-enterprises.c */
#define KOUAN_TYPE_PERSONAL_ENTERPRISES (kouan_personal_enterprises_get_type ())
G_DECLARE_FINAL_TYPE (KouanPersonalEnterprises, kouan_personal_enterprises, KOUAN, PERSONAL_ENTERPRISES, GtkWidget)
void       _kouan_personal_enterprises_set_page (KouanPersonalEnterprises *self,
                                                 KouanPersonalPage        *page);
void       _kouan_personal_enterprises_reload   (KouanPersonalEnterprises *self);
/* Join requests are decided elsewhere: asked again on every visit. */
void       _kouan_personal_enterprises_load_requests (KouanPersonalEnterprises *self);
GtkWidget *_kouan_personal_enterprises_open_join (KouanPersonalEnterprises *self);
GtkWidget *_kouan_personal_enterprises_open_certify (KouanPersonalEnterprises *self,
                                                     gint64                    enterprise_id);
GtkWidget *_kouan_personal_enterprises_unbind   (KouanPersonalEnterprises *self,
                                                 gint64                    enterprise_id);
guint      _kouan_personal_enterprises_count    (KouanPersonalEnterprises *self);
const char *_kouan_personal_enterprises_get_status (KouanPersonalEnterprises *self);
void       _kouan_personal_enterprises_set_status (KouanPersonalEnterprises *self,
                                                   const char               *text);
void       _kouan_personal_enterprises_outbox_changed (KouanPersonalEnterprises *self);

/* kouan-personal-preferences.c */
#define KOUAN_TYPE_PERSONAL_PREFERENCES (kouan_personal_preferences_get_type ())
G_DECLARE_FINAL_TYPE (KouanPersonalPreferences, kouan_personal_preferences, KOUAN, PERSONAL_PREFERENCES, GtkWidget)
void       _kouan_personal_preferences_set_page (KouanPersonalPreferences *self,
                                                 KouanPersonalPage        *page);
void       _kouan_personal_preferences_reload   (KouanPersonalPreferences *self);
GtkSwitch *_kouan_personal_preferences_get_switch (KouanPersonalPreferences *self,
                                                   guint                     index);

G_END_DECLS
