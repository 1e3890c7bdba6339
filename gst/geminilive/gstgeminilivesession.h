/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One Live API connection: a SoupSession and its SoupWebsocketConnection,
 * owned by a shared network thread running its own GMainContext. libsoup 3
 * is not thread-safe, so only that thread calls it, and libsoup writes
 * every frame on the socket (data, pings, pongs, close): other threads
 * queue messages and wake the thread.
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include "gstgeminiliveprotocol.h"

G_BEGIN_DECLS

typedef struct _GstGeminiLiveSession GstGeminiLiveSession;

/* How the connection is made, kept alive and brought back. */
typedef struct
{
  gboolean reconnect;         /* reconnect on goAway and retryable closes */
  guint reconnect_timeout_ms; /* give up when an outage lasts this long */
  guint connect_timeout_ms;   /* connect, TLS, upgrade and setupComplete
                               * must be done within this */
  guint keepalive_interval_s; /* WebSocket ping period, 0: no pings */
  guint keepalive_timeout_s;  /* silence that means dead, 0: never */
  guint max_connection_s;     /* recycle the connection after this, 0: never */
  guint64 max_message_size;   /* largest server message accepted */
  const gchar *proxy;         /* HTTP proxy URI; NULL: $https_proxy or
                               * $http_proxy (and $no_proxy); copied */
  GTlsDatabase *tls_database; /* certificates to trust; NULL: the system's
                               * (a reference is taken) */
} GstGeminiLiveConnectionSettings;

void gst_gemini_live_connection_settings_init (
    GstGeminiLiveConnectionSettings *settings);

typedef enum
{
  /* No connection was made: refused, unreachable, timed out, HTTP error. */
  GST_GEMINI_LIVE_FAILURE_CONNECT,
  /* The server closed the connection with a close frame (code, reason). */
  GST_GEMINI_LIVE_FAILURE_CLOSED,
  /* The connection ended without a close frame from the server: dropped,
   * silent, or broken by a protocol violation (code 1006). */
  GST_GEMINI_LIVE_FAILURE_LOST,
} GstGeminiLiveFailureKind;

/* Why a connection ended or could not be made. */
typedef struct
{
  GstGeminiLiveFailureKind kind;
  gushort code;       /* CLOSED: the server's close code; LOST: 1006;
                       * CONNECT: 0 */
  const gchar *text;  /* the server's close reason, or what failed and
                       * libsoup's (or GLib's) error text */
  guint http_status;  /* CONNECT: the upgrade's HTTP status, 0 if none */
  gboolean exhausted; /* reconnecting was tried for the whole
                       * reconnect-timeout */
} GstGeminiLiveFailure;

/* Every callback runs in the network thread, with a reference held on
 * the owner, which may stop the session from inside any of them. */
typedef struct
{
  /* A parsed server event; SETUP_COMPLETE is delivered after queued input
   * has been released. */
  void (*event) (GstGeminiLiveSession *session, const GstGeminiLiveEvent *event,
      gpointer owner);
  /* The conversation is over: the first connection failed, a close was
   * fatal, reconnecting is off, or the outage outlasted the budget. */
  void (*failed) (GstGeminiLiveSession *session,
      const GstGeminiLiveFailure *failure, gpointer owner);
  /* A new connection is being opened after delay_ms: the last one was
   * lost (failure says how), or, when planned, it is being replaced
   * (goAway, recycling) and still carries the conversation. */
  void (*reconnecting) (GstGeminiLiveSession *session, guint attempt,
      gboolean planned, const GstGeminiLiveFailure *failure, guint delay_ms,
      gpointer owner);
  /* The new connection is ready; resumed is FALSE when the server's state
   * could not be resumed and a fresh session was started. */
  void (*reconnected) (GstGeminiLiveSession *session, gboolean resumed,
      GstClockTimeDiff downtime, gpointer owner);
  /* Every server message as it came, before parsing (may be NULL). */
  void (*raw_message) (GstGeminiLiveSession *session, const gchar *data,
      gsize size, gpointer owner);
  /* Something went wrong that does not end the session. */
  void (*warning) (GstGeminiLiveSession *session, const gchar *message,
      const gchar *debug, gpointer owner);
} GstGeminiLiveSessionCallbacks;

