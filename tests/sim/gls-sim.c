/* gemini-live-sim: server, connections and the public API.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything that touches libsoup runs in the simulator's own thread and
 * GMainContext. Observations live behind sim->lock and every change
 * broadcasts sim->cond, so waits never poll.
 */
#include "gls-sim.h"
#include "gls-model.h"
#include "gls-rules.h"
#include "gls-schema.h"

#include <libsoup/soup.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#define MAX_INCOMING (16 * 1024 * 1024)
#define CLOSE_PROTOCOL_ERROR 1002
/* What the proxy passes on in place of a corrupted client frame: the
 * server closes the connection (1002) when it reaches this point of the
 * stream, after every whole message before it */
#define CORRUPT_MARKER "\001gls-sim: a corrupted frame was here"
/* hundreds of clients may connect at once (tests/bench); GIO's default of
 * 10 pending connections would drop their SYNs while the thread is busy */
#define LISTEN_BACKLOG 1024

typedef struct _Session Session;
typedef struct _Conn Conn;

/* A simulated session: the state that survives resumption. The
 * conversation (audio, inputs, counters) is written under sim->lock. */
struct _Session
{
  guint index;        /* in sim->sessions, creation order */
  guint answers;      /* answers started in the conversation */
  guint call_seq;     /* function-call-<n> ids */
  Conn *conn;         /* its open connection, if any */
  GByteArray *audio;  /* PCM the model has heard, in arrival order (only
                       * with GlsSimOptions.record) */
  gsize audio_len;    /* its length (kept without record too) */
  guint inputs;       /* realtimeInput/clientContent messages heard */
  guint user_turns;   /* user turns ended */
  guint resumes;      /* accepted resumes of this session */
  gsize update_audio; /* audio length at the last resumable update */
};

static void
session_free (gpointer p)
{
  Session *s = p;

  g_byte_array_unref (s->audio);
  g_free (s);
}

typedef enum
{
  TURN_IDLE,
  TURN_TOOL_WAIT, /* a BLOCKING call is unanswered */
  TURN_SENDING,   /* answer chunks going out */
  TURN_PLAYING,   /* all sent, waiting for playback time to pass */
} TurnState;

/* What a resumption handle covers: the conversation and the model's
 * listening state when the resumable update was sent (the protocol state,
 * activity and unanswered calls, is the rules'). */
typedef struct
{
  Session *session;
  gsize audio_len;
  guint inputs, user_turns, answers;
  GlsVad vad;
  guint64 activity_samples;
} Checkpoint;

static void
checkpoint_free (gpointer p)
{
  Checkpoint *cp = p;

  gls_vad_clear (&cp->vad);
  g_free (cp);
}

typedef enum
{
  EV_ANSWER_START,
  EV_TOOL_CALL,
  EV_USER_SPEECH,
} SimEvent;

typedef enum
{
  ACT_GO_AWAY,
  ACT_CLOSE,
  ACT_DROP,
} SimAction;

typedef struct
{
  SimEvent event;
  SimAction action;
  guint time_left_ms;
  gushort code;
  gchar *reason;
} Trigger;

static void
trigger_free (gpointer p)
{
  Trigger *t = p;

  g_free (t->reason);
  g_free (t);
}

typedef struct _Link Link;
typedef struct _AudioChunk AudioChunk;

typedef struct
{
  gchar *about;
  guint prompt_tokens;
  const gchar *prompt_modality;
} PendingAnswer;

struct _Conn
{
  GlsSim *sim;
  SoupWebsocketConnection *ws;
  GSocket *socket;
  GlsApi api;
  gchar *version;
  GlsRulesConn *rules; /* its protocol state (order, activity, calls) */
  gboolean setup_complete_sent;
  gboolean closing;
  gboolean dropped;
  gboolean stalled;          /* its proxy link is frozen */
  gboolean in_message;       /* handling a client message */
  gboolean want_update;      /* a resumable update waits for the message end */
  guint64 received;          /* client messages on this connection, setup too */
  JsonObject *lagged_update; /* update_lag_messages: not yet sent */
  guint lag_left;
  guint16 peer_port; /* local port of its proxy link's upstream socket */
  gushort sent_code;
  gchar *sent_reason;
  Session *session;

  /* from setup (and contextUpdate) */
  JsonNode *setup;
  JsonArray *tools;
  gboolean text_modality, input_tx, output_tx, resumption, no_interrupt,
      transparent;
  guint silence_ms;

  GlsVad vad;
  guint64 activity_samples; /* heard in the open activity (manual VAD) */

  TurnState turn;
  gchar *ans_text;
  gchar **ans_deltas; /* transcript or text pieces */
  guint n_chunks, chunk, n_deltas, delta;
  gsize ans_bytes;
  gint64 first_chunk_us;
  gchar *deferred_input_tx; /* the user's transcript, sent after the first
                             * chunk of the answer */
  GBytes *ans_pcm;          /* GLS_SIM_VOICE_ESPEAK: the answer's speech */
  struct _Synth *synth;     /* espeak-ng running for the next answer */
  guint prompt_tokens;
  const gchar *prompt_modality;
  GQueue pending; /* PendingAnswer */

  GSource *setup_timer, *chunk_timer, *turn_timer, *go_away_timer,
      *go_away_close_timer;
};

struct _GlsSim
{
  GlsSimOptions opts;
  gchar *api_key;

  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  SoupServer *server;
  guint port;
  GError *start_error;
  gboolean started;

  /* server thread only */
  GList *conns;
  GlsRules *rules;           /* handles, sessions; the log with record */
  GSocketListener *listener; /* the public port: a proxy in front of */
  guint inner_port;          /* the SoupServer's own port */
  GCancellable *accept_cancel;
  GList *links;

  GMutex lock;
  GCond cond;
  GByteArray *pcm;            /* handle_audio's, server thread only */
  GPtrArray *audio_chunks;    /* AudioChunk by index, server thread only */
  GPtrArray *client_messages; /* with opts.record only, as the two below */
  GHashTable *kinds_seen;
  GByteArray *received_audio, *sent_audio;
  guint client_message_count; /* these are kept without record too */
  gsize received_audio_bytes;
  gchar *last_headers, *last_uri;
  guint connections, open_connections, closed_connections;
  gushort last_close_code;
  gchar *last_close_reason;
  guint early_messages, input_during_tool_call;
  guint answers_sent, interrupted;
  gboolean refuse;
  guint refuse_count, refused;
  GPtrArray *sessions; /* Session, creation order; appended under lock */
  Session *current;    /* of the latest accepted setup */
  guint fresh_sessions, resumes;
  guint pong_delay_ms;
  guint ping_interval_ms;       /* under lock */
  guint read_rate;              /* under lock, bytes per second */
  GlsSimFrameStats frame_stats; /* under lock */
  gchar *frame_error;           /* under lock: the first corrupt frame */
  GTlsCertificate *tls_cert;    /* server thread: the proxy's, for wss */
  gint64 last_poll;             /* server thread: when the last poll returned */
  GPtrArray *triggers;          /* Trigger, in arming order */
};

static void start_answer (Conn *c, const gchar *about, guint prompt_tokens,
    const gchar *prompt_modality);
static void close_conn (Conn *c, gushort code, const gchar *reason);
static void drop_conn (Conn *c);
static void go_away (Conn *c, guint time_left_ms);
static gboolean blocking_call_pending (Conn *c);

void
gls_sim_options_init (GlsSimOptions *options)
{
  memset (options, 0, sizeof *options);
  options->setup_delay_ms = 20;
  options->answer_ms = 1200;
  /* the recordings' audio messages: 200 ms, then 240 ms each */
  options->answer_first_chunk_ms = 200;
  options->answer_chunk_ms = 240;
  options->answer_speed = 4.0;
  options->silence_ms = 400;
  options->go_away_time_left_ms = 5000;
  options->record = TRUE;
}

/* ---- small helpers */

static GSource *
add_timeout (GlsSim *sim, guint ms, GSourceFunc func, gpointer data)
{
  GSource *src = g_timeout_source_new (ms);

  g_source_set_callback (src, func, data, NULL);
  g_source_attach (src, sim->ctx);
  return src;
}

static void
clear_source (GSource **src)
{
  if (*src) {
    g_source_destroy (*src);
    g_source_unref (*src);
    *src = NULL;
  }
}

static void
notify (GlsSim *sim)
{
  g_cond_broadcast (&sim->cond);
}

static JsonObject *
obj_member (JsonObject *o, const gchar *name)
{
  return o && json_object_has_member (o, name)
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, name))
      ? json_object_get_object_member (o, name)
      : NULL;
}

static gboolean
can_send (Conn *c)
{
  /* nothing can be sent once the peer has begun the close handshake or
   * the socket has failed, before libsoup reports the close */
  return !c->closing
      && soup_websocket_connection_get_state (c->ws)
      == SOUP_WEBSOCKET_STATE_OPEN;
}

/* text: a message as gls_json_pretty writes it */
static void
send_text (Conn *c, const gchar *text)
{
  if (!can_send (c))
    return;
  if (c->sim->opts.verbose)
    g_message ("sim < %s", text);
  /* the Gemini API sends JSON in binary frames */
  soup_websocket_connection_send_binary (c->ws, text, strlen (text));
}

static void
send_node (Conn *c, JsonNode *node)
{
  gchar *text;

  if (!can_send (c))
    return;
  text = gls_json_pretty (node);
  send_text (c, text);
  g_free (text);
}

/* Sends {"<key>": body} and takes body. */
static void
send_top (Conn *c, const gchar *key, JsonObject *body)
{
  JsonObject *root = json_object_new ();
  JsonNode *node;

  json_object_set_object_member (root, key, body);
  node = json_node_init_object (json_node_alloc (), root);
  send_node (c, node);
  json_node_unref (node);
  json_object_unref (root);
}

static void
send_server_content_bool (Conn *c, const gchar *field)
{
  JsonObject *sc = json_object_new ();

  json_object_set_boolean_member (sc, field, TRUE);
  send_top (c, "serverContent", sc);
}

/* text NULL: an empty transcription, {} (Vertex sends those) */
static void
send_transcription (Conn *c, const gchar *field, const gchar *text)
{
  JsonObject *sc = json_object_new (), *t = json_object_new ();

  if (text)
    json_object_set_string_member (t, "text", text);
  json_object_set_object_member (sc, field, t);
  send_top (c, "serverContent", sc);
}

/* The model is listening: no answer going out or queued, no BLOCKING
 * call unanswered. Only then is the session resumable. */
static gboolean
conn_idle (Conn *c)
{
  return c->turn == TURN_IDLE && g_queue_is_empty (&c->pending)
      && !blocking_call_pending (c);
}

static Checkpoint *
checkpoint_new (Conn *c)
{
  GlsSim *sim = c->sim;
  Session *s = c->session;
  Checkpoint *cp = g_new0 (Checkpoint, 1);

  g_mutex_lock (&sim->lock);
  cp->session = s;
  cp->audio_len = s->audio_len;
  cp->inputs = s->inputs;
  cp->user_turns = s->user_turns;
  cp->answers = s->answers;
  s->update_audio = s->audio_len;
  g_mutex_unlock (&sim->lock);
  gls_vad_copy (&cp->vad, &c->vad);
  cp->activity_samples = c->activity_samples;
  return cp;
}

static void
send_resumption_update (Conn *c, gboolean resumable)
{
  JsonObject *u;

  if (!c->resumption || c->closing || !c->session)
    return;
  /* a handle covers whole client messages: while one is being handled,
   * the update waits for its end (and is dropped if the model is busy
   * by then) */
  if (resumable && c->in_message) {
    c->want_update = TRUE;
    return;
  }
  u = json_object_new ();
  if (resumable) {
    gchar *uuid = g_uuid_string_random ();
    gchar *handle = g_strdup_printf ("sim-resume-%s", uuid);

    gls_rules_add_handle (
        c->rules, handle, checkpoint_new (c), checkpoint_free);
    json_object_set_string_member (u, "newHandle", handle);
    g_free (handle);
    g_free (uuid);
    if (c->transparent) {
      /* Vertex: the index (from 0, the setup) of the last message of this
       * connection in the state; int64, so a JSON string */
      gchar *index = g_strdup_printf ("%" G_GUINT64_FORMAT, c->received - 1);

      json_object_set_string_member (
          u, "lastConsumedClientMessageIndex", index);
      g_free (index);
    }
  }
  json_object_set_boolean_member (u, "resumable", resumable);
  if (resumable && c->sim->opts.update_lag_messages > 0) {
    /* an older lagged update goes first, as it would on the wire */
    if (c->lagged_update)
      send_top (c, "sessionResumptionUpdate", c->lagged_update);
    c->lagged_update = u;
    c->lag_left = c->sim->opts.update_lag_messages;
    return;
  }
  send_top (c, "sessionResumptionUpdate", u);
}

/* ---- scripted faults at the next event */

/* Runs (and disarms) every trigger armed for ev, in arming order, on the
 * connection the event happened on. */
static void
fire_event (Conn *c, SimEvent ev)
{
  GlsSim *sim = c->sim;
  GPtrArray *hit = g_ptr_array_new_with_free_func (trigger_free);

  g_mutex_lock (&sim->lock);
  for (guint i = 0; i < sim->triggers->len;) {
    Trigger *t = sim->triggers->pdata[i];

    if (t->event == ev)
      g_ptr_array_add (hit, g_ptr_array_steal_index (sim->triggers, i));
    else
      i++;
  }
  g_mutex_unlock (&sim->lock);
  for (guint i = 0; i < hit->len && !c->closing; i++) {
    Trigger *t = hit->pdata[i];

    if (sim->opts.verbose)
      g_message ("sim: trigger %d fires action %d", t->event, t->action);
    switch (t->action) {
      case ACT_GO_AWAY:
        go_away (c, t->time_left_ms);
        break;
      case ACT_CLOSE:
        close_conn (c, t->code, t->reason);
        break;
      case ACT_DROP:
        drop_conn (c);
        break;
    }
  }
  g_ptr_array_unref (hit);
}

/* ---- answers */

/* The n-th audio chunk of every answer is the same (the synthesis depends
 * on the offset only, the answer length is an option), and so is its
 * frame on each API: made once, sent many times. */
struct _AudioChunk
{
  guint8 *pcm;
  gsize pcm_len;
  gchar *frame[2]; /* per GlsApi, as send_top would write it */
};

static void
audio_chunk_free (gpointer p)
{
  AudioChunk *ac = p;

  g_free (ac->pcm);
  g_free (ac->frame[0]);
  g_free (ac->frame[1]);
  g_free (ac);
}

/* Where the n-th audio chunk of an answer starts, in bytes of 24 kHz
 * s16le: the first has answer_first_chunk_ms, the others answer_chunk_ms,
 * as the service's messages do. */
static gsize
chunk_offset (GlsSim *sim, guint n)
{
  gsize first
      = (gsize)GLS_OUT_RATE / 1000 * sim->opts.answer_first_chunk_ms * 2;
  gsize rest = (gsize)GLS_OUT_RATE / 1000 * sim->opts.answer_chunk_ms * 2;

  return n == 0 ? 0 : first + (gsize)(n - 1) * rest;
}

/* Chunks in an answer of bytes. */
static guint
chunk_count (GlsSim *sim, gsize bytes)
{
  guint n = 1;

  while (chunk_offset (sim, n) < bytes)
    n++;
  return n;
}

