/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_GEMINI_LIVE (gst_gemini_live_get_type ())
G_DECLARE_FINAL_TYPE (GstGeminiLive, gst_gemini_live, GST, GEMINI_LIVE, GstBin)

G_END_DECLS
