/* bench-sim: gemini-live-sim with counters, for tests/bench.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The same simulator as gemini-live-sim (it links the same library and
 * takes the same main options), run as its own process so its CPU is
 * charged to no contender. On SIGTERM or SIGINT it prints one JSON line
 * with what it saw (connections, audio received, answers sent, barge-ins)
 * and exits; the harness checks delivery against these counts.
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

/* The simulator keeps every received byte; its size is found without a
 * copy by asking the (non-blocking) wait for a threshold. */
static guint64
received_audio_bytes (GlsSim *sim)
{
  guint64 lo = 0, hi = 1;

  while (gls_sim_wait_received_audio (sim, hi, 0))
    hi *= 2;
  /* lo is reached, hi is not */
  while (hi - lo > 1) {
    guint64 mid = lo + (hi - lo) / 2;

    if (gls_sim_wait_received_audio (sim, mid, 0))
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

int
main (int argc, char **argv)
{
  GlsSimOptions opts;
  gint port = 0, answer_ms, silence_ms, setup_delay;
  gdouble speed;
  GError *error = NULL;
  GOptionContext *ctx;
  GlsSim *sim;
  GMainLoop *loop;

  gls_sim_options_init (&opts);
  answer_ms = opts.answer_ms;
  silence_ms = opts.silence_ms;
  setup_delay = opts.setup_delay_ms;
  speed = opts.answer_speed;
  {
    GOptionEntry entries[] = {
      { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (0: pick a free one)",
          "N" },
      { "answer-ms", 0, 0, G_OPTION_ARG_INT, &answer_ms,
          "Length of each spoken answer", "MS" },
      { "answer-speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
          "Send answers this much faster than real time", "X" },
      { "silence-ms", 0, 0, G_OPTION_ARG_INT, &silence_ms,
          "Trailing silence that ends a user turn", "MS" },
      { "setup-delay-ms", 0, 0, G_OPTION_ARG_INT, &setup_delay,
          "Delay before setupComplete", "MS" },
      { NULL },
    };

    ctx = g_option_context_new ("- simulator with counters for tests/bench");
    g_option_context_add_main_entries (ctx, entries, NULL);
    if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
      g_printerr ("%s\n", error->message);
      return 2;
    }
    g_option_context_free (ctx);
  }
  if (port < 0 || port > 65535 || answer_ms < 0 || silence_ms < 0
      || setup_delay < 0 || speed <= 0) {
    g_printerr ("invalid option value\n");
    return 2;
  }
  opts.port = port;
  opts.answer_ms = answer_ms;
  opts.answer_speed = speed;
  opts.silence_ms = silence_ms;
  opts.setup_delay_ms = setup_delay;

  sim = gls_sim_new (&opts, &error);
  if (!sim) {
    g_printerr ("cannot listen: %s\n", error->message);
    return 1;
  }
  printf ("listening on ws://127.0.0.1:%u\n", gls_sim_get_port (sim));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);

  printf ("{\"connections\": %u, \"open_connections\": %u, "
          "\"received_audio_bytes\": %" G_GUINT64_FORMAT ", "
          "\"answers_sent\": %u, \"interrupted\": %u, "
          "\"early_messages\": %u}\n",
      gls_sim_get_connection_count (sim),
      gls_sim_get_open_connection_count (sim), received_audio_bytes (sim),
      gls_sim_get_answers_sent (sim), gls_sim_get_interrupted_count (sim),
      gls_sim_get_early_message_count (sim));
  fflush (stdout);
  gls_sim_free (sim);
  return 0;
}
