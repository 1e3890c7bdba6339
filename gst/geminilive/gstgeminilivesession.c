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

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_session_debug);
#define GST_CAT_DEFAULT gst_gemini_live_session_debug

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
/* A new connection has carried the conversation, and ends the outage's
 * backoff and budget, once it stayed up this long or the model answered
 * on it: reaching setupComplete alone proves nothing. */
#define RECOVERED_AFTER_MS 3000

/* One WebSocket upgrade. libsoup reports its end whenever it likes, even
 * after a cancellation; a session that stops leaves it behind (session
 * NULL) instead of waiting for that. */
typedef struct
{
  struct _GstGeminiLiveSession *session; /* NULL once left behind */
  SoupMessage *msg;
  GCancellable *cancellable;
  gchar *timed_out; /* why the connect timer gave up on it */
} Attempt;

typedef struct
{
  gchar *json;
  gsize len; /* strlen (json), counted once */
  GstGeminiLiveSendKind kind;
  guint64 index; /* on the connection it was last sent on; setup is 0 */
  GstGeminiLiveConfig *context; /* a contextUpdate's new baseline, or NULL */
} Outgoing;

struct _GstGeminiLiveSession
{
  GstGeminiLiveSessionCallbacks callbacks;
  GstObject *owner; /* owns the session: not a reference */

  GstGeminiLiveConfig config; /* resumption_handle: the newest handle */
  GstGeminiLiveConnectionSettings settings;
  gchar *proxy;    /* settings.proxy points here */
  gchar *endpoint; /* may carry an ephemeral token: not logged */
  gchar *auth_header;
  gchar *auth_value; /* never logged */
  gchar *safe_uri;

  GMainContext *context; /* the shared network thread's */
  GCancellable *cancellable;
  gboolean started;
  gboolean finished; /* under finish_lock: teardown is over */

  /* Network thread only. */
  SoupSession *soup;
  SoupWebsocketConnection *conn;     /* the connection in use */
  SoupWebsocketConnection *old_conn; /* closing during a switch */
  Attempt *attempt_in_progress;      /* the upgrade under way, if any */
  const gchar *connect_step;         /* what the connection waits for */
  gboolean stopping;
  gboolean setup_pending;       /* setup waits for old_conn to close */
  gboolean resumed_with_handle; /* the last setup carried a handle */
  gboolean ever_ready;
  gboolean model_busy;          /* not at a consistent point to switch */
  gboolean switch_after_update; /* goAway: switch at the next handle */
  gboolean awaiting_handle;
  gboolean fatal_close; /* we closed conn for a fault retrying cannot fix */
  GError *conn_error;   /* what libsoup reported on conn */
  gchar *client_error;  /* conn failed on our side before the server
                        * closed it (libsoup's error, a message too big):
                        * a close that follows is not the server's doing */
  GQueue replay;        /* Outgoing*: input sent since the handle */
  guint64 sent;         /* messages sent on conn, the setup included */
  gsize replay_bytes;
  gboolean replay_overflow;
  gint64 outage_start;    /* monotonic; 0 while a connection carries the
                           * conversation */
  gint64 budget_deadline; /* monotonic; 0 while no outage's budget runs */
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
  GSource *connect_timer;
  GSource *recovered_source;
  GSource *writable_source;

  /* Protected by stats_lock: counters for the element's stats. */
  GMutex stats_lock;
  GstGeminiLiveSessionStats stats;

  /* Protected by lock: what other threads touch. */
  GMutex lock;
  GCond room;          /* outgoing went below the bound, or accepting ended */
  gboolean accepting;  /* started and not stopping */
  gboolean ready;      /* setupComplete on the current connection */
  gboolean input_held; /* a blocking tool call is unanswered */
  gboolean flush_scheduled;
  GSource *wake_source; /* ready when outgoing has something to send */
  GQueue outgoing;      /* Outgoing* */
  gsize outgoing_bytes;
};

/* Sessions share the network thread, so stop() waits for its own
 * teardown there instead of joining a thread. */
static GMutex finish_lock;
static GCond finish_cond;

static void start_connect (GstGeminiLiveSession *session);
static void maybe_finish (GstGeminiLiveSession *session);
static void flush_outgoing (GstGeminiLiveSession *session);
static void connection_failed (
    GstGeminiLiveSession *session, const GstGeminiLiveFailure *failure);
static void fail_connection (GstGeminiLiveSession *session, gchar *why);

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
  settings->connect_timeout_ms = 10000;
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
  out->index = 0;
  out->context = NULL;
  return out;
}

static void
outgoing_free (Outgoing *out)
{
  if (out->context != NULL) {
    gst_gemini_live_config_clear (out->context);
    g_free (out->context);
  }
  g_free (out->json);
  g_free (out);
}

/* The parts of the setup a contextUpdate replaces. */
static void
take_context (GstGeminiLiveConfig *config, const GstGeminiLiveConfig *context)
{
  g_free (config->system_instruction);
  config->system_instruction = g_strdup (context->system_instruction);
  g_free (config->tools_json);
  config->tools_json = g_strdup (context->tools_json);
  config->google_search = context->google_search;
  config->code_execution = context->code_execution;
  config->url_context = context->url_context;
}

GstGeminiLiveSession *
gst_gemini_live_session_new (
    const GstGeminiLiveSessionCallbacks *callbacks, GstObject *owner)
{
  GstGeminiLiveSession *session = g_new0 (GstGeminiLiveSession, 1);

  debug_init ();
  session->callbacks = *callbacks;
  session->owner = owner;
  gst_gemini_live_config_init (&session->config);
  gst_gemini_live_connection_settings_init (&session->settings);
  g_mutex_init (&session->lock);
  g_cond_init (&session->room);
  g_mutex_init (&session->stats_lock);
  g_queue_init (&session->outgoing);
  g_queue_init (&session->replay);
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
  g_cond_clear (&session->room);
  g_mutex_clear (&session->stats_lock);
  g_free (session);
}

/* ---- network thread: helpers ------------------------------------------- */

/* Every entry into the session from the network thread (a source or a
 * libsoup signal) holds the owner until its very end: a callback may
 * stop the session and the owner's last reference go meanwhile. Give it
 * back with gst_object_unref() as the entry's last statement. */
