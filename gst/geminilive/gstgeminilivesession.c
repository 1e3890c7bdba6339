/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <libsoup/soup.h>

#include "gstgeminilivenetwork.h"
#include "gstgeminilivesession.h"
#include "gstgeminilivewsframe.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_session_debug);
#define GST_CAT_DEFAULT gst_gemini_live_session_debug

/* Input kept while no connection is ready: minutes of audio. */
#define MAX_PENDING_BYTES (8 * 1024 * 1024)
/* Input sent but not yet covered by a resumption handle. */
#define MAX_REPLAY_BYTES (16 * 1024 * 1024)
/* How long a peer may take to answer our close frame. */
#define CLOSE_GRACE_MS 1000
#define FIRST_BACKOFF_MS 250
#define MAX_BACKOFF_MS 5000
/* A goAway switch happens at the latest this long before the deadline. */
#define GO_AWAY_MARGIN_MS 2000
/* After setupComplete, input waits this long at most for the first
 * handle, so that the handle cannot be issued with our input in flight
 * (it would not cover it, yet look as if it did). */
#define HANDLE_WAIT_MS 300

typedef struct
{
  gchar *json;
  gsize len; /* strlen (json), counted once */
  GstGeminiLiveSendKind kind;
  guint64 index; /* on the connection it was last sent on; setup is 0 */
} Outgoing;

struct _GstGeminiLiveSession
{
  GstGeminiLiveSessionCallbacks callbacks;
  gpointer user_data;

  GstGeminiLiveConfig config; /* resumption_handle: the newest handle */
  GstGeminiLiveConnectionSettings settings;
  gchar *proxy;    /* settings.proxy points here */
  gchar *endpoint; /* may carry an ephemeral token: not logged */
  gchar *auth_header;
  gchar *auth_value; /* never logged */
  gchar *safe_uri;

  GMainContext *context; /* the shared network thread's */
  GMutex *io_lock;       /* that thread's: see gstgeminilivenetwork.h */
  GCancellable *cancellable;
  gboolean started;
  gboolean finished; /* under finish_lock: teardown is over */

  /* Network thread only; conn, sent and replay also by a thread that
   * holds io_lock (the network thread then sleeps in poll()). */
  SoupSession *soup;
  SoupWebsocketConnection *conn;     /* the connection in use */
  SoupWebsocketConnection *old_conn; /* closing during a switch */
  SoupMessage *connect_msg;          /* upgrade in progress */
  gboolean stopping;
  gboolean setup_pending;       /* setup waits for old_conn to close */
  gboolean resumed_with_handle; /* the last setup carried a handle */
  gboolean ever_ready;
  gboolean model_busy;          /* not at a consistent point to switch */
  gboolean switch_after_update; /* goAway: switch at the next handle */
  GError *conn_error;
  GQueue replay; /* Outgoing*: input sent since the handle */
  guint64 sent;  /* messages sent on conn, the setup included */
  gsize replay_bytes;
  gboolean replay_overflow;
  gint64 outage_start; /* monotonic, 0 while connected */
  gint64 outage_deadline;
  guint attempt;
  guint backoff_ms;
  gint64 last_rx;
  GSource *retry_source;
  GSource *switch_source;
  GSource *keepalive_source;
  GSource *recycle_source;
  GSource *grace_source;
  GSource *handle_wait_source;
  GSource *stop_source;
  gboolean awaiting_handle;

  /* Network thread, or a thread holding io_lock: the frames of conn that
   * the socket did not take at once, in order (we write data frames
   * ourselves; libsoup only reads, answers pings and closes). */
  GQueue unsent;            /* GBytes*, whole frames */
  gsize unsent_offset;      /* bytes of the head already written */
  GError *write_error;      /* the socket failed: conn is dropped */
  GSource *writable_source; /* network thread: waits for room */
  gint64 last_ping;

  /* Protected by stats_lock: counters for the element's stats. */
  GMutex stats_lock;
  GstGeminiLiveSessionStats stats;

  /* Protected by lock: what other threads touch. */
  GMutex lock;
  gboolean ready;      /* setupComplete on the current connection */
  gboolean input_held; /* a blocking tool call is unanswered */
  gboolean flush_scheduled;
  GSource *wake_source; /* ready when outgoing has something to send */
  GQueue outgoing;      /* Outgoing* */
  gsize outgoing_bytes;
  guint dropped;
};

/* Sessions share the network thread, so stop() waits for its own
 * teardown there instead of joining a thread. */
static GMutex finish_lock;
static GCond finish_cond;

static void start_connect (GstGeminiLiveSession *session);
static void maybe_finish (GstGeminiLiveSession *session);
static void flush_outgoing_locked_out (GstGeminiLiveSession *session);
static void writer_service (GstGeminiLiveSession *session);
static void drop_connection (
    GstGeminiLiveSession *session, const gchar *reason);

static void
debug_init (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_gemini_live_session_debug, "geminilivesession",
        0, "Gemini Live WebSocket session");
    g_once_init_leave (&done, 1);
  }
}

void
gst_gemini_live_connection_settings_init (
    GstGeminiLiveConnectionSettings *settings)
{
  settings->reconnect = TRUE;
  settings->reconnect_timeout_ms = 30000;
  settings->keepalive_interval_s = 20;
  /* The service's pongs have been seen to take 30 s. */
  settings->keepalive_timeout_s = 90;
  settings->max_connection_s = 0;
  settings->max_message_size = 16 * 1024 * 1024;
  settings->proxy = NULL;
  settings->tls_database = NULL;
}

gchar *
gst_gemini_live_session_safe_uri (const gchar *uri)
{
  GUri *parsed;
  gchar *safe;

  if (uri == NULL)
    return g_strdup ("(none)");
  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL)
    return g_strdup ("(unparsable URI)");
  safe = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (parsed), NULL,
      g_uri_get_host (parsed), g_uri_get_port (parsed), g_uri_get_path (parsed),
      NULL, NULL);
  g_uri_unref (parsed);
  return safe;
}

