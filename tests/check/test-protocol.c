/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pure protocol and config layers, against real recorded traffic
 * (tests/data) and synthetic edge cases.
 */
#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "gstgeminiliveconfig.h"
#include "gstgeminilivejson.h"
#include "gstgeminiliveprotocol.h"
#include "recording.h"

#define REC_TOOL "live_ML_Dev_should_send_tool_response"
#define REC_TOOL_RESPONSE                                                      \
  "live_ML_Dev_should_send_tool_response_with_function_responses"
#define REC_TEXT "live_ML_Dev_should_send_text_in_async_session"
#define REC_TRANSCRIPTION                                                      \
  "live_ML_Dev_should_receive_transcription_in_async_session_with_"            \
  "transcription_enabled"
#define REC_VERTEX_TRANSCRIPTION                                               \
  "live_Vertex_should_receive_transcription_in_async_session_with_"            \
  "transcription_enabled"
#define REC_REALTIME_TEXT "live_ML_Dev_should_reply_to_realtime_text_input"
#define REC_VERTEX_AUDIO "live_Vertex_should_send_content_dict_in_async_session"
#define REC_VERTEX_TOOL "live_Vertex_should_send_tool_response"

#define SECRET_KEY "AIzaSyTESTKEY-0123456789abcdefXYZ"

/* ---- helpers ---------------------------------------------------------- */

static GPtrArray *
parse_ok (const gchar *json)
{
  GError *error = NULL;
  GPtrArray *events
      = gst_gemini_live_protocol_parse (json, strlen (json), &error);

  fail_unless (events != NULL, "parse failed: %s\nframe: %s",
      error ? error->message : "?", json);
  fail_unless (error == NULL);
  return events;
}

static GstGeminiLiveEvent *
ev (GPtrArray *events, guint i)
{
  fail_unless (i < events->len, "no event %u (only %u)", i, events->len);
  return g_ptr_array_index (events, i);
}

/* An event's named fields, as the element posts them. */
static const gchar *
field_str (const GstGeminiLiveEvent *e, const gchar *name)
{
  return gst_gemini_live_event_get_string (e, name);
}

static gboolean
field_bool (const GstGeminiLiveEvent *e, const gchar *name)
{
  return gst_gemini_live_event_get_boolean (e, name);
}

static gint64
field_int (const GstGeminiLiveEvent *e, const gchar *name)
{
  return gst_gemini_live_event_get_int64 (e, name);
}

static guint64
field_uint (const GstGeminiLiveEvent *e, const gchar *name)
{
  return gst_gemini_live_event_get_uint64 (e, name);
}

/* Asserts the exact sequence of event types; end the list with -1. */
static void
assert_types (GPtrArray *events, ...)
{
  va_list args;
  guint i = 0;
  gint type;

  va_start (args, events);
  while ((type = va_arg (args, gint)) >= 0) {
    fail_unless (i < events->len, "missing event %u (%s)", i,
        gst_gemini_live_event_type_nick (type));
    fail_unless_equals_string (
        gst_gemini_live_event_type_nick (ev (events, i)->type),
        gst_gemini_live_event_type_nick (type));
    i++;
  }
  va_end (args);
  fail_unless_equals_int (events->len, i);
}

static guint
count_type (GPtrArray *events, GstGeminiLiveEventType type)
{
  guint i, n = 0;

  for (i = 0; i < events->len; i++)
    if (ev (events, i)->type == type)
      n++;
  return n;
}

static void
parse_fails (const gchar *data, gsize size, const gchar *what)
{
  GError *error = NULL;
  GPtrArray *events = gst_gemini_live_protocol_parse (data, size, &error);

  fail_unless (events == NULL, "%s: parsed", what);
  fail_unless (error != NULL, "%s: no error", what);
  fail_unless (g_error_matches (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
                   GST_GEMINI_LIVE_PROTOCOL_ERROR_MALFORMED),
      "%s: wrong error", what);
  /* Reason plus at most 64 characters of the frame. */
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  fail_unless (strlen (error->message) < 400, "%s: message too long: %s", what,
      error->message);
  g_error_free (error);
}

static JsonNode *
json_parse_or_fail (const gchar *json)
{
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  JsonNode *root;

  fail_unless (json_parser_load_from_data (parser, json, -1, &error),
      "not JSON: %s: %s", error ? error->message : "", json);
  root = json_node_ref (json_parser_get_root (parser));
  g_object_unref (parser);
  return root;
}

static GPtrArray *
load_server_frames (const gchar *name)
{
  GPtrArray *frames = recording_load (name, TRUE);

  fail_unless (
      frames != NULL, "cannot load %s from %s", name, recording_data_dir ());
  return frames;
}

/* The first client frame of a recording whose top-level key is key. */
static gchar *
recorded_client_frame (const gchar *name, const gchar *key)
{
  GPtrArray *frames = recording_load_frames (name, NULL);
  gchar *prefix = g_strdup_printf ("{\"%s\":", key);
  gchar *found = NULL;
  guint i;

  fail_unless (frames != NULL);
  for (i = 0; i < frames->len && found == NULL; i++) {
    RecordingFrame *frame = g_ptr_array_index (frames, i);

    if (!frame->from_server && g_str_has_prefix (frame->json, prefix))
      found = g_strdup (frame->json);
  }
  g_ptr_array_unref (frames);
  g_free (prefix);
  fail_unless (found != NULL, "no %s frame in %s", key, name);
  return found;
}

/* ---- recordings --------------------------------------------------------- */

GST_START_TEST (test_recording_reader)
{
  GPtrArray *frames = recording_load_frames (REC_TEXT, NULL);
  RecordingFrame *frame;

  fail_unless (frames != NULL);
  fail_unless_equals_int (frames->len, 5);

  frame = g_ptr_array_index (frames, 0);
  fail_if (frame->from_server);
  fail_unless_equals_string (frame->json,
      "{\"setup\":{\"model\":\"models/gemini-live-2.5-flash-preview\"}}");

  /* Server payloads are pretty-printed with one trailing newline. */
  frame = g_ptr_array_index (frames, 1);
  fail_unless (frame->from_server);
  fail_unless_equals_string (frame->json, "{\n  \"setupComplete\": {}\n}\n");
  fail_unless_equals_int (frame->size, 26);

  frame = g_ptr_array_index (frames, 4);
  fail_unless (frame->from_server);
  fail_unless_equals_int (frame->size, 379);
  g_ptr_array_unref (frames);
}

GST_END_TEST;

GST_START_TEST (test_recordings_all_parse)
{
  GPtrArray *names = recording_list ();
  guint i, j, total = 0;

  fail_unless (names->len >= 8, "only %u recordings in %s", names->len,
      recording_data_dir ());

  for (i = 0; i < names->len; i++) {
    const gchar *name = g_ptr_array_index (names, i);
    GPtrArray *frames = load_server_frames (name);

    fail_unless (frames->len > 0, "%s has no server frame", name);
    for (j = 0; j < frames->len; j++) {
      const gchar *json = g_ptr_array_index (frames, j);
      GPtrArray *events = parse_ok (json);

      fail_unless_equals_int (
          count_type (events, GST_GEMINI_LIVE_EVENT_WARNING), 0);
      g_ptr_array_unref (events);
      total++;
    }
    g_ptr_array_unref (frames);
  }
  fail_unless (total >= 20);
  g_ptr_array_unref (names);
}

GST_END_TEST;

GST_START_TEST (test_recording_tool_call)
{
  GPtrArray *frames = load_server_frames (REC_TOOL);
  GPtrArray *events;
  GstGeminiLiveEvent *e;

  fail_unless_equals_int (frames->len, 3);

  events = parse_ok (g_ptr_array_index (frames, 0));
  assert_types (events, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE, -1);
  fail_unless (field_str (ev (events, 0), "session-id") == NULL);
  g_ptr_array_unref (events);

  /* A half-cascade model's executableCode part before the toolCall. */
  events = parse_ok (g_ptr_array_index (frames, 1));
  assert_types (events, GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE, -1);
  e = ev (events, 0);
  fail_unless_equals_string (field_str (e, "language"), "PYTHON");
  fail_unless_equals_string (field_str (e, "code"),
      "print(default_api.get_current_weather(location='Redmond, WA'))");
  g_ptr_array_unref (events);

  events = parse_ok (g_ptr_array_index (frames, 2));
  assert_types (events, GST_GEMINI_LIVE_EVENT_TOOL_CALL, -1);
  e = ev (events, 0);
  fail_unless_equals_string (
      field_str (e, "id"), "function-call-5831923424298605773");
  fail_unless_equals_string (field_str (e, "name"), "get_current_weather");
  fail_unless_equals_string (
      field_str (e, "args"), "{\"location\":\"Redmond, WA\"}");
  g_ptr_array_unref (events);
  g_ptr_array_unref (frames);

  frames = load_server_frames (REC_VERTEX_TOOL);
  fail_unless_equals_int (frames->len, 3);
  events = parse_ok (g_ptr_array_index (frames, 1));
  assert_types (events, GST_GEMINI_LIVE_EVENT_TOOL_CALL, -1);
  e = ev (events, 0);
  fail_unless_equals_string (
      field_str (e, "id"), "8acdafcd-9c55-44be-84da-da3d2612f9d1");
  fail_unless_equals_string (field_str (e, "name"), "get_current_weather");
  fail_unless_equals_string (
      field_str (e, "args"), "{\"location\":\"Redmond, WA\"}");
  g_ptr_array_unref (events);
  events = parse_ok (g_ptr_array_index (frames, 2));
  assert_types (events, GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE, -1);
  g_ptr_array_unref (events);
  g_ptr_array_unref (frames);
}

GST_END_TEST;

GST_START_TEST (test_recording_text_session)
{
  GPtrArray *frames = load_server_frames (REC_TEXT);
  GPtrArray *events;
  GstGeminiLiveEvent *e;

  fail_unless_equals_int (frames->len, 3);

  events = parse_ok (g_ptr_array_index (frames, 1));
  assert_types (events, GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE, -1);
  g_ptr_array_unref (events);

  /* turnComplete and usageMetadata in one frame. */
  events = parse_ok (g_ptr_array_index (frames, 2));
  assert_types (events, GST_GEMINI_LIVE_EVENT_TURN_COMPLETE,
      GST_GEMINI_LIVE_EVENT_USAGE, -1);
  fail_unless (field_str (ev (events, 0), "reason") == NULL);
  e = ev (events, 1);
  fail_unless_equals_int64 (field_int (e, "prompt-token-count"), 515);
  fail_unless_equals_int64 (field_int (e, "response-token-count"), 38);
  fail_unless_equals_int64 (field_int (e, "total-token-count"), 553);
  fail_unless (field_str (e, "json") != NULL);
  fail_unless (
      g_str_has_prefix (field_str (e, "json"), "{\"promptTokenCount\":515,"));
  fail_unless (strstr (field_str (e, "json"),
                   "\"responseTokensDetails\":[{\"modality\":"
                   "\"TEXT\",\"tokenCount\":38}]")
          != NULL,
      "%s", field_str (e, "json"));
  fail_if (strchr (field_str (e, "json"), '\n') != NULL);
  g_ptr_array_unref (events);
  g_ptr_array_unref (frames);
}

GST_END_TEST;

/* The audio-chunk shape read without a JSON tree gives exactly what the
 * full parse gives; every other shape is left to the full parse. */
static GBytes *
audio_of (GPtrArray *events)
{
  assert_types (events, GST_GEMINI_LIVE_EVENT_AUDIO, -1);
  return ev (events, 0)->audio;
}

GST_START_TEST (test_plain_audio_read_without_a_tree)
{
  GPtrArray *frames = load_server_frames (REC_VERTEX_AUDIO);
  /* 0x0102 0x0304 0x0506 */
  static const gchar compact[]
      = "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":"
        "{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"AgEEAwYF\"}}]}}}";
  /* The same chunk with its members in another order: full parse only. */
  static const gchar reordered[]
      = "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":"
        "{\"data\":\"AgEEAwYF\",\"mimeType\":\"audio/pcm;rate=24000\"}}]}}}";
  static const struct
  {
    const gchar *json;
    gint types[3];
  } others[] = {
    /* other members alongside */
    { "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{"
      "\"mimeType\":\"audio/pcm\",\"data\":\"AgEEAwYF\"}}]}},"
      "\"usageMetadata\":{\"totalTokenCount\":3}}",
        { GST_GEMINI_LIVE_EVENT_AUDIO, GST_GEMINI_LIVE_EVENT_USAGE, -1 } },
    { "{\"serverContent\":{\"interrupted\":true,\"modelTurn\":{\"parts\":[{"
      "\"inlineData\":{\"mimeType\":\"audio/pcm\",\"data\":\"AgEEAwYF\"}}]}}}",
        { GST_GEMINI_LIVE_EVENT_INTERRUPTED, -1 } },
    /* two parts */
    { "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{"
      "\"mimeType\":\"audio/pcm\",\"data\":\"AgEEAwYF\"}},{\"inlineData\":{"
      "\"mimeType\":\"audio/pcm\",\"data\":\"AgE=\"}}]}}}",
        { GST_GEMINI_LIVE_EVENT_AUDIO, GST_GEMINI_LIVE_EVENT_AUDIO, -1 } },
    /* an escape in a key */
    { "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{"
      "\"mime\\u0054ype\":\"audio/pcm\",\"data\":\"AgEEAwYF\"}}]}}}",
        { GST_GEMINI_LIVE_EVENT_AUDIO, -1 } },
    /* not audio */
    { "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{"
      "\"mimeType\":\"image/png\",\"data\":\"AgEEAwYF\"}}]}}}",
        { -1 } },
    /* bad base64, an odd size, no audio: the full parse's warning */
    { "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{"
      "\"mimeType\":\"audio/pcm\",\"data\":\"AgE*\"}}]}}}",
        { GST_GEMINI_LIVE_EVENT_WARNING, -1 } },
    { "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{"
      "\"mimeType\":\"audio/pcm\",\"data\":\"AgEE\"}}]}}}",
        { GST_GEMINI_LIVE_EVENT_WARNING, GST_GEMINI_LIVE_EVENT_AUDIO, -1 } },
    { "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{"
      "\"mimeType\":\"audio/pcm\",\"data\":\"\"}}]}}}",
        { -1 } },
  };
  static const guint8 pcm[] = { 2, 1, 4, 3, 6, 5 };
  GPtrArray *fast, *full;
  const gchar *recorded;
  gchar *copy;
  guint i, j;

  /* The recorded Vertex chunk (pretty-printed, with "role"). */
  recorded = g_ptr_array_index (frames, 1);
  fast = gst_gemini_live_protocol_parse_plain_audio (
      recorded, strlen (recorded));
  fail_unless (fast != NULL);
  fail_unless_equals_int (g_bytes_get_size (audio_of (fast)), 9600);
  /* The full parse of the same text, made to skip the fast path by one
   * trailing member the parse ignores. */
  copy = g_strdup (recorded);
  *strrchr (copy, '}') = '\0';
  {
    gchar *longer = g_strconcat (copy, ",\"unknownField\":1}", NULL);

    full = parse_ok (longer);
    fail_unless (
        gst_gemini_live_protocol_parse_plain_audio (longer, strlen (longer))
        == NULL);
    g_free (longer);
  }
  fail_unless (g_bytes_equal (audio_of (fast), audio_of (full)));
  g_ptr_array_unref (fast);
  g_ptr_array_unref (full);
  g_free (copy);

  fast = gst_gemini_live_protocol_parse_plain_audio (compact, strlen (compact));
  fail_unless (fast != NULL);
  fail_unless (
      gst_gemini_live_protocol_parse_plain_audio (reordered, strlen (reordered))
      == NULL);
  full = parse_ok (reordered);
  fail_unless (g_bytes_equal (audio_of (fast), audio_of (full)));
  fail_unless_equals_int (g_bytes_get_size (audio_of (fast)), sizeof pcm);
  fail_unless (
      memcmp (g_bytes_get_data (audio_of (fast), NULL), pcm, sizeof pcm) == 0);
  g_ptr_array_unref (fast);
  g_ptr_array_unref (full);

  /* Trailing text after the object is the full parse's error. */
  copy = g_strconcat (compact, "x", NULL);
  fail_unless (
      gst_gemini_live_protocol_parse_plain_audio (copy, strlen (copy)) == NULL);
  parse_fails (copy, strlen (copy), "trailing text");
  g_free (copy);

  for (i = 0; i < G_N_ELEMENTS (others); i++) {
    const gchar *json = others[i].json;

    fail_unless (
        gst_gemini_live_protocol_parse_plain_audio (json, strlen (json))
            == NULL,
        "read without a tree: %s", json);
    full = parse_ok (json);
    for (j = 0; others[i].types[j] >= 0; j++)
      fail_unless_equals_string (
          gst_gemini_live_event_type_nick (ev (full, j)->type),
          gst_gemini_live_event_type_nick (others[i].types[j]));
    fail_unless_equals_int (full->len, j);
    g_ptr_array_unref (full);
  }
  g_ptr_array_unref (frames);
}

GST_END_TEST;

