/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A carousel of slides (picture, caption, optional link) as the portal's
 * home page shows the enterprise's 企业动态: slide transitions, autoplay
 * that pauses while the pointer is over it or the focus is in it,
 * previous/next buttons, position dots, Left/Right keys, and the link
 * opened on activation (click, Enter or Space) after the user has seen
 * and confirmed the URL.
 *
 * Signals:
 *   "open-link" (const char *uri) → gboolean: emitted on activation of a
 *     slide with a link; the default handler asks for confirmation showing
 *     the URL, then opens it with gtk_show_uri(). Return TRUE from a
 *     handler to take over. */

#define KOUAN_TYPE_CAROUSEL (kouan_carousel_get_type ())
G_DECLARE_FINAL_TYPE (KouanCarousel, kouan_carousel, KOUAN, CAROUSEL, GtkWidget)

#define KOUAN_CAROUSEL_DEFAULT_INTERVAL 5000 /* ms */

GtkWidget *kouan_carousel_new            (void);
void       kouan_carousel_clear          (KouanCarousel *self);
/* @image: (nullable) the picture (a placeholder while NULL);
 * @link: (nullable) "" or NULL for none */
void       kouan_carousel_append         (KouanCarousel *self,
                                          GdkPaintable  *image,
                                          const char    *caption,
                                          const char    *link);
/* Replaces the picture of slide @index (loaded later). */
void       kouan_carousel_set_image      (KouanCarousel *self,
                                          guint          index,
                                          GdkPaintable  *image);
guint      kouan_carousel_get_n_slides   (KouanCarousel *self);
guint      kouan_carousel_get_position   (KouanCarousel *self);
void       kouan_carousel_set_position   (KouanCarousel *self,
                                          guint          position);
void       kouan_carousel_next           (KouanCarousel *self);
void       kouan_carousel_previous       (KouanCarousel *self);
/* Milliseconds between slides; 0 turns autoplay off. */
void       kouan_carousel_set_interval   (KouanCarousel *self,
                                          guint          interval_ms);
/* Is autoplay held (pointer over it or focus inside)? */
gboolean   kouan_carousel_get_paused     (KouanCarousel *self);
/* What a click on the current slide does. */
void       kouan_carousel_activate       (KouanCarousel *self);

/* Shows @uri and asks before opening it in the browser, as the carousel
 * does for a slide's link; for other link buttons (the home view's
 * 企业链接) so every link of the showcase is confirmed alike. */
void       kouan_confirm_open_uri        (GtkWidget     *widget,
                                          const char    *uri);

G_END_DECLS