/* Takes json. */
static Outgoing *
outgoing_new (gchar *json, GstGeminiLiveSendKind kind)
{
  Outgoing *out = g_new (Outgoing, 1);

  out->json = json;
  out->len = strlen (json);
  out->kind = kind;
  return out;
}

static void
outgoing_free (Outgoing *out)
{
  g_free (out->json);
  g_free (out);
}

GstGeminiLiveSession *
gst_gemini_live_session_new (
    const GstGeminiLiveSessionCallbacks *callbacks, gpointer user_data)
{
  GstGeminiLiveSession *session = g_new0 (GstGeminiLiveSession, 1);

  debug_init ();
  session->callbacks = *callbacks;
  session->user_data = user_data;
  gst_gemini_live_config_init (&session->config);
  gst_gemini_live_connection_settings_init (&session->settings);
  g_mutex_init (&session->lock);
  g_mutex_init (&session->stats_lock);
  g_queue_init (&session->outgoing);
  g_queue_init (&session->replay);
  g_queue_init (&session->unsent);
  return session;
}

void
gst_gemini_live_session_free (GstGeminiLiveSession *session)
{
  if (session == NULL)
    return;
  gst_gemini_live_session_stop (session);
  gst_gemini_live_config_clear (&session->config);
  g_free (session->safe_uri);
  g_free (session->proxy);
  g_free (session->endpoint);
  g_free (session->auth_header);
  g_free (session->auth_value);
  g_mutex_clear (&session->lock);
  g_mutex_clear (&session->stats_lock);
  g_free (session);
}

/* ---- session thread: helpers ------------------------------------------- */

static GSource *
add_timeout (GstGeminiLiveSession *session, guint ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, session, NULL);
  g_source_attach (source, session->context);
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source != NULL) {
    g_source_destroy (*source);
    g_source_unref (*source);
    *source = NULL;
  }
}

static void
set_ready (GstGeminiLiveSession *session, gboolean ready)
{
  g_mutex_lock (&session->lock);
  session->ready = ready;
  g_mutex_unlock (&session->lock);
}

/* Forgets the frames of a connection that is going away. */
static void
writer_reset (GstGeminiLiveSession *session)
{
  clear_source (&session->writable_source);
  g_queue_clear_full (&session->unsent, (GDestroyNotify)g_bytes_unref);
  session->unsent_offset = 0;
  g_clear_error (&session->write_error);
}

/* Drops a connection at once, without a close handshake. */
static void
abort_connection (GstGeminiLiveSession *session, SoupWebsocketConnection **conn)
{
  if (conn == &session->conn)
    writer_reset (session);
  if (*conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*conn, session);
  g_io_stream_close (
      soup_websocket_connection_get_io_stream (*conn), NULL, NULL);
  g_clear_object (conn);
}

static gboolean
conn_is_open (SoupWebsocketConnection *conn)
{
  return conn != NULL
      && soup_websocket_connection_get_state (conn)
      == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
replay_clear (GstGeminiLiveSession *session)
{
  g_queue_clear_full (&session->replay, (GDestroyNotify)outgoing_free);
  session->replay_bytes = 0;
  session->replay_overflow = FALSE;
}

static void
replay_push (GstGeminiLiveSession *session, Outgoing *out)
{
  /* Takes the sent message itself: no copy per audio chunk. */
  g_queue_push_tail (&session->replay, out);
  session->replay_bytes += out->len;
  while (session->replay_bytes > MAX_REPLAY_BYTES) {
    Outgoing *old = g_queue_pop_head (&session->replay);
    session->replay_bytes -= old->len;
    outgoing_free (old);
    session->replay_overflow = TRUE;
  }
}

static GPollableOutputStream *
conn_output (GstGeminiLiveSession *session)
{
  return G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (
      soup_websocket_connection_get_io_stream (session->conn)));
}

/* Writes what the socket takes of data, without blocking: the bytes
 * written (0 when it is full), or -1 with write_error set. */
