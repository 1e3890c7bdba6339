/* gemini-live-sim: the session-state rules, one implementation for the
 * running simulator and for replays of what it saw.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A GlsRules holds what outlives one connection (resumption handles,
 * sessions); a GlsRulesConn is one connection's protocol state. The
 * verdict on each client message depends on the message (its shape per
 * backend, gls-schema.c), the model (gls-models.c) and what happened
 * before on the connection and in the session: which messages came, when
 * setupComplete was sent, which calls and handles the server issued. The
 * simulator tells the rules every such server event; with logging on,
 * every input to the rules is written to a log that gls_rules_replay()
 * feeds to fresh rules, reaching the same verdicts (the conformance test
 * replays what the element sent in the whole test suite).
 */
#pragma once

#include "gls-models.h"
#include "gls-schema.h"

G_BEGIN_DECLS

typedef struct _GlsRules GlsRules;
typedef struct _GlsRulesConn GlsRulesConn;

typedef struct
{
  gchar *name;
  gboolean blocking;
} GlsCall;

/* How a functionResponse of the last accepted toolResponse was matched. */
typedef enum
{
  GLS_ANSWER_CALL,      /* an unanswered call: id, name, blocking set */
  GLS_ANSWER_CANCELLED, /* a call cancelled before its response arrived */
  GLS_ANSWER_NO_CALL,   /* Vertex: no id and no call of that name */
} GlsAnswerKind;

typedef struct
{
  GlsAnswerKind kind;
  gchar *id;
  gchar *name;
  gboolean blocking;
} GlsAnswer;

/* Read only outside gls-rules.c. */
struct _GlsRulesConn
{
  GlsRules *rules;
  guint index; /* connections in creation order, from 0 */
  GlsApi api;
  gchar *version;
  gboolean auth_ok;
  gboolean setup_received, setup_complete;
  gboolean dead;          /* no longer serves its session */
  const GlsModel *model;  /* from the accepted setup */
  JsonNode *setup;        /* the accepted setup message, normalised */
  gint session;           /* -1 before an accepted setup, or detached */
  gpointer resumed_from;  /* the data of the handle it resumed, or NULL */
  gboolean resumption;    /* sessionResumption in the setup */
  gboolean manual_vad;    /* automaticActivityDetection.disabled */
  gboolean activity_open; /* between activityStart and activityEnd */
  gboolean seeding;       /* clientContent is initial history (historyConfig) */
  gboolean seed_message;  /* the last accepted message was seed history */
  GHashTable *calls;      /* unanswered id -> GlsCall */
  GHashTable *cancelled;  /* ids cancelled before their response */
  GPtrArray *answers;     /* GlsAnswer of the last accepted toolResponse */
};

/* log: keep a log of every input (for gls_rules_dup_log). */
GlsRules *gls_rules_new (gboolean log);
void gls_rules_free (GlsRules *rules);
/* The log so far (see gls_rules_replay). */
gchar *gls_rules_dup_log (GlsRules *rules);

/* A WebSocket connection was accepted; auth_ok: its key was good. */
GlsRulesConn *gls_rules_conn_new (
    GlsRules *rules, GlsApi api, const gchar *version, gboolean auth_ok);
/* It no longer serves its session: closing, closed, dropped, or dead on
 * the network. Idempotent. */
void gls_rules_conn_dead (GlsRulesConn *conn);
/* Frees it (dead first). */
void gls_rules_conn_free (GlsRulesConn *conn);

/* ---- client messages
 *
 * Returns the normalised message (and sets *kind) if the rules accept it,
 * and applies it to the state; else NULL with *violation filled (free its
 * reason) and the connection dead: the server closes it with that code
 * and reason. */
JsonNode *gls_rules_message (GlsRulesConn *conn, const gchar *data, gsize len,
    GlsMsgKind *kind, GlsViolation *violation);
/* The same for a realtimeInput.audio message that gls_schema_fast_audio
 * accepted (its shape is valid): the state rules only. */
gboolean gls_rules_fast_audio (
    GlsRulesConn *conn, const gchar *data, gsize len, GlsViolation *violation);

/* ---- server events */

void gls_rules_setup_complete (GlsRulesConn *conn);
void gls_rules_tool_call (
    GlsRulesConn *conn, const gchar *id, const gchar *name, gboolean blocking);
/* Barge-in: every unanswered call is cancelled (toolCallCancellation). */
void gls_rules_cancel_calls (GlsRulesConn *conn);
/* A resumable sessionResumptionUpdate with this handle: a setup may
 * resume the session from here on. data (freed with destroy when the
 * handle is forgotten) is the simulator's own checkpoint. */
void gls_rules_add_handle (GlsRulesConn *conn, const gchar *handle,
    gpointer data, GDestroyNotify destroy);
gboolean gls_rules_blocking_call_pending (GlsRulesConn *conn);

/* ---- replay */

/* Called for every client message of a replayed log: norm is NULL when
 * the rules refused it (violation says why). */
typedef void (*GlsReplayFunc) (GlsRulesConn *conn, const gchar *data, gsize len,
    JsonNode *norm, GlsMsgKind kind, const GlsViolation *violation,
    gpointer user_data);

/* Feeds a log (of gls_rules_dup_log) to fresh rules. FALSE with error if
 * the log cannot be parsed. */
gboolean gls_rules_replay (
    const gchar *log, GlsReplayFunc func, gpointer user_data, GError **error);

G_END_DECLS
