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
 * The transcript is printed one line per turn ("you: ..." when the model
 * starts answering, "gemini: ..." when its turn is complete), joined from
 * the transcription deltas of the bus messages.
 *
 * The answer (and the SRT) is written to a temporary file beside it and
 * moved into place only when the conversation ended well: a failed run
 * leaves an earlier answer.wav as it was.
 *
 * The SRT times are on the conversation's timeline: 0 is the start of the
 * question, and each line starts when its transcription arrived (the
 * `running-time` field of the geminilive/input-transcription and
 * geminilive/output-transcription bus messages).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The printed transcript: each side's deltas of the current turn. */
typedef struct
{
  GString *you;
  GString *gemini;
} Transcript;

/* A file written under a temporary name in its final directory, renamed
 * over the final name only on success. */
typedef struct
{
  gchar *path;
  gchar *tmp;
} Output;

/* Long lines are split; a subtitle is shown for at least this long. */
#define MAX_CUE_CHARS 84
#define MIN_CUE_DURATION (800 * GST_MSECOND)

/* Removed by the signal handler when Ctrl-C ends the program. */
static const gchar *volatile temporary_files[2];

static void
on_signal (int sig)
{
  for (guint i = 0; i < G_N_ELEMENTS (temporary_files); i++)
    if (temporary_files[i] != NULL)
      unlink (temporary_files[i]);
  _exit (128 + sig);
}

static gboolean
output_open (Output *out, const gchar *path, guint slot)
{
  gchar *dir = g_path_get_dirname (path);
  gchar *base = g_path_get_basename (path);
  gchar *name = g_strdup_printf (".%s.XXXXXX", base);
  mode_t mask = umask (0);
  gint fd;

  umask (mask);
  out->path = g_strdup (path);
  out->tmp = g_build_filename (dir, name, NULL);
  g_free (dir);
  g_free (base);
  g_free (name);
  fd = g_mkstemp (out->tmp);
  if (fd < 0) {
    g_printerr ("cannot write %s: %s\n", out->tmp, g_strerror (errno));
    g_clear_pointer (&out->tmp, g_free);
    return FALSE;
  }
  /* The permissions a plain new file gets, not mkstemp's 0600. */
  if (fchmod (fd, 0666 & ~mask) != 0)
    g_printerr ("cannot chmod %s: %s\n", out->tmp, g_strerror (errno));
  close (fd);
  temporary_files[slot] = out->tmp;
  return TRUE;
}

/* Renames the temporary file over the final one when ok, else removes it. */
static gboolean
output_close (Output *out, guint slot, gboolean ok)
{
  if (out->tmp == NULL)
    return ok;
  temporary_files[slot] = NULL;
  if (ok && g_rename (out->tmp, out->path) != 0) {
    g_printerr ("cannot rename %s to %s: %s\n", out->tmp, out->path,
        g_strerror (errno));
    ok = FALSE;
  }
  if (!ok)
    g_unlink (out->tmp);
  g_clear_pointer (&out->tmp, g_free);
  return ok;
}

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

/* Prints one side's turn as one line, its deltas joined and its runs of
 * white space made single spaces. */
static void
transcript_print (const gchar *speaker, GString *turn)
{
  gchar **words = g_strsplit_set (turn->str, " \t\r\n", -1);
  GString *line = g_string_new (NULL);

  for (gchar **w = words; *w != NULL; w++) {
    if (**w == '\0')
      continue;
    if (line->len > 0)
      g_string_append_c (line, ' ');
    g_string_append (line, *w);
  }
  if (line->len > 0)
    g_print ("%s: %s\n", speaker, line->str);
  g_string_free (line, TRUE);
  g_strfreev (words);
  g_string_truncate (turn, 0);
}

static void
on_message (Srt *srt, Transcript *tr, const GstStructure *s)
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
    g_string_append (tr->you, text);
    cue_add (srt, &srt->you, text, finished, rt);
  } else if (g_str_equal (name, "geminilive/output-transcription")
      || g_str_equal (name, "geminilive/text")) {
    /* The model answering means the user's turn is over. */
    transcript_print ("you", tr->you);
    g_string_append (tr->gemini, text);
    cue_flush (srt, &srt->you, rt);
    if (g_str_equal (name, "geminilive/output-transcription"))
      cue_add (srt, &srt->gemini, text, finished, rt);
  } else if (g_str_equal (name, "geminilive/generation-complete")
      || g_str_equal (name, "geminilive/turn-complete")
      || g_str_equal (name, "geminilive/interrupted")) {
    transcript_print ("you", tr->you);
    if (g_str_equal (name, "geminilive/interrupted") && tr->gemini->len > 0)
      g_string_append (tr->gemini, " [interrupted]");
    transcript_print ("gemini", tr->gemini);
    cue_flush (srt, &srt->gemini, rt);
  }
}

