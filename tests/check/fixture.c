/* gst-gemini-live: the element's test fixture and shared helpers.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gsttestclock.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"

GlsSimOptions
default_sim_options (void)
{
  GlsSimOptions options;

  gls_sim_options_init (&options);
  options.api_key = TEST_KEY;
  return options;
}

/* Fixtures set up and not yet torn down. Not the Fixture itself: it lives
 * on the stack of a test that may have jumped out (see
 * teardown_leftovers). */
typedef struct
{
  GlsSim *sim;
  GstElement *element;
  GstBus *bus;
  GstHarness *in, *out;
} Leftover;
static GList *leftovers;

Endpoint fixture_endpoint = ENDPOINT_GEMINI;

static void
fixture_setup_valist (Fixture *f, const GlsSimOptions *options,
    const gchar *first_property, va_list args)
{
  GError *error = NULL;
  gchar *uri;

  memset (f, 0, sizeof (*f));
  f->sim = gls_sim_new (options, &error);
  fail_unless (f->sim != NULL, "simulator: %s", error ? error->message : "");
  f->vertex = fixture_endpoint == ENDPOINT_VERTEX;
  switch (fixture_endpoint) {
    case ENDPOINT_VERTEX:
      uri = gls_sim_get_vertex_uri (f->sim, "v1");
      break;
    case ENDPOINT_CONSTRAINED: {
      gchar *base = gls_sim_get_uri (f->sim, "v1alpha");
      uri = g_strconcat (base, "Constrained", NULL);
      g_free (base);
      break;
    }
    default:
      uri = gls_sim_get_uri (f->sim, "v1");
      break;
  }
  fixture_endpoint = ENDPOINT_GEMINI;

  /* Properties first: the harness brings the element up. The harnesses
   * take references of their own (transfer none), so the fixture owns one. */
  f->element = gst_element_factory_make ("geminilive", NULL);
  fail_unless (f->element != NULL);
  gst_object_ref_sink (f->element);
  g_object_set (f->element, "uri", uri, "api-key", TEST_KEY, NULL);
  if (first_property != NULL)
    g_object_set_valist (G_OBJECT (f->element), first_property, args);
  g_free (uri);

  f->bus = gst_bus_new ();
  gst_element_set_bus (f->element, f->bus);

  f->out = gst_harness_new_with_element (f->element, NULL, "src");
  f->in = gst_harness_new_with_element (f->element, "sink_audio", NULL);
  gst_harness_use_testclock (f->out);
  gst_harness_set_src_caps_str (f->in, IN_CAPS);
  {
    Leftover *l = g_new (Leftover, 1);

    *l = (Leftover){ f->sim, f->element, f->bus, f->in, f->out };
    leftovers = g_list_prepend (leftovers, l);
  }
}

void
fixture_setup_full (
    Fixture *f, const GlsSimOptions *options, const gchar *first_property, ...)
{
  va_list args;

  va_start (args, first_property);
  fixture_setup_valist (f, options, first_property, args);
  va_end (args);
}

void
fixture_setup (Fixture *f, const gchar *first_property, ...)
{
  GlsSimOptions options = default_sim_options ();
  va_list args;

  va_start (args, first_property);
  fixture_setup_valist (f, &options, first_property, args);
  va_end (args);
}

/* Appends what the simulator's session-state rules saw (every client
 * message, and the server events they depend on, per connection) to the
 * log the conformance test replays against the same rules. */
static void
log_wire (Fixture *f)
{
  const gchar *path = g_getenv ("GEMINI_LIVE_WIRE_LOG");
  gchar *log;
  FILE *file;

  if (path == NULL || *path == '\0' || f->invalid_on_purpose)
    return;
  log = gls_sim_dup_rules_log (f->sim);
  file = fopen (path, "a");
  if (file != NULL) {
    fwrite (log, 1, strlen (log), file);
    fclose (file);
  }
  g_free (log);
}

static void
forget_fixture (GlsSim *sim)
{
  for (GList *i = leftovers; i; i = i->next)
    if (((Leftover *)i->data)->sim == sim) {
      g_free (i->data);
      leftovers = g_list_delete_link (leftovers, i);
      return;
    }
}

void
fixture_replace_sim (Fixture *f, GlsSim *sim)
{
  for (GList *i = leftovers; i; i = i->next)
    if (((Leftover *)i->data)->sim == f->sim)
      ((Leftover *)i->data)->sim = sim;
  f->sim = sim;
}

void
fixture_teardown (Fixture *f)
{
  forget_fixture (f->sim);
  log_wire (f);
  gst_harness_teardown (f->in);
  gst_harness_teardown (f->out);
  gst_object_unref (f->element);
  gst_bus_set_flushing (f->bus, TRUE);
  gst_object_unref (f->bus);
  gls_sim_free (f->sim);
}

/* Without fork (CK_FORK=no, as under valgrind) a failed check jumps out of
 * the test and on to the next one: what the test left running would go
 * on, and the source task waiting on its test clock would hang
 * gst_task_cleanup_all() at the end of the next test for ever. Stops and
 * frees it instead (after the test, also after a failure). */
