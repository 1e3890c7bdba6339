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

/* What the spoken answers sound like. */
typedef enum
{
  GLS_SIM_VOICE_TONE,   /* a 220 Hz tone with a syllable-like envelope:
                         * deterministic, for tests */
  GLS_SIM_VOICE_ESPEAK, /* speech saying the answer's own transcript,
                         * from espeak-ng; the tone where it cannot run */
} GlsSimVoice;

typedef struct
{
  guint port;                 /* 0: pick a free port on 127.0.0.1 */
  const gchar *api_key;       /* expected key; NULL accepts any non-empty key */
  guint setup_delay_ms;       /* delay before setupComplete (default 20) */
  guint answer_ms;            /* length of each spoken answer (default 1200) */
  guint answer_chunk_ms;      /* audio per answer message after the first
                               * (default 240, as the service's) */
  gdouble answer_speed;       /* answer chunks are sent this much faster
                               * than real time (default 4.0) */
  guint silence_ms;           /* trailing input silence that ends a user
                               * turn, in audio time (default 400) */
  guint go_away_after_ms;     /* 0: never; else goAway this long after setup */
  guint go_away_time_left_ms; /* timeLeft announced in goAway (default 5000) */
  gboolean verbose;           /* log frames with g_message */
  gboolean strict_tool_gating; /* realtimeInput while a BLOCKING tool call
                                * is unanswered closes 1008 (default FALSE:
                                * only counted) */
  guint resumption_update_ms;  /* 0 (default): resumable updates only after
                                * setupComplete and after each turnComplete;
                                * else also after the input message with
                                * which this much audio time has been heard
                                * since the last one, if the model is idle */
  guint update_lag_messages;   /* a resumable update reaches the client only
                                * after this many more client messages have
                                * been handled, as if they had crossed on
                                * the wire (0, default: at once) */
  gboolean record;             /* keep copies of what crosses the wire
                                * (TRUE, default): client messages and the
                                * kinds seen in them, received, sent and
                                * conversation audio. FALSE keeps only the
                                * counts (sizes, message and connection
                                * counts stay exact): the gls_sim_dup_*
                                * copies of messages and audio are then
                                * empty and gls_sim_wait_message_kind never
                                * succeeds. For long runs (the CLI). */
  gboolean direct;             /* clients connect straight to the HTTP
                                * server, without the loopback proxy in
                                * front of it (default FALSE). Cheaper, but
                                * the byte-level faults (gls_sim_stall,
                                * gls_sim_pause_reading,
                                * gls_sim_set_pong_delay) need the proxy and
                                * are refused with a critical warning. */
  guint batch_us;              /* the server thread waits this long (µs)
                                * after a poll before the next one, unless
                                * a timer is due, so that one poll finds
                                * many connections ready: cheaper with
                                * hundreds of busy connections, for up to
                                * this much delay (0, default: no wait) */
  gboolean permessage_deflate; /* negotiate permessage-deflate when the
                                * client offers it (default FALSE: whether
                                * the service does is not known, and a
                                * client must work without it) */
  /* PEM certificate and key (paths that outlive the simulator): serve
   * wss:// (the URIs say so); NULL: ws:// (default). The proxy then passes
   * the encrypted bytes on as they are: gls_sim_stall and
   * gls_sim_pause_reading work, a pong delay does not (it cannot see
   * frames). */
  const gchar *tls_cert_file;
  const gchar *tls_key_file;
  guint answer_first_chunk_ms; /* audio in the first answer message
                                * (default 200, as the service's; 0: as
                                * answer_chunk_ms) */
  gboolean tidy_answers;       /* FALSE (default): answers are as untidy as
                                * the service's (see docs/simulator.md):
                                * an executableCode part before each Gemini
                                * API toolCall, generationComplete right
                                * after each Vertex toolCall, an empty
                                * outputTranscription first on Vertex, the
                                * user's transcript after the first answer
                                * chunk on every second answer, transcript
                                * deltas before their audio on Vertex.
                                * TRUE: none of these. */
  /* The loopback proxy (not with direct) does these on ws:// and wss://
   * alike (it is the TLS endpoint): */
  guint ping_interval_ms;     /* the server pings each client this often, in
                           * between its other frames (0, default: never);
                           * see gls_sim_set_ping_interval */
  guint read_rate;            /* bytes per second the server reads from each
                           * client (0, default: as fast as they come);
                           * see gls_sim_set_read_rate */
  GlsSimVoice voice;          /* default GLS_SIM_VOICE_TONE */
  const gchar *voice_program; /* the espeak-ng program (NULL: "espeak-ng",
                               * looked up in PATH) */
} GlsSimOptions;