/* A modelTurn with one audio part, as send_top would write it. */
static gchar *
audio_frame (GlsApi api, const guint8 *pcm, gsize len)
{
  gchar *b64 = g_base64_encode (pcm, len), *frame;
  JsonObject *root = json_object_new (), *sc = json_object_new (),
             *mt = json_object_new (), *part = json_object_new (),
             *blob = json_object_new ();
  JsonArray *parts = json_array_new ();
  JsonNode *node;

  json_object_set_string_member (blob, "mimeType",
      api == GLS_API_VERTEX ? "audio/pcm" : "audio/pcm;rate=24000");
  json_object_set_string_member (blob, "data", b64);
  json_object_set_object_member (part, "inlineData", blob);
  json_array_add_object_element (parts, part);
  if (api == GLS_API_VERTEX)
    json_object_set_string_member (mt, "role", "model");
  json_object_set_array_member (mt, "parts", parts);
  json_object_set_object_member (sc, "modelTurn", mt);
  json_object_set_object_member (root, "serverContent", sc);
  node = json_node_init_object (json_node_alloc (), root);
  frame = gls_json_pretty (node);
  json_node_unref (node);
  json_object_unref (root);
  g_free (b64);
  return frame;
}

/* The n-th chunk of the current answer. The tone's are made once and
 * kept (see AudioChunk); a spoken answer's are made for it, and freed
 * with audio_chunk_done. */
static AudioChunk *
audio_chunk (Conn *c, guint n)
{
  GlsSim *sim = c->sim;
  gsize off = chunk_offset (sim, n);
  AudioChunk *ac;

  if (c->ans_pcm) {
    const guint8 *pcm = g_bytes_get_data (c->ans_pcm, NULL);

    ac = g_new0 (AudioChunk, 1);
    ac->pcm_len = MIN (chunk_offset (sim, n + 1), c->ans_bytes) - off;
    ac->pcm = g_memdup2 (pcm + off, ac->pcm_len);
    ac->frame[c->api] = audio_frame (c->api, ac->pcm, ac->pcm_len);
    return ac;
  }
  if (n < sim->audio_chunks->len && sim->audio_chunks->pdata[n])
    return sim->audio_chunks->pdata[n];
  if (n >= sim->audio_chunks->len)
    g_ptr_array_set_size (sim->audio_chunks, n + 1);
  ac = g_new0 (AudioChunk, 1);
  ac->pcm_len = MIN (chunk_offset (sim, n + 1), c->ans_bytes) - off;
  ac->pcm = g_malloc (ac->pcm_len);
  gls_model_synth (ac->pcm, ac->pcm_len, off);
  for (guint api = 0; api < 2; api++)
    ac->frame[api] = audio_frame (api, ac->pcm, ac->pcm_len);
  sim->audio_chunks->pdata[n] = ac;
  return ac;
}

static void
audio_chunk_done (Conn *c, AudioChunk *ac)
{
  if (c->ans_pcm)
    audio_chunk_free (ac);
}

static void synth_cancel (Conn *c);

static void
stop_answer_timers (Conn *c)
{
  clear_source (&c->chunk_timer);
  clear_source (&c->turn_timer);
  synth_cancel (c);
}

static JsonObject *
usage (Conn *c)
{
  JsonObject *u = json_object_new ();
  JsonArray *pd = json_array_new (), *rd = json_array_new ();
  JsonObject *p = json_object_new (), *r = json_object_new ();
  guint resp = c->text_modality
      ? gls_model_text_tokens (c->ans_text)
      : gls_model_audio_tokens ((gdouble)c->ans_bytes / 2 / GLS_OUT_RATE);
  gboolean vertex = c->api == GLS_API_VERTEX;

  json_object_set_string_member (p, "modality", c->prompt_modality);
  json_object_set_int_member (p, "tokenCount", c->prompt_tokens);
  json_array_add_object_element (pd, p);
  json_object_set_string_member (
      r, "modality", c->text_modality ? "TEXT" : "AUDIO");
  json_object_set_int_member (r, "tokenCount", resp);
  json_array_add_object_element (rd, r);
  json_object_set_int_member (u, "promptTokenCount", c->prompt_tokens);
  /* Vertex names the response counts "candidates" */
  json_object_set_int_member (
      u, vertex ? "candidatesTokenCount" : "responseTokenCount", resp);
  json_object_set_int_member (u, "totalTokenCount", c->prompt_tokens + resp);
  json_object_set_array_member (u, "promptTokensDetails", pd);
  json_object_set_array_member (
      u, vertex ? "candidatesTokensDetails" : "responseTokensDetails", rd);
  return u;
}

static void
finish_turn (Conn *c, gboolean with_usage)
{
  JsonObject *root = json_object_new (), *sc = json_object_new ();
  JsonNode *node;
  PendingAnswer *next;

  json_object_set_boolean_member (sc, "turnComplete", TRUE);
  json_object_set_object_member (root, "serverContent", sc);
  /* the recordings carry both in one message */
  if (with_usage)
    json_object_set_object_member (root, "usageMetadata", usage (c));
  node = json_node_init_object (json_node_alloc (), root);
  send_node (c, node);
  json_node_unref (node);
  json_object_unref (root);

  c->turn = TURN_IDLE;
  g_clear_pointer (&c->ans_deltas, g_strfreev);

  next = g_queue_pop_head (&c->pending);
  if (next) {
    /* the model goes on generating: not resumable in between */
    start_answer (c, next->about, next->prompt_tokens, next->prompt_modality);
    g_free (next->about);
    g_free (next);
  } else
    send_resumption_update (c, TRUE);
}

static gboolean
turn_timer_cb (gpointer data)
{
  Conn *c = data;
  GlsSim *sim = c->sim;

  clear_source (&c->turn_timer);
  g_mutex_lock (&sim->lock);
  sim->answers_sent++;
  notify (sim);
  g_mutex_unlock (&sim->lock);
  finish_turn (c, TRUE);
  return G_SOURCE_REMOVE;
}

/* The user's transcript held back for after the answer's first chunk. */
static void
flush_input_transcript (Conn *c)
{
  if (!c->deferred_input_tx)
    return;
  send_transcription (c, "inputTranscription", c->deferred_input_tx);
  g_clear_pointer (&c->deferred_input_tx, g_free);
}

static gboolean
chunk_timer_cb (gpointer data)
{
  Conn *c = data;
  GlsSim *sim = c->sim;

  if (c->chunk < c->n_chunks) {
    gboolean untidy = !sim->opts.tidy_answers;
    gboolean vertex = c->api == GLS_API_VERTEX;
    /* transcript deltas go with every other audio chunk */
    gboolean delta_due = !c->text_modality && c->output_tx && c->chunk % 2 == 0
        && c->delta < c->n_deltas;

    /* Vertex opens a transcript with an empty one (recording) */
    if (c->chunk == 0 && untidy && vertex && c->output_tx && !c->text_modality)
      send_transcription (c, "outputTranscription", NULL);
    /* Vertex's transcript runs ahead of its audio (pipecat) */
    if (delta_due && untidy && vertex) {
      send_transcription (c, "outputTranscription", c->ans_deltas[c->delta++]);
      delta_due = FALSE;
    }
    if (c->text_modality) {
      JsonObject *sc = json_object_new (), *mt = json_object_new (),
                 *part = json_object_new ();
      JsonArray *parts = json_array_new ();

      json_object_set_string_member (part, "text", c->ans_deltas[c->chunk]);
      json_array_add_object_element (parts, part);
      if (vertex)
        json_object_set_string_member (mt, "role", "model");
      json_object_set_array_member (mt, "parts", parts);
      json_object_set_object_member (sc, "modelTurn", mt);
      send_top (c, "serverContent", sc);
    } else {
      AudioChunk *ac = audio_chunk (c, c->chunk);

      if (sim->opts.record) {
        g_mutex_lock (&sim->lock);
        g_byte_array_append (sim->sent_audio, ac->pcm, ac->pcm_len);
        g_mutex_unlock (&sim->lock);
      }
      send_text (c, ac->frame[c->api]);
      audio_chunk_done (c, ac);
    }
    if (c->chunk == 0)
      c->first_chunk_us = g_get_monotonic_time ();
    if (delta_due)
      send_transcription (c, "outputTranscription", c->ans_deltas[c->delta++]);
    flush_input_transcript (c);
    c->chunk++;
    if (c->chunk == 1) {
      fire_event (c, EV_ANSWER_START);
      if (c->closing)
        return G_SOURCE_REMOVE;
    }
  }
  if (c->chunk < c->n_chunks)
    return G_SOURCE_CONTINUE;

  /* flush what is left of the transcript before generationComplete */
  while (!c->text_modality && c->output_tx && c->delta < c->n_deltas)
    send_transcription (c, "outputTranscription", c->ans_deltas[c->delta++]);
  clear_source (&c->chunk_timer);
  send_server_content_bool (c, "generationComplete");
  c->turn = TURN_PLAYING;
  {
    /* turnComplete once real-time playback of the answer has passed */
    gint64 play_us = c->text_modality
        ? 0
        : (gint64)c->ans_bytes / 2 * G_USEC_PER_SEC / GLS_OUT_RATE;
    gint64 left = c->first_chunk_us + play_us - g_get_monotonic_time ();

    c->turn_timer = add_timeout (
        sim, left > 0 ? (guint)(left / 1000) : 0, turn_timer_cb, c);
  }
  return G_SOURCE_REMOVE;
}

/* Sends the current answer (text and ans_bytes of audio, ans_pcm if
 * spoken): chunks at the answer speed, then generationComplete. */
static void
send_answer (Conn *c)
{
  GlsSim *sim = c->sim;
  guint interval;

  c->n_chunks = chunk_count (sim, c->ans_bytes);
  g_clear_pointer (&c->ans_deltas, g_strfreev);
  if (c->text_modality) {
    c->ans_deltas = gls_model_split_words (c->ans_text, MIN (c->n_chunks, 4));
    c->n_chunks = g_strv_length (c->ans_deltas);
  } else
    c->ans_deltas = gls_model_split_words (c->ans_text, (c->n_chunks + 1) / 2);
  c->n_deltas = g_strv_length (c->ans_deltas);
  c->chunk = 0;
  c->delta = 0;
  interval
      = (guint)(sim->opts.answer_chunk_ms / MAX (sim->opts.answer_speed, 0.01));
  chunk_timer_cb (c);
  if (c->turn == TURN_SENDING && !c->closing)
    c->chunk_timer = add_timeout (sim, MAX (interval, 1), chunk_timer_cb, c);
}

/* ---- the espeak-ng voice: the answer's words, spoken */

typedef struct _Synth
{
  Conn *c; /* NULL once cancelled: the connection may be gone */
  GSubprocess *proc;
  GCancellable *cancel;
} Synth;

static void
synth_free (Synth *s)
{
  g_object_unref (s->proc);
  g_object_unref (s->cancel);
  g_free (s);
}

static void
synth_cancel (Conn *c)
{
  if (!c->synth)
    return;
  c->synth->c = NULL;
  g_cancellable_cancel (c->synth->cancel);
  g_subprocess_force_exit (c->synth->proc);
  c->synth = NULL;
}

static void
synth_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Synth *s = data;
  Conn *c = s->c;
  GBytes *out = NULL;
  gboolean ok = g_subprocess_communicate_finish (
      G_SUBPROCESS (src), res, &out, NULL, NULL);

  if (c) {
    GBytes *pcm = ok && g_subprocess_get_if_exited (s->proc)
            && g_subprocess_get_exit_status (s->proc) == 0
        ? gls_model_wav_to_24k (out)
        : NULL;

    c->synth = NULL;
    if (pcm) {
      c->ans_pcm = pcm;
      c->ans_bytes = g_bytes_get_size (pcm);
    } else if (c->sim->opts.verbose)
      g_message ("sim: espeak-ng failed; answering with the tone");
    send_answer (c);
  }
  if (out)
    g_bytes_unref (out);
  synth_free (s);
}

/* Starts speaking text; send_answer follows when the speech is ready.
 * FALSE if espeak-ng cannot be started (the tone is used). */
static gboolean
synth_start (Conn *c, const gchar *text)
{
  const gchar *program
      = c->sim->opts.voice_program ? c->sim->opts.voice_program : "espeak-ng";
  GSubprocess *proc = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
      program, "--stdout", "-v", "en-us", "-s", "165", "--", text, NULL);
  Synth *s;

  if (!proc) {
    if (c->sim->opts.verbose)
      g_message ("sim: cannot run %s; answering with the tone", program);
    return FALSE;
  }
  s = g_new0 (Synth, 1);
  s->c = c;
  s->proc = proc;
  s->cancel = g_cancellable_new ();
  c->synth = s;
  g_subprocess_communicate_async (proc, NULL, s->cancel, synth_done, s);
  return TRUE;
}

static void
start_answer (Conn *c, const gchar *about, guint prompt_tokens,
    const gchar *prompt_modality)
{
  GlsSim *sim = c->sim;

  if (c->closing)
    return;
  if (c->turn == TURN_SENDING || c->turn == TURN_PLAYING) {
    PendingAnswer *p = g_new0 (PendingAnswer, 1);

    p->about = g_strdup (about);
    p->prompt_tokens = prompt_tokens;
    p->prompt_modality = prompt_modality;
    g_queue_push_tail (&c->pending, p);
    return;
  }
  send_resumption_update (c, FALSE);
  g_mutex_lock (&sim->lock);
  c->session->answers++;
  g_mutex_unlock (&sim->lock);
  c->prompt_tokens = prompt_tokens;
  c->prompt_modality = prompt_modality;
  g_free (c->ans_text);
  c->ans_text = g_strdup (about);
  c->ans_bytes = (gsize)sim->opts.answer_ms * GLS_OUT_RATE / 1000 * 2;
  g_clear_pointer (&c->ans_pcm, g_bytes_unref);
  c->turn = TURN_SENDING;
  if (sim->opts.voice == GLS_SIM_VOICE_ESPEAK && !c->text_modality
      && synth_start (c, about))
    return;
  send_answer (c);
}

static void
interrupt (Conn *c)
{
  GlsSim *sim = c->sim;
  GHashTableIter it;
  gpointer key;
  JsonArray *ids;

  if (c->turn == TURN_IDLE || c->no_interrupt || c->closing)
    return;
  flush_input_transcript (c);
  stop_answer_timers (c);
  send_server_content_bool (c, "interrupted");
  if (g_hash_table_size (c->rules->calls) > 0) {
    JsonObject *cc = json_object_new ();

    ids = json_array_new ();
    g_hash_table_iter_init (&it, c->rules->calls);
    while (g_hash_table_iter_next (&it, &key, NULL))
      json_array_add_string_element (ids, key);
    gls_rules_cancel_calls (c->rules);
    json_object_set_array_member (cc, "ids", ids);
    send_top (c, "toolCallCancellation", cc);
  }
  while (!g_queue_is_empty (&c->pending)) {
    PendingAnswer *p = g_queue_pop_head (&c->pending);
    g_free (p->about);
    g_free (p);
  }
  g_mutex_lock (&sim->lock);
  sim->interrupted++;
  notify (sim);
  g_mutex_unlock (&sim->lock);
  finish_turn (c, FALSE);
}

/* ---- user turns */

static gboolean
blocking_call_pending (Conn *c)
{
  return gls_rules_blocking_call_pending (c->rules);
}

/* A modelTurn with the call as Python, as the recorded Gemini API session
 * sends before its toolCall: print(default_api.NAME(key='value', ...)). */
