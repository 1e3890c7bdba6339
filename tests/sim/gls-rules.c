/* gemini-live-sim: the session-state rules.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The log is one record per line: "gls-rules<TAB>1" starts a new set of
 * rules; every other line is "<connection index><TAB><event>[<TAB>arg]...",
 * each argument escaped with g_strescape (so no TAB or newline inside):
 *   open <gemini|vertex> <version> <auth 0|1>
 *   msg <client message>
 *   setup-complete
 *   tool-call <id> <name> <blocking 0|1>
 *   cancel
 *   handle <handle>
 *   dead
 */
#include "gls-rules.h"

#include <stdlib.h>
#include <string.h>

#define LOG_HEADER "gls-rules\t1\n"

typedef struct
{
  gint session;
  guint64 seq;
  const GlsModel *model;
  gboolean activity_open;
  GHashTable *calls; /* unanswered id -> GlsCall when it was issued */
  gpointer data;
  GDestroyNotify destroy;
} Handle;

struct _GlsRules
{
  GString *log;        /* NULL: no log */
  guint connections;   /* GlsRulesConn created */
  GPtrArray *sessions; /* session index -> its serving GlsRulesConn or NULL */
  GHashTable *handles; /* handle -> Handle */
  guint64 handle_seq;
};

static void
call_free (gpointer p)
{
  GlsCall *c = p;

  g_free (c->name);
  g_free (c);
}

static GHashTable *
calls_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, call_free);
}

static void
calls_copy_into (GHashTable *dst, GHashTable *src)
{
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, src);
  while (g_hash_table_iter_next (&it, &k, &v)) {
    GlsCall *c = g_new0 (GlsCall, 1);

    c->name = g_strdup (((GlsCall *)v)->name);
    c->blocking = ((GlsCall *)v)->blocking;
    g_hash_table_insert (dst, g_strdup (k), c);
  }
}

static void
handle_free (gpointer p)
{
  Handle *h = p;

  if (h->destroy)
    h->destroy (h->data);
  g_hash_table_unref (h->calls);
  g_free (h);
}

static void
answer_free (gpointer p)
{
  GlsAnswer *a = p;

  g_free (a->id);
  g_free (a->name);
  g_free (a);
}

GlsRules *
gls_rules_new (gboolean log)
{
  GlsRules *r = g_new0 (GlsRules, 1);

  if (log)
    r->log = g_string_new (LOG_HEADER);
  r->sessions = g_ptr_array_new ();
  r->handles
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, handle_free);
  return r;
}

void
gls_rules_free (GlsRules *r)
{
  if (!r)
    return;
  if (r->log)
    g_string_free (r->log, TRUE);
  g_ptr_array_unref (r->sessions);
  g_hash_table_unref (r->handles);
  g_free (r);
}

gchar *
gls_rules_dup_log (GlsRules *r)
{
  return g_strdup (r->log ? r->log->str : "");
}

/* Appends one record: the connection, the event, then the arguments
 * (NULL-terminated), escaped. */
static void
log_event (GlsRulesConn *c, const gchar *event, ...)
{
  GString *log = c->rules->log;
  const gchar *arg;
  va_list ap;

  if (!log)
    return;
  g_string_append_printf (log, "%u\t%s", c->index, event);
  va_start (ap, event);
  while ((arg = va_arg (ap, const gchar *))) {
    gchar *e = g_strescape (arg, NULL);

    g_string_append_c (log, '\t');
    g_string_append (log, e);
    g_free (e);
  }
  va_end (ap);
  g_string_append_c (log, '\n');
}

/* A client message may be large and is not NUL-terminated. */
static void
log_message (GlsRulesConn *c, const gchar *data, gsize len)
{
  gchar *copy;

  if (!c->rules->log)
    return;
  copy = g_strndup (data, len);
  log_event (c, "msg", copy, NULL);
  g_free (copy);
}