static GstObject *
hold_owner (GstGeminiLiveSession *session)
{
  return gst_object_ref (session->owner);
}

/* Whether the session still runs after a callback (which may stop it). */
static gboolean
running (GstGeminiLiveSession *session)
{
  return !session->stopping;
}

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

/* A timeout source calls this first: it is gone once it returns. */
static void
forget_source (GSource **source)
{
  g_source_unref (*source);
  *source = NULL;
}

typedef void (*TimerFunc) (GstGeminiLiveSession *session);

typedef struct
{
  GstGeminiLiveSession *session;
  GSource **slot; /* the session's field that holds the source */
  TimerFunc func;
} Timer;

static gboolean
timer_fired (gpointer user_data)
{
  Timer *timer = user_data;
  GstObject *owner = hold_owner (timer->session);

  forget_source (timer->slot);
  timer->func (timer->session);
  gst_object_unref (owner);
  return G_SOURCE_REMOVE;
}

/* Calls func once after ms in the network thread, holding the owner for
 * the call; *slot holds the source until then (clear_source() cancels). */
static void
start_timer (
    GstGeminiLiveSession *session, GSource **slot, guint ms, TimerFunc func)
{
  Timer *timer = g_new (Timer, 1);

  *timer = (Timer){ session, slot, func };
  clear_source (slot);
  *slot = g_timeout_source_new (ms);
  g_source_set_callback (*slot, timer_fired, timer, g_free);
  g_source_attach (*slot, session->context);
}

static void
set_ready (GstGeminiLiveSession *session, gboolean ready)
{
  g_mutex_lock (&session->lock);
  session->ready = ready;
  g_mutex_unlock (&session->lock);
}

static gboolean
conn_is_open (SoupWebsocketConnection *conn)
{
  return conn != NULL
      && soup_websocket_connection_get_state (conn)
      == SOUP_WEBSOCKET_STATE_OPEN;
}

static gboolean
do_nothing (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* libsoup holds no reference on a connection while it emits its signals:
 * one dropped from inside them (a stop from a callback) is let go once
 * the emission is over. */
static void
unref_later (GstGeminiLiveSession *session, gpointer object)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, do_nothing, object, g_object_unref);
  g_source_attach (source, session->context);
  g_source_unref (source);
}

/* Drops a connection without a close handshake. */
static void
abort_connection (GstGeminiLiveSession *session, SoupWebsocketConnection **conn)
{
  if (*conn == NULL)
    return;
  if (conn == &session->conn) {
    clear_source (&session->writable_source);
    g_clear_error (&session->conn_error);
    g_clear_pointer (&session->client_error, g_free);
  }
  /* No callback of ours from now on; libsoup's own sources go, and the
   * stream is closed, when it lets go of the connection. */
  g_signal_handlers_disconnect_by_data (*conn, session);
  unref_later (session, g_steal_pointer (conn));
}

/* Timers that belong to the connection in use. */
static void
clear_connection_timers (GstGeminiLiveSession *session)
{
  clear_source (&session->keepalive_source);
  clear_source (&session->recycle_source);
  clear_source (&session->handle_wait_source);
  clear_source (&session->connect_timer);
  clear_source (&session->recovered_source);
  clear_source (&session->writable_source);
  session->awaiting_handle = FALSE;
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
  GST_LOG_OBJECT (session->owner,
      "%u messages after index %" G_GINT64_FORMAT " kept for replay",
      g_queue_get_length (&session->replay), last_consumed);
}

/* The size of the frame libsoup makes of a masked client message. */
static gsize
frame_size (gsize len)
{
  return len + 4 + (len < 126 ? 2 : len <= G_MAXUINT16 ? 4 : 10);
}

/* Every client message goes out here, as a text frame written by libsoup:
 * its index on the connection is what Vertex's
 * lastConsumedClientMessageIndex refers to. */
static guint64
send_on_conn (GstGeminiLiveSession *session, const gchar *json, gsize len)
{
  GBytes *bytes = g_bytes_new_static (json, len);

  soup_websocket_connection_send_message (
      session->conn, SOUP_WEBSOCKET_DATA_TEXT, bytes);
  g_bytes_unref (bytes);
  g_mutex_lock (&session->stats_lock);
  session->stats.bytes_sent += frame_size (len);
  session->stats.messages_sent++;
  g_mutex_unlock (&session->stats_lock);
  return session->sent++;
}

static GPollableOutputStream *
conn_output (GstGeminiLiveSession *session)
{
  return G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (
      soup_websocket_connection_get_io_stream (session->conn)));
}

static gboolean
on_writable (GObject *stream, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GstObject *owner = hold_owner (session);

  forget_source (&session->writable_source);
  flush_outgoing (session);
  gst_object_unref (owner);
  return G_SOURCE_REMOVE;
}

/* Whether the socket takes more now. A message is handed to libsoup only
 * then, so libsoup holds at most the one it could not finish (and its
 * own control frames); everything else waits, bounded, in outgoing. */
static gboolean
socket_has_room (GstGeminiLiveSession *session)
{
  GPollableOutputStream *output = conn_output (session);

  if (g_pollable_output_stream_is_writable (output))
    return TRUE;
  if (session->writable_source == NULL) {
    g_mutex_lock (&session->lock);
    GST_DEBUG_OBJECT (session->owner, "socket full: %u messages wait",
        g_queue_get_length (&session->outgoing));
    g_mutex_unlock (&session->lock);
    g_mutex_lock (&session->stats_lock);
    session->stats.socket_full++;
    g_mutex_unlock (&session->stats_lock);
    session->writable_source
        = g_pollable_output_stream_create_source (output, NULL);
    g_source_set_callback (
        session->writable_source, G_SOURCE_FUNC (on_writable), session, NULL);
    g_source_attach (session->writable_source, session->context);
  }
  return FALSE;
}

/* With session->lock held: the next message that may go, removed from
 * outgoing. Held input waits; tool responses were queued before it. */