GST_START_TEST (test_recording_vertex_audio)
{
  GPtrArray *frames = load_server_frames (REC_VERTEX_AUDIO);
  static const gsize expected_sizes[] = { 9600, 11520 };
  GPtrArray *events;
  guint i;

  fail_unless_equals_int (frames->len, 3);

  events = parse_ok (g_ptr_array_index (frames, 0));
  assert_types (events, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "session-id"),
      "76a08a7c-b027-40a9-9b14-f3090b59148f");
  g_ptr_array_unref (events);

  for (i = 0; i < G_N_ELEMENTS (expected_sizes); i++) {
    const gchar *json = g_ptr_array_index (frames, i + 1);
    JsonNode *root = json_parse_or_fail (json);
    JsonObject *part;
    guchar *reference;
    gsize reference_size;
    GBytes *audio;

    /* The reference decoding, by another decoder. */
    part = json_array_get_object_element (
        json_object_get_array_member (
            json_object_get_object_member (
                json_object_get_object_member (
                    json_node_get_object (root), "serverContent"),
                "modelTurn"),
            "parts"),
        0);
    reference = g_base64_decode (
        json_object_get_string_member (
            json_object_get_object_member (part, "inlineData"), "data"),
        &reference_size);

    events = parse_ok (json);
    assert_types (events, GST_GEMINI_LIVE_EVENT_AUDIO, -1);
    audio = ev (events, 0)->audio;
    fail_unless_equals_int (g_bytes_get_size (audio), expected_sizes[i]);
    fail_unless_equals_int (reference_size, expected_sizes[i]);
    fail_unless (
        memcmp (g_bytes_get_data (audio, NULL), reference, reference_size)
        == 0);
    g_free (reference);
    json_node_unref (root);
    g_ptr_array_unref (events);
  }
  g_ptr_array_unref (frames);
}

GST_END_TEST;

GST_START_TEST (test_recording_transcription)
{
  static const gchar *texts[] = {
    "We",
    " could talk about anything you like. Perhaps you have a hobby or an "
    "interest you",
    "'d like to discuss, or maybe there's a topic you've been curious about "
    "lately.",
  };
  GPtrArray *frames = load_server_frames (REC_TRANSCRIPTION);
  GPtrArray *events;
  guint i;

  fail_unless_equals_int (frames->len, 4);
  for (i = 0; i < G_N_ELEMENTS (texts); i++) {
    events = parse_ok (g_ptr_array_index (frames, i + 1));
    assert_types (events, GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION, -1);
    fail_unless_equals_string (field_str (ev (events, 0), "text"), texts[i]);
    fail_if (field_bool (ev (events, 0), "finished"));
    g_ptr_array_unref (events);
  }
  g_ptr_array_unref (frames);

  /* Vertex sends an empty transcription first: no event. */
  frames = load_server_frames (REC_VERTEX_TRANSCRIPTION);
  fail_unless_equals_int (frames->len, 3);
  events = parse_ok (g_ptr_array_index (frames, 1));
  assert_types (events, -1);
  g_ptr_array_unref (events);
  events = parse_ok (g_ptr_array_index (frames, 2));
  assert_types (events, GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "text"), "We");
  g_ptr_array_unref (events);
  g_ptr_array_unref (frames);
}

GST_END_TEST;

GST_START_TEST (test_recording_realtime_text)
{
  GPtrArray *frames = load_server_frames (REC_REALTIME_TEXT);
  gchar *recorded = recorded_client_frame (REC_REALTIME_TEXT, "realtimeInput");
  gchar *built
      = gst_gemini_live_protocol_build_realtime_text ("Are you there Gemini?");
  GPtrArray *events;

  fail_unless_equals_string (built, recorded);
  g_free (built);
  g_free (recorded);

  fail_unless_equals_int (frames->len, 3);
  events = parse_ok (g_ptr_array_index (frames, 1));
  assert_types (events, GST_GEMINI_LIVE_EVENT_TEXT, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "text"), "Yes, I'");
  g_ptr_array_unref (events);
  events = parse_ok (g_ptr_array_index (frames, 2));
  assert_types (events, GST_GEMINI_LIVE_EVENT_TEXT, -1);
  fail_unless_equals_string (
      field_str (ev (events, 0), "text"), "m here! How can I help you today?");
  g_ptr_array_unref (events);
  g_ptr_array_unref (frames);
}

GST_END_TEST;

