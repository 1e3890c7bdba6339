/* server-many-sessions: a server-side pipeline that gives each network
 * caller its own conversation with the model.
 *
 *   server-many-sessions [--sessions N] [--port-base P]
 *                        [--reply-host H] [--reply-port-base Q]
 *                        [--feed] [--max-turns M] [--uri URI]
 *   bash examples/run.sh server-many-sessions --feed --max-turns 1
 *
 * One pipeline, N independent sessions. Session i receives RTP L16 audio
 * (16 kHz mono) on UDP port P+i, passes it through its own geminilive
 * element and sends the model's answers back as RTP L16 (24 kHz mono) to
 * H:Q+i. Each geminilive holds its own WebSocket connection; bus messages
 * say which session they belong to through the element's name.
 *
 * A caller can be any RTP sender, e.g.
 *
 *   gst-launch-1.0 autoaudiosrc ! audioconvert ! audioresample \
 *       ! audio/x-raw,rate=16000,channels=1 ! rtpL16pay \
 *       ! udpsink host=SERVER port=5000 \
 *     udpsrc port=6000
 * caps="application/x-rtp,media=audio,clock-rate=24000,encoding-name=L16,channels=1"
 * \ ! rtpjitterbuffer ! rtpL16depay ! audioconvert ! autoaudiosink
 *
 * --feed adds such callers inside this process (each its own pipeline,
 * sending 2 s of tone and 1 s of silence and counting the answer audio
 * that comes back); ports are then picked by the system.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <stdlib.h>

#define IN_CAPS                                                                \
  "application/x-rtp,media=audio,clock-rate=16000,"                            \
  "encoding-name=L16,channels=1,payload=96"
#define OUT_CAPS                                                               \
  "application/x-rtp,media=audio,clock-rate=24000,"                            \
  "encoding-name=L16,channels=1,payload=96"

typedef struct
{
  GstElement *caller; /* --feed only */
  gint reply_bytes;   /* atomic: the caller's streaming thread */
  gint turns;
} Session;

typedef struct
{
  GMainLoop *loop;
  Session *sessions;
  gint n_sessions;
  gint max_turns;
  int status;
} App;

static GstPadProbeReturn
count_reply (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Session *s = user_data;

  g_atomic_int_add (&s->reply_bytes,
      (gint)gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info)));
  return GST_PAD_PROBE_OK;
}

static gboolean
all_done (App *app)
{
  gint i;

  if (app->max_turns <= 0)
    return FALSE;
  for (i = 0; i < app->n_sessions; i++)
    if (app->sessions[i].turns < app->max_turns)
      return FALSE;
  return TRUE;
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  App *app = user_data;
  const gchar *src = GST_OBJECT_NAME (GST_MESSAGE_SRC (msg));
  gint index = -1;

  if (g_str_has_prefix (src, "gemini-"))
    index = atoi (src + 7);

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT: {
      const GstStructure *s = gst_message_get_structure (msg);
      const gchar *name = gst_structure_get_name (s);

      if (index < 0 || !g_str_has_prefix (name, "geminilive/"))
        break;
      if (g_str_equal (name, "geminilive/setup-complete")) {
        g_print ("session %d: connected\n", index);
      } else if (g_str_equal (name, "geminilive/input-transcription")) {
        g_print ("session %d: caller: %s\n", index,
            gst_structure_get_string (s, "text"));
      } else if (g_str_equal (name, "geminilive/output-transcription")) {
        g_print ("session %d: gemini: %s\n", index,
            gst_structure_get_string (s, "text"));
      } else if (g_str_equal (name, "geminilive/turn-complete")) {
        app->sessions[index].turns++;
        g_print ("session %d: turn complete (%d)\n", index,
            app->sessions[index].turns);
        if (all_done (app))
          g_main_loop_quit (app->loop);
      }
      break;
    }
    case GST_MESSAGE_ERROR: {
      GError *err;

      /* A real server would tear down only this caller's branch; the
       * example stops. */
      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("error from %s: %s\n", src, err->message);
      g_error_free (err);
      app->status = 1;
      g_main_loop_quit (app->loop);
      break;
    }
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

/* A caller: tone then silence (so a VAD hears the end of the turn) to the
 * server, and a receiver for the answers. Its send branch ends; the
 * receive branch keeps the pipeline running. */
static GstElement *
make_caller (gint index, gint port, Session *s, GError **error)
{
  GstElement *caller, *e;
  GstPad *pad;
  gchar *desc = g_strdup_printf (
      "concat name=c ! audioconvert "
      "! audio/x-raw,rate=16000,channels=1 ! rtpL16pay pt=96 "
      "! udpsink host=127.0.0.1 port=%d sync=true "
      "audiotestsrc wave=sine freq=%d volume=0.5 samplesperbuffer=320 "
      "num-buffers=100 ! c. "
      "audiotestsrc wave=silence samplesperbuffer=320 num-buffers=50 ! c. "
      "udpsrc name=receive port=0 caps=\"" OUT_CAPS "\" "
      "! rtpL16depay name=depay ! fakesink async=false",
      port, 220 + 40 * index);

  caller = gst_parse_launch (desc, error);
  g_free (desc);
  if (caller == NULL)
    return NULL;
  e = gst_bin_get_by_name (GST_BIN (caller), "depay");
  pad = gst_element_get_static_pad (e, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_reply, s, NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
  return caller;
}

static gint
get_port (GstElement *bin, const gchar *name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), name);
  gint port = 0;

  g_object_get (e, "port", &port, NULL);
  gst_object_unref (e);
  return port;
}

