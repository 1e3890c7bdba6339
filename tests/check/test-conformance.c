/* gst-gemini-live: everything the test suite made the element send,
 * replayed connection by connection against the simulator's rules.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The geminilive test appends, per test, the simulator's rules log to
 * GEMINI_LIVE_WIRE_LOG: every client message and the server events the
 * rules depend on (setupComplete, tool calls, handles, connections
 * ending), per connection, in order. This test runs after it and replays
 * the log through the same rules (gls-rules.c) the running simulator
 * enforces, on the backend each connection used: each message's shape on
 * that backend, the model's capabilities, and the session's state (order,
 * activity mode, tool-call ids, handles). Tests that break the protocol on
 * purpose are left out of the log.
 */
#include <gst/check/gstcheck.h>
#include <string.h>

#include "gls-rules.h"

/* Every kind of client message the element can send, and where. */
static const struct
{
  const gchar *kind;
  gboolean gemini, vertex;
} kinds[] = {
  { "setup", TRUE, TRUE },
  { "clientContent", TRUE, FALSE },
  { "toolResponse", TRUE, TRUE },
  { "contextUpdate", TRUE, FALSE },
  { "realtimeInput.audio", TRUE, TRUE },
  { "realtimeInput.video", TRUE, FALSE },
  { "realtimeInput.text", TRUE, FALSE },
  { "realtimeInput.activityStart", TRUE, FALSE },
  { "realtimeInput.activityEnd", TRUE, FALSE },
  /* Gemini API only: Vertex does not know it */
  { "realtimeInput.audioStreamEnd", TRUE, FALSE },
};

typedef struct
{
  GHashTable *seen[2]; /* per GlsApi: kinds */
  guint checked[2];
  GString *violations;
  guint n_violations;
} Replay;

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

static void
on_message (GlsRulesConn *conn, const gchar *data, gsize len, JsonNode *norm,
    GlsMsgKind kind, const GlsViolation *violation, gpointer user_data)
{
  Replay *r = user_data;

  r->checked[conn->api]++;
  if (norm) {
    g_hash_table_add (r->seen[conn->api], kind_of (norm));
    return;
  }
  /* a wrong key is the test's choice, not something the element sent */
  if (violation->rule == GLS_RULE_API_KEY)
    return;
  /* the first few, in full enough to act on */
  if (++r->n_violations <= 10)
    g_string_append_printf (r->violations,
        "\n  connection %u (%s %s, %s): %u %s (rule %d): %.300s", conn->index,
        conn->api == GLS_API_VERTEX ? "Vertex" : "Gemini API", conn->version,
        conn->model ? conn->model->id : "no model yet", violation->code,
        violation->reason, violation->rule, data);
}

GST_START_TEST (test_every_connection_conforms)
{
  const gchar *path = g_getenv ("GEMINI_LIVE_WIRE_LOG");
  gchar *contents = NULL;
  GError *error = NULL;
  Replay r = { { NULL, NULL }, { 0, 0 }, NULL, 0 };

  fail_unless (path != NULL, "GEMINI_LIVE_WIRE_LOG not set");
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL),
      "no wire log at %s: run the geminilive test first", path);
  for (guint api = 0; api < 2; api++)
    r.seen[api] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r.violations = g_string_new (NULL);

  fail_unless (gls_rules_replay (contents, on_message, &r, &error), "%s",
      error ? error->message : "");
  fail_unless (r.n_violations == 0,
      "%u client messages break the simulator's rules:%s", r.n_violations,
      r.violations->str);

  /* The suite exercised every kind of message on each backend that has
   * it, so this check means something for each. */
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++) {
    fail_unless (!kinds[i].gemini
            || g_hash_table_contains (r.seen[GLS_API_GEMINI], kinds[i].kind),
        "the suite never sent %s on the Gemini API", kinds[i].kind);
    fail_unless (!kinds[i].vertex
            || g_hash_table_contains (r.seen[GLS_API_VERTEX], kinds[i].kind),
        "the suite never sent %s on Vertex AI", kinds[i].kind);
  }
  fail_unless (r.checked[GLS_API_GEMINI] > 100, "only %u Gemini API messages",
      r.checked[GLS_API_GEMINI]);
  fail_unless (r.checked[GLS_API_VERTEX] > 10, "only %u Vertex AI messages",
      r.checked[GLS_API_VERTEX]);
  GST_INFO ("%u Gemini API and %u Vertex AI client messages conform",
      r.checked[GLS_API_GEMINI], r.checked[GLS_API_VERTEX]);

  for (guint api = 0; api < 2; api++)
    g_hash_table_unref (r.seen[api]);
  g_string_free (r.violations, TRUE);
  g_free (contents);
}

GST_END_TEST;

static Suite *
conformance_suite (void)
{
  Suite *s = suite_create ("conformance");
  TCase *tc = tcase_create ("wire");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_every_connection_conforms);
  return s;
}

GST_CHECK_MAIN (conformance);
