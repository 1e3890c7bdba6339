/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The session setup as a plain struct, filled from the element's
 * properties, validated before anything is sent.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO = 0,
  GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT = 1,
} GstGeminiLiveResponseModality;

#define GST_GEMINI_LIVE_DEFAULT_HOST "generativelanguage.googleapis.com"
#define GST_GEMINI_LIVE_DEFAULT_URI \
  "wss://" GST_GEMINI_LIVE_DEFAULT_HOST \
  "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"
#define GST_GEMINI_LIVE_DEFAULT_MODEL "gemini-3.1-flash-live-preview"

typedef struct
{
  gchar *uri;
  gchar *api_key;               /* never logged */
  gchar *model;                 /* bare id or models/... or projects/... */
  gchar *voice;                 /* NULL: the server's default voice */
  gchar *system_instruction;
  GstGeminiLiveResponseModality response_modality;
  gboolean input_transcription;
  gboolean output_transcription;
  gboolean session_resumption;
  gchar *resumption_handle;     /* resume this session when set */
  gchar *tools_json;            /* JSON array of FunctionDeclaration */
} GstGeminiLiveConfig;

#define GST_GEMINI_LIVE_CONFIG_ERROR gst_gemini_live_config_error_quark ()
GQuark gst_gemini_live_config_error_quark (void);

typedef enum
{
  GST_GEMINI_LIVE_CONFIG_ERROR_INVALID, /* a property has a bad value */
} GstGeminiLiveConfigError;

void gst_gemini_live_config_init (GstGeminiLiveConfig * config);
void gst_gemini_live_config_clear (GstGeminiLiveConfig * config);
/* Deep copy; dest is overwritten without being freed (clear it first). */
void gst_gemini_live_config_copy (GstGeminiLiveConfig * dest,
    const GstGeminiLiveConfig * src);

/* Checks everything that can be checked before connecting; the error
 * (GST_GEMINI_LIVE_CONFIG_ERROR_INVALID) names the property at fault and
 * never contains the API key. Empty optional strings count as unset. */
gboolean gst_gemini_live_config_validate (const GstGeminiLiveConfig * config,
    GError ** error);

/* "models/<id>" unless the model is already a resource path. */
gchar *gst_gemini_live_config_model_path (const GstGeminiLiveConfig * config);

/* The API key from the property, else GEMINI_API_KEY, else GOOGLE_API_KEY. */
gchar *gst_gemini_live_config_resolve_api_key (const gchar * property_value);

G_END_DECLS