static void
send_call_code (Conn *c, const gchar *name, JsonObject *args)
{
  JsonObject *sc = json_object_new (), *mt = json_object_new (),
             *part = json_object_new (), *code = json_object_new ();
  JsonArray *parts = json_array_new ();
  GString *py = g_string_new (NULL);
  GList *members = json_object_get_members (args);

  g_string_append_printf (py, "print(default_api.%s(", name);
  for (GList *l = members; l; l = l->next) {
    JsonNode *v = json_object_get_member (args, l->data);

    g_string_append_printf (
        py, "%s%s=", l == members ? "" : ", ", (const gchar *)l->data);
    if (JSON_NODE_HOLDS_VALUE (v)
        && json_node_get_value_type (v) == G_TYPE_STRING)
      g_string_append_printf (py, "'%s'", json_node_get_string (v));
    else {
      gchar *j = json_to_string (v, FALSE);
      g_string_append (py, j);
      g_free (j);
    }
  }
  g_list_free (members);
  g_string_append (py, "))");
  json_object_set_string_member (code, "language", "PYTHON");
  json_object_set_string_member (code, "code", py->str);
  g_string_free (py, TRUE);
  json_object_set_object_member (part, "executableCode", code);
  json_array_add_object_element (parts, part);
  json_object_set_array_member (mt, "parts", parts);
  json_object_set_object_member (sc, "modelTurn", mt);
  send_top (c, "serverContent", sc);
}

static void
tool_call (Conn *c, JsonObject *decl, gboolean blocking, JsonObject *args)
{
  JsonObject *tc = json_object_new (), *fc = json_object_new ();
  JsonArray *calls = json_array_new ();
  gchar *id;

  g_mutex_lock (&c->sim->lock);
  id = g_strdup_printf ("function-call-%u", ++c->session->call_seq);
  g_mutex_unlock (&c->sim->lock);

  send_resumption_update (c, FALSE);
  json_object_set_string_member (fc, "id", id);
  json_object_set_string_member (
      fc, "name", json_object_get_string_member (decl, "name"));
  json_object_set_object_member (fc, "args", args);
  json_array_add_object_element (calls, fc);
  json_object_set_array_member (tc, "functionCalls", calls);
  gls_rules_tool_call (
      c->rules, id, json_object_get_string_member (decl, "name"), blocking);
  g_free (id);
  if (blocking)
    c->turn = TURN_TOOL_WAIT;
  /* the Gemini API shows the call as code first (recording) */
  if (!c->sim->opts.tidy_answers && c->api == GLS_API_GEMINI)
    send_call_code (c, json_object_get_string_member (decl, "name"), args);
  send_top (c, "toolCall", tc);
  /* Vertex ends the generation while the call is pending (recording) */
  if (!c->sim->opts.tidy_answers && c->api == GLS_API_VERTEX)
    send_server_content_bool (c, "generationComplete");
  fire_event (c, EV_TOOL_CALL);
}

static void
count_user_turn (Conn *c)
{
  g_mutex_lock (&c->sim->lock);
  c->session->user_turns++;
  notify (c->sim);
  g_mutex_unlock (&c->sim->lock);
}

static void
user_turn_text (Conn *c, const gchar *text)
{
  JsonObject *decl, *args = NULL;
  gboolean blocking = TRUE;
  gchar *about;

  count_user_turn (c);
  /* inputAudioTranscription transcribes audio: typed text gets none */
  decl = gls_model_find_function (c->tools, text, &blocking, &args);
  if (decl && c->turn == TURN_IDLE) {
    tool_call (c, decl, blocking, args);
    if (blocking)
      return;
    about = g_strdup_printf ("I am running %s in the background.",
        json_object_get_string_member (decl, "name"));
  } else {
    if (args)
      json_object_unref (args);
    about = g_strdup_printf ("You said: %s", text);
  }
  start_answer (c, about, gls_model_text_tokens (text), "TEXT");
  g_free (about);
}

static void
user_turn_audio (Conn *c, gdouble seconds)
{
  gchar *about;

  count_user_turn (c);
  if (c->input_tx) {
    gchar *t = gls_model_speech_placeholder (seconds);

    /* the service does not order the user's transcript before the
     * answer: every second answer gets it after its first chunk */
    if (!c->sim->opts.tidy_answers && c->turn == TURN_IDLE
        && g_queue_is_empty (&c->pending) && c->session->answers % 2 == 1) {
      g_free (c->deferred_input_tx);
      c->deferred_input_tx = t;
    } else {
      send_transcription (c, "inputTranscription", t);
      g_free (t);
    }
  }
  /* the number this answer will have: after those going out or queued */
  about = gls_model_spoken_answer (c->session->answers + 1
          + g_queue_get_length (&c->pending)
          + (c->turn == TURN_SENDING || c->turn == TURN_PLAYING),
      seconds);
  start_answer (c, about, gls_model_audio_tokens (seconds), "AUDIO");
  g_free (about);
}

static void
vad_event (GlsVadEvent ev, gpointer data)
{
  Conn *c = data;

  if (c->closing)
    return;
  if (ev == GLS_VAD_SPEECH_START) {
    interrupt (c);
    fire_event (c, EV_USER_SPEECH);
  } else
    user_turn_audio (c, gls_vad_last_turn_seconds (&c->vad));
}

static guint
mime_rate (const gchar *mime)
{
  const gchar *r = strstr (mime, "rate=");

  return r ? (guint)atoi (r + 5) : 16000;
}

static gboolean
gate_tool_input (Conn *c)
{
  GlsSim *sim = c->sim;

  if (!blocking_call_pending (c))
    return TRUE;
  g_mutex_lock (&sim->lock);
  sim->input_during_tool_call++;
  notify (sim);
  g_mutex_unlock (&sim->lock);
  if (sim->opts.strict_tool_gating) {
    close_conn (c, GLS_CLOSE_POLICY, GLS_REASON_NOT_IMPLEMENTED);
    return FALSE;
  }
  return TRUE;
}

/* realtimeInput.audio, validated; b64 is its data */
static void
handle_audio (Conn *c, const gchar *mime, const gchar *b64, gsize b64_len)
{
  GlsSim *sim = c->sim;
  gsize len;
  const guint8 *d;

  /* decoded into a buffer of the server thread's, reused */
  g_byte_array_set_size (sim->pcm, b64_len / 4 * 3 + 3);
  len = gls_base64_decode_into (b64, b64_len, sim->pcm->data);
  d = sim->pcm->data;
  g_mutex_lock (&sim->lock);
  if (sim->opts.record)
    g_byte_array_append (sim->received_audio, d, len);
  sim->received_audio_bytes += len;
  notify (sim);
  g_mutex_unlock (&sim->lock);
  /* the rules have checked the activity mode */
  if (gate_tool_input (c)) {
    guint rate = mime_rate (mime);

    /* the model has heard it */
    g_mutex_lock (&sim->lock);
    if (sim->opts.record)
      g_byte_array_append (c->session->audio, d, len);
    c->session->audio_len += len;
    notify (sim);
    g_mutex_unlock (&sim->lock);

    if (rate != c->vad.rate) {
      gls_vad_clear (&c->vad);
      gls_vad_init (&c->vad, rate, c->silence_ms);
    }
    if (c->rules->manual_vad)
      c->activity_samples += len / 2;
    else
      gls_vad_feed (&c->vad, d, len, vad_event, c);
  }
}

static void
handle_realtime_input (Conn *c, JsonObject *ri)
{
  if (json_object_has_member (ri, "audio")) {
    JsonObject *blob = json_object_get_object_member (ri, "audio");
    const gchar *data
        = json_object_get_string_member_with_default (blob, "data", "");

    handle_audio (c, json_object_get_string_member (blob, "mimeType"), data,
        strlen (data));
  } else if (json_object_has_member (ri, "video"))
    gate_tool_input (c);
  else if (json_object_has_member (ri, "text")) {
    if (gate_tool_input (c)) {
      interrupt (c);
      user_turn_text (c, json_object_get_string_member (ri, "text"));
    }
  } else if (json_object_has_member (ri, "audioStreamEnd")) {
    /* the rules allow it with automatic activity detection only */
    if (json_object_get_boolean_member (ri, "audioStreamEnd")
        && gls_vad_force_end (&c->vad))
      user_turn_audio (c, gls_vad_last_turn_seconds (&c->vad));
  } else if (json_object_has_member (ri, "activityStart")) {
    c->activity_samples = 0;
    interrupt (c);
    fire_event (c, EV_USER_SPEECH);
  } else if (json_object_has_member (ri, "activityEnd")) {
    if (c->activity_samples > 0)
      user_turn_audio (c, (gdouble)c->activity_samples / c->vad.rate);
    c->activity_samples = 0;
  }
}

static void
handle_client_content (Conn *c, JsonObject *cc)
{
  JsonArray *turns = json_object_has_member (cc, "turns")
      ? json_object_get_array_member (cc, "turns")
      : NULL;
  GString *text;

  /* initial history (historyConfig): heard, not answered (doc) */
  if (c->rules->seed_message)
    return;
  text = g_string_new (NULL);
  if (!json_object_get_boolean_member_with_default (
          cc, "turnComplete", FALSE)) {
    g_string_free (text, TRUE);
    return;
  }
  for (guint i = 0; turns && i < json_array_get_length (turns); i++) {
    JsonObject *t = json_array_get_object_element (turns, i);
    JsonArray *parts = json_object_has_member (t, "parts")
        ? json_object_get_array_member (t, "parts")
        : NULL;

    if (g_strcmp0 (
            json_object_get_string_member_with_default (t, "role", "user"),
            "model")
        == 0)
      continue;
    for (guint j = 0; parts && j < json_array_get_length (parts); j++) {
      JsonObject *p = json_array_get_object_element (parts, j);
      if (json_object_has_member (p, "text")) {
        if (text->len)
          g_string_append_c (text, ' ');
        g_string_append (text, json_object_get_string_member (p, "text"));
      }
    }
  }
  /* clientContent interrupts the current generation */
  interrupt (c);
  user_turn_text (c, text->str);
  g_string_free (text, TRUE);
}

static void
handle_tool_response (Conn *c, JsonObject *tr)
{
  JsonArray *resps = json_object_get_array_member (tr, "functionResponses");
  GPtrArray *answers = c->rules->answers;

  /* the rules matched each response to its call, in order */
  for (guint i = 0; i < answers->len && !c->closing; i++) {
    JsonObject *r = json_array_get_object_element (resps, i);
    GlsAnswer *a = answers->pdata[i];
    const gchar *sched = json_object_get_string_member_with_default (
        r, "scheduling", "WHEN_IDLE");
    gchar *resp_json, *about;

    if (a->kind == GLS_ANSWER_CANCELLED)
      continue;
    resp_json = json_object_has_member (r, "response")
        ? json_to_string (json_object_get_member (r, "response"), FALSE)
        : g_strdup ("{}");
    about
        = g_strdup_printf ("The function %s returned %s.", a->name, resp_json);
    g_free (resp_json);
    if (a->kind == GLS_ANSWER_CALL && a->blocking) {
      c->turn = TURN_IDLE;
      start_answer (c, about, gls_model_text_tokens (about), "TEXT");
    } else if (g_str_equal (sched, "INTERRUPT")) {
      interrupt (c);
      start_answer (c, about, gls_model_text_tokens (about), "TEXT");
    } else if (!g_str_equal (sched, "SILENT"))
      start_answer (c, about, gls_model_text_tokens (about), "TEXT");
    g_free (about);
  }
}

/* ---- goAway */

static gboolean
go_away_close_cb (gpointer data)
{
  Conn *c = data;

  clear_source (&c->go_away_close_timer);
  close_conn (c, GLS_CLOSE_POLICY, GLS_REASON_GO_AWAY);
  return G_SOURCE_REMOVE;
}

static void
go_away (Conn *c, guint time_left_ms)
{
  JsonObject *g = json_object_new ();
  gchar *left;

  if (c->closing)
    return;
  if (time_left_ms % 1000 == 0)
    left = g_strdup_printf ("%us", time_left_ms / 1000);
  else {
    /* Duration JSON: fractional seconds, trailing zeros dropped */
    gchar *frac = g_strdup_printf ("%03u", time_left_ms % 1000);
    gsize n = strlen (frac);
    while (n > 0 && frac[n - 1] == '0')
      frac[--n] = '\0';
    left = g_strdup_printf ("%u.%ss", time_left_ms / 1000, frac);
    g_free (frac);
  }
  json_object_set_string_member (g, "timeLeft", left);
  g_free (left);
  send_top (c, "goAway", g);
  clear_source (&c->go_away_close_timer);
  c->go_away_close_timer
      = add_timeout (c->sim, time_left_ms, go_away_close_cb, c);
}

static gboolean
go_away_timer_cb (gpointer data)
{
  Conn *c = data;

  clear_source (&c->go_away_timer);
  go_away (c, c->sim->opts.go_away_time_left_ms);
  return G_SOURCE_REMOVE;
}

/* ---- setup */

static gboolean
setup_timer_cb (gpointer data)
{
  Conn *c = data;
  JsonObject *sc = json_object_new ();

  clear_source (&c->setup_timer);
  if (c->api == GLS_API_VERTEX) {
    gchar *uuid = g_uuid_string_random ();
    json_object_set_string_member (sc, "sessionId", uuid);
    g_free (uuid);
  }
  send_top (c, "setupComplete", sc);
  c->setup_complete_sent = TRUE;
  gls_rules_setup_complete (c->rules);
  send_resumption_update (c, TRUE);
  if (c->sim->opts.go_away_after_ms)
    c->go_away_timer = add_timeout (
        c->sim, c->sim->opts.go_away_after_ms, go_away_timer_cb, c);
  return G_SOURCE_REMOVE;
}

/* The old connection of a session that is being resumed: it no longer
 * acts for the session. */
static void
detach_conn (Conn *old)
{
  old->session = NULL;
  gls_rules_conn_dead (old->rules);
  if (old->closing)
    return;
  if (old->stalled) {
    /* a silent dead connection: the server gives up on it */
    drop_conn (old);
    return;
  }
  /* the peer has started the close handshake: let it finish, quietly */
  old->closing = TRUE;
  clear_source (&old->setup_timer);
  clear_source (&old->chunk_timer);
  clear_source (&old->turn_timer);
  clear_source (&old->go_away_timer);
  clear_source (&old->go_away_close_timer);
}

/* Under sim->lock. Sends the session back to what cp covers. */
static void
rewind_session (GlsSim *sim, Checkpoint *cp)
{
  Session *s = cp->session;

  if (sim->opts.record)
    g_byte_array_set_size (s->audio, cp->audio_len);
  s->audio_len = cp->audio_len;
  s->inputs = cp->inputs;
  s->user_turns = cp->user_turns;
  s->answers = cp->answers;
  /* call_seq is not rewound: like the real service's, function-call ids
   * are never reused within a session, so a call lost with a connection
   * and the one a replayed input causes differ */
  s->update_audio = cp->audio_len;
}

