/* gst-gemini-live
 * Copyright (C) 2026 The gst-gemini-live authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A short scheduler time slice for a streaming thread (Linux 6.12 and
 * later, EEVDF): a thread that asks for a slice shorter than the running
 * thread's may preempt it when it wakes, instead of waiting for that
 * thread's slice (about 1.4 ms on 2 cores) to run out. Nothing else
 * changes: no priority, no share of the CPU, no privileges needed.
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_GEMINI_LIVE_SLICE_MIN_US 100
#define GST_GEMINI_LIVE_SLICE_MAX_US 100000

/* Every thread that runs task asks for slice_us from when it enters the
 * task until it leaves it, when its previous attributes come back. Only
 * threads of the normal policy are changed (real-time, batch and idle
 * threads are left as they are). 0 does nothing. Call when the task is
 * created (GST_STREAM_STATUS_TYPE_CREATE), before it starts. */
void gst_gemini_live_slice_attach (GstTask *task, guint slice_us);

/* The calling thread's slice in microseconds as the kernel reports it, or
 * 0 where it reports none (before Linux 6.12, or not Linux). */
guint gst_gemini_live_slice_get_current (void);

G_END_DECLS
