/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstgeminiliveenums.h"

/**
 * GstGeminiLiveResponseModality:
 * @GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO: the model answers with speech
 * @GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT: the model answers with text
 *
 * What the model answers with (`generationConfig.responseModalities`).
 */
GType
gst_gemini_live_response_modality_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO, "Spoken answers (AUDIO)",
        "audio"},
    {GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT, "Text answers (TEXT)", "text"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstGeminiLiveResponseModality", values);
    g_once_init_leave (&type, t);
  }
  return type;
}