static void
handle_setup (Conn *c, JsonNode *norm)
{
  GlsSim *sim = c->sim;
  JsonObject *setup
      = json_object_get_object_member (json_node_get_object (norm), "setup");
  JsonObject *gc = obj_member (setup, "generationConfig");
  JsonObject *ric = obj_member (setup, "realtimeInputConfig");
  JsonObject *aad = obj_member (ric, "automaticActivityDetection");
  JsonObject *sr = obj_member (setup, "sessionResumption");
  /* the rules accepted the model and the handle, and found no healthy
   * connection still serving the session */
  Checkpoint *cp = c->rules->resumed_from;
  Session *s;

  if (cp && cp->session->conn)
    detach_conn (cp->session->conn);

  c->setup = json_node_ref (norm);
  c->tools = json_object_has_member (setup, "tools")
      ? json_array_ref (json_object_get_array_member (setup, "tools"))
      : NULL;
  if (gc && json_object_has_member (gc, "responseModalities")) {
    JsonArray *m = json_object_get_array_member (gc, "responseModalities");
    c->text_modality = json_array_get_length (m) > 0
        && g_str_equal (json_array_get_string_element (m, 0), "TEXT");
  }
  c->input_tx = json_object_has_member (setup, "inputAudioTranscription");
  c->output_tx = json_object_has_member (setup, "outputAudioTranscription");
  c->resumption = sr != NULL;
  c->transparent = sr
      && json_object_get_boolean_member_with_default (sr, "transparent", FALSE);
  c->no_interrupt = ric
      && g_strcmp0 (json_object_get_string_member_with_default (
                        ric, "activityHandling", ""),
             "NO_INTERRUPTION")
          == 0;
  c->silence_ms = sim->opts.silence_ms;
  if (aad && json_object_has_member (aad, "silenceDurationMs")) {
    JsonNode *n = json_object_get_member (aad, "silenceDurationMs");
    c->silence_ms = JSON_NODE_HOLDS_VALUE (n)
            && json_node_get_value_type (n) == G_TYPE_STRING
        ? (guint)atoi (json_node_get_string (n))
        : (guint)json_node_get_int (n);
  }
  gls_vad_clear (&c->vad);
  gls_vad_init (&c->vad, 16000, c->silence_ms);

  g_mutex_lock (&sim->lock);
  if (cp) {
    s = cp->session;
    rewind_session (sim, cp);
    s->resumes++;
    sim->resumes++;
  } else {
    s = g_new0 (Session, 1);
    s->audio = g_byte_array_new ();
    s->index = sim->sessions->len;
    /* sessions are created in the same order on both sides */
    g_assert ((gint)s->index == c->rules->session);
    g_ptr_array_add (sim->sessions, s);
    sim->fresh_sessions++;
  }
  sim->current = s;
  notify (sim);
  g_mutex_unlock (&sim->lock);
  c->session = s;
  s->conn = c;
  if (cp) {
    /* the model listens on from where the handle left off */
    gls_vad_clear (&c->vad);
    gls_vad_copy (&c->vad, &cp->vad);
    c->vad.silence_ms = c->silence_ms;
    c->activity_samples = cp->activity_samples;
  }
  c->setup_timer
      = add_timeout (sim, sim->opts.setup_delay_ms, setup_timer_cb, c);
}

/* ---- connection lifecycle */

static void
drop_conn (Conn *c)
{
  /* FIN without a close frame: the peer sees an abnormal closure (1006) */
  c->dropped = TRUE;
  c->closing = TRUE;
  gls_rules_conn_dead (c->rules);
  stop_answer_timers (c);
  clear_source (&c->setup_timer);
  clear_source (&c->go_away_timer);
  clear_source (&c->go_away_close_timer);
  g_socket_shutdown (c->socket, TRUE, TRUE, NULL);
}

static void
close_conn (Conn *c, gushort code, const gchar *reason)
{
  gchar *r;
  gsize len;

  if (c->closing)
    return;
  c->closing = TRUE;
  gls_rules_conn_dead (c->rules);
  /* a close frame holds at most 123 bytes of reason */
  r = g_strdup (reason ? reason : "");
  len = strlen (r);
  if (len > 123) {
    const gchar *end = r + 123;
    while (end > r && (*end & 0xc0) == 0x80)
      end--;
    r[end - r] = '\0';
  }
  c->sent_code = code;
  c->sent_reason = r;
  clear_source (&c->setup_timer);
  stop_answer_timers (c);
  clear_source (&c->go_away_timer);
  clear_source (&c->go_away_close_timer);
  if (c->sim->opts.verbose)
    g_message ("sim: closing %u %s", code, r);
  soup_websocket_connection_close (c->ws, code, r);
}

static void
conn_free (Conn *c)
{
  clear_source (&c->setup_timer);
  stop_answer_timers (c);
  clear_source (&c->go_away_timer);
  clear_source (&c->go_away_close_timer);
  g_signal_handlers_disconnect_by_data (c->ws, c);
  g_object_unref (c->ws);
  g_clear_object (&c->socket);
  g_free (c->version);
  g_free (c->sent_reason);
  g_clear_pointer (&c->setup, json_node_unref);
  g_clear_pointer (&c->tools, json_array_unref);
  g_clear_pointer (&c->lagged_update, json_object_unref);
  g_clear_pointer (&c->ans_deltas, g_strfreev);
  g_free (c->ans_text);
  g_free (c->deferred_input_tx);
  g_clear_pointer (&c->ans_pcm, g_bytes_unref);
  gls_vad_clear (&c->vad);
  while (!g_queue_is_empty (&c->pending)) {
    PendingAnswer *p = g_queue_pop_head (&c->pending);
    g_free (p->about);
    g_free (p);
  }
  gls_rules_conn_free (c->rules);
  g_free (c);
}

static void
on_closed (SoupWebsocketConnection *ws, gpointer data)
{
  Conn *c = data;
  GlsSim *sim = c->sim;
  gushort code;
  const gchar *reason;

  if (c->sent_code) {
    code = c->sent_code;
    reason = c->sent_reason;
  } else {
    code = soup_websocket_connection_get_close_code (ws);
    reason = soup_websocket_connection_get_close_data (ws);
    if (c->dropped || code == 0) {
      code = 1006; /* no close frame */
      reason = "";
    }
  }
  if (sim->opts.verbose)
    g_message ("sim: connection closed %u %s", code, reason ? reason : "");
  g_mutex_lock (&sim->lock);
  sim->last_close_code = code;
  g_free (sim->last_close_reason);
  sim->last_close_reason = g_strdup (reason ? reason : "");
  sim->open_connections--;
  sim->closed_connections++;
  notify (sim);
  g_mutex_unlock (&sim->lock);

  c->closing = TRUE;
  if (c->session && c->session->conn == c)
    c->session->conn = NULL;
  sim->conns = g_list_remove (sim->conns, c);
  conn_free (c);
}

static void
record_kinds (GlsSim *sim, const gchar *text, gsize len)
{
  JsonParser *p = json_parser_new ();
  JsonNode *root;

  if (json_parser_load_from_data (p, text, len, NULL)
      && (root = json_parser_get_root (p)) && JSON_NODE_HOLDS_OBJECT (root)) {
    JsonObject *o = json_node_get_object (root);
    GList *members = json_object_get_members (o);

    for (GList *l = members; l; l = l->next) {
      JsonNode *v = json_object_get_member (o, l->data);

      g_hash_table_add (sim->kinds_seen, g_strdup (l->data));
      if ((g_str_equal (l->data, "realtimeInput")
              || g_str_equal (l->data, "realtime_input"))
          && JSON_NODE_HOLDS_OBJECT (v)) {
        GList *inner = json_object_get_members (json_node_get_object (v));
        for (GList *k = inner; k; k = k->next)
          g_hash_table_add (sim->kinds_seen, g_strdup (k->data));
        g_list_free (inner);
      }
    }
    g_list_free (members);
  }
  g_object_unref (p);
}

/* The rules refused a message: close as the service would. */
static void
refuse (Conn *c, GlsViolation *v)
{
  GlsSim *sim = c->sim;

  if (v->rule == GLS_RULE_EARLY) {
    g_mutex_lock (&sim->lock);
    sim->early_messages++;
    notify (sim);
    g_mutex_unlock (&sim->lock);
  }
  close_conn (c, v->code, v->reason);
  g_free (v->reason);
}

/* Tells the rules about connections that no longer serve their session
 * although the simulator has not closed them: their peer has begun the
 * close handshake, or libsoup saw the socket fail. */
static void
refresh_liveness (GlsSim *sim)
{
  for (GList *l = sim->conns; l; l = l->next) {
    Conn *c = l->data;

    if (!c->rules->dead
        && (c->stalled
            || soup_websocket_connection_get_state (c->ws)
                != SOUP_WEBSOCKET_STATE_OPEN))
      gls_rules_conn_dead (c->rules);
  }
}

static void
handle_message (Conn *c, GBytes *message)
{
  GlsSim *sim = c->sim;
  gsize len;
  const gchar *bytes = g_bytes_get_data (message, &len);
  GlsViolation v;
  GlsMsgKind kind = GLS_MSG_SETUP;
  JsonNode *norm;
  JsonObject *body;

  /* the proxy found a corrupted frame here (see c2s_corrupt) */
  if (len == strlen (CORRUPT_MARKER)
      && memcmp (bytes, CORRUPT_MARKER, len) == 0) {
    close_conn (c, CLOSE_PROTOCOL_ERROR, GLS_REASON_CORRUPT_FRAME);
    return;
  }
  g_mutex_lock (&sim->lock);
  sim->client_message_count++;
  if (sim->opts.record) {
    g_ptr_array_add (sim->client_messages, g_strndup (bytes, len));
    record_kinds (sim, bytes, len);
  }
  notify (sim);
  g_mutex_unlock (&sim->lock);
  if (sim->opts.verbose)
    g_message ("sim > %.*s", (int)MIN (len, 300), bytes);
  if (c->closing)
    return;

  if (c->setup_complete_sent) {
    gchar mime[32];
    const gchar *b64;
    gsize b64_len;

    /* the common case: audio of the plain shape, as valid as
     * gls_schema_validate would find it, without building a tree; what
     * follows is the else branch below for realtimeInput.audio */
    if (gls_schema_fast_audio (bytes, len, mime, &b64, &b64_len)) {
      if (!gls_rules_fast_audio (c->rules, bytes, len, &v)) {
        refuse (c, &v);
        return;
      }
      g_mutex_lock (&sim->lock);
      c->session->inputs++;
      notify (sim);
      g_mutex_unlock (&sim->lock);
      handle_audio (c, mime, b64, b64_len);
      return;
    }
  }
  /* a resume is refused while the session's old connection serves it:
   * the rules learn which connections no longer do */
  if (!c->rules->setup_received)
    refresh_liveness (sim);
  norm = gls_rules_message (c->rules, bytes, len, &kind, &v);
  if (!norm) {
    refuse (c, &v);
    return;
  }
  body = json_object_get_object_member (json_node_get_object (norm),
      (const gchar *[]){ "setup", "clientContent", "realtimeInput",
          "toolResponse", "contextUpdate" }[kind]);
  if (kind == GLS_MSG_SETUP)
    handle_setup (c, norm);
  else {
    if (kind == GLS_MSG_REALTIME_INPUT || kind == GLS_MSG_CLIENT_CONTENT) {
      g_mutex_lock (&sim->lock);
      c->session->inputs++;
      notify (sim);
      g_mutex_unlock (&sim->lock);
    }
    switch (kind) {
      case GLS_MSG_REALTIME_INPUT:
        handle_realtime_input (c, body);
        break;
      case GLS_MSG_CLIENT_CONTENT:
        handle_client_content (c, body);
        break;
      case GLS_MSG_TOOL_RESPONSE:
        handle_tool_response (c, body);
        break;
      case GLS_MSG_CONTEXT_UPDATE: {
        JsonObject *w = obj_member (body, "tools");
        if (w) {
          g_clear_pointer (&c->tools, json_array_unref);
          if (json_object_has_member (w, "tools"))
            c->tools
                = json_array_ref (json_object_get_array_member (w, "tools"));
        }
        break;
      }
      case GLS_MSG_SETUP:
        break;
    }
  }
  json_node_unref (norm);
}

/* Periodic updates (GlsSimOptions.resumption_update_ms): due when that
 * much audio time has been heard since the last resumable update. */
static gboolean
periodic_update_due (Conn *c)
{
  guint ms = c->sim->opts.resumption_update_ms;
  gsize heard;

  if (!ms || !c->session)
    return FALSE;
  heard = c->session->audio_len
      - MIN (c->session->update_audio, c->session->audio_len);
  return heard >= (gsize)ms * c->vad.rate / 1000 * 2;
}

static void
on_message (
    SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer data)
{
  Conn *c = data;

  c->in_message = TRUE;
  c->want_update = FALSE;
  c->received++;
  handle_message (c, message);
  c->in_message = FALSE;
  if (c->lagged_update && !c->closing && --c->lag_left == 0) {
    send_top (c, "sessionResumptionUpdate", c->lagged_update);
    c->lagged_update = NULL;
  }
  if ((c->want_update || periodic_update_due (c)) && !c->closing
      && c->setup_complete_sent && conn_idle (c))
    send_resumption_update (c, TRUE);
  c->want_update = FALSE;
}

/* ---- the public port: a loopback TCP proxy in front of the SoupServer
 *
 * libsoup answers pings by itself, cannot be told to stop reading, and
 * passes on only what it accepts, so what needs the bytes on the wire
 * lives here: the faults (stall, pong delay, slow reading), the server's
 * own pings, and the check of every client frame. Each accepted client
 * TCP connection is a Link to the SoupServer's own port. With TLS the
 * proxy is the TLS endpoint and talks plain HTTP to the SoupServer, so it
 * sees frames on wss:// as on ws://. Both directions are cut into
 * WebSocket frames after the 101 response: server-to-client so that pings
 * go in between frames and pongs can be held back, client-to-server so
 * that each frame is checked whole before it is passed on. Server thread
 * only. */

enum
{
  MODE_HEADERS, /* before the end of the HTTP request or response */
  MODE_PENDING, /* c2s: request done, response not yet seen */
  MODE_FRAMES,  /* after 101 Switching Protocols */
  MODE_RAW,     /* any other response */
};

/* A slow reader's receive buffer: small, so that a client writing faster
 * than the read rate soon has a full socket, yet not so small that window
 * updates (delayed ACKs) hold the rate below what was asked */
#define SLOW_RCVBUF 16384

typedef struct
{
  Link *link;
  gboolean s2c;
  GInputStream *in;
  GOutputStream *out;
  GSocket *out_socket;
  guint8 buf[16384];
  gboolean eof;      /* nothing more to read */
  gboolean reading;  /* a read is pending */
  gboolean paused;   /* no new read until resumed (backpressure) */
  gboolean shut;     /* FIN passed on */
  gboolean writing;  /* a write of the queue head is pending */
  GQueue outq;       /* GBytes */
  gsize out_off;     /* bytes of the head already written */
  GByteArray *parse; /* bytes not yet cut into frames */
  gint mode;
  /* c2s: the client's message being checked */
  GByteArray *msg;     /* its unmasked payload so far */
  GByteArray *held;    /* its frames as read (and control frames among
                        * them), passed on once it is whole */
  gboolean in_msg;     /* a data frame without FIN was read */
  gboolean compressed; /* its first frame had RSV1 (permessage-deflate) */
  gboolean text;       /* it is a text message */
  gboolean close_read; /* the client sent its close frame */
  gboolean broken;     /* a corrupted frame was read: nothing more passes */
  GSource *rate_timer; /* slow reading: the next read is due */
  guint rate;          /* the read rate rate_since and rate_bytes are for */
  gint64 rate_since;   /* when reading at that rate began */
  guint64 rate_bytes;  /* read since then */
} Pipe;

typedef struct
{
  Link *link;
  GBytes *frame;
  GSource *src;
} Held;

struct _Link
{
  gint ref;
  GlsSim *sim;
  GSocketConnection *down; /* the client's */
  GIOStream *tls;          /* wss://: the TLS connection over down */
  GSocketConnection *up;   /* to the SoupServer */
  GCancellable *cancel;
  guint16 up_port;
  gboolean stalled, dead;
  gboolean deflate; /* the 101 response negotiated permessage-deflate */
  Pipe c2s, s2c;
  GList *held;         /* Held: delayed pongs */
  GSource *ping_timer; /* the server's own pings */
  guint64 ping_seq;    /* payload of the last ping sent */
  guint64 pong_seq;    /* payload of the last matching pong */
};

static Link *
link_ref (Link *l)
{
  l->ref++;
  return l;
}

static void
pipe_clear_queue (Pipe *p, gboolean keep_writing_head)
{
  guint keep = keep_writing_head && p->writing ? 1 : 0;

  while (g_queue_get_length (&p->outq) > keep)
    g_bytes_unref (g_queue_pop_tail (&p->outq));
  if (!keep)
    p->out_off = 0;
}

