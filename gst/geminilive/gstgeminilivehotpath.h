/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Hand-written JSON for the messages that carry media, where the fair
 * benchmark shows it pays over json-glib and GLib (docs/benchmarks.md,
 * "What the hand-written code buys"): every input chunk and every answer
 * chunk of every session goes through here. Nothing else of the project
 * writes its own parser, serialiser or codec. Depends on GLib only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The shape most server frames have, an answer's audio chunk:
 * {"serverContent":{"modelTurn":{["role":"...",]"parts":[{"inlineData":
 * {"mimeType":"audio/pcm...","data":"..."}}]}}} with any whitespace.
 * TRUE and the base64 text (not checked, not copied) when data is exactly
 * that; FALSE for anything else, which then needs the full parse. */
gboolean gst_gemini_live_hotpath_read_audio_chunk (
    const gchar *data, gsize size, const gchar **b64, gsize *b64_len);

/* Canonical base64 only (padding optional, either alphabet): the bytes,
 * new, or NULL and *problem (new) saying what is wrong. g_base64_decode()
 * skips what is not base64, and audio made from garbage is noise. */
guint8 *gst_gemini_live_hotpath_base64_decode (
    const gchar *text, gsize len, gsize *out_len, gchar **problem);

/* {"realtimeInput":{"<field>":{"mimeType":"<mime_type>","data":"<base64>"}}}
 * for data, new. The message sent for every input chunk (audio) and
 * frame (video). */
gchar *gst_gemini_live_hotpath_build_media (
    const gchar *field, const gchar *mime_type, const guint8 *data, gsize size);

G_END_DECLS
