/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan_json_parse(): the strict parser every request body, answer and
 * change page goes through. Beyond not crashing, what it accepts must
 * survive json-glib's generator and come back the same: anything else
 * would be a value the server stores but cannot read again. */

#include "kouan-fuzz.h"
#include "kouan-json.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  kouan_fuzz_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kouan_json_parse ((const char *) data, size, &error);
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  /* the object entry point agrees with the general one */
  object = kouan_json_parse_object ((const char *) data, size, NULL);
  g_assert_true ((object != NULL) == (node != NULL && JSON_NODE_HOLDS_OBJECT (node)));

  if (node == NULL)
    {
      g_assert_true (error != NULL && error->domain == KOUAN_JSON_ERROR);
      return 0;
    }

  text = kouan_json_to_string (node);
  again = kouan_json_parse (text, -1, &error);
  if (again == NULL)
    g_error ("written back as %s, which does not parse: %s", text, error->message);
  text_again = kouan_json_to_string (again);
  g_assert_cmpstr (text, ==, text_again);
  g_assert_true (json_node_equal (node, again));
  return 0;
}
