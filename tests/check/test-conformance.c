/* gst-gemini-live: every client message the test suite made the element
 * send, checked against the simulator's own schema table.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The geminilive test writes what went on the wire to GEMINI_LIVE_WIRE_LOG
 * ("gemini|vertex <TAB> json" per line); this test runs after it.
 */
#include <gst/check/gstcheck.h>
#include <string.h>

#include "gls-schema.h"

/* Every kind of client message the element can send. */
static const gchar *kinds[] = {
  "setup",
  "clientContent",
  "toolResponse",
  "contextUpdate",
  "realtimeInput.audio",
  "realtimeInput.video",
  "realtimeInput.text",
  "realtimeInput.activityStart",
  "realtimeInput.activityEnd",
  "realtimeInput.audioStreamEnd",
};

static gchar *
kind_of (JsonNode *normalised)
{
  JsonObject *root = json_node_get_object (normalised);
  GList *members = json_object_get_members (root);
  const gchar *top = members->data;
  gchar *kind;

  if (g_str_equal (top, "realtimeInput")) {
    GList *inner
        = json_object_get_members (json_object_get_object_member (root, top));
    kind = g_strconcat (top, ".", (const gchar *)inner->data, NULL);
    g_list_free (inner);
  } else {
    kind = g_strdup (top);
  }
  g_list_free (members);
  return kind;
}

GST_START_TEST (test_every_sent_message_conforms)
{
  const gchar *path = g_getenv ("GEMINI_LIVE_WIRE_LOG");
  gchar *contents = NULL;
  gchar **lines;
  GHashTable *seen
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint i, checked = 0;

  fail_unless (path != NULL, "GEMINI_LIVE_WIRE_LOG not set");
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL),
      "no wire log at %s: run the geminilive test first", path);
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    gchar *tab = strchr (lines[i], '\t');
    GlsViolation violation = { 0, NULL };
    GlsMsgKind msg_kind;
    JsonNode *node;

    if (tab == NULL)
      continue;
    *tab = '\0';
    node = gls_schema_validate (tab + 1, strlen (tab + 1),
        g_str_equal (lines[i], "vertex") ? GLS_API_VERTEX : GLS_API_GEMINI,
        "v1", &msg_kind, &violation);
    fail_unless (node != NULL,
        "message %u violates the protocol (%u %s): "
        "%.200s",
        i, violation.code, violation.reason, tab + 1);
    g_hash_table_add (seen, kind_of (node));
    json_node_unref (node);
    checked++;
  }
  /* The suite exercised every kind of message, so this check means
   * something for each. */
  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    fail_unless (g_hash_table_contains (seen, kinds[i]),
        "the suite never sent %s", kinds[i]);
  fail_unless (checked > 100, "only %u messages checked", checked);
  GST_INFO ("%u client messages conform", checked);

  g_strfreev (lines);
  g_free (contents);
  g_hash_table_unref (seen);
}

GST_END_TEST;

static Suite *
conformance_suite (void)
{
  Suite *s = suite_create ("conformance");
  TCase *tc = tcase_create ("wire");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_every_sent_message_conforms);
  return s;
}

GST_CHECK_MAIN (conformance);