static gssize
write_some (GstGeminiLiveSession *session, const guint8 *data, gsize len)
{
  gssize n = g_pollable_output_stream_write_nonblocking (
      conn_output (session), data, len, NULL, &session->write_error);

  if (n < 0
      && g_error_matches (
          session->write_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
    g_clear_error (&session->write_error);
    return 0;
  }
  return n;
}

/* Writes what the socket takes of the unsent frames. */
static void
writer_flush (GstGeminiLiveSession *session)
{
  GBytes *head;

  if (session->write_error != NULL || session->conn == NULL)
    return;
  while ((head = g_queue_peek_head (&session->unsent)) != NULL) {
    gsize size;
    const guint8 *data = g_bytes_get_data (head, &size);
    gssize n = write_some (
        session, data + session->unsent_offset, size - session->unsent_offset);

    if (n <= 0)
      return;
    session->unsent_offset += n;
    if (session->unsent_offset < size)
      continue;
    g_bytes_unref (g_queue_pop_head (&session->unsent));
    session->unsent_offset = 0;
  }
}

/* Whether a close frame may follow: no frame of ours half written. */
static gboolean
writer_clean (GstGeminiLiveSession *session)
{
  return g_queue_is_empty (&session->unsent) && session->write_error == NULL;
}

/* Whether a blocked or failed socket needs the network thread. */
static gboolean
writer_needs_attention (GstGeminiLiveSession *session)
{
  return session->write_error != NULL
      || (!g_queue_is_empty (&session->unsent)
          && session->writable_source == NULL);
}

/* Network thread or io_lock. The frame goes on the wire behind anything
 * still unsent; a frame is never interleaved with another. Like libsoup,
 * nothing is written once the connection closes. Returns the frame's
 * size (0: not written). */
static gsize
writer_write (GstGeminiLiveSession *session, guint8 opcode,
    const gchar *payload, gsize len)
{
  gsize frame_len;
  guint8 *frame;
  gssize n = 0;

  if (!conn_is_open (session->conn) || session->write_error != NULL)
    return 0;
  frame = gst_gemini_live_ws_frame_build (
      opcode, (const guint8 *)payload, len, g_random_int (), &frame_len);
  /* The usual case: nothing waits and the socket takes it all at once. */
  if (g_queue_is_empty (&session->unsent)) {
    n = write_some (session, frame, frame_len);
    if (n < 0 || n == (gssize)frame_len) {
      g_free (frame);
      return frame_len;
    }
    session->unsent_offset = n;
  }
  g_queue_push_tail (&session->unsent, g_bytes_new_take (frame, frame_len));
  return frame_len;
}

/* Every client message goes through here: its index on the connection is
 * what Vertex's lastConsumedClientMessageIndex refers to. */
static guint64
send_on_conn (GstGeminiLiveSession *session, const gchar *json, gsize len,
    gboolean directly)
{
  gsize frame_len
      = writer_write (session, GST_GEMINI_LIVE_WS_OPCODE_TEXT, json, len);

  g_mutex_lock (&session->stats_lock);
  session->stats.bytes_sent += frame_len;
  session->stats.messages_sent++;
  if (directly)
    session->stats.messages_sent_directly++;
  g_mutex_unlock (&session->stats_lock);
  return session->sent++;
}

/* Drops the input the server's state covers: with Vertex's transparent
 * resumption exactly up to the message it names; otherwise everything
 * sent so far. */
static void
replay_trim (GstGeminiLiveSession *session, gint64 last_consumed)
{
  Outgoing *out;

  if (last_consumed < 0) {
    replay_clear (session);
    return;
  }
  while ((out = g_queue_peek_head (&session->replay)) != NULL
      && out->index <= (guint64)last_consumed) {
    g_queue_pop_head (&session->replay);
    session->replay_bytes -= out->len;
    outgoing_free (out);
  }
  GST_LOG ("%u messages after index %" G_GINT64_FORMAT " kept for replay",
      g_queue_get_length (&session->replay), last_consumed);
}

static gboolean
on_writable (GObject *stream, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_source_unref (session->writable_source);
  session->writable_source = NULL;
  writer_flush (session);
  writer_service (session);
  return G_SOURCE_REMOVE;
}

/* Network thread, outside libsoup's callbacks: waits for room in a full
 * socket, or drops a connection whose socket failed. */
static void
writer_service (GstGeminiLiveSession *session)
{
  if (session->write_error != NULL) {
    gchar *reason = g_strdup_printf (
        "writing to the server failed: %s", session->write_error->message);

    GST_INFO ("%s", reason);
    drop_connection (session, reason);
    g_free (reason);
    return;
  }
  if (!g_queue_is_empty (&session->unsent)
      && session->writable_source == NULL) {
    GST_DEBUG ("socket full: %u frames wait for room",
        g_queue_get_length (&session->unsent));
    g_mutex_lock (&session->stats_lock);
    session->stats.socket_full++;
    g_mutex_unlock (&session->stats_lock);
    session->writable_source
        = g_pollable_output_stream_create_source (conn_output (session), NULL);
    g_source_set_callback (
        session->writable_source, G_SOURCE_FUNC (on_writable), session, NULL);
    g_source_attach (session->writable_source, session->context);
  }
}

/* Sends what other threads queued, if the connection is ready. */
static gboolean
flush_outgoing (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_mutex_lock (&session->lock);
  session->flush_scheduled = FALSE;
  g_source_set_ready_time (session->wake_source, -1);
  g_mutex_unlock (&session->lock);
  writer_flush (session);
  if (session->write_error == NULL)
    flush_outgoing_locked_out (session);
  writer_service (session);
  return G_SOURCE_CONTINUE;
}

static gboolean
wake_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

/* One source per session, made ready by other threads: no allocation
 * and no attach per message, and one wake-up per batch. */
static GSourceFuncs wake_funcs
    = { NULL, NULL, wake_dispatch, NULL, NULL, NULL };

/* With session->lock held. */
static void
wake_locked (GstGeminiLiveSession *session)
{
  if (session->wake_source == NULL || session->flush_scheduled)
    return;
  session->flush_scheduled = TRUE;
  g_source_set_ready_time (session->wake_source, 0);
}

/* After writing from anywhere but flush_outgoing (possibly inside a
 * libsoup callback, where the connection must not be dropped): leaves a
 * full or failed socket to flush_outgoing. */
static void
writer_kick (GstGeminiLiveSession *session)
{
  if (!writer_needs_attention (session))
    return;
  g_mutex_lock (&session->lock);
  wake_locked (session);
  g_mutex_unlock (&session->lock);
}

static void
flush_outgoing_locked_out (GstGeminiLiveSession *session)
{
  GQueue batch;
  Outgoing *out;

  g_mutex_lock (&session->lock);
  if (!session->ready || !conn_is_open (session->conn)) {
    g_mutex_unlock (&session->lock);
    return;
  }
  batch = session->outgoing;
  g_queue_init (&session->outgoing);
  session->outgoing_bytes = 0;
  if (session->input_held) {
    GList *l, *next;

    /* Input stays queued, in order, until the hold ends. */
    for (l = batch.head; l != NULL; l = next) {
      Outgoing *o = l->data;
      next = l->next;
      if (o->kind == GST_GEMINI_LIVE_SEND_INPUT) {
        g_queue_unlink (&batch, l);
        g_queue_push_tail_link (&session->outgoing, l);
        session->outgoing_bytes += o->len;
      }
    }
  }
  g_mutex_unlock (&session->lock);

  while ((out = g_queue_pop_head (&batch))) {
    out->index = send_on_conn (session, out->json, out->len, FALSE);
    /* Conversation input stays until a resumption handle covers it. */
    if (out->kind == GST_GEMINI_LIVE_SEND_INPUT
        && session->config.session_resumption)
      replay_push (session, out);
    else
      outgoing_free (out);
  }
}

static void
send_setup (GstGeminiLiveSession *session)
{
  gchar *setup;

  session->setup_pending = FALSE;
  session->resumed_with_handle = session->config.session_resumption
      && session->config.resumption_handle != NULL;
  setup = gst_gemini_live_protocol_build_setup (&session->config);
  GST_DEBUG ("sending setup (%" G_GSIZE_FORMAT " bytes, %s)", strlen (setup),
      session->resumed_with_handle ? "resuming" : "new session");
  session->sent = 0;
  send_on_conn (session, setup, strlen (setup), FALSE);
  g_free (setup);
  writer_kick (session);
}

/* ---- session thread: losing and regaining the connection --------------- */

/* 1007 means the request itself is wrong (bad field, bad key); a model or
 * key the server does not know will not appear by retrying. */
static gboolean
close_is_fatal (gushort code, const gchar *reason)
{
  if (code == SOUP_WEBSOCKET_CLOSE_BAD_DATA
      || code == SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR
      || code == SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA
      || code == SOUP_WEBSOCKET_CLOSE_TOO_BIG)
    return TRUE;
  if (reason != NULL
      && (g_strstr_len (reason, -1, "API key")
          || g_strstr_len (reason, -1, "is not found for API version")
          || g_strstr_len (
              reason, -1, "not supported for bidiGenerateContent")))
    return TRUE;
  return FALSE;
}

static gboolean
retry_now (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_source_unref (session->retry_source);
  session->retry_source = NULL;
  start_connect (session);
  return G_SOURCE_REMOVE;
}

static void
give_up (GstGeminiLiveSession *session, gushort code, const gchar *reason,
    const GError *error)
{
  clear_source (&session->retry_source);
  session->outage_start = 0;
  session->callbacks.closed (session, code, reason, error, session->user_data);
}

/* The connection is gone (or never came): retry within the budget, or
 * report a final failure. */
static void
handle_loss (GstGeminiLiveSession *session, gushort code, const gchar *reason,
    const GError *error, gboolean fatal)
{
  gint64 now = g_get_monotonic_time ();
  guint delay;

  set_ready (session, FALSE);
  if (fatal || !session->settings.reconnect) {
    give_up (session, code, reason, error);
    return;
  }
  if (session->outage_start == 0) {
    session->outage_start = now;
    session->outage_deadline
        = now + (gint64)session->settings.reconnect_timeout_ms * 1000;
    session->attempt = 0;
    session->backoff_ms = 0;
  }
  session->attempt++;
  /* The first retry is immediate; then exponential backoff. */
  delay = session->backoff_ms;
  session->backoff_ms
      = delay == 0 ? FIRST_BACKOFF_MS : MIN (delay * 2, MAX_BACKOFF_MS);
  if (now + (gint64)delay * 1000 > session->outage_deadline) {
    GST_INFO ("giving up after %u attempts", session->attempt - 1);
    give_up (session, code, reason, error);
    return;
  }
  session->callbacks.reconnecting (
      session, session->attempt, code, reason, delay, session->user_data);
  clear_source (&session->retry_source);
  session->retry_source = add_timeout (session, delay, retry_now);
}

/* A planned move to a new connection (goAway, recycle): the old one keeps
 * carrying the conversation until the new one is open. */
static void
begin_switch (GstGeminiLiveSession *session, const gchar *why)
{
  clear_source (&session->switch_source);
  session->switch_after_update = FALSE;
  if (session->connect_msg != NULL || session->outage_start != 0
      || session->stopping)
    return;
  GST_INFO ("switching to a new connection: %s", why);
  session->outage_start = g_get_monotonic_time ();
  session->outage_deadline = session->outage_start
      + (gint64)session->settings.reconnect_timeout_ms * 1000;
  session->attempt = 1;
  session->backoff_ms = 0;
  session->callbacks.reconnecting (session, 1, 0, why, 0, session->user_data);
  start_connect (session);
}

static gboolean
switch_timeout (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_source_unref (session->switch_source);
  session->switch_source = NULL;
  begin_switch (session, "goAway deadline approaching");
  return G_SOURCE_REMOVE;
}

static gboolean
recycle_timeout (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_source_unref (session->recycle_source);
  session->recycle_source = NULL;
  begin_switch (session, "connection recycled before the service limit");
  return G_SOURCE_REMOVE;
}

static void
on_go_away (GstGeminiLiveSession *session, guint64 time_left)
{
  guint ms;

  if (!session->settings.reconnect)
    return;
  if (!session->model_busy) {
    begin_switch (session, "goAway");
    return;
  }
  /* Mid-answer: switch at the next consistent point (a resumable handle),
   * or on a timer before the deadline, whichever comes first. */
  session->switch_after_update = TRUE;
  ms = time_left == G_MAXUINT64 ? 0 : (guint)(time_left / GST_MSECOND);
  ms = ms > 2 * GO_AWAY_MARGIN_MS ? ms - GO_AWAY_MARGIN_MS : ms / 2;
  clear_source (&session->switch_source);
  session->switch_source = add_timeout (session, ms, switch_timeout);
}

static void
on_ready (GstGeminiLiveSession *session)
{
  gboolean reconnected = session->ever_ready;
  GList *l;

  if (reconnected) {
    /* Resend what the resumed state does not cover, before anything
     * queued meanwhile. */
    GST_INFO ("resending %u messages not covered by the handle",
        g_queue_get_length (&session->replay));
    for (l = session->replay.head; l != NULL; l = l->next) {
      Outgoing *out = l->data;
      out->index = send_on_conn (session, out->json, out->len, FALSE);
    }
    g_mutex_lock (&session->stats_lock);
    session->stats.messages_resent += g_queue_get_length (&session->replay);
    g_mutex_unlock (&session->stats_lock);
    if (session->replay_overflow)
      session->callbacks.warning (session,
          "Some input could not be resent after reconnecting",
          "More input than the replay bound was sent since the last "
          "resumption handle",
          session->user_data);
  }
  session->ever_ready = TRUE;
  set_ready (session, TRUE);
  flush_outgoing_locked_out (session);
  writer_kick (session);

  if (reconnected) {
    GstClockTimeDiff downtime
        = (g_get_monotonic_time () - session->outage_start) * GST_USECOND;
    session->callbacks.reconnected (
        session, session->resumed_with_handle, downtime, session->user_data);
  }
  session->outage_start = 0;
  session->attempt = 0;
  session->backoff_ms = 0;
  clear_source (&session->recycle_source);
  if (session->settings.max_connection_s > 0)
    session->recycle_source = add_timeout (
        session, session->settings.max_connection_s * 1000, recycle_timeout);
}

static gboolean
handle_wait_over (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_source_unref (session->handle_wait_source);
  session->handle_wait_source = NULL;
  session->awaiting_handle = FALSE;
  GST_DEBUG ("no resumption handle after setupComplete; going on");
  on_ready (session);
  return G_SOURCE_REMOVE;
}

static void
on_setup_complete (GstGeminiLiveSession *session)
{
  if (!session->config.session_resumption) {
    on_ready (session);
    return;
  }
  session->awaiting_handle = TRUE;
  clear_source (&session->handle_wait_source);
  session->handle_wait_source
      = add_timeout (session, HANDLE_WAIT_MS, handle_wait_over);
}

/* ---- session thread: connection callbacks ------------------------------ */

static void
on_message (SoupWebsocketConnection *conn, gint type, GBytes *message,
    gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GError *error = NULL;
  GPtrArray *events;
  gsize size;
  const gchar *data = g_bytes_get_data (message, &size);
  guint i;

  session->last_rx = g_get_monotonic_time ();
  g_mutex_lock (&session->stats_lock);
  session->stats.messages_received++;
  session->stats.bytes_received += size;
  g_mutex_unlock (&session->stats_lock);
  GST_LOG ("%s frame of %" G_GSIZE_FORMAT " bytes",
      type == SOUP_WEBSOCKET_DATA_TEXT ? "text" : "binary", size);
  if (session->callbacks.raw_message != NULL)
    session->callbacks.raw_message (session, data, size, session->user_data);

  events = gst_gemini_live_protocol_parse (data, size, &error);
  if (events == NULL) {
    session->callbacks.warning (session, "Malformed message from the server",
        error->message, session->user_data);
    g_error_free (error);
    return;
  }

  for (i = 0; i < events->len; i++) {
    GstGeminiLiveEvent *event = g_ptr_array_index (events, i);

    switch (event->type) {
      case GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE:
        if (conn == session->conn)
          on_setup_complete (session);
        break;
      case GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE:
        if (event->flag && event->text != NULL) {
          /* Everything sent so far is in the state this handle resumes. */
          g_free (session->config.resumption_handle);
          session->config.resumption_handle = g_strdup (event->text);
          if (session->awaiting_handle && conn == session->conn) {
            /* This handle predates everything still to be (re)sent: the
             * replay goes out now and stays until a later handle. */
            session->awaiting_handle = FALSE;
            clear_source (&session->handle_wait_source);
            on_ready (session);
          } else if (conn == session->conn || conn == session->old_conn) {
            /* (During a switch nothing is sent on the new connection
             * before the old one is gone: indexes still refer to it.) */
            replay_trim (session,
                session->config.transparent_resumption ? event->index : -1);
          }
          session->model_busy = FALSE;
          if (session->switch_after_update)
            begin_switch (session, "goAway");
        } else if (!event->flag) {
          session->model_busy = TRUE;
        }
        break;
      case GST_GEMINI_LIVE_EVENT_GO_AWAY:
        if (conn == session->conn)
          on_go_away (session, event->time_left);
        break;
      case GST_GEMINI_LIVE_EVENT_AUDIO:
      case GST_GEMINI_LIVE_EVENT_TOOL_CALL:
        session->model_busy = TRUE;
        break;
      case GST_GEMINI_LIVE_EVENT_TURN_COMPLETE:
        /* Without handles, the end of a turn is the best point to move. */
        if (!session->config.session_resumption) {
          session->model_busy = FALSE;
          if (session->switch_after_update)
            begin_switch (session, "goAway");
        }
        break;
      default:
        break;
    }
    session->callbacks.event (session, event, session->user_data);
  }
  g_ptr_array_unref (events);
}

static void
on_pong (SoupWebsocketConnection *conn, GBytes *message, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  session->last_rx = g_get_monotonic_time ();
}

static gboolean
old_close_grace_over (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_source_unref (session->grace_source);
  session->grace_source = NULL;
  GST_DEBUG ("old connection did not finish closing, dropping it");
  abort_connection (session, &session->old_conn);
  if (session->setup_pending && conn_is_open (session->conn))
    send_setup (session);
  return G_SOURCE_REMOVE;
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  gushort code = soup_websocket_connection_get_close_code (conn);
  gchar *reason = g_strdup (soup_websocket_connection_get_close_data (conn));
  gboolean rejected_resume;

  GST_DEBUG ("connection closed: %u %s", code, GST_STR_NULL (reason));

  if (conn == session->old_conn) {
    /* The server lets a session resume only once its old socket is
     * closed: now the resumed setup may go. */
    g_signal_handlers_disconnect_by_data (conn, session);
    g_clear_object (&session->old_conn);
    clear_source (&session->grace_source);
    if (session->setup_pending && conn_is_open (session->conn))
      send_setup (session);
    g_free (reason);
    return;
  }
  if (session->stopping) {
    if (conn == session->conn) {
      g_signal_handlers_disconnect_by_data (conn, session);
      writer_reset (session);
      g_clear_object (&session->conn);
    }
    maybe_finish (session);
    g_free (reason);
    return;
  }
  if (conn != session->conn) {
    g_free (reason);
    return;
  }

  rejected_resume = !g_atomic_int_get (&session->ready)
      && session->resumed_with_handle && code == SOUP_WEBSOCKET_CLOSE_BAD_DATA;
  g_signal_handlers_disconnect_by_data (conn, session);
  writer_reset (session);
  g_clear_object (&session->conn);
  set_ready (session, FALSE);
  clear_source (&session->recycle_source);
  clear_source (&session->keepalive_source);
  clear_source (&session->handle_wait_source);
  session->awaiting_handle = FALSE;

  /* No close frame from the peer: the connection just went away. */
  if (code == 0)
    code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;

  if (rejected_resume && session->settings.reconnect) {
    /* An expired or unknown handle: the conversation cannot be resumed,
     * but it can go on in a fresh session. */
    session->callbacks.warning (session,
        "Could not resume the session; starting a fresh one",
        reason ? reason : "setup with a resumption handle was refused",
        session->user_data);
    g_clear_pointer (&session->config.resumption_handle, g_free);
    handle_loss (session, code, reason, session->conn_error, FALSE);
  } else {
    handle_loss (session, code, reason, session->conn_error,
        close_is_fatal (code, reason));
  }
  g_clear_error (&session->conn_error);
  g_free (reason);
}

static void
on_error (SoupWebsocketConnection *conn, GError *error, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  GST_DEBUG ("connection error: %s", error->message);
  if (session->conn_error == NULL && conn == session->conn)
    session->conn_error = g_error_copy (error);
}

/* The connection is unusable (dead peer, failed socket): drop it without
 * a close handshake and reconnect. */
static void
drop_connection (GstGeminiLiveSession *session, const gchar *reason)
{
  abort_connection (session, &session->conn);
  if (session->stopping) {
    maybe_finish (session);
    return;
  }
  set_ready (session, FALSE);
  clear_source (&session->keepalive_source);
  clear_source (&session->recycle_source);
  clear_source (&session->handle_wait_source);
  session->awaiting_handle = FALSE;
  handle_loss (session, SOUP_WEBSOCKET_CLOSE_ABNORMAL, reason, NULL, FALSE);
}

/* Once a second: our own pings (libsoup's would share the socket with
 * our frames unsynchronised) and the silence check. */
static gboolean
keepalive_check (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  gint64 now = g_get_monotonic_time ();
  gchar *reason;

  if (session->conn == NULL)
    return G_SOURCE_CONTINUE;
  if (session->settings.keepalive_interval_s > 0
      && now - session->last_ping
          >= (gint64)session->settings.keepalive_interval_s * G_USEC_PER_SEC) {
    gsize frame_len
        = writer_write (session, GST_GEMINI_LIVE_WS_OPCODE_PING, "", 0);

    session->last_ping = now;
    g_mutex_lock (&session->stats_lock);
    session->stats.bytes_sent += frame_len;
    g_mutex_unlock (&session->stats_lock);
    writer_service (session);
    if (session->keepalive_source == NULL)
      return G_SOURCE_REMOVE; /* the write failed: dropped */
  }
  if (session->settings.keepalive_timeout_s == 0
      || now - session->last_rx
          < (gint64)session->settings.keepalive_timeout_s * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  /* Neither data nor a pong for that long: the peer is gone. */
  reason = g_strdup_printf ("no data or pong from the server for %u s",
      session->settings.keepalive_timeout_s);
  GST_INFO ("%s", reason);
  g_source_unref (session->keepalive_source);
  session->keepalive_source = NULL;
  drop_connection (session, reason);
  g_free (reason);
  return G_SOURCE_REMOVE;
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GError *error = NULL;
  SoupWebsocketConnection *conn;
  guint status = soup_message_get_status (session->connect_msg);

  g_clear_object (&session->connect_msg);
  conn = soup_session_websocket_connect_finish (
      SOUP_SESSION (source), result, &error);
  if (conn == NULL) {
    if (session->stopping) {
      g_error_free (error);
      maybe_finish (session);
      return;
    }
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      gboolean first = !session->ever_ready && session->outage_start == 0;
      gboolean fatal = status == SOUP_STATUS_UNAUTHORIZED
          || status == SOUP_STATUS_FORBIDDEN || status == SOUP_STATUS_NOT_FOUND;

      GST_DEBUG ("connect failed (HTTP %u): %s", status, error->message);
      /* A first connection that fails is a configuration problem to
       * report now; a reconnection retries within its budget. */
      if (first)
        session->callbacks.closed (session, 0, NULL, error, session->user_data);
      else
        handle_loss (session, SOUP_WEBSOCKET_CLOSE_ABNORMAL, error->message,
            error, fatal);
    }
    g_error_free (error);
    return;
  }
  if (session->stopping) {
    g_object_unref (conn);
    maybe_finish (session);
    return;
  }

  GST_INFO ("connected to %s", session->safe_uri);
  g_mutex_lock (&session->stats_lock);
  session->stats.connections++;
  g_mutex_unlock (&session->stats_lock);
  g_object_set (conn, "max-incoming-payload-size",
      session->settings.max_message_size, NULL);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), session);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), session);
  g_signal_connect (conn, "error", G_CALLBACK (on_error), session);
  g_signal_connect (conn, "pong", G_CALLBACK (on_pong), session);
  session->last_rx = session->last_ping = g_get_monotonic_time ();
  clear_source (&session->keepalive_source);
  if (session->settings.keepalive_timeout_s > 0
      || session->settings.keepalive_interval_s > 0) {
    session->keepalive_source = add_timeout (session, 1000, keepalive_check);
  }

  if (conn_is_open (session->conn)) {
    /* A switch: the old socket closes first, then the resumed setup goes
     * on the new one (the service refuses a resume while the old one is
     * open). Input waits in the queue meanwhile. A close frame cannot
     * follow half a frame: a full socket is just dropped. */
    gboolean clean = writer_clean (session);

    set_ready (session, FALSE);
    writer_reset (session);
    session->old_conn = session->conn;
    session->conn = conn;
    session->setup_pending = TRUE;
    if (!clean) {
      abort_connection (session, &session->old_conn);
      send_setup (session);
      return;
    }
    soup_websocket_connection_close (
        session->old_conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    clear_source (&session->grace_source);
    session->grace_source
        = add_timeout (session, CLOSE_GRACE_MS, old_close_grace_over);
    return;
  }
  writer_reset (session);
  g_clear_object (&session->conn);
  session->conn = conn;
  send_setup (session);
}