GST_START_TEST (test_recorded_client_frames)
{
  GstGeminiLiveConfig config;
  JsonNode *root;
  JsonObject *setup;
  gchar *recorded, *built;

  /* toolResponse, byte for byte. */
  recorded = recorded_client_frame (REC_TOOL_RESPONSE, "toolResponse");
  built = gst_gemini_live_protocol_build_tool_response (
      "function-call-1", "getStatus", "{\"mood\":\"happy\"}", NULL);
  fail_unless_equals_string (built, recorded);
  g_free (built);
  g_free (recorded);

  /* TEXT setup without resumption, byte for byte. */
  recorded = recorded_client_frame (REC_REALTIME_TEXT, "setup");
  gst_gemini_live_config_init (&config);
  g_free (config.model);
  config.model = g_strdup ("gemini-live-2.5-flash-preview");
  config.response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT;
  config.session_resumption = FALSE;
  built = gst_gemini_live_protocol_build_setup (&config);
  fail_unless_equals_string (built, recorded);
  g_free (built);
  g_free (recorded);
  gst_gemini_live_config_clear (&config);

  /* Vertex setup with tools: the recorded declarations go back out
   * unchanged, members in the same order. */
  recorded = recorded_client_frame (REC_VERTEX_TOOL, "setup");
  root = json_parse_or_fail (recorded);
  setup = json_object_get_object_member (json_node_get_object (root), "setup");
  gst_gemini_live_config_init (&config);
  g_free (config.model);
  config.model = g_strdup (json_object_get_string_member (setup, "model"));
  config.session_resumption = FALSE;
  config.tools_json = json_to_string (
      json_object_get_member (
          json_array_get_object_element (
              json_object_get_array_member (setup, "tools"), 0),
          "functionDeclarations"),
      FALSE);
  config.api_key = g_strdup (SECRET_KEY);
  fail_unless (gst_gemini_live_config_validate (&config, NULL));
  built = gst_gemini_live_protocol_build_setup (&config);
  fail_unless_equals_string (built, recorded);
  g_free (built);
  g_free (recorded);
  json_node_unref (root);
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

/* ---- client messages ------------------------------------------------------
 */

GST_START_TEST (test_setup_default)
{
  GstGeminiLiveConfig config;
  gchar *json;

  gst_gemini_live_config_init (&config);
  json = gst_gemini_live_protocol_build_setup (&config);
  fail_unless_equals_string (json,
      "{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\","
      "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]},"
      "\"sessionResumption\":{}}}");
  g_free (json);
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

GST_START_TEST (test_setup_all_options)
{
  GstGeminiLiveConfig config;
  gchar *json;

  gst_gemini_live_config_init (&config);
  config.api_key = g_strdup (SECRET_KEY);
  config.voice = g_strdup ("Puck");
  config.system_instruction = g_strdup ("Be \"brief\".\nÉté ☀");
  config.response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT;
  config.input_transcription = TRUE;
  config.output_transcription = TRUE;
  config.resumption_handle = g_strdup ("handle-123");
  config.tools_json = g_strdup (
      "[ {\"name\": \"get_weather\", "
      "\"description\": \"Weather\", \"parameters\": {\"type\": \"OBJECT\", "
      "\"properties\": {\"city\": {\"type\": \"STRING\"}}}} ]");
  fail_unless (gst_gemini_live_config_validate (&config, NULL));

  json = gst_gemini_live_protocol_build_setup (&config);
  fail_unless_equals_string (json,
      "{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\","
      "\"generationConfig\":{\"responseModalities\":[\"TEXT\"],"
      "\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":"
      "{\"voiceName\":\"Puck\"}}}},"
      "\"systemInstruction\":{\"parts\":[{\"text\":"
      "\"Be \\\"brief\\\".\\nÉté ☀\"}],\"role\":\"user\"},"
      "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\","
      "\"description\":\"Weather\",\"parameters\":{\"type\":\"OBJECT\","
      "\"properties\":{\"city\":{\"type\":\"STRING\"}}}}]}],"
      "\"sessionResumption\":{\"handle\":\"handle-123\"},"
      "\"inputAudioTranscription\":{},\"outputAudioTranscription\":{}}}");
  fail_if (strstr (json, "mediaChunks") != NULL);
  fail_if (strstr (json, SECRET_KEY) != NULL);
  g_free (json);
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

GST_START_TEST (test_setup_partial)
{
  GstGeminiLiveConfig config;
  gchar *json;
  JsonNode *root;
  JsonObject *setup;

  gst_gemini_live_config_init (&config);
  g_free (config.model);
  config.model = g_strdup ("projects/p/locations/l/publishers/google/models/m");
  config.session_resumption = FALSE;
  config.output_transcription = TRUE;
  config.voice = g_strdup (""); /* empty = unset */
  config.system_instruction = g_strdup ("");
  json = gst_gemini_live_protocol_build_setup (&config);
  fail_unless_equals_string (json,
      "{\"setup\":{\"model\":\"projects/p/locations/l/publishers/google/"
      "models/m\",\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]},"
      "\"outputAudioTranscription\":{}}}");
  /* Transcription configs are setup members, not generationConfig's. */
  root = json_parse_or_fail (json);
  setup = json_object_get_object_member (json_node_get_object (root), "setup");
  fail_unless (json_object_has_member (setup, "outputAudioTranscription"));
  fail_if (json_object_has_member (
      json_object_get_object_member (setup, "generationConfig"),
      "outputAudioTranscription"));
  json_node_unref (root);
  g_free (json);
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

static void
check_blob (const gchar *json, const gchar *field, const gchar *mime,
    const guint8 *data, gsize size)
{
  JsonNode *root = json_parse_or_fail (json);
  JsonObject *message = json_node_get_object (root);
  JsonObject *realtime, *blob;
  guchar *decoded;
  gsize decoded_size;

  fail_unless_equals_int (json_object_get_size (message), 1);
  realtime = json_object_get_object_member (message, "realtimeInput");
  fail_unless (realtime != NULL);
  fail_unless_equals_int (json_object_get_size (realtime), 1);
  blob = json_object_get_object_member (realtime, field);
  fail_unless (blob != NULL);
  fail_unless_equals_string (
      json_object_get_string_member (blob, "mimeType"), mime);
  decoded = g_base64_decode (
      json_object_get_string_member (blob, "data"), &decoded_size);
  fail_unless_equals_int (decoded_size, size);
  fail_unless (size == 0 || memcmp (decoded, data, size) == 0);
  fail_if (strstr (json, "mediaChunks") != NULL);
  g_free (decoded);
  json_node_unref (root);
}

GST_START_TEST (test_audio_roundtrip)
{
  static const gsize sizes[] = { 0, 1, 2, 3, 4, 640, 3200 };
  guint8 pcm[3200];
  guint i;

  for (i = 0; i < sizeof (pcm); i++)
    pcm[i] = (i * 7919 + 13) & 0xff;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gchar *json = gst_gemini_live_protocol_build_audio (
        pcm, sizes[i], GST_GEMINI_LIVE_INPUT_RATE);

    check_blob (json, "audio", "audio/pcm;rate=16000", pcm, sizes[i]);
    fail_unless (g_str_has_prefix (json,
        "{\"realtimeInput\":{\"audio\":"
        "{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\""));
    g_free (json);
  }

  {
    gchar *json = gst_gemini_live_protocol_build_audio (NULL, 0, 16000);

    fail_unless_equals_string (json,
        "{\"realtimeInput\":{\"audio\":"
        "{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"\"}}}");
    g_free (json);
    json = gst_gemini_live_protocol_build_audio (pcm, 3, 48000);
    fail_unless_equals_string (json,
        "{\"realtimeInput\":{\"audio\":"
        "{\"mimeType\":\"audio/pcm;rate=48000\",\"data\":\"Dfzr\"}}}");
    g_free (json);
  }
}

GST_END_TEST;

GST_START_TEST (test_video_and_stream_end)
{
  guint8 jpeg[1000];
  gchar *json;
  guint i;

  for (i = 0; i < sizeof (jpeg); i++)
    jpeg[i] = i & 0xff;
  json = gst_gemini_live_protocol_build_video (
      jpeg, sizeof (jpeg), "image/jpeg");
  check_blob (json, "video", "image/jpeg", jpeg, sizeof (jpeg));
  g_free (json);

  /* A hostile MIME type cannot break out of its string. */
  json = gst_gemini_live_protocol_build_video (jpeg, 3, "image/x\"\\\n");
  check_blob (json, "video", "image/x\"\\\n", jpeg, 3);
  g_free (json);

  json = gst_gemini_live_protocol_build_audio_stream_end ();
  fail_unless_equals_string (
      json, "{\"realtimeInput\":{\"audioStreamEnd\":true}}");
  g_free (json);
}

GST_END_TEST;

GST_START_TEST (test_realtime_text_escaping)
{
  const gchar *text = "He said \"hi\"\nthen\ttabbed \\ back\r é 😀 \x01 end";
  gchar *json = gst_gemini_live_protocol_build_realtime_text (text);
  JsonNode *root = json_parse_or_fail (json);
  gchar *repaired;

  fail_unless (strstr (json, "\\\"hi\\\"") != NULL, "%s", json);
  fail_unless (strstr (json, "\\n") != NULL);
  fail_if (strchr (json, '\n') != NULL);
  fail_if (strchr (json, '\x01') != NULL);
  fail_unless_equals_string (
      json_object_get_string_member (
          json_object_get_object_member (
              json_node_get_object (root), "realtimeInput"),
          "text"),
      text);
  json_node_unref (root);
  g_free (json);

  /* Invalid UTF-8 is repaired, never sent as is. */
  json = gst_gemini_live_protocol_build_realtime_text ("ok \xff\xfe bad");
  fail_unless (g_utf8_validate (json, -1, NULL));
  root = json_parse_or_fail (json);
  repaired = g_strdup (json_object_get_string_member (
      json_object_get_object_member (
          json_node_get_object (root), "realtimeInput"),
      "text"));
  fail_unless (g_str_has_prefix (repaired, "ok "));
  g_free (repaired);
  json_node_unref (root);
  g_free (json);
}

GST_END_TEST;

GST_START_TEST (test_tool_response)
{
  GError *error = NULL;
  gchar *json;

  json = gst_gemini_live_protocol_build_tool_response ("id\"1", "na\"me",
      "{ \"text\": \"line\\nquote\\\"\", \"n\": [1, 2.5, true, null] }",
      &error);
  fail_unless (json != NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"id\\\"1\","
      "\"name\":\"na\\\"me\",\"response\":{\"text\":\"line\\nquote\\\"\","
      "\"n\":[1,2.5,true,null]}}]}}");
  g_free (json);

  /* Non-object results are wrapped; no id for Vertex. */
  json = gst_gemini_live_protocol_build_tool_response (NULL, "f", "42", NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":"
      "[{\"name\":\"f\",\"response\":{\"result\":42}}]}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_tool_response (
      "a", "f", "\"sunny\"", NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":"
      "[{\"id\":\"a\",\"name\":\"f\",\"response\":{\"result\":\"sunny\"}}]}}");
  g_free (json);
  json
      = gst_gemini_live_protocol_build_tool_response ("a", "f", "[1,{}]", NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":"
      "[{\"id\":\"a\",\"name\":\"f\",\"response\":{\"result\":[1,{}]}}]}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_tool_response ("a", "f", NULL, NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":"
      "[{\"id\":\"a\",\"name\":\"f\",\"response\":{}}]}}");
  g_free (json);

  /* Invalid JSON: an error naming the problem. */
  json = gst_gemini_live_protocol_build_tool_response (
      "a", "get_weather", "{\"temp\": ", &error);
  fail_unless (json == NULL);
  fail_unless (g_error_matches (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
      GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID));
  fail_unless (
      strstr (error->message, "get_weather") != NULL, "%s", error->message);
  fail_unless (
      strstr (error->message, "not valid JSON") != NULL, "%s", error->message);
  g_clear_error (&error);

  json = gst_gemini_live_protocol_build_tool_response ("a", "f", "", &error);
  fail_unless (json == NULL);
  fail_unless (error != NULL);
  g_clear_error (&error);

  json = gst_gemini_live_protocol_build_tool_response ("a", NULL, "{}", &error);
  fail_unless (json == NULL);
  fail_unless (g_error_matches (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
      GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID));
  g_clear_error (&error);

  {
    /* Deep nesting is refused before json-glib sees it. */
    GString *deep = g_string_new (NULL);
    guint i;

    for (i = 0; i < 10000; i++)
      g_string_append_c (deep, '[');
    json = gst_gemini_live_protocol_build_tool_response (
        "a", "f", deep->str, &error);
    fail_unless (json == NULL);
    fail_unless (error != NULL);
    g_clear_error (&error);
    g_string_free (deep, TRUE);
  }
}

GST_END_TEST;

/* ---- server messages: synthetic --------------------------------------- */

GST_START_TEST (test_interrupted_drops_audio)
{
  GPtrArray *events = parse_ok (
      "{\"serverContent\":{\"interrupted\":true,"
      "\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":"
      "\"audio/pcm;rate=24000\",\"data\":\"AAAA\"}},{\"text\":\"hi\"},"
      "{\"inlineData\":{\"mimeType\":\"audio/pcm\",\"data\":\"AQID\"}}]},"
      "\"turnComplete\":true}}");

  assert_types (events, GST_GEMINI_LIVE_EVENT_INTERRUPTED,
      GST_GEMINI_LIVE_EVENT_TEXT, GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_multiple_parts)
{
  GPtrArray *events = parse_ok (
      "{\n  \"serverContent\": {\n"
      "    \"modelTurn\": {\"parts\": [\n"
      "      {\"inlineData\": {\"mimeType\": \"audio/pcm;rate=24000\", "
      "\"data\": \"AAECAw==\"}},\n"
      "      {\"text\": \"thinking...\", \"thought\": true},\n"
      "      {\"text\": \"Hello\"},\n"
      "      {\"executableCode\": {\"language\": \"PYTHON\", \"code\": "
      "\"x\"}},\n"
      "      {\"inlineData\": {\"mimeType\": \"image/png\", \"data\": "
      "\"AA==\"}},\n"
      "      {\"inlineData\": {\"mimeType\": \"audio/pcm\", \"data\": "
      "\"BAUGBw\"}}\n"
      "    ]},\n"
      "    \"outputTranscription\": {\"text\": \"Hello\", \"finished\": "
      "true},\n"
      "    \"inputTranscription\": {\"text\": \"Hi there\"},\n"
      "    \"generationComplete\": true,\n"
      "    \"turnComplete\": true,\n"
      "    \"turnCompleteReason\": \"NEED_MORE_INPUT\"\n"
      "  },\n"
      "  \"usageMetadata\": {\"promptTokenCount\": \"10\", "
      "\"candidatesTokenCount\": 20, \"totalTokenCount\": 30}\n}\n");
  const guint8 pcm1[] = { 0, 1, 2, 3 }, pcm2[] = { 4, 5, 6, 7 };
  GBytes *audio;

  /* Parts in order; the thought is not text. */
  assert_types (events, GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_AUDIO, GST_GEMINI_LIVE_EVENT_THOUGHT,
      GST_GEMINI_LIVE_EVENT_TEXT, GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE,
      GST_GEMINI_LIVE_EVENT_AUDIO, GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
      GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, GST_GEMINI_LIVE_EVENT_USAGE, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "text"), "Hi there");
  fail_if (field_bool (ev (events, 0), "finished"));
  audio = ev (events, 1)->audio;
  fail_unless_equals_int (g_bytes_get_size (audio), 4);
  fail_unless (memcmp (g_bytes_get_data (audio, NULL), pcm1, 4) == 0);
  fail_unless_equals_string (field_str (ev (events, 2), "text"), "thinking...");
  fail_unless_equals_string (field_str (ev (events, 3), "text"), "Hello");
  fail_unless_equals_string (field_str (ev (events, 4), "code"), "x");
  fail_unless_equals_string (field_str (ev (events, 4), "language"), "PYTHON");
  audio = ev (events, 5)->audio;
  fail_unless_equals_int (g_bytes_get_size (audio), 4);
  fail_unless (memcmp (g_bytes_get_data (audio, NULL), pcm2, 4) == 0);
  fail_unless_equals_string (field_str (ev (events, 6), "text"), "Hello");
  fail_unless (field_bool (ev (events, 6), "finished"));
  fail_unless_equals_string (
      field_str (ev (events, 8), "reason"), "NEED_MORE_INPUT");
  /* Vertex spelling of the response count; int64 as a string. */
  fail_unless_equals_int64 (
      field_int (ev (events, 9), "prompt-token-count"), 10);
  fail_unless_equals_int64 (
      field_int (ev (events, 9), "response-token-count"), 20);
  fail_unless_equals_int64 (
      field_int (ev (events, 9), "total-token-count"), 30);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_event_order)
{
  /* Members in reverse of the documented order. */
  GPtrArray *events = parse_ok (
      "{\"goAway\":{\"timeLeft\":\"10s\"},"
      "\"sessionResumptionUpdate\":{\"newHandle\":\"h\",\"resumable\":true},"
      "\"usageMetadata\":{},"
      "\"toolCallCancellation\":{\"ids\":[\"c1\",\"c2\"]},"
      "\"toolCall\":{\"functionCalls\":[{\"name\":\"f\"},"
      "{\"id\":\"x\",\"name\":\"g\",\"args\":{\"a\":[1,\"é\"]}}]},"
      "\"serverContent\":{\"turnComplete\":true,\"generationComplete\":true,"
      "\"outputTranscription\":{\"finished\":true},"
      "\"modelTurn\":{\"parts\":[{\"text\":\"t\"}]},"
      "\"inputTranscription\":{\"text\":\"\"},\"interrupted\":true},"
      "\"setupComplete\":{}}");
  GstGeminiLiveEvent *e;
  GStrv ids;

  assert_types (events, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE,
      GST_GEMINI_LIVE_EVENT_INTERRUPTED, GST_GEMINI_LIVE_EVENT_TEXT,
      GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
      GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, GST_GEMINI_LIVE_EVENT_TOOL_CALL,
      GST_GEMINI_LIVE_EVENT_TOOL_CALL,
      GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION, GST_GEMINI_LIVE_EVENT_USAGE,
      GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE,
      GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);

  /* A finished transcription without text still counts. */
  fail_unless_equals_string (field_str (ev (events, 3), "text"), "");
  fail_unless (field_bool (ev (events, 3), "finished"));

  e = ev (events, 6);
  fail_unless (field_str (e, "id") == NULL);
  fail_unless_equals_string (field_str (e, "name"), "f");
  fail_unless_equals_string (field_str (e, "args"), "{}");
  e = ev (events, 7);
  fail_unless_equals_string (field_str (e, "id"), "x");
  fail_unless_equals_string (field_str (e, "name"), "g");
  fail_unless_equals_string (field_str (e, "args"), "{\"a\":[1,\"é\"]}");

  e = ev (events, 8);
  ids = gst_gemini_live_event_dup_strv (e, "ids");
  fail_unless_equals_int (g_strv_length (ids), 2);
  fail_unless_equals_string (ids[0], "c1");
  fail_unless_equals_string (ids[1], "c2");
  g_strfreev (ids);

  e = ev (events, 9);
  fail_unless_equals_string (field_str (e, "json"), "{}");
  fail_unless_equals_int64 (field_int (e, "prompt-token-count"), -1);
  fail_unless_equals_int64 (field_int (e, "response-token-count"), -1);
  fail_unless_equals_int64 (field_int (e, "total-token-count"), -1);

  e = ev (events, 10);
  fail_unless_equals_string (field_str (e, "handle"), "h");
  fail_unless (field_bool (e, "resumable"));
  fail_unless_equals_int64 (
      field_int (e, "last-consumed-client-message-index"), -1);

  fail_unless_equals_uint64 (field_uint (ev (events, 11), "time-left"),
      10 * G_GUINT64_CONSTANT (1000000000));
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_unknown_fields_ignored)
{
  GPtrArray *events
      = parse_ok ("{\"serverContent\":{\"modelTurn\":"
                  "{\"role\":\"model\",\"parts\":[{\"text\":\"a\","
                  "\"futureField\":{\"x\":[1]},"
                  "\"thoughtSignature\":\"AAAA\"},{\"videoMetadata\":{}},{}]},"
                  "\"speechState\":\"X\",\"futureFlag\":true},"
                  "\"brandNewField\":[1,2,{\"a\":null}],\"anotherOne\":42}");

  assert_types (events, GST_GEMINI_LIVE_EVENT_TEXT, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "text"), "a");
  g_ptr_array_unref (events);

  /* Only unknown members: no event, no error. */
  events = parse_ok ("{\"somethingNew\":{\"code\":1},\"message\":\"m\"}");
  assert_types (events, -1);
  g_ptr_array_unref (events);
  events = parse_ok ("{}");
  assert_types (events, -1);
  g_ptr_array_unref (events);

  /* null is proto3 JSON for "absent". */
  events = parse_ok (
      "{\"serverContent\":{\"turnComplete\":null,"
      "\"modelTurn\":null},\"usageMetadata\":null,\"goAway\":null}");
  assert_types (events, -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_resumption_update)
{
  GPtrArray *events;
  GstGeminiLiveEvent *e;

  events = parse_ok (
      "{\"sessionResumptionUpdate\":{\"newHandle\":"
      "\"test_handle\",\"resumable\":true,\"lastConsumedClientMessageIndex\":"
      "\"123456789\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE, -1);
  e = ev (events, 0);
  fail_unless_equals_string (field_str (e, "handle"), "test_handle");
  fail_unless (field_bool (e, "resumable"));
  fail_unless_equals_int64 (
      field_int (e, "last-consumed-client-message-index"), 123456789);
  g_ptr_array_unref (events);

  events
      = parse_ok ("{\"sessionResumptionUpdate\":{\"newHandle\":\"h2\","
                  "\"resumable\":true,\"lastConsumedClientMessageIndex\":42}}");
  fail_unless_equals_int64 (
      field_int (ev (events, 0), "last-consumed-client-message-index"), 42);
  g_ptr_array_unref (events);

  events
      = parse_ok ("{\"sessionResumptionUpdate\":{"
                  "\"lastConsumedClientMessageIndex\":\"9007199254740993\"}}");
  fail_unless_equals_int64 (
      field_int (ev (events, 0), "last-consumed-client-message-index"),
      G_GINT64_CONSTANT (9007199254740993));
  g_ptr_array_unref (events);

  /* Not resumable: empty handle is NULL, not "". */
  events = parse_ok ("{\"sessionResumptionUpdate\":{\"newHandle\":\"\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE, -1);
  e = ev (events, 0);
  fail_unless (field_str (e, "handle") == NULL);
  fail_if (field_bool (e, "resumable"));
  fail_unless_equals_int64 (
      field_int (e, "last-consumed-client-message-index"), -1);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"sessionResumptionUpdate\":{}}");
  fail_unless (field_str (ev (events, 0), "handle") == NULL);
  g_ptr_array_unref (events);

  /* An index that is not an integer: warning, -1. */
  events = parse_ok ("{\"sessionResumptionUpdate\":{\"newHandle\":\"h\","
                     "\"lastConsumedClientMessageIndex\":\"12x\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING,
      GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE, -1);
  fail_unless_equals_int64 (
      field_int (ev (events, 1), "last-consumed-client-message-index"), -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_go_away)
{
  static const struct
  {
    const gchar *str;
    gboolean ok;
    guint64 ns;
  } cases[] = {
    { "50s", TRUE, G_GUINT64_CONSTANT (50000000000) },
    { "9.5s", TRUE, G_GUINT64_CONSTANT (9500000000) },
    { "0.25s", TRUE, G_GUINT64_CONSTANT (250000000) },
    { "0s", TRUE, 0 },
    { "1.000000001s", TRUE, G_GUINT64_CONSTANT (1000000001) },
    { "18446744073s", TRUE, G_GUINT64_CONSTANT (18446744073000000000) },
    { "18446744074s", FALSE, 0 },
    { "99999999999999999999999s", FALSE, 0 },
    { "1.0000000001s", FALSE, 0 },
    { "10", FALSE, 0 },
    { "", FALSE, 0 },
    { "s", FALSE, 0 },
    { "-1s", FALSE, 0 },
    { "+1s", FALSE, 0 },
    { ".5s", FALSE, 0 },
    { "1.s", FALSE, 0 },
    { "1 s", FALSE, 0 },
    { "10ss", FALSE, 0 },
    { "10ms", FALSE, 0 },
    { "1e3s", FALSE, 0 },
  };
  GPtrArray *events;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    guint64 ns = 12345;
    gboolean ok = gst_gemini_live_protocol_parse_duration (cases[i].str, &ns);

    fail_unless_equals_int (ok, cases[i].ok);
    if (ok)
      fail_unless_equals_uint64 (ns, cases[i].ns);
  }
  fail_if (gst_gemini_live_protocol_parse_duration (NULL, NULL));

  events = parse_ok ("{\"goAway\":{\"timeLeft\":\"50s\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);
  fail_unless_equals_uint64 (field_uint (ev (events, 0), "time-left"),
      G_GUINT64_CONSTANT (50000000000));
  g_ptr_array_unref (events);

  events = parse_ok ("{\"goAway\":{\"timeLeft\":\"9.5s\"}}");
  fail_unless_equals_uint64 (field_uint (ev (events, 0), "time-left"),
      G_GUINT64_CONSTANT (9500000000));
  g_ptr_array_unref (events);

  events = parse_ok ("{\"goAway\":{}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);
  fail_unless_equals_uint64 (
      field_uint (ev (events, 0), "time-left"), G_MAXUINT64);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"goAway\":{\"timeLeft\":\"soon\"}}");
  assert_types (
      events, GST_GEMINI_LIVE_EVENT_WARNING, GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);
  fail_unless_equals_uint64 (
      field_uint (ev (events, 1), "time-left"), G_MAXUINT64);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_malformed)
{
  static const gchar *bad[] = {
    "hello",
    "[1,2,3]",
    "[{\"setupComplete\":{}}]",
    "\"just a string\"",
    "42",
    "null",
    "true",
    "{\"serverContent\":{\"turnComp",
    "{\"setupComplete\":{}",
    "{\"setupComplete\":{}}}",
    "   ",
    "\n\n",
    "{\"a\":1,}",
    "{\"a\":\"\\ud800\"}",
  };
  static const gchar invalid_utf8[] = "{\"serverContent\":{\"modelTurn\":"
                                      "{\"parts\":[{\"text\":\"\xc3\x28\"}]}}}";
  static const gchar embedded_nul[] = "{\"setupComplete\":{}}\0{\"x\":1}";
  GString *deep;
  GError *error = NULL;
  GPtrArray *events;
  gchar *long_frame;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    parse_fails (bad[i], strlen (bad[i]), bad[i]);
  parse_fails ("", 0, "empty");
  parse_fails (NULL, 0, "NULL");
  parse_fails (invalid_utf8, sizeof (invalid_utf8) - 1, "invalid UTF-8");
  parse_fails (embedded_nul, sizeof (embedded_nul) - 1, "embedded NUL");
  parse_fails ("\xff\xfe{}", 4, "binary garbage");

  /* 10000-deep nesting, arrays and objects. */
  deep = g_string_new (NULL);
  for (i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  for (i = 0; i < 10000; i++)
    g_string_append_c (deep, ']');
  parse_fails (deep->str, deep->len, "deep arrays");
  g_string_truncate (deep, 0);
  g_string_append (deep, "{\"serverContent\":");
  for (i = 0; i < 10000; i++)
    g_string_append (deep, "{\"a\":");
  g_string_append (deep, "1");
  for (i = 0; i < 10001; i++)
    g_string_append_c (deep, '}');
  parse_fails (deep->str, deep->len, "deep objects");
  /* Unbalanced: only opening brackets. */
  g_string_truncate (deep, 0);
  for (i = 0; i < 100000; i++)
    g_string_append_c (deep, '{');
  parse_fails (deep->str, deep->len, "open brackets");
  g_string_free (deep, TRUE);

  /* Brackets inside strings do not count as depth. */
  events = parse_ok (
      "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"text\":"
      "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
      "[[[[[[[[[[[[ \\\" {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"
      "{{{{{{{{{{{{{{{{{{{{{\"}]}}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_TEXT, -1);
  g_ptr_array_unref (events);
  /* 64 levels (4 + 60) are fine, 65 are not. */
  deep = g_string_new ("{\"toolCall\":{\"functionCalls\":[{\"name\":\"f\","
                       "\"args\":");
  for (i = 0; i < 60; i++)
    g_string_append (deep, "{\"a\":");
  g_string_append (deep, "1");
  for (i = 0; i < 60; i++)
    g_string_append_c (deep, '}');
  g_string_append (deep, "}]}}");
  fail_unless (gst_gemini_live_json_is_strict (deep->str, deep->len, 64));
  fail_if (gst_gemini_live_json_is_strict (deep->str, deep->len, 63));
  events = parse_ok (deep->str);
  assert_types (events, GST_GEMINI_LIVE_EVENT_TOOL_CALL, -1);
  g_ptr_array_unref (events);
  g_string_free (deep, TRUE);

  /* The message quotes at most 64 characters of the frame. */
  long_frame = g_strdup_printf ("{\"serverContent\": %0200d MARKER", 7);
  events = gst_gemini_live_protocol_parse (
      long_frame, strlen (long_frame), &error);
  fail_unless (events == NULL);
  fail_unless (strstr (error->message, "{\"serverContent\":") != NULL, "%s",
      error->message);
  fail_if (strstr (error->message, "MARKER") != NULL);
  fail_if (strstr (error->message,
               "0000000000000000000000000000000000000000"
               "0000000000000000000000000")
          != NULL,
      "%s", error->message);
  g_clear_error (&error);
  g_free (long_frame);

  /* The frame need not be NUL-terminated: only size bytes are read. */
  events = parse_ok ("{\"setupComplete\":{}}");
  g_ptr_array_unref (events);
  {
    const gchar buf[] = "{\"setupComplete\":{}}GARBAGE";

    events = gst_gemini_live_protocol_parse (buf, 20, &error);
    fail_unless (events != NULL);
    assert_types (events, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE, -1);
    g_ptr_array_unref (events);
  }
}

GST_END_TEST;

static GPtrArray *
parse_audio_data (const gchar *data)
{
  gchar *json = g_strdup_printf (
      "{\"serverContent\":{\"modelTurn\":"
      "{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\","
      "\"data\":\"%s\"}}]}}}",
      data);
  GPtrArray *events = parse_ok (json);

  g_free (json);
  return events;
}

GST_START_TEST (test_bad_audio)
{
  static const gchar *invalid[] = {
    "AA!A", "A", "AAAAA", "AA=A", "A===", "AA AA", "AA\\nAA", "AQ=", "=AAA",
    "AB==", /* non-zero trailing bits */
  };
  GPtrArray *events;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++) {
    events = parse_audio_data (invalid[i]);
    assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING, -1);
    fail_unless (strstr (field_str (ev (events, 0), "text"), "base64") != NULL,
        "%s", field_str (ev (events, 0), "text"));
    g_ptr_array_unref (events);
  }

  /* Odd byte count: last byte dropped, with a warning. */
  events = parse_audio_data ("AQID");
  assert_types (
      events, GST_GEMINI_LIVE_EVENT_WARNING, GST_GEMINI_LIVE_EVENT_AUDIO, -1);
  fail_unless_equals_int (g_bytes_get_size (ev (events, 1)->audio), 2);
  g_ptr_array_unref (events);
  events = parse_audio_data ("AQ==");
  assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING, -1);
  g_ptr_array_unref (events);

  /* Unpadded and URL-safe forms are valid base64. */
  events = parse_audio_data ("AQI");
  assert_types (events, GST_GEMINI_LIVE_EVENT_AUDIO, -1);
  fail_unless_equals_int (g_bytes_get_size (ev (events, 0)->audio), 2);
  g_ptr_array_unref (events);
  events = parse_audio_data ("-_-_");
  assert_types (
      events, GST_GEMINI_LIVE_EVENT_WARNING, GST_GEMINI_LIVE_EVENT_AUDIO, -1);
  g_ptr_array_unref (events);

  /* Empty data: nothing to play, nothing to complain about. */
  events = parse_audio_data ("");
  assert_types (events, -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_wrong_types)
{
  GPtrArray *events = parse_ok (
      "{\"setupComplete\":true,"
      "\"serverContent\":{\"turnComplete\":\"yes\",\"interrupted\":1,"
      "\"generationComplete\":{},\"modelTurn\":{\"parts\":[\"x\",7,"
      "{\"text\":5},{\"inlineData\":\"AAAA\"},{\"inlineData\":{\"mimeType\":"
      "\"audio/pcm\",\"data\":12}},{\"thought\":\"yes\",\"text\":\"t\"}]},"
      "\"inputTranscription\":\"hi\",\"outputTranscription\":{\"text\":[1]}},"
      "\"toolCall\":{\"functionCalls\":[{\"name\":5},\"x\",{\"id\":3,"
      "\"name\":\"f\",\"args\":[1]}]},"
      "\"toolCallCancellation\":{\"ids\":\"a\"},"
      "\"usageMetadata\":{\"promptTokenCount\":\"abc\",\"totalTokenCount\":1.5,"
      "\"responseTokenCount\":2.0},"
      "\"sessionResumptionUpdate\":{\"newHandle\":1,\"resumable\":\"yes\"},"
      "\"goAway\":{\"timeLeft\":5}}");
  GstGeminiLiveEvent *e;
  guint i;

  fail_unless (count_type (events, GST_GEMINI_LIVE_EVENT_WARNING) >= 15,
      "%u warnings", count_type (events, GST_GEMINI_LIVE_EVENT_WARNING));
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_TURN_COMPLETE), 0);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_INTERRUPTED), 0);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE), 0);
  fail_unless_equals_int (count_type (events, GST_GEMINI_LIVE_EVENT_AUDIO), 0);
  /* The part with a malformed "thought" is still text. */
  fail_unless_equals_int (count_type (events, GST_GEMINI_LIVE_EVENT_TEXT), 1);
  for (i = 0; i < events->len; i++) {
    e = ev (events, i);
    if (e->type == GST_GEMINI_LIVE_EVENT_WARNING) {
      fail_unless (
          field_str (e, "text") != NULL && *field_str (e, "text") != '\0');
    } else if (e->type == GST_GEMINI_LIVE_EVENT_TOOL_CALL) {
      fail_unless (field_str (e, "id") == NULL);
      fail_unless_equals_string (field_str (e, "name"), "f");
      fail_unless_equals_string (field_str (e, "args"), "{}");
    } else if (e->type == GST_GEMINI_LIVE_EVENT_USAGE) {
      fail_unless_equals_int64 (field_int (e, "prompt-token-count"), -1);
      fail_unless_equals_int64 (field_int (e, "response-token-count"), 2);
      fail_unless_equals_int64 (field_int (e, "total-token-count"), -1);
    } else if (e->type == GST_GEMINI_LIVE_EVENT_GO_AWAY) {
      fail_unless_equals_uint64 (field_uint (e, "time-left"), G_MAXUINT64);
    }
  }
  g_ptr_array_unref (events);

  /* Every top-level member of the wrong type. */
  events = parse_ok (
      "{\"setupComplete\":1,\"serverContent\":[],"
      "\"toolCall\":\"x\",\"toolCallCancellation\":2,\"usageMetadata\":[],"
      "\"sessionResumptionUpdate\":false,\"goAway\":\"50s\"}");
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_WARNING), 7);
  fail_unless_equals_int (events->len, 7);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_nicks)
{
  static const gchar *nicks[] = {
    "setup-complete",
    "audio",
    "text",
    "input-transcription",
    "output-transcription",
    "tool-call",
    "tool-call-cancellation",
    "interrupted",
    "generation-complete",
    "turn-complete",
    "usage",
    "go-away",
    "session-resumption-update",
    "warning",
    "thought",
    "executable-code",
    "code-execution-result",
    "grounding-metadata",
    "url-context-metadata",
    "interim-input-transcription",
    "waiting-for-input",
    "interaction-status",
    "voice-activity",
    "vad-signal",
    "server-error",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (nicks); i++)
    fail_unless_equals_string (gst_gemini_live_event_type_nick (i), nicks[i]);
  fail_unless_equals_int (
      GST_GEMINI_LIVE_EVENT_SERVER_ERROR + 1, G_N_ELEMENTS (nicks));
  gst_gemini_live_event_free (NULL);
}

