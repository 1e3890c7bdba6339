/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

#include "gstgeminiliveenums.h"
#include "gstgeminiliveaudioinput.h"

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
    { GST_GEMINI_LIVE_RESPONSE_MODALITY_AUDIO, "Spoken answers (AUDIO)",
        "audio" },
    { GST_GEMINI_LIVE_RESPONSE_MODALITY_TEXT, "Text answers (TEXT)", "text" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstGeminiLiveResponseModality", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define DEFINE_ENUM(func, name, ...)                                           \
  GType func (void)                                                            \
  {                                                                            \
    static GType type = 0;                                                     \
    static const GEnumValue values[] = { __VA_ARGS__, { 0, NULL, NULL } };     \
    if (g_once_init_enter (&type)) {                                           \
      GType t = g_enum_register_static (name, values);                         \
      g_once_init_leave (&type, t);                                            \
    }                                                                          \
    return type;                                                               \
  }

/**
 * GstGeminiLiveApiVersion:
 * @GST_GEMINI_LIVE_API_VERSION_V1: v1, what the current SDK uses
 * @GST_GEMINI_LIVE_API_VERSION_V1BETA: v1beta
 * @GST_GEMINI_LIVE_API_VERSION_V1ALPHA: v1alpha (ephemeral tokens, newest features)
 */
DEFINE_ENUM (gst_gemini_live_api_version_get_type, "GstGeminiLiveApiVersion",
    { GST_GEMINI_LIVE_API_VERSION_V1, "v1", "v1" },
    { GST_GEMINI_LIVE_API_VERSION_V1BETA, "v1beta", "v1beta" },
    { GST_GEMINI_LIVE_API_VERSION_V1ALPHA, "v1alpha", "v1alpha" });

/**
 * GstGeminiLiveBackend:
 * @GST_GEMINI_LIVE_BACKEND_GEMINI_API: the Gemini API (API key or ephemeral token)
 * @GST_GEMINI_LIVE_BACKEND_VERTEX_AI: Vertex AI (OAuth access token, or API key in express mode)
 */
DEFINE_ENUM (gst_gemini_live_backend_get_type, "GstGeminiLiveBackend",
    { GST_GEMINI_LIVE_BACKEND_GEMINI_API, "Gemini API", "gemini-api" },
    { GST_GEMINI_LIVE_BACKEND_VERTEX_AI, "Vertex AI", "vertex-ai" });

/**
 * GstGeminiLiveMediaResolution:
 * @GST_GEMINI_LIVE_MEDIA_RESOLUTION_UNSET: the server's default
 * @GST_GEMINI_LIVE_MEDIA_RESOLUTION_LOW: 64 tokens per image
 * @GST_GEMINI_LIVE_MEDIA_RESOLUTION_MEDIUM: 256 tokens per image
 * @GST_GEMINI_LIVE_MEDIA_RESOLUTION_HIGH: zoomed reframing, 256 tokens
 */
DEFINE_ENUM (gst_gemini_live_media_resolution_get_type,
    "GstGeminiLiveMediaResolution",
    { GST_GEMINI_LIVE_MEDIA_RESOLUTION_UNSET, "Server default", "unset" },
    { GST_GEMINI_LIVE_MEDIA_RESOLUTION_LOW, "Low", "low" },
    { GST_GEMINI_LIVE_MEDIA_RESOLUTION_MEDIUM, "Medium", "medium" },
    { GST_GEMINI_LIVE_MEDIA_RESOLUTION_HIGH, "High", "high" });

/**
 * GstGeminiLiveThinkingLevel:
 * @GST_GEMINI_LIVE_THINKING_LEVEL_UNSET: the server's default
 * @GST_GEMINI_LIVE_THINKING_LEVEL_MINIMAL: minimal
 * @GST_GEMINI_LIVE_THINKING_LEVEL_LOW: low
 * @GST_GEMINI_LIVE_THINKING_LEVEL_MEDIUM: medium
 * @GST_GEMINI_LIVE_THINKING_LEVEL_HIGH: high
 */
DEFINE_ENUM (gst_gemini_live_thinking_level_get_type,
    "GstGeminiLiveThinkingLevel",
    { GST_GEMINI_LIVE_THINKING_LEVEL_UNSET, "Server default", "unset" },
    { GST_GEMINI_LIVE_THINKING_LEVEL_MINIMAL, "Minimal", "minimal" },
    { GST_GEMINI_LIVE_THINKING_LEVEL_LOW, "Low", "low" },
    { GST_GEMINI_LIVE_THINKING_LEVEL_MEDIUM, "Medium", "medium" },
    { GST_GEMINI_LIVE_THINKING_LEVEL_HIGH, "High", "high" });

/**
 * GstGeminiLiveSensitivity:
 * @GST_GEMINI_LIVE_SENSITIVITY_UNSET: the server's default
 * @GST_GEMINI_LIVE_SENSITIVITY_HIGH: detect more often
 * @GST_GEMINI_LIVE_SENSITIVITY_LOW: detect less often
 */
DEFINE_ENUM (gst_gemini_live_sensitivity_get_type, "GstGeminiLiveSensitivity",
    { GST_GEMINI_LIVE_SENSITIVITY_UNSET, "Server default", "unset" },
    { GST_GEMINI_LIVE_SENSITIVITY_HIGH, "High", "high" },
    { GST_GEMINI_LIVE_SENSITIVITY_LOW, "Low", "low" });

/**
 * GstGeminiLiveActivityHandling:
 * @GST_GEMINI_LIVE_ACTIVITY_HANDLING_UNSET: the server's default (interrupts)
 * @GST_GEMINI_LIVE_ACTIVITY_HANDLING_INTERRUPTS: user speech interrupts the model (barge-in)
 * @GST_GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION: the model finishes its answer
 */
DEFINE_ENUM (gst_gemini_live_activity_handling_get_type,
    "GstGeminiLiveActivityHandling",
    { GST_GEMINI_LIVE_ACTIVITY_HANDLING_UNSET, "Server default", "unset" },
    { GST_GEMINI_LIVE_ACTIVITY_HANDLING_INTERRUPTS,
        "START_OF_ACTIVITY_INTERRUPTS", "interrupts" },
    { GST_GEMINI_LIVE_ACTIVITY_HANDLING_NO_INTERRUPTION, "NO_INTERRUPTION",
        "no-interruption" });

/**
 * GstGeminiLiveTurnCoverage:
 * @GST_GEMINI_LIVE_TURN_COVERAGE_UNSET: the server's default
 * @GST_GEMINI_LIVE_TURN_COVERAGE_ONLY_ACTIVITY: only input during activity
 * @GST_GEMINI_LIVE_TURN_COVERAGE_ALL_INPUT: all input
 * @GST_GEMINI_LIVE_TURN_COVERAGE_AUDIO_ACTIVITY_AND_ALL_VIDEO: audio during activity and every video frame
 */
DEFINE_ENUM (gst_gemini_live_turn_coverage_get_type,
    "GstGeminiLiveTurnCoverage",
    { GST_GEMINI_LIVE_TURN_COVERAGE_UNSET, "Server default", "unset" },
    { GST_GEMINI_LIVE_TURN_COVERAGE_ONLY_ACTIVITY,
        "TURN_INCLUDES_ONLY_ACTIVITY", "only-activity" },
    { GST_GEMINI_LIVE_TURN_COVERAGE_ALL_INPUT, "TURN_INCLUDES_ALL_INPUT",
        "all-input" },
    { GST_GEMINI_LIVE_TURN_COVERAGE_AUDIO_ACTIVITY_AND_ALL_VIDEO,
        "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO",
        "audio-activity-and-all-video" });

/**
 * GstGeminiLiveScheduling:
 * @GST_GEMINI_LIVE_SCHEDULING_UNSET: not sent
 * @GST_GEMINI_LIVE_SCHEDULING_SILENT: add to the context without a reaction
 * @GST_GEMINI_LIVE_SCHEDULING_WHEN_IDLE: answer once the current output ends
 * @GST_GEMINI_LIVE_SCHEDULING_INTERRUPT: interrupt and answer now
 *
 * When the model reacts to a NON_BLOCKING function's response.
 */
DEFINE_ENUM (gst_gemini_live_scheduling_get_type, "GstGeminiLiveScheduling",
    { GST_GEMINI_LIVE_SCHEDULING_UNSET, "Not sent", "unset" },
    { GST_GEMINI_LIVE_SCHEDULING_SILENT, "SILENT", "silent" },
    { GST_GEMINI_LIVE_SCHEDULING_WHEN_IDLE, "WHEN_IDLE", "when-idle" },
    { GST_GEMINI_LIVE_SCHEDULING_INTERRUPT, "INTERRUPT", "interrupt" });

void
gst_gemini_live_enums_mark_as_plugin_api (void)
{
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_RESPONSE_MODALITY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_API_VERSION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_BACKEND, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_MEDIA_RESOLUTION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_THINKING_LEVEL, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_SENSITIVITY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_ACTIVITY_HANDLING, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_TURN_COVERAGE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_SCHEDULING, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GEMINI_LIVE_ACTIVITY_SOURCE, 0);
}

/**
 * GstGeminiLiveActivitySource:
 * @GST_GEMINI_LIVE_ACTIVITY_SOURCE_SIGNALS: the application emits activity-start and activity-end
 * @GST_GEMINI_LIVE_ACTIVITY_SOURCE_ENERGY: the input's level decides (activity-threshold, activity-hangover)
 * @GST_GEMINI_LIVE_ACTIVITY_SOURCE_VOICE_ACTIVITY: upstream voice activity decides (webrtcdsp voice-detection=true)
 *
 * What drives activityStart/activityEnd when automatic-activity-detection
 * is off.
 */
DEFINE_ENUM (gst_gemini_live_activity_source_get_type,
    "GstGeminiLiveActivitySource",
    { GST_GEMINI_LIVE_ACTIVITY_SOURCE_SIGNALS, "Application signals",
        "signals" },
    { GST_GEMINI_LIVE_ACTIVITY_SOURCE_ENERGY, "Input energy", "energy" },
    { GST_GEMINI_LIVE_ACTIVITY_SOURCE_VOICE_ACTIVITY, "Upstream voice activity",
        "voice-activity" });
