/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Network threads, each running its own GMainContext, shared by the
 * sessions of the process: libsoup lives there. Up to
 * GST_GEMINI_LIVE_SESSIONS_PER_THREAD sessions share one thread: every
 * wake-up makes GLib prepare, poll and check every source and socket of
 * its context, so one context for all sessions costs CPU that grows with
 * their number, while small groups cost about what one thread per session
 * does with fewer threads (measured in docs/benchmarks.md). */
#define GST_GEMINI_LIVE_SESSIONS_PER_THREAD 4

/* Returns the context (a new reference) of a network thread with room
 * for one more session, starting one if none has. */
GMainContext *gst_gemini_live_network_acquire (GError **error);

/* Gives back a context from acquire; a thread whose last session leaves
 * stops. */
void gst_gemini_live_network_release (GMainContext *context);

G_END_DECLS