static Outgoing *
take_next_locked (GstGeminiLiveSession *session)
{
  Outgoing *out = g_queue_peek_head (&session->outgoing);

  if (out == NULL || !session->ready
      || (session->input_held && out->kind == GST_GEMINI_LIVE_SEND_INPUT))
    return NULL;
  g_queue_pop_head (&session->outgoing);
  /* Only a sender of waiting input can be blocked, and only past the
   * bound. */
  if (session->outgoing_bytes > GST_GEMINI_LIVE_SESSION_MAX_QUEUED
      && session->outgoing_bytes - out->len
          <= GST_GEMINI_LIVE_SESSION_MAX_QUEUED)
    g_cond_broadcast (&session->room);
  session->outgoing_bytes -= out->len;
  return out;
}

/* Hands libsoup what is queued while the connection is ready and the
 * socket has room. */
static void
flush_outgoing (GstGeminiLiveSession *session)
{
  while (conn_is_open (session->conn) && session->writable_source == NULL) {
    Outgoing *out;

    g_mutex_lock (&session->lock);
    out = take_next_locked (session);
    g_mutex_unlock (&session->lock);
    if (out == NULL)
      return;
    if (!socket_has_room (session)) {
      /* Back to the head, until there is room. */
      g_mutex_lock (&session->lock);
      g_queue_push_head (&session->outgoing, out);
      session->outgoing_bytes += out->len;
      g_mutex_unlock (&session->lock);
      return;
    }
    out->index = send_on_conn (session, out->json, out->len);
    if (out->context != NULL)
      take_context (&session->config, out->context);
    /* Conversation input stays until a resumption handle covers it. */
    if (out->kind == GST_GEMINI_LIVE_SEND_INPUT
        && session->config.session_resumption)
      replay_push (session, out);
    else
      outgoing_free (out);
  }
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

static gboolean
on_wake (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GstObject *owner = hold_owner (session);

  g_mutex_lock (&session->lock);
  session->flush_scheduled = FALSE;
  g_source_set_ready_time (session->wake_source, -1);
  g_mutex_unlock (&session->lock);
  flush_outgoing (session);
  gst_object_unref (owner);
  return G_SOURCE_CONTINUE;
}

/* With session->lock held. */
static void
wake_locked (GstGeminiLiveSession *session)
{
  if (session->wake_source == NULL || session->flush_scheduled)
    return;
  session->flush_scheduled = TRUE;
  g_source_set_ready_time (session->wake_source, 0);
}

static void
send_setup (GstGeminiLiveSession *session)
{
  gchar *setup;

  session->setup_pending = FALSE;
  session->resumed_with_handle = session->config.session_resumption
      && session->config.resumption_handle != NULL;
  setup = gst_gemini_live_protocol_build_setup (&session->config);
  GST_DEBUG_OBJECT (session->owner,
      "sending setup (%" G_GSIZE_FORMAT " bytes, %s)", strlen (setup),
      session->resumed_with_handle ? "resuming" : "new session");
  session->sent = 0;
  session->connect_step = "waiting for setupComplete";
  send_on_conn (session, setup, strlen (setup));
  g_free (setup);
}

/* ---- network thread: losing and regaining the connection --------------- */

/* Closes that retrying cannot fix: the request itself is wrong (a bad
 * field or value, 1007; a protocol error, 1002; unsupported data, 1003;
 * too big, 1009), or a model or key the server does not know. */
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
          || g_strstr_len (reason, -1, "not supported for bidiGenerateContent")
          || (g_strstr_len (reason, -1, "Publisher Model")
              && g_strstr_len (reason, -1, "not found"))))
    return TRUE;
  return FALSE;
}

static void
give_up (GstGeminiLiveSession *session, GstGeminiLiveFailure *failure)
{
  clear_source (&session->retry_source);
  session->outage_start = 0;
  session->budget_deadline = 0;
  session->callbacks.failed (session, failure, session->owner);
}

/* One more attempt of this outage; the first starts its budget of
 * reconnect-timeout, which lasts until the connection has recovered. */
static void
next_attempt (GstGeminiLiveSession *session, gint64 now)
{
  if (session->budget_deadline == 0) {
    session->budget_deadline
        = now + (gint64)session->settings.reconnect_timeout_ms * 1000;
    session->attempt = 0;
    session->backoff_ms = 0;
  }
  session->attempt++;
}

/* The connection is gone (or never came): retry within the outage's
 * budget, at once (immediate) or after the next backoff step, or report
 * the end of the conversation. */
static void
handle_loss (GstGeminiLiveSession *session, GstGeminiLiveFailure *failure,
    gboolean fatal, gboolean immediate)
{
  gint64 now = g_get_monotonic_time ();
  guint delay;

  clear_source (&session->connect_timer);
  /* A failed switch attempt leaves the old connection carrying on. */
  if (!conn_is_open (session->conn)) {
    set_ready (session, FALSE);
    clear_connection_timers (session);
  }
  if (fatal || !session->settings.reconnect) {
    give_up (session, failure);
    return;
  }
  if (session->outage_start == 0)
    session->outage_start = now;
  next_attempt (session, now);
  /* The first retry is immediate; then exponential backoff. */
  delay = immediate ? 0 : session->backoff_ms;
  if (!immediate)
    session->backoff_ms
        = delay == 0 ? FIRST_BACKOFF_MS : MIN (delay * 2, MAX_BACKOFF_MS);
  if (now + (gint64)delay * 1000 > session->budget_deadline) {
    GST_INFO_OBJECT (
        session->owner, "giving up after %u attempts", session->attempt - 1);
    failure->exhausted = TRUE;
    give_up (session, failure);
    return;
  }
  session->callbacks.reconnecting (
      session, session->attempt, FALSE, failure, delay, session->owner);
  if (!running (session))
    return;
  clear_source (&session->retry_source);
  start_timer (session, &session->retry_source, delay, start_connect);
}

/* A connection attempt failed before it was ready: the first one ends
 * the conversation (a configuration problem to report now), a later one
 * counts as a failed attempt of the outage. */
