/* talk-file: a recorded question in, the model's spoken answer out as a
 * WAV file, the conversation's transcript printed and, with --srt, written
 * as subtitles of both sides.
 *
 *   talk-file [--srt answer.srt] [--uri URI] question.wav answer.wav [URI]
 *
 * The question may be anything decodebin reads (WAV, or an MP4/Ogg audio
 * track when the decoder is installed). Without a URI it talks to the real
 * Gemini Live API with $GEMINI_API_KEY; `bash examples/run.sh talk-file
 * ...` starts the simulator and passes its URI.
 *
 * The SRT times are on the conversation's timeline: 0 is the start of the
 * question, and each line starts when its transcription arrived (the
 * `running-time` field of the geminilive/input-transcription and
 * geminilive/output-transcription bus messages).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <stdio.h>

/* One subtitle being built from transcription deltas. */
typedef struct
{
  const gchar *speaker;
  GString *text;
  GstClockTime start;
  GstClockTime last;
} Cue;

typedef struct
{
  FILE *file;
  guint index;
  Cue you;
  Cue gemini;
} Srt;

/* Long lines are split; a subtitle is shown for at least this long. */
#define MAX_CUE_CHARS 84
#define MIN_CUE_DURATION (800 * GST_MSECOND)

static void
write_time (FILE *f, GstClockTime t)
{
  guint64 ms = t / GST_MSECOND;

  fprintf (f, "%02u:%02u:%02u,%03u", (guint)(ms / 3600000),
      (guint)(ms / 60000 % 60), (guint)(ms / 1000 % 60), (guint)(ms % 1000));
}

static void
cue_flush (Srt *srt, Cue *cue, GstClockTime end)
{
  gchar *text;

  if (cue->text->len == 0)
    return;
  text = g_strstrip (g_strdup (cue->text->str));
  if (*text != '\0' && srt->file != NULL) {
    if (end < cue->start + MIN_CUE_DURATION)
      end = cue->start + MIN_CUE_DURATION;
    fprintf (srt->file, "%u\n", ++srt->index);
    write_time (srt->file, cue->start);
    fputs (" --> ", srt->file);
    write_time (srt->file, end);
    fprintf (srt->file, "\n%s: %s\n\n", cue->speaker, text);
  }
  g_free (text);
  g_string_truncate (cue->text, 0);
}

static void
cue_add (
    Srt *srt, Cue *cue, const gchar *delta, gboolean finished, GstClockTime rt)
{
  if (cue->text->len == 0)
    cue->start = rt;
  g_string_append (cue->text, delta);
  cue->last = rt;
  if (finished || cue->text->len > MAX_CUE_CHARS)
    cue_flush (srt, cue, rt);
}

static void
on_message (Srt *srt, const GstStructure *s)
{
  const gchar *name = gst_structure_get_name (s);
  const gchar *text = gst_structure_get_string (s, "text");
  gboolean finished = FALSE;
  guint64 rt = 0;

  gst_structure_get_uint64 (s, "running-time", &rt);
  gst_structure_get_boolean (s, "finished", &finished);
  if (text == NULL)
    text = "";

  if (g_str_equal (name, "geminilive/input-transcription")) {
    g_print ("you:    %s\n", text);
    cue_add (srt, &srt->you, text, finished, rt);
  } else if (g_str_equal (name, "geminilive/output-transcription")) {
    g_print ("gemini: %s\n", text);
    /* The model answering means the user's turn is over. */
    cue_flush (srt, &srt->you, rt);
    cue_add (srt, &srt->gemini, text, finished, rt);
  } else if (g_str_equal (name, "geminilive/text")) {
    g_print ("gemini (text): %s\n", text);
  } else if (g_str_equal (name, "geminilive/generation-complete")
      || g_str_equal (name, "geminilive/turn-complete")
      || g_str_equal (name, "geminilive/interrupted")) {
    if (g_str_equal (name, "geminilive/turn-complete"))
      g_print ("-- turn complete\n");
    cue_flush (srt, &srt->gemini, rt);
  }
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *gemini;
  GError *error = NULL;
  GstBus *bus;
  gchar *desc, *srt_path = NULL, *uri = NULL;
  gint timeout_s = 60;
  gboolean done = FALSE;
  int status = 0;
  Srt srt = { NULL, 0, { "You", NULL, 0, 0 }, { "Gemini", NULL, 0, 0 } };
  GOptionEntry entries[] = {
    { "srt", 0, 0, G_OPTION_ARG_FILENAME, &srt_path,
        "Also write both sides' transcripts as SRT subtitles", "FILE" },
    { "uri", 0, 0, G_OPTION_ARG_STRING, &uri,
        "Live API endpoint (e.g. the simulator's)", "URI" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
        "Give up when nothing happens for this long (default 60)", "S" },
    { NULL },
  };
  GOptionContext *ctx;

  ctx = g_option_context_new ("question.wav answer.wav [URI]");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 3) {
    g_printerr ("%s\nusage: %s [--srt FILE] [--uri URI] question.wav "
                "answer.wav [URI]\n",
        error ? error->message : "", argv[0]);
    return 2;
  }
  g_option_context_free (ctx);
  if (argc > 3 && uri == NULL)
    uri = g_strdup (argv[3]);

  if (srt_path != NULL) {
    srt.file = fopen (srt_path, "w");
    if (srt.file == NULL) {
      g_printerr ("cannot write %s\n", srt_path);
      return 1;
    }
  }
  srt.you.text = g_string_new (NULL);
  srt.gemini.text = g_string_new (NULL);

  /* clocksync feeds the file at the pace of speech, as a microphone
   * would; the model hears a live conversation. */
  desc
      = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! audioconvert "
                         "! audioresample ! clocksync ! geminilive name=gemini "
                         "input-transcription=true output-transcription=true "
                         "! wavenc ! filesink location=\"%s\"",
          argv[1], argv[2]);
  pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  if (error != NULL) {
    /* Also a missing element, which still gives a pipeline. */
    g_printerr ("pipeline: %s\n", error->message);
    return 1;
  }
  gemini = gst_bin_get_by_name (GST_BIN (pipeline), "gemini");
  if (uri != NULL)
    g_object_set (gemini, "uri", uri, NULL);
  gst_object_unref (gemini);

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *msg = gst_bus_timed_pop (bus, timeout_s * GST_SECOND);

    if (msg == NULL) {
      g_printerr ("nothing happened for %d s\n", timeout_s);
      status = 1;
      break;
    }
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ELEMENT:
        on_message (&srt, gst_message_get_structure (msg));
        break;
      case GST_MESSAGE_ERROR: {
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
  /* Whatever is still open ends where it was last heard. */
  cue_flush (&srt, &srt.you, srt.you.last);
  cue_flush (&srt, &srt.gemini, srt.gemini.last);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  if (srt.file != NULL)
    fclose (srt.file);
  if (status == 0) {
    g_print ("answer written to %s\n", argv[2]);
    if (srt_path != NULL)
      g_print ("subtitles written to %s\n", srt_path);
  }
  g_string_free (srt.you.text, TRUE);
  g_string_free (srt.gemini.text, TRUE);
  g_free (srt_path);
  g_free (uri);
  return status;
}