static void
link_unref (Link *l)
{
  if (--l->ref > 0)
    return;
  pipe_clear_queue (&l->c2s, FALSE);
  pipe_clear_queue (&l->s2c, FALSE);
  g_byte_array_unref (l->s2c.parse);
  g_byte_array_unref (l->c2s.parse);
  g_byte_array_unref (l->c2s.msg);
  g_byte_array_unref (l->c2s.held);
  g_clear_object (&l->tls);
  g_clear_object (&l->down);
  g_clear_object (&l->up);
  g_object_unref (l->cancel);
  g_free (l);
}

static void
held_free (Held *h)
{
  g_source_destroy (h->src);
  g_source_unref (h->src);
  g_bytes_unref (h->frame);
  link_unref (h->link);
  g_free (h);
}

static void
link_drop_held (Link *l)
{
  while (l->held) {
    Held *h = l->held->data;

    l->held = g_list_delete_link (l->held, l->held);
    held_free (h);
  }
}

static void
close_socket (GSocketConnection *sc)
{
  GSocket *s;

  if (!sc)
    return;
  s = g_socket_connection_get_socket (sc);
  g_socket_shutdown (s, TRUE, TRUE, NULL);
  g_socket_close (s, NULL);
}

/* Both sockets go away at once; the SoupServer sees EOF (a drop). */
static void
link_kill (Link *l)
{
  if (l->dead)
    return;
  l->dead = TRUE;
  g_cancellable_cancel (l->cancel);
  link_drop_held (l);
  clear_source (&l->ping_timer);
  clear_source (&l->c2s.rate_timer);
  close_socket (l->down);
  close_socket (l->up);
  l->sim->links = g_list_remove (l->sim->links, l);
  link_unref (l); /* the list's */
}

static void pipe_write (Pipe *p);

static void
pipe_maybe_shut (Pipe *p)
{
  Link *l = p->link;

  if (l->dead || l->stalled || !p->eof || p->shut || p->writing
      || !g_queue_is_empty (&p->outq))
    return;
  /* half-close: the FIN travels on after the last byte */
  p->shut = TRUE;
  g_socket_shutdown (p->out_socket, FALSE, TRUE, NULL);
  if (l->c2s.shut && l->s2c.shut)
    link_kill (l);
}

static void
write_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  Pipe *p = data;
  Link *l = p->link;
  gssize n = g_output_stream_write_finish (G_OUTPUT_STREAM (src), res, NULL);

  p->writing = FALSE;
  if (!l->dead) {
    if (n < 0)
      link_kill (l); /* the peer is gone */
    else {
      GBytes *head = g_queue_peek_head (&p->outq);

      p->out_off += n;
      if (head && p->out_off >= g_bytes_get_size (head)) {
        g_bytes_unref (g_queue_pop_head (&p->outq));
        p->out_off = 0;
      }
      if (l->stalled)
        pipe_clear_queue (p, FALSE);
      pipe_write (p);
      pipe_maybe_shut (p);
    }
  }
  link_unref (l);
}

static void
pipe_write (Pipe *p)
{
  GBytes *head;
  const guint8 *d;
  gsize len;

  if (p->writing || p->link->dead || g_queue_is_empty (&p->outq))
    return;
  if (g_queue_get_length (&p->outq) > 1) {
    /* what was read together is written together, so the peer's reads
     * are cut as they would be without the proxy */
    GByteArray *all = g_byte_array_new ();

    while (!g_queue_is_empty (&p->outq)) {
      GBytes *b = g_queue_pop_head (&p->outq);

      d = g_bytes_get_data (b, &len);
      g_byte_array_append (all, d + p->out_off, len - p->out_off);
      p->out_off = 0;
      g_bytes_unref (b);
    }
    g_queue_push_tail (&p->outq, g_byte_array_free_to_bytes (all));
  }
  head = g_queue_peek_head (&p->outq);
  d = g_bytes_get_data (head, &len);
  p->writing = TRUE;
  link_ref (p->link);
  g_output_stream_write_async (p->out, d + p->out_off, len - p->out_off,
      G_PRIORITY_DEFAULT, p->link->cancel, write_cb, p);
}

/* Takes b. Queues it; pipe_write sends. */
static void
pipe_push (Pipe *p, GBytes *b)
{
  if (p->link->dead || p->link->stalled || p->shut) {
    g_bytes_unref (b);
    return;
  }
  g_queue_push_tail (&p->outq, b);
}

static gboolean
held_cb (gpointer data)
{
  Held *h = data;
  Link *l = h->link;

  l->held = g_list_remove (l->held, h);
  pipe_push (&l->s2c, g_bytes_ref (h->frame));
  pipe_write (&l->s2c);
  held_free (h);
  return G_SOURCE_REMOVE;
}

static void
hold_pong (Link *l, GBytes *frame, guint ms)
{
  Held *h = g_new0 (Held, 1);

  h->link = link_ref (l);
  h->frame = frame;
  h->src = add_timeout (l->sim, ms, held_cb, h);
  l->held = g_list_append (l->held, h);
}

/* ---- client frames: each checked whole before it is passed on */

static void c2s_parse (Pipe *p);
static void link_start_pings (Link *l);

/* The Conn served through this link, or NULL. */
static Conn *
link_conn (Link *l)
{
  for (GList *i = l->sim->conns; i; i = i->next)
    if (((Conn *)i->data)->peer_port == l->up_port)
      return i->data;
  return NULL;
}

/* A corrupted frame: counted, described, and the connection closed with
 * 1002; nothing more of what the client sends reaches the server. */
static void
c2s_corrupt (Pipe *p, const gchar *why, const guint8 *d, gsize len)
{
  Link *l = p->link;
  GlsSim *sim = l->sim;

  p->broken = TRUE;
  g_byte_array_set_size (p->parse, 0);
  g_byte_array_set_size (p->held, 0);
  g_mutex_lock (&sim->lock);
  sim->frame_stats.corrupt++;
  if (!sim->frame_error) {
    GString *e = g_string_new (NULL);

    g_string_append_printf (e,
        "%s, after %" G_GUINT64_FORMAT " intact frames; header bytes:", why,
        sim->frame_stats.frames);
    for (gsize i = 0; i < MIN (len, 14); i++)
      g_string_append_printf (e, " %02x", d[i]);
    sim->frame_error = g_string_free (e, FALSE);
  }
  notify (sim);
  g_mutex_unlock (&sim->lock);
  if (sim->opts.verbose)
    g_message ("sim: corrupted client frame: %s", why);
  if (!link_conn (l)) {
    link_kill (l);
    return;
  }
  /* in order: whatever whole messages came before reach the server
   * first; then the marker, on which it closes; then the end of input */
  {
    static const guint8 key[4] = { 0x5a, 0x17, 0xc3, 0x9e };
    gsize n = strlen (CORRUPT_MARKER);
    guint8 *f = g_malloc (6 + n);

    f[0] = 0x81;
    f[1] = 0x80 | n;
    memcpy (f + 2, key, 4);
    for (gsize i = 0; i < n; i++)
      f[6 + i] = CORRUPT_MARKER[i] ^ key[i % 4];
    pipe_push (p, g_bytes_new_take (f, 6 + n));
  }
  p->eof = TRUE;
  pipe_write (p);
  pipe_maybe_shut (p);
}

static gboolean
valid_close_code (guint code)
{
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011)
      || (code >= 3000 && code <= 4999);
}

/* A whole message from the client. NULL if intact, else what is wrong.
 * Whether it is the JSON the API wants is the rules' business (1007); a
 * frame with bytes of another inside (a pong's, say: 0x8a is no UTF-8
 * after ASCII) is not text any more. */
static const gchar *
check_message (Pipe *p)
{
  if (p->compressed || !p->text)
    return NULL; /* deflated, or binary: the structure was checked */
  if (!g_utf8_validate ((const gchar *)p->msg->data, p->msg->len, NULL))
    return "a text message that is not UTF-8";
  return NULL;
}

/* One whole frame at d (hdr header bytes, then plen payload bytes): the
 * checks of RFC 6455 a server makes. NULL if intact. Data payloads are
 * unmasked into p->msg. */
static const gchar *
check_frame (Pipe *p, const guint8 *d, gsize hdr, guint64 plen)
{
  Link *l = p->link;
  gboolean fin = d[0] & 0x80, masked = d[1] & 0x80;
  guint rsv = d[0] & 0x70, op = d[0] & 0x0f, len7 = d[1] & 0x7f;
  const guint8 *key = d + hdr - 4, *payload = d + hdr;

  if (!masked)
    return "an unmasked frame";
  if (p->close_read)
    return "a frame after the close frame";
  if ((len7 == 126 && plen < 126) || (len7 == 127 && plen <= 0xffff))
    return "a length not in its shortest form";
  if (op >= 0x8) {
    if (op > 0xA)
      return "an unknown control opcode";
    if (!fin)
      return "a fragmented control frame";
    if (plen > 125)
      return "a control frame over 125 bytes";
    if (rsv)
      return "reserved bits set";
    if (op == 0x8) {
      guint8 b[125];

      for (guint64 i = 0; i < plen; i++)
        b[i] = payload[i] ^ key[i % 4];
      if (plen == 1 || (plen >= 2 && !valid_close_code (b[0] << 8 | b[1]))
          || (plen > 2
              && !g_utf8_validate ((const gchar *)b + 2, plen - 2, NULL)))
        return "a malformed close frame";
      p->close_read = TRUE;
    }
    return NULL;
  }
  if (op == 0x0) {
    if (!p->in_msg)
      return "a continuation frame outside a message";
    if (rsv)
      return "reserved bits set";
  } else if (op == 0x1 || op == 0x2) {
    if (p->in_msg)
      return "a new message inside a fragmented one (interleaved frames)";
    if (rsv & ~(l->deflate ? 0x40u : 0u))
      return "reserved bits set";
    p->compressed = (rsv & 0x40) != 0;
    p->text = op == 0x1;
    g_byte_array_set_size (p->msg, 0);
  } else
    return "an unknown data opcode";
  if (p->msg->len + plen > MAX_INCOMING)
    return "a message over the size limit";
  {
    gsize at = p->msg->len;

    g_byte_array_set_size (p->msg, at + plen);
    for (guint64 i = 0; i < plen; i++)
      p->msg->data[at + i] = payload[i] ^ key[i % 4];
  }
  p->in_msg = !fin;
  return fin ? check_message (p) : NULL;
}

/* A pong from the client: an answer to one of the server's pings. */
static void
c2s_pong (Link *l, const guint8 *d, gsize hdr, guint64 plen)
{
  GlsSim *sim = l->sim;
  guint64 seq = 0;
  gboolean matched = FALSE;

  if (plen == 8) {
    for (guint i = 0; i < 8; i++)
      seq = seq << 8 | (d[hdr + i] ^ d[hdr - 4 + i % 4]);
    /* answers the ping with this number and every unanswered one before
     * it (RFC 6455 5.5.3 lets a client answer only the latest) */
    matched = seq > l->pong_seq && seq <= l->ping_seq;
    if (matched)
      l->pong_seq = seq;
  }
  g_mutex_lock (&sim->lock);
  sim->frame_stats.pongs++;
  if (matched)
    sim->frame_stats.pongs_matched++;
  notify (sim);
  g_mutex_unlock (&sim->lock);
}

static void
c2s_parse (Pipe *p)
{
  Link *l = p->link;

  while (p->parse->len > 0 && !l->dead && !l->stalled && !p->broken) {
    const guint8 *d = p->parse->data;
    gsize len = p->parse->len, take = 0;

    if (p->mode == MODE_HEADERS) {
      for (gsize i = 0; i + 3 < len; i++)
        if (memcmp (d + i, "\r\n\r\n", 4) == 0) {
          take = i + 4;
          break;
        }
      if (!take)
        return;
      pipe_push (p, g_bytes_new (d, take));
      p->mode = MODE_PENDING;
    } else if (p->mode == MODE_PENDING) {
      /* frames only once the server has answered 101 */
      if (l->s2c.mode == MODE_HEADERS)
        return;
      p->mode = l->s2c.mode;
      continue;
    } else if (p->mode == MODE_RAW) {
      take = len;
      pipe_push (p, g_bytes_new (d, take));
    } else {
      guint64 plen;
      gsize hdr = 2;
      const gchar *why;
      guint op = d[0] & 0x0f;

      if (len < 2)
        return;
      plen = d[1] & 0x7f;
      if (plen == 126) {
        if (len < 4)
          return;
        plen = (guint64)d[2] << 8 | d[3];
        hdr = 4;
      } else if (plen == 127) {
        if (len < 10)
          return;
        plen = 0;
        for (guint i = 0; i < 8; i++)
          plen = plen << 8 | d[2 + i];
        hdr = 10;
      }
      if (d[1] & 0x80)
        hdr += 4;
      if (plen > MAX_INCOMING) {
        c2s_corrupt (p, "a frame over the size limit", d, len);
        return;
      }
      if (len < hdr || len - hdr < plen)
        return;
      take = hdr + plen;
      why = check_frame (p, d, hdr, plen);
      if (why) {
        c2s_corrupt (p, why, d, len);
        return;
      }
      g_mutex_lock (&l->sim->lock);
      l->sim->frame_stats.frames++;
      if (op <= 0x2 && (d[0] & 0x80)) {
        l->sim->frame_stats.messages++;
        l->sim->frame_stats.bytes += p->msg->len;
      }
      g_mutex_unlock (&l->sim->lock);
      if (op == 0xA)
        c2s_pong (l, d, hdr, plen); /* the proxy's pings: its pongs */
      else {
        /* a message reaches the server only whole */
        g_byte_array_append (p->held, d, take);
        if (!p->in_msg) {
          pipe_push (p, g_bytes_new (p->held->data, p->held->len));
          g_byte_array_set_size (p->held, 0);
        }
      }
    }
    g_byte_array_remove_range (p->parse, 0, take);
  }
}

/* ---- the server's own pings */

static gboolean
ping_cb (gpointer data)
{
  Link *l = data;
  GlsSim *sim = l->sim;
  guint8 frame[10] = { 0x89, 8 };
  guint64 seq;

  if (l->dead || l->stalled || l->s2c.close_read || l->s2c.shut)
    return G_SOURCE_CONTINUE;
  seq = ++l->ping_seq;
  for (guint i = 0; i < 8; i++)
    frame[2 + i] = seq >> (56 - 8 * i);
  /* the queue holds whole frames only: this one goes in between */
  pipe_push (&l->s2c, g_bytes_new (frame, sizeof frame));
  pipe_write (&l->s2c);
  g_mutex_lock (&sim->lock);
  sim->frame_stats.pings_sent++;
  notify (sim);
  g_mutex_unlock (&sim->lock);
  return G_SOURCE_CONTINUE;
}

/* (Re)arms the link's pings at the current interval, once it carries
 * frames. */
static void
link_start_pings (Link *l)
{
  guint ms;

  clear_source (&l->ping_timer);
  if (l->dead || l->s2c.mode != MODE_FRAMES)
    return;
  g_mutex_lock (&l->sim->lock);
  ms = l->sim->ping_interval_ms;
  g_mutex_unlock (&l->sim->lock);
  if (ms)
    l->ping_timer = add_timeout (l->sim, ms, ping_cb, l);
}

