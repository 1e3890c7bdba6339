/* gemini-live-sim: strict validation of client messages.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table below is written from PROTOCOL.md §3 on purpose, independent
 * of the plugin, so the two cannot share a mistake. The real server parses
 * proto3 JSON: unknown names, wrong types and bad enum values close the
 * socket with 1007 and a reason naming the field by its snake_case path.
 */
#include "gls-schema.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum
{
  F_STRING,
  F_BOOL,
  F_INT32,
  F_INT64,
  F_FLOAT,
  F_DOUBLE,
  F_BYTES,
  F_ENUM,
  F_MSG,
  F_MAP,         /* map<string, message> */
  F_STRUCT,      /* google.protobuf.Struct: any object */
  F_VALUE,       /* google.protobuf.Value: any JSON */
  F_DEPRECATED,  /* rejected with its own reason (sub is the reason) */
  F_UNSUPPORTED, /* exists in the proto, rejected by Live */
} FieldType;

/* Fields that exist on one backend only. On the other, the service's
 * parser does not know them: 1007 "Unknown name ... Cannot find field.",
 * like any unknown name. Sources are in docs/simulator.md (per-backend
 * rules): mostly the SDK converters, which raise "only supported in ...
 * mode" for them, and the SDK types ("This field is not supported in ..."). */
enum
{
  VERTEX_ONLY = 1 << 0,
  GEMINI_ONLY = 1 << 1,
};

typedef struct
{
  const gchar *type_name;
  const gchar *const *values;
} Enum;

typedef struct _Msg Msg;

typedef struct
{
  const gchar *name;
  FieldType type;
  gboolean repeated;
  const void *sub;
  guint flags;
} Field;

struct _Msg
{
  const gchar *type_name;
  const Field *fields;
};

/* ---- enums */