/* owner (not referenced: it owns the session) names the session in logs
 * and is held while a callback runs. */
GstGeminiLiveSession *gst_gemini_live_session_new (
    const GstGeminiLiveSessionCallbacks *callbacks, GstObject *owner);
void gst_gemini_live_session_free (GstGeminiLiveSession *session);

/* Starts the thread and connects; the setup message is built from config
 * and sent first. Returns FALSE if the thread cannot be started. */
gboolean gst_gemini_live_session_start (GstGeminiLiveSession *session,
    const GstGeminiLiveConfig *config,
    const GstGeminiLiveConnectionSettings *settings, GError **error);

/* Closes with 1000 and waits for the teardown in the network thread
 * (from inside a callback it happens at once). Never blocks for long: a
 * peer that does not answer the close is abandoned after a short grace. */
void gst_gemini_live_session_stop (GstGeminiLiveSession *session);

typedef enum
{
  /* Conversation input: kept until a resumption handle covers it, and
   * resent after a reconnect. */
  GST_GEMINI_LIVE_SEND_INPUT,
  /* Bound to this connection (tool responses): never resent. */
  GST_GEMINI_LIVE_SEND_ONCE,
} GstGeminiLiveSendKind;

/* Messages waiting to be sent (not yet handed to libsoup) are bounded to
 * this many bytes. */
#define GST_GEMINI_LIVE_SESSION_MAX_QUEUED (8 * 1024 * 1024)

/* Queues a client message (takes ownership). Thread-safe, never blocks.
 * Messages queued before setupComplete, while reconnecting or while the
 * socket is full are held and sent in order once the server takes them;
 * past the bound the oldest input is dropped (a warning says so). */
void gst_gemini_live_session_send (
    GstGeminiLiveSession *session, gchar *json, GstGeminiLiveSendKind kind);

/* The same for input that can wait (a file, not a microphone): past the
 * bound it waits for room instead, until the session stops. Not from the
 * network thread (a callback), where it does not wait. */
void gst_gemini_live_session_send_input_waiting (
    GstGeminiLiveSession *session, gchar *json);

/* Queues a contextUpdate (takes json) whose system instruction and tools
 * (those of context, a config) become the session's own once it is sent:
 * every later setup, on every resumed connection, carries them. */
void gst_gemini_live_session_update_context (GstGeminiLiveSession *session,
    gchar *json, const GstGeminiLiveConfig *context);

/* While held, conversation input (GST_GEMINI_LIVE_SEND_INPUT) waits in the
 * queue in order; tool responses still go out. Thread-safe. */
void gst_gemini_live_session_hold_input (
    GstGeminiLiveSession *session, gboolean hold);

/* Redacts a URI for logs and errors: drops the query and user info. */
gchar *gst_gemini_live_session_safe_uri (const gchar *uri);

/* Counters since the session was created (they survive stop and start). */
typedef struct
{
  guint connections;         /* WebSocket connections opened */
  guint64 messages_sent;     /* client messages, setup and resends incl. */
  guint64 messages_resent;   /* replayed after a resumption */
  guint64 bytes_sent;        /* WebSocket frames of those messages */
  guint64 messages_received; /* server messages */
  guint64 bytes_received;    /* their payloads */
  guint64 socket_full;       /* times messages waited for room */
  guint64 messages_dropped;  /* input dropped at the queue's bound */
} GstGeminiLiveSessionStats;

void gst_gemini_live_session_get_stats (
    GstGeminiLiveSession *session, GstGeminiLiveSessionStats *stats);

G_END_DECLS