void
teardown_leftovers (void)
{
  while (leftovers) {
    Leftover *l = leftovers->data;

    leftovers = g_list_delete_link (leftovers, leftovers);
    gst_element_set_state (l->element, GST_STATE_NULL);
    gst_harness_teardown (l->in);
    gst_harness_teardown (l->out);
    gst_object_unref (l->element);
    gst_bus_set_flushing (l->bus, TRUE);
    gst_object_unref (l->bus);
    gls_sim_free (l->sim);
    g_free (l);
  }
}

/* Pops bus messages until an element message with this name arrives;
 * errors fail the test unless that is what we wait for. */
GstMessage *
wait_message (Fixture *f, const gchar *name)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < deadline) {
    GstMessage *msg = gst_bus_timed_pop (f->bus, 100 * GST_MSECOND);
    const GstStructure *s;

    if (msg == NULL)
      continue;
    if (g_strcmp0 (name, "error") == 0
        && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      return msg;
    if (g_strcmp0 (name, "warning") == 0
        && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
      return msg;
    if (g_strcmp0 (name, "info") == 0
        && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_INFO)
      return msg;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *err;
      gchar *dbg;
      gst_message_parse_error (msg, &err, &dbg);
      fail (
          "unexpected error waiting for %s: %s (%s)", name, err->message, dbg);
    }
    s = gst_message_get_structure (msg);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT && s
        && gst_structure_has_name (s, name))
      return msg;
    gst_message_unref (msg);
  }
  fail ("timed out waiting for %s", name);
  return NULL;
}

GBytes *
make_tone (guint ms, gint amplitude)
{
  guint n = 16 * ms, i;
  gint16 *samples = g_new (gint16, n);

  for (i = 0; i < n; i++)
    samples[i] = (gint16)(amplitude * sin (2 * G_PI * 440.0 * i / 16000.0));
  return g_bytes_new_take (samples, n * sizeof (gint16));
}

/* Takes bytes. */
GstBuffer *
buffer_of (GBytes *bytes)
{
  GstBuffer *buf = gst_buffer_new_wrapped_bytes (bytes);

  g_bytes_unref (bytes); /* the buffer holds its own reference */
  return buf;
}

/* Takes bytes. */
void
push_bytes (Fixture *f, GBytes *bytes)
{
  fail_unless_equals_int (
      gst_harness_push (f->in, buffer_of (bytes)), GST_FLOW_OK);
}

/* A spoken turn: speech, then enough silence for the model's VAD. */
void
speak (Fixture *f, guint speech_ms)
{
  push_bytes (f, make_tone (speech_ms, 8000));
  push_bytes (f, make_tone (600, 0));
}

JsonObject *
parse_object (const gchar *json, JsonParser **parser)
{
  *parser = json_parser_new ();
  fail_unless (json_parser_load_from_data (*parser, json, -1, NULL), json);
  return json_node_get_object (json_parser_get_root (*parser));
}

/* Pulls model audio until `bytes` have come out, advancing the test
 * clock to each wait the element makes. */
GPtrArray *
pull_audio (Fixture *f, gsize bytes)
{
  GPtrArray *bufs
      = g_ptr_array_new_with_free_func ((GDestroyNotify)gst_buffer_unref);
  gsize got = 0;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (got < bytes) {
    GstBuffer *buf;

    fail_unless (g_get_monotonic_time () < deadline,
        "only %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes came out", got,
        bytes);
    buf = gst_harness_try_pull (f->out);
    if (buf == NULL) {
      GstTestClock *clock = gst_harness_get_testclock (f->out);
      if (gst_test_clock_timed_wait_for_multiple_pending_ids (
              clock, 1, 50, NULL))
        gst_harness_crank_single_clock_wait (f->out);
      gst_object_unref (clock);
      continue;
    }
    got += gst_buffer_get_size (buf);
    g_ptr_array_add (bufs, buf);
  }
  return bufs;
}

GBytes *
concat (GPtrArray *bufs)
{
  GByteArray *all = g_byte_array_new ();
  guint i;

  for (i = 0; i < bufs->len; i++) {
    GstMapInfo map;
    GstBuffer *buf = g_ptr_array_index (bufs, i);
    gst_buffer_map (buf, &map, GST_MAP_READ);
    g_byte_array_append (all, map.data, map.size);
    gst_buffer_unmap (buf, &map);
  }
  return g_byte_array_free_to_bytes (all);
}

/* Client messages of one kind (a top-level member, or a realtimeInput
 * member) as parsed JSON strings. */
GPtrArray *
client_messages_of (Fixture *f, const gchar *kind)
{
  GPtrArray *all = gls_sim_dup_client_messages (f->sim);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < all->len; i++) {
    JsonParser *parser;
    JsonObject *o = parse_object (g_ptr_array_index (all, i), &parser);
    gboolean match = json_object_has_member (o, kind);

    if (!match && json_object_has_member (o, "realtimeInput"))
      match = json_object_has_member (
          json_object_get_object_member (o, "realtimeInput"), kind);
    if (match)
      g_ptr_array_add (out, g_strdup (g_ptr_array_index (all, i)));
    g_object_unref (parser);
  }
  g_ptr_array_unref (all);
  return out;
}