GST_END_TEST;

/* ---- config ------------------------------------------------------------- */

GST_START_TEST (test_config_init_copy)
{
  GstGeminiLiveConfig config, copy;

  gst_gemini_live_config_init (&config);
  fail_unless (config.uri == NULL);
  fail_unless_equals_string (config.model, GST_GEMINI_LIVE_DEFAULT_MODEL);
  fail_unless_equals_int (
      config.response_modality, GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO);
  fail_unless (config.session_resumption);
  fail_if (config.input_transcription);
  fail_if (config.output_transcription);
  fail_unless (config.api_key == NULL);
  fail_unless (config.voice == NULL);
  fail_unless (config.system_instruction == NULL);
  fail_unless (config.resumption_handle == NULL);
  fail_unless (config.tools_json == NULL);

  config.api_key = g_strdup (SECRET_KEY);
  config.voice = g_strdup ("Kore");
  config.tools_json = g_strdup ("[]");
  config.output_transcription = TRUE;
  gst_gemini_live_config_copy (&copy, &config);
  fail_unless (copy.uri == NULL);
  fail_unless (copy.api_key != config.api_key);
  fail_unless_equals_string (copy.api_key, SECRET_KEY);
  fail_unless_equals_string (copy.voice, "Kore");
  fail_unless_equals_string (copy.tools_json, "[]");
  fail_unless (copy.system_instruction == NULL);
  fail_unless (copy.output_transcription);
  gst_gemini_live_config_clear (&config);
  fail_unless (config.uri == NULL);
  fail_unless_equals_string (copy.api_key, SECRET_KEY);
  gst_gemini_live_config_clear (&copy);
  gst_gemini_live_config_clear (&copy);
}

GST_END_TEST;

typedef void (*ConfigMutator) (GstGeminiLiveConfig *config);

#define REPLACE(field, value)                                                  \
  G_STMT_START                                                                 \
  {                                                                            \
    g_free (config->field);                                                    \
    config->field = g_strdup (value);                                          \
  }                                                                            \
  G_STMT_END

static void
m_uri_http (GstGeminiLiveConfig *config)
{
  REPLACE (uri, "http://example.com/ws?key=" SECRET_KEY);
}

static void
m_uri_garbage (GstGeminiLiveConfig *config)
{
  REPLACE (uri, "wss://exa mple.com:99999/" SECRET_KEY);
}

static void
m_uri_relative (GstGeminiLiveConfig *config)
{
  REPLACE (uri, "/ws/only/a/path");
}

static void
m_uri_no_host (GstGeminiLiveConfig *config)
{
  REPLACE (uri, "wss:///ws/path");
}

static void
m_key_null (GstGeminiLiveConfig *config)
{
  REPLACE (api_key, NULL);
}

static void
m_key_empty (GstGeminiLiveConfig *config)
{
  REPLACE (api_key, "");
}

static void
m_model_empty (GstGeminiLiveConfig *config)
{
  REPLACE (model, "");
}

static void
m_model_space (GstGeminiLiveConfig *config)
{
  REPLACE (model, "gemini live " SECRET_KEY);
}

static void
m_voice_digits (GstGeminiLiveConfig *config)
{
  REPLACE (voice, "Puck2");
}

static void
m_voice_inject (GstGeminiLiveConfig *config)
{
  REPLACE (voice, "Puck\"}," SECRET_KEY);
}

static void
m_tools_not_json (GstGeminiLiveConfig *config)
{
  REPLACE (tools_json, "[{\"name\": " SECRET_KEY);
}

static void
m_tools_object (GstGeminiLiveConfig *config)
{
  REPLACE (tools_json, "{\"name\":\"f\"}");
}

static void
m_tools_element (GstGeminiLiveConfig *config)
{
  REPLACE (tools_json, "[{\"name\":\"f\"}, 5]");
}

static void
m_tools_no_name (GstGeminiLiveConfig *config)
{
  REPLACE (tools_json, "[{\"description\":\"d\"}]");
}

static void
m_tools_name_type (GstGeminiLiveConfig *config)
{
  REPLACE (tools_json, "[{\"name\":[\"f\"]}]");
}

static void
m_tools_bad_name (GstGeminiLiveConfig *config)
{
  REPLACE (
      tools_json, "[{\"name\":\"ok\"},{\"name\":\"bad name " SECRET_KEY "\"}]");
}

static void
m_tools_long_name (GstGeminiLiveConfig *config)
{
  REPLACE (tools_json,
      "[{\"name\":\"a23456789012345678901234567890123456789"
      "01234567890123456789012345\"}]");
}

static void
m_tools_deep (GstGeminiLiveConfig *config)
{
  GString *deep = g_string_new (NULL);
  guint i;

  for (i = 0; i < 5000; i++)
    g_string_append_c (deep, '[');
  g_free (config->tools_json);
  config->tools_json = g_string_free (deep, FALSE);
}

static void
m_handle_without_resumption (GstGeminiLiveConfig *config)
{
  REPLACE (resumption_handle, "h");
  config->session_resumption = FALSE;
}

GST_START_TEST (test_config_validate)
{
  static const struct
  {
    ConfigMutator mutate;
    const gchar *expected;
  } cases[] = {
    { m_uri_http, "Property 'uri': scheme must be ws or wss, got 'http'" },
    { m_uri_garbage, "Property 'uri'" },
    { m_uri_relative, "Property 'uri'" },
    { m_uri_no_host, "Property 'uri'" },
    { m_key_null,
        "No API key: set the 'api-key' property or the "
        "GEMINI_API_KEY (or GOOGLE_API_KEY) environment variable" },
    { m_key_empty, "'api-key'" },
    { m_model_empty, "Property 'model'" },
    { m_model_space, "Property 'model'" },
    { m_voice_digits, "Property 'voice'" },
    { m_voice_inject, "Property 'voice'" },
    { m_tools_not_json, "Property 'tools'" },
    { m_tools_object, "Property 'tools'" },
    { m_tools_element, "element 1" },
    { m_tools_no_name, "element 0" },
    { m_tools_name_type, "element 0" },
    { m_tools_bad_name, "element 1" },
    { m_tools_long_name, "element 0" },
    { m_tools_deep, "Property 'tools'" },
    { m_handle_without_resumption,
        "Property 'resumption-handle' needs 'session-resumption'" },
  };
  GstGeminiLiveConfig config;
  GError *error = NULL;
  guint i;

  gst_gemini_live_config_init (&config);
  config.api_key = g_strdup (SECRET_KEY);
  fail_unless (gst_gemini_live_config_validate (&config, &error));
  fail_unless (error == NULL);
  config.voice = g_strdup ("Zephyr");
  config.tools_json = g_strdup ("[{\"name\":\"a-b.c:d_9\"}]");
  config.resumption_handle = g_strdup ("h");
  g_free (config.uri);
  config.uri = g_strdup ("ws://127.0.0.1:8080/ws");
  fail_unless (gst_gemini_live_config_validate (&config, NULL));
  gst_gemini_live_config_clear (&config);

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gst_gemini_live_config_init (&config);
    config.api_key = g_strdup (SECRET_KEY);
    cases[i].mutate (&config);

    fail_if (gst_gemini_live_config_validate (&config, &error),
        "case %u validated", i);
    fail_unless (g_error_matches (error, GST_GEMINI_LIVE_CONFIG_ERROR,
                     GST_GEMINI_LIVE_CONFIG_ERROR_INVALID),
        "case %u", i);
    fail_unless (strstr (error->message, cases[i].expected) != NULL,
        "case %u: '%s' lacks '%s'", i, error->message, cases[i].expected);
    fail_if (strstr (error->message, SECRET_KEY) != NULL,
        "case %u leaks the key: %s", i, error->message);
    fail_if (strstr (error->message, "AIzaSy") != NULL, "case %u: %s", i,
        error->message);
    g_clear_error (&error);
    gst_gemini_live_config_clear (&config);
  }
}

GST_END_TEST;

GST_START_TEST (test_config_model_path)
{
  static const struct
  {
    const gchar *model, *path;
  } cases[] = {
    { "gemini-3.1-flash-live-preview", "models/gemini-3.1-flash-live-preview" },
    { "models/gemini-live-2.5-flash-preview",
        "models/gemini-live-2.5-flash-preview" },
    { "projects/p/locations/us-central1/publishers/google/models/m",
        "projects/p/locations/us-central1/publishers/google/models/m" },
    { "publishers/google/models/gemini-live-2.5-flash",
        "publishers/google/models/gemini-live-2.5-flash" },
  };
  GstGeminiLiveConfig config;
  guint i;

  gst_gemini_live_config_init (&config);
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path;

    g_free (config.model);
    config.model = g_strdup (cases[i].model);
    path = gst_gemini_live_protocol_model_path (&config);
    fail_unless_equals_string (path, cases[i].path);
    g_free (path);
  }
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

GST_START_TEST (test_config_resolve_api_key)
{
  gchar *key;

  g_unsetenv ("GEMINI_API_KEY");
  g_unsetenv ("GOOGLE_API_KEY");
  fail_unless (gst_gemini_live_config_resolve_api_key (NULL) == NULL);
  fail_unless (gst_gemini_live_config_resolve_api_key ("") == NULL);

  g_setenv ("GOOGLE_API_KEY", "google", TRUE);
  key = gst_gemini_live_config_resolve_api_key (NULL);
  fail_unless_equals_string (key, "google");
  g_free (key);

  g_setenv ("GEMINI_API_KEY", "gemini", TRUE);
  key = gst_gemini_live_config_resolve_api_key ("");
  fail_unless_equals_string (key, "gemini");
  g_free (key);

  key = gst_gemini_live_config_resolve_api_key ("property");
  fail_unless_equals_string (key, "property");
  g_free (key);

  /* An empty variable counts as unset. */
  g_setenv ("GEMINI_API_KEY", "", TRUE);
  key = gst_gemini_live_config_resolve_api_key (NULL);
  fail_unless_equals_string (key, "google");
  g_free (key);

  g_unsetenv ("GEMINI_API_KEY");
  g_unsetenv ("GOOGLE_API_KEY");
}

GST_END_TEST;

/* ---- every setup field -------------------------------------------------- */

#define SECRET_TOKEN "ya29.SECRET-oauth-token-0123456789"
#define REC_ACTIVITY "live_ML_Dev_handle_activity_start_and_end"

static void
assert_setup (const GstGeminiLiveConfig *config, const gchar *expected)
{
  GError *error = NULL;
  gchar *json;
  JsonNode *root;

  fail_unless (gst_gemini_live_config_validate (config, &error), "%s",
      error ? error->message : "");
  json = gst_gemini_live_protocol_build_setup (config);
  fail_unless_equals_string (json, expected);
  root = json_parse_or_fail (json);
  json_node_unref (root);
  fail_if (config->api_key != NULL && strstr (json, config->api_key) != NULL);
  fail_if (strstr (json, SECRET_TOKEN) != NULL);
  g_free (json);
}

