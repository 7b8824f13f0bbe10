/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "kouan-client.h"

G_BEGIN_DECLS

/* A pending request to join an enterprise (docs/api.md, "Join requests")
 * and the online-only service administrators decide them with. Deciding
 * needs the server by nature (the member joins at once): it is not queued
 * in the outbox, and offline it fails with KOUAN_API_ERROR_NETWORK so the
 * page can say so plainly. */
#define KOUAN_TYPE_JOIN_REQUEST (kouan_join_request_get_type ())
G_DECLARE_FINAL_TYPE (KouanJoinRequest, kouan_join_request, KOUAN, JOIN_REQUEST, GObject)

struct _KouanJoinRequest
{
  GObject  parent_instance;

  gint64   enterprise_id;
  gint64   id;
  gint64   user_id;
  char    *account;
  char    *name;
  gint64   created_at;   /* Unix time */
};

/* Strict. (transfer full) (nullable) */
KouanJoinRequest *kouan_join_request_new_from_json (JsonObject           *record,
                                                    gint64                enterprise_id,
                                                    GError              **error);

/* The pending requests of @enterprise_id, oldest first. */
void       kouan_join_requests_list_async   (KouanClient          *client,
                                             gint64                enterprise_id,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* (transfer full) (element-type KouanJoinRequest) (nullable) */
GPtrArray *kouan_join_requests_list_finish  (KouanClient          *client,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Approves (the user becomes an active member) or rejects @request_id. */
void       kouan_join_request_decide_async  (KouanClient          *client,
                                             gint64                enterprise_id,
                                             gint64                request_id,
                                             gboolean              approve,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean   kouan_join_request_decide_finish (KouanClient          *client,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
