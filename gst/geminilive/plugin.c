/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * plugin-geminilive:
 *
 * Google's Gemini Live API (BidiGenerateContent) as a GStreamer element.
 * The plugin links libsoup 3 directly: it must not be loaded into a
 * process that also uses libsoup 2 (for example through an old souphttpsrc
 * build), as the two cannot coexist in one process.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgeminiliveelements.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  return GST_ELEMENT_REGISTER (geminilive, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, geminilive,
    "Talk to Google's Gemini Live API from a pipeline", plugin_init, VERSION,
    "LGPL", GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
