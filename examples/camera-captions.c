/* camera-captions: camera and microphone to the model; the model's answers
 * are spoken and shown as live captions over the video.
 *
 *   camera-captions [--uri URI] [--device /dev/video0] [--max-turns N]
 *   bash examples/run.sh camera-captions
 *
 * The camera is shown on screen and also sent to geminilive's sink_video
 * pad (which scales it, limits it to 1 frame/s and JPEG-encodes it). The
 * element has no text pad yet, so the captions come from the
 * geminilive/output-transcription bus messages: each delta is appended to
 * the caption and set as textoverlay's `text` property from the main loop.
 *
 * GEMINILIVE_EXAMPLE_TEST=1 uses videotestsrc, a 2 s tone from
 * audiotestsrc and fakesinks instead of camera, microphone, screen and
 * speakers (without it, videotestsrc replaces a missing camera too).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <string.h>

/* Captions keep the end of long answers: about two lines on screen. */
#define MAX_CAPTION_CHARS 110
#define CLEAR_AFTER_MS 3000

typedef struct
{
  GMainLoop *loop;
  GstElement *overlay;
  GString *caption;
  gboolean new_turn;
  guint clear_id;
  gint turns;
  gint max_turns;
  int status;
} App;

static void
show_caption (App *app)
{
  const gchar *text = app->caption->str;

  if (app->caption->len > MAX_CAPTION_CHARS) {
    /* Cut at a word boundary. */
    const gchar *cut
        = strchr (text + app->caption->len - MAX_CAPTION_CHARS, ' ');
    text = cut != NULL ? cut + 1 : text;
  }
  g_object_set (app->overlay, "text", text, NULL);
  g_print ("caption: %s\n", text);
}

static gboolean
clear_caption (gpointer user_data)
{
  App *app = user_data;

  app->clear_id = 0;
  g_object_set (app->overlay, "text", "", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_element_message (App *app, const GstStructure *s)
{
  const gchar *name = gst_structure_get_name (s);
  const gchar *text = gst_structure_get_string (s, "text");

  if (g_str_equal (name, "geminilive/output-transcription") && text) {
    if (app->new_turn) {
      g_string_truncate (app->caption, 0);
      app->new_turn = FALSE;
    }
    if (app->clear_id != 0) {
      g_source_remove (app->clear_id);
      app->clear_id = 0;
    }
    g_string_append (app->caption, text);
    show_caption (app);
  } else if (g_str_equal (name, "geminilive/input-transcription") && text) {
    g_print ("you: %s\n", text);
  } else if (g_str_equal (name, "geminilive/interrupted")) {
    app->new_turn = TRUE;
    clear_caption (app);
  } else if (g_str_equal (name, "geminilive/turn-complete")) {
    app->new_turn = TRUE;
    /* Leave the last answer readable for a moment. */
    if (app->clear_id == 0)
      app->clear_id = g_timeout_add (CLEAR_AFTER_MS, clear_caption, app);
    app->turns++;
    g_print ("-- turn complete (%d)\n", app->turns);
    if (app->max_turns > 0 && app->turns >= app->max_turns)
      g_main_loop_quit (app->loop);
  }
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  App *app = user_data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:
      on_element_message (app, gst_message_get_structure (msg));
      break;
    case GST_MESSAGE_ERROR: {
      GError *err;

      gst_message_parse_error (msg, &err, NULL);
      g_printerr (
          "error from %s: %s\n", GST_OBJECT_NAME (msg->src), err->message);
      g_error_free (err);
      app->status = 1;
      g_main_loop_quit (app->loop);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  App *app = user_data;

  g_printerr ("timed out\n");
  app->status = 1;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  App app = {
    0,
  };
  GstElement *pipeline, *gemini;
  GError *error = NULL;
  GstBus *bus;
  gchar *uri = NULL, *device = NULL, *desc;
  gint timeout_s = 0;
  gboolean test = g_getenv ("GEMINILIVE_EXAMPLE_TEST") != NULL;
  const gchar *video_src, *audio_src, *video_sink, *audio_sink;
  gchar *camera = NULL;
  GOptionEntry entries[] = {
    { "uri", 0, 0, G_OPTION_ARG_STRING, &uri, "Live API endpoint", "URI" },
    { "device", 0, 0, G_OPTION_ARG_FILENAME, &device,
        "Camera device (default /dev/video0)", "DEV" },
    { "max-turns", 0, 0, G_OPTION_ARG_INT, &app.max_turns,
        "Quit after this many answers (default: run until Ctrl-C)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
        "Fail after this many seconds (default: never)", "S" },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- camera, voice, captions");

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (device == NULL)
    device = g_strdup ("/dev/video0");

  if (test || !g_file_test (device, G_FILE_TEST_EXISTS)) {
    video_src = "videotestsrc is-live=true pattern=ball";
  } else {
    camera = g_strdup_printf ("v4l2src device=%s", device);
    video_src = camera;
  }
  if (test) {
    /* 2 s of tone, then EOS: the end of the user's turn. */
    audio_src = "audiotestsrc is-live=true wave=sine freq=300 volume=0.5 "
                "num-buffers=100 samplesperbuffer=320";
    video_sink = "fakesink sync=true";
    audio_sink = "fakesink sync=true";
  } else {
    audio_src = "autoaudiosrc";
    video_sink = "autovideosink";
    audio_sink = "autoaudiosink";
  }

  desc = g_strdup_printf (
      "%s ! videoconvert ! videoscale "
      "! video/x-raw,width=640,height=480 ! tee name=t "
      "t. ! queue ! textoverlay name=captions valignment=bottom "
      "halignment=center wrap-mode=word font-desc=\"Sans 20\" "
      "shaded-background=true ! videoconvert ! %s "
      "t. ! queue leaky=downstream max-size-buffers=2 ! gemini.sink_video "
      "%s ! audioconvert ! audioresample ! gemini.sink_audio "
      "geminilive name=gemini input-transcription=true "
      "output-transcription=true ! audioconvert ! audioresample ! %s",
      video_src, video_sink, audio_src, audio_sink);
  pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  g_free (camera);
  if (error != NULL) {
    g_printerr ("pipeline: %s\n", error->message);
    return 1;
  }
  gemini = gst_bin_get_by_name (GST_BIN (pipeline), "gemini");
  if (uri != NULL)
    g_object_set (gemini, "uri", uri, NULL);
  g_object_set (gemini, "system-instruction",
      "You can see the user's camera. Answer briefly.", NULL);
  gst_object_unref (gemini);
  app.overlay = gst_bin_get_by_name (GST_BIN (pipeline), "captions");
  app.caption = g_string_new (NULL);
  app.new_turn = TRUE;

  app.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, on_bus, &app);
  if (timeout_s > 0)
    g_timeout_add_seconds (timeout_s, on_timeout, &app);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    g_printerr ("could not start the pipeline\n");
    app.status = 1;
  } else {
    g_main_loop_run (app.loop);
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (app.overlay);
  gst_object_unref (pipeline);
  g_main_loop_unref (app.loop);
  g_string_free (app.caption, TRUE);
  g_free (uri);
  g_free (device);
  return app.status;
}
