/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The page shown for an area of the product that a later version builds:
 * an icon, "Not available yet" and one honest sentence. Never fake data.
 * Properties: area-name (string), icon-name (string). */

#define KOUAN_TYPE_UNAVAILABLE_PAGE (kouan_unavailable_page_get_type ())
G_DECLARE_FINAL_TYPE (KouanUnavailablePage, kouan_unavailable_page, KOUAN, UNAVAILABLE_PAGE, GtkWidget)

GtkWidget  *kouan_unavailable_page_new           (const char *area_name,
                                                  const char *icon_name);
const char *kouan_unavailable_page_get_area_name (KouanUnavailablePage *self);
void        kouan_unavailable_page_set_area_name (KouanUnavailablePage *self,
                                                  const char           *area_name);
void        kouan_unavailable_page_set_icon_name (KouanUnavailablePage *self,
                                                  const char           *icon_name);

G_END_DECLS