GST_START_TEST (test_setup_every_field_gemini)
{
  GstGeminiLiveConfig config;

  gst_gemini_live_config_init (&config);
  config.api_key = g_strdup (SECRET_KEY);
  config.system_instruction = g_strdup ("Be brief.");
  config.voice = g_strdup ("Kore");
  config.language_code = g_strdup ("en-US");
  config.temperature = 0.7;
  config.top_p = 0.95;
  config.top_k = 40;
  config.max_output_tokens = 1024;
  config.seed = 42;
  config.candidate_count = 1;
  config.presence_penalty = 0.5;
  config.frequency_penalty = -0.25;
  config.media_resolution = GST_GEMINI_LIVE_MEDIA_RESOLUTION_LOW;
  config.thinking_budget = 1024;
  config.include_thoughts = TRUE;
  config.affective_dialog = TRUE;
  config.translation_target_language = g_strdup ("ja");
  config.translation_echo_target = TRUE;
  config.start_sensitivity = GST_GEMINI_LIVE_SENSITIVITY_LOW;
  config.end_sensitivity = GST_GEMINI_LIVE_SENSITIVITY_HIGH;
  config.prefix_padding_ms = 20;
  config.silence_duration_ms = 100;
  config.activity_handling = GST_GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION;
  config.turn_coverage
      = GST_GEMINI_LIVE_TURN_COVERAGE_AUDIO_ACTIVITY_AND_ALL_VIDEO;
  config.resumption_handle = g_strdup ("h1");
  config.context_window_compression = TRUE;
  config.compression_trigger_tokens = 25600;
  config.compression_target_tokens = 12800;
  config.input_transcription = TRUE;
  config.input_transcription_languages = g_strdup ("en-US, de-DE");
  config.output_transcription = TRUE;
  config.proactive_audio = TRUE;
  config.initial_history_in_client_content = TRUE;
  config.tools_json
      = g_strdup ("[{\"name\":\"f\",\"behavior\":\"NON_BLOCKING\"}]");
  config.google_search = TRUE;
  config.code_execution = TRUE;
  config.url_context = TRUE;

  assert_setup (&config,
      "{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\","
      "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"],"
      "\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":"
      "{\"voiceName\":\"Kore\"}},\"languageCode\":\"en-US\"},"
      "\"temperature\":0.7,\"topP\":0.95,\"topK\":40,\"maxOutputTokens\":1024,"
      "\"seed\":42,\"candidateCount\":1,\"presencePenalty\":0.5,"
      "\"frequencyPenalty\":-0.25,\"mediaResolution\":\"MEDIA_RESOLUTION_LOW\","
      "\"thinkingConfig\":{\"thinkingBudget\":1024,\"includeThoughts\":true},"
      "\"enableAffectiveDialog\":true,\"translationConfig\":"
      "{\"targetLanguageCode\":\"ja\",\"echoTargetLanguage\":true}},"
      "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}],"
      "\"role\":\"user\"},"
      "\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\","
      "\"behavior\":\"NON_BLOCKING\"}]},{\"googleSearch\":{}},"
      "{\"codeExecution\":{}},{\"urlContext\":{}}],"
      "\"realtimeInputConfig\":{\"automaticActivityDetection\":"
      "{\"startOfSpeechSensitivity\":\"START_SENSITIVITY_LOW\","
      "\"endOfSpeechSensitivity\":\"END_SENSITIVITY_HIGH\","
      "\"prefixPaddingMs\":20,\"silenceDurationMs\":100},"
      "\"activityHandling\":\"NO_INTERRUPTION\","
      "\"turnCoverage\":\"TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO\"},"
      "\"sessionResumption\":{\"handle\":\"h1\"},"
      "\"contextWindowCompression\":{\"triggerTokens\":\"25600\","
      "\"slidingWindow\":{\"targetTokens\":\"12800\"}},"
      "\"inputAudioTranscription\":{\"languageCodes\":[\"en-US\",\"de-DE\"]},"
      "\"outputAudioTranscription\":{},"
      "\"proactivity\":{\"proactiveAudio\":true},"
      "\"historyConfig\":{\"initialHistoryInClientContent\":true}}}");

  /* Boundary values are sent, not mistaken for "unset". */
  config.temperature = 0;
  config.top_p = 0;
  config.top_k = 1;
  config.seed = 0;
  config.thinking_budget = 0;
  config.include_thoughts = FALSE;
  config.prefix_padding_ms = 0;
  config.silence_duration_ms = 0;
  {
    gchar *json = gst_gemini_live_protocol_build_setup (&config);

    fail_unless (
        strstr (json, "\"temperature\":0.0,\"topP\":0.0,\"topK\":1,") != NULL,
        "%s", json);
    fail_unless (strstr (json, "\"seed\":0,") != NULL, "%s", json);
    fail_unless (
        strstr (json, "\"thinkingConfig\":{\"thinkingBudget\":0}") != NULL,
        "%s", json);
    fail_unless (
        strstr (json, "\"prefixPaddingMs\":0,\"silenceDurationMs\":0") != NULL,
        "%s", json);
    g_free (json);
  }
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

GST_START_TEST (test_setup_every_field_vertex)
{
  GstGeminiLiveConfig config;

  gst_gemini_live_config_init (&config);
  config.backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  config.vertex_project = g_strdup ("my-proj");
  g_free (config.vertex_location);
  config.vertex_location = g_strdup ("europe-west4");
  config.access_token = g_strdup (SECRET_TOKEN);
  config.api_key = g_strdup (SECRET_KEY); /* from the environment: unused */
  g_free (config.model);
  config.model = g_strdup ("gemini-live-2.5-flash");
  config.response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT;
  config.thinking_level = GST_GEMINI_LIVE_THINKING_LEVEL_HIGH;
  config.automatic_activity_detection = FALSE;
  config.activity_handling = GST_GEMINI_LIVE_ACTIVITY_HANDLING_INTERRUPTS;
  config.turn_coverage = GST_GEMINI_LIVE_TURN_COVERAGE_ALL_INPUT;
  config.transparent_resumption = TRUE;
  config.context_window_compression = TRUE;
  config.output_transcription = TRUE;
  config.output_transcription_languages = g_strdup ("fr");

  assert_setup (&config,
      "{\"setup\":{\"model\":\"projects/my-proj/locations/europe-west4/"
      "publishers/google/models/gemini-live-2.5-flash\","
      "\"generationConfig\":{\"responseModalities\":[\"TEXT\"],"
      "\"thinkingConfig\":{\"thinkingLevel\":\"HIGH\"}},"
      "\"realtimeInputConfig\":{\"automaticActivityDetection\":"
      "{\"disabled\":true},"
      "\"activityHandling\":\"START_OF_ACTIVITY_INTERRUPTS\","
      "\"turnCoverage\":\"TURN_INCLUDES_ALL_INPUT\"},"
      "\"sessionResumption\":{\"transparent\":true},"
      "\"contextWindowCompression\":{\"slidingWindow\":{}},"
      "\"outputAudioTranscription\":{\"languageCodes\":[\"fr\"]}}}");

  /* Vertex always gets responseModalities, even with defaults. */
  config.response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO;
  config.thinking_level = GST_GEMINI_LIVE_THINKING_LEVEL_UNSET;
  config.automatic_activity_detection = TRUE;
  config.activity_handling = GST_GEMINI_LIVE_ACTIVITY_HANDLING_UNSET;
  config.turn_coverage = GST_GEMINI_LIVE_TURN_COVERAGE_UNSET;
  config.transparent_resumption = FALSE;
  config.session_resumption = FALSE;
  config.context_window_compression = FALSE;
  config.output_transcription = FALSE;
  g_clear_pointer (&config.output_transcription_languages, g_free);
  g_free (config.vertex_location);
  config.vertex_location = g_strdup ("global");
  assert_setup (&config,
      "{\"setup\":{\"model\":\"projects/my-proj/locations/global/"
      "publishers/google/models/gemini-live-2.5-flash\","
      "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]}}}");

  /* Express mode (API key, no project). */
  g_clear_pointer (&config.vertex_project, g_free);
  g_clear_pointer (&config.access_token, g_free);
  assert_setup (&config,
      "{\"setup\":{\"model\":\"publishers/google/models/"
      "gemini-live-2.5-flash\","
      "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"]}}}");
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

GST_START_TEST (test_setup_vertex_model_paths)
{
  static const struct
  {
    const gchar *project, *location, *model, *path;
  } cases[] = {
    { "p", "us-central1", "m",
        "projects/p/locations/us-central1/publishers/"
        "google/models/m" },
    { "p", NULL, "m",
        "projects/p/locations/us-central1/publishers/google/"
        "models/m" },
    { NULL, "us-central1", "m", "publishers/google/models/m" },
    { "p", "l", "projects/q/locations/x/publishers/google/models/m",
        "projects/q/locations/x/publishers/google/models/m" },
    { "p", "l", "publishers/google/models/m", "publishers/google/models/m" },
    { "p", "l", "models/m", "models/m" },
  };
  GstGeminiLiveConfig config;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path;

    gst_gemini_live_config_init (&config);
    config.backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
    config.vertex_project = g_strdup (cases[i].project);
    g_free (config.vertex_location);
    config.vertex_location = g_strdup (cases[i].location);
    g_free (config.model);
    config.model = g_strdup (cases[i].model);
    path = gst_gemini_live_protocol_model_path (&config);
    fail_unless_equals_string (path, cases[i].path);
    g_free (path);
    gst_gemini_live_config_clear (&config);
  }
}

GST_END_TEST;

GST_START_TEST (test_setup_extra_deep_merge)
{
  GstGeminiLiveConfig config;

  gst_gemini_live_config_init (&config);
  config.api_key = g_strdup (SECRET_KEY);
  config.voice = g_strdup ("Puck");
  config.google_search = TRUE;
  config.setup_extra_json = g_strdup (
      "{\"generationConfig\":{\"speechConfig\":{\"languageCode\":\"de-DE\"},"
      "\"responseModalities\":[\"TEXT\"],\"temperature\":0.1},"
      "\"explicitVadSignal\":true,"
      "\"sessionResumption\":{\"handle\":\"x\"},"
      "\"tools\":[{\"googleMaps\":{}}],"
      "\"avatarConfig\":{\"avatarName\":\"a\",\"audioBitrateBps\":64000}}");

  /* Objects merge, arrays and scalars replace, new members go last. */
  assert_setup (&config,
      "{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\","
      "\"generationConfig\":{\"responseModalities\":[\"TEXT\"],"
      "\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":"
      "{\"voiceName\":\"Puck\"}},\"languageCode\":\"de-DE\"},"
      "\"temperature\":0.1},"
      "\"tools\":[{\"googleMaps\":{}}],"
      "\"sessionResumption\":{\"handle\":\"x\"},"
      "\"explicitVadSignal\":true,"
      "\"avatarConfig\":{\"avatarName\":\"a\",\"audioBitrateBps\":64000}}}");

  /* A scalar replaces an object, and an object a scalar. */
  g_free (config.setup_extra_json);
  config.setup_extra_json = g_strdup (
      "{\"sessionResumption\":null,\"generationConfig\":{\"speechConfig\":"
      "\"x\"},\"model\":{\"a\":1}}");
  assert_setup (&config,
      "{\"setup\":{\"model\":{\"a\":1},"
      "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"],"
      "\"speechConfig\":\"x\"},\"tools\":[{\"googleSearch\":{}}],"
      "\"sessionResumption\":null}}");

  g_free (config.setup_extra_json);
  config.setup_extra_json = g_strdup ("{}");
  assert_setup (&config,
      "{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\","
      "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"],"
      "\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":"
      "{\"voiceName\":\"Puck\"}}}},\"tools\":[{\"googleSearch\":{}}],"
      "\"sessionResumption\":{}}}");
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