/* Speech the model will hear, made distinct sample by sample so a lost or
 * repeated chunk cannot go unnoticed. */
GBytes *
make_speech (guint ms, guint seed)
{
  guint n = 16 * ms, i;
  gint16 *samples = g_new (gint16, n);

  for (i = 0; i < n; i++)
    samples[i] = (gint16)(8000 * sin (2 * G_PI * 440.0 * i / 16000.0))
        + (gint16)((seed * 7 + i) % 13);
  return g_bytes_new_take (samples, n * sizeof (gint16));
}

/* Pushes and remembers everything the user says. */
void
say (Fixture *f, GByteArray *said, GBytes *audio)
{
  g_byte_array_append (
      said, g_bytes_get_data (audio, NULL), g_bytes_get_size (audio));
  push_bytes (f, audio);
}

/* The conversation the model has heard (over every connection, rewound to
 * each resumed handle) is exactly what was said: nothing missing, nothing
 * twice. */
void
check_heard_exactly (Fixture *f, GByteArray *said)
{
  GlsSimConversation conv;
  gsize before = 0;
  GBytes *heard;

  /* A slow machine (memcheck with a second suite beside it) can take
   * longer than WAIT_MS to drain megabytes from a full socket: waiting
   * goes on as long as the model keeps hearing more. */
  while (!gls_sim_wait_conversation_audio (f->sim, said->len, WAIT_MS)) {
    gls_sim_get_conversation (f->sim, &conv);
    fail_unless (conv.audio_bytes > before,
        "the model heard %" G_GSIZE_FORMAT " of the %u bytes said",
        conv.audio_bytes, said->len);
    before = conv.audio_bytes;
  }
  heard = gls_sim_dup_conversation_audio (f->sim);
  fail_unless_equals_int (g_bytes_get_size (heard), said->len);
  fail_unless (
      memcmp (g_bytes_get_data (heard, NULL), said->data, said->len) == 0,
      "the model heard other audio than was said");
  g_bytes_unref (heard);
}

/* Starts a session and waits for its first handle, before any input. */
void
start_with_handle (Fixture *f)
{
  gst_harness_play (f->out);
  gst_message_unref (wait_message (f, "geminilive/session-resumption-update"));
}

/* A counter of the element's stats property. */
guint64
stat_u64 (Fixture *f, const gchar *name)
{
  GstStructure *stats;
  guint64 v = 0;
  guint u;

  g_object_get (f->element, "stats", &stats, NULL);
  fail_unless (stats != NULL);
  if (!gst_structure_get_uint64 (stats, name, &v)) {
    fail_unless (gst_structure_get_uint (stats, name, &u), "no %s", name);
    v = u;
  }
  gst_structure_free (stats);
  return v;
}

GstMessage *
error_of_state_change (
    GstElement *element, GstState state, GstStateChangeReturn *ret)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  gst_element_set_bus (element, bus);
  *ret = gst_element_set_state (element, state);
  msg = gst_bus_timed_pop_filtered (
      bus, WAIT_MS * GST_MSECOND, GST_MESSAGE_ERROR);
  gst_element_set_state (element, GST_STATE_NULL);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  return msg;
}

/* The error a state change to `state` posts, which must name `names` in
 * its message; with `refused`, the change itself must fail too. The
 * caller frees it. */
GError *
state_change_error (
    GstElement *element, GstState state, gboolean refused, const gchar *names)
{
  GstStateChangeReturn ret;
  GstMessage *msg = error_of_state_change (element, state, &ret);
  GError *err = NULL;

  fail_unless (msg != NULL, "no error naming %s", names);
  if (refused)
    fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  gst_message_parse_error (msg, &err, NULL);
  gst_message_unref (msg);
  fail_unless (strstr (err->message, names) != NULL, "%s", err->message);
  return err;
}

gchar *
setup_handle (const gchar *json)
{
  JsonParser *parser;
  JsonObject *setup
      = json_object_get_object_member (parse_object (json, &parser), "setup");
  gchar *handle = NULL;

  if (setup && json_object_has_member (setup, "sessionResumption")) {
    JsonObject *r = json_object_get_object_member (setup, "sessionResumption");
    if (json_object_has_member (r, "handle"))
      handle = g_strdup (json_object_get_string_member (r, "handle"));
  }
  g_object_unref (parser);
  return handle;
}

guint
message_uint (GstMessage *msg, const gchar *field)
{
  guint v = G_MAXUINT;
  gst_structure_get_uint (gst_message_get_structure (msg), field, &v);
  return v;
}

gchar *
on_tool_call (GstElement *element, const gchar *id, const gchar *name,
    const gchar *args, ToolCallSeen *seen)
{
  /* a second call (e.g. asked again after a reconnection) replaces it */
  g_free (seen->id);
  g_free (seen->name);
  g_free (seen->args);
  seen->id = g_strdup (id);
  seen->name = g_strdup (name);
  seen->args = g_strdup (args);
  return seen->answer_now ? g_strdup ("{\"temp_c\": 21}") : NULL;
}
