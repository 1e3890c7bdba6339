/* gst-gemini-live: each backend and model gets only what it accepts.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Settings one backend or model lacks are refused at NULL -> READY with
 * an error naming the property; at run time the element adapts (the end
 * of input on Vertex AI) or refuses an action with a warning. What does
 * go on the wire is checked against the simulator's own rules by the
 * conformance test.
 */
#include <string.h>

#include "fixture.h"

#define ANSWER_BYTES (1200 * 24 * 2)

static GstElement *
element_with (const gchar *first_property, ...)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);
  va_list args;

  fail_unless (element != NULL);
  g_object_set (element, "api-key", TEST_KEY, NULL);
  va_start (args, first_property);
  g_object_set_valist (G_OBJECT (element), first_property, args);
  va_end (args);
  return element;
}

/* NULL -> READY refuses, with an error naming `names` and `also`. */
static void
check_refused (GstElement *element, const gchar *names, const gchar *also)
{
  GError *err = state_change_error (element, GST_STATE_READY, TRUE, names);

  fail_unless (
      also == NULL || strstr (err->message, also) != NULL, "%s", err->message);
  g_error_free (err);
  gst_object_unref (element);
}

static void
check_accepted (GstElement *element)
{
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  gst_element_set_state (element, GST_STATE_NULL);
  gst_object_unref (element);
}

#define VERTEX_PROPS                                                           \
  "backend", 1, "vertex-project", "p", "access-token", "ya29.token",           \
      "api-key", NULL

/* ---- the backends ------------------------------------------------------ */

GST_START_TEST (test_gemini_api_only_settings_refused_on_vertex)
{
  check_refused (
      element_with (VERTEX_PROPS, "translation-target-language", "ja", NULL),
      "translation-target-language", "Vertex AI");
  check_refused (element_with (VERTEX_PROPS,
                     "initial-history-in-client-content", TRUE, NULL),
      "initial-history-in-client-content", "Vertex AI");
  check_refused (element_with (VERTEX_PROPS, "tools", TOOLS_NON_BLOCKING, NULL),
      "tools", "NON_BLOCKING");
  /* The same settings on the Gemini API are fine (a model that has
   * translation, one that has NON_BLOCKING functions). */
  check_accepted (element_with ("model", "gemini-3.5-live-translate-preview",
      "translation-target-language", "ja", NULL));
  check_accepted (element_with (
      "model", "gemini-3.8-live", "tools", TOOLS_NON_BLOCKING, NULL));
  check_accepted (
      element_with ("initial-history-in-client-content", TRUE, NULL));
}

GST_END_TEST;

GST_START_TEST (test_vertex_only_settings_refused_on_the_gemini_api)
{
  check_refused (element_with ("transparent-resumption", TRUE, NULL),
      "transparent-resumption", "Vertex AI");
}

GST_END_TEST;

/* Vertex AI has no audioStreamEnd: at EOS the element sends enough
 * silence for the server's activity detection to end the turn, and the
 * model answers it. */
GST_START_TEST (test_vertex_end_of_input_is_silence)
{
  Fixture f;
  GPtrArray *ends;
  gsize before;

  fixture_endpoint = ENDPOINT_VERTEX;
  fixture_setup (&f, VERTEX_PROPS, "model", "gemini-live-2.5-flash", NULL);
  start_with_handle (&f);
  push_bytes (&f, make_tone (600, 8000));
  before = gls_sim_get_received_audio_size (f.sim);
  fail_unless (gst_harness_push_event (f.in, gst_event_new_eos ()));
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  ends = client_messages_of (&f, "audioStreamEnd");
  fail_unless_equals_int (ends->len, 0);
  fail_unless (gls_sim_get_received_audio_size (f.sim) >= before + 32 * 800);
  g_ptr_array_unref (ends);
  fixture_teardown (&f);
}

GST_END_TEST;

/* So does the audio-stream-end signal. */
GST_START_TEST (test_vertex_audio_stream_end_signal_is_silence)
{
  Fixture f;
  GPtrArray *ends;
  gboolean ok = FALSE;
  gsize before;

  fixture_endpoint = ENDPOINT_VERTEX;
  fixture_setup (&f, VERTEX_PROPS, "model", "gemini-live-2.5-flash", NULL);
  start_with_handle (&f);
  before = gls_sim_get_received_audio_size (f.sim);
  g_signal_emit_by_name (f.element, "audio-stream-end", &ok);
  fail_unless (ok);
  fail_unless (gls_sim_wait_received_audio (f.sim, before + 32 * 800, WAIT_MS));
  ends = client_messages_of (&f, "audioStreamEnd");
  fail_unless_equals_int (ends->len, 0);
  g_ptr_array_unref (ends);
  fixture_teardown (&f);
}

GST_END_TEST;

/* scheduling and willContinue are for NON_BLOCKING calls, which Vertex
 * AI does not have: left out, with one warning, and the call answered. */
