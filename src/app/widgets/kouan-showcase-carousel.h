/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The enterprise's 企业动态 as the portal's home page shows them: an
 * AdwCarousel of slides (picture, caption, optional link) with its
 * indicator dots, previous/next buttons, Left/Right keys (wrapping round),
 * autoplay that holds while the pointer is over it or the focus is in it,
 * and a slide's link opened on activation (click, Enter or Space) only
 * after the user has seen and confirmed the address.
 *
 * Signals:
 *   "open-link" (const char *uri) → gboolean: emitted on activation of a
 *     slide with a link; the default handler asks with
 *     kouan_confirm_open_uri(). Return TRUE from a handler to take over. */

#define KOUAN_TYPE_SHOWCASE_CAROUSEL (kouan_showcase_carousel_get_type ())
G_DECLARE_FINAL_TYPE (KouanShowcaseCarousel, kouan_showcase_carousel, KOUAN, SHOWCASE_CAROUSEL, GtkWidget)

#define KOUAN_SHOWCASE_CAROUSEL_DEFAULT_INTERVAL 5000 /* ms */

GtkWidget *kouan_showcase_carousel_new          (void);
void       kouan_showcase_carousel_clear        (KouanShowcaseCarousel *self);
/* @image: (nullable) the picture (a placeholder while NULL);
 * @link: (nullable) "" or NULL for none */
void       kouan_showcase_carousel_append       (KouanShowcaseCarousel *self,
                                                 GdkPaintable          *image,
                                                 const char            *caption,
                                                 const char            *link);
/* Replaces the picture of slide @index (loaded later). */
void       kouan_showcase_carousel_set_image    (KouanShowcaseCarousel *self,
                                                 guint                  index,
                                                 GdkPaintable          *image);
guint      kouan_showcase_carousel_get_n_slides (KouanShowcaseCarousel *self);
/* The slide shown, or being scrolled to */
guint      kouan_showcase_carousel_get_position (KouanShowcaseCarousel *self);
void       kouan_showcase_carousel_set_position (KouanShowcaseCarousel *self,
                                                 guint                  position);
void       kouan_showcase_carousel_next         (KouanShowcaseCarousel *self);
void       kouan_showcase_carousel_previous     (KouanShowcaseCarousel *self);
/* Milliseconds between slides; 0 turns autoplay off. */
void       kouan_showcase_carousel_set_interval (KouanShowcaseCarousel *self,
                                                 guint                  interval_ms);
/* Is autoplay held (pointer over it or focus inside)? */
gboolean   kouan_showcase_carousel_get_paused   (KouanShowcaseCarousel *self);
/* What a click on the current slide does. */
void       kouan_showcase_carousel_activate     (KouanShowcaseCarousel *self);

/* Shows @uri in a modal AdwMessageDialog (named "carousel-link-dialog",
 * responses "cancel" and "open") and opens it in the browser only on
 * 打开; for every link of the showcase, so all are confirmed alike. */
void       kouan_confirm_open_uri               (GtkWidget             *widget,
                                                 const char            *uri);

G_END_DECLS