void gls_sim_options_init (GlsSimOptions *options);

/* Starts listening on 127.0.0.1. Returns NULL with error if it cannot. */
GlsSim *gls_sim_new (const GlsSimOptions *options, GError **error);
void gls_sim_free (GlsSim *sim);

/* The port clients connect to: the proxy's, or with GlsSimOptions.direct
 * the HTTP server's own. */
guint gls_sim_get_port (GlsSim *sim);
/* ws://127.0.0.1:PORT/ws/google.ai.generativelanguage.<version>.
 *   GenerativeService.BidiGenerateContent */
gchar *gls_sim_get_uri (GlsSim *sim, const gchar *api_version);
/* ws://127.0.0.1:PORT/ws/google.cloud.aiplatform.<version>.LlmBidiService/BidiGenerateContent
 * (api_version NULL: v1beta1) */
gchar *gls_sim_get_vertex_uri (GlsSim *sim, const gchar *api_version);

/* ---- observation
 * (copies; free with g_ptr_array_unref/g_bytes_unref/g_free) */

/* Every text/binary frame received from clients, verbatim, in arrival
 * order across all connections. Elements are NUL-terminated gchar *. */
GPtrArray *gls_sim_dup_client_messages (GlsSim *sim);
/* Everything the session-state rules were told (gls-rules.h): client
 * messages, setupComplete, tool calls and handles issued, connections
 * ending, per connection in order. gls_rules_replay() on it reaches the
 * verdicts the running simulator reached (the conformance test replays
 * the element's whole test suite). Empty without GlsSimOptions.record. */
gchar *gls_sim_dup_rules_log (GlsSim *sim);
/* The request headers of the last WebSocket upgrade, as "name: value" lines. */
gchar *gls_sim_dup_last_request_headers (GlsSim *sim);
gchar *gls_sim_dup_last_request_uri (GlsSim *sim);
/* All PCM decoded from realtimeInput.audio, over all connections, in order. */
GBytes *gls_sim_dup_received_audio (GlsSim *sim);
/* Its size, without the copy. */
gsize gls_sim_get_received_audio_size (GlsSim *sim);
/* All PCM the simulator sent in modelTurn inlineData parts, in order. */
GBytes *gls_sim_dup_sent_audio (GlsSim *sim);
guint gls_sim_get_connection_count (GlsSim *sim); /* accepted upgrades */
guint gls_sim_get_open_connection_count (GlsSim *sim);
/* Close code the simulator sent or received on the last closed connection;
 * 0 if none closed yet. */
gushort gls_sim_get_last_close_code (GlsSim *sim);
gchar *gls_sim_dup_last_close_reason (GlsSim *sim);
/* Number of realtimeInput/clientContent/toolResponse messages that arrived
 * after setup but before setupComplete was sent (must stay 0). */
guint gls_sim_get_early_message_count (GlsSim *sim);
/* Number of realtimeInput audio/video/text messages that arrived while a
 * BLOCKING tool call was unanswered. */
guint gls_sim_get_input_during_tool_call_count (GlsSim *sim);
/* Answers fully sent (turnComplete after generationComplete), and answers
 * cut by barge-in (interrupted). */
guint gls_sim_get_answers_sent (GlsSim *sim);
guint gls_sim_get_interrupted_count (GlsSim *sim);

/* ---- sessions and the conversation
 *
 * A session is created by a setup without a handle (a "fresh" session)
 * and lives on across resumptions. Its conversation is what the model has
 * heard: the PCM decoded from every realtimeInput.audio it accepted,
 * appended in arrival order, plus counters. Each sessionResumptionUpdate
 * with resumable:true is a checkpoint of the conversation at the moment it
 * is sent (audio length, inputs, user turns, answers, and the model's
 * listening state: VAD, manual activity, unanswered NON_BLOCKING calls;
 * function-call ids are never reused, even across a rewind). Updates are sent
 * only between client messages and only while the model is idle (no answer
 * going out or queued, no BLOCKING call unanswered), so a handle always covers
 * whole messages. A setup that resumes with a handle rewinds the session to its
 * checkpoint before any new input is appended: input the client resends after
 * resuming is counted once; input it forgets is missing. Handles issued after
 * the used one belong to the abandoned continuation and become unknown (1007).
 * An answer in progress when a connection ends is abandoned; the model
 * answers again if the replayed input ends a user turn.
 *
 * Note: input in flight when an update is sent (sent by the client before
 * the update arrived, heard by the server after it was sent) is not
 * covered by that handle.
 *
 * "The most recent session" below is the session of the latest setup the
 * simulator accepted, fresh or resumed (accepted: model and handle valid;
 * setupComplete follows after setup_delay_ms). */

