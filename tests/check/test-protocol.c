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

/* TEMPORARY, with the guard in the header. */
#define GST_GEMINI_LIVE_PROTOCOL_NEW_EVENTS
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

/* Asserts the exact sequence of event types; end the list with -1. */
static void
assert_types (GPtrArray *events, ...)
{
  va_list args;
  guint i = 0;
  gint type;

  va_start (args, events);
  while ((type = va_arg (args, gint)) >= 0)
    {
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

  fail_unless (frames != NULL, "cannot load %s from %s", name,
               recording_data_dir ());
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
  for (i = 0; i < frames->len && found == NULL; i++)
    {
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
  fail_unless_equals_string (
      frame->json,
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

  for (i = 0; i < names->len; i++)
    {
      const gchar *name = g_ptr_array_index (names, i);
      GPtrArray *frames = load_server_frames (name);

      fail_unless (frames->len > 0, "%s has no server frame", name);
      for (j = 0; j < frames->len; j++)
        {
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
  fail_unless (ev (events, 0)->text == NULL);
  g_ptr_array_unref (events);

  /* A half-cascade model's executableCode part before the toolCall. */
  events = parse_ok (g_ptr_array_index (frames, 1));
  assert_types (events, GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE, -1);
  e = ev (events, 0);
  fail_unless_equals_string (e->id, "PYTHON");
  fail_unless_equals_string (
      e->text, "print(default_api.get_current_weather(location='Redmond, WA'))");
  g_ptr_array_unref (events);

  events = parse_ok (g_ptr_array_index (frames, 2));
  assert_types (events, GST_GEMINI_LIVE_EVENT_TOOL_CALL, -1);
  e = ev (events, 0);
  fail_unless_equals_string (e->id, "function-call-5831923424298605773");
  fail_unless_equals_string (e->text, "get_current_weather");
  fail_unless_equals_string (e->json, "{\"location\":\"Redmond, WA\"}");
  g_ptr_array_unref (events);
  g_ptr_array_unref (frames);

  frames = load_server_frames (REC_VERTEX_TOOL);
  fail_unless_equals_int (frames->len, 3);
  events = parse_ok (g_ptr_array_index (frames, 1));
  assert_types (events, GST_GEMINI_LIVE_EVENT_TOOL_CALL, -1);
  e = ev (events, 0);
  fail_unless_equals_string (e->id, "8acdafcd-9c55-44be-84da-da3d2612f9d1");
  fail_unless_equals_string (e->text, "get_current_weather");
  fail_unless_equals_string (e->json, "{\"location\":\"Redmond, WA\"}");
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
  fail_unless (ev (events, 0)->text == NULL);
  e = ev (events, 1);
  fail_unless_equals_int64 (e->prompt_tokens, 515);
  fail_unless_equals_int64 (e->response_tokens, 38);
  fail_unless_equals_int64 (e->total_tokens, 553);
  fail_unless (e->json != NULL);
  fail_unless (g_str_has_prefix (e->json, "{\"promptTokenCount\":515,"));
  fail_unless (strstr (e->json, "\"responseTokensDetails\":[{\"modality\":"
                                "\"TEXT\",\"tokenCount\":38}]")
                   != NULL,
               "%s", e->json);
  fail_if (strchr (e->json, '\n') != NULL);
  g_ptr_array_unref (events);
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
  fail_unless_equals_string (ev (events, 0)->text,
                             "76a08a7c-b027-40a9-9b14-f3090b59148f");
  g_ptr_array_unref (events);

  for (i = 0; i < G_N_ELEMENTS (expected_sizes); i++)
    {
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
                  json_object_get_object_member (json_node_get_object (root),
                                                 "serverContent"),
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
  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      events = parse_ok (g_ptr_array_index (frames, i + 1));
      assert_types (events, GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION, -1);
      fail_unless_equals_string (ev (events, 0)->text, texts[i]);
      fail_if (ev (events, 0)->flag);
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
  fail_unless_equals_string (ev (events, 0)->text, "We");
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
  fail_unless_equals_string (ev (events, 0)->text, "Yes, I'");
  g_ptr_array_unref (events);
  events = parse_ok (g_ptr_array_index (frames, 2));
  assert_types (events, GST_GEMINI_LIVE_EVENT_TEXT, -1);
  fail_unless_equals_string (ev (events, 0)->text,
                             "m here! How can I help you today?");
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
  fail_unless_equals_string (
      json, "{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\","
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
  fail_unless_equals_string (
      json, "{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\","
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
  fail_unless_equals_string (
      json,
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
  fail_unless_equals_string (json_object_get_string_member (blob, "mimeType"),
                             mime);
  decoded = g_base64_decode (json_object_get_string_member (blob, "data"),
                             &decoded_size);
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

  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gchar *json = gst_gemini_live_protocol_build_audio (
          pcm, sizes[i], GST_GEMINI_LIVE_INPUT_RATE);

      check_blob (json, "audio", "audio/pcm;rate=16000", pcm, sizes[i]);
      fail_unless (g_str_has_prefix (
          json, "{\"realtimeInput\":{\"audio\":"
                "{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\""));
      g_free (json);
    }

  {
    gchar *json = gst_gemini_live_protocol_build_audio (NULL, 0, 16000);

    fail_unless_equals_string (
        json, "{\"realtimeInput\":{\"audio\":"
              "{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"\"}}}");
    g_free (json);
    json = gst_gemini_live_protocol_build_audio (pcm, 3, 48000);
    fail_unless_equals_string (
        json, "{\"realtimeInput\":{\"audio\":"
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
  json = gst_gemini_live_protocol_build_video (jpeg, sizeof (jpeg),
                                               "image/jpeg");
  check_blob (json, "video", "image/jpeg", jpeg, sizeof (jpeg));
  g_free (json);

  /* A hostile MIME type cannot break out of its string. */
  json = gst_gemini_live_protocol_build_video (jpeg, 3, "image/x\"\\\n");
  check_blob (json, "video", "image/x\"\\\n", jpeg, 3);
  g_free (json);

  json = gst_gemini_live_protocol_build_audio_stream_end ();
  fail_unless_equals_string (json,
                             "{\"realtimeInput\":{\"audioStreamEnd\":true}}");
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
          json_object_get_object_member (json_node_get_object (root),
                                         "realtimeInput"),
          "text"),
      text);
  json_node_unref (root);
  g_free (json);

  /* Invalid UTF-8 is repaired, never sent as is. */
  json = gst_gemini_live_protocol_build_realtime_text ("ok \xff\xfe bad");
  fail_unless (g_utf8_validate (json, -1, NULL));
  root = json_parse_or_fail (json);
  repaired = g_strdup (json_object_get_string_member (
      json_object_get_object_member (json_node_get_object (root),
                                     "realtimeInput"),
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

  json = gst_gemini_live_protocol_build_tool_response (
      "id\"1", "na\"me",
      "{ \"text\": \"line\\nquote\\\"\", \"n\": [1, 2.5, true, null] }",
      &error);
  fail_unless (json != NULL);
  fail_unless_equals_string (
      json, "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"id\\\"1\","
            "\"name\":\"na\\\"me\",\"response\":{\"text\":\"line\\nquote\\\"\","
            "\"n\":[1,2.5,true,null]}}]}}");
  g_free (json);

  /* Non-object results are wrapped; no id for Vertex. */
  json = gst_gemini_live_protocol_build_tool_response (NULL, "f", "42", NULL);
  fail_unless_equals_string (
      json, "{\"toolResponse\":{\"functionResponses\":"
            "[{\"name\":\"f\",\"response\":{\"result\":42}}]}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_tool_response ("a", "f", "\"sunny\"",
                                                       NULL);
  fail_unless_equals_string (
      json,
      "{\"toolResponse\":{\"functionResponses\":"
      "[{\"id\":\"a\",\"name\":\"f\",\"response\":{\"result\":\"sunny\"}}]}}");
  g_free (json);
  json
      = gst_gemini_live_protocol_build_tool_response ("a", "f", "[1,{}]", NULL);
  fail_unless_equals_string (
      json,
      "{\"toolResponse\":{\"functionResponses\":"
      "[{\"id\":\"a\",\"name\":\"f\",\"response\":{\"result\":[1,{}]}}]}}");
  g_free (json);
  json = gst_gemini_live_protocol_build_tool_response ("a", "f", NULL, NULL);
  fail_unless_equals_string (
      json, "{\"toolResponse\":{\"functionResponses\":"
            "[{\"id\":\"a\",\"name\":\"f\",\"response\":{}}]}}");
  g_free (json);

  /* Invalid JSON: an error naming the problem. */
  json = gst_gemini_live_protocol_build_tool_response ("a", "get_weather",
                                                       "{\"temp\": ", &error);
  fail_unless (json == NULL);
  fail_unless (g_error_matches (error, GST_GEMINI_LIVE_PROTOCOL_ERROR,
                                GST_GEMINI_LIVE_PROTOCOL_ERROR_INVALID));
  fail_unless (strstr (error->message, "get_weather") != NULL, "%s",
               error->message);
  fail_unless (strstr (error->message, "not valid JSON") != NULL, "%s",
               error->message);
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
    json = gst_gemini_live_protocol_build_tool_response ("a", "f", deep->str,
                                                         &error);
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
                GST_GEMINI_LIVE_EVENT_TEXT, GST_GEMINI_LIVE_EVENT_TURN_COMPLETE,
                -1);
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
  assert_types (
      events, GST_GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_AUDIO, GST_GEMINI_LIVE_EVENT_THOUGHT,
      GST_GEMINI_LIVE_EVENT_TEXT, GST_GEMINI_LIVE_EVENT_EXECUTABLE_CODE,
      GST_GEMINI_LIVE_EVENT_AUDIO, GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
      GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, GST_GEMINI_LIVE_EVENT_USAGE, -1);
  fail_unless_equals_string (ev (events, 0)->text, "Hi there");
  fail_if (ev (events, 0)->flag);
  audio = ev (events, 1)->audio;
  fail_unless_equals_int (g_bytes_get_size (audio), 4);
  fail_unless (memcmp (g_bytes_get_data (audio, NULL), pcm1, 4) == 0);
  fail_unless_equals_string (ev (events, 2)->text, "thinking...");
  fail_unless_equals_string (ev (events, 3)->text, "Hello");
  fail_unless_equals_string (ev (events, 4)->text, "x");
  fail_unless_equals_string (ev (events, 4)->id, "PYTHON");
  audio = ev (events, 5)->audio;
  fail_unless_equals_int (g_bytes_get_size (audio), 4);
  fail_unless (memcmp (g_bytes_get_data (audio, NULL), pcm2, 4) == 0);
  fail_unless_equals_string (ev (events, 6)->text, "Hello");
  fail_unless (ev (events, 6)->flag);
  fail_unless_equals_string (ev (events, 8)->text, "NEED_MORE_INPUT");
  /* Vertex spelling of the response count; int64 as a string. */
  fail_unless_equals_int64 (ev (events, 9)->prompt_tokens, 10);
  fail_unless_equals_int64 (ev (events, 9)->response_tokens, 20);
  fail_unless_equals_int64 (ev (events, 9)->total_tokens, 30);
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

  assert_types (
      events, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE,
      GST_GEMINI_LIVE_EVENT_INTERRUPTED, GST_GEMINI_LIVE_EVENT_TEXT,
      GST_GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
      GST_GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
      GST_GEMINI_LIVE_EVENT_TURN_COMPLETE, GST_GEMINI_LIVE_EVENT_TOOL_CALL,
      GST_GEMINI_LIVE_EVENT_TOOL_CALL,
      GST_GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION, GST_GEMINI_LIVE_EVENT_USAGE,
      GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE,
      GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);

  /* A finished transcription without text still counts. */
  fail_unless_equals_string (ev (events, 3)->text, "");
  fail_unless (ev (events, 3)->flag);

  e = ev (events, 6);
  fail_unless (e->id == NULL);
  fail_unless_equals_string (e->text, "f");
  fail_unless_equals_string (e->json, "{}");
  e = ev (events, 7);
  fail_unless_equals_string (e->id, "x");
  fail_unless_equals_string (e->text, "g");
  fail_unless_equals_string (e->json, "{\"a\":[1,\"é\"]}");

  e = ev (events, 8);
  fail_unless_equals_int (g_strv_length (e->ids), 2);
  fail_unless_equals_string (e->ids[0], "c1");
  fail_unless_equals_string (e->ids[1], "c2");

  e = ev (events, 9);
  fail_unless_equals_string (e->json, "{}");
  fail_unless_equals_int64 (e->prompt_tokens, -1);
  fail_unless_equals_int64 (e->response_tokens, -1);
  fail_unless_equals_int64 (e->total_tokens, -1);

  e = ev (events, 10);
  fail_unless_equals_string (e->text, "h");
  fail_unless (e->flag);
  fail_unless_equals_int64 (e->index, -1);

  fail_unless_equals_uint64 (ev (events, 11)->time_left,
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
  fail_unless_equals_string (ev (events, 0)->text, "a");
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
  fail_unless_equals_string (e->text, "test_handle");
  fail_unless (e->flag);
  fail_unless_equals_int64 (e->index, 123456789);
  g_ptr_array_unref (events);

  events
      = parse_ok ("{\"sessionResumptionUpdate\":{\"newHandle\":\"h2\","
                  "\"resumable\":true,\"lastConsumedClientMessageIndex\":42}}");
  fail_unless_equals_int64 (ev (events, 0)->index, 42);
  g_ptr_array_unref (events);

  events
      = parse_ok ("{\"sessionResumptionUpdate\":{"
                  "\"lastConsumedClientMessageIndex\":\"9007199254740993\"}}");
  fail_unless_equals_int64 (ev (events, 0)->index,
                            G_GINT64_CONSTANT (9007199254740993));
  g_ptr_array_unref (events);

  /* Not resumable: empty handle is NULL, not "". */
  events = parse_ok ("{\"sessionResumptionUpdate\":{\"newHandle\":\"\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE, -1);
  e = ev (events, 0);
  fail_unless (e->text == NULL);
  fail_if (e->flag);
  fail_unless_equals_int64 (e->index, -1);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"sessionResumptionUpdate\":{}}");
  fail_unless (ev (events, 0)->text == NULL);
  g_ptr_array_unref (events);

  /* An index that is not an integer: warning, -1. */
  events = parse_ok ("{\"sessionResumptionUpdate\":{\"newHandle\":\"h\","
                     "\"lastConsumedClientMessageIndex\":\"12x\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING,
                GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE, -1);
  fail_unless_equals_int64 (ev (events, 1)->index, -1);
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

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 ns = 12345;
      gboolean ok = gst_gemini_live_protocol_parse_duration (cases[i].str, &ns);

      fail_unless_equals_int (ok, cases[i].ok);
      if (ok)
        fail_unless_equals_uint64 (ns, cases[i].ns);
    }
  fail_if (gst_gemini_live_protocol_parse_duration (NULL, NULL));

  events = parse_ok ("{\"goAway\":{\"timeLeft\":\"50s\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);
  fail_unless_equals_uint64 (ev (events, 0)->time_left,
                             G_GUINT64_CONSTANT (50000000000));
  g_ptr_array_unref (events);

  events = parse_ok ("{\"goAway\":{\"timeLeft\":\"9.5s\"}}");
  fail_unless_equals_uint64 (ev (events, 0)->time_left,
                             G_GUINT64_CONSTANT (9500000000));
  g_ptr_array_unref (events);

  events = parse_ok ("{\"goAway\":{}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);
  fail_unless_equals_uint64 (ev (events, 0)->time_left, G_MAXUINT64);
  g_ptr_array_unref (events);

  events = parse_ok ("{\"goAway\":{\"timeLeft\":\"soon\"}}");
  assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING,
                GST_GEMINI_LIVE_EVENT_GO_AWAY, -1);
  fail_unless_equals_uint64 (ev (events, 1)->time_left, G_MAXUINT64);
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
  fail_unless (gst_gemini_live_protocol_check_depth (deep->str, deep->len, 64));
  fail_if (gst_gemini_live_protocol_check_depth (deep->str, deep->len, 63));
  events = parse_ok (deep->str);
  assert_types (events, GST_GEMINI_LIVE_EVENT_TOOL_CALL, -1);
  g_ptr_array_unref (events);
  g_string_free (deep, TRUE);

  /* The message quotes at most 64 characters of the frame. */
  long_frame = g_strdup_printf ("{\"serverContent\": %0200d MARKER", 7);
  events = gst_gemini_live_protocol_parse (long_frame, strlen (long_frame),
                                           &error);
  fail_unless (events == NULL);
  fail_unless (strstr (error->message, "{\"serverContent\":") != NULL, "%s",
               error->message);
  fail_if (strstr (error->message, "MARKER") != NULL);
  fail_if (strstr (error->message, "0000000000000000000000000000000000000000"
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
  static const gchar *invalid[]
      = {
          "AA!A",    "A",   "AAAAA", "AA=A", "A===", "AA AA",
          "AA\\nAA", "AQ=", "=AAA",  "AB==", /* non-zero trailing bits */
        };
  GPtrArray *events;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      events = parse_audio_data (invalid[i]);
      assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING, -1);
      fail_unless (strstr (ev (events, 0)->text, "base64") != NULL, "%s",
                   ev (events, 0)->text);
      g_ptr_array_unref (events);
    }

  /* Odd byte count: last byte dropped, with a warning. */
  events = parse_audio_data ("AQID");
  assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING,
                GST_GEMINI_LIVE_EVENT_AUDIO, -1);
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
  assert_types (events, GST_GEMINI_LIVE_EVENT_WARNING,
                GST_GEMINI_LIVE_EVENT_AUDIO, -1);
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
               "%u warnings",
               count_type (events, GST_GEMINI_LIVE_EVENT_WARNING));
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_TURN_COMPLETE), 0);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_INTERRUPTED), 0);
  fail_unless_equals_int (
      count_type (events, GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE), 0);
  fail_unless_equals_int (count_type (events, GST_GEMINI_LIVE_EVENT_AUDIO), 0);
  /* The part with a malformed "thought" is still text. */
  fail_unless_equals_int (count_type (events, GST_GEMINI_LIVE_EVENT_TEXT), 1);
  for (i = 0; i < events->len; i++)
    {
      e = ev (events, i);
      if (e->type == GST_GEMINI_LIVE_EVENT_WARNING)
        {
          fail_unless (e->text != NULL && *e->text != '\0');
        }
      else if (e->type == GST_GEMINI_LIVE_EVENT_TOOL_CALL)
        {
          fail_unless (e->id == NULL);
          fail_unless_equals_string (e->text, "f");
          fail_unless_equals_string (e->json, "{}");
        }
      else if (e->type == GST_GEMINI_LIVE_EVENT_USAGE)
        {
          fail_unless_equals_int64 (e->prompt_tokens, -1);
          fail_unless_equals_int64 (e->response_tokens, 2);
          fail_unless_equals_int64 (e->total_tokens, -1);
        }
      else if (e->type == GST_GEMINI_LIVE_EVENT_GO_AWAY)
        {
          fail_unless_equals_uint64 (e->time_left, G_MAXUINT64);
        }
    }
  g_ptr_array_unref (events);

  /* Every top-level member of the wrong type. */
  events = parse_ok (
      "{\"setupComplete\":1,\"serverContent\":[],"
      "\"toolCall\":\"x\",\"toolCallCancellation\":2,\"usageMetadata\":[],"
      "\"sessionResumptionUpdate\":false,\"goAway\":\"50s\"}");
  fail_unless_equals_int (count_type (events, GST_GEMINI_LIVE_EVENT_WARNING),
                          7);
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
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (nicks); i++)
    fail_unless_equals_string (gst_gemini_live_event_type_nick (i), nicks[i]);
  fail_unless_equals_int (GST_GEMINI_LIVE_EVENT_WARNING + 1,
                          G_N_ELEMENTS (nicks));
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
  fail_unless_equals_int (config.response_modality,
                          GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO);
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
  REPLACE (tools_json,
           "[{\"name\":\"ok\"},{\"name\":\"bad name " SECRET_KEY "\"}]");
}

static void
m_tools_long_name (GstGeminiLiveConfig *config)
{
  REPLACE (tools_json, "[{\"name\":\"a23456789012345678901234567890123456789"
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
    { m_key_null, "No API key: set the 'api-key' property or the "
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

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gst_gemini_live_config_init (&config);
      config.api_key = g_strdup (SECRET_KEY);
      cases[i].mutate (&config);

      fail_if (gst_gemini_live_config_validate (&config, &error),
               "case %u validated", i);
      fail_unless (g_error_matches (error, GST_GEMINI_LIVE_CONFIG_ERROR,
                                    GST_GEMINI_LIVE_CONFIG_ERROR_INVALID),
                   "case %u", i);
      fail_unless (strstr (error->message, cases[i].expected) != NULL,
                   "case %u: '%s' lacks '%s'", i, error->message,
                   cases[i].expected);
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
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gchar *path;

      g_free (config.model);
      config.model = g_strdup (cases[i].model);
      path = gst_gemini_live_config_model_path (&config);
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

  suite_add_tcase (s, tc_config);
  tcase_add_test (tc_config, test_config_init_copy);
  tcase_add_test (tc_config, test_config_validate);
  tcase_add_test (tc_config, test_config_model_path);
  tcase_add_test (tc_config, test_config_resolve_api_key);

  return s;
}

GST_CHECK_MAIN (protocol);