GST_START_TEST (test_setup_numbers)
{
  GstGeminiLiveConfig config;
  gchar *json;

  gst_gemini_live_config_init (&config);
  config.temperature = 1;
  config.top_p = 0.1 + 0.2; /* not 0.3: needs 17 digits */
  config.presence_penalty = 1e-7;
  config.compression_trigger_tokens = G_GINT64_CONSTANT (9007199254740993);
  config.context_window_compression = TRUE;
  config.setup_extra_json = g_strdup ("{\"x\":[1,2.5,-0.0,1e300,true]}");
  json = gst_gemini_live_protocol_build_setup (&config);
  fail_unless (strstr (json,
                   "\"temperature\":1.0,\"topP\":0.30000000000000004,"
                   "\"presencePenalty\":1e-07")
          != NULL,
      "%s", json);
  fail_unless (strstr (json, "\"triggerTokens\":\"9007199254740993\"") != NULL,
      "%s", json);
  fail_unless (
      strstr (json, "\"x\":[1,2.5,-0.0,1e+300,true]") != NULL, "%s", json);
  g_free (json);
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

/* ---- endpoint ------------------------------------------------------------ */

static void
assert_endpoint (const GstGeminiLiveConfig *config, const gchar *uri,
    const gchar *header_name, const gchar *header_value)
{
  gchar *name = (gchar *)"unset", *value = (gchar *)"unset";
  gchar *got = gst_gemini_live_protocol_endpoint (config, &name, &value);

  fail_unless_equals_string (got, uri);
  fail_unless_equals_string (name, header_name);
  fail_unless_equals_string (value, header_value);
  g_free (got);
  g_free (name);
  g_free (value);
  /* The out arguments are optional. */
  got = gst_gemini_live_protocol_endpoint (config, NULL, NULL);
  fail_unless_equals_string (got, uri);
  g_free (got);
}

#define GEMINI_WS                                                              \
  "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage."
#define EPHEMERAL "auth_tokens/abc123-def_456"

GST_START_TEST (test_endpoint)
{
  GstGeminiLiveConfig config;

  gst_gemini_live_config_init (&config);
  config.api_key = g_strdup (SECRET_KEY);

  /* Gemini API key: header, never in the URI. */
  assert_endpoint (
      &config, GST_GEMINI_LIVE_DEFAULT_URI, "x-goog-api-key", SECRET_KEY);
  assert_endpoint (&config,
      GEMINI_WS "v1.GenerativeService.BidiGenerateContent", "x-goog-api-key",
      SECRET_KEY);
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1BETA;
  assert_endpoint (&config,
      GEMINI_WS "v1beta.GenerativeService.BidiGenerateContent",
      "x-goog-api-key", SECRET_KEY);
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1ALPHA;
  assert_endpoint (&config,
      GEMINI_WS "v1alpha.GenerativeService.BidiGenerateContent",
      "x-goog-api-key", SECRET_KEY);

  /* An explicit URI is kept. */
  config.uri = g_strdup ("ws://127.0.0.1:8080/ws?x=1");
  assert_endpoint (
      &config, "ws://127.0.0.1:8080/ws?x=1", "x-goog-api-key", SECRET_KEY);
  g_clear_pointer (&config.uri, g_free);

  /* An OAuth token on the Gemini API, when there is no key. */
  config.access_token = g_strdup (SECRET_TOKEN);
  assert_endpoint (&config,
      GEMINI_WS "v1alpha.GenerativeService.BidiGenerateContent",
      "x-goog-api-key", SECRET_KEY);
  g_clear_pointer (&config.api_key, g_free);
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1;
  assert_endpoint (&config,
      GEMINI_WS "v1.GenerativeService.BidiGenerateContent", "Authorization",
      "Bearer " SECRET_TOKEN);
  g_clear_pointer (&config.access_token, g_free);

  /* Ephemeral token: Constrained method, token in the query with its '/'
   * unescaped, no header. The default version means v1alpha. */
  config.api_key = g_strdup (EPHEMERAL);
  assert_endpoint (&config,
      GEMINI_WS "v1alpha.GenerativeService."
                "BidiGenerateContentConstrained?access_token="
                "auth_tokens/abc123-def_456",
      NULL, NULL);
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1ALPHA;
  assert_endpoint (&config,
      GEMINI_WS "v1alpha.GenerativeService."
                "BidiGenerateContentConstrained?access_token=" EPHEMERAL,
      NULL, NULL);
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1BETA;
  assert_endpoint (&config,
      GEMINI_WS "v1beta.GenerativeService."
                "BidiGenerateContentConstrained?access_token=" EPHEMERAL,
      NULL, NULL);
  /* An explicit URI still gets the token, after any query. */
  config.uri = g_strdup ("ws://127.0.0.1:8080/ws");
  assert_endpoint (
      &config, "ws://127.0.0.1:8080/ws?access_token=" EPHEMERAL, NULL, NULL);
  g_free (config.uri);
  config.uri = g_strdup ("ws://127.0.0.1:8080/ws?a=1#frag");
  assert_endpoint (&config,
      "ws://127.0.0.1:8080/ws?a=1&access_token=" EPHEMERAL "#frag", NULL, NULL);
  g_clear_pointer (&config.uri, g_free);
  /* Characters that would break the query are escaped. */
  g_free (config.api_key);
  config.api_key = g_strdup ("auth_tokens/a+b&c=d");
  assert_endpoint (&config,
      GEMINI_WS "v1beta.GenerativeService."
                "BidiGenerateContentConstrained?access_token="
                "auth_tokens/a%2Bb%26c%3Dd",
      NULL, NULL);
  /* An access token set as well does not go out as a header. */
  config.access_token = g_strdup (SECRET_TOKEN);
  assert_endpoint (&config,
      GEMINI_WS "v1beta.GenerativeService."
                "BidiGenerateContentConstrained?access_token="
                "auth_tokens/a%2Bb%26c%3Dd",
      NULL, NULL);
  g_clear_pointer (&config.access_token, g_free);

  /* Vertex AI with a project: Bearer, regional host; a key from the
   * environment is not sent. */
  g_free (config.api_key);
  config.api_key = g_strdup (SECRET_KEY);
  config.backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  config.vertex_project = g_strdup ("p");
  config.access_token = g_strdup (SECRET_TOKEN);
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1;
  assert_endpoint (&config,
      "wss://us-central1-aiplatform.googleapis.com/ws/"
      "google.cloud.aiplatform.v1.LlmBidiService/"
      "BidiGenerateContent",
      "Authorization", "Bearer " SECRET_TOKEN);
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1BETA;
  g_free (config.vertex_location);
  config.vertex_location = g_strdup ("europe-west4");
  assert_endpoint (&config,
      "wss://europe-west4-aiplatform.googleapis.com/ws/"
      "google.cloud.aiplatform.v1beta1.LlmBidiService/"
      "BidiGenerateContent",
      "Authorization", "Bearer " SECRET_TOKEN);
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1ALPHA;
  g_free (config.vertex_location);
  config.vertex_location = g_strdup ("global");
  assert_endpoint (&config,
      "wss://aiplatform.googleapis.com/ws/"
      "google.cloud.aiplatform.v1beta1.LlmBidiService/"
      "BidiGenerateContent",
      "Authorization", "Bearer " SECRET_TOKEN);
  g_free (config.vertex_location);
  config.vertex_location = g_strdup ("eu");
  config.api_version = GST_GEMINI_LIVE_API_VERSION_V1;
  assert_endpoint (&config,
      "wss://aiplatform.eu.rep.googleapis.com/ws/"
      "google.cloud.aiplatform.v1.LlmBidiService/"
      "BidiGenerateContent",
      "Authorization", "Bearer " SECRET_TOKEN);
  config.uri = g_strdup ("ws://localhost:1/vertex");
  assert_endpoint (&config, "ws://localhost:1/vertex", "Authorization",
      "Bearer " SECRET_TOKEN);
  g_clear_pointer (&config.uri, g_free);

  /* Vertex express mode: no project, the key as x-goog-api-key. */
  g_clear_pointer (&config.vertex_project, g_free);
  g_clear_pointer (&config.access_token, g_free);
  assert_endpoint (&config,
      "wss://aiplatform.googleapis.com/ws/"
      "google.cloud.aiplatform.v1.LlmBidiService/"
      "BidiGenerateContent",
      "x-goog-api-key", SECRET_KEY);

  /* No credential at all: no header (validation refuses it). */
  g_clear_pointer (&config.api_key, g_free);
  assert_endpoint (&config,
      "wss://aiplatform.googleapis.com/ws/"
      "google.cloud.aiplatform.v1.LlmBidiService/"
      "BidiGenerateContent",
      NULL, NULL);
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

/* ---- validation of the new fields ---------------------------------------- */

static void
m_api_version (GstGeminiLiveConfig *c)
{
  c->api_version = 7;
}
static void
m_backend (GstGeminiLiveConfig *c)
{
  c->backend = 5;
}
static void
m_modality (GstGeminiLiveConfig *c)
{
  c->response_modality = 2;
}
static void
m_media (GstGeminiLiveConfig *c)
{
  c->media_resolution = 9;
}
static void
m_level (GstGeminiLiveConfig *c)
{
  c->thinking_level = -3;
}
static void
m_start (GstGeminiLiveConfig *c)
{
  c->start_sensitivity = 3;
}
static void
m_end (GstGeminiLiveConfig *c)
{
  c->end_sensitivity = 3;
}
static void
m_handling (GstGeminiLiveConfig *c)
{
  c->activity_handling = 3;
}
static void
m_coverage (GstGeminiLiveConfig *c)
{
  c->turn_coverage = 4;
}
static void
m_temperature (GstGeminiLiveConfig *c)
{
  c->temperature = 2.5;
}
static void
m_temperature_nan (GstGeminiLiveConfig *c)
{
  c->temperature = NAN;
}
static void
m_top_p (GstGeminiLiveConfig *c)
{
  c->top_p = 1.5;
}
static void
m_top_k (GstGeminiLiveConfig *c)
{
  c->top_k = 0;
}
static void
m_presence (GstGeminiLiveConfig *c)
{
  c->presence_penalty = 3;
}
static void
m_frequency (GstGeminiLiveConfig *c)
{
  c->frequency_penalty = -2.5;
}

static void
m_language (GstGeminiLiveConfig *c)
{
  c->language_code = g_strdup ("en US");
}

static void
m_level_and_budget (GstGeminiLiveConfig *c)
{
  c->thinking_level = GST_GEMINI_LIVE_THINKING_LEVEL_LOW;
  c->thinking_budget = -1;
}

static void
m_thoughts_off (GstGeminiLiveConfig *c)
{
  c->include_thoughts = TRUE;
  c->thinking_budget = 0;
}

static void
m_affective_text (GstGeminiLiveConfig *c)
{
  c->affective_dialog = TRUE;
  c->response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT;
}

static void
m_proactive_text (GstGeminiLiveConfig *c)
{
  c->proactive_audio = TRUE;
  c->response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT;
}

static void
m_translation_text (GstGeminiLiveConfig *c)
{
  c->translation_target_language = g_strdup ("ja");
  c->response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT;
}

static void
m_translation_bad (GstGeminiLiveConfig *c)
{
  c->translation_target_language = g_strdup ("j");
}

static void
m_echo_alone (GstGeminiLiveConfig *c)
{
  c->translation_echo_target = TRUE;
}

static void
m_vad_off_start (GstGeminiLiveConfig *c)
{
  c->automatic_activity_detection = FALSE;
  c->start_sensitivity = GST_GEMINI_LIVE_SENSITIVITY_LOW;
}

static void
m_vad_off_end (GstGeminiLiveConfig *c)
{
  c->automatic_activity_detection = FALSE;
  c->end_sensitivity = GST_GEMINI_LIVE_SENSITIVITY_HIGH;
}

static void
m_vad_off_padding (GstGeminiLiveConfig *c)
{
  c->automatic_activity_detection = FALSE;
  c->prefix_padding_ms = 0;
}

static void
m_vad_off_silence (GstGeminiLiveConfig *c)
{
  c->automatic_activity_detection = FALSE;
  c->silence_duration_ms = 500;
}

static void
m_transparent_gemini (GstGeminiLiveConfig *c)
{
  c->transparent_resumption = TRUE;
}

static void
m_transparent_no_resumption (GstGeminiLiveConfig *c)
{
  c->backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  c->transparent_resumption = TRUE;
  c->session_resumption = FALSE;
}

static void
m_trigger_negative (GstGeminiLiveConfig *c)
{
  c->context_window_compression = TRUE;
  c->compression_trigger_tokens = -1;
}

static void
m_target_negative (GstGeminiLiveConfig *c)
{
  c->context_window_compression = TRUE;
  c->compression_target_tokens = -5;
}

static void
m_target_above_trigger (GstGeminiLiveConfig *c)
{
  c->context_window_compression = TRUE;
  c->compression_trigger_tokens = 1000;
  c->compression_target_tokens = 2000;
}

static void
m_tokens_without_compression (GstGeminiLiveConfig *c)
{
  c->compression_trigger_tokens = 1000;
}

static void
m_input_languages_alone (GstGeminiLiveConfig *c)
{
  c->input_transcription_languages = g_strdup ("en-US");
}

static void
m_output_languages_alone (GstGeminiLiveConfig *c)
{
  c->output_transcription_languages = g_strdup ("en-US");
}

static void
m_input_languages_empty_entry (GstGeminiLiveConfig *c)
{
  c->input_transcription = TRUE;
  c->input_transcription_languages = g_strdup ("en,,de");
}

static void
m_output_languages_bad (GstGeminiLiveConfig *c)
{
  c->output_transcription = TRUE;
  c->output_transcription_languages = g_strdup ("en-US, x y");
}

static void
m_extra_not_json (GstGeminiLiveConfig *c)
{
  c->setup_extra_json = g_strdup ("{\"k\": \"" SECRET_KEY "\"");
}

static void
m_extra_array (GstGeminiLiveConfig *c)
{
  c->setup_extra_json = g_strdup ("[{\"a\":1}]");
}

static void
m_extra_deep (GstGeminiLiveConfig *c)
{
  GString *deep = g_string_new (NULL);
  guint i;

  for (i = 0; i < 200; i++)
    g_string_append (deep, "{\"a\":");
  c->setup_extra_json = g_string_free (deep, FALSE);
}

static void
m_vertex_nothing (GstGeminiLiveConfig *c)
{
  c->backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  g_clear_pointer (&c->api_key, g_free);
  g_clear_pointer (&c->access_token, g_free);
}

static void
m_vertex_no_token (GstGeminiLiveConfig *c)
{
  c->backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  c->vertex_project = g_strdup ("p");
  g_clear_pointer (&c->access_token, g_free);
}

static void
m_vertex_ephemeral (GstGeminiLiveConfig *c)
{
  c->backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  g_free (c->api_key);
  c->api_key = g_strdup ("auth_tokens/" SECRET_KEY);
}

static void
m_gemini_nothing (GstGeminiLiveConfig *c)
{
  g_clear_pointer (&c->api_key, g_free);
  g_clear_pointer (&c->access_token, g_free);
}

static void
m_key_space (GstGeminiLiveConfig *c)
{
  g_free (c->api_key);
  c->api_key = g_strdup ("AIzaSy key\r\nX-Evil: 1");
}

static void
m_token_newline (GstGeminiLiveConfig *c)
{
  g_free (c->access_token);
  c->access_token = g_strdup (SECRET_TOKEN "\nX-Evil: 1");
}

static void
m_project_slash (GstGeminiLiveConfig *c)
{
  c->backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  c->vertex_project = g_strdup ("p/../q");
}

static void
m_location_space (GstGeminiLiveConfig *c)
{
  g_free (c->vertex_location);
  c->vertex_location = g_strdup ("us central1");
}

static void
m_model_with_token (GstGeminiLiveConfig *c)
{
  g_free (c->model);
  c->model = g_strdup ("gemini x" SECRET_TOKEN);
}

GST_START_TEST (test_config_validate_fields)
{
  static const struct
  {
    ConfigMutator mutate;
    const gchar *expected, *also;
  } cases[] = {
    { m_api_version, "Property 'api-version': unknown value 7", NULL },
    { m_backend, "Property 'backend': unknown value 5", NULL },
    { m_modality, "Property 'response-modality'", NULL },
    { m_media, "Property 'media-resolution': unknown value 9", NULL },
    { m_level, "Property 'thinking-level'", NULL },
    { m_start, "Property 'start-sensitivity'", NULL },
    { m_end, "Property 'end-sensitivity'", NULL },
    { m_handling, "Property 'activity-handling'", NULL },
    { m_coverage, "Property 'turn-coverage'", NULL },
    { m_temperature, "Property 'temperature': 2.5 is out of range 0 to 2",
        NULL },
    { m_temperature_nan, "Property 'temperature'", NULL },
    { m_top_p, "Property 'top-p': 1.5 is out of range 0 to 1", NULL },
    { m_top_k, "Property 'top-k': must be at least 1", NULL },
    { m_presence, "Property 'presence-penalty'", NULL },
    { m_frequency, "Property 'frequency-penalty'", NULL },
    { m_language, "Property 'language-code': 'en US'", NULL },
    { m_level_and_budget, "'thinking-level'", "'thinking-budget'" },
    { m_thoughts_off, "'include-thoughts'", "'thinking-budget'" },
    { m_affective_text, "'affective-dialog'", "'response-modality'" },
    { m_proactive_text, "'proactive-audio'", "'response-modality'" },
    { m_translation_text, "'translation-target-language'",
        "'response-modality'" },
    { m_translation_bad, "Property 'translation-target-language': 'j'", NULL },
    { m_echo_alone, "'translation-echo-target' needs",
        "'translation-target-language'" },
    { m_vad_off_start, "'automatic-activity-detection'",
        "'start-sensitivity'" },
    { m_vad_off_end, "'automatic-activity-detection'", "'end-sensitivity'" },
    { m_vad_off_padding, "'automatic-activity-detection'", "'prefix-padding'" },
    { m_vad_off_silence, "'automatic-activity-detection'",
        "'silence-duration'" },
    { m_transparent_gemini,
        "Property 'transparent-resumption' is only available on Vertex AI",
        NULL },
    { m_transparent_no_resumption, "'transparent-resumption' needs",
        "'session-resumption'" },
    { m_trigger_negative, "Property 'compression-trigger-tokens'", NULL },
    { m_target_negative, "Property 'compression-target-tokens'", NULL },
    { m_target_above_trigger, "'compression-target-tokens' (2000)",
        "'compression-trigger-tokens' (1000)" },
    { m_tokens_without_compression, "'compression-trigger-tokens' needs",
        "'context-window-compression'" },
    { m_input_languages_alone, "'input-transcription-languages' needs",
        "'input-transcription'" },
    { m_output_languages_alone, "'output-transcription-languages' needs",
        "'output-transcription'" },
    { m_input_languages_empty_entry,
        "Property 'input-transcription-languages': empty entry", NULL },
    { m_output_languages_bad,
        "Property 'output-transcription-languages': 'x y'", NULL },
    { m_extra_not_json, "Property 'setup-extra': not valid JSON", NULL },
    { m_extra_array, "Property 'setup-extra': must be a JSON object", NULL },
    { m_extra_deep, "Property 'setup-extra': not strict JSON", NULL },
    { m_vertex_nothing, "Property 'backend': Vertex AI needs", "'api-key'" },
    { m_vertex_no_token, "Property 'access-token'", "'vertex-project'" },
    { m_vertex_ephemeral, "Property 'api-key': ephemeral tokens", NULL },
    { m_gemini_nothing, "No API key", NULL },
    { m_key_space, "Property 'api-key': must not contain spaces", NULL },
    { m_token_newline, "Property 'access-token': must not contain", NULL },
    { m_project_slash, "Property 'vertex-project'", NULL },
    { m_location_space, "Property 'vertex-location'", NULL },
    { m_model_with_token, "Property 'model'", "gemini x<redacted>" },
  };
  GstGeminiLiveConfig config;
  GError *error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gst_gemini_live_config_init (&config);
    config.api_key = g_strdup (SECRET_KEY);
    config.access_token = g_strdup (SECRET_TOKEN);
    fail_unless (gst_gemini_live_config_validate (&config, NULL));
    cases[i].mutate (&config);

    fail_if (gst_gemini_live_config_validate (&config, &error),
        "case %u validated", i);
    fail_unless (g_error_matches (error, GST_GEMINI_LIVE_CONFIG_ERROR,
                     GST_GEMINI_LIVE_CONFIG_ERROR_INVALID),
        "case %u", i);
    fail_unless (strstr (error->message, cases[i].expected) != NULL,
        "case %u: '%s' lacks '%s'", i, error->message, cases[i].expected);
    fail_unless (
        cases[i].also == NULL || strstr (error->message, cases[i].also) != NULL,
        "case %u: '%s' lacks '%s'", i, error->message, cases[i].also);
    fail_if (strstr (error->message, SECRET_KEY) != NULL,
        "case %u leaks the key: %s", i, error->message);
    fail_if (strstr (error->message, SECRET_TOKEN) != NULL,
        "case %u leaks the token: %s", i, error->message);
    fail_if (strstr (error->message, "AIzaSy") != NULL, "case %u: %s", i,
        error->message);
    fail_if (strstr (error->message, "ya29") != NULL, "case %u: %s", i,
        error->message);
    g_clear_error (&error);
    gst_gemini_live_config_clear (&config);
  }
}

GST_END_TEST;

GST_START_TEST (test_config_validate_accepts)
{
  GstGeminiLiveConfig config;
  GError *error = NULL;

  /* Limits themselves are valid. */
  gst_gemini_live_config_init (&config);
  config.api_key = g_strdup (SECRET_KEY);
  config.temperature = 2;
  config.top_p = 1;
  config.top_k = 1;
  config.presence_penalty = -2;
  config.frequency_penalty = 2;
  config.thinking_budget = -1;
  config.include_thoughts = TRUE;
  config.context_window_compression = TRUE;
  config.compression_trigger_tokens = 1000;
  config.compression_target_tokens = 1000;
  config.input_transcription = TRUE;
  config.input_transcription_languages = g_strdup (" en-US ,cmn-Hans-CN");
  config.language_code = g_strdup ("");
  config.setup_extra_json = g_strdup ("  {\"x\": {}}  ");
  /* Manual activity detection alone is fine. */
  config.automatic_activity_detection = FALSE;
  config.activity_handling = GST_GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION;
  fail_unless (gst_gemini_live_config_validate (&config, &error), "%s",
      error ? error->message : "");
  gst_gemini_live_config_clear (&config);

  /* Every credential kind. */
  gst_gemini_live_config_init (&config);
  config.api_key = g_strdup (EPHEMERAL);
  fail_unless (gst_gemini_live_config_validate (&config, NULL));
  gst_gemini_live_config_clear (&config);

  gst_gemini_live_config_init (&config);
  config.access_token = g_strdup (SECRET_TOKEN);
  fail_unless (gst_gemini_live_config_validate (&config, NULL));
  gst_gemini_live_config_clear (&config);

  gst_gemini_live_config_init (&config);
  config.backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  config.vertex_project = g_strdup ("google.com:my-project");
  config.access_token = g_strdup (SECRET_TOKEN);
  config.transparent_resumption = TRUE;
  fail_unless (gst_gemini_live_config_validate (&config, &error), "%s",
      error ? error->message : "");
  gst_gemini_live_config_clear (&config);

  gst_gemini_live_config_init (&config);
  config.backend = GST_GEMINI_LIVE_BACKEND_VERTEX_AI;
  config.api_key = g_strdup (SECRET_KEY);
  fail_unless (gst_gemini_live_config_validate (&config, NULL));
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

GST_START_TEST (test_config_copy_every_field)
{
  GstGeminiLiveConfig config, copy;

  gst_gemini_live_config_init (&config);
  fail_unless (config.uri == NULL);
  fail_unless_equals_int (config.api_version, GST_GEMINI_LIVE_API_VERSION_V1);
  fail_unless_equals_int (config.backend, GST_GEMINI_LIVE_BACKEND_GEMINI_API);
  fail_unless_equals_string (
      config.vertex_location, GST_GEMINI_LIVE_DEFAULT_VERTEX_LOCATION);
  fail_unless (config.temperature < 0);
  fail_unless (config.top_p < 0);
  fail_unless_equals_int (config.top_k, -1);
  fail_unless_equals_int (config.max_output_tokens, 0);
  fail_unless_equals_int (config.seed, -1);
  fail_unless_equals_int (config.candidate_count, 0);
  fail_unless_equals_int (config.thinking_budget, -2);
  fail_unless (config.automatic_activity_detection);
  fail_unless_equals_int (config.prefix_padding_ms, -1);
  fail_unless_equals_int (config.silence_duration_ms, -1);
  fail_unless (config.session_resumption);
  fail_if (config.transparent_resumption);
  fail_if (config.context_window_compression);

  config.vertex_project = g_strdup ("p");
  config.access_token = g_strdup (SECRET_TOKEN);
  config.language_code = g_strdup ("en-US");
  config.translation_target_language = g_strdup ("ja");
  config.input_transcription_languages = g_strdup ("en");
  config.output_transcription_languages = g_strdup ("de");
  config.setup_extra_json = g_strdup ("{}");
  config.temperature = 0.5;
  gst_gemini_live_config_copy (&copy, &config);
  gst_gemini_live_config_clear (&config);
  fail_unless_equals_string (copy.vertex_project, "p");
  fail_unless_equals_string (
      copy.vertex_location, GST_GEMINI_LIVE_DEFAULT_VERTEX_LOCATION);
  fail_unless_equals_string (copy.access_token, SECRET_TOKEN);
  fail_unless_equals_string (copy.language_code, "en-US");
  fail_unless_equals_string (copy.translation_target_language, "ja");
  fail_unless_equals_string (copy.input_transcription_languages, "en");
  fail_unless_equals_string (copy.output_transcription_languages, "de");
  fail_unless_equals_string (copy.setup_extra_json, "{}");
  fail_unless (copy.temperature == 0.5);
  gst_gemini_live_config_clear (&copy);
}

GST_END_TEST;

/* ---- new client messages ---------------------------------------------------
 */

GST_START_TEST (test_client_content)
{
  GError *error = NULL;
  gchar *json, *recorded;

  /* Plain text: the recorded SDK frame, byte for byte. */
  recorded = recorded_client_frame (REC_TEXT, "clientContent");
  json = gst_gemini_live_protocol_build_client_content (
      "Hello what should we talk about?", TRUE, &error);
  fail_unless_equals_string (json, recorded);
  g_free (json);
  g_free (recorded);

  /* A Content array goes out as given (the Vertex recording). */
  recorded = recorded_client_frame (REC_VERTEX_AUDIO, "clientContent");
  json = gst_gemini_live_protocol_build_client_content (
      " [ {\"parts\": [{\"text\": "
      "\"Hello what should we talk about?\"}], \"role\": \"user\"} ]",
      TRUE, &error);
  fail_unless_equals_string (json, recorded);
  g_free (json);
  g_free (recorded);

  /* One Content object: wrapped; no turnComplete when FALSE. */
  json = gst_gemini_live_protocol_build_client_content (
      "{\"role\":\"model\",\"parts\":[{\"text\":\"Hi\"}]}", FALSE, NULL);
  fail_unless_equals_string (json,
      "{\"clientContent\":{\"turns\":[{\"role\":\"model\","
      "\"parts\":[{\"text\":\"Hi\"}]}]}}");
  g_free (json);

  /* History: several turns, both roles. */
  json = gst_gemini_live_protocol_build_client_content (
      "[{\"role\":\"user\",\"parts\":[{\"text\":\"a\"}]},"
      "{\"role\":\"model\",\"parts\":[{\"text\":\"b\"}]}]",
      FALSE, NULL);
  fail_unless_equals_string (json,
      "{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":"
      "[{\"text\":\"a\"}]},{\"role\":\"model\",\"parts\":"
      "[{\"text\":\"b\"}]}]}}");
  g_free (json);

  /* No turns: "generate now". */
  json = gst_gemini_live_protocol_build_client_content (NULL, TRUE, NULL);
  fail_unless_equals_string (
      json, "{\"clientContent\":{\"turnComplete\":true}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_client_content ("", FALSE, NULL);
  fail_unless_equals_string (json, "{\"clientContent\":{}}");
  g_free (json);

  /* Text that is not JSON-looking is text, escaped. */
  json = gst_gemini_live_protocol_build_client_content (
      "42 \"quoted\"\n", TRUE, NULL);
  fail_unless_equals_string (json,
      "{\"clientContent\":{\"turns\":[{\"parts\":[{\"text\":"
      "\"42 \\\"quoted\\\"\\n\"}],\"role\":\"user\"}],"
      "\"turnComplete\":true}}");
  g_free (json);

  /* Errors. */
  {
    static const gchar *bad[] = {
      "[1]",
      "[{\"parts\":[]}, \"x\"]",
      "{\"role\":\"system\",\"parts\":[]}",
      "{\"role\":7,\"parts\":[]}",
      "{}",
      "{\"parts\":{}}",
      "[{\"parts\":[]},",
      "{not json}",
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS (bad); i++) {
      json = gst_gemini_live_protocol_build_client_content (
          bad[i], TRUE, &error);
      fail_unless (json == NULL, "'%s' accepted: %s", bad[i], json);
      fail_unless (g_error_matches (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
                       GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID),
          "%s", bad[i]);
      fail_unless (g_str_has_prefix (error->message, "Client content"), "%s",
          error->message);
      g_clear_error (&error);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_activity_messages)
{
  GstGeminiLiveConfig config;
  gchar *json, *recorded;

  recorded = recorded_client_frame (REC_ACTIVITY, "realtimeInput");
  json = gst_gemini_live_protocol_build_activity_start ();
  fail_unless_equals_string (json, recorded);
  g_free (json);
  g_free (recorded);

  json = gst_gemini_live_protocol_build_activity_end ();
  fail_unless_equals_string (json, "{\"realtimeInput\":{\"activityEnd\":{}}}");
  g_free (json);

  /* And the manual-VAD setup of that recording, byte for byte. */
  recorded = recorded_client_frame (REC_ACTIVITY, "setup");
  gst_gemini_live_config_init (&config);
  g_free (config.model);
  config.model = g_strdup ("gemini-live-2.5-flash-preview");
  config.response_modality = GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT;
  config.session_resumption = FALSE;
  config.automatic_activity_detection = FALSE;
  json = gst_gemini_live_protocol_build_setup (&config);
  fail_unless_equals_string (json, recorded);
  g_free (json);
  g_free (recorded);
  gst_gemini_live_config_clear (&config);

  {
    /* The recorded activityEnd frame too. */
    GPtrArray *frames = recording_load_frames (REC_ACTIVITY, NULL);
    gboolean found = FALSE;
    guint i;

    fail_unless (frames != NULL);
    for (i = 0; i < frames->len; i++) {
      RecordingFrame *frame = g_ptr_array_index (frames, i);

      if (!frame->from_server && strstr (frame->json, "activityEnd")) {
        json = gst_gemini_live_protocol_build_activity_end ();
        fail_unless_equals_string (json, frame->json);
        g_free (json);
        found = TRUE;
      }
    }
    fail_unless (found);
    g_ptr_array_unref (frames);
  }
}

GST_END_TEST;

GST_START_TEST (test_tool_response_full)
{
  GError *error = NULL;
  gchar *json;

  /* Siblings of response, in the order of PROTOCOL.md §3.4. */
  json = gst_gemini_live_protocol_build_tool_response_full (
      "function-call-5831923424298605773", "get_current_weather",
      "{\"result\":{\"temp_c\":12}}", GST_GEMINI_LIVE_SCHEDULING_WHEN_IDLE,
      TRUE, FALSE, &error);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":"
      "\"function-call-5831923424298605773\",\"name\":"
      "\"get_current_weather\",\"response\":{\"result\":{\"temp_c\":12}},"
      "\"scheduling\":\"WHEN_IDLE\",\"willContinue\":true}]}}");
  g_free (json);

  json = gst_gemini_live_protocol_build_tool_response_full (
      "a", "f", "{}", GST_GEMINI_LIVE_SCHEDULING_SILENT, FALSE, FALSE, NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"a\","
      "\"name\":\"f\",\"response\":{},\"scheduling\":\"SILENT\"}]}}");
  g_free (json);

  json = gst_gemini_live_protocol_build_tool_response_full (
      NULL, "f", "7", GST_GEMINI_LIVE_SCHEDULING_INTERRUPT, FALSE, FALSE, NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"name\":\"f\","
      "\"response\":{\"result\":7},\"scheduling\":\"INTERRUPT\"}]}}");
  g_free (json);

  /* Unset and FALSE are not sent: identical to the plain builder. */
  json = gst_gemini_live_protocol_build_tool_response_full ("function-call-1",
      "getStatus", "{\"mood\":\"happy\"}", GST_GEMINI_LIVE_SCHEDULING_UNSET,
      FALSE, FALSE, NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":"
      "\"function-call-1\",\"name\":\"getStatus\",\"response\":"
      "{\"mood\":\"happy\"}}]}}");
  g_free (json);

  /* Errors: a plain message, JSON values, an object with "error". */
  json = gst_gemini_live_protocol_build_tool_response_full ("a", "f",
      "Service \"unavailable\"", GST_GEMINI_LIVE_SCHEDULING_UNSET, FALSE, TRUE,
      &error);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"a\","
      "\"name\":\"f\",\"response\":{\"error\":"
      "\"Service \\\"unavailable\\\"\"}}]}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_tool_response_full ("a", "f",
      "{\"code\":5}", GST_GEMINI_LIVE_SCHEDULING_UNSET, FALSE, TRUE, NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"a\","
      "\"name\":\"f\",\"response\":{\"error\":{\"code\":5}}}]}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_tool_response_full ("a", "f",
      "{\"error\":\"x\",\"retry\":true}", GST_GEMINI_LIVE_SCHEDULING_SILENT,
      FALSE, TRUE, NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"a\","
      "\"name\":\"f\",\"response\":{\"error\":\"x\",\"retry\":true},"
      "\"scheduling\":\"SILENT\"}]}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_tool_response_full (
      "a", "f", NULL, GST_GEMINI_LIVE_SCHEDULING_UNSET, FALSE, TRUE, NULL);
  fail_unless_equals_string (json,
      "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"a\","
      "\"name\":\"f\",\"response\":{\"error\":\"failed\"}}]}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_tool_response_full ("a", "f",
      "bad \xff utf8", GST_GEMINI_LIVE_SCHEDULING_UNSET, FALSE, TRUE, NULL);
  fail_unless (json != NULL);
  fail_unless (g_utf8_validate (json, -1, NULL));
  g_free (json);

  /* Unknown scheduling, missing name. */
  json = gst_gemini_live_protocol_build_tool_response_full (
      "a", "f", "{}", (GstGeminiLiveScheduling)9, FALSE, FALSE, &error);
  fail_unless (json == NULL);
  fail_unless (g_error_matches (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
      GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID));
  g_clear_error (&error);
  json = gst_gemini_live_protocol_build_tool_response_full (
      "a", "", "{}", GST_GEMINI_LIVE_SCHEDULING_UNSET, FALSE, TRUE, &error);
  fail_unless (json == NULL);
  fail_unless (error != NULL);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_context_update)
{
  GstGeminiLiveConfig config;
  gchar *json;

  gst_gemini_live_config_init (&config);
  config.system_instruction = g_strdup ("New instructions");
  json = gst_gemini_live_protocol_build_context_update (&config, TRUE, FALSE);
  fail_unless_equals_string (json,
      "{\"contextUpdate\":{\"systemInstruction\":{\"parts\":"
      "[{\"text\":\"New instructions\"}],\"role\":\"user\"}}}");
  g_free (json);

  /* The tools as a setup carries them: declarations, then built-ins. */
  config.tools_json = g_strdup ("[{\"name\":\"f\",\"description\":\"d\"}]");
  config.google_search = TRUE;
  json = gst_gemini_live_protocol_build_context_update (&config, TRUE, TRUE);
  fail_unless_equals_string (json,
      "{\"contextUpdate\":{\"systemInstruction\":{\"parts\":"
      "[{\"text\":\"New instructions\"}],\"role\":\"user\"},\"tools\":"
      "{\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\","
      "\"description\":\"d\"}]},{\"googleSearch\":{}}]}}}");
  g_free (json);

  /* No tools at all: an empty list clears them. */
  g_clear_pointer (&config.tools_json, g_free);
  config.google_search = FALSE;
  json = gst_gemini_live_protocol_build_context_update (&config, FALSE, TRUE);
  fail_unless_equals_string (
      json, "{\"contextUpdate\":{\"tools\":{\"tools\":[]}}}");
  g_free (json);
  gst_gemini_live_config_clear (&config);
}

GST_END_TEST;

GST_START_TEST (test_read_tools)
{
  GError *error = NULL;
  gchar *decls = NULL;
  gboolean search, code, url;

  /* FunctionDeclarations, as the tools property takes them. */
  fail_unless (gst_gemini_live_protocol_read_tools (
      "[{\"name\":\"f\"}]", &decls, &search, &code, &url, &error));
  fail_unless_equals_string (decls, "[{\"name\":\"f\"}]");
  fail_if (search || code || url);
  g_free (decls);

  /* Tool objects: their declarations gathered, built-ins named. */
  fail_unless (gst_gemini_live_protocol_read_tools (
      "[{\"googleSearch\":{}},{\"functionDeclarations\":[{\"name\":\"a\"},"
      "{\"name\":\"b\"}]},{\"urlContext\":{}}]",
      &decls, &search, &code, &url, &error));
  fail_unless_equals_string (decls, "[{\"name\":\"a\"},{\"name\":\"b\"}]");
  fail_unless (search && !code && url);
  g_free (decls);

  fail_unless (gst_gemini_live_protocol_read_tools (
      "[]", &decls, &search, &code, &url, &error));
  fail_unless_equals_string (decls, "[]");
  g_free (decls);

  {
    static const gchar *bad[] = {
      "",
      "{}",
      "[1]",
      "[{\"name\":\"f\"},{\"googleSearch\":{}}]",
      "[{\"name\":5}]",
      "[{",
      "[{\"googleMaps\":{}}]",
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS (bad); i++) {
      fail_if (gst_gemini_live_protocol_read_tools (
                   bad[i], &decls, &search, &code, &url, &error),
          "case %u accepted", i);
      fail_unless (g_error_matches (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
                       GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID),
          "case %u", i);
      g_clear_error (&error);
    }
  }
}

GST_END_TEST;

/* ---- new server fields ----------------------------------------------------
 */

GST_START_TEST (test_parse_turn_flags)
{
  /* python-genai's fixture (PROTOCOL.md §9.10). */
  GPtrArray *events = parse_ok (
      "{\"serverContent\": {\"modelTurn\": {\"parts\": [{\"text\": "
      "\"Please provide more details.\"}]},\n"
      "  \"turnComplete\": true, \"turnCompleteReason\": \"NEED_MORE_INPUT\", "
      "\"waitingForInput\": true}}");

  assert_types (events, GST_GEMINI_LIVE_EVENT_TEXT,
      GST_GEMINI_LIVE_EVENT_WAITING_FOR_INPUT,
      GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, -1);
  fail_unless_equals_string (
      field_str (ev (events, 0), "text"), "Please provide more details.");
  fail_unless_equals_string (
      field_str (ev (events, 2), "reason"), "NEED_MORE_INPUT");
  g_ptr_array_unref (events);

  /* interactionStatus comes with turnComplete, before it. */
  events = parse_ok ("{\"serverContent\":{\"turnComplete\":true,"
                     "\"interactionStatus\":\"IN_PROGRESS\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_INTERACTION_STATUS,
      GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "text"), "IN_PROGRESS");
  fail_unless (field_str (ev (events, 1), "reason") == NULL);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"serverContent\":{\"interactionStatus\":\"\","
                     "\"waitingForInput\":false}}");
  assert_types (events, -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_parse_parts)
{
  GPtrArray *events = parse_ok (
      "{\"serverContent\":{\"modelTurn\":{\"role\":\"model\",\"parts\":["
      "{\"text\":\"**Planning**\",\"thought\":true,"
      "\"thoughtSignature\":\"AAAA\"},"
      "{\"inlineData\":{\"mimeType\":\"audio/pcm\",\"data\":\"AQID\"},"
      "\"thought\":true},"
      "{\"thought\":true},"
      "{\"executableCode\":{\"language\":\"PYTHON\","
      "\"code\":\"print(6*7)\"}},"
      "{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_OK\","
      "\"output\":\"42\\n\"}},"
      "{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_DEADLINE_EXCEEDED\"}},"
      "{\"text\":\"The answer is 42.\",\"thought\":false}]}}}");
  GstGeminiLiveEvent *e;

  /* Thought audio is neither AUDIO nor anything else. */
  assert_types (events, GST_GEMINI_LIVE_EVENT_THOUGHT,
      GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE,
      GST_GEMINI_LIVE_EVENT_CODE_EXECUTION_RESULT,
      GST_GEMINI_LIVE_EVENT_CODE_EXECUTION_RESULT, GST_GEMINI_LIVE_EVENT_TEXT,
      -1);
  fail_unless_equals_string (
      field_str (ev (events, 0), "text"), "**Planning**");
  e = ev (events, 1);
  fail_unless_equals_string (field_str (e, "code"), "print(6*7)");
  fail_unless_equals_string (field_str (e, "language"), "PYTHON");
  e = ev (events, 2);
  fail_unless_equals_string (field_str (e, "output"), "42\n");
  fail_unless_equals_string (field_str (e, "outcome"), "OUTCOME_OK");
  e = ev (events, 3);
  fail_unless_equals_string (field_str (e, "output"), "");
  fail_unless_equals_string (
      field_str (e, "outcome"), "OUTCOME_DEADLINE_EXCEEDED");
  fail_unless_equals_string (
      field_str (ev (events, 4), "text"), "The answer is 42.");
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_parse_metadata)
{
  GPtrArray *events = parse_ok (
      "{\"serverContent\": {\n"
      "  \"groundingMetadata\": {\"webSearchQueries\": [\"weather Paris\"],\n"
      "    \"groundingChunks\": [{\"web\": {\"uri\": \"https://example.com/w\","
      " \"title\": \"W\", \"domain\": \"example.com\"}}],\n"
      "    \"searchEntryPoint\": {\"renderedContent\": \"<div>é</div>\"}},\n"
      "  \"urlContextMetadata\": {\"urlMetadata\": [{\"retrievedUrl\": "
      "\"https://example.com\", \"urlRetrievalStatus\": "
      "\"URL_RETRIEVAL_STATUS_SUCCESS\"}]},\n"
      "  \"generationComplete\": true}}\n");

  assert_types (events, GST_GEMINI_LIVE_EVENT_GROUNDING_METADATA,
      GST_GEMINI_LIVE_EVENT_URL_CONTEXT_METADATA,
      GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "json"),
      "{\"webSearchQueries\":[\"weather Paris\"],\"groundingChunks\":"
      "[{\"web\":{\"uri\":\"https://example.com/w\",\"title\":\"W\","
      "\"domain\":\"example.com\"}}],\"searchEntryPoint\":"
      "{\"renderedContent\":\"<div>é</div>\"}}");
  fail_unless_equals_string (field_str (ev (events, 1), "json"),
      "{\"urlMetadata\":[{\"retrievedUrl\":\"https://example.com\","
      "\"urlRetrievalStatus\":\"URL_RETRIEVAL_STATUS_SUCCESS\"}]}");
  g_ptr_array_unref (events);

  /* Wrong type: a warning, no event. */
  events = parse_ok ("{\"serverContent\":{\"groundingMetadata\":[]}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING, -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_parse_transcriptions)
{
  GPtrArray *events = parse_ok (
      "{\"serverContent\":{"
      "\"outputTranscription\":{\"text\":\"Bonjour\",\"languageCode\":\"fr\"},"
      "\"inputTranscription\":{\"text\":\"Hello there\",\"finished\":true,"
      "\"languageCode\":\"en-US\",\"speakerLabel\":\"1\"},"
      "\"interimInputTranscription\":{\"text\":\"Hello th\"}}}");
  GstGeminiLiveEvent *e;

  assert_types (events, GST_GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION, -1);
  e = ev (events, 0);
  fail_unless_equals_string (field_str (e, "text"), "Hello th");
  fail_if (field_bool (e, "finished"));
  fail_unless (field_str (e, "language-code") == NULL);
  e = ev (events, 1);
  fail_unless_equals_string (field_str (e, "text"), "Hello there");
  fail_unless (field_bool (e, "finished"));
  fail_unless_equals_string (field_str (e, "language-code"), "en-US");
  e = ev (events, 2);
  fail_unless_equals_string (field_str (e, "text"), "Bonjour");
  fail_unless_equals_string (field_str (e, "language-code"), "fr");
  g_ptr_array_unref (events);

  /* Empty interim transcriptions are dropped like the others. */
  events = parse_ok ("{\"serverContent\":{\"interimInputTranscription\":{}}}");
  assert_types (events, -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_parse_voice_activity)
{
  GPtrArray *events;
  GstGeminiLiveEvent *e;

  events = parse_ok ("{\"voiceActivity\":{\"type\":\"ACTIVITY_START\","
                     "\"audioOffset\":\"1.5s\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_VOICE_ACTIVITY, -1);
  e = ev (events, 0);
  fail_unless_equals_string (field_str (e, "type"), "ACTIVITY_START");
  fail_unless_equals_uint64 (
      field_uint (e, "audio-offset"), G_GUINT64_CONSTANT (1500000000));
  g_ptr_array_unref (events);

  events = parse_ok ("{\"voiceActivity\":{\"voiceActivityType\":"
                     "\"ACTIVITY_END\"}}");
  e = ev (events, 0);
  fail_unless_equals_string (field_str (e, "type"), "ACTIVITY_END");
  fail_unless_equals_uint64 (field_uint (e, "audio-offset"), G_MAXUINT64);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"voiceActivity\":{\"audioOffset\":\"later\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING,
      GST_GEMINI_LIVE_EVENT_VOICE_ACTIVITY, -1);
  fail_unless_equals_string (
      field_str (ev (events, 1), "type"), "TYPE_UNSPECIFIED");
  fail_unless_equals_uint64 (
      field_uint (ev (events, 1), "audio-offset"), G_MAXUINT64);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"voiceActivityDetectionSignal\":"
                     "{\"vadSignalType\":\"VAD_SIGNAL_TYPE_SOS\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_VAD_SIGNAL, -1);
  fail_unless_equals_string (
      field_str (ev (events, 0), "text"), "VAD_SIGNAL_TYPE_SOS");
  g_ptr_array_unref (events);

  events = parse_ok ("{\"voiceActivityDetectionSignal\":{}}");
  fail_unless_equals_string (
      field_str (ev (events, 0), "text"), "VAD_SIGNAL_TYPE_UNSPECIFIED");
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_parse_server_error)
{
  GPtrArray *events;
  GstGeminiLiveEvent *e;

  events
      = parse_ok ("{\"error\":{\"code\":400,\"message\":\"Request contains "
                  "an invalid argument.\",\"status\":\"INVALID_ARGUMENT\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_SERVER_ERROR, -1);
  e = ev (events, 0);
  fail_unless_equals_string (
      field_str (e, "message"), "Request contains an invalid argument.");
  fail_unless_equals_int64 (field_int (e, "code"), 400);
  fail_unless_equals_string (field_str (e, "json"),
      "{\"code\":400,\"message\":\"Request contains an invalid "
      "argument.\",\"status\":\"INVALID_ARGUMENT\"}");
  g_ptr_array_unref (events);

  /* A bare google.rpc.Status, as python-genai treats unknown objects. */
  events = parse_ok ("{\"code\":429,\"message\":\"Quota\","
                     "\"status\":\"RESOURCE_EXHAUSTED\"}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_SERVER_ERROR, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "message"), "Quota");
  fail_unless_equals_int64 (field_int (ev (events, 0), "code"), 429);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"error\":\"boom\"}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_SERVER_ERROR, -1);
  fail_unless_equals_string (field_str (ev (events, 0), "message"), "boom");
  fail_unless (field_str (ev (events, 0), "json") == NULL);
  fail_unless_equals_int64 (field_int (ev (events, 0), "code"), -1);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"error\":{}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_SERVER_ERROR, -1);
  fail_unless (field_str (ev (events, 0), "message") == NULL);
  fail_unless_equals_string (field_str (ev (events, 0), "json"), "{}");
  g_ptr_array_unref (events);

  /* A known member present: not an error payload. */
  events = parse_ok ("{\"goAway\":{},\"code\":1,\"message\":\"m\"}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_parse_setup_and_usage_details)
{
  GPtrArray *events;
  GstGeminiLiveEvent *e;

  events = parse_ok ("{\"setupComplete\":{\"sessionId\":"
                     "\"f162d11d-434a-4212-8a31-f1a4843cad11\"}}");
  e = ev (events, 0);
  fail_unless_equals_string (
      field_str (e, "session-id"), "f162d11d-434a-4212-8a31-f1a4843cad11");
  fail_unless (field_str (e, "json") == NULL);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"setupComplete\":{\"sessionId\":\"s\","
                     "\"voiceConsentSignature\":{\"signature\":\"x\"}}}");
  e = ev (events, 0);
  fail_unless_equals_string (field_str (e, "session-id"), "s");
  fail_unless_equals_string (field_str (e, "json"),
      "{\"sessionId\":\"s\",\"voiceConsentSignature\":{\"signature\":\"x\"}}");
  g_ptr_array_unref (events);

  /* Every usage count; per-modality details stay in the JSON. */
  events = parse_ok (
      "{\"usageMetadata\":{\"promptTokenCount\":69,"
      "\"cachedContentTokenCount\":5,\"responseTokenCount\":176,"
      "\"toolUsePromptTokenCount\":\"7\",\"thoughtsTokenCount\":12,"
      "\"totalTokenCount\":245,"
      "\"promptTokensDetails\":[{\"modality\":\"AUDIO\",\"tokenCount\":58},"
      "{\"modality\":\"TEXT\",\"tokenCount\":11}],"
      "\"responseTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":26},"
      "{\"modality\":\"AUDIO\",\"tokenCount\":150}]}}");
  e = ev (events, 0);
  fail_unless_equals_int64 (field_int (e, "prompt-token-count"), 69);
  fail_unless_equals_int64 (field_int (e, "cached-content-token-count"), 5);
  fail_unless_equals_int64 (field_int (e, "response-token-count"), 176);
  fail_unless_equals_int64 (field_int (e, "tool-use-prompt-token-count"), 7);
  fail_unless_equals_int64 (field_int (e, "thoughts-token-count"), 12);
  fail_unless_equals_int64 (field_int (e, "total-token-count"), 245);
  fail_unless (strstr (field_str (e, "json"),
                   "\"responseTokensDetails\":[{\"modality\":"
                   "\"TEXT\",\"tokenCount\":26}")
      != NULL);
  g_ptr_array_unref (events);

  /* Vertex spelling, with trafficType. */
  events = parse_ok ("{\"usageMetadata\":{\"promptTokenCount\":10,"
                     "\"candidatesTokenCount\":20,\"totalTokenCount\":30,"
                     "\"candidatesTokensDetails\":[{\"modality\":\"AUDIO\","
                     "\"tokenCount\":20}],"
                     "\"trafficType\":\"ON_DEMAND\"}}");
  e = ev (events, 0);
  fail_unless_equals_int64 (field_int (e, "response-token-count"), 20);
  fail_unless_equals_int64 (field_int (e, "thoughts-token-count"), -1);
  fail_unless_equals_int64 (field_int (e, "cached-content-token-count"), -1);
  fail_unless_equals_int64 (field_int (e, "tool-use-prompt-token-count"), -1);
  fail_unless (
      strstr (field_str (e, "json"), "candidatesTokensDetails") != NULL);
  g_ptr_array_unref (events);

  /* Vertex streamed tool-call arguments. */
  events = parse_ok ("{\"toolCall\":{\"functionCalls\":[{\"id\":\"c\","
                     "\"name\":\"f\",\"args\":{},\"willContinue\":true},"
                     "{\"id\":\"d\",\"name\":\"g\"}]}}");
  fail_unless (field_bool (ev (events, 0), "will-continue"));
  fail_if (field_bool (ev (events, 1), "will-continue"));
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_parse_full_order)
{
  /* Every member, in reverse of the documented order. */
  GPtrArray *events = parse_ok (
      "{\"error\":{\"message\":\"e\"},"
      "\"goAway\":{\"timeLeft\":\"10s\"},"
      "\"sessionResumptionUpdate\":{\"newHandle\":\"h\",\"resumable\":true},"
      "\"usageMetadata\":{},"
      "\"toolCallCancellation\":{\"ids\":[\"c1\"]},"
      "\"toolCall\":{\"functionCalls\":[{\"id\":\"x\",\"name\":\"g\"}]},"
      "\"serverContent\":{\"turnComplete\":true,"
      "\"interactionStatus\":\"IDLE\",\"waitingForInput\":true,"
      "\"generationComplete\":true,"
      "\"urlContextMetadata\":{},\"groundingMetadata\":{},"
      "\"outputTranscription\":{\"text\":\"o\"},"
      "\"modelTurn\":{\"parts\":[{\"codeExecutionResult\":{}},"
      "{\"executableCode\":{}},{\"text\":\"t\"},"
      "{\"text\":\"th\",\"thought\":true}]},"
      "\"inputTranscription\":{\"text\":\"i\"},"
      "\"interimInputTranscription\":{\"text\":\"ii\"},"
      "\"interrupted\":true},"
      "\"voiceActivityDetectionSignal\":{\"vadSignalType\":\"X\"},"
      "\"voiceActivity\":{\"type\":\"ACTIVITY_START\"},"
      "\"setupComplete\":{}}");

  assert_types (events, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE,
      GST_GEMINI_LIVE_EVENT_VOICE_ACTIVITY, GST_GEMINI_LIVE_EVENT_VAD_SIGNAL,
      GST_GEMINI_LIVE_EVENT_INTERRUPTED,
      GST_GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_CODE_EXECUTION_RESULT,
      GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE, GST_GEMINI_LIVE_EVENT_TEXT,
      GST_GEMINI_LIVE_EVENT_THOUGHT, GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_GROUNDING_METADATA,
      GST_GEMINI_LIVE_EVENT_URL_CONTEXT_METADATA,
      GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
      GST_GEMINI_LIVE_EVENT_WAITING_FOR_INPUT,
      GST_GEMINI_LIVE_EVENT_INTERACTION_STATUS,
      GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, GST_GEMINI_LIVE_EVENT_TOOL_CALL,
      GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION, GST_GEMINI_LIVE_EVENT_USAGE,
      GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE,
      GST_GEMINI_LIVE_EVENT_GO_AWAY, GST_GEMINI_LIVE_EVENT_SERVER_ERROR, -1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

GST_START_TEST (test_parse_wrong_types_of_recent_fields)
{
  GPtrArray *events = parse_ok (
      "{\"voiceActivity\":[],\"voiceActivityDetectionSignal\":\"x\","
      "\"serverContent\":{\"waitingForInput\":\"yes\","
      "\"interactionStatus\":5,\"urlContextMetadata\":\"u\","
      "\"interimInputTranscription\":[],"
      "\"inputTranscription\":{\"text\":\"a\",\"languageCode\":1},"
      "\"modelTurn\":{\"parts\":[{\"executableCode\":\"x\"},"
      "{\"codeExecutionResult\":{\"output\":3,\"outcome\":[]}},"
      "{\"text\":7,\"thought\":true}]}},"
      "\"toolCall\":{\"functionCalls\":[{\"name\":\"f\","
      "\"willContinue\":\"no\"}]},"
      "\"usageMetadata\":{\"thoughtsTokenCount\":\"many\"}}");

  fail_unless (count_type (events, GST_GEMINI_LIVE_EVENT_WARNING) >= 12,
      "%u warnings", count_type (events, GST_GEMINI_LIVE_EVENT_WARNING));
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_VOICE_ACTIVITY), 0);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_VAD_SIGNAL), 0);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_WAITING_FOR_INPUT), 0);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_THOUGHT), 0);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION), 1);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_CODE_EXECUTION_RESULT), 1);
  g_ptr_array_unref (events);
}