static void
s2c_parse (Pipe *p)
{
  Link *l = p->link;

  while (p->parse->len > 0 && !l->dead && !l->stalled) {
    const guint8 *d = p->parse->data;
    gsize len = p->parse->len, take = 0;

    if (p->mode == MODE_HEADERS) {
      for (gsize i = 0; i + 3 < len; i++)
        if (memcmp (d + i, "\r\n\r\n", 4) == 0) {
          take = i + 4;
          break;
        }
      if (!take)
        return;
      p->mode = take > 12 && memcmp (d, "HTTP/1.", 7) == 0
              && memcmp (d + 8, " 101", 4) == 0
          ? MODE_FRAMES
          : MODE_RAW;
      if (p->mode == MODE_FRAMES) {
        gchar *head = g_ascii_strdown ((const gchar *)d, take);

        l->deflate = strstr (head, "permessage-deflate") != NULL;
        g_free (head);
      }
      pipe_push (p, g_bytes_new (d, take));
      link_start_pings (l);
      /* the client's frames may follow now */
      g_byte_array_remove_range (p->parse, 0, take);
      c2s_parse (&l->c2s);
      pipe_write (&l->c2s);
      continue;
    } else if (p->mode == MODE_RAW) {
      take = len;
      pipe_push (p, g_bytes_new (d, take));
    } else {
      guint64 plen;
      gsize hdr = 2;
      guint delay;

      if (len < 2)
        return;
      plen = d[1] & 0x7f;
      if (plen == 126) {
        if (len < 4)
          return;
        plen = (guint64)d[2] << 8 | d[3];
        hdr = 4;
      } else if (plen == 127) {
        if (len < 10)
          return;
        plen = 0;
        for (guint i = 0; i < 8; i++)
          plen = plen << 8 | d[2 + i];
        hdr = 10;
      }
      if (d[1] & 0x80)
        hdr += 4; /* a masking key */
      if (len < hdr || len - hdr < plen)
        return;
      take = hdr + plen;
      /* no ping may follow the server's close frame */
      if ((d[0] & 0x0f) == 0x8)
        p->close_read = TRUE;
      g_mutex_lock (&l->sim->lock);
      delay = l->sim->pong_delay_ms;
      g_mutex_unlock (&l->sim->lock);
      if ((d[0] & 0x0f) == 0xA && delay > 0)
        hold_pong (l, g_bytes_new (d, take), delay);
      else
        pipe_push (p, g_bytes_new (d, take));
    }
    g_byte_array_remove_range (p->parse, 0, take);
  }
}

static void pipe_read (Pipe *p);
static gboolean rate_limit (Pipe *p, gsize n);

static void
pipe_eof (Pipe *p)
{
  Link *l = p->link;

  if (l->stalled) {
    /* the client hung up on a dead connection: the server sees a drop;
     * the server side ending shows nothing to the client */
    if (!p->s2c)
      link_kill (l);
    return;
  }
  if (p->s2c && p->parse->len > 0) {
    pipe_push (p, g_bytes_new (p->parse->data, p->parse->len));
    g_byte_array_set_size (p->parse, 0);
    pipe_write (p);
  }
  /* a client frame cut short by the client's leaving is not passed on:
   * the server sees the connection end */
  if (!p->s2c)
    g_byte_array_set_size (p->parse, 0);
  pipe_maybe_shut (p);
}

static void
read_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  Pipe *p = data;
  Link *l = p->link;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, NULL);

  p->reading = FALSE;
  if (!l->dead) {
    if (n > 0) {
      /* a stalled link reads on (to notice the client leaving) but what
       * it reads is lost */
      if (!l->stalled && !p->broken) {
        g_byte_array_append (p->parse, p->buf, n);
        if (p->s2c)
          s2c_parse (p);
        else
          c2s_parse (p);
        pipe_write (p);
      }
      if (p->s2c || l->dead || !rate_limit (p, n))
        pipe_read (p);
    } else {
      p->eof = TRUE;
      pipe_eof (p);
    }
  }
  link_unref (l);
}

static void
pipe_read (Pipe *p)
{
  gsize size = sizeof p->buf;

  if (p->link->dead || p->eof || p->paused || p->reading || p->rate_timer)
    return;
  if (!p->s2c) {
    guint rate;

    g_mutex_lock (&p->link->sim->lock);
    rate = p->link->sim->read_rate;
    g_mutex_unlock (&p->link->sim->lock);
    /* a slow reader reads 20 ms worth at a time */
    if (rate)
      size = CLAMP (rate / 50, 1, sizeof p->buf);
  }
  p->reading = TRUE;
  link_ref (p->link);
  g_input_stream_read_async (
      p->in, p->buf, size, G_PRIORITY_DEFAULT, p->link->cancel, read_cb, p);
}

static gboolean
rate_timer_cb (gpointer data)
{
  Pipe *p = data;

  clear_source (&p->rate_timer);
  pipe_read (p);
  return G_SOURCE_REMOVE;
}

/* Slow reading: after n more bytes, the next read waits until the bytes
 * read at this rate have taken as long as the rate says (so timer
 * overheads do not add up). TRUE if it does. */
static gboolean
rate_limit (Pipe *p, gsize n)
{
  guint rate;
  gint64 now = g_get_monotonic_time (), due;

  g_mutex_lock (&p->link->sim->lock);
  rate = p->link->sim->read_rate;
  g_mutex_unlock (&p->link->sim->lock);
  if (!rate)
    return FALSE;
  /* a new rate, or a pause in the client's sending longer than 100 ms:
   * no credit for the time nothing came */
  if (rate != p->rate
      || p->rate_since + (gint64)(p->rate_bytes * G_USEC_PER_SEC / rate)
          < now - 100000) {
    p->rate = rate;
    p->rate_since = now;
    p->rate_bytes = 0;
  }
  p->rate_bytes += n;
  due = p->rate_since + (gint64)(p->rate_bytes * G_USEC_PER_SEC / rate);
  clear_source (&p->rate_timer);
  p->rate_timer = add_timeout (p->link->sim,
      due > now ? (guint)((due - now + 999) / 1000) : 0, rate_timer_cb, p);
  return TRUE;
}

static void
link_stall (Link *l)
{
  if (l->dead || l->stalled)
    return;
  l->stalled = TRUE;
  pipe_clear_queue (&l->c2s, TRUE);
  pipe_clear_queue (&l->s2c, TRUE);
  g_byte_array_set_size (l->s2c.parse, 0);
  link_drop_held (l);
}

static gboolean
link_port_stalled (GlsSim *sim, guint16 port)
{
  for (GList *i = sim->links; i; i = i->next)
    if (((Link *)i->data)->up_port == port)
      return ((Link *)i->data)->stalled;
  return FALSE;
}

static void
set_nodelay (GSocketConnection *sc)
{
  g_socket_set_option (
      g_socket_connection_get_socket (sc), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

/* Starts passing bytes, once the client's stream is ready. */
static void
link_start (Link *l)
{
  GIOStream *client = l->tls ? l->tls : G_IO_STREAM (l->down);

  l->c2s.in = g_io_stream_get_input_stream (client);
  l->s2c.out = g_io_stream_get_output_stream (client);
  pipe_read (&l->c2s);
  pipe_read (&l->s2c);
}

static void
handshake_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  Link *l = data;

  if (!l->dead) {
    if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (src), res, NULL))
      link_start (l);
    else
      link_kill (l);
  }
  link_unref (l);
}

static void
link_new (GlsSim *sim, GSocketConnection *down)
{
  GSocketAddress *addr
      = g_inet_socket_address_new_from_string ("127.0.0.1", sim->inner_port);
  GSocket *sock = g_socket_new (
      G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  GSocketConnection *up = NULL;
  GSocketAddress *local;
  Link *l;
  guint rate;

  /* loopback: the kernel completes the handshake at once (no
   * GSocketClient: it would consult proxy settings) */
  if (sock && g_socket_connect (sock, addr, NULL, NULL))
    up = g_socket_connection_factory_create_connection (sock);
  g_clear_object (&sock);
  g_object_unref (addr);
  if (!up) {
    close_socket (down);
    g_object_unref (down);
    return;
  }
  set_nodelay (down);
  set_nodelay (up);
  l = g_new0 (Link, 1);
  l->ref = 1; /* sim->links */
  l->sim = sim;
  l->down = down;
  l->up = up;
  l->cancel = g_cancellable_new ();
  local
      = g_socket_get_local_address (g_socket_connection_get_socket (up), NULL);
  if (local) {
    l->up_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    g_object_unref (local);
  }
  l->c2s.link = l;
  l->c2s.out = g_io_stream_get_output_stream (G_IO_STREAM (up));
  l->c2s.out_socket = g_socket_connection_get_socket (up);
  g_queue_init (&l->c2s.outq);
  l->c2s.parse = g_byte_array_new ();
  l->c2s.msg = g_byte_array_new ();
  l->c2s.held = g_byte_array_new ();
  l->c2s.mode = MODE_HEADERS;
  l->s2c.link = l;
  l->s2c.s2c = TRUE;
  l->s2c.in = g_io_stream_get_input_stream (G_IO_STREAM (up));
  l->s2c.out_socket = g_socket_connection_get_socket (down);
  g_queue_init (&l->s2c.outq);
  l->s2c.parse = g_byte_array_new ();
  l->s2c.mode = MODE_HEADERS;
  sim->links = g_list_prepend (sim->links, l);
  g_mutex_lock (&sim->lock);
  rate = sim->read_rate;
  g_mutex_unlock (&sim->lock);
  if (rate)
    g_socket_set_option (g_socket_connection_get_socket (down), SOL_SOCKET,
        SO_RCVBUF, SLOW_RCVBUF, NULL);
  if (sim->tls_cert) {
    /* wss://: the proxy is the TLS endpoint */
    l->tls
        = g_tls_server_connection_new (G_IO_STREAM (down), sim->tls_cert, NULL);
    if (!l->tls) {
      link_kill (l);
      return;
    }
    g_tls_connection_handshake_async (G_TLS_CONNECTION (l->tls),
        G_PRIORITY_DEFAULT, l->cancel, handshake_cb, link_ref (l));
  } else
    link_start (l);
}

static void accept_next (GlsSim *sim);

static void
accept_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  GlsSim *sim = data;
  GError *error = NULL;
  GSocketConnection *down = g_socket_listener_accept_finish (
      G_SOCKET_LISTENER (src), res, NULL, &error);

  if (!down) {
    gboolean cancelled
        = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

    if (!cancelled)
      g_warning ("gemini-live-sim: accept: %s", error->message);
    g_error_free (error);
    if (!cancelled)
      accept_next (sim);
    return;
  }
  accept_next (sim);
  link_new (sim, down);
}

static void
accept_next (GlsSim *sim)
{
  g_socket_listener_accept_async (
      sim->listener, sim->accept_cancel, accept_cb, sim);
}

/* ---- HTTP side: paths, auth, refusal */

typedef struct
{
  GlsApi api;
  gchar *version;
  gboolean auth_ok;
} Upgrade;

static void
upgrade_free (gpointer p)
{
  Upgrade *u = p;
  g_free (u->version);
  g_free (u);
}

static Upgrade *
parse_path (const gchar *path)
{
  static const gchar *const gemini_versions[]
      = { "v1", "v1beta", "v1alpha", NULL };
  static const gchar *const vertex_versions[] = { "v1", "v1beta1", NULL };
  const gchar *const *v;
  Upgrade *u = NULL;

  /* the SDK's doubled slash is accepted by the service */
  if (g_str_has_prefix (path, "//"))
    path++;
  for (v = gemini_versions; *v; v++) {
    gchar *plain = g_strdup_printf (
        "/ws/google.ai.generativelanguage.%s.GenerativeService."
        "BidiGenerateContent",
        *v);
    gchar *constrained = g_strconcat (plain, "Constrained", NULL);

    if (g_str_equal (path, plain)
        || (g_str_equal (*v, "v1alpha") && g_str_equal (path, constrained))) {
      u = g_new0 (Upgrade, 1);
      u->api = GLS_API_GEMINI;
      u->version = g_strdup (*v);
    }
    g_free (plain);
    g_free (constrained);
    if (u)
      return u;
  }
  for (v = vertex_versions; *v; v++) {
    gchar *p = g_strdup_printf ("/ws/google.cloud.aiplatform.%s."
                                "LlmBidiService/BidiGenerateContent",
        *v);

    if (g_str_equal (path, p)) {
      u = g_new0 (Upgrade, 1);
      u->api = GLS_API_VERTEX;
      u->version = g_strdup (*v);
    }
    g_free (p);
    if (u)
      return u;
  }
  return NULL;
}

static gboolean
check_auth (GlsSim *sim, const gchar *path, SoupMessageHeaders *h,
    GHashTable *query, GlsApi api)
{
  const gchar *key = soup_message_headers_get_one (h, "x-goog-api-key");
  const gchar *authz = soup_message_headers_get_one (h, "Authorization");
  gboolean constrained = g_str_has_suffix (path, "Constrained");

  if (!key && query)
    key = g_hash_table_lookup (query, "key");
  if (constrained) {
    const gchar *token
        = query ? g_hash_table_lookup (query, "access_token") : NULL;
    if (!token && authz && g_str_has_prefix (authz, "Token "))
      token = authz + 6;
    return token && *token;
  }
  if (key && *key)
    return !sim->api_key || g_str_equal (sim->api_key, key);
  if (api == GLS_API_VERTEX && authz && g_str_has_prefix (authz, "Bearer ")
      && authz[7])
    return TRUE;
  return FALSE;
}

static void
http_cb (SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer data)
{
  GlsSim *sim = data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  GString *lines = g_string_new (NULL);
  SoupMessageHeadersIter it;
  const gchar *name, *value;
  Upgrade *u;
  gboolean refuse;

  if (sim->opts.direct) {
    /* as the proxy does on its sockets: frames go out at once */
    GSocket *s = soup_server_message_get_socket (msg);

    if (s)
      g_socket_set_option (s, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  }
  soup_message_headers_iter_init (&it, h);
  while (soup_message_headers_iter_next (&it, &name, &value))
    g_string_append_printf (lines, "%s: %s\n", name, value);
  g_mutex_lock (&sim->lock);
  g_free (sim->last_headers);
  sim->last_headers = g_string_free (lines, FALSE);
  g_free (sim->last_uri);
  sim->last_uri = g_uri_to_string (soup_server_message_get_uri (msg));
  refuse = sim->refuse;
  if (sim->refuse_count > 0) {
    sim->refuse_count--;
    refuse = TRUE;
  }
  if (refuse) {
    sim->refused++;
    notify (sim);
  }
  g_mutex_unlock (&sim->lock);

  if (refuse) {
    /* one response per TCP connection keeps the proxy's view simple */
    soup_message_headers_replace (
        soup_server_message_get_response_headers (msg), "Connection", "close");
    soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
    return;
  }
  u = parse_path (path);
  if (!u) {
    soup_message_headers_replace (
        soup_server_message_get_response_headers (msg), "Connection", "close");
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
    return;
  }
  u->auth_ok = check_auth (sim, path, h, query, u->api);
  g_object_set_data_full (G_OBJECT (msg), "gls-upgrade", u, upgrade_free);
  /* status left unset: libsoup goes on with the WebSocket handshake */
}

static void
ws_cb (SoupServer *server, SoupServerMessage *msg, const char *path,
    SoupWebsocketConnection *ws, gpointer data)
{
  GlsSim *sim = data;
  Upgrade *u = g_object_get_data (G_OBJECT (msg), "gls-upgrade");
  Conn *c;

  if (!u)
    return;
  c = g_new0 (Conn, 1);
  c->sim = sim;
  c->ws = g_object_ref (ws);
  c->socket = g_object_ref (soup_server_message_get_socket (msg));
  c->api = u->api;
  c->version = g_strdup (u->version);
  c->rules = gls_rules_conn_new (sim->rules, u->api, u->version, u->auth_ok);
  {
    GSocketAddress *peer = soup_server_message_get_remote_address (msg);

    if (G_IS_INET_SOCKET_ADDRESS (peer))
      c->peer_port
          = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (peer));
    c->stalled = link_port_stalled (sim, c->peer_port);
  }
  g_queue_init (&c->pending);
  gls_vad_init (&c->vad, 16000, sim->opts.silence_ms);
  g_object_set (ws, "max-incoming-payload-size", (guint64)MAX_INCOMING, NULL);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), c);
  g_signal_connect (ws, "closed", G_CALLBACK (on_closed), c);
  sim->conns = g_list_append (sim->conns, c);

  g_mutex_lock (&sim->lock);
  sim->connections++;
  sim->open_connections++;
  notify (sim);
  g_mutex_unlock (&sim->lock);
}

