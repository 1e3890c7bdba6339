/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plain driver for a fuzz target, built with the project's compiler: runs
 * every file named on the command line (directories: every regular file
 * in them, sorted) through LLVMFuzzerTestOneInput() once. A crash or a
 * broken invariant aborts, so `meson test` (and valgrind, sanitizer
 * builds) check the whole committed corpus on every run.
 */
#include "fuzz-common.h"

static gboolean
run_file (const gchar *path, guint *count)
{
  GError *error = NULL;
  gchar *data;
  gsize size;

  if (!g_file_get_contents (path, &data, &size, &error)) {
    g_printerr ("%s\n", error->message);
    g_error_free (error);
    return FALSE;
  }
  if (g_getenv ("FUZZ_REPLAY_VERBOSE") != NULL)
    g_printerr ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, size);
  /* A copy of exactly `size` bytes, so reading past the end is caught. */
  {
    guint8 *exact = g_memdup2 (data, size);

    LLVMFuzzerTestOneInput (exact, size);
    g_free (exact);
  }
  g_free (data);
  (*count)++;
  return TRUE;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar *const *)a, *(const gchar *const *)b);
}

static gboolean
run_dir (const gchar *path, guint *count)
{
  GError *error = NULL;
  GDir *dir = g_dir_open (path, 0, &error);
  GPtrArray *names;
  const gchar *name;
  gboolean ok = TRUE;
  guint i;

  if (dir == NULL) {
    g_printerr ("%s\n", error->message);
    g_error_free (error);
    return FALSE;
  }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL) {
    gchar *full = g_build_filename (path, name, NULL);

    if (g_file_test (full, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add (names, full);
    else
      g_free (full);
  }
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_strings);
  for (i = 0; i < names->len; i++)
    ok &= run_file (g_ptr_array_index (names, i), count);
  g_ptr_array_unref (names);
  return ok;
}

int
main (int argc, char **argv)
{
  gboolean ok = TRUE;
  guint count = 0;
  int i;

  if (argc < 2) {
    g_printerr ("usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  LLVMFuzzerInitialize (&argc, &argv);
  for (i = 1; i < argc; i++) {
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
      ok &= run_dir (argv[i], &count);
    else
      ok &= run_file (argv[i], &count);
  }
  {
    gchar *name = g_path_get_basename (argv[0]);

    g_print ("%s: replayed %u inputs\n", name, count);
    g_free (name);
  }
  if (count == 0) {
    g_printerr ("no inputs\n");
    return 1;
  }
  return ok ? 0 : 1;
}