GST_END_TEST;

/* The audio's base64 is GLib's, byte for byte, at every length remainder. */
GST_START_TEST (test_build_audio_base64_matches_glib)
{
  static const gsize sizes[]
      = { 0, 1, 2, 3, 4, 5, 6, 7, 63, 64, 65, 1280, 1281 };
  GRand *rand = g_rand_new_with_seed (42);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gsize n = sizes[i], k;
    guint8 *pcm = g_malloc (n + 1);
    gchar *json, *expected;
    JsonParser *parser = json_parser_new ();
    JsonObject *audio;

    for (k = 0; k < n; k++)
      pcm[k] = g_rand_int_range (rand, 0, 256);
    json = gst_gemini_live_protocol_build_audio (pcm, n, 16000);
    fail_unless (
        json_parser_load_from_data (parser, json, -1, NULL), "%s", json);
    audio = json_object_get_object_member (
        json_object_get_object_member (
            json_node_get_object (json_parser_get_root (parser)),
            "realtimeInput"),
        "audio");
    expected = g_base64_encode (pcm, n);
    fail_unless_equals_string (
        json_object_get_string_member (audio, "data"), expected);
    g_free (expected);
    g_object_unref (parser);
    g_free (json);
    g_free (pcm);
  }
  g_rand_free (rand);
}

