/* gemini-live-sim: the simulator's own table of client messages.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Close reasons, in one place so every check uses the real server's text. */
#define GLS_REASON_INVALID_ARGUMENT "Request contains an invalid argument."
#define GLS_REASON_API_KEY "API key not valid. Please pass a valid API key."
#define GLS_REASON_NOT_IMPLEMENTED                                             \
  "Operation is not implemented, or supported, or enabled."
#define GLS_REASON_NOT_FOUND "Requested entity was not found."
#define GLS_REASON_INTERNAL "Internal error occurred."
#define GLS_REASON_MEDIA_CHUNKS                                                \
  "realtime_input.media_chunks is deprecated. Use audio, video, or text "      \
  "instead."
#define GLS_REASON_GO_AWAY                                                     \
  "Connection aborted because the client failed to close the connection "      \
  "after receiving a GoAway signal once the session duration expired"

#define GLS_CLOSE_INVALID_PAYLOAD 1007
#define GLS_CLOSE_POLICY 1008
#define GLS_CLOSE_INTERNAL 1011

typedef enum
{
  GLS_API_GEMINI,
  GLS_API_VERTEX,
} GlsApi;

typedef enum
{
  GLS_MSG_SETUP,
  GLS_MSG_CLIENT_CONTENT,
  GLS_MSG_REALTIME_INPUT,
  GLS_MSG_TOOL_RESPONSE,
  GLS_MSG_CONTEXT_UPDATE,
} GlsMsgKind;

/* Which kind of rule a message broke (for counters and test messages). */
typedef enum
{
  GLS_RULE_SCHEMA,      /* the message's shape, on its backend */
  GLS_RULE_API_KEY,     /* a wrong key, reported on the first message */
  GLS_RULE_ORDER,       /* not setup first, or setup twice */
  GLS_RULE_EARLY,       /* after setup, before setupComplete */
  GLS_RULE_MODEL,       /* a model the API does not serve */
  GLS_RULE_CAPABILITY,  /* something the model does not support */
  GLS_RULE_HANDLE,      /* an unknown resumption handle, or another model */
  GLS_RULE_RESUME_OPEN, /* resuming while the old connection serves */
  GLS_RULE_ACTIVITY,    /* an input the activity mode does not allow */
  GLS_RULE_TOOL_ID,     /* a response to a call never issued */
} GlsRule;

typedef struct
{
  gushort code;
  gchar *reason;
  GlsRule rule;
} GlsViolation;

/* Validates one client frame against the table. On success returns a
 * normalised copy (camelCase names, snake_case aliases resolved) whose
 * root has exactly one member, and sets *kind. On failure returns NULL and
 * fills *violation (free reason with g_free). api_version is the version
 * in the request path ("v1beta", "v1beta1", ...), used in type names. */
JsonNode *gls_schema_validate (const gchar *data, gsize len, GlsApi api,
    const gchar *api_version, GlsMsgKind *kind, GlsViolation *violation);

/* TRUE if data is a realtimeInput audio message of the plain shape that
 * gls_schema_validate accepts (see gls-schema.c); then mime holds its MIME
 * type and b64 points at its base64 data (b64_len bytes, in data). FALSE
 * says nothing: validate it. */
gboolean gls_schema_fast_audio (const gchar *data, gsize len, gchar mime[32],
    const gchar **b64, gsize *b64_len);

/* Strict base64 (standard or URL-safe alphabet, canonical padding). */
gboolean gls_base64_check (const gchar *text);
gboolean gls_base64_check_len (const gchar *text, gsize len);
/* Decodes text accepted by gls_base64_check. */
GBytes *gls_base64_decode (const gchar *text);
/* The same into out (room for len / 4 * 3 + 3 bytes); returns the size. */
gsize gls_base64_decode_into (const gchar *text, gsize len, guint8 *out);

/* Serialises like the real server: 2-space indent, "key": value, trailing
 * newline. */
gchar *gls_json_pretty (JsonNode *node);

/* Known model ids, per API. */
gboolean gls_schema_model_known (GlsApi api, const gchar *id);

G_END_DECLS
