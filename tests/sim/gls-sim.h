/* gemini-live-sim: a local Gemini Live API (BidiGenerateContent) server.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * In-process API. The server runs in its own thread with its own
 * GMainContext; every function here is thread-safe and may be called from
 * any thread. The simulator shares no code with the plugin: its view of
 * the protocol is its own table (gls-schema.c).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GlsSim GlsSim;

typedef struct
{
  guint port;                   /* 0: pick a free port on 127.0.0.1 */
  const gchar *api_key;         /* expected key; NULL accepts any non-empty key */
  guint setup_delay_ms;         /* delay before setupComplete (default 20) */
  guint answer_ms;              /* length of each spoken answer (default 1200) */
  gdouble answer_speed;         /* answer chunks are sent this much faster
                                 * than real time (default 4.0) */
  guint silence_ms;             /* trailing input silence that ends a user
                                 * turn, in audio time (default 400) */
  guint go_away_after_ms;       /* 0: never; else goAway this long after setup */
  guint go_away_time_left_ms;   /* timeLeft announced in goAway (default 5000) */
  gboolean verbose;             /* log frames with g_message */
  gboolean strict_tool_gating;  /* realtimeInput while a BLOCKING tool call
                                 * is unanswered closes 1008 (default FALSE:
                                 * only counted) */
} GlsSimOptions;

void gls_sim_options_init (GlsSimOptions * options);

/* Starts listening on 127.0.0.1. Returns NULL with error if it cannot. */
GlsSim *gls_sim_new (const GlsSimOptions * options, GError ** error);
void gls_sim_free (GlsSim * sim);

guint gls_sim_get_port (GlsSim * sim);
/* ws://127.0.0.1:PORT/ws/google.ai.generativelanguage.<version>.GenerativeService.BidiGenerateContent */
gchar *gls_sim_get_uri (GlsSim * sim, const gchar * api_version);
/* ws://127.0.0.1:PORT/ws/google.cloud.aiplatform.<version>.LlmBidiService/BidiGenerateContent
 * (api_version NULL: v1beta1) */
gchar *gls_sim_get_vertex_uri (GlsSim * sim, const gchar * api_version);

/* ---- observation (copies; free with g_ptr_array_unref/g_bytes_unref/g_free) */

/* Every text/binary frame received from clients, verbatim, in arrival
 * order across all connections. Elements are NUL-terminated gchar *. */
GPtrArray *gls_sim_dup_client_messages (GlsSim * sim);
/* The request headers of the last WebSocket upgrade, as "name: value" lines. */
gchar *gls_sim_dup_last_request_headers (GlsSim * sim);
gchar *gls_sim_dup_last_request_uri (GlsSim * sim);
/* All PCM decoded from realtimeInput.audio, over all connections, in order. */
GBytes *gls_sim_dup_received_audio (GlsSim * sim);
/* All PCM the simulator sent in modelTurn inlineData parts, in order. */
GBytes *gls_sim_dup_sent_audio (GlsSim * sim);
guint gls_sim_get_connection_count (GlsSim * sim);      /* accepted upgrades */
guint gls_sim_get_open_connection_count (GlsSim * sim);
/* Close code the simulator sent or received on the last closed connection;
 * 0 if none closed yet. */
gushort gls_sim_get_last_close_code (GlsSim * sim);
gchar *gls_sim_dup_last_close_reason (GlsSim * sim);
/* Number of realtimeInput/clientContent/toolResponse messages that arrived
 * after setup but before setupComplete was sent (must stay 0). */
guint gls_sim_get_early_message_count (GlsSim * sim);
/* Number of realtimeInput audio/video/text messages that arrived while a
 * BLOCKING tool call was unanswered. */
guint gls_sim_get_input_during_tool_call_count (GlsSim * sim);
/* Answers fully sent (turnComplete after generationComplete), and answers
 * cut by barge-in (interrupted). */
guint gls_sim_get_answers_sent (GlsSim * sim);
guint gls_sim_get_interrupted_count (GlsSim * sim);

/* ---- waits: block until the condition holds or timeout_ms passes;
 * return FALSE on timeout. Used by tests instead of sleeps. */
gboolean gls_sim_wait_client_messages (GlsSim * sim, guint n, guint timeout_ms);
/* Waits for a client message whose JSON contains the given top-level
 * member (e.g. "toolResponse") or realtimeInput member (e.g.
 * "audioStreamEnd", "text", "activityStart"). */
gboolean gls_sim_wait_message_kind (GlsSim * sim, const gchar * kind,
    guint timeout_ms);
gboolean gls_sim_wait_received_audio (GlsSim * sim, gsize bytes,
    guint timeout_ms);
gboolean gls_sim_wait_connections (GlsSim * sim, guint accepted,
    guint timeout_ms);
gboolean gls_sim_wait_all_closed (GlsSim * sim, guint timeout_ms);
/* Waits until n answers (model turns) have been fully sent. */
gboolean gls_sim_wait_answers_sent (GlsSim * sim, guint n, guint timeout_ms);
/* Waits until n answers have been interrupted by barge-in. */
gboolean gls_sim_wait_interrupted (GlsSim * sim, guint n, guint timeout_ms);
/* Waits until n connections have closed (either side). */
gboolean gls_sim_wait_closed (GlsSim * sim, guint n, guint timeout_ms);

/* ---- scripting; each applies to every open connection */

/* Sends a raw server frame. */
void gls_sim_send_json (GlsSim * sim, const gchar * json, gboolean binary);
/* Close with a code and reason, as the real server does on errors. */
void gls_sim_close (GlsSim * sim, gushort code, const gchar * reason);
/* Abrupt drop: the TCP connection goes away without a close frame (1006). */
void gls_sim_drop (GlsSim * sim);
/* goAway now, then close 1008 when time_left_ms passes while still open. */
void gls_sim_go_away (GlsSim * sim, guint time_left_ms);
/* Refuse new upgrades (the handshake fails) while TRUE. */
void gls_sim_set_refuse_connections (GlsSim * sim, gboolean refuse);
/* Start an answer now as if the user's turn had just ended. */
void gls_sim_trigger_answer (GlsSim * sim);

G_END_DECLS
