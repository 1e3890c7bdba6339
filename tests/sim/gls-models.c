/* gemini-live-sim: what each model accepts, as data.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One table, one row per model and API, each with its sources. Where the
 * service's behaviour is not known the row takes the strict side (refuses)
 * and docs/simulator.md says so. Sources: "doc" (ai.google.dev,
 * docs.cloud.google.com), "sdk" (python-genai / js-genai), "rec" (the
 * js-genai recordings in tests/data), "3p" (third-party reports), all as
 * collected in PROTOCOL.md and PEERS.md.
 */
#include "gls-models.h"

#include <string.h>

#define G GLS_MODEL_GEMINI
#define V GLS_MODEL_VERTEX
#define TEXT GLS_MODALITY_TEXT
#define AUDIO GLS_MODALITY_AUDIO
#define VIDEO GLS_MODALITY_VIDEO
#define SEARCH GLS_TOOL_SEARCH
#define CODE GLS_TOOL_CODE
#define URL GLS_TOOL_URL
#define NO GLS_SUPPORT_NO
#define YES GLS_SUPPORT_YES
#define V1ALPHA GLS_SUPPORT_V1ALPHA
#define ALWAYS GLS_SUPPORT_ALWAYS

/* Half-cascade (native audio in, text, TTS out): both modalities, code
 * execution, no native-audio features. */
#define HALF_CASCADE                                                           \
  TEXT | AUDIO, NO, NO, FALSE, GLS_THINKING_NONE, FALSE, SEARCH | CODE, FALSE, \
      FALSE
/* 2.5 native audio: audio only, proactive audio and affective dialog
 * (v1alpha on the Gemini API), NON_BLOCKING functions, thinkingBudget,
 * Google Search only. */
#define NATIVE_25(proactive)                                                   \
  AUDIO, proactive, proactive, TRUE, GLS_THINKING_BUDGET, FALSE, SEARCH,       \
      FALSE, FALSE

