/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TODO(owner): implement */
#include "kouan-sync.h"
