/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include "gstgeminiliveprotocol.h"

G_BEGIN_DECLS

#define GST_TYPE_GEMINI_LIVE_RESPONSE_MODALITY                                 \
  (gst_gemini_live_response_modality_get_type ())
GType gst_gemini_live_response_modality_get_type (void);

#define GST_TYPE_GEMINI_LIVE_API_VERSION                                       \
  (gst_gemini_live_api_version_get_type ())
GType gst_gemini_live_api_version_get_type (void);
#define GST_TYPE_GEMINI_LIVE_BACKEND (gst_gemini_live_backend_get_type ())
GType gst_gemini_live_backend_get_type (void);
#define GST_TYPE_GEMINI_LIVE_MEDIA_RESOLUTION                                  \
  (gst_gemini_live_media_resolution_get_type ())
GType gst_gemini_live_media_resolution_get_type (void);
#define GST_TYPE_GEMINI_LIVE_THINKING_LEVEL                                    \
  (gst_gemini_live_thinking_level_get_type ())
GType gst_gemini_live_thinking_level_get_type (void);
#define GST_TYPE_GEMINI_LIVE_SENSITIVITY                                       \
  (gst_gemini_live_sensitivity_get_type ())
GType gst_gemini_live_sensitivity_get_type (void);
#define GST_TYPE_GEMINI_LIVE_ACTIVITY_HANDLING                                 \
  (gst_gemini_live_activity_handling_get_type ())
GType gst_gemini_live_activity_handling_get_type (void);
#define GST_TYPE_GEMINI_LIVE_TURN_COVERAGE                                     \
  (gst_gemini_live_turn_coverage_get_type ())
GType gst_gemini_live_turn_coverage_get_type (void);
#define GST_TYPE_GEMINI_LIVE_SCHEDULING (gst_gemini_live_scheduling_get_type ())
GType gst_gemini_live_scheduling_get_type (void);

#define GST_TYPE_GEMINI_LIVE_ACTIVITY_SOURCE                                   \
  (gst_gemini_live_activity_source_get_type ())
GType gst_gemini_live_activity_source_get_type (void);

/* Marks every enum above as plugin API, for the documentation. */
void gst_gemini_live_enums_mark_as_plugin_api (void);

G_END_DECLS