static void
set_port (GstElement *bin, const gchar *name, const gchar *host, gint port)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), name);

  g_object_set (e, "host", host, "port", port, NULL);
  gst_object_unref (e);
}

int
main (int argc, char **argv)
{
  App app = {
    0,
  };
  GstElement *server;
  GError *error = NULL;
  GstBus *bus, *bus_c;
  GString *desc;
  gchar *uri = NULL, *reply_host = NULL;
  gint sessions = 2, port_base = 0, reply_port_base = 6000, timeout_s = 0, i;
  gboolean feed = FALSE;
  GOptionEntry entries[] = {
    { "sessions", 0, 0, G_OPTION_ARG_INT, &sessions,
        "Number of sessions (default 2)", "N" },
    { "port-base", 0, 0, G_OPTION_ARG_INT, &port_base,
        "Session i listens on UDP port P+i (default: any free port)", "P" },
    { "reply-host", 0, 0, G_OPTION_ARG_STRING, &reply_host,
        "Where answers go (default 127.0.0.1)", "H" },
    { "reply-port-base", 0, 0, G_OPTION_ARG_INT, &reply_port_base,
        "Session i answers to port Q+i (default 6000)", "Q" },
    { "feed", 0, 0, G_OPTION_ARG_NONE, &feed,
        "Add test callers inside this process", NULL },
    { "max-turns", 0, 0, G_OPTION_ARG_INT, &app.max_turns,
        "Quit once every session had this many answers", "M" },
    { "uri", 0, 0, G_OPTION_ARG_STRING, &uri, "Live API endpoint", "URI" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
        "Fail after this many seconds (default: never)", "S" },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- many sessions, one process");

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (sessions < 1 || sessions > 64) {
    g_printerr ("--sessions must be 1 to 64\n");
    return 2;
  }
  if (reply_host == NULL)
    reply_host = g_strdup ("127.0.0.1");

  /* One branch per session: network in, model, network out. */
  desc = g_string_new (NULL);
  for (i = 0; i < sessions; i++)
    g_string_append_printf (desc,
        "udpsrc name=in-%d port=%d caps=\"" IN_CAPS "\" "
        "! rtpjitterbuffer latency=60 ! rtpL16depay ! audioconvert "
        "! geminilive name=gemini-%d input-transcription=true "
        "output-transcription=true ! audioconvert "
        "! rtpL16pay pt=96 ! udpsink name=out-%d host=%s port=%d ",
        i, port_base ? port_base + i : 0, i, i, reply_host,
        reply_port_base + i);
  server = gst_parse_launch (desc->str, &error);
  g_string_free (desc, TRUE);
  if (error != NULL) {
    g_printerr ("pipeline: %s\n", error->message);
    return 1;
  }
  if (uri != NULL)
    for (i = 0; i < sessions; i++) {
      gchar *name = g_strdup_printf ("gemini-%d", i);
      GstElement *gemini = gst_bin_get_by_name (GST_BIN (server), name);

      g_object_set (gemini, "uri", uri, NULL);
      gst_object_unref (gemini);
      g_free (name);
    }

  app.loop = g_main_loop_new (NULL, FALSE);
  app.n_sessions = sessions;
  app.sessions = g_new0 (Session, sessions);
  bus = gst_element_get_bus (server);
  gst_bus_add_watch (bus, on_bus, &app);

  /* READY binds the UDP sockets, so the ports are known. */
  if (gst_element_set_state (server, GST_STATE_READY)
      == GST_STATE_CHANGE_FAILURE) {
    g_printerr ("could not start the server pipeline\n");
    app.status = 1;
    goto out;
  }
  for (i = 0; i < sessions; i++) {
    gchar *in = g_strdup_printf ("in-%d", i);

    g_print ("session %d: RTP L16 16 kHz in on udp port %d\n", i,
        get_port (server, in));
    if (feed) {
      Session *s = &app.sessions[i];
      gchar *out = g_strdup_printf ("out-%d", i);

      s->caller = make_caller (i, get_port (server, in), s, &error);
      if (s->caller == NULL) {
        g_printerr ("caller: %s\n", error->message);
        return 1;
      }
      bus_c = gst_element_get_bus (s->caller);
      gst_bus_add_watch (bus_c, on_bus, &app);
      gst_object_unref (bus_c);
      gst_element_set_state (s->caller, GST_STATE_READY);
      set_port (server, out, "127.0.0.1", get_port (s->caller, "receive"));
      g_free (out);
    }
    g_free (in);
  }

  if (timeout_s > 0)
    g_timeout_add_seconds (timeout_s, on_timeout, &app);
  gst_element_set_state (server, GST_STATE_PLAYING);
  for (i = 0; i < sessions; i++)
    if (app.sessions[i].caller != NULL)
      gst_element_set_state (app.sessions[i].caller, GST_STATE_PLAYING);
  g_main_loop_run (app.loop);

out:
  gst_element_set_state (server, GST_STATE_NULL);
  for (i = 0; i < sessions; i++) {
    Session *s = &app.sessions[i];

    if (s->caller == NULL)
      continue;
    gst_element_set_state (s->caller, GST_STATE_NULL);
    bus_c = gst_element_get_bus (s->caller);
    gst_bus_remove_watch (bus_c);
    gst_object_unref (bus_c);
    /* 24 kHz S16 mono: 48 bytes per ms. */
    g_print ("caller %d: received %d ms of answer\n", i,
        g_atomic_int_get (&s->reply_bytes) / 48);
    gst_object_unref (s->caller);
  }
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (server);
  g_main_loop_unref (app.loop);
  g_free (app.sessions);
  g_free (reply_host);
  g_free (uri);
  return app.status;
}