/* ---- thread */

static GPrivate thread_sim; /* the GlsSim of a server thread */

/* GlsSimOptions.batch_us: the server thread's poll. Each poll looks at
 * every socket, so with hundreds of busy connections polling for each
 * message in turn costs more than the messages. Waiting a little first
 * lets one poll find many of them ready. No wait when something is due
 * now (timeout 0), never past the next timer. */
static gint
batch_poll (GPollFD *fds, guint n, gint timeout)
{
  GlsSim *sim = g_private_get (&thread_sim);
  gint64 wait = sim->last_poll + sim->opts.batch_us - g_get_monotonic_time ();
  gint r;

  if (wait > 0 && timeout != 0) {
    if (timeout > 0)
      wait = MIN (wait, (gint64)timeout * 1000);
    g_usleep (wait);
    if (timeout > 0)
      timeout = MAX (0, timeout - (gint)((wait + 999) / 1000));
  }
  r = g_poll (fds, n, timeout);
  sim->last_poll = g_get_monotonic_time ();
  return r;
}

/* The SoupServer's own loopback port, behind the proxy (or, direct, the
 * public port itself). The socket is ours rather than
 * soup_server_listen_local()'s: that one asks libsoup for the listener's
 * address, which libsoup < 3.4.3 never frees (upstream commit c07ff61f),
 * one GInetSocketAddress per simulator. */
static gboolean
listen_inner (GlsSim *sim, guint port, GError **error)
{
  GSocket *sock = g_socket_new (
      G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  GSocketAddress *addr;
  gboolean ok;

  if (!sock)
    return FALSE;
  addr = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  g_socket_set_listen_backlog (sock, LISTEN_BACKLOG);
  ok = g_socket_bind (sock, addr, TRUE, error) && g_socket_listen (sock, error)
      && soup_server_listen_socket (sim->server, sock,
          sim->opts.tls_cert_file && sim->opts.direct ? SOUP_SERVER_LISTEN_HTTPS
                                                      : 0,
          error);
  g_object_unref (addr);
  if (ok) {
    addr = g_socket_get_local_address (sock, error);
    ok = addr != NULL;
    if (ok) {
      sim->inner_port
          = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
      g_object_unref (addr);
    }
  }
  g_object_unref (sock); /* the server's listener keeps its own */
  return ok;
}

static gpointer
server_thread (gpointer data)
{
  GlsSim *sim = data;
  GError *error = NULL;

  g_main_context_push_thread_default (sim->ctx);
  if (sim->opts.batch_us) {
    g_private_set (&thread_sim, sim);
    g_main_context_set_poll_func (sim->ctx, batch_poll);
  }
  sim->server = soup_server_new ("server-header", "gemini-live-sim", NULL);
  if (sim->opts.tls_cert_file) {
    GTlsCertificate *cert = g_tls_certificate_new_from_files (
        sim->opts.tls_cert_file, sim->opts.tls_key_file, &error);

    /* direct: the SoupServer is the TLS endpoint; else the proxy is,
     * and speaks plain HTTP to the SoupServer */
    if (cert && sim->opts.direct) {
      soup_server_set_tls_certificate (sim->server, cert);
      g_object_unref (cert);
    } else
      sim->tls_cert = cert;
  }
  if (!sim->opts.permessage_deflate)
    soup_server_remove_websocket_extension (
        sim->server, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_handler (sim->server, NULL, http_cb, sim, NULL);
  soup_server_add_websocket_handler (
      sim->server, NULL, NULL, NULL, ws_cb, sim, NULL);
  if (error) {
    /* the certificate did not load: reported below */
  } else if (sim->opts.direct) {
    /* clients connect to the SoupServer itself */
    if (listen_inner (sim, sim->opts.port, &error))
      sim->port = sim->inner_port;
  } else if (listen_inner (sim, 0, &error)) {
    GSocketAddress *addr, *effective = NULL;

    /* clients connect to the proxy */
    sim->listener = g_socket_listener_new ();
    g_socket_listener_set_backlog (sim->listener, LISTEN_BACKLOG);
    sim->accept_cancel = g_cancellable_new ();
    addr = g_inet_socket_address_new_from_string ("127.0.0.1", sim->opts.port);
    if (g_socket_listener_add_address (sim->listener, addr,
            G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &effective,
            &error)) {
      sim->port
          = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
      g_object_unref (effective);
      accept_next (sim);
    }
    g_object_unref (addr);
  }
  g_mutex_lock (&sim->lock);
  sim->start_error = error;
  sim->started = TRUE;
  notify (sim);
  g_mutex_unlock (&sim->lock);

  if (!error)
    g_main_loop_run (sim->loop);

  if (sim->listener) {
    g_cancellable_cancel (sim->accept_cancel);
    g_socket_listener_close (sim->listener);
  }
  while (sim->links)
    link_kill (sim->links->data);
  while (sim->conns) {
    Conn *c = sim->conns->data;

    /* peers must not hang on a socket nobody serves any more */
    sim->conns = g_list_delete_link (sim->conns, sim->conns);
    g_socket_shutdown (c->socket, TRUE, TRUE, NULL);
    g_socket_close (c->socket, NULL);
    conn_free (c);
  }
  soup_server_disconnect (sim->server);
  g_clear_object (&sim->server);
  while (g_main_context_iteration (sim->ctx, FALSE))
    ;
  g_clear_object (&sim->listener);
  g_clear_object (&sim->accept_cancel);
  g_clear_object (&sim->tls_cert);
  g_main_context_pop_thread_default (sim->ctx);
  return NULL;
}

GlsSim *
gls_sim_new (const GlsSimOptions *options, GError **error)
{
  GlsSim *sim = g_new0 (GlsSim, 1);

  if (options)
    sim->opts = *options;
  else
    gls_sim_options_init (&sim->opts);
  sim->api_key = g_strdup (sim->opts.api_key);
  sim->opts.api_key = sim->api_key;
  if (sim->opts.answer_speed <= 0)
    sim->opts.answer_speed = 1.0;
  if (sim->opts.answer_chunk_ms == 0)
    sim->opts.answer_chunk_ms = 240;
  if (sim->opts.answer_first_chunk_ms == 0)
    sim->opts.answer_first_chunk_ms = sim->opts.answer_chunk_ms;
  if (sim->opts.direct && (sim->opts.ping_interval_ms || sim->opts.read_rate))
    g_critical ("gemini-live-sim: pings and slow reading need the proxy "
                "(GlsSimOptions.direct is set): ignored");
  else {
    sim->ping_interval_ms = sim->opts.ping_interval_ms;
    sim->read_rate = sim->opts.read_rate;
  }
  g_mutex_init (&sim->lock);
  g_cond_init (&sim->cond);
  sim->client_messages = g_ptr_array_new_with_free_func (g_free);
  sim->kinds_seen
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sim->received_audio = g_byte_array_new ();
  sim->sent_audio = g_byte_array_new ();
  sim->pcm = g_byte_array_new ();
  sim->audio_chunks = g_ptr_array_new_with_free_func (audio_chunk_free);
  sim->rules = gls_rules_new (sim->opts.record);
  sim->sessions = g_ptr_array_new_with_free_func (session_free);
  sim->triggers = g_ptr_array_new_with_free_func (trigger_free);
  sim->ctx = g_main_context_new ();
  sim->loop = g_main_loop_new (sim->ctx, FALSE);
  sim->thread = g_thread_new ("gls-sim", server_thread, sim);

  g_mutex_lock (&sim->lock);
  while (!sim->started)
    g_cond_wait (&sim->cond, &sim->lock);
  g_mutex_unlock (&sim->lock);
  if (sim->start_error) {
    g_propagate_error (error, sim->start_error);
    sim->start_error = NULL;
    gls_sim_free (sim);
    return NULL;
  }
  return sim;
}

static gboolean
quit_cb (gpointer data)
{
  GlsSim *sim = data;

  g_main_loop_quit (sim->loop);
  return G_SOURCE_REMOVE;
}

void
gls_sim_free (GlsSim *sim)
{
  if (!sim)
    return;
  g_main_context_invoke (sim->ctx, quit_cb, sim);
  g_thread_join (sim->thread);
  g_main_loop_unref (sim->loop);
  g_main_context_unref (sim->ctx);
  gls_rules_free (sim->rules);
  g_ptr_array_unref (sim->sessions);
  g_ptr_array_unref (sim->triggers);
  g_ptr_array_unref (sim->client_messages);
  g_hash_table_unref (sim->kinds_seen);
  g_byte_array_unref (sim->received_audio);
  g_byte_array_unref (sim->sent_audio);
  g_byte_array_unref (sim->pcm);
  g_ptr_array_unref (sim->audio_chunks);
  g_free (sim->last_headers);
  g_free (sim->last_uri);
  g_free (sim->last_close_reason);
  g_free (sim->frame_error);
  g_free (sim->api_key);
  g_mutex_clear (&sim->lock);
  g_cond_clear (&sim->cond);
  g_free (sim);
}

guint
gls_sim_get_port (GlsSim *sim)
{
  return sim->port;
}

static const gchar *
scheme (GlsSim *sim)
{
  return sim->opts.tls_cert_file ? "wss" : "ws";
}

gchar *
gls_sim_get_uri (GlsSim *sim, const gchar *api_version)
{
  return g_strdup_printf ("%s://127.0.0.1:%u/ws/"
                          "google.ai.generativelanguage.%s.GenerativeService."
                          "BidiGenerateContent",
      scheme (sim), sim->port, api_version ? api_version : "v1");
}

gchar *
gls_sim_get_vertex_uri (GlsSim *sim, const gchar *api_version)
{
  return g_strdup_printf ("%s://127.0.0.1:%u/ws/google.cloud.aiplatform.%s."
                          "LlmBidiService/BidiGenerateContent",
      scheme (sim), sim->port, api_version ? api_version : "v1beta1");
}

/* ---- observation */

GPtrArray *
gls_sim_dup_client_messages (GlsSim *sim)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&sim->lock);
  for (guint i = 0; i < sim->client_messages->len; i++)
    g_ptr_array_add (out, g_strdup (sim->client_messages->pdata[i]));
  g_mutex_unlock (&sim->lock);
  return out;
}

static void
do_dup_rules_log (GlsSim *sim, gpointer data)
{
  *(gchar **)data = gls_rules_dup_log (sim->rules);
}

static void run_in_server (
    GlsSim *sim, void (*func) (GlsSim *, gpointer), gpointer data);

gchar *
gls_sim_dup_rules_log (GlsSim *sim)
{
  gchar *log = NULL;

  /* the rules live in the server thread */
  run_in_server (sim, do_dup_rules_log, &log);
  return log;
}

#define DUP_STRING(field)                                                      \
  gchar *r;                                                                    \
  g_mutex_lock (&sim->lock);                                                   \
  r = g_strdup (sim->field);                                                   \
  g_mutex_unlock (&sim->lock);                                                 \
  return r

gchar *
gls_sim_dup_last_request_headers (GlsSim *sim)
{
  DUP_STRING (last_headers);
}

gchar *
gls_sim_dup_last_request_uri (GlsSim *sim)
{
  DUP_STRING (last_uri);
}

gchar *
gls_sim_dup_last_close_reason (GlsSim *sim)
{
  DUP_STRING (last_close_reason);
}

static GBytes *
dup_bytes (GlsSim *sim, GByteArray *a)
{
  GBytes *b;

  g_mutex_lock (&sim->lock);
  b = g_bytes_new (a->data, a->len);
  g_mutex_unlock (&sim->lock);
  return b;
}

GBytes *
gls_sim_dup_received_audio (GlsSim *sim)
{
  return dup_bytes (sim, sim->received_audio);
}

gsize
gls_sim_get_received_audio_size (GlsSim *sim)
{
  gsize size;

  g_mutex_lock (&sim->lock);
  size = sim->received_audio_bytes;
  g_mutex_unlock (&sim->lock);
  return size;
}

GBytes *
gls_sim_dup_sent_audio (GlsSim *sim)
{
  return dup_bytes (sim, sim->sent_audio);
}

#define GET_UINT(field)                                                        \
  guint r;                                                                     \
  g_mutex_lock (&sim->lock);                                                   \
  r = sim->field;                                                              \
  g_mutex_unlock (&sim->lock);                                                 \
  return r

guint
gls_sim_get_connection_count (GlsSim *sim)
{
  GET_UINT (connections);
}

guint
gls_sim_get_open_connection_count (GlsSim *sim)
{
  GET_UINT (open_connections);
}

gushort
gls_sim_get_last_close_code (GlsSim *sim)
{
  GET_UINT (last_close_code);
}

guint
gls_sim_get_early_message_count (GlsSim *sim)
{
  GET_UINT (early_messages);
}

guint
gls_sim_get_input_during_tool_call_count (GlsSim *sim)
{
  GET_UINT (input_during_tool_call);
}

guint
gls_sim_get_answers_sent (GlsSim *sim)
{
  GET_UINT (answers_sent);
}

guint
gls_sim_get_interrupted_count (GlsSim *sim)
{
  GET_UINT (interrupted);
}

/* ---- waits */

typedef gboolean (*Pred) (GlsSim *sim, gconstpointer arg, gsize n);

static gboolean
wait_for (GlsSim *sim, Pred pred, gconstpointer arg, gsize n, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean ok;

  g_mutex_lock (&sim->lock);
  while (!(ok = pred (sim, arg, n)))
    if (!g_cond_wait_until (&sim->cond, &sim->lock, end)) {
      ok = pred (sim, arg, n);
      break;
    }
  g_mutex_unlock (&sim->lock);
  return ok;
}

static gboolean
p_messages (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->client_message_count >= n;
}

static gboolean
p_audio (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->received_audio_bytes >= n;
}

static gboolean
p_connections (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->connections >= n;
}

static gboolean
p_all_closed (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->open_connections == 0;
}

static gboolean
p_closed (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->closed_connections >= n;
}

static gboolean
p_answers (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->answers_sent >= n;
}

static gboolean
p_interrupted (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->interrupted >= n;
}

gboolean
gls_sim_wait_client_messages (GlsSim *sim, guint n, guint timeout_ms)
{
  return wait_for (sim, p_messages, NULL, n, timeout_ms);
}

gboolean
gls_sim_wait_message_kind (GlsSim *sim, const gchar *kind, guint timeout_ms)
{
  gchar *snake;
  GString *s = g_string_new (NULL);
  gboolean ok;

  /* accept either spelling of the member */
  for (const gchar *p = kind; *p; p++) {
    if (g_ascii_isupper (*p))
      g_string_append_c (s, '_');
    g_string_append_c (s, g_ascii_tolower (*p));
  }
  snake = g_string_free (s, FALSE);
  {
    gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

    g_mutex_lock (&sim->lock);
    while (!(ok = g_hash_table_contains (sim->kinds_seen, kind)
            || g_hash_table_contains (sim->kinds_seen, snake)))
      if (!g_cond_wait_until (&sim->cond, &sim->lock, end)) {
        ok = g_hash_table_contains (sim->kinds_seen, kind)
            || g_hash_table_contains (sim->kinds_seen, snake);
        break;
      }
    g_mutex_unlock (&sim->lock);
  }
  g_free (snake);
  return ok;
}