static void
connection_failed (
    GstGeminiLiveSession *session, const GstGeminiLiveFailure *failure)
{
  GstGeminiLiveFailure f = *failure;
  gboolean fatal = f.http_status == SOUP_STATUS_UNAUTHORIZED
      || f.http_status == SOUP_STATUS_FORBIDDEN
      || f.http_status == SOUP_STATUS_NOT_FOUND;

  if (!session->ever_ready && session->outage_start == 0) {
    clear_connection_timers (session);
    give_up (session, &f);
    return;
  }
  handle_loss (session, &f, fatal, FALSE);
}

/* A planned move to a new connection (goAway, recycle): the old one keeps
 * carrying the conversation until the new one is open. */
static void
begin_switch (GstGeminiLiveSession *session, const gchar *why)
{
  gint64 now = g_get_monotonic_time ();
  GstGeminiLiveFailure failure
      = { GST_GEMINI_LIVE_FAILURE_CLOSED, 0, why, 0, FALSE };

  clear_source (&session->switch_source);
  session->switch_after_update = FALSE;
  if (session->attempt_in_progress != NULL || session->outage_start != 0
      || session->stopping)
    return;
  GST_INFO_OBJECT (session->owner, "switching to a new connection: %s", why);
  session->outage_start = now;
  next_attempt (session, now);
  session->callbacks.reconnecting (
      session, session->attempt, TRUE, &failure, 0, session->owner);
  if (running (session))
    start_connect (session);
}

static void
switch_before_deadline (GstGeminiLiveSession *session)
{
  begin_switch (session, "goAway deadline approaching");
}

static void
recycle (GstGeminiLiveSession *session)
{
  begin_switch (session, "connection recycled before the service limit");
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
  start_timer (session, &session->switch_source, ms, switch_before_deadline);
}

/* The connection carried the conversation: the outage is over for good. */
static void
recovered (GstGeminiLiveSession *session)
{
  if (session->budget_deadline == 0)
    return;
  GST_DEBUG_OBJECT (session->owner, "connection recovered");
  clear_source (&session->recovered_source);
  session->budget_deadline = 0;
  session->attempt = 0;
  session->backoff_ms = 0;
}

static void
on_ready (GstGeminiLiveSession *session)
{
  gboolean reconnected = session->ever_ready;
  GstClockTimeDiff downtime;
  guint resent = 0;

  clear_source (&session->connect_timer);
  if (reconnected) {
    GList *l;

    /* What the resumed state does not cover goes first, before anything
     * queued meanwhile, through the same queue (and its bound on what
     * libsoup holds). */
    g_mutex_lock (&session->lock);
    for (l = session->replay.tail; l != NULL; l = l->prev) {
      Outgoing *out = l->data;
      g_queue_push_head (&session->outgoing, out);
      session->outgoing_bytes += out->len;
      resent++;
    }
    g_mutex_unlock (&session->lock);
    g_queue_clear (&session->replay);
    session->replay_bytes = 0;
    GST_INFO_OBJECT (session->owner,
        "resending %u messages not covered by the handle", resent);
    g_mutex_lock (&session->stats_lock);
    session->stats.messages_resent += resent;
    g_mutex_unlock (&session->stats_lock);
  }
  session->ever_ready = TRUE;
  set_ready (session, TRUE);
  flush_outgoing (session);

  if (session->settings.max_connection_s > 0)
    start_timer (session, &session->recycle_source,
        session->settings.max_connection_s * 1000, recycle);
  if (session->budget_deadline != 0)
    start_timer (
        session, &session->recovered_source, RECOVERED_AFTER_MS, recovered);
  downtime = (g_get_monotonic_time () - session->outage_start) * GST_USECOND;
  session->outage_start = 0;
  if (!reconnected)
    return;
  {
    gboolean overflow = session->replay_overflow;

    session->replay_overflow = FALSE;
    if (overflow)
      session->callbacks.warning (session,
          "Some input could not be resent after reconnecting",
          "More input than the replay bound was sent since the last "
          "resumption handle",
          session->owner);
    if (running (session))
      session->callbacks.reconnected (
          session, session->resumed_with_handle, downtime, session->owner);
  }
}

static void
handle_wait_over (GstGeminiLiveSession *session)
{
  session->awaiting_handle = FALSE;
  GST_DEBUG_OBJECT (
      session->owner, "no resumption handle after setupComplete; going on");
  on_ready (session);
}

static void
on_setup_complete (GstGeminiLiveSession *session)
{
  clear_source (&session->connect_timer);
  session->connect_step = NULL;
  if (!session->config.session_resumption) {
    on_ready (session);
    return;
  }
  session->awaiting_handle = TRUE;
  start_timer (
      session, &session->handle_wait_source, HANDLE_WAIT_MS, handle_wait_over);
}

/* ---- network thread: connection callbacks ------------------------------ */

/* The session's own use of an event, before the owner sees it. */
static void
track_event (GstGeminiLiveSession *session, SoupWebsocketConnection *conn,
    const GstGeminiLiveEvent *event)
{
  switch (event->type) {
    case GST_GEMINI_LIVE_EVENT_SETUP_COMPLETE:
      if (conn == session->conn)
        on_setup_complete (session);
      break;
    case GST_GEMINI_LIVE_EVENT_SESSION_RESUMPTION_UPDATE: {
      const gchar *handle = gst_gemini_live_event_get_string (event, "handle");
      gboolean resumable
          = gst_gemini_live_event_get_boolean (event, "resumable");

      if (resumable && handle != NULL) {
        /* Everything sent so far is in the state this handle resumes. */
        g_free (session->config.resumption_handle);
        session->config.resumption_handle = g_strdup (handle);
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
              session->config.transparent_resumption
                  ? gst_gemini_live_event_get_int64 (
                      event, "last-consumed-client-message-index")
                  : -1);
        }
        session->model_busy = FALSE;
        if (session->switch_after_update && running (session))
          begin_switch (session, "goAway");
      } else if (!resumable) {
        session->model_busy = TRUE;
      }
      break;
    }
    case GST_GEMINI_LIVE_EVENT_GO_AWAY:
      if (conn == session->conn)
        on_go_away (
            session, gst_gemini_live_event_get_uint64 (event, "time-left"));
      break;
    case GST_GEMINI_LIVE_EVENT_AUDIO:
    case GST_GEMINI_LIVE_EVENT_TEXT:
    case GST_GEMINI_LIVE_EVENT_TOOL_CALL:
      session->model_busy = TRUE;
      /* The model answers on it: the connection carries the conversation. */
      if (conn == session->conn)
        recovered (session);
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
}

