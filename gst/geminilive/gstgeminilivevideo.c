/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsink.h>

#include "gstgeminilivevideo.h"

GST_DEBUG_CATEGORY_STATIC (gst_gemini_live_video_debug);
#define GST_CAT_DEFAULT gst_gemini_live_video_debug

struct _GstGeminiLiveVideo
{
  GstBin *parent;
  GstElement *bin;
  GstElement *convert;   /* where decodebin3's pad is linked */
  GstElement *rate_caps; /* the frame rate limit */
  GstElement *size_caps; /* the size limit */
  GstPad *pad;
  GstGeminiLiveVideoFrameFunc func;
  gpointer user_data;
};

static GstFlowReturn
on_sample (GstAppSink *sink, gpointer user_data)
{
  GstGeminiLiveVideo *video = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstMapInfo map;

  if (sample == NULL)
    return GST_FLOW_FLUSHING;
  if (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ)) {
    video->func (map.data, map.size, video->user_data);
    gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  }
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* decodebin3 exposes raw video (decoded, or as it came) once it knows the
 * input: it goes on to the converter. */
static void
on_pad_added (GstElement *decodebin, GstPad *pad, gpointer user_data)
{
  GstGeminiLiveVideo *video = user_data;
  GstPad *sink = gst_element_get_static_pad (video->convert, "sink");

  if (!gst_pad_is_linked (sink) && gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    GST_ELEMENT_ERROR (video->parent, STREAM, FORMAT,
        ("Cannot use the video on sink_video"), ("%" GST_PTR_FORMAT, pad));
  gst_object_unref (sink);
}

static GstElement *
make (GstBin *parent, const gchar *factory)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL)
    GST_ELEMENT_ERROR (parent, CORE, MISSING_PLUGIN,
        ("Missing element '%s'", factory),
        ("sink_video needs %s from gst-plugins-base/good", factory));
  return e;
}

void
gst_gemini_live_video_set_limits (
    GstGeminiLiveVideo *video, guint max_size, gdouble fps)
{
  GstCaps *caps;
  gint fps_n, fps_d;

  gst_util_double_to_fraction (fps, &fps_n, &fps_d);
  caps = gst_caps_new_simple (
      "video/x-raw", "framerate", GST_TYPE_FRACTION, fps_n, fps_d, NULL);
  gst_caps_append (caps,
      gst_caps_new_simple (
          "image/jpeg", "framerate", GST_TYPE_FRACTION, fps_n, fps_d, NULL));
  g_object_set (video->rate_caps, "caps", caps, NULL);
  gst_caps_unref (caps);
  /* Ranges on both sides let videoscale keep the aspect ratio. */
  caps = gst_caps_new_simple ("video/x-raw", "width", GST_TYPE_INT_RANGE, 1,
      (gint)max_size, "height", GST_TYPE_INT_RANGE, 1, (gint)max_size,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  g_object_set (video->size_caps, "caps", caps, NULL);
  gst_caps_unref (caps);
}

/* The branch, one path for any input: the frame rate is limited first
 * (so only the frames sent are decoded), then the frame is decoded if it
 * is JPEG, scaled and encoded as JPEG. */
GstGeminiLiveVideo *
gst_gemini_live_video_new (GstBin *parent, GstPadTemplate *templ,
    guint max_size, gdouble fps, GstGeminiLiveVideoFrameFunc func,
    gpointer user_data)
{
  static const gchar *factories[] = { "videorate", "capsfilter", "decodebin3",
    "videoconvert", "videoscale", "capsfilter", "jpegenc", "appsink" };
  enum
  {
    RATE,
    RATE_CAPS,
    DECODE,
    CONVERT,
    SCALE,
    SIZE_CAPS,
    ENCODE,
    SINK
  };
  GstElement *e[G_N_ELEMENTS (factories)];
  GstAppSinkCallbacks callbacks = {
    0,
  };
  GstGeminiLiveVideo *video;
  GstPad *target;
  guint i;

  if (gst_gemini_live_video_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gst_gemini_live_video_debug, "geminilivevideo", 0,
        "Gemini Live video input");

  for (i = 0; i < G_N_ELEMENTS (factories); i++) {
    e[i] = make (parent, factories[i]);
    if (e[i] == NULL) {
      while (i-- > 0)
        gst_object_unref (e[i]);
      return NULL;
    }
  }

  video = g_new0 (GstGeminiLiveVideo, 1);
  video->parent = parent;
  video->func = func;
  video->user_data = user_data;
  video->convert = e[CONVERT];
  video->rate_caps = e[RATE_CAPS];
  video->size_caps = e[SIZE_CAPS];

  g_object_set (e[RATE], "drop-only", TRUE, NULL);
  gst_gemini_live_video_set_limits (video, max_size, fps);
  /* Frames go to the network as they come: no sync, no preroll. */
  g_object_set (e[SINK], "sync", FALSE, "async", FALSE, "enable-last-sample",
      FALSE, NULL);
  callbacks.new_sample = on_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (e[SINK]), &callbacks, video, NULL);
  g_signal_connect (e[DECODE], "pad-added", G_CALLBACK (on_pad_added), video);

  /* Our own reference: the parent may dispose its children first. */
  video->bin = gst_object_ref (gst_bin_new ("video-input"));
  for (i = 0; i < G_N_ELEMENTS (factories); i++)
    gst_bin_add (GST_BIN (video->bin), e[i]);
  gst_element_link_many (e[RATE], e[RATE_CAPS], e[DECODE], NULL);
  gst_element_link_many (
      e[CONVERT], e[SCALE], e[SIZE_CAPS], e[ENCODE], e[SINK], NULL);
  gst_bin_add (parent, video->bin);

  target = gst_element_get_static_pad (e[RATE], "sink");
  video->pad = gst_ghost_pad_new_from_template ("sink_video", target, templ);
  gst_object_unref (target);
  gst_element_sync_state_with_parent (video->bin);
  return video;
}

GstPad *
gst_gemini_live_video_get_pad (GstGeminiLiveVideo *video)
{
  return video->pad;
}

void
gst_gemini_live_video_free (GstGeminiLiveVideo *video)
{
  if (GST_OBJECT_PARENT (video->bin) == GST_OBJECT (video->parent)) {
    gst_element_set_state (video->bin, GST_STATE_NULL);
    gst_bin_remove (video->parent, video->bin);
  }
  gst_object_unref (video->bin);
  g_free (video);
}
