/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the libFuzzer targets and the plain replay driver (replay.c).
 * A target is one LLVMFuzzerTestOneInput(); FUZZ_CHECK() turns a broken
 * invariant into an abort, which both libFuzzer and the replay test report
 * as a crash with the failing condition on stderr.
 */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                  \
  do {                                                                         \
    if (G_UNLIKELY (!(cond))) {                                                \
      fprintf (                                                                \
          stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf (stderr, __VA_ARGS__);                                           \
      fputc ('\n', stderr);                                                    \
      abort ();                                                                \
    }                                                                          \
  } while (0)

/* Semantic invariants (valid UTF-8, output that parses back as JSON) can
 * be switched off with FUZZ_CHECKS=memory to hunt for memory errors only,
 * past a known semantic finding. Memory safety is always checked. */
static inline gboolean
fuzz_semantic_checks (void)
{
  static gint enabled = -1;

  if (enabled < 0)
    enabled = g_strcmp0 (g_getenv ("FUZZ_CHECKS"), "memory") != 0;
  return enabled;
}

/* Known findings (docs/robustness.md, F1-F5) that are not fixed yet. With
 * FUZZ_SKIP_KNOWN=1 (run.sh sets it) inputs that can only rediscover them
 * are skipped, so a bounded run searches past them; the replay test never
 * skips, so their reproducers fail it until the code is fixed. */
static inline gboolean
fuzz_skip_known (void)
{
  static gint enabled = -1;

  if (enabled < 0)
    enabled = g_strcmp0 (g_getenv ("FUZZ_SKIP_KNOWN"), "1") == 0;
  return enabled;
}

/* TRUE for JSON text that hits F4 (below), F2 (a comment, which json-glib skips
 * and the depth check does not) or F3 (several top-level values, which
 * json-glib 1.6 accepts, leaking all but the last). Over-approximates. */
static inline gboolean
fuzz_json_known_issue (const gchar *data, gsize size)
{
  guint depth = 0, values = 0;
  gboolean in_scalar = FALSE;
  gsize i;

  for (i = 0; i < size; i++) {
    gchar c = data[i];

    if (c == '/' && i + 1 < size && (data[i + 1] == '*' || data[i + 1] == '/'))
      return TRUE;
    if (c == '"' || c == '\'') {
      gchar quote = c;

      if (depth == 0)
        values++;
      for (i++; i < size && data[i] != quote; i++) {
        /* F4: a \uD800-\uDFFF escape (json-glib writes invalid
         * UTF-8 for it, or leaks on error). */
        if (data[i] == '\\' && i + 3 < size && data[i + 1] == 'u'
            && (data[i + 2] == 'd' || data[i + 2] == 'D')
            && strchr ("89abcdefABCDEF", data[i + 3]) != NULL
            && data[i + 3] != '\0')
          return TRUE;
        /* F4: json-glib's scanner also takes C octal escapes ("\233"),
         * which yield any byte. */
        if (data[i] == '\\' && i + 1 < size && g_ascii_isdigit (data[i + 1]))
          return TRUE;
        if (data[i] == '\\')
          i++;
      }
      in_scalar = FALSE;
    } else if (c == '{' || c == '[') {
      if (depth++ == 0)
        values++;
      in_scalar = FALSE;
    } else if (c == '}' || c == ']') {
      if (depth > 0)
        depth--;
      in_scalar = FALSE;
    } else if (depth == 0) {
      if (g_ascii_isspace (c))
        in_scalar = FALSE;
      else if (!in_scalar) {
        values++;
        in_scalar = TRUE;
      }
    }
  }
  return values > 1;
}

/* F1: json-glib serialises an out-of-range number as "inf.0" and a double
 * printed with an exponent as e.g. "2e+17.0"; neither is JSON. */
static inline gboolean
fuzz_json_known_bad_number (const gchar *json)
{
  const gchar *p;

  if (strstr (json, "inf") != NULL)
    return TRUE;
  for (p = strchr (json, 'e'); p != NULL; p = strchr (p + 1, 'e')) {
    const gchar *q = p + 1;

    if (*q == '+' || *q == '-')
      q++;
    if (!g_ascii_isdigit (*q))
      continue;
    while (g_ascii_isdigit (*q))
      q++;
    if (q[0] == '.' && q[1] == '0')
      return TRUE;
  }
  return FALSE;
}

/* GLib criticals (a g_return_if_fail hit) and warnings are bugs here: the
 * pure layer reports bad input through GError and WARNING events only. */
static inline void
fuzz_init_glib (void)
{
  g_log_set_always_fatal (
      G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

G_END_DECLS