static void
on_message (SoupWebsocketConnection *conn, gint type, GBytes *message,
    gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GstObject *owner = hold_owner (session);
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
  GST_LOG_OBJECT (owner, "%s message of %" G_GSIZE_FORMAT " bytes",
      type == SOUP_WEBSOCKET_DATA_TEXT ? "text" : "binary", size);
  if (size > session->settings.max_message_size && conn == session->conn) {
    /* libsoup bounds each frame; a message of many frames is bounded
     * here, once it is whole. */
    fail_connection (session,
        g_strdup_printf (
            "the server sent a message of %" G_GSIZE_FORMAT
            " bytes, more than max-message-size (%" G_GUINT64_FORMAT ")",
            size, session->settings.max_message_size));
    gst_object_unref (owner);
    return;
  }
  if (session->callbacks.raw_message != NULL)
    session->callbacks.raw_message (session, data, size, owner);

  events = running (session)
      ? gst_gemini_live_protocol_parse (data, size, &error)
      : NULL;
  if (events == NULL && error != NULL) {
    session->callbacks.warning (
        session, "Malformed message from the server", error->message, owner);
    g_error_free (error);
  }
  for (i = 0; events != NULL && i < events->len && running (session); i++) {
    GstGeminiLiveEvent *event = g_ptr_array_index (events, i);

    track_event (session, conn, event);
    if (running (session))
      session->callbacks.event (session, event, owner);
  }
  if (events != NULL)
    g_ptr_array_unref (events);
  gst_object_unref (owner);
}

static void
on_pong (SoupWebsocketConnection *conn, GBytes *message, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  session->last_rx = g_get_monotonic_time ();
}

static void
old_close_grace_over (GstGeminiLiveSession *session)
{
  GST_DEBUG_OBJECT (
      session->owner, "old connection did not finish closing, dropping it");
  abort_connection (session, &session->old_conn);
  if (session->setup_pending && conn_is_open (session->conn))
    send_setup (session);
}

/* How the connection in use ended, in the words of the error. */
static void
describe_end (GstGeminiLiveSession *session, SoupWebsocketConnection *conn,
    GstGeminiLiveFailure *failure, gchar **text)
{
  gushort code = soup_websocket_connection_get_close_code (conn);
  const gchar *reason = soup_websocket_connection_get_close_data (conn);

  memset (failure, 0, sizeof (*failure));
  if (code != 0 && session->client_error == NULL) {
    /* The server sent a close frame: its code and reason are the truth,
     * whatever else failed around it. */
    failure->kind = GST_GEMINI_LIVE_FAILURE_CLOSED;
    failure->code = code;
    *text = g_strdup (reason != NULL ? reason : "");
  } else {
    failure->kind = GST_GEMINI_LIVE_FAILURE_LOST;
    failure->code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
    *text = g_strdup (session->client_error != NULL ? session->client_error
            : session->conn_error != NULL
            ? session->conn_error->message
            : "the connection ended without a close frame");
  }
  failure->text = *text;
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GstObject *owner = hold_owner (session);
  GstGeminiLiveFailure failure;
  gchar *text = NULL;
  gboolean rejected_resume, fatal;

  GST_DEBUG_OBJECT (owner, "connection closed: %u %s",
      soup_websocket_connection_get_close_code (conn),
      GST_STR_NULL (soup_websocket_connection_get_close_data (conn)));

  if (conn == session->old_conn) {
    /* The server lets a session resume only once its old socket is
     * closed: now the resumed setup may go. */
    g_signal_handlers_disconnect_by_data (conn, session);
    unref_later (session, g_steal_pointer (&session->old_conn));
    clear_source (&session->grace_source);
    if (session->setup_pending && conn_is_open (session->conn))
      send_setup (session);
  } else if (session->stopping) {
    if (conn == session->conn)
      abort_connection (session, &session->conn);
    maybe_finish (session);
  } else if (conn == session->conn) {
    describe_end (session, conn, &failure, &text);
    fatal = session->fatal_close;
    session->fatal_close = FALSE;
    rejected_resume = !session->ready && session->resumed_with_handle
        && failure.kind == GST_GEMINI_LIVE_FAILURE_CLOSED
        && failure.code == SOUP_WEBSOCKET_CLOSE_BAD_DATA;
    abort_connection (session, &session->conn);
    set_ready (session, FALSE);

    if (rejected_resume && session->settings.reconnect) {
      /* An expired or unknown handle: the conversation cannot be resumed,
       * but it can go on in a fresh session, at once. */
      GST_INFO_OBJECT (
          owner, "resumption refused (%s): starting afresh", failure.text);
      g_clear_pointer (&session->config.resumption_handle, g_free);
      session->callbacks.warning (session,
          "Could not resume the session; starting a fresh one",
          failure.text[0] ? failure.text
                          : "setup with a resumption handle was refused",
          owner);
      if (running (session))
        handle_loss (session, &failure, FALSE, TRUE);
    } else {
      handle_loss (session, &failure,
          fatal
              || (failure.kind == GST_GEMINI_LIVE_FAILURE_CLOSED
                  && close_is_fatal (failure.code, failure.text)),
          FALSE);
    }
  }
  g_free (text);
  gst_object_unref (owner);
}

static void
on_error (SoupWebsocketConnection *conn, GError *error, gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  GST_DEBUG_OBJECT (session->owner, "connection error: %s", error->message);
  if (conn != session->conn)
    return;
  if (g_error_matches (
          error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_CLOSE_TOO_BIG)) {
    /* libsoup refused a frame over the limit before reading it. */
    g_free (session->client_error);
    session->client_error
        = g_strdup_printf ("the server sent a frame larger than "
                           "max-message-size (%" G_GUINT64_FORMAT " bytes)",
            session->settings.max_message_size);
    session->fatal_close = TRUE;
    return;
  }
  if (session->conn_error == NULL)
    session->conn_error = g_error_copy (error);
  /* Before any close frame from the server: libsoup found the fault
   * (a broken frame, a failed write) and closes the connection itself. */
  if (session->client_error == NULL
      && soup_websocket_connection_get_close_code (conn) == 0)
    session->client_error = g_strdup (error->message);
}

