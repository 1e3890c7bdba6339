/* gst-gemini-live: the same conversations against Google's real service.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs only with GEMINI_API_KEY set; otherwise it reports itself skipped
 * (exit code 77), since the service cannot be reached from CI.
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <string.h>

#define WAIT (60 * GST_SECOND)

static GstMessage *
wait_element_message (GstBus *bus, const gchar *name)
{
  GstClockTime deadline = gst_util_get_timestamp () + WAIT;

  while (gst_util_get_timestamp () < deadline) {
    GstMessage *msg = gst_bus_timed_pop (bus, GST_SECOND);
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *err;
      gst_message_parse_error (msg, &err, NULL);
      fail ("error from the service: %s", err->message);
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (gst_message_get_structure (msg), name))
      return msg;
    gst_message_unref (msg);
  }
  fail ("no %s from the service", name);
  return NULL;
}

static gchar *
answer_weather (GstElement *e, const gchar *id, const gchar *name,
    const gchar *args, gpointer user_data)
{
  return g_strdup ("{\"temperature_c\": 21, \"sky\": \"clear\"}");
}

static void
converse (gboolean with_tool)
{
  GstElement *element = gst_element_factory_make ("geminilive", NULL);
  GstBus *bus = gst_bus_new ();
  GstHarness *out, *in;
  GstBuffer *buf;
  gboolean ok = FALSE;
  gsize bytes = 0;

  g_object_set (element, "output-transcription", TRUE, NULL);
  if (with_tool) {
    g_object_set (element, "tools",
        "[{\"name\":\"get_weather\","
        "\"description\":\"Current weather in a city\",\"parameters\":"
        "{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\"}},"
        "\"required\":[\"city\"]}}]",
        NULL);
    g_signal_connect (element, "tool-call", G_CALLBACK (answer_weather), NULL);
  }
  gst_element_set_bus (element, bus);
  out = gst_harness_new_with_element (element, NULL, "src");
  in = gst_harness_new_with_element (element, "sink_audio", NULL);
  gst_harness_use_systemclock (out);
  gst_harness_set_src_caps_str (
      in, "audio/x-raw,format=S16LE,layout=interleaved,rate=16000,channels=1");
  gst_harness_play (out);
  gst_message_unref (wait_element_message (bus, "geminilive/setup-complete"));

  g_signal_emit_by_name (element, "send-text",
      with_tool ? "What is the weather in Paris? Use get_weather."
                : "Say hello in one short sentence.",
      &ok);
  fail_unless (ok);
  if (with_tool)
    gst_message_unref (wait_element_message (bus, "geminilive/tool-call"));
  gst_message_unref (
      wait_element_message (bus, "geminilive/generation-complete"));
  while ((buf = gst_harness_try_pull (out)) != NULL) {
    bytes += gst_buffer_get_size (buf);
    gst_buffer_unref (buf);
  }
  /* Real time passes with the system clock: some audio came out. */
  fail_unless (bytes > 0, "no audio from the service");

  gst_harness_teardown (in);
  gst_harness_teardown (out);
  gst_object_unref (bus);
}

GST_START_TEST (test_real_text_to_speech_answer)
{
  converse (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_real_tool_call)
{
  converse (TRUE);
}

GST_END_TEST;

static Suite *
real_service_suite (void)
{
  Suite *s = suite_create ("real-service");
  TCase *tc = tcase_create ("real");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_real_text_to_speech_answer);
  tcase_add_test (tc, test_real_tool_call);
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *key = g_getenv ("GEMINI_API_KEY");

  if (key == NULL || *key == '\0') {
    g_print ("GEMINI_API_KEY is not set: skipping the real-service suite\n");
    return 77;
  }
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (real_service_suite (), "real-service", __FILE__);
}
