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
  GstPad *pad;
  GstGeminiLiveVideoFrameFunc func;
  gpointer user_data;

  /* JPEG passthrough; streaming thread only. */
  gboolean jpeg_input;
  GstSegment segment;
  GstClockTime interval;
  GstClockTime last_sent;
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

/* JPEG input skips the encoder: only the frame rate is limited, by
 * running time (or by arrival when frames carry no timestamps). */
static GstFlowReturn
jpeg_chain (GstGeminiLiveVideo *video, GstBuffer *buf)
{
  GstClockTime t = GST_BUFFER_PTS (buf);
  GstMapInfo map;

  if (GST_CLOCK_TIME_IS_VALID (t) && video->segment.format == GST_FORMAT_TIME)
    t = gst_segment_to_running_time (&video->segment, GST_FORMAT_TIME, t);
  else
    t = g_get_monotonic_time () * GST_USECOND;

  if (GST_CLOCK_TIME_IS_VALID (video->last_sent) && GST_CLOCK_TIME_IS_VALID (t)
      && t < video->last_sent + video->interval) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  video->last_sent = t;
  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    video->func (map.data, map.size, video->user_data);
    gst_buffer_unmap (buf, &map);
  }
  gst_buffer_unref (buf);
  return GST_FLOW_OK;
}

static GstFlowReturn
pad_chain (GstPad *pad, GstObject *parent, GstBuffer *buf)
{
  GstGeminiLiveVideo *video = gst_pad_get_element_private (pad);

  if (video->jpeg_input)
    return jpeg_chain (video, buf);
  return gst_proxy_pad_chain_default (pad, parent, buf);
}

static gboolean
is_jpeg (GstCaps *caps)
{
  return caps != NULL && gst_caps_get_size (caps) > 0
      && gst_structure_has_name (
          gst_caps_get_structure (caps, 0), "image/jpeg");
}

static gboolean
pad_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstGeminiLiveVideo *video = gst_pad_get_element_private (pad);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS: {
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      video->jpeg_input = is_jpeg (caps);
      if (video->jpeg_input) {
        GST_DEBUG_OBJECT (pad, "JPEG input: passing frames through");
        gst_event_unref (event);
        return TRUE;
      }
      break;
    }
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &video->segment);
      break;
    case GST_EVENT_FLUSH_STOP:
      video->last_sent = GST_CLOCK_TIME_NONE;
      break;
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
pad_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_ACCEPT_CAPS: {
      GstCaps *caps;

      gst_query_parse_accept_caps (query, &caps);
      if (is_jpeg (caps)) {
        gst_query_set_accept_caps_result (query, TRUE);
        return TRUE;
      }
      break;
    }
    case GST_QUERY_CAPS: {
      GstCaps *filter, *raw, *all;
      GstProxyPad *internal;

      /* What the converter takes, plus JPEG. */
      gst_query_parse_caps (query, &filter);
      internal = gst_proxy_pad_get_internal (GST_PROXY_PAD (pad));
      raw = gst_pad_peer_query_caps (GST_PAD (internal), NULL);
      gst_object_unref (internal);
      all = gst_caps_merge (raw, gst_caps_new_empty_simple ("image/jpeg"));
      if (filter != NULL) {
        GstCaps *tmp
            = gst_caps_intersect_full (filter, all, GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref (all);
        all = tmp;
      }
      gst_query_set_caps_result (query, all);
      gst_caps_unref (all);
      return TRUE;
    }
    default:
      break;
  }
  return gst_pad_query_default (pad, parent, query);
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

GstGeminiLiveVideo *
gst_gemini_live_video_new (GstBin *parent, GstPadTemplate *templ,
    guint max_size, gdouble fps, GstGeminiLiveVideoFrameFunc func,
    gpointer user_data)
{
  static const gchar *factories[] = { "videoconvert", "videoscale", "videorate",
    "capsfilter", "jpegenc", "appsink" };
  GstElement *e[G_N_ELEMENTS (factories)];
  GstAppSinkCallbacks callbacks = {
    0,
  };
  GstGeminiLiveVideo *video;
  GstCaps *caps;
  GstPad *target;
  gint fps_n, fps_d;
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
  video->last_sent = GST_CLOCK_TIME_NONE;
  gst_segment_init (&video->segment, GST_FORMAT_UNDEFINED);
  gst_util_double_to_fraction (fps, &fps_n, &fps_d);
  video->interval = gst_util_uint64_scale_int (GST_SECOND, fps_d, fps_n);

  g_object_set (e[2], "drop-only", TRUE, NULL);
  /* Ranges on both sides let videoscale keep the aspect ratio. */
  caps = gst_caps_new_simple ("video/x-raw", "width", GST_TYPE_INT_RANGE, 1,
      (gint)max_size, "height", GST_TYPE_INT_RANGE, 1, (gint)max_size,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, "framerate",
      GST_TYPE_FRACTION, fps_n, fps_d, NULL);
  g_object_set (e[3], "caps", caps, NULL);
  gst_caps_unref (caps);
  /* Frames go to the network as they come: no sync, no preroll. */
  g_object_set (
      e[5], "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
  callbacks.new_sample = on_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (e[5]), &callbacks, video, NULL);

  /* Our own reference: the parent may dispose its children first. */
  video->bin = gst_object_ref (gst_bin_new ("video-input"));
  for (i = 0; i < G_N_ELEMENTS (factories); i++)
    gst_bin_add (GST_BIN (video->bin), e[i]);
  for (i = 0; i + 1 < G_N_ELEMENTS (factories); i++)
    gst_element_link (e[i], e[i + 1]);
  gst_bin_add (parent, video->bin);

  target = gst_element_get_static_pad (e[0], "sink");
  video->pad = gst_ghost_pad_new_from_template ("sink_video", target, templ);
  gst_object_unref (target);
  gst_pad_set_element_private (video->pad, video);
  gst_pad_set_chain_function (video->pad, GST_DEBUG_FUNCPTR (pad_chain));
  gst_pad_set_event_function (video->pad, GST_DEBUG_FUNCPTR (pad_event));
  gst_pad_set_query_function (video->pad, GST_DEBUG_FUNCPTR (pad_query));
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
