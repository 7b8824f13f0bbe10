/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TODO(owner): implement */
#include "kouan-credit-code.h"
