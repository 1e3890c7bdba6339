/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Checks a setup config (gstgeminiliveprotocol.h) filled from the
 * element's properties before anything is sent, and finds the API key.
 */
#pragma once

#include <glib.h>
#include "gstgeminiliveprotocol.h"

G_BEGIN_DECLS

#define GST_GEMINI_LIVE_CONFIG_ERROR gst_gemini_live_config_error_quark ()
GQuark gst_gemini_live_config_error_quark (void);

typedef enum
{
  GST_GEMINI_LIVE_CONFIG_ERROR_INVALID, /* a property has a bad value */
} GstGeminiLiveConfigError;

/* Checks everything that can be checked before connecting; the error
 * (GST_GEMINI_LIVE_CONFIG_ERROR_INVALID) names the property at fault and
 * never contains the API key. Empty optional strings count as unset. */
gboolean gst_gemini_live_config_validate (
    const GstGeminiLiveConfig *config, GError **error);

/* The function declarations of tools_json (a JSON array, as the "tools"
 * property takes), with errors naming property: for tools read from
 * elsewhere, such as a file. */
gboolean gst_gemini_live_config_validate_tools (
    const GstGeminiLiveConfig *config, const gchar *property,
    const gchar *tools_json, GError **error);

/* The API key from the property, else GEMINI_API_KEY, else GOOGLE_API_KEY. */
gchar *gst_gemini_live_config_resolve_api_key (const gchar *property_value);

G_END_DECLS