gboolean
gls_sim_wait_received_audio (GlsSim *sim, gsize bytes, guint timeout_ms)
{
  return wait_for (sim, p_audio, NULL, bytes, timeout_ms);
}

gboolean
gls_sim_wait_connections (GlsSim *sim, guint accepted, guint timeout_ms)
{
  return wait_for (sim, p_connections, NULL, accepted, timeout_ms);
}

gboolean
gls_sim_wait_all_closed (GlsSim *sim, guint timeout_ms)
{
  return wait_for (sim, p_all_closed, NULL, 0, timeout_ms);
}

gboolean
gls_sim_wait_closed (GlsSim *sim, guint n, guint timeout_ms)
{
  return wait_for (sim, p_closed, NULL, n, timeout_ms);
}

gboolean
gls_sim_wait_answers_sent (GlsSim *sim, guint n, guint timeout_ms)
{
  return wait_for (sim, p_answers, NULL, n, timeout_ms);
}

gboolean
gls_sim_wait_interrupted (GlsSim *sim, guint n, guint timeout_ms)
{
  return wait_for (sim, p_interrupted, NULL, n, timeout_ms);
}

/* ---- scripting: run in the server thread and wait for it */

typedef void (*SimFunc) (GlsSim *sim, gpointer data);

typedef struct
{
  GlsSim *sim;
  SimFunc func;
  gpointer data;
  gboolean done;
} SimCall;

static gboolean
sim_call_cb (gpointer data)
{
  SimCall *call = data;

  call->func (call->sim, call->data);
  g_mutex_lock (&call->sim->lock);
  call->done = TRUE;
  notify (call->sim);
  g_mutex_unlock (&call->sim->lock);
  return G_SOURCE_REMOVE;
}

/* Runs func in the server thread and waits for it. */
static void
run_in_server (GlsSim *sim, SimFunc func, gpointer data)
{
  SimCall call = { sim, func, data, FALSE };

  g_main_context_invoke (sim->ctx, sim_call_cb, &call);
  g_mutex_lock (&sim->lock);
  while (!call.done)
    g_cond_wait (&sim->cond, &sim->lock);
  g_mutex_unlock (&sim->lock);
}

typedef void (*ConnFunc) (Conn *c, gpointer data);

typedef struct
{
  ConnFunc func;
  gpointer data;
} EachConn;

static void
each_conn (GlsSim *sim, gpointer data)
{
  EachConn *each = data;
  GList *copy = g_list_copy (sim->conns);

  /* func may close (never free) connections; freeing happens in
   * on_closed, which runs later from the main loop */
  for (GList *l = copy; l; l = l->next)
    if (!((Conn *)l->data)->closing)
      each->func (l->data, each->data);
  g_list_free (copy);
}

/* Runs func on every open connection, in the server thread. */
static void
for_each_conn (GlsSim *sim, ConnFunc func, gpointer data)
{
  EachConn each = { func, data };

  run_in_server (sim, each_conn, &each);
}

typedef struct
{
  const gchar *json;
  gboolean binary;
} SendArgs;

static void
do_send (Conn *c, gpointer data)
{
  SendArgs *a = data;

  if (soup_websocket_connection_get_state (c->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  if (a->binary)
    soup_websocket_connection_send_binary (c->ws, a->json, strlen (a->json));
  else
    soup_websocket_connection_send_text (c->ws, a->json);
}

void
gls_sim_send_json (GlsSim *sim, const gchar *json, gboolean binary)
{
  SendArgs a = { json, binary };

  for_each_conn (sim, do_send, &a);
}

typedef struct
{
  gushort code;
  const gchar *reason;
} CloseArgs;

static void
do_close (Conn *c, gpointer data)
{
  CloseArgs *a = data;

  close_conn (c, a->code, a->reason);
}

void
gls_sim_close (GlsSim *sim, gushort code, const gchar *reason)
{
  CloseArgs a = { code, reason };

  for_each_conn (sim, do_close, &a);
}

static void
do_drop (Conn *c, gpointer data)
{
  drop_conn (c);
}

void
gls_sim_drop (GlsSim *sim)
{
  for_each_conn (sim, do_drop, NULL);
}

static void
do_go_away (Conn *c, gpointer data)
{
  go_away (c, GPOINTER_TO_UINT (data));
}

void
gls_sim_go_away (GlsSim *sim, guint time_left_ms)
{
  for_each_conn (sim, do_go_away, GUINT_TO_POINTER (time_left_ms));
}

void
gls_sim_set_refuse_connections (GlsSim *sim, gboolean refuse)
{
  g_mutex_lock (&sim->lock);
  sim->refuse = refuse;
  g_mutex_unlock (&sim->lock);
}

static void
do_trigger (Conn *c, gpointer data)
{
  if (c->setup_complete_sent)
    start_answer (c, "This answer was triggered.", 1, "TEXT");
}

void
gls_sim_trigger_answer (GlsSim *sim)
{
  for_each_conn (sim, do_trigger, NULL);
}

/* ---- conversation accounting */

GBytes *
gls_sim_dup_conversation_audio (GlsSim *sim)
{
  GBytes *b;

  g_mutex_lock (&sim->lock);
  b = sim->current
      ? g_bytes_new (sim->current->audio->data, sim->current->audio->len)
      : g_bytes_new (NULL, 0);
  g_mutex_unlock (&sim->lock);
  return b;
}

GBytes *
gls_sim_dup_session_audio (GlsSim *sim, guint index)
{
  GBytes *b = NULL;

  g_mutex_lock (&sim->lock);
  if (index < sim->sessions->len) {
    Session *s = sim->sessions->pdata[index];

    b = g_bytes_new (s->audio->data, s->audio->len);
  }
  g_mutex_unlock (&sim->lock);
  return b;
}

gboolean
gls_sim_get_conversation (GlsSim *sim, GlsSimConversation *conv)
{
  Session *s;

  memset (conv, 0, sizeof *conv);
  g_mutex_lock (&sim->lock);
  s = sim->current;
  if (s) {
    conv->index = s->index;
    conv->audio_bytes = s->audio_len;
    conv->inputs = s->inputs;
    conv->user_turns = s->user_turns;
    conv->answers = s->answers;
    conv->resumes = s->resumes;
  }
  g_mutex_unlock (&sim->lock);
  return s != NULL;
}

guint
gls_sim_get_resume_count (GlsSim *sim)
{
  GET_UINT (resumes);
}

guint
gls_sim_get_fresh_session_count (GlsSim *sim)
{
  GET_UINT (fresh_sessions);
}

guint
gls_sim_get_refused_count (GlsSim *sim)
{
  GET_UINT (refused);
}

static gboolean
p_resumes (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->resumes >= n;
}

static gboolean
p_conversation_audio (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->current && sim->current->audio_len >= n;
}

gboolean
gls_sim_wait_resumes (GlsSim *sim, guint n, guint timeout_ms)
{
  return wait_for (sim, p_resumes, NULL, n, timeout_ms);
}

gboolean
gls_sim_wait_conversation_audio (GlsSim *sim, gsize bytes, guint timeout_ms)
{
  return wait_for (sim, p_conversation_audio, NULL, bytes, timeout_ms);
}

/* ---- faults */

/* The byte-level faults act in the proxy. */
static gboolean
need_proxy (GlsSim *sim, const gchar *what)
{
  if (!sim->opts.direct)
    return TRUE;
  g_critical ("gemini-live-sim: %s needs the proxy (GlsSimOptions.direct is "
              "set)",
      what);
  return FALSE;
}

static void
do_stall (GlsSim *sim, gpointer data)
{
  for (GList *l = sim->links; l; l = l->next)
    link_stall (l->data);
  for (GList *l = sim->conns; l; l = l->next) {
    ((Conn *)l->data)->stalled = TRUE;
    gls_rules_conn_dead (((Conn *)l->data)->rules);
  }
}

void
gls_sim_stall (GlsSim *sim)
{
  if (!need_proxy (sim, "gls_sim_stall"))
    return;
  run_in_server (sim, do_stall, NULL);
}

static void
do_pause_reading (GlsSim *sim, gpointer data)
{
  gboolean pause = GPOINTER_TO_INT (data);

  for (GList *l = sim->links; l; l = l->next) {
    Link *link = l->data;
    GSocket *s = g_socket_connection_get_socket (link->down);

    /* a small window, so that the client's socket fills up soon; a
     * large one again after, so that it drains at once */
    g_socket_set_option (
        s, SOL_SOCKET, SO_RCVBUF, pause ? 4096 : 4 * 1024 * 1024, NULL);
    link->c2s.paused = pause;
    if (!pause)
      pipe_read (&link->c2s);
  }
}

void
gls_sim_pause_reading (GlsSim *sim, gboolean pause)
{
  if (!need_proxy (sim, "gls_sim_pause_reading"))
    return;
  run_in_server (sim, do_pause_reading, GINT_TO_POINTER (pause));
}

void
gls_sim_set_pong_delay (GlsSim *sim, guint ms)
{
  if (ms > 0 && !need_proxy (sim, "gls_sim_set_pong_delay"))
    return;
  g_mutex_lock (&sim->lock);
  sim->pong_delay_ms = ms;
  g_mutex_unlock (&sim->lock);
}

void
gls_sim_set_refuse_count (GlsSim *sim, guint n)
{
  g_mutex_lock (&sim->lock);
  sim->refuse_count = n;
  g_mutex_unlock (&sim->lock);
}

static gboolean
parse_event (const gchar *event, SimEvent *ev)
{
  if (!g_strcmp0 (event, "answer-start"))
    *ev = EV_ANSWER_START;
  else if (!g_strcmp0 (event, "tool-call"))
    *ev = EV_TOOL_CALL;
  else if (!g_strcmp0 (event, "user-speech"))
    *ev = EV_USER_SPEECH;
  else
    return FALSE;
  return TRUE;
}

static void
arm (GlsSim *sim, const gchar *event, SimAction action, guint time_left_ms,
    gushort code, const gchar *reason)
{
  Trigger *t;
  SimEvent ev;

  if (!parse_event (event, &ev)) {
    g_critical ("gemini-live-sim: unknown event \"%s\"", event);
    return;
  }
  t = g_new0 (Trigger, 1);
  t->event = ev;
  t->action = action;
  t->time_left_ms = time_left_ms;
  t->code = code;
  t->reason = g_strdup (reason);
  g_mutex_lock (&sim->lock);
  g_ptr_array_add (sim->triggers, t);
  g_mutex_unlock (&sim->lock);
}

void
gls_sim_go_away_at_next (GlsSim *sim, const gchar *event, guint time_left_ms)
{
  arm (sim, event, ACT_GO_AWAY, time_left_ms, 0, NULL);
}

void
gls_sim_close_at_next (
    GlsSim *sim, const gchar *event, gushort code, const gchar *reason)
{
  arm (sim, event, ACT_CLOSE, 0, code, reason);
}

void
gls_sim_drop_at_next (GlsSim *sim, const gchar *event)
{
  arm (sim, event, ACT_DROP, 0, 0, NULL);
}

static void
do_resumption_update (Conn *c, gpointer data)
{
  guint *sent = data;

  if (c->setup_complete_sent && c->resumption && c->session && conn_idle (c)) {
    send_resumption_update (c, TRUE);
    (*sent)++;
  }
}

gboolean
gls_sim_send_resumption_update (GlsSim *sim)
{
  guint sent = 0;

  for_each_conn (sim, do_resumption_update, &sent);
  return sent > 0;
}

/* ---- recorded sequences */

typedef struct
{
  const gchar *const *frames;
  guint n_frames;
  guint played;
} PlayArgs;

static void
play_frame (Conn *c, const gchar *frame)
{
  JsonNode *root = json_from_string (frame, NULL);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root)
      ? json_node_get_object (root)
      : NULL;
  JsonObject *tc = obj_member (o, "toolCall");

  if (o && json_object_has_member (o, "setupComplete")) {
    json_node_unref (root);
    return;
  }
  if (tc && json_object_has_member (tc, "functionCalls")) {
    JsonArray *calls = json_object_get_array_member (tc, "functionCalls");

    for (guint i = 0; i < json_array_get_length (calls); i++) {
      JsonObject *fc = json_array_get_object_element (calls, i);

      gls_rules_tool_call (c->rules,
          json_object_get_string_member_with_default (fc, "id", ""),
          json_object_get_string_member_with_default (fc, "name", ""), TRUE);
    }
    c->turn = TURN_TOOL_WAIT;
  }
  if (root)
    json_node_unref (root);
  send_text (c, frame);
}

static void
do_play (Conn *c, gpointer data)
{
  PlayArgs *a = data;

  if (!c->setup_complete_sent)
    return;
  for (guint i = 0; i < a->n_frames && !c->closing; i++)
    play_frame (c, a->frames[i]);
  a->played++;
}

guint
gls_sim_play_frames (GlsSim *sim, const gchar *const *frames, guint n_frames)
{
  PlayArgs a = { frames, n_frames, 0 };

  for_each_conn (sim, do_play, &a);
  return a.played;
}

/* ---- pings, slow reading, frame integrity */

static void
do_restart_pings (GlsSim *sim, gpointer data)
{
  for (GList *l = sim->links; l; l = l->next)
    link_start_pings (l->data);
}

void
gls_sim_set_ping_interval (GlsSim *sim, guint ms)
{
  if (ms > 0 && !need_proxy (sim, "gls_sim_set_ping_interval"))
    return;
  g_mutex_lock (&sim->lock);
  sim->ping_interval_ms = ms;
  g_mutex_unlock (&sim->lock);
  run_in_server (sim, do_restart_pings, NULL);
}

static void
do_read_rate (GlsSim *sim, gpointer data)
{
  guint rate = GPOINTER_TO_UINT (data);

  for (GList *l = sim->links; l; l = l->next) {
    Link *link = l->data;

    /* a small window, so that the client's socket fills up soon */
    g_socket_set_option (g_socket_connection_get_socket (link->down),
        SOL_SOCKET, SO_RCVBUF, rate ? SLOW_RCVBUF : 4 * 1024 * 1024, NULL);
    if (!rate && link->c2s.rate_timer) {
      clear_source (&link->c2s.rate_timer);
      pipe_read (&link->c2s);
    }
  }
}

void
gls_sim_set_read_rate (GlsSim *sim, guint bytes_per_second)
{
  if (bytes_per_second > 0 && !need_proxy (sim, "gls_sim_set_read_rate"))
    return;
  g_mutex_lock (&sim->lock);
  sim->read_rate = bytes_per_second;
  g_mutex_unlock (&sim->lock);
  run_in_server (sim, do_read_rate, GUINT_TO_POINTER (bytes_per_second));
}

void
gls_sim_get_frame_stats (GlsSim *sim, GlsSimFrameStats *stats)
{
  g_mutex_lock (&sim->lock);
  *stats = sim->frame_stats;
  g_mutex_unlock (&sim->lock);
}

gchar *
gls_sim_dup_frame_error (GlsSim *sim)
{
  DUP_STRING (frame_error);
}

static gboolean
p_pongs (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->frame_stats.pongs >= n;
}

gboolean
gls_sim_wait_pongs (GlsSim *sim, guint n, guint timeout_ms)
{
  return wait_for (sim, p_pongs, NULL, n, timeout_ms);
}

static gboolean
p_pings_sent (GlsSim *sim, gconstpointer arg, gsize n)
{
  return sim->frame_stats.pings_sent >= n;
}

gboolean
gls_sim_wait_pings_sent (GlsSim *sim, guint n, guint timeout_ms)
{
  return wait_for (sim, p_pings_sent, NULL, n, timeout_ms);
}