GlsRulesConn *
gls_rules_conn_new (
    GlsRules *r, GlsApi api, const gchar *version, gboolean auth_ok)
{
  GlsRulesConn *c = g_new0 (GlsRulesConn, 1);

  c->rules = r;
  c->index = r->connections++;
  c->api = api;
  c->version = g_strdup (version);
  c->auth_ok = auth_ok;
  c->session = -1;
  c->calls = calls_new ();
  c->cancelled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->answers = g_ptr_array_new_with_free_func (answer_free);
  log_event (c, "open", api == GLS_API_VERTEX ? "vertex" : "gemini", version,
      auth_ok ? "1" : "0", NULL);
  return c;
}

void
gls_rules_conn_dead (GlsRulesConn *c)
{
  if (c->dead)
    return;
  c->dead = TRUE;
  log_event (c, "dead", NULL);
}

void
gls_rules_conn_free (GlsRulesConn *c)
{
  if (!c)
    return;
  gls_rules_conn_dead (c);
  if (c->session >= 0 && c->session < (gint)c->rules->sessions->len
      && c->rules->sessions->pdata[c->session] == c)
    c->rules->sessions->pdata[c->session] = NULL;
  g_free (c->version);
  g_clear_pointer (&c->setup, json_node_unref);
  g_hash_table_unref (c->calls);
  g_hash_table_unref (c->cancelled);
  g_ptr_array_unref (c->answers);
  g_free (c);
}

/* ---- verdicts */

static gboolean
violate (
    GlsRulesConn *c, GlsViolation *v, GlsRule rule, gushort code, gchar *reason)
{
  v->code = code;
  v->reason = reason;
  v->rule = rule;
  /* the server closes the connection */
  c->dead = TRUE;
  return FALSE;
}

static gboolean
invalid (GlsRulesConn *c, GlsViolation *v, GlsRule rule)
{
  return violate (c, v, rule, GLS_CLOSE_INVALID_PAYLOAD,
      g_strdup (GLS_REASON_INVALID_ARGUMENT));
}

static JsonObject *
obj (JsonObject *o, const gchar *name)
{
  return o && json_object_has_member (o, name)
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, name))
      ? json_object_get_object_member (o, name)
      : NULL;
}

/* The model id in setup.model: models/ID on the Gemini API; on Vertex
 * projects/P/locations/L/publishers/google/models/ID, or the express form
 * publishers/google/models/ID. NULL if malformed. */
static gchar *
model_id (GlsApi api, const gchar *model)
{
  gchar **p;
  guint n;
  gchar *id = NULL;

  if (api == GLS_API_GEMINI)
    return g_str_has_prefix (model, "models/")
        ? g_strdup (model + strlen ("models/"))
        : NULL;
  p = g_strsplit (model, "/", -1);
  n = g_strv_length (p);
  if ((n == 8 && g_str_equal (p[0], "projects")
          && g_str_equal (p[2], "locations") && g_str_equal (p[4], "publishers")
          && g_str_equal (p[5], "google") && g_str_equal (p[6], "models")
          && *p[1] && *p[3])
      || (n == 4 && g_str_equal (p[0], "publishers")
          && g_str_equal (p[1], "google") && g_str_equal (p[2], "models")))
    id = g_strdup (p[n - 1]);
  g_strfreev (p);
  return id;
}

static gboolean
stale_handle (gpointer key, gpointer value, gpointer data)
{
  Handle *h = value, *from = data;

  return h->session == from->session && h->seq > from->seq;
}