static void
start_connect (GstGeminiLiveSession *session)
{
  SoupMessage *msg;

  if (session->connect_msg != NULL || session->stopping)
    return;
  msg = soup_message_new (SOUP_METHOD_GET, session->endpoint);
  if (msg == NULL) {
    GError *error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "Invalid URI '%s'", session->safe_uri);
    session->callbacks.closed (session, 0, NULL, error, session->user_data);
    g_error_free (error);
    return;
  }
  if (session->auth_header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        session->auth_header, session->auth_value);

  GST_INFO ("connecting to %s", session->safe_uri);
  session->connect_msg = msg;
  soup_session_websocket_connect_async (session->soup, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, session->cancellable, on_connected, session);
}

/* Like souphttpsrc: the property, else the usual environment variables.
 * TLS certificates are verified against the system database (libsoup's
 * default) either way. */
static void
configure_proxy (GstGeminiLiveSession *session)
{
  const gchar *proxy = session->settings.proxy;
  gboolean secure = g_str_has_prefix (session->endpoint, "wss:");
  GProxyResolver *resolver;
  gchar **ignore = NULL;
  gchar *safe;

  if (proxy == NULL || *proxy == '\0') {
    proxy = g_getenv (secure ? "https_proxy" : "http_proxy");
    if (proxy == NULL || *proxy == '\0')
      proxy = g_getenv (secure ? "HTTPS_PROXY" : "HTTP_PROXY");
    if (g_getenv ("no_proxy") != NULL)
      ignore = g_strsplit (g_getenv ("no_proxy"), ",", -1);
  }
  if (proxy == NULL || *proxy == '\0') {
    g_strfreev (ignore);
    return;
  }
  /* The proxy URI may carry credentials: only its host is logged. */
  safe = gst_gemini_live_session_safe_uri (proxy);
  GST_INFO ("using proxy %s", safe);
  g_free (safe);
  resolver = g_simple_proxy_resolver_new (proxy, ignore);
  g_object_set (session->soup, "proxy-resolver", resolver, NULL);
  g_object_unref (resolver);
  g_strfreev (ignore);
}