typedef struct
{
  guint index;       /* creation order, 0 = first fresh session */
  gsize audio_bytes; /* conversation audio */
  guint inputs;      /* realtimeInput and clientContent messages */
  guint user_turns;  /* user turns ended (VAD, audioStreamEnd, activityEnd,
                      * text, clientContent turnComplete) */
  guint answers;     /* answers started (the n in "answer number n") */
  guint resumes;     /* accepted resumes of this session */
} GlsSimConversation;

/* The conversation audio of the most recent session (empty before any). */
GBytes *gls_sim_dup_conversation_audio (GlsSim *sim);
/* The conversation audio of the index-th fresh session; NULL if none. */
GBytes *gls_sim_dup_session_audio (GlsSim *sim, guint index);
/* The most recent session's counters; FALSE (all 0) before any setup. */
gboolean gls_sim_get_conversation (GlsSim *sim, GlsSimConversation *conv);
/* Setups accepted with a valid handle (over all sessions). */
guint gls_sim_get_resume_count (GlsSim *sim);
/* Setups accepted without a handle: sessions created. */
guint gls_sim_get_fresh_session_count (GlsSim *sim);
/* Upgrade attempts answered with HTTP 503 (refuse flag or refuse count). */
guint gls_sim_get_refused_count (GlsSim *sim);

/* ---- waits: block until the condition holds or timeout_ms passes;
 * return FALSE on timeout. Used by tests instead of sleeps. */
gboolean gls_sim_wait_client_messages (GlsSim *sim, guint n, guint timeout_ms);
/* Waits for a client message whose JSON contains the given top-level
 * member (e.g. "toolResponse") or realtimeInput member (e.g.
 * "audioStreamEnd", "text", "activityStart"). */
gboolean gls_sim_wait_message_kind (
    GlsSim *sim, const gchar *kind, guint timeout_ms);
gboolean gls_sim_wait_received_audio (
    GlsSim *sim, gsize bytes, guint timeout_ms);
gboolean gls_sim_wait_connections (
    GlsSim *sim, guint accepted, guint timeout_ms);
gboolean gls_sim_wait_all_closed (GlsSim *sim, guint timeout_ms);
/* Waits until n answers (model turns) have been fully sent. */
gboolean gls_sim_wait_answers_sent (GlsSim *sim, guint n, guint timeout_ms);
/* Waits until n answers have been interrupted by barge-in. */
gboolean gls_sim_wait_interrupted (GlsSim *sim, guint n, guint timeout_ms);
/* Waits until n connections have closed (either side). */
gboolean gls_sim_wait_closed (GlsSim *sim, guint n, guint timeout_ms);
/* Waits until n resumes have been accepted (gls_sim_get_resume_count). */
gboolean gls_sim_wait_resumes (GlsSim *sim, guint n, guint timeout_ms);
/* Waits until the most recent session's conversation audio holds at least
 * bytes (a resume may shrink it again). */
gboolean gls_sim_wait_conversation_audio (
    GlsSim *sim, gsize bytes, guint timeout_ms);

/* ---- scripting; each applies to every open connection */

/* Sends a raw server frame. */
void gls_sim_send_json (GlsSim *sim, const gchar *json, gboolean binary);
/* Close with a code and reason, as the real server does on errors. */
void gls_sim_close (GlsSim *sim, gushort code, const gchar *reason);
/* Abrupt drop: the TCP connection goes away without a close frame (1006). */
void gls_sim_drop (GlsSim *sim);
/* goAway now, then close 1008 when time_left_ms passes while still open. */
void gls_sim_go_away (GlsSim *sim, guint time_left_ms);
/* Refuse new upgrades (the handshake fails) while TRUE. */
void gls_sim_set_refuse_connections (GlsSim *sim, gboolean refuse);
/* Start an answer now as if the user's turn had just ended. */
void gls_sim_trigger_answer (GlsSim *sim);
/* Plays recorded server frames (e.g. a recording's, in tests/data): sends
 * each, verbatim, in order, as a binary frame on every connection that has
 * had setupComplete; setupComplete frames are left out. The ids of the
 * toolCall frames count as issued BLOCKING calls, so their responses are
 * accepted and answered. Returns the number of connections played to. */
guint gls_sim_play_frames (
    GlsSim *sim, const gchar *const *frames, guint n_frames);
/* Sends a resumable sessionResumptionUpdate (a new handle) now on every
 * connection that asked for resumption, has had setupComplete and whose
 * model is idle. FALSE if it was sent on none. */
gboolean gls_sim_send_resumption_update (GlsSim *sim);