#define ENUM(var, tname, ...)                                                  \
  static const gchar *const var##_values[] = { __VA_ARGS__, NULL };            \
  static const Enum var = { tname, var##_values }

ENUM (e_modality, "GenerationConfig.Modality", "MODALITY_UNSPECIFIED", "TEXT",
    "IMAGE", "AUDIO", "VIDEO");
ENUM (e_media_resolution, "GenerationConfig.MediaResolution",
    "MEDIA_RESOLUTION_UNSPECIFIED", "MEDIA_RESOLUTION_LOW",
    "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH");
ENUM (e_thinking_level, "ThinkingConfig.ThinkingLevel",
    "THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH");
ENUM (e_start_sens, "StartSensitivity", "START_SENSITIVITY_UNSPECIFIED",
    "START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW");
ENUM (e_end_sens, "EndSensitivity", "END_SENSITIVITY_UNSPECIFIED",
    "END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW");
ENUM (e_activity_handling, "ActivityHandling", "ACTIVITY_HANDLING_UNSPECIFIED",
    "START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION");
ENUM (e_turn_coverage, "TurnCoverage", "TURN_COVERAGE_UNSPECIFIED",
    "TURN_INCLUDES_ONLY_ACTIVITY", "TURN_INCLUDES_ALL_INPUT",
    "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO");
ENUM (e_behavior, "FunctionDeclaration.Behavior", "UNSPECIFIED", "BLOCKING",
    "NON_BLOCKING");
ENUM (e_scheduling, "FunctionResponse.Scheduling", "SCHEDULING_UNSPECIFIED",
    "SILENT", "WHEN_IDLE", "INTERRUPT");
ENUM (e_schema_type, "Type", "TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER",
    "BOOLEAN", "ARRAY", "OBJECT", "NULL");
ENUM (e_language, "ExecutableCode.Language", "LANGUAGE_UNSPECIFIED", "PYTHON");
ENUM (e_outcome, "CodeExecutionResult.Outcome", "OUTCOME_UNSPECIFIED",
    "OUTCOME_OK", "OUTCOME_FAILED", "OUTCOME_DEADLINE_EXCEEDED");
ENUM (e_transcription_mode, "AudioTranscriptionConfig.Mode", "MODE_UNSPECIFIED",
    "VERBATIM", "SMART");
ENUM (e_harm_category, "HarmCategory", "HARM_CATEGORY_UNSPECIFIED",
    "HARM_CATEGORY_DEROGATORY", "HARM_CATEGORY_TOXICITY",
    "HARM_CATEGORY_VIOLENCE", "HARM_CATEGORY_SEXUAL", "HARM_CATEGORY_MEDICAL",
    "HARM_CATEGORY_DANGEROUS", "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_CIVIC_INTEGRITY");
ENUM (e_harm_threshold, "SafetySetting.HarmBlockThreshold",
    "HARM_BLOCK_THRESHOLD_UNSPECIFIED", "BLOCK_LOW_AND_ABOVE",
    "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF");
ENUM (e_retrieval_mode, "DynamicRetrievalConfig.Mode", "MODE_UNSPECIFIED",
    "MODE_DYNAMIC");

/* ---- messages; forward declarations for recursion */

static const Msg m_schema, m_content, m_tool;

#define END                                                                    \
  {                                                                            \
    NULL, 0, FALSE, NULL, 0                                                    \
  }
#define MSG(var, tname, ...)                                                   \
  static const Field var##_fields[] = { __VA_ARGS__, END };                    \
  static const Msg var = { tname, var##_fields }

static const Field m_empty_fields[] = { END };
static const Msg m_empty = { "Empty", m_empty_fields };

MSG (m_schema, "Schema", { "type", F_ENUM, FALSE, &e_schema_type, 0 },
    { "format", F_STRING, FALSE, NULL, 0 },
    { "title", F_STRING, FALSE, NULL, 0 },
    { "description", F_STRING, FALSE, NULL, 0 },
    { "nullable", F_BOOL, FALSE, NULL, 0 }, { "enum", F_STRING, TRUE, NULL, 0 },
    { "items", F_MSG, FALSE, &m_schema, 0 },
    { "maxItems", F_INT64, FALSE, NULL, 0 },
    { "minItems", F_INT64, FALSE, NULL, 0 },
    { "properties", F_MAP, FALSE, &m_schema, 0 },
    { "propertyOrdering", F_STRING, TRUE, NULL, 0 },
    { "required", F_STRING, TRUE, NULL, 0 },
    { "minProperties", F_INT64, FALSE, NULL, 0 },
    { "maxProperties", F_INT64, FALSE, NULL, 0 },
    { "minimum", F_DOUBLE, FALSE, NULL, 0 },
    { "maximum", F_DOUBLE, FALSE, NULL, 0 },
    { "minLength", F_INT64, FALSE, NULL, 0 },
    { "maxLength", F_INT64, FALSE, NULL, 0 },
    { "pattern", F_STRING, FALSE, NULL, 0 },
    { "example", F_VALUE, FALSE, NULL, 0 },
    { "anyOf", F_MSG, TRUE, &m_schema, 0 },
    { "default", F_VALUE, FALSE, NULL, 0 });

MSG (m_blob, "Blob", { "mimeType", F_STRING, FALSE, NULL, 0 },
    { "data", F_BYTES, FALSE, NULL, 0 },
    { "displayName", F_STRING, FALSE, NULL, VERTEX_ONLY });
MSG (m_file_data, "FileData", { "mimeType", F_STRING, FALSE, NULL, 0 },
    { "fileUri", F_STRING, FALSE, NULL, 0 },
    { "displayName", F_STRING, FALSE, NULL, VERTEX_ONLY });
MSG (m_function_call, "FunctionCall", { "id", F_STRING, FALSE, NULL, 0 },
    { "name", F_STRING, FALSE, NULL, 0 }, { "args", F_STRUCT, FALSE, NULL, 0 },
    { "partialArgs", F_VALUE, FALSE, NULL, VERTEX_ONLY },
    { "willContinue", F_BOOL, FALSE, NULL, VERTEX_ONLY });
MSG (m_function_response_part, "FunctionResponsePart",
    { "inlineData", F_MSG, FALSE, &m_blob, 0 });
MSG (m_function_response, "FunctionResponse",
    { "id", F_STRING, FALSE, NULL, 0 }, { "name", F_STRING, FALSE, NULL, 0 },
    { "response", F_STRUCT, FALSE, NULL, 0 },
    { "parts", F_MSG, TRUE, &m_function_response_part, 0 },
    { "willContinue", F_BOOL, FALSE, NULL, GEMINI_ONLY },
    /* the SDK accepts it on both; peers (LiveKit, pipecat) strip it on
     * Vertex: the strict side */
    { "scheduling", F_ENUM, FALSE, &e_scheduling, GEMINI_ONLY });
MSG (m_executable_code, "ExecutableCode",
    { "language", F_ENUM, FALSE, &e_language, 0 },
    { "code", F_STRING, FALSE, NULL, 0 });
MSG (m_code_execution_result, "CodeExecutionResult",
    { "outcome", F_ENUM, FALSE, &e_outcome, 0 },
    { "output", F_STRING, FALSE, NULL, 0 });
MSG (m_video_metadata, "VideoMetadata",
    { "startOffset", F_STRING, FALSE, NULL, 0 },
    { "endOffset", F_STRING, FALSE, NULL, 0 },
    { "fps", F_DOUBLE, FALSE, NULL, 0 });
MSG (m_part, "Part", { "text", F_STRING, FALSE, NULL, 0 },
    { "inlineData", F_MSG, FALSE, &m_blob, 0 },
    { "fileData", F_MSG, FALSE, &m_file_data, 0 },
    { "functionCall", F_MSG, FALSE, &m_function_call, 0 },
    { "functionResponse", F_MSG, FALSE, &m_function_response, 0 },
    { "executableCode", F_MSG, FALSE, &m_executable_code, 0 },
    { "codeExecutionResult", F_MSG, FALSE, &m_code_execution_result, 0 },
    { "thought", F_BOOL, FALSE, NULL, 0 },
    { "thoughtSignature", F_BYTES, FALSE, NULL, 0 },
    { "videoMetadata", F_MSG, FALSE, &m_video_metadata, 0 },
    { "partMetadata", F_STRUCT, FALSE, NULL, GEMINI_ONLY });
MSG (m_content, "Content", { "role", F_STRING, FALSE, NULL, 0 },
    { "parts", F_MSG, TRUE, &m_part, 0 });

MSG (m_function_declaration, "FunctionDeclaration",
    { "name", F_STRING, FALSE, NULL, 0 },
    { "description", F_STRING, FALSE, NULL, 0 },
    { "parameters", F_MSG, FALSE, &m_schema, 0 },
    { "parametersJsonSchema", F_VALUE, FALSE, NULL, 0 },
    { "response", F_MSG, FALSE, &m_schema, 0 },
    { "responseJsonSchema", F_VALUE, FALSE, NULL, 0 },
    { "behavior", F_ENUM, FALSE, &e_behavior, 0 });
MSG (m_interval, "Interval", { "startTime", F_STRING, FALSE, NULL, 0 },
    { "endTime", F_STRING, FALSE, NULL, 0 });
MSG (m_google_search, "Tool.GoogleSearch",
    { "timeRangeFilter", F_MSG, FALSE, &m_interval, GEMINI_ONLY },
    { "blockingConfidence", F_STRING, FALSE, NULL, VERTEX_ONLY },
    { "excludeDomains", F_STRING, TRUE, NULL, VERTEX_ONLY });
MSG (m_dynamic_retrieval, "DynamicRetrievalConfig",
    { "mode", F_ENUM, FALSE, &e_retrieval_mode, 0 },
    { "dynamicThreshold", F_FLOAT, FALSE, NULL, 0 });
MSG (m_google_search_retrieval, "GoogleSearchRetrieval",
    { "dynamicRetrievalConfig", F_MSG, FALSE, &m_dynamic_retrieval, 0 });
MSG (m_google_maps, "GoogleMaps", { "enableWidget", F_BOOL, FALSE, NULL, 0 },
    { "groundingTypes", F_STRING, TRUE, NULL, VERTEX_ONLY });
MSG (m_tool, "Tool",
    { "functionDeclarations", F_MSG, TRUE, &m_function_declaration, 0 },
    { "googleSearch", F_MSG, FALSE, &m_google_search, 0 },
    { "codeExecution", F_MSG, FALSE, &m_empty, 0 },
    { "urlContext", F_MSG, FALSE, &m_empty, 0 },
    { "googleSearchRetrieval", F_MSG, FALSE, &m_google_search_retrieval, 0 },
    { "googleMaps", F_MSG, FALSE, &m_google_maps, 0 },
    { "computerUse", F_STRUCT, FALSE, NULL, 0 },
    { "fileSearch", F_STRUCT, FALSE, NULL, GEMINI_ONLY },
    { "mcpServers", F_VALUE, FALSE, NULL, GEMINI_ONLY },
    { "retrieval", F_STRUCT, FALSE, NULL, VERTEX_ONLY },
    { "enterpriseWebSearch", F_STRUCT, FALSE, NULL, VERTEX_ONLY },
    { "parallelAiSearch", F_STRUCT, FALSE, NULL, VERTEX_ONLY },
    { "exaAiSearch", F_STRUCT, FALSE, NULL, VERTEX_ONLY });

MSG (m_prebuilt_voice, "PrebuiltVoiceConfig",
    { "voiceName", F_STRING, FALSE, NULL, 0 });
MSG (m_consent_signature, "VoiceConsentSignature",
    { "signature", F_STRING, FALSE, NULL, 0 });
MSG (m_replicated_voice, "ReplicatedVoiceConfig",
    { "mimeType", F_STRING, FALSE, NULL, 0 },
    { "voiceSampleAudio", F_BYTES, FALSE, NULL, 0 },
    { "consentAudio", F_BYTES, FALSE, NULL, GEMINI_ONLY },
    { "voiceConsentSignature", F_MSG, FALSE, &m_consent_signature,
        GEMINI_ONLY });
MSG (m_voice_config, "VoiceConfig",
    { "prebuiltVoiceConfig", F_MSG, FALSE, &m_prebuilt_voice, 0 },
    { "replicatedVoiceConfig", F_MSG, FALSE, &m_replicated_voice, 0 });
MSG (m_speech_config, "SpeechConfig",
    { "voiceConfig", F_MSG, FALSE, &m_voice_config, 0 },
    { "languageCode", F_STRING, FALSE, NULL, 0 },
    { "multiSpeakerVoiceConfig", F_UNSUPPORTED, FALSE, NULL, 0 });
MSG (m_thinking_config, "ThinkingConfig",
    { "includeThoughts", F_BOOL, FALSE, NULL, 0 },
    { "thinkingBudget", F_INT32, FALSE, NULL, 0 },
    { "thinkingLevel", F_ENUM, FALSE, &e_thinking_level, 0 });
MSG (m_translation_config, "TranslationConfig",
    { "targetLanguageCode", F_STRING, FALSE, NULL, 0 },
    { "echoTargetLanguage", F_BOOL, FALSE, NULL, 0 });
MSG (m_generation_config, "GenerationConfig",
    { "candidateCount", F_INT32, FALSE, NULL, 0 },
    { "maxOutputTokens", F_INT32, FALSE, NULL, 0 },
    { "temperature", F_FLOAT, FALSE, NULL, 0 },
    { "topP", F_FLOAT, FALSE, NULL, 0 }, { "topK", F_INT32, FALSE, NULL, 0 },
    { "seed", F_INT32, FALSE, NULL, 0 },
    { "presencePenalty", F_FLOAT, FALSE, NULL, 0 },
    { "frequencyPenalty", F_FLOAT, FALSE, NULL, 0 },
    { "responseModalities", F_ENUM, TRUE, &e_modality, 0 },
    { "speechConfig", F_MSG, FALSE, &m_speech_config, 0 },
    { "thinkingConfig", F_MSG, FALSE, &m_thinking_config, 0 },
    { "mediaResolution", F_ENUM, FALSE, &e_media_resolution, 0 },
    { "enableAffectiveDialog", F_BOOL, FALSE, NULL, 0 },
    { "translationConfig", F_MSG, FALSE, &m_translation_config, GEMINI_ONLY },
    { "enableEnhancedCivicAnswers", F_BOOL, FALSE, NULL, GEMINI_ONLY },
    /* GenerationConfig fields that Live does not support */
    { "stopSequences", F_UNSUPPORTED, FALSE, NULL, 0 },
    { "responseMimeType", F_UNSUPPORTED, FALSE, NULL, 0 },
    { "responseSchema", F_UNSUPPORTED, FALSE, NULL, 0 },
    { "responseJsonSchema", F_UNSUPPORTED, FALSE, NULL, 0 },
    { "responseLogprobs", F_UNSUPPORTED, FALSE, NULL, 0 },
    { "logprobs", F_UNSUPPORTED, FALSE, NULL, 0 },
    { "audioTimestamp", F_UNSUPPORTED, FALSE, NULL, 0 },
    { "routingConfig", F_UNSUPPORTED, FALSE, NULL, 0 });

MSG (m_auto_activity, "RealtimeInputConfig.AutomaticActivityDetection",
    { "disabled", F_BOOL, FALSE, NULL, 0 },
    { "startOfSpeechSensitivity", F_ENUM, FALSE, &e_start_sens, 0 },
    { "endOfSpeechSensitivity", F_ENUM, FALSE, &e_end_sens, 0 },
    { "prefixPaddingMs", F_INT32, FALSE, NULL, 0 },
    { "silenceDurationMs", F_INT32, FALSE, NULL, 0 });
MSG (m_realtime_input_config, "RealtimeInputConfig",
    { "automaticActivityDetection", F_MSG, FALSE, &m_auto_activity, 0 },
    { "activityHandling", F_ENUM, FALSE, &e_activity_handling, 0 },
    { "turnCoverage", F_ENUM, FALSE, &e_turn_coverage, 0 });
MSG (m_session_resumption, "SessionResumptionConfig",
    { "handle", F_STRING, FALSE, NULL, 0 },
    { "transparent", F_BOOL, FALSE, NULL, VERTEX_ONLY });
MSG (m_sliding_window, "ContextWindowCompressionConfig.SlidingWindow",
    { "targetTokens", F_INT64, FALSE, NULL, 0 });
MSG (m_compression, "ContextWindowCompressionConfig",
    { "triggerTokens", F_INT64, FALSE, NULL, 0 },
    { "slidingWindow", F_MSG, FALSE, &m_sliding_window, 0 });
MSG (m_transcription, "AudioTranscriptionConfig",
    { "languageCodes", F_STRING, TRUE, NULL, 0 },
    { "customVocabulary", F_STRING, TRUE, NULL, 0 },
    { "mode", F_ENUM, FALSE, &e_transcription_mode, 0 },
    { "wordTimestamp", F_BOOL, FALSE, NULL, 0 },
    { "diarization", F_BOOL, FALSE, NULL, 0 },
    { "languageAuto", F_BOOL, FALSE, NULL, 0 },
    { "languageHints", F_STRING, TRUE, NULL, 0 },
    { "adaptationPhrases", F_STRING, TRUE, NULL, 0 });
MSG (m_proactivity, "ProactivityConfig",
    { "proactiveAudio", F_BOOL, FALSE, NULL, 0 });
MSG (m_history_config, "HistoryConfig",
    { "initialHistoryInClientContent", F_BOOL, FALSE, NULL, 0 });
MSG (m_customized_avatar, "CustomizedAvatar",
    { "imageMimeType", F_STRING, FALSE, NULL, 0 },
    { "imageData", F_BYTES, FALSE, NULL, 0 });
MSG (m_avatar_config, "AvatarConfig",
    { "avatarName", F_STRING, FALSE, NULL, 0 },
    { "customizedAvatar", F_MSG, FALSE, &m_customized_avatar, 0 },
    { "audioBitrateBps", F_INT32, FALSE, NULL, 0 },
    { "videoBitrateBps", F_INT32, FALSE, NULL, 0 });
MSG (m_safety_setting, "SafetySetting",
    { "category", F_ENUM, FALSE, &e_harm_category, 0 },
    { "threshold", F_ENUM, FALSE, &e_harm_threshold, 0 },
    { "method", F_STRING, FALSE, NULL, VERTEX_ONLY });
MSG (m_setup, "BidiGenerateContentSetup", { "model", F_STRING, FALSE, NULL, 0 },
    { "generationConfig", F_MSG, FALSE, &m_generation_config, 0 },
    { "systemInstruction", F_MSG, FALSE, &m_content, 0 },
    { "tools", F_MSG, TRUE, &m_tool, 0 },
    { "realtimeInputConfig", F_MSG, FALSE, &m_realtime_input_config, 0 },
    { "sessionResumption", F_MSG, FALSE, &m_session_resumption, 0 },
    { "contextWindowCompression", F_MSG, FALSE, &m_compression, 0 },
    { "inputAudioTranscription", F_MSG, FALSE, &m_transcription, 0 },
    { "outputAudioTranscription", F_MSG, FALSE, &m_transcription, 0 },
    { "proactivity", F_MSG, FALSE, &m_proactivity, 0 },
    /* pipecat: Vertex refuses it */
    { "historyConfig", F_MSG, FALSE, &m_history_config, GEMINI_ONLY },
    { "safetySettings", F_MSG, TRUE, &m_safety_setting, 0 },
    { "explicitVadSignal", F_BOOL, FALSE, NULL, VERTEX_ONLY },
    { "avatarConfig", F_MSG, FALSE, &m_avatar_config, VERTEX_ONLY });

MSG (m_client_content, "BidiGenerateContentClientContent",
    { "turns", F_MSG, TRUE, &m_content, 0 },
    { "turnComplete", F_BOOL, FALSE, NULL, 0 });
MSG (m_realtime_input, "BidiGenerateContentRealtimeInput",
    { "mediaChunks", F_DEPRECATED, TRUE, GLS_REASON_MEDIA_CHUNKS, 0 },
    { "audio", F_MSG, FALSE, &m_blob, 0 },
    { "video", F_MSG, FALSE, &m_blob, 0 }, { "text", F_STRING, FALSE, NULL, 0 },
    { "audioStreamEnd", F_BOOL, FALSE, NULL, GEMINI_ONLY },
    { "activityStart", F_MSG, FALSE, &m_empty, 0 },
    { "activityEnd", F_MSG, FALSE, &m_empty, 0 });
MSG (m_tool_response, "BidiGenerateContentToolResponse",
    { "functionResponses", F_MSG, TRUE, &m_function_response, 0 });
MSG (m_tools_wrapper, "LiveClientContextUpdate.Tools",
    { "tools", F_MSG, TRUE, &m_tool, 0 });
MSG (m_context_update, "BidiGenerateContentContextUpdate",
    { "systemInstruction", F_MSG, FALSE, &m_content, 0 },
    { "tools", F_MSG, FALSE, &m_tools_wrapper, 0 });

/* The client message oneof, in GlsMsgKind order. */
MSG (m_client_message, "BidiGenerateContentClientMessage",
    { "setup", F_MSG, FALSE, &m_setup, 0 },
    { "clientContent", F_MSG, FALSE, &m_client_content, 0 },
    { "realtimeInput", F_MSG, FALSE, &m_realtime_input, 0 },
    { "toolResponse", F_MSG, FALSE, &m_tool_response, 0 },
    { "contextUpdate", F_MSG, FALSE, &m_context_update, 0 });

/* ---- helpers */

static gchar *
to_snake (const gchar *camel)
{
  GString *s = g_string_new (NULL);

  for (const gchar *p = camel; *p; p++) {
    if (g_ascii_isupper (*p)) {
      g_string_append_c (s, '_');
      g_string_append_c (s, g_ascii_tolower (*p));
    } else
      g_string_append_c (s, *p);
  }
  return g_string_free (s, FALSE);
}

typedef struct
{
  GlsApi api;
  const gchar *version;
  GlsViolation *v;
} Ctx;

static gboolean
fail (Ctx *ctx, gushort code, gchar *reason)
{
  if (ctx->v->reason == NULL) {
    ctx->v->code = code;
    ctx->v->reason = reason;
  } else
    g_free (reason);
  return FALSE;
}

static gboolean
fail_invalid (Ctx *ctx)
{
  return fail (
      ctx, GLS_CLOSE_INVALID_PAYLOAD, g_strdup (GLS_REASON_INVALID_ARGUMENT));
}

static gchar *
full_type (Ctx *ctx, const gchar *name)
{
  return g_strdup_printf ("type.googleapis.com/%s.%s.%s",
      ctx->api == GLS_API_VERTEX ? "google.cloud.aiplatform"
                                 : "google.ai.generativelanguage",
      ctx->version, name);
}

/* How the proto-JSON parser quotes an offending value. */
static gchar *
value_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup_printf ("\"%s\"", json_node_get_string (node));
  return json_to_string (node, FALSE);
}

static gboolean
fail_value (Ctx *ctx, const gchar *path, const gchar *type, JsonNode *node)
{
  gchar *val = value_text (node);
  gchar *reason
      = g_strdup_printf ("Invalid value at '%s' (%s), %s", path, type, val);

  g_free (val);
  return fail (ctx, GLS_CLOSE_INVALID_PAYLOAD, reason);
}

static gboolean
fail_unknown (
    Ctx *ctx, const gchar *name, const gchar *parent, const gchar *what)
{
  gchar *reason;

  if (parent && *parent)
    reason = g_strdup_printf (
        "Invalid JSON payload received. Unknown name \"%s\" at '%s': %s", name,
        parent, what);
  else
    reason = g_strdup_printf (
        "Invalid JSON payload received. Unknown name \"%s\": %s", name, what);
  return fail (ctx, GLS_CLOSE_INVALID_PAYLOAD, reason);
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* proto3 JSON: integers as numbers or decimal strings. */
static gboolean
parse_int (JsonNode *node, gint64 min, gint64 max)
{
  gint64 v;

  if (is_number (node)) {
    if (json_node_get_value_type (node) == G_TYPE_INT64)
      v = json_node_get_int (node);
    else {
      gdouble d = json_node_get_double (node);
      if (d != floor (d) || d < (gdouble)min || d > (gdouble)max)
        return FALSE;
      v = (gint64)d;
    }
  } else if (is_string (node)) {
    const gchar *s = json_node_get_string (node);
    gchar *end = NULL;

    if (*s == '\0' || g_ascii_isspace (*s))
      return FALSE;
    errno = 0;
    v = g_ascii_strtoll (s, &end, 10);
    if (errno != 0 || *end != '\0')
      return FALSE;
  } else
    return FALSE;
  return v >= min && v <= max;
}

static gboolean
parse_float (JsonNode *node)
{
  if (is_number (node))
    return TRUE;
  if (is_string (node)) {
    const gchar *s = json_node_get_string (node);
    gchar *end = NULL;

    if (g_str_equal (s, "NaN") || g_str_equal (s, "Infinity")
        || g_str_equal (s, "-Infinity"))
      return TRUE;
    if (*s == '\0' || g_ascii_isspace (*s))
      return FALSE;
    g_ascii_strtod (s, &end);
    return *end == '\0';
  }
  return FALSE;
}

gboolean
gls_base64_check (const gchar *text)
{
  return gls_base64_check_len (text, strlen (text));
}

gboolean
gls_base64_check_len (const gchar *text, gsize len)
{
  gsize pad = 0, i;
  gboolean std = FALSE, url = FALSE;

  /* Padding is optional for URL-safe input, mandatory and exact otherwise. */
  while (len > 0 && text[len - 1] == '=' && pad < 2) {
    len--;
    pad++;
  }
  for (i = 0; i < len; i++) {
    gchar c = text[i];

    if (g_ascii_isalnum (c))
      continue;
    if (c == '+' || c == '/')
      std = TRUE;
    else if (c == '-' || c == '_')
      url = TRUE;
    else
      return FALSE;
  }
  if (std && url)
    return FALSE;
  if (len % 4 == 1)
    return FALSE;
  if (pad > 0 && (len + pad) % 4 != 0)
    return FALSE;
  if (pad == 0 && len % 4 != 0 && !url)
    return FALSE;
  return TRUE;
}

/* 6-bit values of both alphabets; 0xff: not a digit ('=' included) */
static guint8 b64_values[256];

static void
b64_init (void)
{
  static gsize done = 0;
  static const gchar std[]
      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  if (!g_once_init_enter (&done))
    return;
  memset (b64_values, 0xff, sizeof b64_values);
  for (guint i = 0; i < 64; i++)
    b64_values[(guchar)std[i]] = i;
  b64_values['-'] = 62;
  b64_values['_'] = 63;
  g_once_init_leave (&done, 1);
}

gsize
gls_base64_decode_into (const gchar *text, gsize len, guint8 *out)
{
  const guchar *t = (const guchar *)text;
  guint8 *o = out;
  gsize i = 0, n;

  b64_init ();
  while (len > 0 && t[len - 1] == '=')
    len--;
  /* what g_base64_decode makes of it: whole groups, then 2 or 3 digits
   * for 1 or 2 bytes; bits past the last byte are ignored */
  for (n = len / 4 * 4; i < n; i += 4) {
    guint32 v = (guint32)b64_values[t[i]] << 18
        | (guint32)b64_values[t[i + 1]] << 12
        | (guint32)b64_values[t[i + 2]] << 6 | b64_values[t[i + 3]];

    *o++ = v >> 16;
    *o++ = v >> 8;
    *o++ = v;
  }
  if (len - i >= 2) {
    guint32 v
        = (guint32)b64_values[t[i]] << 18 | (guint32)b64_values[t[i + 1]] << 12;

    if (len - i == 3)
      v |= (guint32)b64_values[t[i + 2]] << 6;
    *o++ = v >> 16;
    if (len - i == 3)
      *o++ = v >> 8;
  }
  return o - out;
}

GBytes *
gls_base64_decode (const gchar *text)
{
  gsize len = strlen (text);
  guint8 *out = g_malloc (len / 4 * 3 + 3);

  return g_bytes_new_take (out, gls_base64_decode_into (text, len, out));
}

/* ---- the walk */

static JsonNode *check_object (
    Ctx *ctx, const Msg *msg, JsonNode *node, const gchar *path);

static JsonNode *
check_single (Ctx *ctx, const Field *f, JsonNode *node, const gchar *path)
{
  switch (f->type) {
    case F_STRING:
      if (!is_string (node))
        return fail_value (ctx, path, "TYPE_STRING", node), NULL;
      break;
    case F_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return fail_value (ctx, path, "TYPE_BOOL", node), NULL;
      break;
    case F_INT32:
      if (!parse_int (node, G_MININT32, G_MAXINT32))
        return fail_value (ctx, path, "TYPE_INT32", node), NULL;
      break;
    case F_INT64:
      if (!parse_int (node, G_MININT64, G_MAXINT64))
        return fail_value (ctx, path, "TYPE_INT64", node), NULL;
      break;
    case F_FLOAT:
    case F_DOUBLE:
      if (!parse_float (node))
        return fail_value (ctx, path,
                   f->type == F_FLOAT ? "TYPE_FLOAT" : "TYPE_DOUBLE", node),
               NULL;
      break;
    case F_BYTES:
      if (!is_string (node))
        return fail_value (ctx, path, "TYPE_BYTES", node), NULL;
      if (!gls_base64_check (json_node_get_string (node))) {
        gchar *head = g_utf8_substring (json_node_get_string (node), 0,
            MIN (20, g_utf8_strlen (json_node_get_string (node), -1)));
        gchar *reason = g_strdup_printf (
            "Invalid value at '%s' (TYPE_BYTES), Base64 decoding failed "
            "for \"%s\"",
            path, head);
        g_free (head);
        fail (ctx, GLS_CLOSE_INVALID_PAYLOAD, reason);
        return NULL;
      }
      break;
    case F_ENUM: {
      const Enum *e = f->sub;
      guint n = g_strv_length ((gchar **)e->values);

      if (is_string (node)
          && g_strv_contains (e->values, json_node_get_string (node)))
        break;
      if (JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_INT64
          && json_node_get_int (node) >= 0
          && json_node_get_int (node) < (gint64)n)
        return json_node_init_string (
            json_node_alloc (), e->values[json_node_get_int (node)]);
      {
        gchar *t = full_type (ctx, e->type_name);
        fail_value (ctx, path, t, node);
        g_free (t);
        return NULL;
      }
    }
    case F_MSG:
      if (!JSON_NODE_HOLDS_OBJECT (node)) {
        gchar *t = full_type (ctx, ((const Msg *)f->sub)->type_name);
        fail_value (ctx, path, t, node);
        g_free (t);
        return NULL;
      }
      return check_object (ctx, f->sub, node, path);
    case F_MAP: {
      JsonObject *in, *out;
      JsonNode *res;
      GList *members;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail_value (ctx, path, "TYPE_MESSAGE", node), NULL;
      in = json_node_get_object (node);
      out = json_object_new ();
      members = json_object_get_members (in);
      for (GList *l = members; l; l = l->next) {
        gchar *sub_path
            = g_strdup_printf ("%s[%s]", path, (const gchar *)l->data);
        JsonNode *v = json_object_get_member (in, l->data);
        JsonNode *c = JSON_NODE_HOLDS_OBJECT (v)
            ? check_object (ctx, f->sub, v, sub_path)
            : (fail_value (ctx, sub_path, "TYPE_MESSAGE", v), NULL);
        g_free (sub_path);
        if (!c) {
          g_list_free (members);
          json_object_unref (out);
          return NULL;
        }
        json_object_set_member (out, l->data, c);
      }
      g_list_free (members);
      res = json_node_init_object (json_node_alloc (), out);
      json_object_unref (out);
      return res;
    }
    case F_STRUCT:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail_value (ctx, path,
                   "type.googleapis.com/google.protobuf.Struct", node),
               NULL;
      break;
    case F_VALUE:
      break;
    case F_DEPRECATED:
      fail (ctx, GLS_CLOSE_INVALID_PAYLOAD, g_strdup (f->sub));
      return NULL;
    case F_UNSUPPORTED:
      fail_invalid (ctx);
      return NULL;
  }
  return json_node_copy (node);
}

static const Field *
find_field (Ctx *ctx, const Msg *msg, const gchar *name)
{
  for (const Field *f = msg->fields; f->name; f++) {
    gchar *snake;
    gboolean match;

    if ((f->flags & VERTEX_ONLY) && ctx->api != GLS_API_VERTEX)
      continue;
    if ((f->flags & GEMINI_ONLY) && ctx->api != GLS_API_GEMINI)
      continue;
    if (g_str_equal (f->name, name))
      return f;
    snake = to_snake (f->name);
    match = g_str_equal (snake, name);
    g_free (snake);
    if (match)
      return f;
  }
  return NULL;
}

static JsonNode *
check_object (Ctx *ctx, const Msg *msg, JsonNode *node, const gchar *path)
{
  JsonObject *in = json_node_get_object (node), *out = json_object_new ();
  GList *members = json_object_get_members (in);
  JsonNode *res = NULL;
  GList *l;

  for (l = members; l; l = l->next) {
    const gchar *name = l->data;
    JsonNode *value = json_object_get_member (in, name);
    const Field *f = find_field (ctx, msg, name);
    gchar *snake, *sub_path;
    JsonNode *c = NULL;

    if (!f) {
      fail_unknown (ctx, name, path, "Cannot find field.");
      goto out;
    }
    /* null means "unset" in proto3 JSON */
    if (JSON_NODE_HOLDS_NULL (value) && f->type != F_VALUE)
      continue;
    snake = to_snake (f->name);
    sub_path
        = *path ? g_strdup_printf ("%s.%s", path, snake) : g_strdup (snake);
    g_free (snake);

    if (f->type == F_DEPRECATED || f->type == F_UNSUPPORTED)
      c = check_single (ctx, f, value, sub_path);
    else if (f->repeated) {
      JsonArray *arr, *out_arr;

      if (!JSON_NODE_HOLDS_ARRAY (value)) {
        fail_value (ctx, sub_path, "TYPE_REPEATED", value);
        g_free (sub_path);
        goto out;
      }
      arr = json_node_get_array (value);
      out_arr = json_array_new ();
      for (guint i = 0; i < json_array_get_length (arr); i++) {
        gchar *elem_path = g_strdup_printf ("%s[%u]", sub_path, i);
        JsonNode *e
            = check_single (ctx, f, json_array_get_element (arr, i), elem_path);
        g_free (elem_path);
        if (!e)
          break;
        json_array_add_element (out_arr, e);
      }
      if (json_array_get_length (out_arr) == json_array_get_length (arr))
        c = json_node_init_array (json_node_alloc (), out_arr);
      json_array_unref (out_arr);
    } else if (JSON_NODE_HOLDS_ARRAY (value) && f->type != F_VALUE)
      fail_unknown (
          ctx, name, path, "Proto field is not repeating, cannot start list.");
    else
      c = check_single (ctx, f, value, sub_path);
    g_free (sub_path);
    if (!c)
      goto out;
    json_object_set_member (out, f->name, c);
  }
  res = json_node_init_object (json_node_alloc (), out);
out:
  g_list_free (members);
  json_object_unref (out);
  return res;
}

/* ---- checks the proto-JSON layer cannot express */

static gboolean
valid_function_name (const gchar *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 64)
    return FALSE;
  for (const gchar *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("_:.-", *p))
      return FALSE;
  return g_ascii_isalpha (name[0]) || name[0] == '_';
}

static gboolean
check_tools (Ctx *ctx, JsonArray *tools)
{
  for (guint i = 0; tools && i < json_array_get_length (tools); i++) {
    JsonObject *tool = json_array_get_object_element (tools, i);
    JsonArray *decls;

    if (!json_object_has_member (tool, "functionDeclarations"))
      continue;
    decls = json_object_get_array_member (tool, "functionDeclarations");
    for (guint j = 0; j < json_array_get_length (decls); j++) {
      JsonObject *d = json_array_get_object_element (decls, j);
      const gchar *name
          = json_object_get_string_member_with_default (d, "name", "");

      if (!valid_function_name (name))
        return fail_invalid (ctx);
      if (json_object_has_member (d, "parameters")
          && json_object_has_member (d, "parametersJsonSchema"))
        return fail_invalid (ctx);
      /* Vertex runs functions synchronously only: pipecat reports it
       * refusing NON_BLOCKING, and the SDK refused "behavior" on Vertex
       * altogether until May 2026 (BLOCKING is allowed since) */
      if (ctx->api == GLS_API_VERTEX
          && !g_strcmp0 (
              json_object_get_string_member_with_default (d, "behavior", NULL),
              "NON_BLOCKING"))
        return fail_invalid (ctx);
    }
  }
  return TRUE;
}

static gboolean
check_content_roles (Ctx *ctx, JsonObject *content)
{
  const gchar *role
      = json_object_get_string_member_with_default (content, "role", "user");

  if (!g_str_equal (role, "user") && !g_str_equal (role, "model")
      && !g_str_equal (role, ""))
    return fail_invalid (ctx);
  return TRUE;
}

static gboolean
valid_audio_mime (const gchar *mime)
{
  const gchar *rate;

  if (g_str_equal (mime, "audio/pcm"))
    return TRUE;
  if (!g_str_has_prefix (mime, "audio/pcm;rate="))
    return FALSE;
  rate = mime + strlen ("audio/pcm;rate=");
  if (!*rate || strlen (rate) > 6)
    return FALSE;
  for (const gchar *p = rate; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return atoi (rate) > 0;
}

static gboolean
check_semantics (Ctx *ctx, GlsMsgKind kind, JsonObject *body)
{
  switch (kind) {
    case GLS_MSG_SETUP: {
      JsonObject *gc;

      if (!json_object_has_member (body, "model"))
        return fail_invalid (ctx);
      if (json_object_has_member (body, "tools")
          && !check_tools (ctx, json_object_get_array_member (body, "tools")))
        return FALSE;
      if (json_object_has_member (body, "systemInstruction")
          && !check_content_roles (
              ctx, json_object_get_object_member (body, "systemInstruction")))
        return FALSE;
      gc = json_object_has_member (body, "generationConfig")
          ? json_object_get_object_member (body, "generationConfig")
          : NULL;
      /* exactly one response modality per session */
      if (gc && json_object_has_member (gc, "responseModalities")
          && json_array_get_length (
                 json_object_get_array_member (gc, "responseModalities"))
              > 1)
        return fail_invalid (ctx);
      return TRUE;
    }
    case GLS_MSG_CLIENT_CONTENT: {
      JsonArray *turns = json_object_has_member (body, "turns")
          ? json_object_get_array_member (body, "turns")
          : NULL;

      for (guint i = 0; turns && i < json_array_get_length (turns); i++)
        if (!check_content_roles (
                ctx, json_array_get_object_element (turns, i)))
          return FALSE;
      return TRUE;
    }
    case GLS_MSG_REALTIME_INPUT: {
      JsonObject *blob = NULL;

      /* the SDK and the service want one field per message */
      if (json_object_get_size (body) != 1)
        return fail_invalid (ctx);
      if (json_object_has_member (body, "audio")) {
        blob = json_object_get_object_member (body, "audio");
        if (!valid_audio_mime (json_object_get_string_member_with_default (
                blob, "mimeType", "")))
          return fail_invalid (ctx);
      }
      if (json_object_has_member (body, "video")) {
        blob = json_object_get_object_member (body, "video");
        if (!g_str_has_prefix (json_object_get_string_member_with_default (
                                   blob, "mimeType", ""),
                "image/"))
          return fail_invalid (ctx);
      }
      return TRUE;
    }
    case GLS_MSG_TOOL_RESPONSE: {
      JsonArray *resps = json_object_has_member (body, "functionResponses")
          ? json_object_get_array_member (body, "functionResponses")
          : NULL;

      if (!resps || json_array_get_length (resps) == 0)
        return fail_invalid (ctx);
      /* ids are required on the Gemini API; Vertex may omit them */
      for (guint i = 0; i < json_array_get_length (resps); i++)
        if (ctx->api == GLS_API_GEMINI
            && !json_object_has_member (
                json_array_get_object_element (resps, i), "id"))
          return fail_invalid (ctx);
      return TRUE;
    }
    case GLS_MSG_CONTEXT_UPDATE:
      if (json_object_has_member (body, "tools")) {
        JsonObject *w = json_object_get_object_member (body, "tools");
        if (json_object_has_member (w, "tools")
            && !check_tools (ctx, json_object_get_array_member (w, "tools")))
          return FALSE;
      }
      return TRUE;
  }
  return TRUE;
}

JsonNode *
gls_schema_validate (const gchar *data, gsize len, GlsApi api,
    const gchar *api_version, GlsMsgKind *kind, GlsViolation *violation)
{
  Ctx ctx = { api, api_version, violation };
  JsonParser *parser = json_parser_new ();
  JsonNode *root, *norm = NULL;
  JsonObject *obj;
  GList *members;

  violation->code = 0;
  violation->reason = NULL;
  violation->rule = GLS_RULE_SCHEMA;
  if (!g_utf8_validate (data, len, NULL)
      || !json_parser_load_from_data (parser, data, len, NULL)
      || !(root = json_parser_get_root (parser))
      || !JSON_NODE_HOLDS_OBJECT (root)) {
    fail_invalid (&ctx);
    goto out;
  }
  obj = json_node_get_object (root);
  /* unknown names first, as the parser does, then the oneof */
  norm = check_object (&ctx, &m_client_message, root, "");
  if (!norm)
    goto out;
  members = json_object_get_members (json_node_get_object (norm));
  if (g_list_length (members) != 1 || json_object_get_size (obj) != 1) {
    g_list_free (members);
    fail_invalid (&ctx);
    g_clear_pointer (&norm, json_node_unref);
    goto out;
  }
  for (guint i = 0; m_client_message_fields[i].name; i++)
    if (g_str_equal (m_client_message_fields[i].name, members->data))
      *kind = (GlsMsgKind)i;
  g_list_free (members);
  if (!check_semantics (&ctx, *kind,
          json_node_get_object (
              json_object_get_member (json_node_get_object (norm),
                  m_client_message_fields[*kind].name))))
    g_clear_pointer (&norm, json_node_unref);
out:
  g_object_unref (parser);
  return norm;
}

/* ---- the common case, without a tree
 *
 * Most client messages are realtimeInput audio. Those whose text has the
 * plain shape {"realtimeInput": {"audio": {"mimeType": "...", "data":
 * "..."}}} (camelCase names, either order of the two, JSON whitespace
 * between tokens, strings of printable ASCII without escapes) are checked
 * here without building a tree: the same checks as gls_schema_validate
 * (audio MIME type, strict base64), which accepts exactly these messages
 * with the same result. Anything else (another shape, an escape, a
 * violation) is left to gls_schema_validate, which also words the
 * violation. */

static const gchar *
skip_ws (const gchar *p, const gchar *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* Whitespace, then the character c. */
static gboolean
take_char (const gchar **p, const gchar *end, gchar c)
{
  const gchar *q = skip_ws (*p, end);

  if (q == end || *q != c)
    return FALSE;
  *p = q + 1;
  return TRUE;
}

/* Whitespace, then a string of printable ASCII without escapes. */
static gboolean
take_string (const gchar **p, const gchar *end, const gchar **s, gsize *len)
{
  const gchar *q = skip_ws (*p, end), *start;

  if (q == end || *q != '"')
    return FALSE;
  start = ++q;
  while (q < end && *q != '"') {
    if (*q < 0x20 || *q > 0x7e || *q == '\\')
      return FALSE;
    q++;
  }
  if (q == end)
    return FALSE;
  *s = start;
  *len = q - start;
  *p = q + 1;
  return TRUE;
}

static gboolean
take_name (const gchar **p, const gchar *end, const gchar *name)
{
  const gchar *s;
  gsize len;

  return take_string (p, end, &s, &len) && len == strlen (name)
      && memcmp (s, name, len) == 0 && take_char (p, end, ':');
}

gboolean
gls_schema_fast_audio (const gchar *data, gsize len, gchar mime[32],
    const gchar **b64, gsize *b64_len)
{
  const gchar *p = data, *end = data + len, *m = NULL, *d = NULL, *name, *v;
  gsize m_len = 0, d_len = 0, name_len, v_len;

  if (!take_char (&p, end, '{') || !take_name (&p, end, "realtimeInput")
      || !take_char (&p, end, '{') || !take_name (&p, end, "audio")
      || !take_char (&p, end, '{'))
    return FALSE;
  for (guint i = 0; i < 2; i++) {
    if ((i > 0 && !take_char (&p, end, ','))
        || !take_string (&p, end, &name, &name_len) || !take_char (&p, end, ':')
        || !take_string (&p, end, &v, &v_len))
      return FALSE;
    if (name_len == 8 && memcmp (name, "mimeType", 8) == 0 && !m) {
      m = v;
      m_len = v_len;
    } else if (name_len == 4 && memcmp (name, "data", 4) == 0 && !d) {
      d = v;
      d_len = v_len;
    } else
      return FALSE;
  }
  if (!take_char (&p, end, '}') || !take_char (&p, end, '}')
      || !take_char (&p, end, '}') || skip_ws (p, end) != end)
    return FALSE;
  if (m_len >= 32)
    return FALSE;
  memcpy (mime, m, m_len);
  mime[m_len] = '\0';
  if (!valid_audio_mime (mime) || !gls_base64_check_len (d, d_len))
    return FALSE;
  *b64 = d;
  *b64_len = d_len;
  return TRUE;
}

/* ---- output */

static void
pretty_string (GString *out, const gchar *s)
{
  g_string_append_c (out, '"');
  for (const gchar *p = s; *p; p++) {
    guchar c = *p;

    switch (c) {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      default:
        if (c < 0x20)
          g_string_append_printf (out, "\\u%04x", c);
        else
          g_string_append_c (out, c);
    }
  }
  g_string_append_c (out, '"');
}

static void
pretty_node (GString *out, JsonNode *node, guint depth)
{
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT: {
      JsonObject *o = json_node_get_object (node);
      GList *members = json_object_get_members (o);

      if (!members) {
        g_string_append (out, "{}");
        break;
      }
      g_string_append (out, "{\n");
      for (GList *l = members; l; l = l->next) {
        g_string_append_printf (out, "%*s", (depth + 1) * 2, "");
        pretty_string (out, l->data);
        g_string_append (out, ": ");
        pretty_node (out, json_object_get_member (o, l->data), depth + 1);
        g_string_append (out, l->next ? ",\n" : "\n");
      }
      g_string_append_printf (out, "%*s}", depth * 2, "");
      g_list_free (members);
      break;
    }
    case JSON_NODE_ARRAY: {
      JsonArray *a = json_node_get_array (node);
      guint n = json_array_get_length (a);

      if (n == 0) {
        g_string_append (out, "[]");
        break;
      }
      g_string_append (out, "[\n");
      for (guint i = 0; i < n; i++) {
        g_string_append_printf (out, "%*s", (depth + 1) * 2, "");
        pretty_node (out, json_array_get_element (a, i), depth + 1);
        g_string_append (out, i + 1 < n ? ",\n" : "\n");
      }
      g_string_append_printf (out, "%*s]", depth * 2, "");
      break;
    }
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node)) {
        case G_TYPE_STRING:
          pretty_string (out, json_node_get_string (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (
              out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_INT64:
          g_string_append_printf (
              out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        default: {
          gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append (out,
              g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
        }
      }
      break;
  }
}

gchar *
gls_json_pretty (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  pretty_node (out, node, 0);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}