/* The connection is unusable (a silent peer, a message too big): drop it
 * without a close handshake and reconnect. */
static void
drop_connection (GstGeminiLiveSession *session, const gchar *why)
{
  GstGeminiLiveFailure failure = { GST_GEMINI_LIVE_FAILURE_LOST,
    SOUP_WEBSOCKET_CLOSE_ABNORMAL, why, 0, FALSE };

  abort_connection (session, &session->conn);
  if (session->stopping) {
    maybe_finish (session);
    return;
  }
  handle_loss (session, &failure, FALSE, FALSE);
}

/* The server broke the rules on the connection in use: close it with
 * 1009 (a close we raise, so reported as a loss with the why), and end
 * the conversation. Takes why. */
static void
fail_connection (GstGeminiLiveSession *session, gchar *why)
{
  GST_WARNING_OBJECT (session->owner, "%s", why);
  g_free (session->client_error);
  session->client_error = why;
  session->fatal_close = TRUE;
  soup_websocket_connection_close (
      session->conn, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "message too big");
}

/* Once a second: the silence check (libsoup sends the pings). */
static gboolean
keepalive_check (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;
  GstObject *owner;
  gchar *why;

  if (session->conn == NULL || session->settings.keepalive_timeout_s == 0
      || g_get_monotonic_time () - session->last_rx
          < (gint64)session->settings.keepalive_timeout_s * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  /* Neither data nor a pong for that long: the peer is gone. */
  owner = hold_owner (session);
  why = g_strdup_printf ("no data or pong from the server for %u s",
      session->settings.keepalive_timeout_s);
  GST_INFO_OBJECT (owner, "%s", why);
  forget_source (&session->keepalive_source);
  drop_connection (session, why);
  g_free (why);
  gst_object_unref (owner);
  return G_SOURCE_REMOVE;
}

static void
on_network_event (SoupMessage *msg, GSocketClientEvent event,
    GIOStream *connection, gpointer user_data)
{
  GstGeminiLiveSession *session = ((Attempt *)user_data)->session;

  if (session == NULL)
    return;
  switch (event) {
    case G_SOCKET_CLIENT_RESOLVING:
      session->connect_step = "resolving the server's name";
      break;
    case G_SOCKET_CLIENT_CONNECTING:
      session->connect_step = "connecting to the server (TCP)";
      break;
    case G_SOCKET_CLIENT_PROXY_NEGOTIATING:
      session->connect_step = "negotiating with the proxy";
      break;
    case G_SOCKET_CLIENT_TLS_HANDSHAKING:
      session->connect_step = "the TLS handshake";
      break;
    case G_SOCKET_CLIENT_COMPLETE:
      session->connect_step
          = "the WebSocket upgrade (the server accepted the connection but "
            "did not answer the upgrade request)";
      break;
    default:
      break;
  }
}

static void
attempt_free (Attempt *attempt)
{
  g_signal_handlers_disconnect_by_data (attempt->msg, attempt);
  g_object_unref (attempt->msg);
  g_object_unref (attempt->cancellable);
  g_free (attempt->timed_out);
  g_free (attempt);
}

/* Stops waiting for the upgrade under way: cancelled, and forgotten. */
static void
leave_attempt (GstGeminiLiveSession *session)
{
  Attempt *attempt = g_steal_pointer (&session->attempt_in_progress);

  if (attempt == NULL)
    return;
  attempt->session = NULL;
  g_cancellable_cancel (attempt->cancellable);
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Attempt *attempt = user_data;
  GstGeminiLiveSession *session = attempt->session;
  GstObject *owner;
  GError *error = NULL;
  SoupWebsocketConnection *conn;
  guint status = soup_message_get_status (attempt->msg);

  conn = soup_session_websocket_connect_finish (
      SOUP_SESSION (source), result, &error);
  if (session == NULL) {
    /* Left behind by a session that stopped. */
    g_clear_error (&error);
    g_clear_object (&conn);
    attempt_free (attempt);
    return;
  }
  owner = hold_owner (session);
  session->attempt_in_progress = NULL;
  if (conn == NULL) {
    gchar *text = attempt->timed_out != NULL
        ? g_strdup (attempt->timed_out)
        : (status >= 100 && status != SOUP_STATUS_SWITCHING_PROTOCOLS
                ? g_strdup_printf ("HTTP %u %s (%s)", status,
                    soup_status_get_phrase (status), error->message)
                : g_strdup (error->message));
    GstGeminiLiveFailure failure = { GST_GEMINI_LIVE_FAILURE_CONNECT, 0, text,
      status >= 100 ? status : 0, FALSE };

    GST_DEBUG_OBJECT (owner, "connect failed: %s", text);
    connection_failed (session, &failure);
    g_free (text);
    g_error_free (error);
    attempt_free (attempt);
    gst_object_unref (owner);
    return;
  }
  attempt_free (attempt);

  GST_INFO_OBJECT (owner, "connected to %s", session->safe_uri);
  g_mutex_lock (&session->stats_lock);
  session->stats.connections++;
  g_mutex_unlock (&session->stats_lock);
  g_object_set (conn, "max-incoming-payload-size",
      session->settings.max_message_size, "keepalive-interval",
      session->settings.keepalive_interval_s, NULL);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), session);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), session);
  g_signal_connect (conn, "error", G_CALLBACK (on_error), session);
  g_signal_connect (conn, "pong", G_CALLBACK (on_pong), session);
  session->last_rx = g_get_monotonic_time ();
  clear_source (&session->keepalive_source);
  if (session->settings.keepalive_timeout_s > 0)
    session->keepalive_source = add_timeout (session, 1000, keepalive_check);

  if (conn_is_open (session->conn)) {
    /* A switch: the old socket closes first (libsoup puts the close
     * frame after what it is writing), then the resumed setup goes on
     * the new one (the service refuses a resume while the old one is
     * open). Input waits in the queue meanwhile. */
    set_ready (session, FALSE);
    clear_source (&session->writable_source);
    g_clear_error (&session->conn_error);
    session->old_conn = session->conn;
    session->conn = conn;
    session->setup_pending = TRUE;
    session->connect_step = "closing the old connection";
    soup_websocket_connection_close (
        session->old_conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    start_timer (
        session, &session->grace_source, CLOSE_GRACE_MS, old_close_grace_over);
  } else {
    abort_connection (session, &session->conn);
    session->conn = conn;
    send_setup (session);
  }
  gst_object_unref (owner);
}

