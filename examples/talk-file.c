/* talk-file: a recorded question in, the model's spoken answer out as a
 * WAV file, and the conversation's transcript printed.
 *
 *   talk-file question.wav answer.wav [ws://simulator-uri]
 *
 * Without a URI it talks to the real Gemini Live API with $GEMINI_API_KEY.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

static void
print_transcript (const GstStructure * s)
{
  const gchar *name = gst_structure_get_name (s);
  const gchar *text = gst_structure_get_string (s, "text");

  if (g_str_equal (name, "geminilive/input-transcription"))
    g_print ("you:    %s\n", text ? text : "");
  else if (g_str_equal (name, "geminilive/output-transcription"))
    g_print ("gemini: %s\n", text ? text : "");
  else if (g_str_equal (name, "geminilive/text"))
    g_print ("gemini (text): %s\n", text ? text : "");
  else if (g_str_equal (name, "geminilive/turn-complete"))
    g_print ("-- turn complete\n");
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *gemini;
  GError *error = NULL;
  GstBus *bus;
  gchar *desc;
  gboolean done = FALSE;
  int status = 0;

  gst_init (&argc, &argv);
  if (argc < 3) {
    g_printerr ("usage: %s question.wav answer.wav [uri]\n", argv[0]);
    return 2;
  }

  /* clocksync feeds the file at the pace of speech, as a microphone
   * would; the model hears a live conversation. */
  desc = g_strdup_printf ("filesrc location=\"%s\" ! wavparse ! audioconvert "
      "! audioresample ! clocksync ! geminilive name=gemini "
      "input-transcription=true output-transcription=true "
      "! wavenc ! filesink location=\"%s\"", argv[1], argv[2]);
  pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  if (error != NULL) {
    /* Also a missing element, which still gives a pipeline. */
    g_printerr ("pipeline: %s\n", error->message);
    return 1;
  }
  gemini = gst_bin_get_by_name (GST_BIN (pipeline), "gemini");
  if (argc > 3)
    g_object_set (gemini, "uri", argv[3], NULL);
  gst_object_unref (gemini);

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *msg = gst_bus_timed_pop (bus, 60 * GST_SECOND);

    if (msg == NULL) {
      g_printerr ("no answer within a minute\n");
      status = 1;
      break;
    }
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ELEMENT:
        print_transcript (gst_message_get_structure (msg));
        break;
      case GST_MESSAGE_ERROR:{
        GError *err;
        gst_message_parse_error (msg, &err, NULL);
        g_printerr ("error: %s\n", err->message);
        g_error_free (err);
        status = 1;
        done = TRUE;
        break;
      }
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  if (status == 0)
    g_print ("answer written to %s\n", argv[2]);
  return status;
}