static gboolean
start_in_thread (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  session->soup = soup_session_new_with_options (
      "user-agent", "gst-gemini-live/" VERSION, NULL);
  if (session->settings.tls_database != NULL)
    g_object_set (
        session->soup, "tls-database", session->settings.tls_database, NULL);
  configure_proxy (session);
  start_connect (session);
  return G_SOURCE_REMOVE;
}

/* The last step of stop(), in the network thread: nothing of this
 * session may run after it. */
static void
finish (GstGeminiLiveSession *session)
{
  clear_source (&session->retry_source);
  clear_source (&session->switch_source);
  clear_source (&session->keepalive_source);
  clear_source (&session->recycle_source);
  clear_source (&session->grace_source);
  clear_source (&session->handle_wait_source);
  clear_source (&session->stop_source);
  abort_connection (session, &session->conn);
  abort_connection (session, &session->old_conn);
  if (session->soup != NULL)
    soup_session_abort (session->soup);
  g_clear_object (&session->soup);
  g_clear_object (&session->connect_msg);
  g_clear_error (&session->conn_error);
  replay_clear (session);

  g_mutex_lock (&session->lock);
  clear_source (&session->wake_source);
  g_mutex_unlock (&session->lock);

  g_mutex_lock (&finish_lock);
  session->finished = TRUE;
  g_cond_broadcast (&finish_cond);
  g_mutex_unlock (&finish_lock);
}