/* A connection attempt made no progress for connect-timeout. */
static void
connect_timeout (GstGeminiLiveSession *session)
{
  gchar *text = g_strdup_printf ("no progress for %u ms during %s",
      session->settings.connect_timeout_ms,
      session->connect_step ? session->connect_step : "the connection");

  GST_INFO_OBJECT (session->owner, "connection attempt timed out: %s", text);
  if (session->attempt_in_progress != NULL) {
    /* on_connected reports it, once the upgrade is cancelled. */
    Attempt *attempt = session->attempt_in_progress;

    g_free (attempt->timed_out);
    attempt->timed_out = g_steal_pointer (&text);
    g_cancellable_cancel (attempt->cancellable);
  } else if (session->conn != NULL) {
    GstGeminiLiveFailure failure
        = { GST_GEMINI_LIVE_FAILURE_CONNECT, 0, text, 0, FALSE };

    abort_connection (session, &session->conn);
    abort_connection (session, &session->old_conn);
    clear_source (&session->grace_source);
    connection_failed (session, &failure);
  }
  g_free (text);
}

static void
start_connect (GstGeminiLiveSession *session)
{
  SoupMessage *msg;
  Attempt *attempt;

  if (session->attempt_in_progress != NULL || session->stopping)
    return;
  msg = soup_message_new (SOUP_METHOD_GET, session->endpoint);
  if (msg == NULL) {
    gchar *text = g_strdup_printf ("invalid URI '%s'", session->safe_uri);
    GstGeminiLiveFailure failure
        = { GST_GEMINI_LIVE_FAILURE_CONNECT, 0, text, 0, FALSE };

    give_up (session, &failure);
    g_free (text);
    return;
  }
  if (session->auth_header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        session->auth_header, session->auth_value);
  attempt = g_new0 (Attempt, 1);
  attempt->session = session;
  attempt->msg = msg;
  attempt->cancellable = g_cancellable_new ();
  g_signal_connect (
      msg, "network-event", G_CALLBACK (on_network_event), attempt);

  GST_INFO_OBJECT (session->owner, "connecting to %s", session->safe_uri);
  session->attempt_in_progress = attempt;
  session->connect_step = "connecting to the server";
  clear_source (&session->connect_timer);
  if (session->settings.connect_timeout_ms > 0)
    start_timer (session, &session->connect_timer,
        session->settings.connect_timeout_ms, connect_timeout);
  soup_session_websocket_connect_async (session->soup, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, attempt->cancellable, on_connected, attempt);
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
  GST_INFO_OBJECT (session->owner, "using proxy %s", safe);
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
  GstObject *owner = hold_owner (session);

  session->soup = soup_session_new_with_options (
      "user-agent", "gst-gemini-live/" VERSION, NULL);
  if (session->settings.tls_database != NULL)
    g_object_set (
        session->soup, "tls-database", session->settings.tls_database, NULL);
  configure_proxy (session);
  start_connect (session);
  gst_object_unref (owner);
  return G_SOURCE_REMOVE;
}

/* The last step of stop(), in the network thread: nothing of this
 * session may run after it. */
static void
finish (GstGeminiLiveSession *session)
{
  clear_source (&session->retry_source);
  clear_source (&session->switch_source);
  clear_source (&session->grace_source);
  clear_source (&session->stop_source);
  clear_connection_timers (session);
  leave_attempt (session);
  abort_connection (session, &session->conn);
  abort_connection (session, &session->old_conn);
  if (session->soup != NULL)
    soup_session_abort (session->soup);
  g_clear_object (&session->soup);
  g_clear_error (&session->conn_error);
  g_clear_pointer (&session->client_error, g_free);
  session->fatal_close = FALSE;
  replay_clear (session);

  g_mutex_lock (&session->lock);
  clear_source (&session->wake_source);
  g_mutex_unlock (&session->lock);

  g_mutex_lock (&finish_lock);
  session->finished = TRUE;
  g_cond_broadcast (&finish_cond);
  g_mutex_unlock (&finish_lock);
}

/* Teardown waits for the close handshake. */
static void
maybe_finish (GstGeminiLiveSession *session)
{
  if (!session->stopping || session->finished)
    return;
  if (session->old_conn != NULL || conn_is_open (session->conn))
    return;
  finish (session);
}

static void
stop_grace_over (GstGeminiLiveSession *session)
{
  GST_DEBUG_OBJECT (
      session->owner, "server did not answer our close frame, dropping it");
  abort_connection (session, &session->conn);
  maybe_finish (session);
}