static gboolean
apply_setup (GlsRulesConn *c, JsonNode *norm, GlsViolation *v)
{
  GlsRules *r = c->rules;
  JsonObject *setup
      = json_object_get_object_member (json_node_get_object (norm), "setup");
  const gchar *model = json_object_get_string_member (setup, "model");
  JsonObject *aad
      = obj (obj (setup, "realtimeInputConfig"), "automaticActivityDetection");
  JsonObject *sr = obj (setup, "sessionResumption");
  JsonObject *hc = obj (setup, "historyConfig");
  const gchar *handle
      = sr ? json_object_get_string_member_with_default (sr, "handle", "") : "";
  gchar *id = model_id (c->api, model);
  Handle *h = NULL;

  c->setup_received = TRUE;
  if (!id || !*id || strchr (id, '/')) {
    g_free (id);
    return invalid (c, v, GLS_RULE_MODEL);
  }
  c->model = gls_models_lookup (c->api, id);
  g_free (id);
  if (!c->model) {
    gchar *reason = c->api == GLS_API_GEMINI
        ? g_strdup_printf ("%s is not found for API version %s, or is not "
                           "supported for bidiGenerateContent.",
            model, c->version)
        : g_strdup_printf ("Publisher Model `%s` not found.", model);

    return violate (c, v, GLS_RULE_MODEL, GLS_CLOSE_POLICY, reason);
  }
  if (!gls_models_check_setup (c->model, c->api, c->version, setup, v)) {
    c->dead = TRUE;
    return FALSE;
  }
  if (*handle) {
    GlsRulesConn *old;

    h = g_hash_table_lookup (r->handles, handle);
    /* config may change on resumption, the model may not (doc) */
    if (!h || h->model != c->model)
      return invalid (c, v, GLS_RULE_HANDLE);
    /* resuming while the old connection still serves the session (3p) */
    old = r->sessions->pdata[h->session];
    if (old && !old->dead)
      return violate (c, v, GLS_RULE_RESUME_OPEN, GLS_CLOSE_INTERNAL,
          g_strdup (GLS_REASON_INTERNAL));
    if (old)
      old->session = -1;
    c->session = h->session;
    c->resumed_from = h->data;
    c->activity_open = h->activity_open;
    calls_copy_into (c->calls, h->calls);
    /* handles issued after this one describe an abandoned continuation */
    g_hash_table_foreach_remove (r->handles, stale_handle, h);
    r->sessions->pdata[c->session] = c;
  } else {
    c->session = r->sessions->len;
    g_ptr_array_add (r->sessions, c);
  }
  c->setup = json_node_ref (norm);
  c->resumption = sr != NULL;
  c->manual_vad = aad
      && json_object_get_boolean_member_with_default (aad, "disabled", FALSE);
  c->seeding = hc
      && json_object_get_boolean_member_with_default (
          hc, "initialHistoryInClientContent", FALSE);
  return TRUE;
}

/* realtimeInput with this one field (body: the message, NULL for fast
 * audio). */
static gboolean
apply_realtime (GlsRulesConn *c, const gchar *field, GlsViolation *v)
{
  /* the initial history ends with the first realtime input */
  c->seeding = FALSE;
  if (g_str_equal (field, "audio") || g_str_equal (field, "text")) {
    /* manual activity: input belongs between activityStart and
     * activityEnd (text: strict side, not documented) */
    if (c->manual_vad && !c->activity_open)
      return invalid (c, v, GLS_RULE_ACTIVITY);
  } else if (g_str_equal (field, "audioStreamEnd")) {
    /* only with automatic activity detection (doc) */
    if (c->manual_vad)
      return invalid (c, v, GLS_RULE_ACTIVITY);
  } else if (g_str_equal (field, "activityStart")) {
    /* only with manual activity detection (doc); nested: strict side */
    if (!c->manual_vad || c->activity_open)
      return invalid (c, v, GLS_RULE_ACTIVITY);
    c->activity_open = TRUE;
  } else if (g_str_equal (field, "activityEnd")) {
    if (!c->manual_vad || !c->activity_open)
      return invalid (c, v, GLS_RULE_ACTIVITY);
    c->activity_open = FALSE;
  }
  return TRUE;
}