/* ---- network faults
 *
 * Clients reach the simulator through a loopback TCP proxy inside it (the
 * port of gls_sim_get_port); these act on the bytes there. Not available
 * with GlsSimOptions.direct (a critical warning; nothing happens). */

/* Every open connection goes silent and dead without closing: nothing the
 * client sends reaches the server any more (it is read and lost), nothing
 * is sent to the client (data, close frames, pongs to its pings). The
 * server side of such a connection stays open (its model runs on, into
 * the void) until the client closes its TCP socket, which the server then
 * sees as a drop (1006). Connections opened later are normal. A session
 * whose connection is stalled can be resumed at once: the stalled
 * connection is dropped on the server side (resuming while a healthy old
 * connection is open is still refused with 1011). */
void gls_sim_stall (GlsSim *sim);
/* The open connections stop reading what clients send (with a small
 * receive window) until resumed: TCP backpressure, as from a congested
 * link. Nothing is lost; the clients' sockets fill up. */
void gls_sim_pause_reading (GlsSim *sim, gboolean pause);
/* Pongs to client pings are held back ms (0: none) while everything else
 * flows; applies to pongs the server emits from now on. */
void gls_sim_set_pong_delay (GlsSim *sim, guint ms);
/* The server pings every client every ms (0: stops), between its other
 * frames, as real servers and proxies do; each ping carries an 8-byte
 * sequence number that the client's pong must echo. From now on, on open
 * connections and new ones. */
void gls_sim_set_ping_interval (GlsSim *sim, guint ms);
/* The server reads at most bytes_per_second from each client (0: as fast
 * as it comes), with a small receive window, so that a fast client's
 * socket fills up: a slow reader. Nothing is lost. */
void gls_sim_set_read_rate (GlsSim *sim, guint bytes_per_second);

/* ---- frame integrity
 *
 * The proxy reads every client frame whole before it passes it on, and
 * checks it (RFC 6455): masked, known opcode, no reserved bits (but
 * permessage-deflate's when negotiated), control frames whole and short,
 * continuations only inside a fragmented message and no new message
 * inside one, minimal length encoding, nothing after the close frame;
 * every complete text message valid UTF-8 (unless compressed; whether it
 * is the JSON the API wants is the rules' business). A frame that fails
 * closes its connection with 1002
 * GLS_REASON_CORRUPT_FRAME and is counted; nothing of it or after it
 * reaches the server. With frames == all intact and the received audio
 * equal to what the client sent, no input was broken, doubled or lost. */
typedef struct
{
  guint64 frames;      /* client frames read whole and intact */
  guint64 messages;    /* client data messages completed */
  guint64 bytes;       /* their payload bytes */
  guint corrupt;       /* frames that failed the check */
  guint pings_sent;    /* the server's own pings */
  guint pongs;         /* pongs received (answers to those pings) */
  guint pongs_matched; /* pongs that echo a ping sent and not yet answered
                        * (one pong may answer several pings) */
} GlsSimFrameStats;

#define GLS_REASON_CORRUPT_FRAME "Protocol error: corrupted frame"

/* Counters over all connections (zero with GlsSimOptions.direct). */
void gls_sim_get_frame_stats (GlsSim *sim, GlsSimFrameStats *stats);
/* What was wrong with the first corrupted frame, and where; NULL if none. */
gchar *gls_sim_dup_frame_error (GlsSim *sim);
/* Waits until n pongs have been received. */
gboolean gls_sim_wait_pongs (GlsSim *sim, guint n, guint timeout_ms);
/* Waits until the server has sent n pings (over all connections). */
gboolean gls_sim_wait_pings_sent (GlsSim *sim, guint n, guint timeout_ms);
/* The next n HTTP requests (upgrade attempts) are answered 503, then they
 * are accepted again (unless gls_sim_set_refuse_connections (TRUE)). */
void gls_sim_set_refuse_count (GlsSim *sim, guint n);

/* ---- faults at the next event, on the connection it happens on. Events:
 *   "answer-start": the first chunk of an answer (audio, or text in TEXT
 *                   modality) has been sent (with its transcript delta);
 *   "tool-call":    a toolCall has been sent;
 *   "user-speech":  the first speech frame of a user turn (automatic VAD)
 *                   or an activityStart (manual VAD) has been handled
 *                   (after any interruption it causes).
 * Each armed action fires once, right after the event, then is disarmed;
 * several armed for one event fire in arming order. */
void gls_sim_go_away_at_next (
    GlsSim *sim, const gchar *event, guint time_left_ms);
void gls_sim_close_at_next (
    GlsSim *sim, const gchar *event, gushort code, const gchar *reason);
void gls_sim_drop_at_next (GlsSim *sim, const gchar *event);

G_END_DECLS