/* What to do next, after the conversation failed. */
static void
print_hint (const gchar *uri, const gchar *answer)
{
  g_printerr (
      "%s was not written (an earlier one is left as it was).\n", answer);
  if (uri != NULL
      && (g_str_has_prefix (uri, "ws://127.")
          || g_str_has_prefix (uri, "ws://localhost")
          || g_str_has_prefix (uri, "ws://[::1]")))
    g_printerr ("Is the simulator at %s still running?\n", uri);
  else
    g_printerr ("Check that GEMINI_API_KEY holds a valid key and that this "
                "machine reaches the service (https_proxy behind a proxy), "
                "or unset GEMINI_API_KEY: examples/demo.sh and "
                "examples/run.sh then talk to the bundled simulator.\n");
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *element;
  GError *error = NULL;
  GstBus *bus;
  gchar *srt_path = NULL, *uri = NULL;
  gint timeout_s = 60;
  gboolean done = FALSE;
  int status = 0;
  Srt srt = { NULL, 0, { "You", NULL, 0, 0 }, { "Gemini", NULL, 0, 0 } };
  Transcript tr;
  Output answer = { NULL, NULL }, subtitles = { NULL, NULL };
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

  /* clocksync feeds the file at the pace of speech, as a microphone
   * would; the model hears a live conversation. */
  pipeline = gst_parse_launch ("filesrc name=in ! decodebin ! audioconvert "
                               "! audioresample ! clocksync "
                               "! geminilive name=gemini "
                               "input-transcription=true "
                               "output-transcription=true "
                               "! wavenc ! filesink name=out",
      &error);
  if (error != NULL) {
    /* Also a missing element, which still gives a pipeline. */
    g_printerr ("pipeline: %s\n", error->message);
    return 1;
  }
  if (!output_open (&answer, argv[2], 0)
      || (srt_path != NULL && !output_open (&subtitles, srt_path, 1))) {
    output_close (&answer, 0, FALSE);
    return 1;
  }
  if (srt_path != NULL) {
    srt.file = fopen (subtitles.tmp, "w");
    if (srt.file == NULL) {
      g_printerr ("cannot write %s\n", subtitles.tmp);
      output_close (&answer, 0, FALSE);
      output_close (&subtitles, 1, FALSE);
      return 1;
    }
  }
  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
  srt.you.text = g_string_new (NULL);
  srt.gemini.text = g_string_new (NULL);
  tr.you = g_string_new (NULL);
  tr.gemini = g_string_new (NULL);

  element = gst_bin_get_by_name (GST_BIN (pipeline), "in");
  g_object_set (element, "location", argv[1], NULL);
  gst_object_unref (element);
  element = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_object_set (element, "location", answer.tmp, NULL);
  gst_object_unref (element);
  if (uri != NULL) {
    element = gst_bin_get_by_name (GST_BIN (pipeline), "gemini");
    g_object_set (element, "uri", uri, NULL);
    gst_object_unref (element);
  }

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *msg = gst_bus_timed_pop (bus, timeout_s * GST_SECOND);

    if (msg == NULL) {
      g_printerr ("error: nothing happened for %d s\n", timeout_s);
      status = 1;
      break;
    }
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ELEMENT:
        on_message (&srt, &tr, gst_message_get_structure (msg));
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
  transcript_print ("you", tr.you);
  transcript_print ("gemini", tr.gemini);
  cue_flush (&srt, &srt.you, srt.you.last);
  cue_flush (&srt, &srt.gemini, srt.gemini.last);

  /* NULL closes the files (filesink flushes at stop). */
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  if (srt.file != NULL && fclose (srt.file) != 0)
    status = 1;
  if (!output_close (&answer, 0, status == 0))
    status = 1;
  if (!output_close (&subtitles, 1, status == 0))
    status = 1;
  if (status == 0) {
    g_print ("answer written to %s\n", answer.path);
    if (srt_path != NULL)
      g_print ("subtitles written to %s\n", srt_path);
  } else {
    print_hint (uri, answer.path);
  }
  g_string_free (srt.you.text, TRUE);
  g_string_free (srt.gemini.text, TRUE);
  g_string_free (tr.you, TRUE);
  g_string_free (tr.gemini, TRUE);
  g_free (answer.path);
  g_free (subtitles.path);
  g_free (srt_path);
  g_free (uri);
  return status;
}