static gboolean
apply_client_content (GlsRulesConn *c, JsonObject *body, GlsViolation *v)
{
  /* 3.1: clientContent only as initial history (doc; 3p: 1007) */
  if (c->model->seed_only && !c->seeding)
    return invalid (c, v, GLS_RULE_CAPABILITY);
  c->seed_message = c->seeding;
  if (c->seeding
      && json_object_get_boolean_member_with_default (
          body, "turnComplete", FALSE))
    c->seeding = FALSE;
  return TRUE;
}

static gboolean
apply_tool_response (GlsRulesConn *c, JsonObject *body, GlsViolation *v)
{
  JsonArray *resps = json_object_get_array_member (body, "functionResponses");

  g_ptr_array_set_size (c->answers, 0);
  for (guint i = 0; i < json_array_get_length (resps); i++) {
    JsonObject *r = json_array_get_object_element (resps, i);
    const gchar *id
        = json_object_get_string_member_with_default (r, "id", NULL);
    const gchar *name
        = json_object_get_string_member_with_default (r, "name", "");
    GlsAnswer *a = g_new0 (GlsAnswer, 1);
    GlsCall *call = NULL;

    /* synchronous-only models have no scheduling (pipecat: not on 3.1;
     * the SDK: ignored for blocking calls): the strict side */
    if (!c->model->non_blocking
        && (json_object_has_member (r, "scheduling")
            || json_object_has_member (r, "willContinue"))) {
      answer_free (a);
      return invalid (c, v, GLS_RULE_CAPABILITY);
    }
    if (!id && c->api == GLS_API_VERTEX) {
      /* Vertex may omit the id: the call of that name */
      GHashTableIter it;
      gpointer k, val;

      g_hash_table_iter_init (&it, c->calls);
      while (g_hash_table_iter_next (&it, &k, &val))
        if (g_str_equal (((GlsCall *)val)->name, name)) {
          id = k;
          break;
        }
    }
    if (id)
      call = g_hash_table_lookup (c->calls, id);
    a->id = g_strdup (id);
    a->name = g_strdup (name);
    if (call) {
      a->kind = GLS_ANSWER_CALL;
      a->blocking = call->blocking;
      if (call->blocking
          || !json_object_get_boolean_member_with_default (
              r, "willContinue", FALSE))
        g_hash_table_remove (c->calls, id);
    } else if (id && g_hash_table_contains (c->cancelled, id)) {
      /* a response racing a barge-in cancellation is harmless */
      a->kind = GLS_ANSWER_CANCELLED;
    } else if (!id) {
      /* Vertex, no id, no call of that name: the Vertex recordings show
       * the service answering such a response */
      a->kind = GLS_ANSWER_NO_CALL;
    } else {
      answer_free (a);
      return violate (c, v, GLS_RULE_TOOL_ID, GLS_CLOSE_POLICY,
          g_strdup (GLS_REASON_NOT_FOUND));
    }
    g_ptr_array_add (c->answers, a);
  }
  return TRUE;
}

static gboolean
apply_context_update (GlsRulesConn *c, JsonObject *body, GlsViolation *v)
{
  JsonObject *w = obj (body, "tools");

  /* documented for 3.8 Live only: the strict side elsewhere */
  if (!c->model->context_update)
    return invalid (c, v, GLS_RULE_CAPABILITY);
  if (w && json_object_has_member (w, "tools")
      && !gls_models_check_tools (
          c->model, json_object_get_array_member (w, "tools"), v)) {
    c->dead = TRUE;
    return FALSE;
  }
  return TRUE;
}

/* The rules that come before the message's own: key, order, setupComplete.
 * TRUE if the message may go on to be checked. */
static gboolean
check_order (GlsRulesConn *c, gboolean is_setup, GlsViolation *v)
{
  /* the real server reports a bad key on the first message */
  if (!c->setup_received && !c->auth_ok)
    return violate (c, v, GLS_RULE_API_KEY, GLS_CLOSE_INVALID_PAYLOAD,
        g_strdup (GLS_REASON_API_KEY));
  if (c->setup_received == is_setup)
    return invalid (c, v, GLS_RULE_ORDER);
  if (!is_setup && !c->setup_complete)
    return invalid (c, v, GLS_RULE_EARLY);
  return TRUE;
}

