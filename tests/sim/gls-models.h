/* gemini-live-sim: what each model accepts, as data.
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gls-schema.h"

G_BEGIN_DECLS

/* Which APIs serve a model (GlsApi as bits). */
#define GLS_MODEL_GEMINI (1u << GLS_API_GEMINI)
#define GLS_MODEL_VERTEX (1u << GLS_API_VERTEX)

/* responseModalities a model answers in */
#define GLS_MODALITY_TEXT (1u << 0)
#define GLS_MODALITY_AUDIO (1u << 1)
#define GLS_MODALITY_VIDEO (1u << 2)

/* built-in tools a model takes beside functionDeclarations (every model
 * takes those); any other tool is refused */
#define GLS_TOOL_SEARCH (1u << 0)
#define GLS_TOOL_CODE (1u << 1)
#define GLS_TOOL_URL (1u << 2)

typedef enum
{
  GLS_SUPPORT_NO,      /* the setup field is refused */
  GLS_SUPPORT_YES,     /* accepted */
  GLS_SUPPORT_V1ALPHA, /* on the Gemini API only in v1alpha (an unknown
                        * name elsewhere); accepted on Vertex */
  GLS_SUPPORT_ALWAYS,  /* always on: accepted when true, refused false */
} GlsSupport;

typedef enum
{
  GLS_THINKING_NONE,             /* no thinkingConfig at all */
  GLS_THINKING_BUDGET,           /* thinkingBudget (and includeThoughts) */
  GLS_THINKING_LEVEL,            /* thinkingLevel, MINIMAL to HIGH */
  GLS_THINKING_LEVEL_NO_MINIMAL, /* thinkingLevel LOW to HIGH */
} GlsThinking;

typedef struct
{
  const gchar *id;  /* as after models/ or publishers/google/models/ */
  guint apis;       /* GLS_MODEL_* */
  guint modalities; /* GLS_MODALITY_* */
  GlsSupport proactivity;
  GlsSupport affective_dialog;
  gboolean non_blocking; /* NON_BLOCKING functions; scheduling and
                            * willContinue in tool responses */
  GlsThinking thinking;
  gboolean seed_only;      /* clientContent only as initial history, with
                            * historyConfig.initialHistoryInClientContent */
  guint tools;             /* GLS_TOOL_* */
  gboolean translation;    /* generationConfig.translationConfig */
  gboolean context_update; /* contextUpdate messages */
  const gchar *source;     /* where the row's facts come from */
} GlsModel;

/* The row for a model id on an API; NULL if the API does not serve it. */
const GlsModel *gls_models_lookup (GlsApi api, const gchar *id);
/* Every row, NULL-terminated by a row with a NULL id. */
const GlsModel *gls_models_table (void);

/* Checks a normalised setup object against the model's row (api_version:
 * the version in the request path). FALSE fills violation (free its
 * reason with g_free). */
gboolean gls_models_check_setup (const GlsModel *model, GlsApi api,
    const gchar *api_version, JsonObject *setup, GlsViolation *violation);
/* The same for the tools of a contextUpdate (or of a setup). */
gboolean gls_models_check_tools (
    const GlsModel *model, JsonArray *tools, GlsViolation *violation);

G_END_DECLS
