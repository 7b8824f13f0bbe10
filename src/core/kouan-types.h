/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KouanClient       KouanClient;
typedef struct _KouanSession      KouanSession;
typedef struct _KouanEnterprise   KouanEnterprise;
typedef struct _KouanMessage      KouanMessage;
typedef struct _KouanMessageList  KouanMessageList;
typedef struct _KouanStore        KouanStore;
typedef struct _KouanSync         KouanSync;
typedef struct _KouanChangePage   KouanChangePage;
typedef struct _KouanCollection   KouanCollection;
typedef struct _KouanMutation     KouanMutation;

typedef enum {
  KOUAN_MESSAGE_KIND_NOTICE,
  KOUAN_MESSAGE_KIND_WARNING,
} KouanMessageKind;

typedef enum {
  KOUAN_SEVERITY_NONE,
  KOUAN_SEVERITY_LOW,
  KOUAN_SEVERITY_MEDIUM,
  KOUAN_SEVERITY_HIGH,
} KouanSeverity;

/* The order of a message list (KouanMessageList:sort) */
typedef enum {
  KOUAN_MESSAGE_SORT_DATE,      /* newest first */
  KOUAN_MESSAGE_SORT_SEVERITY,  /* most severe first, newest first within a severity */
} KouanMessageSort;

typedef enum {
  KOUAN_SYNC_STATE_OFFLINE,   /* server unreachable; working from the cache */
  KOUAN_SYNC_STATE_CONNECTING,
  KOUAN_SYNC_STATE_SYNCING,   /* pulling pages or pushing the outbox */
  KOUAN_SYNC_STATE_ONLINE,    /* up to date, listening for changes */
  KOUAN_SYNC_STATE_UNAUTHORIZED, /* token rejected: the user must log in again */
} KouanSyncState;

G_END_DECLS