JsonNode *
gls_rules_message (GlsRulesConn *c, const gchar *data, gsize len,
    GlsMsgKind *kind, GlsViolation *v)
{
  JsonNode *norm;
  JsonObject *body;
  gboolean ok;

  log_message (c, data, len);
  c->seed_message = FALSE;
  v->code = 0;
  v->reason = NULL;
  v->rule = GLS_RULE_SCHEMA;
  if (!c->setup_received && !c->auth_ok) {
    check_order (c, TRUE, v);
    return NULL;
  }
  norm = gls_schema_validate (data, len, c->api, c->version, kind, v);
  if (!norm) {
    c->dead = TRUE;
    return NULL;
  }
  if (!check_order (c, *kind == GLS_MSG_SETUP, v)) {
    json_node_unref (norm);
    return NULL;
  }
  body = json_object_get_object_member (json_node_get_object (norm),
      (const gchar *[]){ "setup", "clientContent", "realtimeInput",
          "toolResponse", "contextUpdate" }[*kind]);
  switch (*kind) {
    case GLS_MSG_SETUP:
      ok = apply_setup (c, norm, v);
      break;
    case GLS_MSG_REALTIME_INPUT: {
      GList *members = json_object_get_members (body);

      ok = apply_realtime (c, members->data, v);
      g_list_free (members);
      break;
    }
    case GLS_MSG_CLIENT_CONTENT:
      ok = apply_client_content (c, body, v);
      break;
    case GLS_MSG_TOOL_RESPONSE:
      ok = apply_tool_response (c, body, v);
      break;
    case GLS_MSG_CONTEXT_UPDATE:
      ok = apply_context_update (c, body, v);
      break;
    default:
      ok = TRUE;
  }
  if (!ok)
    g_clear_pointer (&norm, json_node_unref);
  return norm;
}

gboolean
gls_rules_fast_audio (
    GlsRulesConn *c, const gchar *data, gsize len, GlsViolation *v)
{
  log_message (c, data, len);
  c->seed_message = FALSE;
  v->code = 0;
  v->reason = NULL;
  v->rule = GLS_RULE_SCHEMA;
  return check_order (c, FALSE, v) && apply_realtime (c, "audio", v);
}

/* ---- server events */

void
gls_rules_setup_complete (GlsRulesConn *c)
{
  c->setup_complete = TRUE;
  log_event (c, "setup-complete", NULL);
}

void
gls_rules_tool_call (
    GlsRulesConn *c, const gchar *id, const gchar *name, gboolean blocking)
{
  GlsCall *call = g_new0 (GlsCall, 1);

  call->name = g_strdup (name);
  call->blocking = blocking;
  g_hash_table_insert (c->calls, g_strdup (id), call);
  log_event (c, "tool-call", id, name, blocking ? "1" : "0", NULL);
}

void
gls_rules_cancel_calls (GlsRulesConn *c)
{
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, c->calls);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_hash_table_add (c->cancelled, g_strdup (k));
  g_hash_table_remove_all (c->calls);
  log_event (c, "cancel", NULL);
}

void
gls_rules_add_handle (
    GlsRulesConn *c, const gchar *handle, gpointer data, GDestroyNotify destroy)
{
  Handle *h = g_new0 (Handle, 1);

  h->session = c->session;
  h->seq = ++c->rules->handle_seq;
  h->model = c->model;
  h->activity_open = c->activity_open;
  h->calls = calls_new ();
  calls_copy_into (h->calls, c->calls);
  h->data = data;
  h->destroy = destroy;
  g_hash_table_replace (c->rules->handles, g_strdup (handle), h);
  log_event (c, "handle", handle, NULL);
}

gboolean
gls_rules_blocking_call_pending (GlsRulesConn *c)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, c->calls);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (((GlsCall *)v)->blocking)
      return TRUE;
  return FALSE;
}

