/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What each backend and each known model accepts, as data: refused at
 * NULL -> READY with an error naming the property, or adapted when the
 * element sends something at run time. Unknown models pass unchecked
 * (new ones appear faster than releases), and config->model_checks FALSE
 * turns the model rules off; the backend rules always hold.
 */
#pragma once

#include "gstgeminiliveconfig.h"

G_BEGIN_DECLS

/* Checks the backend's and the model's rules; the error
 * (GST_GEMINI_LIVE_CONFIG_ERROR_INVALID) names the property, the backend
 * or the model, and how to go on. */
gboolean gst_gemini_live_capabilities_check (
    const GstGeminiLiveConfig *config, GError **error);

/* Whether clientContent may be sent now, given whether realtime input or
 * a completed client turn has gone out already. FALSE sets *why. */
gboolean gst_gemini_live_capabilities_client_content (
    const GstGeminiLiveConfig *config, gboolean history_over,
    const gchar **why);

/* Whether the model takes contextUpdate. FALSE sets *why. */
gboolean gst_gemini_live_capabilities_context_update (
    const GstGeminiLiveConfig *config, const gchar **why);

/* Whether tool responses may carry scheduling and willContinue (they are
 * for NON_BLOCKING functions, which Vertex AI and some models lack). */
gboolean gst_gemini_live_capabilities_non_blocking (
    const GstGeminiLiveConfig *config);

/* Whether the end of the user's audio may be realtimeInput.audioStreamEnd
 * (the Gemini API only). */
gboolean gst_gemini_live_capabilities_audio_stream_end (
    const GstGeminiLiveConfig *config);

G_END_DECLS
