/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* @file: (nullable) the chosen file, NULL when the user cancelled */
typedef void (*KouanImageChosen) (GFile    *file,
                                  gpointer  data);

/* Asks for a PNG or JPEG file, modal over @parent's window; @on_chosen is
 * called once, with the file or NULL. The one chooser of avatars, seals,
 * licences, LOGOs and slides. */
void kouan_image_chooser_open (GtkWidget        *parent,
                               const char       *title,
                               KouanImageChosen  on_chosen,
                               gpointer          data);

G_END_DECLS
