/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One network thread, running its own GMainContext, shared by every
 * session of the process: libsoup lives there, and a few hundred
 * conversations cost one thread and one poll instead of one each. */

/* Returns the network thread's context (a new reference), starting the
 * thread on first use. */
GMainContext *gst_gemini_live_network_acquire (GError **error);

/* Drops a reference taken by acquire; the last one stops the thread. */
void gst_gemini_live_network_release (void);

/* TRUE when called from the network thread itself. */
gboolean gst_gemini_live_network_is_current (void);

G_END_DECLS