GST_END_TEST;

static Suite *
protocol_suite (void)
{
  Suite *s = suite_create ("geminilive-protocol");
  TCase *tc_rec = tcase_create ("recordings");
  TCase *tc_client = tcase_create ("client");
  TCase *tc_server = tcase_create ("server");
  TCase *tc_config = tcase_create ("config");

  suite_add_tcase (s, tc_rec);
  tcase_add_test (tc_rec, test_recording_reader);
  tcase_add_test (tc_rec, test_recordings_all_parse);
  tcase_add_test (tc_rec, test_recording_tool_call);
  tcase_add_test (tc_rec, test_recording_text_session);
  tcase_add_test (tc_rec, test_recording_vertex_audio);
  tcase_add_test (tc_rec, test_plain_audio_read_without_a_tree);
  tcase_add_test (tc_rec, test_recording_transcription);
  tcase_add_test (tc_rec, test_recording_realtime_text);
  tcase_add_test (tc_rec, test_recorded_client_frames);

  suite_add_tcase (s, tc_client);
  tcase_add_test (tc_client, test_setup_default);
  tcase_add_test (tc_client, test_setup_all_options);
  tcase_add_test (tc_client, test_setup_partial);
  tcase_add_test (tc_client, test_audio_roundtrip);
  tcase_add_test (tc_client, test_video_and_stream_end);
  tcase_add_test (tc_client, test_realtime_text_escaping);
  tcase_add_test (tc_client, test_tool_response);
  tcase_add_test (tc_client, test_setup_every_field_gemini);
  tcase_add_test (tc_client, test_setup_every_field_vertex);
  tcase_add_test (tc_client, test_setup_vertex_model_paths);
  tcase_add_test (tc_client, test_setup_extra_deep_merge);
  tcase_add_test (tc_client, test_setup_numbers);
  tcase_add_test (tc_client, test_client_content);
  tcase_add_test (tc_client, test_activity_messages);
  tcase_add_test (tc_client, test_tool_response_full);
  tcase_add_test (tc_client, test_context_update);
  tcase_add_test (tc_client, test_read_tools);

  suite_add_tcase (s, tc_server);
  tcase_add_test (tc_server, test_interrupted_drops_audio);
  tcase_add_test (tc_server, test_multiple_parts);
  tcase_add_test (tc_server, test_event_order);
  tcase_add_test (tc_server, test_unknown_fields_ignored);
  tcase_add_test (tc_server, test_resumption_update);
  tcase_add_test (tc_server, test_go_away);
  tcase_add_test (tc_server, test_malformed);
  tcase_add_test (tc_server, test_bad_audio);
  tcase_add_test (tc_server, test_wrong_types);
  tcase_add_test (tc_server, test_nicks);
  tcase_add_test (tc_server, test_parse_turn_flags);
  tcase_add_test (tc_server, test_parse_parts);
  tcase_add_test (tc_server, test_parse_metadata);
  tcase_add_test (tc_server, test_parse_transcriptions);
  tcase_add_test (tc_server, test_parse_voice_activity);
  tcase_add_test (tc_server, test_parse_server_error);
  tcase_add_test (tc_server, test_parse_setup_and_usage_details);
  tcase_add_test (tc_server, test_parse_full_order);
  tcase_add_test (tc_server, test_parse_wrong_types_of_recent_fields);

  suite_add_tcase (s, tc_config);
  tcase_add_test (tc_config, test_config_init_copy);
  tcase_add_test (tc_config, test_config_validate);
  tcase_add_test (tc_config, test_config_model_path);
  tcase_add_test (tc_config, test_config_resolve_api_key);
  tcase_add_test (tc_config, test_endpoint);
  tcase_add_test (tc_config, test_config_validate_fields);
  tcase_add_test (tc_config, test_config_validate_accepts);
  tcase_add_test (tc_config, test_config_copy_every_field);
  tcase_add_test (tc_client, test_build_audio_base64_matches_glib);

  return s;
}

GST_CHECK_MAIN (protocol);
