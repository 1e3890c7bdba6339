/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Bookkeeping of the model's tool calls: which are pending, which block
 * the conversation (realtime input must wait while a BLOCKING call is
 * unanswered), and which have waited too long. Thread-safe.
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstGeminiLiveTools GstGeminiLiveTools;

typedef struct
{
  /* Blocking calls went from none to some (TRUE) or back (FALSE). */
  void (*hold_input) (gboolean hold, gpointer user_data);
  /* A call was not answered in time; it is no longer pending. Runs in a
   * clock thread. */
  void (*timed_out) (const gchar *id, const gchar *name, gpointer user_data);
} GstGeminiLiveToolsCallbacks;

/* Callbacks get owner (which owns the tools) as user_data. */
GstGeminiLiveTools *gst_gemini_live_tools_new (
    const GstGeminiLiveToolsCallbacks *callbacks, GstObject *owner);
void gst_gemini_live_tools_free (GstGeminiLiveTools *tools);

/* Forgets every call and learns which declared functions are
 * NON_BLOCKING (from the tools JSON); timeout_ms 0 means never. */
void gst_gemini_live_tools_reset (
    GstGeminiLiveTools *tools, const gchar *tools_json, guint timeout_ms);

/* New declarations (update-context): which functions are NON_BLOCKING
 * from now on; pending calls stay. */
void gst_gemini_live_tools_declare (
    GstGeminiLiveTools *tools, const gchar *tools_json);

void gst_gemini_live_tools_call_started (
    GstGeminiLiveTools *tools, const gchar *id, const gchar *name);
gboolean gst_gemini_live_tools_is_pending (
    GstGeminiLiveTools *tools, const gchar *id);
/* Whether a pending call blocks the conversation (not NON_BLOCKING). */
gboolean gst_gemini_live_tools_is_blocking (
    GstGeminiLiveTools *tools, const gchar *id);
/* Answered or cancelled: TRUE if the call was pending. Send the answer
 * first: finishing may release the input held behind it. */
gboolean gst_gemini_live_tools_call_finished (
    GstGeminiLiveTools *tools, const gchar *id);
/* Every pending call id, now forgotten (a reconnection lost them). */
GStrv gst_gemini_live_tools_take_all (GstGeminiLiveTools *tools);

G_END_DECLS
