/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-enterprise.h"
#include "kouan-store.h"
#include "widgets/kouan-showcase-carousel.h"

G_BEGIN_DECLS

/* 首页: the current enterprise's home as the portal shows it — its name
 * and certification, the carousel of its 企业动态 and its 企业链接 —
 * read from the showcase collections, which every member may see.  It
 * follows the window's enterprise and the store's "changed" signal; its
 * pictures come from the local image cache, so they show offline. */

#define KOUAN_TYPE_HOME_VIEW (kouan_home_view_get_type ())
G_DECLARE_FINAL_TYPE (KouanHomeView, kouan_home_view, KOUAN, HOME_VIEW, GtkWidget)

GtkWidget *kouan_home_view_new            (void);
/* @store: (nullable) */
void       kouan_home_view_set_store      (KouanHomeView   *self,
                                           KouanStore      *store);
/* @enterprise: (nullable) the enterprise shown; @can_manage: whether the
 * member may edit the showcase (the empty state then says where). */
void       kouan_home_view_set_enterprise (KouanHomeView   *self,
                                           KouanEnterprise *enterprise,
                                           gboolean         can_manage);

/* For the UI tests */
KouanShowcaseCarousel *kouan_home_view_get_carousel (KouanHomeView *self);
guint          kouan_home_view_get_n_links      (KouanHomeView *self);
/* (nullable) (transfer none): the row of link @index (an activatable
 * AdwActionRow whose tooltip is the address) */
GtkWidget     *kouan_home_view_get_link_button  (KouanHomeView *self,
                                                 guint          index);
gboolean       kouan_home_view_get_empty_visible (KouanHomeView *self);
/* The empty state's hint for administrators (hidden for others) */
GtkWidget     *kouan_home_view_get_empty_hint   (KouanHomeView *self);

G_END_DECLS