static void
close_in_thread (GstGeminiLiveSession *session)
{
  /* Cancelled here, in the thread that owns every source made with it:
   * GLib 2.74 leaks a cancellable's source that this thread disposes
   * while another thread is in g_cancellable_cancel() (its dispose
   * resurrects the source for a "cancelled" handler it then disconnects
   * before that handler runs; seen under valgrind). */
  g_cancellable_cancel (session->cancellable);
  leave_attempt (session);
  session->stopping = TRUE;
  clear_source (&session->retry_source);
  clear_source (&session->switch_source);
  abort_connection (session, &session->old_conn);
  if (conn_is_open (session->conn)) {
    /* libsoup puts the close frame after the frame it is writing. */
    soup_websocket_connection_close (
        session->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    /* on_closed finishes; this only bounds a silent peer. */
    start_timer (
        session, &session->stop_source, CLOSE_GRACE_MS, stop_grace_over);
  } else {
    abort_connection (session, &session->conn);
  }
  maybe_finish (session);
}

static gboolean
close_source_cb (gpointer user_data)
{
  GstGeminiLiveSession *session = user_data;

  close_in_thread (session);
  return G_SOURCE_REMOVE;
}

/* ---- any thread -------------------------------------------------------- */

gboolean
gst_gemini_live_session_start (GstGeminiLiveSession *session,
    const GstGeminiLiveConfig *config,
    const GstGeminiLiveConnectionSettings *settings, GError **error)
{
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
  session->endpoint = gst_gemini_live_protocol_endpoint (
      config, &session->auth_header, &session->auth_value);
  g_free (session->safe_uri);
  session->safe_uri = gst_gemini_live_session_safe_uri (session->endpoint);
  session->stopping = FALSE;
  session->finished = FALSE;
  session->ever_ready = FALSE;
  session->model_busy = FALSE;
  session->switch_after_update = FALSE;
  session->outage_start = 0;
  session->budget_deadline = 0;

  session->context = gst_gemini_live_network_acquire (error);
  if (session->context == NULL) {
    g_clear_object (&session->settings.tls_database);
    return FALSE;
  }
  session->cancellable = g_cancellable_new ();
  session->started = TRUE;

  g_mutex_lock (&session->lock);
  session->accepting = TRUE;
  session->ready = FALSE;
  session->input_held = FALSE;
  session->flush_scheduled = FALSE;
  session->wake_source = g_source_new (&wake_funcs, sizeof (GSource));
  g_source_set_callback (session->wake_source, on_wake, session, NULL);
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

  /* Senders waiting for room give up first. */
  g_mutex_lock (&session->lock);
  session->accepting = FALSE;
  g_cond_broadcast (&session->room);
  g_mutex_unlock (&session->lock);

  if (g_main_context_is_owner (session->context)) {
    /* From one of our own callbacks: no close handshake to wait for. */
    close_in_thread (session);
    if (!session->finished)
      finish (session);
  } else {
    GSource *source = g_idle_source_new ();

    g_source_set_callback (source, close_source_cb, session, NULL);
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
  g_mutex_unlock (&session->lock);
  g_clear_object (&session->cancellable);
  g_clear_object (&session->settings.tls_database);
  gst_gemini_live_network_release (context);
}

/* With session->lock held. */
static void
enqueue_locked (GstGeminiLiveSession *session, Outgoing *out)
{
  /* A tool response overtakes the input held back behind its call (but
   * not earlier responses). */
  if (session->input_held && out->kind == GST_GEMINI_LIVE_SEND_ONCE) {
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
  if (session->ready
      && !(session->input_held && out->kind == GST_GEMINI_LIVE_SEND_INPUT))
    wake_locked (session);
}

/* With session->lock held: drops the oldest input past the bound; returns
 * how many messages went. */
static guint
drop_oldest_locked (GstGeminiLiveSession *session)
{
  guint dropped = 0;
  GList *l = session->outgoing.head, *next;

  for (; l != NULL
       && session->outgoing_bytes > GST_GEMINI_LIVE_SESSION_MAX_QUEUED;
       l = next) {
    Outgoing *old = l->data;

    next = l->next;
    if (old->kind != GST_GEMINI_LIVE_SEND_INPUT)
      continue;
    session->outgoing_bytes -= old->len;
    outgoing_free (old);
    g_queue_delete_link (&session->outgoing, l);
    dropped++;
  }
  return dropped;
}

static void
send_internal (GstGeminiLiveSession *session, gchar *json,
    GstGeminiLiveSendKind kind, gboolean wait_for_room)
{
  guint dropped = 0;
  gboolean first_drop = FALSE;

  g_mutex_lock (&session->lock);
  /* The network thread never waits for itself. */
  if (wait_for_room && session->context != NULL
      && !g_main_context_is_owner (session->context)) {
    while (session->accepting
        && session->outgoing_bytes > GST_GEMINI_LIVE_SESSION_MAX_QUEUED)
      g_cond_wait (&session->room, &session->lock);
  }
  if (!session->accepting || session->wake_source == NULL) {
    g_mutex_unlock (&session->lock);
    g_free (json);
    return;
  }
  enqueue_locked (session, outgoing_new (json, kind));
  /* A sender that waited goes past the bound by its one message. */
  if (!wait_for_room
      && session->outgoing_bytes > GST_GEMINI_LIVE_SESSION_MAX_QUEUED)
    dropped = drop_oldest_locked (session);
  g_mutex_unlock (&session->lock);

  if (dropped == 0)
    return;
  g_mutex_lock (&session->stats_lock);
  first_drop = session->stats.messages_dropped == 0;
  session->stats.messages_dropped += dropped;
  g_mutex_unlock (&session->stats_lock);
  if (first_drop)
    session->callbacks.warning (session,
        "Input is arriving faster than the server takes it: dropping the "
        "oldest",
        "More than 8 MiB of messages waited for the connection or the "
        "socket (see the stats property's messages-dropped)",
        session->owner);
}

void
gst_gemini_live_session_send (
    GstGeminiLiveSession *session, gchar *json, GstGeminiLiveSendKind kind)
{
  send_internal (session, json, kind, FALSE);
}

void
gst_gemini_live_session_send_input_waiting (
    GstGeminiLiveSession *session, gchar *json)
{
  send_internal (session, json, GST_GEMINI_LIVE_SEND_INPUT, TRUE);
}

void
gst_gemini_live_session_update_context (GstGeminiLiveSession *session,
    gchar *json, const GstGeminiLiveConfig *context)
{
  Outgoing *out = outgoing_new (json, GST_GEMINI_LIVE_SEND_INPUT);

  out->context = g_new0 (GstGeminiLiveConfig, 1);
  gst_gemini_live_config_init (out->context);
  take_context (out->context, context);
  g_mutex_lock (&session->lock);
  if (!session->accepting || session->wake_source == NULL) {
    g_mutex_unlock (&session->lock);
    outgoing_free (out);
    return;
  }
  enqueue_locked (session, out);
  g_mutex_unlock (&session->lock);
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
  GST_DEBUG_OBJECT (session->owner, "realtime input %s",
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
