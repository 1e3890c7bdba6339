/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The sink_video branch, child elements behind a ghost pad: the frame rate
 * is limited, JPEG input decoded, every frame scaled and JPEG-encoded.
 * Each frame is handed to a callback as JPEG bytes.
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstGeminiLiveVideo GstGeminiLiveVideo;

/* Called from the video streaming thread with one JPEG frame. */
typedef void (*GstGeminiLiveVideoFrameFunc) (
    const guint8 *jpeg, gsize size, gpointer user_data);

/* Builds the branch inside parent and returns it; NULL if an element is
 * missing (the error is posted on parent). */
GstGeminiLiveVideo *gst_gemini_live_video_new (GstBin *parent,
    GstPadTemplate *templ, guint max_size, gdouble fps,
    GstGeminiLiveVideoFrameFunc func, gpointer user_data);
/* The largest width or height and the frame rate sent; safe while the
 * branch runs. */
void gst_gemini_live_video_set_limits (
    GstGeminiLiveVideo *video, guint max_size, gdouble fps);
/* The request pad to add to the parent. */
GstPad *gst_gemini_live_video_get_pad (GstGeminiLiveVideo *video);
/* Takes the branch out of parent and frees it. */
void gst_gemini_live_video_free (GstGeminiLiveVideo *video);

G_END_DECLS