static const GlsModel models[] = {
  { "gemini-2.0-flash-live-001", G, HALF_CASCADE,
      "doc: half-cascade, TEXT and AUDIO, code execution (PROTOCOL.md 3.1.4, "
      "7); strict: no NON_BLOCKING, no thinkingConfig" },
  { "gemini-live-2.5-flash-preview", G, HALF_CASCADE,
      "rec: TEXT modality, executableCode before a toolCall; doc: code "
      "execution on half-cascade models; strict: no NON_BLOCKING, no "
      "thinkingConfig" },
  { "gemini-2.5-flash-preview-native-audio-dialog", G, NATIVE_25 (V1ALPHA),
      "doc: native audio (AUDIO only), proactive audio and affective dialog "
      "on v1alpha (3p: LiveKit switches to v1alpha for them), async "
      "functions, thinkingBudget; code execution and URL context not "
      "supported" },
  { "gemini-2.5-flash-exp-native-audio-thinking-dialog", G, NATIVE_25 (V1ALPHA),
      "as gemini-2.5-flash-preview-native-audio-dialog" },
  { "gemini-2.5-flash-native-audio-preview-09-2025", G, NATIVE_25 (V1ALPHA),
      "as gemini-2.5-flash-preview-native-audio-dialog" },
  { "gemini-2.5-flash-native-audio-preview-12-2025", G, NATIVE_25 (V1ALPHA),
      "doc: async functions, proactive audio and affective dialog (v1alpha)" },
  { "gemini-2.5-flash-native-audio-latest", G, NATIVE_25 (V1ALPHA),
      "3p: alias of the latest 2.5 native-audio model" },
  { "gemini-3.1-flash-live-preview", G, AUDIO, NO, NO, FALSE,
      GLS_THINKING_LEVEL, TRUE, SEARCH, FALSE, FALSE,
      "doc: AUDIO only, no proactive audio, no affective dialog, synchronous "
      "functions only, thinkingLevel MINIMAL..HIGH, clientContent only as "
      "initial history with historyConfig; 3p: mastra#18368 clientContent "
      "without historyConfig closed 1007 'Request contains an invalid "
      "argument.', pipecat: no NON_BLOCKING and no scheduling; strict: no "
      "thinkingBudget, no contextUpdate" },
  { "gemini-3.8-live", G, AUDIO, ALWAYS, NO, TRUE, GLS_THINKING_NONE, FALSE,
      SEARCH, FALSE, TRUE,
      "doc: AUDIO, proactive audio always on (false is an error), affective "
      "dialog removed, NON_BLOCKING by default, no thinkingConfig, "
      "clientContent throughout, contextUpdate" },
  { "gemini-3.8-live-extended-thinking", G, AUDIO, ALWAYS, NO, TRUE,
      GLS_THINKING_LEVEL_NO_MINIMAL, FALSE, SEARCH, FALSE, TRUE,
      "doc: as gemini-3.8-live, with thinkingLevel LOW..HIGH (no MINIMAL)" },
  { "gemini-3.5-live-translate-preview", G, AUDIO, NO, NO, FALSE,
      GLS_THINKING_NONE, FALSE, 0, TRUE, FALSE,
      "3p: interpretab (translationConfig in generationConfig, AUDIO); "
      "strict: no tools, no native-audio features" },
  { "gemini-3.5-transcribe-live", G, TEXT, NO, NO, FALSE, GLS_THINKING_NONE,
      FALSE, 0, FALSE, FALSE,
      "3p citing doc: streaming ASR, responseModalities TEXT with "
      "inputAudioTranscription; strict: nothing else" },
  { "gemini-2.0-flash-live-preview-04-09", V, HALF_CASCADE,
      "rec: Vertex recordings (TEXT and AUDIO, tools); strict: no "
      "NON_BLOCKING (also refused on Vertex for every model), no "
      "thinkingConfig" },
  { "gemini-live-2.5-flash", V, HALF_CASCADE,
      "doc: Vertex half-cascade GA; strict as gemini-2.0-flash-live-preview-"
      "04-09" },
  { "gemini-live-2.5-flash-preview-native-audio-09-2025", V, NATIVE_25 (YES),
      "doc: Vertex native audio (AUDIO only, proactive audio, affective "
      "dialog, thinkingBudget); NON_BLOCKING is refused on Vertex (3p: "
      "pipecat)" },
  { "gemini-live-2.5-flash-native-audio", V, NATIVE_25 (YES),
      "doc: Vertex native audio GA; as the 09-2025 preview" },
  { "gemini-3.8-live", V, AUDIO | VIDEO, ALWAYS, NO, TRUE, GLS_THINKING_NONE,
      FALSE, SEARCH, FALSE, TRUE,
      "doc: as on the Gemini API, plus VIDEO output (avatar); the Vertex "
      "guide's affective dialog 'on by default' is unconfirmed: strict, "
      "refused" },
  { "gemini-3.5-transcribe-live-preview", V, TEXT, NO, NO, FALSE,
      GLS_THINKING_NONE, FALSE, 0, FALSE, FALSE,
      "3p: Vertex streaming ASR; as gemini-3.5-transcribe-live" },
  { NULL },
};

const GlsModel *
gls_models_table (void)
{
  return models;
}

const GlsModel *
gls_models_lookup (GlsApi api, const gchar *id)
{
  for (const GlsModel *m = models; m->id; m++)
    if ((m->apis & (1u << api)) && g_str_equal (m->id, id))
      return m;
  return NULL;
}

gboolean
gls_schema_model_known (GlsApi api, const gchar *id)
{
  return gls_models_lookup (api, id) != NULL;
}

/* ---- checks */

static gboolean
refuse (GlsViolation *v)
{
  v->code = GLS_CLOSE_INVALID_PAYLOAD;
  v->reason = g_strdup (GLS_REASON_INVALID_ARGUMENT);
  v->rule = GLS_RULE_CAPABILITY;
  return FALSE;
}

/* A field this API version does not know: an unknown name, as the
 * proto-JSON parser words it. */
static gboolean
refuse_unknown (GlsViolation *v, const gchar *name, const gchar *parent)
{
  v->code = GLS_CLOSE_INVALID_PAYLOAD;
  v->reason = g_strdup_printf ("Invalid JSON payload received. Unknown name "
                               "\"%s\" at '%s': Cannot find field.",
      name, parent);
  v->rule = GLS_RULE_CAPABILITY;
  return FALSE;
}

static JsonObject *
obj (JsonObject *o, const gchar *name)
{
  return o && json_object_has_member (o, name)
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, name))
      ? json_object_get_object_member (o, name)
      : NULL;
}

