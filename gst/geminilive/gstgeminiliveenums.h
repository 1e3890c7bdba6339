/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include "gstgeminiliveconfig.h"

G_BEGIN_DECLS

#define GST_TYPE_GEMINI_LIVE_RESPONSE_MODALITY \
  (gst_gemini_live_response_modality_get_type ())
GType gst_gemini_live_response_modality_get_type (void);

G_END_DECLS
