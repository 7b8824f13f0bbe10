/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-admin-record.h"

struct _KouanAdminRecord
{
  GObject     parent_instance;

  JsonObject *object;
};

G_DEFINE_FINAL_TYPE (KouanAdminRecord, kouan_admin_record, G_TYPE_OBJECT)

static void
kouan_admin_record_finalize (GObject *object)
{
  KouanAdminRecord *self = KOUAN_ADMIN_RECORD (object);

  g_clear_pointer (&self->object, json_object_unref);

  G_OBJECT_CLASS (kouan_admin_record_parent_class)->finalize (object);
}

static void
kouan_admin_record_class_init (KouanAdminRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_admin_record_finalize;
}

static void
kouan_admin_record_init (KouanAdminRecord *self)
{
}

KouanAdminRecord *
kouan_admin_record_new (JsonObject *object)
{
  KouanAdminRecord *self = g_object_new (KOUAN_TYPE_ADMIN_RECORD, NULL);

  self->object = json_object_ref (object);
  return self;
}

JsonObject *
kouan_admin_record_get_object (KouanAdminRecord *self)
{
  g_return_val_if_fail (KOUAN_IS_ADMIN_RECORD (self), NULL);
  return self->object;
}

const char *
kouan_admin_record_get_string (KouanAdminRecord *self,
                               const char       *member)
{
  JsonNode *node;

  g_return_val_if_fail (KOUAN_IS_ADMIN_RECORD (self), "");

  node = json_object_get_member (self->object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

gint64
kouan_admin_record_get_int (KouanAdminRecord *self,
                            const char       *member)
{
  JsonNode *node;

  g_return_val_if_fail (KOUAN_IS_ADMIN_RECORD (self), 0);

  node = json_object_get_member (self->object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

gint64
kouan_admin_record_get_id (KouanAdminRecord *self)
{
  gint64 id = kouan_admin_record_get_int (self, "id");

  return id != 0 ? id : kouan_admin_record_get_int (self, "user_id");
}

int
kouan_admin_record_compare (gconstpointer a,
                            gconstpointer b,
                            gpointer      member)
{
  KouanAdminRecord *ra = (KouanAdminRecord *) a, *rb = (KouanAdminRecord *) b;
  JsonNode *na = json_object_get_member (ra->object, member);
  JsonNode *nb = json_object_get_member (rb->object, member);
  gboolean a_int = na != NULL && JSON_NODE_HOLDS_VALUE (na) && json_node_get_value_type (na) == G_TYPE_INT64;
  gboolean b_int = nb != NULL && JSON_NODE_HOLDS_VALUE (nb) && json_node_get_value_type (nb) == G_TYPE_INT64;

  if (a_int && b_int)
    {
      gint64 x = json_node_get_int (na), y = json_node_get_int (nb);

      return x < y ? -1 : x > y;
    }
  /* g_utf8_collate: names sort as the locale expects (pinyin in zh_CN) */
  return g_utf8_collate (kouan_admin_record_get_string (ra, member),
                         kouan_admin_record_get_string (rb, member));
}
