/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element's properties that make up the session setup: installed from
 * one table, read and written straight into a GstGeminiLiveConfig.
 */
#pragma once

#include <gst/gst.h>
#include "gstgeminiliveprotocol.h"

G_BEGIN_DECLS

/* Property ids from this base up belong to the setup table. */
#define GST_GEMINI_LIVE_SETUP_PROP_BASE 1000

void gst_gemini_live_setup_props_install (GObjectClass *klass);

/* Both return FALSE when prop_id is not a setup property. The caller holds
 * the object lock. */
gboolean gst_gemini_live_setup_props_set (
    GstGeminiLiveConfig *config, guint prop_id, const GValue *value);
gboolean gst_gemini_live_setup_props_get (
    const GstGeminiLiveConfig *config, guint prop_id, GValue *value);

G_END_DECLS