GST_START_TEST (test_vertex_tool_response_without_non_blocking_fields)
{
  GstStructure *options;
  Fixture f;
  ToolCallSeen seen = { NULL, NULL, NULL, FALSE };
  GPtrArray *msgs;
  gboolean ok = FALSE;

  fixture_endpoint = ENDPOINT_VERTEX;
  fixture_setup (
      &f, VERTEX_PROPS, "model", "gemini-live-2.5-flash", "tools", TOOLS, NULL);
  g_signal_connect (f.element, "tool-call", G_CALLBACK (on_tool_call), &seen);
  start_with_handle (&f);
  g_signal_emit_by_name (f.element, "send-text", "call get_weather", &ok);
  gst_message_unref (wait_message (&f, "geminilive/tool-call"));
  options = gst_structure_new ("options", "scheduling", G_TYPE_STRING, "silent",
      "will-continue", G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "{\"temp_c\": 20}", options, &ok);
  fail_unless (ok);
  gst_message_unref (wait_message (&f, "warning"));
  fail_unless (gls_sim_wait_message_kind (f.sim, "toolResponse", WAIT_MS));
  msgs = client_messages_of (&f, "toolResponse");
  fail_unless (strstr (g_ptr_array_index (msgs, 0), "scheduling") == NULL);
  fail_unless (strstr (g_ptr_array_index (msgs, 0), "willContinue") == NULL);
  g_ptr_array_unref (msgs);
  /* Answered: a second response for it is refused. */
  gst_structure_set (options, "error", G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (f.element, "send-tool-response", seen.id,
      "get_weather", "late", options, &ok);
  fail_if (ok);
  gst_structure_free (options);
  fail_unless (gls_sim_wait_answers_sent (f.sim, 1, WAIT_MS));
  g_free (seen.id);
  g_free (seen.name);
  g_free (seen.args);
  fixture_teardown (&f);
}

GST_END_TEST;

/* A model Vertex AI does not know is not retried. */
GST_START_TEST (test_vertex_unknown_model_is_fatal_at_once)
{
  Fixture f;
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;

  fixture_endpoint = ENDPOINT_VERTEX;
  fixture_setup (&f, VERTEX_PROPS, "model", "no-such-model", NULL);
  f.invalid_on_purpose = TRUE;
  gst_harness_play (f.out);
  msg = wait_message (&f, "error");
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (
      strstr (err->message, "Publisher Model") != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "1008") != NULL, "%s", err->message);
  fail_unless_equals_int (gls_sim_get_connection_count (f.sim), 1);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- the models -------------------------------------------------------- */

GST_START_TEST (test_model_rules_at_ready)
{
  /* 3.1 Flash Live: no proactive audio, no affective dialog, synchronous
   * functions only, no thinking budget. */
  check_refused (element_with ("proactive-audio", TRUE, NULL),
      "proactive-audio", "gemini-3.1-flash-live-preview");
  check_refused (element_with ("affective-dialog", TRUE, NULL),
      "affective-dialog", "gemini-3.1-flash-live-preview");
  check_refused (element_with ("tools", TOOLS_NON_BLOCKING, NULL), "tools",
      "NON_BLOCKING");
  check_refused (
      element_with ("thinking-budget", 512, NULL), "thinking-budget", NULL);
  /* Native-audio models answer in audio only. */
  check_refused (element_with ("response-modality", 1, NULL),
      "response-modality", "audio");
  /* 3.8 Live has no thinking settings. */
  check_refused (
      element_with ("model", "gemini-3.8-live", "thinking-level", 2, NULL),
      "thinking-level", "gemini-3.8-live");
  /* 2.5 native audio: affective dialog on v1alpha only. */
  check_refused (
      element_with ("model", "gemini-2.5-flash-native-audio-preview-12-2025",
          "affective-dialog", TRUE, NULL),
      "affective-dialog", "v1alpha");
  check_accepted (
      element_with ("model", "gemini-2.5-flash-native-audio-preview-12-2025",
          "affective-dialog", TRUE, "api-version", 2, NULL));
  /* What the models do take. */
  check_accepted (element_with ("thinking-level", 2, NULL));
  check_accepted (element_with ("model", "gemini-live-2.5-flash-preview",
      "response-modality", 1, "code-execution", TRUE, NULL));
  /* Unknown models pass unchecked, and the checks can be turned off. */
  check_accepted (element_with (
      "model", "gemini-9-live-future", "proactive-audio", TRUE, NULL));
  check_accepted (
      element_with ("proactive-audio", TRUE, "model-checks", FALSE, NULL));
}

GST_END_TEST;

/* 3.1 takes client content only as initial history: refused without
 * initial-history-in-client-content, and after any other input. */
GST_START_TEST (test_client_content_only_as_initial_history)
{
  Fixture f;
  gboolean ok = TRUE;
  GPtrArray *msgs;

  fixture_setup (&f, NULL);
  start_with_handle (&f);
  g_signal_emit_by_name (f.element, "send-client-content", "Hello", TRUE, &ok);
  fail_if (ok);
  gst_message_unref (wait_message (&f, "warning"));
  fixture_teardown (&f);

  fixture_setup (&f, "initial-history-in-client-content", TRUE, NULL);
  start_with_handle (&f);
  g_signal_emit_by_name (f.element, "send-client-content",
      "[{\"role\":\"user\",\"parts\":[{\"text\":\"My name is Ada.\"}]},"
      "{\"role\":\"model\",\"parts\":[{\"text\":\"Hello Ada.\"}]}]",
      TRUE, &ok);
  fail_unless (ok);
  fail_unless (gls_sim_wait_message_kind (f.sim, "clientContent", WAIT_MS));
  /* The history is over: more is refused. */
  g_signal_emit_by_name (f.element, "send-client-content", "More", TRUE, &ok);
  fail_if (ok);
  gst_message_unref (wait_message (&f, "warning"));
  push_bytes (&f, make_tone (200, 0));
  fail_unless (gls_sim_wait_received_audio (f.sim, 200 * 32, WAIT_MS));
  msgs = client_messages_of (&f, "clientContent");
  fail_unless_equals_int (msgs->len, 1);
  g_ptr_array_unref (msgs);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_update_context_refused_where_unsupported)
{
  Fixture f;
  gboolean ok = TRUE;

  fixture_setup (&f, NULL);
  start_with_handle (&f);
  g_signal_emit_by_name (f.element, "update-context", "Be brief.", NULL, &ok);
  fail_if (ok);
  gst_message_unref (wait_message (&f, "warning"));
  push_bytes (&f, make_tone (200, 0));
  fail_unless (gls_sim_wait_received_audio (f.sim, 200 * 32, WAIT_MS));
  fail_if (gls_sim_wait_message_kind (f.sim, "contextUpdate", 0));
  fixture_teardown (&f);
}

GST_END_TEST;

/* ---- update-context makes a new baseline ------------------------------- */

static gchar *
setup_json (Fixture *f, guint index)
{
  GPtrArray *setups = client_messages_of (f, "setup");
  gchar *json;

  fail_unless (setups->len > index);
  json = g_strdup (g_ptr_array_index (setups, index));
  g_ptr_array_unref (setups);
  return json;
}

/* The built-in tools set by properties stay in the update, and the
 * update is what the resumed setup carries after a goAway. */
GST_START_TEST (test_update_context_keeps_builtins_and_is_the_baseline)
{
  Fixture f;
  GPtrArray *updates;
  gboolean ok = FALSE;
  gchar *setup;

  fixture_setup (&f, "model", "gemini-3.8-live", "google-search", TRUE,
      "system-instruction", "Speak English.", "tools", TOOLS, NULL);
  start_with_handle (&f);
  g_signal_emit_by_name (f.element, "update-context", "Speak French.",
      "[{\"name\":\"get_time\",\"description\":\"The time\"}]", &ok);
  fail_unless (ok);
  fail_unless (gls_sim_wait_message_kind (f.sim, "contextUpdate", WAIT_MS));
  updates = client_messages_of (&f, "contextUpdate");
  fail_unless (strstr (g_ptr_array_index (updates, 0), "get_time") != NULL);
  fail_unless (strstr (g_ptr_array_index (updates, 0), "googleSearch") != NULL,
      "the property's built-in tool is gone: %s",
      (gchar *)g_ptr_array_index (updates, 0));
  fail_unless (strstr (g_ptr_array_index (updates, 0), "get_weather") == NULL);
  g_ptr_array_unref (updates);

  /* The handle that covers the update, then a move to a new connection. */
  gls_sim_send_resumption_update (f.sim);
  gst_message_unref (wait_message (&f, "geminilive/session-resumption-update"));
  gls_sim_go_away (f.sim, 5000);
  gst_message_unref (wait_message (&f, "geminilive/reconnected"));
  setup = setup_json (&f, 1);
  fail_unless (strstr (setup, "Speak French.") != NULL, "%s", setup);
  fail_unless (strstr (setup, "Speak English.") == NULL, "%s", setup);
  fail_unless (strstr (setup, "get_time") != NULL, "%s", setup);
  fail_unless (strstr (setup, "googleSearch") != NULL, "%s", setup);
  fail_unless (strstr (setup, "get_weather") == NULL, "%s", setup);
  g_free (setup);
  fixture_teardown (&f);
}

GST_END_TEST;

static Suite *
backends_suite (void)
{
  Suite *s = suite_create ("backends");
  TCase *tc = tcase_create ("rules");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, NULL, teardown_leftovers);
  tcase_add_test (tc, test_gemini_api_only_settings_refused_on_vertex);
  tcase_add_test (tc, test_vertex_only_settings_refused_on_the_gemini_api);
  tcase_add_test (tc, test_vertex_end_of_input_is_silence);
  tcase_add_test (tc, test_vertex_audio_stream_end_signal_is_silence);
  tcase_add_test (tc, test_vertex_tool_response_without_non_blocking_fields);
  tcase_add_test (tc, test_vertex_unknown_model_is_fatal_at_once);
  tcase_add_test (tc, test_model_rules_at_ready);
  tcase_add_test (tc, test_client_content_only_as_initial_history);
  tcase_add_test (tc, test_update_context_refused_where_unsupported);
  tcase_add_test (tc, test_update_context_keeps_builtins_and_is_the_baseline);
  return s;
}

GST_CHECK_MAIN (backends);
