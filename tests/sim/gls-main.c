/* gemini-live-sim: command line front end.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gls-sim.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  GlsSimOptions opts;
  gint port = 0, answer_ms, answer_chunk_ms, first_chunk_ms = -1, silence_ms,
       go_away_after = 0, go_away_left, setup_delay, resumption_update = 0,
       pong_delay = 0, update_lag = 0, batch_us = 1000, ping_interval = 0,
       read_rate = 0;
  gdouble speed;
  gchar *api_key = NULL, *voice = NULL;
  gboolean verbose = FALSE, strict_tools = FALSE, stats = FALSE, proxy = FALSE,
           deflate = FALSE, tidy = FALSE;
  GError *error = NULL;
  GOptionContext *ctx;
  GlsSim *sim;
  GMainLoop *loop;

  gls_sim_options_init (&opts);
  answer_ms = opts.answer_ms;
  answer_chunk_ms = opts.answer_chunk_ms;
  silence_ms = opts.silence_ms;
  go_away_left = opts.go_away_time_left_ms;
  setup_delay = opts.setup_delay_ms;
  speed = opts.answer_speed;
  {
    GOptionEntry entries[] = {
      { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (0: pick a free one)",
          "N" },
      { "api-key", 0, 0, G_OPTION_ARG_STRING, &api_key,
          "Expected API key (default: accept any)", "KEY" },
      { "answer-ms", 0, 0, G_OPTION_ARG_INT, &answer_ms,
          "Length of each spoken answer", "MS" },
      { "answer-chunk-ms", 0, 0, G_OPTION_ARG_INT, &answer_chunk_ms,
          "Audio per answer message after the first (default 240, as the "
          "service's)",
          "MS" },
      { "answer-first-chunk-ms", 0, 0, G_OPTION_ARG_INT, &first_chunk_ms,
          "Audio in an answer's first message (default 200, as the "
          "service's; with --answer-chunk-ms alone: the same as the others)",
          "MS" },
      { "voice", 0, 0, G_OPTION_ARG_STRING, &voice,
          "What spoken answers sound like: tone (default: a deterministic "
          "tone) or espeak (espeak-ng speaking the answer's transcript; the "
          "tone if espeak-ng cannot run)",
          "tone|espeak" },
      { "tidy-answers", 0, 0, G_OPTION_ARG_NONE, &tidy,
          "Answer without the service's untidy sequences (executableCode "
          "before Gemini API tool calls, early generationComplete and empty "
          "transcripts on Vertex, the user's transcript after the answer "
          "began)",
          NULL },
      { "answer-speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
          "Send answers this much faster than real time", "X" },
      { "silence-ms", 0, 0, G_OPTION_ARG_INT, &silence_ms,
          "Trailing silence that ends a user turn", "MS" },
      { "setup-delay-ms", 0, 0, G_OPTION_ARG_INT, &setup_delay,
          "Delay before setupComplete", "MS" },
      { "go-away-after", 0, 0, G_OPTION_ARG_INT, &go_away_after,
          "Send goAway this long after setup (0: never)", "MS" },
      { "go-away-time-left", 0, 0, G_OPTION_ARG_INT, &go_away_left,
          "timeLeft announced in goAway", "MS" },
      { "resumption-update-ms", 0, 0, G_OPTION_ARG_INT, &resumption_update,
          "Also send a resumption handle after this much input audio time "
          "(0: only after setupComplete and turnComplete)",
          "MS" },
      { "stats", 0, 0, G_OPTION_ARG_NONE, &stats,
          "On SIGTERM or SIGINT, print one JSON line of counters "
          "(connections, audio received, answers, barge-ins) before exiting",
          NULL },
      { "update-lag-messages", 0, 0, G_OPTION_ARG_INT, &update_lag,
          "Deliver each resumable update only after this many more client "
          "messages (handles crossing input on the wire)",
          "N" },
      { "pong-delay-ms", 0, 0, G_OPTION_ARG_INT, &pong_delay,
          "Hold pongs to client pings back this long (implies --proxy)", "MS" },
      { "ping-interval-ms", 0, 0, G_OPTION_ARG_INT, &ping_interval,
          "Ping every client this often, in between other frames (implies "
          "--proxy)",
          "MS" },
      { "read-rate", 0, 0, G_OPTION_ARG_INT, &read_rate,
          "Read at most this many bytes per second from each client, with a "
          "small receive window: a slow reader (implies --proxy)",
          "BYTES" },
      { "proxy", 0, 0, G_OPTION_ARG_NONE, &proxy,
          "Put the loopback byte proxy in front of the server even without "
          "--pong-delay-ms (default: clients connect to it directly)",
          NULL },
      { "permessage-deflate", 0, 0, G_OPTION_ARG_NONE, &deflate,
          "Negotiate permessage-deflate with clients that offer it (default: "
          "not, as it is not known whether the service does)",
          NULL },
      { "batch-us", 0, 0, G_OPTION_ARG_INT, &batch_us,
          "Wait this long (microseconds) between two polls of the sockets, "
          "so that one poll serves many connections (0: poll at once)",
          "US" },
      { "strict-tool-gating", 0, 0, G_OPTION_ARG_NONE, &strict_tools,
          "Close 1008 on realtime input during a blocking tool call", NULL },
      { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log frames", NULL },
      { NULL },
    };

    ctx = g_option_context_new ("- local Gemini Live API simulator");
    g_option_context_add_main_entries (ctx, entries, NULL);
    if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
      g_printerr ("%s\n", error->message);
      return 2;
    }
    g_option_context_free (ctx);
  }
  /* a chunk size given alone applies to every chunk */
  if (first_chunk_ms < 0)
    first_chunk_ms = answer_chunk_ms != (gint)opts.answer_chunk_ms
        ? answer_chunk_ms
        : (gint)opts.answer_first_chunk_ms;
  if (port < 0 || port > 65535 || answer_ms < 0 || answer_chunk_ms < 10
      || answer_chunk_ms > 5000 || first_chunk_ms < 10 || first_chunk_ms > 5000
      || silence_ms < 0 || go_away_after < 0 || go_away_left < 0
      || setup_delay < 0 || resumption_update < 0 || update_lag < 0
      || pong_delay < 0 || ping_interval < 0 || read_rate < 0 || batch_us < 0
      || batch_us > 100000 || speed <= 0
      || (voice && !g_str_equal (voice, "tone")
          && !g_str_equal (voice, "espeak"))) {
    g_printerr ("invalid option value\n");
    return 2;
  }
  opts.port = port;
  opts.api_key = api_key;
  opts.answer_ms = answer_ms;
  opts.answer_chunk_ms = answer_chunk_ms;
  opts.answer_first_chunk_ms = first_chunk_ms;
  opts.tidy_answers = tidy;
  opts.voice = voice && g_str_equal (voice, "espeak") ? GLS_SIM_VOICE_ESPEAK
                                                      : GLS_SIM_VOICE_TONE;
  opts.answer_speed = speed;
  opts.silence_ms = silence_ms;
  opts.setup_delay_ms = setup_delay;
  opts.go_away_after_ms = go_away_after;
  opts.go_away_time_left_ms = go_away_left;
  opts.verbose = verbose;
  opts.strict_tool_gating = strict_tools;
  opts.resumption_update_ms = resumption_update;
  opts.update_lag_messages = update_lag;
  /* nothing here reads the copies of messages and audio: keep counts only */
  opts.record = FALSE;
  /* the proxy is needed only for what acts on the bytes */
  opts.direct
      = !proxy && pong_delay == 0 && ping_interval == 0 && read_rate == 0;
  opts.ping_interval_ms = ping_interval;
  opts.read_rate = read_rate;
  opts.batch_us = batch_us;
  opts.permessage_deflate = deflate;

  sim = gls_sim_new (&opts, &error);
  if (!sim) {
    g_printerr ("cannot listen: %s\n", error->message);
    return 1;
  }
  gls_sim_set_pong_delay (sim, pong_delay);
  printf ("listening on ws://127.0.0.1:%u\n", gls_sim_get_port (sim));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  if (stats) {
    GlsSimFrameStats fs;

    /* tests/bench checks delivery against these; the frame counters are
     * zero without the proxy */
    gls_sim_get_frame_stats (sim, &fs);
    printf ("{\"connections\": %u, \"open_connections\": %u, "
            "\"received_audio_bytes\": %" G_GSIZE_FORMAT ", "
            "\"answers_sent\": %u, \"interrupted\": %u, "
            "\"early_messages\": %u, \"frames\": %" G_GUINT64_FORMAT ", "
            "\"corrupt_frames\": %u, \"pings_sent\": %u, \"pongs\": %u}\n",
        gls_sim_get_connection_count (sim),
        gls_sim_get_open_connection_count (sim),
        gls_sim_get_received_audio_size (sim), gls_sim_get_answers_sent (sim),
        gls_sim_get_interrupted_count (sim),
        gls_sim_get_early_message_count (sim), fs.frames, fs.corrupt,
        fs.pings_sent, fs.pongs);
    fflush (stdout);
  }
  gls_sim_free (sim);
  g_free (api_key);
  g_free (voice);
  return 0;
}
