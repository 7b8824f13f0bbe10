/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Works around GTK 4.8's accessible names for buttons with a mnemonic
 * label ("_Save"): such a button exports its raw label as its name and is
 * also labelled by its child label, so screen readers hear "_Save Save".
 * Installs, once per process, a hook that drops the raw label when a
 * button is mapped, leaving the child label's clean text. Also mends
 * GTK 4.8's Return in a popover when nothing has the focus (a critical;
 * kouan-accessible.c says more). Safe to call any number of times. */
void kouan_accessible_install_fixes (void);

G_END_DECLS