/* ---- replay */

typedef struct
{
  GlsRules *rules;
  GPtrArray *conns; /* by logged index */
} Replay;

static void
replay_end (Replay *rp)
{
  if (!rp->rules)
    return;
  g_ptr_array_unref (rp->conns);
  gls_rules_free (rp->rules);
  rp->rules = NULL;
}

static gboolean
replay_line (Replay *rp, gchar **f, GlsReplayFunc func, gpointer user_data)
{
  guint n = g_strv_length (f);
  guint64 index;
  GlsRulesConn *c = NULL;
  gchar *end;

  if (n == 2 && g_str_equal (f[0], "gls-rules") && g_str_equal (f[1], "1")) {
    replay_end (rp);
    rp->rules = gls_rules_new (FALSE);
    rp->conns
        = g_ptr_array_new_with_free_func ((GDestroyNotify)gls_rules_conn_free);
    return TRUE;
  }
  if (n < 2 || !rp->rules)
    return FALSE;
  index = g_ascii_strtoull (f[0], &end, 10);
  if (*end || index > rp->conns->len)
    return FALSE;
  if (g_str_equal (f[1], "open")) {
    if (n != 5 || index != rp->conns->len)
      return FALSE;
    g_ptr_array_add (rp->conns,
        gls_rules_conn_new (rp->rules,
            g_str_equal (f[2], "vertex") ? GLS_API_VERTEX : GLS_API_GEMINI,
            f[3], g_str_equal (f[4], "1")));
    return TRUE;
  }
  if (index >= rp->conns->len)
    return FALSE;
  c = rp->conns->pdata[index];
  if (g_str_equal (f[1], "msg") && n == 3) {
    gchar *data = g_strcompress (f[2]);
    gsize len = strlen (data);
    GlsViolation v = { 0, NULL, GLS_RULE_SCHEMA };
    GlsMsgKind kind = GLS_MSG_SETUP;
    JsonNode *norm = gls_rules_message (c, data, len, &kind, &v);

    func (c, data, len, norm, kind, &v, user_data);
    if (norm)
      json_node_unref (norm);
    g_free (v.reason);
    g_free (data);
  } else if (g_str_equal (f[1], "setup-complete") && n == 2)
    gls_rules_setup_complete (c);
  else if (g_str_equal (f[1], "tool-call") && n == 5) {
    gchar *id = g_strcompress (f[2]), *name = g_strcompress (f[3]);

    gls_rules_tool_call (c, id, name, g_str_equal (f[4], "1"));
    g_free (id);
    g_free (name);
  } else if (g_str_equal (f[1], "cancel") && n == 2)
    gls_rules_cancel_calls (c);
  else if (g_str_equal (f[1], "handle") && n == 3) {
    gchar *h = g_strcompress (f[2]);

    gls_rules_add_handle (c, h, NULL, NULL);
    g_free (h);
  } else if (g_str_equal (f[1], "dead") && n == 2)
    gls_rules_conn_dead (c);
  else
    return FALSE;
  return TRUE;
}

gboolean
gls_rules_replay (
    const gchar *log, GlsReplayFunc func, gpointer user_data, GError **error)
{
  Replay rp = { NULL, NULL };
  const gchar *p = log;
  guint line = 0;
  gboolean ok = TRUE;

  while (ok && *p) {
    const gchar *nl = strchr (p, '\n');
    gchar *text = nl ? g_strndup (p, nl - p) : g_strdup (p);
    gchar **f = g_strsplit (text, "\t", -1);

    line++;
    if (*text && !replay_line (&rp, f, func, user_data)) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "line %u of the rules log cannot be read: %.80s", line, text);
      ok = FALSE;
    }
    g_strfreev (f);
    g_free (text);
    p = nl ? nl + 1 : p + strlen (p);
  }
  replay_end (&rp);
  return ok;
}