static gboolean
check_support (GlsSupport support, GlsApi api, const gchar *version,
    gboolean value, const gchar *name, const gchar *parent, GlsViolation *v)
{
  switch (support) {
    case GLS_SUPPORT_NO:
      return refuse (v);
    case GLS_SUPPORT_V1ALPHA:
      if (api == GLS_API_GEMINI && g_strcmp0 (version, "v1alpha") != 0)
        return refuse_unknown (v, name, parent);
      return TRUE;
    case GLS_SUPPORT_ALWAYS:
      return value ? TRUE : refuse (v);
    case GLS_SUPPORT_YES:
      break;
  }
  return TRUE;
}

gboolean
gls_models_check_tools (
    const GlsModel *model, JsonArray *tools, GlsViolation *v)
{
  for (guint i = 0; tools && i < json_array_get_length (tools); i++) {
    JsonObject *tool = json_array_get_object_element (tools, i);
    GList *members = json_object_get_members (tool);
    gboolean ok = TRUE;

    for (GList *l = members; l && ok; l = l->next) {
      const gchar *name = l->data;
      guint bit = g_str_equal (name, "googleSearch") ? GLS_TOOL_SEARCH
          : g_str_equal (name, "codeExecution")      ? GLS_TOOL_CODE
          : g_str_equal (name, "urlContext")         ? GLS_TOOL_URL
                                                     : 0;

      if (g_str_equal (name, "functionDeclarations")) {
        JsonArray *decls = json_object_get_array_member (tool, name);

        for (guint j = 0; ok && j < json_array_get_length (decls); j++) {
          const gchar *behavior = json_object_get_string_member_with_default (
              json_array_get_object_element (decls, j), "behavior", "");

          if (g_str_equal (behavior, "NON_BLOCKING") && !model->non_blocking)
            ok = refuse (v);
        }
      } else if (!(bit & model->tools)) {
        /* a built-in tool the model does not list (Google Maps and the
         * tools not documented for Live included) */
        ok = refuse (v);
      }
    }
    g_list_free (members);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

gboolean
gls_models_check_setup (const GlsModel *model, GlsApi api, const gchar *version,
    JsonObject *setup, GlsViolation *v)
{
  JsonObject *gc = obj (setup, "generationConfig");
  JsonObject *thinking = obj (gc, "thinkingConfig");
  JsonObject *proactivity = obj (setup, "proactivity");

  if (gc && json_object_has_member (gc, "responseModalities")) {
    JsonArray *m = json_object_get_array_member (gc, "responseModalities");

    for (guint i = 0; i < json_array_get_length (m); i++) {
      const gchar *name = json_array_get_string_element (m, i);
      guint bit = g_str_equal (name, "TEXT") ? GLS_MODALITY_TEXT
          : g_str_equal (name, "AUDIO")      ? GLS_MODALITY_AUDIO
          : g_str_equal (name, "VIDEO")      ? GLS_MODALITY_VIDEO
                                             : 0;

      if (!(bit & model->modalities))
        return refuse (v);
    }
  }
  if (proactivity
      && !check_support (model->proactivity, api, version,
          json_object_get_boolean_member_with_default (
              proactivity, "proactiveAudio", FALSE),
          "proactivity", "setup", v))
    return FALSE;
  if (gc && json_object_has_member (gc, "enableAffectiveDialog")
      && !check_support (model->affective_dialog, api, version,
          json_object_get_boolean_member (gc, "enableAffectiveDialog"),
          "enableAffectiveDialog", "setup.generation_config", v))
    return FALSE;
  if (thinking) {
    gboolean budget = json_object_has_member (thinking, "thinkingBudget");
    gboolean level = json_object_has_member (thinking, "thinkingLevel");

    /* the two are exclusive on every model (doc) */
    if (budget && level)
      return refuse (v);
    switch (model->thinking) {
      case GLS_THINKING_NONE:
        return refuse (v);
      case GLS_THINKING_BUDGET:
        if (level)
          return refuse (v);
        break;
      case GLS_THINKING_LEVEL_NO_MINIMAL:
        if (level
            && g_str_equal (
                json_object_get_string_member (thinking, "thinkingLevel"),
                "MINIMAL"))
          return refuse (v);
        /* fall through */
      case GLS_THINKING_LEVEL:
        if (budget)
          return refuse (v);
        break;
    }
  }
  if (gc && json_object_has_member (gc, "translationConfig")
      && !model->translation)
    return refuse (v);
  if (json_object_has_member (setup, "tools")
      && !gls_models_check_tools (
          model, json_object_get_array_member (setup, "tools"), v))
    return FALSE;
  return TRUE;
}
