/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Strict JSON in and exact JSON out, on top of json-glib: what every
 * layer that reads a property, an application's text or a server frame,
 * or writes a client message, needs. Depends on nothing else of ours.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define GST_GEMINI_LIVE_JSON_ERROR gst_gemini_live_json_error_quark ()
GQuark gst_gemini_live_json_error_quark (void);

typedef enum
{
  GST_GEMINI_LIVE_JSON_ERROR_INVALID, /* not strict JSON */
} GstGeminiLiveJsonError;

/* Deepest nesting of arrays/objects accepted in any JSON read here. */
#define GST_GEMINI_LIVE_JSON_MAX_DEPTH 64

/* TRUE if the text is strict JSON as far as a cheap scan can tell: at
 * most max_depth nested arrays/objects, one top-level value, no comments
 * and only JSON escapes (surrogates paired). json-glib 1.6 accepts all of
 * those, overflows its stack on deep nesting and leaks the extra values,
 * so this scan keeps such text away from it; json-glib checks the rest. */
gboolean gst_gemini_live_json_is_strict (
    const gchar *data, gsize size, guint max_depth);

/* Parses text (a property's or an application's) with the strict scan,
 * then json-glib. A new reference, or NULL and an error
 * (GST_GEMINI_LIVE_JSON_ERROR_INVALID) saying what is wrong. */
JsonNode *gst_gemini_live_json_parse (const gchar *text, GError **error);

/* Compact JSON text for a node. Doubles are written in the shortest form
 * that reads back as the same value (json-glib writes 0.7 as
 * 0.69999999999999996 and huge ones as "inf.0"); strings that are not
 * UTF-8 are repaired, never sent as they are. */
gchar *gst_gemini_live_json_write (JsonNode *node);

/* The same, for an object. */
gchar *gst_gemini_live_json_write_object (JsonObject *object);

/* The same, taking ownership of root: the end of building a message. */
gchar *gst_gemini_live_json_write_take (JsonNode *root);

G_END_DECLS