/* Teardown waits for the close handshake and for a connect in progress
 * to report its cancellation (its callback holds the session). */
static void
maybe_finish (GstGeminiLiveSession *session)
{
  if (!session->stopping || session->finished)
    return;
  if (session->connect_msg != NULL || session->old_conn != NULL
      || conn_is_open (session->conn))
    return;
  finish (session);
}

static gboolean
stop_grace_over (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  g_source_unref (session->stop_source);
  session->stop_source = NULL;
  GST_DEBUG ("server did not answer our close frame, dropping it");
  abort_connection (session, &session->conn);
  maybe_finish (session);
  return G_SOURCE_REMOVE;
}

static gboolean
close_in_thread (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  /* Cancelled here, in the thread that owns every source made with it:
   * GLib 2.74 leaks a cancellable's source that this thread disposes
   * while another thread is in g_cancellable_cancel() (its dispose
   * resurrects the source for a "cancelled" handler it then disconnects
   * before that handler runs; seen under valgrind). */
  g_cancellable_cancel (session->cancellable);
  session->stopping = TRUE;
  clear_source (&session->retry_source);
  clear_source (&session->switch_source);
  abort_connection (session, &session->old_conn);
  if (conn_is_open (session->conn) && writer_clean (session)) {
    soup_websocket_connection_close (
        session->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    /* on_closed finishes; this only bounds a silent peer. */
    session->stop_source
        = add_timeout (session, CLOSE_GRACE_MS, stop_grace_over);
  } else {
    abort_connection (session, &session->conn);
  }
  maybe_finish (session);
  return G_SOURCE_REMOVE;
}

/* ---- any thread -------------------------------------------------------- */

gboolean
gst_gemini_live_session_start (GstGeminiLiveSession *session,
    const GstGeminiLiveConfig *config,
    const GstGeminiLiveConnectionSettings *settings, GError **error)
{
  GMutex *io_lock;
  GSource *source;

  g_return_val_if_fail (!session->started, FALSE);

  gst_gemini_live_config_clear (&session->config);
  gst_gemini_live_config_copy (&session->config, config);
  session->settings = *settings;
  g_free (session->proxy);
  session->proxy = g_strdup (settings->proxy);
  session->settings.proxy = session->proxy;
  /* Ours until stop(). */
  if (settings->tls_database != NULL)
    g_object_ref (settings->tls_database);
  g_free (session->endpoint);
  g_free (session->auth_header);
  g_free (session->auth_value);
  session->endpoint = gst_gemini_live_config_endpoint (
      config, &session->auth_header, &session->auth_value);
  g_free (session->safe_uri);
  session->safe_uri = gst_gemini_live_session_safe_uri (session->endpoint);
  session->stopping = FALSE;
  session->finished = FALSE;
  session->ever_ready = FALSE;
  session->model_busy = FALSE;
  session->switch_after_update = FALSE;
  session->outage_start = 0;
  session->ready = FALSE;
  session->input_held = FALSE;
  session->dropped = 0;

  session->context = gst_gemini_live_network_acquire (&io_lock, error);
  if (session->context == NULL)
    return FALSE;
  session->cancellable = g_cancellable_new ();
  session->started = TRUE;

  g_mutex_lock (&session->lock);
  session->io_lock = io_lock;
  session->flush_scheduled = FALSE;
  session->wake_source = g_source_new (&wake_funcs, sizeof (GSource));
  g_source_set_callback (session->wake_source, flush_outgoing, session, NULL);
  g_source_set_ready_time (session->wake_source, -1);
  g_source_attach (session->wake_source, session->context);
  g_mutex_unlock (&session->lock);

  source = g_idle_source_new ();
  g_source_set_callback (source, start_in_thread, session, NULL);
  g_source_attach (source, session->context);
  g_source_unref (source);
  return TRUE;
}

void
gst_gemini_live_session_stop (GstGeminiLiveSession *session)
{
  GMainContext *context;

  if (!session->started)
    return;

  if (g_main_context_is_owner (session->context)) {
    /* From one of our own callbacks: no close handshake to wait for, but
     * the cancelled connect must still report before the session goes. */
    close_in_thread (session);
    if (!session->finished) {
      abort_connection (session, &session->conn);
      while (!session->finished && session->connect_msg != NULL)
        g_main_context_iteration (session->context, TRUE);
      maybe_finish (session);
    }
  } else {
    GSource *source = g_idle_source_new ();

    g_source_set_callback (source, close_in_thread, session, NULL);
    g_source_attach (source, session->context);
    g_source_unref (source);
    g_mutex_lock (&finish_lock);
    while (!session->finished)
      g_cond_wait (&finish_cond, &finish_lock);
    g_mutex_unlock (&finish_lock);
  }
  session->started = FALSE;

  g_mutex_lock (&session->lock);
  g_queue_clear_full (&session->outgoing, (GDestroyNotify)outgoing_free);
  session->outgoing_bytes = 0;
  session->flush_scheduled = FALSE;
  session->ready = FALSE;
  context = session->context;
  session->context = NULL;
  session->io_lock = NULL;
  g_mutex_unlock (&session->lock);
  g_clear_object (&session->cancellable);
  g_clear_object (&session->settings.tls_database);
  gst_gemini_live_network_release (context);
}

/* The fast path for input: written to the socket by the calling thread
 * while the network thread sleeps in poll() (its io_lock is free), so an
 * audio chunk costs no wake-up of that thread. Only when nothing waits
 * before it; never blocks. With session->lock and io_lock held. */
static gboolean
send_directly_locked (GstGeminiLiveSession *session, gchar *json)
{
  Outgoing *out;

  if (session->wake_source == NULL || !session->ready || session->input_held
      || !g_queue_is_empty (&session->outgoing) || session->flush_scheduled
      || !g_queue_is_empty (&session->unsent) || !conn_is_open (session->conn))
    return FALSE;
  out = outgoing_new (json, GST_GEMINI_LIVE_SEND_INPUT);
  out->index = send_on_conn (session, out->json, out->len, TRUE);
  if (session->config.session_resumption)
    replay_push (session, out);
  else
    outgoing_free (out);
  /* A full or failed socket is the network thread's to handle. */
  if (writer_needs_attention (session))
    wake_locked (session);
  return TRUE;
}

void
gst_gemini_live_session_send (
    GstGeminiLiveSession *session, gchar *json, GstGeminiLiveSendKind kind)
{
  gboolean dropped_first = FALSE;
  Outgoing *out;

  g_mutex_lock (&session->lock);
  /* io_lock is read under our lock: stop() clears it there before the
   * network thread (and its io_lock) may go. Only ever tried, never
   * waited for, so taking it inside our lock cannot deadlock with the
   * network thread, which takes ours inside it. */
  if (kind == GST_GEMINI_LIVE_SEND_INPUT && session->io_lock != NULL
      && g_mutex_trylock (session->io_lock)) {
    gboolean sent = send_directly_locked (session, json);

    g_mutex_unlock (session->io_lock);
    if (sent) {
      g_mutex_unlock (&session->lock);
      return;
    }
  }

  if (session->wake_source == NULL) {
    g_mutex_unlock (&session->lock);
    g_free (json);
    return;
  }
  out = outgoing_new (json, kind);
  /* A tool response overtakes the input held back behind its call (but
   * not earlier responses). */
  if (session->input_held && kind == GST_GEMINI_LIVE_SEND_ONCE) {
    GList *l = session->outgoing.head;

    while (
        l != NULL && ((Outgoing *)l->data)->kind != GST_GEMINI_LIVE_SEND_INPUT)
      l = l->next;
    if (l != NULL)
      g_queue_insert_before (&session->outgoing, l, out);
    else
      g_queue_push_tail (&session->outgoing, out);
  } else {
    g_queue_push_tail (&session->outgoing, out);
  }
  session->outgoing_bytes += out->len;
  /* Bounded while nothing can be sent: oldest input goes first. */
  while ((!session->ready || session->input_held)
      && session->outgoing_bytes > MAX_PENDING_BYTES) {
    Outgoing *old = g_queue_pop_head (&session->outgoing);
    session->outgoing_bytes -= old->len;
    outgoing_free (old);
    dropped_first = session->dropped++ == 0;
  }
  /* Always through the source, never inline: from the network thread
   * itself (a tool-call handler) that would flush under our lock. */
  if (session->ready
      && !(session->input_held && kind == GST_GEMINI_LIVE_SEND_INPUT))
    wake_locked (session);
  g_mutex_unlock (&session->lock);

  if (dropped_first)
    session->callbacks.warning (session,
        "Input is arriving faster than the server accepts it",
        "More than 8 MiB of input queued while no connection was ready; "
        "dropping the oldest",
        session->user_data);
}

void
gst_gemini_live_session_hold_input (
    GstGeminiLiveSession *session, gboolean hold)
{
  g_mutex_lock (&session->lock);
  session->input_held = hold;
  if (!hold && session->ready)
    wake_locked (session);
  g_mutex_unlock (&session->lock);
  GST_DEBUG ("realtime input %s",
      hold ? "held: a blocking tool call waits" : "released");
}

void
gst_gemini_live_session_get_stats (
    GstGeminiLiveSession *session, GstGeminiLiveSessionStats *stats)
{
  g_mutex_lock (&session->stats_lock);
  *stats = session->stats;
  g_mutex_unlock (&session->stats_lock);
}
